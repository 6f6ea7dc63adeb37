"""Hollow-follower detection on real labelled data: every rule set and the classifier.

Prints precision, recall, F1, MCC and ROC AUC (an ``unknown`` counts as not flagged, its risk as
0 for the AUC) for these evaluations:

- within each data set: 5-fold stratified cross-validation (rule sets need no training and are
  scored on the whole set);
- across data sets: train on one, test on the other;
- unseen market (Cresci 2015): train on half the humans + the fakes of one follower market,
  test on the other half of the humans + the fakes of the other market (INT -> FSF, FSF -> INT),
  with and without Caverlee 2011 in training. This is the "bought fake followers from a source
  the model was not trained on" target (MCC >= 0.90).

``model`` is the full method (classifier + structural rules); ``classifier`` is the profile
classifier's probability alone. Run from the repository root:

    PYTHONPATH=src python3 benchmarks/bench_hollow.py [--data ../shared/data] [--quick]

Data: Cresci et al. 2015, "Fame for sale" (DSS 80); Lee, Eoff & Caverlee 2011, "Seven months
with the devils" (ICWSM).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from innercircle.hollow import train as T
from innercircle.hollow import score_accounts
from innercircle.hollow.classifier import TreeModel, export_hgb
from innercircle.hollow.rules import RULE_SETS


def metrics(y: np.ndarray, flag: np.ndarray, risk: np.ndarray) -> dict:
    from sklearn.metrics import (f1_score, matthews_corrcoef, precision_score, recall_score,
                                 roc_auc_score)

    risk = np.nan_to_num(np.asarray(risk, dtype=float), nan=0.0)
    return {"precision": precision_score(y, flag, zero_division=0),
            "recall": recall_score(y, flag, zero_division=0),
            "f1": f1_score(y, flag, zero_division=0), "mcc": matthews_corrcoef(y, flag),
            "auc": roc_auc_score(y, risk) if len(set(y)) == 2 else float("nan"),
            "unknown": float(np.mean(np.isnan(risk)))}


def evaluate(accounts: pd.DataFrame, y: np.ndarray, method: str, model=None) -> tuple:
    out = score_accounts(accounts, method=method, model=model)
    flag = (out["hollow"] == "true").to_numpy().astype(int)
    return flag, out["hollow_risk"].to_numpy(dtype=float), out


def classifier_only(model: TreeModel, X: pd.DataFrame) -> np.ndarray:
    return model.predict_proba(X[list(model.features)].to_numpy())


def fit_model(X: np.ndarray, y: np.ndarray, w=None) -> TreeModel:
    return TreeModel(export_hgb(T.fit(X, y, w, random_state=0), T.FEATURES))


def report(rows: list[dict], title: str) -> None:
    print(f"\n## {title}\n")
    print(f"{'evaluation':<44} {'method':<14} {'prec':>6} {'recall':>6} {'F1':>6} {'MCC':>6} {'AUC':>6}")
    for r in rows:
        print(f"{r['eval']:<44} {r['method']:<14} {r['precision']:6.3f} {r['recall']:6.3f} "
              f"{r['f1']:6.3f} {r['mcc']:6.3f} {r['auc']:6.3f}")


def rules_on(name: str, s: dict) -> list[dict]:
    rows = []
    for method in RULE_SETS:
        flag, risk, _ = evaluate(s["accounts"], s["y"], method)
        rows.append({"eval": f"{name} (whole set, no training)", "method": method,
                     **metrics(s["y"], flag, risk)})
    return rows


def cross_validated(name: str, s: dict, folds: int) -> list[dict]:
    from sklearn.model_selection import StratifiedKFold

    y = s["y"]
    full_flag, full_risk = np.zeros(len(y), int), np.zeros(len(y))
    clf_risk = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(s["X"], y):
        m = fit_model(s["X"].to_numpy()[train], y[train])
        flag, risk, _ = evaluate(s["accounts"].iloc[test], y[test], "model", m)
        full_flag[test], full_risk[test] = flag, risk
        clf_risk[test] = classifier_only(m, s["X"].iloc[test])
    label = f"{name} ({folds}-fold CV)"
    return [{"eval": label, "method": "model", **metrics(y, full_flag, full_risk)},
            {"eval": label, "method": "classifier", **metrics(y, (clf_risk >= 0.5).astype(int), clf_risk)}]


def transfer(label: str, train: list[dict], test: dict, idx_train=None, idx_test=None) -> list[dict]:
    Xs, ys = [], []
    for part, idx in zip(train, idx_train or [None] * len(train)):
        X = part["X"].to_numpy() if idx is None else part["X"].to_numpy()[idx]
        Xs.append(X), ys.append(part["y"] if idx is None else part["y"][idx])
    w = T.balanced_weights(*[len(v) for v in ys])
    m = fit_model(np.vstack(Xs), np.concatenate(ys), w)
    acc, X, y = test["accounts"], test["X"], test["y"]
    if idx_test is not None:
        acc, X, y = acc.iloc[idx_test], X.iloc[idx_test], y[idx_test]
    flag, risk, _ = evaluate(acc, y, "model", m)
    clf = classifier_only(m, X)
    return [{"eval": label, "method": "model", **metrics(y, flag, risk)},
            {"eval": label, "method": "classifier", **metrics(y, (clf >= 0.5).astype(int), clf)}]


def unseen_market(sets: dict, with_caverlee: bool) -> list[dict]:
    c = sets["cresci2015"]
    group = c["group"]
    humans = np.flatnonzero(group == "E13")
    perm = np.random.default_rng(0).permutation(humans)
    halves = perm[: len(perm) // 2], perm[len(perm) // 2:]
    rows = []
    for k, (seen, unseen) in enumerate((("INT", "FSF"), ("FSF", "INT"))):
        tr = np.concatenate([halves[k], np.flatnonzero(group == seen)])
        te = np.concatenate([halves[1 - k], np.flatnonzero(group == unseen)])
        parts, idx = [c], [tr]
        if with_caverlee:
            parts, idx = [c, sets["caverlee2011"]], [tr, None]
        extra = " + caverlee" if with_caverlee else ""
        rows += transfer(f"cresci {seen}{extra} -> {unseen} (unseen market)", parts, c, idx, te)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=T.default_data_dir())
    ap.add_argument("--quick", action="store_true", help="3 folds and no Caverlee CV (faster)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    sets = T.load_sets(args.data)
    folds = 3 if args.quick else 5
    for name, s in sets.items():
        print(f"{name}: {len(s['y']):,} accounts, {int(s['y'].sum()):,} hollow")
    rules = rules_on("cresci2015", sets["cresci2015"]) + rules_on("caverlee2011", sets["caverlee2011"])
    report(rules, "Transparent rule sets")
    cv = cross_validated("cresci2015", sets["cresci2015"], folds)
    if not args.quick:
        cv += cross_validated("caverlee2011", sets["caverlee2011"], folds)
    report(cv, "Within each data set")
    cross = (transfer("train caverlee2011 -> test cresci2015", [sets["caverlee2011"]], sets["cresci2015"])
             + transfer("train cresci2015 -> test caverlee2011", [sets["cresci2015"]], sets["caverlee2011"]))
    report(cross, "Across data sets")
    unseen = unseen_market(sets, False) + unseen_market(sets, True)
    report(unseen, "Bought fakes from a market not trained on (target MCC >= 0.90)")
    big = pd.concat([sets["caverlee2011"]["accounts"]] * 3, ignore_index=True)
    t = time.perf_counter()
    score_accounts(big, method="model")
    rate = len(big) / (time.perf_counter() - t)
    print(f"\nscoring speed (model method, shipped model): {rate:,.0f} accounts/s on {len(big):,} rows")
    print(f"total time: {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
