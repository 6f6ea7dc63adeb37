"""Bluesky: the repository export (.car), walked from its commit through the record tree (MST).

A repository holds the owner's own records only: their follows, posts (with replies, mentions and
quotes), likes, reposts and profile. It does not say who follows the owner or who liked, reposted or
answered their posts, so those facts are marked unknown until fetched from the API.

The CAR framing (varint-prefixed sections) is read here section by section into an offset index,
so a repository of any size is never held in memory; CIDs and DAG-CBOR blocks are decoded by
``libipld`` (the Rust IPLD library that the AT Protocol SDK itself uses).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable, BinaryIO

from ..errors import InputError
from .api._rows import Rows
from .batch import ImportBatch, check_rows

FORMAT = "bluesky"

#: Largest block accepted (the AT Protocol caps records far below this).
MAX_BLOCK = 8 * 1024 * 1024
#: Deepest record tree walked; a real MST of a hundred million records is < 30 levels deep.
MAX_DEPTH = 64

UNKNOWN = {"followers", "likes_received", "shares_received", "replies_received",
           "mentions_received", "messages", "profiles"}

COLLECTIONS = ("app.bsky.graph.follow", "app.bsky.feed.post", "app.bsky.feed.like",
               "app.bsky.feed.repost", "app.bsky.actor.profile")


def sniff(path: Path) -> bool:
    """True when the file starts like a CAR v1: a varint length, then a DAG-CBOR header with roots."""
    try:
        path = Path(path)
        if not path.is_file():
            return False
        with open(path, "rb") as f:
            head = f.read(512)
        n, pos = _varint(head, 0)
        if not 0 < n < 400 or pos + n > len(head):
            return False
        hdr = head[pos:pos + n]
        return hdr[:1] in (b"\xa1", b"\xa2") and b"roots" in hdr and b"version" in hdr
    except Exception:  # noqa: BLE001 - sniffing arbitrary files must never raise
        return False


def read(path: Path, *, progress: Callable | None = None, owner: str | None = None) -> ImportBatch:
    """Parse a Bluesky repository export (.car) into an ImportBatch owned by the repository's DID."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            return check_rows(_read(f, path, progress))
    except InputError:
        raise
    except OSError as e:
        raise InputError(f"cannot read the file ({e.strerror or e})", file=str(path)) from None
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, IndexError, UnicodeError) as e:
        raise InputError(f"not a readable Bluesky repository ({type(e).__name__})", file=str(path),
                         hint="export it again from Settings > Account > Export my data") from None


def _libipld():
    try:
        import libipld
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputError("reading a Bluesky .car needs the 'libipld' package",
                         hint="pip install libipld") from None
    return libipld


