"""Learned link ranker: which accounts beyond an owner's ties it is most likely to tie with next.

For an owner ``o`` on the undirected tie graph ``A`` (``a`` and ``b`` are tied when either follows
the other), the candidates are the ``POOL`` accounts with the highest Adamic–Adar score and the
``POOL`` with the highest personalised PageRank from ``o``, leaving out ``o`` and its ties. Each
pair ``(o, v)`` gets the features of :data:`FEATURES`:

- ``log_cn`` = log(1 + |N(o) ∩ N(v)|), common neighbours;
- ``adamic_adar`` = sum over common neighbours w of 1 / log(deg w);
- ``resource_allocation`` = sum over common neighbours w of 1 / deg w;
- ``log_ppr`` = log(n · PPR_o(v) + 1e-3), personalised PageRank from ``o`` alone (damping 0.85),
  scaled by the graph size n so that it reads the same on small and large graphs;
- ``log_deg_owner``, ``log_deg_candidate`` = log(1 + degree);
- ``closure_owner`` = |N(o) ∩ N(v)| / deg o, the share of the owner's contacts tied to ``v``
  (triangles it would close), and ``closure_candidate`` = |N(o) ∩ N(v)| / deg v;
- ``jaccard`` = |N(o) ∩ N(v)| / |N(o) ∪ N(v)|;
- ``same_community`` = 1 when ``o`` and ``v`` fall in the same Louvain community of ``A`` (igraph's
  multilevel method), else 0;
- ``rank_aa``, ``rank_ppr`` = log(1 + rank) of ``v`` among ``o``'s candidates by Adamic–Adar and by
  personalised PageRank (1 = best): a scale-free view of the two scores.

The score is the probability of a tie from gradient-boosted trees on these features (or, for a
``"logistic"`` model file, a logistic regression on the standardised features), trained by ``scripts/train_ranker.py`` on link prediction in the shared Twitch and ego-Facebook
graphs (hide 20% of sampled users' ties, label the candidates that were hidden) and stored as plain
JSON beside this module (:data:`MODEL_FILE`). docs/advise.md gives the measured precision.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

#: The pair features, in the model's order (see the module docstring).
FEATURES = ["log_cn", "adamic_adar", "resource_allocation", "log_ppr", "log_deg_owner", "log_deg_candidate",
            "closure_owner", "closure_candidate", "jaccard", "same_community", "rank_aa", "rank_ppr"]
#: Candidates per owner from each of Adamic–Adar and personalised PageRank.
POOL = 100
#: Damping of the owner's own personalised PageRank (the classical link-prediction setting).
DAMPING = 0.85
MODEL_FILE = Path(__file__).with_name("ranker_model.json")


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> dict:
    """The shipped ranker: ``{"features", "mean", "scale", "coef", "intercept", ...}``."""
    return json.loads(Path(path or MODEL_FILE).read_text())


def predict(x: np.ndarray, model: dict | None = None) -> np.ndarray:
    """Probability that each pair (row of ``x``, columns :data:`FEATURES`) becomes a tie.

    A ``"logistic"`` model is sigmoid(b + w · z) on the standardised features z; a ``"trees"``
    model is sigmoid(baseline + the sum of its regression trees' leaf values) (gradient boosting).
    """
    m = model or load_model()
    x = np.asarray(x, float)
    if m.get("kind") == "trees":
        raw = m["baseline"] + sum(tree_values(t, x) for t in m["trees"])
    else:
        z = (x - np.asarray(m["mean"])) / np.asarray(m["scale"])
        raw = z @ np.asarray(m["coef"]) + m["intercept"]
    return 1.0 / (1.0 + np.exp(-raw))


def tree_values(tree: dict, x: np.ndarray) -> np.ndarray:
    """Leaf value of each row of ``x`` in one tree: at node i, go ``left[i]`` when
    x[feature[i]] <= threshold[i], else ``right[i]``, until a leaf."""
    feature, threshold = np.asarray(tree["feature"]), np.asarray(tree["threshold"])
    left, right, leaf = np.asarray(tree["left"]), np.asarray(tree["right"]), np.asarray(tree["leaf"], bool)
    node = np.zeros(len(x), dtype=np.int64)
    rows = np.arange(len(x))
    for _ in range(len(feature)):
        inner = ~leaf[node]
        if not inner.any():
            break
        go_left = x[rows, feature[node]] <= threshold[node]
        node = np.where(inner, np.where(go_left, left[node], right[node]), node)
    return np.asarray(tree["value"])[node]


def communities(u, *, seed: int = 0) -> np.ndarray:
    """Louvain community label of every account of the symmetric tie graph ``u`` (igraph multilevel)."""
    import igraph as ig
    import scipy.sparse as sp

    t = sp.triu(u, k=1).tocoo()
    g = ig.Graph(n=u.shape[0], edges=np.column_stack([t.row, t.col]).tolist(), directed=False)
    import random

    state = random.getstate()
    random.seed(seed)  # igraph draws from Python's random: keep the labels repeatable
    try:
        return np.asarray(g.community_multilevel().membership, dtype=np.int64)
    finally:
        random.setstate(state)


class PairFeatures:
    """Candidates and their features for a batch of owners on the tie graph ``u`` (bool CSR, symmetric)."""

    def __init__(self, u, *, labels: np.ndarray | None = None, pool: int = POOL, damping: float = DAMPING):
        import scipy.sparse as sp

        self.u = u.tocsr().astype(np.float32)
        self.n = u.shape[0]
        self.deg = np.diff(self.u.indptr).astype(np.float64)
        self.labels = communities(u) if labels is None else labels
        self.pool, self.damping = pool, damping
        inv_log = np.where(self.deg > 1, 1.0 / np.log(np.maximum(self.deg, 2.0)), 0.0)
        inv = np.where(self.deg > 0, 1.0 / np.maximum(self.deg, 1.0), 0.0)
        self.aa_right = (sp.diags_array(inv_log.astype(np.float32)) @ self.u).tocsr()
        self.ra_right = (sp.diags_array(inv.astype(np.float32)) @ self.u).tocsr()

    def batch(self, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(owner position in ``owners``, candidate index, n_pairs × features) for these owners."""
        from .trust import personalized_pagerank

        owners = np.asarray(owners, dtype=np.int64)
        rows = self.u[owners]
        cn, aa, ra = ((rows @ m).toarray() for m in (self.u, self.aa_right, self.ra_right))
        seeds = np.zeros((self.n, len(owners)), np.float32)
        seeds[owners, np.arange(len(owners))] = 1.0
        ppr = personalized_pagerank(self.u, seeds, damping=self.damping, max_iter=50, tol=1e-6).T
        out_o, out_v, feats = [], [], []
        for b, o in enumerate(owners):
            cand, f = self._owner(o, cn[b], aa[b], ra[b], ppr[b], rows[[b]].indices)
            out_o.append(np.full(len(cand), b)), out_v.append(cand), feats.append(f)
        if not feats:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, len(FEATURES)))
        return np.concatenate(out_o), np.concatenate(out_v), np.vstack(feats)

    def _owner(self, o, cn, aa, ra, ppr, tied):
        blocked = np.zeros(self.n, bool)
        blocked[o] = True
        blocked[tied] = True
        aa_c = np.where(blocked | (aa <= 0), -np.inf, aa)
        ppr_c = np.where(blocked | (ppr <= 0), -np.inf, ppr)
        cand = np.union1d(_top(aa_c, self.pool), _top(ppr_c, self.pool))
        if not len(cand):
            return cand, np.zeros((0, len(FEATURES)))
        c, do, dv = cn[cand].astype(float), self.deg[o], self.deg[cand]
        f = np.column_stack([
            np.log1p(c), aa[cand], ra[cand], np.log(self.n * ppr[cand] + 1e-3),
            np.full(len(cand), np.log1p(do)), np.log1p(dv),
            c / max(do, 1.0), c / np.maximum(dv, 1.0), c / np.maximum(do + dv - c, 1.0),
            (self.labels[cand] == self.labels[o]).astype(float),
            np.log1p(_rank(aa_c[cand])), np.log1p(_rank(ppr_c[cand])),
        ])
        return cand, f


