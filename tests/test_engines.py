"""The same answers on both engines: many-owner audits, rank, reach and hollow scoring on DuckDB and
on Spark (local mode), each checked against the one-owner commands. Spark cases skip without
pyspark or Java."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import innercircle
from innercircle.engines.duckdb import DuckDBEngine
from innercircle.engines.inputs import match_owners, read_owner_list
from innercircle.engines.owners import audit_owners
from innercircle.engines.rank import pagerank, rank_frame
from innercircle.engines.reach import reach_owners
from innercircle.graph.rank import rank_table
from innercircle.graph.reach import reach_in_workspace
from innercircle.results.audit import Audit

from .test_graph_network import make_ws

ENGINES = ["duckdb", "spark"]
#: The keys ``audit --owners`` must equal ``audit --me ID --json`` on (the acceptance check's list).
CHECKED = ["followers", "working", "committed", "occasional", "attentive", "silent", "hollow"]
MORE = ["unknown_tier", "hollow_unknown", "hollow_share", "working_share", "concentration", "concentration_share",
        "non_follower_working", "non_follower_actions", "following", "mutual"]


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session for the whole test run (2 cores, few shuffle partitions)."""
    pyspark = pytest.importorskip("pyspark", reason="pip install 'innercircle[spark]' to run the Spark cases")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java 17 (apt-get install openjdk-17-jre-headless)")
    import os
    import sys

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (pyspark.sql.SparkSession.builder.master("local[2]").appName("innercircle-tests")
             .config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "2")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


@pytest.fixture(scope="module")
def sample_ws():
    """The built-in sample: an owner with committed, occasional, hollow (a follower burst) followers,
    and other accounts with followers of their own."""
    ws = innercircle.open(":memory:")
    ws.import_batch(innercircle.sample.generate(followers=300))
    ws.con.execute("INSERT INTO accounts (id) VALUES ('nobody-follows-this-one')")
    return ws


@pytest.fixture(scope="module")
def sample_audit(sample_ws):
    return Audit.load(sample_ws)


@pytest.fixture(scope="module")
def owners(sample_ws):
    rows = sample_ws.con.execute("SELECT followee FROM follows GROUP BY followee ORDER BY count(*) DESC, followee "
                                 "LIMIT 6").fetchall()
    return [r[0] for r in rows] + ["nobody-follows-this-one"]


def open_on(name: str, ws, request):
    if name == "spark":
        request.getfixturevalue("spark_session")
        from innercircle.engines.spark import SparkEngine

        return SparkEngine.open(ws=ws)
    return DuckDBEngine(ws)


@pytest.fixture(scope="module", params=ENGINES)
def results(request, sample_ws, sample_audit, owners):
    """Each engine's answers on the sample, computed once: (owners table, rank table, reach table)."""
    engine = open_on(request.param, sample_ws, request)
    try:
        table = audit_owners(engine, owners, sample_audit.window)
        ranked = rank_frame(engine, sample_audit.window, owner=sample_audit.me)
        reach = reach_owners(engine, owners)
    finally:
        engine.close()
    return request.param, table, ranked, reach


