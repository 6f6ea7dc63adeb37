"""Leave-one-source-out validation of the hollow model (used by scripts/ and benchmarks/ only).

Each labelled source is held out in turn: the model is trained on the others and the held-out
source is scored through :func:`~innercircle.hollow.score_accounts`, exactly as a user's file
would be, with only the columns such a file has (:data:`HELD_OUT_COLUMNS`). The flag counts as
flagged only when ``hollow`` is ``"true"``; an unknown risk counts as 0.5 for the ROC AUC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import train as T
from .classifier import TreeModel, export_hgb
from .score import score_accounts

#: The columns each held-out source is scored with (those an input from its platform has).
HELD_OUT_COLUMNS = {"cresci2015": T.TWITTER_COLUMNS, "caverlee2011": None,
                    "instafake": T.INSTAGRAM_COLUMNS}
#: Extra views: a source scored with fewer columns than it has, to show the model on them.
EXTRA_VIEWS = {"cresci2015 (Instagram columns)": ("cresci2015", T.INSTAGRAM_COLUMNS)}
BINS = 10


def held_out(accounts: pd.DataFrame, columns) -> pd.DataFrame:
    """The accounts with only ``columns`` (all when ``None``)."""
    return accounts if columns is None else accounts[[c for c in columns if c in accounts]]


def ece(y: np.ndarray, p: np.ndarray, bins: int = BINS) -> float:
    """Expected calibration error: Σ over equal-width risk bins of share × |mean risk − hollow share|."""
    k = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(np.mean(k == b) * abs(p[k == b].mean() - y[k == b].mean())
                     for b in range(bins) if np.any(k == b)))


def reliability(y: np.ndarray, p: np.ndarray, bins: int = BINS) -> list[tuple]:
    """(bin low, bin high, accounts, mean risk, hollow share) per non-empty equal-width bin."""
    k = np.minimum((p * bins).astype(int), bins - 1)
    return [(b / bins, (b + 1) / bins, int(np.sum(k == b)), float(p[k == b].mean()),
             float(y[k == b].mean())) for b in range(bins) if np.any(k == b)]


def figures(y: np.ndarray, scored: pd.DataFrame) -> dict:
    """MCC, AUC, FPR, TPR, ECE, unknown share and mean risk vs true share of one scored set."""
    from sklearn.metrics import matthews_corrcoef, roc_auc_score

    flag = (scored["hollow"] == "true").to_numpy()
    risk = scored["hollow_risk"].to_numpy(dtype="float64")
    judged = ~np.isnan(risk)
    return {"accounts": int(len(y)), "hollow_share": round(float(y.mean()), 4),
            "mcc": round(float(matthews_corrcoef(y, flag)), 3),
            "auc": round(float(roc_auc_score(y, np.nan_to_num(risk, nan=0.5))), 3),
            "fpr": round(float(flag[y == 0].mean()), 3), "tpr": round(float(flag[y == 1].mean()), 3),
            "ece": round(ece(y[judged], risk[judged]), 3),
            "unknown": round(float(1 - judged.mean()), 3),
            "mean_risk": round(float(risk[judged].mean()), 4) if judged.any() else None}


def fold_models(sets: dict[str, dict], *, random_state: int = 0) -> dict[str, dict]:
    """For each source, the spec of a model trained on every other source."""
    return {s: export_hgb(T.fit_sets(sets, [n for n in sets if n != s], random_state=random_state),
                          T.FEATURES) for s in sets}


def _views(sets: dict[str, dict]):
    for s in sets:
        yield s, s, HELD_OUT_COLUMNS.get(s)
    for name, (s, cols) in EXTRA_VIEWS.items():
        if s in sets:
            yield name, s, cols


def loso_scores(sets: dict[str, dict], specs: dict[str, dict], threshold: float, *,
                rates: dict | None = None, adjust: bool = True,
                views: bool = True) -> dict[str, pd.DataFrame]:
    """Each held-out source (and, with ``views``, each extra view) scored by the model that did
    not see its source, with the model's ``threshold`` and ``rates`` (tpr, fpr)."""
    out = {}
    for name, s, cols in _views(sets):
        if not views and name != s:
            continue
        model = TreeModel({**specs[s], "threshold": threshold, "quantification": rates})
        out[name] = score_accounts(held_out(sets[s]["accounts"], cols), model=model,
                                   adjust=adjust)
    return out


def loso_threshold(sets: dict[str, dict], specs: dict[str, dict], *, max_fpr: float = 0.05,
                   rounds: int = 4) -> tuple[float, dict]:
    """The lowest threshold whose leave-one-source-out false-positive rate, averaged over the
    sources, is at most ``max_fpr`` (:func:`~innercircle.hollow.train.choose_threshold`); and
    the model's rates there for the adjusted count (:func:`~innercircle.hollow.train.rates`).

    The structural rules sit on the model's scale relative to the threshold, so the choice is
    repeated from the last one until it settles.
    """
    t, labels = 0.5, {s: sets[s]["y"] for s in sets}
    for _ in range(rounds):
        scored = loso_scores(sets, specs, t, adjust=False, views=False)
        risks = {s: scored[s]["hollow_risk"].to_numpy(dtype="float64") for s in sets}
        new = T.choose_threshold(risks, labels, max_fpr=max_fpr)
        if new == t:
            break
        t = new
    return t, T.rates(risks, labels, t)


def loso_figures(sets: dict[str, dict], specs: dict[str, dict], threshold: float,
                 rates: dict) -> dict:
    """:func:`figures` and :func:`reliability` of every held-out view at ``threshold``."""
    scored = loso_scores(sets, specs, threshold, rates=rates)
    out = {}
    for name, s, _ in _views(sets):
        y, sc = sets[s]["y"], scored[name]
        risk = sc["hollow_risk"].to_numpy(dtype="float64")
        judged = ~np.isnan(risk)
        out[name] = {**figures(y, sc), "reliability": reliability(y[judged], risk[judged])}
    return out
