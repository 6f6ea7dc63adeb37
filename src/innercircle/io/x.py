"""X/Twitter archive: the ``data/*.js`` files of a downloaded archive (.zip or unpacked folder).

Each data file is a JavaScript assignment of a JSON list, ``window.YTD.<name>.part0 = [ ... ]``
(``tweets-part1.js`` continues with ``part1``). What the archive tells, and what becomes of it:

==========================  ============================================================
account.js, profile.js      the owner (numeric user id, handle, name, bio, website, ...);
                            the owner's follower/following/post counts are counted from the files
follower.js                 follows ``follower -> owner`` (ids only)
following.js                follows ``owner -> followee`` (ids only)
tweets.js / tweet.js        the owner's posts; ``reply`` owner -> in_reply_to_user_id;
                            ``mention`` owner -> each entities.user_mentions (not the replied-to
                            account, nor inside a retweet); ``share`` owner -> the retweeted author
like.js                     ``like`` owner -> author of the liked post, when any file names that
                            author (the owner replied to that post); otherwise the post is kept
                            in ``posts`` with an unknown author and the like is skipped (noted)
direct-messages*.js         ``message`` sender -> recipient (care both ways); a group message to
                            k people counts 1/k toward each
lists-member.js             groups (lists) the owner is a member of
==========================  ============================================================

The archive does not say who liked, retweeted, replied to or mentioned the owner's posts, nor
anything about other accounts' profiles: ``unknown`` holds likes_received, shares_received,
replies_received, mentions_received and profiles. Handles of followers are filled wherever any
file names them (mentions, replies). Data files are streamed record by record; a malformed file
is read up to the broken record and the notes say what was skipped.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import InputError
from .archive import Damaged, SourceTree
from .batch import OWNER_ALIAS, ImportBatch, reader

FORMAT = "x"

#: Facts an X archive never holds.
UNKNOWN = {"likes_received", "shares_received", "replies_received", "mentions_received", "profiles"}

#: One record larger than this is treated as malformed rather than buffered further.
MAX_RECORD = 16 * 1024 * 1024
_CHUNK = 1 << 20

_PREFIX = re.compile(r"\s*window\.(?:YTD\.([A-Za-z0-9_\-]+)\.part(\d+)|__THAR_CONFIG)\s*=\s*")
_SNIFF = re.compile(rb"^\s*window\.(YTD\.[A-Za-z0-9_\-]+\.part\d+|__THAR_CONFIG)\s*=")
_PART = re.compile(r"-part\d+$")
_BETWEEN = re.compile(r"[\s,]*")
_RT = re.compile(r"^RT @([A-Za-z0-9_]{1,30})\s*:")
_STATUS_URL = re.compile(r"(?:twitter|x)\.com/([A-Za-z0-9_]{1,30})/status(?:es)?/(\d+)", re.I)

#: data file name or YTD name, letters and digits only (``direct-messages`` and ``direct_messages``
#: alike), without ``-partN`` -> the dataset it holds
DATASETS = {
    "account": "account", "profile": "profile", "manifest": "manifest",
    "follower": "follower", "following": "following",
    "tweets": "tweets", "tweet": "tweets", "like": "like",
    "directmessages": "dm", "directmessage": "dm", "directmessageheaders": "dm",
    "directmessagesgroup": "dm-group", "directmessagegroupheaders": "dm-group",
    "listsmember": "lists-member", "listscreated": "lists-created", "verified": "verified",
}


# -- detection -------------------------------------------------------------------------------

def sniff(path: Path) -> bool:
    """True for a folder/archive whose ``*.js`` files start ``window.YTD.<name>.partN =``."""
    try:
        with SourceTree.open(Path(path)) as tree:
            names = tree.names() if tree.kind == "file" else _ranked_js(tree)
            return any(_SNIFF.match(tree.head(n, 256).lstrip(b"\xef\xbb\xbf")) for n in names[:4])
    except Exception:  # noqa: BLE001 - sniffing arbitrary files must never raise
        return False


def _ranked_js(tree: SourceTree) -> list[str]:
    """The .js members, best X candidates (known data file names) first."""
    js = tree.find("*.js")
    return sorted(js, key=lambda n: (_dataset(n) is None, n.count("/"), n))


def _dataset(name: str) -> str | None:
    """The dataset a data file holds, by its file name."""
    base = posixpath.basename(name).lower()
    if not base.endswith(".js"):
        return None
    return DATASETS.get(re.sub(r"[^a-z0-9]", "", _PART.sub("", base[:-3])))


def _dataset_by_content(tree: SourceTree, name: str) -> str | None:
    """The dataset a renamed data file holds, from its ``window.YTD.<name>.partN`` prefix."""
    m = _SNIFF.match(tree.head(name, 256).lstrip(b"\xef\xbb\xbf"))
    if not m:
        return None
    ytd = m.group(1).decode("ascii")
    if ytd == "__THAR_CONFIG":
        return "manifest"
    return DATASETS.get(re.sub(r"[^a-z0-9]", "", ytd.split(".")[1].lower()))


# -- streaming the window.YTD files ------------------------------------------------------------

class YtdFile:
    """The records of one ``window.YTD`` data file, streamed; ``error`` says where reading stopped."""

    def __init__(self, tree: SourceTree, name: str):
        self.tree, self.name, self.label = tree, name, tree.label(name)
        self.count = 0
        self.error: str | None = None

    def __iter__(self) -> Iterator[Any]:
        import io

        try:
            with self.tree.open(self.name) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
                yield from self._records(text)
        except Damaged as e:  # a damaged archive member: like a truncated file, --partial keeps the records before
            self.error = e.problem

    def _records(self, text) -> Iterator[Any]:
        decoder = json.JSONDecoder()
        buf, eof, lines = "", False, 0  # lines: newlines in the text already dropped from buf
        while len(buf) < 512 and not eof:  # the prefix must be whole before it is matched
            more = text.read(_CHUNK)
            buf, eof = buf + more, not more
        pos = self._skip_prefix(buf)
        if pos is None:
            return
        while True:
            pos = _BETWEEN.match(buf, pos).end()
            if pos >= len(buf) or (buf[pos] != "]" and len(buf) - pos < 64 and not eof):
                more = "" if eof else text.read(_CHUNK)
                eof = eof or not more
                lines += buf.count("\n", 0, pos)
                buf, pos = buf[pos:] + more, 0
                if not buf:
                    self.error = f"ends after record {self.count} without the closing ']' (truncated?)"
                    return
                continue
            if buf[pos] == "]":
                return
            try:
                obj, end = decoder.raw_decode(buf, pos)
                if end == len(buf) and not eof:
                    raise ValueError("value at the end of the buffer")  # may continue in the next chunk
            except RecursionError:
                self.error = f"record {self.count + 1} (line {lines + buf.count(chr(10), 0, pos) + 1}) " \
                             "is nested too deeply to read"
                return
            except ValueError as e:
                if eof or len(buf) - pos > MAX_RECORD:
                    at = getattr(e, "pos", pos)
                    self.error = (f"malformed JSON in record {self.count + 1} at line "
                                  f"{lines + buf.count(chr(10), 0, at) + 1} ({getattr(e, 'msg', e)})")
                    return
                more = text.read(_CHUNK)
                eof = not more
                lines += buf.count("\n", 0, pos)
                buf, pos = buf[pos:] + more, 0
                continue
            self.count += 1
            yield obj
            pos = end
            if pos > _CHUNK:
                lines += buf.count("\n", 0, pos)
                buf, pos = buf[pos:], 0

    def _skip_prefix(self, buf: str) -> int | None:
        m = _PREFIX.match(buf)
        pos = m.end() if m else len(buf) - len(buf.lstrip())
        if pos >= len(buf) or buf[pos] != "[":
            self.error = "does not start with 'window.YTD.<name>.part0 = [' (not an X archive data file)"
            return None
        return pos + 1


def _manifest(tree: SourceTree, name: str) -> dict:
    """manifest.js (``window.__THAR_CONFIG = {...}``): small, read whole."""
    try:
        text = tree.read_text(name, limit=64 * 1024 * 1024)
        m = _PREFIX.match(text)
        obj = json.loads(text[m.end() if m else 0:].strip().rstrip(";"))
        return obj if isinstance(obj, dict) else {}
    except (ValueError, InputError):
        return {}


# -- small accessors that never raise on odd shapes -------------------------------------------

def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _id(value: Any) -> str | None:
    """A numeric X id as text (ids in archives are strings; old ones may be numbers)."""
    if value.__class__ is str and value.isdigit() and value.isascii():
        return value if value.strip("0") else None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text if text.isdigit() and text.isascii() and text.strip("0") else None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _unwrap(record: Any, key: str) -> dict | None:
    """``{"tweet": {...}}`` -> ``{...}``; older archives have the object itself."""
    inner = _get(record, key)
    if isinstance(inner, dict):
        return inner
    return record if isinstance(record, dict) else None


# -- the parse -------------------------------------------------------------------------------

class _Archive:
    """Rows collected while reading one archive."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.owner: str | None = None
        self.owner_row: dict[str, Any] = {}
        self.handles: dict[str, str] = {}      # id -> handle
        self.names: dict[str, str] = {}        # id -> display name
        self.by_handle: dict[str, str] = {}    # lower handle -> id
        self.follows: list[tuple] = []
        self.interactions: list[tuple] = []    # actor, target, kind, at, post, weight
        self.posts: list[tuple] = []           # id, author, at, text, reply_to, url
        self.pending_likes: list[tuple] = []   # post id, handle or None, at, text, url
        self.replied_posts: dict[str, str] = {}  # post id -> its author (from the owner's replies)
        self.groups: list[tuple] = []
        self.memberships: list[tuple] = []
        self.retweets = 0
        self.messages_seen: set[str] = set()   # message ids: headers files repeat the full files

    @property
    def me(self) -> str:
        return self.owner or OWNER_ALIAS

    def name(self, id_: str | None, handle: Any = None, display: Any = None) -> None:
        handle, display = _text(handle), _text(display)
        if not id_:
            return
        if handle:
            handle = handle.lstrip("@")
            self.handles.setdefault(id_, handle)
            self.by_handle.setdefault(handle.lower(), id_)
        if display:
            self.names.setdefault(id_, display)


