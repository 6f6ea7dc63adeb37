"""De-duplicated reach: distinct followers, followers of followers, and group members.

Direction: reach runs over the *followers* relation. An account's first degree is the set of its
followers; its second degree is the set of followers of those followers. A post travels that way:
my followers see it, and their followers see what they pass on.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from . import hll
from .network import Network

#: Above this many follower-of-follower edges, ``reach`` switches to HyperLogLog by itself.
EXACT_EDGE_LIMIT = 400_000_000

#: Precision of the sketches of one owner's reach: relative standard error 0.81%.
OWNER_P = 14


def _gather(csr, rows: np.ndarray) -> np.ndarray:
    """The concatenated column indices of ``rows`` of a CSR array (a ragged gather, no loop)."""
    rows = np.asarray(rows, dtype=np.int64)
    starts, ends = csr.indptr[rows].astype(np.int64), csr.indptr[rows + 1].astype(np.int64)
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # position k of the output takes indices[starts[row(k)] + offset within the row]
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return csr.indices[offsets + np.arange(total, dtype=np.int64)].astype(np.int64)


def _owner_index(net: Network, me) -> int:
    from ..errors import UsageError

    if me is None:
        if net.owner is None:
            raise UsageError("no owner known", hint="pass --me ID or import with --me")
        return int(net.owner)
    if isinstance(me, (int, np.integer)):
        return int(me)
    ix = int(net.index_of([str(me)])[0])
    if ix < 0:
        raise UsageError(f"account '{me}' is not in the workspace", field="--me",
                         hint="check the id (ids are text: '007' and '7' differ)")
    return ix


def reach(net: Network, me=None, *, working: Iterable[str] | None = None,
          approx: bool | None = None) -> dict:
    """The owner's de-duplicated reach, as the ``reach --json`` object.

    * ``first_degree``: distinct followers of the owner (a self-follow is not counted).
    * ``second_degree``: distinct followers of those followers, excluding the owner and the
      first degree: ``|F(F(me)) - F(me) - {me}|``.
    * ``second_degree_via_working``: the same, through working followers only:
      ``|F(W) - F(me) - {me}|`` with ``W`` the owner's working followers (``working``, ids).
    * ``groups``: distinct members (other than the owner) of the groups the owner belongs to;
      ``groups_raw_sum``: the naive sum of those groups' member counts (the known membership
      count where the source gave no ``members_count``), so the double counting shows.
    * ``method``: "exact" or "hyperloglog"; ``relative_error``: 0 for exact, else the estimated
      relative standard error of ``second_degree``.

    Unknown is None: ``first_degree`` when the sources cannot tell who follows the owner;
    ``second_degree`` when no follower's own followers are known (a follower export tells who
    follows me, not who follows them); ``second_degree_via_working`` when ``working`` is None;
    ``groups`` when no memberships are known. ``approx=None`` means exact unless the
    follower-of-follower edges exceed :data:`EXACT_EDGE_LIMIT`.
    """
    ix = _owner_index(net, me)
    fol = net.followers
    first = _gather(fol, [ix])
    first = np.unique(first[first != ix])
    edges2 = int(np.diff(fol.indptr)[first].sum()) if len(first) else 0
    use_hll = bool(approx) if approx is not None else edges2 > EXACT_EDGE_LIMIT
    known = np.diff(fol.indptr)[first] > 0
    out: dict = {"first_degree": int(len(first))}
    if "followers" in net.unknown and len(first) == 0:
        out["first_degree"] = None
    excluded = np.append(first, ix)
    second, err = _distinct_beyond(fol, first, excluded, use_hll, net.n)
    out["second_degree"] = second if (known.any() or len(first) == 0) else None
    if out["first_degree"] is None:
        out["second_degree"] = None
    if working is None:
        out["second_degree_via_working"] = None
    else:
        w = net.index_of(list(working))
        w = np.intersect1d(w[w >= 0], first)
        via, err_w = _distinct_beyond(fol, w, excluded, use_hll, net.n)
        out["second_degree_via_working"] = via if out["second_degree"] is not None else None
        err = max(err, err_w)
    out.update(group_reach(net, ix))
    out["method"] = "hyperloglog" if use_hll else "exact"
    out["relative_error"] = float(err) if use_hll else 0.0
    out["first_degree_with_known_followers"] = int(known.sum())
    return out


def _distinct_beyond(fol, sources: np.ndarray, excluded: np.ndarray, use_hll: bool,
                     n: int) -> tuple[int, float]:
    """Distinct followers of ``sources`` not in ``excluded``: (count, relative standard error).

    The excluded accounts are filtered out exactly before counting, so a sketch counts only
    the second degree itself and its relative standard error is the sketch's own.
    """
    out = np.ones(n, dtype=bool)
    out[excluded] = False
    step = 50_000  # bounded memory on huge first degrees
    if not use_hll:
        seen = np.zeros(n, dtype=bool)
        for a in range(0, len(sources), step):
            seen[_gather(fol, sources[a:a + step])] = True
        return int((seen & out).sum()), 0.0
    sketch = hll.HyperLogLog(OWNER_P)
    for a in range(0, len(sources), step):
        items = _gather(fol, sources[a:a + step])
        sketch.add(items[out[items]])
    return int(round(sketch.count())), sketch.relative_error


def group_reach(net: Network, ix: int) -> dict:
    """``groups`` and ``groups_raw_sum`` of account ``ix`` (see :func:`reach`)."""
    gm = net.group_members
    if gm is None or gm.nnz == 0:
        return {"groups": None, "groups_raw_sum": None, "groups_count": None,
                "groups_raw_sum_from_memberships": None}
    mine = np.flatnonzero(gm[:, [ix]].toarray().ravel())
    members = _gather(gm, mine)
    distinct = np.unique(members[members != ix])
    known_counts = np.diff(gm.indptr)[mine].astype(np.float64)
    declared = net.members_count[mine]
    fallback = np.isnan(declared)
    raw = np.where(fallback, known_counts, declared)
    return {"groups": int(len(distinct)), "groups_raw_sum": int(raw.sum()),
            "groups_count": int(len(mine)),
            "groups_raw_sum_from_memberships": int(fallback.sum())}


# --- every account at once -----------------------------------------------------------------
def _self_in_reach(net: Network) -> np.ndarray:
    """True where an account is within its own 2-hop reach (a self-follow or a mutual follow)."""
    f = net.follows
    mutual = np.diff(f.multiply(net.followers).tocsr().indptr) > 0
    return mutual | (f.diagonal() != 0)


def reach_all(net: Network, *, chunk_paths: int = 4_000_000, workers: int | None = None) -> np.ndarray:
    """Exact distinct 2-hop reach of every account over the followers relation.

    ``reach_all(net)[v] = |(F(v) ∪ F(F(v))) - {v}|`` where ``F(v)`` is the set of v's followers:
    the number of distinct accounts within two follower hops of v (igraph's
    ``neighborhood_size(order=2, mode="in", mindist=1)``). It is the number of non-zero columns
    of row v of ``F @ (F + I)``, F as a boolean matrix, computed in row chunks of about
    ``chunk_paths`` 2-paths each, on ``workers`` threads (scipy's sparse product releases the GIL).
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    import scipy.sparse as sp

    fol = net.followers
    n = net.n
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    plus = (fol + sp.eye_array(n, dtype=bool, format="csr")).tocsr()
    indeg = np.diff(fol.indptr).astype(np.int64)
    cost = np.add.reduceat(np.append(indeg[fol.indices] + 1, 0), np.minimum(fol.indptr[:-1], fol.nnz))
    cost[indeg == 0] = 0
    out = np.empty(n, dtype=np.int64)

    def one(span):
        a, b = span
        out[a:b] = np.diff((fol[a:b] @ plus).indptr)

    spans = list(_chunks(cost + 1, chunk_paths))
    workers = workers or min(8, os.cpu_count() or 1)
    if workers == 1 or len(spans) == 1:
        for span in spans:
            one(span)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, spans))
    return out - _self_in_reach(net)


