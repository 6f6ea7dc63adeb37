"""The tool's own temporary files: one scratch folder per process, removed however the process ends.

* Every temporary file innercircle writes (a zip member converted for import, DuckDB's spill files)
  lives in :func:`scratch`, a folder named ``innercircle-<pid>-<random>`` in the system temp folder.
* It is removed at exit, and SIGTERM and SIGHUP are turned into an interrupt (as Ctrl+C is), so an
  import that is stopped unwinds: its transaction rolls back and its files go. (``serve`` keeps
  uvicorn's own handlers, which stop the server gracefully.)
* ``kill -9`` leaves no chance to clean up, so each run first removes the scratch folders of
  innercircle processes that no longer exist (:func:`sweep`). Folders of running processes, and
  anything not named like ours, are never touched.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import secrets
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Iterator

PREFIX = "innercircle-"
_OURS = re.compile(rf"^{PREFIX}(\d+)-[0-9a-f]{{8}}$")
_scratch: Path | None = None


def scratch(sub: str | None = None) -> Path:
    """This process's scratch folder, or its sub-folder ``sub`` (created on first use, removed at exit)."""
    global _scratch
    if _scratch is None or _scratch.parent != Path(tempfile.gettempdir()) or not _scratch.name.startswith(
            f"{PREFIX}{os.getpid()}-"):  # a forked child gets its own
        _scratch = Path(tempfile.gettempdir()) / f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        atexit.register(remove_scratch)
    path = _scratch / sub if sub else _scratch
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def remove(sub: str) -> None:
    """Remove the sub-folder ``sub`` of the scratch folder (the files of one finished step)."""
    if _scratch is not None:
        shutil.rmtree(_scratch / sub, ignore_errors=True)


def remove_scratch() -> None:
    """Remove this process's scratch folder now (at exit; it is made again when next needed).

    A stop signal that arrives meanwhile is recorded, not raised: the removal finishes either way.
    """
    if _scratch is not None and _scratch.name.startswith(f"{PREFIX}{os.getpid()}-"):
        with _signals_recorded():
            shutil.rmtree(_scratch, ignore_errors=True)


@contextlib.contextmanager
def _signals_recorded() -> Iterator[None]:
    saved = {}
    with contextlib.suppress(ValueError):  # not the main thread: signals cannot reach this code
        for name in ("SIGTERM", "SIGHUP", "SIGINT"):
            sig = getattr(signal, name, None)
            if sig is not None:
                saved[sig] = signal.signal(sig, _record)
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _record(signum, frame) -> None:
    _received.append(signal.Signals(signum).name)


def alive(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal counts as existing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(folder: str | Path | None = None) -> list[Path]:
    """Remove the scratch folders left by innercircle processes that died (``kill -9``)."""
    root = Path(folder or tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        m = _OURS.match(entry.name)
        if m and int(m.group(1)) != os.getpid() and not alive(int(m.group(1))) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


_received: list[str] = []


def received() -> str | None:
    """The name of the stop signal this process received (SIGTERM, SIGHUP), or None."""
    return _received[-1] if _received else None


def _interrupt(signum, frame) -> None:
    _received.append(signal.Signals(signum).name)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def install() -> None:
    """At the start of a command: clean up after dead runs; make SIGTERM and SIGHUP unwind cleanly.

    SIGINT keeps raising KeyboardInterrupt, but is recorded too, so that an interrupt a library
    turned into its own error ("Query interrupted") is still known as one.
    """
    sweep()
    _received.clear()  # one command, one record (tests run many in one process)
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, signal.default_int_handler, None):
            try:
                signal.signal(sig, _interrupt)
            except ValueError:  # not the main thread (an embedding application): leave it be
                pass
