"""Response forecast: Poisson-binomial totals, shrinkage, history from the workspace, back-test, what-if."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import innercircle
from innercircle.results import forecast as fc
from innercircle.errors import UsageError
from innercircle.io.batch import ImportBatch

from .conftest import shared

T0 = pd.Timestamp("2025-01-01")


def day(n: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(days=n)


def brute_force_pmf(p) -> np.ndarray:
    """P(total = k) by enumerating every outcome: the slow reference."""
    out = np.zeros(len(p) + 1)
    for outcome in itertools.product([0, 1], repeat=len(p)):
        out[sum(outcome)] += np.prod([pi if o else 1 - pi for pi, o in zip(p, outcome)])
    return out


def workspace(follows=(), interactions=(), posts=(), accounts=(), owner="me"):
    ws = innercircle.open(":memory:")
    tables = {"accounts": pd.DataFrame({"id": [owner, *accounts]})}
    if follows:
        tables["follows"] = pd.DataFrame(follows, columns=["follower", "followee", "since"])
    if interactions:
        tables["interactions"] = pd.DataFrame(interactions, columns=["actor", "target", "kind", "at", "post"])
    if posts:
        tables["posts"] = pd.DataFrame(posts, columns=["id", "author", "at"])
    ws.import_batch(ImportBatch("generic", "test", tables=tables, owner=owner))
    return ws


def request_network():
    """Owner 'me'; followers a (since day 0), b (day 0), c (day 25, after r1 and r2), d (no date).

    Requests r1 day 10, r2 day 20, r3 day 30, r4 day 40. Responses: a answers r1, r2, r3 (r3 with no
    post id: attributed to the latest request before it, r3); b answers r2; c answers r4;
    x, who does not follow, answers r4.
    """
    follows = [("a", "me", day(0)), ("b", "me", day(0)), ("c", "me", day(25)), ("d", "me", None)]
    inter = [("me", "me", "request", day(10), "r1"), ("me", "me", "request", day(20), "r2"),
             ("me", "me", "request", day(30), "r3"), ("me", "me", "request", day(40), "r4"),
             ("a", "me", "response", day(10.5), "r1"), ("a", "me", "response", day(21), "r2"),
             ("a", "me", "response", day(31), None), ("b", "me", "response", day(22), "r2"),
             ("c", "me", "response", day(41), "r4"), ("x", "me", "response", day(41), "r4")]
    return workspace(follows, inter)


# -- the distribution of the total ---------------------------------------------------------------------

def test_exact_poisson_binomial_on_three_followers_by_hand():
    p = [0.2, 0.5, 0.9]
    # P(0) = .8*.5*.1; P(3) = .2*.5*.9; the rest by enumeration
    assert np.allclose(fc.poisson_binomial_pmf(p), [0.04, 0.41, 0.46, 0.09])
    d = fc.sum_of_bernoullis(p)
    assert d.method == "exact"
    assert d.mean == pytest.approx(1.6)
    assert (d.low, d.high) == (1, 2)  # CDF: .04, .45, .91, 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.05, 0.3, 0.5, 0.77, 1.0]), min_size=1, max_size=8))
def test_grouped_exact_pmf_matches_enumeration(p):
    d = fc.sum_of_bernoullis(p)
    ref = brute_force_pmf(p)
    got = np.zeros(len(p) + 1)
    got[d.offset:d.offset + len(d.pmf)] = d.pmf
    assert np.allclose(got, ref, atol=1e-9)
    cdf = np.cumsum(ref)
    assert d.low == int(np.searchsorted(cdf, 0.1 - 1e-12))
    assert d.high == int(np.searchsorted(cdf, 0.9 - 1e-12))


def test_monte_carlo_agrees_with_exact_and_repeats_with_its_seed():
    rng = np.random.default_rng(3)
    p = rng.random(500) * 0.2
    exact = fc.sum_of_bernoullis(p, method="exact")
    mc = fc.sum_of_bernoullis(p, method="monte-carlo", runs=20_000, seed=11)
    assert mc.method == "monte-carlo"
    assert abs(mc.low - exact.low) <= 1 and abs(mc.high - exact.high) <= 1
    again = fc.sum_of_bernoullis(p, method="monte-carlo", runs=20_000, seed=11)
    assert (again.low, again.high) == (mc.low, mc.high)


def test_large_groups_stay_exact_and_fast():
    # a million followers in two rates: one binomial each, not a million convolutions
    d = fc.sum_of_bernoullis([0.02, 0.0005], [50_000, 950_000])
    assert d.method == "exact"
    assert d.mean == pytest.approx(1475.0)
    assert d.low < 1475 < d.high


def test_appeal_spread_widens_the_interval_but_keeps_the_mean():
    p = np.full(1000, 0.03)
    plain = fc.sum_of_bernoullis(p)
    wide = fc.sum_of_bernoullis(p, spread=0.5)
    assert wide.mean == pytest.approx(plain.mean, rel=1e-6)
    assert wide.high - wide.low > plain.high - plain.low
    assert fc.appeal_spread([10, 10, 10], [10, 10, 10], prior_trials=0) == 0.0  # no extra variance
    assert fc.appeal_spread([2, 30, 5, 40], [20, 20, 20, 20], prior_trials=0) > 0.5
    # little history: the assumed spread; a long steady history pulls it toward 0
    assert fc.appeal_spread([], []) == pytest.approx(fc.DEFAULT_APPEAL_SPREAD)
    # 30 requests that all came out as forecast (spread 0) against m0 pseudo-requests at the prior
    m0 = fc.APPEAL_PRIOR_TRIALS
    assert fc.appeal_spread([10] * 30, [10] * 30) == pytest.approx(fc.DEFAULT_APPEAL_SPREAD * (m0 / (30 + m0)) ** 0.5)


# -- shrinkage -----------------------------------------------------------------------------------------

def test_shrinkage_pulls_short_histories_harder_toward_the_mean():
    rng = np.random.default_rng(1)
    n = np.full(400, 10)
    k = rng.binomial(n, rng.beta(2, 18, size=400))
    k = np.concatenate([k, [0, 0, 1, 3]])
    n = np.concatenate([n, [1, 20, 1, 3]])
    rate, priors = fc.shrink(k, n)
    mean = priors["all"].mean
    assert 0.05 < mean < 0.15  # the population's true mean is 0.1
    zero_of_one, zero_of_twenty, one_of_one, three_of_three = rate[-4:]
    assert zero_of_twenty < zero_of_one < mean  # less history, closer to the mean
    assert mean < one_of_one < 1.0 and mean < three_of_three < 1.0
    assert one_of_one < three_of_three


def test_per_tier_priors_when_tiers_have_enough_history():
    k = np.array([5] * 40 + [0] * 40)
    n = np.array([10] * 80)
    tiers = np.array(["committed"] * 40 + ["silent"] * 40, dtype=object)
    rate, priors = fc.shrink(np.append(k, [0, 0]), np.append(n, [0, 0]),
                             np.append(tiers, ["committed", "silent"]))
    assert set(priors) == {"all", "committed", "silent"}
    # followers without history get their tier's mean, not everybody's
    assert rate[-2] == pytest.approx(priors["committed"].mean)
    assert rate[-1] == pytest.approx(priors["silent"].mean)
    assert rate[-2] > 0.4 > 0.05 > rate[-1]


def test_prior_without_history_is_none_and_few_followers_get_a_weak_prior():
    assert fc.fit_beta_prior([0, 0], [0, 0]) is None
    weak = fc.fit_beta_prior([1, 0], [2, 2])
    assert weak.how.startswith("weak")
    assert weak.mean == pytest.approx(1.5 / 5)


# -- history from a workspace --------------------------------------------------------------------------

def test_request_history_counts_requests_each_follower_could_see():
    ws = request_network()
    rates = fc.response_rates(ws).set_index("id")
    assert rates.attrs["basis"] == "requests"
    # c followed on day 25: it could see r3 and r4 only; d's date is unknown: all four
    assert rates.loc["a", ["trials", "answered"]].tolist() == [4, 3]
    assert rates.loc["b", ["trials", "answered"]].tolist() == [4, 1]
    assert rates.loc["c", ["trials", "answered"]].tolist() == [2, 1]
    assert rates.loc["d", ["trials", "answered"]].tolist() == [4, 0]
    assert "x" not in rates.index  # not a follower
    assert rates["rate"].between(0, 1).all()


def test_forecast_on_a_tiny_network():
    ws = request_network()
    out = fc.forecast(ws)
    assert {"expected_responders", "low", "high", "model"} <= set(out)
    assert out["basis"] == "requests" and out["requests"] == 4 and out["population"] == 4
    assert out["distribution"] == "exact" and "exact" in out["model"]
    # the non-follower's answer adds 1/4 per request, the followers the sum of their rates
    rates = fc.response_rates(ws)["rate"].sum()
    assert out["from_outside"] == pytest.approx(0.25)
    # (a little less: under a very appealing request a follower's chance is capped at 1)
    assert 0.9 * rates + 0.25 <= out["expected_responders"] <= rates + 0.25 + 0.01
    assert out["low"] <= out["expected_responders"] <= out["high"]
    json.dumps(out)  # plain Python values only


def test_engagement_proxy_without_requests():
    follows = [(f, "me", day(0)) for f in "abcdef"]
    inter = [(f, "me", kind, day(d), None) for f, kind, d in
             [("a", "share", 5), ("a", "reply", 40), ("a", "mention", 70), ("b", "message", 40),
              ("c", "like", 40)]]
    ws = workspace(follows, inter)
    out = fc.forecast(ws, as_of=day(90), window_days=90)
    assert out["basis"] == "engagement-proxy" and out["periods"] == 3
    rates = fc.response_rates(ws, as_of=day(90), window_days=90).set_index("id")
    assert rates.loc["a", "answered"] == 3 and rates.loc["b", "answered"] == 1
    assert rates.loc["c", "answered"] == 0  # a like is passive
    assert rates.loc["a", "rate"] > rates.loc["b", "rate"] > rates.loc["c", "rate"]


def test_nothing_to_go_on_is_unknown_not_zero():
    ws = workspace(follows=[("a", "me", day(0))], interactions=[("a", "me", "like", day(1), None)])
    out = fc.forecast(ws)
    assert out["expected_responders"] is None and out["low"] is None and out["high"] is None
    assert out["model"].startswith("none")
    lonely = workspace(accounts=["z"])
    assert fc.forecast(lonely)["expected_responders"] is None
    assert fc.backtest(lonely)["coverage"] is None


def test_no_owner_is_a_usage_error():
    ws = innercircle.open(":memory:")
    with pytest.raises(UsageError, match="no owner"):
        fc.forecast(ws)
    with pytest.raises(UsageError, match="no account"):
        fc.forecast(request_network(), "nobody")


def test_backtest_predicts_each_request_from_the_earlier_ones():
    ws = request_network()
    bt = fc.backtest(ws)
    assert bt["basis"] == "requests" and bt["trials"] == 4 and bt["tested"] == 3
    rows = pd.DataFrame(bt["rows"])
    assert rows["actual"].tolist() == [2, 1, 2]  # r2: a, b; r3: a; r4: c, x
    assert rows["population"].tolist() == [3, 4, 4]  # c follows from day 25, before r3
    assert bt["coverage"] == pytest.approx(rows["inside"].mean(), abs=1e-4)
    assert bt["mean_absolute_error"] == pytest.approx((rows["expected"] - rows["actual"]).abs().mean(), abs=1e-3)


# -- what-if -------------------------------------------------------------------------------------------

def test_what_if_arithmetic_of_size_versus_quality():
    big = fc.what_if(7000, 0.05)
    assert big["working_followers"] == 350 and big["other_followers"] == 6650
    assert big["expected_responders"] == pytest.approx(350 * 0.02 + 6650 * 0.0005, abs=0.01)
    small = fc.what_if(300, 0.05)
    assert small["expected_responders"] < 1 < big["expected_responders"]
    with pytest.raises(UsageError):
        fc.what_if(100, 1.5)


def test_working_rates_come_from_the_workspace_when_it_has_them():
    ws = request_network()
    rates = fc.working_rates(ws, tiers=None)  # without tiers: who answered at least once works
    assert rates["source"] == "workspace" and rates["working_means"].startswith("followers who answered")
    assert rates["working_rate"] > rates["other_rate"]
    by_tier = fc.working_rates(ws, tiers={"a": "committed", "b": "silent", "c": "silent", "d": "silent"})
    frame = fc.response_rates(ws, tiers=None).set_index("id")
    assert by_tier["working_rate"] == pytest.approx(frame.loc["a", "rate"])
    assert fc.working_rates(innercircle.open(":memory:"))["source"] == "defaults"


# -- command line ----------------------------------------------------------------------------------------

def test_cli_forecast_json_and_bad_options(tmp_path):
    from innercircle.cli import main

    path = tmp_path / "w.duckdb"
    ws = innercircle.open(path)
    ws.import_batch(ImportBatch("generic", "t", tables={
        "follows": pd.DataFrame({"follower": ["a", "b"], "followee": ["me", "me"]}),
        "interactions": pd.DataFrame({"actor": ["me", "a", "me", "b"], "target": ["me"] * 4,
                                      "kind": ["request", "response", "request", "response"],
                                      "at": [day(1), day(2), day(5), day(6)], "post": ["r1", "r1", "r2", "r2"]}),
    }, owner="me"))
    ws.close()
    runner = CliRunner()
    res = runner.invoke(main, ["forecast", "--workspace", str(path), "--json", "--backtest",
                               "--followers", "7000", "--working-share", "0.05"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {"expected_responders", "low", "high", "model", "backtest", "what_if"} <= set(out)
    assert out["what_if"]["followers"] == 7000
    res = runner.invoke(main, ["forecast", "--workspace", str(path), "--followers", "10"])
    assert res.exit_code == 2 and "working-share" in res.output
    res = runner.invoke(main, ["forecast", "--workspace", str(path)])
    assert res.exit_code == 0 and "Expected responders" in res.output


# -- the sample network ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_ws():
    ws = innercircle.open(":memory:")
    ws.import_batch(innercircle.sample.generate(followers=1500, seed=7))
    return ws


def test_sample_network_forecast_and_backtest(sample_ws):
    out = fc.forecast(sample_ws, tiers=None)
    assert out["basis"] == "requests" and out["requests"] == 12
    assert 0 < out["low"] <= out["expected_responders"] <= out["high"]
    bt = fc.backtest(sample_ws)
    assert bt["tested"] == 11
    assert 0 <= bt["coverage"] <= 1
    # the forecast is of the right size: its error is smaller than the typical answer count
    assert bt["mean_absolute_error"] < bt["mean_actual"]


def test_by_tier_summary_when_tiers_are_given():
    out = fc.forecast(request_network(), tiers={"a": "committed", "b": "occasional", "c": "silent", "d": "silent"})
    assert set(out["by_tier"]) == {"committed", "occasional", "silent"}
    assert out["by_tier"]["silent"]["followers"] == 2
    total = sum(t["expected_responders"] for t in out["by_tier"].values())
    # the tiers add up to the total (up to the cap at 1 of a follower's chance under high appeal)
    assert total + out["from_outside"] == pytest.approx(out["expected_responders"], rel=0.1)


def test_cli_what_if_runs_on_the_sample_without_a_workspace(tmp_path, monkeypatch):
    from innercircle.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INNERCIRCLE_WORKSPACE", raising=False)
    res = CliRunner().invoke(main, ["forecast", "--json", "--quiet", "--followers", "300", "--working-share", "0.05"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["expected_responders"] is not None
    assert out["what_if"]["followers"] == 300 and out["what_if"]["working_followers"] == 15
    wi = out["what_if"]  # the sample's own rates, applied to the what-if network
    assert wi["rates_source"] != "defaults"
    assert wi["expected_responders"] == pytest.approx(15 * wi["working_rate"] + 285 * wi["other_rate"], abs=0.01)


HIGGS = __import__("pathlib").Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "higgs"


@pytest.mark.skipif(not (HIGGS / "higgs-activity_time.txt.gz").exists(),
                    reason="../shared/data/higgs is absent (real-data test)")
def test_higgs_engagement_proxy_counts_real_daily_actors():
    act = pd.read_csv(HIGGS / "higgs-activity_time.txt.gz", sep=" ", header=None,
                      names=["actor", "target", "t", "k"], dtype={"actor": str, "target": str})
    owner = act["target"].value_counts().index[5]  # a busy (anonymised) account
    mine = act[(act["target"] == owner) & (act["actor"] != owner)].copy()
    mine["kind"] = mine["k"].map({"RT": "share", "MT": "mention", "RE": "reply"})
    mine["at"] = pd.to_datetime(mine["t"], unit="s")
    ws = innercircle.open(":memory:")
    ws.import_batch(ImportBatch("generic", "higgs", owner=owner,
                                tables={"interactions": mine[["actor", "target", "kind", "at"]]}))
    end = mine["at"].max() + pd.Timedelta(seconds=1)
    bt = fc.backtest(ws, as_of=end, window_days=7, period_days=1)
    assert bt["basis"] == "engagement-proxy" and bt["trials"] == 7 and bt["tested"] == 6
    # the truth per day is the number of distinct accounts acting toward the owner that day
    day = ((end - mine["at"]) / pd.Timedelta(days=1)).astype(int)
    truth = mine.groupby(6 - day)["actor"].nunique().reindex(range(7), fill_value=0)
    assert [r["actual"] for r in bt["rows"]] == truth.tolist()[1:]
    out = fc.forecast(ws, as_of=end, window_days=7, period_days=1)
    assert out["population"] == mine["actor"].nunique()
    assert out["low"] <= out["expected_responders"] <= out["high"]


# -- recency, the naive yardstick, real celebrity accounts ----------------------------------------------

def quiet_and_new_network():
    """Owner 'me', followers q and n, six requests: q answered the first three, n the last three."""
    follows = [("q", "me", None), ("n", "me", None)]
    inter = [("me", "me", "request", day(10 * i), f"r{i}") for i in range(6)]
    inter += [("q", "me", "response", day(10 * i + 1), f"r{i}") for i in range(3)]
    inter += [("n", "me", "response", day(10 * i + 1), f"r{i}") for i in range(3, 6)]
    return workspace(follows, inter)


def test_a_follower_who_went_quiet_fades_and_one_who_answers_lately_counts_more():
    ws = quiet_and_new_network()
    rates = fc.response_rates(ws, tiers=None).set_index("id")
    assert rates.loc["q", ["trials", "answered"]].tolist() == rates.loc["n", ["trials", "answered"]].tolist()
    assert rates.loc["n", "rate"] > rates.loc["q", "rate"]
    # the weights halve every half-life: n's three answers weigh 1 + 2^-1/4 + 2^-2/4
    assert rates.loc["n", "recent_answered"] == pytest.approx(1 + 0.5 ** 0.25 + 0.5 ** 0.5, abs=1e-3)
    flat = fc.response_rates(ws, tiers=None, half_life=None).set_index("id")
    assert flat.loc["n", "rate"] == pytest.approx(flat.loc["q", "rate"])


def test_weighted_counts_match_whole_counts_without_a_half_life():
    hist = fc.request_history(request_network(), "me")
    k, n = hist.counts()
    kw, nw = hist.counts(half_life=1e12)
    assert np.allclose(k, kw) and np.allclose(n, nw)
    kw, nw = hist.counts(half_life=1.0)  # c followed after r1, r2: it saw r3 (weight 1/2) and r4 (1)
    assert nw[list(hist.ids).index("c")] == pytest.approx(1.5)


def test_interval_score_and_the_naive_forecast_by_hand():
    assert fc.interval_score([2], [5], [4]).tolist() == [3.0]  # inside: the width
    assert fc.interval_score([2], [5], [7]).tolist() == [23.0]  # 2 above: width + 10 x 2
    # a Poisson count with mean 1: whole-number [0, 2] holds 92%; interpolated bounds sit inside 2
    from scipy.stats import poisson

    low, high = fc.interpolated_quantiles(poisson.pmf(np.arange(30), 1.0))
    assert low == 0.0 and 2 < high < 3
    naive = fc.naive_backtest([2, 4, 9])
    # trial 1 from [2]: mean 2, range [2, 2], truth 4; trial 2 from [2, 4]: mean 3, range [2.2, 3.8], truth 9
    assert naive["mean_absolute_error"] == pytest.approx((2 + 6) / 2)
    assert naive["coverage"] == 0.0
    assert naive["interval_score"] == pytest.approx((20 + 1.6 + 52) / 2)


def test_backtest_rows_one_per_request_from_the_second_with_the_naive_beside():
    bt = fc.backtest(quiet_and_new_network())
    assert [r["trial"] for r in bt["rows"]] == [1, 2, 3, 4, 5]
    assert [r["actual"] for r in bt["rows"]] == [1, 1, 1, 1, 1]
    assert all(r["low_count"] <= r["low"] <= r["expected"] <= r["high"] <= r["high_count"] for r in bt["rows"])
    assert set(bt["naive"]) == {"coverage", "mean_absolute_error", "interval_score"}
    assert bt["interval_score"] == pytest.approx(
        fc.interval_score(*zip(*[(r["low"], r["high"], r["actual"]) for r in bt["rows"]])).mean(), abs=1e-3)


def test_celebrity_accounts_back_test_beats_the_naive_forecast(tmp_path):
    """Real posts and retweets (Li et al. 2016) through the converter, the importer and the back-test."""
    import sys
    from pathlib import Path

    from innercircle.imports import import_source

    data = shared("celebs_retweeters", "tweets")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import celebs_generic

    model, naive, inside = [], [], []
    for folder in celebs_generic.convert(tmp_path, data, handles=["cavs", "iaeaorg", "serenawilliams"]):
        ws = innercircle.open(":memory:")
        import_source(ws, folder, me=celebs_generic.OWNER)
        bt = fc.backtest(ws)
        rows = pd.DataFrame(bt["rows"])
        assert rows["trial"].tolist() == list(range(1, bt["trials"]))
        model.append(bt["interval_score"] * len(rows))
        naive.append(bt["naive"]["interval_score"] * len(rows))
        inside += rows["inside"].tolist()
    assert sum(model) < sum(naive)
    assert 0.6 <= np.mean(inside) <= 0.95
