"""innercircle: who works for you, who is hollow, and what your network is worth — locally.

>>> import innercircle
>>> ws = innercircle.open(":memory:")
>>> ws.import_batch(innercircle.sample.generate(followers=300))["counts"]["follows"] > 0
True
"""

from __future__ import annotations

from .errors import FetchError, InnercircleError, InputError, UsageError
from .io.batch import ImportBatch
from .store import Workspace, open_workspace as open

__version__ = "0.1.0"


def __getattr__(name: str):
    # Submodules that pull in numpy-heavy code load on first use, keeping `import innercircle` fast.
    if name in ("sample", "audit"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'innercircle' has no attribute {name!r}")


__all__ = sorted(["FetchError", "ImportBatch", "InnercircleError", "InputError", "UsageError",
                  "Workspace", "__version__", "open"])
