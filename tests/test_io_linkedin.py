"""LinkedIn export reader: connections both ways, messages, invitations, word of mouth, posts."""

from __future__ import annotations

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
from innercircle.io import linkedin
from innercircle.model import KINDS, REQUIRED, TABLES, UNKNOWABLE

FIXTURE = Path(__file__).parent / "fixtures" / "linkedin" / "export"
ME = "https://www.linkedin.com/in/ana-example"
CY = "https://www.linkedin.com/in/cy-customer-0a1b2c"
BO = "https://www.linkedin.com/in/bo-peer"
EVE = "https://www.linkedin.com/in/eve-supplier"
FUZZ_EXAMPLES = int(os.environ.get("INNERCIRCLE_FUZZ", "60"))


def copy_fixture(tmp_path: Path) -> Path:
    dest = tmp_path / "export"
    shutil.copytree(FIXTURE, dest)
    return dest


def rows(batch, kind):
    df = batch.tables["interactions"]
    df = df[df["kind"] == kind]
    return sorted(zip(df["actor"], df["target"], df["weight"]))


def assert_valid(batch) -> None:
    """What the workspace requires: known tables, required ids filled, known kinds, one row per account."""
    for name, df in batch.tables.items():
        assert name in TABLES
        for col in REQUIRED[name]:
            assert df[col].notna().all() and (df[col].astype(str).str.strip() != "").all(), (name, col)
    assert set(batch.tables["interactions"]["kind"]) <= set(KINDS)
    assert batch.tables["accounts"]["id"].is_unique
    assert batch.unknown <= set(UNKNOWABLE)


@pytest.fixture(scope="module")
def batch():
    return linkedin.read(FIXTURE)


def test_owner_id_is_their_profile_url_found_in_invitations_and_messages(batch):
    acc = batch.tables["accounts"].set_index("id")
    assert batch.owner == ME
    assert (acc.loc[ME, "name"], acc.loc[ME, "handle"]) == ("Ana Example", "ana-example")
    assert (acc.loc[ME, "company"], acc.loc[ME, "position"]) == ("Example Ltd", "Founder")  # current job
    assert acc.loc[ME, "location"] == "Lisbon, Portugal"


def test_connections_skip_the_notes_preamble_and_follow_both_ways_with_since(batch):
    f = batch.tables["follows"]
    followers = f[f["followee"] == ME]
    assert len(followers) == 4 and len(f[f["follower"] == ME]) == 4
    since = dict(zip(followers["follower"], followers["since"].astype(str)))
    assert since[CY] == "2023-03-12" and since[EVE] == "2020-06-20"


def test_company_position_and_canonical_urls_go_into_accounts(batch):
    acc = batch.tables["accounts"].set_index("id")
    assert acc.loc[EVE, "position"] == "Sales Director, EMEA"  # URL had capitals and a trailing slash
    assert acc.loc[BO, "email"] == "bo@example.org"
    di = acc[acc["name"] == "Di Fan"]
    assert di.index[0].startswith("linkedin-name:") and di["company"].iloc[0] == "Fan, Ltd"


def test_messages_go_both_ways_and_group_messages_split(batch):
    assert rows(batch, "message") == sorted([(BO, ME, 0.5), (BO, EVE, 0.5), (CY, ME, 1.0), (ME, CY, 1.0)])


def test_invitations_are_interactions_not_follows(batch):
    fay, gus = "https://www.linkedin.com/in/fay-prospect", "https://www.linkedin.com/in/gus-advisor"
    assert rows(batch, "invitation") == sorted([(ME, gus, 1.0), (fay, ME, 1.0)])
    f = batch.tables["follows"]
    assert not ({fay, gus} & (set(f["follower"]) | set(f["followee"])))
    at = batch.tables["interactions"].set_index("actor").loc[fay, "at"]
    assert str(at) == "2023-03-20 16:15:00"


def test_recommendations_and_endorsements_are_word_of_mouth_toward_the_owner(batch):
    # the recommendation names Bo by name only: matched to the connection of that name
    assert rows(batch, "word_of_mouth") == sorted([(BO, ME, 1.0), (EVE, ME, 1.0), (EVE, ME, 1.0)])


