"""Reach computed inside DuckDB: the SQL of :func:`innercircle.graph.reach.reach` for one owner.

Followers of followers are a join of the follows table on the owner's followers and a distinct
count, in one parallel scan; with HyperLogLog, DuckDB reduces the ids' 64-bit hashes to the
registers of a sketch (:mod:`innercircle.graph.hll`), so only 16,384 numbers leave the database.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from ..graph import hll
from ..graph.reach import EXACT_EDGE_LIMIT, OWNER_P

_FIRST = "SELECT DISTINCT follower AS id FROM follows WHERE followee = $me AND follower <> $me"

#: Edges into ``s`` (a CTE of ids) with whether the follower is first degree; one scan.
_EDGES = """SELECT f.follower, f.followee, g.id IS NOT NULL AS first
    FROM follows f JOIN s ON f.followee = s.id LEFT JOIN f1 g ON f.follower = g.id"""

#: HyperLogLog registers of distinct second-degree ids, computed in DuckDB from ``hash(id)``:
#: the same (register, rank) as :func:`innercircle.graph.hll.hash_registers`, with an exact bit
#: length (log2 of a double can round up just below a power of two; the CASE corrects it).
_REGISTERS = """SELECT reg, max(q - CASE WHEN rest = 0 THEN 0
                   WHEN (1::UBIGINT << (bl - 1)) > rest THEN bl - 1 ELSE bl END + 1) AS rank
    FROM (SELECT reg, rest, q, floor(log2(rest::DOUBLE))::INTEGER + 1 AS bl
          FROM (SELECT (h >> {q})::INTEGER AS reg, h & ((1::UBIGINT << {q}) - 1) AS rest, {q} AS q
                FROM (SELECT DISTINCT hash(follower) AS h FROM e WHERE NOT first AND follower <> $me)))
    GROUP BY reg"""


def reach_in_workspace(ws, me: str | None = None, *, working: Iterable[str] | None = None,
                       approx: bool | None = None) -> dict:
    """:func:`reach` computed inside DuckDB, without loading the whole network.

    Same measures and keys as :func:`reach` (the tests check both agree). Followers of
    followers are a join of the follows table on the owner's followers and a distinct count,
    in one parallel scan; with ``approx`` DuckDB reduces the ids' 64-bit hashes to the
    registers of a HyperLogLog sketch (precision 14), so only 16,384 numbers leave the database.
    This is what ``innercircle reach`` runs: one owner needs only the follows into its first
    degree, not the whole network in memory.
    """
    from ..errors import UsageError

    me = me if me is not None else getattr(ws, "owner", None)
    if me is None:
        raise UsageError("no owner known", hint="pass --me ID or import with --me")
    con = ws.con.cursor()
    try:
        p = {"me": str(me)}
        if not con.sql("SELECT count(*) FROM accounts WHERE id = $me", params=p).fetchall()[0][0]:
            raise UsageError(f"account '{me}' is not in the workspace", field="--me",
                             hint="check the id (ids are text: '007' and '7' differ)")
        first, known, edges2, second = _scan(con, p, "SELECT id FROM f1", count=not approx)
        use_hll = bool(approx) if approx is not None else edges2 > EXACT_EDGE_LIMIT
        err = 0.0
        if use_hll:
            second, err = _sketch(con, p, "SELECT id FROM f1")
        unknown = frozenset(getattr(ws, "unknown", frozenset()) or ())
        # the audit's rule: followers unknown when no current source lists who follows the owner
        out: dict = {"first_degree": None if "followers" in unknown else int(first)}
        second_known = out["first_degree"] is not None and (known > 0 or first == 0)
        out["second_degree"] = int(second) if second_known else None
        if working is None:
            out["second_degree_via_working"] = None
        else:
            p_w = dict(p, working=[str(w) for w in working])
            sources = "SELECT id FROM f1 WHERE id IN (SELECT unnest($working::VARCHAR[]))"
            if use_hll:
                via, err_w = _sketch(con, p_w, sources)
                err = max(err, err_w)
            else:
                via = _scan(con, p_w, sources, count=True)[3]
            out["second_degree_via_working"] = int(via) if second_known else None
        out.update(_groups_sql(con, p))
        out["method"] = "hyperloglog" if use_hll else "exact"
        out["relative_error"] = float(err) if use_hll else 0.0
        out["first_degree_with_known_followers"] = int(known)
        return out
    finally:
        con.close()


def _scan(con, params: dict, sources: str, *, count: bool) -> tuple[int, int, int, int | None]:
    """(first degree, followers of ``sources`` with known followers, edges into them, distinct
    followers of ``sources`` outside the first degree and the owner — when ``count``)."""
    distinct = ("count(DISTINCT follower) FILTER (WHERE NOT first AND follower <> $me)"
                if count else "NULL")
    q = f"""WITH f1 AS ({_FIRST}), s AS ({sources}), e AS ({_EDGES})
        SELECT (SELECT count(*) FROM f1), count(DISTINCT followee), count(*), {distinct} FROM e"""
    first, known, edges, second = con.sql(q, params=params).fetchall()[0]
    return int(first), int(known), int(edges), second


def _sketch(con, params: dict, sources: str) -> tuple[int, float]:
    """HyperLogLog estimate of the distinct second degree reached through ``sources``."""
    q = f"WITH f1 AS ({_FIRST}), s AS ({sources}), e AS ({_EDGES}) " + _REGISTERS.format(q=64 - OWNER_P)
    regs = con.sql(q, params=params).fetchnumpy()
    sketch = hll.HyperLogLog(OWNER_P)
    sketch.registers_[np.asarray(regs["reg"], dtype=np.int64)] = np.asarray(regs["rank"], dtype=np.uint8)
    return int(round(sketch.count())), sketch.relative_error


def _groups_sql(con, params: dict) -> dict:
    """``groups`` / ``groups_raw_sum`` of the owner in SQL (see :func:`group_reach`)."""
    if not con.sql("SELECT count(*) FROM memberships").fetchall()[0][0]:
        return {"groups": None, "groups_raw_sum": None, "groups_count": None,
                "groups_raw_sum_from_memberships": None}
    row = con.sql("""WITH mine AS (SELECT DISTINCT "group" FROM memberships WHERE account = $me),
        known AS (SELECT "group", count(DISTINCT account) AS k FROM memberships GROUP BY 1),
        declared AS (SELECT "group", max(members_count) AS c FROM groups GROUP BY 1)
        SELECT (SELECT count(DISTINCT account) FROM memberships m SEMI JOIN mine USING ("group")
                WHERE account <> $me),
               coalesce(sum(coalesce(d.c, k.k)), 0), count(*), count(*) FILTER (WHERE d.c IS NULL)
        FROM mine JOIN known k USING ("group") LEFT JOIN declared d USING ("group")""",
                  params=params).fetchall()[0]
    return {"groups": int(row[0]), "groups_raw_sum": int(row[1]), "groups_count": int(row[2]),
            "groups_raw_sum_from_memberships": int(row[3])}
