"""LinkedIn data export (.zip as downloaded, or its folder): connections, messages, invitations,
recommendations, endorsements and the owner's own reactions, comments and shares.

What each file becomes:

================================  ===========================================================
Profile.csv (+ Positions.csv)     the owner: name, headline (bio), location, current company
                                  and position
Connections.csv                   accounts (name, profile URL, email, company, position) and a
                                  follow both ways with ``since`` = Connected On: a connection
                                  is mutual
messages.csv                      ``message`` sender -> each recipient (a message to k people
                                  counts 1/k toward each); drafts are skipped
Invitations.csv                   ``invitation``: INCOMING = them -> owner, OUTGOING = owner ->
                                  them; a pending invitation is not a follow
Recommendations_Received.csv,     ``word_of_mouth`` -> owner (one per recommendation, one per
Endorsement_Received_Info.csv     endorsed skill)
Shares.csv                        the owner's posts
Comments.csv                      the owner's comments, kept as posts replying to the post
                                  commented on (whose author the export does not name)
Reactions.csv                     the posts the owner reacted to (author unknown); the reactions
                                  cannot count as care toward anyone and are skipped (noted)
================================  ===========================================================

Account ids are canonical profile URLs (``https://www.linkedin.com/in/<slug>``, the slug being
the handle); a person known
only by name (recommendations, rows without URL) is matched to the connection of that name, or
else gets ``linkedin-name:<hash>``, stable across imports. Headers are matched loosely (case,
spaces, punctuation and known synonyms), the "Notes:" lines before the Connections header are
skipped, and renamed files (``Shares_2.csv``, ``Connections (1).csv``) are recognised, by name or
else by header. The export does not list followers who are not connections, nor who reacted to,
commented on or shared the owner's posts: those facts stay unknown.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import posixpath
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import unquote, urlsplit

from ..errors import InputError
from .archive import SourceTree, decode_text
from .batch import OWNER_ALIAS, ImportBatch, reader

FORMAT = "linkedin"

#: Facts a LinkedIn export never holds.
UNKNOWN = {"likes_received", "shares_received", "replies_received", "mentions_received", "profiles"}

#: file name (letters only, numbered copies removed) -> kind of file
FILES = {
    "profile": "profile", "positions": "positions", "connections": "connections",
    "messages": "messages", "invitations": "invitations",
    "recommendationsreceived": "recommendations", "endorsementreceivedinfo": "endorsements",
    "endorsementsreceivedinfo": "endorsements", "endorsementsreceived": "endorsements",
    "reactions": "reactions", "comments": "comments", "shares": "shares",
}

_URL = ("url", "profileurl", "publicprofileurl", "linkedinurl", "publicurl", "linkedinprofile")

#: per kind: field -> header names it may carry (lower case, letters and digits only)
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "profile": {"first": ("firstname", "givenname"), "last": ("lastname", "surname", "familyname"),
                "headline": ("headline",), "summary": ("summary", "about"),
                "location": ("geolocation", "location", "address"), "url": _URL,
                "industry": ("industry",), "maiden": ("maidenname",), "websites": ("websites",)},
    "positions": {"company": ("companyname", "company"), "position": ("title", "position", "jobtitle"),
                  "started": ("startedon", "startdate"), "finished": ("finishedon", "enddate")},
    "connections": {"first": ("firstname", "givenname"), "last": ("lastname", "surname", "familyname"),
                    "name": ("name", "fullname"), "url": _URL,
                    "email": ("emailaddress", "email", "emailaddresses"),
                    "company": ("company", "companyname", "organization", "organisation", "employer"),
                    "position": ("position", "title", "jobtitle"),
                    "since": ("connectedon", "connectiondate", "connected", "dateconnected")},
    "messages": {"conversation": ("conversationid",), "from": ("from", "sender", "sendername"),
                 "from_url": ("senderprofileurl", "senderurl", "fromprofileurl"),
                 "to": ("to", "recipients", "recipient", "recipientnames"),
                 "to_url": ("recipientprofileurls", "recipientprofileurl", "recipienturls", "toprofileurls"),
                 "date": ("date", "sentat", "sent", "datetime"), "content": ("content", "message", "body"),
                 "draft": ("ismessagedraft", "draft"), "folder": ("folder",)},
    "invitations": {"from": ("from", "inviter"), "to": ("to", "invitee"), "date": ("sentat", "date", "sent"),
                    "direction": ("direction",), "from_url": ("inviterprofileurl", "inviterurl"),
                    "to_url": ("inviteeprofileurl", "inviteeurl"), "message": ("message",)},
    "recommendations": {"first": ("firstname", "recommenderfirstname"),
                        "last": ("lastname", "recommenderlastname"), "url": _URL,
                        "company": ("company", "companyname"), "position": ("jobtitle", "title", "position"),
                        "text": ("text", "recommendation"), "date": ("creationdate", "date", "createdat"),
                        "status": ("status",)},
    "endorsements": {"date": ("endorsementdate", "date"), "skill": ("skillname", "skill"),
                     "first": ("endorserfirstname", "firstname"), "last": ("endorserlastname", "lastname"),
                     "url": ("endorserpublicurl", "endorserprofileurl", "endorserurl", "url"),
                     "status": ("endorsementstatus", "status")},
    "reactions": {"date": ("date",), "type": ("type", "reactiontype"), "link": ("link", "url", "postlink")},
    "comments": {"date": ("date",), "link": ("link", "url", "postlink"), "message": ("message", "comment", "text")},
    "shares": {"date": ("date",), "link": ("sharelink", "link", "url"),
               "text": ("sharecommentary", "commentary", "text"), "shared": ("sharedurl",),
               "visibility": ("visibility",)},
}

#: per kind: sets of fields whose presence identifies a header (any one set suffices)
SIGNATURES: dict[str, tuple[frozenset[str], ...]] = {
    "connections": (frozenset({"first", "last", "since"}), frozenset({"url", "since"}),
                    frozenset({"name", "since"})),
    "messages": (frozenset({"conversation", "from"}), frozenset({"from", "to_url"})),
    "invitations": (frozenset({"direction", "date"}), frozenset({"from_url", "to_url"})),
    "recommendations": (frozenset({"first", "last", "text", "date"}),),
    "endorsements": (frozenset({"skill", "first", "last"}), frozenset({"skill", "url"})),
    "profile": (frozenset({"first", "last", "headline"}), frozenset({"first", "last", "maiden"})),
    "positions": (frozenset({"company", "position", "started"}),),
    "reactions": (frozenset({"date", "type", "link"}),),
    "comments": (frozenset({"date", "link", "message"}),),
    "shares": (frozenset({"date", "link", "text"}), frozenset({"link", "shared"})),
}

#: the header each file has in current exports (for messages)
HEADERS = {
    "profile": "First Name, Last Name, Headline, Geo Location",
    "positions": "Company Name, Title, Started On, Finished On",
    "connections": "First Name, Last Name, URL, Email Address, Company, Position, Connected On",
    "messages": "CONVERSATION ID, FROM, SENDER PROFILE URL, TO, RECIPIENT PROFILE URLS, DATE, CONTENT",
    "invitations": "From, To, Sent At, Message, Direction, inviterProfileUrl, inviteeProfileUrl",
    "recommendations": "First Name, Last Name, Company, Job Title, Text, Creation Date, Status",
    "endorsements": "Endorsement Date, Skill Name, Endorser First Name, Endorser Last Name, Endorser Public Url",
    "reactions": "Date, Type, Link",
    "comments": "Date, Link, Message",
    "shares": "Date, ShareLink, ShareCommentary, SharedUrl, MediaUrl, Visibility",
}

#: fields matched in headers (they identify a file) but not kept: message texts are not needed
UNUSED = {"messages": ("content", "conversation", "folder"), "invitations": ("message",),
          "recommendations": ("text",)}

#: kinds that identify a LinkedIn export on their own (the others have headers common elsewhere)
DISTINCT = ("connections", "messages", "invitations", "recommendations", "endorsements", "profile")
OWNER_SCAN = 20_000         # messages rows scanned for the owner's URL when no other file gives it
HEADER_SEARCH = 40          # rows searched for the header (past the "Notes:" preamble)
MAX_TEXT = 64 * 1024 * 1024  # decoded CSV text read at once for encoding detection of small files


# -- detection -------------------------------------------------------------------------------

def sniff(path: Path) -> bool:
    """True for a folder/archive (or one CSV) holding a LinkedIn export file, checked by header."""
    try:
        with SourceTree.open(Path(path)) as tree:
            return any(kind in DISTINCT for kind in _classify(tree, strict=True).values())
    except Exception:  # noqa: BLE001 - sniffing arbitrary files must never raise
        return False


#: export files with the header of one we read but another meaning (Recommendations_Given.csv
#: has the header of Recommendations_Received.csv; guide_messages.csv that of messages.csv)
_OTHER = re.compile(r"given|guide|coach|learning|.messages$")


def _file_key(name: str) -> str:
    """``Connections (1).csv`` -> ``connections``; ``Shares_2.csv`` -> ``shares``."""
    stem = posixpath.basename(name).lower()
    stem = re.sub(r"\.csv$", "", stem)
    stem = re.sub(r"([\s_\-]*(\(\d+\)|\d+))+$", "", stem)
    return re.sub(r"[^a-z]", "", stem)


def _norm(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", cell.lower())


def _match(header: list[str], kind: str) -> dict[str, int]:
    """field -> column index for the cells of a header row (first synonym found wins)."""
    cells = [_norm(c) for c in header]
    found: dict[str, int] = {}
    for field, names in FIELDS[kind].items():
        for alias in names:
            if alias in cells:
                found[field] = cells.index(alias)
                break
    return found


def _signed(found: dict[str, int], kind: str) -> bool:
    return any(sig <= set(found) for sig in SIGNATURES[kind])


def _classify(tree: SourceTree, *, strict: bool) -> dict[str, str]:
    """member -> kind, by file name (its header must then match loosely) or else by header."""
    out: dict[str, str] = {}
    for name in tree.names():
        key = _file_key(name)
        is_csv = name.lower().endswith(".csv") or tree.kind == "file"
        if not is_csv:
            continue
        kind = FILES.get(key)
        if kind is None and _OTHER.search(key):
            continue
        rows = _head_rows(tree, name)
        if kind:
            if any(len(_match(r, kind)) >= 2 for r in rows) or not strict:
                out[name] = kind
            continue
        for candidate in SIGNATURES:
            if any(_signed(_match(r, candidate), candidate) for r in rows):
                out[name] = candidate
                break
    return out


def _head_rows(tree: SourceTree, name: str) -> list[list[str]]:
    """The first rows of a CSV member, parsed leniently (for detection only)."""
    try:
        head = tree.head(name, 16384)
    except InputError:
        return []
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return []  # binary
    text = decode_text(head)[0]
    if "\n" in text and len(head) == 16384:
        text = text[: text.rfind("\n")]
    try:
        return [r for r in csv.reader(io.StringIO(text))][:HEADER_SEARCH]
    except csv.Error:
        return []


# -- reading one CSV -------------------------------------------------------------------------

class CsvFile:
    """Rows of one export CSV as ``{field: text or None}``, streamed, after its header.

    ``error`` says why reading stopped early (malformed CSV); ``missing`` is True when no header
    of the expected kind was found.
    """

    def __init__(self, tree: SourceTree, name: str, kind: str):
        self.tree, self.name, self.kind, self.label = tree, name, kind, tree.label(name)
        self.count = 0
        self.error: str | None = None
        self.missing = False
        self.encoding = "utf-8"

    def __iter__(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        self.encoding = _guess_encoding(self.tree.head(self.name, 65536))
        with self.tree.open(self.name) as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            reader = csv.reader(text)
            try:
                cols = self._header(reader)
                drop = UNUSED.get(self.kind, ())
                if cols is None:
                    self.missing = True
                    return
                for row in reader:
                    if not any(c.strip() for c in row):
                        continue
                    self.count += 1
                    yield reader.line_num, {f: _cell(row, i) for f, i in cols.items() if f not in drop}
            except csv.Error as e:
                self.error = f"malformed CSV near line {reader.line_num} ({e})"

    def _header(self, reader) -> dict[str, int] | None:
        for _, row in zip(range(HEADER_SEARCH), reader):
            found = _match(row, self.kind)
            if _signed(found, self.kind) or (len(found) >= 2 and len(found) * 2 >= len(row)):
                return found
        return None


def _guess_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 4:  # a character cut by the end of the head
            return "utf-8-sig"
    return "cp1252"


def _cell(row: list[str], i: int) -> str | None:
    if i >= len(row):
        return None
    return row[i].strip() or None


# -- ids -------------------------------------------------------------------------------------

_PROFILE = re.compile(r"linkedin\.com/(in|pub|company|school)/([^/?#\s]+)", re.I)
_URL_RE = re.compile(r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/[^\s,;\"']+", re.I)
_URN = re.compile(r"urn:li:(activity|share|ugcPost|comment):[0-9A-Za-z_\-(),]+")


@functools.lru_cache(maxsize=1 << 16)
def profile_id(url: str | None) -> str | None:
    """Canonical id for a LinkedIn profile URL: ``https://www.linkedin.com/in/<slug>``."""
    if not url:
        return None
    url = url.strip()
    m = _PROFILE.search(url)
    if m:
        return f"https://www.linkedin.com/{m.group(1).lower()}/{unquote(m.group(2)).lower()}"
    if "linkedin.com" not in url.lower():
        return None
    parts = urlsplit(url if "://" in url else "https://" + url)
    return f"https://{parts.netloc.lower()}{parts.path.rstrip('/')}" if parts.netloc else None


