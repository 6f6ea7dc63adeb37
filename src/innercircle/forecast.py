"""The forecast results (moved to :mod:`innercircle.results.forecast`; this name stays for library users)."""

from .results import forecast as _module
from .results.forecast import *  # noqa: F401,F403


def __getattr__(name: str):
    return getattr(_module, name)  # every name of the module, private ones too
