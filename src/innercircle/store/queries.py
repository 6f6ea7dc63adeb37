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


# -- the report and the dashboard ------------------------------------------------------------------


def actions_by_month(con, me: str, window) -> list[tuple]:
    """(month 'YYYY-MM', kind, count) of interactions toward ``me`` or ``me``'s posts in the window."""
    return con.execute(
        "SELECT strftime(date_trunc('month', \"at\"), '%Y-%m') AS month, kind, count(*) AS n "
        "FROM interactions WHERE actor <> $me AND \"at\" > $start AND \"at\" <= $as_of "
        "AND (target = $me OR post IN (SELECT id FROM posts WHERE author = $me)) GROUP BY ALL ORDER BY 1",
        {"me": me, "start": window.start, "as_of": window.as_of}).fetchall()


def column_of(con, ids: list[str], column: str) -> dict:
    """id -> one accounts column (``url``, ``handle``, ...) for a few accounts."""
    from ..model import TABLES

    if column not in TABLES["accounts"]:
        raise ValueError(f"no accounts column {column!r}")
    rows = con.execute(f'SELECT id, "{column}" FROM accounts WHERE id IN (SELECT unnest(?::VARCHAR[]))',
                       [list(ids)]).fetchall()
    return dict(rows)


def naive_reach(con, me: str) -> dict:
    """What adding audiences up claims: follow edges into ``me``'s followers, the sum of their profile
    follower counts (and how many profiles have one), and ``me``'s own profile count."""
    graph = con.execute(
        "SELECT count(*) FROM follows f JOIN (SELECT DISTINCT follower FROM follows WHERE followee = $me) m "
        "ON f.followee = m.follower WHERE f.follower <> $me", {"me": me}).fetchone()[0]
    total, known = con.execute(
        "SELECT sum(a.followers_count), count(a.followers_count) FROM accounts a JOIN "
        "(SELECT DISTINCT follower FROM follows WHERE followee = $me) m ON a.id = m.follower", {"me": me}).fetchone()
    own = con.execute("SELECT followers_count FROM accounts WHERE id = ?", [me]).fetchone()
    return {"graph_edges": int(graph), "profile_sum": total, "profiles_with_counts": int(known),
            "own": own[0] if own else None}


def snapshot_count(con) -> int:
    return int(con.execute("SELECT count(*) FROM snapshots").fetchone()[0])


def snapshot_list(con):
    """id, source, imported_at of every snapshot, oldest first."""
    return con.execute("SELECT id, source, imported_at FROM snapshots ORDER BY id").df()


def following_ids(con, me: str) -> set[str]:
    """Whom ``me`` follows."""
    return {r[0] for r in con.execute("SELECT followee FROM follows WHERE follower = ?", [me]).fetchall()}


def follows_edge(con, follower: str, followee: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM follows WHERE follower = ? AND followee = ?",
                            [follower, followee]).fetchone()[0])


