"""Mastodon archives (.zip, .tar.gz, folder) and CSV exports, and what hostile copies of them do."""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innercircle.errors import InputError
from innercircle.io import mastodon
from innercircle.io.batch import ImportBatch
from innercircle.store import open_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
ARCHIVE, CSVS = FIXTURES / "archive", FIXTURES / "csv"
OWNER = "@ownr@social.example"
BOB, CAROL = "@bob@other.example", "@carol@third.example"
FUZZ_N = int(os.environ.get("INNERCIRCLE_FUZZ", 100))


def zip_of(folder: Path, dest: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.iterdir()):
            z.write(f, prefix + f.name)
    return dest


def tgz_of(folder: Path, dest: Path, prefix: str = "") -> Path:
    with tarfile.open(dest, "w:gz") as t:
        for f in sorted(folder.iterdir()):
            t.add(f, prefix + f.name)
    return dest


def copy_archive(tmp_path: Path, **replace: bytes) -> Path:
    dest = tmp_path / "arch"
    shutil.copytree(ARCHIVE, dest)
    for name, data in replace.items():
        (dest / name.replace("_", ".", 1) if "." not in name else dest / name).write_bytes(data)
    return dest


def by_kind(batch: ImportBatch) -> dict[str, list[str]]:
    df = batch.tables["interactions"]
    return {k: sorted(g.target) for k, g in df.groupby("kind")}


def test_archive_gives_owner_posts_and_care_given():
    batch = mastodon.read(ARCHIVE)
    assert batch.owner == OWNER and batch.format == "mastodon"
    assert by_kind(batch) == {"like": [BOB, CAROL], "mention": [BOB, CAROL], "message": [BOB],
                              "reply": [BOB], "share": [CAROL]}
    posts = batch.tables["posts"].set_index("text")
    assert posts.loc["@bob agreed", "reply_to"] == "https://other.example/users/bob/statuses/555"
    assert posts.loc["Shipping today!", "url"] == "https://social.example/@ownr/101"
    me = batch.tables["accounts"].set_index("id").loc[OWNER]
    assert me["name"] == "Owner Example" and me["bio"] == "Founder & maker."
    assert "followers" in batch.unknown and "likes_received" in batch.unknown
    assert "follows" not in batch.tables  # the archive does not list follows
    assert batch.skipped == {"boosts whose author cannot be told from the post's address": 1,
                             "likes whose author cannot be told from the post's address": 1}
    assert any("bookmarks.json: 1 bookmarks" in n for n in batch.notes)


@pytest.mark.parametrize("pack,prefix", [(zip_of, ""), (zip_of, "archive-2025/"), (tgz_of, ""),
                                         (tgz_of, "./old/")], ids=["zip", "zip-in-folder", "tar.gz",
                                                                   "tar.gz-in-folder"])
def test_packed_archives_read_like_the_folder(tmp_path, pack, prefix):
    path = pack(ARCHIVE, tmp_path / "backup.bin", prefix)
    assert mastodon.sniff(path)
    batch = mastodon.read(path)
    assert batch.owner == OWNER and by_kind(batch) == by_kind(mastodon.read(ARCHIVE))


def test_csv_exports_follow_as_the_workspace_owner_with_lists_and_blocks():
    batch = mastodon.read(CSVS)
    assert batch.owner is None
    follows = batch.tables["follows"]
    assert set(follows.follower) == {"@me"}
    assert sorted(follows.followee) == [BOB, CAROL, "@dave@social.example"]
    members = batch.tables["memberships"].groupby("group").account.apply(sorted).to_dict()
    assert members == {"mastodon-list:Customers": [BOB, "@dave@social.example"],
                       "mastodon-list:Peers": [CAROL]}
    tags = batch.tables["accounts"].set_index("id").tags
    assert tags["@spam@bad.example"] == "blocked" and tags["@loud@other.example"] == "muted"
    assert batch.skipped == {"following_accounts.csv: rows whose account address is not user@instance": 1}


def test_a_csv_export_imports_into_the_workspace_an_archive_owns():
    from innercircle.io.detect import read_source

    ws = open_workspace(":memory:")
    ws.import_batch(read_source(ARCHIVE))
    ws.import_batch(read_source(CSVS / "following_accounts.csv"))
    follows = ws.sql("SELECT follower, followee FROM follows ORDER BY followee")
    assert set(follows.follower) == {OWNER} and len(follows) == 3
    assert ws.owner == OWNER


def test_a_csv_export_with_an_owner_given_uses_it():
    batch = mastodon.read(CSVS / "following_accounts.csv", owner="@Me@Example.org")
    assert set(batch.tables["follows"].follower) == {"@me@example.org"}


