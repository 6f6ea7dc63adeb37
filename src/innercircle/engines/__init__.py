"""Engines: the whole-network measures (rank, many-owner audits, reach, hollow scoring) on DuckDB or Spark.

Each measure is written once, as SQL over the generic tables plus small pandas steps
(:mod:`.logic`), and runs unchanged on either engine:

* :class:`~innercircle.engines.duckdb.DuckDBEngine` — inside the workspace's DuckDB (one machine);
* :class:`~innercircle.engines.spark.SparkEngine` — on Spark (local mode, a cluster through
  ``spark-submit`` or ``$SPARK_MASTER``, or Spark Connect through ``$SPARK_REMOTE``), reading the
  workspace written once to Parquet, or a generic-format folder at any Hadoop URI.

Both engines expose the same five relations to the shared logic (``ic_accounts``, ``ic_follows``,
``ic_interactions``, ``ic_posts``, with times as integer microseconds since 1970 UTC) and the same
handful of operations (:class:`Engine`). pyspark is imported only when the Spark engine is opened.
"""

from __future__ import annotations

from typing import Callable, Protocol

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What the shared logic needs from an engine; relations are named temp views."""

    name: str
    unknown: frozenset

    def define(self, name: str, sql: str, *, keep: bool | str = False) -> None:
        """Name the result of ``sql``; ``keep``: compute it once and hold it for reuse; ``"cut"``:
        compute it now and forget how (so that an iteration's input does not carry every earlier one)."""

    def drop(self, name: str) -> None:
        """Forget relation ``name`` and what it holds."""

    def arrow(self, sql: str):
        """The result of ``sql`` as a pyarrow Table on this machine (small results only)."""

    def put(self, name: str, table) -> None:
        """Upload a small pyarrow Table as relation ``name``."""

    def map_pandas(self, name: str, sql: str, fn: Callable, schema: dict[str, str]) -> None:
        """Relation ``name`` = ``fn`` applied to the rows of ``sql`` in pandas batches (row-wise)."""

    def group_pandas(self, name: str, sql: str, key: str, fn: Callable, schema: dict[str, str]) -> None:
        """Relation ``name`` = ``fn`` applied to each group of ``sql``'s rows by ``key``."""

    def write_parquet(self, sql: str, path: str) -> None:
        """Write the result of ``sql`` as a Parquet directory at ``path``."""

    def close(self) -> None:
        """Drop what this engine defined."""


def open_engine(name: str, *, ws=None, source: str | None = None, master: str | None = None) -> Engine:
    """An engine over the workspace ``ws`` or the generic-format folder ``source``."""
    from ..errors import UsageError

    if name == "duckdb":
        from .duckdb import DuckDBEngine

        if ws is None:
            raise UsageError("the duckdb engine reads a workspace", field="--engine")
        return DuckDBEngine(ws)
    if name == "spark":
        _check_spark()
        from .spark import SparkEngine

        return SparkEngine.open(ws=ws, source=source, master=master)
    raise UsageError(f"unknown engine {name!r}", field="--engine", hint=f"choose one of: {', '.join(ENGINES)}")


def _check_spark() -> None:
    """A usage error that says what to install when pyspark or Java is missing."""
    import importlib.util
    import os
    import shutil

    from ..errors import UsageError

    if importlib.util.find_spec("pyspark") is None:
        raise UsageError("--engine spark needs pyspark", field="--engine",
                         hint='pip install "innercircle[spark]"')
    if not os.environ.get("SPARK_REMOTE") and not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise UsageError("--engine spark needs Java 17 (no java on PATH, no JAVA_HOME)", field="--engine",
                         hint="install openjdk-17-jre-headless, or set $SPARK_REMOTE to use Spark Connect")


__all__ = ["ENGINES", "Engine", "open_engine"]
