"""innercircle hollow"""

from __future__ import annotations

import csv
from pathlib import Path

import click

from ..errors import InputError, UsageError
from ._common import common_options, echo_json, frame_records, write_frame
from ._main import main
from ._session import network

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
@click.option("--me", default=None, metavar="ID", help="The owner's account id.")
@click.option("--csv", "csv_path", default=None, metavar="FILE",
              help="Write one row per account as CSV to FILE ('-' for stdout).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: accounts and summary.")
@click.option("--threshold", default=None, type=click.FloatRange(0, 1),
              help="hollow is true when hollow_risk is at least this (default: the model's own, "
                   "chosen for precision; 0.5 for a rule set).")
@click.option("--method", default="model", show_default=True, type=click.Choice(METHODS),
              help="The trained model (with network signals) or one transparent rule set.")
@click.option("--format", "fmt", default=None, help="Format of SOURCE (default: detected).")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Measure account age at this date when a row has no observed_at.")
def hollow_cmd(ctx_obj, source, me, csv_path, as_json, threshold, method, fmt, as_of):
    """Hollow followers: fake, automated, mass-follower, follow-back-farm and inactive accounts.

    With no SOURCE: the workspace owner's followers, judged from their profiles and the network
    (follow-back farms, bursts of new accounts that followed together, inactivity). SOURCE may be
    any source 'innercircle import' reads (imported first, exactly as import would), or a single
    accounts table in the generic accounts format (a CSV whose header names id and account
    columns), which is scored on its own without any workspace.

    Each account gets hollow_risk (0-1), hollow (true, false, or unknown when too little is
    known), hollow_kind and readable reasons. Nothing is blocked or unfollowed.

    Example: innercircle hollow followers.csv --csv hollow.csv
    """
    if csv_path and as_json:
        raise UsageError("choose one of --csv and --json", field="--csv")
    from ..metrics.hollow import follower_bursts, hollow_followers, score_accounts, summarize

    if source is not None and accounts_table(Path(source)):
        scored = score_accounts(read_accounts(Path(source)), threshold=threshold, method=method,
                                as_of=as_of)
        bursts = None
    else:
        with network(ctx_obj, source, me=me, fmt=fmt) as ws:
            scored = hollow_followers(ws, me, threshold=threshold, method=method, as_of=as_of)
            bursts = follower_bursts(ws, me)
    summary = summarize(scored, bursts, method=method, threshold=threshold)
    _present(scored, summary, csv_path=csv_path, as_json=as_json)


def _present(scored, summary: dict, *, csv_path, as_json: bool) -> None:
    if as_json:
        out = scored.copy()
        out["hollow"] = out["hollow"].map({"true": True, "false": False, "unknown": None})
        echo_json({"accounts": frame_records(out), "summary": summary})
        return
    if csv_path:
        write_frame(scored, csv_path)
        if csv_path != "-":
            click.echo(f"wrote {len(scored):,} rows to {csv_path}: {summary['hollow']:,} hollow, "
                       f"{summary['unknown']:,} unknown", err=True)
        return
    _screen(scored, summary)


def _screen(scored, summary: dict) -> None:
    n = summary["accounts"]
    share = f"{summary['hollow_share']:.1%}" if summary["hollow_share"] is not None else "unknown"
    click.echo(f"{summary['hollow']:,} of {n:,} accounts hollow ({share}); "
               f"{summary['unknown']:,} unknown; method {summary['method']}, "
               f"threshold {summary['threshold']}")
    kinds = [f"{k} {v:,}" for k, v in summary["by_kind"].items() if v]
    if kinds:
        click.echo("  by kind: " + ", ".join(kinds))
    for b in summary.get("bursts") or []:
        click.echo(f"  burst {b['burst']}: {b['size']:,} accounts created {b['created_from'][:10]} "
                   f"to {b['created_to'][:10]}, followed from {str(b['start'])[:10]}")
    top = scored[scored["hollow"] == "true"].sort_values("hollow_risk", ascending=False).head(15)
    for r in top.itertuples(index=False):
        click.echo(f"  {r.id:<20} {r.hollow_risk:.2f} {r.hollow_kind:<16} {r.reasons}")
    if len(top) < summary["hollow"]:
        click.echo(f"  ... {summary['hollow'] - len(top):,} more (use --csv FILE for all)")
