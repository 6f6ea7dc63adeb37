"""Imports stopped by real signals: the workspace is as before (or as after), no larger, no temp files.

Each case runs ``innercircle import`` of a zip of a few MB in a subprocess with its own ``$TMPDIR``,
stops it with a signal at some point of the import, then runs one more command (``snapshots``) with
the same ``$TMPDIR``, as a user would after a crash.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from innercircle.errors import InputError

ROWS = 100_000


def cli(*args, tmpdir, **kw) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    return subprocess.Popen([sys.executable, "-m", "innercircle", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def finish(proc: subprocess.Popen, timeout: float = 240) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A seeded workspace, a zip to import into it, how long the import takes and its result."""
    root = tmp_path_factory.mktemp("crash")
    seed = root / "seed"
    seed.mkdir()
    (seed / "follows.csv").write_text("follower,followee\na,me\nb,me\n")
    (root / "tmp").mkdir()
    ws = root / "seeded.duckdb"
    assert finish(cli("import", seed, "--me", "me", "--workspace", ws, "--quiet", tmpdir=root / "tmp"))[0] == 0
    src = root / "net.zip"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("net/follows.csv", "follower,followee,since\n" + "".join(
            f"u{i},u{(i * 7919) % 100_003},2024-0{1 + i % 9}-1{i % 10}\n" for i in range(ROWS)))
    done = root / "done.duckdb"
    shutil.copyfile(ws, done)
    start = time.monotonic()
    code, out, err = finish(cli("import", src, "--workspace", done, "--json", tmpdir=root / "tmp"))
    assert code == 0, err
    return {"ws": ws, "src": src, "seconds": time.monotonic() - start, "after": json.loads(out)["totals"]}


def totals(ws, tmpdir) -> dict:
    code, out, err = finish(cli("snapshots", "--json", "--workspace", ws, tmpdir=tmpdir))
    assert code == 0, err
    import duckdb

    with duckdb.connect(str(ws), read_only=True) as con:
        return {"follows": con.execute("SELECT count(*) FROM follows").fetchone()[0]}


CASES = [("SIGTERM", 0.3), ("SIGTERM", 0.85), ("SIGINT", 0.5), ("SIGHUP", 0.6),
         ("SIGKILL", 0.1), ("SIGKILL", 0.6), ("SIGKILL", 0.97)]


@pytest.mark.parametrize("name,at", CASES, ids=[f"{n}-at-{int(a * 100)}%" for n, a in CASES])
def test_an_import_stopped_by_a_signal_leaves_the_workspace_whole(setup, tmp_path, name, at):
    ws, tmpdir = tmp_path / "w.duckdb", tmp_path / "tmp"
    tmpdir.mkdir()
    shutil.copyfile(setup["ws"], ws)
    before, size = digest(ws), ws.stat().st_size
    proc = cli("import", setup["src"], "--workspace", ws, tmpdir=tmpdir)
    time.sleep(at * setup["seconds"])
    proc.send_signal(getattr(signal, name))
    code, _, err = finish(proc)
    assert "Traceback" not in err and "unexpected error" not in err
    sig = getattr(signal, name)
    # code -sig: the signal came before the command began (still importing Python): nothing to clean up
    if name != "SIGKILL" and code not in (0, -sig) and digest(ws) == before:
        assert err.strip().splitlines()[-1].startswith("innercircle: interrupted"), err
        assert list(tmpdir.iterdir()) == [], "a signal that can be caught leaves no temporary file"
    after = totals(ws, tmpdir)  # one more run: sweeps what a kill -9 left
    if digest(ws) != before:
        assert after["follows"] == setup["after"]["follows"], "neither as before nor as after the import"
    else:
        assert ws.stat().st_size <= 1.25 * size
    assert list(tmpdir.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp", "w.duckdb"]  # no working copy, no .wal


@pytest.mark.parametrize("error", [RuntimeError("Query interrupted"), InputError("cannot read (RuntimeError)")])
def test_an_error_a_stop_signal_caused_reads_as_interrupted(tmp_path, monkeypatch, error):
    """A library may turn the signal's interrupt into its own error (DuckDB: "Query interrupted"):
    after SIGTERM the user reads "interrupted" and exit 130, never "unexpected error"."""
    from click.testing import CliRunner

    from innercircle import tempfiles
    from innercircle.cli import main
    from innercircle.results.audit import Audit

    def stopped(*args, **kwargs):
        tempfiles._received.append("SIGTERM")  # what the handler records before it raises
        raise error
    monkeypatch.delenv("INNERCIRCLE_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Audit, "load", stopped)
    result = CliRunner().invoke(main, ["audit", "--json"], catch_exceptions=False)
    assert result.exit_code == 130 and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == "innercircle: interrupted; nothing was written"
    monkeypatch.setattr(Audit, "load", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("a real bug")))
    result = CliRunner().invoke(main, ["audit", "--json"], catch_exceptions=False)  # a new command, a clean record
    assert result.exit_code == 1 and "unexpected error: RuntimeError: a real bug" in result.stderr


def test_a_stop_signal_during_the_exit_cleanup_lets_it_finish(tmp_path):
    """SIGTERM while the scratch folder is being removed at exit: recorded, not raised (no traceback
    from the exit handler), and the folder is gone."""
    code = """
import os, signal, time
from innercircle import tempfiles
tempfiles.install()
folder = tempfiles.scratch("tables")
(folder / "t.parquet").write_bytes(b"x" * 1000)
rmtree = tempfiles.shutil.rmtree
def slow(*a, **k):
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.05)
    return rmtree(*a, **k)
tempfiles.shutil.rmtree = slow
print(folder.parent)
"""  # the folder is removed by the exit handler, while the signal arrives
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert list(tmp_path.iterdir()) == []
