"""Bluesky repository exports (.car): the walk from commit through the MST to records, and hostile files."""

from __future__ import annotations

import importlib.util
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innercircle.errors import InputError
from innercircle.io.options import ReadOptions, using
from innercircle.io import bluesky
from innercircle.io.batch import ImportBatch
from innercircle.store import open_workspace

pytest.importorskip("libipld", reason="reading .car files needs libipld")
import libipld  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
_spec = importlib.util.spec_from_file_location("make_repo", FIXTURES / "make_repo.py")
make_repo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_repo)
REPO = FIXTURES / "repo.car"


def write(tmp_path, data: bytes, name: str = "repo.car") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_repo_gives_the_owner_follows_posts_and_care_given():
    batch = bluesky.read(REPO)
    t = batch.tables
    assert batch.owner == make_repo.OWNER
    assert sorted(t["follows"].followee) == sorted([make_repo.ALICE, make_repo.BOB, make_repo.CAROL])
    assert set(t["follows"].follower) == {make_repo.OWNER}
    assert str(t["follows"].since.iloc[0]) == "2025-03-08 10:00:00"
    kinds = t["interactions"].groupby("kind").target.apply(sorted).to_dict()
    assert kinds == {"like": sorted([make_repo.ALICE, make_repo.BOB]), "mention": [make_repo.BOB],
                     "reply": [make_repo.ALICE], "share": [make_repo.CAROL, make_repo.CAROL]}
    reply = t["posts"].set_index("text").loc["@alice.example thanks!"]
    assert reply.reply_to == f"at://{make_repo.ALICE}/app.bsky.feed.post/3kroot"
    me = t["accounts"].set_index("id").loc[make_repo.OWNER]
    assert me["name"] == "Owner Example" and me["has_avatar"] == True  # noqa: E712
    assert "followers" in batch.unknown and "following" not in batch.unknown
    assert batch.skipped == {"records of other collections (app.bsky.feed.threadgate)": 1}
    assert t["accounts"].set_index("id").tags[make_repo.BOB] == "blocked"
    assert list(t["groups"].name) == ["Customers"] and list(t["memberships"].account) == [make_repo.CAROL]
    assert any("3 follows" in n and "2 like" in n for n in batch.notes)


def test_a_deep_record_tree_in_any_block_order_matches_a_whole_file_decoder(tmp_path):
    records = make_repo.sample_records(n_follows=400)
    ordered = bluesky.read(write(tmp_path, make_repo.build_car(records), "a.car"))
    shuffled = bluesky.read(write(tmp_path, make_repo.build_car(records, order="reversed"), "b.car"))
    # reference: libipld decodes the whole file; every follow record in it must be found by the walk
    _header, blocks = libipld.decode_car(make_repo.build_car(records))
    subjects = {b["subject"] for b in blocks.values()
                if isinstance(b, dict) and b.get("$type") == "app.bsky.graph.follow"}
    assert set(ordered.tables["follows"].followee) == subjects and len(subjects) == 400
    assert set(shuffled.tables["follows"].followee) == subjects
    depth = _mst_depth(blocks, _header["roots"][0])
    assert depth >= 2, "the fixture should exercise a record tree of several levels"


def _mst_depth(blocks, commit_cid):
    def depth(cid):
        node = blocks[cid]
        subs = [node["l"]] + [e["t"] for e in node["e"]]
        return 1 + max((depth(s) for s in subs if s is not None), default=0)
    return depth(blocks[commit_cid]["data"])


def test_importing_a_repo_sets_the_owner_and_says_followers_are_unknown():
    from innercircle.io.detect import read_source

    ws = open_workspace(":memory:")
    summary = ws.import_batch(read_source(REPO))
    assert summary["format"] == "bluesky" and ws.owner == make_repo.OWNER
    assert "followers" in ws.unknown
    assert ws.sql("SELECT count(*) AS n FROM follows").n[0] == 3


@pytest.mark.parametrize("content", [b"", b"hello, world\n", b"\x00" * 600, b"PK\x03\x04" + b"\x00" * 100,
                                     b"\x0a\xa2eroots", bytes(range(256))],
                         ids=["empty", "text", "zeros", "zip-head", "short-header", "bytes"])
def test_sniff_says_no_to_other_files(tmp_path, content):
    assert bluesky.sniff(write(tmp_path, content, "x.car")) is False


def test_sniff_says_yes_by_content_whatever_the_name(tmp_path):
    assert bluesky.sniff(write(tmp_path, REPO.read_bytes(), "export.bin")) is True
    assert bluesky.sniff(tmp_path) is False


