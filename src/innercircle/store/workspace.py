"""The DuckDB workspace: the current network, its snapshots, and imports that are all or nothing.

Layout of the database file:

* ``<table>_raw`` for follows, interactions, posts, groups and memberships: every row ever imported,
  tagged with the snapshot that brought it. Nothing is deleted from these, so older snapshots stay on
  record (new and lost followers, tier moves).
* ``<table>``: the **current network**, the distinct rows of the snapshots that are still current.
  A snapshot stops being current when the same source is imported again (``superseded_by``).
* ``accounts``: one row per account id, merged across imports (the newer known value of each field
  wins); every id named anywhere has a row, with an unknown profile when no source described it.
* ``snapshots``: one row per import (when, from what source, row counts, facts it cannot tell).
* ``settings``: key/value pairs, e.g. ``me`` (the owner) and ``values`` (the owner's stated values).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError, UsageError
from ..io.batch import OWNER_ALIAS, ImportBatch
from ..model import FREE_TEXT, KINDS, REQUIRED, TABLES

#: Tables whose rows belong to snapshots (accounts are merged instead).
SNAPSHOT_TABLES = ("follows", "interactions", "posts", "groups", "memberships")


_TEXT_TRUE = "('true','t','1','yes','y')"
_TEXT_FALSE = "('false','f','0','no','n')"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns_sql(table: str) -> str:
    return ", ".join(f"{_q(c)} {t}" for c, t in TABLES[table].items())


class Workspace:
    """A workspace file. Open with :func:`innercircle.open`; tables come out as DataFrames.

    >>> ws = open_workspace(":memory:")
    >>> ws.owner is None
    True
    """

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False):
        import duckdb

        self.path = str(path)
        if self.path != ":memory:":
            _sweep_import_copies(Path(self.path))
        try:
            self.con = _connect(self.path, read_only=read_only)
        except duckdb.Error as e:
            raise InputError(f"cannot open the workspace: {e}", file=self.path,
                             hint="is it a DuckDB file written by innercircle, and not open elsewhere?") from None
        if not read_only:
            self._ensure_schema()

    def __repr__(self) -> str:
        return f"<Workspace {self.path!r} owner={self.owner!r}>"

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        c = self.con
        c.execute("CREATE TABLE IF NOT EXISTS settings (key VARCHAR PRIMARY KEY, value VARCHAR)")
        c.execute("""CREATE TABLE IF NOT EXISTS snapshots (
            id INTEGER, source VARCHAR, source_key VARCHAR, format VARCHAR, imported_at TIMESTAMP,
            owner VARCHAR, counts VARCHAR, unknown VARCHAR, notes VARCHAR, superseded_by INTEGER)""")
        c.execute(f"CREATE TABLE IF NOT EXISTS accounts ({_columns_sql('accounts')}, extra VARCHAR, "
                  "snapshot INTEGER)")
        for t in SNAPSHOT_TABLES:
            c.execute(f"CREATE TABLE IF NOT EXISTS {t}_raw ({_columns_sql(t)}, snapshot INTEGER)")
            if not self._relation_kind(t):
                self._set_current(t, [])

    # -- reading ------------------------------------------------------------------------------

    def sql(self, query: str, params: Any = None):
        """Run SQL against the workspace and return a pandas DataFrame."""
        return self.con.execute(query, params).df() if params is not None else self.con.sql(query).df()

    def table(self, name: str):
        """A table of the current network (or ``snapshots``/``settings``) as a DataFrame."""
        if name not in TABLES and name not in ("snapshots", "settings"):
            raise UsageError(f"no table named {name!r}",
                             hint=f"choose one of {', '.join(list(TABLES) + ['snapshots'])}")
        return self.sql(f"SELECT * FROM {_q(name)}")

    @property
    def owner(self) -> str | None:
        """The owner's account id ("me"), or None when no import or --me named one."""
        return self.get_setting("me")

    def set_owner(self, me: str) -> None:
        self.set_setting("me", str(me))

    def get_setting(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str | None) -> None:
        self.con.execute("DELETE FROM settings WHERE key = ?", [key])
        if value is not None:
            self.con.execute("INSERT INTO settings VALUES (?, ?)", [key, str(value)])

    @property
    def unknown(self) -> frozenset[str]:
        """Facts that no current snapshot can tell (e.g. "followers"): results say unknown, not 0."""
        rows = self.con.execute("SELECT unknown, counts FROM snapshots WHERE superseded_by IS NULL").fetchall()
        if not rows:
            return frozenset()
        sets = [set(json.loads(r[0] or "[]")) for r in rows]
        # a source with no interactions table (an edge list, a follows file) records no interaction at all
        for s, (_, counts) in zip(sets, rows):
            if "interactions" not in json.loads(counts or "{}"):
                s.add("interactions")
        return frozenset(set.intersection(*sets))

    def snapshots(self):
        """Every import on record, oldest first, as a DataFrame."""
        return self.sql("SELECT * FROM snapshots ORDER BY id")

    def follows_at(self, snapshot: int):
        """The follow edges of the network as it was right after snapshot ``snapshot``."""
        return self.sql(
            "SELECT DISTINCT follower, followee FROM follows_raw f JOIN snapshots s ON f.snapshot = s.id "
            "WHERE s.id <= ? AND (s.superseded_by IS NULL OR s.superseded_by > ?)", [snapshot, snapshot])

    def counts(self) -> dict[str, int]:
        """Rows in each current table."""
        return {t: self.con.execute(f"SELECT count(*) FROM {_q(t)}").fetchone()[0] for t in TABLES}

    # -- writing ------------------------------------------------------------------------------

    def import_batch(self, batch: ImportBatch, *, me: str | None = None, replace: bool = False,
                     source_key: str | None = None) -> dict:
        """Write ``batch`` as one snapshot, in one transaction: all of it, or nothing.

        Returns a summary: ``snapshot``, ``source``, ``format``, ``counts`` (rows per table),
        ``skipped`` (rows left out, by reason), ``superseded`` (the snapshot it replaced, if any),
        ``owner`` and ``notes``.

        A workspace file is never written in place: the import works on a copy next to it, which
        replaces the file in one rename when the import is complete. Stopped at any point (an
        error, Ctrl+C, SIGTERM, ``kill -9``, a power cut), the file is exactly as it was.
        """
        with self._working_copy():
            return self._import(batch, me=me, replace=replace, source_key=source_key)

    @contextlib.contextmanager
    def _working_copy(self) -> Iterator[None]:
        """Point ``self.con`` at a copy of the file for the block; on success the copy replaces it.

        The original stays open (and locked against other writers) until the rename. DuckDB writes
        a large transaction's rows into the file before it commits, so an import killed late would
        otherwise leave the file larger than before; a copy that is thrown away leaves nothing.
        """
        if self.path == ":memory:":
            yield
            return
        import duckdb

        original, target = self.con, Path(self.path)
        original.execute("CHECKPOINT")  # everything in the file itself, nothing in the .wal
        copy = target.with_name(f".{target.name}.importing-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            shutil.copyfile(target, copy)
            self.con = _connect(str(copy))
            yield
            self.con.close()
            original.close()
            os.replace(copy, target)
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self.con.close()
            self.con = original
            _remove_copy(copy)
            raise
        self.con = _connect(self.path)

    def _import(self, batch: ImportBatch, *, me: str | None, replace: bool, source_key: str | None) -> dict:
        import duckdb

        owner = str(me) if me is not None else (batch.owner or (None if replace else self.owner))
        skipped = dict(batch.skipped)
        staged = self._stage(batch, owner, skipped)
        key = source_key or _source_key(batch)
        c = self.con
        c.execute("BEGIN TRANSACTION")
        try:
            if replace:
                self._clear()
            sid = c.execute("SELECT coalesce(max(id), 0) + 1 FROM snapshots").fetchone()[0]
            old = c.execute("SELECT id FROM snapshots WHERE source_key = ? AND superseded_by IS NULL",
                            [key]).fetchall()
            counts = {t: c.execute(f"SELECT count(*) FROM {staged[t]}").fetchone()[0] for t in staged}
            for t in SNAPSHOT_TABLES:
                if t in staged:
                    cols = ", ".join(_q(col) for col in TABLES[t])
                    c.execute(f"INSERT INTO {t}_raw SELECT {cols}, {sid} FROM {staged[t]}")
            c.execute("UPDATE snapshots SET superseded_by = ? WHERE source_key = ? AND superseded_by IS NULL",
                      [sid, key])
            c.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)", [
                sid, batch.source, key, batch.format, _now(), owner, json.dumps(counts),
                json.dumps(sorted(batch.unknown)), json.dumps(batch.notes)])
            self._refresh_current()
            if me is not None or batch.owner:
                self.set_owner(owner)  # before the merge, so the owner always has an account row
            self._merge_accounts(staged.get("accounts"), sid)
            c.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # an interrupted query has rolled back already
                c.execute("ROLLBACK")
            raise
        finally:
            with contextlib.suppress(duckdb.Error):
                for name in staged.values():
                    c.execute(f"DROP TABLE IF EXISTS {name}")
        return {"snapshot": sid, "source": batch.source, "format": batch.format, "counts": counts,
                "skipped": skipped, "superseded": [r[0] for r in old], "owner": self.owner,
                "notes": list(batch.notes),
                # a source without an interactions table records none: say so beside its own unknowns
                "unknown": sorted(set(batch.unknown) | ({"interactions"} if "interactions" not in counts else set()))}

    def _clear(self) -> None:
        for t in SNAPSHOT_TABLES:
            self.con.execute(f"DELETE FROM {t}_raw")
        for t in ("accounts", "snapshots", "settings"):
            self.con.execute(f"DELETE FROM {t}")

    def _relation_kind(self, name: str) -> str | None:
        row = self.con.execute("SELECT 'view' FROM duckdb_views() WHERE view_name = ? AND NOT internal "
                               "UNION ALL SELECT 'table' FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                               [name, name]).fetchall()
        return row[0][0] if row else None

    def _set_current(self, t: str, snapshots: list[int]) -> None:
        """Make ``t`` the current rows of ``snapshots``.

        One contributing snapshot (the common case) needs no copy: ``t`` is a view over its raw rows,
        which were de-duplicated when staged. Several are united into a table, distinct rows only.
        """
        kind = self._relation_kind(t)
        if kind:
            self.con.execute(f"DROP {kind.upper()} {t}")
        cols = ", ".join(_q(col) for col in TABLES[t])
        ids = ", ".join(str(int(s)) for s in snapshots) or "NULL"
        if len(snapshots) <= 1:
            self.con.execute(f"CREATE VIEW {t} AS SELECT {cols} FROM {t}_raw WHERE snapshot IN ({ids})")
        elif t == "follows":
            self.con.execute(f"CREATE TABLE follows AS SELECT follower, followee, min(since) AS since "
                             f"FROM follows_raw WHERE snapshot IN ({ids}) GROUP BY follower, followee")
        elif t == "groups":
            self.con.execute(f'CREATE TABLE groups AS SELECT "group", arg_max(name, snapshot) AS name, '
                             f'arg_max(members_count, snapshot) AS members_count FROM groups_raw '
                             f'WHERE snapshot IN ({ids}) GROUP BY "group"')
        else:
            self.con.execute(f"CREATE TABLE {t} AS SELECT DISTINCT {cols} FROM {t}_raw WHERE snapshot IN ({ids})")

    def _refresh_current(self) -> None:
        """Point each current table at the rows of the snapshots that are still current."""
        rows = self.con.execute("SELECT id, counts FROM snapshots WHERE superseded_by IS NULL ORDER BY id").fetchall()
        for t in SNAPSHOT_TABLES:
            self._set_current(t, [sid for sid, counts in rows if json.loads(counts or "{}").get(t)])

    def _merge_accounts(self, staged_accounts: str | None, sid: int) -> None:
        """Merge new profiles by id (newer known values win); give every named id a row."""
        c = self.con
        cols = list(TABLES["accounts"])
        if staged_accounts:
            merged = ", ".join(f"coalesce(n.{_q(col)}, o.{_q(col)}) AS {_q(col)}" for col in cols)
            c.execute(f"""CREATE OR REPLACE TEMP TABLE _merged AS
                SELECT {merged}, coalesce(n.extra, o.extra) AS extra, coalesce(n.snapshot, o.snapshot) AS snapshot
                FROM (SELECT *, {sid} AS snapshot FROM {staged_accounts}) n
                FULL OUTER JOIN accounts o ON n.id = o.id""")
            c.execute("DELETE FROM accounts")
            c.execute("INSERT INTO accounts SELECT * FROM _merged")
            c.execute("DROP TABLE _merged")
        named = " UNION ".join([
            "SELECT follower AS id FROM follows", "SELECT followee FROM follows",
            "SELECT actor FROM interactions", "SELECT target FROM interactions",
            "SELECT author FROM posts WHERE author IS NOT NULL", "SELECT account FROM memberships",
            "SELECT value FROM settings WHERE key = 'me'"])
        c.execute(f"INSERT INTO accounts (id, snapshot) SELECT n.id, {sid} FROM ({named}) n "
                  "ANTI JOIN accounts a ON n.id = a.id WHERE n.id IS NOT NULL")

    # -- staging: cast and validate a batch before anything is written --------------------------

    def _stage(self, batch: ImportBatch, owner: str | None, skipped: dict[str, int]) -> dict[str, str]:
        staged: dict[str, str] = {}
        try:
            for name, data in batch.tables.items():
                if name not in TABLES:
                    raise InputError(f"unknown table {name!r}", file=batch.source)
                if data is None:
                    continue
                staged[name] = _Stager(self.con, batch, name, data, owner, skipped).run()
        except BaseException:
            for t in staged.values():
                self.con.execute(f"DROP TABLE IF EXISTS {t}")
            raise
        return staged


class _Stager:
    """Turns one input table into a typed, validated temp table ``_stage_<name>``.

    The input is registered with DuckDB, a typed view is laid over it (casts, the owner alias,
    defaults), every check reads that view, and one statement materialises the de-duplicated rows.
    """

    def __init__(self, con, batch: ImportBatch, name: str, data, owner: str | None, skipped: dict[str, int]):
        self.con, self.batch, self.name, self.data = con, batch, name, data
        self.owner, self.skipped = owner, skipped
        self.file = batch.files.get(name) or batch.source
        self.now = _now()
        self.view, self.typed, self.target = f"_in_{name}", f"_typed_{name}", f"_stage_{name}"

    def run(self) -> str:
        import numpy as np
        import pyarrow as pa

        data = self.data
        if isinstance(data, (str, Path)):  # a Parquet file a reader streamed to the scratch folder
            where = str(data).replace("'", "''")
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {self.view} AS SELECT * FROM read_parquet('{where}')")
        else:
            if not isinstance(data, pa.Table):
                data = pa.Table.from_pandas(data, preserve_index=False)
            if "_line" not in data.column_names:
                data = data.append_column("_line", pa.array(np.arange(2, data.num_rows + 2, dtype="int64")))
            self.con.register(self.view, data)
        try:
            types = dict(self.con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {self.view})").fetchall())
            self._check_columns(types)
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW {self.typed} AS {self._typed_sql(types)}")
            try:
                self._check_owner()
                self._check_required()
                self._check_values()
                getattr(self, f"_finish_{self.name}", self._finish_default)()
            finally:
                self.con.execute(f"DROP VIEW IF EXISTS {self.typed}")
        finally:
            if isinstance(data, (str, Path)):
                self.con.execute(f"DROP VIEW IF EXISTS {self.view}")
            else:
                self.con.unregister(self.view)
        return self.target

    def _error(self, message: str, row: int | None = None, field: str | None = None, hint: str | None = None):
        raise InputError(message, file=self.file, row=row, field=field, hint=hint)

    def _count(self, sql: str, params=None) -> int:
        return self.con.execute(sql, params).fetchone()[0] if params else self.con.execute(sql).fetchone()[0]

    # -- the typed view -------------------------------------------------------------------------

    def _check_columns(self, types: dict[str, str]) -> None:
        odd = next((c for c in types if _CONTROL.search(c)), None)
        if odd is not None:
            self._error(f"the column name {odd[:60]!r} holds a control character", row=1,
                        hint="rename the column")
        for col in REQUIRED[self.name]:
            if col not in types:
                header = ", ".join(c for c in types if c != "_line")
                self._error(f"missing required column '{col}'", hint=f"add a '{col}' column (the header has: {header})")
        for col, typ in TABLES[self.name].items():
            if col in types:
                self._check_cast(col, typ, types[col])

    def _typed_sql(self, types: dict[str, str]) -> str:
        spec = TABLES[self.name]
        exprs = [f"{self._finish_expr(col, self._cast(col, typ, types[col]) if col in types else f'NULL::{typ}')} "
                 f"AS {_q(col)}" for col, typ in spec.items()]
        if self.name == "accounts":
            extra = [c for c in types if c not in spec and c != "_line"]
            pairs = ", ".join("'" + c.replace("'", "''") + f"': {_q(c)}" for c in extra)
            exprs.append(f"to_json({{{pairs}}})::VARCHAR AS extra" if extra else "NULL::VARCHAR AS extra")
        return f"SELECT {', '.join(exprs)}, _line FROM {self.view}"

    def _finish_expr(self, col: str, expr: str) -> str:
        """Defaults and normalisation folded into the typed view."""
        if col in _ID_COLUMNS.get(self.name, ()) and self.owner is not None:
            owner = self.owner.replace("'", "''")
            return f"CASE WHEN {expr} = '{OWNER_ALIAS}' THEN '{owner}' ELSE {expr} END"
        if self.name == "interactions" and col == "kind":
            return f"lower(trim({expr}))"
        if self.name == "interactions" and col == "weight":
            return f"coalesce({expr}, 1.0)"
        if self.name == "accounts" and col == "tags":
            return f"lower({expr})"
        if self.name == "accounts" and col == "observed_at":
            return f"coalesce({expr}, TIMESTAMP '{_now().isoformat(sep=' ')}')"
        return expr

    def _cast(self, col: str, typ: str, src: str) -> str:
        c = _q(col)
        text = src == "VARCHAR"
        if typ == "VARCHAR":
            expr = f"CAST({c} AS VARCHAR)" if not text else c
            return expr if col in FREE_TEXT else f"nullif({expr}, '')"
        if not text:
            if typ == "TIMESTAMP" and src.startswith("TIMESTAMP WITH"):
                return f"CAST({c} AS TIMESTAMP)"
            if typ == "TIMESTAMP" and _NUMERIC.match(src):
                return _epoch_sql(f"TRY_CAST({c} AS DOUBLE)")
            if typ == "BIGINT":
                return _whole_sql(f"TRY_CAST({c} AS DOUBLE)")
            return f"TRY_CAST({c} AS {typ})"
        t = f"nullif(trim({c}), '')"
        if typ == "TIMESTAMP":
            return (f"CASE WHEN regexp_full_match({t}, '-?[0-9]+(\\.[0-9]+)?') "
                    f"THEN {_epoch_sql(f'TRY_CAST({t} AS DOUBLE)')} "
                    f"ELSE CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP) END")
        if typ == "BOOLEAN":
            return (f"CASE WHEN lower({t}) IN {_TEXT_TRUE} THEN true "
                    f"WHEN lower({t}) IN {_TEXT_FALSE} THEN false END")
        if typ == "BIGINT":
            return _whole_sql(f"TRY_CAST({t} AS DOUBLE)")
        return f"TRY_CAST({t} AS {typ})"

    # -- checks ---------------------------------------------------------------------------------

    def _check_cast(self, col: str, typ: str, src: str) -> None:
        if typ == "VARCHAR":
            return
        raw = _q(col) if src == "VARCHAR" else f"CAST({_q(col)} AS VARCHAR)"
        bad = self.con.execute(
            f"SELECT _line, {raw} FROM {self.view} WHERE nullif(trim({raw}), '') IS NOT NULL "
            f"AND ({self._cast(col, typ, src)}) IS NULL ORDER BY _line LIMIT 1").fetchone()
        if bad:
            what = {"TIMESTAMP": "a date (ISO 8601, e.g. 2024-05-01T12:00:00Z, or Unix seconds, milliseconds "
                                      "or microseconds between the years 1 and 9999)",
                    "BOOLEAN": "true or false", "BIGINT": "a whole number", "DOUBLE": "a number"}[typ]
            self._error(f"cannot read {str(bad[1])[:60]!r} as {what}", row=bad[0], field=col,
                        hint="fix or empty the cell (empty means unknown)")

    def _check_values(self) -> None:
        """One scan for values that can be read but must not be stored (see :func:`_value_rules`)."""
        from ..io.options import current

        rules = _value_rules(self.name, current().earliest, self.now)
        if not rules:
            return
        conds = [f"coalesce({cond}, false)" for _, cond, _, _ in rules]
        bad = self.con.execute(f"SELECT _line, [{', '.join(conds)}] FROM {self.typed} WHERE {' OR '.join(conds)} "
                               "ORDER BY _line LIMIT 1").fetchone()
        if bad:
            col, _, message, hint = rules[bad[1].index(True)]
            value = self._count(f"SELECT {_q(col)}::VARCHAR FROM {self.typed} WHERE _line = ? LIMIT 1", [bad[0]])
            self._error(message.format(value=repr(value[:60]) if isinstance(value, str) else value),
                        row=bad[0], field=col, hint=hint)

    def _check_owner(self) -> None:
        if self.owner is not None:
            return
        for col in _ID_COLUMNS.get(self.name, ()):
            if self._count(f"SELECT count(*) FROM {self.typed} WHERE {_q(col)} = ?", [OWNER_ALIAS]):
                self._error(f"this source names no owner ('{col}' refers to the owner)", field=col,
                            hint="import a source that names the owner first, or give --me ID")

    def _check_required(self) -> None:
        for col in REQUIRED[self.name]:
            bad = self.con.execute(f"SELECT _line FROM {self.typed} WHERE {_q(col)} IS NULL OR trim({_q(col)}) = '' "
                                   "ORDER BY _line LIMIT 1").fetchone()
            if bad:
                self._error("required value is empty", row=bad[0], field=col, hint="fill it in or drop the row")

    # -- materialising --------------------------------------------------------------------------

    def _materialise(self, columns: list[str], where: str = "") -> int:
        """Distinct rows of the typed view (the first row number kept); returns how many were dropped."""
        cols = ", ".join(_q(c) for c in columns)
        before = self._count(f"SELECT count(*) FROM {self.typed} {where}")
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {self.target} AS SELECT {cols}, min(_line) AS _line "
                         f"FROM {self.typed} {where} GROUP BY ALL")
        return before - self._count(f"SELECT count(*) FROM {self.target}")

    def _skip(self, label: str, n: int) -> None:
        if n:
            self.skipped[label] = self.skipped.get(label, 0) + n

    def _finish_default(self) -> None:
        self._skip(f"duplicate {self.name} rows", self._materialise(list(TABLES[self.name])))

    def _finish_follows(self) -> None:
        loops = self._count(f"SELECT count(*) FROM {self.typed} WHERE follower = followee")
        self._skip("self-follows", loops)
        cols = ", ".join(_q(c) for c in ("follower", "followee"))
        before = self._count(f"SELECT count(*) FROM {self.typed} WHERE follower <> followee")
        # One hash aggregate drops duplicate edges, keeping the earliest 'since'.
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {self.target} AS SELECT {cols}, min(since) AS since, "
                         f"min(_line) AS _line FROM {self.typed} WHERE follower <> followee GROUP BY ALL")
        self._skip("duplicate follows", before - self._count(f"SELECT count(*) FROM {self.target}"))

    def _finish_interactions(self) -> None:
        kinds = ", ".join(f"'{k}'" for k in KINDS)
        bad = self.con.execute(f"SELECT _line, kind FROM {self.typed} WHERE kind NOT IN ({kinds}) "
                               "ORDER BY _line LIMIT 1").fetchone()
        if bad:
            self._error(f"unknown kind {bad[1]!r}", row=bad[0], field="kind", hint=f"use one of: {', '.join(KINDS)}")
        self._finish_default()

    def _finish_accounts(self) -> None:
        fields = [c for c in TABLES["accounts"] if c != "id"]
        self._skip("duplicate account rows", self._materialise(list(TABLES["accounts"]) + ["extra"]))
        conflict = self.con.execute(
            f"SELECT id, list(_line ORDER BY _line) FROM {self.target} GROUP BY id HAVING count(*) > 1 "
            "ORDER BY min(_line) LIMIT 1").fetchone()
        if conflict:
            lines = conflict[1]
            a, b = (self.con.execute(f"SELECT * FROM {self.target} WHERE _line = ?", [ln]).fetchone()
                    for ln in lines[:2])
            names = [d[0] for d in self.con.execute(f"SELECT * FROM {self.target} LIMIT 0").description]
            field = next((n for n, x, y in zip(names, a, b) if n in fields and x != y), "id")
            self._error(f"account {str(conflict[0])[:40]!r} appears again (first on row {lines[0]}) "
                        f"with a different {field}", row=lines[1], field=field, hint="keep one row per account id")


