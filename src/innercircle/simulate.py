"""The simulate results (moved to :mod:`innercircle.results.simulate`; this name is the same module)."""

import sys

from .results import simulate as _module

sys.modules[__name__] = _module
