"""Hollow-follower detection on real labelled data: leave-one-source-out, and every rule set.

Prints, for each labelled source held out in turn (the model trained on the other sources scores
it through ``score_accounts``, with only the columns a file of its platform has): MCC, ROC AUC,
false-positive and true-positive rate, expected calibration error (ECE), unknown share, and the
mean ``hollow_risk`` over judged accounts against the true hollow share; then each source's
reliability diagram (mean risk vs hollow share per risk bin). A flag counts only when ``hollow``
is ``true``; an unknown risk counts as 0.5 for the AUC. The threshold is chosen as the training
script chooses it (false-positive rate at most 5 %, averaged over the held-out sources).

Also: the transparent rule sets on each whole set (no training), and with ``--full`` the
"unseen market" check on Cresci 2015 (train on half the humans and one market's fakes plus the
other sources, test on the other half and the other market). Run from the repository root:

    PYTHONPATH=src python3 benchmarks/bench_hollow.py [--data ../shared/data] [--full]

Data: Cresci et al. 2015, "Fame for sale" (DSS 80); Lee, Eoff & Caverlee 2011, "Seven months
with the devils" (ICWSM); Akyon & Kalfaoglu 2019, "Instagram fake and automated account
detection" (InstaFake).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from innercircle.hollow import evaluate as E
from innercircle.hollow import score_accounts
from innercircle.hollow import train as T
from innercircle.hollow.classifier import TreeModel, export_hgb
from innercircle.hollow.rules import RULE_SETS


def rules_table(sets: dict) -> None:
    print("\n## Transparent rule sets (whole set, no training)\n")
    print(f"{'source':<14} {'method':<14} {'MCC':>6} {'AUC':>6} {'FPR':>6} {'TPR':>6} {'unknown':>8}")
    for name, s in sets.items():
        acc = E.held_out(s["accounts"], E.HELD_OUT_COLUMNS.get(name))
        for method in RULE_SETS:
            f = E.figures(s["y"], score_accounts(acc, method=method))
            print(f"{name:<14} {method:<14} {f['mcc']:6.3f} {f['auc']:6.3f} {f['fpr']:6.3f} "
                  f"{f['tpr']:6.3f} {f['unknown']:8.3f}")


def loso_table(loso: dict, threshold: float) -> None:
    print(f"\n## Leave one source out (model method, threshold {threshold})\n")
    print(f"{'held-out source':<32} {'n':>6} {'MCC':>6} {'AUC':>6} {'FPR':>6} {'TPR':>6} "
          f"{'ECE':>6} {'unknown':>8} {'mean risk':>10} {'true share':>10}")
    for name, f in loso.items():
        print(f"{name:<32} {f['accounts']:6d} {f['mcc']:6.3f} {f['auc']:6.3f} {f['fpr']:6.3f} "
              f"{f['tpr']:6.3f} {f['ece']:6.3f} {f['unknown']:8.3f} {f['mean_risk']:10.3f} "
              f"{f['hollow_share']:10.3f}")
    print("\n## Reliability diagrams (leave one source out)\n")
    for name, f in loso.items():
        print(f"{name}:  risk bin | accounts | mean risk | hollow share")
        for lo, hi, n, p, y in f["reliability"]:
            bar = "#" * int(round(20 * y))
            print(f"    {lo:.1f}-{hi:.1f} | {n:6d} | {p:5.2f} | {y:5.2f} {bar}")


def unseen_market(sets: dict) -> None:
    c = sets["cresci2015"]
    humans = np.random.default_rng(0).permutation(np.flatnonzero(c["group"] == "E13"))
    halves = humans[: len(humans) // 2], humans[len(humans) // 2:]
    others = [n for n in sets if n != "cresci2015"]
    print("\n## Bought fakes from a market not trained on (Cresci 2015; other sources in training)\n")
    for k, (seen, unseen) in enumerate((("INT", "FSF"), ("FSF", "INT"))):
        tr = np.concatenate([halves[k], np.flatnonzero(c["group"] == seen)])
        te = np.concatenate([halves[1 - k], np.flatnonzero(c["group"] == unseen)])
        part = {**sets, "cresci2015": {**c, "X": c["X"].iloc[tr], "y": c["y"][tr]}}
        spec = export_hgb(T.fit_sets(part, ["cresci2015"] + others), T.FEATURES)
        model = TreeModel({**spec, "threshold": THRESHOLD[0]})
        acc = E.held_out(c["accounts"].iloc[te], T.TWITTER_COLUMNS)
        f = E.figures(c["y"][te], score_accounts(acc, model=model))
        print(f"{seen} -> {unseen}: MCC {f['mcc']:.3f}, AUC {f['auc']:.3f}, FPR {f['fpr']:.3f}, "
              f"TPR {f['tpr']:.3f}, mean risk {f['mean_risk']:.3f} vs {f['hollow_share']:.3f}")


THRESHOLD = [0.5]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=T.default_data_dir())
    ap.add_argument("--full", action="store_true", help="also the unseen-market check (slower)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    sets = T.load_sets(args.data)
    for name, s in sets.items():
        print(f"{name}: {len(s['y']):,} accounts, {int(s['y'].sum()):,} hollow")
    rules_table(sets)
    specs = E.fold_models(sets)
    THRESHOLD[0], rates = E.loso_threshold(sets, specs)
    print(f"\nthreshold {THRESHOLD[0]}; median leave-one-source-out rates there: {rates}")
    loso_table(E.loso_figures(sets, specs, THRESHOLD[0], rates), THRESHOLD[0])
    if args.full:
        unseen_market(sets)
    big = pd.concat([sets["caverlee2011"]["accounts"]] * 3, ignore_index=True)
    t = time.perf_counter()
    score_accounts(big, method="model")
    rate = len(big) / (time.perf_counter() - t)
    print(f"\nscoring speed (model method, shipped model): {rate:,.0f} accounts/s on {len(big):,} rows")
    print(f"total time: {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
