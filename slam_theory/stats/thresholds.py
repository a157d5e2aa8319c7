"""Per-seed sample-size thresholds and their success quantiles, with censoring kept.

A *threshold* is the sample size from which a learner's error stays at or below a target.  A seed
that never gets there is *censored*: it is recorded at the largest ``n`` tried and flagged, never
dropped, so a learner that fails shows up as failing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from slam_theory._validation import check_in_range
from slam_theory.stats._checks import as_bool_array, as_float_array, check_increasing

__all__ = ["success_threshold", "threshold_n"]


def threshold_n(ns: Any, errors: Any, target: float) -> tuple[np.ndarray, np.ndarray]:
    """Per seed, the smallest ``n`` from which the error stays ``<= target`` for every larger n.

    Parameters
    ----------
    ns : array-like of shape (m,)
        Sample sizes tried, strictly increasing and positive.
    errors : array-like of shape (..., m)
        Error of each seed (leading axes, typically ``(seeds,)``) at each ``n``; ``+inf`` is
        allowed (never below a target), NaN is not.
    target : float
        The error to reach (finite).

    Returns
    -------
    n_needed : ndarray of shape errors.shape[:-1]
        ``ns[k]`` for the smallest ``k`` with ``errors[..., j] <= target`` for every ``j >= k``;
        the largest ``n`` tried (``ns[-1]``) where censored.  The resolution is the grid of
        ``ns``: no interpolation between grid points.
    censored : ndarray of bool, same shape
        ``True`` where the error is above the target at the largest ``n`` tried (so it never
        stays below it).  A curve that dips below the target and rises above it again has not
        reached it: only the final run of grid points at or below the target counts.

    Raises
    ------
    ValueError
        If ``ns`` is not 1-d, positive and strictly increasing, if ``errors`` contains NaN or
        its last axis does not have ``len(ns)`` entries, or if ``target`` is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> ns = [10, 20, 40, 80]
    >>> errors = [[0.5, 0.2, 0.1, 0.05],   # reaches 0.1 at n=40 and stays
    ...           [0.5, 0.05, 0.3, 0.2],   # dips below at n=20, rises again: censored
    ...           [0.05, 0.05, 0.05, 0.05]]
    >>> n_needed, censored = threshold_n(ns, errors, 0.1)
    >>> n_needed.tolist(), censored.tolist()
    ([40.0, 80.0, 10.0], [False, True, False])
    """
    ns_a = as_float_array(ns, "ns", ndim=1, positive=True)
    check_increasing(ns_a, "ns")
    err = as_float_array(errors, "errors", allow_inf=True)
    if err.shape[-1] != ns_a.size:
        raise ValueError(
            f"errors must have len(ns) = {ns_a.size} entries on its last axis, got shape "
            f"{err.shape}"
        )
    t = check_in_range(target, "target", -math.inf, math.inf)
    ok = err <= t
    # stays[..., k]: every grid point from k on is at or below the target
    stays = np.logical_and.accumulate(ok[..., ::-1], axis=-1)[..., ::-1]
    count = stays.sum(axis=-1)
    censored = count == 0
    k = np.minimum(ns_a.size - count, ns_a.size - 1)
    return ns_a[k], censored


def success_threshold(
    n_needed: Any, censored: Any, success: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Per parameter value, the ``n`` at which at least a fraction ``success`` of seeds succeeded.

    Parameters
    ----------
    n_needed : array-like of shape (..., seeds)
        Per-seed thresholds (e.g. from :func:`threshold_n`), positive and finite; rows are the
        parameter values, the last axis the seeds.  Censored entries must hold the largest
        ``n`` tried for that seed.
    censored : array-like of bool, same shape
        ``True`` where the seed never reached the target; such a seed counts as never
        succeeding (``n_needed = +inf``), never as dropped.
    success : float in (0, 1], default=0.5
        Required fraction of seeds.  With ``S`` seeds the threshold is the ``k``-th smallest
        ``n_needed`` with ``k = ceil(success * S)``: the smallest ``n`` such that at least
        ``success * S`` seeds have reached the target (``0.5`` gives the lower median).

    Returns
    -------
    n : ndarray of shape n_needed.shape[:-1]
        The threshold; where it is censored, the largest ``n_needed`` of the row (the largest
        ``n`` tried), a lower bound.
    censored : ndarray of bool, same shape
        ``True`` where fewer than ``k`` seeds reached the target.

    Raises
    ------
    ValueError
        On NaN/inf or non-positive ``n_needed``, a ``censored`` of another shape, or
        ``success`` outside ``(0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> n_needed = [[10, 20, 40, 80], [100, 200, 800, 800]]
    >>> censored = [[False, False, False, False], [False, True, True, True]]
    >>> n, cen = success_threshold(n_needed, censored, success=0.5)
    >>> n.tolist(), cen.tolist()
    ([20.0, 800.0], [False, True])
    >>> success_threshold(n_needed, censored, success=0.25)[0].tolist()
    [10.0, 100.0]
    """
    nn = as_float_array(n_needed, "n_needed", positive=True)
    cen = as_bool_array(censored, "censored", nn.shape, "n_needed")
    s = check_in_range(success, "success", 0.0, 1.0, low_inclusive=False)
    k = _success_rank(s, nn.shape[-1])
    vals = np.where(cen, np.inf, nn)
    kth = np.partition(vals, k - 1, axis=-1)[..., k - 1]
    out_cen = np.isinf(kth)
    out = np.where(out_cen, nn.max(axis=-1), kth)
    return out, out_cen


def _success_rank(success: float, n_seeds: int) -> int:
    """``ceil(success * n_seeds)`` robust to float round-off (0.3 * 10 -> 3), at least 1."""
    return max(1, math.ceil(round(success * n_seeds, 9)))
