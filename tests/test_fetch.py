"""innercircle fetch mastodon|bluesky against a local server replaying answers of the real API shape.

The server (127.0.0.1, a thread) pages like the real APIs (Mastodon: Link headers; Bluesky:
cursors) and injects the failures the clients must survive: 429 with rate-limit headers, 5xx, and
a connection dropped halfway through an answer. No test touches the real network.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from innercircle.cli import main
from innercircle.errors import FetchError
from innercircle.io.api._cache import ApiCache, paginate
from innercircle.io.api._http import Http, link_next, reset_in, retry_after
from innercircle.store import open_workspace

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


class Replay:
    """A local HTTP server: ``routes(path, query) -> (status, headers, body)``; ``faults`` per path."""

    def __init__(self, routes):
        self.routes, self.log, self.faults, self.auth = routes, [], {}, []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(parts.query).items()}
                replay.log.append((parts.path, query))
                replay.auth.append(self.headers.get("Authorization"))
                fault = replay._fault(parts.path, query)
                if fault == "drop":  # headers and half the body, then the connection goes
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.write(b'{"half": ')
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if fault is not None:
                    status, headers, body = fault
                else:
                    status, headers, body = replay.routes(replay, parts.path, query)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _fault(self, path, query):
        for (p, match), queue in self.faults.items():
            if p == path and all(query.get(k) == v for k, v in match) and queue:
                return queue.pop(0)
        return None

    def fail(self, path, *faults, **match):
        self.faults.setdefault((path, tuple(sorted(match.items()))), []).extend(faults)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def paths(self, prefix=""):
        return [p for p, _ in self.log if p.startswith(prefix)]


def _pages(items, query, per_page, key="max_id"):
    """Page ``items``: (this page, next cursor or None); the cursor is the next item's index."""
    start = int(query.get(key, 0) or 0)
    chunk = items[start:start + per_page]
    nxt = start + per_page if start + per_page < len(items) else None
    return chunk, nxt


# -- Mastodon ----------------------------------------------------------------------------------

def m_account(i, user, host=None, **extra):
    acct = user if host is None else f"{user}@{host}"
    return {"id": str(i), "username": user, "acct": acct, "display_name": user.title(), "locked": False,
            "bot": False, "discoverable": True, "group": False, "created_at": "2022-05-01T00:00:00.000Z",
            "note": f"<p>{user} makes things</p>", "url": f"https://{host or 'social.example'}/@{user}",
            "uri": f"https://{host or 'social.example'}/users/{user}",
            "avatar": f"https://{host or 'social.example'}/avatars/{user}.png", "header": "",
            "followers_count": 10 * i, "following_count": i, "statuses_count": 3 * i,
            "last_status_at": "2025-12-30", "emojis": [], "fields": [], **extra}


OWNER_M = m_account(109, "ownr")
FOLLOWERS_M = [m_account(200 + i, f"fan{i}", "other.example") for i in range(5)]
FOLLOWING_M = [m_account(300, "bob", "other.example"), m_account(301, "dave")]


def m_status(sid, content, **extra):
    return {"id": sid, "created_at": "2025-12-01T10:00:00.000Z", "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
            "language": "en", "uri": f"https://social.example/users/ownr/statuses/{sid}",
            "url": f"https://social.example/@ownr/{sid}", "replies_count": 0, "reblogs_count": 0,
            "favourites_count": 0, "content": content, "reblog": None, "account": OWNER_M,
            "media_attachments": [], "mentions": [], "tags": [], "emojis": [], **extra}


STATUSES_M = [
    m_status("9001", "<p>launch day</p>", favourites_count=2, reblogs_count=1, replies_count=1),
    m_status("9002", "<p>reply</p>", in_reply_to_id="77", in_reply_to_account_id="300",
             mentions=[{"id": "300", "username": "bob", "acct": "bob@other.example",
                        "url": "https://other.example/@bob"}]),
    m_status("9003", "", reblog=m_status("555", "<p>bob's news</p>", account=FOLLOWING_M[0],
                                          uri="https://other.example/users/bob/statuses/555")),
]


