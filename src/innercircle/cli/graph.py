"""innercircle reach, rank: de-duplicated reach of the owner and a network-wide influence ranking."""

from __future__ import annotations

import click

from ._common import common_options, deprecated, echo_json, emit, output_options, plural, write_frame
from ._engine import emit_owners, engine_options, engine_run, uses_engine, write_parquet
from ._main import main
from ._options import owner_options
from ._session import load_audit, network


def _fmt(value, *, digits: int = 0) -> str:
    if value is None:
        return "unknown"
    return f"{value:,.{digits}f}"


@main.command("reach")
@common_options
@owner_options
@click.option("--approx", is_flag=True, help="Count with HyperLogLog sketches (relative standard error 0.81%).")
@output_options(jsonl=False)
@click.option("--owners", "owners_path", default=None, metavar="FILE",
              help="Reach of many owners in one pass (one id, handle or URL per line, or a CSV with an id column).")
@engine_options
def reach_command(ctx_obj, me, as_of, window_days, approx, csv_path, as_json, owners_path, engine, engine_source,
                  spark_master, parquet_path):
    """De-duplicated reach: distinct followers, followers of followers, group members.

    Followers of followers are counted once however many of your followers they follow; the
    owner and the first degree are left out. 'via working' counts only what your working
    followers (committed and occasional, as the audit counts them) reach. Unknown counts say
    'unknown' (null in JSON).

    With --owners FILE: first and second degree of every owner in one pass, exact on DuckDB, and
    on Spark approximate (HyperLogLog++, relative standard error 1%).

    Example: innercircle reach --me alice --json
    """
    from ..graph.reach import reach_in_workspace

    if owners_path is not None:
        _reach_owners(ctx_obj, owners_path, engine, engine_source, spark_master, parquet_path, csv_path, as_json)
        return

    with network(ctx_obj) as ws:
        a = load_audit(ctx_obj, ws, me=me, as_of=as_of, window_days=window_days)
        working = None if a.summary["working"] is None else a.working_ids
        result = reach_in_workspace(ws, a.me, working=working, approx=True if approx else None)
    if csv_path:
        import pandas as pd

        write_frame(pd.DataFrame([{"me": a.me, **result}]), csv_path)
    if as_json:
        echo_json(result)
    elif not csv_path:
        _print_reach(a.me, result)


def _reach_owners(ctx_obj, owners_path, engine, source, master, parquet_path, csv_path, as_json) -> None:
    """reach --owners: one row per owner, on the chosen engine."""
    from ..engines.inputs import match_owners, read_owner_list
    from ..engines.reach import reach_owners

    entries = read_owner_list(owners_path)
    with engine_run(ctx_obj, engine=engine, source=source, master=master, need_owner=False) as run:
        table = reach_owners(run.engine, match_owners(run.engine, entries))
    emit_owners(ctx_obj, table, csv_path=csv_path, as_json=as_json, parquet_path=parquet_path)


def _print_reach(me: str, r: dict) -> None:
    method = "exact" if r["method"] == "exact" else f"HyperLogLog, ±{r['relative_error']:.2%}"
    known = r.get("first_degree_with_known_followers")
    lines = [
        f"Reach of {me} ({method})",
        f"  first degree: distinct followers           {_fmt(r['first_degree']):>14}",
        f"  second degree: followers of followers      {_fmt(r['second_degree']):>14}"
        + (f"   ({known:,} of {plural(r['first_degree'], 'follower')} have known followers)"
           if r["first_degree"] and known is not None and known < r["first_degree"] else ""),
        f"  second degree via working followers        {_fmt(r['second_degree_via_working']):>14}",
        f"  groups: distinct members                   {_fmt(r['groups']):>14}",
        f"  groups: naive sum of member counts         {_fmt(r['groups_raw_sum']):>14}"
        + (f"   ({plural(r['groups_count'], 'group')})" if r.get("groups_count") else ""),
    ]
    if r["second_degree"] is None and r["first_degree"]:
        lines.append("  (no follower's own followers are known: import their follow lists to count "
                     "the second degree)")
    click.echo("\n".join(lines))


@main.command("rank")
@common_options
@owner_options
@output_options
@click.option("--limit", default=None, type=click.IntRange(0), metavar="N",
              help="Accounts in the JSON or on screen (default: all in JSON, 20 on screen).")
@click.option("--top", "top", default=None, metavar="N",
              help="How many top accounts by each measure the top correlations use (default: the top 1%).")
