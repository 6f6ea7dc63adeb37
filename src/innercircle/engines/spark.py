"""The Spark engine: the shared logic on a Spark session (local mode, a cluster, or Spark Connect).

Input is the generic import format (``docs/import-format.md``) as Parquet or CSV at any Hadoop URI
(``file://``, ``s3a://``, ``hdfs://``, ``gs://``), read directly with the importer's rules: ids as
text, empty cells unknown except in free-text columns, ``kind`` lower-cased, ``weight`` 1 when
absent, self-follows and duplicate rows dropped, accounts named anywhere given a row. A workspace
is first written once to Parquet in a temporary folder and read the same way.

The session: ``$SPARK_REMOTE`` (Spark Connect) if set, else ``--spark-master`` or ``$SPARK_MASTER``
(default ``local[*]``); an active session (``spark-submit``, a notebook) is used as it is.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from typing import Callable

from ..model import FREE_TEXT, TABLES
from ._sql import arrow_schema, ddl

#: Tables the shared logic reads; the others of the generic format are not needed here.
READ = ("accounts", "follows", "interactions", "posts", "memberships")
_TRUE, _FALSE = "('true','t','1','yes','y')", "('false','f','0','no','n')"


@contextlib.contextmanager
def quiet():
    """pyspark warns about pandas versions it has not certified; the Arrow paths used here are fine."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        yield


def session(master: str | None = None):
    """The Spark session: the active one, else Spark Connect (``$SPARK_REMOTE``), else a new one on
    ``master`` (or ``$SPARK_MASTER``, default ``local[*]``), with UTC as its time zone."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName("innercircle").config("spark.sql.session.timeZone", "UTC")
    if os.environ.get("SPARK_REMOTE"):
        return builder.remote(os.environ["SPARK_REMOTE"]).getOrCreate()
    master = master or os.environ.get("SPARK_MASTER") or "local[*]"
    if master.startswith("local"):
        import sys

        # local workers run this interpreter, which has innercircle and its dependencies
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if master.startswith("local"):
        # 200 shuffle partitions (Spark's default, sized for clusters) is mostly scheduling on one machine
        builder = builder.config("spark.sql.shuffle.partitions", str(max(4, 2 * (os.cpu_count() or 2))))
    spark = (builder.master(master).config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkEngine:
    """Runs the shared logic on Spark; relations are temp views of the session."""

    name = "spark"
    steps_per_query = 10  # PageRank steps chained in one query: fewer checkpoints and driver round trips

    def __init__(self, spark, tables: dict, unknown: frozenset, tmp=None):
        self.spark, self.unknown, self._tmp = spark, frozenset(unknown), tmp
        # inferring filters from constraints grows with the square of a plan's depth: PageRank's
        # chained steps ran the optimizer out of memory with it on
        spark.conf.set("spark.sql.constraintPropagation.enabled", "false")
        self._views: list[str] = []
        self._frames: dict = {}
        for name, df in tables.items():
            df.createOrReplaceTempView(f"src_{name}")
            self._views.append(f"src_{name}")
        for name, sql in normalised(tables).items():
            self.define(name, sql, keep=name != "ic_interactions")

    def __repr__(self) -> str:
        return "<SparkEngine>"

    @classmethod
    def open(cls, *, ws=None, source: str | None = None, master: str | None = None) -> "SparkEngine":
        """An engine over a workspace (written once to Parquet) or a generic-format folder."""
        from ..errors import UsageError

        spark = session(master)
        if source is not None:
            tables = read_source(spark, source)
            return cls(spark, tables, unknown_of(tables))
        if ws is None:
            raise UsageError("nothing to read", hint="give --source PATH_OR_URI or a workspace")
        tmp = tempfile.TemporaryDirectory(prefix="innercircle-spark-")
        export_workspace(ws, tmp.name)
        return cls(spark, read_source(spark, tmp.name), ws.unknown, tmp)

    def define(self, name: str, sql: str, *, keep: bool | str = False) -> None:
        self._name(name, self.spark.sql(sql), keep)

    def _name(self, name: str, df, keep: bool | str) -> None:
        old = self._frames.get(name)
        if keep == "cut":
            # computed now and its lineage cut: an iteration's input does not carry every earlier one
            df = df.localCheckpoint(eager=True)
        elif keep:
            df = df.cache()
        df.createOrReplaceTempView(name)
        if old is not None and old is not df:
            old.unpersist()
        self._frames[name] = df
        if name not in self._views:
            self._views.append(name)

    def drop(self, name: str) -> None:
        df = self._frames.pop(name, None)
        if df is not None:
            df.unpersist()
        self.spark.catalog.dropTempView(name)
        if name in self._views:
            self._views.remove(name)

    def arrow(self, sql: str):
        return self.spark.sql(sql).toArrow()

    def put(self, name: str, table) -> None:
        with quiet():
            self._name(name, self.spark.createDataFrame(table), False)

    def map_pandas(self, name: str, sql: str, fn: Callable, schema: dict[str, str]) -> None:
        with quiet():
            df = self.spark.sql(sql).mapInArrow(_per_batch(fn, schema), ddl(schema))
        self._name(name, df, True)

    def group_pandas(self, name: str, sql: str, key: str, fn: Callable, schema: dict[str, str]) -> None:
        with quiet():
            df = self.spark.sql(sql).groupBy(key).applyInArrow(_per_group(fn, schema), ddl(schema))
        self._name(name, df, True)

    def write_parquet(self, sql: str, path: str) -> None:
        self.spark.sql(sql).write.mode("overwrite").parquet(path)

    def close(self) -> None:
        for name in reversed(self._views):
            self.spark.catalog.dropTempView(name)
        self._views.clear()
        self._frames.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _per_batch(fn: Callable, schema: dict[str, str]):
    """``fn`` over pandas batches, for ``mapInArrow``."""

    def run(batches):
        import pyarrow as pa

        out_schema = arrow_schema(schema)
        for batch in batches:
            if batch.num_rows:
                out = fn(batch.to_pandas())
                yield pa.RecordBatch.from_pandas(out[list(schema)], schema=out_schema, preserve_index=False)

    return run


def _per_group(fn: Callable, schema: dict[str, str]):
    """``fn`` over one group as a pandas frame, for ``applyInArrow``."""

    def run(table):
        import pyarrow as pa

        out = fn(table.to_pandas())
        return pa.Table.from_pandas(out[list(schema)], schema=arrow_schema(schema), preserve_index=False)

    return run


# -- input ---------------------------------------------------------------------------------------


def export_workspace(ws, folder: str) -> None:
    """The workspace's current network as generic-format Parquet files in ``folder``."""
    from pathlib import Path

    con = ws.con.cursor()
    try:
        for name in READ:
            cols = ", ".join(f'"{c}"' for c in TABLES[name])
            target = str(Path(folder) / f"{name}.parquet").replace("'", "''")
            con.execute(f"COPY (SELECT {cols} FROM {name}) TO '{target}' (FORMAT parquet)")
    finally:
        con.close()


