"""ImportBatch: what every reader hands to the workspace, whatever the source format."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

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


def reader(what: str, *, hint: str):
    """Decorate a reader's ``read(path, ...)`` so that only InputError leaves it (the reader contract):
    any other exception from a hostile or broken file becomes one line naming the file."""
    from ..errors import InputError

    def wrap(read: Callable[..., ImportBatch]) -> Callable[..., ImportBatch]:
        @functools.wraps(read)
        def guarded(path, *args, **kwargs) -> ImportBatch:
            try:
                return read(Path(path), *args, **kwargs)
            except InputError:
                raise
            except Exception as e:  # noqa: BLE001 - the contract: only InputError leaves a reader
                raise InputError(f"cannot read {what} ({type(e).__name__}: {' '.join(str(e).split())[:120]})",
                                 file=str(path), hint=hint) from None
        return guarded
    return wrap