def test_shares_comments_and_reactions(batch):
    posts = batch.tables["posts"].set_index("id")
    assert posts.loc["urn:li:share:7100", "author"] == ME  # from the renamed Shares_2.csv
    comment = posts[posts["reply_to"] == "urn:li:activity:7002"]
    assert list(comment["author"]) == [ME] and list(comment["text"]) == ["Congrats, well deserved!"]
    assert posts.isna().loc["urn:li:activity:7001", "author"]  # reacted to: author unknown
    assert "like" not in set(batch.tables["interactions"]["kind"])
    assert batch.skipped["Reactions.csv: reactions to posts whose author the export does not name"] == 1


def test_notes_count_kinds_and_say_non_connection_followers_are_absent(batch):
    assert batch.notes[0].startswith("LinkedIn export: 4 connections")
    assert "4 message, 2 invitation, 3 word_of_mouth" in batch.notes[0]
    assert any("followers who are not connections are not in it" in n for n in batch.notes)
    assert {"likes_received", "shares_received"} <= batch.unknown
    assert "followers" not in batch.unknown


def test_zip_with_renamed_files_reads_the_same(tmp_path, batch):
    path = tmp_path / "Basic_LinkedInDataExport_03-05-2023.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in FIXTURE.iterdir():
            name = "Connections (1).csv" if p.name == "Connections.csv" else p.name
            zf.write(p, name)
    assert linkedin.sniff(path)
    other = linkedin.read(path)
    assert rows(other, "message") == rows(batch, "message")
    assert len(other.tables["follows"]) == 8


def test_changed_headers_case_spaces_synonyms_and_reordered(tmp_path):
    (tmp_path / "Connections.csv").write_text(
        "connected on,Profile URL,first name,LAST NAME,E-mail,Company Name,Job Title\n"
        "2024-01-02,https://linkedin.com/in/zed?trk=x,Zed,Zee,z@example.org,Zco,CTO\n")
    batch = linkedin.read(tmp_path)
    acc = batch.tables["accounts"].set_index("id")
    zed = "https://www.linkedin.com/in/zed"
    assert (acc.loc[zed, "name"], acc.loc[zed, "company"], acc.loc[zed, "position"]) == ("Zed Zee", "Zco", "CTO")
    assert batch.tables["follows"]["since"].astype(str).tolist() == ["2024-01-02", "2024-01-02"]
    assert list(batch.tables["follows"]["followee"]) == ["@me", zed]  # no Profile.csv: the workspace's owner
    ws = innercircle.open(":memory:")
    ws.import_batch(batch, me="someone")
    assert ws.owner == "someone"


def test_connections_with_an_unknown_header_is_one_input_error(tmp_path):
    (tmp_path / "Connections.csv").write_text("Vorname;Nachname;Verbunden am\nA;B;1.2.2023\n")
    with pytest.raises(InputError, match="Connections.csv: no header row") as err:
        linkedin.read(tmp_path)
    assert "First Name" in str(err.value) and "\n" not in str(err.value)


def test_a_minor_file_with_a_bad_header_is_skipped_with_a_note(tmp_path):
    folder = copy_fixture(tmp_path)
    (folder / "Reactions.csv").write_text("foo,bar\n1,2\n")
    batch = linkedin.read(folder)
    assert any("Reactions.csv: no header row" in n for n in batch.notes)
    assert len(batch.tables["follows"]) == 8


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_spreadsheet_encodings_are_read(tmp_path, encoding):
    text = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            "Zoë,Müller,https://www.linkedin.com/in/zoe,,Café GmbH,Chef,12 Mar 2023\n")
    (tmp_path / "Connections.csv").write_bytes(text.encode(encoding))
    acc = linkedin.read(tmp_path).tables["accounts"].set_index("id")
    assert acc.loc["https://www.linkedin.com/in/zoe", "company"] == "Café GmbH"


