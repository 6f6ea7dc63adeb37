"""The audit (moved to :mod:`innercircle.results.audit`; this name stays for library users)."""

from .results.audit import *  # noqa: F401,F403
from .results.audit import __all__  # noqa: F401
