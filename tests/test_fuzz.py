"""Fuzzing every reader family: mutated inputs give a batch that imports, or one InputError line.

Each family starts from a valid seed (the test fixtures, or a small generated source), mutates it
(bytes flipped, cut, inserted or repeated; in archives also member names and sizes), reads it with
auto-detection and with the format named, half of them as ``--partial`` reads them, and imports what
was read into an in-memory workspace.
Nothing but :class:`~innercircle.errors.InputError` may come out, its text one line.

The short run (``INNERCIRCLE_FUZZ`` unset: 40 inputs per family) is part of the suite. The long run
is by hand or on a schedule, e.g. ``INNERCIRCLE_FUZZ=100000 python -m pytest tests/test_fuzz.py``;
``INNERCIRCLE_FUZZ_SEED`` picks another sequence, ``-k linkedin`` one family. A failing input is kept
in the test's temporary folder and its seed and number are in the failure message.

Every input is read; a batch is imported unless one with the same content (tables, owner, files,
format) was imported before in the run: the import is a function of the batch, so importing the same
batch again tests nothing new, and it is what makes the long run affordable.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import random
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from innercircle.errors import InputError
from innercircle.io.detect import read_source
from innercircle.io.options import ReadOptions, using
from innercircle.store import open_workspace

FIXTURES = Path(__file__).parent / "fixtures"
N = int(os.environ.get("INNERCIRCLE_FUZZ", "40"))
SEED = int(os.environ.get("INNERCIRCLE_FUZZ_SEED", "16"))
NOISE = [b",", b'"', b"\n", b"\r", b";", b"\0", b"\xff", b"\xc3", b" ", b"\t", b"{", b"}", b"[", b"]", b":",
         "\u202e".encode(), b"-", b"9" * 25, b"1e309", b"nan", b"@", b"/", b".."]


def _generic(folder: Path) -> Path:
    folder.mkdir()
    (folder / "accounts.csv").write_text("id,handle,followers_count,created_at,verified\nme,me_h,10,2015-03-01,true\n"
                                         "a,al,5,1767225600000,false\nb,bo,,2020-01-01T10:00:00Z,\n")
    (folder / "follows.csv").write_text("follower,followee,since\na,me,2024-01-01\nb,me,\nme,a,1700000000\n")
    (folder / "interactions.csv").write_text("actor,target,kind,at,weight\na,me,reply,2024-05-01,1\n"
                                             "b,me,like,2024-05-02,0.5\n")
    return folder


def _edgelist(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "edges.txt.gz"
    path.write_bytes(gzip.compress(b"# a SNAP edge list\n" + b"".join(b"%d %d\n" % (i, i * 7 % 50) for i in range(200))))
    return path


def _tree(name: str):
    def seed(folder: Path) -> Path:
        shutil.copytree(FIXTURES / name, folder)
        return folder
    return seed


def _car(folder: Path) -> Path:
    folder.mkdir()
    shutil.copyfile(FIXTURES / "bluesky" / "repo.car", folder / "repo.car")
    return folder / "repo.car"


FAMILIES = {"generic": _generic, "edgelist": _edgelist, "x": _tree("x/archive"), "linkedin": _tree("linkedin/export"),
            "mastodon": _tree("mastodon/archive"), "bluesky": _car}


def mutate_bytes(rng: random.Random, blob: bytes) -> bytes:
    data = bytearray(blob)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randint(0, len(data))
        op = rng.choice(["flip", "cut", "insert", "truncate", "repeat"])
        if op == "flip" and pos < len(data):
            data[pos] = rng.randrange(256)
        elif op == "cut":
            del data[pos:pos + rng.randint(1, 64)]
        elif op == "insert":
            data[pos:pos] = rng.choice(NOISE)
        elif op == "truncate":
            del data[pos:]
        elif op == "repeat" and data:
            data[pos:pos] = data[pos:pos + rng.randint(1, 200)] * rng.randint(2, 50)
    return bytes(data)


def pack(rng: random.Random, folder: Path) -> Path:
    """The folder as it is, or as a zip or .tar.gz, perhaps with mangled member names."""
    how = rng.choice(["folder", "zip", "tgz"])
    if how == "folder":
        return folder
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    names = [p.relative_to(folder).as_posix() for p in files]
    if rng.random() < 0.3:
        i = rng.randrange(len(names))
        names[i] = rng.choice(["../" + names[i], names[i] + "\n", "/abs/" + names[i], names[i].upper(),
                               names[i].replace("/", "\\"), "\u202e" + names[i], ""]) or "x"
    out = folder.with_suffix(".zip" if how == "zip" else ".tgz")
    if how == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for p, n in zip(files, names):
                zf.writestr(n, p.read_bytes())
        if rng.random() < 0.3:
            out.write_bytes(mutate_bytes(rng, out.read_bytes()))
    else:
        with tarfile.open(out, "w:gz") as tf:
            for p, n in zip(files, names):
                info = tarfile.TarInfo(n)
                info.size = p.stat().st_size
                tf.addfile(info, io.BytesIO(p.read_bytes()))
    return out


def one_input(rng: random.Random, family: str, folder: Path) -> tuple[Path, str | None]:
    source = FAMILIES[family](folder)
    if source.is_file():
        source.write_bytes(mutate_bytes(rng, source.read_bytes()))
    else:
        files = sorted(p for p in source.rglob("*") if p.is_file())
        for p in rng.sample(files, k=rng.randint(1, min(3, len(files)))):
            p.write_bytes(mutate_bytes(rng, p.read_bytes()))
        source = pack(rng, source)
    return source, rng.choice([None, family])


def fingerprint(batch) -> str | None:
    """The batch's content as a digest (None: a table this cannot hash, so it is always imported)."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    h = hashlib.sha256(repr((batch.format, batch.owner, sorted(batch.unknown), sorted(batch.files.items()),
                             sorted(batch.tables))).encode())
    try:
        for name in sorted(batch.tables):
            table = batch.tables[name]
            if isinstance(table, Path):  # a file the workspace reads itself
                h.update(table.read_bytes())
                continue
            if not isinstance(table, pa.Table):
                table = pa.Table.from_pandas(table, preserve_index=False)
            sink = pa.BufferOutputStream()
            with ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            h.update(sink.getvalue().to_pybytes())
    except Exception:  # noqa: BLE001 - an unhashable table: import it
        return None
    return h.hexdigest()


