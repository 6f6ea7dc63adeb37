"""PageRank on the follow graph: attention flows from follower to followee."""

from __future__ import annotations

import numpy as np

from .network import Network


def pagerank(net: Network, *, damping: float = 0.85, tol: float = 1e-10,
             max_iter: int = 1000) -> np.ndarray:
    """Standard PageRank of every account, by power iteration on the followers CSR.

    Edges point from follower to followee. With ``d`` the damping, ``out(w)`` the number of
    accounts w follows and ``D`` the accounts that follow nobody (dangling), each step is

        r'(v) = d * sum_{w follows v} r(w) / out(w) + d * sum_{w in D} r(w) / n + (1 - d) / n

    (dangling mass spread uniformly, teleport uniform). Iterates until the L1 change is below
    ``tol``. The scores sum to 1; an empty network gives an empty array. A self-follow is an
    ordinary edge, as in NetworkX and igraph.

    >>> net = Network.from_edges(["a", "b"], ["b", "a"]); pagerank(net).round(3).tolist()
    [0.5, 0.5]
    """
    n = net.n
    if n == 0:
        return np.zeros(0)
    fol = net.followers.astype(np.float64)
    out = np.diff(net.follows.indptr).astype(np.float64)
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    r = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (fol @ (r * inv))
        new += (damping * r[dangling].sum() + (1.0 - damping)) / n
        new /= new.sum()  # keeps rounding drift from accumulating
        if np.abs(new - r).sum() < tol:
            return new
        r = new
    return r


def pagerank_reference(edges: list[tuple[int, int]], n: int, *, damping: float = 0.85,
                       iterations: int = 200) -> list[float]:
    """A short, slow PageRank over an edge list (the reference the fast version is tested on).

    Follows the same definition as :func:`pagerank`; duplicate edges count once.
    """
    targets: dict[int, set[int]] = {v: set() for v in range(n)}
    for a, b in edges:
        targets[a].add(b)
    r = [1.0 / n] * n
    for _ in range(iterations):
        dangling = sum(r[v] for v in range(n) if not targets[v])
        new = [(1.0 - damping) / n + damping * dangling / n] * n
        for v in range(n):
            for w in targets[v]:
                new[w] += damping * r[v] / len(targets[v])
        r = new
    return r
