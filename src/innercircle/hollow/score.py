"""Hollow followers: fake, automated, mass-follower, follow-back-farm and inactive accounts.

A follow is *hollow* when nobody real and reachable stands behind it. Every account gets

- ``hollow_risk``: 0-1, the chance (model; adjusted to the set scored, so that its mean over
  judged accounts estimates the set's hollow share) or rule score that the account is hollow; NaN
  when too little is known to say;
- ``hollow``: the string ``"true"`` (risk ≥ the threshold in force), ``"false"``, or
  ``"unknown"`` (risk NaN);
  an unknown counts as not flagged wherever accuracy is measured;
- ``hollow_kind``: ``fake``, ``automated``, ``mass_follower``, ``follow_back_farm``,
  ``inactive``, or ``""`` when not hollow;
- ``reasons``: readable facts that decided, e.g. "follows 48,200 accounts; 3 posts; account 9 days
  old", plus any value that was ignored as unreadable;
- ``hollow_confidence``: the share (0-1) of the model's evidence that was known for the row.

Nothing here blocks or unfollows anyone: it only labels and explains.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UsageError
from .features import FEATURE_GROUPS, clean_accounts, profile_features
from .rules import RULE_SETS, fmt_age, fmt_count, plural

__all__ = ["HOLLOW_KINDS", "METHODS", "RULE_SETS", "score_accounts", "summarize"]

HOLLOW_KINDS = ("fake", "automated", "mass_follower", "follow_back_farm", "inactive")
METHODS = ("model",) + tuple(RULE_SETS)
COLUMNS = ("id", "hollow_risk", "hollow", "hollow_kind", "reasons", "hollow_confidence")

#: How much of the model's evidence each feature group carries; a row whose known groups sum to
#: less than MIN_CONFIDENCE is ``unknown`` (e.g. two of the three counts suffice, one does not).
EVIDENCE = {"followers": 0.2, "following": 0.2, "posts": 0.2, "age": 0.2, "text": 0.15,
            "avatar": 0.05}
MIN_CONFIDENCE = 0.4
_GROUP_OF = {"log_followers": "followers", "log_following": "following", "log_posts": "posts",
             "log_age_days": "age", "bio_len": "text", "has_url": "text", "handle_len": "text",
             "handle_digits": "text", "name_handle_sim": "text", "has_avatar": "avatar"}
_OCCLUDE = FEATURE_GROUPS

#: Structural rules of the ``model`` method (beyond the profile classifier).
MASS_FOLLOWING = 5000         # following this many or more: sees nothing of what it follows
PROFILE_FARM_MIN, PROFILE_FARM_BAND = 3000, 1.15  # from the profile alone: stricter
AUTOMATED_POSTS_PER_DAY = 300
INACTIVE_DAYS = 365


# --------------------------------------------------------------------------------------------
# profile scoring


def score_accounts(accounts: pd.DataFrame, *, threshold: float | None = None,
                   method: str = "model", as_of=None, model=None,
                   adjust: bool = True) -> pd.DataFrame:
    """Score any accounts table in the generic accounts format, one output row per input row.

    ``method`` is ``"model"`` (the shipped classifier plus the mass-follower, follow-back,
    automation and inactivity rules) or a transparent rule set of :data:`RULE_SETS`. Account
    age and posting rate are measured at each row's ``observed_at`` (else ``as_of``, else now).
    Bad values (non-numeric, negative or absurd counts, unreadable or future dates) are ignored
    and named in ``reasons``; the row is scored from what is known. ``model`` replaces the
    shipped classifier (a :class:`~innercircle.hollow.classifier.TreeModel`; for
    evaluation).

    With the model, the risks are adjusted to the table's own estimated hollow share
    (:mod:`~innercircle.hollow.quantify`; ``adjust=False`` keeps the model's reference prior), so
    the mean ``hollow_risk`` over judged rows estimates the table's hollow share. ``threshold``
    ``None`` means the model's own (chosen for precision; for a rule set, 0.5); the threshold in
    force, on the scale of the risks shown, is in ``result.attrs["threshold"]``.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a"], "followers_count": [3], "following_count": [48200],
    ...                    "posts_count": [3]})
    >>> score_accounts(df).loc[0, ["hollow", "hollow_kind"]].tolist()
    ['true', 'mass_follower']
    """
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}", field="--method",
                         hint=f"choose one of: {', '.join(METHODS)}")
    if "id" not in accounts.columns:
        accounts = accounts.assign(id=[str(i) for i in range(len(accounts))])
    clean, notes = clean_accounts(accounts, as_of=as_of)
    return _score(clean, notes, method=method, threshold=threshold, model=model, adjust=adjust)


def _score(clean: pd.DataFrame, notes: list[list[str]], *, method: str, threshold: float | None,
           signals: pd.DataFrame | None = None, model=None, adjust: bool = True) -> pd.DataFrame:
    """Risk on the model's scale, raised by network signals, adjusted to the set, then flagged."""
    if method != "model":
        risk, kind, reasons, conf = _rule_method(clean, method)
        thr = 0.5 if threshold is None else threshold
        return _finish(clean["id"], risk, kind, reasons, conf, notes, thr, None)
    from .classifier import load_model
    from .network import engaged, raise_to_signals
    from .quantify import adjust_to_set, shift_logit

    model = model or load_model()
    risk, kind, reasons, conf = _model_method(clean, model)
    if signals is not None and len(signals):
        signals = signals.assign(signal_risk=on_scale(signals["signal_risk"], model.flag_threshold))
        risk, kind, reasons = raise_to_signals(risk, kind, reasons, signals)
    prior = None
    thr = model.flag_threshold if threshold is None else threshold
    if adjust:
        risk, prior, delta = adjust_to_set(risk, risk >= model.flag_threshold, tpr=model.tpr,
                                           fpr=model.fpr)
        if threshold is None:
            thr = float(shift_logit(model.flag_threshold, delta))
    if signals is not None and len(signals):
        risk = engaged(risk, reasons, signals["active_days"].to_numpy(), thr)
    return _finish(clean["id"], risk, kind, reasons, conf, notes, thr, prior)


