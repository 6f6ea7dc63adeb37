"""The connection advisor: the policy language, trust, recommendations, advise, nurture, prune, CLI."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import innercircle
from innercircle.advise import (advise, load_policy, nurture, parse_condition, parse_policy, preset_text, prune,
                                recommend, recommend_indices, recommend_many)
from innercircle.advise.facts import context
from innercircle.advise.policy import evaluate
from innercircle.advise.trust import (care_graph, personalized_pagerank, personalized_pagerank_reference,
                                      trusted_core)
from innercircle.errors import InputError
from innercircle.graph.network import Network
from innercircle.io.batch import ImportBatch

from .conftest import as_json

VALUES = "sustainable manufacturing, open source, circular supply chains"


# --------------------------------------------------------------------------------------------
# a network to check by hand (owner "me")
#
#   t1, t2   tagged trusted; mutual follows with me
#   good     follows me, I do not follow back; peer, tagged met; we message both ways; aligned bio
#   plain    follows me; nothing else known to recommend it
#   fan      follows me, 6 replies in the window, I never answered
#   quiet    follows me; active early in the year, silent in the last 90 days
#   inv      sent me an invitation
#   cand     followed by t1 and t2 (not tied to me): the recommendation
#   mass     I follow it; following 48,200 accounts, 3 posts: hollow
#   idle     I follow it; never engages, bio about cats

def _ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


def _batch() -> ImportBatch:
    acc = pd.DataFrame([
        ("me", "me_h", "Founder of sustainable manufacturing software, open source", 1200, 300, 900, "2015-01-01", ""),
        ("t1", "tina", "Founder, circular supply chains", 800, 500, 2000, "2014-01-01", "trusted;peer;met"),
        ("t2", "tom", "Open source maintainer", 700, 400, 1500, "2013-01-01", "trusted;supplier"),
        ("good", "gina", "CEO building sustainable manufacturing, open source supply chains", 900, 600, 1200,
         "2016-01-01", "peer;met"),
        ("plain", "paul", "Dad, runner, coffee", 100, 120, 300, "2018-01-01", ""),
        ("fan", "fred", "Student curious about manufacturing", 50, 80, 200, "2019-01-01", ""),
        ("quiet", "quinn", "Consultant for supply chains", 300, 280, 700, "2017-01-01", "customer"),
        ("inv", "ivy", "Founder of a logistics startup, sustainable supply chains", 400, 350, 500, "2018-06-01", ""),
        ("cand", "carla", "Manufacturing engineer, open source hardware", 600, 500, 800, "2015-06-01", ""),
        ("mass", "m4ss99", "", 3, 48200, 3, "2026-05-01", ""),
        ("idle", "ida", "Cat person", 200, 180, 400, "2016-01-01", ""),
    ], columns=["id", "handle", "bio", "followers_count", "following_count", "posts_count", "created_at", "tags"])
    acc["created_at"] = pd.to_datetime(acc["created_at"])
    follows = pd.DataFrame([
        ("t1", "me"), ("me", "t1"), ("t2", "me"), ("me", "t2"), ("good", "me"), ("plain", "me"), ("fan", "me"),
        ("quiet", "me"), ("t1", "cand"), ("t2", "cand"), ("cand", "t1"), ("me", "mass"), ("me", "idle"),
        ("t1", "t2"), ("t2", "t1"), ("good", "t1"), ("t1", "good"), ("t2", "good"),
    ], columns=["follower", "followee"])
    rows = [("good", "me", "message", "2026-05-01"), ("me", "good", "message", "2026-05-02"),
            ("good", "me", "reply", "2026-05-20"), ("inv", "me", "invitation", "2026-06-01"),
            ("t1", "me", "share", "2026-05-03"), ("me", "t1", "reply", "2026-05-04")]
    rows += [("fan", "me", "reply", f"2026-0{m}-1{d}") for m, d in ((3, 1), (4, 2), (5, 3), (5, 4), (6, 5), (6, 6))]
    rows += [("quiet", "me", "share", f"2025-{m:02d}-10") for m in (8, 9, 10, 11, 12)]
    rows += [("quiet", "me", "reply", "2026-01-15"), ("me", "quiet", "reply", "2026-01-16")]
    rows += [("cand", "t1", "reply", "2026-06-10"), ("cand", "t2", "share", "2026-06-11")]
    inter = pd.DataFrame(rows, columns=["actor", "target", "kind", "at"])
    inter["at"] = pd.to_datetime(inter["at"])
    return ImportBatch("generic", "hand", tables={"accounts": acc, "follows": follows, "interactions": inter},
                       owner="me")


def _workspace():
    w = innercircle.open(":memory:")
    w.import_batch(_batch())
    w.set_setting("values", VALUES)
    return w


@pytest.fixture(scope="module")
def ws():
    """Shared by the tests that only read it (the advisor writes nothing, which a test checks)."""
    w = _workspace()
    yield w
    w.close()


def _row(df, account_id):
    return df.set_index("id").loc[account_id]


# --------------------------------------------------------------------------------------------
# the policy language

@pytest.mark.parametrize("text, row, expected", [
    ("trust_score >= 0.8", {"trust_score": 0.9}, True),
    ("trust_score >= 0.8", {"trust_score": 0.5}, False),
    ("trust_score >= 0.8", {"trust_score": None}, None),
    ("'met' in tags", {"tags": frozenset({"met", "peer"})}, True),
    ("'met' not in tags", {"tags": frozenset({"met"})}, False),
    ("segment in ['customer', 'peer']", {"segment": "peer"}, True),
    ("not hollow", {"hollow": None}, None),
    ("a_flag or hollow", {"a_flag": True, "hollow": None}, True),       # true or unknown = true
    ("a_flag and hollow", {"a_flag": False, "hollow": None}, False),    # false and unknown = false
    ("a_flag and hollow", {"a_flag": True, "hollow": None}, None),
    ("not (x > 1 and y == 'b') or z", {"x": 2, "y": "b", "z": False}, False),
    ("x > 1 and y == 'b' or z", {"x": 0, "y": "b", "z": True}, True),   # and binds tighter than or
    ("care_balance < -0.5", {"care_balance": -0.9}, True),
    ("alignment_score >= 0.2", {"alignment_score": float("nan")}, None),  # NaN is unknown
], ids=["ge-true", "ge-false", "ge-unknown", "tag-in", "tag-not-in", "in-list", "not-unknown", "or-unknown",
        "and-false", "and-unknown", "parens", "precedence", "negative-number", "nan-unknown"])
def test_condition_values(text, row, expected):
    assert evaluate(parse_condition(text), row) is expected


@pytest.mark.parametrize("text", ["__import__('os').system('x')", "trust_score >=", "a and", "(a or b",
                                  "x == 1; y", "", "tags[0] == 'a'"],
                         ids=["call", "dangling-op", "dangling-and", "unclosed", "semicolon", "empty", "index"])
def test_conditions_that_are_not_the_language_are_refused(text):
    with pytest.raises(ValueError):
        parse_condition(text)


def test_a_policy_file_with_an_unknown_field_names_the_file_and_the_rule(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('name = "mine"\n[[rules]]\nname = "big"\ndescription = "big"\nwhen = "folowers_count > 9"\n'
                 'decides = "require"\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_policy(f)
    assert "mine.toml" in str(e.value) and "folowers_count" in str(e.value) and "rules[1].when" in str(e.value)


@pytest.mark.parametrize("body, words", [
    ("[[rules]]\nname='x'\ndescription='d'\nwhen='hollow'\ndecides='follow'\n", "decides"),
    ("[[rules]]\nname='x'\nwhen='hollow'\ndecides='decline'\n", "description"),
    ("name = 'x'\n", "at least one"),
    ("name = \n", "TOML"),
], ids=["bad-effect", "no-description", "no-rules", "bad-toml"])
def test_bad_policy_files_say_what_is_wrong(tmp_path, body, words):
    f = tmp_path / "p.toml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=words):
        load_policy(f)


@pytest.mark.parametrize("name", ["picky", "follow-back"])
def test_presets_print_as_toml_that_loads_back_to_the_same_rules(name):
    original = load_policy(name)
    again = parse_policy(tomllib.loads(original.to_toml()))
    assert [(r.name, r.when, r.decides) for r in again.rules] == [(r.name, r.when, r.decides) for r in original.rules]
    assert "[[rules]]" in preset_text(name)


PICKY_OK = {"conversation_both_ways": True, "tags": frozenset(), "trust_score": 0.9, "segment": "peer",
            "hollow": False, "alignment_score": 0.5}


@pytest.mark.parametrize("change, decision, rule", [
    ({}, "connect", "meet_for_a_drink"),
    ({"alignment_score": None}, "review", "shares_my_values"),        # unknown never connects
    ({"alignment_score": 0.05}, "review", "shares_my_values"),
    ({"hollow": True}, "decline", "hollow"),
    ({"hollow": None}, "review", "hollow"),
    ({"conversation_both_ways": False, "tags": frozenset({"met"})}, "connect", "meet_for_a_drink"),
    ({"segment": "fan"}, "review", "do_business_with"),
], ids=["all-hold", "values-unknown", "values-low", "hollow", "hollow-unknown", "met", "fan"])
def test_picky_decides_and_names_the_rule(change, decision, rule):
    d, reasons, by = load_policy("picky").decide({**PICKY_OK, **change})
    assert d == decision and rule in by
    assert all(r.split(":")[0] in ("yes", "no", "unknown") for r in reasons)


def test_follow_back_connects_every_follower_and_no_one_else():
    fb = load_policy("follow-back")
    assert fb.decide({"follows_me": True, "invited_me": False})[0] == "connect"
    assert fb.decide({"follows_me": False, "invited_me": False})[0] == "review"


# --------------------------------------------------------------------------------------------
# trust: personalised PageRank, batched, against the slow reference

@settings(max_examples=30, deadline=None)
@given(st.integers(2, 9).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.1, 3)), max_size=25),
    st.lists(st.integers(0, n - 1), min_size=1, max_size=3))))
def test_batched_personalised_pagerank_matches_the_reference(case):
    import scipy.sparse as sp

    n, edges, seeds = case
    edges = [(a, b, x) for a, b, x in edges if a != b]
    w = sp.coo_array(([x for *_, x in edges], ([a for a, *_ in edges], [b for _, b, _ in edges])), shape=(n, n)).tocsr()
    s = np.zeros((n, 2))
    s[seeds, 0] = 1.0
    s[seeds[0], 1] = 1.0
    fast = personalized_pagerank(w, s, damping=0.6, max_iter=400, tol=1e-9)
    for col, seed in ((0, {v: 1.0 for v in seeds}), (1, {seeds[0]: 1.0})):
        slow = personalized_pagerank_reference(edges, n, seed, damping=0.6, iterations=400)
        assert np.allclose(fast[:, col], slow, atol=1e-4)


def test_trusted_core_falls_back_from_tags_to_committed_to_mutual_follows_to_the_owner():
    net = Network.from_edges(["me", "a", "b", "me"], ["a", "me", "me", "c"], owner="me")
    ix = net.index_of(["a", "b", "c"])
    assert trusted_core(net, tagged=ix[[2]], committed=ix[[1]]).source == "tagged"
    assert trusted_core(net, committed=ix[[1]]).source == "committed"
    core = trusted_core(net)
    assert core.source == "mutual" and list(net.ids[core.members]) == ["a"]
    lonely = Network.from_edges(["b"], ["me"], owner="me")
    assert trusted_core(lonely).source == "owner"


def test_interactions_carry_trust_beyond_follows():
    """A core member who replies to x a lot trusts x more than y, whom it only follows."""
    net = Network.from_edges(["c", "c", "me", "c"], ["x", "y", "c", "me"], owner="me")
    ix = dict(zip(net.ids, range(net.n)))
    net.actor = np.array([ix["c"]] * 5, np.int64)
    net.target = np.array([ix["x"]] * 5, np.int64)
    net.kind = np.full(5, 1, np.int16)  # reply
    net.at = np.zeros(5, np.int64)
    net.weight = np.ones(5)
    seeds = np.zeros(net.n)
    seeds[ix["c"]] = 1
    r = personalized_pagerank(care_graph(net), seeds)
    assert r[ix["x"]] > 2 * r[ix["y"]]


# --------------------------------------------------------------------------------------------
# recommendations on a bare follow graph

def _two_triangles() -> Network:
    # me - a - b mutual ties; b - z, a - z: z is a friend of my friends; q hangs off z only
    pairs = [("me", "a"), ("me", "b"), ("a", "b"), ("a", "z"), ("b", "z"), ("z", "q"), ("q", "r")]
    src = [p[0] for p in pairs] + [p[1] for p in pairs]
    dst = [p[1] for p in pairs] + [p[0] for p in pairs]
    return Network.from_edges(src, dst, owner="me")


def test_recommend_picks_the_friend_of_friends_and_never_a_current_tie():
    net = _two_triangles()
    picks = recommend_indices(net, [net.owner], k=3)
    got = list(net.ids[picks.account])
    assert got[0] == "z" and "a" not in got and "b" not in got and "me" not in got
    assert picks.core_links[0] == 2  # both of my mutual follows are tied to z


def test_many_owners_in_one_batch_answer_as_each_owner_alone():
    net = _two_triangles()
    owners = net.index_of(["me", "q", "a"])
    together = recommend_indices(net, owners, k=2, batch=2)
    for pos, o in enumerate(owners):
        alone = recommend_indices(net, [o], k=2)
        assert list(together.account[together.owner == pos]) == list(alone.account)
        assert np.allclose(together.score[together.owner == pos], alone.score, atol=1e-5)


# --------------------------------------------------------------------------------------------
# the workspace commands on the hand network

def test_trusted_core_of_the_hand_network_is_the_tagged_accounts(ws):
    ctx = context(ws, hollow=False)
    assert ctx.core.source == "tagged" and sorted(ctx.core_ids()) == ["t1", "t2"]


def test_recommend_finds_the_account_the_core_follows_with_reasons(ws):
    rec = recommend(ws, k=3, hollow=False)
    top = rec.iloc[0]
    assert top["account"] == "cand"
    assert "followed by 2 of your trusted contacts" in top["reasons"]
    assert "shares your values" in top["reasons"] and top["alignment_score"] >= 0.1
    tied = {"t1", "t2", "good", "plain", "fan", "quiet", "mass", "idle", "me"}
    assert not tied & set(rec["account"])


def test_advise_lists_followers_not_followed_back_invitations_and_recommendations(ws):
    a = advise(ws, policy="follow-back", hollow=False)
    rel = dict(zip(a.table["id"], a.table["relation"]))
    assert rel["inv"] == "invitation" and rel["good"] == "follower" and rel["cand"] == "recommended"
    assert "t1" not in rel  # already followed back
    dec = dict(zip(a.table["id"], a.table["decision"]))
    assert dec["good"] == dec["plain"] == dec["inv"] == "connect" and dec["cand"] == "review"


def test_picky_connects_only_who_holds_every_rule_with_reasons(ws):
    a = advise(ws, policy="picky", hollow=True)
    good = _row(a.table, "good")
    assert good["decision"] == "connect", good["reasons"]
    assert "would meet for a drink" in good["reasons"] and "shares your values" in good["reasons"]
    plain = _row(a.table, "plain")
    assert plain["decision"] == "review" and "no: would meet for a drink" in plain["reasons"]
    s = a.summary
    assert s["follow-back"]["connect"] == 4 and s["picky"]["connect"] < s["follow-back"]["connect"]
    assert s["follow-back"]["connections"] == s["now"]["connections"] + 4


def test_with_no_values_stated_picky_reviews_instead_of_connecting():
    ws = _workspace()
    ws.set_setting("values", None)
    a = advise(ws, policy="picky", hollow=True)
    ws.close()
    assert (a.table["decision"] != "connect").all()
    assert a.unknown_rules["shares_my_values"] == len(a.table)


def test_nurture_finds_the_follower_going_quiet_and_the_one_never_answered(ws):
    n = nurture(ws, hollow=False)
    kinds = dict(zip(n["id"], n["nurture"]))
    assert kinds.get("quiet") == "going_quiet" and kinds.get("fan") == "care_imbalance"
    assert "good" not in kinds and "t1" not in kinds
    fan = _row(n, "fan")
    assert "you answered none" in fan["reasons"]


def test_prune_lists_the_hollow_and_the_idle_followee_never_the_trusted(ws):
    p = prune(ws, hollow=True)
    kinds = dict(zip(p["id"], p["prune"]))
    assert kinds == {"mass": "hollow", "idle": "never_engages"}
    assert "not aligned" in _row(p, "idle")["reasons"]


def test_the_advisor_changes_nothing_in_the_workspace(ws):
    before = ws.counts()
    advise(ws, hollow=False), nurture(ws, hollow=False), prune(ws, hollow=False), recommend(ws, hollow=False)
    assert ws.counts() == before


def test_recommend_many_answers_each_owner_and_reports_the_missing(ws):
    rows, missing = recommend_many(ws, ["me", "nobody", "good"], k=2)
    assert missing == ["nobody"]
    assert list(rows.columns) == ["me", "rank", "account", "score", "reasons"]
    assert set(rows["me"]) <= {"me", "good"} and (rows.groupby("me")["rank"].max() <= 2).all()
    assert not (rows["me"] == rows["account"]).any()


# --------------------------------------------------------------------------------------------
# the CLI

@pytest.fixture
def workspace(tmp_path):
    path = tmp_path / "w.duckdb"
    with innercircle.open(path) as w:
        w.import_batch(_batch())
        w.set_setting("values", VALUES)
    return path


def test_cli_policy_show_prints_the_preset_to_copy(cli):
    code, out, _ = cli("policy", "show", "picky")
    assert code == 0 and tomllib.loads(out)["name"] == "picky"


def test_cli_advise_json_is_one_object_with_decisions_and_the_comparison(cli, workspace):
    code, out, _ = cli("advise", "--workspace", workspace, "--policy", "follow-back", "--json")
    assert code == 0
    obj = as_json(out)
    assert obj["policy"] == "follow-back" and obj["counts"]["connect"] >= 4
    assert {"picky", "follow-back", "now"} <= set(obj["comparison"])
    assert all(c["decision"] in ("connect", "decline", "review") for c in obj["candidates"])


def test_cli_recommend_me_file_writes_the_rows(cli, workspace, tmp_path):
    owners = tmp_path / "owners.txt"
    owners.write_text("me\ngood\n", encoding="utf-8")
    code, _, _ = cli("recommend", "--workspace", workspace, "--me-file", owners, "--k", "3",
                     "--csv", tmp_path / "r.csv")
    assert code == 0
    df = pd.read_csv(tmp_path / "r.csv", dtype=str)
    assert list(df.columns) == ["me", "rank", "account", "score", "reasons"] and set(df["me"]) == {"me", "good"}


def test_cli_bad_policy_file_exits_2_with_one_line(cli, workspace, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rules]]\nname='x'\ndescription='d'\nwhen='trust_score >>'\ndecides='require'\n", encoding="utf-8")
    code, _, err = cli("advise", "--workspace", workspace, "--policy", bad)
    assert code == 2 and "bad.toml" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["nurture", "prune", "recommend"])
def test_cli_lists_say_they_are_advice_only(cli, workspace, command):
    code, out, _ = cli(command, "--workspace", workspace)
    assert code == 0 and "never follows, unfollows, blocks or messages" in out
