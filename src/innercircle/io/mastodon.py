"""Mastodon: the account archive (actor.json, outbox.json, likes.json) and the CSV exports.

The archive (.zip, or .tar.gz from older servers) names the owner and holds what the owner did:
posts, replies, mentions (messages when the post was direct), boosts (shares) and likes. It does not
say who follows the owner or who answered, boosted or liked their posts: those facts stay unknown
until ``innercircle fetch mastodon`` asks the API.

The CSV exports (following_accounts.csv, lists.csv, blocked_accounts.csv, muted_accounts.csv) name
no owner: their follows are written with the follower ``@me``, which the workspace replaces by the
owner an earlier import set (or ``--me``).

Account ids are ``@user@instance`` handles in lower case, the form Mastodon shows and the CSV
exports use; an account known only by an address that does not follow Mastodon's URL scheme keeps
that address as its id.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import posixpath
import re
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from ..errors import InputError
from .api._rows import Rows
from .archive import Damaged
from .batch import OWNER_ALIAS, ImportBatch, reader
from .options import current

FORMAT = "mastodon"
ME = OWNER_ALIAS  # the workspace replaces it by its owner
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

UNKNOWN = {"followers", "likes_received", "shares_received", "replies_received",
           "mentions_received", "messages", "profiles"}

ARCHIVE_FILES = ("actor.json", "outbox.json", "likes.json", "bookmarks.json")
CSV_KINDS = {"following_accounts": "following", "lists": "lists", "blocked_accounts": "blocked",
             "muted_accounts": "muted"}
#: One JSON item (an activity) larger than this is refused rather than buffered.
MAX_ITEM = 32 * 1024 * 1024
MAX_CSV = 256 * 1024 * 1024

_ADDRESS = re.compile(r"^@?([^@\s/,]+)@([^@\s/,]+\.[^@\s/,]+)$")


# -- detection ---------------------------------------------------------------------------------

def sniff(path: Path) -> bool:
    """True for a Mastodon archive (actor.json with outbox.json) or one of its CSV exports."""
    try:
        from .archive import SourceTree

        with SourceTree.open(Path(path)) as tree:
            archive, csvs = _members(tree)
            good = [k for k in csvs if not k.startswith("bad:")]
            # a file named like an export but shaped otherwise is claimed only when it is the
            # whole source (so that its error is Mastodon's); in a folder it is someone else's
            return bool(archive or good or (tree.kind == "file" and csvs))
    except Exception:  # noqa: BLE001 - sniffing arbitrary files must never raise
        return False


def _members(tree) -> tuple[dict[str, str], dict[str, str]]:
    """(archive files by base name, CSV exports by kind), found by name and checked by content."""
    found: dict[str, str] = {}
    for name in tree.names():
        base = name.rsplit("/", 1)[-1].lower()
        if base in ARCHIVE_FILES and base not in found:
            found[base] = name
    archive = {}
    if {"actor.json", "outbox.json"} <= set(found):
        head = tree.head(found["actor.json"], 8192)
        if b'"type"' in head and (b'"preferredUsername"' in head or b'"outbox"' in head):
            archive = found
    csvs: dict[str, str] = {}
    for name in tree.names():
        if not _csv_candidate(tree, name):
            continue
        kind = _csv_kind(name, tree.head(name, 2048))
        if kind and kind not in csvs:
            csvs[kind] = name
    return archive, csvs


def _csv_candidate(tree, name: str) -> bool:
    """Look inside a file only when it is the whole source or named like a CSV export."""
    base = name.rsplit("/", 1)[-1].lower()
    return tree.size(name) < MAX_CSV and (
        tree.kind == "file" or base.endswith(".csv") or any(base.startswith(k) for k in CSV_KINDS))


def _csv_kind(name: str, head: bytes) -> str | None:
    """Which CSV export a file is, from its first line (and its name when it has no header)."""
    from .archive import decode_text

    text = decode_text(head)[0].lstrip("\ufeff")
    first = text.splitlines()[0].strip() if text.strip() else ""
    cells = [c.strip().lower() for c in first.split(",")]
    if cells[:1] == ["account address"]:
        return "muted" if "hide notifications" in cells else "following"
    base = re.sub(r"[^a-z_]", "", name.rsplit("/", 1)[-1].lower().rsplit(".", 1)[0])
    stem = next((k for k in CSV_KINDS if base.startswith(k)), None)
    if stem is None:
        return None
    if not first:
        return CSV_KINDS[stem]  # an empty export: nothing to import, but it is one
    if stem == "lists" and len(cells) == 2 and _ADDRESS.match(cells[1]):
        return "lists"
    if stem != "lists" and _ADDRESS.match(cells[0]):
        return CSV_KINDS[stem]
    return f"bad:{stem}"  # named like an export but shaped otherwise: say so rather than guess


# -- reading -----------------------------------------------------------------------------------

@reader("this Mastodon export", hint="the export may be damaged; download it again")
def read(path: Path, *, progress: Callable | None = None, owner: str | None = None) -> ImportBatch:
    """Parse a Mastodon archive and/or CSV exports into an ImportBatch.

    ``owner`` is the owner's id for sources that name none (the CSV exports); None writes
    ``@me``, which the workspace replaces by its owner.
    """
    from .archive import SourceTree

    path = Path(path)
    with SourceTree.open(path) as tree:
        archive, csvs = _members(tree)
        if not archive and not csvs:
            raise InputError("no Mastodon archive (actor.json, outbox.json) or CSV export "
                             "(following_accounts.csv, lists.csv, blocked_accounts.csv, "
                             "muted_accounts.csv) found", file=str(path))
        bad = {k: n for k, n in csvs.items() if k.startswith("bad:")}
        if bad and not archive and len(bad) == len(csvs):
            kind, name = next(iter(bad.items()))
            raise InputError(f"the first line is not that of Mastodon's {kind[4:]}.csv export "
                             "(expected 'Account address,...' or user@instance addresses)",
                             file=tree.label(name), row=1,
                             hint="export it again from Preferences > Import and export")
        reader = _Reader(tree, progress)
        for kind, name in bad.items():
            reader.notes.append(f"skipped {name}: its first line is not that of Mastodon's "
                                f"{kind[4:]}.csv export")
            csvs.pop(kind)
        me = reader.archive(archive) if archive else None
        me = me or (canonical(owner) or owner if owner else None)
        for kind, name in sorted(csvs.items()):
            reader.csv(kind, name, me or ME)
        return reader.batch(str(path), me, archive=bool(archive))


class _Reader:
    def __init__(self, tree, progress: Callable | None):
        self.tree, self.progress = tree, progress
        self.rows, self.skipped, self.notes = Rows(), {}, []
        self.tags: dict[str, set[str]] = {}

    def skip(self, why: str, n: int = 1) -> None:
        if n:
            self.skipped[why] = self.skipped.get(why, 0) + n

    # the archive ---------------------------------------------------------------------------
    def archive(self, files: dict[str, str]) -> str:
        actor = self._json(files["actor.json"])
        me = account_from_actor(actor) if isinstance(actor, dict) else None
        if not me:
            raise InputError("actor.json names no account (no 'id' with a user address)",
                             file=self.tree.label(files["actor.json"]),
                             hint="this does not look like a Mastodon archive")
        icon = actor.get("icon")
        self.rows.account(me, handle=me, name=_text(actor.get("name")),
                          bio=strip_html(actor.get("summary")), url=_text(actor.get("url")),
                          created_at=_text(actor.get("published")),
                          has_avatar=isinstance(icon, dict) and bool(icon.get("url")))
        self.followers_url = actor.get("followers")
        n = 0
        for n, item in enumerate(self._items(files["outbox.json"]), 1):
            try:
                self.activity(me, item)
            except (TypeError, ValueError, AttributeError, KeyError):
                self.skip("outbox activities of an unexpected shape")  # spoils only itself
            if self.progress and n % 5000 == 0:
                self.progress(n, None, "outbox activities")
        self.notes.append(f"outbox.json: {n} activities")
        if "likes.json" in files:
            likes = 0
            for likes, uri in enumerate(self._items(files["likes.json"]), 1):
                target = account_from_uri(uri)
                if not (isinstance(uri, str) and target):
                    self.skip("likes whose author cannot be told from the post's address")
                    continue
                self.rows.interact(me, target, "like", post=uri)
            self.notes.append(f"likes.json: {likes} likes (the archive does not say when)")
        if "bookmarks.json" in files:
            marks = sum(1 for _ in self._items(files["bookmarks.json"]))
            self.notes.append(f"bookmarks.json: {marks} bookmarks (private, not counted as care)")
        return me

    def activity(self, me: str, item: Any) -> None:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "Announce":
            uri = item.get("object")
            uri = uri.get("id") if isinstance(uri, dict) else uri
            target = account_from_uri(uri)
            if not target:
                self.skip("boosts whose author cannot be told from the post's address")
                return
            self.rows.interact(me, target, "share", at=_text(item.get("published")), post=uri)
        elif kind == "Create" and isinstance(item.get("object"), dict):
            if not self.note(me, item["object"], item):
                self.skip("posts without an id")
        else:
            self.skip(f"outbox activities of other types ({str(kind)[:30]})" if isinstance(kind, str)
                      else "outbox activities that are not objects with a type")

    def note(self, me: str, obj: dict, activity: dict) -> bool:
        uri = obj.get("id")
        if not isinstance(uri, str):
            return False
        at = _text(obj.get("published")) or _text(activity.get("published"))
        parent = obj.get("inReplyTo") if isinstance(obj.get("inReplyTo"), str) else None
        self.rows.post(uri, author=me, at=at, text=strip_html(obj.get("content")), reply_to=parent,
                       url=_text(obj.get("url")) or uri)
        if parent and (target := account_from_uri(parent)):
            self.rows.interact(me, target, "reply", at=at, post=parent)
        direct = self._direct(obj, activity)
        tags = obj.get("tag")
        for tag in tags if isinstance(tags, list) else [tags] if isinstance(tags, dict) else ():
            if isinstance(tag, dict) and tag.get("type") == "Mention":
                target = account_from_mention(tag)
                if target:
                    self.rows.account(target, handle=target)
                    self.rows.interact(me, target, "message" if direct else "mention", at=at, post=uri)
                else:
                    self.skip("mentions without a readable account address")
        return True

    def _direct(self, obj: dict, activity: dict) -> bool:
        """A post addressed to neither the public nor the owner's followers is a direct message."""
        audience = []
        for src in (obj, activity):
            for key in ("to", "cc"):
                v = src.get(key)
                audience += v if isinstance(v, list) else [v] if isinstance(v, str) else []
        if not audience:
            return False
        open_to = {PUBLIC, "as:Public", "Public", getattr(self, "followers_url", None)}
        return not any(a in open_to or (isinstance(a, str) and a.endswith("/followers"))
                       for a in audience)

    # the CSV exports -----------------------------------------------------------------------
    def csv(self, kind: str, name: str, me: str) -> None:
        label = self.tree.label(name)
        from .archive import decode_text

        text, _enc = decode_text(self.tree.read_bytes(name, limit=MAX_CSV), file=label)
        try:
            rows = list(csv.reader(io.StringIO(text.replace("\x00", ""))))
        except csv.Error as e:
            raise InputError(f"not a readable CSV ({e})", file=label) from None
        if rows and rows[0] and rows[0][0].strip().lower().lstrip("\ufeff") == "account address":
            rows = rows[1:]
        before = len(self.rows.follows)
        n = 0
        for n, row in enumerate(rows, 1):
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            addr_cell = cells[1] if kind == "lists" and len(cells) > 1 else cells[0]
            acct = canonical(addr_cell)
            if not acct:
                self.skip(f"{name.rsplit('/', 1)[-1]}: rows whose account address is not user@instance")
                continue
            self.rows.account(acct, handle=acct)
            if kind == "following":
                self.rows.follow(me, acct)
            elif kind == "lists":
                gid = f"mastodon-list:{cells[0]}"
                self.rows.group(gid, cells[0])
                self.rows.member(gid, acct)
            else:
                self.tags.setdefault(acct, set()).add(kind)
        base = name.rsplit("/", 1)[-1]
        if kind == "following":
            self.notes.append(f"{base}: {len(self.rows.follows) - before} accounts the owner follows")
        else:
            self.notes.append(f"{base}: {n} rows ({kind})")

    # helpers -------------------------------------------------------------------------------
    def _json(self, name: str) -> Any:
        label = self.tree.label(name)
        data = self.tree.read_bytes(name, limit=MAX_ITEM)
        try:
            return json.loads(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise InputError("is not UTF-8 text", file=label,
                             hint="Mastodon writes UTF-8; export the archive again") from None
        except (ValueError, RecursionError) as e:
            raise InputError(f"malformed JSON ({_short(e)})", file=label) from None

    def _items(self, name: str) -> Iterator[Any]:
        """Stream the ``orderedItems`` of a collection file one item at a time.

        A truncated or corrupt file is an error; with ``--partial`` the items before the damage are
        kept, and a note and the summary's ``skipped`` say what was left out.
        """
        label, n = self.tree.label(name), 0
        try:
            with self.tree.open(name) as raw:
                for item in iter_ordered_items(raw, label):
                    n += 1
                    yield item
        except Damaged as e:
            if not current().partial:
                raise
            self.notes.append(f"{label}: {e.problem}; {n} items read before that (--partial)")
            self.skip(f"{posixpath.basename(label)}: unreadable rest of file")

    def batch(self, source: str, me: str | None, *, archive: bool) -> ImportBatch:
        for acct, tags in self.tags.items():
            self.rows.account(acct, tags=",".join(sorted(tags)))
        notes = list(self.notes)
        if archive:
            notes.append("the archive names the owner but not who follows them, nor who replied to, "
                         "boosted or liked their posts: these are unknown until `innercircle fetch "
                         "mastodon` asks the API")
        else:
            notes.append("the CSV exports name no owner: the follows are the owner's (the workspace's "
                         "owner, or --me); who follows the owner is unknown")
        notes += [f"skipped {n} {why}" for why, n in sorted(self.skipped.items())]
        return self.rows.batch(FORMAT, source, owner=me if archive else None, unknown=UNKNOWN,
                               notes=notes, skipped=self.skipped)


# -- a streaming reader for {"orderedItems": [...]} ---------------------------------------------

_OPEN_LIST = re.compile(r"\s*:\s*\[")
_SPACE = re.compile(r"\s*")


def iter_ordered_items(raw, label: str, *, chunk: int = 1 << 20) -> Iterator[Any]:
    """Yield the items of the top-level ``orderedItems`` array without loading the whole file."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    dec = json.JSONDecoder()
    buf, pos, eof = "", 0, False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        data = raw.read(chunk)
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise InputError("is not UTF-8 text", file=label,
                             hint="Mastodon writes UTF-8; export the archive again") from None
        eof = not data
        buf = buf[pos:] + text
        pos = 0
        return bool(data) or bool(text)

    while (at := buf.find('"orderedItems"', pos)) < 0:
        pos = max(0, len(buf) - 20)
        if not more():
            raise InputError("has no 'orderedItems' list", file=label,
                             hint="this file is not an ActivityPub collection")
    pos = at + len('"orderedItems"')
    while True:
        m = _OPEN_LIST.match(buf, pos)
        if m:
            pos = m.end()
            break
        if len(buf) - pos > 64 or not more():
            raise InputError("'orderedItems' is not a list", file=label)
    first = True
    while True:
        while True:
            pos = _SPACE.match(buf, pos).end()
            if pos < len(buf) or not more():
                break
        if pos >= len(buf):
            raise InputError("ends before the 'orderedItems' list is closed (truncated?)", file=label)
        c = buf[pos]
        if c == "]":
            return
        if not first:
            if c != ",":
                raise InputError(f"malformed JSON (expected ',' or ']' between items, found {c!r})",
                                 file=label)
            pos += 1
            while True:
                pos = _SPACE.match(buf, pos).end()
                if pos < len(buf) or not more():
                    break
        first = False
        while True:
            try:
                item, end = dec.raw_decode(buf, pos)
            except json.JSONDecodeError as e:
                if len(buf) - pos > MAX_ITEM:
                    raise InputError("an item is larger than 32 MiB or malformed", file=label) from None
                if not more():
                    if e.pos >= len(buf) - 1:
                        raise Damaged("ends in the middle of an item (truncated?)", file=label) from None
                    raise InputError(f"malformed JSON ({_short(e)})", file=label) from None
                continue
            except RecursionError:
                raise InputError("malformed JSON (nested too deeply)", file=label) from None
            if end >= len(buf) and not eof and not isinstance(item, (dict, list)) and more():
                continue  # a bare number or string may go on in the next chunk
            pos = end
            yield item
            break


# -- ids ---------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1 << 16)
def canonical(address: Any) -> str | None:
    """``user@instance`` or ``@user@instance`` -> ``@user@instance`` (lower case), else None."""
    if not isinstance(address, str):
        return None
    m = _ADDRESS.match(address.strip())
    return f"@{m.group(1)}@{m.group(2)}".lower() if m else None


_USER_URL = re.compile(r"^https?://([^/:@?#\s]+)(?::\d+)?/(?:users/([^/?#\s]+)|@([^/?#\s]+))(?:[/?#]|$)")


@functools.lru_cache(maxsize=1 << 16)
def account_from_uri(uri: Any) -> str | None:
    """The author of an actor or status address following Mastodon's URL scheme.

    ``https://host/users/NAME[/statuses/ID]`` and ``https://host/@NAME[/ID]`` give ``@name@host``.
    """
    if not isinstance(uri, str):
        return None
    m = _USER_URL.match(uri)
    if not m:
        return None
    name = m.group(2) or m.group(3)
    if "@" in name:  # https://host/@user@remote/ID: a remote account shown by another server
        return canonical(name)
    return canonical(f"{name}@{m.group(1)}")


def account_from_actor(actor: dict) -> str | None:
    """The owner's ``@user@instance`` from actor.json (preferredUsername at the id's host)."""
    uri, user = actor.get("id"), actor.get("preferredUsername")
    if isinstance(uri, str) and isinstance(user, str):
        host = urlsplit(uri).hostname if uri.startswith(("https://", "http://")) else None
        if host:
            return canonical(f"{user}@{host}")
    return account_from_uri(uri)


def account_from_mention(tag: dict) -> str | None:
    name, href = tag.get("name"), tag.get("href")
    if isinstance(name, str) and name.count("@") == 2:
        return canonical(name)
    return account_from_uri(href) or (canonical(name) if isinstance(name, str) else None)


# -- text --------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]{0,2000}>")
_BREAK = re.compile(r"<\s*(br|/p)\s*/?\s*>", re.I)


def strip_html(value: Any) -> str | None:
    """Mastodon's HTML content as plain text (paragraphs and line breaks kept as newlines)."""
    if not isinstance(value, str):
        return None
    text = _TAG.sub("", _BREAK.sub("\n", value))
    return html.unescape(text).strip()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _short(e: BaseException) -> str:
    return " ".join(str(e).split())[:120]
