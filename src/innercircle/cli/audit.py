"""innercircle audit, followers, changes, tag, values, snapshots"""

from __future__ import annotations

from pathlib import Path

import click

from ..metrics.segments import SEGMENTS
from ._common import choice_of, common_options, echo_json, emit, frame_records, output_options, plural, write_frame
from ._engine import emit_owners, engine_options, engine_run
from ._main import main
from ._options import ME_HELP, audit_options, input_format, input_format_option
from ._session import load_audit, network, open_for_read, open_for_write, progress_callback

TIER_CHOICES = ("committed", "occasional", "attentive", "silent", "hollow", "unknown", "working")

def definitions_text() -> str:
    """The epilog of audit and followers: every definition with the defaults in force (from the registries)."""
    from ..model import ACTIVE_KINDS, PASSIVE_KINDS
    from ..results.tiers import definitions

    tiers = definitions()
    return "\b\n" + "\n".join([
        "Definitions (defaults; each can be changed with the options below):",
        "  as-of      the latest interaction in the workspace (not in the future), or --as-of",
        "  window     the --window-days (365) days up to as-of",
        f"  active     {', '.join(ACTIVE_KINDS)} toward you or your posts; passive: {', '.join(PASSIVE_KINDS)}",
        *[f"  {name:<10} {text}" for name, text in tiers.items()],
        "  working    committed + occasional;  working_share = working / followers",
        "  engagement recency-weighted active actions (half-life 90 days), likes weigh 0.1",
        "  care       received: their actions toward you; given: your replies, shares, mentions,",
        "             messages to them and following them; balance = (received-given)/(received+given)",
        "  concentration  how many followers produce 80% of the active actions",
    ])


def _options(as_of, window_days, half_life_days, committed_days, values):
    return dict(as_of=as_of, window_days=window_days, half_life_days=half_life_days,
                committed_days=committed_days, values=values)


@main.command("audit", epilog=definitions_text())
@common_options
@click.argument("source", required=False, type=click.Path(path_type=Path))
@audit_options
@input_format_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--csv", "csv_path", default=None, metavar="FILE",
              help="Write the summary as a one-row CSV to FILE ('-' for stdout).")
@click.option("--owners", "owners_path", default=None, metavar="FILE",
              help="Audit many owners in one pass: one id, handle or profile URL per line, or a CSV with an "
                   "id column; one row per owner.")
@engine_options
def audit_cmd(ctx_obj, source, me, as_of, window_days, half_life_days, committed_days, values, fmt, old_format,
              as_json, csv_path, owners_path, engine, engine_source, spark_master, parquet_path):
    """Followers versus the people who work for you: tiers, care both ways, concentration.

    With SOURCE, it is imported first exactly as 'innercircle import' would (into --workspace,
    or a temporary workspace). With no SOURCE and no workspace, it audits the built-in sample
    network.

    With --owners FILE, every owner in the file is audited in one pass (the same tiers, window and
    as-of as --me), on DuckDB or, with --engine spark, on Spark: one row per owner with followers,
    working, committed, occasional, attentive, silent, hollow, working_share and the other counts.

    Example: innercircle audit --json --workspace acme.duckdb
    """
    fmt = input_format(fmt, old_format, ctx_obj)
    if owners_path is not None:
        _audit_owners(ctx_obj, owners_path, engine, engine_source or source, spark_master, parquet_path, csv_path,
                      as_json, as_of=as_of, window_days=window_days, committed_days=committed_days)
        return
    with network(ctx_obj, source, me=me, fmt=fmt) as ws, ctx_obj.progress() as bar:
        a = load_audit(ctx_obj, ws, me=me if source is None else None, progress=progress_callback(bar),
                       **_options(as_of, window_days, half_life_days, committed_days, values))
        result = a.summary
    if csv_path:
        import pandas as pd

        flat = {k: v for k, v in result.items() if not isinstance(v, (dict, list))}
        write_frame(pd.DataFrame([flat]), csv_path)
    if as_json:
        echo_json(result)
        return
    if csv_path:
        return
    from ..report.terminal import print_audit

    print_audit(result, label="the built-in sample network" if ctx_obj.on_sample else None)


def _audit_owners(ctx_obj, owners_path, engine, source, master, parquet_path, csv_path, as_json, *, as_of,
                  window_days, committed_days):
    """audit --owners: one row per owner, on the chosen engine."""
    from ..engines.inputs import match_owners, read_owner_list
    from ..engines.owners import audit_owners

    entries = read_owner_list(owners_path)
    with engine_run(ctx_obj, engine=engine, source=source, master=master, as_of=as_of, window_days=window_days,
                    need_owner=False) as run:
        owners = match_owners(run.engine, entries)
        table = audit_owners(run.engine, owners, run.window, committed_days=committed_days)
    emit_owners(ctx_obj, table, csv_path=csv_path, as_json=as_json, parquet_path=parquet_path)


