"""The adaptive threshold search against a brute-force scan of the whole grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slam_theory.experiments.search import grid_sizes, search_threshold


def brute_force(errors: np.ndarray, target: float, stride: int) -> tuple[int, bool]:
    """Smallest index whose error and the error one octave on are both at or below target."""
    last = errors.size - 1
    for k in range(errors.size):
        if errors[k] <= target and errors[min(k + stride, last)] <= target:
            return k, False
    return last, True


def test_grid_is_geometric_and_bounded():
    sizes = grid_sizes(125, 64_000, steps_per_octave=8)
    ratios = sizes[1:] / sizes[:-1]
    assert sizes[0] == 125 and sizes[-1] <= 64_000
    assert np.allclose(ratios, 2 ** (1 / 8), rtol=0.02)
    with pytest.raises(ValueError, match="n_min"):
        grid_sizes(10, 5)
    with pytest.raises(ValueError, match="steps_per_octave"):
        grid_sizes(10, 50, steps_per_octave=0)


def test_power_law_curve_found_with_few_fits():
    sizes = grid_sizes(100, 100 * 2**10, steps_per_octave=8)
    n, censored, evals = search_threshold(lambda n: 50.0 / n, sizes, 0.01, steps_per_octave=8)
    assert not censored
    assert n == sizes[np.flatnonzero(50.0 / sizes <= 0.01)[0]]
    assert len(evals) < sizes.size / 3  # a search, not a scan


def test_never_reached_is_censored_at_the_largest_size():
    sizes = grid_sizes(100, 1600, steps_per_octave=4)
    n, censored, _ = search_threshold(lambda n: 0.004 + 1.0 / n, sizes, 0.004, steps_per_octave=4)
    assert censored and n == sizes[-1]


def test_a_dip_below_the_target_that_does_not_stay_is_not_a_threshold():
    sizes = grid_sizes(100, 100 * 2**6, steps_per_octave=4)
    errors = np.full(sizes.size, 0.2)
    errors[4] = 0.0  # a lucky fit at one size only
    errors[16:] = 0.0
    n, censored, _ = search_threshold(
        lambda n: errors[np.searchsorted(sizes, n)], sizes, 0.05, steps_per_octave=4
    )
    assert not censored and n == sizes[16]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=3, max_size=40),
    st.floats(0.05, 0.6),
    st.integers(1, 8),
)
def test_matches_brute_force_on_monotone_curves(raw, target, stride):
    errors = np.sort(np.asarray(raw))[::-1]  # non-increasing in n
    sizes = np.arange(1, errors.size + 1) * 10
    n, censored, _ = search_threshold(
        lambda n: errors[n // 10 - 1], sizes, target, steps_per_octave=stride
    )
    k, cen = brute_force(errors, target, stride)
    assert (n, censored) == (sizes[k], cen)


def test_bad_grid_refused():
    with pytest.raises(ValueError, match="sizes"):
        search_threshold(lambda n: 0.0, [10, 10, 20], 0.1)
