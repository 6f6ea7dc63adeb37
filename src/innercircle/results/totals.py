"""The distribution of a count of answers: a sum of independent Bernoullis, request appeal, intervals.

The number of followers answering a request is a sum of independent Bernoulli(p_i) (a
Poisson-binomial), computed exactly by convolution or by Monte Carlo; a common log-normal appeal
factor on all rates of a request, with its spread learnt from past forecasts (:func:`appeal_spread`),
and a Poisson count of answers from outside the population refine it. The 80% interval score
(:func:`interval_score`) measures a [low, high] forecast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: The percentiles reported as ``low`` and ``high``.
QUANTILES = (0.1, 0.9)
#: Exact convolution up to this many distinct rates; Monte Carlo above.
EXACT_MAX_GROUPS = 50_000
#: Requests differ in appeal (topic, timing, wording): a common log-normal factor with this spread
#: (sd of log appeal) is assumed until the history shows otherwise, weighted as this many requests.
DEFAULT_APPEAL_SPREAD = 0.9
APPEAL_PRIOR_TRIALS = 10
#: Appeal spreads :func:`appeal_spread` chooses among.
SPREAD_GRID = np.round(np.linspace(0.0, 2.0, 21), 2)

# -- the distribution of a sum of independent Bernoullis -----------------------------------------

@dataclass(frozen=True)
class TotalDistribution:
    """The distribution of a count: its mean, 10th/90th percentiles and how they were computed."""

    mean: float
    low: int
    high: int
    method: str  # "exact" or "monte-carlo"
    offset: int = 0
    pmf: np.ndarray | None = field(default=None, repr=False)  # P(total = offset + j) (estimated by Monte Carlo)

    def to_dict(self) -> dict[str, Any]:
        return {"expected": round(self.mean, 3), "low": self.low, "high": self.high}

    def interpolated(self, qs=QUANTILES) -> list[float]:
        """The percentiles ``qs`` interpolated between counts (see :func:`interpolated_quantiles`)."""
        return interpolated_quantiles(self.pmf, self.offset, qs)


def interpolated_quantiles(pmf: np.ndarray, offset: int = 0, qs=QUANTILES) -> list[float]:
    """Percentiles of a count interpolated between whole counts, by the mid-distribution function
    G(k) = P(total < k) + P(total = k) / 2 (linear between counts, clipped to the support).

    A whole-number 90th percentile of a small count covers far more than 90% (for a Poisson count
    with mean 1, P(total <= 2) = 0.92), so whole-number [10th, 90th] ranges hold the truth more
    often than 8 times in 10; interpolated percentiles put each bound inside the count that straddles
    it, as numpy's percentiles of past counts do for the naive forecast.

    >>> interpolated_quantiles(np.array([0.25, 0.5, 0.25]), 0, (0.5,))
    [1.0]
    """
    p = np.asarray(pmf, dtype=float)
    p = p / p.sum()
    mid = np.cumsum(p) - p / 2
    ks = offset + np.arange(len(p), dtype=float)
    return [float(np.interp(q, mid, ks)) for q in qs]


def _quantiles_from_pmf(pmf: np.ndarray, offset: int, qs=QUANTILES) -> list[int]:
    cdf = np.cumsum(pmf)
    cdf /= cdf[-1]
    return [int(offset + np.searchsorted(cdf, q - 1e-12, side="left")) for q in qs]


def poisson_binomial_pmf(p) -> np.ndarray:
    """P(total = k) for k = 0..n, total = sum of independent Bernoulli(p_i): the plain O(n^2) recursion.

    >>> poisson_binomial_pmf([0.5, 0.5]).round(3).tolist()
    [0.25, 0.5, 0.25]
    """
    pmf = np.ones(1)
    for pi in np.asarray(p, dtype=float):
        nxt = np.zeros(len(pmf) + 1)
        nxt[:-1] += pmf * (1.0 - pi)
        nxt[1:] += pmf * pi
        pmf = nxt
    return pmf


def _trim(pmf: np.ndarray, offset: int, tail: float) -> tuple[np.ndarray, int]:
    """Drop leading and trailing mass below ``tail`` (keeps the array short for big totals)."""
    c = np.cumsum(pmf)
    lo = int(np.searchsorted(c, tail, side="right"))
    r = np.cumsum(pmf[::-1])
    hi = len(pmf) - int(np.searchsorted(r, tail, side="right"))
    lo, hi = min(lo, len(pmf) - 1), max(hi, lo + 1)
    return pmf[lo:hi], offset + lo


def _binomial_piece(count: int, p: float, tail: float) -> tuple[np.ndarray, int]:
    from scipy.stats import binom

    lo = int(binom.ppf(tail, count, p))
    hi = int(binom.isf(tail, count, p))
    lo, hi = max(lo - 1, 0), min(hi + 1, count)
    ks = np.arange(lo, hi + 1)
    return binom.pmf(ks, count, p), lo


def _exact_pmf(p: np.ndarray, counts: np.ndarray, tail: float) -> tuple[np.ndarray, int]:
    """Convolution of one binomial per distinct rate; returns (pmf, offset)."""
    pmf, offset = np.ones(1), 0
    for pg, c in zip(p, counts):
        if pg <= 0.0 or c == 0:
            continue
        if pg >= 1.0:
            offset += int(c)
            continue
        if c == 1:
            nxt = np.zeros(len(pmf) + 1)
            nxt[:-1] += pmf * (1.0 - pg)
            nxt[1:] += pmf * pg
        else:
            piece, lo = _binomial_piece(int(c), float(pg), tail)
            nxt, offset = np.convolve(pmf, piece), offset + lo
        pmf, offset = _trim(nxt, offset, tail)
    return pmf, offset


def _poisson_piece(lam: float, tail: float) -> tuple[np.ndarray, int]:
    from scipy.stats import poisson

    lo, hi = int(poisson.ppf(tail, lam)), int(poisson.isf(tail, lam)) + 1
    ks = np.arange(lo, hi + 1)
    return poisson.pmf(ks, lam), lo


def _with_outsiders(part: tuple[np.ndarray, int], lam: float, tail: float) -> tuple[np.ndarray, int]:
    """A (pmf, offset) convolved with a Poisson(``lam``) count (unchanged when ``lam`` is 0)."""
    if lam <= 0:
        return part
    piece, plo = _poisson_piece(lam, tail)
    return np.convolve(part[0], piece), part[1] + plo


def appeal_factors(spread: float, nodes: int = 15) -> np.ndarray:
    """``nodes`` equally likely values of a request's appeal A, log A ~ Normal(., spread^2), mean 1."""
    from scipy.stats import norm

    if spread <= 0:
        return np.ones(1)
    a = np.exp(spread * norm.ppf((np.arange(nodes) + 0.5) / nodes))
    return a / a.mean()