def post_texts(con, ids: list[str] | None = None, *, most: int | None = None) -> dict | None:
    """post id -> (text, url): of ``ids``, or of every post (None when there are more than ``most``)."""
    if ids is None:
        if most is not None and con.execute("SELECT count(*) FROM posts").fetchone()[0] > most:
            return None
        return {i: (t, u) for i, t, u in con.execute("SELECT id, text, url FROM posts").fetchall()}
    return {i: (t, u) for i, t, u in con.execute(
        "SELECT id, text, url FROM posts WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]).fetchall()}


def account_row(con, account: str, columns) -> tuple | None:
    """One account's row of the given accounts columns (None when there is no such account)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f"SELECT {cols} FROM accounts WHERE id = ?", [account]).fetchone()


def follower_rows(con, me: str, columns_sql: str) -> dict:
    """id -> a row of ``columns_sql`` (over ``accounts a``) for each follower of ``me``."""
    rows = con.execute(f"SELECT {columns_sql} FROM accounts a SEMI JOIN "
                       "(SELECT follower FROM follows WHERE followee = ?) f ON a.id = f.follower", [me]).fetchall()
    return {r[0]: r for r in rows}


def owner_ledger(con, me: str, account: str | None = None):
    """Every interaction between ``me`` and anyone (or ``account``), grouped by account: ``toward``
    (by the account toward ``me`` or ``me``'s posts) or from ``me`` (toward the account or its posts)."""
    only = "" if account is None else "WHERE account = $account"
    params = {"me": me, **({} if account is None else {"account": account})}
    return con.execute(f"""
        WITH my_posts AS (SELECT id FROM posts WHERE author = $me),
        toward AS (SELECT i.actor AS account, true AS toward, i.kind, i."at", i.post FROM interactions i
                   WHERE i.actor <> $me AND (i.target = $me OR i.post IN (SELECT id FROM my_posts))),
        mine AS (SELECT i.target, i.kind, i."at", i.post, p.author FROM interactions i
                 LEFT JOIN posts p ON p.id = i.post WHERE i.actor = $me),
        given AS (SELECT target AS account, false AS toward, kind, "at", post FROM mine WHERE target <> $me
                  UNION ALL
                  SELECT author, false, kind, "at", post FROM mine
                  WHERE author IS NOT NULL AND author <> $me AND author IS DISTINCT FROM target),
        everything AS (SELECT * FROM toward UNION ALL SELECT * FROM given)
        SELECT * FROM everything {only}
        ORDER BY account, toward DESC, "at" DESC NULLS LAST, kind""", params).df()


# -- the advisor -----------------------------------------------------------------------------------


def tagged(con, tag: str):
    """Ids of the accounts tagged ``tag`` (tags are ';'-separated, lower case)."""
    return con.execute(
        "SELECT id FROM accounts WHERE list_contains(list_transform(string_split(lower(coalesce(tags, '')), ';'), "
        "x -> trim(x)), ?)", [tag]).fetchnumpy()["id"]


def has_interactions(con) -> bool:
    return bool(con.execute("SELECT count(*) > 0 FROM interactions").fetchone()[0])


def has_profile_counts(con) -> bool:
    return bool(con.execute("SELECT count(*) > 0 FROM accounts WHERE followers_count IS NOT NULL "
                            "OR following_count IS NOT NULL").fetchone()[0])


def pending_invitations(con, me: str) -> list[str]:
    """Accounts with an invitation to ``me`` whom ``me`` does not follow."""
    return [str(r[0]) for r in con.execute(
        "SELECT DISTINCT actor FROM interactions WHERE kind = 'invitation' AND target = $me AND actor <> $me "
        "AND actor NOT IN (SELECT followee FROM follows WHERE follower = $me) ORDER BY actor",
        {"me": me}).fetchall()]


def accounts_of(con, ids: list[str]):
    """Every accounts column for the accounts in ``ids``."""
    return con.execute("SELECT * FROM accounts WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]).df()


def pair_activity(con, me: str, ids: list[str], window, *, active, from_me, conversation):
    """Per account in ``ids``: what it did toward ``me`` and what ``me`` did toward it (in the window,
    and conversations ever), and when it last acted toward ``me``."""
    def kinds(names) -> str:
        return "(" + ", ".join(f"'{k}'" for k in names) + ")"

    return con.execute(f"""
        SELECT CASE WHEN actor = $me THEN target ELSE actor END AS id,
          count(*) FILTER (WHERE actor <> $me AND kind IN {kinds(active)} AND "at" > $start AND "at" <= $as_of)
              AS active_to_me,
          count(*) FILTER (WHERE actor <> $me AND kind = 'like' AND "at" > $start AND "at" <= $as_of)
              AS likes_to_me,
          count(*) FILTER (WHERE actor = $me AND kind IN {kinds(from_me)} AND "at" > $start AND "at" <= $as_of)
              AS from_me,
          count(*) FILTER (WHERE actor <> $me AND kind IN {kinds(conversation)}) AS talk_to_me,
          count(*) FILTER (WHERE actor = $me AND kind IN {kinds(conversation)}) AS talk_from_me,
          max("at") FILTER (WHERE actor <> $me AND kind <> 'invitation' AND kind <> 'request') AS last_active
        FROM interactions
        WHERE (actor = $me AND target IN (SELECT unnest($ids::VARCHAR[])))
           OR (target = $me AND actor IN (SELECT unnest($ids::VARCHAR[])))
        GROUP BY 1""", {"me": me, "ids": list(ids), "start": window.start, "as_of": window.as_of}).df()


def recent_and_earlier(con, me: str, window, recent, *, kinds):
    """Per account acting with ``me`` in the window: its actions toward ``me`` after ``recent`` and
    before, and ``me``'s actions toward it (visits aside)."""
    names = ", ".join(f"'{k}'" for k in kinds)
    return con.execute(f"""
        SELECT CASE WHEN actor = $me THEN target ELSE actor END AS id,
          count(*) FILTER (WHERE actor <> $me AND "at" > $recent) AS recent_actions,
          count(*) FILTER (WHERE actor <> $me AND "at" <= $recent) AS earlier_actions,
          count(*) FILTER (WHERE actor = $me AND kind <> 'visit') AS from_me
        FROM interactions WHERE (actor = $me OR target = $me) AND kind IN ({names})
          AND "at" > $start AND "at" <= $as_of GROUP BY 1""",
        {"me": me, "recent": recent, "start": window.start, "as_of": window.as_of}).df()


def received_counts(con):
    """Per target account: shares, mentions and replies received from other accounts."""
    return con.execute("""SELECT target AS id,
               count(*) FILTER (WHERE kind = 'share') AS shares,
               count(*) FILTER (WHERE kind = 'mention') AS mentions,
               count(*) FILTER (WHERE kind = 'reply') AS replies
        FROM interactions WHERE actor <> target AND target IS NOT NULL GROUP BY target""").df()


# -- hollow detection's network signals ------------------------------------------------------------


def follower_accounts(con, me: str):
    """Every accounts column of ``me``'s followers, ordered by id."""
    return con.execute("SELECT a.* FROM accounts a JOIN (SELECT DISTINCT follower FROM follows "
                       "WHERE followee = ?) f ON a.id = f.follower ORDER BY a.id", [me]).df()


def latest_import(con):
    """When the newest snapshot was imported (None in an empty workspace)."""
    row = con.execute("SELECT max(imported_at) FROM snapshots").fetchone()
    return row[0] if row else None


def active_days_toward(con, me: str, start, end, kinds):
    """Per account: distinct days with an interaction of ``kinds`` aimed at ``me`` in (start, end]."""
    return con.execute(
        'SELECT actor AS id, count(DISTINCT CAST("at" AS DATE)) AS days FROM interactions '
        'WHERE target = $me AND kind IN (SELECT unnest($kinds)) AND "at" > $start AND "at" <= $end '
        "GROUP BY actor", {"me": me, "kinds": list(kinds), "start": start, "end": end}).df()


def follow_back_facts(con, me: str):
    """Per follower of ``me``: minutes from ``me``'s follow to theirs back (``back_minutes``) and how
    many mutual follows they have with ``me``'s other followers (``mutual_followers``)."""
    return con.execute("""
        WITH f AS (SELECT DISTINCT follower AS id FROM follows WHERE followee = $me),
        back AS (
            SELECT a.follower AS id,
                   min(date_diff('second', b.since, a.since)) / 60.0 AS back_minutes
            FROM follows a JOIN follows b ON b.follower = $me AND b.followee = a.follower
            WHERE a.followee = $me AND a.since IS NOT NULL AND b.since IS NOT NULL
              AND a.since >= b.since
            GROUP BY a.follower),
        mutual AS (
            SELECT x.follower AS id, count(*) AS mutual_followers
            FROM follows x
            JOIN follows y ON y.follower = x.followee AND y.followee = x.follower
            JOIN f fx ON fx.id = x.follower JOIN f fy ON fy.id = x.followee
            GROUP BY x.follower)
        SELECT f.id, back.back_minutes, coalesce(mutual.mutual_followers, 0) AS mutual_followers
        FROM f LEFT JOIN back USING (id) LEFT JOIN mutual USING (id)
        """, {"me": me}).df()


def last_activity(con):
    """Per account: the time of its latest post or interaction on record (``last_at``)."""
    return con.execute(
        'SELECT id, max("at") AS last_at FROM ('
        ' SELECT author AS id, "at" FROM posts WHERE "at" IS NOT NULL'
        ' UNION ALL SELECT actor AS id, "at" FROM interactions WHERE "at" IS NOT NULL) GROUP BY id').df()


def follow_since(con, me: str):
    """Per follower of ``me``: when they followed (the earliest ``since`` on record)."""
    return con.execute("SELECT follower AS id, min(since) AS since FROM follows WHERE followee = ? "
                       "GROUP BY follower", [me]).df()


def ledger(con, me: str, window, *, half_life_days: float, like_weight: float, follows: str = "follows",
           interactions: str = "interactions", posts: str = "posts", actors: str = "followers",
           recent_days: int = 90, columns: dict):
    """The engagement ledger of :func:`innercircle.metrics.engagement.ledger` (its docstring defines
    it): one pass over the interactions toward ``me`` in the window; ``columns`` maps each kind to
    its ledger column."""
    from datetime import timedelta

    from ..model import ACTIVE_KINDS, CARE_GIVEN_KINDS

    kind_columns = columns

    active = ", ".join(f"'{k}'" for k in ACTIVE_KINDS)
    given = ", ".join(f"'{k}'" for k in CARE_GIVEN_KINDS)
    per_kind = ",\n".join(
        f"count(*) FILTER (WHERE kind = '{k}') AS {col}" for k, (col, _) in kind_columns.items())
    followers = f"SELECT DISTINCT follower AS id FROM {follows} WHERE followee = $me AND follower <> $me"
    population = {
        "followers": f"SELECT id, true AS is_follower FROM ({followers})",
        "others": f"SELECT DISTINCT actor AS id, false AS is_follower FROM toward ANTI JOIN ({followers}) f "
                  f"ON toward.actor = f.id",
        "all": f"SELECT coalesce(f.id, a.id) AS id, f.id IS NOT NULL AS is_follower FROM ({followers}) f "
               f"FULL OUTER JOIN (SELECT DISTINCT actor AS id FROM toward) a ON f.id = a.id",
    }[actors]
    sql = f"""
    WITH my_posts AS (SELECT id FROM {posts} WHERE author = $me),
    toward AS (
        SELECT i.actor, i.kind, i."at", coalesce(i.weight, 1) AS weight FROM {interactions} i
        WHERE i.actor <> $me AND i."at" > $start AND i."at" <= $as_of
          AND (i.target = $me OR i.post IN (SELECT id FROM my_posts))),
    pop AS ({population}),
    acts AS (
        SELECT actor AS id, {per_kind},
          count(DISTINCT CAST("at" AS DATE)) FILTER (WHERE kind IN ({active})) AS active_days,
          count(*) FILTER (WHERE kind IN ({active}) AND "at" > $recent) AS recent_active,
          count(*) FILTER (WHERE kind IN ({active})) AS active_actions,
          min("at") FILTER (WHERE kind IN ({active}) OR kind = 'like') AS first_active,
          max("at") FILTER (WHERE kind IN ({active}) OR kind = 'like') AS last_active,
          sum(weight * pow(0.5, date_diff('second', "at", $as_of) / 86400.0 / $half_life)
              * CASE WHEN kind IN ({active}) THEN 1.0 WHEN kind = 'like' THEN $like_w ELSE 0 END)
              AS engagement_score,
          sum(weight * CASE WHEN kind IN ({active}) THEN 1.0 WHEN kind = 'like' THEN $like_w ELSE 0 END)
              AS care_received
        FROM toward GROUP BY actor),
    their_posts AS (SELECT p.id, p.author FROM {posts} p JOIN pop ON p.author = pop.id),
    gave AS (
        SELECT coalesce(tp.author, i.target) AS id, sum(coalesce(i.weight, 1)) AS given
        FROM {interactions} i LEFT JOIN their_posts tp ON i.post = tp.id
        WHERE i.actor = $me AND i.kind IN ({given}) AND i."at" > $start AND i."at" <= $as_of
          AND coalesce(tp.author, i.target) <> $me
        GROUP BY 1),
    i_follow AS (SELECT DISTINCT followee AS id FROM {follows} WHERE follower = $me)
    SELECT pop.id, pop.is_follower, acts.* EXCLUDE (id),
           coalesce(gave.given, 0) + CASE WHEN i_follow.id IS NULL THEN 0 ELSE 1 END AS care_given,
           i_follow.id IS NOT NULL AS i_follow
    FROM pop LEFT JOIN acts USING (id) LEFT JOIN gave USING (id) LEFT JOIN i_follow USING (id)
    """
    params = {"me": me, "start": window.start, "as_of": window.as_of,
              "recent": window.as_of - timedelta(days=recent_days), "half_life": float(half_life_days),
              "like_w": float(like_weight)}
    return con.execute(sql, params).df()
