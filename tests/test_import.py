"""Importing the generic format and edge lists: what lands in the workspace, merges and snapshots."""

from __future__ import annotations

import gzip
import zipfile

import pytest

import innercircle
from innercircle.imports import import_source

from .conftest import TINY, write_files


def test_generic_folder_lands_with_text_ids_and_unknowns(tiny):
    ws = innercircle.open(":memory:")
    summary = import_source(ws, tiny, me="me")
    assert summary["counts"] == {"accounts": 7, "follows": 11, "interactions": 10}
    acc = ws.table("accounts").set_index("id")
    # "007" and "7" stay two accounts; ids named only in follows get an unknown profile
    assert {"007", "7", "d", "e", "x"} <= set(acc.index)
    assert acc.loc["007", "handle"] == "bond" and acc.loc["7", "handle"] == "seven"
    assert acc.loc["d"].isna()["handle"] and acc.loc["d"].isna()["followers_count"]
    # an empty bio is "no bio" (empty text); an empty count is unknown (null), never 0
    assert acc.loc["b", "bio"] == ""
    assert acc.isna().loc["007", "followers_count"]
    assert acc.loc["a", "followers_count"] == 500
    assert ws.owner == "me"


def test_absent_column_is_unknown_not_empty(tmp_path):
    src = write_files(tmp_path / "s", {"accounts.csv": "id,handle\nu1,one\n", "follows.csv": "follower,followee\nu1,u2\n"})
    ws = innercircle.open(":memory:")
    import_source(ws, src)
    row = ws.sql("SELECT bio, verified, observed_at FROM accounts WHERE id = 'u1'").iloc[0]
    assert row.isna()["bio"] and row.isna()["verified"]
    assert not row.isna()["observed_at"]  # defaults to the import time


def test_zip_of_a_folder_and_parquet_import(tmp_path, tiny):
    import pandas as pd

    archive = tmp_path / "net.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in tiny.iterdir():
            z.write(f, f"export/{f.name}")
    ws = innercircle.open(":memory:")
    assert import_source(ws, archive, me="me")["counts"]["follows"] == 11

    pq = tmp_path / "pq"
    pq.mkdir()
    pd.read_csv(tiny / "follows.csv", dtype=str).to_parquet(pq / "follows.parquet")
    ws2 = innercircle.open(":memory:")
    assert import_source(ws2, pq)["counts"] == {"follows": 11}


def test_unix_seconds_and_iso_dates_mean_the_same_moment(tmp_path):
    src = write_files(tmp_path / "s", {"interactions.csv": """
        actor,target,kind,at
        a,me,share,1700000000
        b,me,share,2023-11-14T22:13:20Z
        c,me,share,2023-11-15T00:13:20+02:00
        """})
    ws = innercircle.open(":memory:")
    import_source(ws, src, me="me")
    assert ws.sql('SELECT count(DISTINCT "at") AS n FROM interactions')["n"][0] == 1


def test_edge_list_with_comments_crlf_gzip_self_loops_and_duplicates(tmp_path):
    text = "# a comment\r\n1\t2\r\n2\t1\r\n3\t3\r\n1\t2\r\n007\t7\r\n"
    path = tmp_path / "edges.txt.gz"
    with gzip.open(path, "wt", newline="") as f:
        f.write(text)
    ws = innercircle.open(":memory:")
    summary = import_source(ws, path)
    assert summary["format"] == "edgelist"
    assert summary["skipped"] == {"self-follows": 1, "duplicate follows": 1}
    edges = set(map(tuple, ws.sql("SELECT follower, followee FROM follows").to_numpy()))
    assert edges == {("1", "2"), ("2", "1"), ("007", "7")}


def test_edge_list_with_space_runs_and_weights(tmp_path):
    path = tmp_path / "higgs-like.edgelist"
    path.write_text("1 2 5\n2  3 1\n  4 1 2\n")
    ws = innercircle.open(":memory:")
    import_source(ws, path)
    assert ws.counts()["follows"] == 3