class CarFile:
    """Random access to the blocks of a CAR v1 file through an index of offsets (never the whole file).

    The file is memory-mapped, so the operating system pages in only what is read. ``roots`` are
    the header's root CIDs (raw bytes); ``get(cid)`` decodes one block's DAG-CBOR and checks its
    SHA-256 against the CID, returning None for a block that is absent or does not match.
    """

    def __init__(self, f: BinaryIO, name: str):
        import mmap

        self.name, self.ipld = name, _libipld()
        self.index: dict[bytes, tuple[int, int]] = {}
        self.truncated_at: int | None = None
        self.bad_blocks = 0
        try:
            self.buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            raise InputError("not a CAR file (the file is empty)", file=name) from None
        try:
            self.roots, body = self._header()
            self._scan(body)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.buf.close()

    def _header(self) -> tuple[list[bytes], int]:
        try:
            n, pos = _varint(self.buf, 0)
        except (IndexError, ValueError):
            n, pos = 0, 0
        if not 0 < n <= 1 << 16 or pos + n > len(self.buf):
            raise InputError("not a CAR file (no header)", file=self.name)
        try:
            hdr = self.ipld.decode_dag_cbor(self.buf[pos:pos + n])
        except BaseException as e:  # noqa: BLE001 - the Rust decoder raises its own types
            raise InputError(f"unreadable CAR header ({_msg(e)})", file=self.name) from None
        roots = hdr.get("roots") if isinstance(hdr, dict) else None
        if not isinstance(roots, list) or not roots or not all(isinstance(r, bytes) for r in roots):
            raise InputError("the CAR header names no root commit", file=self.name)
        if hdr.get("version") != 1:
            raise InputError(f"CAR version {hdr.get('version')!r} is not supported (only 1)", file=self.name)
        return roots, pos + n

    def _scan(self, pos: int) -> None:
        buf, index, size = self.buf, self.index, len(self.buf)
        while pos < size:
            start = pos
            try:
                n, pos = _varint(buf, pos)
            except (IndexError, ValueError):
                self.truncated_at = start
                return
            cid_len = 36 if buf[pos:pos + 4] in _COMMON_CID else _cid_length(buf[pos:pos + 80])
            if not 0 < n <= MAX_BLOCK or pos + n > size or cid_len is None or cid_len > n:
                self.truncated_at = start
                return
            index.setdefault(buf[pos:pos + cid_len], (pos + cid_len, n - cid_len))
            pos += n

    def get(self, cid: Any) -> Any:
        if not isinstance(cid, bytes) or cid not in self.index:
            return None
        at, n = self.index[cid]
        data = self.buf[at:at + n]
        if not _digest_ok(cid, data):
            self.bad_blocks += 1
            return None
        try:
            return self.ipld.decode_dag_cbor(data)
        except BaseException:  # noqa: BLE001 - the Rust decoder raises its own types
            self.bad_blocks += 1
            return None


#: CIDv1 prefixes of atproto blocks (dag-cbor or raw, sha2-256): 4 bytes, then a 32-byte digest.
_COMMON_CID = (b"\x01\x71\x12\x20", b"\x01\x55\x12\x20")


def _read(f: BinaryIO, path: Path, progress: Callable | None) -> ImportBatch:
    car = CarFile(f, str(path))
    try:
        return _read_repo(car, path, progress)
    finally:
        car.close()


def _read_repo(car: CarFile, path: Path, progress: Callable | None) -> ImportBatch:
    commit = car.get(car.roots[0])
    if not isinstance(commit, dict) or not isinstance(commit.get("did"), str) or "data" not in commit:
        raise InputError("the root commit block is missing or is not a repository commit",
                         file=str(path), hint="this .car is not a Bluesky repository export")
    owner = commit["did"]
    rows, skipped, seen = Rows(), {}, 0
    rows.account(owner, url=f"https://bsky.app/profile/{owner}")
    for key, cid in _walk_mst(car, commit["data"], skipped):
        record = car.get(cid)
        seen += 1
        if progress and seen % 5000 == 0:
            progress(seen, None, "records")
        if record is None:
            _skip(skipped, "records missing from the file or damaged")
            continue
        collection, _, rkey = key.partition("/")
        handler = _HANDLERS.get(collection)
        if handler is None:
            _skip(skipped, f"records of other collections ({collection})" if collection.count(".") >= 2
                  else "records of other collections")
            continue
        try:
            ok = isinstance(record, dict) and handler(rows, owner, rkey, record)
        except (TypeError, ValueError, AttributeError, KeyError):
            ok = False  # a record of an unexpected shape spoils only itself
        if not ok:
            _skip(skipped, f"malformed {collection} records")
    notes = [f"Bluesky repository of {owner}, rev {commit.get('rev')!s}: {seen} records"]
    if car.truncated_at is not None:
        notes.append(f"the file ends mid-block or is damaged at byte {car.truncated_at} (truncated "
                     "download?); blocks after it could not be read")
    _skip(skipped, "blocks whose content does not match their CID or cannot be decoded", car.bad_blocks)
    notes.append("a repository holds the owner's own records: who follows them and who liked, reposted "
                 "or replied to their posts is unknown until `innercircle fetch bluesky` asks the API")
    notes += [f"skipped {n} {why}" for why, n in sorted(skipped.items())]
    batch = rows.batch(FORMAT, str(path), owner=owner, unknown=UNKNOWN, notes=notes, skipped=skipped)
    _refuse_damage(batch, car, str(path))
    return batch