_ID_COLUMNS = {"follows": ("follower", "followee"), "interactions": ("actor", "target"), "posts": ("author",),
               "memberships": ("account",)}
#: Every column that holds an id: no control characters (they break lines, terminals and CSV).
_IDS = {"accounts": ("id",), "follows": ("follower", "followee"), "interactions": ("actor", "target", "post"),
        "posts": ("id", "author", "reply_to"), "groups": ("group",), "memberships": ("group", "account")}
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_NUMERIC = re.compile(r"^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT"
                      r"|DOUBLE|FLOAT|DECIMAL.*)$")
#: Seconds from 1970 of 0001-01-01 and 9999-12-31: beyond them no timestamp exists (cannot read).
_EPOCH_MIN, _EPOCH_MAX = -62135596800, 253402300799
#: One day: a time later than the import by more than this is an error (clocks and zones differ).
FUTURE_SLACK_DAYS = 1


def _epoch_sql(x: str) -> str:
    """A number as a time: seconds since 1970; from 10^11 milliseconds, from 10^14 microseconds.

    A number too large for any timestamp becomes NULL (reported as unreadable), never an error
    from inside DuckDB.
    """
    sec = (f"(CASE WHEN abs({x}) >= 1e14 THEN {x} / 1e6 WHEN abs({x}) >= 1e11 THEN {x} / 1e3 "
           f"ELSE {x} END)")
    return (f"(CASE WHEN isfinite({x}) AND {sec} BETWEEN {_EPOCH_MIN} AND {_EPOCH_MAX} "
            f"THEN CAST(to_timestamp({sec}) AS TIMESTAMP) END)")