def test_later_import_unites_and_newer_known_values_win(tmp_path, tiny):
    ws = innercircle.open(":memory:")
    import_source(ws, tiny, me="me")
    other = write_files(tmp_path / "crm", {
        "accounts.csv": "id,handle,company\na,alice_new,Acme\nz,zed,\n",
        "follows.csv": "follower,followee\nz,me\n",
    })
    import_source(ws, other)
    acc = ws.table("accounts").set_index("id")
    assert acc.loc["a", "handle"] == "alice_new"          # newer known value wins
    assert acc.loc["a", "company"] == "Acme"
    assert acc.loc["a", "followers_count"] == 500         # unknown in the newer source: kept
    assert ws.sql("SELECT count(*) AS n FROM follows WHERE followee = 'me'")["n"][0] == 8
    assert ws.owner == "me"                               # the new source names none: it stays


def test_reimporting_a_source_replaces_its_snapshot_and_keeps_the_old_on_record(tmp_path):
    v1 = write_files(tmp_path / "2026-01" / "export", {"follows.csv": "follower,followee\na,me\nb,me\n"})
    v2 = write_files(tmp_path / "2026-03" / "export", {"follows.csv": "follower,followee\nb,me\nc,me\n"})
    ws = innercircle.open(":memory:")
    import_source(ws, v1, me="me")
    second = import_source(ws, v2)
    assert second["superseded"] == [1]
    followers = set(ws.sql("SELECT follower FROM follows WHERE followee = 'me'")["follower"])
    assert followers == {"b", "c"}
    assert set(ws.follows_at(1)["follower"]) == {"a", "b"}

    from innercircle.changes import changes
    diff = changes(ws)
    assert diff["new_followers"] == ["c"] and diff["lost_followers"] == ["a"]


def test_replace_starts_afresh(tmp_path, tiny):
    ws = innercircle.open(":memory:")
    import_source(ws, tiny, me="me")
    other = write_files(tmp_path / "o", {"follows.csv": "follower,followee\nq,r\n"})
    import_source(ws, other, replace=True)
    assert ws.counts()["follows"] == 1 and ws.owner is None
    assert len(ws.snapshots()) == 1


def test_interrupted_import_leaves_the_workspace_exactly_as_before(tmp_path, tiny, monkeypatch):
    path = tmp_path / "w.duckdb"
    ws = innercircle.open(path)
    import_source(ws, tiny, me="me")
    before = {t: ws.table(t).sort_values(list(ws.table(t).columns[:2])).reset_index(drop=True)
              for t in ("accounts", "follows", "interactions", "snapshots")}
    other = write_files(tmp_path / "o", {"follows.csv": "follower,followee\nq,me\n"})

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(ws), "_merge_accounts", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_source(ws, other)
    monkeypatch.undo()
    ws.close()
    ws = innercircle.open(path)
    for t, df in before.items():
        now = ws.table(t).sort_values(list(df.columns[:2])).reset_index(drop=True)
        assert now.equals(df), t


def test_a_crash_mid_import_leaves_the_file_as_before(tmp_path, tiny):
    """A process killed inside the transaction: the reopened workspace holds the earlier import only."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "w.duckdb"
    with innercircle.open(path) as ws:
        import_source(ws, tiny, me="me")
    other = write_files(tmp_path / "o", {"follows.csv": "follower,followee\nq,me\n"})
    script = textwrap.dedent(f"""
        import os, innercircle
        from innercircle.store import Workspace
        from innercircle.imports import import_source
        Workspace._merge_accounts = lambda *a, **k: os._exit(9)
        import_source(innercircle.open({str(path)!r}), {str(other)!r})
        """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == 9
    with innercircle.open(path) as ws:
        assert ws.counts()["follows"] == 11 and len(ws.snapshots()) == 1


def test_sample_round_trips_through_import():
    from innercircle import sample

    ws = innercircle.open(":memory:")
    summary = ws.import_batch(sample.generate(followers=500, seed=3))
    assert summary["counts"]["follows"] > 500 and ws.owner


@pytest.mark.parametrize("name", sorted(TINY), ids=sorted(TINY))
def test_each_generic_file_imports_alone(tmp_path, name):
    src = write_files(tmp_path / "one", {name: TINY[name]})
    ws = innercircle.open(":memory:")
    assert import_source(ws, src, me="me")["counts"][name.removesuffix(".csv")] > 0


def test_slashdot_imports_with_its_self_loops_counted():
    from .conftest import shared

    path = shared("slashdot", "soc-Slashdot0902.txt.gz")
    ws = innercircle.open(":memory:")
    summary = import_source(ws, path)
    total = summary["counts"]["follows"] + sum(summary["skipped"].values())
    assert total == 948_464
    assert summary["skipped"].get("self-follows", 0) > 1000
    assert ws.counts()["accounts"] == 82_168


