"""innercircle hollow"""

from __future__ import annotations

import csv
from pathlib import Path

import click

from ..errors import InputError, UsageError
from ._common import common_options, emit, frame_records, output_options, plural
from ._engine import engine_options
from ._main import main
from ._options import input_format, input_format_option, owner_options
from ._session import load_audit, network

#: The --method choices (pinned against innercircle.metrics.hollow.METHODS by a test; listed here
#: so that the CLI starts without importing numpy).
METHODS = ["model", "camisani", "socialbakers", "stateofsearch", "hypeauditor", "ratio"]
_ACCOUNT_COLUMNS = {"handle", "name", "bio", "followers_count", "following_count", "posts_count",
                    "created_at", "url", "has_avatar", "verified", "observed_at"}


def accounts_table(path: Path) -> bool:
    """Whether ``path`` is one table in the generic accounts format (not a whole source)."""
    if not path.is_file() or path.suffix.lower() in (".zip", ".gz", ".car", ".js", ".json"):
        return False
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        columns = set(pq.read_schema(path).names)
    else:
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                columns = {c.strip() for c in next(csv.reader(fh), [])}
        except (UnicodeDecodeError, csv.Error):
            return False
    return "id" in columns and bool(columns & _ACCOUNT_COLUMNS) and "follower" not in columns


def read_accounts(path: Path):
    """An accounts CSV/Parquet as raw strings (the scorer parses and checks every value)."""
    import pandas as pd

    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                           encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text", file=str(path),
                         hint="save it as UTF-8 CSV") from None
    except (pd.errors.ParserError, ValueError, OSError) as e:
        raise InputError(f"cannot read the accounts table: {' '.join(str(e).split())}",
                         file=str(path), hint="expected a CSV with a header row naming 'id' "
                                              "and the account columns") from None


@main.command("hollow")
@common_options
@click.argument("source", required=False, type=click.Path(path_type=Path))
@owner_options
@output_options
@click.option("--threshold", default=None, type=click.FloatRange(0, 1),
              help="hollow is true when hollow_risk is at least this (default: the model's own, "
                   "chosen for precision; 0.5 for a rule set).")
@click.option("--method", default="model", show_default=True, type=click.Choice(METHODS),
              help="The trained model (with network signals) or one transparent rule set.")
