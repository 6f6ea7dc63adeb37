"""The `report` and `serve` commands as a user runs them."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

import innercircle
from innercircle.cli import main
from tests.test_report import hostile_batch


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("ws") / "acme.duckdb"
    ws = innercircle.open(path)
    ws.import_batch(innercircle.sample.generate(followers=300, seed=7))
    ws.import_batch(hostile_batch())
    ws.close()
    return path


@pytest.fixture(autouse=True)
def quick_sections(monkeypatch):
    """The slow sections (forecast, advice) have their own tests: here only the commands' wiring counts."""
    from innercircle.report import build

    monkeypatch.setitem(build.SECTION_BUILDERS, "forecast", lambda b, **kw: build.unavailable("skipped in this test"))
    monkeypatch.setitem(build.SECTION_BUILDERS, "advice", lambda b, **kw: build.unavailable("skipped in this test"))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_report_writes_one_self_contained_html_file(workspace, tmp_path):
    out = tmp_path / "report.html"
    r = run("report", "--out", out, "--workspace", workspace, "--quiet")
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "<script" not in page and 'src="' not in page
    assert "Followers versus the people who work for you" in page


def test_report_json_prints_one_object_with_every_section(workspace):
    r = run("report", "--json", "--workspace", workspace, "--quiet")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert {"meta", "headline", "tiers", "activity", "care", "top", "hollow", "reach", "forecast", "advice",
            "changes", "definitions"} <= set(data)
    assert data["headline"]["followers"] == 304


def test_report_help_has_an_example():
    for cmd in ("report", "serve"):
        assert "Example: innercircle " + cmd in run(cmd, "--help").output


def test_serve_refuses_an_empty_workspace_with_one_line(tmp_path):
    innercircle.open(tmp_path / "empty.duckdb").close()
    r = run("serve", "--workspace", tmp_path / "empty.duckdb", "--port", "0")
    assert r.exit_code == 2
    assert r.output.count("\n") == 1 and "holds no network" in r.output


@pytest.mark.browser
def test_report_as_pdf_where_chromium_is_installed(workspace, tmp_path):
    from innercircle.cli.report import find_chromium

    if find_chromium() is None:
        pytest.skip("no Chromium on PATH: --format pdf says so and stops")
    out = tmp_path / "report.pdf"
    r = run("report", "--format", "pdf", "--out", out, "--workspace", workspace, "--quiet")
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:5] == b"%PDF-" and out.stat().st_size > 10_000


def test_report_as_pdf_without_chromium_says_what_to_do(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    r = run("report", "--format", "pdf", "--out", tmp_path / "r.pdf", "--workspace", workspace, "--quiet")
    assert r.exit_code == 2 and "needs Chromium" in r.output
