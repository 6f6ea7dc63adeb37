"""The shipped hollow-profile classifier: gradient-boosted trees read from JSON, evaluated with numpy.

The model file holds plain arrays (no pickle), so it loads under any scikit-learn version, or none.
Trees are missing-aware: each split stores which side an unknown value takes, learned in training
from rows whose fields were masked, so a partly-known profile gets a less certain answer instead
of a guessed one.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).with_name("model.json")


class TreeModel:
    """A boosted tree ensemble, Platt-calibrated: P(hollow) = sigmoid(a·z + b), where
    z = baseline + Σ leaf values of the trees and (a, b) = the spec's ``calibration``.

    ``reference_prior`` is the hollow share at which P is calibrated; ``flag_threshold`` (the
    spec's ``threshold``) is the risk at or above which the model flags an account (chosen for
    precision; see docs/hollow.md); ``tpr`` and ``fpr`` are its true- and false-positive rates
    there on sources it was not trained on (for the adjusted count of a set's hollow share).
    """

    def __init__(self, spec: dict):
        self.spec = spec
        self.features = tuple(spec["features"])
        cal = spec.get("calibration") or {}
        self.slope, self.intercept = float(cal.get("slope", 1.0)), float(cal.get("intercept", 0.0))
        self.reference_prior = float(spec.get("reference_prior", 0.5))
        self.flag_threshold = float(spec.get("threshold", 0.5))
        rates = spec.get("quantification") or {}
        self.tpr, self.fpr = float(rates.get("tpr", 1.0)), float(rates.get("fpr", 0.0))
        t = spec["trees"]
        self.baseline = float(spec["baseline"])
        self.feature = np.asarray(t["feature"], dtype=np.int64)
        self.threshold = np.asarray(t["threshold"], dtype=np.float64)
        self.missing_left = np.asarray(t["missing_left"], dtype=bool)
        self.left = np.asarray(t["left"], dtype=np.int64)
        self.right = np.asarray(t["right"], dtype=np.int64)
        self.value = np.asarray(t["value"], dtype=np.float64)
        self.leaf = np.asarray(t["leaf"], dtype=bool)
        self.roots = np.asarray(t["roots"], dtype=np.int64)

    def decision(self, X: np.ndarray, *, chunk: int = 20_000) -> np.ndarray:
        """Raw score (log-odds) per row of ``X`` (columns in :attr:`features` order, NaN unknown)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        out = np.empty(len(X))
        for s in range(0, len(X), chunk):
            out[s:s + chunk] = self._decision(X[s:s + chunk])
        return out

    def _decision(self, X: np.ndarray) -> np.ndarray:
        # tree by tree, level by level: each step is a few vector operations over the rows
        total = np.full(len(X), self.baseline)
        missing = np.isnan(X)
        for root in self.roots:
            if self.leaf[root]:
                total += self.value[root]
                continue
            node = np.full(len(X), root, dtype=np.int64)
            x, nan = X[:, self.feature[root]], missing[:, self.feature[root]]  # level 0: one column
            first = True
            while True:
                inner = ~self.leaf[node]
                if not inner.any():
                    break
                if not first:
                    f = self.feature[node]
                    x = np.take_along_axis(X, f[:, None], axis=1)[:, 0]
                    nan = np.take_along_axis(missing, f[:, None], axis=1)[:, 0]
                go_left = np.where(nan, self.missing_left[node], x <= self.threshold[node])
                node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
                first = False
            total += self.value[node]
        return total

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated P(hollow) per row (at :attr:`reference_prior`)."""
        return 1.0 / (1.0 + np.exp(-(self.slope * self.decision(X) + self.intercept)))


@functools.lru_cache(maxsize=4)
def load_model(path: str | None = None) -> TreeModel:
    """The model in ``path`` (default: the file shipped inside the package)."""
    with open(path or MODEL_FILE, encoding="utf-8") as fh:
        return TreeModel(json.load(fh))


def export_hgb(clf, features, **meta) -> dict:
    """A fitted binary ``HistGradientBoostingClassifier`` as the JSON-ready spec of :class:`TreeModel`.

    Only numerical splits are supported (the features are all numeric).
    """
    arrays = {k: [] for k in ("feature", "threshold", "missing_left", "left", "right", "value",
                              "leaf", "roots")}
    offset = 0
    columns = np.asarray(getattr(clf, "feature_columns_", np.arange(len(features))))
    for (predictor,) in clf._predictors:  # one tree per iteration for a binary problem
        nodes = predictor.nodes
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits are not supported")
        arrays["roots"].append(offset)
        leaf = nodes["is_leaf"].astype(bool)
        arrays["feature"] += np.where(leaf, 0, columns[nodes["feature_idx"]]).tolist()
        arrays["threshold"] += [float(v) for v in np.where(leaf, 0, nodes["num_threshold"])]
        arrays["missing_left"] += nodes["missing_go_to_left"].astype(int).tolist()
        arrays["left"] += np.where(leaf, 0, nodes["left"].astype(np.int64) + offset).tolist()
        arrays["right"] += np.where(leaf, 0, nodes["right"].astype(np.int64) + offset).tolist()
        arrays["value"] += [round(float(v), 7) for v in np.where(leaf, nodes["value"], 0.0)]
        arrays["leaf"] += leaf.astype(int).tolist()
        offset += len(nodes)
    return {"format": "innercircle-hollow-trees/1", "features": list(features),
            "baseline": float(np.ravel(clf._baseline_prediction)[0]), "trees": arrays, **meta}