@click.option("--top-fraction", "top_fraction", default=0.01, show_default=True,
              type=click.FloatRange(0, 1, min_open=True),
              help="The share of top accounts for the top correlations (Cha et al. use 1%), when --top is not given.")
@engine_options
def rank_command(ctx_obj, me, as_of, window_days, csv_path, as_json, as_jsonl, limit, top, top_fraction, engine,
                 engine_source, spark_master, parquet_path):
    """Rank every account: followers, working followers, shares, mentions, replies, PageRank.

    followers = in-degree; working_followers = what 'audit --me ACCOUNT' calls working: followers
    in the committed and occasional tiers under the audit's rules, window and as-of, hollow ones
    left out (non-followers who act are not counted); shares/mentions/replies = received from
    others; pagerank = PageRank of the follow graph (damping 0.85). Also prints Spearman rank
    correlations between the measures, overall and among the top 1% by each (Cha et al. 2010,
    the million follower fallacy).

    With --engine spark the same table is computed on Spark (equal counts, PageRank equal within
    1e-6 of its maximum), from the workspace or from --source; --parquet DIR writes it without
    collecting it on this machine.

    Example: innercircle rank --csv ranking.csv
    """
    from ..graph.rank import rank_correlations, rank_table, records

    fraction, k = _top(top, top_fraction, ctx_obj)
    if uses_engine(engine, engine_source, parquet_path):
        df = _rank_on_engine(ctx_obj, engine, engine_source, spark_master, parquet_path, me, as_of, window_days,
                             collect=bool(csv_path or as_json or as_jsonl or not parquet_path))
        if df is None:
            return
    else:
        with network(ctx_obj) as ws:
            a = load_audit(ctx_obj, ws, me=me, as_of=as_of, window_days=window_days)
            df = rank_table(a)
    corr = rank_correlations(df, top=fraction, k=k)
    shown = df if limit is None else df.head(limit)
    emit(ctx_obj, df, csv_path=csv_path, as_json=as_json, as_jsonl=as_jsonl, label="accounts",
         payload=lambda: {"accounts_total": len(df), "correlations": corr, "accounts": records(shown)},
         show=lambda: _print_rank(df.head(20 if limit is None else limit), corr))


def _rank_on_engine(ctx_obj, engine, source, master, parquet_path, me, as_of, window_days, *, collect: bool):
    """The rank table computed by ``engine`` (None when it only went to Parquet)."""
    from ..engines.rank import frame_of, rank_relation

    with engine_run(ctx_obj, engine=engine, source=source, master=master, me=me, as_of=as_of,
                    window_days=window_days) as run:
        sql = rank_relation(run.engine, run.window, owner=run.owner)
        if parquet_path:
            write_parquet(ctx_obj, run, sql, parquet_path, "ranking")
        return frame_of(run.engine, sql) if collect else None


def _top(top, fraction: float, ctx_obj):
    """(fraction, count) for the top correlations: --top N is a count; a fraction given to --top
    (its old meaning) still works, with a note."""
    from ..errors import UsageError

    if top is None:
        return fraction, None
    try:
        value = float(top)
    except ValueError:
        raise UsageError(f"--top {top!r} is not a number", field="--top", hint="give a count, e.g. --top 50") from None
    if value.is_integer() and value >= 1:
        return fraction, int(value)
    if 0 < value < 1:
        deprecated("--top with a fraction", "--top-fraction", quiet=ctx_obj.quiet)
        return value, None
    raise UsageError(f"--top {top} must be a whole number of accounts (at least 1)", field="--top")


def _print_rank(df, corr: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    t = Table(title=f"Top {len(df)} of {plural(corr['accounts'], 'account')} by PageRank")
    for col in df.columns:
        t.add_column(col, justify="left" if col == "id" else "right", overflow="fold")
    for row in df.itertuples(index=False):
        t.add_row(*[_cell(v) for v in row])
    console.print(t)
    share = f"{corr['top_fraction']:.0%}"
    for key, title in (("overall", "all accounts"),
                       ("top_by", f"the top {share} by the row's measure"),
                       ("top_union", f"the top {share} by either measure")):
        m = Table(title=f"Spearman rank correlation, {title}")
        m.add_column("")
        for b in corr["measures"]:
            m.add_column(b, justify="right")
        for a in corr["measures"]:
            m.add_row(a, *["unknown" if corr[key][a][b] is None else f"{corr[key][a][b]:.2f}"
                           for b in corr["measures"]])
        console.print(m)


def _cell(v) -> str:
    import pandas as pd

    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "unknown"
    if isinstance(v, float):
        return f"{v:.2e}"
    return f"{v:,}" if isinstance(v, int) else str(v)
