"""innercircle audit, followers, changes, tag, values, snapshots"""

from __future__ import annotations

from pathlib import Path

import click

from ._common import common_options, echo_json, frame_records, write_frame
from ._main import main
from ._session import network, open_for_read, open_for_write, progress_callback

DEFINITIONS = """\b
Definitions (defaults; each can be changed with the options below):
  as-of      the latest interaction in the workspace (not in the future), or --as-of
  window     the --window-days (365) days up to as-of
  active     share, reply, mention, visit, message, contribution, word_of_mouth, response
             toward you or your posts; passive: like
  committed  active on >= 3 distinct days of the window, one in the last 90 days
  occasional at least one active action, not committed
  attentive  likes only;  silent: nothing toward you;  hollow: judged fake/automated/mass/farm
  unknown    nothing known while your sources cannot tell some kinds (e.g. who liked you)
  working    committed + occasional;  working_share = working / followers
  engagement recency-weighted active actions (half-life 90 days), likes weigh 0.1
  care       received: their actions toward you; given: your replies, shares, mentions,
             messages to them and following them; balance = (received-given)/(received+given)
  concentration  how many followers produce 80% of the active actions
"""


def audit_options(fn):
    for opt in reversed([
        click.option("--me", default=None, metavar="ID", help="The owner's account id."),
        click.option("--as-of", "as_of", default=None, metavar="DATE", help="End of the window (ISO date)."),
        click.option("--window-days", default=365, show_default=True, type=click.IntRange(1, 36500)),
        click.option("--half-life-days", default=90.0, show_default=True, type=click.FloatRange(1, 10000)),
        click.option("--committed-days", default=3, show_default=True, type=click.IntRange(1, 366),
                     help="Distinct active days needed to be committed."),
        click.option("--values", default=None, metavar="TEXT",
                     help="Your values or topics, for alignment_score (else the workspace setting)."),
    ]):
        fn = opt(fn)
    return fn


def _options(as_of, window_days, half_life_days, committed_days, values):
    return dict(as_of=as_of, window_days=window_days, half_life_days=half_life_days,
                committed_days=committed_days, values=values)