def test_a_truncated_repo_imports_what_it_holds_and_says_what_is_missing(tmp_path):
    data = make_repo.build_car(make_repo.sample_records(n_follows=50))
    cut = write(tmp_path, data[: len(data) * 2 // 3])
    with pytest.raises(InputError, match="ends mid-block.*--partial"):
        bluesky.read(cut)
    with using(ReadOptions(partial=True)):
        batch = bluesky.read(cut)
    assert any("ends mid-block" in n for n in batch.notes)
    assert sum(batch.skipped.values()) > 0
    assert 0 < len(batch.tables["follows"]) < 50


def test_a_repo_cut_before_its_commit_is_an_input_error(tmp_path):
    data = REPO.read_bytes()
    with pytest.raises(InputError, match="root commit block is missing"):
        bluesky.read(write(tmp_path, data[:60]))


def test_a_tampered_block_is_skipped_not_trusted(tmp_path):
    data = bytearray(REPO.read_bytes())
    at = data.find(b"hello world")
    data[at] = ord("j")
    tampered = write(tmp_path, bytes(data))
    with pytest.raises(InputError, match="do not match their CID"):
        bluesky.read(tampered)
    with using(ReadOptions(partial=True)):
        batch = bluesky.read(tampered)
    assert batch.skipped.get("blocks whose content does not match their CID or cannot be decoded") == 1
    assert "hello world" not in set(batch.tables["posts"].text) and len(batch.tables["posts"]) == 2


def test_a_car_that_is_not_a_repository_is_an_input_error(tmp_path):
    body = libipld.encode_dag_cbor({"hello": "world"})
    cid = make_repo.cid_of(body)
    header = libipld.encode_dag_cbor({"roots": [cid], "version": 1})
    car = make_repo.varint(len(header)) + header + make_repo.varint(len(cid) + len(body)) + cid + body
    with pytest.raises(InputError, match="not a Bluesky repository"):
        bluesky.read(write(tmp_path, car))


def test_a_node_linked_twice_is_walked_once(tmp_path):
    enc, cid_of = libipld.encode_dag_cbor, make_repo.cid_of
    follow = enc({"$type": "app.bsky.graph.follow", "subject": make_repo.ALICE, "createdAt": "2025-01-01T00:00:00Z"})
    leaf = enc({"e": [{"k": b"app.bsky.graph.follow/3a", "p": 0, "t": None, "v": cid_of(follow)}], "l": None})
    root = enc({"e": [{"k": b"app.bsky.graph.follow/3b", "p": 0, "t": cid_of(leaf), "v": cid_of(follow)}],
                "l": cid_of(leaf)})
    commit = enc({"did": make_repo.OWNER, "version": 3, "data": cid_of(root), "rev": "x", "prev": None,
                  "sig": b"\xff" * 64})
    header = enc({"roots": [cid_of(commit)], "version": 1})
    car = make_repo.varint(len(header)) + header
    for block in (commit, root, leaf, follow):
        car += make_repo.varint(len(cid_of(block)) + len(block)) + cid_of(block) + block
    batch = bluesky.read(write(tmp_path, car))
    assert batch.skipped == {"record-tree links that loop or are not links": 1}
    assert list(batch.tables["follows"].followee) == [make_repo.ALICE]


def _check(path: Path) -> None:
    try:
        out = bluesky.read(path)
    except InputError as e:
        assert "\n" not in str(e)
        return
    assert isinstance(out, ImportBatch)
    for df in out.tables.values():
        assert len(df.columns) > 0


FUZZ_N = int(os.environ.get("INNERCIRCLE_FUZZ", 150))
_FIXTURE_OK = [HealthCheck.function_scoped_fixture]


@settings(max_examples=FUZZ_N, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(st.data())
def test_fuzz_mutated_repos_give_a_batch_or_an_input_error(tmp_path, data):
    raw = bytearray(REPO.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        i = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[i] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[i:i + data.draw(st.integers(1, 64))]
        elif op == "insert":
            raw[i:i] = data.draw(st.binary(min_size=1, max_size=16))
        else:
            raw[i:i] = raw[i:i + data.draw(st.integers(1, 128))]
    _check(write(tmp_path, bytes(raw), "fuzz.car"))


@settings(max_examples=FUZZ_N // 2, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(st.binary(max_size=2048))
def test_fuzz_random_bytes_give_a_batch_or_an_input_error(tmp_path, raw):
    p = write(tmp_path, raw, "random.car")
    assert bluesky.sniff(p) in (True, False)
    _check(p)


def test_fuzz_records_of_the_wrong_shape(tmp_path):
    rng = random.Random(3)
    junk = [None, 1, "x", b"\x01", [], {}, {"uri": 5}, {"subject": {"uri": "at://"}}, "did:", 2.5, True]
    for i in range(FUZZ_N // 2):
        recs = make_repo.sample_records()
        for key in list(recs):
            rec = dict(recs[key])
            for field in list(rec):
                if rng.random() < 0.4:
                    rec[field] = rng.choice(junk)
            recs[key] = rec
        out = bluesky.read(write(tmp_path, make_repo.build_car(recs), f"w{i}.car"))
        assert out.owner == make_repo.OWNER
        if i % 15 == 0:  # the workspace accepts what comes out
            open_workspace(":memory:").import_batch(out)
