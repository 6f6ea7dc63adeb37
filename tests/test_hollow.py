"""Hollow followers: scoring contract, bad input, rule sets, the shipped model, network signals."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import innercircle
from innercircle.errors import UsageError
from innercircle.io.batch import ImportBatch
from innercircle.hollow import (HOLLOW_KINDS, METHODS, RULE_SETS, follower_bursts,
                                        hollow_followers, score_accounts)
from innercircle.hollow.classifier import MODEL_FILE, TreeModel, load_model
from innercircle.hollow.features import FEATURES

from .conftest import shared

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
OBS = "2026-01-31"


def accounts(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame({"id": [f"a{i}" for i in range(n)], **cols})


def one(**fields) -> pd.Series:
    """Score one account given as keyword fields (model method)."""
    method = fields.pop("method", "model")
    df = pd.DataFrame({"id": ["x"], **{k: [v] for k, v in fields.items()}})
    return score_accounts(df, method=method, as_of=OBS).iloc[0]


# --- the contract ----------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS, ids=METHODS)
def test_every_method_returns_one_row_per_account_in_order(method):
    df = accounts(followers_count=[3, 500, None], following_count=[48200, 300, None],
                  posts_count=[3, 2000, None], bio=["", "Founder", None])
    out = score_accounts(df, method=method, as_of=OBS)
    assert out["id"].tolist() == ["a0", "a1", "a2"]
    assert list(out.columns[:5]) == ["id", "hollow_risk", "hollow", "hollow_kind", "reasons"]
    assert set(out["hollow"]) <= {"true", "false", "unknown"}
    assert set(out["hollow_kind"]) <= set(HOLLOW_KINDS) | {""}
    assert out.loc[0, "hollow"] == "true"          # follows 48,200 with 3 followers: every method
    assert out.loc[2, "hollow"] == "unknown" and math.isnan(out.loc[2, "hollow_risk"])
    flagged = out[out["hollow"] == "true"]
    assert (flagged["reasons"].str.len() > 0).all(), "never hollow without reasons"
    assert (out.loc[out["hollow"] != "true", "hollow_kind"] == "").all()


def test_mass_follower_reason_reads_like_a_person_wrote_it():
    r = one(followers_count=3, following_count=48200, posts_count=3)
    assert (r["hollow"], r["hollow_kind"]) == ("true", "mass_follower")
    assert r["reasons"] == "follows 48,200 accounts; 3 followers; 3 posts"


def test_threshold_decides_the_flag():
    df = accounts(followers_count=[10], following_count=[350], posts_count=[2], bio=[""],
                  created_at=["2025-12-20"], observed_at=[OBS])
    risk = score_accounts(df)["hollow_risk"].iloc[0]
    assert score_accounts(df, threshold=min(risk + 0.01, 1.0))["hollow"].iloc[0] == "false"
    assert score_accounts(df, threshold=risk)["hollow"].iloc[0] == "true"


def test_unknown_method_is_a_usage_error():
    with pytest.raises(UsageError, match="camisani"):
        score_accounts(accounts(followers_count=[1]), method="nope")


def test_a_human_looking_profile_is_not_hollow():
    r = one(handle="janedoe", name="Jane Doe", bio="Founder at Acme, runner",
            url="https://acme.example", has_avatar=True, followers_count=812,
            following_count=430, posts_count=3100, created_at="2014-05-01", observed_at=OBS)
    assert r["hollow"] == "false" and r["hollow_risk"] < 0.2


def test_a_bought_looking_profile_is_fake_with_its_facts_in_the_reasons():
    r = one(handle="user83920174", name="Kathie Davis", bio="", has_avatar=True,
            followers_count=4, following_count=380, posts_count=2, created_at="2025-12-20",
            observed_at=OBS)
    assert (r["hollow"], r["hollow_kind"]) == ("true", "fake")
    assert r["reasons"].startswith("profile classifier")
    assert "follows 380 accounts" in r["reasons"] or "4 followers" in r["reasons"]


# --- bad and partial input --------------------------------------------------------------------

def test_bad_values_are_ignored_and_named_never_crash():
    df = pd.DataFrame({
        "id": ["neg", "text", "absurd", "future", "baddate"],
        "followers_count": ["-5", "lots", "10", "10", "10"],
        "following_count": ["30", "30", "20000000", "300", "300"],
        "posts_count": ["12", "12", "5", "5", "5"],
        "created_at": ["2020-01-01", "2020-01-01", "2020-01-01", "2099-01-01", "31/31/2020"],
        "observed_at": OBS,
    })
    out = score_accounts(df).set_index("id")["reasons"]
    assert "followers count negative (-5), ignored" in out["neg"]
    assert "followers count unreadable ('lots'), ignored" in out["text"]
    assert "following count implausibly large (20,000,000), ignored" in out["absurd"]
    assert "created_at lies in the future, ignored" in out["future"]
    assert "created_at unreadable ('31/31/2020'), ignored" in out["baddate"]


def test_too_little_known_is_unknown_with_the_reason():
    r = one(posts_count=12)
    assert r["hollow"] == "unknown" and math.isnan(r["hollow_risk"])
    assert r["reasons"].startswith("too little known: followers count, following count")


def test_partly_known_profile_is_scored_with_lower_confidence():
    full = one(handle="janedoe", name="Jane Doe", bio="Founder", url="https://a.example",
               has_avatar=True, followers_count=812, following_count=430, posts_count=3100,
               created_at="2014-05-01", observed_at=OBS)
    insta = one(followers_count=812, following_count=430, posts_count=3100, has_avatar=True)
    assert insta["hollow"] == "false"
    assert insta["hollow_confidence"] < full["hollow_confidence"]


def test_age_is_measured_at_each_rows_observed_at():
    df = pd.DataFrame({"id": ["then", "now"], "followers_count": [3, 3],
                       "following_count": [300, 300], "posts_count": [0, 0],
                       "created_at": ["2020-01-01", "2020-01-01"],
                       "observed_at": ["2020-01-20", "2026-01-01"]})
    out = score_accounts(df).set_index("id")
    assert out.loc["now", "hollow_kind"] == "inactive"
    assert "never posted in 6.0 years" in out.loc["now", "reasons"]
    assert out.loc["then", "hollow_kind"] != "inactive"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6), st.text(max_size=12)),
                min_size=1, max_size=6))
def test_any_strings_score_without_crashing(rows):
    df = pd.DataFrame({"id": [f"r{i}" for i in range(len(rows))],
                       "followers_count": [r[0] for r in rows],
                       "following_count": [r[1] for r in rows],
                       "created_at": [r[2] for r in rows]})
    out = score_accounts(df, as_of=OBS)
    assert len(out) == len(rows)
    assert out["hollow_risk"].dropna().between(0, 1).all()


# --- transparent rule sets ---------------------------------------------------------------------

@pytest.mark.parametrize("following,flag", [(1500, "false"), (1501, "true")], ids=["at", "above"])
def test_hypeauditor_cut_off_is_more_than_1500(following, flag):
    assert one(following_count=following, method="hypeauditor")["hollow"] == flag


@pytest.mark.parametrize("fields,flag", [
    (dict(followers_count=10, following_count=99), "false"),
    (dict(followers_count=10, following_count=100), "true"),   # 10:1
    (dict(followers_count=2000, following_count=2100), "true"),  # follow-back pattern
], ids=["9.9-to-1", "10-to-1", "follow-back"])
def test_ratio_rules(fields, flag):
    assert one(method="ratio", **fields)["hollow"] == flag


def test_socialbakers_flags_an_account_that_never_posted():
    r = one(method="socialbakers", followers_count=40, following_count=90, posts_count=0)
    assert r["hollow"] == "true" and "never posted" in r["reasons"]


def test_stateofsearch_flags_bot_in_bio():
    r = one(method="stateofsearch", followers_count=400, following_count=90, bio="I am a bot",
            has_avatar=True)
    assert r["hollow"] == "true" and "'bot' in bio" in r["reasons"]
    assert one(method="stateofsearch", followers_count=400, following_count=90,
               bio="robotics fan", has_avatar=True)["hollow"] == "false"


def test_camisani_counts_failed_profile_rules():
    human = one(method="camisani", name="Jane", bio="hi", location="Rome", url="u", has_avatar=True,
                followers_count=100, following_count=100, posts_count=500)
    bot = one(method="camisani", name="", bio="", location="", url="", has_avatar=False,
              followers_count=2, following_count=100, posts_count=1)
    assert (human["hollow_risk"], bot["hollow_risk"]) == (0.0, 1.0)
    assert "no profile picture" in bot["reasons"]


def test_cli_method_choices_match_the_library():
    from innercircle.cli.hollow import METHODS as CLI_METHODS

    assert tuple(CLI_METHODS) == METHODS and set(RULE_SETS) == set(METHODS[1:])


# --- the shipped model --------------------------------------------------------------------------

def _predict_python(spec: dict, x: list[float]) -> float:
    """Slow reference: walk each tree node by node, then the Platt calibration."""
    t, total = spec["trees"], spec["baseline"]
    for node in t["roots"]:
        while not t["leaf"][node]:
            v = x[t["feature"][node]]
            left = t["missing_left"][node] if math.isnan(v) else v <= t["threshold"][node]
            node = t["left"][node] if left else t["right"][node]
        total += t["value"][node]
    cal = spec.get("calibration", {"slope": 1.0, "intercept": 0.0})
    return 1 / (1 + math.exp(-(cal["slope"] * total + cal["intercept"])))


def test_vectorised_trees_match_a_node_by_node_walk():
    spec = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    rng = np.random.default_rng(3)
    X = rng.normal(3, 3, size=(60, len(FEATURES)))
    X[rng.random(X.shape) < 0.3] = np.nan
    fast = TreeModel(spec).predict_proba(X)
    slow = [_predict_python(spec, list(row)) for row in X]
    assert np.allclose(fast, slow, atol=1e-12)


def test_model_file_is_small_portable_json_with_our_features():
    assert MODEL_FILE.stat().st_size < 2_000_000
    model = load_model()
    assert model.features == FEATURES
    assert model.spec["format"] == "innercircle-hollow-trees/1"


def test_exported_trees_reproduce_scikit_learn():
    from innercircle.hollow import train as hollow_train
    from innercircle.hollow.classifier import export_hgb

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, len(FEATURES)))
    y = (X[:, 0] - X[:, 3] > 0).astype(int)
    X[rng.random(X.shape) < 0.2] = np.nan
    clf = hollow_train.fit(X, y, random_state=0, copies=1, max_iter=15, max_depth=3,
                          max_leaf_nodes=6)
    ours = TreeModel(export_hgb(clf, FEATURES)).predict_proba(X)
    assert np.allclose(ours, clf.predict_proba(X[:, clf.feature_columns_])[:, 1], atol=1e-6)


@pytest.mark.skipif(not (DATA / "cresci2015" / "users.csv").exists(),
                    reason="../shared/data/cresci2015 not present (research data, not shipped)")
def test_shipped_model_separates_bought_followers_from_humans_on_cresci2015():
    from sklearn.metrics import matthews_corrcoef

    from innercircle.hollow.train import load_cresci

    acc, y, _ = load_cresci(DATA / "cresci2015" / "users.csv")
    flag = (score_accounts(acc)["hollow"] == "true").to_numpy()
    assert matthews_corrcoef(y, flag) >= 0.9  # in-sample: a sanity check; see docs for CV


# --- the workspace: network signals ------------------------------------------------------------

def _tiny_workspace() -> innercircle.Workspace:
    t0 = pd.Timestamp("2026-01-01 10:00")
    acc = pd.DataFrame({
        "id": ["me", "farm", "friend", "lurker"],
        "followers_count": [500, 4200, 300, 40], "following_count": [300, 4000, 280, 90],
        "posts_count": [900, 800, 1500, 300], "created_at": pd.to_datetime(["2015-01-01"] * 4),
        "bio": ["owner", "follow back!", "engineer", "reader"], "has_avatar": [True] * 4,
        "observed_at": pd.Timestamp("2026-01-31"),
    })
    follows = pd.DataFrame({
        "follower": ["farm", "me", "friend", "lurker"], "followee": ["me", "farm", "me", "me"],
        "since": [t0 + pd.Timedelta(minutes=2), t0, t0, t0],
    })
    ws = innercircle.open(":memory:")
    ws.import_batch(ImportBatch("generic", "tiny", {"accounts": acc, "follows": follows},
                                owner="me"))
    return ws


def test_follow_back_within_minutes_marks_a_farm():
    h = hollow_followers(_tiny_workspace()).set_index("id")
    assert sorted(h.index) == ["farm", "friend", "lurker"]
    assert (h.loc["farm", "hollow"], h.loc["farm", "hollow_kind"]) == ("true", "follow_back_farm")
    assert "followed back within 2 minutes" in h.loc["farm", "reasons"]
    assert h.loc["friend", "hollow"] == "false"


def test_no_owner_is_a_usage_error():
    with pytest.raises(UsageError, match="--me"):
        hollow_followers(innercircle.open(":memory:"))


@pytest.fixture(scope="module")
def sample_ws():
    sample = pytest.importorskip("innercircle.sample")
    batch = sample.generate(followers=2000, seed=7)
    ws = innercircle.open(":memory:")
    ws.import_batch(batch)
    return ws, sample.ground_truth(batch)


def test_sample_network_hollow_accounts_are_flagged_and_customers_are_not(sample_ws):
    ws, truth = sample_ws
    h = hollow_followers(ws).merge(truth[["id", "kind"]].astype({"id": str}), on="id")
    flagged = h.assign(f=h["hollow"] == "true").groupby("kind")["f"].mean()
    for kind in ("farm", "mass", "bought"):
        assert flagged[kind] >= 0.9, kind
    assert flagged["committed"] <= 0.05
    kinds = h[h["kind"] == "mass"]["hollow_kind"].value_counts()
    assert kinds.index[0] == "mass_follower"


def test_sample_network_burst_is_found_with_its_dates(sample_ws):
    ws, truth = sample_ws
    b = follower_bursts(ws)
    assert len(b) == 1
    bought = int((truth["kind"] == "bought").sum())
    assert abs(int(b.loc[0, "size"]) - bought) <= 0.1 * bought
    assert (b.loc[0, "created_to"] - b.loc[0, "created_from"]) <= pd.Timedelta(days=12)
    assert b.loc[0, "start"] >= b.loc[0, "created_from"]


# --- the command line --------------------------------------------------------------------------

def _csv(tmp_path: Path) -> Path:
    p = tmp_path / "accounts.csv"
    p.write_text("id,handle,followers_count,following_count,posts_count,created_at,observed_at\n"
                 "a1,user8392017,3,48200,3,2026-01-20,2026-01-29\n"
                 "a2,janedoe,512,300,2100,2014-05-01,2026-01-29\n"
                 "a3,xx,abc,,,not a date,2026-01-29\n", encoding="utf-8")
    return p


def test_cli_scores_an_accounts_csv_without_any_workspace(tmp_path, monkeypatch):
    from innercircle.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INNERCIRCLE_WORKSPACE", raising=False)
    src = _csv(tmp_path)
    res = CliRunner().invoke(main, ["hollow", str(src), "--csv", "out.csv"])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert out["id"].tolist() == ["a1", "a2", "a3"]
    assert out["hollow"].fillna("").tolist() == ["true", "false", ""]  # unknown is an empty cell
    assert out.loc[2, "hollow_risk"] == ""            # unknown is an empty cell
    assert not list(tmp_path.glob("*.duckdb"))


def test_cli_json_is_one_object_with_accounts_and_summary(tmp_path):
    from innercircle.cli import main

    res = CliRunner().invoke(main, ["hollow", str(_csv(tmp_path)), "--json", "--method", "ratio"])
    assert res.exit_code == 0
    obj = json.loads(res.stdout)
    assert [a["hollow"] for a in obj["accounts"]] == [True, False, None]
    assert obj["summary"]["hollow"] == 1 and obj["summary"]["unknown"] == 1


@pytest.mark.parametrize("args", [["--csv", "-", "--json"], ["--threshold", "2"]],
                         ids=["csv-and-json", "threshold"])
def test_cli_usage_errors_exit_2(tmp_path, args):
    from innercircle.cli import main

    res = CliRunner().invoke(main, ["hollow", str(_csv(tmp_path)), *args])
    assert res.exit_code == 2


def test_cli_on_a_workspace_source_imports_it_first(tmp_path):
    pytest.importorskip("innercircle.sample")
    from innercircle import sample
    from innercircle.cli import main

    folder = tmp_path / "net"
    sample.write(folder, followers=300, seed=2)
    res = CliRunner().invoke(main, ["hollow", str(folder), "--me", "founder", "--json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert len(obj["accounts"]) == 300 and obj["summary"]["hollow"] > 0
    assert isinstance(obj["summary"]["bursts"], list)


# --- platforms, calibration and the share of a set ----------------------------------------------

HUMAN = dict(handle="janedoe", name="Jane Doe", bio="Founder at Acme", url="https://a.example",
             has_avatar=True, followers_count=812, following_count=430, posts_count=3100,
             created_at="2014-05-01", observed_at=OBS)
BOUGHT = dict(handle="user83920174", name="Kathie Davis", bio="", url="", has_avatar=True,
              followers_count=4, following_count=380, posts_count=2, created_at="2025-12-20",
              observed_at=OBS)


def _mix(humans: int, fakes: int) -> pd.DataFrame:
    rows = [HUMAN] * humans + [BOUGHT] * fakes
    return pd.DataFrame({"id": [f"r{i}" for i in range(len(rows))],
                         **{k: [r[k] for r in rows] for k in HUMAN}})


def test_the_package_api_is_small_sorted_and_aliased_by_metrics_hollow():
    import innercircle.hollow as hollow
    import innercircle.metrics.hollow as alias

    assert hollow.__all__ == sorted(hollow.__all__)
    assert "expected_share" in hollow.__all__
    assert alias.score_accounts is hollow.score_accounts
    assert alias.hollow_followers is hollow.hollow_followers


def test_a_missing_bio_column_is_unknown_never_an_empty_bio():
    from innercircle.hollow.features import clean_accounts, profile_features

    def bio_len(**cols):
        return profile_features(clean_accounts(accounts(**cols))[0])["bio_len"].tolist()

    assert all(map(math.isnan, bio_len(followers_count=[90, 80])))             # no bio column
    assert all(map(math.isnan, bio_len(followers_count=[90, 80], bio=["", None])))  # none filled
    assert bio_len(followers_count=[90, 80], bio=["", "Founder"]) == [0.0, 7.0]   # others filled
    r = one(followers_count=90, following_count=900, posts_count=0, has_avatar=True)
    assert "no bio" not in r["reasons"]


def test_risks_are_adjusted_to_the_share_of_the_set_but_the_flags_are_not():
    few = score_accounts(_mix(90, 10), as_of=OBS)
    many = score_accounts(_mix(50, 50), as_of=OBS)
    assert abs(few["hollow_risk"].mean() - 0.10) <= 0.07     # the acceptance margin
    assert abs(many["hollow_risk"].mean() - 0.50) <= 0.07
    assert many["hollow_risk"].iloc[0] > few["hollow_risk"].iloc[0]   # the same human
    assert few["hollow"].tolist() == ["false"] * 90 + ["true"] * 10
    assert many["hollow"].tolist() == ["false"] * 50 + ["true"] * 50


def test_the_default_threshold_is_the_models_on_the_scale_of_the_risks_shown():
    out = score_accounts(_mix(50, 50), as_of=OBS)
    t = out.attrs["threshold"]
    assert ((out["hollow_risk"] >= t) == (out["hollow"] == "true")).all()
    assert score_accounts(_mix(50, 50), as_of=OBS, threshold=0.3).attrs["threshold"] == 0.3
    assert 0.5 < load_model().flag_threshold < 1


def test_expected_share_has_an_interval_that_narrows_with_more_accounts():
    from innercircle.hollow import expected_share

    small = expected_share([0.95] * 3 + [0.02] * 17)
    big = expected_share([0.95] * 300 + [0.02] * 1700)
    for e in (small, big):
        assert e["hollow_expected_share_low"] <= e["hollow_expected_share"] <= e["hollow_expected_share_high"]
        assert abs(e["hollow_expected_share"] - 0.1625) < 0.01
    width = lambda e: e["hollow_expected_share_high"] - e["hollow_expected_share_low"]  # noqa: E731
    assert width(big) < width(small) / 3
    assert expected_share([float("nan")])["hollow_expected_share"] is None


def test_model_threshold_keeps_false_positives_at_5_percent_leaving_each_source_out():
    spec = load_model().spec
    loso = {k: spec["leave_one_source_out"][k] for k in ("cresci2015", "caverlee2011", "instafake")}
    assert np.mean([f["fpr"] for f in loso.values()]) <= spec["max_fpr"] == 0.05
    assert all(f["fpr"] <= 0.10 and f["unknown"] <= 0.10 for f in loso.values())


def test_instagram_follower_list_real_people_are_not_accused():
    from sklearn.metrics import matthews_corrcoef

    from innercircle.hollow.train import INSTAGRAM_COLUMNS, load_instafake

    acc, y, _ = load_instafake(shared("instafake"))
    out = score_accounts(acc[list(INSTAGRAM_COLUMNS)])
    flag = (out["hollow"] == "true").to_numpy()
    assert flag[y == 0].mean() <= 0.10                 # real people accused (in-sample: see docs)
    assert matthews_corrcoef(y, flag) >= 0.5
    assert (out["hollow"] == "unknown").mean() <= 0.10
    assert abs(out["hollow_risk"].mean() - y.mean()) <= 0.07


def test_cli_summary_states_the_threshold_in_force_and_the_expected_share(tmp_path):
    from innercircle.cli import main

    src = tmp_path / "a.csv"
    _mix(40, 10).to_csv(src, index=False)
    obj = json.loads(CliRunner().invoke(main, ["hollow", str(src), "--json"]).stdout)["summary"]
    assert obj["threshold"] != 0.5 and obj["hollow"] == 10
    assert obj["hollow_expected_share_low"] <= obj["hollow_expected_share"] <= obj["hollow_expected_share_high"]
    assert abs(obj["hollow_expected_share"] - 0.2) <= 0.05
    res = CliRunner().invoke(main, ["hollow", str(src), "--json", "--threshold", "0.5"])
    assert json.loads(res.stdout)["summary"]["threshold"] == 0.5
