"""Network-wide ranking: the measures per account, the CSV contract, Spearman correlations."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from innercircle.graph.rank import MEASURES, rank_correlations, rank_table, spearman

from .test_graph_network import make_ws
from .test_graph_reach import run_cli

FOLLOWS = [("a", "me"), ("b", "me"), ("c", "me"), ("me", "a"), ("b", "a")]
INTERACTIONS = [
    ("a", "me", "share", "2025-01-01"), ("a", "me", "reply", "2025-01-02"),
    ("b", "me", "mention", "2025-01-03"), ("x", "me", "share", "2025-01-04"),
    ("me", "me", "share", "2025-01-05"),  # one's own share is not received
    ("c", "a", "like", "2025-01-06"),     # passive: not working
    ("me", "a", "request", "2025-01-07"),  # neither active nor counted
]


def tiny_ws(**kw):
    return make_ws(FOLLOWS, interactions=INTERACTIONS, **kw)


def row(df, account):
    return df.set_index("id").loc[account]


def test_rank_table_measures_by_hand():
    df = rank_table(tiny_ws())
    me, a = row(df, "me"), row(df, "a")
    # working followers: a and b (followers who acted); x shares but follows nobody, so is not counted
    assert (me.followers, me.working_followers, me.shares, me.mentions, me.replies) == (3, 2, 2, 1, 1)
    assert (a.followers, a.working_followers, a.shares) == (2, 0, 0)
    assert list(df.columns) == ["id", *MEASURES]
    assert df["id"].iloc[0] == "me"  # most followed here, so the highest PageRank
    assert df["pagerank"].sum() == pytest.approx(1.0)
    assert len(df) == 5  # me, a, b, c, x: every account, with or without edges


def test_owner_measures_are_unknown_when_the_source_cannot_tell():
    df = rank_table(tiny_ws(unknown={"shares_received", "followers"}))
    me = row(df, "me")
    assert me.shares is np.nan or str(me.shares) == "<NA>"
    assert str(me.followers) == "<NA>" and me.mentions == 1


def test_spearman_matches_scipy_with_ties():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(4)
    a, b = rng.integers(0, 5, 200), rng.integers(0, 7, 200)
    assert spearman(a, b) == pytest.approx(spearmanr(a, b).statistic)
    assert spearman(np.ones(10), np.arange(10)) is None


def test_correlations_overall_and_top():
    import pandas as pd

    n = 1000
    rng = np.random.default_rng(8)
    followers = rng.permutation(n)
    df = pd.DataFrame({"followers": followers, "shares": followers + rng.normal(0, 30, n),
                       "pagerank": rng.random(n)})
    c = rank_correlations(df, measures=("followers", "shares", "pagerank"))
    assert c["overall"]["followers"]["shares"] > 0.99
    assert abs(c["overall"]["followers"]["pagerank"]) < 0.1
    assert c["top_union"]["followers"]["shares"] < c["overall"]["followers"]["shares"]
    assert c["top_by"]["followers"]["shares"] < c["overall"]["followers"]["shares"]
    assert c["top_accounts"] == 10 and c["overall"]["shares"]["shares"] == 1.0


def test_top_by_is_computed_among_the_leaders_of_the_row_measure():
    import pandas as pd

    # the 3 most followed are ordered the same way by shares; everyone else is noise
    df = pd.DataFrame({"followers": [100, 90, 80] + list(range(7)),
                       "shares": [30, 20, 10] + [50, 0, 3, 1, 40, 2, 7]})
    c = rank_correlations(df, measures=("followers", "shares"), top=0.3)
    assert c["top_by"]["followers"]["shares"] == pytest.approx(1.0)
    assert c["top_by"]["shares"]["followers"] != pytest.approx(1.0)


def test_cli_rank_csv_and_json(tmp_path):
    path = tmp_path / "ws.duckdb"
    ws = tiny_ws()
    ws.con.execute(f"ATTACH '{path}' AS out")
    ws.con.execute("COPY FROM DATABASE memory TO out")
    ws.con.execute("DETACH out")
    ws.close()
    out = tmp_path / "rank.csv"
    res = run_cli("rank", "--workspace", str(path), "--csv", str(out))
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][:7] == ["id", "followers", "working_followers", "shares", "mentions", "replies",
                           "pagerank"]
    assert len(rows) == 6
    res = run_cli("rank", "--workspace", str(path), "--json", "--limit", "2")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["accounts_total"] == 5 and len(obj["accounts"]) == 2
    assert set(obj["correlations"]["overall"]) == set(MEASURES)
    res = run_cli("rank", "--workspace", str(path))
    assert res.exit_code == 0 and "Spearman" in res.stdout


def test_higgs_direction_retweets_run_from_follower_to_followee():
    """The Higgs follower layer reads 'A B' as A follows B: retweets then mostly run A -> B."""
    import sys

    from .conftest import REPO, shared

    folder = shared("higgs")
    sys.path.insert(0, str(REPO / "benchmarks"))
    from _biggraph import higgs_tables

    t = higgs_tables(folder)
    f, i = t["follows"], t["interactions"]
    assert len(f) == 355_074  # the cut last line is dropped
    shares = i.loc[i["kind"] == "share", ["actor", "target"]]
    along = shares.merge(f, left_on=["actor", "target"], right_on=["follower", "followee"])
    against = shares.merge(f, left_on=["target", "actor"], right_on=["follower", "followee"])
    assert len(along) > 1.5 * len(against)