def _refuse_damage(batch: ImportBatch, car: "CarFile", label: str) -> None:
    """A truncated or corrupt .car fails the import, unless ``--partial`` keeps what could be read."""
    if car.truncated_at is not None:
        batch.damaged(label, f"the file ends mid-block or is damaged at byte {car.truncated_at} (truncated)",
                      skipped="blocks after the damage")
    if car.bad_blocks:
        batch.damaged(label, f"{car.bad_blocks} blocks do not match their CID or cannot be decoded (corrupt)",
                      skipped="corrupt blocks")


def _walk_mst(car: CarFile, root: Any, skipped: dict) -> Any:
    """Yield (key, record CID) in key order from the Merkle search tree rooted at ``root``.

    A node is ``{l: left subtree | null, e: [{p: shared prefix length, k: key suffix, v: record,
    t: right subtree | null}]}``; each key is the previous key's first ``p`` bytes plus ``k``.
    """
    stack: list[tuple[Any, int]] = [(("node", root), 0)]
    visited: set[bytes] = set()
    while stack:
        (what, item), depth = stack.pop()
        if what == "leaf":
            yield item
            continue
        if not isinstance(item, bytes) or item in visited or depth > MAX_DEPTH:
            _skip(skipped, "record-tree links that loop or are not links")
            continue
        visited.add(item)
        node = car.get(item)
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            _skip(skipped, "record-tree nodes missing from the file or damaged")
            continue
        todo: list[tuple[Any, int]] = []
        if node.get("l") is not None:
            todo.append((("node", node["l"]), depth + 1))
        key = b""
        for e in node["e"]:
            try:
                key = key[:e["p"]] + e["k"]
                todo.append((("leaf", (key.decode("utf-8"), e["v"])), depth))
            except (TypeError, KeyError, UnicodeDecodeError):
                _skip(skipped, "record-tree entries that are malformed")
                continue
            if e.get("t") is not None:
                todo.append((("node", e["t"]), depth + 1))
        stack.extend(reversed(todo))


def _follow(rows: Rows, owner: str, rkey: str, r: dict) -> bool:
    subject = r.get("subject")
    if not _is_did(subject):
        return False
    rows.account(subject, url=f"https://bsky.app/profile/{subject}")
    rows.follow(owner, subject, r.get("createdAt"))
    return True


def _post(rows: Rows, owner: str, rkey: str, r: dict) -> bool:
    uri, at = f"at://{owner}/app.bsky.feed.post/{rkey}", r.get("createdAt")
    parent = _get(r, "reply", "parent", "uri")
    rows.post(uri, author=owner, at=at, text=_str(r.get("text")), reply_to=_str(parent),
              url=f"https://bsky.app/profile/{owner}/post/{rkey}")
    if _is_did(target := uri_author(parent)):
        rows.interact(owner, target, "reply", at=at, post=parent)
    for did in mentions(r):
        rows.interact(owner, did, "mention", at=at, post=uri)
    quoted = _get(r, "embed", "record", "uri") or _get(r, "embed", "record", "record", "uri")
    if _is_did(target := uri_author(quoted)):
        rows.interact(owner, target, "share", at=at, post=quoted)
    return True


def _subject_interaction(kind: str) -> Callable:
    def handle(rows: Rows, owner: str, rkey: str, r: dict) -> bool:
        subject = _get(r, "subject", "uri")
        target = uri_author(subject)
        if not _is_did(target):
            return False
        rows.account(target, url=f"https://bsky.app/profile/{target}")
        rows.interact(owner, target, kind, at=r.get("createdAt"), post=subject)
        return True
    return handle


