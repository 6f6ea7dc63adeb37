"""Response forecast: how many people will answer the owner's next request for help.

The model, in three steps (docs/forecast.md says the same in plain words):

1. **History per follower.** Where the workspace holds the owner's requests for help (interactions
   ``kind='request'`` with ``actor`` = the owner, ``post`` naming the request) and responses to them
   (``kind='response'``, ``post`` = the request id; a response without a usable ``post`` is attributed
   to the latest request at or before it), follower *i* has ``n_i`` requests it could have seen
   (requests made after it followed, when ``follows.since`` is known; all of them otherwise; plus any
   it answered anyway) and ``k_i`` of them it answered. Without requests, the same counting runs on
   30-day periods of the last year instead ("engagement proxy"): ``n_i`` periods it followed in,
   ``k_i`` periods in which it did something active toward the owner (:data:`model.ACTIVE_KINDS`).
2. **Shrinkage.** ``k_i ~ Binomial(n_i, p_i)`` with ``p_i ~ Beta(a, b)``; ``a`` and ``b`` are the
   maximum-likelihood fit of the beta-binomial to all followers with history (empirical Bayes), one
   prior per tier when the audit's tiers are known and the tier has at least
   :data:`MIN_TIER_FOLLOWERS` followers with history. The rate used is the posterior mean
   ``p_i = (k_i + a) / (n_i + a + b)``: a follower with little history is pulled toward its tier's
   (or everybody's) mean; one with a long history keeps close to its own ``k_i / n_i``.
3. **Total.** The number of responders to the next request is a sum of independent Bernoulli(p_i): a
   Poisson-binomial, with mean ``sum p_i``. Two refinements, estimated from the history: a common
   log-normal "appeal" factor (mean 1) on all rates of a request, since some requests interest far
   more people than others (:func:`appeal_spread`), and a Poisson count of answers from outside the
   population (non-followers), with the past mean per request. ``low`` and ``high`` are the 10th and
   90th percentiles (the smallest k with P(total <= k) >= 0.1, resp. 0.9), computed exactly by
   convolution (followers with equal rates are convolved as one binomial; tails under 1e-12 are
   dropped) or, above :data:`EXACT_MAX_GROUPS` distinct rates or when asked, by Monte Carlo with a seed
   (:mod:`innercircle.totals`).

Recency: counts are weighted, a request ``h`` requests back by 0.5 ** (h / :data:`HALF_LIFE_TRIALS`).
The appeal spread is learnt from one-step forecasts of past requests (:func:`one_step_means`). The
back-test (:func:`backtest`) reports ``low``/``high`` as percentiles interpolated between counts
(:func:`totals.interpolated_quantiles`) beside the naive forecast (:func:`naive_backtest`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import UsageError
from ..model import ACTIVE_KINDS
from ..store import history as stored
# the distribution of totals lives in .totals; its names stay importable from here
from .totals import APPEAL_PRIOR_TRIALS, DEFAULT_APPEAL_SPREAD, EXACT_MAX_GROUPS, SPREAD_GRID  # noqa: F401
from .totals import QUANTILES, TotalDistribution, appeal_spread, interval_score, sum_of_bernoullis
from .totals import appeal_factors, interpolated_quantiles, poisson_binomial_pmf  # noqa: F401

#: Length of one pseudo-request in the engagement-proxy model, and the window it looks back.
PERIOD_DAYS = 30
WINDOW_DAYS = 365
#: A tier gets its own prior from this many followers with history on; smaller tiers use everybody's.
MIN_TIER_FOLLOWERS = 30
#: Below this many followers with history the beta-binomial spread cannot be estimated; a weak prior
#: of this strength (pseudo-observations) around the pooled rate is used instead.
MIN_FIT_FOLLOWERS = 5
WEAK_PRIOR_STRENGTH = 2.0
#: Recency: followers come and go and the owner's appeal drifts, so a request's weight in each
#: follower's history halves every this many requests (or periods) back. Tuned, with
#: :data:`DEFAULT_APPEAL_SPREAD`, on half of the shared celebrity back-test (docs/forecast.md).
HALF_LIFE_TRIALS = 4.0
#: Tiers the audit counts as "working" followers.
WORKING_TIERS = ("committed", "occasional")
#: What-if defaults when the workspace has no rates of its own: a working follower answers one request
#: in fifty, any other follower one in two thousand, so that 7,000 followers of which 5% work give about
#: ten answers (the issue's rule of thumb) and a few hundred give about one.
DEFAULT_WORKING_RATE = 0.02
DEFAULT_OTHER_RATE = 0.0005


# -- shrinkage -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BetaPrior:
    """Beta(alpha, beta) prior on a follower's rate; ``fitted_on`` followers with history."""

    alpha: float
    beta: float
    fitted_on: int
    how: str  # "beta-binomial MLE" or "weak prior around the pooled rate"

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    def posterior_mean(self, k, n):
        """(k + alpha) / (n + alpha + beta): the shrunk rate for k successes in n trials."""
        return (np.asarray(k, dtype=float) + self.alpha) / (np.asarray(n, dtype=float) + self.alpha + self.beta)

    def to_dict(self) -> dict[str, Any]:
        return {"alpha": round(self.alpha, 6), "beta": round(self.beta, 6), "mean": round(self.mean, 6),
                "fitted_on": self.fitted_on, "how": self.how}