def _top(score: np.ndarray, k: int) -> np.ndarray:
    ok = np.isfinite(score)
    if ok.sum() <= k:
        return np.flatnonzero(ok)
    idx = np.argpartition(-score, k - 1)[:k]
    return idx[np.isfinite(score[idx])]


def _rank(score: np.ndarray) -> np.ndarray:
    """1 for the best score, 2 for the next...; candidates outside one list rank after all of it."""
    order = np.argsort(-score, kind="stable")
    r = np.empty(len(score))
    r[order] = np.arange(1, len(score) + 1)
    return np.where(np.isfinite(score), r, len(score) + 1)


def rank_candidates(u, owners, *, k: int = 10, model: dict | None = None, batch: int | None = None,
                    labels: np.ndarray | None = None):
    """Top ``k`` candidates per owner by the learned score: (owner position, candidate, score, features).

    Rows come owner by owner, best first. ``u`` is the symmetric tie graph (bool CSR).
    """
    owners = np.asarray(owners, dtype=np.int64)
    pf = PairFeatures(u, labels=labels)
    batch = batch or max(1, min(256, int(2e7 // max(pf.n, 1))))  # dense PageRank: ~80 MB a batch
    parts = []
    for lo in range(0, len(owners), batch):
        ob, vb, xb = pf.batch(owners[lo:lo + batch])
        s = predict(xb, model) if len(xb) else np.zeros(0)
        parts.append(_top_per_owner(ob + lo, vb, s, xb, k))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros((0, len(FEATURES)))
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(4))


def _top_per_owner(ob, vb, s, xb, k):
    order = np.lexsort((-s, ob))
    ob, vb, s, xb = ob[order], vb[order], s[order], xb[order]
    first = np.r_[0, np.flatnonzero(np.diff(ob)) + 1]
    pos = np.arange(len(ob)) - np.repeat(first, np.diff(np.r_[first, len(ob)]))
    keep = pos < k
    return ob[keep], vb[keep], s[keep], xb[keep]