def plain(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v


def test_owners_equal_audit_me_for_each_owner(results, sample_ws, owners):
    engine, table, _, _ = results
    assert table["id"].tolist() == owners
    for row in table.to_dict(orient="records"):
        summary = Audit.load(sample_ws, me=row["id"]).summary
        got = {k: plain(row[k]) for k in CHECKED + MORE}
        assert got == {k: summary[k] for k in CHECKED + MORE}, (engine, row["id"])
    founder = table.set_index("id").loc[owners[0]]
    assert founder["hollow"] > 0 and founder["committed"] > 0  # the sample's burst and its regulars


def test_rank_equals_rank_table(results, sample_audit):
    engine, _, got, _ = results
    ref = rank_table(sample_audit)
    assert list(got.columns) == list(ref.columns)
    assert sorted(got["id"]) == sorted(ref["id"])
    m = ref.merge(got, on="id", suffixes=("", "_engine"))
    for col in ("followers", "working_followers", "shares", "mentions", "replies"):
        assert (m[col].astype("Int64") == m[f"{col}_engine"]).all(), (engine, col)
    assert np.abs(m["pagerank"] - m["pagerank_engine"]).max() <= 1e-6 * m["pagerank"].max()
    assert got["pagerank"].is_monotonic_decreasing


def test_reach_owners(results, sample_ws, owners):
    engine, _, _, reach = results
    for row in reach.to_dict(orient="records"):
        ref = reach_in_workspace(sample_ws, row["id"])
        assert row["first_degree"] == ref["first_degree"]
        if engine == "duckdb":
            assert (row["second_degree"], row["method"]) == (ref["second_degree"], "exact")
        else:  # HyperLogLog++ at 1% relative standard error: within 4 standard errors
            assert abs(row["second_degree"] - ref["second_degree"]) <= 4 * 0.01 * ref["second_degree"] + 1
            assert (row["method"], row["relative_error"]) == ("hyperloglog++", 0.01)


def test_pagerank_by_hand():
    """a and b follow each other, c follows a, d follows nobody (dangling); Spark runs the same SQL
    and is checked against ``rank_table`` above."""
    ws = make_ws([("a", "b"), ("b", "a"), ("c", "a")], owner=None)
    ws.con.execute("INSERT INTO accounts (id) VALUES ('d')")
    engine = DuckDBEngine(ws)
    try:
        pagerank(engine)
        d = engine.arrow("SELECT id, pagerank FROM ic_pagerank").to_pydict()
        got = dict(zip(d["id"], d["pagerank"]))
    finally:
        engine.close()
    from innercircle.graph.pagerank import pagerank_reference

    ref = pagerank_reference([(0, 1), (1, 0), (2, 0)], 4, iterations=500)
    assert [round(got[k], 9) for k in "abcd"] == [round(x, 9) for x in ref]


def test_unknown_stays_null_on_an_edge_list():
    """An edge list records no interaction: tiers are unknown (null), followers are counted."""
    ws = make_ws([("a", "me"), ("b", "me")], unknown={"interactions"})
    a = Audit.load(ws)
    row = audit_owners(DuckDBEngine(ws), ["me"], a.window).iloc[0]
    assert row["followers"] == 2 == a.summary["followers"]
    assert row["working"] is pd.NA and a.summary["working"] is None


def test_owner_list_formats(tmp_path, sample_ws):
    (tmp_path / "plain.txt").write_text("# creators\nfounder\n@ADA_founder\n\n", encoding="utf-8")
    (tmp_path / "owners.csv").write_text("name,id\nAda,founder\n", encoding="utf-8")
    assert read_owner_list(tmp_path / "plain.txt") == ["founder", "@ADA_founder"]
    assert read_owner_list(tmp_path / "owners.csv") == ["founder"]
    engine = DuckDBEngine(sample_ws)
    try:
        assert match_owners(engine, ["founder", "@ada_founder"]) == ["founder", "founder"]
        with pytest.raises(innercircle.UsageError, match="no account 'ghost'"):
            match_owners(engine, ["ghost"])
    finally:
        engine.close()


def write_generic(batch, folder):
    """An ImportBatch as a generic-format folder of CSV files (what --source reads)."""
    folder.mkdir()
    for name, df in batch.tables.items():
        df.to_csv(folder / f"{name}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory):
    return write_generic(innercircle.sample.generate(followers=120, seed=3), tmp_path_factory.mktemp("src") / "net")


def cli_rank(cli, *args):
    code, out, err = cli("rank", "--csv", "-", *args)
    assert code == 0, err
    import io

    return pd.read_csv(io.StringIO(out), dtype={"id": str})


@pytest.mark.parametrize("engine_name", ENGINES)
def test_cli_source_equals_workspace(engine_name, cli, source_dir, tmp_path, request):
    """The acceptance check: rank and audit --owners from --source equal rank and audit --me on the
    workspace imported from the same folder."""
    if engine_name == "spark":
        request.getfixturevalue("spark_session")
    code, _, err = cli("import", source_dir, "--workspace", tmp_path / "ws.duckdb")
    assert code == 0, err
    ref = cli_rank(cli, "--workspace", tmp_path / "ws.duckdb")
    got = cli_rank(cli, "--workspace", tmp_path / "ws.duckdb", "--engine", engine_name, "--source", source_dir)
    assert list(got.columns) == list(ref.columns)
    m = ref.merge(got, on="id", suffixes=("", "_engine"), how="outer", indicator=True)
    assert (m["_merge"] == "both").all()
    for col in ("followers", "working_followers", "shares", "mentions", "replies"):
        assert m[col].equals(m[f"{col}_engine"]), col
    assert np.abs(m["pagerank"] - m["pagerank_engine"]).max() <= 1e-6 * m["pagerank"].max()
    owners = ref["id"].head(4).tolist()
    (tmp_path / "owners.csv").write_text("id\n" + "\n".join(owners) + "\n", encoding="utf-8")
    code, out, err = cli("audit", "--workspace", tmp_path / "ws.duckdb", "--owners", tmp_path / "owners.csv",
                         "--engine", engine_name, "--source", source_dir, "--csv", "-")
    assert code == 0, err
    import io
    import json

    table = pd.read_csv(io.StringIO(out), dtype={"id": str})
    for row in table.to_dict(orient="records"):
        code, out, _ = cli("audit", "--workspace", tmp_path / "ws.duckdb", "--me", row["id"], "--json")
        summary = json.loads(out)
        assert {k: plain(row[k]) for k in CHECKED} == {k: summary[k] for k in CHECKED}, row["id"]


def test_hollow_scoring_on_spark_equals_pandas(spark_session, tmp_path):
    from innercircle.engines.hollow import score_on_spark
    from innercircle.metrics.hollow import score_accounts

    from innercircle.cli.hollow import read_accounts

    batch = innercircle.sample.generate(followers=80)
    path = tmp_path / "accounts.csv"
    batch.tables["accounts"].to_csv(path, index=False)
    ref = score_accounts(read_accounts(path), as_of="2026-06-30").sort_values("id").reset_index(drop=True)
    got = score_on_spark(str(path), as_of="2026-06-30").sort_values("id").reset_index(drop=True)
    assert got["id"].tolist() == ref["id"].tolist()
    assert got["hollow"].tolist() == ref["hollow"].tolist()
    assert np.allclose(got["hollow_risk"], ref["hollow_risk"], equal_nan=True)


def test_import_innercircle_does_not_import_pyspark():
    import subprocess
    import sys

    code = "import sys, innercircle, innercircle.engines; print('pyspark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