def on_scale(value, threshold: float):
    """A rule's risk (0.5 = just hollow, 1 = certain) on the model's scale, where ``threshold``
    is just hollow: t + (1 − t)·(v − 0.5)/0.5 for v ≥ 0.5; 0 (no signal) stays 0.

    >>> float(on_scale(0.9, 0.8))
    0.96
    """
    v = np.asarray(value, dtype="float64")
    return np.where(v >= 0.5, threshold + (1 - threshold) * (v - 0.5) / 0.5, v)


def _rule_method(clean: pd.DataFrame, method: str):
    r = RULE_SETS[method].fn(clean)
    risk, kind, reasons = r["risk"].to_numpy(), r["kind"].to_numpy(), list(r["reasons"])
    for i in np.flatnonzero(np.isnan(risk)):
        reasons[i] = [f"too little known for the {RULE_SETS[method].title} rules"]
    return risk, kind, reasons, np.where(np.isnan(risk), 0.0, 1.0)


def _finish(ids, risk, kind, reasons, conf, notes, threshold, prior) -> pd.DataFrame:
    # the flag is decided on the risk as shown, so the printed number and the flag agree; 6
    # decimals, so that a set whose risks were moved far down keeps its ranks (ties hide them)
    risk = np.round(np.asarray(risk, dtype="float64"), 6)
    threshold = round(float(threshold), 6)
    flag = np.where(np.isnan(risk), "unknown", np.where(risk >= threshold, "true", "false"))
    kind = np.where(flag == "true", np.asarray(kind, dtype=object), "")
    kind = np.where((flag == "true") & (kind == ""), "fake", kind)
    text = ["; ".join(dict.fromkeys(f for x in r + n if x for f in x.split("; ")))
            for r, n in zip(reasons, notes)]
    out = pd.DataFrame({
        "id": pd.Series(ids, dtype="string").to_numpy(), "hollow_risk": risk,
        "hollow": flag, "hollow_kind": kind.astype(str), "reasons": text,
        "hollow_confidence": np.round(np.asarray(conf, dtype="float64"), 3)})
    known = prior is not None and not np.isnan(prior)
    out.attrs.update(threshold=threshold, prior=round(prior, 4) if known else None)
    return out


def confidence(X: pd.DataFrame) -> np.ndarray:
    """Share of the model's evidence (:data:`EVIDENCE`) known per row, 0-1."""
    conf = np.zeros(len(X))
    for group, weight in EVIDENCE.items():
        cols = [c for c, g in _GROUP_OF.items() if g == group]
        conf += weight * X[cols].notna().to_numpy().mean(axis=1)
    return conf