def fit_beta_prior(k, n) -> BetaPrior | None:
    """Empirical-Bayes prior: the Beta(a, b) maximising the beta-binomial likelihood of (k_i, n_i).

    Counts may be fractional (recency-weighted histories). Only followers with ``n_i > 0`` count. None
    when nobody has history. With fewer than
    :data:`MIN_FIT_FOLLOWERS` such followers the spread cannot be estimated and a weak prior
    (``WEAK_PRIOR_STRENGTH`` pseudo-trials around the pooled rate (sum k + 0.5) / (sum n + 1)) is used.
    """
    from scipy.optimize import minimize
    from scipy.special import betaln

    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    has = n > 0
    k, n = k[has], n[has]
    if not len(n):
        return None
    pooled = (k.sum() + 0.5) / (n.sum() + 1.0)
    if len(n) < MIN_FIT_FOLLOWERS:
        s = WEAK_PRIOR_STRENGTH
        return BetaPrior(pooled * s, (1 - pooled) * s, len(n), "weak prior around the pooled rate")
    pairs, weight = np.unique(np.stack([k, n]), axis=1, return_counts=True)
    kk, nn = pairs[0].astype(float), pairs[1].astype(float)

    def loss(x):
        a, b = np.exp(x)
        return -np.sum(weight * (betaln(kk + a, nn - kk + b) - betaln(a, b)))

    m = min(max(k.sum() / n.sum(), 1e-4), 1 - 1e-4)
    x0 = np.log([m * 2.0, (1 - m) * 2.0])
    res = minimize(loss, x0, method="L-BFGS-B", bounds=[(-9.0, 9.0), (-9.0, 14.0)])
    a, b = np.exp(res.x)
    return BetaPrior(float(a), float(b), int(len(n)), "beta-binomial MLE")


