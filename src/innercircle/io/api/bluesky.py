"""Bluesky public-API client: followers, follows, profiles, the author feed, likes, reposts and replies.

Uses the public AppView (``https://public.api.bsky.app``, no login): ``app.bsky.actor.getProfile`` and
``getProfiles``, ``app.bsky.graph.getFollowers`` and ``getFollows``, ``app.bsky.feed.getAuthorFeed``,
``getLikes``, ``getRepostedBy`` and ``getPostThread`` (replies), each paged with ``cursor``. Mentions of
the owner and direct messages need a login and stay unknown.
"""

from __future__ import annotations

from typing import Any, Callable

from ...errors import UsageError
from ..bluesky import mentions, uri_author
from ._cache import ApiCache, paginate
from ._http import Http
from ._rows import Rows
from ..batch import ImportBatch

PUBLIC_APPVIEW = "https://public.api.bsky.app"
PAGE = 100
PROFILES_PER_CALL = 25


def parse_handle(handle: str) -> str:
    """A handle (``alice.bsky.social``, with or without ``@``) or a DID, checked for shape."""
    h = (handle or "").strip().lstrip("@")
    if h.startswith("did:") and len(h) > 8:
        return h
    if "." in h and all(part and part.replace("-", "").isalnum() for part in h.split(".")):
        return h.lower()
    raise UsageError(f"{handle!r} is not a Bluesky handle or DID",
                     hint="write it as alice.bsky.social or did:plc:...")


