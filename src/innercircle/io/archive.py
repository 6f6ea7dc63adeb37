"""Safe, lazy access to a source tree: a folder, a .zip, a .tar/.tar.gz/.tgz, or one plain file.

Platform exports arrive as archives that nobody has checked, so every reader goes through
:class:`SourceTree`, which

- lists members under normalised relative names (``data/tweets.js``: forward slashes, no ``./``);
- refuses zip slip: a member named with ``..``, an absolute path or a drive letter, and links
  (tar links, zip symlinks, symlinks in a folder) that point out of the tree;
- refuses zip bombs before reading anything: too many members, a member or a total that is too
  large once uncompressed, or a compression ratio no real export has (:class:`ArchiveLimits`);
  while reading it counts bytes again, because headers can lie;
- turns truncated or corrupt archives into :class:`~innercircle.errors.InputError` naming the
  archive and the member;
- streams: members are opened lazily and never held in memory whole (``read_bytes`` refuses
  members over its limit).

Example::

    with SourceTree.open(Path("twitter-2024.zip")) as tree:
        for name in tree.find("*.js"):
            with tree.open(name) as stream:
                head = stream.read(64)
"""

from __future__ import annotations

import fnmatch
import gzip
import io
import os
import posixpath
import stat
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..errors import InputError

__all__ = ["ArchiveLimits", "Damaged", "SourceTree", "decode_text", "normalise_name"]

KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30

#: Exceptions that mean "this archive is broken", whatever library raised them. Hostile bytes
#: reach corners of zipfile/tarfile that fail with IndexError and the like (an empty member name),
#: so everything but InputError counts as a broken archive at this boundary.
_BROKEN = (Exception,)


class Damaged(InputError):
    """A member that is truncated or corrupt: what ``--partial`` may skip; ``problem`` says what."""

    def __init__(self, problem: str, *, file: str):
        self.problem = problem
        super().__init__(problem, file=file, hint="the archive is truncated or corrupt: download it "
                                                  "again, or import the readable part with --partial")


@dataclass(frozen=True)
class ArchiveLimits:
    """What a source tree may hold before it is refused as a bomb.

    Checked when an archive is opened: ``max_members``, ``max_total_size`` (uncompressed, as
    declared) and ``max_ratio`` (uncompressed / compressed size, per zip member and for the whole
    archive, once the uncompressed size passes ``ratio_floor``: small, very repetitive files
    compress well and are harmless; deflate reaches about 1000:1, real exports of JSON, CSV and
    media stay far below 100:1). Checked when a member is opened and again while it is read:
    ``max_member_size``, so that a large video the readers never open does not refuse the whole
    archive. X splits archives into parts of up to 50 GB, hence the total. Folders and plain
    files are not compressed and have no size limits.
    """

    max_members: int = 200_000
    max_member_size: int = 4 * GiB
    max_total_size: int = 128 * GiB
    max_ratio: float = 200.0
    ratio_floor: int = 8 * MiB


DEFAULT_LIMITS = ArchiveLimits()


