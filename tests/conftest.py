"""Shared fixtures: tiny hand-checked networks in the generic format, and a CLI runner."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def shared(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test when it is absent (a fresh clone has none)."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data sets sit beside the repository in CI)")
    return path


def write_files(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


#: A network small enough to check by hand. Owner "me"; followers a, b, c, d, e, 007.
#: a: committed (active on 3 days, one recent); b: occasional (one reply); c: attentive (a like);
#: d, e, 007: silent (too little known to judge hollowness); m: a mass follower (follows 48,200), hollow.
#: x is no follower but shares. "7" and "007" are different accounts.
TINY = {
    "accounts.csv": """
        id,handle,name,bio,followers_count,following_count,posts_count,created_at,tags,email,url
        me,me_h,Me Founder,Founder building open source tools,1200,300,900,2015-03-01,,me@example.com,
        a,alice,Alice,Journalist covering open source,500,400,3000,2012-01-01,customer;trusted,alice@example.com,https://alice.example.com
        b,bob,Bob,,40,450,300,2016-01-01,,,
        m,massive,Mass,,12,48200,3,2025-05-01,,,
        c,carol,Carol,We supply parts,10,10,5,,,,
        007,bond,James,,,,,,,,
        7,seven,Seven,,,,,,,,
        """,
    "follows.csv": """
        follower,followee,since
        a,me,2024-01-01
        b,me,
        c,me,
        d,me,
        e,me,
        007,me,
        m,me,
        me,a,
        me,b,
        a,b,
        x,a,
        """,
    "interactions.csv": """
        actor,target,kind,at,post
        a,me,share,2025-01-10T10:00:00Z,
        a,me,reply,2025-02-01T10:00:00Z,
        a,me,mention,2025-05-20,
        b,me,reply,2024-09-01,
        c,me,like,2025-03-02,
        me,a,reply,2025-03-03,
        me,a,message,2025-04-03,
        x,me,share,2025-03-03,
        me,me,request,2025-05-01,req-1
        a,me,response,2025-05-02,req-1
        """,
}


@pytest.fixture
def tiny(tmp_path) -> Path:
    return write_files(tmp_path / "tiny", TINY)


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run the CLI in-process; returns (exit_code, stdout, stderr)."""
    from click.testing import CliRunner

    from innercircle.cli import main

    monkeypatch.delenv("INNERCIRCLE_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)

    def run(*args: str):
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def as_json(stdout: str) -> dict:
    """stdout must be exactly one JSON object."""
    return json.loads(stdout)