@reader("this X archive", hint="the archive may be damaged; download it again")
def read(path: Path, *, progress: Callable | None = None) -> ImportBatch:
    """Parse an X/Twitter archive into an ImportBatch (see the module docstring for the mapping)."""
    with SourceTree.open(path) as tree:
        return _read_tree(tree, ImportBatch(format=FORMAT, source=str(path)), progress)


def _read_tree(tree: SourceTree, batch: ImportBatch, progress) -> ImportBatch:
    files: dict[str, list[str]] = {}
    for name in tree.names():
        kind = _dataset(name)
        if kind is None and (tree.kind == "file" or name.lower().endswith(".js")):
            kind = _dataset_by_content(tree, name)
        if kind:
            files.setdefault(kind, []).append(name)
    if not files:
        raise InputError("no X archive data file found (expected data/account.js, data/tweets.js, "
                         "data/follower.js ...)", file=str(tree.path),
                         hint="give the archive .zip as downloaded, or its unpacked folder")
    a = _Archive(batch)
    steps = [("manifest", _do_manifest), ("account", _do_account), ("profile", _do_profile),
             ("tweets", _do_tweets), ("follower", _do_follower), ("following", _do_following),
             ("like", _do_like), ("dm", _do_dm), ("dm-group", _do_dm_group),
             ("lists-member", _do_lists), ("lists-created", _do_lists), ("verified", _do_verified)]
    total = sum(len(files.get(k, [])) for k, _ in steps)
    done = 0
    for kind, step in steps:
        for name in sorted(files.get(kind, []), key=_part_order):
            if progress:
                progress(done, total, f"reading {name}")
            if kind == "manifest":
                step(a, _manifest(tree, name), name)
            else:
                records = YtdFile(tree, name)
                step(a, _guarded(records, batch), kind)
                _report(batch, records)
            done += 1
    if progress:
        progress(total, total, "done")
    _finish(a, files)
    return batch