def shrink(k, n, groups=None, *, min_group: int = MIN_TIER_FOLLOWERS):
    """Posterior-mean rates and the priors used: per group where it has enough history, else overall.

    Returns ``(rates, priors)`` where ``priors`` maps group name (or "all") to :class:`BetaPrior`.
    Rates are NaN where no prior exists (nobody has any history).
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    overall = fit_beta_prior(k, n)
    priors: dict[str, BetaPrior] = {}
    rates = np.full(len(k), np.nan)
    if overall is not None:
        priors["all"] = overall
        rates = overall.posterior_mean(k, n)
    if groups is not None and overall is not None:
        groups = np.asarray(groups, dtype=object)
        for g in sorted({str(x) for x in groups if x is not None and x == x}):
            sel = groups == g
            if int(np.sum(n[sel] > 0)) >= min_group:
                prior = fit_beta_prior(k[sel], n[sel])
                priors[g] = prior
                rates[sel] = prior.posterior_mean(k[sel], n[sel])
    return rates, priors


# -- history from the workspace ---------------------------------------------------------------------

@dataclass
class History:
    """Who could have answered what: the population and its trials ("requests") in time order.

    ``ids``: the population (followers, or accounts seen acting when followers are unknown);
    ``since``: when each followed (seconds since the epoch, NaN unknown); ``times``: each trial's cut
    time (a request's time, a period's end), sorted; ``responded``: a sparse population x trials 0/1
    matrix; ``outside``: per trial, responders outside the population.
    """

    basis: str  # "requests" or "engagement-proxy"
    ids: np.ndarray
    since: np.ndarray
    times: np.ndarray
    responded: Any
    outside: np.ndarray
    is_follower: np.ndarray
    notes: list[str]

    @property
    def trials(self) -> int:
        return len(self.times)

    def first_seen(self) -> np.ndarray:
        """Index of the first trial each member could see (followed at or before it)."""
        since = np.where(np.isnan(self.since), -np.inf, self.since)
        return np.searchsorted(self.times, since, side="left")

    def first_answer(self) -> np.ndarray:
        """Index of the first trial each member answered (a large number when never)."""
        first = np.full(self.responded.shape[0], np.iinfo(np.int64).max // 2)
        coo = self.responded.tocoo()
        np.minimum.at(first, coo.row, coo.col.astype(np.int64))
        return first

    def eligible_from(self) -> np.ndarray:
        """Index of the first trial at which each member counts in the population: when it followed,
        or, when followers are unknown, the trial after its first answer."""
        return self.first_seen() if self.is_follower.all() else self.first_answer() + 1

    def actual(self) -> np.ndarray:
        """Distinct responders per trial, those outside the population included."""
        return np.asarray(self.responded.sum(axis=0)).ravel().astype(np.int64) + self.outside

    def unexplained(self) -> np.ndarray:
        """Responders per trial the population model does not speak for: non-members, and members
        answering before they count (a follower answering before it followed; with followers
        unknown, an account's first answer)."""
        coo = self.responded.tocoo()
        early = coo.col < self.eligible_from()[coo.row]
        return self.outside + np.bincount(coo.col[early], minlength=self.trials).astype(np.int64)

    def expected_per_trial(self, rate: np.ndarray, upto: int) -> np.ndarray:
        """Sum of ``rate`` over the population of each of the first ``upto`` trials."""
        key = np.clip(self.eligible_from(), 0, upto)
        w = np.bincount(key, weights=np.nan_to_num(rate), minlength=upto + 1)[:upto]
        return np.cumsum(w)

    def trial_weights(self, upto: int, half_life: float | None = None) -> np.ndarray:
        """Weight of trials 0..upto-1 seen from trial ``upto``: 0.5 ** ((upto - 1 - t) / half_life),
        all 1 without a half-life."""
        if not half_life or not np.isfinite(half_life):
            return np.ones(upto)
        return 0.5 ** ((upto - 1 - np.arange(upto)) / half_life)

    def counts(self, upto: int | None = None, *, half_life: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(k, n) per member over the first ``upto`` trials (all by default).

        With ``half_life``, each trial counts with its :meth:`trial_weights` weight (recent requests
        weigh more; the counts are then fractional), else every trial counts once (whole numbers).
        """
        j = self.trials if upto is None else upto
        w = self.trial_weights(j, half_life)
        first = np.clip(self.first_seen(), 0, j)
        resp = self.responded[:, :j].tocsr()
        k = resp @ w
        before = np.concatenate([[0.0], np.cumsum(w)])
        seen = before[j] - before[first]
        # answered although not "seen" (followed later, or re-followed): it was a trial all the same
        cols = resp.indices
        rows = np.repeat(np.arange(resp.shape[0]), np.diff(resp.indptr))
        early = cols < first[rows]
        unseen = np.bincount(rows[early], weights=w[cols[early]], minlength=resp.shape[0])
        if half_life:
            return k, seen + unseen
        return np.rint(k).astype(np.int64), np.rint(seen + unseen).astype(np.int64)


def _epoch(values) -> np.ndarray:
    """Timestamps as float seconds since the epoch, NaN for unknown."""
    import pandas as pd

    s = pd.to_datetime(pd.Series(values), errors="coerce")
    return ((s - pd.Timestamp(0)) / pd.Timedelta(seconds=1)).to_numpy(dtype=float, na_value=np.nan)


def from_audit(source, me, as_of, window_days, tiers):
    """(ws, me, as_of, window_days, tiers): the command's Audit's when ``source`` is one (the owner, the
    as-of, the window and the tiers every other command uses), else as given."""
    from .audit import Audit

    if isinstance(source, Audit):
        return source.ws, source.me, source.window.as_of, source.window.days, source.tier_map
    return source, me, as_of, window_days, tiers


def owner_of(ws, me: str | None) -> str:
    """The owner's id: ``me`` or the workspace's; a clear error when neither is known or it is absent."""
    owner = me or ws.owner
    if not owner:
        raise UsageError("no owner known for this workspace",
                         hint="pass --me ID, or import a source that names its owner")
    if not stored.account_exists(ws.con, owner):
        raise UsageError(f"no account {owner!r} in the workspace", field="me",
                         hint="check the id (innercircle accounts lists them) or import its data")
    return owner


def _followers(ws, owner: str):
    return stored.followers_since(ws.con, owner)


def _build(basis: str, followers, trial_times: np.ndarray, events, notes: list[str]) -> History:
    """Population = followers (or, when none are known, the accounts in ``events``)."""
    import pandas as pd
    from scipy import sparse

    order = np.argsort(trial_times, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    times = trial_times[order]
    is_follower = len(followers) > 0
    if is_follower:
        ids = followers["id"].astype(str).to_numpy()
        since = _epoch(followers["since"])
    else:
        ids = np.array(sorted(set(events["actor"].astype(str))), dtype=object)
        since = np.full(len(ids), np.nan)
        if len(ids):
            notes.append("the owner's followers are unknown: the forecast covers accounts seen acting "
                         "toward the owner")
    index = pd.Index(ids)
    pos = index.get_indexer(events["actor"].astype(str)) if len(events) else np.zeros(0, dtype=np.int64)
    trial = rank[events["trial"].to_numpy(dtype=np.int64)] if len(events) else np.zeros(0, dtype=np.int64)
    inside = pos >= 0
    m = sparse.coo_matrix((np.ones(int(inside.sum())), (pos[inside], trial[inside])),
                          shape=(len(ids), len(times))).tocsc()
    m.data[:] = 1.0  # several responses to one request count once
    outside = np.zeros(len(times), dtype=np.int64)
    if (~inside).any():
        out = pd.DataFrame({"a": events["actor"].to_numpy()[~inside], "t": trial[~inside]}).drop_duplicates()
        outside = np.bincount(out["t"].to_numpy(dtype=np.int64), minlength=len(times))
    return History(basis, ids, since, times, m, outside,
                   np.full(len(ids), is_follower), notes)


def attribute(trial_ids, trial_t, post, at) -> np.ndarray:
    """Trial index of each event: the trial its ``post`` names, else the latest trial at or before
    its time ``at`` (seconds); -1 when neither works."""
    import pandas as pd

    post = pd.Series(post, dtype=object)
    trial = pd.Index(pd.Series(trial_ids, dtype=object).astype(str)).get_indexer(
        post.where(post.isna(), post.astype(str)))
    trial_t = np.asarray(trial_t, dtype=float)
    at = np.asarray(at, dtype=float)
    order = np.argsort(trial_t, kind="stable")
    later = np.searchsorted(trial_t[order], at, side="right") - 1
    fallback = np.where((~np.isnan(at)) & (later >= 0), order[np.clip(later, 0, None)], -1)
    return np.where(trial >= 0, trial, fallback)


def request_history(ws, owner: str) -> History | None:
    """The owner's requests and the responses to them, or None when the owner made no requests."""
    import pandas as pd

    req = stored.requests(ws.con, owner)
    if not len(req):
        return None
    notes: list[str] = []
    req["post"] = req["post"].astype(object)
    missing = req["post"].isna()
    if missing.any():  # requests without a post id: one request per distinct time
        anon = stored.anonymous_request_times(ws.con, owner)
        anon["post"] = [f"request@{i}" for i in range(len(anon))]
        req = pd.concat([req[~missing], anon[["post", "at"]]], ignore_index=True)
    req_t = _epoch(req["at"])
    if np.isnan(req_t).any():
        notes.append(f"{int(np.isnan(req_t).sum())} request(s) without a time: taken as seen by every follower")
        req_t = np.where(np.isnan(req_t), -np.inf, req_t)
    resp = stored.responses(ws.con, owner)
    trial = attribute(req["post"].astype(str).to_numpy(), req_t, resp["post"], _epoch(resp["at"]))
    if (trial < 0).any():
        notes.append(f"{int((trial < 0).sum())} response(s) matched no request (no request id, "
                     "no earlier request)")
    events = pd.DataFrame({"actor": resp["actor"].to_numpy()[trial >= 0], "trial": trial[trial >= 0]})
    return _build("requests", _followers(ws, owner), req_t, events, notes)


def engagement_history(ws, owner: str, *, as_of=None, window_days: float = WINDOW_DAYS,
                       period_days: float = PERIOD_DAYS, kinds=ACTIVE_KINDS) -> History | None:
    """Periods of ``period_days`` over the window as pseudo-requests; "answered" = active that period.

    Active means an interaction of ``kinds`` toward the owner. None when nobody did anything of
    those kinds toward the owner in the window.
    """
    import pandas as pd

    ev = stored.actions_toward(ws.con, owner, kinds)
    end = _epoch([as_of])[0] if as_of is not None else (np.nanmax(_epoch(ev["at"])) + 1 if len(ev) else np.nan)
    periods = max(int(window_days // period_days), 1)
    if np.isnan(end):
        return None
    t = _epoch(ev["at"])
    back = np.floor((end - t) / (period_days * 86400.0)).astype(np.int64)
    ok = (back >= 0) & (back < periods)
    if not ok.any():
        return None
    # trial j = the j-th period; a follower "could see" it when it followed before the period ended
    period_end = end - (periods - 1 - np.arange(periods)) * period_days * 86400.0
    events = pd.DataFrame({"actor": ev["actor"].to_numpy()[ok], "trial": periods - 1 - back[ok]})
    notes = [f"no requests for help on record: {periods} periods of {period_days:g} days of active "
             "engagement toward the owner stand in for requests"]
    return _build("engagement-proxy", _followers(ws, owner), period_end, events, notes)


def history(ws, me: str | None = None, *, as_of=None, window_days: float = WINDOW_DAYS,
            period_days: float = PERIOD_DAYS) -> History | None:
    """Request history where the owner made requests, else the engagement proxy (None: neither)."""
    owner = owner_of(ws, me)
    return request_history(ws, owner) or engagement_history(ws, owner, as_of=as_of, window_days=window_days,
                                                            period_days=period_days)


# -- rates, the forecast, what-if and back-test -------------------------------------------------------

def _tiers(ws, owner: str, tiers, *, as_of=None, window_days: int = WINDOW_DAYS, notes: list | None = None):
    """id -> tier from ``tiers`` (a mapping or Series), or the audit's follower table; None if unknown.

    A failing audit does not stop the forecast: it runs without tiers and says why in ``notes``.
    """
    import pandas as pd

    if tiers is None:
        return None
    if not isinstance(tiers, str):
        return pd.Series(tiers, dtype=object)
    try:
        from .audit import follower_table

        stored.settle(ws.con)
        table = follower_table(ws, owner, as_of=as_of, window_days=window_days)
    except Exception as e:  # noqa: BLE001 - tiers refine the model; without them it still stands
        if notes is not None:
            notes.append(f"follower tiers unavailable ({type(e).__name__}: {str(e).splitlines()[0][:120]}); "
                         "one population prior used")
        return None
    if "tier" not in table.columns or not len(table):
        return None
    return pd.Series(table["tier"].to_numpy(dtype=object), index=table["id"].astype(str).to_numpy())


def _rates_frame(hist: History, tier_map, half_life: float | None = None) -> tuple[Any, dict]:
    """One row per member: whole counts, and the rate shrunk from the (recency-weighted) counts."""
    import pandas as pd

    k, n = hist.counts()
    kw, nw = hist.counts(half_life=half_life) if half_life else (k, n)
    tier = None if tier_map is None else pd.Series(hist.ids).map(tier_map).to_numpy(dtype=object)
    rate, priors = shrink(kw, nw, tier)
    observed = np.divide(k, n, out=np.full(len(k), np.nan), where=n > 0)
    frame = pd.DataFrame({
        "id": hist.ids.astype(str), "tier": pd.Series(tier, dtype=object) if tier is not None else None,
        "follower": hist.is_follower, "trials": n, "answered": k,
        "observed_rate": observed, "rate": rate,
    })
    if half_life:
        frame["recent_trials"], frame["recent_answered"] = np.round(nw, 4), np.round(kw, 4)
    return frame, priors


def response_rates(ws, me: str | None = None, *, as_of=None, window_days: int = WINDOW_DAYS,
                   tiers="audit", half_life: float | None = HALF_LIFE_TRIALS):
    """Per follower: its chance of answering the owner's next request, with the history behind it.

    Columns: ``id``, ``tier`` (from the audit, empty when unknown), ``follower``, ``trials`` (requests
    it could have seen, or 30-day periods in the proxy model), ``answered`` (how many of them it
    answered / was active in), ``observed_rate`` (answered / trials, empty without trials) and
    ``rate`` (the shrunk posterior mean (answered + a) / (trials + a + b) of the recency-weighted
    counts ``recent_answered`` and ``recent_trials``, where a request ``h`` requests back weighs
    0.5 ** (h / half_life); empty when no follower has any history). ``df.attrs`` carries ``basis``,
    ``priors`` and ``half_life``.
    """
    ws, me, as_of, window_days, tiers = from_audit(ws, me, as_of, window_days, tiers)
    import pandas as pd

    owner = owner_of(ws, me)
    hist = history(ws, owner, as_of=as_of, window_days=window_days)
    if hist is None:
        return pd.DataFrame(columns=["id", "tier", "follower", "trials", "answered", "observed_rate", "rate"])
    frame, priors = _rates_frame(hist, _tiers(ws, owner, tiers, as_of=as_of, window_days=window_days),
                                 half_life)
    frame.attrs.update(basis=hist.basis, priors={g: p.to_dict() for g, p in priors.items()},
                       half_life=half_life)
    return frame


def _unknown_forecast(reason: str, **extra) -> dict[str, Any]:
    return {"expected_responders": None, "low": None, "high": None, "model": f"none: {reason}",
            "basis": None, "distribution": None, **extra}


def forecast(ws, me: str | None = None, *, as_of=None, window_days: float = WINDOW_DAYS,
             period_days: float = PERIOD_DAYS, method: str = "auto", runs: int = 20_000, seed: int = 7,
             tiers="audit", half_life: float | None = HALF_LIFE_TRIALS) -> dict[str, Any]:
    """How many people will answer the owner's next request: expected value and 10th/90th percentiles.

    Returns the ``forecast --json`` object: ``expected_responders``, ``low``, ``high``, ``model`` (which
    history, which prior, exact or Monte Carlo), ``basis``, ``distribution``, ``population``,
    ``requests``, ``responses``, ``priors``, ``by_tier``, ``half_life`` and ``notes``. Values the
    data cannot tell (no followers and no requests, no engagement) are None. ``half_life`` (in
    requests, or periods; None: every request weighs the same) sets the recency weighting.
    """
    ws, me, as_of, window_days, tiers = from_audit(ws, me, as_of, window_days, tiers)
    owner = owner_of(ws, me)
    hist = history(ws, owner, as_of=as_of, window_days=window_days, period_days=period_days)
    if hist is None:
        return _unknown_forecast("no requests for help and no active engagement toward the owner on record",
                                 population=int(len(_followers(ws, owner))),
                                 notes=["nothing in the workspace says how often anyone answers the owner"])
    tier_map = _tiers(ws, owner, tiers, as_of=as_of, window_days=window_days, notes=hist.notes)
    frame, priors = _rates_frame(hist, tier_map, half_life)
    if not len(frame) or frame["rate"].isna().all():
        return _unknown_forecast("nobody in the population could have seen a request", population=len(frame),
                                 notes=hist.notes)
    rate = frame["rate"].to_numpy(dtype=float)
    outside = float(hist.unexplained().mean())
    spread = appeal_spread(hist.actual()[1:], one_step_means(hist, half_life=half_life)[1:])
    dist = sum_of_bernoullis(np.nan_to_num(rate), method=method, runs=runs, seed=seed, spread=spread,
                             extra_poisson=outside)
    return {
        "expected_responders": round(dist.mean, 2), "low": dist.low, "high": dist.high,
        **dict(zip(("low_interpolated", "high_interpolated"), (round(v, 2) for v in dist.interpolated()))),
        "model": _model_text(hist, priors, dist, runs, seed, spread, outside, half_life),
        "appeal_spread": round(spread, 4), "from_outside": round(outside, 3), "half_life": half_life,
        "basis": hist.basis, "distribution": dist.method,
        "population": int(len(frame)), "followers_known": bool(hist.is_follower.all()) if len(frame) else False,
        "requests": hist.trials if hist.basis == "requests" else 0,
        "periods": hist.trials if hist.basis == "engagement-proxy" else 0,
        "responses": int(hist.responded.nnz + hist.outside.sum()),
        "priors": {g: p.to_dict() for g, p in priors.items()},
        "by_tier": _by_tier(frame),
        "notes": list(hist.notes),
    }


def _model_text(hist: History, priors: dict, dist: TotalDistribution, runs: int, seed: int,
                spread: float = 0.0, outside: float = 0.0, half_life: float | None = None) -> str:
    unit = "requests" if hist.basis == "requests" else "periods"
    what = (f"request/response history ({hist.trials} requests)" if hist.basis == "requests"
            else f"engagement proxy ({hist.trials} periods)")
    if half_life:
        what += f", recency-weighted (half-life {half_life:g} {unit})"
    prior = "per-tier" if len(priors) > 1 else "population"
    total = ("exact Poisson-binomial" if dist.method == "exact"
             else f"Monte Carlo Poisson-binomial ({runs} runs, seed {seed})")
    extras = []
    if spread > 0:
        extras.append(f"log-normal request appeal (sd {spread:.2f})")
    if outside > 0:
        extras.append(f"Poisson answers from outside the population (mean {outside:.2f})")
    more = f" with {' and '.join(extras)}" if extras else ""
    return f"beta-binomial empirical Bayes ({prior} prior) on {what}; total by {total}{more}"


def _by_tier(frame) -> dict[str, Any]:
    if frame["tier"].isna().all():
        return {}
    out = {}
    for tier, g in frame.groupby(frame["tier"].fillna("unknown"), sort=True):
        out[str(tier)] = {"followers": int(len(g)), "mean_rate": round(float(g["rate"].mean()), 6),
                          "expected_responders": round(float(g["rate"].sum()), 3)}
    return out


def working_rates(ws, me: str | None = None, *, as_of=None, window_days: int = WINDOW_DAYS,
                  tiers="audit") -> dict[str, Any]:
    """Mean response rate of working followers (committed + occasional) and of the others.

    Working = the audit's committed and occasional tiers; without tiers, followers who answered (or
    were active toward the owner) at least once. Falls back to :data:`DEFAULT_WORKING_RATE` and
    :data:`DEFAULT_OTHER_RATE` for a group the workspace has nobody in (``source`` says which).
    """
    ws, me, as_of, window_days, tiers = from_audit(ws, me, as_of, window_days, tiers)
    out = {"working_rate": DEFAULT_WORKING_RATE, "other_rate": DEFAULT_OTHER_RATE,
           "source": "defaults", "working_means": "committed + occasional tiers"}
    try:
        frame = response_rates(ws, me, as_of=as_of, window_days=window_days, tiers=tiers)
    except UsageError:
        return out
    if not len(frame) or frame["rate"].isna().all():
        return out
    if frame["tier"].notna().any():
        working = frame["tier"].isin(WORKING_TIERS).to_numpy()
    else:
        working = (frame["answered"] > 0).to_numpy()
        out["working_means"] = "followers who answered (or were active) at least once"
    rate = frame["rate"].to_numpy(dtype=float)
    if working.any():
        out["working_rate"] = float(rate[working].mean())
    if (~working).any():
        out["other_rate"] = float(rate[~working].mean())
    out["source"] = "workspace" if working.any() and (~working).any() else "workspace and defaults"
    return out


def what_if(followers: int, working_share: float, *, working_rate: float = DEFAULT_WORKING_RATE,
            other_rate: float = DEFAULT_OTHER_RATE, seed: int = 7) -> dict[str, Any]:
    """Expected responders for ``followers`` followers of which a share ``working_share`` work.

    expected = N * s * r_working + N * (1 - s) * r_other; low/high are the 10th/90th percentiles of
    Binomial(N*s, r_working) + Binomial(N*(1-s), r_other), computed exactly.

    >>> what_if(7000, 0.05)["expected_responders"]
    10.32
    """
    if followers < 0:
        raise UsageError("--followers must be 0 or more", field="followers")
    if not 0.0 <= working_share <= 1.0:
        raise UsageError("--working-share must lie between 0 and 1 (e.g. 0.05 for 5%)", field="working-share")
    working = int(round(followers * working_share))
    other = int(followers) - working
    dist = sum_of_bernoullis([working_rate, other_rate], [working, other], seed=seed)
    return {"followers": int(followers), "working_share": float(working_share),
            "working_followers": working, "other_followers": other,
            "working_rate": round(working_rate, 6), "other_rate": round(other_rate, 6),
            "expected_responders": round(dist.mean, 2), "low": dist.low, "high": dist.high,
            "from_working": round(working * working_rate, 2), "from_others": round(other * other_rate, 2)}


def one_step_forecasts(hist: History, *, half_life: float | None = HALF_LIFE_TRIALS):
    """For each trial j >= 1, from trials 0..j-1 only: ``(j, rates, outside)``.

    ``rates`` are the shrunk (recency-weighted) rates of the members who count at trial j: who
    followed by then, or, when followers are unknown, who had answered before; no tiers, which are
    computed from today's data. ``outside`` is the mean count of answers the population model does
    not speak for (:meth:`History.unexplained`) over trials 0..j-1.
    """
    eligible_from, unexplained = hist.eligible_from(), hist.unexplained()
    for j in range(1, hist.trials):
        k, n = hist.counts(j, half_life=half_life)
        rate, _ = shrink(k, n)
        eligible = (eligible_from <= j) & ~np.isnan(rate)  # nobody yet: only outsiders are predicted
        yield j, rate[eligible], float(unexplained[:j].mean())


def one_step_means(hist: History, *, half_life: float | None = HALF_LIFE_TRIALS) -> np.ndarray:
    """Expected total of each trial predicted from the trials before it (NaN for trial 0).

    These out-of-sample means, not the in-sample fit, measure how far requests differ in appeal
    beyond the model (:func:`appeal_spread`): in-sample means follow the history they were fitted
    on and understate the spread.
    """
    mu = np.full(hist.trials, np.nan)
    for j, rate, outside in one_step_forecasts(hist, half_life=half_life):
        mu[j] = float(rate.sum()) + outside
    return mu


def backtest_history(hist: History, *, min_history: int = 1, method: str = "auto", runs: int = 20_000,
                     seed: int = 7, half_life: float | None = HALF_LIFE_TRIALS) -> dict[str, Any]:
    """Predict each trial from the ones before it; coverage of [low, high] and mean absolute error.

    For trial j (j >= ``min_history``) everything comes from trials 0..j-1 (see
    :func:`one_step_forecasts`): the rates, the outsiders' mean and the appeal spread, measured on
    the one-step errors of trials 1..j-1. The truth is every distinct responder to trial j. ``low``
    and ``high`` are the interpolated 10th and 90th percentiles (:func:`interpolated_quantiles`),
    ``low_count`` and ``high_count`` the whole-number ones.
    ``interval_score`` is the mean 80% interval score (high - low) + 10 (low - y)+ + 10 (y - high)+
    (lower is better).
    """
    rows = []
    actual_all = hist.actual()
    mu = np.full(hist.trials, np.nan)
    for j, rate, outside in one_step_forecasts(hist, half_life=half_life):
        mu[j] = float(rate.sum()) + outside
        if j < min_history:
            continue
        spread = appeal_spread(actual_all[1:j], mu[1:j])
        dist = sum_of_bernoullis(rate, method=method, runs=runs, seed=seed + j, spread=spread,
                                 extra_poisson=outside)
        actual = int(actual_all[j])
        low, high = (round(v, 3) for v in dist.interpolated())
        rows.append({"trial": j, "population": int(len(rate)), "expected": round(dist.mean, 3),
                     "low": low, "high": high, "actual": actual, "inside": bool(low <= actual <= high),
                     "low_count": dist.low, "high_count": dist.high})
    return _backtest_summary(hist, rows)


def _backtest_summary(hist: History, rows: list[dict]) -> dict[str, Any]:
    out = {"basis": hist.basis, "trials": hist.trials, "tested": len(rows),
           "coverage": None, "mean_absolute_error": None, "mean_expected": None, "mean_actual": None,
           "interval_score": None, "nominal_coverage": QUANTILES[1] - QUANTILES[0], "rows": rows}
    if rows:
        exp = np.array([r["expected"] for r in rows])
        act = np.array([r["actual"] for r in rows])
        score = interval_score([r["low"] for r in rows], [r["high"] for r in rows], act)
        out.update(coverage=round(float(np.mean([r["inside"] for r in rows])), 4),
                   mean_absolute_error=round(float(np.mean(np.abs(exp - act))), 3),
                   interval_score=round(float(score.mean()), 3),
                   mean_expected=round(float(exp.mean()), 3), mean_actual=round(float(act.mean()), 3))
    return out


def backtest(ws, me: str | None = None, *, as_of=None, window_days: float = WINDOW_DAYS,
             period_days: float = PERIOD_DAYS, min_history: int = 1, method: str = "auto",
             seed: int = 7, half_life: float | None = HALF_LIFE_TRIALS) -> dict[str, Any]:
    """Back-test the forecast on the workspace's own history (see :func:`backtest_history`).

    Keys: ``basis``, ``trials``, ``tested``, ``coverage`` (share of trials whose truth fell in
    [low, high]), ``mean_absolute_error``, ``interval_score``, ``mean_expected``, ``mean_actual``,
    ``nominal_coverage``, ``rows`` (one per tested trial, in time order) and ``naive`` (the same
    measures for the naive forecast on the same trials, see :func:`naive_backtest`). Coverage and
    error are None with fewer than two trials.
    """
    ws, me, as_of, window_days, _ = from_audit(ws, me, as_of, window_days, None)
    owner = owner_of(ws, me)
    hist = history(ws, owner, as_of=as_of, window_days=window_days, period_days=period_days)
    if hist is None:
        return {"basis": None, "trials": 0, "tested": 0, "coverage": None, "mean_absolute_error": None,
                "interval_score": None, "mean_expected": None, "mean_actual": None,
                "nominal_coverage": QUANTILES[1] - QUANTILES[0], "rows": [], "naive": None}
    out = backtest_history(hist, min_history=min_history, method=method, seed=seed, half_life=half_life)
    out["naive"] = naive_backtest(hist.actual(), min_history=min_history)
    return out


def naive_backtest(actual, *, min_history: int = 1) -> dict[str, Any]:
    """The naive forecast back-tested: trial j predicted as the mean of trials 0..j-1, with the 10th
    and 90th percentiles of their counts (linear interpolation) as [low, high].

    Returns ``coverage``, ``mean_absolute_error`` and ``interval_score`` (None without trials): the
    yardstick a model has to beat.

    >>> naive_backtest([4, 6, 5])["mean_absolute_error"]
    1.0
    """
    y = np.asarray(actual, dtype=float)
    js = np.arange(max(min_history, 1), len(y))
    if not len(js):
        return {"coverage": None, "mean_absolute_error": None, "interval_score": None}
    mean = np.array([y[:j].mean() for j in js])
    low, high = np.array([np.quantile(y[:j], QUANTILES) for j in js]).T
    return {"coverage": round(float(np.mean((low <= y[js]) & (y[js] <= high))), 4),
            "mean_absolute_error": round(float(np.mean(np.abs(mean - y[js]))), 3),
            "interval_score": round(float(interval_score(low, high, y[js]).mean()), 3)}