def mastodon_routes(server, path, q):
    base = f"{server.url}{path}"
    if path == "/api/v1/accounts/lookup":
        return (200, {}, OWNER_M) if q.get("acct") == "ownr" else (404, {}, {"error": "Record not found"})
    for suffix, items, per in (("followers", FOLLOWERS_M, 2), ("following", FOLLOWING_M, 1),
                               ("statuses", STATUSES_M, 2)):
        if path == f"/api/v1/accounts/109/{suffix}":
            chunk, nxt = _pages(items, q, per)
            headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "250",
                       "X-RateLimit-Reset": "2026-01-01T00:05:00.000Z"}
            if nxt is not None:
                headers["Link"] = f'<{base}?limit=80&max_id={nxt}>; rel="next", <{base}?min_id=0>; rel="prev"'
            return 200, headers, chunk
    if path == "/api/v1/notifications":
        dm = m_status("9200", "<p>can we talk?</p>", visibility="direct", account=FOLLOWERS_M[4],
                      uri="https://other.example/users/fan4/statuses/9200")
        answer = m_status("9201", "<p>yes</p>", in_reply_to_id="9001", in_reply_to_account_id="109",
                          account=FOLLOWERS_M[0], uri="https://other.example/users/fan0/statuses/9201")
        return 200, {}, [{"id": "1", "type": "mention", "created_at": "2025-12-02T00:00:00.000Z",
                          "account": s["account"], "status": s} for s in (dm, answer)]
    if path == "/api/v1/statuses/9001/favourited_by":
        return 200, {}, FOLLOWERS_M[:2]
    if path == "/api/v1/statuses/9001/reblogged_by":
        return 200, {}, FOLLOWERS_M[2:3]
    if path == "/api/v1/statuses/9001/context":
        reply = m_status("9100", "<p>congrats</p>", in_reply_to_id="9001", in_reply_to_account_id="109",
                         account=FOLLOWERS_M[3], uri="https://other.example/users/fan3/statuses/9100")
        return 200, {}, {"ancestors": [], "descendants": [reply]}
    return 404, {}, {"error": "Record not found"}


def run_cli(*args):
    result = CliRunner().invoke(main, [*args], catch_exceptions=False)
    return result


def fetch_m(server, ws, *extra):
    return run_cli("fetch", "mastodon", "@ownr@social.example", "--base-url", server.url,
                   "--workspace", str(ws), "--json", "--quiet", "--backoff", "0.01", *extra)


def test_mastodon_fetch_survives_429_5xx_and_a_dropped_connection(tmp_path):
    with Replay(mastodon_routes) as server:
        server.fail("/api/v1/accounts/109/followers", (429, {"Retry-After": "0", "X-RateLimit-Remaining": "0"},
                                                      {"error": "Too many requests"}))
        server.fail("/api/v1/accounts/109/statuses", (503, {}, {"error": "busy"}))
        server.fail("/api/v1/statuses/9001/favourited_by", "drop")
        result = fetch_m(server, tmp_path / "ws.duckdb")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["owner"] == "@ownr@social.example"
    assert out["counts"]["follows"] == 7
    assert server.paths().count("/api/v1/statuses/9001/favourited_by") == 2  # dropped, then again
    assert server.paths().count("/api/v1/accounts/109/statuses") == 3  # 503, page 1, page 2
    assert "mentions_received" in out["unknown"] and "followers" not in out["unknown"]
    with open_workspace(tmp_path / "ws.duckdb") as ws:
        kinds = dict(ws.sql("SELECT kind, count(*) AS n FROM interactions WHERE target = ? GROUP BY kind",
                            ["@ownr@social.example"]).itertuples(index=False))
        fans = ws.sql("SELECT follower FROM follows WHERE followee = '@ownr@social.example'")
        dave = ws.sql("SELECT followers_count, handle FROM accounts WHERE id = '@dave@social.example'")
    assert kinds == {"like": 2, "share": 1, "reply": 1}
    assert sorted(fans.follower) == [f"@fan{i}@other.example" for i in range(5)]
    assert dave.followers_count[0] == 3010 and dave.handle[0] == "@dave@social.example"


def test_mastodon_fetch_resumes_from_the_cached_cursor(tmp_path):
    ws = tmp_path / "ws.duckdb"
    with Replay(mastodon_routes) as server:
        server.fail("/api/v1/accounts/109/followers", *["drop"] * 3, max_id="2")
        first = fetch_m(server, ws, "--retries", "1")
        assert first.exit_code == 1
        assert "resumes" in first.stderr and first.stderr.count("\n") == 1
        server.log.clear()
        second = fetch_m(server, ws)
    assert second.exit_code == 0, second.output
    followers = [q for p, q in server.log if p.endswith("/followers")]
    assert followers[0].get("max_id") == "2"  # page 1 came from the cache
    assert json.loads(second.stdout)["counts"]["follows"] == 7
    assert "/api/v1/accounts/lookup" not in server.paths()


