"""Alias of :mod:`innercircle.hollow` (hollow detection lives in its own package)."""

from __future__ import annotations

from ..hollow import (HOLLOW_KINDS, METHODS, RULE_SETS, expected_share, follower_bursts,
                      hollow_followers, score_accounts, summarize)

__all__ = sorted(["HOLLOW_KINDS", "METHODS", "RULE_SETS", "expected_share", "follower_bursts",
                  "hollow_followers", "score_accounts", "summarize"])