def _chunks(cost: np.ndarray, budget: int, max_rows: int | None = None):
    """Consecutive row ranges whose summed cost stays near ``budget`` (at least one row each)."""
    cum = np.cumsum(cost)
    a, n = 0, len(cost)
    while a < n:
        base = cum[a - 1] if a else 0
        b = int(np.searchsorted(cum, base + budget, side="right"))
        b = min(max(b, a + 1), n, a + max_rows if max_rows else n)
        yield a, b
        a = b


def reach_all_approx(net: Network, *, p: int = 10, memory_bytes: int = 1 << 30,
                     dense_threshold: int | None = None) -> np.ndarray:
    """Approximate distinct 2-hop reach of every account (same measure as :func:`reach_all`).

    HyperLogLog sketches of precision ``p`` (default 10: 1024 registers, relative standard error
    3.25%, median relative error about 2.2%) are propagated over the followers CSR: ``T[u]`` is
    the sketch of ``F(u) ∪ {u}`` and v's 2-hop sketch is the register-wise maximum of ``T[u]``
    over v's followers u. Accounts with more than ``dense_threshold`` followers (default m/16)
    keep a dense ``T[u]``; the others contribute their followers as items, so the work is about
    ``sum over follow edges of min(indegree + 1, m)``. Rows are processed in chunks whose
    sketches and item lists stay within about ``memory_bytes``. v itself is removed exactly (it
    is in its own reach when it follows back one of its followers, or follows itself).
    """
    fol = net.followers
    n = net.n
    m = 2 ** p
    k = dense_threshold or max(8, m // 16)
    indeg = np.diff(fol.indptr).astype(np.int64)
    reg, rank = hll.registers(np.arange(n), p)
    dense = indeg + 1 > k
    dense_nodes = np.flatnonzero(dense)
    dpos = np.full(n, -1, dtype=np.int64)
    dpos[dense_nodes] = np.arange(len(dense_nodes))
    tdense = _dense_sketches(fol, dense_nodes, reg, rank, m)
    items = np.where(dense, 0, indeg + 1)[fol.indices]
    row_items = np.add.reduceat(np.append(items, 0), np.minimum(fol.indptr[:-1], fol.nnz))
    row_items[indeg == 0] = 0
    max_rows = max(1, memory_bytes // (4 * m))
    out = np.zeros(n)
    for a, b in _chunks(row_items, max(1, memory_bytes // 48), max_rows):
        sk = np.zeros((b - a, m), dtype=np.uint8)
        lo, hi = int(fol.indptr[a]), int(fol.indptr[b])
        us = fol.indices[lo:hi].astype(np.int64)
        vs = np.repeat(np.arange(b - a), indeg[a:b])
        isd = dense[us]
        _add_sparse(sk, fol, us[~isd], vs[~isd], reg, rank, m)
        _add_dense(sk, tdense, dpos[us[isd]], vs[isd])
        out[a:b] = hll.estimate(sk)
    return np.maximum(out - _self_in_reach(net), 0.0)


def _dense_sketches(fol, nodes, reg, rank, m) -> np.ndarray:
    """Sketch of F(u) ∪ {u} for each of ``nodes`` (rows in the order of ``nodes``)."""
    t = np.zeros((len(nodes), m), dtype=np.uint8)
    flat = t.reshape(-1)
    for a in range(0, len(nodes), 4096):
        part = nodes[a:a + 4096]
        items = _gather(fol, part)
        rows = np.repeat(np.arange(a, a + len(part)), np.diff(fol.indptr)[part])
        np.maximum.at(flat, rows * m + reg[items], rank[items])
        np.maximum.at(flat, np.arange(a, a + len(part)) * m + reg[part], rank[part])
    return t


def _add_sparse(sk, fol, us, vs, reg, rank, m) -> None:
    """Add F(u) ∪ {u} as items to the sketch of v, for each edge (u follows v), u sparse."""
    flat = sk.reshape(-1)
    np.maximum.at(flat, vs * m + reg[us], rank[us])
    items = _gather(fol, us)
    rows = np.repeat(vs, np.diff(fol.indptr)[us])
    np.maximum.at(flat, rows * m + reg[items], rank[items])


def _add_dense(sk, tdense, upos, vs) -> None:
    """sk[v] = max(sk[v], T[u]) for each pair; vs arrive grouped, so do it in rounds of unique v."""
    if len(vs) == 0:
        return
    start = np.r_[0, np.flatnonzero(np.diff(vs)) + 1]
    within = np.arange(len(vs)) - np.repeat(start, np.diff(np.r_[start, len(vs)]))
    order = np.argsort(within, kind="stable")
    bounds = np.searchsorted(within[order], np.arange(within.max() + 2))
    for r in range(within.max() + 1):
        sel = order[bounds[r]:bounds[r + 1]]
        v = vs[sel]
        sk[v] = np.maximum(sk[v], tdense[upos[sel]])


def reach_exact_sample(net: Network, sample: np.ndarray) -> np.ndarray:
    """Exact 2-hop reach of a few accounts, one at a time (the reference for the sketches)."""
    fol = net.followers
    out = np.empty(len(sample), dtype=np.int64)
    for i, v in enumerate(np.asarray(sample, dtype=np.int64)):
        first = _gather(fol, [v])
        items = np.unique(np.concatenate([first, _gather(fol, first)]))
        out[i] = len(items) - int(np.isin(v, items))
    return out


# --- one owner, straight from the workspace ---------------------------------------------------


def reach_in_workspace(ws, me: str | None = None, *, working: Iterable[str] | None = None,
                       approx: bool | None = None) -> dict:
    """:func:`reach` computed inside DuckDB (:func:`innercircle.store.reach.reach_in_workspace`)."""
    from ..store.reach import reach_in_workspace as in_store

    return in_store(ws, me, working=working, approx=approx)