def _part_order(name: str) -> tuple:
    m = re.search(r"-part(\d+)\.js$", name.lower())
    return (int(m.group(1)) if m else 0, name)


def _guarded(records: YtdFile, batch: ImportBatch) -> Iterator[Any]:
    """Records of a data file; a record that is not an object is skipped and counted."""
    for record in records:
        if isinstance(record, dict):
            yield record
        else:
            batch.skip(f"{posixpath.basename(records.name)}: records that are not objects")


def _report(batch: ImportBatch, records: YtdFile) -> None:
    if records.error:  # truncated or corrupt: an error, unless --partial keeps what was read
        batch.damaged(records.label, records.error, read=f"{records.count} records read before that",
                      skipped=f"{posixpath.basename(records.name)}: unreadable rest of file")


def _do_manifest(a: _Archive, manifest: dict, name: str) -> None:
    info = _get(manifest, "userInfo")
    me = _id(_get(info, "accountId"))
    if me and not a.owner:
        a.owner = me
        a.name(me, _get(info, "userName"), _get(info, "displayName"))


def _do_account(a: _Archive, records, kind: str) -> None:
    for record in records:
        acc = _unwrap(record, "account")
        me = _id(_get(acc, "accountId"))
        if not me:
            continue
        a.owner = me  # account.js is the authority on the owner
        a.handles.pop(me, None)
        a.name(me, _get(acc, "username"), _get(acc, "accountDisplayName"))
        a.owner_row.update({"created_at": _text(_get(acc, "createdAt")),
                            "email": _text(_get(acc, "email"))})
        break


