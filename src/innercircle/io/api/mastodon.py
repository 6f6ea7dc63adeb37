"""Mastodon API client: followers, following, statuses, who favourited and boosted them, replies, mentions.

Public endpoints need no token: ``accounts/lookup``, ``accounts/:id/followers`` and ``following``,
``accounts/:id/statuses``, ``statuses/:id/favourited_by``, ``reblogged_by`` and ``context``
(replies). ``notifications`` (mentions and direct messages to the owner) need the owner's token
(``--token`` or ``$MASTODON_TOKEN``, scope ``read:notifications``); without it those facts stay
unknown. Pages follow the ``Link: <...>; rel="next"`` header.
"""

from __future__ import annotations

from typing import Any, Callable

from ...errors import FetchError, UsageError
from ..mastodon import canonical, strip_html
from ._cache import ApiCache, paginate
from ._http import Http, link_next
from ._rows import Rows
from ..batch import ImportBatch

FORMAT = "mastodon-api"
PAGE = 80


def parse_handle(handle: str) -> tuple[str, str]:
    """``@user@instance`` (or ``user@instance``) -> (user, instance)."""
    acct = canonical(handle)
    if not acct:
        raise UsageError(f"{handle!r} is not a Mastodon address",
                         hint="write it as @user@instance, e.g. @alice@mastodon.social")
    user, instance = acct[1:].split("@", 1)
    return user, instance


