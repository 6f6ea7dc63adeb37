"""One contract for every command: the same rules, tested over the command list so a new command is covered.

Rules: a missing workspace is the sample (unnamed) or an error (named); an empty workspace is an error;
--me resolves or fails clearly; true/false/null in JSON and true/false/empty in CSV; --jsonl on the
per-row commands; quiet means errors only; a closed pipe ends quietly; --debug is global.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TINY, write_files
from .test_agreement import reading_commands, strict

#: Commands that print one row per account: they take --jsonl.
PER_ROW = ("followers", "hollow", "rank", "recommend", "advise", "nurture", "prune")


def run(*args, env=None):
    from click.testing import CliRunner

    from innercircle.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    import innercircle

    path = tmp_path_factory.mktemp("small") / "ws.duckdb"
    ws = innercircle.open(path)
    ws.import_batch(innercircle.sample.generate(followers=200, seed=5))
    ws.close()
    return path


@pytest.mark.slow
@pytest.mark.parametrize("command", reading_commands())
def test_no_workspace_means_the_sample_quietly(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INNERCIRCLE_WORKSPACE", raising=False)
    code, stdout, stderr = run(command, "--json", "--quiet")
    assert code == 0, stderr
    assert stderr == ""
    assert isinstance(strict(stdout), dict)
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("command", reading_commands())
def test_a_named_workspace_that_does_not_exist_is_an_error(command, tmp_path):
    missing = tmp_path / "missing.duckdb"
    code, stdout, stderr = run(command, "--workspace", missing, "--json")
    assert code == 2
    assert stderr.count("\n") == 1 and "missing.duckdb" in stderr
    assert not missing.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", reading_commands())
def test_a_workspace_without_a_network_is_an_error(command, tmp_path):
    import innercircle

    empty = tmp_path / "empty.duckdb"
    innercircle.open(empty).close()
    code, _, stderr = run(command, "--workspace", empty, "--json")
    assert code == 2
    assert stderr.count("\n") == 1 and "holds no network" in stderr


@pytest.mark.parametrize("command", reading_commands())
def test_an_unknown_me_is_an_error_naming_it(command, small):
    code, _, stderr = run(command, "--workspace", small, "--me", "nobody_here", "--json")
    assert code == 2
    assert stderr.count("\n") == 1 and "nobody_here" in stderr


@pytest.mark.parametrize("me", ["ada_founder", "@ada_founder", "founder"])
def test_me_takes_an_id_or_a_handle(me, small):
    code, stdout, stderr = run("audit", "--workspace", small, "--me", me, "--json", "--quiet")
    assert code == 0, stderr
    assert strict(stdout)["me"] == "founder"


@pytest.mark.parametrize("command", PER_ROW)
def test_per_row_commands_write_json_lines(command, small):
    code, stdout, stderr = run(command, "--workspace", small, "--jsonl", "--quiet")
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines, command
    assert all(isinstance(strict(line), dict) for line in lines)


@pytest.mark.parametrize("command", ["followers", "hollow"])
def test_flags_are_true_false_or_unknown(command, small):
    _, stdout, _ = run(command, "--workspace", small, "--json", "--quiet")
    rows = strict(stdout)["followers" if command == "followers" else "accounts"]
    assert {r["hollow"] for r in rows} <= {True, False, None}
    if command == "followers":
        assert {r["mutual"] for r in rows} <= {True, False, None}
        assert all(r["hollow_kind"] != "" for r in rows)
    _, text, _ = run(command, "--workspace", small, "--csv", "-", "--quiet")
    import csv
    import io

    table = list(csv.DictReader(io.StringIO(text)))
    for col in ("hollow", "mutual") if command == "followers" else ("hollow",):
        assert {r[col] for r in table} <= {"true", "false", ""}, col


def test_json_times_carry_a_zone(small):
    audit = strict(run("audit", "--workspace", small, "--json", "--quiet")[1])
    assert audit["as_of"].endswith("Z")


def test_the_library_uses_nullable_dtypes(small):
    import innercircle
    from innercircle.results.audit import Audit

    ws = innercircle.open(small, read_only=True)
    t = Audit.load(ws).followers
    assert str(t["hollow"].dtype) == "boolean" and str(t["mutual"].dtype) == "boolean"
    assert str(t["id"].dtype).startswith("str") and str(t["followers_count"].dtype) == "Int64"
    ws.close()


def test_an_edge_list_alone_knows_no_interactions(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("".join(f"f{i} me\n" for i in range(30)) + "me f1\n", encoding="utf-8")
    ws = tmp_path / "ws.duckdb"
    code, stdout, _ = run("import", edges, "--me", "me", "--workspace", ws, "--json", "--quiet")
    assert code == 0 and "interactions" in strict(stdout)["unknown"]  # the summary says what stays unknown
    audit = strict(run("audit", "--workspace", ws, "--json", "--quiet")[1])
    assert audit["followers"] == 30
    assert set(audit["by_kind"].values()) == {None}
    assert audit["working"] is None and audit["silent"] is None
    assert audit["unknown_tier"] + (audit["hollow"] or 0) == 30


def test_import_resolves_me_by_handle_and_refuses_an_unknown_one(tmp_path):
    src = write_files(tmp_path / "src", {k: v for k, v in TINY.items()})
    ws = tmp_path / "ws.duckdb"
    code, _, stderr = run("import", src, "--me", "nobody_here", "--workspace", ws)
    assert code == 2 and "nobody_here" in stderr and stderr.count("\n") == 1
    assert not ws.exists()
    code, _, stderr = run("import", src, "--me", "@me_h", "--workspace", ws, "--quiet")
    assert code == 0, stderr
    assert strict(run("audit", "--workspace", ws, "--json", "--quiet")[1])["me"] == "me"


def test_snapshots_nest_json_as_json(small):
    code, stdout, stderr = run("snapshots", "--workspace", small, "--json")
    assert code == 0, stderr
    snap = strict(stdout)["snapshots"][0]
    assert isinstance(snap["counts"], dict) and snap["counts"]["follows"] > 0
    code, stdout, _ = run("snapshots", "--workspace", small)
    assert code == 0 and "current" in stdout


def test_an_invalid_filter_lists_the_valid_values(small):
    code, _, stderr = run("followers", "--workspace", small, "--segment", "bogus")
    assert code == 2 and "customer" in stderr and "press" in stderr
    code, _, stderr = run("followers", "--workspace", small, "--tier", "bogus")
    assert code == 2 and "committed" in stderr


def test_old_option_spellings_still_work_with_a_note(small, tmp_path):
    code, stdout, stderr = run("rank", "--workspace", small, "--top", "0.05", "--json")
    assert code == 0 and "--top-fraction" in stderr
    assert strict(stdout)["correlations"]["top_fraction"] == 0.05
    code, _, stderr = run("sample", "--followers", "50", "--out", tmp_path / "s", "--format", "parquet")
    assert code == 0 and "--output-format" in stderr
    assert (tmp_path / "s" / "follows.parquet").exists()


def test_top_is_a_count_in_rank(small):
    code, stdout, _ = run("rank", "--workspace", small, "--top", "7", "--json", "--quiet")
    assert code == 0 and strict(stdout)["correlations"]["top_accounts"] == 7


def test_debug_is_a_global_option():
    code, stdout, _ = run("--help")
    assert code == 0 and "--debug" in stdout
    assert run("--debug", "audit", "--help")[0] == 0


@pytest.mark.slow
@pytest.mark.parametrize("args", [["followers", "--csv", "-"], ["hollow"], ["rank", "--csv", "-"], ["audit"],
                                  ["followers", "--jsonl"]], ids=lambda a: " ".join(a))
def test_a_closed_pipe_ends_quietly(args, small):
    env = {**os.environ, "INNERCIRCLE_WORKSPACE": str(small)}
    cmd = [sys.executable, "-m", "innercircle", *args, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    with proc:
        proc.stdout.readline()
        proc.stdout.close()  # what `| head -1` does
        stderr = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
    assert code in (0, 141, -13)
    assert stderr == ""


def test_json_output_is_strict_even_for_infinite_values():
    import math

    from innercircle.cli._common import dumps

    assert json.loads(dumps({"a": math.inf, "b": float("nan"), "c": [1.5]})) == {"a": None, "b": None, "c": [1.5]}


@pytest.mark.parametrize("command", [c for c in reading_commands() if c != "report"] + ["snapshots"])
def test_every_reporting_command_writes_csv(command, small):
    import csv
    import io

    code, stdout, stderr = run(command, "--workspace", small, "--csv", "-", "--quiet")
    assert code == 0, stderr
    table = list(csv.reader(io.StringIO(stdout)))
    assert len(table) >= 2 and len(set(map(len, table))) == 1  # a header and rows of its width
