"""One truth: every reading command, the report and the library give the same numbers on one workspace.

The commands are found by walking the CLI (every command with a --me option reads the owner's
network), so a new reading command is covered by default.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import TINY, write_files


def reading_commands() -> list[str]:
    """Every command that reads an owner's network (it takes the shared --me/--as-of/--window-days);
    not serve, which serves until stopped (its JSON twins are tested in test_web)."""
    from innercircle.cli import main

    return sorted(name for name, cmd in main.commands.items()
                  if getattr(cmd.callback, "reads_network", False) and name != "serve")


def strict(text: str):
    """Parse JSON that must be strict: NaN and Infinity are refused."""
    def refuse(value):
        raise ValueError(f"not strict JSON: {value}")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module", params=["sample", "tiny"])
def workspace(request, tmp_path_factory):
    """A generated network that exercises every tier rule, and the hand-checked tiny one."""
    import innercircle

    folder = tmp_path_factory.mktemp(request.param)
    path = folder / "ws.duckdb"
    ws = innercircle.open(path)
    if request.param == "sample":
        ws.import_batch(innercircle.sample.generate(followers=400, seed=3))
    else:
        from innercircle.imports import import_source

        import_source(ws, write_files(folder / "tiny", TINY), me="me")
    ws.close()
    return path


def run(*args):
    from click.testing import CliRunner

    from innercircle.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def outputs(workspace):
    """What each command says about the workspace (JSON objects and CSV rows)."""
    out = {}
    for name, args in {"audit": ["audit", "--json"], "report": ["report", "--json"], "reach": ["reach", "--json"],
                       "followers_csv": ["followers", "--csv", "-"], "hollow_csv": ["hollow", "--csv", "-"],
                       "rank_csv": ["rank", "--csv", "-"]}.items():
        code, stdout, stderr = run(*args, "--workspace", workspace, "--quiet")
        assert code == 0, (name, stderr)
        out[name] = rows(stdout) if name.endswith("_csv") else strict(stdout)
    return out


def test_follower_count_agrees_everywhere(outputs):
    n = outputs["audit"]["followers"]
    assert n is not None and n > 0
    assert outputs["report"]["headline"]["followers"] == n
    assert outputs["reach"]["first_degree"] == n
    assert len(outputs["followers_csv"]) == n
    assert len(outputs["hollow_csv"]) == n


def test_tier_counts_agree_everywhere(outputs):
    from collections import Counter

    tiers = Counter(r["tier"] for r in outputs["followers_csv"])
    report = {t["tier"]: t["followers"] for t in outputs["report"]["tiers"]["tiers"]}
    audit = outputs["audit"]
    for tier in ("committed", "occasional", "attentive", "silent"):
        assert audit[tier] == tiers.get(tier, 0) == report.get(tier, 0), tier
    assert (audit["hollow"] or 0) == tiers.get("hollow", 0) == report.get("hollow", 0)


def test_each_followers_hollow_flag_is_the_same_in_both_files(outputs):
    followers = {r["id"]: r["hollow"] for r in outputs["followers_csv"]}
    hollow = {r["id"]: r["hollow"] for r in outputs["hollow_csv"]}
    assert followers == hollow
    assert set(followers.values()) <= {"true", "false", ""}
    flagged = sum(v == "true" for v in followers.values())
    assert flagged == (outputs["audit"]["hollow"] or 0)


def test_the_owners_rank_row_is_the_audit(outputs):
    audit = outputs["audit"]
    row = next(r for r in outputs["rank_csv"] if r["id"] == audit["me"])
    assert int(row["followers"]) == audit["followers"]
    assert int(row["working_followers"]) == audit["working"] == outputs["report"]["headline"]["working"]


@pytest.mark.parametrize("command", reading_commands())
def test_every_reading_command_runs_on_the_workspace_and_prints_strict_json(workspace, command):
    code, stdout, stderr = run(command, "--workspace", workspace, "--json", "--quiet")
    assert code == 0, stderr
    assert stderr == ""
    assert isinstance(strict(stdout), dict)


def test_the_same_workspace_gives_the_same_output_on_every_run(workspace):
    first = run("audit", "--workspace", workspace, "--json", "--quiet")[1]
    second = run("audit", "--workspace", workspace, "--json", "--quiet")[1]
    assert first == second


def test_care_given_counts_what_the_owner_did_not_likes(tmp_path):
    """care_given = the owner's replies, shares, mentions and messages toward the account, plus 1
    for following it; the owner's likes are attention, not care."""
    import innercircle
    from innercircle.imports import import_source
    from innercircle.results.audit import Audit

    files = dict(TINY)
    files["interactions.csv"] = TINY["interactions.csv"].rstrip() + "".join(
        f"\n        me,b,like,2025-03-0{d}," for d in range(1, 6)) + "\n"
    ws = innercircle.open(":memory:")
    import_source(ws, write_files(tmp_path / "t", files), me="me")
    t = Audit.load(ws).followers.set_index("id")
    assert t.loc["b", "care_given"] == 1.0  # followed back, nothing else: the five likes do not count
    assert t.loc["a", "care_given"] == 3.0  # followed back, one reply, one message