def test_single_csv_files_are_known_by_their_content(tmp_path):
    renamed = tmp_path / "download (3).txt"
    renamed.write_bytes((CSVS / "following_accounts.csv").read_bytes())
    assert mastodon.sniff(renamed) and len(mastodon.read(renamed).tables["follows"]) == 3
    assert mastodon.sniff(CSVS / "blocked_accounts.csv")
    anonymous = tmp_path / "emails.csv"  # a headerless list of addresses, with no name to go by
    anonymous.write_text("someone@example.com\n")
    assert not mastodon.sniff(anonymous)


@pytest.mark.parametrize("content", [b"", b"id,handle\n1,a\n", b"\xff\xfe\x00garbage", b"PK\x03\x04junk",
                                     b"{\"type\": \"Person\"}"],
                         ids=["empty", "generic-csv", "binary", "broken-zip", "lone-json"])
def test_sniff_says_no_to_other_files(tmp_path, content):
    p = tmp_path / "x.dat"
    p.write_bytes(content)
    assert mastodon.sniff(p) is False


def test_a_changed_csv_header_is_a_one_line_error(tmp_path):
    p = tmp_path / "following_accounts.csv"
    p.write_text("Kontoadresse;Boosts anzeigen\nbob@other.example;true\n")
    with pytest.raises(InputError, match=r"following_accounts.csv, row 1: the first line is not"):
        mastodon.read(p)


def test_a_cp1252_list_name_is_decoded(tmp_path):
    p = tmp_path / "lists.csv"
    p.write_bytes("Clients fidèles,bob@other.example\n".encode("cp1252"))
    assert list(mastodon.read(p).tables["groups"].name) == ["Clients fidèles"]


@pytest.mark.parametrize("name,data,message", [
    ("outbox.json", b'{"orderedItems": [{"type": "Create", "object": {"id": "x"}}, {"type": ', "truncated"),
    ("outbox.json", b'{"orderedItems": [{"type": "Create", "object": {"id": "x"}}, ', "truncated"),
    ("outbox.json", b'{"orderedItems": [{"type": "Create"} {"a": 1}]}', "malformed JSON"),
    ("outbox.json", '{"orderedItems": []}'.encode("utf-16"), "not UTF-8"),
    ("outbox.json", b'{"type": "OrderedCollection", "items": []}', "no 'orderedItems'"),
    ("actor.json", b'{"type": "Person", "outbox": "outbox.json"}', "names no account"),
    ("actor.json", b'{"type": "Person", "outbox": "outbox.json", ', "malformed JSON"),
    ("likes.json", b'{"orderedItems": 5}', "not a list"),
], ids=["outbox-truncated", "outbox-cut-between-items", "outbox-malformed", "outbox-utf16", "outbox-no-items", "actor-no-id",
        "actor-malformed", "likes-not-list"])
def test_broken_archive_files_are_one_line_errors_naming_the_file(tmp_path, name, data, message):
    folder = copy_archive(tmp_path, **{name: data})
    with pytest.raises(InputError, match=message) as e:
        mastodon.read(folder)
    assert name in str(e.value) and "\n" not in str(e.value)


def test_truncated_outbox_fails_and_partial_keeps_the_items_before_the_cut(tmp_path):
    from innercircle.io.options import ReadOptions, using

    whole = (ARCHIVE / "outbox.json").read_bytes()
    items = json.loads(whole)["orderedItems"]
    cut = whole.rindex(b'"type"')  # inside the last item
    folder = copy_archive(tmp_path, **{"outbox.json": whole[:cut]})
    with pytest.raises(InputError, match="outbox.json.*truncated.*--partial"):
        mastodon.read(folder)
    with using(ReadOptions(partial=True)):
        batch = mastodon.read(folder)
    note = next(n for n in batch.notes if "outbox.json" in n and "--partial" in n)
    assert f"{len(items) - 1} items read before that" in note
    assert batch.skipped["outbox.json: unreadable rest of file"] == 1


