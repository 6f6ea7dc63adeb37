"""The audit on a network small enough to check by hand, and its command-line contract."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

import innercircle
from innercircle.audit import FOLLOWER_COLUMNS, audit, follower_table
from innercircle.imports import import_source
from innercircle.metrics.engagement import concentration

from .conftest import as_json, write_files

CONTRACT_KEYS = {"me", "followers", "following", "mutual", "accounts", "follows", "interactions", "working",
                 "committed", "occasional", "attentive", "silent", "hollow", "working_share", "by_kind",
                 "concentration", "care_correlation", "as_of", "window_days", "hollow_share", "hollow_by_kind",
                 "hollow_unknown", "non_follower_working"}


@pytest.fixture
def ws(tiny):
    w = innercircle.open(":memory:")
    import_source(w, tiny, me="me")
    return w


def test_tiers_by_hand(ws):
    t = follower_table(ws, hollow=False).set_index("id")
    assert t["tier"].to_dict() == {"a": "committed", "b": "occasional", "c": "attentive", "d": "silent",
                                   "e": "silent", "007": "silent", "m": "silent"}
    assert list(t.index[:3]) == ["a", "b", "c"]  # sorted by engagement_score
    assert t.loc["a", ["shares", "replies", "mentions", "responses", "active_days"]].tolist() == [1, 1, 1, 1, 4]


def test_summary_by_hand(ws):
    r = audit(ws, hollow=False)
    assert (r["followers"], r["following"], r["mutual"]) == (7, 2, 2)
    assert (r["working"], r["committed"], r["occasional"], r["attentive"], r["silent"]) == (2, 1, 1, 1, 4)
    assert r["working_share"] == pytest.approx(2 / 7, abs=1e-4)
    assert r["by_kind"]["share"] == 2 and r["by_kind"]["reply"] == 2 and r["by_kind"]["like"] == 1
    assert r["by_kind"]["visit"] == 0
    assert r["concentration"] == 1           # a alone makes 4 of the 5 active actions
    assert r["non_follower_working"] == 1    # x shares but does not follow
    assert r["as_of"] == "2025-05-20T00:00:00Z" and r["window_days"] == 365
    assert r["care_correlation"] > 0.8


def test_care_both_ways_and_score_decay(ws):
    t = follower_table(ws, hollow=False).set_index("id")
    assert t.loc["a", "care_given"] == 3.0      # a reply, a message, and following them
    assert t.loc["a", "care_received"] == 4.0
    assert t.loc["a", "care_balance"] == pytest.approx(1 / 7)
    assert t.loc["c", "care_balance"] == 1.0      # likes, gets nothing back
    assert math.isnan(t.loc["d", "care_balance"])  # no care either way: unknown, not 0
    as_of = datetime(2025, 5, 20)
    ages = [as_of - datetime(*d) for d in [(2025, 1, 10, 10), (2025, 2, 1, 10), (2025, 5, 20), (2025, 5, 2)]]
    expected = sum(0.5 ** (a.total_seconds() / 86400 / 90) for a in ages)
    assert t.loc["a", "engagement_score"] == pytest.approx(expected, rel=1e-9)
    assert t.loc["c", "engagement_score"] == pytest.approx(0.1 * 0.5 ** (79 / 90), rel=1e-9)


def test_window_and_thresholds_are_options(ws):
    short = audit(ws, hollow=False, window_days=100)   # b's reply of 2024-09-01 and a's early days fall out
    assert (short["committed"], short["occasional"], short["silent"]) == (0, 1, 5)
    strict = audit(ws, hollow=False, committed_days=5)
    assert strict["committed"] == 0 and strict["occasional"] == 2
    earlier = audit(ws, hollow=False, as_of="2025-02-01")
    assert earlier["as_of"].startswith("2025-02-01") and earlier["committed"] == 0


def test_future_timestamps_are_refused_and_later_ones_left_out_of_the_window(tmp_path):
    """A time more than a day after the import is an error naming file, row and field (issue 12)."""
    from innercircle.errors import InputError

    src = write_files(tmp_path / "f", {
        "follows.csv": "follower,followee\na,me\n",
        "interactions.csv": "actor,target,kind,at\na,me,share,2025-01-01\na,me,share,2999-01-01\n"})
    w = innercircle.open(":memory:")
    with pytest.raises(InputError, match=r"interactions.csv, row 3, field 'at'.*future"):
        import_source(w, src, me="me")
    assert w.counts()["interactions"] == 0 and w.owner is None  # nothing imported
    (src / "interactions.csv").write_text("actor,target,kind,at\na,me,share,2025-01-01\na,me,share,2025-03-01\n")
    import_source(w, src, me="me")
    r = audit(w, hollow=False, as_of="2025-02-01")  # the March share lies after the as-of
    assert r["as_of"].startswith("2025-02-01") and r["future_interactions_left_out"] == 1
    assert r["occasional"] == 1


def test_owner_without_followers_or_interactions(tmp_path):
    src = write_files(tmp_path / "lonely", {"follows.csv": "follower,followee\nme,a\n"})
    w = innercircle.open(":memory:")
    import_source(w, src, me="me")
    r = audit(w, hollow=False)
    assert r["followers"] == 0 and r["working"] == 0 and r["working_share"] is None
    assert r["concentration"] == 0 and r["care_correlation"] is None


def test_unknown_follow_lists_are_null_not_zero(tmp_path):
    src = write_files(tmp_path / "acc", {"accounts.csv": "id,handle\nme,me_h\n"})
    w = innercircle.open(":memory:")
    import_source(w, src, me="me")
    r = audit(w, hollow=False)
    assert r["followers"] is None and r["following"] is None and r["working"] is None


def test_kinds_a_source_cannot_tell_are_unknown(tiny):
    batch = innercircle.io.detect.read_source(tiny)
    batch.unknown |= {"likes_received"}
    w = innercircle.open(":memory:")
    w.import_batch(batch, me="me")
    t = follower_table(w, hollow=False).set_index("id")
    assert t.loc["c", "likes"] == 1                        # known likes still count
    assert t.isna().loc["d", "likes"]                      # nobody can say d never liked anything
    assert t.loc["d", "tier"] == "unknown"
    assert audit(w, hollow=False)["silent"] == 0


def test_concentration_reference():
    assert concentration([10, 0, 0]) == 1
    assert concentration([5, 3, 2]) == 2
    assert concentration([1, 1, 1, 1, 1]) == 4
    assert concentration([]) == 0


def test_alignment_is_unknown_without_text_or_values(ws):
    t = follower_table(ws, hollow=False, values="open source tools").set_index("id")
    assert t.loc["a", "alignment_score"] > 0.1     # "Journalist covering open source"
    assert t.loc["c", "alignment_score"] == 0      # text, but nothing in common
    assert math.isnan(t.loc["d", "alignment_score"])  # no text at all: unknown
    assert follower_table(ws, hollow=False)["alignment_score"].isna().all()


def test_segments_from_tags_first_then_suggested(ws):
    t = follower_table(ws, hollow=False).set_index("id")
    assert (t.loc["a", "segment"], t.loc["a", "segment_source"]) == ("customer", "tag")
    assert (t.loc["c", "segment"], t.loc["c", "segment_source"]) == ("supplier", "suggested")


# -- the command line ---------------------------------------------------------------------------

def test_audit_json_is_one_object_with_the_contract_keys(cli, tiny, tmp_path):
    w = tmp_path / "w.duckdb"
    assert cli("import", tiny, "--me", "me", "--workspace", w, "--quiet")[0] == 0
    code, out, err = cli("audit", "--json", "--quiet", "--workspace", w)
    assert code == 0 and err == ""
    r = as_json(out)
    assert CONTRACT_KEYS <= set(r)
    assert r["me"] == "me" and r["followers"] == 7 and r["working"] == 2
    # the mass follower is hollow whatever it did; too little is known about d, e and 007 to say
    assert (r["hollow"], r["hollow_by_kind"], r["silent"]) == (1, {"mass_follower": 1}, 3)
    assert r["hollow_unknown"] == 3


def test_readable_audit_leads_with_the_headline(cli, tiny, tmp_path):
    w = tmp_path / "w.duckdb"
    cli("import", tiny, "--me", "me", "--workspace", w, "--quiet")
    code, out, _ = cli("audit", "--workspace", w)
    assert code == 0
    assert out.splitlines()[0] == "followers 7 — working for you 2"


def test_audit_source_uses_a_temporary_workspace(cli, tiny, tmp_path):
    code, out, _ = cli("audit", tiny, "--me", "me", "--json", "--quiet")
    assert code == 0 and as_json(out)["followers"] == 7
    assert not (tmp_path / "innercircle.duckdb").exists()
    w = tmp_path / "kept.duckdb"
    code, out, _ = cli("audit", tiny, "--me", "me", "--json", "--workspace", w)
    assert code == 0 and w.exists()


def test_owner_with_most_followers_is_chosen_and_said(cli, tmp_path):
    src = write_files(tmp_path / "e", {"follows.csv": "follower,followee\na,hub\nb,hub\nc,a\n"})
    w = tmp_path / "w.duckdb"
    cli("import", src, "--workspace", w, "--quiet")
    code, out, _ = cli("audit", "--json", "--workspace", w)
    r = as_json(out)
    assert (r["me"], r["me_source"], r["followers"]) == ("hub", "most followers", 2)
    code, out, _ = cli("audit", "--workspace", w)
    assert "chosen as the account with the most followers" in out


def test_empty_workspace_shows_the_sample(cli, tmp_path):
    code, out, err = cli("audit", "--json")
    r = as_json(out)
    assert code == 0 and r["followers"] >= 3000 and 0 < r["working"] < r["followers"] / 2
    assert "sample network" in err
    assert cli("audit", "--json", "--quiet")[2] == ""


def test_followers_csv_columns_and_filters(cli, tiny, tmp_path):
    import pandas as pd

    w = tmp_path / "w.duckdb"
    cli("import", tiny, "--me", "me", "--workspace", w, "--quiet")
    code, _, _ = cli("followers", "--csv", tmp_path / "f.csv", "--workspace", w, "--quiet")
    df = pd.read_csv(tmp_path / "f.csv", dtype={"id": str})
    assert code == 0 and list(df.columns[:len(FOLLOWER_COLUMNS)]) == FOLLOWER_COLUMNS
    assert df["id"].tolist()[0] == "a" and "007" in set(df["id"])
    code, out, _ = cli("followers", "--tier", "silent", "--json", "--workspace", w)
    assert sorted(r["id"] for r in as_json(out)["followers"]) == ["007", "d", "e"]
    code, out, _ = cli("followers", "--segment", "customer", "--json", "--workspace", w)
    assert [r["id"] for r in as_json(out)["followers"]] == ["a"]


def test_tag_from_a_list_matches_handles_urls_and_emails(cli, tiny, tmp_path):
    w = tmp_path / "w.duckdb"
    cli("import", tiny, "--me", "me", "--workspace", w, "--quiet")
    lst = tmp_path / "customers.txt"
    lst.write_text("@bob\nhttps://www.alice.example.com/\nnobody@example.com\n")
    code, out, _ = cli("tag", lst, "--as", "prospect", "--json", "--workspace", w)
    r = as_json(out)
    assert code == 0 and r["matched"] == 2 and r["unmatched"] == ["nobody@example.com"]
    code, out, _ = cli("followers", "--segment", "prospect", "--json", "--workspace", w)
    assert [x["id"] for x in as_json(out)["followers"]] == ["b"]  # a keeps its first tag, customer


def test_changes_lists_new_lost_and_tier_moves(cli, tmp_path):
    w = tmp_path / "w.duckdb"
    v1 = write_files(tmp_path / "jan" / "net", {
        "follows.csv": "follower,followee\na,me\nb,me\n",
        "interactions.csv": "actor,target,kind,at\na,me,share,2025-01-01\na,me,share,2025-01-02\na,me,share,2025-01-03\n"})
    v2 = write_files(tmp_path / "mar" / "net", {
        "follows.csv": "follower,followee\na,me\nc,me\n",
        "interactions.csv": "actor,target,kind,at\nc,me,reply,2025-09-01\n"})
    cli("import", v1, "--me", "me", "--workspace", w, "--quiet")
    cli("import", v2, "--workspace", w, "--quiet")
    code, out, _ = cli("changes", "--json", "--workspace", w)
    r = as_json(out)
    assert code == 0 and r["new_followers"] == ["c"] and r["lost_followers"] == ["b"]
    assert r["tier_moves"] == [{"id": "a", "from": "committed", "to": "silent"}]


def test_python_m_and_light_import():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "innercircle", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "Example" not in out.stderr and "audit" in out.stdout
    probe = ("import sys, innercircle; heavy = {'pandas', 'sklearn', 'starlette', 'scipy', 'igraph'} & "
             "set(sys.modules); print(sorted(heavy))")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "[]"


def test_public_api_is_small_and_sorted():
    assert innercircle.__all__ == sorted(innercircle.__all__)
    assert {"open", "Workspace", "ImportBatch", "InputError"} <= set(innercircle.__all__)


def test_every_command_has_an_example():
    from innercircle.cli import main

    missing = [name for name, cmd in main.commands.items()
               if "Example" not in (cmd.help or "") and not hasattr(cmd, "commands")]
    assert missing == []