def check(source: Path, fmt: str | None, imported: set, ws) -> None:
    """Read ``source``; import what was read into ``ws``, replacing what it held, unless a batch with
    the same fingerprint is in ``imported``."""
    try:
        batch = read_source(source, format=fmt)
        key = fingerprint(batch)
        if key is not None and key in imported:
            return
        ws.import_batch(batch, me=None if batch.owner else "me", replace=True)
        if key is not None:
            imported.add(key)
    except InputError as e:
        text = str(e)
        assert text and "\n" not in text and "\r" not in text, repr(text)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_fuzz_reader_family(tmp_path, family):
    rng = random.Random(f"{SEED}-{family}")
    imported: set[str] = set()
    with open_workspace(":memory:") as ws:  # one workspace, each import replacing the last (or failing whole)
        ws.con.execute("SET threads = 1")  # tiny inputs: one thread has the least overhead per statement
        for i in range(N):
            folder = tmp_path / f"in{i}"
            source, fmt = one_input(rng, family, folder)
            partial = rng.random() < 0.5  # half the inputs as `import --partial` reads them
            try:
                with using(ReadOptions(partial=partial)):
                    check(source, fmt, imported, ws)
            except Exception as e:  # noqa: BLE001 - report which input, then fail
                raise AssertionError(f"{family} input {i} (seed {SEED}, format {fmt}, partial {partial}) at "
                                     f"{source}: {type(e).__name__}: {e}") from e
            for p in tmp_path.iterdir():  # keep only a failing input
                shutil.rmtree(p) if p.is_dir() else p.unlink()
