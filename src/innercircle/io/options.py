"""How far a read may go: limits on size and rows, the accepted time range, and ``--partial``.

One :class:`ReadOptions` is in force while a source is read (:func:`using`); readers ask for it
with :func:`current` instead of growing a keyword for every limit. The defaults are documented in
docs/import-format.md; ``innercircle import`` has an option to raise each of them.

>>> current().max_rows
100000000
>>> with using(ReadOptions(max_rows=5)):
...     current().max_rows
5
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

GiB = 1 << 30

#: The earliest time a source may hold unless widened (no social network predates it much).
EARLIEST = datetime(2000, 1, 1)


@dataclass(frozen=True)
class ReadOptions:
    """Limits in force while reading one source.

    ``max_bytes``: the total uncompressed size an archive may hold; ``max_rows``: rows per table;
    ``earliest``: the oldest time accepted (the newest is always one day after the import);
    ``partial``: import the readable part of a truncated or corrupt file and list what was skipped,
    instead of refusing the import.
    """

    max_bytes: int = 128 * GiB
    max_rows: int = 100_000_000
    earliest: datetime = EARLIEST
    partial: bool = False


_CURRENT: contextvars.ContextVar[ReadOptions] = contextvars.ContextVar("read_options", default=ReadOptions())


def current() -> ReadOptions:
    """The options in force (the defaults outside :func:`using`)."""
    return _CURRENT.get()


@contextlib.contextmanager
def using(options: ReadOptions) -> Iterator[ReadOptions]:
    """Put ``options`` in force for the reads inside the block."""
    token = _CURRENT.set(options)
    try:
        yield options
    finally:
        _CURRENT.reset(token)
