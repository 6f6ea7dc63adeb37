"""``rank`` on either engine: followers, working followers, shares, mentions, replies and PageRank
of every account, with the definitions of :func:`innercircle.graph.rank.rank_table`.

* ``followers``: in-degree of the follow graph;
* ``working_followers``: followers who acted for the account in the window (committed or
  occasional, :func:`innercircle.store.queries.working_pairs`), less those judged hollow from their
  profile and vouched for by their active days toward the account; for the owner, the audit's own
  ``working`` (:mod:`.owners`);
* ``shares``, ``mentions``, ``replies``: such interactions received from others;
* ``pagerank``: power iteration of the PageRank equation of :func:`innercircle.graph.pagerank.pagerank`
  (damping 0.85, dangling mass spread uniformly, uniform teleport), as joins and group-bys, until the
  L1 change is below ``tol`` (1e-10).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ._sql import Bounds, day, dbl, kinds, text

#: The columns of the result, as ``rank --csv`` writes them.
COLUMNS = ("id", "followers", "working_followers", "shares", "mentions", "replies", "pagerank")
_PAIR_FLAGS = {"id": "string", "follower": "string", "hollow": "boolean"}
_JUDGED = {"id": "string", "risk": "double"}


def rank_relation(engine, window, *, owner: str | None, committed_days: int = 3, recent_days: int = 90,
                  threshold: float | None = None, hollow: bool = True, damping: float = 0.85,
                  tol: float = 1e-10, max_iter: int = 1000) -> str:
    """Define relation ``ic_rank`` (:data:`COLUMNS`, sorted by PageRank) and return its SQL."""
    b = Bounds.of(window, recent_days=recent_days)
    working_pairs(engine, b, owner=owner)
    pair_hollow(engine, window, threshold=threshold, hollow=hollow)
    own = owner_working(engine, window, owner, committed_days=committed_days, recent_days=recent_days,
                        threshold=threshold, hollow=hollow)
    pagerank(engine, damping=damping, tol=tol, max_iter=max_iter)
    engine.define("ic_rank", assemble_sql(engine.unknown, owner, own), keep=True)
    return "SELECT * FROM ic_rank ORDER BY pagerank DESC, id"


def rank_frame(engine, window, **kw):
    """:func:`rank_relation` collected as a pandas frame in the dtypes of ``rank_table``."""
    return frame_of(engine, rank_relation(engine, window, **kw))


def frame_of(engine, sql: str):
    """The rank relation collected as a pandas frame in the dtypes of ``rank_table``."""
    import pandas as pd

    df = engine.arrow(sql).to_pandas()
    for c in COLUMNS[1:-1]:
        df[c] = pd.array(df[c].to_numpy(dtype=object), dtype="Int64")
    df["id"] = df["id"].astype(object)
    return df[list(COLUMNS)].reset_index(drop=True)


def working_pairs(engine, b: Bounds, *, owner: str | None) -> None:
    """``ic_pairs``: (account, follower) pairs where the follower acted for the account in the window."""
    act = kinds()
    not_owner = f"WHERE pairs.id <> {text(owner)}" if owner is not None else ""
    engine.define("ic_pairs", f"""
        WITH act AS (SELECT actor, target, post, t FROM ic_interactions
                     WHERE kind IN {act} AND t > {b.start} AND t <= {b.as_of}),
        toward AS (
            SELECT actor, target AS oid, t FROM act WHERE target IS NOT NULL
            UNION ALL SELECT a.actor, p.author AS oid, a.t FROM act a JOIN ic_posts p ON a.post = p.id
            WHERE p.author IS NOT NULL),
        pairs AS (
            SELECT oid AS id, actor AS follower, count(DISTINCT {day('t')}) AS days
            FROM toward WHERE actor <> oid GROUP BY oid, actor)
        SELECT pairs.id, pairs.follower, pairs.days FROM pairs
        JOIN ic_follows f ON f.follower = pairs.follower AND f.followee = pairs.id {not_owner}""", keep=True)


def pair_hollow(engine, window, *, threshold: float | None, hollow: bool) -> None:
    """``ic_pair_flags``: whether each pair's follower is judged hollow toward that account
    (``graph.rank._hollow_pairs``: the profile model on its reference prior, vouched for by the
    follower's active days toward the account)."""
    if not hollow:
        engine.define("ic_pair_flags", "SELECT id, follower, false AS hollow FROM ic_pairs")
        return
    engine.map_pandas("ic_pair_judged", "SELECT a.* FROM ic_accounts a WHERE a.id IN (SELECT follower FROM ic_pairs)",
                      functools.partial(profile_risk, as_of=window.as_of, threshold=threshold), _JUDGED)
    engine.map_pandas("ic_pair_flags", "SELECT p.id, p.follower, p.days, j.risk FROM ic_pairs p "
                      "LEFT JOIN ic_pair_judged j ON j.id = p.follower",
                      functools.partial(vouched, threshold=pair_threshold(window.as_of, threshold)), _PAIR_FLAGS)


def profile_risk(df, *, as_of, threshold: float | None):
    """Per account: the model's risk from the profile alone, on its reference prior (row by row)."""
    import pandas as pd

    from ..metrics.hollow import score_accounts

    scored = score_accounts(df, as_of=as_of, threshold=threshold, adjust=False)
    return pd.DataFrame({"id": df["id"].astype(str).to_numpy(), "risk": scored["hollow_risk"].to_numpy("float64")})


def pair_threshold(as_of, threshold: float | None) -> float:
    """The flag threshold on the scale of the unadjusted risks."""
    import pandas as pd

    from ..metrics.hollow import score_accounts

    return float(score_accounts(pd.DataFrame({"id": ["-"]}), as_of=as_of, threshold=threshold,
                                adjust=False).attrs["threshold"])


def vouched(df, *, threshold: float):
    """Hollow toward the account: the profile risk vouched for by the follower's active days toward
    it (``hollow.network.engaged``), flagged at ``threshold``."""
    import pandas as pd

    from ..hollow.network import engaged

    risk = pd.to_numeric(df["risk"]).to_numpy(dtype="float64")
    v = engaged(risk, [[] for _ in range(len(risk))], df["days"].to_numpy(dtype="float64"), threshold)
    flag = np.nan_to_num(v, nan=-1.0) >= threshold
    return pd.DataFrame({"id": df["id"].astype(str), "follower": df["follower"].astype(str), "hollow": flag})


def owner_working(engine, window, owner: str | None, **kw):
    """The owner's working followers, exactly as ``audit`` counts them (None when unknown)."""
    import pandas as pd

    from .owners import audit_owners

    if owner is None:
        return None
    value = audit_owners(engine, [owner], window, **kw)["working"].iloc[0]
    return None if pd.isna(value) else int(value)


# -- PageRank ------------------------------------------------------------------------------------


def pagerank(engine, *, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 1000,
             chunk: int | None = None) -> int:
    """``ic_pagerank`` (id, pagerank) from the follows; returns the number of steps taken.

    With dangling mass spread uniformly and uniform teleport, PageRank is x / Σx where
    x = 1 + d·Pᵀx (Del Corso, Gullì & Romani 2005; the linear form ``graph.pagerank`` solves): each
    step is one join and one group-by and needs no global sum, so ``chunk`` steps run as one query.
    Stops when the L1 change of x / Σx over one step is below ``tol``, as the power method does;
    the change shrinks by at least ``d`` a step, so each query runs the steps that the last change
    says are still needed (at most ``chunk``, by default the engine's ``steps_per_query``: Spark
    pays per query, DuckDB's join planner per join).
    """
    chunk = chunk or getattr(engine, "steps_per_query", 1)
    engine.define("pr_edges", "SELECT DISTINCT follower AS src, followee AS dst FROM ic_follows", keep=True)
    engine.define("pr_nodes", "SELECT a.id, coalesce(o.out, 0) AS out FROM ic_accounts a "
                  "LEFT JOIN (SELECT src, count(*) AS out FROM pr_edges GROUP BY src) o ON o.src = a.id "
                  "WHERE a.id IS NOT NULL", keep=True)
    engine.define("pr_x0", f"SELECT id, out, {dbl(1)} AS x FROM pr_nodes", keep="cut")
    prev, k, diff = "pr_x0", 0, float("inf")
    while k < max_iter and not diff < tol:
        need = 10 if diff == float("inf") else math.ceil(math.log(tol / diff) / math.log(damping)) + 1
        steps = max(1, min(chunk, need, max_iter - k) - 1)
        engine.define(f"pr_y{k}", _steps_sql(prev, steps, damping), keep="cut")
        engine.define(f"pr_z{k}", _steps_sql(f"pr_y{k}", 1, damping), keep="cut")
        diff = _change(engine, f"pr_y{k}", f"pr_z{k}")
        for name in (prev, f"pr_y{k}"):
            engine.drop(name)
        prev, k = f"pr_z{k}", k + steps + 1
    engine.define("ic_pagerank", f"SELECT id, x / (SELECT sum(x) FROM {prev}) AS pagerank FROM {prev}", keep=True)
    engine.arrow("SELECT count(*) AS n FROM ic_pagerank")
    engine.drop(prev)
    return k


def _steps_sql(prev: str, steps: int, damping: float) -> str:
    """``steps`` Jacobi steps x'(v) = 1 + d Σ_{w→v} x(w)/out(w), chained as CTEs."""
    ctes, src = [], prev
    for i in range(steps):
        ctes.append(f"""s{i} AS (
            SELECT n.id, n.out, {dbl(1)} + {dbl(damping)} * coalesce(c.s, {dbl(0)}) AS x FROM pr_nodes n
            LEFT JOIN (SELECT e.dst AS id, sum(p.x / p.out) AS s FROM pr_edges e JOIN {src} p ON e.src = p.id
                       GROUP BY e.dst) c ON c.id = n.id)""")
        src = f"s{i}"
    return "WITH " + ",\n".join(ctes) + f" SELECT id, out, x FROM {src}"


def _change(engine, a: str, b: str) -> float:
    """L1 distance between the normalised vectors of relations ``a`` and ``b``."""
    row = engine.arrow(f"SELECT sum(abs(y.x / t.sa - z.x / t.sb)) AS d FROM {a} y JOIN {b} z ON y.id = z.id "
                       f"CROSS JOIN (SELECT (SELECT sum(x) FROM {a}) AS sa, (SELECT sum(x) FROM {b}) AS sb) t"
                       ).to_pylist()[0]["d"]
    return float(row) if row is not None else 0.0


# -- the table -----------------------------------------------------------------------------------

_UNKNOWN_FOR_OWNER = {"followers": "followers", "shares": "shares_received", "mentions": "mentions_received",
                      "replies": "replies_received"}


def assemble_sql(unknown: frozenset, owner: str | None, own_working: int | None) -> str:
    """One row per account; unknown measures null (all interaction counts when no source has
    interactions; the owner's where no current source can tell them)."""
    no_acts = "interactions" in unknown

    def measure(col: str, expr: str) -> str:
        if no_acts and col != "followers":
            return f"CAST(NULL AS BIGINT) AS {col}"
        if owner is not None and (_UNKNOWN_FOR_OWNER.get(col) in unknown
                                  or (col == "working_followers" and own_working is None)):
            return f"CASE WHEN a.id = {text(owner)} THEN CAST(NULL AS BIGINT) ELSE {expr} END AS {col}"
        return f"{expr} AS {col}"

    wf = "coalesce(w.working_followers, 0)"
    if owner is not None and own_working is not None:
        wf = f"CASE WHEN a.id = {text(owner)} THEN CAST({int(own_working)} AS BIGINT) ELSE {wf} END"
    cols = [measure("followers", "coalesce(d.followers, 0)"), measure("working_followers", wf),
            *(measure(c, f"coalesce(rc.{c}, 0)") for c in ("shares", "mentions", "replies"))]
    return f"""
        WITH d AS (SELECT followee AS id, count(*) AS followers FROM ic_follows GROUP BY followee),
        rc AS (SELECT target AS id, count(CASE WHEN kind = 'share' THEN 1 END) AS shares,
                      count(CASE WHEN kind = 'mention' THEN 1 END) AS mentions,
                      count(CASE WHEN kind = 'reply' THEN 1 END) AS replies
               FROM ic_interactions WHERE actor <> target AND target IS NOT NULL GROUP BY target),
        w AS (SELECT id, count(*) AS working_followers FROM ic_pair_flags WHERE NOT hollow GROUP BY id)
        SELECT a.id, {', '.join(cols)}, pr.pagerank
        FROM ic_accounts a LEFT JOIN d ON d.id = a.id LEFT JOIN rc ON rc.id = a.id
        LEFT JOIN w ON w.id = a.id LEFT JOIN ic_pagerank pr ON pr.id = a.id
        WHERE a.id IS NOT NULL"""
