"""The learned link ranker: pair features by hand, the tree model, and recommend --me-file with it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import innercircle
from innercircle.advise import ranker
from innercircle.advise.recommend import recommend_many, ties
from innercircle.graph.network import Network
from innercircle.io.batch import ImportBatch


def _graph() -> Network:
    # me - a - b - me triangle; a - z, b - z: z closes two triangles; z - q, q - r lead away
    pairs = [("me", "a"), ("me", "b"), ("a", "b"), ("a", "z"), ("b", "z"), ("z", "q"), ("q", "r")]
    return Network.from_edges([p[0] for p in pairs], [p[1] for p in pairs], owner="me")


def test_pair_features_by_hand():
    net = _graph()
    u = ties(net)
    pf = ranker.PairFeatures(u, labels=np.zeros(net.n, np.int64))
    ob, vb, x = pf.batch(np.array([net.owner]))
    got = pd.DataFrame(x, columns=ranker.FEATURES, index=net.ids[vb])
    assert set(got.index) >= {"z"} and not {"me", "a", "b"} & set(got.index)  # never a current tie
    z = got.loc["z"]
    assert z["log_cn"] == pytest.approx(math.log(3))  # a and b in common
    assert z["adamic_adar"] == pytest.approx(2 / math.log(3), rel=1e-5)  # a and b have 3 ties each
    assert z["resource_allocation"] == pytest.approx(2 / 3, rel=1e-5)
    assert z["closure_owner"] == 1.0  # both of my contacts are tied to z
    assert z["closure_candidate"] == pytest.approx(2 / 3)  # z: a, b, q
    assert z["jaccard"] == pytest.approx(2 / 3)  # {a, b} of {a, b, q}
    assert z["rank_aa"] == pytest.approx(math.log(2)) and z["same_community"] == 1.0


def test_tree_model_walks_each_row_to_its_leaf():
    tree = {"feature": [0, 0, 0], "threshold": [1.5, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
            "leaf": [False, True, True], "value": [0.0, -1.0, 2.0]}
    assert ranker.tree_values(tree, np.array([[1.0], [1.5], [3.0]])).tolist() == [-1.0, -1.0, 2.0]
    model = {"kind": "trees", "baseline": 0.5, "trees": [tree, tree]}
    assert ranker.predict(np.array([[3.0]]), model)[0] == pytest.approx(1 / (1 + math.exp(-4.5)))


def test_the_shipped_model_prefers_the_account_closing_two_triangles():
    model = ranker.load_model()
    assert model["features"] == ranker.FEATURES and model["trained_on"]
    net = _graph()
    ob, vb, score, _ = ranker.rank_candidates(ties(net), [net.owner], k=3)
    assert net.ids[vb[0]] == "z" and np.all(np.diff(score) <= 0) and ((0 < score) & (score < 1)).all()


def test_recommend_many_adds_followers_who_act_for_the_owner_with_the_reason():
    pairs = [("me", "a"), ("a", "me"), ("me", "b"), ("b", "me"), ("a", "z"), ("b", "z"), ("fan", "me")]
    inter = pd.DataFrame({"actor": ["fan"] * 3, "target": "me", "kind": "reply",
                          "at": pd.date_range("2026-01-01", periods=3)})
    ws = innercircle.open(":memory:")
    ws.import_batch(ImportBatch("generic", "t", owner="me", tables={
        "follows": pd.DataFrame(pairs, columns=["follower", "followee"]), "interactions": inter}))
    rows, missing = recommend_many(ws, ["me"], k=5)
    assert missing == [] and list(rows.columns) == ["me", "rank", "account", "score", "reasons"]
    fan = rows.set_index("account").loc["fan"]
    assert fan["reasons"] == "acted toward you 3 times; you don't follow back"
    assert "z" in set(rows["account"]) and rows["rank"].tolist() == list(range(1, len(rows) + 1))


def test_recommend_me_file_beats_the_classical_heuristics_on_a_real_graph():
    """MUSAE Twitch PTBR (Rozemberczki et al. 2019): 20% of 150 users' ties hidden, other ties than
    the ones the model was trained on; precision@10 through a workspace, as the CLI runs it."""
    import sys

    from .conftest import REPO, shared

    e = pd.read_csv(shared("twitch", "twitch_PTBR_edges.csv"))
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_recommend as br
    finally:
        sys.path.pop(0)
    train, owners, truth = br.hide(br.undirected(e["from"].to_numpy(), e["to"].to_numpy()), users=150, seed=3)

    def precision(recs):
        return float(np.mean([len(r & truth[int(o)]) / 10 for r, o in zip(recs, owners)]))

    ours = precision(br.me_file(train, owners))
    best = max(precision(br.top_k(f(train, owners), owners, train)) for f in (
        br.common_neighbours, br.adamic_adar, br.plain_ppr))
    assert ours >= 1.1 * best
