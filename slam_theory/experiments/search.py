"""Adaptive search for the smallest sample size at which a learner meets an error target.

A threshold is found on a fine geometric grid of sample sizes by a doubling search followed by
bisection, with a confirmation one octave further: a few fits per seed instead of one per grid
point. A seed that never reaches the target within the grid is *censored*.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["grid_sizes", "search_threshold"]


def grid_sizes(n_min: int, n_max: int, steps_per_octave: int = 8) -> np.ndarray:
    """The geometric grid of sample sizes a threshold search moves on.

    Parameters
    ----------
    n_min, n_max : int
        Smallest and largest sample size (``1 <= n_min <= n_max``).
    steps_per_octave : int, default=8
        Grid points per doubling of ``n``: the grid ratio is ``2 ** (1 / steps_per_octave)``.

    Returns
    -------
    ndarray of int64
        Strictly increasing sizes from ``n_min``; the last is at most ``n_max``.

    Examples
    --------
    >>> grid_sizes(100, 400, steps_per_octave=2).tolist()
    [100, 141, 200, 283, 400]
    """
    n_min, n_max, spo = int(n_min), int(n_max), int(steps_per_octave)
    if n_min < 1 or n_max < n_min:
        raise ValueError(f"need 1 <= n_min <= n_max, got n_min={n_min}, n_max={n_max}")
    if spo < 1:
        raise ValueError(f"steps_per_octave must be >= 1, got {spo}")
    k_max = math.floor(spo * math.log2(n_max / n_min) + 1e-9)
    sizes = np.round(n_min * 2.0 ** (np.arange(k_max + 1) / spo)).astype(np.int64)
    return np.unique(np.minimum(sizes, n_max))


def search_threshold(
    error_at: Callable[[int], float],
    sizes: Sequence[int],
    target: float,
    *,
    steps_per_octave: int = 8,
) -> tuple[int, bool, list[tuple[int, float]]]:
    """Smallest grid size at which ``error_at(n) <= target`` and stays there an octave on.

    A doubling search probes one size per octave until the error is at or below the target,
    then bisects on the fine grid between the last failing and the first passing probe. The
    size found is confirmed one octave further (or at the last size): if the error there is
    above the target again, the search goes on from there. A few evaluations per seed, not
    one per grid point.

    Parameters
    ----------
    error_at : callable
        ``n -> error`` of a learner fitted on the first ``n`` samples.
    sizes : sequence of int
        The increasing grid (see :func:`grid_sizes`).
    target : float
        The error target.
    steps_per_octave : int, default=8
        Grid points per doubling (the probe stride).

    Returns
    -------
    n_needed : int
        The size found, or the largest size tried if the target was never reached.
    censored : bool
        True where the target was not reached (or not kept) within the grid.
    evaluations : list of (n, error)
        Every evaluation made, in order.

    Examples
    --------
    >>> sizes = grid_sizes(100, 6400, steps_per_octave=4)
    >>> n, censored, evals = search_threshold(lambda n: 30 / n, sizes, 0.05, steps_per_octave=4)
    >>> int(n), censored
    (673, False)
    >>> search_threshold(lambda n: 0.2, sizes, 0.05, steps_per_octave=4)[:2]
    (6400, True)
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    if sizes.ndim != 1 or sizes.size == 0 or np.any(np.diff(sizes) <= 0):
        raise ValueError("sizes must be a non-empty, strictly increasing 1-D grid")
    stride = max(int(steps_per_octave), 1)
    cache: dict[int, float] = {}
    evaluations: list[tuple[int, float]] = []

    def err(k: int) -> float:
        if k not in cache:
            cache[k] = float(error_at(int(sizes[k])))
            evaluations.append((int(sizes[k]), cache[k]))
        return cache[k]

    last = sizes.size - 1
    lo = -1  # largest index known to fail
    k = 0
    while True:
        # doubling search from lo + 1 for a passing probe
        hi = None
        probe = lo + 1 if lo >= 0 else 0
        while probe <= last:
            if err(probe) <= target:
                hi = probe
                break
            lo = probe
            probe = min(probe + stride, last) if probe < last else last + 1
        if hi is None:
            return int(sizes[last]), True, evaluations
        # bisection between the last failing index lo and the passing index hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if err(mid) <= target:
                hi = mid
            else:
                lo = mid
        k = hi
        confirm = min(k + stride, last)
        if confirm == k or err(confirm) <= target:
            return int(sizes[k]), False, evaluations
        lo = confirm  # the error rose above the target again: search on from there
