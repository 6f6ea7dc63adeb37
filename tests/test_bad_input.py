"""Bad input: one line on stderr naming the file, row and field, exit status 2, no traceback,
and the workspace exactly as it was."""

from __future__ import annotations

import hashlib

import pytest

from .conftest import TINY, write_files

ACC = "id,handle,followers_count,created_at\n"
CASES = {
    "missing required column": ({"follows.csv": "follower,target\na,b\n"}, ["follows.csv", "followee"]),
    "required value empty": ({"follows.csv": "follower,followee\na,b\n,c\n"}, ["follows.csv", "row 3", "follower"]),
    "unparseable date": ({"accounts.csv": ACC + "a,al,5,2020-01-01\nb,bo,7,last tuesday\n"},
                         ["accounts.csv", "row 3", "created_at", "last tuesday"]),
    "unparseable number": ({"accounts.csv": ACC + "a,al,many,\n"}, ["accounts.csv", "row 2", "followers_count"]),
    "conflicting duplicate account": ({"accounts.csv": ACC + "a,al,5,\nb,bo,1,\na,al,6,\n"},
                                      ["accounts.csv", "row 4", "followers_count", "row 2"]),
    "unknown kind": ({"interactions.csv": "actor,target,kind,at\na,me,retweet,2024-01-01\n"},
                     ["interactions.csv", "row 2", "kind", "retweet"]),
    "empty file": ({"accounts.csv": ""}, ["accounts.csv", "empty"]),
}


@pytest.fixture
def workspace(cli, tmp_path, tiny):
    path = tmp_path / "w.duckdb"
    code, _, _ = cli("import", tiny, "--me", "me", "--workspace", path, "--quiet")
    assert code == 0
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_line_error(code, out, err, needles):
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.mark.parametrize("case", sorted(CASES), ids=sorted(CASES))
def test_bad_file_is_refused_and_the_workspace_is_unchanged(cli, tmp_path, workspace, case):
    files, needles = CASES[case]
    src = write_files(tmp_path / "bad", files)
    before = digest(workspace)
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, needles)
    assert digest(workspace) == before


def test_non_utf8_names_the_row(cli, tmp_path, workspace):
    src = tmp_path / "latin1"
    src.mkdir()
    (src / "accounts.csv").write_bytes("id,name\na,Ana\nb,Jos\u00e9\n".encode("latin-1"))
    before = digest(workspace)
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["accounts.csv", "row 3", "UTF-8"])
    assert digest(workspace) == before


@pytest.mark.parametrize("what", ["missing path", "empty folder", "unrecognisable file"])
def test_sources_that_are_not_there_or_not_recognised(cli, tmp_path, workspace, what):
    if what == "missing path":
        src = tmp_path / "nope"
    elif what == "empty folder":
        src = tmp_path / "empty"
        src.mkdir()
    else:
        src = tmp_path / "photo.jpg"
        src.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    before = digest(workspace)
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, [src.name])
    assert digest(workspace) == before


def test_failed_import_into_a_new_workspace_leaves_no_file(cli, tmp_path):
    src = write_files(tmp_path / "bad", {"follows.csv": "follower\na\n"})
    target = tmp_path / "new.duckdb"
    code, _, err = cli("import", src, "--workspace", target)
    assert code == 2 and "followee" in err
    assert not target.exists()


def test_self_follows_and_duplicates_are_one_warning_not_an_error(cli, tmp_path):
    src = write_files(tmp_path / "dups", {"follows.csv": "follower,followee\na,a\na,b\na,b\nb,b\n"})
    code, out, err = cli("import", src, "--workspace", tmp_path / "w.duckdb")
    assert code == 0
    warnings = [ln for ln in err.splitlines() if ln.startswith("warning")]
    assert warnings == ["warning: skipped 3 rows (duplicate follows: 1; self-follows: 2)"]


def test_unknown_owner_is_a_usage_error(cli, tmp_path, workspace):
    code, out, err = cli("audit", "--me", "nobody", "--workspace", workspace)
    assert_one_line_error(code, out, err, ["--me", "nobody"])


def test_generic_files_accept_the_documented_columns_only_once(cli, tmp_path, workspace):
    src = write_files(tmp_path / "twice", {"accounts.csv": "id,id\na,b\n"})
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["accounts.csv", "twice"])




def test_edge_list_with_a_short_line_names_it(cli, tmp_path, workspace):
    src = tmp_path / "edges.txt"
    src.write_text("# follower followee\n1 2\n2 3\n42\n" + "3 4\n" * 20)
    before = digest(workspace)
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["edges.txt", "row 4", "'42'"])
    assert digest(workspace) == before