def _model_method(clean: pd.DataFrame, model):
    """Profile classifier risk, raised by the structural rules where they apply.

    Risks are the classifier's calibrated probabilities (at its reference prior); a rule that
    fires raises the risk to its own value on the model's scale (:func:`on_scale`): the larger of
    the two counts, never their sum, since both read the same profile.
    """
    X = profile_features(clean)
    conf = confidence(X)
    p = model.predict_proba(X[list(model.features)].to_numpy())
    p[conf < MIN_CONFIDENCE] = np.nan
    risk, kind = p.copy(), np.full(len(p), "fake", dtype=object)
    reasons: list[list[str]] = [[] for _ in range(len(p))]
    struck = np.zeros(len(p), dtype=bool)
    for c_risk, c_kind, c_reason in _structural(clean):  # in order of precedence
        fires = np.nan_to_num(c_risk, nan=0.0) >= 0.5
        risk = np.where(fires, np.fmax(risk, on_scale(c_risk, model.flag_threshold)), risk)
        kind = np.where(fires & ~struck, c_kind, kind)
        for i in np.flatnonzero(fires & ~struck):  # the most specific rule's facts only
            reasons[i].append(c_reason[i])
        struck |= fires
    verified = clean["verified"].to_numpy() == 1.0
    risk = np.where(verified, risk * 0.2, risk)
    for i in np.flatnonzero(verified):
        reasons[i].append("verified account")
    _explain_model(model, X, p, np.where(struck, np.inf, risk), reasons)
    for i in np.flatnonzero(np.isnan(risk)):
        reasons[i].insert(0, "too little known: " + _missing(X.iloc[i]))
    return risk, kind, reasons, conf


