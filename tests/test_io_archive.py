"""SourceTree: folders, zips and tars read safely; zip slip, bombs and broken archives refused."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innercircle.errors import InputError
from innercircle.io.archive import ArchiveLimits, SourceTree, decode_text, normalise_name

FUZZ_EXAMPLES = int(os.environ.get("INNERCIRCLE_FUZZ", "60")) * 3
FILES = {"export/data/tweets.js": b"window.YTD.tweets.part0 = []", "export/README.txt": b"hi"}


def make_zip(path: Path, files: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def make_tar(path: Path, files: dict[str, bytes], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def make_dir(path: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(data)
    return path


@pytest.mark.parametrize("build", [
    lambda p: make_zip(p / "a.zip", FILES),
    lambda p: make_zip(p / "a.zip", FILES, compression=zipfile.ZIP_STORED),
    lambda p: make_tar(p / "a.tgz", FILES),
    lambda p: make_tar(p / "a.tar", FILES, "w"),
    lambda p: make_tar(p / "a.tar.bz2", FILES, "w:bz2"),
    lambda p: make_dir(p / "a", FILES),
], ids=["zip", "zip-stored", "tgz", "tar", "tar-bz2", "folder"])
def test_every_kind_lists_and_reads_the_same_members(tmp_path, build):
    with SourceTree.open(build(tmp_path)) as tree:
        assert tree.names() == sorted(FILES)
        assert tree.find("TWEETS*.js") == ["export/data/tweets.js"]
        assert tree.read_bytes("export/data/tweets.js") == FILES["export/data/tweets.js"]
        with tree.open("export/README.txt") as stream:
            assert stream.read() == b"hi"
        assert tree.head("export/data/tweets.js", 10) == b"window.YTD"
        assert tree.size("export/README.txt") == 2


def test_kind_is_found_by_content_not_extension(tmp_path):
    zipped = make_zip(tmp_path / "export.csv", FILES)
    with SourceTree.open(zipped) as tree:
        assert tree.kind == "zip"
    plain = tmp_path / "looks.zip"
    plain.write_text("id,handle\n1,a\n")
    with SourceTree.open(plain) as tree:
        assert (tree.kind, tree.names()) == ("file", ["looks.zip"])


def test_a_single_gzip_file_that_is_no_tar_is_one_member(tmp_path):
    import gzip
    path = tmp_path / "edges.txt.gz"
    path.write_bytes(gzip.compress(b"1 2\n2 3\n"))
    with SourceTree.open(path) as tree:
        assert tree.kind == "file"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "a/../../evil", "C:\\evil.txt",
                                  "..\\..\\evil.txt"], ids=["dotdot", "absolute", "nested-dotdot",
                                                            "drive", "backslash-dotdot"])
def test_zip_slip_names_are_refused_naming_archive_and_member(tmp_path, name):
    path = tmp_path / "slip.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ok.txt", b"fine")
        zf.writestr(zipfile.ZipInfo(name), b"evil")
    with pytest.raises(InputError, match="slip") as err:
        SourceTree.open(path)
    assert "slip.zip" in str(err.value) and name in str(err.value)


def test_tar_slip_names_and_links_out_of_the_tree_are_refused(tmp_path):
    path = make_tar(tmp_path / "slip.tgz", {"../../evil": b"x"})
    with pytest.raises(InputError, match="outside"):
        SourceTree.open(path)
    link = tmp_path / "link.tar"
    with tarfile.open(link, "w") as tf:
        info = tarfile.TarInfo("data/passwd")
        info.type, info.linkname = tarfile.SYMTYPE, "../../../etc/passwd"
        tf.addfile(info)
    with pytest.raises(InputError, match="links outside"):
        SourceTree.open(link)


def test_tar_link_inside_the_tree_reads_its_target(tmp_path):
    path = tmp_path / "inner.tar"
    with tarfile.open(path, "w") as tf:
        info = tarfile.TarInfo("data/a.txt")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"abc"))
        link = tarfile.TarInfo("data/b.txt")
        link.type, link.linkname = tarfile.SYMTYPE, "a.txt"
        tf.addfile(link)
    with SourceTree.open(path) as tree:
        assert tree.read_bytes("data/b.txt") == b"abc"


def test_zip_symlink_member_is_refused(tmp_path):
    path = tmp_path / "sym.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("data/link")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(InputError, match="symbolic link"):
        SourceTree.open(path)


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_folder_symlink_out_of_the_tree_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("s")
    folder = make_dir(tmp_path / "export", FILES)
    (folder / "export" / "data" / "leak.js").symlink_to(secret)
    with pytest.raises(InputError, match="link to outside"):
        SourceTree.open(folder)


def test_zip_bomb_by_ratio_is_refused_before_reading(tmp_path):
    path = make_zip(tmp_path / "bomb.zip", {"data/tweets.js": b"\0" * (20 << 20)})
    with pytest.raises(InputError, match="zip bomb") as err:
        SourceTree.open(path)
    assert "bomb.zip" in str(err.value) and "data/tweets.js" in str(err.value)


@pytest.mark.parametrize("limits, files, match", [
    (ArchiveLimits(max_total_size=150), {"a": b"x" * 100, "b": b"y" * 100}, "holds"),
    (ArchiveLimits(max_members=3), {str(i): b"" for i in range(4)}, "more than 3 members"),
    (ArchiveLimits(max_ratio=2, ratio_floor=10), {"a": b"a" * 1000}, "expands"),
], ids=["total-size", "members", "ratio"])
def test_limits_are_configurable(tmp_path, limits, files, match):
    path = make_zip(tmp_path / "x.zip", files)
    with pytest.raises(InputError, match=match):
        SourceTree.open(path, limits=limits)


@pytest.mark.parametrize("build", [
    lambda p: make_zip(p / "a.zip", {"big.mp4": b"x" * 5000, "data/a.js": b"[]"}),
    lambda p: make_tar(p / "a.tgz", {"big.mp4": b"x" * 5000, "data/a.js": b"[]"}),
], ids=["zip", "tgz"])
def test_member_size_limit_applies_to_the_members_read(tmp_path, build):
    """A large member nobody reads (a video) does not refuse the archive; reading it is refused."""
    with SourceTree.open(build(tmp_path), limits=ArchiveLimits(max_member_size=4000)) as tree:
        assert tree.read_bytes("data/a.js") == b"[]"
        with pytest.raises(InputError, match="big.mp4' is 4.9 KiB uncompressed, more than the limit"):
            tree.open("big.mp4")


def test_folders_have_no_size_limits(tmp_path):
    folder = make_dir(tmp_path / "d", {"big.mp4": b"x" * 5000})
    with SourceTree.open(folder, limits=ArchiveLimits(max_member_size=10, max_total_size=10)) as tree:
        assert len(tree.read_bytes("big.mp4")) == 5000


def test_a_member_cannot_yield_more_than_its_header_declares(tmp_path):
    path = make_zip(tmp_path / "a.zip", {"a.json": b"[1]" * 100})
    with SourceTree.open(path) as tree:
        name, (ref, size) = "a.json", tree._members["a.json"]
        tree._members[name] = (ref, size - 10)  # as if the header lied about the size
        with pytest.raises(InputError, match="a.json"):
            tree.read_bytes(name)


@pytest.mark.parametrize("suffix, build", [
    ("zip", lambda p: make_zip(p, {"a/b.json": os.urandom(4000)})),
    ("tgz", lambda p: make_tar(p, {"a/b.json": os.urandom(40000)})),
    ("tar", lambda p: make_tar(p, {"a/b.json": os.urandom(40000)}, "w")),
], ids=["zip", "tgz", "tar"])
def test_truncated_archives_give_one_input_error(tmp_path, suffix, build):
    whole = build(tmp_path / f"whole.{suffix}").read_bytes()
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(InputError, match="cut") as err:
        with SourceTree.open(cut) as tree:
            for name in tree.names():
                tree.read_bytes(name)
    assert "\n" not in str(err.value)


def test_corrupt_zip_member_fails_with_input_error_naming_it(tmp_path):
    data = bytearray(make_zip(tmp_path / "a.zip", {"data/x.json": b"[1,2,3]" * 500}).read_bytes())
    data[60:70] = b"\xff" * 10  # inside the deflate stream of the first member
    (tmp_path / "b.zip").write_bytes(bytes(data))
    with pytest.raises(InputError, match="data/x.json"):
        with SourceTree.open(tmp_path / "b.zip") as tree:
            tree.read_bytes("data/x.json")


def test_read_bytes_refuses_members_over_its_limit_but_streams_them(tmp_path):
    path = make_zip(tmp_path / "a.zip", {"big.csv": os.urandom(10_000)})
    with SourceTree.open(path) as tree:
        with pytest.raises(InputError, match="more than"):
            tree.read_bytes("big.csv", limit=1000)
        with tree.open("big.csv") as stream:
            assert sum(len(c) for c in iter(lambda: stream.read(1024), b"")) == 10_000


def test_extract_writes_members_under_the_destination(tmp_path):
    path = make_tar(tmp_path / "a.tgz", FILES)
    with SourceTree.open(path) as tree:
        out = tree.extract(tree.names(), tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in out) == sorted(FILES)
    assert (tmp_path / "out/export/README.txt").read_bytes() == b"hi"


def test_missing_path_and_missing_member_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        SourceTree.open(tmp_path / "nope.zip")
    with SourceTree.open(make_dir(tmp_path / "d", FILES)) as tree:
        with pytest.raises(InputError, match="no member named 'data/x'"):
            tree.open("data/x")


@pytest.mark.parametrize("name, expected", [
    ("./a/b.js", "a/b.js"), ("a\\b.js", "a/b.js"), ("a//b/./c", "a/b/c"),
    ("../a", None), ("/a", None), ("c:/x", None), ("a/..", None),
], ids=["dot", "backslash", "doubles", "dotdot", "abs", "drive", "trailing-dotdot"])
def test_normalise_name(name, expected):
    assert normalise_name(name) == expected


def test_decode_text_falls_back_for_spreadsheet_encodings():
    assert decode_text("é,ü".encode("utf-8-sig")) == ("é,ü", "utf-8-sig")
    assert decode_text("é,ü".encode("utf-16")) == ("é,ü", "utf-16")
    assert decode_text("é,ü".encode("cp1252")) == ("é,ü", "cp1252")
    assert decode_text(b"\x81\x8d")[1] == "latin-1"



_SEEDS: list[bytes] = []


def _seed_archives(tmp: Path) -> list[bytes]:
    if not _SEEDS:
        files = {"data/tweets.js": b"window.YTD.tweets.part0 = [{}]" * 20, "data/b.csv": b"a,b\n1,2\n"}
        _SEEDS.extend([make_zip(tmp / "s.zip", files).read_bytes(), make_tar(tmp / "s.tgz", files).read_bytes(),
                       make_tar(tmp / "s.tar", files, "w").read_bytes()])
    return _SEEDS


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_mutated_archives_give_input_error_or_members(tmp_path, data):
    """Mutated archives (flipped, cut, spliced bytes) never raise anything but InputError."""
    seeds = _seed_archives(tmp_path)
    blob = bytearray(data.draw(st.sampled_from(seeds)))
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = data.draw(st.integers(0, max(len(blob) - 1, 0)))
        if op == "flip" and blob:
            blob[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del blob[pos: pos + data.draw(st.integers(1, 64))]
        else:
            blob[pos:pos] = data.draw(st.binary(max_size=32))
    path = tmp_path / "fuzz.bin"
    path.write_bytes(bytes(blob))
    try:
        with SourceTree.open(path) as tree:
            for name in tree.names():
                tree.read_bytes(name, limit=1 << 20)
    except InputError as e:
        assert "\n" not in str(e)
