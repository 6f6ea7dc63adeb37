"""The forecast results (moved to :mod:`innercircle.results.forecast`; this name is the same module)."""

import sys

from .results import forecast as _module

sys.modules[__name__] = _module