def read_source(spark, source: str) -> dict:
    """The generic tables found at ``source`` (Parquet file or folder, CSV, CSV.gz), as Spark frames."""
    from ..errors import InputError

    base = str(source).rstrip("/")
    tables = {}
    for name in READ:
        df = _read_one(spark, base, name)
        if df is not None:
            tables[name] = df.toDF(*[c.lstrip("\ufeff").strip() for c in df.columns])
    if not tables:
        raise InputError("no generic table found", file=str(source),
                         hint="expected files named accounts.csv, follows.csv, interactions.csv, posts.csv "
                              "(or .parquet)")
    return tables


def _read_one(spark, base: str, name: str):
    parquet = spark.read.format("parquet")
    csv = (spark.read.format("csv").option("header", True).option("multiLine", True).option("escape", '"')
           .option("nullValue", "\u0000").option("emptyValue", ""))
    for reader, path in ((parquet, f"{base}/{name}.parquet"), (csv, f"{base}/{name}.csv"),
                         (csv, f"{base}/{name}.csv.gz"), (parquet, f"{base}/{name}")):
        try:
            df = reader.load(path)
            df.schema  # noqa: B018 - Spark Connect reads lazily; the schema makes a missing path fail here
            return df
        except Exception as e:  # noqa: BLE001 - pyspark raises AnalysisException or a Connect error
            if "PATH_NOT_FOUND" not in str(e) and "does not exist" not in str(e) and "UNABLE_TO_INFER" not in str(e):
                raise
    return None


def unknown_of(tables: dict) -> frozenset:
    """What a source cannot tell, from which tables it has (the importer's rule)."""
    out = set()
    if "follows" not in tables:
        out |= {"followers", "following"}
    if "interactions" not in tables:
        out.add("interactions")
    return frozenset(out)


def normalised(tables: dict) -> dict[str, str]:
    """SQL of the four relations of the shared logic over the ``src_*`` views."""
    types = {name: dict(df.dtypes) for name, df in tables.items()}

    def col(table: str, c: str, typ: str) -> str:
        if c not in types.get(table, {}):
            return f"CAST(NULL AS {_SPARK[typ]})"
        return _cast(f"`{c}`", typ, types[table][c], free=c in FREE_TEXT)

    follows = ("SELECT follower, followee, min(since_us) AS since_us FROM (SELECT "
               f"{col('follows', 'follower', 'VARCHAR')} AS follower, {col('follows', 'followee', 'VARCHAR')} AS followee, "
               f"{_us(col('follows', 'since', 'TIMESTAMP'))} AS since_us FROM src_follows) f "
               "WHERE follower IS NOT NULL AND followee IS NOT NULL AND follower <> followee "
               "GROUP BY follower, followee") if "follows" in tables else _empty("follows")
    interactions = ("SELECT DISTINCT " + ", ".join([
        f"{col('interactions', 'actor', 'VARCHAR')} AS actor", f"{col('interactions', 'target', 'VARCHAR')} AS target",
        f"lower(trim({col('interactions', 'kind', 'VARCHAR')})) AS kind",
        f"{col('interactions', 'post', 'VARCHAR')} AS post",
        f"coalesce({col('interactions', 'weight', 'DOUBLE')}, CAST(1.0 AS DOUBLE)) AS weight",
        f"{_us(col('interactions', 'at', 'TIMESTAMP'))} AS t"]) + " FROM src_interactions"
    ) if "interactions" in tables else _empty("interactions")
    posts = (f"SELECT DISTINCT {col('posts', 'id', 'VARCHAR')} AS id, {col('posts', 'author', 'VARCHAR')} AS author, "
             f"{_us(col('posts', 'at', 'TIMESTAMP'))} AS t FROM src_posts") if "posts" in tables else _empty("posts")
    return {"ic_follows": follows, "ic_interactions": interactions, "ic_posts": posts,
            "ic_accounts": _accounts_sql(tables, col)}