def _whole_sql(x: str) -> str:
    """A number as a count: whole numbers only (``1.5`` and ``1e30`` are unreadable, not rounded)."""
    return f"(CASE WHEN isfinite({x}) AND {x} = trunc({x}) THEN TRY_CAST({x} AS BIGINT) END)"


def _value_rules(table: str, earliest: datetime, now: datetime) -> list[tuple[str, str, str, str]]:
    """(column, SQL condition true for a bad value, message, hint) for the values of ``table``."""
    from datetime import timedelta

    latest = now + timedelta(days=FUTURE_SLACK_DAYS)
    fix = "fix or empty the cell (empty means unknown)"
    rules = []
    for col, typ in TABLES[table].items():
        c = _q(col)
        if typ == "TIMESTAMP":
            rules.append((col, f"{c} < TIMESTAMP '{earliest:%Y-%m-%d %H:%M:%S}'",
                          f"the time {{value}} is before {earliest:%Y-%m-%d}, the earliest accepted",
                          "fix the cell, or accept older times with --earliest DATE"))
            rules.append((col, f"{c} > TIMESTAMP '{latest:%Y-%m-%d %H:%M:%S}'",
                          "the time {value} lies in the future (more than a day after the import)",
                          "check the time zone and the unit (seconds, milliseconds, microseconds)"))
        elif typ == "DOUBLE":
            rules.append((col, f"NOT isfinite({c}) OR {c} < 0", "the weight {value} is not a finite number ≥ 0", fix))
        elif typ == "BIGINT":
            rules.append((col, f"{c} < 0", "the count {value} is negative", fix))
        elif col in _IDS.get(table, ()):
            rules.append((col, f"regexp_matches({c}, '[[:cntrl:]]')",
                          "the id {value} holds a control character (a line break, tab or NUL)", fix))
        elif typ == "VARCHAR":
            rules.append((col, f"contains({c}, chr(0))", "the text {value} holds a NUL byte", fix))
    return rules


