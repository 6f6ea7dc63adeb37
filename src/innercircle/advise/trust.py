"""trust_score: personalised PageRank from the owner's trusted core over follows and care.

The *trusted core* of an owner is, in order of preference:

1. accounts tagged ``trusted`` (``innercircle tag FILE --as trusted``);
2. else the owner's committed followers with mutual care (care flows both ways: they act toward the
   owner and the owner replies, shares, mentions, messages or follows back);
3. else, on a bare follow graph with no tags or interactions, the owner's mutual follows;
4. else the owner alone.

Trust flows over the *care graph* ``W``: a follow ``a → b`` weighs 1 (``a`` vouches for ``b`` by
following), interactions from ``a`` to ``b`` add ``log(1 + care)`` where care counts active actions
as 1 and likes as 0.1, and every edge also carries ``reverse_weight`` (0.25) in the opposite
direction, so trust still spreads on an edge list that names each tie once. With ``P`` the
row-normalised ``W``, ``s`` the core's seed distribution (uniform over the core) and ``d`` the
damping (0.5: walks stay close to the core), the personalised PageRank is the fixed point of

    r = d · Pᵀ r + d · (mass on accounts with no edges) · s + (1 − d) · s

``trust_score`` is the percentile of an account's ``r`` among the accounts the core's walks reach,
leaving out the core and the owner: 0.9 means more trusted by your core than 90% of the accounts it
reaches. Core members score 1; an account the walks never reach scores 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Care weight of one interaction, by kind: active kinds count 1, likes 0.1, requests and
#: invitations nothing (asking is not caring).
CARE_KINDS = {"share": 1.0, "reply": 1.0, "mention": 1.0, "visit": 1.0, "message": 1.0, "contribution": 1.0,
              "word_of_mouth": 1.0, "response": 1.0, "like": 0.1}

CORE_LABELS = {
    "tagged": "accounts you tagged trusted",
    "committed": "committed followers with mutual care",
    "mutual": "mutual follows",
    "owner": "you alone",
}
#: Plural noun for reasons: "followed by 6 of your <noun>".
CORE_NOUNS = {"tagged": "trusted contacts", "committed": "committed followers", "mutual": "mutual follows",
              "owner": "contacts"}


@dataclass(frozen=True)
class Core:
    """The trusted core of one owner: indices into the Network, and which rule chose them."""

    members: np.ndarray
    source: str  # tagged | committed | mutual | owner

    @property
    def label(self) -> str:
        return CORE_LABELS[self.source]

    @property
    def noun(self) -> str:
        return CORE_NOUNS[self.source]


def ties(net):
    """n×n boolean CSR: ``v`` and ``u`` are tied when either follows the other (no self-ties)."""
    import scipy.sparse as sp

    f = net.follows.tocoo()
    r, c = np.concatenate([f.row, f.col]), np.concatenate([f.col, f.row])
    keep = r != c
    u = sp.coo_array((np.ones(int(keep.sum()), dtype=bool), (r[keep], c[keep])), shape=(net.n, net.n)).tocsr()
    u.sum_duplicates()
    return u


def care_graph(net, *, reverse_weight: float = 0.25):
    """The n×n weighted CSR ``W`` trust flows over (see the module docstring)."""
    import scipy.sparse as sp

    n = net.n
    f = net.follows.tocoo()
    rows, cols, vals = [f.row], [f.col], [np.ones(f.nnz)]
    if len(net.actor):
        from ..model import KINDS

        w = np.zeros(len(KINDS) + 1)
        for k, v in CARE_KINDS.items():
            w[KINDS.index(k)] = v
        care = w[net.kind.astype(np.int64)] * np.where(np.isfinite(net.weight), net.weight, 1.0)
        keep = (care > 0) & (net.actor != net.target)
        c = sp.coo_array((care[keep], (net.actor[keep], net.target[keep])), shape=(n, n)).tocsr()
        c.sum_duplicates()
        c = c.tocoo()
        rows.append(c.row), cols.append(c.col), vals.append(np.log1p(c.data))
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    fwd = sp.coo_array((v, (r, c)), shape=(n, n)).tocsr()
    w = sp.csr_array(fwd + reverse_weight * fwd.T.tocsr() if reverse_weight else fwd).tocoo()
    off = w.row != w.col  # a self-follow vouches for nobody
    w = sp.coo_array((w.data[off], (w.row[off], w.col[off])), shape=(n, n)).tocsr()
    w.eliminate_zeros()
    return w


def transition(w):
    """(Pᵀ as CSR, dangling mask) for the row-normalised ``w``."""
    import scipy.sparse as sp

    out = np.asarray(w.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros_like(out), where=~dangling)
    p = sp.diags_array(inv) @ w
    return sp.csr_array(p.T, dtype=np.float32), dangling


def personalized_pagerank(w, seeds, *, damping: float = 0.5, max_iter: int = 100, tol: float = 1e-6,
                          prepared=None) -> np.ndarray:
    """Personalised PageRank for a batch of seed distributions at once.

    ``w`` is the n×n weighted CSR; ``seeds`` an n×B array (or n-vector) of non-negative seed
    weights per column (each column is normalised to sum 1). Returns an n×B float array (or an
    n-vector) whose columns sum to 1. Mass reaching an account without out-edges returns to the
    column's seeds. One sparse-times-dense product per iteration serves all B owners together.
    """
    pt, dangling = prepared or transition(w)
    s = np.asarray(seeds, dtype=np.float32)
    vector = s.ndim == 1
    s = s.reshape(len(s), -1)
    total = s.sum(axis=0)
    s = np.divide(s, total, out=np.zeros_like(s), where=total > 0)
    r = s.copy()
    for _ in range(max_iter):
        new = damping * (pt @ r)
        new += (damping * r[dangling].sum(axis=0) + (1.0 - damping)) * s
        delta = float(np.abs(new - r).sum(axis=0).max()) if new.size else 0.0
        r = new
        if delta < tol:
            break
    return r.ravel() if vector else r


def personalized_pagerank_reference(edges: list[tuple[int, int, float]], n: int, seeds: dict[int, float], *,
                                    damping: float = 0.5, iterations: int = 200) -> list[float]:
    """A short, slow personalised PageRank over a weighted edge list (the tests' reference)."""
    out: dict[int, dict[int, float]] = {v: {} for v in range(n)}
    for a, b, x in edges:
        if a != b:
            out[a][b] = out[a].get(b, 0.0) + x
    total = sum(seeds.values())
    s = [seeds.get(v, 0.0) / total for v in range(n)]
    r = list(s)
    for _ in range(iterations):
        lost = sum(r[v] for v in range(n) if not out[v])
        new = [(1 - damping) * s[v] + damping * lost * s[v] for v in range(n)]
        for v in range(n):
            wsum = sum(out[v].values())
            for u, x in out[v].items():
                new[u] += damping * r[v] * x / wsum
        r = new
    return r


def percentile(r: np.ndarray, core=None, owner: int | None = None) -> np.ndarray:
    """trust_score from raw personalised PageRank ``r``.

    Among the accounts the core's walks reach (``r > 0``) outside the core and the owner: the share
    of them with a strictly lower ``r``. Core members score 1, unreached accounts 0.
    """
    r = np.asarray(r, dtype=np.float64)
    others = r > 0
    if core is not None:
        others[np.asarray(core, dtype=np.int64)] = False
    if owner is not None:
        others[owner] = False
    order = np.sort(r[others])
    below = np.searchsorted(order, r, side="left") / max(len(order) - 1, 1)
    out = np.where(r > 0, np.clip(below, 0.0, 1.0), 0.0)
    if core is not None:
        out[np.asarray(core, dtype=np.int64)] = 1.0
    return out


def trusted_core(net, *, tagged: np.ndarray | None = None, committed: np.ndarray | None = None) -> Core:
    """The owner's trusted core (see the module docstring), from the given candidate lists.

    ``tagged`` are the indices of accounts tagged ``trusted``; ``committed`` those of committed
    followers with mutual care (both from the audit); the fallbacks use the follow graph.
    """
    me = net.owner
    for source, members in (("tagged", tagged), ("committed", committed)):
        if members is not None:
            members = np.unique(np.asarray(members, dtype=np.int64))
            members = members[(members >= 0) & (members != (-1 if me is None else me))]
            if len(members):
                return Core(members, source)
    if me is not None:
        mutual = np.intersect1d(net.follows[[me]].indices, net.followers[[me]].indices)
        mutual = mutual[mutual != me]
        if len(mutual):
            return Core(mutual.astype(np.int64), "mutual")
        return Core(np.array([me], dtype=np.int64), "owner")
    return Core(np.zeros(0, dtype=np.int64), "owner")


def trust_scores(net, core: Core, *, damping: float = 0.5, reverse_weight: float = 0.25, w=None):
    """(trust_score percentile, raw personalised PageRank) per account of ``net`` for ``core``."""
    n = net.n
    if n == 0 or not len(core.members):
        return np.zeros(n), np.zeros(n)
    w = care_graph(net, reverse_weight=reverse_weight) if w is None else w
    seeds = np.zeros(n)
    seeds[core.members] = 1.0
    r = personalized_pagerank(w, seeds, damping=damping).astype(np.float64)
    return percentile(r, core.members, net.owner), r


__all__ = ["CARE_KINDS", "Core", "care_graph", "percentile", "personalized_pagerank",
           "personalized_pagerank_reference", "trust_scores", "trusted_core"]
