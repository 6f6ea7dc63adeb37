"""Transparent rule sets for fake and mass followers, as published, computed from profile columns.

Each rule set takes the cleaned accounts (:func:`innercircle.hollow.features.clean_accounts`)
and returns one row per account: ``risk`` (0-1, NaN when too few of its rules can be computed),
``kind`` (a hollow kind when ``risk >= 0.5``) and ``reasons`` (a list of readable facts).

The three academic baselines follow Cresci et al. 2015, "Fame for sale: efficient detection of
fake Twitter followers" (Decision Support Systems 80), which collected them. Their timeline rules
(tweet text, clients, retweets, geo-tagging, lists, favourites) need data the generic accounts
format does not carry; only the profile rules are computed here, and the rule set decides on the
rules it can compute (see ``docs/hollow.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd


def fmt_count(x: float) -> str:
    """48200.0 -> '48,200'."""
    return f"{int(x):,}"


def fmt_age(days: float) -> str:
    if days < 60:
        return f"{int(days)} days"
    if days < 730:
        return f"{int(days // 30.44)} months"
    return f"{days / 365.25:.1f} years"


def plural(n: float, word: str) -> str:
    return f"{fmt_count(n)} {word}{'' if int(n) == 1 else 's'}"


def _arrays(clean: pd.DataFrame) -> dict[str, np.ndarray]:
    """Plain numpy views: counts as float (NaN unknown), texts as 1.0/0.0/NaN presence."""
    a = {c: clean[c].to_numpy(dtype="float64") for c in
         ("followers_count", "following_count", "posts_count", "age_days", "has_avatar",
          "verified")}
    for c in ("name", "bio", "url", "location"):
        a[c] = np.array([np.nan if v is None else float(bool(v)) for v in clean[c]])
    return a


@dataclass(frozen=True)
class Rule:
    """One yes/no test; ``hit`` is 1.0 (the hollow sign holds), 0.0, or NaN (cannot compute)."""

    label: str
    hit: Callable[[dict], np.ndarray]
    says: Callable[[dict, int], str]


def _test(cond: np.ndarray, *needed: np.ndarray) -> np.ndarray:
    out = cond.astype("float64")
    for arr in needed:
        out[np.isnan(arr)] = np.nan
    return out


def _ratio(a: dict) -> np.ndarray:
    return a["following_count"] / np.maximum(a["followers_count"], 1.0)


_BOT = re.compile(r"\bbots?\b", re.IGNORECASE)

# Camisani-Calzolari (2012), profile rules; a failed rule is a bot point.
CAMISANI = (
    Rule("name", lambda a: _test(a["name"] == 0, a["name"]), lambda a, i: "no name"),
    Rule("image", lambda a: _test(a["has_avatar"] == 0, a["has_avatar"]),
         lambda a, i: "no profile picture"),
    Rule("address", lambda a: _test(a["location"] == 0, a["location"]),
         lambda a, i: "no location"),
    Rule("biography", lambda a: _test(a["bio"] == 0, a["bio"]), lambda a, i: "no bio"),
    Rule("followers>=30", lambda a: _test(a["followers_count"] < 30, a["followers_count"]),
         lambda a, i: f"{plural(a['followers_count'][i], 'follower')} (fewer than 30)"),
    Rule("tweets>=50", lambda a: _test(a["posts_count"] < 50, a["posts_count"]),
         lambda a, i: f"{plural(a['posts_count'][i], 'post')} (fewer than 50)"),
    Rule("url", lambda a: _test(a["url"] == 0, a["url"]), lambda a, i: "no URL"),
    Rule("2xfollowers>=friends",
         lambda a: _test(2 * a["followers_count"] < a["following_count"], a["followers_count"],
                         a["following_count"]),
         lambda a, i: f"follows {fmt_count(a['following_count'][i])} accounts, "
                      f"{plural(a['followers_count'][i], 'follower')} (2×followers < following)"),
)

# Socialbakers FakeFollowerCheck, profile criteria; one criterion met marks a fake.
SOCIALBAKERS = (
    Rule("ratio>=50", lambda a: _test(_ratio(a) >= 50, a["followers_count"], a["following_count"]),
         lambda a, i: f"follows {fmt_count(a['following_count'][i])} accounts, "
                      f"{plural(a['followers_count'][i], 'follower')} (ratio ≥ 50:1)"),
    Rule("never posted", lambda a: _test(a["posts_count"] == 0, a["posts_count"]),
         lambda a, i: "never posted"),
    Rule("default image after 2 months",
         lambda a: _test((a["has_avatar"] == 0) & (a["age_days"] > 60), a["has_avatar"],
                         a["age_days"]),
         lambda a, i: f"no profile picture after {fmt_age(a['age_days'][i])}"),
    Rule("no bio, no location, following>100",
         lambda a: _test((a["bio"] == 0) & (a["location"] == 0) & (a["following_count"] > 100),
                         a["bio"], a["location"], a["following_count"]),
         lambda a, i: f"no bio, no location, follows {fmt_count(a['following_count'][i])}"),
)

# StateOfSearch.com (2012), profile criteria; one criterion met marks a bot.
STATEOFSEARCH = (
    Rule("bot in biography", lambda a: a["_bot_bio"], lambda a, i: "'bot' in bio"),
    Rule("ratio>=100", lambda a: _test(_ratio(a) >= 100, a["followers_count"], a["following_count"]),
         lambda a, i: f"follows {fmt_count(a['following_count'][i])} accounts, "
                      f"{plural(a['followers_count'][i], 'follower')} (ratio ≥ 100:1)"),
    Rule("default profile picture", lambda a: _test(a["has_avatar"] == 0, a["has_avatar"]),
         lambda a, i: "no profile picture"),
)


def _evaluate(rules, a: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    hits = np.column_stack([r.hit(a) for r in rules])
    return np.nansum(hits, axis=1), np.sum(~np.isnan(hits), axis=1), hits


def _reasons(rules, a: dict, hits: np.ndarray, prefix: str) -> list[list[str]]:
    out = []
    for i in range(hits.shape[0]):
        said = [r.says(a, i) for r, h in zip(rules, hits[i]) if h == 1.0]
        out.append([f"{prefix}: " + "; ".join(said)] if said else [])
    return out


def _frame(risk, kind, reasons) -> pd.DataFrame:
    risk = np.asarray(risk, dtype="float64")
    kinds = np.where(risk >= 0.5, kind, "")
    return pd.DataFrame({"risk": risk, "kind": kinds, "reasons": reasons})


def camisani(clean: pd.DataFrame) -> pd.DataFrame:
    """Camisani-Calzolari: risk = share of the computable profile rules that fail (bot points).

    Unknown when fewer than 4 of its 8 profile rules can be computed; hollow (``fake``) when at
    least half of the computable rules fail.
    """
    a = _arrays(clean)
    met, avail, hits = _evaluate(CAMISANI, a)
    with np.errstate(invalid="ignore", divide="ignore"):
        risk = np.where(avail >= 4, met / np.maximum(avail, 1), np.nan)
    return _frame(risk, "fake", _reasons(CAMISANI, a, hits, "Camisani-Calzolari"))


def _any_rule(rules, a, min_avail: int, prefix: str, kind: str) -> pd.DataFrame:
    """One met criterion flags: risk 0.5 + 0.5 × (further criteria met) / (others), else 0."""
    met, avail, hits = _evaluate(rules, a)
    # a met criterion decides even when the others cannot be computed
    risk = np.where(met >= 1, 0.5 + 0.5 * (met - 1) / np.maximum(avail - 1, 1),
                    np.where(avail >= min_avail, 0.0, np.nan))
    return _frame(risk, kind, _reasons(rules, a, hits, prefix))


def socialbakers(clean: pd.DataFrame) -> pd.DataFrame:
    """Socialbakers FakeFollowerCheck: hollow (``fake``) when one computable criterion is met.

    Criteria: following/followers ≥ 50; never posted; no picture after 2 months; no bio, no
    location and following > 100. Unknown when fewer than 2 can be computed and none is met.
    """
    return _any_rule(SOCIALBAKERS, _arrays(clean), 2, "Socialbakers", "fake")


def stateofsearch(clean: pd.DataFrame) -> pd.DataFrame:
    """StateOfSearch: hollow (``fake``) when 'bot' is in the bio, following/followers ≥ 100, or the
    profile picture is the default one. Unknown when the ratio cannot be computed and none is met.
    """
    a = _arrays(clean)
    a["_bot_bio"] = np.array([np.nan if v is None else float(bool(_BOT.search(v)))
                              for v in clean["bio"]])
    return _any_rule(STATEOFSEARCH, a, 2, "StateOfSearch", "fake")


#: HypeAuditor's mass-follower cut-off: following more than this many accounts.
MASS_FOLLOWING = 1500


def hypeauditor(clean: pd.DataFrame) -> pd.DataFrame:
    """HypeAuditor mass follower: following > 1,500 accounts.

    risk = 0.5 × following / 1,500 below the cut-off; above it 0.5 rising to 1.0 at 30,000.
    """
    fg = clean["following_count"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        above = 0.5 + 0.5 * np.clip(np.log(fg / MASS_FOLLOWING) / np.log(20), 0, 1)
        risk = np.where(fg > MASS_FOLLOWING, above, 0.499 * fg / MASS_FOLLOWING)
    reasons = [[f"HypeAuditor: follows {fmt_count(x)} accounts (more than 1,500)"]
               if x > MASS_FOLLOWING else [] for x in fg]
    return _frame(risk, "mass_follower", reasons)


#: Ratio rules: following ≥ 10 × followers (and ≥ 100), or following ≈ followers at ≥ 1,000.
RATIO_MASS, RATIO_FARM_MIN, RATIO_FARM_BAND = 10.0, 1000.0, 1.2


def ratio(clean: pd.DataFrame) -> pd.DataFrame:
    """Follow:follower ratio rules.

    Mass following: risk = log10(following / max(followers, 1)) / 2, clipped to 0-1 (0.5 at 10:1,
    1.0 at 100:1), capped below 0.5 when following < 100. Follow-back pattern: following and
    followers both ≥ 1,000 and within a factor 1.2 of each other gives risk 0.6
    (``follow_back_farm``). Unknown when either count is unknown.
    """
    fo = clean["followers_count"].to_numpy(dtype="float64")
    fg = clean["following_count"].to_numpy(dtype="float64")
    r = fg / np.maximum(fo, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mass = np.clip(np.log10(np.maximum(r, 1e-9)) / 2, 0, 1)
        mass = np.where(fg < 100, np.minimum(mass, 0.49), mass)
        farm = ((fo >= RATIO_FARM_MIN) & (fg >= RATIO_FARM_MIN)
                & (np.abs(np.log(np.maximum(fg, 1) / np.maximum(fo, 1))) <= np.log(RATIO_FARM_BAND)))
    risk = np.where(farm, np.maximum(mass, 0.6), mass)
    risk[np.isnan(fo) | np.isnan(fg)] = np.nan
    kind = np.where(farm & (mass < 0.5), "follow_back_farm", "mass_follower")
    reasons = []
    for i in range(len(fo)):
        if farm[i]:
            reasons.append([f"ratio: follows {fmt_count(fg[i])} accounts and has "
                            f"{plural(fo[i], 'follower')} (follow-back pattern)"])
        elif mass[i] >= 0.5:
            reasons.append([f"ratio: follows {fmt_count(fg[i])} accounts, "
                            f"{plural(fo[i], 'follower')} ({r[i]:,.0f}:1)"])
        else:
            reasons.append([])
    out = _frame(risk, "", reasons)
    out["kind"] = np.where(risk >= 0.5, kind, "")
    return out


@dataclass(frozen=True)
class RuleSet:
    """A selectable transparent rule set: ``fn(clean) -> DataFrame(risk, kind, reasons)``."""

    name: str
    title: str
    fn: Callable[[pd.DataFrame], pd.DataFrame]


#: Every transparent rule set by its ``--method`` name.
RULE_SETS: dict[str, RuleSet] = {
    "camisani": RuleSet("camisani", "Camisani-Calzolari", camisani),
    "socialbakers": RuleSet("socialbakers", "Socialbakers FakeFollowerCheck", socialbakers),
    "stateofsearch": RuleSet("stateofsearch", "StateOfSearch", stateofsearch),
    "hypeauditor": RuleSet("hypeauditor", "HypeAuditor mass-follower cut-off", hypeauditor),
    "ratio": RuleSet("ratio", "Follow:follower ratio", ratio),
}