def test_mastodon_fetch_again_uses_the_cache_and_refresh_asks_again(tmp_path):
    ws = tmp_path / "ws.duckdb"
    with Replay(mastodon_routes) as server:
        assert fetch_m(server, ws).exit_code == 0
        n = len(server.log)
        again = json.loads(fetch_m(server, ws).stdout)
        assert len(server.log) == n and again["requests"] == 0 and again["cached_pages"] > 0
        fresh = json.loads(fetch_m(server, ws, "--refresh").stdout)
        assert fresh["requests"] == n and len(server.log) == 2 * n
        # the same source imported again replaces its snapshot: counts do not double
        assert fresh["totals"]["follows"] == 7


def test_mastodon_fetch_errors_are_one_line(tmp_path):
    with Replay(mastodon_routes) as server:
        missing = run_cli("fetch", "mastodon", "@nobody@social.example", "--base-url", server.url,
                          "--workspace", str(tmp_path / "w.duckdb"))
        bad = run_cli("fetch", "mastodon", "not an address", "--workspace", str(tmp_path / "new.duckdb"))
        server.fail("/api/v1/accounts/lookup", (429, {"Retry-After": "3600"}, {"error": "slow down"}))
        limited = fetch_m(server, tmp_path / "w.duckdb", "--max-wait", "5")
    assert missing.exit_code == 1 and "HTTP 404" in missing.stderr and missing.stderr.count("\n") == 1
    assert bad.exit_code == 2 and "@user@instance" in bad.stderr
    assert not (tmp_path / "new.duckdb").exists()  # a usage error writes nothing
    assert limited.exit_code == 1 and "3600" in limited.stderr and "Traceback" not in limited.output


def test_mastodon_limit_marks_followers_incomplete(tmp_path):
    with Replay(mastodon_routes) as server:
        out = json.loads(fetch_m(server, tmp_path / "ws.duckdb", "--limit", "3").stdout)
    assert out["counts"]["follows"] == 3 + 2
    assert "followers" in out["unknown"]


# -- Bluesky -----------------------------------------------------------------------------------

OWNER_B = "did:plc:ownr000000000000000000000"


def b_profile(i, *, detailed=False):
    did = OWNER_B if i == 0 else f"did:plc:acct{i:021d}"
    p = {"did": did, "handle": "ownr.example.com" if i == 0 else f"user{i}.bsky.social",
         "displayName": f"User {i}", "avatar": f"https://cdn.bsky.app/img/avatar/{i}.jpg",
         "indexedAt": "2025-01-01T00:00:00.000Z", "createdAt": "2024-03-01T00:00:00.000Z",
         "labels": [], "description": f"account {i}"}
    if i == 3:
        p.pop("avatar")
    if detailed:
        p.update(followersCount=100 * i + 5, followsCount=7 * i, postsCount=i)
    return p


FOLLOWERS_B = [b_profile(i) for i in range(1, 8)]
FOLLOWS_B = [b_profile(1), b_profile(9)]
POST_URI = f"at://{OWNER_B}/app.bsky.feed.post/3lownpost01"


def b_post(uri, author, text, **counts):
    return {"uri": uri, "cid": "bafyreib2rxk3rh6kzwq", "author": author,
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2025-11-02T09:00:00.000Z",
                       "langs": ["en"]},
            "replyCount": 0, "repostCount": 0, "likeCount": 0, "quoteCount": 0,
            "indexedAt": "2025-11-02T09:00:01.000Z", "labels": [], **counts}


FEED_B = [
    {"post": b_post(POST_URI, b_profile(0), "we ship on friday", likeCount=3, repostCount=1, replyCount=1)},
    {"post": b_post(f"at://{b_profile(9)['did']}/app.bsky.feed.post/3lother", b_profile(9), "news"),
     "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": b_profile(0),
                "indexedAt": "2025-11-03T09:00:00.000Z"}},
]


