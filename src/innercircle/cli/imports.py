"""innercircle import"""

from __future__ import annotations

from pathlib import Path

import click

from ._common import common_options, echo_json
from ._main import main
from ._session import open_for_write, progress_callback

from ._options import FORMAT_CHOICES, input_format, input_format_option  # noqa: F401 - re-exported for tests


@main.command("import")
@common_options
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--me", default=None, metavar="ACCOUNT",
              help="The owner: an id, a handle (with or without @) or a profile URL in SOURCE (overrides what "
                   "the source says).")
@input_format_option
@click.option("--replace", is_flag=True, help="Start the workspace afresh instead of adding to it.")
@click.option("--source-name", default=None, metavar="NAME",
              help="Name this source, so that a later import with the same name replaces it "
                   "(default: the format and the file name with its digits ignored).")
@click.option("--json", "as_json", is_flag=True, help="Print the import summary as one JSON object.")
def import_cmd(ctx_obj, source, me, fmt, old_format, replace, source_name, as_json):
    """Import SOURCE into the workspace, as one all-or-nothing snapshot.

    SOURCE is a folder or .zip in the generic format (accounts.csv, follows.csv, interactions.csv,
    posts.csv, groups.csv, memberships.csv; CSV or Parquet), a whitespace-separated edge list
    (follower followee per line, optionally .gz), or a platform export (X/Twitter archive, LinkedIn
    export, Mastodon archive or CSV export, Bluesky .car). The format is detected from the content.

    Accounts merge by id (newer known values win); follows, interactions and posts are united.
    Importing the same source again (a newer export) replaces its older snapshot in the current
    network and keeps the older on record for 'innercircle changes'.

    Example: innercircle import ./my-network --me acme_founder
    """
    from ..imports import import_source, skipped_line

    fmt = input_format(fmt, old_format, ctx_obj)
    with open_for_write(ctx_obj) as ws, ctx_obj.progress() as bar:
        summary = import_source(ws, source, me=me, format=fmt, replace=replace, source_name=source_name,
                                progress=progress_callback(bar))
        total = ws.counts()
    warn = skipped_line(summary)
    if warn:
        ctx_obj.warn(warn)
    if as_json:
        echo_json({**summary, "workspace": str(ctx_obj.workspace), "totals": total})
        return
    counts = ", ".join(f"{v:,} {k}" for k, v in summary["counts"].items())
    click.echo(f"imported {summary['source']} ({summary['format']}): {counts or 'nothing'}")
    if summary["superseded"]:
        click.echo(f"replaced the older snapshot of the same source (kept on record): "
                   f"{', '.join(map(str, summary['superseded']))}")
    for note in summary["notes"]:
        click.echo(f"  note: {note}")
    if summary["unknown"]:
        click.echo(f"  this source cannot tell: {', '.join(summary['unknown'])} (they stay unknown, never 0)")
    click.echo(f"workspace {ctx_obj.workspace}: " + ", ".join(f"{v:,} {k}" for k, v in total.items())
               + f"; owner: {summary['owner'] or 'not set (use --me)'}")