def sum_of_bernoullis(p, counts=None, *, method: str = "auto", runs: int = 20_000, seed: int = 7,
                      spread: float = 0.0, extra_poisson: float = 0.0, tail: float = 1e-12) -> TotalDistribution:
    """The distribution of the number of successes among independent trials with rates ``p``.

    ``counts[j]`` trials share rate ``p[j]`` (default one each). ``method`` is "exact" (convolution of
    one binomial per distinct rate, tails below ``tail`` dropped), "monte-carlo" (``runs`` draws with
    ``seed``) or "auto" (exact up to :data:`EXACT_MAX_GROUPS` distinct rates). Two optional
    refinements: ``spread`` > 0 multiplies every rate by a common appeal factor A (log-normal, mean 1,
    standard deviation ``spread`` on the log scale; 15 equally likely values) so that whole requests
    can be more or less popular; ``extra_poisson`` adds a Poisson count with that mean (answers from
    outside the population), whose mean the same appeal factor multiplies: a request that interests
    more followers interests more outsiders too.

    >>> d = sum_of_bernoullis([0.5, 0.5, 0.5])
    >>> (d.mean, d.low, d.high, d.method)
    (1.5, 0, 3, 'exact')
    """
    p = np.asarray(p, dtype=float)
    counts = np.ones(len(p), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    if np.any((p < 0) | (p > 1)) or np.any(np.isnan(p)):
        raise ValueError("rates must lie in [0, 1]")
    keep = (counts > 0) & (p > 0)
    p, counts = p[keep], counts[keep]
    if len(p):  # equal rates convolve as one binomial
        p, inv = np.unique(p, return_inverse=True)
        counts = np.bincount(inv, weights=counts).astype(np.int64)
    factors = appeal_factors(spread)
    mean = float(np.mean([np.sum(np.minimum(p * a, 1.0) * counts) for a in factors]) + extra_poisson)
    if method == "auto":
        method = "exact" if len(p) * len(factors) <= EXACT_MAX_GROUPS else "monte-carlo"
    if method == "monte-carlo":
        rng = np.random.default_rng(seed)
        a = factors[rng.integers(0, len(factors), size=runs)] if spread > 0 else np.ones(runs)
        draws = rng.poisson(extra_poisson * a) if extra_poisson > 0 else np.zeros(runs, dtype=np.int64)
        for pg, c in zip(p, counts):
            draws += rng.binomial(int(c), np.minimum(pg * a, 1.0))
        low, high = (int(v) for v in np.quantile(draws, QUANTILES, method="inverted_cdf"))
        lo = int(draws.min())
        return TotalDistribution(mean, low, high, "monte-carlo", lo, np.bincount(draws - lo) / runs)
    if method != "exact":
        raise ValueError(f"unknown method {method!r}")
    parts = [_with_outsiders(_exact_pmf(np.minimum(p * a, 1.0), counts, tail), extra_poisson * a, tail)
             for a in factors]
    offset = min(o for _, o in parts)
    pmf = np.zeros(max(o + len(m) for m, o in parts) - offset)
    for m, o in parts:
        pmf[o - offset:o - offset + len(m)] += m / len(parts)
    low, high = _quantiles_from_pmf(pmf, offset)
    return TotalDistribution(mean, low, high, "exact", offset, pmf)


def appeal_spread(actual, expected, *, prior: float = None, prior_trials: float = None) -> float:
    """Spread (log-scale sd) of request appeal: the one whose 80% intervals scored best on past requests.

    For each candidate spread s of :data:`SPREAD_GRID`, each past request t (truth y_t; mean mu_t
    predicted from the requests before it) gets the 10th-90th percentile interval of a negative
    binomial with mean mu_t and variance mu_t + (exp(s^2) - 1) mu_t^2 (the moments of a count whose
    rate carries a log-normal appeal factor of spread s); the s with the lowest total interval score
    (:func:`interval_score`: width plus 10x any miss) wins. A handful of requests tells little, so
    it is shrunk toward :data:`DEFAULT_APPEAL_SPREAD` as if that had been seen on
    :data:`APPEAL_PRIOR_TRIALS` requests: spread^2 = (m s^2 + m0 d^2) / (m + m0).
    """
    prior = DEFAULT_APPEAL_SPREAD if prior is None else prior
    m0 = APPEAL_PRIOR_TRIALS if prior_trials is None else prior_trials
    y, mu = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    ok = mu > 0
    y, mu = y[ok], mu[ok]
    m = len(mu)
    if m + m0 <= 0:
        return 0.0
    best = 0.0
    if m:
        low, high = _nb_interval(mu, SPREAD_GRID)
        score = interval_score(low, high, y[:, None]).sum(axis=0)
        best = float(SPREAD_GRID[int(np.argmin(score))])  # the smallest spread among equals
    return float(np.sqrt((m * best ** 2 + m0 * prior ** 2) / (m + m0)))


def _nb_interval(mu: np.ndarray, spreads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """10th and 90th percentiles (len(mu) x len(spreads)) of counts with mean mu and log-normal appeal
    spread s, as a negative binomial with the same two moments (Poisson where s = 0)."""
    from scipy.stats import nbinom, poisson

    s2 = np.broadcast_to(np.expm1(np.asarray(spreads, float) ** 2)[None, :], (len(mu), len(spreads)))
    m = np.broadcast_to(mu[:, None], s2.shape)
    r = 1.0 / np.maximum(s2, 1e-12)
    out = []
    for q in QUANTILES:
        nb = nbinom.ppf(q, r, r / (r + m))
        out.append(np.where(s2 > 1e-9, nb, poisson.ppf(q, m)))
    return out[0], out[1]


def interval_score(low, high, actual, *, level: float = QUANTILES[1] - QUANTILES[0]) -> np.ndarray:
    """The interval score of central ``level`` intervals (Gneiting and Raftery 2007), lower is better:
    (high - low) + (2 / (1 - level)) ((low - y)+ + (y - high)+), i.e. width plus 10x any miss at 80%.

    >>> interval_score([2, 2], [5, 5], [4, 7]).tolist()
    [3.0, 23.0]
    """
    lo, hi, y = (np.asarray(v, dtype=float) for v in (low, high, actual))
    penalty = round(2.0 / (1.0 - level), 9)  # 10 at 80%, without float noise
    return (hi - lo) + penalty * (np.clip(lo - y, 0, None) + np.clip(y - hi, 0, None))
