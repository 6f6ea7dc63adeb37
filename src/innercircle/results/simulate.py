"""Spread simulation: how far a post of the owner travels, by independent-cascade Monte Carlo.

The cascade (docs/forecast.md explains it in plain words): a post by the owner reaches every follower
of the owner. Each account reached for the first time passes it on once, with its own **pass-on
probability** ``q_v``, and when it does, every follower of that account is reached. Reach is the
number of distinct accounts reached, the owner excluded. Runs are batched: the frontier of
(account, run) pairs is expanded over the followers CSR in one vectorised step per hop.

Pass-on probabilities come from observed shares: for a follower of the owner, ``k`` = the owner's
posts it shared and ``n`` = the owner's posts it could see (posted after it followed when
``follows.since`` is known), shrunk with the same beta-binomial empirical Bayes as the response
forecast: ``q = (k + a) / (n + a + b)``. Without posts on record, 30-day periods with a share stand
in for posts. Every other account (no history) gets :data:`DEFAULT_PASS_ON`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..store import history as stored
from . import forecast as fc

#: Pass-on probability of an account with no share history (two in a thousand accounts that see a
#: post pass it on; with audiences of a few hundred this keeps cascades from exploding, as real ones do).
DEFAULT_PASS_ON = 0.002
#: Audience (followers) of an account whose follower count is unknown.
DEFAULT_AUDIENCE = 200
#: Cells (accounts x runs) held at once by the cascade; more runs are done in chunks.
MAX_CELLS = 20_000_000
#: Hops followed in the scenario branching models (the cascade itself runs until it dies out).
BRANCHING_HOPS = 4
#: Default rates of the scenarios when the workspace has no tiers or no history for a group:
#: (pass-on probability per post, response rate per request, audience).
DEFAULT_GROUP_RATES = {
    "working": (0.05, fc.DEFAULT_WORKING_RATE, DEFAULT_AUDIENCE),
    "other": (0.002, fc.DEFAULT_OTHER_RATE, DEFAULT_AUDIENCE),
    "hollow": (0.0, 0.0, 20),
}
#: Growth scenario defaults (per month, and the make-up of the followers each strategy brings).
FOLLOWS_PER_DAY = 100  # scripted follow-back: accounts followed a day
FOLLOW_BACK_YIELD = 0.12  # share of them that follow back
ORGANIC_PER_MONTH = 40
FOLLOW_BACK_MIX = {"working": 0.02, "other": 0.43, "hollow": 0.55}
ORGANIC_MIX = {"working": 0.25, "other": 0.70, "hollow": 0.05}
TIER_GROUP = {"committed": "working", "occasional": "working", "attentive": "other", "silent": "other",
              "unknown": "other", "hollow": "hollow"}
GROUP_TIERS = {g: tuple(t for t, x in TIER_GROUP.items() if x == g) for g in ("working", "other", "hollow")}
#: Scenario (b): "committed" followers have the committed tier's rates; "random" ones those of silent
#: and hollow followers (defaults: the mean of the "other" and "hollow" defaults).
COMMITTED_VS_RANDOM_TIERS = {"committed": ("committed",), "random": ("silent", "hollow")}
COMMITTED_VS_RANDOM_DEFAULTS = {
    "committed": DEFAULT_GROUP_RATES["working"],
    "random": tuple((a + b) / 2 for a, b in zip(DEFAULT_GROUP_RATES["other"], DEFAULT_GROUP_RATES["hollow"])),
}


def _stats(values) -> dict[str, Any]:
    """Mean and 10th/90th percentiles (inverted CDF: values that occurred) of per-run results."""
    v = np.asarray(values, dtype=float)
    if not len(v):
        return {"expected": None, "low": None, "high": None}
    low, high = np.quantile(v, fc.QUANTILES, method="inverted_cdf")
    return {"expected": round(float(v.mean()), 2), "low": int(low), "high": int(high)}


# -- the cascade kernel ------------------------------------------------------------------------------

def _expand(indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (position in ``nodes``, neighbour) pairs of a CSR, without a Python loop."""
    start, deg = indptr[nodes], indptr[nodes + 1] - indptr[nodes]
    owner = np.repeat(np.arange(len(nodes)), deg)
    offs = np.arange(int(deg.sum())) - np.repeat(np.cumsum(deg) - deg, deg)
    return owner, indices[np.repeat(start, deg) + offs]


