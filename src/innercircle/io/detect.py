"""Which reader a source needs, told by its content; and one call to read any source."""

from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path

from ..errors import InputError
from .batch import ImportBatch, guard
from .options import ReadOptions, using

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


def check_source(path: str | Path) -> Path:
    """``path`` if it is a regular file or a folder; InputError otherwise, without opening it.

    A FIFO, socket or device would block or never end (reading a named pipe waits for a writer),
    so it is refused from its mode alone.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError("no such file or folder", file=str(path), hint="check the path") from None
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror or e})", file=str(path)) from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        what = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "not a regular file or folder"
        raise InputError(f"{what}: only regular files and folders can be imported", file=str(path),
                         hint="copy the data into a file first")
    return path


def detect(path: str | Path) -> str:
    """The format of ``path``, from what it holds (file names inside it, first bytes).

    When the archive itself is refused (zip slip, a bomb, a link out of the tree, a corrupt
    archive, one over the limits), that refusal is the error: it is the real reason.
    """
    path = check_source(path)
    if path.is_file() and path.stat().st_size == 0:
        raise InputError("the file is empty", file=str(path))
    _refusal(path)  # an archive refused as such (zip slip, a bomb, over the limits): that is the reason
    for fmt in FORMATS:
        module = _reader(fmt)
        if module is not None and _claims(module, path):
            return fmt
    raise InputError("not a source innercircle recognises", file=str(path),
                     hint=f"expected one of: {', '.join(available_formats())} (see 'innercircle import --help'), "
                          "or name it with --format")


def _claims(module, path: Path) -> bool:
    """Whether ``module`` recognises ``path``; a sniffer that trips over hostile bytes does not."""
    try:
        return bool(module.sniff(path))
    except Exception:  # noqa: BLE001 - sniffing never decides by crashing; the reader names the damage
        return False


def _refusal(path: Path) -> None:
    """Raise the archive layer's own refusal of ``path``, if it has one."""
    from .archive import SourceTree

    with guard("the source", file=str(path)):
        with SourceTree.open(path):
            pass


def read_source(path: str | Path, *, format: str | None = None, progress=None,
                options: ReadOptions | None = None) -> ImportBatch:
    """Read ``path`` into an ImportBatch, detecting its format unless ``format`` names it.

    Whatever goes wrong inside a reader leaves it as one InputError naming the file (the reader
    contract, enforced here for every format). ``options`` sets limits and ``--partial``.
    """
    with using(options or ReadOptions()):
        path = check_source(path)
        fmt = format or detect(path)
        module = _reader(fmt) if fmt in FORMATS else None
        if module is None:
            raise InputError(f"unknown format {fmt!r}", field="--format",
                             hint=f"choose one of: {', '.join(available_formats())}")
        with guard(f"this {fmt} source", file=str(path), hint="is the file complete and of this format?"):
            return module.read(path, progress=progress)
