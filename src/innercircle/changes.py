"""Changes between snapshots (moved to :mod:`innercircle.results.changes`; this name stays)."""

from .results.changes import *  # noqa: F401,F403
from .results.changes import changes, tiers_at  # noqa: F401
