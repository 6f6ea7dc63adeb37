"""The DuckDB workspace, and the only place innercircle writes SQL.

- :mod:`.workspace`: the workspace file, its snapshots, and imports that are all or nothing;
- :mod:`.queries`: named queries the results layer reads (``store.queries.owner_counts(con, me)``);
- :mod:`.tags`: tagging accounts from a list of ids, handles, URLs or e-mails.
"""

from __future__ import annotations

from .workspace import SNAPSHOT_TABLES, Workspace, open_workspace

__all__ = ["SNAPSHOT_TABLES", "Workspace", "open_workspace"]