def current_limits() -> ArchiveLimits:
    """The limits in force: the defaults, with the total (and the member limit, 1/32 of it but at
    least 4 GiB) raised or lowered by ``--max-size``."""
    from dataclasses import replace

    from .options import current

    total = current().max_bytes
    if total == DEFAULT_LIMITS.max_total_size:
        return DEFAULT_LIMITS
    return replace(DEFAULT_LIMITS, max_total_size=total,
                   max_member_size=min(total, max(DEFAULT_LIMITS.max_member_size, total // 32)))


def normalise_name(name: str) -> str | None:
    """A member name as a clean relative path, or None when it escapes the tree.

    Backslashes become slashes (zips made on Windows), ``./`` and empty parts disappear; an
    absolute path, a drive letter or any ``..`` part returns None.
    """
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def decode_text(data: bytes, *, file: str | None = None) -> tuple[str, str]:
    """Decode an export's bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252.

    Returns ``(text, encoding)``. Exports are UTF-8 nearly always; spreadsheet re-saves give
    UTF-16 or Windows-1252, which decode without loss of the ASCII structure. Latin-1 is the
    last resort because it accepts any byte.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


class _Guarded(io.RawIOBase):
    """A member stream that counts bytes and turns library errors into InputError."""

    def __init__(self, raw: IO[bytes], *, limit: int, archive: str, member: str,
                 owner: object | None = None):
        self._raw, self._limit, self._archive, self._member = raw, limit, archive, member
        self._owner = owner  # keeps e.g. a TarFile alive while the stream is open
        self._done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._raw.read(len(buffer))
        except InputError:
            raise
        except _BROKEN as e:
            raise Damaged(f"member '{self._member}' cannot be read ({_why(e)})",
                          file=self._archive) from None
        n = len(data)
        self._done += n
        if self._done > self._limit:
            raise InputError(f"member '{self._member}' is larger than the limit of "
                             f"{_size(self._limit)} once uncompressed", file=self._archive,
                             hint="refused as a possible zip bomb")
        buffer[:n] = data
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        except _BROKEN:
            pass
        finally:
            self._owner = None
            super().close()


class _HybridOpen:
    """``SourceTree.open(path)`` opens a tree; ``tree.open(name)`` opens a member.

    Both spellings are part of the reader contract, so one attribute serves both: on the class
    it is the constructor, on an instance it opens a member.
    """

    def __get__(self, obj, objtype=None):
        if obj is None:
            return objtype._open_tree
        return obj.open_member


class SourceTree:
    """A folder, zip, tar (optionally gzip/bz2/xz-compressed) or single file, read safely.

    Use as a context manager: ``with SourceTree.open(path) as tree: ...``. Member names are
    normalised relative paths (see :func:`normalise_name`); ``kind`` is ``"dir"``, ``"zip"``,
    ``"tar"`` or ``"file"``.
    """

    open = _HybridOpen()

    def __init__(self, path: Path, kind: str, *, limits: ArchiveLimits = DEFAULT_LIMITS):
        self.path, self.kind, self.limits = Path(path), kind, limits
        self._members: dict[str, object] = {}
        self._handle = None

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def _open_tree(cls, path: str | os.PathLike, *,
                   limits: ArchiveLimits | None = None) -> "SourceTree":
        from .detect import check_source

        path = check_source(path)
        limits = limits or current_limits()
        kind = "dir" if path.is_dir() else _archive_kind(path)
        tree = cls(path, kind, limits=limits)
        try:
            {"dir": tree._index_dir, "zip": tree._index_zip, "tar": tree._index_tar,
             "file": tree._index_file}[kind]()
        except InputError:
            tree.close()
            raise
        except _BROKEN as e:
            tree.close()
            what = "folder" if kind == "dir" else f"{kind} archive"
            raise InputError(f"cannot read the {what} ({_why(e)})", file=str(path),
                             hint="check that it is complete and readable") from None
        return tree

    def __enter__(self) -> "SourceTree":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying archive file (a no-op for folders)."""
        handle, self._handle = self._handle, None
        if handle is not None:
            try:
                handle.close()
            except _BROKEN:
                pass

    def __repr__(self) -> str:
        return f"<SourceTree {self.kind} {self.path.name!r}: {len(self._members)} members>"

    # -- listing -----------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Normalised relative names of the regular files in the tree, sorted."""
        return sorted(self._members)

    def __contains__(self, name: str) -> bool:
        return name in self._members

    def find(self, *patterns: str) -> list[str]:
        """Names whose base name matches any shell pattern, case-insensitively, sorted.

        ``tree.find("tweets*.js", "tweet.js")`` finds ``data/tweets-part1.js`` wherever the
        export put its top folder.
        """
        pats = [p.lower() for p in patterns]
        return [n for n in self.names()
                if any(fnmatch.fnmatchcase(posixpath.basename(n).lower(), p) for p in pats)]

    def size(self, name: str) -> int:
        """The member's uncompressed size in bytes as the archive declares it."""
        return self._entry(name)[1]

    def label(self, name: str) -> str:
        """How to name a member in messages: ``archive.zip:data/tweets.js``."""
        if self.kind == "file":
            return str(self.path)
        return f"{self.path}:{name}" if self.kind != "dir" else str(self.path / name)

    # -- reading -----------------------------------------------------------------------------
    def open_member(self, name: str) -> IO[bytes]:
        """A lazily read binary stream of one member (use it in a ``with`` block)."""
        ref, size = self._entry(name)
        limit = sys.maxsize
        if self.kind in ("zip", "tar"):
            if size > self.limits.max_member_size:
                raise InputError(f"member '{name}' is {_size(size)} uncompressed, more than the "
                                 f"limit of {_size(self.limits.max_member_size)}",
                                 file=str(self.path), hint="refused as a possible zip bomb")
            limit = max(size, 0)
        owner = None
        try:
            if self.kind in ("dir", "file"):
                raw = open(ref, "rb")
            elif self.kind == "zip":
                raw = self._handle.open(ref)
            else:
                raw = self._handle.extractfile(ref)
                owner = self._handle
                if raw is None:
                    raise InputError(f"member '{name}' is not a regular file", file=str(self.path))
        except InputError:
            raise
        except _BROKEN as e:
            raise InputError(f"member '{name}' cannot be opened ({_why(e)})", file=str(self.path),
                             hint="the archive is truncated or corrupt; download it again") from None
        guarded = _Guarded(raw, limit=limit, archive=str(self.path), member=name, owner=owner)
        return io.BufferedReader(guarded, buffer_size=256 * KiB)

    def head(self, name: str, n: int = 4096) -> bytes:
        """The first ``n`` bytes of a member (for sniffing)."""
        with self.open_member(name) as stream:
            return stream.read(n)

    def read_bytes(self, name: str, *, limit: int = 512 * MiB) -> bytes:
        """The whole member; InputError when it is larger than ``limit`` bytes."""
        if self.size(name) > limit:
            raise InputError(f"member '{name}' is {_size(self.size(name))}, more than the "
                             f"{_size(limit)} this reader loads at once", file=str(self.path))
        with self.open_member(name) as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"member '{name}' is larger than {_size(limit)}", file=str(self.path))
        return data

    def read_text(self, name: str, *, limit: int = 512 * MiB) -> str:
        """The member decoded with :func:`decode_text`."""
        return decode_text(self.read_bytes(name, limit=limit), file=self.label(name))[0]

    def extract(self, names: Iterable[str], dest_dir: str | os.PathLike) -> list[Path]:
        """Copy members to ``dest_dir`` (streamed), keeping their relative paths; returns them."""
        dest = Path(dest_dir).resolve()
        out = []
        for name in names:
            target = (dest / name).resolve()
            if not target.is_relative_to(dest):  # normalised names cannot, but be sure
                raise InputError(f"member '{name}' would be written outside {dest}",
                                 file=str(self.path))
            target.parent.mkdir(parents=True, exist_ok=True)
            with self.open_member(name) as src, open(target, "wb") as dst:
                while chunk := src.read(1 * MiB):
                    dst.write(chunk)
            out.append(target)
        return out

    def iter_lines(self, name: str) -> Iterator[bytes]:
        """The member's lines as bytes, streamed."""
        with self.open_member(name) as stream:
            yield from stream

    # -- indexing ----------------------------------------------------------------------------
    def _entry(self, name: str):
        try:
            return self._members[name]
        except KeyError:
            raise InputError(f"no member named '{name}'", file=str(self.path)) from None

    def _add(self, raw_name: str, ref: object, size: int) -> None:
        name = normalise_name(raw_name)
        if name is None or name == "":
            raise InputError(f"member '{raw_name}' points outside the archive (absolute path "
                             "or '..')", file=str(self.path),
                             hint="refused as a possible zip-slip attack")
        if len(self._members) >= self.limits.max_members:
            raise InputError(f"more than {self.limits.max_members} members",
                             file=str(self.path), hint="refused as a possible zip bomb")
        self._members.setdefault(name, (ref, size))  # duplicates: the first one wins

    def _check_total(self) -> None:
        if self.kind not in ("zip", "tar"):
            return
        total = sum(size for _, size in self._members.values())
        if total > self.limits.max_total_size:
            raise InputError(f"holds {_size(total)} once uncompressed, more than the limit of "
                             f"{_size(self.limits.max_total_size)}", file=str(self.path),
                             hint="refused as a possible zip bomb")
        if total > self.limits.ratio_floor:
            packed = max(self.path.stat().st_size, 1)
            if total / packed > self.limits.max_ratio:
                raise InputError(f"expands {total / packed:.0f} times ({_size(packed)} -> "
                                 f"{_size(total)}), more than the limit of "
                                 f"{self.limits.max_ratio:.0f}", file=str(self.path),
                                 hint="refused as a possible zip bomb")

    def _index_file(self) -> None:
        self._add(self.path.name, self.path, self.path.stat().st_size)

    def _index_dir(self) -> None:
        root = self.path.resolve()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames.sort()
            for fn in sorted(filenames):
                full = Path(dirpath) / fn
                rel = full.relative_to(root).as_posix()
                if full.is_symlink():
                    real = full.resolve()
                    if not real.is_relative_to(root):
                        raise InputError(f"member '{rel}' is a link to outside the folder",
                                         file=str(self.path),
                                         hint="refused as a possible zip-slip attack")
                    if not real.is_file():
                        continue
                if not full.is_file():
                    continue  # sockets, fifos, devices
                self._add(rel, full, full.stat().st_size)
        self._check_total()

    def _index_zip(self) -> None:
        zf = zipfile.ZipFile(self.path)
        self._handle = zf
        for info in zf.infolist():
            if info.is_dir():
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise InputError(f"member '{info.filename}' is a symbolic link",
                                 file=str(self.path), hint="refused as a possible zip-slip attack")
            self._check_ratio(info.filename, info.file_size, info.compress_size)
            self._add(info.filename, info, info.file_size)
        self._check_total()

    def _check_ratio(self, name: str, size: int, packed: int) -> None:
        if size > self.limits.ratio_floor and size / max(packed, 1) > self.limits.max_ratio:
            raise InputError(f"member '{name}' expands {size / max(packed, 1):.0f} times, more "
                             f"than the limit of {self.limits.max_ratio:.0f}",
                             file=str(self.path), hint="refused as a possible zip bomb")

    def _index_tar(self) -> None:
        tf = tarfile.open(self.path, "r:*")
        self._handle = tf
        links = []
        for seen, member in enumerate(tf):  # streams through the archive once, holding only headers
            if seen > 2 * self.limits.max_members:  # directories and links count here too
                raise InputError(f"more than {self.limits.max_members} members", file=str(self.path),
                                 hint="refused as a possible zip bomb")
            if member.isdir():
                continue
            if member.issym() or member.islnk():
                links.append(member)
                continue
            if not member.isfile():
                continue  # devices, fifos
            self._add(member.name, member, member.size)
        for link in links:
            name = normalise_name(link.name)
            base = posixpath.dirname(name or "") if link.issym() else ""
            target = normalise_name(posixpath.normpath(posixpath.join(base, link.linkname)))
            if name is None or target is None or posixpath.isabs(link.linkname):
                raise InputError(f"member '{link.name}' links outside the archive "
                                 f"('{link.linkname}')", file=str(self.path),
                                 hint="refused as a possible zip-slip attack")
            if target in self._members and name not in self._members:
                self._members[name] = self._members[target]
        tf.members = []  # the index holds what is needed; do not keep two lists
        self._check_total()


def _archive_kind(path: Path) -> str:
    """zip, tar or file, by the first bytes (never by the extension)."""
    try:
        with open(path, "rb") as f:
            head = f.read(600)
    except OSError as e:
        raise InputError(f"cannot read ({_why(e)})", file=str(path)) from None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")):
        return "tar" if _compressed_tar(path) else "file"
    return "file"


def _compressed_tar(path: Path) -> bool:
    """Whether a gzip/bzip2/xz file holds a tar (its first header says ``ustar``)."""
    import bz2
    import lzma

    openers = (gzip.open, bz2.open, lzma.open)
    for opener in openers:
        try:
            with opener(path, "rb") as f:
                block = f.read(512)
        except _BROKEN:
            continue
        if block[257:262] == b"ustar":
            return True
        if len(block) == 512 and _plain_tar_checksum(block):
            return True
    return False


def _plain_tar_checksum(block: bytes) -> bool:
    """Old (v7) tar headers have no magic; their checksum still identifies them."""
    try:
        stored = int(block[148:156].split(b"\x00")[0].strip() or b"-1", 8)
    except ValueError:
        return False
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:])
    return stored == unsigned and stored != 8 * 32


def _why(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text[:160]


def _size(n: int) -> str:
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"