def bluesky_routes(server, path, q):
    method = path.rsplit("/", 1)[-1]
    rl = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "2999", "RateLimit-Reset": "1767225900",
          "RateLimit-Policy": "3000;w=300"}
    if method == "app.bsky.actor.getProfile":
        return (200, rl, b_profile(0, detailed=True) | {"followersCount": 7, "followsCount": 2}) \
            if q.get("actor") in ("ownr.example.com", OWNER_B) else (400, rl, {"error": "InvalidRequest",
                                                                               "message": "Profile not found"})
    for name, key, items, per in (("app.bsky.graph.getFollowers", "followers", FOLLOWERS_B, 3),
                                  ("app.bsky.graph.getFollows", "follows", FOLLOWS_B, 5),
                                  ("app.bsky.feed.getAuthorFeed", "feed", FEED_B, 1)):
        if method == name:
            chunk, nxt = _pages(items, q, per, key="cursor")
            body = {key: chunk, **({"cursor": str(nxt)} if nxt is not None else {})}
            if key != "feed":
                body["subject"] = b_profile(0)
            return 200, rl, body
    if method == "app.bsky.actor.getProfiles":
        actors = q["actors"] if isinstance(q["actors"], list) else [q["actors"]]
        by_did = {b_profile(i)["did"]: i for i in range(1, 10)}
        return 200, rl, {"profiles": [b_profile(by_did[a], detailed=True) for a in actors if a in by_did]}
    if method == "app.bsky.feed.getLikes":
        return 200, rl, {"uri": q["uri"], "likes": [
            {"actor": FOLLOWERS_B[i], "createdAt": "2025-11-02T10:00:00.000Z",
             "indexedAt": "2025-11-02T10:00:00.000Z"} for i in range(3)]}
    if method == "app.bsky.feed.getRepostedBy":
        return 200, rl, {"uri": q["uri"], "repostedBy": [FOLLOWERS_B[4]]}
    if method == "app.bsky.feed.getPostThread":
        reply = b_post(f"at://{FOLLOWERS_B[5]['did']}/app.bsky.feed.post/3lreply", FOLLOWERS_B[5], "nice")
        return 200, rl, {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": FEED_B[0]["post"],
                                    "replies": [{"$type": "app.bsky.feed.defs#threadViewPost", "post": reply}]}}
    return 400, rl, {"error": "MethodNotImplemented"}


def fetch_b(server, ws, *extra):
    return run_cli("fetch", "bluesky", "ownr.example.com", "--base-url", server.url,
                   "--workspace", str(ws), "--json", "--quiet", "--backoff", "0.01", *extra)


def test_bluesky_fetch_builds_the_network_through_failures(tmp_path):
    with Replay(bluesky_routes) as server:
        server.fail("/xrpc/app.bsky.graph.getFollowers",
                    (429, {"RateLimit-Remaining": "0", "RateLimit-Reset": "1", "Retry-After": "0"},
                     {"error": "RateLimitExceeded"}), cursor="3")
        server.fail("/xrpc/app.bsky.feed.getLikes", (502, {}, {"error": "UpstreamFailure"}), "drop")
        result = fetch_b(server, tmp_path / "ws.duckdb")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["owner"] == OWNER_B
    assert out["counts"]["follows"] == 7 + 2
    assert server.paths().count("/xrpc/app.bsky.feed.getLikes") == 3
    with open_workspace(tmp_path / "ws.duckdb") as ws:
        kinds = dict(ws.sql("SELECT kind, count(*) AS n FROM interactions WHERE target = ? GROUP BY kind",
                            [OWNER_B]).itertuples(index=False))
        given = ws.sql("SELECT kind, target FROM interactions WHERE actor = ?", [OWNER_B])
        acc = ws.sql("SELECT followers_count, has_avatar, handle FROM accounts WHERE id = ?",
                     [FOLLOWERS_B[2]["did"]])
    assert kinds == {"like": 3, "share": 1, "reply": 1}
    assert list(given.itertuples(index=False)) == [("share", b_profile(9)["did"])]
    assert acc.followers_count[0] == 305 and not acc.has_avatar[0] and acc.handle[0] == "user3.bsky.social"
    assert {"mentions_received", "messages"} <= set(out["unknown"]) and "followers" not in out["unknown"]


def test_bluesky_fetch_resumes_after_an_interruption(tmp_path):
    ws = tmp_path / "ws.duckdb"
    with Replay(bluesky_routes) as server:
        server.fail("/xrpc/app.bsky.graph.getFollowers", *[(500, {}, {"error": "InternalServerError"})] * 2,
                    cursor="6")
        first = fetch_b(server, ws, "--retries", "1")
        assert first.exit_code == 1 and "HTTP 500" in first.stderr
        server.log.clear()
        second = fetch_b(server, ws)
    assert second.exit_code == 0, second.output
    asked = [q.get("cursor") for p, q in server.log if p.endswith("getFollowers")]
    assert asked == ["6"]
    assert json.loads(second.stdout)["counts"]["follows"] == 9


