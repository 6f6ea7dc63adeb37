"""Reach: hand-checked owner reach, unknown versus zero, and every-account reach against references."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innercircle.graph import Network, load_network, reach, reach_all, reach_all_approx
from innercircle.graph.reach import reach_exact_sample, reach_in_workspace

from .test_graph_network import make_ws

#: me <- a, b, c;  a <- x, y;  b <- y, z, a, me;  me follows b back.  c has no known followers.
HAND = [("a", "me"), ("b", "me"), ("c", "me"), ("x", "a"), ("y", "a"), ("y", "b"), ("z", "b"),
        ("a", "b"), ("me", "b")]


def hand_net():
    return Network.from_edges([s for s, _ in HAND], [d for _, d in HAND], owner="me")


def test_reach_counts_each_person_once_and_leaves_out_owner_and_first_degree():
    r = reach(hand_net(), working=["a", "not-a-follower"])
    assert r["first_degree"] == 3
    assert r["second_degree"] == 3  # x, y, z: y counted once, a and me left out
    assert r["second_degree_via_working"] == 2  # through a only: x, y
    assert r["method"] == "exact" and r["relative_error"] == 0
    assert r["first_degree_with_known_followers"] == 2


def test_reach_json_keys_are_the_contract():
    keys = {"first_degree", "second_degree", "second_degree_via_working", "groups",
            "groups_raw_sum", "method", "relative_error"}
    assert keys <= set(reach(hand_net()))


def test_unknown_working_followers_are_null_not_zero():
    assert reach(hand_net())["second_degree_via_working"] is None


def test_follower_export_without_their_followers_says_unknown():
    net = Network.from_edges(["a", "b"], ["me", "me"], owner="me")
    r = reach(net, working=["a"])
    assert r["first_degree"] == 2
    assert r["second_degree"] is None and r["second_degree_via_working"] is None


def test_owner_without_followers_has_zero_reach_not_unknown():
    net = Network.from_edges(["me", "x"], ["a", "a"], owner="me")
    r = reach(net, working=[])
    assert (r["first_degree"], r["second_degree"], r["second_degree_via_working"]) == (0, 0, 0)


def test_self_loops_and_duplicates_do_not_count():
    net = Network.from_edges(["me", "a", "a", "x", "x", "a"], ["me", "me", "me", "a", "a", "a"],
                             owner="me")
    r = reach(net)
    assert (r["first_degree"], r["second_degree"]) == (1, 1)


def test_unknown_followers_fact_makes_an_empty_first_degree_unknown():
    ws = make_ws([("me", "a"), ("x", "a")], unknown={"followers"})
    r = reach(load_network(ws))
    assert r["first_degree"] is None and r["second_degree"] is None


def test_groups_distinct_members_versus_raw_sum_with_fallback():
    ws = make_ws([("a", "me")],
                 memberships=[("g1", "me"), ("g1", "a"), ("g1", "b"), ("g2", "me"), ("g2", "b"),
                              ("g2", "c"), ("g3", "d")],
                 groups=[("g1", 1000), ("g3", 5)])
    r = reach(load_network(ws))
    assert r["groups"] == 3  # a, b, c; the owner is not a member of their own reach
    assert r["groups_raw_sum"] == 1000 + 3  # g2 has no members_count: its 3 known members
    assert r["groups_raw_sum_from_memberships"] == 1


def test_no_memberships_known_means_groups_unknown():
    r = reach(hand_net())
    assert r["groups"] is None and r["groups_raw_sum"] is None


def test_unknown_owner_is_a_usage_error():
    from innercircle.errors import UsageError

    with pytest.raises(UsageError, match="nobody"):
        reach(hand_net(), "nobody")
    with pytest.raises(UsageError, match="owner"):
        reach(Network.from_edges(["a"], ["b"]))


def test_hyperloglog_reach_is_within_its_stated_error():
    rng = np.random.default_rng(3)
    src = rng.integers(0, 200_000, 300_000)
    dst = np.concatenate([np.zeros(3_000, dtype=np.int64), rng.integers(1, 3_000, 297_000)])
    net = Network.from_edges(src, dst, owner="0")
    exact, approx = reach(net), reach(net, approx=True)
    assert approx["method"] == "hyperloglog" and 0 < approx["relative_error"] <= 0.01
    assert abs(approx["second_degree"] / exact["second_degree"] - 1) < 4 * approx["relative_error"]
    assert approx["first_degree"] == exact["first_degree"]


# --- the same in DuckDB -----------------------------------------------------------------------
WS_CASES = {
    "hand": dict(follows=HAND, memberships=[("g", "me"), ("g", "x"), ("h", "me")],
                 groups=[("g", 50)]),
    "followers-only": dict(follows=[("a", "me"), ("b", "me")]),
    "no-followers": dict(follows=[("me", "a"), ("x", "a")]),
    "unknown-followers": dict(follows=[("me", "a")], unknown={"followers"}),
}


@pytest.mark.parametrize("case", list(WS_CASES), ids=list(WS_CASES))
@pytest.mark.parametrize("approx", [False, True], ids=["exact", "hll"])
def test_reach_in_workspace_agrees_with_the_network_kernel(case, approx):
    spec = dict(WS_CASES[case])
    ws = make_ws(spec.pop("follows"), **spec)
    working = ["a", "b"]
    assert reach_in_workspace(ws, working=working, approx=approx) == reach(
        load_network(ws), working=working, approx=approx)


def test_reach_in_workspace_on_the_sample_network():
    import innercircle
    from innercircle.audit import working_ids

    ws = innercircle.open(":memory:")
    ws.import_batch(innercircle.sample.generate(followers=600))
    working = working_ids(ws)
    fast, ref = reach_in_workspace(ws, working=working), reach(load_network(ws), working=working)
    assert fast == ref
    assert fast["second_degree"] > 0 and fast["groups"] < fast["groups_raw_sum"]
    approx = reach_in_workspace(ws, working=working, approx=True)
    assert abs(approx["second_degree"] / ref["second_degree"] - 1) < 0.04


# --- every account ----------------------------------------------------------------------------
def reference_reach(edges: list[tuple[int, int]], n: int) -> list[int]:
    """Slow and obvious: followers and followers of followers as Python sets, minus oneself."""
    followers = {v: set() for v in range(n)}
    for a, b in edges:
        followers[b].add(a)
    out = []
    for v in range(n):
        seen = set(followers[v])
        for u in followers[v]:
            seen |= followers[u]
        seen.discard(v)
        out.append(len(seen))
    return out


graphs = st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=150)))


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_reach_all_matches_the_reference(g):
    n, edges = g
    net = Network.from_edges([a for a, _ in edges], [b for _, b in edges], ids=range(n))
    order = net.index_of([str(i) for i in range(n)])
    assert reach_all(net, chunk_paths=7)[order].tolist() == reference_reach(edges, n)


@settings(max_examples=30, deadline=None)
@given(graphs)
def test_reach_all_approx_is_close_on_small_graphs(g):
    n, edges = g
    net = Network.from_edges([a for a, _ in edges], [b for _, b in edges], ids=range(n))
    exact = reach_all(net)
    for k in (2, 1000):  # dense sketches for nearly all accounts, then for none
        approx = reach_all_approx(net, dense_threshold=k)
        assert np.all(np.abs(approx - exact) <= 1.5 + 0.05 * exact)


def test_reach_all_agrees_with_igraph_and_networkx():
    import igraph as ig
    import networkx as nx

    rng = np.random.default_rng(5)
    src, dst = rng.integers(0, 300, 2_000), rng.integers(0, 300, 2_000)
    net = Network.from_edges(src, dst)
    rows, cols = net.follows.nonzero()
    g = ig.Graph(n=net.n, edges=list(zip(rows.tolist(), cols.tolist())), directed=True)
    assert reach_all(net).tolist() == g.neighborhood_size(order=2, mode="in", mindist=1)
    gx = nx.DiGraph(list(zip(rows.tolist(), cols.tolist()))).reverse()
    gx.add_nodes_from(range(net.n))
    nxr = [len(nx.single_source_shortest_path_length(gx, v, cutoff=2)) - 1 for v in range(net.n)]
    assert reach_all(net).tolist() == nxr
    assert reach_exact_sample(net, np.arange(net.n)).tolist() == nxr


def test_reach_all_approx_median_error_on_a_heavy_tailed_graph():
    rng = np.random.default_rng(11)
    n = 20_000
    weights = 1.0 / np.arange(1, n + 1) ** 0.9
    dst = rng.choice(n, 200_000, p=weights / weights.sum())
    net = Network.from_edges(rng.integers(0, n, 200_000), dst)
    exact, approx = reach_all(net), reach_all_approx(net)
    big = exact >= 100
    assert np.median(np.abs(approx[big] / exact[big] - 1)) <= 0.03


def test_reach_all_of_an_empty_or_edgeless_network():
    assert reach_all(Network.from_edges([], [])).tolist() == []
    assert reach_all(Network.from_edges([], [], ids=["a", "b"])).tolist() == [0, 0]
    assert reach_all_approx(Network.from_edges([], [], ids=["a"])).tolist() == [0.0]


# --- command line -----------------------------------------------------------------------------
def run_cli(*args):
    from click.testing import CliRunner

    from innercircle.cli import main

    return CliRunner().invoke(main, list(args))


def test_cli_reach_json_and_readable(tmp_path):
    path = tmp_path / "ws.duckdb"
    ws = make_ws(HAND, memberships=[("g", "me"), ("g", "x")], groups=[("g", 50)])
    ws.con.execute(f"ATTACH '{path}' AS out")
    ws.con.execute("COPY FROM DATABASE memory TO out")
    ws.con.execute("DETACH out")
    ws.close()
    res = run_cli("reach", "--workspace", str(path), "--json")
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)
    assert (r["first_degree"], r["second_degree"], r["groups"], r["groups_raw_sum"]) == (3, 3, 1, 50)
    res = run_cli("reach", "--workspace", str(path), "--approx")
    assert res.exit_code == 0 and "second degree" in res.stdout and "HyperLogLog" in res.stdout
    res = run_cli("reach", "--workspace", str(path), "--me", "nobody")
    assert res.exit_code == 2 and "nobody" in res.output


def _saved(ws, path):
    ws.con.execute(f"ATTACH '{path}' AS out")
    ws.con.execute("COPY FROM DATABASE memory TO out")
    ws.con.execute("DETACH out")
    ws.close()
    return str(path)


def test_cli_reach_says_unknown_when_no_source_tells_who_acts(tmp_path):
    blind = {"shares_received", "replies_received", "mentions_received", "messages"}
    path = _saved(make_ws(HAND, unknown=blind), tmp_path / "ws.duckdb")
    r = json.loads(run_cli("reach", "--workspace", path, "--json").stdout)
    assert r["second_degree"] == 3 and r["second_degree_via_working"] is None
    res = run_cli("reach", "--workspace", path)
    assert "via working followers" in res.stdout and "unknown" in res.stdout


def test_cli_reach_of_an_owner_without_followers(tmp_path):
    path = _saved(make_ws([("me", "a"), ("x", "a")]), tmp_path / "ws.duckdb")
    res = run_cli("reach", "--workspace", path, "--json")
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)
    assert (r["first_degree"], r["second_degree"], r["second_degree_via_working"]) == (0, 0, 0)
