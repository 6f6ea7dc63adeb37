"""Hollow followers: who among an account's followers is fake, automated or otherwise hollow.

The public functions, re-exported from their modules:

- :func:`score_accounts`: any accounts table, scored from the profiles (``score``);
- :func:`hollow_followers`, :func:`follower_bursts`: a workspace owner's followers, with the
  network signals (``network``);
- :func:`summarize`: counts by flag and kind;
- :func:`expected_share`: the estimated hollow share of a set of accounts, with an interval
  (``quantify``).
"""

from __future__ import annotations

from .network import follower_bursts, hollow_followers
from .quantify import expected_share
from .rules import RULE_SETS
from .score import HOLLOW_KINDS, METHODS, score_accounts, summarize

__all__ = sorted(["HOLLOW_KINDS", "METHODS", "RULE_SETS", "expected_share", "follower_bursts",
                  "hollow_followers", "score_accounts", "summarize"])
