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