def independent_cascade(followers, q, seeds, *, runs: int = 1000, seed: int = 7,
                        max_cells: int = MAX_CELLS) -> dict[str, np.ndarray]:
    """Node-level independent cascade, ``runs`` Monte Carlo runs batched.

    ``followers``: n x n CSR, row v = the followers of v (who receive what v passes on); ``q``: pass-on
    probability per account; ``seeds``: accounts that post (they pass on with certainty). Returns per
    run: ``reached`` (distinct accounts reached, seeds excluded), ``first`` (reached in the first hop)
    and ``sharers`` (accounts that passed it on, seeds excluded). Same ``seed``, same result.

    Expected reach on a path owner <- a1 <- a2 <- ... <- aL (each follows the one before) is
    1 + q + q^2 + ... + q^(L-1).
    """
    from scipy import sparse

    f = sparse.csr_array(followers)
    n = f.shape[0]
    indptr, indices = f.indptr.astype(np.int64), f.indices.astype(np.int64)
    q = np.broadcast_to(np.asarray(q, dtype=float), (n,))
    seeds = np.unique(np.asarray(seeds, dtype=np.int64))
    rng = np.random.default_rng(seed)
    out = {k: np.zeros(runs, dtype=np.int64) for k in ("reached", "first", "sharers")}
    chunk = max(1, min(runs, int(max_cells // max(n, 1))))
    for r0 in range(0, runs, chunk):
        r = min(chunk, runs - r0)
        seen = np.zeros(n * r, dtype=bool)
        stamp = np.empty(n * r, dtype=np.int64 if n * r > 2**31 else np.int32)
        cells = (np.arange(r)[None, :] * n + seeds[:, None]).ravel()
        seen[cells] = True
        hop = 0
        while len(cells):
            who, nb = _expand(indptr, indices, cells % n)
            key = (cells // n)[who] * n + nb
            key = key[~seen[key]]
            # distinct keys without sorting: each key keeps the one position written last
            pos = np.arange(len(key), dtype=stamp.dtype)
            stamp[key] = pos
            new = key[stamp[key] == pos]
            seen[new] = True
            run = new // n
            reached = np.bincount(run, minlength=r)
            out["reached"][r0:r0 + r] += reached
            if hop == 0:
                out["first"][r0:r0 + r] += reached
            cells = new[rng.random(len(new)) < q[new % n]]
            out["sharers"][r0:r0 + r] += np.bincount(cells // n, minlength=r)
            hop += 1
    return out


# -- pass-on probabilities from the workspace ----------------------------------------------------------

def pass_on_history(ws, owner: str, *, as_of=None, window_days: int = fc.WINDOW_DAYS) -> fc.History | None:
    """Who shared which of the owner's posts, as a :class:`forecast.History` (posts are the trials).

    Without posts of the owner on record, 30-day periods with a share toward the owner stand in.
    None when there are neither posts nor shares.
    """
    import pandas as pd

    posts = stored.own_posts(ws.con, owner)
    shares = stored.shares_toward(ws.con, owner)
    if not len(posts):
        return fc.engagement_history(ws, owner, as_of=as_of, window_days=window_days, kinds=("share",))
    notes: list[str] = []
    post_t = fc._epoch(posts["at"])
    post_t = np.where(np.isnan(post_t), -np.inf, post_t)
    trial = fc.attribute(posts["id"].astype(str).to_numpy(), post_t, shares["post"], fc._epoch(shares["at"]))
    if (trial < 0).any():
        notes.append(f"{int((trial < 0).sum())} share(s) matched none of the owner's posts")
    events = pd.DataFrame({"actor": shares["actor"].to_numpy()[trial >= 0], "trial": trial[trial >= 0]})
    return fc._build("posts", fc._followers(ws, owner), post_t, events, notes)


def pass_on_rates(ws, me: str | None = None, *, as_of=None, window_days: int = fc.WINDOW_DAYS, tiers="audit"):
    """Per follower of the owner: shares, posts it could see, and the shrunk pass-on probability.

    Columns as :func:`forecast.response_rates` (``trials`` = posts it could see, ``answered`` = posts
    it shared, ``rate`` = pass-on probability). ``attrs``: ``basis`` and ``priors``.
    """
    import pandas as pd

    owner = fc.owner_of(ws, me)
    hist = pass_on_history(ws, owner, as_of=as_of, window_days=window_days)
    if hist is None:
        return pd.DataFrame(columns=["id", "tier", "follower", "trials", "answered", "observed_rate", "rate"])
    frame, priors = fc._rates_frame(hist, fc._tiers(ws, owner, tiers, as_of=as_of, window_days=window_days))
    frame.attrs.update(basis=hist.basis, priors={g: p.to_dict() for g, p in priors.items()})
    return frame


# -- what the workspace says about its followers, by group ---------------------------------------------

def follower_profile(ws, owner: str, *, tiers=None, pass_on=None, responses=None):
    """One row per follower: ``id``, ``since``, ``mutual``, ``followed_back`` (the owner followed it
    first; empty when either date is unknown), ``tier``, ``group`` (working / other /
    hollow, empty without tiers), ``audience`` (its follower count: profile, else the follows on
    record, else empty), ``pass_on`` and ``response`` (shrunk rates, empty without history)."""
    import pandas as pd

    df = stored.follower_audiences(ws.con, owner)
    ids = df["id"].astype(str)
    df["tier"] = ids.map(tiers).astype(object) if tiers is not None else pd.Series([None] * len(df), dtype=object)
    df["group"] = df["tier"].map(TIER_GROUP)
    aud = pd.to_numeric(df["profile_followers"], errors="coerce").astype(float)
    rec = pd.to_numeric(df["recorded_followers"], errors="coerce").astype(float)
    df["audience"] = aud.where(aud.notna(), rec)
    for name, frame in (("pass_on", pass_on), ("response", responses)):
        f = None if frame is None or not len(frame) else frame.set_index(frame["id"].astype(str))
        for col, src in ((name, "rate"), (f"{name}_trials", "trials"), (f"{name}_answered", "answered")):
            df[col] = ids.map(f[src]).astype(float) if f is not None else np.nan
    return df.drop(columns=["profile_followers", "recorded_followers"])


def group_rates(profile, groups: dict[str, tuple[str, ...]], defaults: dict[str, tuple], *,
                column: str = "tier", default_label: str = "default", population=None) -> dict[str, dict]:
    """Per group (name -> the values of ``column`` in it): followers, pass-on and response rate,
    median audience, each with its source ("workspace", or ``default_label`` from ``defaults[name]``
    when the workspace says nothing about the group).

    A rate is the group's pooled rate shrunk toward the population's (:func:`pooled_rate`), from the
    whole counts of the group's followers (``pass_on_trials``/``pass_on_answered``, ...), so that a
    tier that never answers gets a rate near 0 rather than everybody's mean; without counts, the mean
    of the followers' own rates. ``population`` (default ``profile``) sets the pooled rate shrunk toward.
    """
    population = profile if population is None else population
    out = {}
    for name, values in groups.items():
        sel = profile[profile[column].isin(values).fillna(False).astype(bool)]
        row: dict[str, Any] = {"followers": int(len(sel))}
        for key, default in zip(("pass_on", "response"), defaults[name][:2]):
            value = pooled_rate(sel, population, key)
            if value is None and sel[key].notna().any():
                value = float(sel[key].mean())
            row[key] = float(default) if value is None else value
            row[f"{key}_source"] = default_label if value is None else "workspace"
        vals = sel["audience"].dropna()
        row["audience"] = float(vals.median()) if len(vals) else float(defaults[name][2])
        row["audience_source"] = "workspace" if len(vals) else default_label
        out[name] = row
    return out


#: Strength (in trials) of the population rate a group's pooled rate is shrunk toward.
GROUP_PRIOR_TRIALS = 20.0


def pooled_rate(group, population, key: str) -> float | None:
    """(K + m p0) / (N + m): the group's answered K of N trials, shrunk toward the population's
    pooled rate p0 with m = :data:`GROUP_PRIOR_TRIALS` pseudo-trials; None without trials."""
    n_col, k_col = f"{key}_trials", f"{key}_answered"
    if n_col not in group or k_col not in group:
        return None
    n, k = float(group[n_col].fillna(0).sum()), float(group[k_col].fillna(0).sum())
    big_n = float(population[n_col].fillna(0).sum())
    if n <= 0 or big_n <= 0:
        return None
    p0 = float(population[k_col].fillna(0).sum()) / big_n
    return (k + GROUP_PRIOR_TRIALS * p0) / (n + GROUP_PRIOR_TRIALS)


def defaults_used(rates: dict[str, dict]) -> list[str]:
    """"group.key" for every rate or audience of ``rates`` that came from a default, not the data."""
    return [f"{g}.{k[:-len('_source')]}" for g, row in rates.items() for k, v in row.items()
            if k.endswith("_source") and v != "workspace"]


# -- scenarios ------------------------------------------------------------------------------------------

def _beyond(rng, sharers_audience: np.ndarray, runs: int) -> np.ndarray:
    """Accounts reached beyond the followers: sharers' audiences, then BRANCHING_HOPS - 1 further hops
    of accounts with the default pass-on and audience (overlap between audiences ignored)."""
    total = np.zeros(runs, dtype=np.int64)
    reached = sharers_audience.astype(np.int64)
    for _ in range(BRANCHING_HOPS):
        total += reached
        reached = rng.binomial(reached, DEFAULT_PASS_ON) * DEFAULT_AUDIENCE
    return total


def _population(rng, counts: dict[str, np.ndarray], rates: dict[str, dict], runs: int) -> dict[str, np.ndarray]:
    """Per run: reach (followers + beyond), sharers and responders of a follower population by group."""
    followers = sum(counts.values())
    sharers_aud = np.zeros(runs, dtype=np.int64)
    sharers = np.zeros(runs, dtype=np.int64)
    responders = np.zeros(runs, dtype=np.int64)
    for g, c in counts.items():
        s = rng.binomial(c, rates[g]["pass_on"])
        sharers += s
        sharers_aud += s * int(round(rates[g]["audience"]))
        responders += rng.binomial(c, rates[g]["response"])
    beyond = _beyond(rng, sharers_aud, runs)
    return {"reach": followers + beyond, "beyond_followers": beyond, "sharers": sharers,
            "responders": responders}


def committed_vs_random(rates: dict[str, dict], *, committed: int = 1000, random: int = 1_000_000,
                        runs: int = 1000, seed: int = 7) -> dict[str, Any]:
    """Scenario (b): ``committed`` followers with the committed rates versus ``random`` followers with
    the rates of silent and hollow followers (``rates`` has groups "committed" and "random")."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, n in (("committed", committed), ("random", random)):
        res = _population(rng, {name: np.full(runs, n, dtype=np.int64)}, rates, runs)
        out[name] = {"followers": n, **{k: _stats(v) for k, v in res.items()},
                     "assumptions": rates[name]}
    return out


def growth(today: dict[str, int], rates: dict[str, dict], strategies: dict[str, dict], *, months: int = 12,
           runs: int = 1000, seed: int = 7) -> dict[str, Any]:
    """Scenario (c): followers gained over ``months`` by each strategy, and what they add.

    ``today``: followers per group now; ``strategies``: name -> {"per_month", "mix" (group -> share)}.
    New followers per run ~ Poisson(per_month * months), split by the mix (multinomial). Per strategy:
    followers, working followers, hollow share, reach and responders after the year, and what the new
    followers add (``*_added``; ``beyond_followers_added`` = reach through their shares).
    """
    rng = np.random.default_rng(seed)
    groups = list(rates)
    base = {g: np.full(runs, int(today.get(g, 0)), dtype=np.int64) for g in groups}
    now = _population(rng, base, rates, runs)
    total_now = int(sum(today.get(g, 0) for g in groups))
    out: dict[str, Any] = {"today": {
        "followers": total_now, "working_followers": int(today.get("working", 0)),
        "hollow_share": round(today.get("hollow", 0) / total_now, 4) if total_now else None,
        **{k: _stats(now[k]) for k in ("reach", "responders")}}}
    for name, st in strategies.items():
        added = rng.poisson(st["per_month"] * months, size=runs)
        mix = np.array([st["mix"].get(g, 0.0) for g in groups], dtype=float)
        split = rng.multinomial(added, mix / mix.sum())
        new = {g: split[:, i] for i, g in enumerate(groups)}
        gain = _population(rng, new, st.get("rates", rates), runs)  # what the new followers bring
        counts = {g: base[g] + new[g] for g in groups}
        followers = sum(counts.values())
        hollow = np.divide(counts["hollow"], followers, out=np.zeros(runs), where=followers > 0)
        out[name] = {
            "followers_added": _stats(added), "followers": _stats(followers),
            "working_followers": _stats(counts["working"]), "working_added": _stats(new["working"]),
            "hollow_share": _share_stats(hollow),
            "reach": _stats(now["reach"] + gain["reach"]), "reach_added": _stats(gain["reach"]),
            "beyond_followers_added": _stats(gain["beyond_followers"]),
            "responders": _stats(now["responders"] + gain["responders"]),
            "responders_added": _stats(gain["responders"]),
            "assumptions": {"per_month": round(float(st["per_month"]), 2), "months": months,
                            "mix": st["mix"], "source": st.get("source", "default"),
                            **{k: v for k, v in st.items() if k not in ("per_month", "mix", "source")}},
        }
    return out


def _share_stats(v: np.ndarray) -> dict[str, Any]:
    low, high = np.quantile(v, fc.QUANTILES, method="inverted_cdf")
    return {"expected": round(float(v.mean()), 4), "low": round(float(low), 4), "high": round(float(high), 4)}


def real_network(ws, owner: str, pass_on, *, runs: int = 1000, seed: int = 7) -> dict[str, Any]:
    """Scenario (a): the cascade on the workspace's own follow graph, seeded by the owner."""
    from ..graph.network import load_network

    stored.settle(ws.con)
    net = load_network(ws, me=owner, interactions=False, groups=False)
    q = np.full(net.n, DEFAULT_PASS_ON)
    known = pass_on[pass_on["rate"].notna()] if len(pass_on) else pass_on
    if len(known):
        ix = net.index_of(known["id"].astype(str).to_numpy())
        ok = ix >= 0  # an id the follow graph does not hold (-1) must not overwrite the last account
        q[ix[ok]] = known["rate"].to_numpy(dtype=float)[ok]
    followers = int(net.in_degree()[net.owner])
    out: dict[str, Any] = {"followers": followers, "accounts": net.n, "follows": int(net.follows.nnz),
                           "notes": []}
    if followers == 0:
        unknown = "followers" in net.unknown
        out["notes"].append("the owner's followers are unknown" if unknown else "the owner has no followers")
        empty = {"expected": None, "low": None, "high": None} if unknown else {"expected": 0.0, "low": 0, "high": 0}
        return {**out, "reach": empty, "beyond_followers": empty, "sharers": empty}
    res = independent_cascade(net.followers, q, [net.owner], runs=runs, seed=seed)
    fof = net.in_degree()[net.followers[[net.owner]].indices]
    out["followers_with_known_followers"] = int((fof > 0).sum())
    if (fof > 0).sum() < followers:
        out["notes"].append(f"followers of {int((fof == 0).sum())} of the owner's {followers} followers are not "
                            "on record: reach beyond them is not counted")
    return {**out, "reach": _stats(res["reached"]), "beyond_followers": _stats(res["reached"] - res["first"]),
            "sharers": _stats(res["sharers"])}


def follow_back_yield(ws, owner: str) -> tuple[float | None, int]:
    """Share of the accounts the owner followed (with dates) that followed back afterwards, and of how many.

    Accounts that followed the owner first are left out: following them back is not a bet."""
    back, tried = stored.follow_back_counts(ws.con, owner)
    return (back / tried if tried else None), tried


def _growth_strategies(ws, owner: str, profile, tiers_known: bool, *, as_of=None) -> dict[str, dict]:
    """Scripted follow-back and picky organic growth: monthly gains and the make-up of new followers.

    Follow-back: :data:`FOLLOWS_PER_DAY` follows a day times the owner's own follow-back yield (when
    at least 50 dated follows show it, else :data:`FOLLOW_BACK_YIELD`); new followers are made up like
    the followers the owner followed first (at least 20 needed). Organic: the followers gained, not
    followed first, in the 12 months before the latest follow date (when follow dates are known for
    most followers), made up like all followers the owner did not follow first.
    """
    def mix(sel, default):
        if not tiers_known or len(sel) < 20 or sel["group"].isna().all():
            return dict(default), "default"
        share = sel["group"].value_counts(normalize=True)
        return {g: round(float(share.get(g, 0.0)), 4) for g in ("working", "other", "hollow")}, "workspace"

    back = profile["followed_back"].astype("boolean").fillna(False).astype(bool)
    fb_mix, fb_src = mix(profile[back], FOLLOW_BACK_MIX)
    org_mix, org_src = mix(profile[~back], ORGANIC_MIX)
    yield_, follows = follow_back_yield(ws, owner)
    fb_yield, fb_rate_src = (yield_, "workspace") if yield_ is not None and follows >= 50 else (FOLLOW_BACK_YIELD,
                                                                                               "default")
    per_month, rate_src = ORGANIC_PER_MONTH, "default"
    since = fc._epoch(profile["since"])
    if len(since) and np.isfinite(since).mean() > 0.5:
        end = fc._epoch([as_of])[0] if as_of is not None else np.nanmax(since)
        recent = (since > end - 365 * 86400.0) & (since <= end) & ~back.to_numpy()
        per_month, rate_src = float(recent.sum()) / 12.0, "workspace"
    out = {
        "follow_back": {"per_month": FOLLOWS_PER_DAY * 30 * fb_yield, "mix": fb_mix,
                        "follows_per_day": FOLLOWS_PER_DAY, "follow_back_yield": round(fb_yield, 4),
                        "source": f"yield: {fb_rate_src}; mix: {fb_src}"},
        "organic": {"per_month": per_month, "mix": org_mix, "source": f"rate: {rate_src}; mix: {org_src}"},
    }
    if fb_src == "workspace":  # new follow-back followers behave like the ones the owner already has
        out["follow_back"]["rates"] = profile[back]
    return out


SCENARIOS = ("real", "committed-vs-random", "growth")


def simulate(ws, me: str | None = None, *, runs: int = 1000, seed: int = 7, scenario: str = "all",
             as_of=None, window_days: int = fc.WINDOW_DAYS, tiers="audit") -> dict[str, Any]:
    """Run the spread scenarios; the ``simulate --json`` object.

    ``scenario``: "real" (the cascade on the workspace's follow graph), "committed-vs-random"
    (1,000 committed followers versus 1,000,000 random ones), "growth" (12 months of scripted
    follow-back versus picky organic growth) or "all". Every figure is an expected value with 10th
    and 90th percentiles over ``runs`` Monte Carlo runs; the same ``seed`` gives the same output.
    """
    ws, me, as_of, window_days, tiers = fc.from_audit(ws, me, as_of, window_days, tiers)
    from ..errors import UsageError

    wanted = SCENARIOS if scenario == "all" else (scenario,)
    if any(s not in SCENARIOS for s in wanted):
        raise UsageError(f"unknown scenario {scenario!r}", field="scenario",
                         hint=f"choose one of {', '.join(SCENARIOS)} or all")
    if runs < 1:
        raise UsageError("--runs must be at least 1", field="runs")
    owner = fc.owner_of(ws, me)
    notes: list[str] = []
    # the tiers of the command's audit when given (a mapping id -> tier), else audited here
    tiers = fc._tiers(ws, owner, tiers, as_of=as_of, window_days=window_days, notes=notes)
    tiers_known = tiers is not None
    pass_on = pass_on_rates(ws, owner, as_of=as_of, window_days=window_days, tiers=tiers)
    responses = fc.response_rates(ws, owner, as_of=as_of, window_days=window_days, tiers=tiers)
    profile = follower_profile(ws, owner, tiers=tiers, pass_on=pass_on, responses=responses)
    if not tiers_known:  # who answered or shared at least once works; hollow cannot be told
        active = set(responses.loc[responses["answered"] > 0, "id"]) | set(pass_on.loc[pass_on["answered"] > 0, "id"])
        profile["group"] = np.where(profile["id"].astype(str).isin(active), "working", "other").astype(object)
    if not tiers_known:
        notes.append("follower tiers are unknown: scenario rates use documented defaults")
    if not len(pass_on):
        notes.append(f"no shares of the owner's posts on record: every account passes on with the default "
                     f"{DEFAULT_PASS_ON}")
    out: dict[str, Any] = {
        "runs": runs, "seed": seed,
        "model": "node-level independent cascade (each reached account passes the post on once, with its "
                 "pass-on probability, to all its followers); pass-on = beta-binomial shrunk share rate",
        "pass_on": {"basis": pass_on.attrs.get("basis"), "priors": pass_on.attrs.get("priors", {}),
                    "followers_with_history": int((pass_on["trials"] > 0).sum()) if len(pass_on) else 0,
                    "default": DEFAULT_PASS_ON},
        "tiers_known": tiers_known, "scenarios": {}, "notes": notes,
    }
    if "real" in wanted:
        real = real_network(ws, owner, pass_on, runs=runs, seed=seed)
        fc_out = fc.forecast(ws, owner, as_of=as_of, window_days=window_days, seed=seed, tiers=tiers)
        real["responders"] = {"expected": fc_out["expected_responders"], "low": fc_out["low"],
                              "high": fc_out["high"]}
        out["scenarios"]["real"] = real
    if "committed-vs-random" in wanted:
        if tiers_known:
            rates = group_rates(profile, COMMITTED_VS_RANDOM_TIERS, COMMITTED_VS_RANDOM_DEFAULTS)
        else:
            rates = group_rates(profile, {"committed": ("working",), "random": ("other",)},
                                COMMITTED_VS_RANDOM_DEFAULTS, column="group")
        out["scenarios"]["committed_vs_random"] = committed_vs_random(rates, runs=runs, seed=seed)
        out["scenarios"]["committed_vs_random"]["defaults_used"] = defaults_used(rates)
    if "growth" in wanted:
        rates = group_rates(profile, {g: (g,) for g in GROUP_TIERS}, DEFAULT_GROUP_RATES, column="group")
        today = profile["group"].value_counts().to_dict()
        strategies = _growth_strategies(ws, owner, profile, tiers_known, as_of=as_of)
        for st in strategies.values():  # a strategy's own followers' rates, where the workspace has them
            if "rates" in st:
                st["rates"] = group_rates(st["rates"], {g: (g,) for g in GROUP_TIERS},
                                          {g: tuple(rates[g][k] for k in ("pass_on", "response", "audience"))
                                           for g in rates}, column="group", default_label="all followers",
                                          population=profile)
        res = growth(today, rates, strategies, runs=runs, seed=seed)
        if not tiers_known:
            res["today"]["hollow_share"] = None
            for k in ("follow_back", "organic"):
                res[k]["hollow_share_note"] = "the share among new followers only; today's hollow share is unknown"
        res["rates"] = rates
        res["defaults_used"] = defaults_used(rates)
        out["scenarios"]["growth"] = res
    return out
