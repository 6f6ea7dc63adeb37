"""The hollow share of a set of accounts, estimated as a share (quantification).

A classifier's probabilities are calibrated at the class balance it was trained at (its
*reference prior*, 0.5); a follower list has its own hollow share. Averaging the unadjusted
probabilities, or counting flags, gets that share wrong whenever the two differ. The share is
estimated by adjusted classify-and-count (Forman 2008, "Quantifying counts and costs via
classification", Data Mining and Knowledge Discovery 17):

    share = (flagged share − FPR) / (TPR − FPR), clipped to 0-1,

with the model's true- and false-positive rates at its threshold as measured on sources it was
not trained on (leave-one-source-out, stored with the model). A small set says little, so the
estimate is shrunk toward the set's mean unadjusted risk by :data:`PSEUDO_ACCOUNTS` accounts (one
account alone keeps its own probability). The risks are
then moved to that share by a prior shift (Saerens, Latinne & Decaestecker 2002): every log-odds
moves by the same amount δ, chosen so that the mean adjusted risk over judged accounts equals the
estimated share. Ranks, and so the flags, do not change; the threshold moves by the same δ.

EM prior adjustment (Saerens et al.) was tried first: on sources held out from training it
over-reacted to miscalibrated probabilities (e.g. 0.2 % estimated for a 5 % set), where the
adjusted count stayed within a few points (docs/hollow.md).

>>> import numpy as np
>>> risks = np.array([0.9] * 30 + [0.1] * 70)
>>> adjusted, share, delta = adjust_to_set(risks, risks >= 0.8, tpr=0.9, fpr=0.02)
>>> round(share, 3), bool(np.isclose(adjusted.mean(), share))
(0.32, True)
"""

from __future__ import annotations

import numpy as np

#: Weight, in accounts, of the mean unadjusted risk in the share estimate of a small set.
PSEUDO_ACCOUNTS = 10.0
_EPS = 1e-6


def _logit(p):
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p) - np.log1p(-p)


def adjusted_count(flagged, *, tpr: float, fpr: float) -> float:
    """Forman's adjusted classify-and-count: (flagged share − fpr) / (tpr − fpr), clipped to 0-1.

    >>> adjusted_count([True, False, False, False], tpr=0.9, fpr=0.05)
    0.2353
    """
    cc = float(np.mean(np.asarray(flagged, dtype=bool)))
    return round(float(np.clip((cc - fpr) / max(tpr - fpr, _EPS), 0.0, 1.0)), 4)


def shift_to_mean(risks, share: float) -> tuple[np.ndarray, float]:
    """The risks with every log-odds moved by one δ so that their mean is ``share``; and δ.

    δ is found by bisection (the mean rises monotonically with δ). NaN stays NaN.
    """
    r = np.asarray(risks, dtype="float64")
    known = r[~np.isnan(r)]
    if not len(known):
        return r, 0.0
    z = _logit(known)
    share = float(np.clip(share, 1e-4, 1 - 1e-4))
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.mean(1 / (1 + np.exp(-(z + mid)))) < share else (lo, mid)
    delta = (lo + hi) / 2
    return np.where(np.isnan(r), np.nan, shift_logit(r, delta)), delta


def shift_logit(risk, delta: float):
    """``risk`` with its log-odds moved by ``delta`` (a certain 0 or 1 stays certain)."""
    risk = np.asarray(risk, dtype="float64")
    out = 1.0 / (1.0 + np.exp(-(_logit(risk) + delta)))
    return np.where((risk <= 0) | (risk >= 1), risk, out)


def adjust_to_set(risks, flagged, *, tpr: float, fpr: float) -> tuple[np.ndarray, float, float]:
    """Risks adjusted to the set's estimated hollow share; the share; the log-odds shift δ.

    ``flagged``: which accounts the model flags (unknown risks are left out of both).
    """
    r = np.asarray(risks, dtype="float64")
    known = ~np.isnan(r)
    n = int(known.sum())
    if not n:
        return r, float("nan"), 0.0
    acc = adjusted_count(np.asarray(flagged, dtype=bool)[known], tpr=tpr, fpr=fpr)
    share = (n * acc + PSEUDO_ACCOUNTS * r[known].mean()) / (n + PSEUDO_ACCOUNTS)
    adjusted, delta = shift_to_mean(r, share)
    return adjusted, float(share), float(delta)


def expected_share(risks, *, level: float = 0.9, resamples: int = 1000,
                   random_state: int = 0) -> dict:
    """The estimated hollow share of a set of accounts from their ``hollow_risk``, with an interval.

    ``risks``: the accounts' risks as :func:`~innercircle.hollow.score_accounts` or
    :func:`~innercircle.hollow.hollow_followers` return them (already adjusted to the set, so
    their mean is the estimated share); unknowns (NaN) are left out. Returns plain values
    (``None`` when no account is judged):

    - ``hollow_expected_share``: the mean risk over judged accounts;
    - ``hollow_expected_share_low`` / ``_high``: a ``level`` bootstrap percentile interval of that
      mean (accounts resampled with replacement): the uncertainty of a set this size, not of the
      model (docs/hollow.md gives the model's error on sources it was not trained on);
    - ``judged``: how many accounts had a known risk.

    >>> out = expected_share([0.9] * 30 + [0.05] * 70)
    >>> out["hollow_expected_share"], out["judged"]
    (0.305, 100)
    >>> out["hollow_expected_share_low"] < 0.305 < out["hollow_expected_share_high"]
    True
    """
    r = np.asarray(risks, dtype="float64")
    r = r[~np.isnan(r)]
    if not len(r):
        return {"hollow_expected_share": None, "hollow_expected_share_low": None,
                "hollow_expected_share_high": None, "judged": 0}
    values, counts = np.unique(r, return_counts=True)
    rng = np.random.default_rng(random_state)
    boot = rng.multinomial(len(r), counts / counts.sum(), size=resamples) @ values / len(r)
    low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    share = float(r.mean())
    return {"hollow_expected_share": round(share, 4),
            "hollow_expected_share_low": round(float(min(low, share)), 4),
            "hollow_expected_share_high": round(float(max(high, share)), 4), "judged": int(len(r))}