def _structural(clean: pd.DataFrame):
    """(risk, kind, reason) per structural rule, the most specific kind first."""
    fo, fg, po = (clean[c].to_numpy(dtype="float64") for c in
                  ("followers_count", "following_count", "posts_count"))
    age = clean["age_days"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mass = np.where(fg >= MASS_FOLLOWING,
                        0.6 + 0.35 * np.clip(np.log10(fg / MASS_FOLLOWING), 0, 1), 0.0)
        farm = _farmlike(fo, fg, PROFILE_FARM_MIN, PROFILE_FARM_BAND)
        rate = po / np.maximum(age, 1.0)
        auto = (rate >= AUTOMATED_POSTS_PER_DAY) & (age >= 7)
        inactive = (po == 0) & (age >= INACTIVE_DAYS)
    out = [
        (np.where(farm, 0.55, 0.0), "follow_back_farm",
         [f"follows {fmt_count(b)} accounts and has {plural(a, 'follower')} (follow-back pattern)"
          if f else "" for a, b, f in zip(fo, fg, farm)]),
        (np.where(np.isnan(fg), np.nan, mass), "mass_follower",
         [_mass_reason(a, b, c) if b >= MASS_FOLLOWING else "" for a, b, c in zip(fo, fg, po)]),
        (np.where(auto, 0.8, 0.0), "automated",
         [f"{r:,.0f} posts a day over {fmt_age(d)}" if f else "" for r, d, f in zip(rate, age, auto)]),
        (np.where(inactive, 0.6, 0.0), "inactive",
         [f"never posted in {fmt_age(d)}" if f else "" for d, f in zip(age, inactive)]),
    ]
    return out


def _farmlike(fo: np.ndarray, fg: np.ndarray, low: float, band: float) -> np.ndarray:
    """Following and followers both at least ``low`` and within a factor ``band`` of each other."""
    with np.errstate(invalid="ignore", divide="ignore"):
        near = np.abs(np.log(np.maximum(fg, 1) / np.maximum(fo, 1))) <= np.log(band)
    return (fo >= low) & (fg >= low) & near


def _mass_reason(fo: float, fg: float, po: float) -> str:
    bits = [f"follows {fmt_count(fg)} accounts"]
    bits += [] if np.isnan(fo) else [plural(fo, "follower")]
    bits += [] if np.isnan(po) else [plural(po, "post")]
    return "; ".join(bits)


def _explain_model(model, X: pd.DataFrame, p: np.ndarray, risk: np.ndarray, reasons) -> None:
    """For rows the classifier flags: the facts of the feature groups that raised the risk most.

    Attribution by occlusion: the drop in the log-odds of hollow when a group is made unknown
    (log-odds, not probability, so that a saturated 0.99 still ranks its causes).
    """
    rows = np.flatnonzero((p >= model.flag_threshold) & (p >= np.nan_to_num(risk, nan=0.0) - 1e-12))
    if not len(rows):
        return
    Xr = X.iloc[rows]
    groups = list(_OCCLUDE)
    drops = np.empty((len(rows), len(groups)))
    base = model.decision(Xr[list(model.features)].to_numpy())
    for k, group in enumerate(groups):
        Xo = Xr.copy()
        Xo[list(_OCCLUDE[group])] = np.nan
        drops[:, k] = base - model.decision(Xo[list(model.features)].to_numpy())
    order = np.argsort(-drops, axis=1, kind="stable")
    cols = {c: Xr[c].to_numpy() for c in Xr.columns}
    for j, i in enumerate(rows):
        top = [groups[k] for k in order[j, :3] if drops[j, k] > 0.1] or [groups[order[j, 0]]]
        facts = [f for g in top for f in _facts(g, cols, j)]
        # no number here: the probability at the reference prior is not the risk shown, which is
        # adjusted to the set
        reasons[i].insert(0, "profile classifier: " + "; ".join(facts))


def _facts(group: str, cols: dict, j: int) -> list[str]:
    """Readable values of one feature group of row ``j`` of the feature columns ``cols``."""
    x = {c: v[j] for c, v in cols.items()}
    e = np.expm1
    if group == "followers":
        return [plural(round(e(x["log_followers"])), "follower")]
    if group == "following":
        return [f"follows {fmt_count(round(e(x['log_following'])))} accounts"]
    if group == "posts":
        return [plural(round(e(x["log_posts"])), "post")]
    if group == "age":
        out = [f"account {fmt_age(e(x['log_age_days']))} old"]
        if not np.isnan(x["log_posts_per_day"]):
            out.append(f"{e(x['log_posts_per_day']):.2f} posts a day")
        return out
    if group == "avatar":
        return ["no profile picture" if x["has_avatar"] == 0 else "has a profile picture"]
    out = []
    if not np.isnan(x["bio_len"]):
        out.append("no bio" if x["bio_len"] == 0 else f"bio of {int(x['bio_len'])} characters")
    if x["has_url"] == 0:
        out.append("no URL")
    if x["handle_digits"] >= 0.3:
        out.append(f"handle {x['handle_digits']:.0%} digits")
    elif not out and not np.isnan(x["handle_len"]):
        out.append(f"handle of {int(x['handle_len'])} characters")
    if not np.isnan(x["name_handle_sim"]) and x["name_handle_sim"] < 0.3:
        out.append("display name unlike the handle")
    return out or ["profile text"]


def _missing(x: pd.Series) -> str:
    names = {"log_followers": "followers count", "log_following": "following count",
             "log_posts": "posts count", "log_age_days": "creation date"}
    gone = [v for k, v in names.items() if np.isnan(x[k])]
    return ", ".join(gone) + " unknown" if gone else "profile mostly unknown"


# --------------------------------------------------------------------------------------------
# summary


def summarize(scored: pd.DataFrame, bursts: pd.DataFrame | None = None, *,
              method: str = "model", threshold: float | None = None) -> dict:
    """Counts by ``hollow`` and ``hollow_kind`` (plain Python values), with the bursts if given.

    ``threshold`` ``None`` reports the one in force on the scored table. With the model, the
    estimated hollow share of the set (:func:`~innercircle.hollow.quantify.expected_share`) is
    added as ``hollow_expected_share`` with ``hollow_expected_share_low`` / ``_high``.
    """
    flags = scored["hollow"].astype(str)
    n = len(scored)
    hollow = int((flags == "true").sum())
    by_kind = scored.loc[flags == "true", "hollow_kind"].value_counts()
    if threshold is None:
        threshold = scored.attrs.get("threshold")
    out = {
        "accounts": n, "hollow": hollow, "not_hollow": int((flags == "false").sum()),
        "unknown": int((flags == "unknown").sum()),
        "hollow_share": round(hollow / n, 4) if n else None,
        "by_kind": {k: int(by_kind.get(k, 0)) for k in HOLLOW_KINDS},
        "method": method, "threshold": threshold,
    }
    if method == "model":
        from .quantify import expected_share

        share = expected_share(scored["hollow_risk"].to_numpy(dtype="float64"))
        out.update({k: v for k, v in share.items() if k != "judged"})
    if bursts is not None:
        out["bursts"] = [
            {k: (None if pd.isna(v) else (v.isoformat() if isinstance(v, pd.Timestamp) else v))
             for k, v in row.items()} for row in bursts.to_dict(orient="records")]
    return out