@main.command("followers", epilog=definitions_text())
@common_options
@audit_options
@click.option("--tier", default=None, callback=choice_of(TIER_CHOICES, field="--tier"),
              help=f"Only this tier: {', '.join(TIER_CHOICES)}.")
@click.option("--segment", default=None, callback=choice_of(SEGMENTS, field="--segment"),
              help=f"Only this segment: {', '.join(SEGMENTS)}.")
@output_options
@click.option("--limit", default=None, type=click.IntRange(0), help="At most this many rows on screen.")
def followers_cmd(ctx_obj, me, as_of, window_days, half_life_days, committed_days, values, tier, segment,
                  csv_path, as_json, as_jsonl, limit):
    """One row per follower: what they did for you, when, and what you did for them.

    Columns: id, handle, name, tier, engagement_score, shares, replies, mentions, likes, visits,
    messages, contributions, word_of_mouth, responses, active_days, first_active, last_active,
    care_received, care_given, care_balance, mutual, segment, segment_source, segment_confidence,
    alignment_score, hollow_risk, hollow, hollow_kind, hollow_reasons, tags, followers_count,
    following_count. Sorted by engagement_score. Empty cells (CSV) and null (JSON) are unknown.

    Example: innercircle followers --tier committed --csv committed.csv
    """
    with network(ctx_obj) as ws, ctx_obj.progress() as bar:
        a = load_audit(ctx_obj, ws, me=me, progress=progress_callback(bar),
                       **_options(as_of, window_days, half_life_days, committed_days, values))
        table = a.followers
    if tier == "working":
        table = table[table["tier"].isin(["committed", "occasional"])]
    elif tier:
        table = table[table["tier"] == tier]
    if segment:
        table = table[table["segment"] == segment]
    from ..report.terminal import print_followers

    emit(ctx_obj, table, csv_path=csv_path, as_json=as_json, as_jsonl=as_jsonl, label="followers",
         payload=lambda: {"followers": frame_records(table), "count": len(table)},
         show=lambda: print_followers(table, limit=30 if limit is None else limit))


@main.command("changes")
@common_options
@click.option("--me", default=None, metavar="ACCOUNT", help=ME_HELP)
@click.option("--since", default=None, type=int, metavar="SNAPSHOT",
              help="Compare with the network after this snapshot (default: the one before the latest).")
@output_options(jsonl=False)
def changes_cmd(ctx_obj, me, since, csv_path, as_json):
    """New and lost followers and tier moves between two snapshots.

    Import a newer export of the same source first; the older snapshot stays on record.

    Example: innercircle changes --json
    """
    import pandas as pd

    from ..results.changes import changes

    with open_for_read(ctx_obj) as ws:
        result = changes(ws, me, since=since)
    if csv_path:  # one row per follower who came, went or changed tier
        rows = ([{"id": i, "change": "new", "from": None, "to": None} for i in result["new_followers"]]
                + [{"id": i, "change": "lost", "from": None, "to": None} for i in result["lost_followers"]]
                + [{"id": m["id"], "change": "tier", "from": m["from"], "to": m["to"]} for m in result["tier_moves"]])
        write_frame(pd.DataFrame(rows, columns=["id", "change", "from", "to"]), csv_path)
    if as_json:
        echo_json(result)
        return
    if csv_path:
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
    from ..store.tags import read_list, tag_accounts

    entries = read_list(file)
    with open_for_write(ctx_obj) as ws:
        result = tag_accounts(ws, entries, label)
    if as_json:
        echo_json(result)
        return
    click.echo(f"tagged {plural(result['matched'], 'account')} as {result['tag']}")
    if result["unmatched"]:
        n = len(result["unmatched"])
        click.echo(f"{plural(n, 'entry', 'entries')} matched no account, e.g. {result['unmatched'][0]!r}")


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
@output_options(jsonl=False)
def snapshots_cmd(ctx_obj, csv_path, as_json):
    """List the imports on record (each is a snapshot).

    Example: innercircle snapshots
    """
    import json

    with open_for_read(ctx_obj) as ws:
        snaps = ws.snapshots()
    rows = frame_records(snaps)
    for row in rows:  # stored as JSON text; shown as JSON values
        for key in ("counts", "unknown", "notes"):
            if isinstance(row.get(key), str):
                row[key] = json.loads(row[key])
    if csv_path:
        write_frame(snaps, csv_path)
    if as_json:
        echo_json({"snapshots": rows})
        return
    if csv_path:
        return
    if not rows:
        click.echo("no snapshots: nothing imported yet")
    for s in rows:
        state = "current" if s["superseded_by"] is None else f"replaced by {int(s['superseded_by'])}"
        click.echo(f"{s['id']}  {s['imported_at']}  {s['format']:<9} {s['source']}  ({state})")