# -- the HTTP layer ----------------------------------------------------------------------------

def test_rate_limit_headers_are_read_in_each_platforms_form():
    assert reset_in({"x-ratelimit-reset": "2026-01-01T00:05:00.000Z"}, now=NOW) == 300
    assert reset_in({"ratelimit-reset": str(int(NOW.timestamp()) + 42)}, now=NOW) == 42
    assert retry_after({"retry-after": "7"}, now=NOW) == 7
    assert retry_after({"retry-after": "Thu, 01 Jan 2026 00:01:00 GMT"}, now=NOW) == 60
    assert retry_after({}, now=NOW) is None
    assert link_next({"link": '<https://a/x?max_id=5>; rel="next", <https://a/x?min_id=9>; rel="prev"'}) \
        == "https://a/x?max_id=5"
    assert link_next({"link": '<https://a/x?min_id=9>; rel="prev"'}) is None


def test_an_exhausted_budget_waits_for_the_reset_before_the_next_request():
    reset = (datetime.now(timezone.utc) + timedelta(seconds=30)).isoformat()

    def routes(server, path, q):
        return 200, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}, {"ok": True}

    slept = []
    with Replay(routes) as server:
        http = Http(server.url, sleep=slept.append)
        assert http.get("/x")[0] == {"ok": True}
        http.close()
    assert len(slept) == 1 and 25 < slept[0] <= 30


def test_backoff_doubles_and_gives_up_with_a_fetch_error():
    slept = []
    with Replay(lambda s, p, q: (503, {}, {})) as server:
        http = Http(server.url, retries=3, backoff=0.5, sleep=slept.append)
        with pytest.raises(FetchError, match="HTTP 503"):
            http.get("/x")
        http.close()
    assert slept == [0.5, 1.0, 2.0] and len(server.log) == 4


def test_paginate_stores_each_page_before_using_it():
    ws = open_workspace(":memory:")
    cache = ApiCache(ws.con, "t")
    pages = {None: ([1, 2], "a"), "a": ([3], "b"), "b": ([4, 5], None)}
    calls = []

    def fetch(cursor):
        calls.append(cursor)
        if cursor == "b" and calls.count("b") == 1:
            raise FetchError("dropped")
        return pages[cursor]

    got = []
    with pytest.raises(FetchError):
        for item in paginate(cache, "L", fetch, lambda b: b):
            got.append(item)
    assert got == [1, 2, 3]
    assert list(paginate(cache, "L", fetch, lambda b: b)) == [1, 2, 3, 4, 5]
    assert calls == [None, "a", "b", "b"]
    assert list(paginate(cache, "L", fetch, lambda b: b, limit=2)) == [1, 2] and len(calls) == 4


def test_a_next_link_to_another_server_is_not_followed(tmp_path):
    def routes(server, path, q):
        if path == "/api/v1/accounts/109/followers":
            return 200, {"Link": '<https://elsewhere.example/api/v1/accounts/109/followers?max_id=2>; rel="next"'}, \
                FOLLOWERS_M[:2]
        return mastodon_routes(server, path, q)

    with Replay(routes) as server:
        result = fetch_m(server, tmp_path / "ws.duckdb", "--token", "secret-token")
    assert result.exit_code == 1 and "another server" in result.stderr
    assert "secret-token" not in result.output


def test_posts_zero_asks_for_no_statuses(tmp_path):
    with Replay(mastodon_routes) as server:
        out = json.loads(fetch_m(server, tmp_path / "ws.duckdb", "--posts", "0").stdout)
    assert "/api/v1/accounts/109/statuses" not in server.paths()
    assert out["counts"]["follows"] == 7 and "posts" not in out["counts"]


def test_a_token_brings_mentions_and_messages_to_the_owner(tmp_path):
    with Replay(mastodon_routes) as server:
        out = json.loads(fetch_m(server, tmp_path / "ws.duckdb", "--token", "tok").stdout)
    assert set(server.auth) == {"Bearer tok"}
    assert "mentions_received" not in out["unknown"] and "messages" not in out["unknown"]
    with open_workspace(tmp_path / "ws.duckdb") as ws:
        got = ws.sql("SELECT actor, kind FROM interactions WHERE target = '@ownr@social.example' "
                     "AND kind IN ('message', 'reply') ORDER BY kind, actor")
    assert list(got.itertuples(index=False)) == [("@fan4@other.example", "message"),
                                                 ("@fan0@other.example", "reply"),
                                                 ("@fan3@other.example", "reply")]