@input_format_option
@engine_options
def hollow_cmd(ctx_obj, source, me, as_of, window_days, csv_path, as_json, as_jsonl, threshold, method, fmt,
               old_format, engine, engine_source, spark_master, parquet_path):
    """Hollow followers: fake, automated, mass-follower, follow-back-farm and inactive accounts.

    With no SOURCE: the workspace owner's followers, judged from their profiles and the network
    (follow-back farms, bursts of new accounts that followed together, inactivity) at the audit's
    as-of, exactly as audit and followers judge them. SOURCE may be any source 'innercircle
    import' reads (imported first, exactly as import would), or a single accounts table in the
    generic accounts format (a CSV whose header names id and account columns), which is scored on
    its own without any workspace.

    Each account gets hollow_risk (0-1), hollow (true, false, or empty/null when too little is
    known), hollow_kind and readable reasons. Nothing is blocked or unfollowed.

    With --engine spark, an accounts table (SOURCE, or --source at any Hadoop URI) is scored on
    Spark in batches with the same model; --parquet DIR writes the result without collecting it.

    Example: innercircle hollow followers.csv --csv hollow.csv
    """
    from ..metrics.hollow import follower_bursts, hollow_followers, score_accounts
    from ..results.audit import present_hollow

    fmt = input_format(fmt, old_format, ctx_obj)
    kw = {} if threshold is None else {"threshold": threshold}
    bursts = None
    if engine_source is not None and engine == "duckdb":
        source = Path(engine_source)  # on this machine --source is SOURCE
    table_path = engine_source or (str(source) if source is not None and accounts_table(Path(source)) else None)
    if engine == "spark":
        if table_path is None:
            raise UsageError("--engine spark scores an accounts table", field="SOURCE",
                             hint="give a CSV or Parquet accounts table as SOURCE or --source")
        from ..engines import _check_spark
        from ..engines.hollow import score_on_spark

        _check_spark()

        want = bool(csv_path or as_json or as_jsonl or not parquet_path)
        out = score_on_spark(table_path, method=method, as_of=as_of, threshold=threshold, master=spark_master,
                             parquet=parquet_path, collect=want)
        if parquet_path:
            ctx_obj.info(f"wrote the scored accounts to {parquet_path} (Parquet)")
        if out is None:
            return
        scored = present_hollow(out)
    elif source is not None and accounts_table(Path(source)):
        scored = present_hollow(score_accounts(read_accounts(Path(source)), method=method, as_of=as_of, **kw))
    else:
        with network(ctx_obj, source, me=me, fmt=fmt) as ws:
            a = load_audit(ctx_obj, ws, me=me if source is None else None, as_of=as_of, window_days=window_days,
                           hollow_threshold=threshold)
            if method == "model":
                scored = a.hollow_table
            else:
                scored = present_hollow(hollow_followers(ws, a.me, method=method, as_of=a.window.as_of, **kw))
            bursts = follower_bursts(ws, a.me)
    if parquet_path and engine != "spark":
        Path(parquet_path).mkdir(parents=True, exist_ok=True)
        scored.to_parquet(Path(parquet_path) / "part-0.parquet", index=False)
        ctx_obj.info(f"wrote the scored accounts to {parquet_path} (Parquet)")
    summary = hollow_summary(scored, bursts, method=method, threshold=threshold)
    emit(ctx_obj, scored, csv_path=csv_path, as_json=as_json, as_jsonl=as_jsonl, label="accounts",
         payload=lambda: {"accounts": frame_records(scored), "summary": summary},
         show=lambda: _screen(scored, summary))
    if csv_path and csv_path != "-":
        ctx_obj.info(f"{summary['hollow'] if summary['hollow'] is not None else 'unknown'} hollow, "
                     f"{summary['unknown']:,} unknown")


def hollow_summary(scored, bursts=None, *, method: str, threshold) -> dict:
    """Counts by flag and kind; ``hollow`` and ``hollow_share`` are null when no account could be judged."""
    from ..metrics.hollow import summarize

    flags = scored["hollow"].map({True: "true", False: "false"}).fillna("unknown")
    summary = summarize(scored.assign(hollow=flags.astype(object), hollow_kind=scored["hollow_kind"].fillna("")),
                        bursts, method=method, threshold=threshold if threshold is not None else "model default")
    if summary["accounts"] and summary["unknown"] == summary["accounts"]:
        summary.update(hollow=None, hollow_share=None, by_kind=None, not_hollow=None)
    return summary


def _screen(scored, summary: dict) -> None:
    n = summary["accounts"]
    if summary["hollow"] is None:
        click.echo(f"hollow unknown for all {plural(n, 'account')}: too little is known about them; "
                   f"method {summary['method']}")
        return
    share = f"{summary['hollow_share']:.1%}" if summary["hollow_share"] is not None else "unknown"
    click.echo(f"{summary['hollow']:,} of {plural(n, 'account')} hollow ({share}); "
               f"{summary['unknown']:,} unknown; method {summary['method']}, threshold {summary['threshold']}")
    kinds = [f"{k} {v:,}" for k, v in summary["by_kind"].items() if v]
    if kinds:
        click.echo("  by kind: " + ", ".join(kinds))
    for b in summary.get("bursts") or []:
        click.echo(f"  burst {b['burst']}: {plural(b['size'], 'account')} created {b['created_from'][:10]} "
                   f"to {b['created_to'][:10]}, followed from {str(b['start'])[:10]}")
    flagged = scored[scored["hollow"].fillna(False).astype(bool)]
    top = flagged.sort_values("hollow_risk", ascending=False).head(15)
    for r in top.itertuples(index=False):
        click.echo(f"  {r.id:<20} {r.hollow_risk:.2f} {str(r.hollow_kind):<16} {r.reasons}")
    if len(top) < summary["hollow"]:
        click.echo(f"  ... {summary['hollow'] - len(top):,} more (use --csv FILE for all)")
