"""X/Twitter archive reader: owner, follows both ways, posts, replies, mentions, retweets, likes, DMs."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import innercircle
from innercircle.errors import InputError
from innercircle.io.options import ReadOptions, using
from innercircle.io import x
from innercircle.model import KINDS, REQUIRED, TABLES, UNKNOWABLE

FIXTURE = Path(__file__).parent / "fixtures" / "x" / "archive"
OWNER = "1000000001"
FUZZ_EXAMPLES = int(os.environ.get("INNERCIRCLE_FUZZ", "60"))


def copy_fixture(tmp_path: Path) -> Path:
    dest = tmp_path / "archive"
    shutil.copytree(FIXTURE, dest)
    return dest


def zip_folder(folder: Path, dest: Path, top: str = "twitter-2023-03-05-abc") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, f"{top}/{p.relative_to(folder).as_posix()}")
    return dest


def interactions(batch, kind=None):
    df = batch.tables["interactions"]
    df = df if kind is None else df[df["kind"] == kind]
    return sorted(zip(df["actor"], df["target"], df["kind"]))


@pytest.fixture(scope="module")
def batch():
    return x.read(FIXTURE)


def test_owner_comes_from_account_js_with_handle_and_profile(batch):
    acc = batch.tables["accounts"].set_index("id")
    assert batch.owner == OWNER
    assert acc.loc[OWNER, "handle"] == "founder_ana"
    assert acc.loc[OWNER, "bio"] == "Founder of an example B2B company."
    assert acc.loc[OWNER, "location"] == "Lisbon"
    assert str(acc.loc[OWNER, "created_at"]) == "2012-03-04 05:06:07"
    # the archive is the owner's own record: its counts are exact (posts include the retweet)
    assert (acc.loc[OWNER, "followers_count"], acc.loc[OWNER, "following_count"],
            acc.loc[OWNER, "posts_count"]) == (4, 2, 5)
    assert acc["followers_count"].isna()["2001"]  # other profiles: unknown, not 0


def test_follows_go_both_ways_and_handles_are_filled_where_any_file_names_them(batch):
    f = batch.tables["follows"]
    assert sorted(f.loc[f["followee"] == OWNER, "follower"]) == ["2001", "2002", "2003", "2004"]
    assert sorted(f.loc[f["follower"] == OWNER, "followee"]) == ["2001", "2005"]
    handles = batch.tables["accounts"].set_index("id")["handle"]
    assert handles["2001"] == "cust_cy"  # named only by a reply
    assert handles["2003"] == "fan_di"  # named only by a mention
    assert handles.isna()["2004"]  # never named: unknown, not invented


def test_posts_replies_mentions_retweets_and_parts(batch):
    posts = batch.tables["posts"]
    own = posts[posts["author"] == OWNER]
    assert sorted(own["id"]) == ["5001", "5002", "5004", "5005"]  # the retweet is a share, not a post
    assert interactions(batch, "reply") == [(OWNER, "2001", "reply")]  # thread replies to self skipped
    # the replied-to account is not also "mentioned"; self-mentions are not counted
    assert interactions(batch, "mention") == [(OWNER, "2003", "mention"), (OWNER, "2005", "mention")]
    assert interactions(batch, "share") == [(OWNER, "2005", "share")]
    assert batch.skipped["replies to the owner's own posts (threads)"] == 1


def test_likes_get_an_author_only_where_the_archive_names_one(batch):
    assert interactions(batch, "like") == [(OWNER, "2001", "like"), (OWNER, "2005", "like")]
    posts = batch.tables["posts"].set_index("id")
    assert posts.loc["9777", "author"] is None or posts.isna().loc["9777", "author"]
    assert batch.skipped["likes whose post author the archive does not name"] == 1
    assert any("1 of 3 likes" in n for n in batch.notes)


def test_direct_messages_count_both_ways_and_group_messages_split(batch):
    df = batch.tables["interactions"]
    dm = df[df["kind"] == "message"]
    pairs = sorted(zip(dm["actor"], dm["target"], dm["weight"]))
    assert pairs == [(OWNER, "2002", 1.0), ("2002", OWNER, 1.0), ("2003", OWNER, 0.5), ("2003", "2001", 0.5)]
    assert str(dm["at"].min()) == "2023-02-01 08:00:00"


def test_unknown_facts_and_notes_say_what_the_archive_cannot_tell(batch):
    assert {"likes_received", "shares_received"} <= batch.unknown
    assert "followers" not in batch.unknown and "following" not in batch.unknown
    assert batch.notes[0].startswith("X archive: owner @founder_ana; 4 followers, 2 following, 4 posts")
    assert "2 like" in batch.notes[0] and "4 message" in batch.notes[0]


def test_lists_become_groups_with_the_owner_as_member(batch):
    assert sorted(batch.tables["groups"]["group"]) == ["https://twitter.com/i/lists/4242",
                                                       "https://twitter.com/i/lists/4343"]
    assert list(batch.tables["memberships"]["account"]) == [OWNER]


def test_zip_with_top_folder_reads_like_the_folder(tmp_path, batch):
    zipped = zip_folder(FIXTURE, tmp_path / "twitter.zip")
    assert x.sniff(zipped)
    other = x.read(zipped)
    assert interactions(other) == interactions(batch)
    assert other.owner == OWNER


def test_import_into_workspace_keeps_unknown_and_owner(tmp_path):
    ws = innercircle.open(":memory:")
    summary = ws.import_batch(x.read(FIXTURE))
    assert summary["owner"] == OWNER
    assert summary["counts"]["follows"] == 6
    assert {"likes_received", "shares_received"} <= set(ws.unknown)


@pytest.mark.parametrize("make", [
    lambda p: p.mkdir(),
    lambda p: p.write_bytes(os.urandom(300)),
    lambda p: p.write_text("id,handle\n1,a\n"),
    lambda p: (p.mkdir(), (p / "data.js").write_text("var x = 1;")),
    lambda p: (p.mkdir(), (p / "Connections.csv").write_text("First Name,Last Name\n")),
], ids=["empty-folder", "random-bytes", "csv", "other-js", "linkedin"])
def test_sniff_refuses_what_is_not_an_x_archive(tmp_path, make):
    target = tmp_path / "thing"
    make(target)
    assert not x.sniff(target)
    assert not x.sniff(tmp_path / "missing")


def test_sniff_accepts_one_data_file_by_content(tmp_path):
    single = tmp_path / "export.txt"
    single.write_text('\ufeffwindow.YTD.follower.part0 = [ { "follower": { "accountId": "7" } } ]')
    assert x.sniff(single)
    batch = x.read(single)
    assert list(batch.tables["follows"]["follower"]) == ["7"]
    assert list(batch.tables["follows"]["followee"]) == ["@me"]  # no owner named: the workspace's


@pytest.mark.parametrize("prefix", [
    "window.YTD.tweets.part0 = ", "window.YTD.tweets.part0=", "\ufeff  window.YTD.tweet.part0 =\n", "",
], ids=["standard", "no-spaces", "bom-and-newline", "bare-json"])
def test_prefix_variations_and_old_unwrapped_tweets(tmp_path, prefix):
    data = tmp_path / "a" / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_text('window.YTD.account.part0 = [{"account": {"accountId": "1", "username": "me"}}]')
    old = [{"id_str": "10", "created_at": "Mon Jan 09 10:00:00 +0000 2023", "full_text": "hi @b",
            "entities": {"user_mentions": [{"id_str": "2", "screen_name": "b"}]}}]
    (data / "tweet.js").write_text(prefix + json.dumps(old))
    batch = x.read(tmp_path / "a")
    assert interactions(batch, "mention") == [("1", "2", "mention")]


def test_malformed_record_gives_partial_import_with_a_note(tmp_path):
    folder = copy_fixture(tmp_path)
    tweets = folder / "data" / "tweets.js"
    text = tweets.read_text()
    cut = text.index('"tweet"', text.index('"5002"'))  # break the record after 5002
    tweets.write_text(text[:cut] + '"tweet": {"id_str": "5003", oops' + text[cut + 10:])
    with pytest.raises(InputError, match="tweets.js.*malformed JSON in record 3.*--partial"):
        x.read(folder)
    with using(ReadOptions(partial=True)):
        batch = x.read(folder)
    note = next(n for n in batch.notes if "tweets.js" in n)
    assert "malformed JSON in record 3" in note and "2 records read" in note
    assert "5001" in set(batch.tables["posts"]["id"]) and "5004" not in set(batch.tables["posts"]["id"])


def test_truncated_data_file_is_read_up_to_the_cut(tmp_path):
    folder = copy_fixture(tmp_path)
    follower = folder / "data" / "follower.js"
    text = follower.read_text()
    follower.write_text(text[: text.index('"2003"')])
    with pytest.raises(InputError, match="follower.js"):
        x.read(folder)
    with using(ReadOptions(partial=True)):
        batch = x.read(folder)
    f = batch.tables["follows"]
    assert sorted(f.loc[f["followee"] == OWNER, "follower"]) == ["2001", "2002"]
    assert any("follower.js" in n and "record" in n for n in batch.notes)


def test_damaged_zip_member_fails_and_partial_keeps_the_other_files(tmp_path):
    src = tmp_path / "archive.zip"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(FIXTURE.rglob("*")):
            if p.is_file():
                zf.writestr(p.relative_to(FIXTURE).as_posix(), p.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("data/follower.js")
    blob = bytearray(src.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    blob[start + info.compress_size // 2] ^= 0xFF  # one flipped byte in the member's compressed data
    src.write_bytes(bytes(blob))
    with pytest.raises(InputError, match="follower.js.*--partial"):
        x.read(src)
    with using(ReadOptions(partial=True)):
        batch = x.read(src)
    assert any("follower.js" in n and "--partial" in n for n in batch.notes)
    assert batch.skipped["follower.js: unreadable rest of file"] == 1
    assert len(batch.tables["posts"]) > 0  # the undamaged files are all read


def test_missing_files_become_unknown_facts(tmp_path):
    folder = copy_fixture(tmp_path)
    (folder / "data" / "follower.js").unlink()
    (folder / "data" / "direct-messages.js").unlink()
    batch = x.read(folder)
    assert {"followers", "messages"} <= batch.unknown
    assert any("no follower.js" in n for n in batch.notes)


def test_a_folder_without_x_data_is_an_input_error(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "readme.txt").write_text("nothing")
    with pytest.raises(InputError, match="no X archive data file"):
        x.read(tmp_path)


def test_zip_slip_in_an_archive_is_refused(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data/account.js", "window.YTD.account.part0 = []")
        zf.writestr("../../evil.js", "x")
    with pytest.raises(InputError, match="slip"):
        x.read(path)


def test_records_split_across_read_chunks(batch, monkeypatch):
    monkeypatch.setattr(x, "_CHUNK", 7)
    small = x.read(FIXTURE)
    assert interactions(small) == interactions(batch)
    assert small.tables["posts"]["id"].tolist() == batch.tables["posts"]["id"].tolist()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10), max_size=8), chunk=st.integers(1, 40), indent=st.sampled_from([None, 1, 2]))
def test_stream_parser_matches_json_loads(tmp_path, monkeypatch, records, chunk, indent):
    monkeypatch.setattr(x, "_CHUNK", chunk)
    path = tmp_path / "f.js"
    path.write_text("window.YTD.like.part0 = " + json.dumps(records, indent=indent))
    from innercircle.io.archive import SourceTree
    with SourceTree.open(path) as tree:
        stream = x.YtdFile(tree, tree.names()[0])
        assert list(stream) == records and stream.error is None


_IDS = st.sampled_from(["1", "2", "2001", OWNER, "0", "", "x", None, 5, True, [], {}])
_TWEET = st.fixed_dictionaries({}, optional={
    "id_str": _IDS, "created_at": st.sampled_from(["Mon Jan 09 10:00:00 +0000 2023", "bad", "", None, 3]),
    "full_text": st.sampled_from(["RT @b: x", "RT @zz: y", "hi", None, 7, "RT @"]),
    "in_reply_to_user_id_str": _IDS, "in_reply_to_status_id_str": _IDS,
    "entities": st.sampled_from([{}, {"user_mentions": "x"}, {"user_mentions": [{"id_str": "2", "screen_name": "b"}]},
                                 {"user_mentions": [None, {"id": 3}]}, None]),
    "retweeted_status": st.sampled_from([None, {}, {"user": {"id_str": "9"}}, "x"])})
_RECORD = st.one_of(st.builds(lambda t: {"tweet": t}, _TWEET), _TWEET, st.integers(), st.none(),
                    st.builds(lambda i: {"follower": {"accountId": i}}, _IDS),
                    st.builds(lambda i: {"like": {"tweetId": i, "expandedUrl": "https://x.com/b/status/1"}}, _IDS),
                    st.builds(lambda s, r: {"dmConversation": {"messages": [{"messageCreate": {
                        "senderId": s, "recipientId": r, "createdAt": "2023-01-01T00:00:00Z"}}]}}, _IDS, _IDS))
_FILES = ["tweets.js", "follower.js", "following.js", "like.js", "direct-messages.js",
          "direct-messages-group.js", "account.js", "lists-member.js"]


def assert_valid(batch) -> None:
    """What the workspace requires: known tables, required ids filled, known kinds, one row per account."""
    for name, df in batch.tables.items():
        assert name in TABLES
        for col in REQUIRED[name]:
            assert df[col].notna().all() and (df[col].astype(str).str.strip() != "").all(), (name, col)
    assert set(batch.tables["interactions"]["kind"]) <= set(KINDS)
    assert batch.tables["accounts"]["id"].is_unique
    assert batch.unknown <= set(UNKNOWABLE)


def write_records(folder: Path, files: dict) -> Path:
    data = folder / "data"
    data.mkdir()
    for name, records in files.items():
        (data / name).write_text(f"window.YTD.{name[:-3]}.part0 = " + json.dumps(records))
    return folder


_ODD_FILES = st.dictionaries(st.sampled_from(_FILES), st.lists(_RECORD, max_size=5), min_size=1, max_size=4)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=_ODD_FILES)
def test_fuzz_odd_records_give_a_valid_batch(tmp_path_factory, files):
    """Records of every odd shape: never a crash, and the batch is one the workspace accepts."""
    try:
        batch = x.read(write_records(tmp_path_factory.mktemp("fz"), files))
    except InputError as e:
        assert "\n" not in str(e)
        return
    assert_valid(batch)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=_ODD_FILES)
def test_fuzz_odd_records_import_as_one_snapshot(tmp_path_factory, files):
    try:
        batch = x.read(write_records(tmp_path_factory.mktemp("fz"), files))
    except InputError:
        return
    ws = innercircle.open(":memory:")
    assert ws.import_batch(batch, me=batch.owner or "1")["snapshot"] == 1


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_mutated_archive_bytes_give_input_error_or_a_batch(tmp_path_factory, data):
    """Flipped, cut and inserted bytes in the data files or the zip: only InputError or a batch."""
    folder = copy_fixture(tmp_path_factory.mktemp("fz"))
    target = folder / "data" / data.draw(st.sampled_from(sorted(_FILES)))
    if data.draw(st.booleans()):
        target = zip_folder(folder, folder.parent / "a.zip")
    blob = bytearray(target.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(blob)))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip" and pos < len(blob):
            blob[pos] = data.draw(st.sampled_from(b'{}[],:"\\0aZ\xff\xc3 '))
        elif op == "cut":
            del blob[pos: pos + data.draw(st.integers(1, 200))]
        else:
            blob[pos:pos] = data.draw(st.binary(max_size=16))
    target.write_bytes(bytes(blob))
    source = target if target.suffix == ".zip" else folder
    try:
        batch = x.read(source)
    except InputError as e:
        assert "\n" not in str(e)
        return
    assert batch.format == "x"
    assert_valid(batch)


def test_progress_is_reported_per_data_file():
    seen = []
    x.read(FIXTURE, progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen[-1][:2] == (12, 12) and any("tweets-part1.js" in s[2] for s in seen)


def test_deeply_nested_record_is_skipped_with_a_note(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "follower.js").write_text(
        'window.YTD.follower.part0 = [{"follower": {"accountId": "5"}}, ' + "[" * 50_000 + "]" * 50_000 + "]")
    with pytest.raises(InputError, match="nested too deeply"):
        x.read(tmp_path)
    with using(ReadOptions(partial=True)):
        batch = x.read(tmp_path)
    assert list(batch.tables["follows"]["follower"]) == ["5"]
    assert any("nested too deeply" in n for n in batch.notes)


def test_data_files_are_streamed_never_read_whole(monkeypatch):
    from innercircle.io.archive import SourceTree

    def refuse(self, name, **kw):
        raise AssertionError(f"{name} was read whole")
    monkeypatch.setattr(SourceTree, "read_bytes", refuse)
    monkeypatch.setattr(x, "_manifest", lambda tree, name: {})
    assert len(x.read(FIXTURE).tables["follows"]) == 6


def test_zip_bomb_is_refused_by_the_reader(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/account.js", "window.YTD.account.part0 = []")
        zf.writestr("data/tweets.js", "window.YTD.tweets.part0 = [" + " " * (64 << 20) + "]")
    with pytest.raises(InputError, match="zip bomb"):
        x.read(path)


def test_message_headers_file_does_not_double_count_messages(tmp_path):
    folder = copy_fixture(tmp_path)
    text = (folder / "data" / "direct-messages.js").read_text()
    (folder / "data" / "direct-message-headers.js").write_text(
        text.replace("direct_messages", "direct_message_headers").replace('"text": "Sure!",', ""))
    batch = x.read(folder)
    assert len(batch.tables["interactions"].query("kind == 'message'")) == 4