def _do_profile(a: _Archive, records, kind: str) -> None:
    for record in records:
        prof = _unwrap(record, "profile")
        desc = _get(prof, "description")
        avatar = _text(_get(prof, "avatarMediaUrl"))
        a.owner_row.update({
            "bio": _text(_get(desc, "bio")), "website": _text(_get(desc, "website")),
            "location": _text(_get(desc, "location")),
            "has_avatar": None if prof is None else bool(avatar and "default_profile" not in avatar)})
        break


def _do_verified(a: _Archive, records, kind: str) -> None:
    for record in records:
        flag = _get(_unwrap(record, "verified"), "verified")
        if isinstance(flag, bool):
            a.owner_row["verified"] = flag
        break


def _do_follower(a: _Archive, records, kind: str) -> None:
    for record in records:
        acc = _unwrap(record, "follower")
        who = _id(_get(acc, "accountId"))
        if who is None:
            a.batch.skip("follower.js: records without a user id")
            continue
        a.follows.append((who, a.me))


def _do_following(a: _Archive, records, kind: str) -> None:
    for record in records:
        acc = _unwrap(record, "following")
        who = _id(_get(acc, "accountId"))
        if who is None:
            a.batch.skip("following.js: records without a user id")
            continue
        a.follows.append((a.me, who))


def _do_tweets(a: _Archive, records, kind: str) -> None:
    for record in records:
        t = _unwrap(record, "tweet")
        tid = _id(_get(t, "id_str")) or _id(_get(t, "id"))
        if tid is None:
            a.batch.skip("tweets.js: tweets without an id")
            continue
        _tweet(a, t, tid)


def _tweet(a: _Archive, t: dict, tid: str) -> None:
    at = _text(_get(t, "created_at"))
    text = _get(t, "full_text") or _get(t, "text")
    text = text if isinstance(text, str) else None
    mentions = [m for m in _list(_get(t, "entities", "user_mentions")) if isinstance(m, dict)]
    for m in mentions:
        a.name(_id(m.get("id_str")) or _id(m.get("id")), m.get("screen_name"), m.get("name"))
    rt = _RT.match(text or "")
    original = _get(t, "retweeted_status")
    if rt or isinstance(original, dict):
        a.retweets += 1
        author = _id(_get(original, "user", "id_str")) if isinstance(original, dict) else None
        handle = rt.group(1) if rt else _get(original, "user", "screen_name")
        author = author or a.by_handle.get(str(handle or "").lower())
        if author and author != a.owner:
            post = _id(_get(original, "id_str")) if isinstance(original, dict) else None
            a.interactions.append((a.me, author, "share", at, post, 1.0))
        elif not author:
            a.batch.skip("retweets whose author has no id in the archive")
        return
    reply_user = _id(_get(t, "in_reply_to_user_id_str")) or _id(_get(t, "in_reply_to_user_id"))
    reply_post = _id(_get(t, "in_reply_to_status_id_str")) or _id(_get(t, "in_reply_to_status_id"))
    a.name(reply_user, _get(t, "in_reply_to_screen_name"))
    handle = a.handles.get(a.owner or "")
    url = f"https://x.com/{handle}/status/{tid}" if handle else f"https://x.com/i/web/status/{tid}"
    a.posts.append((tid, a.me, at, text, reply_post, url))
    if reply_user and reply_user != a.owner:
        a.interactions.append((a.me, reply_user, "reply", at, reply_post, 1.0))
        if reply_post:
            a.replied_posts[reply_post] = reply_user
    elif reply_user:
        a.batch.skip("replies to the owner's own posts (threads)")
    seen = {reply_user, a.owner}
    for m in mentions:
        who = _id(m.get("id_str")) or _id(m.get("id"))
        if who and who not in seen:
            seen.add(who)
            a.interactions.append((a.me, who, "mention", at, tid, 1.0))