def _connect(path: str, *, read_only: bool = False):
    """A DuckDB connection with a spill folder, and a memory limit where it writes (imports), so a
    big import spills to disk instead of swelling.

    The limit is ``$INNERCIRCLE_MEMORY_LIMIT`` (default 1GB, DuckDB's own units); read-only and
    in-memory workspaces keep DuckDB's default. Spill files go to the process's scratch folder, which is
    removed however the process ends.
    """
    import duckdb

    from ..tempfiles import scratch

    config = {"temp_directory": str(scratch() / "duckdb")}
    if not read_only and path != ":memory:":  # an in-memory database cannot spill its tables
        config["memory_limit"] = memory_limit("1GB")
    con = duckdb.connect(path, read_only=read_only, config=config)
    con.execute("SET TimeZone='UTC'")
    # DuckDB draws its own progress bar on stdout for long queries: never let it near --json.
    con.execute("SET enable_progress_bar = false")
    return con


def memory_limit(default: str) -> str:
    """DuckDB's memory limit: ``$INNERCIRCLE_MEMORY_LIMIT`` (DuckDB's units, e.g. ``4GB``) or ``default``.

    >>> memory_limit("1GB")
    '1GB'
    """
    value = os.environ.get("INNERCIRCLE_MEMORY_LIMIT", default).strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value, re.IGNORECASE):
        raise UsageError(f"$INNERCIRCLE_MEMORY_LIMIT is {value!r}: give a size such as 4GB or 512MB")
    return value


