"""The advisor on real graphs from ../shared/data (skipped when absent): MUSAE Twitch ENGB."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import innercircle
from innercircle.advise import advise, context, nurture, prune, recommend

from .conftest import REPO, as_json, shared


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_recommend
    finally:
        sys.path.pop(0)
    return bench_recommend


@pytest.fixture(scope="module")
def engb():
    e = pd.read_csv(shared("twitch", "twitch_ENGB_edges.csv"))
    return e["from"].to_numpy(), e["to"].to_numpy()


def test_recommend_recovers_hidden_ties_about_as_well_as_adamic_adar_and_far_above_chance(bench, engb):
    u = bench.undirected(*engb)
    train, owners, truth = bench.hide(u, users=150, seed=3)
    ours = bench.ours(train, owners)
    aa = bench.top_k(bench.adamic_adar(train, owners), owners, train)

    def precision(recs):
        return float(np.mean([len(r & truth[int(o)]) / 10 for r, o in zip(recs, owners)]))

    chance = np.mean([len(truth[int(o)]) for o in owners]) / u.shape[0]
    assert precision(ours) >= 0.85 * precision(aa)
    assert precision(ours) > 20 * chance


@pytest.fixture(scope="module")
def bare(engb, tmp_path_factory):
    """The ENGB graph imported as a plain edge list (each tie named once): no tags, interactions, profiles."""
    src, dst = engb
    path = tmp_path_factory.mktemp("engb") / "engb.txt"
    path.write_text("".join(f"{a} {b}\n" for a, b in zip(src, dst)), encoding="utf-8")
    ws = innercircle.open(":memory:")
    from innercircle.imports import import_source

    import_source(ws, path)
    deg = pd.Series(np.concatenate([src, dst])).value_counts()
    yield ws, str(deg.index[len(deg) // 3])  # an ordinary owner, neither a hub nor a leaf
    ws.close()


def test_every_command_gives_useful_answers_on_a_bare_follow_graph(bare):
    ws, me = bare
    ctx = context(ws, me)
    rec = recommend(ws, me, k=5, ctx=ctx)
    assert len(rec) == 5 and rec["reasons"].str.contains("in common").all()
    assert rec["alignment_score"].isna().all()  # no values stated: unknown, not 0
    a = advise(ws, me, policy="picky", ctx=ctx)
    assert (a.table["decision"] != "connect").all()  # unknown facts never connect
    assert a.summary["now"]["working_share"] is None
    fb = advise(ws, me, policy="follow-back", ctx=ctx)
    assert fb.summary["follow-back"]["connect"] == int((fb.table["relation"] == "follower").sum())
    n, p = nurture(ws, me, ctx=ctx), prune(ws, me, ctx=ctx)
    assert set(n.get("nurture", [])) <= {"care_imbalance"} and set(p.get("prune", [])) <= {"one_way", "hollow"}
    assert ((p["prune"] == "one_way") <= ~p["follows_me"].astype(bool)).all()


def test_cli_recommend_json_on_a_real_workspace(cli, bare, tmp_path):
    ws, me = bare
    path = tmp_path / "engb.duckdb"
    with innercircle.open(path) as w:
        w.import_batch(innercircle.ImportBatch(
            "generic", "engb", tables={"follows": ws.sql("SELECT follower, followee FROM follows")}))
    code, out, _ = cli("recommend", "--workspace", path, "--me", me, "--k", "3", "--json")
    obj = as_json(out)
    assert code == 0 and obj["count"] == 3 and all(r["reasons"] for r in obj["recommendations"])
