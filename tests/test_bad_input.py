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


# -- hostile and damaged input (issue 16) --------------------------------------------------------

INT = "actor,target,kind,at,weight\n"
VALUE_CASES = {
    "time 10^20": ({"interactions.csv": INT + "a,me,like,100000000000000000000,1\n"}, ["row 2", "'at'", "1000000"]),
    "time in year 9999": ({"interactions.csv": INT + "a,me,like,9999-12-31,1\n"}, ["row 2", "'at'", "future"]),
    "time in year 1": ({"interactions.csv": INT + "a,me,like,0001-01-01,1\n"}, ["row 2", "'at'", "2000-01-01"]),
    "negative epoch": ({"interactions.csv": INT + "a,me,like,-99999999999,1\n"}, ["row 2", "'at'"]),
    "tomorrow and a day": ({"interactions.csv": INT + "a,me,like,2024-01-01,1\nb,me,like,{future},1\n"},
                           ["row 3", "'at'", "future"]),
    "infinite weight": ({"interactions.csv": INT + "a,me,like,2024-01-01,inf\n"}, ["row 2", "'weight'", "finite"]),
    "NaN weight": ({"interactions.csv": INT + "a,me,like,2024-01-01,nan\n"}, ["row 2", "'weight'"]),
    "negative weight": ({"interactions.csv": INT + "a,me,like,2024-01-01,-1e308\n"}, ["row 2", "'weight'"]),
    "negative count": ({"accounts.csv": "id,followers_count\na,-3\n"}, ["row 2", "followers_count", "negative"]),
    "fractional count": ({"accounts.csv": "id,followers_count\na,2.5\n"}, ["row 2", "followers_count", "2.5"]),
    "id with a newline": ({"accounts.csv": 'id,name\n"a\nb",Ann\n'}, ["row 2", "'id'", "control character"]),
    "text with a NUL": ({"accounts.csv": "id,bio\na,x\x00y\n"}, ["row 2", "'bio'", "NUL"]),
    "column name with a NUL": ({"accounts.csv": "id,foll\x00owers\na,1\n"}, ["row 1", "control character"]),
}


@pytest.mark.parametrize("case", sorted(VALUE_CASES), ids=sorted(VALUE_CASES))
def test_values_out_of_range_are_refused_where_they_enter(cli, tmp_path, workspace, case):
    from datetime import datetime, timedelta, timezone

    files, needles = VALUE_CASES[case]
    future = (datetime.now(timezone.utc) + timedelta(days=2)).strftime("%Y-%m-%d")
    src = write_files(tmp_path / "bad", {k: v.replace("{future}", future) for k, v in files.items()})
    before = digest(workspace)
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, needles)
    assert digest(workspace) == before


def test_times_in_milliseconds_and_microseconds_are_converted(cli, tmp_path):
    src = write_files(tmp_path / "ms", {"interactions.csv": INT + "a,me,like,1767225600000,1\n"
                                                             "b,me,like,1767225600000000,1\n"
                                                             "c,me,like,1767225600,1\n"})
    ws = tmp_path / "w.duckdb"
    assert cli("import", src, "--me", "me", "--workspace", ws, "--quiet")[0] == 0
    import duckdb

    with duckdb.connect(str(ws), read_only=True) as con:
        days = {str(d) for (d,) in con.execute('SELECT DISTINCT CAST("at" AS DATE) FROM interactions').fetchall()}
    assert days == {"2026-01-01"}


@pytest.mark.parametrize("column", ["int64 at of 2^62", "float created_at of 1.5e300", "int64 at in ms"])
def test_parquet_numbers_as_times(cli, tmp_path, column):
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "pq"
    src.mkdir()
    if column.startswith("float"):
        pq.write_table(pa.table({"id": ["a"], "created_at": pa.array([1.5e300])}), src / "accounts.parquet")
    else:
        at = 2 ** 62 if "2^62" in column else 1767225600000
        pq.write_table(pa.table({"actor": ["a"], "target": ["me"], "kind": ["like"], "at": pa.array([at], pa.int64())}),
                       src / "interactions.parquet")
    code, out, err = cli("import", src, "--me", "a" if column.startswith("float") else "me", "--workspace", tmp_path / "w.duckdb")
    if column.endswith("in ms"):
        assert code == 0, err
    else:
        assert_one_line_error(code, out, err, ["parquet", "row 2", "at"])


def test_earliest_widens_the_time_range(cli, tmp_path):
    src = write_files(tmp_path / "old", {"interactions.csv": INT + "a,me,like,1995-06-01,1\n"})
    assert cli("import", src, "--me", "me", "--workspace", tmp_path / "w.duckdb")[0] == 2
    assert cli("import", src, "--me", "me", "--workspace", tmp_path / "w.duckdb", "--earliest", "1990-01-01")[0] == 0


def test_a_very_wide_header_is_refused_quickly(cli, tmp_path, workspace):
    import time

    src = tmp_path / "wide"
    src.mkdir()
    (src / "accounts.csv").write_text(",".join(f"c{i}" for i in range(200_000)) + "\n")
    start = time.monotonic()
    code, out, err = cli("import", src, "--workspace", workspace)
    assert time.monotonic() - start < 20
    assert_one_line_error(code, out, err, ["accounts.csv", "row 1", "200,000 columns"])


def _gzip_edges(path, n=20_000):
    import gzip

    path.write_bytes(gzip.compress("".join(f"{i} {i + 1}\n" for i in range(n)).encode()))
    return path


