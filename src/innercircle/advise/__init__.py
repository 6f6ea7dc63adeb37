"""The connection advisor: policies, trust, recommendations, nurture and prune lists — advice only.

Nothing in this package follows, unfollows, blocks or messages anyone: it returns tables with
reasons in plain words, and the owner decides.

>>> import innercircle
>>> from innercircle.advise import load_policy
>>> load_policy("picky").rules[0].name
'meet_for_a_drink'
"""

from __future__ import annotations

from .decide import ADVISE_COLUMNS, NURTURE_COLUMNS, PRUNE_COLUMNS, Advice, advise, compare, nurture, prune
from .facts import account_facts, context
from .policy import FIELDS, PRESETS, Policy, Rule, load_policy, parse_condition, parse_policy, preset_text
from .recommend import MANY_COLUMNS, RECOMMEND_COLUMNS, recommend, recommend_indices, recommend_many
from .trust import Core, personalized_pagerank, trust_scores, trusted_core

__all__ = sorted(["ADVISE_COLUMNS", "Advice", "Core", "FIELDS", "MANY_COLUMNS", "NURTURE_COLUMNS", "PRESETS",
                  "PRUNE_COLUMNS", "Policy", "RECOMMEND_COLUMNS", "Rule", "account_facts", "advise", "compare",
                  "context", "load_policy", "nurture", "parse_condition", "parse_policy", "personalized_pagerank",
                  "preset_text", "prune", "recommend", "recommend_indices", "recommend_many", "trust_scores",
                  "trusted_core"])