def _profile(rows: Rows, owner: str, rkey: str, r: dict) -> bool:
    rows.account(owner, name=_str(r.get("displayName")), bio=_str(r.get("description")),
                 has_avatar=r.get("avatar") is not None, created_at=_str(r.get("createdAt")))
    return True


def _block(rows: Rows, owner: str, rkey: str, r: dict) -> bool:
    subject = r.get("subject")
    if not _is_did(subject):
        return False
    rows.account(subject, tags="blocked", url=f"https://bsky.app/profile/{subject}")
    return True


def _list(rows: Rows, owner: str, rkey: str, r: dict) -> bool:
    rows.group(f"at://{owner}/app.bsky.graph.list/{rkey}", _str(r.get("name")))
    return True


def _listitem(rows: Rows, owner: str, rkey: str, r: dict) -> bool:
    subject, lst = r.get("subject"), r.get("list")
    if not _is_did(subject) or not isinstance(lst, str) or not lst.startswith("at://"):
        return False
    rows.group(lst)
    rows.member(lst, subject)
    return True


_HANDLERS = {"app.bsky.graph.follow": _follow, "app.bsky.graph.block": _block,
             "app.bsky.graph.list": _list, "app.bsky.graph.listitem": _listitem, "app.bsky.feed.post": _post,
             "app.bsky.feed.like": _subject_interaction("like"),
             "app.bsky.feed.repost": _subject_interaction("share"),
             "app.bsky.actor.profile": _profile}


def uri_author(uri: Any) -> str | None:
    """The DID in ``at://did:plc:xyz/collection/rkey``, else None."""
    if isinstance(uri, str) and uri.startswith("at://"):
        return uri[5:].split("/", 1)[0] or None
    return None


def mentions(record: dict) -> list[str]:
    """DIDs mentioned in a post's rich-text facets."""
    out = []
    facets = record.get("facets")
    for facet in facets if isinstance(facets, list) else ():
        feats = facet.get("features") if isinstance(facet, dict) else None
        for feat in feats if isinstance(feats, list) else ():
            if isinstance(feat, dict) and feat.get("$type") == "app.bsky.richtext.facet#mention" \
                    and _is_did(feat.get("did")):
                out.append(feat["did"])
    return list(dict.fromkeys(out))


def _is_did(v: Any) -> bool:
    return isinstance(v, str) and v.startswith("did:") and 4 < len(v) < 2048


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _get(d: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def _skip(skipped: dict, why: str, n: int = 1) -> None:
    if n:
        skipped[why] = skipped.get(why, 0) + n


def _msg(e: BaseException) -> str:
    return " ".join(str(e).split())[:120] or type(e).__name__


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _cid_length(head: bytes) -> int | None:
    """Length in bytes of the CID at the start of a section (v0 or v1), or None if it is not one."""
    try:
        if head[:2] == b"\x12\x20":
            return 34
        version, pos = _varint(head, 0)
        if version != 1:
            return None
        _codec, pos = _varint(head, pos)
        _code, pos = _varint(head, pos)
        size, pos = _varint(head, pos)
        return pos + size
    except IndexError:
        return None
    except ValueError:
        return None


def _digest_ok(cid: bytes, data: bytes) -> bool:
    """Check sha2-256 CIDs against their block; other hash functions are accepted as they are."""
    if len(cid) == 36 and cid[:4] in _COMMON_CID:
        return hashlib.sha256(data).digest() == cid[4:]
    if cid[:2] == b"\x12\x20":
        return hashlib.sha256(data).digest() == cid[2:]
    try:
        _v, pos = _varint(cid, 0)
        _codec, pos = _varint(cid, pos)
        code, pos = _varint(cid, pos)
        size, pos = _varint(cid, pos)
    except (IndexError, ValueError):
        return False
    if code == 0x12:
        return hashlib.sha256(data).digest() == cid[pos:pos + size]
    return True
