"""ImportBatch: what every reader hands to the workspace, whatever the source format."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

#: The id a reader uses for "the workspace's owner" when its source names no owner (e.g. a
#: Mastodon following_accounts.csv): the workspace replaces it by its owner when importing.
OWNER_ALIAS = "@me"


@dataclass
class ImportBatch:
    """Rows of the generic tables read from one source, plus what the source cannot tell.

    ``tables`` maps table names of :data:`innercircle.model.TABLES` to a pandas DataFrame or a
    pyarrow Table whose columns carry the generic names (a subset is fine; missing columns are
    unknown). Ids are strings; timestamps are UTC (naive or tz-aware datetimes); counts are
    integers with missing values as null; booleans likewise. The workspace casts and validates.
    """

    format: str
    source: str
    tables: dict[str, Any] = field(default_factory=dict)
    owner: str | None = None
    unknown: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    #: table name -> the file it was read from, so errors can name the file
    files: dict[str, str] = field(default_factory=dict)

    def skip(self, what: str, n: int = 1) -> None:
        """Count rows left out (self-follows, duplicates, unreadable records), by reason."""
        if n:
            self.skipped[what] = self.skipped.get(what, 0) + n

    def damaged(self, label: str, problem: str, *, skipped: str, read: str = "") -> None:
        """A truncated or corrupt file: an InputError, unless ``--partial`` asked for the readable part.

        With ``--partial`` the problem becomes a note (``read`` says what was read before it) and
        ``skipped`` is counted among the rows left out, so the summary lists it.
        """
        from ..errors import InputError
        from .options import current

        if not current().partial:
            raise InputError(problem, file=label,
                             hint="the file is truncated or corrupt: download it again, or import "
                                  "the readable part with --partial")
        self.notes.append(f"{label}: {problem}" + (f"; {read}" if read else "") + " (--partial)")
        self.skip(skipped)


def reader(what: str, *, hint: str):
    """Decorate a reader's ``read(path, ...)`` so that only InputError leaves it (the reader contract):
    any other exception from a hostile or broken file becomes one line naming the file."""

    def wrap(read: Callable[..., ImportBatch]) -> Callable[..., ImportBatch]:
        @functools.wraps(read)
        def guarded(path, *args, **kwargs) -> ImportBatch:
            with guard(what, file=str(path), hint=hint):
                return check_rows(read(Path(path), *args, **kwargs))
        return guarded
    return wrap


def check_rows(batch: ImportBatch) -> ImportBatch:
    """Refuse a batch with a table over the row limit (``--max-rows``), naming the table's file.

    Streamed readers (generic tables, edge lists) stop at the limit while reading; the archive
    readers (X, LinkedIn, Mastodon, Bluesky) hold what they read in memory, bounded by the size
    limit, and are held to the same row limit here, before anything reaches the workspace.
    """
    from ..errors import InputError
    from .options import current

    limit = current().max_rows
    for name, table in batch.tables.items():
        if table is None or isinstance(table, (str, Path)):  # a streamed file: limited while it was read
            continue
        rows = table.num_rows if hasattr(table, "num_rows") else len(table)
        if rows > limit:
            raise InputError(f"the {name} table holds {rows:,} rows, more than the limit of {limit:,}",
                             file=batch.files.get(name) or batch.source,
                             hint="raise the limit with import --max-rows N if this is really one network")
    return batch


@contextlib.contextmanager
def guard(what: str, *, file: str, hint: str | None = None) -> Iterator[None]:
    """Inside the block, any exception but InputError (a decompression error, an out-of-range
    number, a library's own complaint about hostile bytes) becomes one InputError naming ``file``.

    MemoryError and RecursionError are included: hostile nesting or sizes must not crash the tool.
    """
    from ..errors import InputError

    try:
        yield
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - the contract: only InputError leaves a reader
        raise InputError(f"cannot read {what} ({type(e).__name__}: {' '.join(str(e).split())[:120]})",
                         file=file, hint=hint) from None