def test_a_truncated_gzip_edge_list_fails_and_partial_keeps_whole_lines(cli, tmp_path, workspace):
    src = _gzip_edges(tmp_path / "edges.txt.gz")
    data = src.read_bytes()
    src.write_bytes(data[: len(data) // 2])
    before = digest(workspace)
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["edges.txt.gz", "truncated", "--partial"])
    assert digest(workspace) == before
    code, out, err = cli("import", src, "--workspace", workspace, "--partial", "--json")
    assert code == 0, err
    import json

    summary = json.loads(out)
    assert 0 < summary["counts"]["follows"] < 20_000
    assert any("truncated" in n for n in summary["notes"]) and summary["skipped"]


def test_a_corrupt_gzip_member_names_the_file(cli, tmp_path, workspace):
    import gzip

    src = tmp_path / "gz"
    src.mkdir()
    blob = bytearray(gzip.compress(("id,handle\n" + "".join(f"a{i},h{i}\n" for i in range(5000))).encode()))
    blob[len(blob) // 2] ^= 0xFF
    (src / "accounts.csv.gz").write_bytes(bytes(blob))
    before = digest(workspace)
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["accounts.csv.gz"])
    assert digest(workspace) == before


def test_a_fifo_is_refused_at_once(cli, tmp_path, workspace):
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, out, err = cli("import", fifo, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["pipe.csv", "FIFO"])


def test_a_refused_archive_says_why(cli, tmp_path, workspace):
    import zipfile

    src = tmp_path / "slip.zip"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("../../evil.csv", "follower,followee\na,b\n")
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["slip.zip", "zip-slip"])


def test_a_mastodon_actor_with_a_malformed_url_is_one_line(cli, tmp_path, workspace):
    import json

    src = tmp_path / "masto"
    src.mkdir()
    (src / "actor.json").write_text(json.dumps({"type": "Person", "id": "https://[bad/users/x",
                                                "preferredUsername": "x", "url": "https://[bad/@x"}))
    (src / "outbox.json").write_text(json.dumps({"type": "OrderedCollection", "orderedItems": []}))
    before = digest(workspace)
    code, out, err = cli("import", src, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["masto", "Mastodon", "Invalid IPv6 URL"])
    assert digest(workspace) == before


def test_weights_that_are_stored_give_strict_json(cli, tmp_path):
    src = write_files(tmp_path / "w", {"interactions.csv": INT + "a,me,like,2024-01-01,1e300\nb,me,reply,2024-01-02,0\n"
                                                            "a,me,share,2024-01-03,1.7e308\n",
                                       "follows.csv": "follower,followee\na,me\nb,me\nme,a\n"})
    ws = tmp_path / "w.duckdb"
    assert cli("import", src, "--me", "me", "--workspace", ws, "--quiet")[0] == 0
    import json

    for command in ("followers", "audit", "forecast", "simulate", "report"):
        code, out, err = cli(command, "--json", "--workspace", ws)
        assert code == 0, (command, err)
        json.loads(out, parse_constant=lambda c: (_ for _ in ()).throw(AssertionError((command, c))))


def test_row_and_size_limits_refuse_and_can_be_raised(cli, tmp_path, workspace):
    import zipfile

    rows = "follower,followee\n" + "".join(f"u{i},me\n" for i in range(50))
    src = tmp_path / "net.zip"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("net/follows.csv", rows)
    code, out, err = cli("import", src, "--workspace", workspace, "--max-rows", "10")
    assert_one_line_error(code, out, err, ["follows.csv", "more than 10 rows", "--max-rows"])
    code, out, err = cli("import", src, "--workspace", workspace, "--max-size", "100")
    assert_one_line_error(code, out, err, ["net.zip", "limit of 100 bytes"])
    assert cli("import", src, "--workspace", workspace, "--max-rows", "50", "--quiet")[0] == 0


@pytest.mark.parametrize("source", ["x/archive", "linkedin/export", "mastodon/archive", "bluesky/repo.car"])
def test_row_limit_holds_inside_platform_exports(cli, tmp_path, workspace, source):
    import re
    from pathlib import Path

    before = digest(workspace)
    src = Path(__file__).parent / "fixtures" / source
    code, out, err = cli("import", src, "--workspace", workspace, "--max-rows", "2")
    assert_one_line_error(code, out, err, ["rows, more than the limit of 2", "--max-rows"])
    assert re.search(r"the (accounts|follows|interactions|posts) table holds \d+ rows", err), err
    assert digest(workspace) == before  # refused whole: the workspace as it was
    assert cli("import", src, "--workspace", tmp_path / "fresh.duckdb", "--max-rows", "1000", "--quiet")[0] == 0


def test_a_memory_limit_that_is_not_a_size_is_one_line(cli, tmp_path, tiny, workspace, monkeypatch):
    before = digest(workspace)
    monkeypatch.setenv("INNERCIRCLE_MEMORY_LIMIT", "lots")
    code, out, err = cli("import", tiny, "--workspace", workspace)
    assert_one_line_error(code, out, err, ["INNERCIRCLE_MEMORY_LIMIT", "'lots'", "4GB"])
    assert digest(workspace) == before
    (tmp_path / "owners.txt").write_text("me\n")
    code, out, err = cli("audit", "--owners", tmp_path / "owners.txt", "--workspace", workspace, "--csv", "-")
    assert_one_line_error(code, out, err, ["INNERCIRCLE_MEMORY_LIMIT", "'lots'"])
    monkeypatch.setenv("INNERCIRCLE_MEMORY_LIMIT", "512MB")
    code, out, err = cli("audit", "--owners", tmp_path / "owners.txt", "--workspace", workspace, "--csv", "-")
    assert code == 0 and out.startswith("id,followers,working,"), err
