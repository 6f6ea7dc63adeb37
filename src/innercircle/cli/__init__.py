"""The command line: thin commands over the library, one module per area."""

from __future__ import annotations

import importlib
import pkgutil

from ._main import main

# Each non-private module of this package registers its commands on ``main`` when imported.
for _info in pkgutil.iter_modules(__path__):
    if not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["main"]
