"""Options that mean the same in every command: the owner, the as-of, the window, input formats."""

from __future__ import annotations

import click

from ._common import deprecated

#: The formats 'innercircle import' reads (the readers' names in innercircle.io.detect).
FORMAT_CHOICES = ["generic", "edgelist", "x", "linkedin", "mastodon", "bluesky"]
ME_HELP = "The owner: an account id, a handle (with or without @) or a profile URL (default: the workspace's)."


def owner_options(fn):
    """--me, --as-of and --window-days, with one default and one range everywhere; marks the command
    as one that reads an owner's network (the contract tests run every such command)."""
    fn.reads_network = True
    for opt in reversed([
        click.option("--me", default=None, metavar="ACCOUNT", help=ME_HELP),
        click.option("--as-of", "as_of", default=None, metavar="DATE",
                     help="End of the window (ISO date; default: the latest interaction on record)."),
        click.option("--window-days", default=365, show_default=True, type=click.IntRange(1, 36500),
                     help="Days counted, up to the as-of."),
    ]):
        fn = opt(fn)
    return fn


def audit_options(fn):
    """:func:`owner_options` plus the audit's own parameters."""
    for opt in reversed([
        click.option("--half-life-days", default=90.0, show_default=True, type=click.FloatRange(1, 10000),
                     help="Engagement score: an action's weight halves every this many days."),
        click.option("--committed-days", default=3, show_default=True, type=click.IntRange(1, 366),
                     help="Distinct active days needed to be committed."),
        click.option("--values", default=None, metavar="TEXT",
                     help="Your values or topics, for alignment_score (else the workspace setting)."),
    ]):
        fn = opt(fn)
    return owner_options(fn)


def input_format_option(fn):
    """--input-format (the format of SOURCE); the old --format still works, with a note."""
    fn = click.option("--format", "old_format", default=None, hidden=True,
                      type=click.Choice(FORMAT_CHOICES))(fn)
    return click.option("--input-format", "fmt", default=None, type=click.Choice(FORMAT_CHOICES),
                        help="Format of SOURCE (default: detected).")(fn)


def input_format(fmt, old_format, ctx_obj):
    """The input format from --input-format, or the deprecated --format."""
    if old_format is not None:
        deprecated("--format", "--input-format", quiet=ctx_obj.quiet)
        return fmt or old_format
    return fmt