_SPARK = {"VARCHAR": "STRING", "TIMESTAMP": "TIMESTAMP", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN"}


def _empty(name: str) -> str:
    return {"follows": "SELECT CAST(NULL AS STRING) AS follower, CAST(NULL AS STRING) AS followee, "
                       "CAST(NULL AS BIGINT) AS since_us WHERE false",
            "interactions": "SELECT CAST(NULL AS STRING) AS actor, CAST(NULL AS STRING) AS target, "
                            "CAST(NULL AS STRING) AS kind, CAST(NULL AS STRING) AS post, "
                            "CAST(NULL AS DOUBLE) AS weight, CAST(NULL AS BIGINT) AS t WHERE false",
            "posts": "SELECT CAST(NULL AS STRING) AS id, CAST(NULL AS STRING) AS author, "
                     "CAST(NULL AS BIGINT) AS t WHERE false"}[name]


def _us(expr: str) -> str:
    return f"unix_micros(CAST({expr} AS TIMESTAMP))"


def _cast(c: str, typ: str, src: str, *, free: bool) -> str:
    """One column in the workspace's type, from text (CSV) or a typed Parquet column."""
    text = src == "string"
    if typ == "VARCHAR":
        expr = c if text else f"CAST({c} AS STRING)"
        return expr if free else f"nullif({expr}, '')"
    if not text:
        numeric = src in ("bigint", "int", "smallint", "double", "float") or src.startswith("decimal")
        if typ == "TIMESTAMP" and numeric:  # Unix seconds
            return f"timestamp_micros(CAST(round({c} * 1000000) AS BIGINT))"
        return f"try_cast({c} AS {_SPARK[typ]})"
    t = f"nullif(trim({c}), '')"
    if typ == "TIMESTAMP":
        return (f"CASE WHEN {t} RLIKE '^-?[0-9]+(\\\\.[0-9]+)?$' "
                f"THEN timestamp_micros(CAST(round(CAST({t} AS DOUBLE) * 1000000) AS BIGINT)) "
                f"ELSE try_cast({t} AS TIMESTAMP) END")
    if typ == "BOOLEAN":
        return f"CASE WHEN lower({t}) IN {_TRUE} THEN true WHEN lower({t}) IN {_FALSE} THEN false END"
    if typ == "BIGINT":
        return f"try_cast(try_cast({t} AS DOUBLE) AS BIGINT)"
    return f"try_cast({t} AS {_SPARK[typ]})"


def _accounts_sql(tables: dict, col) -> str:
    """Every account: the profiles given (observed now where the source does not say when), and a
    bare row for each id named in follows, interactions, posts or memberships but not profiled."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0).isoformat(sep=" ")
    named = ["SELECT follower AS id FROM ic_follows", "SELECT followee FROM ic_follows",
             "SELECT actor FROM ic_interactions", "SELECT target FROM ic_interactions",
             "SELECT author FROM ic_posts WHERE author IS NOT NULL"]
    if "memberships" in tables:
        named.append(f"SELECT {col('memberships', 'account', 'VARCHAR')} FROM src_memberships")
    bare = ", ".join(f"CAST(NULL AS {_SPARK[t]}) AS `{c}`" for c, t in TABLES["accounts"].items() if c != "id")
    names = ", ".join(f"`{c}`" for c in TABLES["accounts"])
    if "accounts" not in tables:
        return f"SELECT DISTINCT n.id, {bare} FROM ({' UNION '.join(named)}) n WHERE n.id IS NOT NULL"
    given = ", ".join(
        (f"coalesce({col('accounts', c, t)}, TIMESTAMP '{now}')" if c == "observed_at"
         else f"lower({col('accounts', c, t)})" if c == "tags" else col("accounts", c, t)) + f" AS `{c}`"
        for c, t in TABLES["accounts"].items())
    return (f"WITH given AS (SELECT DISTINCT {given} FROM src_accounts), "
            f"named AS (SELECT DISTINCT n.id FROM ({' UNION '.join(named)}) n WHERE n.id IS NOT NULL) "
            f"SELECT {names} FROM given WHERE id IS NOT NULL UNION ALL "
            f"SELECT named.id, {bare} FROM named LEFT JOIN given ON given.id = named.id WHERE given.id IS NULL")