class MastodonClient:
    """Fetches one account's network through the Mastodon API into an ImportBatch."""

    def __init__(self, handle: str, *, base_url: str | None = None, cache: ApiCache | None = None,
                 token: str | None = None, http: Http | None = None, refresh: bool = False,
                 log: Callable[[str], None] | None = None, **http_options: Any):
        self.user, self.instance = parse_handle(handle)
        self.me = f"@{self.user}@{self.instance}"
        self.http = http or Http(base_url or f"https://{self.instance}", token=token, log=log,
                                 **http_options)
        self.cache, self.token, self.refresh = cache, token, refresh
        self.log = log or (lambda _m: None)
        self.rows, self.notes, self.skipped = Rows(), [], {}

    def close(self) -> None:
        self.http.close()

    # paging ------------------------------------------------------------------------------------
    def _listing(self, name: str, path: str, params: dict | None = None, *, limit: int | None = None):
        def fetch(cursor: str | None):
            if cursor and not cursor.startswith(self.http.base_url + "/"):
                # the token must not follow a link to another server
                raise FetchError(f"the next-page link of {path} points to another server ({cursor[:80]})")
            body, headers = self.http.get(cursor or path, None if cursor else params)
            return body, link_next(headers)

        return paginate(self.cache, name, fetch, lambda b: b if isinstance(b, list) else [],
                        limit=limit, refresh=self.refresh)

    def _one(self, name: str, path: str, params: dict | None = None) -> Any:
        def fetch(_cursor):
            return self.http.get(path, params)[0], None

        items = list(paginate(self.cache, name, fetch, lambda b: [b], refresh=self.refresh))
        return items[0] if items else None

    # the fetch ---------------------------------------------------------------------------------
    def fetch(self, *, limit: int | None = None, posts: int = 40,
              progress: Callable | None = None) -> ImportBatch:
        """Followers, following and recent posts with who favourited, boosted and answered them."""
        account = self._one(f"lookup:{self.user}", "/api/v1/accounts/lookup", {"acct": self.user})
        if not isinstance(account, dict) or "id" not in account:
            raise UsageError(f"{self.me}: the server did not return an account")
        aid, me = account["id"], self.me
        self.account(account)
        unknown = {"mentions_received", "messages"} if not self.token else set()
        for what, path in (("followers", "followers"), ("following", "following")):
            n = 0
            for n, a in enumerate(self._listing(f"{what}:{aid}", f"/api/v1/accounts/{aid}/{path}",
                                                {"limit": PAGE}, limit=limit), 1):
                acct = self.account(a)
                if acct:
                    self.rows.follow(acct, me) if what == "followers" else self.rows.follow(me, acct)
                if progress and n % 200 == 0:
                    progress(n, _count(account, what), what)
            total = _count(account, what)
            self.notes.append(f"{what}: {n} fetched" + (f" of {total}" if total is not None else ""))
            if limit is not None and n >= limit and (total is None or total > n):
                unknown.add(what)
                self.notes.append(f"{what} cut at --limit {limit}: the list is incomplete")
        self.statuses(aid, posts, progress)
        if self.token:
            self.notifications(limit)
        else:
            self.notes.append("mentions and direct messages to the owner need a token (--token); "
                              "without one they are unknown")
        return self.rows.batch("mastodon", f"mastodon-api:{me}", owner=me, unknown=unknown,
                               notes=self.notes, skipped=self.skipped)

    def account(self, a: Any) -> str | None:
        """Add an API account object; returns its ``@user@instance`` id."""
        if not isinstance(a, dict) or not isinstance(a.get("acct"), str):
            self._skip("accounts without an address")
            return None
        acct = a["acct"] if "@" in a["acct"] else f"{a['acct']}@{self.instance}"
        aid = canonical(acct)
        if not aid:
            self._skip("accounts without an address")
            return None
        avatar = a.get("avatar")
        self.rows.account(aid, handle=aid, name=a.get("display_name") or None, bio=strip_html(a.get("note")),
                          followers_count=_int(a.get("followers_count")),
                          following_count=_int(a.get("following_count")),
                          posts_count=_int(a.get("statuses_count")), created_at=a.get("created_at"),
                          url=a.get("url"), has_avatar=isinstance(avatar, str) and "missing" not in avatar)
        return aid

    def statuses(self, aid: str, posts: int, progress: Callable | None) -> None:
        me, n = self.me, 0
        for n, s in enumerate(self._listing(f"statuses:{aid}", f"/api/v1/accounts/{aid}/statuses",
                                            {"limit": 40}, limit=posts), 1):
            if not isinstance(s, dict):
                continue
            if isinstance(s.get("reblog"), dict):
                target = self.account(s["reblog"].get("account"))
                self.rows.interact(me, target, "share", at=s.get("created_at"), post=s["reblog"].get("uri"))
                continue
            self.status(s)
            sid = s.get("id")
            if _int(s.get("favourites_count")):
                for a in self._listing(f"favourited_by:{sid}", f"/api/v1/statuses/{sid}/favourited_by",
                                       {"limit": PAGE}):
                    self.rows.interact(self.account(a), me, "like", post=s.get("uri"))
            if _int(s.get("reblogs_count")):
                for a in self._listing(f"reblogged_by:{sid}", f"/api/v1/statuses/{sid}/reblogged_by",
                                       {"limit": PAGE}):
                    self.rows.interact(self.account(a), me, "share", post=s.get("uri"))
            if _int(s.get("replies_count")):
                context = self._one(f"context:{sid}", f"/api/v1/statuses/{sid}/context")
                for r in (context or {}).get("descendants") or ():
                    if isinstance(r, dict) and r.get("in_reply_to_id") == sid:
                        self.rows.interact(self.account(r.get("account")), me, "reply",
                                           at=r.get("created_at"), post=r.get("uri"))
            if progress and n % 20 == 0:
                progress(n, posts, "posts")
        self.notes.append(f"statuses: {n} of the owner's latest (--posts {posts}) with who favourited, "
                          "boosted and answered them")

    def status(self, s: dict) -> None:
        """One of the owner's own statuses: a post, maybe a reply, maybe mentioning people."""
        me, at, uri = self.me, s.get("created_at"), s.get("uri")
        if not isinstance(uri, str):
            return
        self.rows.post(uri, author=me, at=at, text=strip_html(s.get("content")),
                       reply_to=None, url=s.get("url") or uri)
        direct = s.get("visibility") == "direct"
        for m in s.get("mentions") or ():
            target = self.account(m if isinstance(m, dict) and "acct" in m else None)
            if target and m.get("id") == s.get("in_reply_to_account_id"):
                self.rows.interact(me, target, "reply", at=at, post=uri)
            elif target:
                self.rows.interact(me, target, "message" if direct else "mention", at=at, post=uri)

    def notifications(self, limit: int | None) -> None:
        me, n = self.me, 0
        for n, note in enumerate(self._listing("notifications:mention", "/api/v1/notifications",
                                               {"types[]": "mention", "limit": PAGE}, limit=limit), 1):
            s = note.get("status") if isinstance(note, dict) else None
            actor = self.account(note.get("account")) if isinstance(note, dict) else None
            if not isinstance(s, dict) or not actor:
                continue
            kind = "message" if s.get("visibility") == "direct" else \
                "reply" if s.get("in_reply_to_account_id") is not None else "mention"
            self.rows.interact(actor, me, kind, at=s.get("created_at"), post=s.get("uri"))
        self.notes.append(f"notifications: {n} mentions, replies and direct messages to the owner")

    def _skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def _count(account: dict, what: str) -> int | None:
    return _int(account.get("followers_count" if what == "followers" else "following_count"))


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None