@main.command("audit", epilog=DEFINITIONS)
@common_options
@click.argument("source", required=False, type=click.Path(path_type=Path))
@audit_options
@click.option("--format", "fmt", default=None, help="Format of SOURCE (default: detected).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def audit_cmd(ctx_obj, source, me, as_of, window_days, half_life_days, committed_days, values, fmt, as_json):
    """Followers versus the people who work for you: tiers, care both ways, concentration.

    With SOURCE, it is imported first exactly as 'innercircle import' would (into --workspace,
    or a temporary workspace). With no SOURCE and an empty workspace, it audits the built-in
    sample network.

    Example: innercircle audit --json --workspace acme.duckdb
    """
    from ..audit import audit

    with network(ctx_obj, source, me=me, fmt=fmt) as ws, ctx_obj.progress() as bar:
        result = audit(ws, me, progress=progress_callback(bar),
                       **_options(as_of, window_days, half_life_days, committed_days, values))
    if as_json:
        echo_json(result)
        return
    from ..report.terminal import print_audit

    print_audit(result, label="the built-in sample network" if ctx_obj.on_sample else None)


@main.command("followers", epilog=DEFINITIONS)
@common_options
@audit_options
@click.option("--tier", type=click.Choice(["committed", "occasional", "attentive", "silent", "hollow", "unknown",
                                           "working"]), default=None, help="Only this tier.")
@click.option("--segment", default=None, help="Only this segment (customer, supplier, prospect, fan, peer, "
                                               "competitor, press, other).")
@click.option("--csv", "csv_path", default=None, metavar="FILE", help="Write CSV to FILE ('-' for stdout).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--limit", default=None, type=int, help="At most this many rows on screen.")
def followers_cmd(ctx_obj, me, as_of, window_days, half_life_days, committed_days, values, tier, segment,
                  csv_path, as_json, limit):
    """One row per follower: what they did for you, when, and what you did for them.

    Columns: id, handle, name, tier, engagement_score, shares, replies, mentions, likes, visits,
    messages, contributions, word_of_mouth, responses, active_days, first_active, last_active,
    care_received, care_given, care_balance, mutual, segment, segment_source, segment_confidence,
    alignment_score, hollow_risk, hollow, hollow_kind, hollow_reasons, tags, followers_count,
    following_count. Sorted by engagement_score. Empty cells (CSV) and null (JSON) are unknown.

    Example: innercircle followers --tier committed --csv committed.csv
    """
    from ..audit import follower_table

    with open_for_read(ctx_obj) as ws, ctx_obj.progress() as bar:
        table = follower_table(ws, me, progress=progress_callback(bar),
                               **_options(as_of, window_days, half_life_days, committed_days, values))
    if tier == "working":
        table = table[table["tier"].isin(["committed", "occasional"])]
    elif tier:
        table = table[table["tier"] == tier]
    if segment:
        table = table[table["segment"] == segment.lower()]
    if csv_path:
        write_frame(table, csv_path)
        if csv_path != "-":
            ctx_obj.info(f"wrote {len(table):,} followers to {csv_path}")
    elif as_json:
        echo_json({"followers": frame_records(table), "count": len(table)})
    else:
        from ..report.terminal import print_followers

        print_followers(table, limit=limit or 30)


@main.command("changes")
@common_options
@click.option("--me", default=None, metavar="ID", help="The owner's account id.")
@click.option("--since", default=None, type=int, metavar="SNAPSHOT",
              help="Compare with the network after this snapshot (default: the one before the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def changes_cmd(ctx_obj, me, since, as_json):
    """New and lost followers and tier moves between two snapshots.

    Import a newer export of the same source first; the older snapshot stays on record.

    Example: innercircle changes --json
    """
    from ..changes import changes

    with open_for_read(ctx_obj) as ws:
        result = changes(ws, me, since=since)
    if as_json:
        echo_json(result)
        return
    click.echo(f"changes from snapshot {result['from_snapshot']} to {result['to_snapshot']}:")
    click.echo(f"  new followers:  {len(result['new_followers']):,}")
    click.echo(f"  lost followers: {len(result['lost_followers']):,}")
    for move, n in sorted(result["moves"].items(), key=lambda kv: -kv[1]):
        click.echo(f"  {move}: {n:,}")


@main.command("tag")
@common_options
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--as", "label", required=True, metavar="TAG", help="The tag to add, e.g. customer.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def tag_cmd(ctx_obj, file, label, as_json):
    """Tag the accounts named in FILE (ids, handles, profile URLs or e-mails, one per line or CSV).

    Example: innercircle tag customers.csv --as customer
    """
    from ..tagging import read_list, tag_accounts

    entries = read_list(file)
    with open_for_write(ctx_obj) as ws:
        result = tag_accounts(ws, entries, label)
    if as_json:
        echo_json(result)
        return
    click.echo(f"tagged {result['matched']:,} accounts as {result['tag']}")
    if result["unmatched"]:
        click.echo(f"{len(result['unmatched']):,} entries matched no account, e.g. {result['unmatched'][0]!r}")


@main.command("values")
@common_options
@click.argument("text", required=False)
def values_cmd(ctx_obj, text):
    """Show, or set, the values and topics you stand for (used for alignment_score).

    Example: innercircle values "sustainable manufacturing, open source, remote teams"
    """
    if text is None:
        with open_for_read(ctx_obj) as ws:
            click.echo(ws.get_setting("values") or "no values set")
        return
    with open_for_write(ctx_obj) as ws:
        ws.set_setting("values", text.strip())
    click.echo(f"values set: {text.strip()}")


@main.command("snapshots")
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def snapshots_cmd(ctx_obj, as_json):
    """List the imports on record (each is a snapshot).

    Example: innercircle snapshots
    """
    with open_for_read(ctx_obj) as ws:
        snaps = ws.snapshots()
    if as_json:
        echo_json({"snapshots": frame_records(snaps)})
        return
    for s in snaps.itertuples(index=False):
        state = "current" if s.superseded_by is None or s.superseded_by != s.superseded_by else \
            f"replaced by {int(s.superseded_by)}"
        click.echo(f"{s.id}  {s.imported_at}  {s.format:<9} {s.source}  ({state})")
