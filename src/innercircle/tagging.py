"""Tagging accounts (moved to :mod:`innercircle.store.tags`; this name stays for library users)."""

from .store.tags import *  # noqa: F401,F403
from .store.tags import read_list, tag_accounts  # noqa: F401
