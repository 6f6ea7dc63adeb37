"""Spread simulation: the cascade kernel against closed forms and exact enumeration, and the scenarios."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

import innercircle
from innercircle.results import simulate as sm
from innercircle.io.batch import ImportBatch

T0 = pd.Timestamp("2025-01-01")


def followers_csr(edges, n):
    """Row v = the followers of v, from (follower, followee) pairs."""
    f, t = np.array(edges, dtype=np.int64).T if edges else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    return sp.csr_array((np.ones(len(f), bool), (t, f)), shape=(n, n))


def exact_expected_reach(edges, n, q, seed_node=0):
    """Expected reach by enumerating who would pass it on (2^(n-1) worlds): the slow reference."""
    followers = {v: [f for f, t in edges if t == v] for v in range(n)}
    others = [v for v in range(n) if v != seed_node]
    total = 0.0
    for world in itertools.product([0, 1], repeat=len(others)):
        passes = dict(zip(others, world))
        prob = np.prod([q[v] if passes[v] else 1 - q[v] for v in others])
        reached, frontier = {seed_node}, [seed_node]
        while frontier:
            nxt = []
            for v in frontier:
                for w in followers[v]:
                    if w not in reached:
                        reached.add(w)
                        if passes[w]:
                            nxt.append(w)
            frontier = nxt
        total += prob * (len(reached) - 1)
    return total


def test_star_reaches_every_follower_and_no_one_else():
    edges = [(i, 0) for i in range(1, 6)]
    out = sm.independent_cascade(followers_csr(edges, 6), 0.7, [0], runs=50, seed=1)
    assert (out["reached"] == 5).all() and (out["first"] == 5).all()
    assert out["sharers"].max() <= 5


def test_path_matches_the_closed_form():
    # a1 follows the owner, a2 follows a1, ...: expected reach 1 + q + q^2 + q^3
    edges = [(i + 1, i) for i in range(4)]
    q = 0.5
    out = sm.independent_cascade(followers_csr(edges, 5), q, [0], runs=20_000, seed=3)
    expected = 1 + q + q**2 + q**3
    se = out["reached"].std() / np.sqrt(len(out["reached"]))
    assert abs(out["reached"].mean() - expected) < 4 * se
    assert (out["first"] == 1).all()


@pytest.mark.parametrize("graph_seed", [0, 1, 2], ids=["g0", "g1", "g2"])
def test_kernel_matches_exact_enumeration_on_small_random_graphs(graph_seed):
    rng = np.random.default_rng(graph_seed)
    n = 8
    edges = [(int(a), int(b)) for a, b in itertools.permutations(range(n), 2) if rng.random() < 0.3]
    edges += [(1, 0), (2, 0)]  # the owner has followers
    edges = sorted(set(edges))
    q = rng.random(n) * 0.8
    out = sm.independent_cascade(followers_csr(edges, n), q, [0], runs=20_000, seed=5)
    exact = exact_expected_reach(edges, n, q)
    se = max(out["reached"].std(), 1e-9) / np.sqrt(20_000)
    assert abs(out["reached"].mean() - exact) < 4 * se + 1e-9


def test_same_seed_same_runs_and_chunking_keeps_the_answer():
    rng = np.random.default_rng(4)
    n = 300
    a, b = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    f = followers_csr([(int(x), int(y)) for x, y in zip(a, b) if x != y], n)
    one = sm.independent_cascade(f, 0.05, [0], runs=2000, seed=9)
    two = sm.independent_cascade(f, 0.05, [0], runs=2000, seed=9)
    assert all(np.array_equal(one[k], two[k]) for k in one)
    chunked = sm.independent_cascade(f, 0.05, [0], runs=2000, seed=9, max_cells=n * 100)
    se = one["reached"].std() / np.sqrt(2000)
    assert abs(chunked["reached"].mean() - one["reached"].mean()) < 6 * se + 1e-9


def test_committed_versus_random_follows_the_stated_rates():
    rates = {"committed": {"pass_on": 0.0, "response": 0.05, "audience": 100},
             "random": {"pass_on": 0.0, "response": 0.0001, "audience": 100}}
    out = sm.committed_vs_random(rates, runs=400, seed=1)
    assert out["committed"]["followers"] == 1000 and out["random"]["followers"] == 1_000_000
    assert out["committed"]["responders"]["expected"] == pytest.approx(50, rel=0.05)
    assert out["random"]["responders"]["expected"] == pytest.approx(100, rel=0.05)
    assert out["committed"]["beyond_followers"]["expected"] == 0  # nobody passes it on


def test_growth_adds_what_its_rate_and_mix_say():
    rates = {g: {"pass_on": 0.0, "response": r, "audience": 100}
             for g, r in (("working", 0.1), ("other", 0.0), ("hollow", 0.0))}
    strategies = {"follow_back": {"per_month": 100, "mix": {"working": 0.0, "other": 0.5, "hollow": 0.5}},
                  "organic": {"per_month": 10, "mix": {"working": 1.0, "other": 0.0, "hollow": 0.0}}}
    out = sm.growth({"working": 10, "other": 90, "hollow": 0}, rates, strategies, runs=500, seed=2)
    fb, org = out["follow_back"], out["organic"]
    assert fb["followers_added"]["expected"] == pytest.approx(1200, rel=0.03)
    assert fb["hollow_share"]["expected"] == pytest.approx(600 / 1300, rel=0.05)
    assert fb["working_added"]["expected"] == 0
    assert org["working_followers"]["expected"] == pytest.approx(130, rel=0.05)
    assert org["responders"]["expected"] > fb["responders"]["expected"]
    assert org["responders_added"]["expected"] == pytest.approx(120 * 0.1, rel=0.1)
    assert fb["responders_added"]["high"] == 0 and fb["beyond_followers_added"]["high"] == 0
    assert fb["reach_added"]["expected"] == fb["followers_added"]["expected"]  # they only see it
    assert out["today"]["hollow_share"] == 0.0


# -- on a workspace --------------------------------------------------------------------------------------

def workspace(follows=(), interactions=(), posts=(), owner="me"):
    ws = innercircle.open(":memory:")
    tables = {"accounts": pd.DataFrame({"id": [owner]})}
    if follows:
        tables["follows"] = pd.DataFrame(follows, columns=["follower", "followee", "since"])
    if interactions:
        tables["interactions"] = pd.DataFrame(interactions, columns=["actor", "target", "kind", "at", "post"])
    if posts:
        tables["posts"] = pd.DataFrame(posts, columns=["id", "author", "at"])
    ws.import_batch(ImportBatch("generic", "test", tables=tables, owner=owner))
    return ws


def test_pass_on_rates_from_shares_of_the_owners_posts():
    d = lambda n: T0 + pd.Timedelta(days=n)  # noqa: E731
    follows = [("a", "me", d(0)), ("b", "me", d(0)), ("c", "me", d(15)), ("z", "a", d(0))]
    posts = [(f"p{i}", "me", d(10 * i)) for i in range(1, 5)]  # days 10, 20, 30, 40
    shares = [("a", "me", "share", d(11), "p1"), ("a", "me", "share", d(21), "p2"),
              ("a", "me", "share", d(41), None), ("c", "me", "share", d(31), "p3")]
    ws = workspace(follows, shares, posts)
    rates = sm.pass_on_rates(ws).set_index("id")
    assert rates.attrs["basis"] == "posts"
    assert rates.loc["a", ["trials", "answered"]].tolist() == [4, 3]  # the share without post: p4
    assert rates.loc["c", ["trials", "answered"]].tolist() == [3, 1]  # followed after p1
    assert rates.loc["b", ["trials", "answered"]].tolist() == [4, 0]
    out = sm.simulate(ws, runs=300, seed=1, scenario="real")
    real = out["scenarios"]["real"]
    assert real["followers"] == 3
    # z follows a: reached exactly when a passes it on
    assert 3 <= real["reach"]["low"] <= real["reach"]["high"] <= 4
    assert real["reach"]["expected"] == pytest.approx(3 + rates.loc["a", "rate"], abs=0.1)
    json.dumps(out)


def test_owner_without_followers_reaches_no_one():
    ws = workspace(follows=[("x", "y", None)])
    out = sm.simulate(ws, runs=50, scenario="all")
    real = out["scenarios"]["real"]
    assert real["reach"] == {"expected": 0.0, "low": 0, "high": 0}
    assert any("no followers" in n for n in real["notes"])
    assert real["responders"]["expected"] is None  # nothing says how often anyone answers
    assert set(out["scenarios"]) == {"real", "committed_vs_random", "growth"}


def test_unknown_followers_give_unknown_reach():
    ws = innercircle.open(":memory:")
    ws.import_batch(ImportBatch("generic", "t", tables={"accounts": pd.DataFrame({"id": ["me"]})},
                                owner="me", unknown={"followers"}))
    real = sm.simulate(ws, runs=20, scenario="real")["scenarios"]["real"]
    assert real["reach"]["expected"] is None


def test_bad_scenario_and_runs_are_usage_errors():
    ws = workspace(follows=[("a", "me", None)])
    with pytest.raises(innercircle.UsageError):
        sm.simulate(ws, scenario="viral")
    with pytest.raises(innercircle.UsageError):
        sm.simulate(ws, runs=0)


# -- the sample network and the command line ---------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("sim") / "w.duckdb"
    ws = innercircle.open(path)
    ws.import_batch(innercircle.sample.generate(followers=1500, seed=7))
    ws.close()
    return path


def test_simulate_cli_on_the_sample_network(sample_path):
    from innercircle.cli import main

    runner = CliRunner()
    args = ["simulate", "--workspace", str(sample_path), "--json", "--runs", "100", "--seed", "7"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    out = json.loads(first.stdout)
    assert set(out["scenarios"]) == {"real", "committed_vs_random", "growth"}
    real = out["scenarios"]["real"]
    assert real["followers"] == 1500
    assert real["reach"]["low"] <= real["reach"]["expected"] <= real["reach"]["high"]
    assert real["reach"]["low"] >= 1500  # every follower sees the post
    growth = out["scenarios"]["growth"]
    assert growth["organic"]["hollow_share"]["expected"] < growth["follow_back"]["hollow_share"]["expected"]
    cvr = out["scenarios"]["committed_vs_random"]
    per_committed = cvr["committed"]["responders"]["expected"] / 1000
    per_random = cvr["random"]["responders"]["expected"] / 1_000_000
    assert per_committed > 5 * per_random
    # the tiers' rates come from the data: the hollow tier does not answer like the working one
    rates = growth["rates"]
    assert rates["hollow"]["response_source"] == "workspace"
    assert rates["hollow"]["response"] < rates["working"]["response"] / 10
    assert growth["defaults_used"] == [] and cvr["defaults_used"] == []
    again = runner.invoke(main, args)
    assert again.stdout == first.stdout  # the same seed, the same answer
    text = runner.invoke(main, ["simulate", "--workspace", str(sample_path), "--runs", "100",
                                "--scenario", "growth"])
    assert text.exit_code == 0 and "follow-back" in text.output


def test_group_rates_keep_a_silent_tier_apart_and_mark_what_the_data_cannot_say():
    # 40 occasional followers answering 3 of 10 requests, 40 hollow ones answering none of 10
    profile = pd.DataFrame({
        "tier": ["occasional"] * 40 + ["hollow"] * 40, "audience": [100.0] * 40 + [np.nan] * 40,
        "response": 0.15, "response_trials": 10.0, "response_answered": [3.0] * 40 + [0.0] * 40,
        "pass_on": np.nan, "pass_on_trials": np.nan, "pass_on_answered": np.nan})
    defaults = {"occasional": (0.05, 0.02, 200), "hollow": (0.0, 0.0, 20)}
    rates = sm.group_rates(profile, {"occasional": ("occasional",), "hollow": ("hollow",)}, defaults)
    # pooled and shrunk: (120 + 20 x 0.15) / (400 + 20) and (0 + 20 x 0.15) / (400 + 20)
    assert rates["occasional"]["response"] == pytest.approx(123 / 420)
    assert rates["hollow"]["response"] == pytest.approx(3 / 420)
    assert rates["hollow"]["response"] < rates["occasional"]["response"] / 10
    assert rates["hollow"]["pass_on_source"] == "default" and rates["hollow"]["pass_on"] == 0.0
    assert sm.defaults_used(rates) == ["occasional.pass_on", "hollow.pass_on", "hollow.audience"]
