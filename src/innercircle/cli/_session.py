"""Opening the workspace for a command: one rule for every command, and no trace of a failed write.

Reading commands: with SOURCE, it is imported first (into --workspace when one was named, else into a
temporary workspace). Without, the workspace named by --workspace or $INNERCIRCLE_WORKSPACE, which must
exist and hold a network; with neither named and no ./innercircle.duckdb, the built-in sample network,
said once on stderr.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


@contextlib.contextmanager
def open_for_write(ctx_obj):
    """Open the workspace; if it did not exist and the command fails, remove the new file again."""
    from ..store import open_workspace

    path = Path(ctx_obj.workspace)
    existed = path.exists()
    ws = open_workspace(path)
    try:
        yield ws
    except BaseException:
        ws.close()
        if not existed:
            for p in (path, Path(str(path) + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(p)
        raise
    else:
        ws.close()


def _require_file(ctx_obj) -> Path:
    from ..errors import UsageError

    path = Path(ctx_obj.workspace)
    if not path.exists():
        raise UsageError(f"no workspace at {path}", field="--workspace",
                         hint="check the path, or create it with: innercircle import SOURCE --workspace PATH")
    if not path.is_file():
        raise UsageError(f"{path} is not a workspace file", field="--workspace")
    return path


@contextlib.contextmanager
def open_for_read(ctx_obj, *, need_network: bool = False):
    """Open an existing workspace read-only (several readers and the dashboard can share it).

    A workspace named explicitly must exist; an unnamed one that does not exist reads as empty.
    """
    from ..errors import UsageError
    from ..store import open_workspace

    path = Path(ctx_obj.workspace)
    if ctx_obj.explicit:
        _require_file(ctx_obj)
    ws = open_workspace(path, read_only=True) if path.exists() else open_workspace(":memory:")
    try:
        if need_network and not ws.counts()["accounts"]:
            raise UsageError(f"{path} holds no network", hint="import one first: innercircle import SOURCE")
        yield ws
    finally:
        ws.close()


def progress_callback(bar):
    """Adapt a rich Progress to the readers' ``progress(done, total, label)`` callable."""
    state = {}

    def update(done, total, label):
        if "task" not in state:
            state["task"] = bar.add_task(label, total=total)
        bar.update(state["task"], completed=done, total=total, description=label)

    return update


@contextlib.contextmanager
def network(ctx_obj, source=None, *, me: str | None = None, fmt: str | None = None):
    """The workspace a reading command works on (see the module docstring);
    ``ctx_obj.on_sample`` is True when it is the built-in sample."""
    from ..imports import import_source, skipped_line
    from ..store import open_workspace

    ctx_obj.on_sample = False
    if source is not None:
        opener = open_for_write(ctx_obj) if ctx_obj.explicit else contextlib.nullcontext(open_workspace(":memory:"))
        with opener as ws, ctx_obj.progress() as bar:
            summary = import_source(ws, source, me=me, format=fmt, progress=progress_callback(bar))
            if skipped_line(summary):
                ctx_obj.warn(skipped_line(summary))
            yield ws
        return
    if ctx_obj.explicit or Path(ctx_obj.workspace).exists():
        with open_for_read(ctx_obj, need_network=True) as ws:
            yield ws
        return
    from .. import sample

    ctx_obj.info(f"no workspace at {ctx_obj.workspace} yet: showing the built-in sample network "
                 "(import your own with 'innercircle import SOURCE')")
    ctx_obj.on_sample = True
    ws = open_workspace(":memory:")
    try:
        ws.import_batch(sample.generate())
        yield ws
    finally:
        ws.close()


def load_audit(ctx_obj, ws, *, me=None, as_of=None, window_days: int = 365, progress=None, **options):
    """The command's one Audit (see :class:`innercircle.results.audit.Audit`)."""
    from ..results.audit import Audit

    return Audit.load(ws, me=me, as_of=as_of, window_days=window_days, progress=progress,
                      **{k: v for k, v in options.items() if v is not None})
