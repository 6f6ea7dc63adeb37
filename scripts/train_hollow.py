"""Train the hollow-profile classifier and write src/innercircle/hollow/model.json.

Usage (from the repository root; the data sets live in ../shared/data):

    PYTHONPATH=src python3 scripts/train_hollow.py [--data ../shared/data] [--out PATH]

Reproducible: fixed random_state, deterministic masking; the same data give the same file.
The model is trained on both labelled data sets at once, each weighted to half of the total:
Cresci et al. 2015 (E13 humans vs INT/FSF bought fakes) and Lee, Eoff & Caverlee 2011
(legitimate users vs content polluters). Its cross-validated figures come from
benchmarks/bench_hollow.py and are recorded in docs/hollow.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from innercircle.hollow import train as T
from innercircle.hollow.classifier import MODEL_FILE, TreeModel, export_hgb

RANDOM_STATE = 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=T.default_data_dir())
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    args = ap.parse_args()
    sets = T.load_sets(args.data)
    a, b = sets["cresci2015"], sets["caverlee2011"]
    X = np.vstack([a["X"].to_numpy(), b["X"].to_numpy()])
    y = np.concatenate([a["y"], b["y"]])
    w = T.balanced_weights(len(a["y"]), len(b["y"]))
    clf = T.fit(X, y, w, random_state=RANDOM_STATE)
    spec = export_hgb(clf, T.FEATURES, trained_on={
        "cresci2015": {"rows": int(len(a["y"])), "hollow": int(a["y"].sum())},
        "caverlee2011": {"rows": int(len(b["y"])), "hollow": int(b["y"].sum())}},
        params={k: v for k, v in T.PARAMS.items()}, random_state=RANDOM_STATE,
        masking=T.MASK_P)
    check = TreeModel(spec).predict_proba(X) - clf.predict_proba(X[:, clf.feature_columns_])[:, 1]
    assert np.abs(check).max() < 1e-6, "exported trees disagree with the fitted model"
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out.name}: {len(spec['trees']['roots'])} trees, "
          f"{len(spec['trees']['leaf'])} nodes, {args.out.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