def _remove_copy(copy: Path) -> None:
    for p in (copy, Path(f"{copy}.wal")):
        with contextlib.suppress(FileNotFoundError):
            os.remove(p)


def _sweep_import_copies(target: Path) -> None:
    """Remove the working copies that imports killed with ``kill -9`` left next to ``target``."""
    from ..tempfiles import alive

    pattern = re.compile(rf"^\.{re.escape(target.name)}\.importing-(\d+)-[0-9a-f]{{8}}(\.wal)?$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent if str(target.parent) else "."):
            m = pattern.match(entry.name)
            if m and not alive(int(m.group(1))):
                _remove_copy(Path(entry.path.removesuffix(".wal")))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _source_key(batch: ImportBatch) -> str:
    """Which earlier snapshot a batch replaces: the same format and the same source name with its
    digits removed, so that ``export-2026-01.zip`` and ``export-2026-03.zip`` are one source."""
    name = Path(str(batch.source).rstrip("/\\")).name or str(batch.source)
    return f"{batch.format}:{re.sub(r'[0-9]+', '#', name.lower())}"


def open_workspace(path: str | Path = ":memory:", *, read_only: bool = False) -> Workspace:
    """Open (or create) the workspace file at ``path``; ``":memory:"`` for a throwaway one."""
    return Workspace(path, read_only=read_only)
