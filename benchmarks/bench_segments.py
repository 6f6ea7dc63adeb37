"""Accuracy of the segment suggested from bio text, on 240 real bios labelled by reading them
(tests/fixtures/segments: Cresci et al. 2015 genuine accounts; labels assigned without seeing the cues).

    python benchmarks/bench_segments.py

The cue lists were extended while looking only at the first 120 rows (dev); the last 120 rows (test)
were not looked at. Prints accuracy and macro-F1 beside the majority-class baseline, per half and per
language.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "segments" / "labelled_bios.csv"


def evaluate(df: pd.DataFrame) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    from innercircle.metrics.segments import suggest_segment

    pred = [suggest_segment(b)[0] for b in df["bio"]]
    majority = df["label"].value_counts().idxmax()
    return {"rows": len(df), "accuracy": accuracy_score(df["label"], pred),
            "macro_f1": f1_score(df["label"], pred, average="macro", zero_division=0),
            "majority": (df["label"] == majority).mean(),
            "majority_macro_f1": f1_score(df["label"], [majority] * len(df), average="macro", zero_division=0)}


def main() -> int:
    df = pd.read_csv(LABELLED)
    parts = {"dev (rows 1-120)": df.iloc[:120], "test (rows 121-240, held out)": df.iloc[120:]}
    for lang in ("en", "it"):
        parts[f"test, language {lang}"] = df.iloc[120:][df.iloc[120:]["language"] == lang]
    print(f"{'':32}{'rows':>5}{'accuracy':>10}{'macro F1':>10}{'majority':>10}{'maj. F1':>9}")
    for name, part in parts.items():
        r = evaluate(part)
        print(f"{name:32}{r['rows']:>5}{r['accuracy']:>10.3f}{r['macro_f1']:>10.3f}{r['majority']:>10.3f}"
              f"{r['majority_macro_f1']:>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
