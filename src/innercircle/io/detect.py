"""Which reader a source needs, told by its content; and one call to read any source."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import InputError
from .batch import ImportBatch

#: Formats in the order they are tried: the most specific first.
FORMATS = ("x", "linkedin", "mastodon", "bluesky", "generic", "edgelist")


def _reader(fmt: str):
    try:
        return importlib.import_module(f"{__package__}.{fmt}")
    except ModuleNotFoundError as e:
        if e.name == f"{__package__}.{fmt}":
            return None
        raise


def available_formats() -> list[str]:
    """The formats this installation can read."""
    return [f for f in FORMATS if _reader(f) is not None]


def detect(path: str | Path) -> str:
    """The format of ``path``, from what it holds (file names inside it, first bytes)."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file or folder", file=str(path), hint="check the path")
    if path.is_file() and path.stat().st_size == 0:
        raise InputError("the file is empty", file=str(path))
    for fmt in FORMATS:
        module = _reader(fmt)
        if module is not None and module.sniff(path):
            return fmt
    raise InputError("not a source innercircle recognises", file=str(path),
                     hint=f"expected one of: {', '.join(available_formats())} (see 'innercircle import --help'), "
                          "or name it with --format")


def read_source(path: str | Path, *, format: str | None = None, progress=None) -> ImportBatch:
    """Read ``path`` into an ImportBatch, detecting its format unless ``format`` names it."""
    path = Path(path)
    fmt = format or detect(path)
    module = _reader(fmt) if fmt in FORMATS else None
    if module is None:
        raise InputError(f"unknown format {fmt!r}", field="--format",
                         hint=f"choose one of: {', '.join(available_formats())}")
    if not path.exists():
        raise InputError("no such file or folder", file=str(path), hint="check the path")
    return module.read(path, progress=progress)
