"""Named queries for the forecast, the simulation and the recommender: requests, responses, posts,
shares, follow histories and activity, each a DataFrame or plain values.

Every frame comes in a fixed order (ORDER BY): DuckDB returns rows of a parallel scan or aggregate in
any order, and ties between equal times would otherwise make a seeded forecast or simulation differ
from run to run."""

from __future__ import annotations


def account_exists(con, account: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM accounts WHERE id = ?", [account]).fetchall()[0][0])


def followers_since(con, me: str):
    """``me``'s followers (``id``) and when each followed (``since``, the earliest on record)."""
    return con.execute("SELECT follower AS id, min(since) AS since FROM follows WHERE followee = ? "
                       "AND follower <> ? GROUP BY follower ORDER BY follower", [me, me]).df()


def requests(con, me: str):
    """``me``'s requests for help: one row per post id (``post``) with its first time (``at``)."""
    return con.execute("SELECT i.post, min(i.at) AS \"at\" FROM interactions i WHERE i.kind = 'request' "
                       "AND i.actor = ? GROUP BY i.post ORDER BY \"at\" NULLS FIRST, i.post", [me]).df()


def anonymous_request_times(con, me: str):
    """Distinct times (``at``) of ``me``'s requests that name no post."""
    return con.execute("SELECT DISTINCT i.at FROM interactions i WHERE i.kind = 'request' AND i.actor = ? "
                       "AND i.post IS NULL ORDER BY i.at NULLS FIRST", [me]).df()


def responses(con, me: str):
    """Responses to ``me`` (``actor``, ``post``, ``at``): aimed at ``me``, or naming one of ``me``'s requests."""
    return con.execute("SELECT actor, post, i.at FROM interactions i WHERE kind = 'response' AND actor <> ? "
                       "AND (target = ? OR post IN (SELECT post FROM interactions WHERE kind = 'request' "
                       "AND actor = ?)) ORDER BY actor, post, i.at", [me, me, me]).df()


def actions_toward(con, me: str, kinds):
    """Interactions of ``kinds`` aimed at ``me`` with a known time (``actor``, ``at``)."""
    return con.execute("SELECT i.actor, i.at FROM interactions i WHERE i.target = ? AND i.actor <> ? "
                       "AND i.kind IN (SELECT unnest(?::VARCHAR[])) AND i.at IS NOT NULL ORDER BY i.actor, i.at",
                       [me, me, list(kinds)]).df()


def own_posts(con, me: str):
    """``me``'s posts (``id``) with their first time (``at``)."""
    return con.execute("SELECT p.id, min(p.at) AS \"at\" FROM posts p WHERE p.author = ? AND p.id IS NOT NULL "
                       "GROUP BY p.id ORDER BY \"at\" NULLS FIRST, p.id", [me]).df()


def shares_toward(con, me: str):
    """Shares aimed at ``me`` by others (``actor``, ``post``, ``at``)."""
    return con.execute("SELECT actor, post, i.at FROM interactions i WHERE kind = 'share' AND target = ? "
                       "AND actor <> ? ORDER BY actor, post, i.at", [me, me]).df()


def follower_audiences(con, me: str):
    """Per follower of ``me``: when it followed, whether ``me`` follows back (and did so first), its
    follower count on its profile and on record."""
    return con.execute("""SELECT f.follower AS id, min(f.since) AS since,
            bool_or(b.follower IS NOT NULL) AS mutual, min(b.since) < min(f.since) AS followed_back,
            any_value(a.followers_count) AS profile_followers,
            any_value(d.n) AS recorded_followers
        FROM follows f
        LEFT JOIN follows b ON b.follower = f.followee AND b.followee = f.follower
        LEFT JOIN accounts a ON a.id = f.follower
        LEFT JOIN (SELECT followee, count(*) AS n FROM follows GROUP BY followee) d ON d.followee = f.follower
        WHERE f.followee = ? AND f.follower <> ? GROUP BY f.follower ORDER BY f.follower""", [me, me]).df()


def follow_back_counts(con, me: str) -> tuple[int, int]:
    """(accounts that followed ``me`` back after ``me`` followed them, accounts ``me`` followed with a
    date that had not followed ``me`` first)."""
    row = con.execute("""SELECT count(*) FILTER (WHERE b.since > o.since), count(*)
        FROM follows o LEFT JOIN follows b ON b.follower = o.followee AND b.followee = o.follower
        WHERE o.follower = ? AND o.followee <> ? AND o.since IS NOT NULL
          AND NOT coalesce(b.since <= o.since, false)""", [me, me]).fetchall()[0]
    return int(row[0]), int(row[1])


def actions_made(con, window=None, ids=None):
    """Per actor (``actor``, ``n``): interactions made (in the window; of ``ids`` only, when given)."""
    where, params = [], []
    if window is not None:
        where.append('"at" > ? AND "at" <= ?')
        params += [window.start, window.as_of]
    if ids is not None:
        where.append("actor IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(ids))
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return con.execute(f"SELECT actor, count(*) AS n FROM interactions {clause} GROUP BY actor ORDER BY actor",
                       params).df()


def profiled_accounts(con):
    """Every account with a follower or following count on its profile (all columns)."""
    return con.execute("SELECT * FROM accounts WHERE followers_count IS NOT NULL "
                       "OR following_count IS NOT NULL ORDER BY id").df()


def settle(con) -> None:
    """Finish any half-read result on ``con`` (DuckDB 2 keeps a connection busy until it is read)."""
    con.execute("SELECT 1").fetchall()
