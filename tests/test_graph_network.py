"""Network: loading the workspace into CSR arrays, ids and indices, interactions and groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import innercircle
from innercircle.graph import NO_TIME, Network, load_network
from innercircle.model import KINDS


def make_ws(follows, *, interactions=(), memberships=(), groups=(), owner="me", unknown=()):
    """An in-memory workspace from (follower, followee) pairs and optional other rows."""
    ws = innercircle.open(":memory:")
    tables = {"follows": pd.DataFrame(list(follows), columns=["follower", "followee"], dtype=object)}
    if interactions:
        tables["interactions"] = pd.DataFrame(list(interactions), columns=["actor", "target", "kind", "at"])
    if memberships:
        tables["memberships"] = pd.DataFrame(list(memberships), columns=["group", "account"])
    if groups:
        tables["groups"] = pd.DataFrame(list(groups), columns=["group", "members_count"])
    batch = innercircle.ImportBatch(format="test", source="test", tables=tables, owner=owner,
                                    unknown=set(unknown))
    ws.import_batch(batch)
    return ws


def edges_of(net: Network) -> set[tuple[str, str]]:
    rows, cols = net.follows.nonzero()
    return {(net.ids[r], net.ids[c]) for r, c in zip(rows, cols)}


def test_load_network_maps_ids_and_both_directions():
    ws = make_ws([("a", "me"), ("b", "me"), ("c", "a")])
    net = load_network(ws)
    assert edges_of(net) == {("a", "me"), ("b", "me"), ("c", "a")}
    assert net.ids[net.owner] == "me"
    me, a = net.index_of(["me", "a"])
    assert sorted(net.ids[net.followers[[me]].indices]) == ["a", "b"]
    assert net.in_degree()[a] == 1 and net.out_degree()[a] == 1


def test_index_of_unknown_id_is_minus_one_and_ids_are_text():
    net = Network.from_edges(["7", "007"], ["x", "x"])
    assert net.index_of(["007", "7", "nobody"]).tolist()[2] == -1
    assert len(set(net.index_of(["007", "7"]).tolist())) == 2


def test_from_edges_collapses_duplicates_and_keeps_self_loops():
    net = Network.from_edges(["a", "a", "b"], ["b", "b", "b"])
    assert net.follows.nnz == 2
    assert edges_of(net) == {("a", "b"), ("b", "b")}


def test_interactions_arrive_as_arrays_with_kind_codes_and_seconds():
    ws = make_ws([("a", "me")], interactions=[("a", "me", "share", "2024-01-01T00:00:01"),
                                              ("b", "me", "reply", None)])
    net = load_network(ws)
    order = np.argsort(net.kind)
    assert [KINDS[k] for k in net.kind[order]] == ["share", "reply"]
    assert net.at[order].tolist() == [1704067201, NO_TIME]
    assert net.ids[net.actor[order][0]] == "a" and net.ids[net.target[order][0]] == "me"
    only = load_network(ws, kinds=["reply"])
    assert [KINDS[k] for k in only.kind] == ["reply"]
    assert net.interaction_matrix(["share"]).sum() == 1


def test_groups_load_with_declared_and_unknown_member_counts():
    ws = make_ws([("a", "me")], memberships=[("g1", "me"), ("g1", "a"), ("g2", "b")],
                 groups=[("g1", 100), ("g2", None)])
    net = load_network(ws)
    assert list(net.groups) == ["g1", "g2"]
    assert net.members_count[0] == 100 and np.isnan(net.members_count[1])
    assert net.group_members.sum() == 3


def test_me_overrides_the_owner_and_unknown_facts_travel():
    ws = make_ws([("a", "me")], unknown={"likes_received"})
    net = load_network(ws, me="a")
    assert net.ids[net.owner] == "a"
    assert "likes_received" in net.unknown


def test_empty_workspace_gives_an_empty_network():
    net = load_network(innercircle.open(":memory:"))
    assert net.n == 0 and net.owner is None and net.follows.nnz == 0


def test_load_network_survives_an_unfinished_result_on_the_connection():
    ws = make_ws([("a", "me")])
    ws.con.execute("SELECT * FROM follows")  # left unfetched on purpose
    assert load_network(ws).follows.nnz == 1


@pytest.mark.parametrize("n", [0, 1, 5], ids=["empty", "one", "five"])
def test_from_csr_roundtrip(n):
    import scipy.sparse as sp

    m = sp.random_array((n, n), density=0.5, rng=1, format="csr") if n else sp.csr_array((0, 0))
    net = Network.from_csr(m)
    assert net.n == n and net.follows.nnz == (m != 0).sum()