def _do_like(a: _Archive, records, kind: str) -> None:
    for record in records:
        like = _unwrap(record, "like")
        post = _id(_get(like, "tweetId"))
        if post is None:
            a.batch.skip("like.js: likes without a post id")
            continue
        url = _text(_get(like, "expandedUrl"))
        m = _STATUS_URL.search(url or "")
        handle = m.group(1) if m and m.group(1).lower() not in ("i", "web") else None
        text = _get(like, "fullText")
        a.pending_likes.append((post, handle, text if isinstance(text, str) else None, url))


def _do_dm(a: _Archive, records, kind: str) -> None:
    for record in records:
        conv = _unwrap(record, "dmConversation")
        for msg in _list(_get(conv, "messages")):
            create = _get(msg, "messageCreate")
            if not isinstance(create, dict):
                continue
            if _seen_before(a, create):
                continue
            sender, recipient = _id(create.get("senderId")), _id(create.get("recipientId"))
            if not sender or not recipient or sender == recipient:
                a.batch.skip("direct messages without a sender and a recipient")
                continue
            a.interactions.append((sender, recipient, "message", _text(create.get("createdAt")),
                                   None, 1.0))


def _seen_before(a: _Archive, create: dict) -> bool:
    """Whether a message was read already (direct-message-headers.js repeats direct-messages.js)."""
    mid = _id(create.get("id"))
    if mid is None:
        return False
    if mid in a.messages_seen:
        return True
    a.messages_seen.add(mid)
    return False


def _do_dm_group(a: _Archive, records, kind: str) -> None:
    for record in records:
        conv = _unwrap(record, "dmConversation")
        messages = [m for m in _list(_get(conv, "messages")) if isinstance(m, dict)]
        people: set[str] = set()
        for msg in messages:
            for event in msg.values():
                people.add(_id(_get(event, "senderId")) or _id(_get(event, "initiatingUserId")) or "")
                for key in ("userIds", "participantsSnapshot"):
                    people.update(_id(u) or "" for u in _list(_get(event, key)))
        people.discard("")
        for msg in messages:
            create = _get(msg, "messageCreate")
            sender = _id(_get(create, "senderId"))
            if not sender or _seen_before(a, create):
                continue
            others = sorted(people - {sender})
            for other in others:
                a.interactions.append((sender, other, "message", _text(_get(create, "createdAt")),
                                       None, 1.0 / len(others)))
            if not others:
                a.batch.skip("group messages whose recipients are unknown")


def _do_lists(a: _Archive, records, kind: str) -> None:
    for record in records:
        url = _text(_get(_unwrap(record, "userListInfo"), "url"))
        if not url:
            continue
        a.groups.append((url, None))
        if kind == "lists-member":
            a.memberships.append((url, a.me))


# -- assembling the batch ----------------------------------------------------------------------

def _finish(a: _Archive, files: dict[str, list[str]]) -> None:
    import pandas as pd

    batch = a.batch
    batch.owner = a.owner
    _resolve_likes(a)
    batch.unknown |= UNKNOWN
    for kind, fact, what in (("follower", "followers", "follower.js in the archive: who follows the owner is"),
                             ("following", "following", "following.js in the archive: whom the owner follows is"),
                             ("dm", "messages", "direct-messages.js in the archive: direct messages are")):
        if kind not in files:
            batch.unknown.add(fact)
            batch.notes.append(f"no {what} unknown")
    if "tweets" not in files:
        batch.notes.append("no tweets.js in the archive: the owner's posts, replies, mentions and "
                           "retweets are not in this import")
    if a.owner is None:
        batch.notes.append("neither account.js nor manifest.js names the owner: follows and actions "
                           "of the owner are written for the workspace's owner (give --me ID)")
    me = a.me
    n_followers = sum(1 for f in a.follows if f[1] == me)
    n_posts = sum(1 for p in a.posts if p[1] == me)
    # the archive is the owner's own record: its counts are the profile's counts
    for kind, col, n in (("follower", "followers_count", n_followers),
                         ("following", "following_count", len(a.follows) - n_followers),
                         ("tweets", "posts_count", n_posts + a.retweets)):
        if kind in files:
            a.owner_row[col] = n
    follows = pd.DataFrame(a.follows, columns=["follower", "followee"], dtype="object")
    follows["since"] = pd.Series([pd.NaT] * len(follows), dtype="datetime64[us]")
    inter = pd.DataFrame(a.interactions, columns=["actor", "target", "kind", "at", "post", "weight"])
    inter["at"] = _timestamps(inter["at"])
    inter["weight"] = inter["weight"].astype("float64")
    posts = pd.DataFrame(a.posts, columns=["id", "author", "at", "text", "reply_to", "url"])
    posts["at"] = _timestamps(posts["at"])
    posts = posts.drop_duplicates("id")
    batch.tables = {"accounts": _accounts(a, me), "follows": follows, "interactions": inter,
                    "posts": posts}
    if a.groups:
        batch.tables["groups"] = pd.DataFrame(sorted(set(a.groups)), columns=["group", "name"])
        batch.tables["memberships"] = pd.DataFrame(sorted(set(a.memberships)),
                                                   columns=["group", "account"])
    counts = Counter(dict(inter["kind"].value_counts()))
    batch.notes.insert(0, (
        f"X archive: owner {'@' + a.handles[a.owner] if a.owner in a.handles else a.owner or 'unknown'}; "
        f"{n_followers} followers, {len(a.follows) - n_followers} following, {n_posts} posts, "
        + ", ".join(f"{counts[k]} {k}" for k in ("reply", "mention", "share", "like", "message"))))
    batch.notes.append("an X archive does not say who liked, retweeted, replied to or mentioned "
                       "the owner's posts, nor other accounts' profiles: these stay unknown")


