"""Train the hollow-profile classifier and write src/innercircle/hollow/model.json.

Usage (from the repository root; the data sets live in ../shared/data):

    PYTHONPATH=src python3 scripts/train_hollow.py [--data ../shared/data] [--out PATH]

Reproducible: fixed random_state, deterministic masking; the same data give the same file.
Steps:

1. leave-one-source-out: for each labelled source (Cresci 2015, Caverlee 2011, InstaFake), a
   model trained on the others scores it with the columns its platform's files have;
2. the threshold: the lowest risk whose false-positive rate in step 1, averaged over the
   sources, is at most 5 %; and the median true- and false-positive rates there (for the
   adjusted count of a set's hollow share);
3. the shipped model: trained on all sources, each source and each class given equal weight
   (so its probabilities are calibrated at a reference prior of 0.5), with the threshold and the
   figures of step 1 stored in the file (docs/hollow.md shows them).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from innercircle.hollow import evaluate as E
from innercircle.hollow import train as T
from innercircle.hollow.classifier import MODEL_FILE, TreeModel, export_hgb

RANDOM_STATE = 0
MAX_FPR = 0.05


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=T.default_data_dir())
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    args = ap.parse_args()
    sets = T.load_sets(args.data)
    specs = E.fold_models(sets, random_state=RANDOM_STATE)
    threshold, rates = E.loso_threshold(sets, specs, max_fpr=MAX_FPR)
    loso = E.loso_figures(sets, specs, threshold, rates)
    clf = T.fit_sets(sets, list(sets), random_state=RANDOM_STATE)
    spec = export_hgb(
        clf, T.FEATURES, reference_prior=0.5, threshold=threshold, quantification=rates,
        calibration={"slope": 1.0, "intercept": 0.0}, max_fpr=MAX_FPR,
        trained_on={n: {"rows": int(len(s["y"])), "hollow": int(s["y"].sum())}
                    for n, s in sets.items()},
        params=dict(T.PARAMS), random_state=RANDOM_STATE, masking=T.MASK_P,
        instagram_copy_weight=T.INSTAGRAM_COPY_WEIGHT,
        leave_one_source_out={k: {m: v for m, v in f.items() if m != "reliability"}
                              for k, f in loso.items()})
    X, _, _ = T.pooled(sets, list(sets))
    check = TreeModel(spec).predict_proba(X) - clf.predict_proba(X[:, clf.feature_columns_])[:, 1]
    assert np.abs(check).max() < 1e-6, "exported trees disagree with the fitted model"
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out.name}: {len(spec['trees']['roots'])} trees, "
          f"{len(spec['trees']['leaf'])} nodes, {args.out.stat().st_size / 1024:.0f} KiB; "
          f"threshold {threshold}")
    for name, f in loso.items():
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in f.items() if k != "reliability"))


if __name__ == "__main__":
    main()
