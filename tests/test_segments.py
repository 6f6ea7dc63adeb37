"""Segments: tags first, then a suggestion from profile text whose accuracy is measured on real bios."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from innercircle.metrics.segments import segment_from_tags, segment_table, suggest_segment

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


@pytest.mark.parametrize("tags,expected", [("customer;trusted", "customer"), ("trusted;peer", "peer"),
                                           ("met", None), (None, None), ("", None)],
                         ids=["first", "skips-non-segment", "none", "null", "empty"])
def test_segment_from_tags(tags, expected):
    assert segment_from_tags(tags) == expected


def test_suggestion_and_confidence():
    assert suggest_segment("Journalist at a trade magazine") == ("press", pytest.approx(2 / 3, abs=1e-3))
    assert suggest_segment("I love cats") == ("fan", 0.5)
    assert suggest_segment("sunsets") == ("other", None)
    assert suggest_segment("") == ("other", None)


def test_table_prefers_tags_and_handles_missing_text():
    acc = pd.DataFrame({"id": ["1", "2", "3"], "tags": ["supplier", None, None],
                        "bio": ["journalist", "Giornalista e redattrice", None],
                        "company": [None, None, None], "position": [None, None, "Software engineer"]})
    t = segment_table(acc).set_index("id")
    assert t.loc["1", "segment"] == "supplier" and t.loc["1", "segment_source"] == "tag"
    assert t.loc["2", "segment"] == "press" and t.loc["3", "segment"] == "peer"


def test_held_out_accuracy_on_real_bios_beats_the_majority_class():
    from bench_segments import LABELLED, evaluate

    held_out = evaluate(pd.read_csv(LABELLED).iloc[120:])
    assert held_out["accuracy"] >= 0.70
    assert held_out["accuracy"] >= held_out["majority"] + 0.15
    assert held_out["macro_f1"] >= 2 * held_out["majority_macro_f1"]
