"""HyperLogLog: estimates within the stated error, merges as unions, small sets nearly exact."""

from __future__ import annotations

import numpy as np
import pytest

from innercircle.graph.hll import HyperLogLog, estimate, registers, relative_error


@pytest.mark.parametrize("n", [1_000, 50_000, 1_000_000], ids=["1k", "50k", "1M"])
def test_estimate_is_within_three_standard_errors(n):
    h = HyperLogLog(14).add(np.arange(n) * 3 + 11)
    assert abs(h.count() / n - 1) < 3 * relative_error(14)


def test_small_sets_are_counted_almost_exactly_and_empty_is_zero():
    assert HyperLogLog(12).count() == 0
    assert round(HyperLogLog(12).add(np.arange(10)).count()) == 10


def test_duplicates_do_not_inflate_and_merge_is_a_union():
    a = HyperLogLog(12).add(np.repeat(np.arange(5_000), 4))
    b = HyperLogLog(12).add(np.arange(2_500, 7_500))
    assert abs(a.count() / 5_000 - 1) < 0.05
    assert abs(a.merge(b).count() / 7_500 - 1) < 0.05


def test_merge_refuses_other_precision():
    with pytest.raises(ValueError):
        HyperLogLog(10).merge(HyperLogLog(12))


def test_relative_error_of_p14_is_at_most_one_percent():
    assert HyperLogLog(14).relative_error <= 0.01


def test_ranks_are_geometric_and_registers_in_range():
    reg, rank = registers(np.arange(200_000), 10)
    assert reg.min() >= 0 and reg.max() < 1024
    share = np.bincount(rank)[1:4] / len(rank)
    assert np.allclose(share, [0.5, 0.25, 0.125], atol=0.01)


def test_estimate_of_many_sketches_at_once_equals_one_by_one():
    sketches = np.stack([HyperLogLog(10).add(np.arange(k * 100)).registers_ for k in range(5)])
    assert np.allclose(estimate(sketches, chunk_rows=2), [estimate(s) for s in sketches])
