"""The registry of tiers: each tier's rule in words, built from the parameters in force.

The rules themselves run in :func:`innercircle.metrics.engagement.assign_tiers` (and, network-wide,
:func:`innercircle.store.queries.working_pairs`); the texts here are generated from the same parameters, so
"3 days" is never typed twice.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Tier names in the order every table and chart shows them.
TIERS = ("committed", "occasional", "attentive", "silent", "hollow", "unknown")
#: The tiers that count as working for the owner.
WORKING_TIERS = ("committed", "occasional")


@dataclass(frozen=True)
class Tier:
    """A tier: its name, its rule as a text template over the audit's parameters, its colour."""

    name: str
    rule: str
    colour: str

    def definition(self, **params) -> str:
        """The rule with the parameters in force, e.g. "active on at least 3 distinct days ...".

        >>> TIER_REGISTRY[0].definition(committed_days=5, recent_days=30)
        'active on at least 5 distinct days of the window, at least one in the last 30 days'
        """
        return self.rule.format(**{**DEFAULTS, **params})


DEFAULTS = {"committed_days": 3, "recent_days": 90}

TIER_REGISTRY: tuple[Tier, ...] = (
    Tier("committed", "active on at least {committed_days} distinct days of the window, at least one in the "
                      "last {recent_days} days", "#1b7f5b"),
    Tier("occasional", "at least one active action in the window, but not committed", "#58b38a"),
    Tier("attentive", "likes only in the window, no active action", "#e0b341"),
    Tier("silent", "nothing toward you in the window", "#b9bec7"),
    Tier("hollow", "judged fake, automated, a mass follower, a follow-back farm or long inactive, with reasons",
         "#c8553d"),
    Tier("unknown", "nothing known toward you while your sources cannot tell some kinds of action",
         "#8d99ae"),
)
TIER_BY_NAME = {t.name: t for t in TIER_REGISTRY}


def definitions(**params) -> dict[str, str]:
    """Every tier's definition with the parameters in force."""
    return {t.name: t.definition(**params) for t in TIER_REGISTRY}
