"""Options and plumbing of the whole-network commands that run on either engine (rank, audit
--owners, reach --owners, hollow): --engine, --source, --spark-master, --parquet."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import click

ENGINE_CHOICES = ["duckdb", "spark"]


def engine_options(fn):
    """--engine, --source, --spark-master and --parquet."""
    for opt in reversed([
        click.option("--engine", default="duckdb", show_default=True, type=click.Choice(ENGINE_CHOICES),
                     help="Where to compute: DuckDB on this machine, or Spark (pip install 'innercircle[spark]')."),
        click.option("--source", "engine_source", default=None, metavar="PATH_OR_URI",
                     help="A generic-format folder (CSV or Parquet) to read instead of the workspace; with "
                          "--engine spark any Hadoop URI (file://, s3a://, hdfs://, gs://)."),
        click.option("--spark-master", default=None, metavar="URL", envvar="SPARK_MASTER",
                     help="Spark master (default $SPARK_MASTER or local[*]; $SPARK_REMOTE uses Spark Connect)."),
        click.option("--parquet", "parquet_path", default=None, metavar="DIR",
                     help="Write one row per account (or owner) as a Parquet directory."),
    ]):
        fn = opt(fn)
    return fn


def uses_engine(engine: str, source, parquet_path) -> bool:
    """Whether a command takes the engine path (else its one-machine path, unchanged)."""
    return engine != "duckdb" or source is not None or parquet_path is not None


@dataclass
class EngineRun:
    """An engine over the command's input, with the owner and window resolved once."""

    engine: object
    owner: str | None
    window: object
    ws: object = None


@contextlib.contextmanager
def engine_run(ctx_obj, *, engine: str, source, master, me=None, as_of=None, window_days: int = 365,
               need_owner: bool = True):
    """Open ``engine`` on ``source`` (or the workspace), resolve the owner and window, close after."""
    from ..engines import open_engine
    from ..engines.inputs import owner_on, resolve_window_on
    from ._session import load_audit, network

    if engine == "spark" and source is not None:
        eng = open_engine("spark", source=source, master=master)
        try:
            owner = owner_on(eng, me) if need_owner else None
            yield EngineRun(eng, owner, resolve_window_on(eng, as_of=as_of, window_days=window_days))
        finally:
            eng.close()
        return
    with network(ctx_obj, source, me=me) as ws:
        a = load_audit(ctx_obj, ws, me=me if source is None else None, as_of=as_of, window_days=window_days)
        eng = open_engine(engine, ws=ws, master=master)
        try:
            yield EngineRun(eng, a.me if need_owner else None, a.window, ws)
        finally:
            eng.close()


def write_parquet(ctx_obj, run: EngineRun, sql: str, path: str, label: str) -> None:
    run.engine.write_parquet(sql, path)
    ctx_obj.info(f"wrote the {label} to {path} (Parquet)")


def emit_owners(ctx_obj, table, *, csv_path, as_json, parquet_path) -> None:
    """One row per owner (``audit --owners``, ``reach --owners``): Parquet, CSV, JSON or the screen."""
    from ._common import emit, frame_records, plural, write_frame

    if parquet_path:
        from pathlib import Path

        Path(parquet_path).mkdir(parents=True, exist_ok=True)
        table.to_parquet(Path(parquet_path) / "part-0.parquet", index=False)
        ctx_obj.info(f"wrote {plural(len(table), 'owner')} to {parquet_path} (Parquet)")
    emit(ctx_obj, table, csv_path=csv_path, as_json=as_json, label="owner",
         payload=lambda: {"owners": frame_records(table)},
         show=(lambda: write_frame(table, "-")) if not parquet_path else None)

