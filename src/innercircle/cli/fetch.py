"""innercircle fetch bluesky|mastodon: the only commands that touch the network, and only when asked."""

from __future__ import annotations

import contextlib
import sys

import click

from ._common import common_options, echo_json
from ._main import main


@main.group("fetch")
def fetch_group() -> None:
    """Fetch an account's network from a public API into the workspace.

    Pages are cached in the workspace as they arrive: an interrupted fetch resumes where it
    stopped, and a repeat within --max-age hours asks the server nothing.

    Example: innercircle fetch bluesky alice.bsky.social --limit 5000
    """


def _shared(fn):
    for option in reversed([
        click.option("--base-url", metavar="URL", default=None,
                     help="The server to ask (default: the account's instance / Bluesky's public AppView)."),
        click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
                     help="At most N followers and N followed accounts (default: all)."),
        click.option("--posts", type=click.IntRange(min=0), default=40, show_default=True, metavar="N",
                     help="How many of the latest posts to ask about (who liked, shared, answered)."),
        click.option("--refresh", is_flag=True, help="Ignore cached pages and ask the server again."),
        click.option("--max-age", type=click.FloatRange(min=0), default=24.0, show_default=True,
                     metavar="HOURS", help="Reuse cached pages younger than this."),
        click.option("--retries", type=click.IntRange(min=0), default=5, show_default=True,
                     help="Tries again after a dropped connection or a server error."),
        click.option("--max-wait", type=click.FloatRange(min=0), default=900.0, show_default=True,
                     metavar="SECONDS", help="Longest rate-limit wait before stopping (resume later)."),
        click.option("--json", "as_json", is_flag=True, help="Print the import summary as one JSON object."),
        click.option("--backoff", type=click.FloatRange(min=0), default=0.5, hidden=True,
                     help="First retry wait in seconds (doubles each try)."),
    ]):
        fn = option(fn)
    return fn


@fetch_group.command("bluesky")
@common_options
@click.argument("handle")
@_shared
@click.option("--no-profiles", is_flag=True,
              help="Skip getProfiles (follower counts of each account; one call per 25 accounts).")
def fetch_bluesky(ctx_obj, handle, base_url, limit, posts, refresh, max_age, retries, max_wait, as_json,
                  backoff, no_profiles):
    """Fetch a Bluesky account's followers, follows, profiles and recent posts with who liked,
    reposted and answered them (app.bsky.graph.getFollowers, getFollows, app.bsky.actor.getProfiles,
    app.bsky.feed.getAuthorFeed, getLikes, getRepostedBy, getPostThread), then import them.

    HANDLE is a handle (alice.bsky.social) or a DID. Account ids are DIDs, as in a .car import.

    Example: innercircle fetch bluesky alice.bsky.social --limit 2000 --posts 50
    """
    from ..io.api.bluesky import BlueskyClient, parse_handle

    parse_handle(handle)  # a usage error before the workspace is touched

    def make(cache, log):
        return BlueskyClient(handle, base_url=base_url, cache=cache, refresh=refresh, log=log,
                             retries=retries, max_wait=max_wait, backoff=backoff)

    _run(ctx_obj, "bluesky", make, max_age, as_json,
         dict(limit=limit, posts=posts, profiles=not no_profiles))


@fetch_group.command("mastodon")
@common_options
@click.argument("handle")
@_shared
@click.option("--token", envvar="MASTODON_TOKEN", default=None, metavar="TOKEN",
              help="An access token (read scope) for mentions and direct messages to you "
                   "(default: $MASTODON_TOKEN; without it those stay unknown).")
def fetch_mastodon(ctx_obj, handle, base_url, limit, posts, refresh, max_age, retries, max_wait, as_json,
                   backoff, token):
    """Fetch a Mastodon account's followers, following and recent statuses with who favourited,
    boosted and answered them (and, with --token, notifications of mentions), then import them.

    HANDLE is @user@instance. Account ids are @user@instance handles, as in an archive import.

    Example: innercircle fetch mastodon @alice@mastodon.social --limit 2000
    """
    from ..io.api.mastodon import MastodonClient, parse_handle

    parse_handle(handle)

    def make(cache, log):
        return MastodonClient(handle, base_url=base_url, cache=cache, token=token, refresh=refresh,
                              log=log, retries=retries, max_wait=max_wait, backoff=backoff)

    _run(ctx_obj, "mastodon", make, max_age, as_json, dict(limit=limit, posts=posts))


def _run(ctx_obj, service, make, max_age, as_json, options) -> None:
    from datetime import timedelta

    from ..io.api._cache import ApiCache
    from ..store import open_workspace
    from ._session import progress_callback

    # Not open_for_write: the cached pages must survive a failed fetch so that it can resume.
    ws = open_workspace(ctx_obj.workspace)
    try:
        cache = ApiCache(ws.con, service, max_age=timedelta(hours=max_age))
        client = make(cache, ctx_obj.warn)
        try:
            # rich writes a blank line when stderr is no terminal; keep an error to one line there
            bars = ctx_obj.progress() if sys.stderr.isatty() else contextlib.nullcontext()
            with bars as bar:
                batch = client.fetch(progress=progress_callback(bar) if bar else None, **options)
        finally:
            client.close()
        summary = ws.import_batch(batch)
        totals = ws.counts()
    finally:
        ws.close()
    http = client.http
    summary.update(requests=http.requests, cached_pages=cache.hits, waited_s=round(http.waited, 3),
                   workspace=str(ctx_obj.workspace), totals=totals)
    if as_json:
        echo_json(summary)
        return
    counts = ", ".join(f"{v:,} {k}" for k, v in summary["counts"].items())
    click.echo(f"fetched {batch.source}: {counts or 'nothing'} ({http.requests} requests, "
               f"{cache.hits} pages from the cache)")
    for note in summary["notes"]:
        click.echo(f"  note: {note}")
    if summary["unknown"]:
        click.echo(f"  this source cannot tell: {', '.join(summary['unknown'])}")
    click.echo(f"workspace {ctx_obj.workspace}: owner {summary['owner']}")
