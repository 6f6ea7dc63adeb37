"""innercircle reach, rank: de-duplicated reach of the owner and a network-wide influence ranking."""

from __future__ import annotations

import click

from ._common import common_options, echo_json, write_frame
from ._main import main
from ._session import open_for_read


def _fmt(value, *, digits: int = 0) -> str:
    if value is None:
        return "unknown"
    return f"{value:,.{digits}f}"


@main.command("reach")
@common_options
@click.option("--me", default=None, metavar="ID", help="The owner's account id (default: the workspace owner).")
@click.option("--approx", is_flag=True, help="Count with HyperLogLog sketches (relative standard error 0.81%).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def reach_command(ctx_obj, me, approx, as_json):
    """De-duplicated reach: distinct followers, followers of followers, group members.

    Followers of followers are counted once however many of your followers they follow; the
    owner and the first degree are left out. 'via working' counts only what your working
    followers (committed and occasional) reach. Unknown counts say 'unknown' (null in JSON).

    Example: innercircle reach --me alice --json
    """
    from ..audit import resolve_owner
    from ..graph.reach import reach_in_workspace

    with open_for_read(ctx_obj) as ws:
        owner = resolve_owner(ws, me)
        working = _working(ws, owner.id, ctx_obj)
        result = reach_in_workspace(ws, owner.id, working=working, approx=True if approx else None)
    if as_json:
        echo_json(result)
        return
    _print_reach(owner.id, result)


def _working(ws, me: str, ctx_obj):
    """The owner's working followers, or None (unknown) when the audit cannot tell."""
    from ..model import ACTIVE_KINDS

    if {"shares_received", "replies_received", "mentions_received", "messages"} <= set(ws.unknown):
        return None  # the sources can tell no active interaction toward the owner at all
    # Working followers made at least one active interaction toward the owner or the owner's
    # posts; with none on record the audit would find none, so skip its per-follower table.
    active = ", ".join(f"'{k}'" for k in ACTIVE_KINDS)
    cur = ws.con.cursor()
    try:
        any_active = cur.sql(
            f"SELECT count(*) FROM (SELECT 1 FROM interactions WHERE actor <> $me AND kind IN ({active}) "
            "AND (target = $me OR post IN (SELECT id FROM posts WHERE author = $me)) LIMIT 1)",
            params={"me": me}).fetchall()[0][0]
    finally:
        cur.close()
    if not any_active:
        return []
    try:
        from ..audit import working_ids

        return working_ids(ws, me)
    except ImportError:  # the audit is an optional layer; reach stands without it
        ctx_obj.warn("working followers unknown: the audit module is not available")
        return None


def _print_reach(me: str, r: dict) -> None:
    method = "exact" if r["method"] == "exact" else f"HyperLogLog, ±{r['relative_error']:.2%}"
    known = r.get("first_degree_with_known_followers")
    lines = [
        f"Reach of {me} ({method})",
        f"  first degree: distinct followers           {_fmt(r['first_degree']):>14}",
        f"  second degree: followers of followers      {_fmt(r['second_degree']):>14}"
        + (f"   ({known:,} of {r['first_degree']:,} followers have known followers)"
           if r["first_degree"] and known is not None and known < r["first_degree"] else ""),
        f"  second degree via working followers        {_fmt(r['second_degree_via_working']):>14}",
        f"  groups: distinct members                   {_fmt(r['groups']):>14}",
        f"  groups: naive sum of member counts         {_fmt(r['groups_raw_sum']):>14}"
        + (f"   ({r['groups_count']:,} groups)" if r.get("groups_count") else ""),
    ]
    if r["second_degree"] is None and r["first_degree"]:
        lines.append("  (no follower's own followers are known: import their follow lists to count "
                     "the second degree)")
    click.echo("\n".join(lines))


@main.command("rank")
@common_options
@click.option("--csv", "csv_path", default=None, metavar="FILE",
              help="Write one row per account to FILE ('-' for stdout).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--limit", default=None, type=click.IntRange(0), metavar="N",
              help="Accounts in the JSON or on screen (default: all in JSON, 20 on screen).")
@click.option("--top", "top", default=0.01, show_default=True, type=click.FloatRange(0, 1, min_open=True),
              help="Fraction of top accounts for the top correlations (Cha et al. use 1%).")
def rank_command(ctx_obj, csv_path, as_json, limit, top):
    """Rank every account: followers, working followers, shares, mentions, replies, PageRank.

    followers = in-degree; working_followers = distinct accounts that made an active interaction
    toward it; shares/mentions/replies = received from others; pagerank = PageRank of the follow
    graph (damping 0.85). Also prints Spearman rank correlations between the measures, overall
    and among the top 1% by each (Cha et al. 2010, the million follower fallacy).

    Example: innercircle rank --csv ranking.csv
    """
    from ..errors import UsageError
    from ..graph.rank import rank_correlations, rank_table, records

    if csv_path and as_json and csv_path == "-":
        raise UsageError("--csv - and --json both want stdout", hint="give --csv a file name")
    with open_for_read(ctx_obj) as ws:
        df = rank_table(ws)
    if csv_path:
        write_frame(df, csv_path)
        if not as_json:
            ctx_obj.info(f"wrote {len(df):,} accounts to {csv_path}")
    corr = rank_correlations(df, top=top)
    if as_json:
        shown = df if limit is None else df.head(limit)
        echo_json({"accounts_total": len(df), "correlations": corr, "accounts": records(shown)})
    elif len(df) == 0:
        click.echo(f"{ctx_obj.workspace} holds no accounts: import a network first "
                   "(innercircle import SOURCE)")
    elif not csv_path or csv_path != "-":
        _print_rank(df.head(20 if limit is None else limit), corr)


def _print_rank(df, corr: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 112))
    t = Table(title=f"Top {len(df)} of {corr['accounts']:,} accounts by PageRank")
    for col in df.columns:
        t.add_column(col, justify="left" if col == "id" else "right")
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
