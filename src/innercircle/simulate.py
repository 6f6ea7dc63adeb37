"""The simulate results (moved to :mod:`innercircle.results.simulate`; this name stays for library users)."""

from .results import simulate as _module
from .results.simulate import *  # noqa: F401,F403


def __getattr__(name: str):
    return getattr(_module, name)  # every name of the module, private ones too
