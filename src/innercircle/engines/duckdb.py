"""The DuckDB engine: the shared logic inside the workspace's own database, on one machine."""

from __future__ import annotations

from typing import Callable

from ..model import TABLES
from ..store.workspace import memory_limit

#: The five relations of the shared logic, as views over the workspace tables (times in microseconds).
VIEWS = {
    "ic_accounts": "SELECT {accounts} FROM accounts",
    "ic_follows": "SELECT follower, followee, epoch_us(since) AS since_us FROM follows",
    "ic_interactions": 'SELECT actor, target, kind, post, coalesce(weight, 1.0) AS weight, epoch_us("at") AS t '
                       "FROM interactions",
    "ic_posts": 'SELECT id, author, epoch_us("at") AS t FROM posts',
}

_TYPES = {"string": "VARCHAR", "double": "DOUBLE", "long": "BIGINT", "boolean": "BOOLEAN"}


#: DuckDB's memory limit for the engine, unless ``$INNERCIRCLE_MEMORY_LIMIT`` names another.
ENGINE_MEMORY_LIMIT = "4GB"


class DuckDBEngine:
    """Runs the shared logic on a workspace's DuckDB connection (its own cursor; temp views only)."""

    name = "duckdb"
    steps_per_query = 2  # PageRank steps chained in one query (DuckDB plans long join chains slowly)

    def __init__(self, ws):
        self.ws = ws
        self.con = ws.con.cursor()
        # The many-owner joins (mutual follows among each owner's followers) would otherwise fill
        # DuckDB's default buffer, 80% of the machine's memory; with a limit they spill to the
        # process's scratch folder instead.
        self.con.execute(f"SET memory_limit = '{memory_limit(ENGINE_MEMORY_LIMIT)}'")
        self.unknown = frozenset(ws.unknown)
        self._defined: list[tuple[str, str]] = []
        accounts = ", ".join(f'"{c}"' for c in TABLES["accounts"])
        for name, sql in VIEWS.items():
            self.define(name, sql.format(accounts=accounts))

    def __repr__(self) -> str:
        return "<DuckDBEngine>"

    def define(self, name: str, sql: str, *, keep: bool | str = False) -> None:
        kind = "TABLE" if keep else "VIEW"
        self._drop(name)
        self.con.execute(f"CREATE TEMP {kind} {name} AS {sql}")
        self._defined.append((kind, name))

    def drop(self, name: str) -> None:
        self._drop(name)

    def _drop(self, name: str) -> None:
        for kind, n in [d for d in self._defined if d[1] == name]:
            self.con.execute(f"DROP {kind} IF EXISTS {n}")
            self._defined.remove((kind, n))

    def arrow(self, sql: str):
        from ..store.network import arrow

        return arrow(self.con, sql)

    def put(self, name: str, table) -> None:
        self._drop(name)
        self.con.register(f"_{name}_in", table)
        try:
            self.define(name, f"SELECT * FROM _{name}_in", keep=True)
        finally:
            self.con.unregister(f"_{name}_in")

    def map_pandas(self, name: str, sql: str, fn: Callable, schema: dict[str, str]) -> None:
        self._store(name, fn(self.con.execute(sql).df()), schema)

    def group_pandas(self, name: str, sql: str, key: str, fn: Callable, schema: dict[str, str]) -> None:
        import pandas as pd

        df = self.con.execute(sql).df()
        parts = [fn(g) for _, g in df.groupby(key, sort=False)] if len(df) else []
        self._store(name, pd.concat(parts, ignore_index=True) if parts else None, schema)

    def _store(self, name: str, df, schema: dict[str, str]) -> None:
        import pyarrow as pa

        from ._sql import arrow_schema

        table = (pa.Table.from_pandas(df[list(schema)], schema=arrow_schema(schema), preserve_index=False)
                 if df is not None else arrow_schema(schema).empty_table())
        self.put(name, table)

    def write_parquet(self, sql: str, path: str) -> None:
        from pathlib import Path

        Path(path).mkdir(parents=True, exist_ok=True)
        target = str(Path(path) / "part-0.parquet").replace("'", "''")
        self.con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet)")

    def close(self) -> None:
        for kind, name in reversed(self._defined):
            self.con.execute(f"DROP {kind} IF EXISTS {name}")
        self._defined.clear()
        self.con.close()
