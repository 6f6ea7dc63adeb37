"""PageRank: the fast power iteration against a slow reference, NetworkX and igraph."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innercircle.graph import Network
from innercircle.graph.pagerank import pagerank, pagerank_reference

graphs = st.integers(1, 25).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80)))


def net_of(n, edges):
    net = Network.from_edges([a for a, _ in edges], [b for _, b in edges], ids=range(n))
    return net, net.index_of([str(i) for i in range(n)])


@settings(max_examples=80, deadline=None)
@given(graphs)
def test_pagerank_matches_the_slow_reference(g):
    n, edges = g
    net, order = net_of(n, edges)
    ref = pagerank_reference(edges, n)
    for method in ("linear", "power"):
        fast = pagerank(net, method=method)[order]
        assert np.allclose(fast, ref, atol=1e-9), method
        assert fast.sum() == pytest.approx(1.0)


def test_pagerank_matches_networkx_and_igraph_with_dangling_nodes_and_self_loops():
    import igraph as ig
    import networkx as nx

    rng = np.random.default_rng(2)
    edges = list(zip(rng.integers(0, 200, 800).tolist(), rng.integers(0, 260, 800).tolist()))
    edges += [(5, 5), (7, 7)]
    net, order = net_of(260, edges)
    ours = pagerank(net)[order]
    g = nx.DiGraph(edges)
    g.add_nodes_from(range(260))
    ref = nx.pagerank(g, alpha=0.85, tol=1e-13, max_iter=1000)
    assert np.allclose(ours, [ref[i] for i in range(260)], atol=1e-9)
    ig_ref = ig.Graph(n=260, edges=sorted(set(edges)), directed=True).pagerank(damping=0.85)
    assert np.allclose(ours, ig_ref, atol=1e-9)


def test_followed_account_outranks_its_follower():
    net = Network.from_edges(["a", "b", "c"], ["hub", "hub", "hub"])
    pr = pagerank(net)
    hub, a = net.index_of(["hub", "a"])
    assert pr[hub] > 3 * pr[a]


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        pagerank(Network.from_edges(["a"], ["b"]), method="magic")


def test_pagerank_of_degenerate_networks():
    assert pagerank(Network.from_edges([], [])).tolist() == []
    assert pagerank(Network.from_edges([], [], ids=["a", "b"])).tolist() == [0.5, 0.5]
    two_parts = Network.from_edges(["a", "b", "c", "d"], ["b", "a", "d", "c"])
    assert np.allclose(pagerank(two_parts), 0.25)