def test_malformed_csv_gives_partial_import_with_a_note(tmp_path):
    folder = copy_fixture(tmp_path)
    big = "x" * 200_000  # over the csv module's field limit
    with open(folder / "messages.csv", "a") as f:
        f.write(f'2-x==,,Bo Peer,{BO},Ana Example,{ME},2023-05-01 10:00:00 UTC,,"{big}",INBOX,\n')
    with pytest.raises(InputError, match="messages.csv.*malformed CSV"):
        linkedin.read(folder)
    with using(ReadOptions(partial=True)):
        batch = linkedin.read(folder)
    note = next(n for n in batch.notes if "messages.csv" in n)
    assert "malformed CSV" in note and "3 rows read" in note
    assert len(rows(batch, "message")) == 4


def test_sniff(tmp_path):
    assert linkedin.sniff(FIXTURE)
    assert linkedin.sniff(FIXTURE / "Connections.csv")
    (tmp_path / "accounts.csv").write_text("id,handle\n1,a\n")
    (tmp_path / "comments.csv").write_text("Date,Link,Message\n")  # alone, not distinctive
    assert not linkedin.sniff(tmp_path)
    assert not linkedin.sniff(tmp_path / "missing")
    (tmp_path / "bin.csv").write_bytes(os.urandom(500))
    assert not linkedin.sniff(tmp_path / "bin.csv")


def test_a_folder_without_linkedin_files_is_an_input_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="no LinkedIn export file"):
        linkedin.read(tmp_path)


def test_import_into_workspace_sets_owner_and_counts():
    ws = innercircle.open(":memory:")
    summary = ws.import_batch(linkedin.read(FIXTURE))
    assert summary["owner"] == ME
    assert summary["counts"]["follows"] == 8 and summary["counts"]["interactions"] == 9


@pytest.mark.parametrize("url, expected", [
    ("https://www.linkedin.com/in/Bo-Peer/", "https://www.linkedin.com/in/bo-peer"),
    ("www.linkedin.com/in/bo-peer", "https://www.linkedin.com/in/bo-peer"),
    ("http://de.linkedin.com/in/bo-peer?trk=abc", "https://www.linkedin.com/in/bo-peer"),
    ("https://example.com/in/bo", None), ("", None),
], ids=["case-slash", "no-scheme", "country-query", "other-site", "empty"])
def test_profile_id(url, expected):
    assert linkedin.profile_id(url) == expected


_CELL = st.one_of(st.sampled_from(["", "Ana Example", ME, BO, "12 Mar 2023", "INCOMING", "OUTGOING",
                                   "3/20/23, 4:15 PM", "not a date", "Yes", "a,b", 'x"y', "\n"]),
                  st.text(max_size=12))
_HEADERS = {
    "Connections.csv": "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    "messages.csv": "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,CONTENT",
    "Invitations.csv": "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl",
    "Recommendations_Received.csv": "First Name,Last Name,Company,Job Title,Text,Creation Date,Status",
    "Endorsement_Received_Info.csv": "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url",
    "Profile.csv": "First Name,Last Name,Maiden Name,Headline,Geo Location",
    "Reactions.csv": "Date,Type,Link", "Comments.csv": "Date,Link,Message",
    "Shares.csv": "Date,ShareLink,ShareCommentary,SharedUrl",
}


def _csv_text(header: str, table: list[list[str]]) -> str:
    import csv
    import io
    out = io.StringIO()
    csv.writer(out).writerows([header.split(",")] + table)
    return out.getvalue()


_ODD = st.dictionaries(st.sampled_from(sorted(_HEADERS)), st.lists(st.lists(_CELL, max_size=9), max_size=5),
                       min_size=1, max_size=5)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=_ODD)
def test_fuzz_odd_rows_give_a_valid_batch(tmp_path_factory, files):
    """Rows of any length and content under real headers: never a crash, always a valid batch."""
    folder = tmp_path_factory.mktemp("li")
    for name, table in files.items():
        (folder / name).write_text(_csv_text(_HEADERS[name], table))
    try:
        batch = linkedin.read(folder)
    except InputError as e:
        assert "\n" not in str(e)
        return
    assert_valid(batch)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=_ODD)