def test_zip_slip_bomb_and_truncation_are_refused(tmp_path):
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as z:
        z.writestr("actor.json", (ARCHIVE / "actor.json").read_bytes())
        z.writestr("outbox.json", (ARCHIVE / "outbox.json").read_bytes())
        z.writestr("../../etc/evil.json", b"{}")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("actor.json", (ARCHIVE / "actor.json").read_bytes())
        z.writestr("outbox.json", b" " * (9 << 20))
    whole = zip_of(ARCHIVE, tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    for path, message in ((slip, "outside"), (bomb, "zip bomb"), (cut, None)):
        assert mastodon.sniff(path) is False
        with pytest.raises(InputError, match=message):
            mastodon.read(path)


def test_a_large_outbox_streams(tmp_path):
    items = [{"type": "Announce", "published": "2025-01-01T00:00:00Z",
              "object": f"https://other.example/users/u{i % 500}/statuses/{i}"} for i in range(20_000)]
    folder = copy_archive(tmp_path, **{"outbox.json": json.dumps({"orderedItems": items}).encode()})
    batch = mastodon.read(folder)
    assert len(batch.tables["interactions"]) == 20_000 + 2  # and the two likes of likes.json
    assert batch.tables["interactions"].target.nunique() == 500 + 2  # bob and carol liked


@settings(max_examples=FUZZ_N, deadline=None)
@given(items=st.lists(st.one_of(st.integers(), st.text(max_size=20), st.none(), st.booleans(),
                                st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)),
                      max_size=30),
       chunk=st.integers(1, 64), pad=st.sampled_from(["", " ", "\n  "]))
def test_the_streaming_reader_agrees_with_json_load(items, chunk, pad):
    text = json.dumps({"id": "x", "orderedItems": items}, indent=pad or None)
    got = list(mastodon.iter_ordered_items(io.BytesIO(text.encode()), "t.json", chunk=chunk))
    assert got == json.loads(text)["orderedItems"]


def _check(path: Path) -> None:
    try:
        out = mastodon.read(path)
    except InputError as e:
        assert "\n" not in str(e)
        return
    assert isinstance(out, ImportBatch)


@settings(max_examples=FUZZ_N, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzz_mutated_archive_files_give_a_batch_or_an_input_error(tmp_path, data):
    name = data.draw(st.sampled_from(["actor.json", "outbox.json", "likes.json"]))
    raw = bytearray((ARCHIVE / name).read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, max(0, len(raw) - 1)))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip" and raw:
            raw[i] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[i:i + data.draw(st.integers(1, 200))]
        else:
            raw[i:i] = data.draw(st.sampled_from([b"{", b"]", b'"', b",", b"null", b"\xff", b"[[[[", b'"tag":5']))
    folder = tmp_path / "fz"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ARCHIVE, folder)
    (folder / name).write_bytes(bytes(raw))
    _check(folder)


@settings(max_examples=FUZZ_N, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["following_accounts.csv", "lists.csv", "blocked_accounts.csv",
                             "muted_accounts.csv"]),
       body=st.lists(st.sampled_from(list("ab@.,\n\"; \x00é") + ["bob@x.org", "Account address"]),
                     max_size=60).map("".join))
def test_fuzz_csv_exports_give_a_batch_or_an_input_error(tmp_path, name, body):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    _check(p)


def test_fuzz_activities_of_the_wrong_shape(tmp_path):
    import random

    rng = random.Random(5)
    base = json.loads((ARCHIVE / "outbox.json").read_text())["orderedItems"]
    junk = [None, 1, "x", [], {}, [1], {"id": 3}, "https://", True]
    for i in range(min(FUZZ_N, 60)):
        items = json.loads(json.dumps(base))
        for it in items:
            for obj in (it, it.get("object") if isinstance(it.get("object"), dict) else {}):
                for k in list(obj):
                    if rng.random() < 0.3:
                        obj[k] = rng.choice(junk)
        folder = copy_archive(tmp_path / str(i), **{"outbox.json": json.dumps({"orderedItems": items}).encode()})
        out = mastodon.read(folder)
        assert out.owner == OWNER
        if i % 20 == 0:
            open_workspace(":memory:").import_batch(out)


def test_a_utf16_export_with_a_header_is_read(tmp_path):
    p = tmp_path / "following_accounts.csv"
    p.write_bytes((CSVS / "following_accounts.csv").read_text().encode("utf-16"))
    assert mastodon.sniff(p) and len(mastodon.read(p).tables["follows"]) == 3


def test_a_misshapen_csv_beside_good_ones_is_skipped_and_said(tmp_path):
    folder = tmp_path / "exports"
    shutil.copytree(CSVS, folder)
    (folder / "lists.csv").write_text("this is not a list export\n")
    batch = mastodon.read(folder)
    assert "groups" not in batch.tables and len(batch.tables["follows"]) == 3
    assert any("skipped lists.csv" in n for n in batch.notes)
    (folder / "following_accounts.csv").unlink()
    (folder / "blocked_accounts.csv").unlink()
    (folder / "muted_accounts.csv").unlink()
    assert not mastodon.sniff(folder)  # a folder holding only a misshapen file is not claimed