class BlueskyClient:
    """Fetches one account's network through the Bluesky public API into an ImportBatch."""

    def __init__(self, handle: str, *, base_url: str | None = None, cache: ApiCache | None = None,
                 http: Http | None = None, refresh: bool = False,
                 log: Callable[[str], None] | None = None, **http_options: Any):
        self.actor = parse_handle(handle)
        self.http = http or Http(base_url or PUBLIC_APPVIEW, log=log, **http_options)
        self.cache, self.refresh = cache, refresh
        self.rows, self.notes, self.skipped = Rows(), [], {}
        self.me: str | None = None

    def close(self) -> None:
        self.http.close()

    def _xrpc(self, method: str) -> str:
        return f"/xrpc/{method}"

    def _listing(self, name: str, method: str, params: dict, key: str, *, limit: int | None = None):
        def fetch(cursor: str | None):
            body, _h = self.http.get(self._xrpc(method), {**params, **({"cursor": cursor} if cursor else {})})
            nxt = body.get("cursor") if isinstance(body, dict) else None
            return body, nxt if isinstance(nxt, str) and nxt else None

        return paginate(self.cache, name, fetch,
                        lambda b: b.get(key) or [] if isinstance(b, dict) else [],
                        limit=limit, refresh=self.refresh)

    def _one(self, name: str, method: str, params: dict) -> Any:
        def fetch(_cursor):
            return self.http.get(self._xrpc(method), params)[0], None

        items = list(paginate(self.cache, name, fetch, lambda b: [b], refresh=self.refresh))
        return items[0] if items else None

    def fetch(self, *, limit: int | None = None, posts: int = 40, profiles: bool = True,
              progress: Callable | None = None) -> ImportBatch:
        """Followers, follows (with their profiles) and recent posts with who liked, reposted and answered."""
        profile = self._one(f"profile:{self.actor}", "app.bsky.actor.getProfile", {"actor": self.actor})
        me = self.account(profile)
        if not me:
            raise UsageError(f"{self.actor}: the server did not return a profile")
        self.me = me
        unknown = {"mentions_received", "messages"}
        people: list[str] = []
        for what, method, key in (("followers", "app.bsky.graph.getFollowers", "followers"),
                                  ("following", "app.bsky.graph.getFollows", "follows")):
            n = 0
            for n, a in enumerate(self._listing(f"{what}:{me}", method, {"actor": me, "limit": PAGE}, key,
                                                limit=limit), 1):
                did = self.account(a)
                if did:
                    people.append(did)
                    self.rows.follow(did, me) if what == "followers" else self.rows.follow(me, did)
                if progress and n % 500 == 0:
                    progress(n, _count(profile, what), what)
            total = _count(profile, what)
            self.notes.append(f"{what}: {n} fetched" + (f" of {total}" if total is not None else ""))
            if limit is not None and n >= limit and (total is None or total > n):
                unknown.add(what)
                self.notes.append(f"{what} cut at --limit {limit}: the list is incomplete")
        if profiles:
            self.profiles(list(dict.fromkeys(people)), progress)
        else:
            unknown.add("profiles")
        self.feed(me, posts, progress)
        self.notes.append("mentions of the owner and direct messages need a login: unknown")
        return self.rows.batch("bluesky", f"bluesky-api:{self.actor}", owner=me, unknown=unknown,
                               notes=self.notes, skipped=self.skipped)

    def profiles(self, dids: list[str], progress: Callable | None) -> None:
        """Follower and following counts of every account met (``getProfiles``, 25 at a time)."""
        for i in range(0, len(dids), PROFILES_PER_CALL):
            chunk = dids[i:i + PROFILES_PER_CALL]
            body = self._one(f"profiles:{chunk[0]}:{len(chunk)}:{chunk[-1]}", "app.bsky.actor.getProfiles",
                             {"actors": chunk})
            for p in (body or {}).get("profiles") or ():
                self.account(p)
            if progress:
                progress(min(i + PROFILES_PER_CALL, len(dids)), len(dids), "profiles")
        self.notes.append(f"profiles: {len(dids)} asked for")

    def feed(self, me: str, posts: int, progress: Callable | None) -> None:
        n = own = 0
        for n, item in enumerate(self._listing(f"feed:{me}", "app.bsky.feed.getAuthorFeed",
                                               {"actor": me, "limit": PAGE}, "feed", limit=posts), 1):
            post = item.get("post") if isinstance(item, dict) else None
            if not isinstance(post, dict) or not isinstance(post.get("uri"), str):
                self._skip("feed items without a post")
                continue
            reason = item.get("reason") or {}
            if isinstance(reason, dict) and str(reason.get("$type", "")).endswith("reasonRepost"):
                author = self.account(post.get("author"))
                self.rows.interact(me, author, "share", at=reason.get("indexedAt"), post=post["uri"])
                continue
            if uri_author(post["uri"]) != me:
                continue
            own += 1
            self.own_post(me, post)
            if progress and n % 20 == 0:
                progress(n, posts, "posts")
        self.notes.append(f"feed: {n} items, {own} of them the owner's posts (--posts {posts}), with "
                          "who liked, reposted and answered them")

    def own_post(self, me: str, post: dict) -> None:
        uri, record = post["uri"], post.get("record") if isinstance(post.get("record"), dict) else {}
        at = record.get("createdAt") or post.get("indexedAt")
        parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
        rkey = uri.rsplit("/", 1)[-1]
        self.rows.post(uri, author=me, at=at, text=record.get("text"), reply_to=parent,
                       url=f"https://bsky.app/profile/{me}/post/{rkey}")
        if uri_author(parent):
            self.rows.interact(me, uri_author(parent), "reply", at=at, post=parent)
        for did in mentions(record):
            self.rows.interact(me, did, "mention", at=at, post=uri)
        if _int(post.get("likeCount")):
            for like in self._listing(f"likes:{uri}", "app.bsky.feed.getLikes", {"uri": uri, "limit": PAGE},
                                      "likes"):
                actor = self.account(like.get("actor") if isinstance(like, dict) else None)
                self.rows.interact(actor, me, "like", at=like.get("createdAt"), post=uri)
        if _int(post.get("repostCount")):
            for a in self._listing(f"reposts:{uri}", "app.bsky.feed.getRepostedBy",
                                   {"uri": uri, "limit": PAGE}, "repostedBy"):
                self.rows.interact(self.account(a), me, "share", post=uri)
        if _int(post.get("replyCount")):
            thread = self._one(f"thread:{uri}", "app.bsky.feed.getPostThread", {"uri": uri, "depth": 1})
            for r in ((thread or {}).get("thread") or {}).get("replies") or ():
                rp = r.get("post") if isinstance(r, dict) else None
                if isinstance(rp, dict):
                    actor = self.account(rp.get("author"))
                    rec = rp.get("record") if isinstance(rp.get("record"), dict) else {}
                    self.rows.interact(actor, me, "reply", at=rec.get("createdAt"), post=rp.get("uri"))

    def account(self, a: Any) -> str | None:
        """Add a profile view; returns its DID."""
        if not isinstance(a, dict) or not isinstance(a.get("did"), str) or not a["did"].startswith("did:"):
            self._skip("accounts without a DID")
            return None
        did = a["did"]
        handle = a.get("handle") if isinstance(a.get("handle"), str) and a.get("handle") != "handle.invalid" \
            else None
        self.rows.account(did, handle=handle, name=a.get("displayName") or None,
                          bio=a.get("description") if isinstance(a.get("description"), str) else None,
                          followers_count=_int(a.get("followersCount")),
                          following_count=_int(a.get("followsCount")),
                          posts_count=_int(a.get("postsCount")), created_at=a.get("createdAt"),
                          url=f"https://bsky.app/profile/{handle or did}",
                          has_avatar=bool(a.get("avatar")) if "avatar" in a or "followersCount" in a else None)
        return did

    def _skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def _count(profile: dict, what: str) -> int | None:
    return _int(profile.get("followersCount" if what == "followers" else "followsCount"))


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None