def _resolve_likes(a: _Archive) -> None:
    """Give each like its post's author where any file names it; keep the rest as posts only."""
    kept = 0
    for post, handle, text, url in a.pending_likes:
        author = a.replied_posts.get(post) or (a.by_handle.get(handle.lower()) if handle else None)
        if author and author != a.owner:
            a.interactions.append((a.me, author, "like", None, post, 1.0))
            kept += 1
        elif author is None:
            a.posts.append((post, None, None, text, None, url))
    unknown = len(a.pending_likes) - kept
    if unknown:
        a.batch.skip("likes whose post author the archive does not name", unknown)
        a.batch.notes.append(f"{unknown} of {len(a.pending_likes)} likes name a post but not its "
                             "author: the posts are kept (author unknown), the likes are not counted "
                             "as care toward anyone")


def _accounts(a: _Archive, me: str):
    """One row per account named anywhere; built column by column (archives name 100,000s)."""
    import pandas as pd

    ids = dict.fromkeys(id_ for pair in a.follows for id_ in pair)
    ids.update(dict.fromkeys(id_ for row in a.interactions for id_ in row[:2]))
    ids.update(dict.fromkeys(a.handles))
    ids.pop(OWNER_ALIAS, None)
    if a.owner:
        ids[a.owner] = None
    df = pd.DataFrame({"id": pd.Series(list(ids), dtype="object")})
    df["handle"] = df["id"].map(a.handles).astype("object")
    df["name"] = df["id"].map(a.names).astype("object")
    # profile addresses follow from the id or handle, so they are built here, not kept per record
    by_id = "https://x.com/i/user/" + df["id"].astype("object")
    df["url"] = ("https://x.com/" + df["handle"]).where(df["handle"].notna(), by_id).astype("object")
    owner = df["id"] == a.owner
    for col in ("bio", "location", "email", "website", "created_at", "has_avatar", "verified",
                "followers_count", "following_count", "posts_count"):
        values = pd.Series([None] * len(df), dtype="object")
        if a.owner_row.get(col) is not None:
            values[owner.to_numpy()] = a.owner_row[col]
        df[col] = values
    if df["website"].isna().all():
        del df["website"]  # kept (in the account's extras) only when the owner names one
    df["created_at"] = _timestamps(df["created_at"])
    for col in ("has_avatar", "verified"):
        df[col] = df[col].astype("boolean")
    for col in ("followers_count", "following_count", "posts_count"):
        df[col] = df[col].astype("Int64")
    return df


def _timestamps(values):
    """X dates: ISO 8601 (``2020-01-02T03:04:05.000Z``) or ``Wed Oct 10 20:19:24 +0000 2018``.

    Returns naive UTC datetimes; anything unreadable becomes NaT (unknown).
    """
    import pandas as pd

    s = pd.Series([v if isinstance(v, str) else None for v in values], dtype="object")
    iso = pd.to_datetime(s, format="ISO8601", utc=True, errors="coerce")
    classic = pd.to_datetime(s, format="%a %b %d %H:%M:%S %z %Y", utc=True, errors="coerce")
    out = iso.fillna(classic).dt.tz_convert(None)
    return out.astype("datetime64[us]")