def _handle(pid: str) -> str | None:
    """The vanity name of a profile URL (``/in/ana-example`` -> ``ana-example``); member-id URLs
    (``/in/ACoAA...``) name no handle."""
    prefix = "https://www.linkedin.com/in/"
    if pid.startswith(prefix) and not pid[len(prefix):].startswith("acoa"):
        return pid[len(prefix):]
    return None


def name_id(name: str) -> str:
    """Stable id for a person known only by name."""
    key = " ".join(name.casefold().split())
    return "linkedin-name:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def post_id(link: str | None) -> str | None:
    """``urn:li:activity:123`` from a post link, else the link itself."""
    if not link:
        return None
    m = _URN.search(unquote(link))
    return m.group(0) if m else link.strip()


def _full(first: str | None, last: str | None) -> str | None:
    name = " ".join(p for p in (first, last) if p)
    return name or None


# -- the parse -------------------------------------------------------------------------------

class _Export:
    """Rows collected while reading one export."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.owner: str | None = None
        self.owner_name: str | None = None
        self.accounts: dict[str, dict[str, Any]] = {}
        self.by_name: dict[str, str | None] = {}   # casefolded name -> connection id (None: ambiguous)
        self.connections: set[str] = set()
        self.follows: list[tuple] = []              # follower, followee, since
        self.interactions: list[tuple] = []         # actor, target, kind, at, post, weight
        self.posts: list[tuple] = []                # id, author, at, text, reply_to, url
        self.raw: dict[str, list[tuple[int, dict]]] = {}

    @property
    def me(self) -> str:
        return self.owner or OWNER_ALIAS

    def person(self, url: str | None, name: str | None) -> str | None:
        """The id of a person named by URL and/or name; records what is known about them.

        A URL that is no connection's (messages may carry member-id URLs instead of the vanity
        URL of Connections.csv) gives way to the one connection of exactly that name.
        """
        pid = profile_id(url)
        if pid is not None and pid == self.owner:
            return self.me
        if pid is None or pid not in self.connections:
            key = " ".join(name.casefold().split()) if name else ""
            if self.owner_name and key == " ".join(self.owner_name.casefold().split()):
                return self.me
            if pid is None and key in ("", "linkedin member", "linkedin"):
                return None
            pid = self.by_name.get(key) or pid or name_id(name)
        self.account(pid, name=name, url=pid if pid.startswith("https://") else None)
        return pid

    def account(self, pid: str, **fields: Any) -> None:
        if pid not in self.accounts:
            self.accounts[pid] = {"id": pid, "handle": _handle(pid)}
        row = self.accounts[pid]
        for key, value in fields.items():
            if value is not None and row.get(key) is None:
                row[key] = value


@reader("this LinkedIn export", hint="the export may be damaged; download it again")
def read(path: Path, *, progress: Callable | None = None) -> ImportBatch:
    """Parse a LinkedIn data export into an ImportBatch (see the module docstring)."""
    with SourceTree.open(path) as tree:
        return _read_tree(tree, ImportBatch(format=FORMAT, source=str(path)), progress)


_ORDER = ("profile", "positions", "connections", "invitations", "messages", "recommendations",
          "endorsements", "shares", "comments", "reactions")


def _read_tree(tree: SourceTree, batch: ImportBatch, progress) -> ImportBatch:
    members = _classify(tree, strict=False)
    if not any(kind in DISTINCT for kind in members.values()):
        raise InputError("no LinkedIn export file found (expected Connections.csv, Profile.csv, "
                         "messages.csv, Invitations.csv ...)", file=str(tree.path),
                         hint="give the export .zip as downloaded, or its unpacked folder")
    e = _Export(batch)
    todo = sorted(members.items(), key=lambda kv: (_ORDER.index(kv[1]), kv[0]))
    # messages.csv is often most of the export: it is streamed once, after the small files
    # have told who the owner is (a first, cheap pass only when they could not)
    big = [name for name, kind in todo if kind == "messages"]
    step = 0
    for name, kind in todo:
        if kind == "messages":
            continue
        step = _progress(progress, step, len(todo), name)
        rows = CsvFile(tree, name, kind)
        e.raw.setdefault(kind, []).extend(rows)
        _report(batch, rows)
    _owner(e, lambda: (row for name in big for _, row in CsvFile(tree, name, "messages")))
    for kind in ("connections", "invitations"):  # before the files that name people loosely
        for _, row in e.raw.get(kind, []):
            STEPS[kind](e, row)
    for name in big:
        step = _progress(progress, step, len(todo), name)
        rows = CsvFile(tree, name, "messages")
        for _, row in rows:
            _messages(e, row)
        _report(batch, rows)
    for kind in ("recommendations", "endorsements", "shares", "comments", "reactions"):
        for _, row in e.raw.get(kind, []):
            STEPS[kind](e, row)
    if progress:
        progress(len(todo), len(todo), "done")
    _finish(e, set(members.values()))
    return batch


def _progress(progress, step: int, total: int, name: str) -> int:
    if progress:
        progress(step, total, f"reading {name}")
    return step + 1


def _report(batch: ImportBatch, rows: CsvFile) -> None:
    base = posixpath.basename(rows.name)
    if rows.missing:
        expected = HEADERS[rows.kind]
        if rows.kind == "connections":
            raise InputError(f"no header row found in the first {HEADER_SEARCH} lines",
                             file=rows.label, hint=f"expected columns like: {expected}")
        batch.notes.append(f"{rows.label}: no header row with the expected columns ({expected}); "
                           "the file was skipped")
        batch.skip(f"{base}: file without a recognisable header")
    if rows.error:  # truncated or corrupt: an error, unless --partial keeps what was read
        batch.damaged(rows.label, rows.error, read=f"{rows.count} rows read before that",
                      skipped=f"{base}: unreadable rest of file")
    if rows.encoding not in ("utf-8-sig", "utf-8"):
        batch.notes.append(f"{rows.label}: not UTF-8, read as {rows.encoding}")


def _owner(e: _Export, messages: Callable[[], Iterator[dict]]) -> None:
    """The owner's id: a profile URL where any file gives it, else a hash of their name.

    ``messages`` streams the rows of messages.csv; it is read only when neither Profile.csv nor
    Invitations.csv gives the owner's URL.
    """
    profile = next((row for _, row in e.raw.get("profile", [])), None)
    if profile:
        e.owner_name = _full(profile.get("first"), profile.get("last"))
    candidates: Counter[str] = Counter()
    if profile and profile_id(profile.get("url")):
        candidates[profile_id(profile.get("url"))] += 1000
    for _, row in e.raw.get("invitations", []):
        direction = (row.get("direction") or "").upper()
        own = row.get("from_url") if direction == "OUTGOING" else row.get("to_url") if direction == "INCOMING" else None
        if profile_id(own):
            candidates[profile_id(own)] += 1
    if e.owner_name and not candidates:
        me = e.owner_name.casefold()
        for seen, row in enumerate(messages()):  # the owner sends often: the first rows tell
            if (row.get("from") or "").casefold() == me and profile_id(row.get("from_url")):
                candidates[profile_id(row.get("from_url"))] += 1
            if seen >= OWNER_SCAN or sum(candidates.values()) >= 20:
                break
    if candidates:
        e.owner = candidates.most_common(1)[0][0]
    elif e.owner_name:
        e.owner = name_id(e.owner_name)
        e.batch.notes.append("no file gives the owner's profile URL: the owner's id is a hash of "
                             "their name")
    else:
        e.batch.notes.append("no Profile.csv and no profile URL of the owner: actions of the owner "
                             "are written for the workspace's owner (give --me ID)")
        return
    e.account(e.owner, name=e.owner_name, url=e.owner if e.owner.startswith("https://") else None,
              bio=profile.get("headline") if profile else None,
              location=profile.get("location") if profile else None)
    for _, row in e.raw.get("positions", []):
        if not row.get("finished"):
            e.account(e.owner, company=row.get("company"), position=row.get("position"))
            break


def _connections(e: _Export, row: dict) -> None:
    name = _full(row.get("first"), row.get("last")) or row.get("name")
    pid = profile_id(row.get("url")) or (name_id(name) if name else None)
    if pid is None:
        e.batch.skip("Connections.csv: rows without a name or profile URL")
        return
    if name:
        key = " ".join(name.casefold().split())
        e.by_name[key] = pid if e.by_name.get(key, pid) == pid else None
    if pid == e.owner:
        return
    e.connections.add(pid)
    e.account(pid, name=name, url=pid if pid.startswith("https://") else None,
              email=row.get("email"), company=row.get("company"), position=row.get("position"))
    since = row.get("since")
    e.follows += [(pid, e.me, since), (e.me, pid, since)]


def _invitations(e: _Export, row: dict) -> None:
    direction = (row.get("direction") or "").upper()
    at = row.get("date")
    if direction == "INCOMING":
        them = e.person(row.get("from_url"), row.get("from"))
        pair = (them, e.me)
    elif direction == "OUTGOING":
        them = e.person(row.get("to_url"), row.get("to"))
        pair = (e.me, them)
    else:
        e.batch.skip("Invitations.csv: rows without INCOMING/OUTGOING direction")
        return
    if them is None or them == e.me:
        e.batch.skip("Invitations.csv: rows naming nobody")
        return
    e.interactions.append((*pair, "invitation", at, None, 1.0))


def _messages(e: _Export, row: dict) -> None:
    if (row.get("draft") or "").lower() in ("yes", "true", "1"):
        e.batch.skip("messages.csv: drafts")
        return
    sender = e.person(row.get("from_url"), row.get("from"))
    urls = _URL_RE.findall(row.get("to_url") or "")
    names = [n.strip() for n in (row.get("to") or "").split(",") if n.strip()]
    if urls:
        people = [e.person(u, names[i] if len(names) == len(urls) else None) for i, u in enumerate(urls)]
    else:
        people = [e.person(None, n) for n in names]
    recipients = sorted({p for p in people if p and p != sender})
    if sender is None or not recipients:
        e.batch.skip("messages.csv: messages without a known sender and recipient")
        return
    for r in recipients:
        e.interactions.append((sender, r, "message", row.get("date"), None, 1.0 / len(recipients)))


def _recommendations(e: _Export, row: dict) -> None:
    name = _full(row.get("first"), row.get("last"))
    them = e.person(row.get("url"), name)
    if them is None or them == e.me:
        e.batch.skip("Recommendations_Received.csv: rows naming nobody")
        return
    e.account(them, company=row.get("company"), position=row.get("position"))
    e.interactions.append((them, e.me, "word_of_mouth", row.get("date"), None, 1.0))


def _endorsements(e: _Export, row: dict) -> None:
    them = e.person(row.get("url"), _full(row.get("first"), row.get("last")))
    if them is None or them == e.me:
        e.batch.skip("Endorsement_Received_Info.csv: rows naming nobody")
        return
    e.interactions.append((them, e.me, "word_of_mouth", row.get("date"), None, 1.0))


def _shares(e: _Export, row: dict) -> None:
    pid = post_id(row.get("link"))
    if pid is None:
        e.batch.skip("Shares.csv: rows without a link")
        return
    e.posts.append((pid, e.me, row.get("date"), row.get("text"), None, row.get("link")))


def _comments(e: _Export, row: dict) -> None:
    key = "|".join(row.get(k) or "" for k in ("date", "link", "message"))
    cid = "linkedin-comment:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    target = post_id(row.get("link"))
    e.posts.append((cid, e.me, row.get("date"), row.get("message"), target, row.get("link")))
    if target:
        e.posts.append((target, None, None, None, None, row.get("link")))


def _reactions(e: _Export, row: dict) -> None:
    pid = post_id(row.get("link"))
    if pid:
        e.posts.append((pid, None, None, None, None, row.get("link")))
    e.batch.skip("Reactions.csv: reactions to posts whose author the export does not name")


STEPS = {"connections": _connections, "invitations": _invitations, "messages": _messages,
         "recommendations": _recommendations, "endorsements": _endorsements, "shares": _shares,
         "comments": _comments, "reactions": _reactions}


# -- assembling the batch ----------------------------------------------------------------------

def _finish(e: _Export, kinds: set[str]) -> None:
    import pandas as pd

    batch = e.batch
    batch.owner = e.owner
    batch.unknown |= UNKNOWN
    if "connections" not in kinds:
        batch.unknown |= {"followers", "following"}
        batch.notes.append("no Connections.csv: who follows the owner and whom the owner follows "
                           "are unknown")
    if "messages" not in kinds:
        batch.unknown.add("messages")
        batch.notes.append("no messages.csv: messages are unknown")
    follows = pd.DataFrame(e.follows, columns=["follower", "followee", "since"])
    follows["since"] = when(follows["since"])
    inter = pd.DataFrame(e.interactions, columns=["actor", "target", "kind", "at", "post", "weight"])
    inter["at"] = when(inter["at"])
    inter["weight"] = inter["weight"].astype("float64")
    posts = pd.DataFrame(e.posts, columns=["id", "author", "at", "text", "reply_to", "url"])
    posts["at"] = when(posts["at"])
    # a post seen as the owner's (Shares) wins over the same post seen only by link
    posts = posts.sort_values("author", na_position="last", kind="stable").drop_duplicates("id")
    cols = ["id", "handle", "name", "url", "email", "company", "position", "bio", "location"]
    accounts = pd.DataFrame([{c: row.get(c) for c in cols} for row in e.accounts.values()], columns=cols)
    batch.tables = {"accounts": accounts, "follows": follows, "interactions": inter, "posts": posts}
    counts = Counter(dict(inter["kind"].value_counts()))
    n_conn = len(e.follows) // 2
    reactions = len(e.raw.get("reactions", []))
    batch.notes.insert(0, (
        f"LinkedIn export: {n_conn} connections (each a follow both ways), "
        + ", ".join(f"{counts[k]} {k}" for k in ("message", "invitation", "word_of_mouth"))
        + f", {sum(1 for p in e.posts if p[1] == e.me)} posts and comments by the owner, "
        f"{reactions} reactions"))
    batch.notes.append("a LinkedIn export lists connections only: followers who are not "
                       "connections are not in it")
    if reactions:
        batch.notes.append(f"{reactions} reactions name a post but not its author: the posts are "
                           "kept (author unknown), the reactions are not counted as care toward anyone")
    if e.raw.get("comments"):
        batch.notes.append("comments are kept as the owner's posts replying to the post commented "
                           "on; the export does not name that post's author, so they are not "
                           "counted as replies toward anyone")


_FORMATS = ("%d %b %Y", "%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%y %I:%M %p",
            "%Y/%m/%d %H:%M:%S", "%m/%d/%y", "%m/%d/%Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y")


def when(values):
    """LinkedIn's dates, whatever the export version: ISO 8601 (``2023-03-12 10:15:00 UTC``),
    ``12 Mar 2023``, ``3/12/23, 10:15 AM``, ``2023/03/12 10:15:00 UTC``... as naive UTC; anything
    unreadable becomes NaT (unknown)."""
    import pandas as pd

    s = pd.Series([re.sub(r"\s*(UTC|GMT|Z)$", "", v.strip()) if isinstance(v, str) else None
                   for v in values], dtype="object")
    out = pd.to_datetime(s, format="ISO8601", utc=True, errors="coerce")
    for fmt in _FORMATS:
        missing = out.isna() & s.notna()
        if not missing.any():
            break
        out = out.fillna(pd.to_datetime(s.where(missing), format=fmt, utc=True, errors="coerce"))
    return out.dt.tz_convert(None).astype("datetime64[us]")
