"""Hollow scoring of many accounts on Spark: the shipped model (``score_accounts``) applied to
batches of an accounts table where it lies, one output row per account, as ``hollow ACCOUNTS.csv``."""

from __future__ import annotations

import functools

#: Columns of ``score_accounts``' result.
SCHEMA = {"id": "string", "hollow_risk": "double", "hollow": "string", "hollow_kind": "string",
          "reasons": "string", "hollow_confidence": "double"}


def score_batch(df, *, method: str, as_of, threshold: float | None):
    """``score_accounts`` on one batch of raw account rows (every value as text, empty unknown)."""
    from ..metrics.hollow import score_accounts

    kw = {} if threshold is None else {"threshold": threshold}
    out = score_accounts(df, method=method, as_of=as_of, **kw)
    return out.astype({"id": str, "hollow": str, "hollow_kind": str, "reasons": str})


def score_on_spark(path: str, *, method: str = "model", as_of=None, threshold: float | None = None,
                   master: str | None = None, parquet: str | None = None, collect: bool = True):
    """Score the accounts table at ``path`` (CSV or Parquet, any Hadoop URI) on Spark; the scored
    table as pandas (``collect``), and/or written as Parquet to ``parquet``."""
    from .spark import _per_batch, quiet, session
    from ._sql import ddl

    spark = session(master)
    reader = spark.read.format("parquet") if str(path).lower().endswith(".parquet") else \
        spark.read.format("csv").option("header", True).option("multiLine", True).option("escape", '"')
    src = reader.load(str(path))
    src = src.toDF(*[c.lstrip("\ufeff").strip() for c in src.columns])
    fn = functools.partial(score_batch, method=method, as_of=as_of, threshold=threshold)
    with quiet():
        scored = src.mapInArrow(_per_batch(fn, SCHEMA), ddl(SCHEMA))
    if parquet:
        scored.write.mode("overwrite").parquet(parquet)
    return scored.toArrow().to_pandas() if collect else None
