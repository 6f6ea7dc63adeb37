"""Named queries over the workspace: the SQL that the results layer needs, in one place.

Each function takes a DuckDB connection (``ws.con``) and returns plain Python values or a DataFrame;
no other layer builds SQL strings for these facts.
"""

from __future__ import annotations

from datetime import datetime


def most_followed(con) -> str | None:
    """The account with the most followers (ties: the smallest id), or None when nobody follows anyone."""
    row = con.execute("SELECT followee, count(*) AS n FROM follows GROUP BY followee "
                      "ORDER BY n DESC, followee LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def match_account(con, text: str, handle: str) -> list[str]:
    """Ids of the accounts that ``text`` names: an exact id first, else a handle (case-insensitive,
    without @), else a profile URL."""
    ids = [r[0] for r in con.execute("SELECT id FROM accounts WHERE id = ?", [text]).fetchall()]
    if ids:
        return ids
    if handle:
        ids = [r[0] for r in con.execute(
            "SELECT id FROM accounts WHERE lower(ltrim(handle, '@')) = ? ORDER BY id", [handle]).fetchall()]
        if ids:
            return ids
    return [r[0] for r in con.execute(
        "SELECT id FROM accounts WHERE url IS NOT NULL AND rtrim(lower(url), '/') = rtrim(lower(?), '/') "
        "ORDER BY id", [text]).fetchall()]


def follower_profiles(con, me: str, ids):
    """Profile fields of the accounts in ``ids`` (a DataFrame with an ``id`` column), with ``mutual``
    (the owner follows them back)."""
    con.register("_ic_ids", ids)
    try:
        return con.execute(
            "SELECT a.id, a.handle, a.name, a.tags, a.bio, a.company, a.position, a.followers_count, "
            "a.following_count, EXISTS (SELECT 1 FROM follows f WHERE f.follower = ? AND f.followee = a.id) "
            "AS mutual FROM accounts a SEMI JOIN _ic_ids ON a.id = _ic_ids.id", [me]).df()
    finally:
        con.unregister("_ic_ids")


def recent_post_text(con, per_author: int = 50):
    """Per author: the text of their latest ``per_author`` posts, joined (``id``, ``post_text``)."""
    return con.execute(
        "SELECT author AS id, string_agg(text, ' ') AS post_text FROM "
        "(SELECT author, text FROM posts WHERE text IS NOT NULL AND text <> '' "
        ' QUALIFY row_number() OVER (PARTITION BY author ORDER BY "at" DESC NULLS LAST) <= ?) GROUP BY author',
        [per_author]).df()


def owner_counts(con, me: str) -> dict:
    """followers, following and mutual follows of ``me`` in the current network."""
    row = con.execute(
        "SELECT (SELECT count(DISTINCT follower) FROM follows WHERE followee = $me AND follower <> $me), "
        "(SELECT count(DISTINCT followee) FROM follows WHERE follower = $me AND followee <> $me), "
        "(SELECT count(*) FROM (SELECT follower FROM follows WHERE followee = $me INTERSECT "
        " SELECT followee FROM follows WHERE follower = $me))", {"me": me}).fetchone()
    return {"followers": int(row[0]), "following": int(row[1]), "mutual": int(row[2])}


def account_profile(con, account: str) -> dict:
    """The profile fields an audit shows for one account (None where unknown)."""
    row = con.execute("SELECT followers_count, following_count, handle, name FROM accounts WHERE id = ?",
                      [account]).fetchone() or (None, None, None, None)
    return dict(zip(("followers_count", "following_count", "handle", "name"), row))


def table_sizes(con) -> dict:
    """Rows of accounts, follows and interactions in the current network."""
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("accounts", "follows", "interactions")}


def actions_by_kind(con, me: str, window) -> dict:
    """Interactions toward ``me`` or ``me``'s posts in the window, counted by kind."""
    return {k: int(n) for k, n in con.execute(
        'SELECT kind, count(*) FROM interactions WHERE actor <> $me AND "at" > $start AND "at" <= $as_of '
        "AND (target = $me OR post IN (SELECT id FROM posts WHERE author = $me)) GROUP BY kind",
        {"me": me, "start": window.start, "as_of": window.as_of}).fetchall()}


def latest_time(con, now: datetime, *, interactions: str = "interactions") -> datetime | None:
    """The data's own end: the latest interaction not after ``now``; else the latest post, follow or
    import on record."""
    for sql in (f'SELECT max("at") FROM {interactions} WHERE "at" <= $now',
                'SELECT max("at") FROM posts WHERE "at" <= $now',
                "SELECT max(since) FROM follows WHERE since <= $now",
                "SELECT max(imported_at) FROM snapshots"):
        try:
            value = con.execute(sql, {"now": now} if "$now" in sql else None).fetchone()[0]
        except Exception:  # noqa: BLE001 - a table this workspace (or snapshot view) lacks
            value = None
        if value is not None:
            return value
    return None


def interactions_after(con, as_of: datetime, *, interactions: str = "interactions") -> int:
    """How many interactions lie after ``as_of`` (left out of every window ending there)."""
    return int(con.execute(f'SELECT count(*) FROM {interactions} WHERE "at" > ?', [as_of]).fetchone()[0])


def working_pairs(con, window, *, committed_days: int, recent_days: int = 90):
    """Every (account, follower) pair whose follower acted for the account in the window, with the
    follower's tier toward it (committed or occasional) under the audit's rules: one pass for the
    whole network (``rank``'s working followers)."""
    from datetime import timedelta

    from ..model import ACTIVE_KINDS

    active = ", ".join(f"'{k}'" for k in ACTIVE_KINDS)
    return con.execute(f"""
        WITH act AS (
            SELECT actor, target, post, "at" FROM interactions
            WHERE kind IN ({active}) AND "at" > $start AND "at" <= $as_of),
        toward AS (
            SELECT actor, target AS owner, "at" FROM act WHERE target IS NOT NULL
            UNION ALL SELECT a.actor, p.author, a."at" FROM act a JOIN posts p ON a.post = p.id
            WHERE p.author IS NOT NULL),
        pairs AS (
            SELECT owner AS id, actor AS follower, count(DISTINCT CAST("at" AS DATE)) AS days,
                   count(*) FILTER (WHERE "at" > $recent) AS recent
            FROM toward WHERE actor <> owner GROUP BY ALL)
        SELECT pairs.id, pairs.follower, pairs.days,
               CASE WHEN days >= $days AND recent > 0 THEN 'committed' ELSE 'occasional' END AS tier
        FROM pairs SEMI JOIN follows f ON f.follower = pairs.follower AND f.followee = pairs.id
        """, {"start": window.start, "as_of": window.as_of, "recent": window.as_of - timedelta(days=recent_days),
              "days": int(committed_days)}).df()