def test_fuzz_odd_rows_import_as_one_snapshot(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("li")
    for name, table in files.items():
        (folder / name).write_text(_csv_text(_HEADERS[name], table))
    try:
        batch = linkedin.read(folder)
        ws = innercircle.open(":memory:")
        assert ws.import_batch(batch, me=batch.owner or "me")["snapshot"] == 1
    except InputError as e:
        assert "\n" not in str(e)  # refused (an id with a control character): one line


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_mutated_export_bytes_give_input_error_or_a_batch(tmp_path_factory, data):
    """Flipped, cut and inserted bytes in a CSV or in the zip: only InputError or a valid batch."""
    folder = copy_fixture(tmp_path_factory.mktemp("li"))
    target = folder / data.draw(st.sampled_from(sorted(p.name for p in FIXTURE.iterdir())))
    if data.draw(st.booleans()):
        zipped = folder.parent / "export.zip"
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(folder.iterdir()):
                zf.write(p, f"export/{p.name}")
        target = zipped
    blob = bytearray(target.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(blob)))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip" and pos < len(blob):
            blob[pos] = data.draw(st.sampled_from(b',"\n\r;\0aZ\xff\xc3 '))
        elif op == "cut":
            del blob[pos: pos + data.draw(st.integers(1, 200))]
        else:
            blob[pos:pos] = data.draw(st.binary(max_size=16))
    target.write_bytes(bytes(blob))
    try:
        batch = linkedin.read(target if target.suffix == ".zip" else folder)
    except InputError as e:
        assert "\n" not in str(e)
        return
    assert_valid(batch)


def test_connections_alone_import_into_the_owner_an_earlier_import_set(tmp_path):
    ws = innercircle.open(":memory:")
    ws.import_batch(linkedin.read(FIXTURE))
    (tmp_path / "Connections.csv").write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "New,Person,https://www.linkedin.com/in/new-person,,,,02 Apr 2024\n")
    batch = linkedin.read(tmp_path / "Connections.csv")
    assert batch.owner is None
    ws.import_batch(batch)
    mine = ws.con.execute("SELECT follower FROM follows WHERE followee = ? ORDER BY 1", [ME]).fetchall()
    assert ("https://www.linkedin.com/in/new-person",) in mine


def test_drafts_and_rows_without_direction_are_skipped_and_counted(tmp_path):
    folder = copy_fixture(tmp_path)
    with open(folder / "messages.csv", "a") as f:
        f.write(f"2-d==,,Ana Example,{ME},Cy Customer,{CY},2023-05-01 10:00:00 UTC,,draft,DRAFTS,\n")
    (folder / "messages.csv").write_text((folder / "messages.csv").read_text().replace(
        "FOLDER,ATTACHMENTS", "FOLDER,IS MESSAGE DRAFT").replace("DRAFTS,\n", "DRAFTS,Yes\n"))
    with open(folder / "Invitations.csv", "a") as f:
        f.write("Hal Unknown,Ana Example,\"3/22/23, 8:00 AM\",,SIDEWAYS,,\n")
    batch = linkedin.read(folder)
    assert batch.skipped["messages.csv: drafts"] == 1
    assert batch.skipped["Invitations.csv: rows without INCOMING/OUTGOING direction"] == 1
    assert len(rows(batch, "message")) == 4


def test_progress_is_reported_per_file():
    seen = []
    linkedin.read(FIXTURE, progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen[-1][0] == seen[-1][1] == 10 and any("Connections.csv" in s[2] for s in seen)


def test_member_id_urls_in_messages_fall_back_to_the_connection_of_that_name(tmp_path):
    folder = copy_fixture(tmp_path)
    (folder / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n"
        "2-q==,,Cy Customer,https://www.linkedin.com/in/ACoAAB1x2y3,Ana Example,"
        "https://www.linkedin.com/in/ACoAAZ9z9z9,2023-06-01 09:00:00 UTC,,Hello,INBOX\n")
    batch = linkedin.read(folder)
    assert rows(batch, "message") == [(CY, ME, 1.0)]


def test_files_given_by_the_owner_are_not_read_as_received(tmp_path):
    folder = copy_fixture(tmp_path)
    shutil.copy(folder / "Recommendations_Received.csv", folder / "Recommendations_Given.csv")
    shutil.copy(folder / "messages.csv", folder / "guide_messages.csv")
    batch = linkedin.read(folder)
    assert len(rows(batch, "word_of_mouth")) == 3 and len(rows(batch, "message")) == 4
