"""Opening the workspace for a command, so that a failed write leaves no trace."""

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


@contextlib.contextmanager
def open_for_read(ctx_obj):
    """Open an existing workspace read-only, so that several readers (and the dashboard) can share
    it; an empty in-memory one when the file does not exist."""
    from ..store import open_workspace

    path = Path(ctx_obj.workspace)
    ws = open_workspace(path, read_only=True) if path.exists() else open_workspace(":memory:")
    try:
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
    """The workspace a reading command works on.

    With SOURCE, it is imported first exactly as 'innercircle import' would, into --workspace when
    one was named, else into a temporary workspace. Without, the workspace; and when that holds no
    network yet, the built-in sample network, said on stderr (``ctx_obj.on_sample`` is then True).
    """
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
    with open_for_read(ctx_obj) as ws:
        if ws.counts()["accounts"]:
            yield ws
            return
    from .. import sample

    ctx_obj.info(f"{ctx_obj.workspace} holds no network yet: showing the built-in sample network "
                 "(import your own with 'innercircle import SOURCE')")
    ctx_obj.on_sample = True
    ws = open_workspace(":memory:")
    try:
        ws.import_batch(sample.generate())
        yield ws
    finally:
        ws.close()
