"""Result type of :func:`slam_theory.stats.check_rate` and the names of its rules."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

__all__ = ["RATE_RULES", "VERDICTS", "RateCheck"]

VERDICTS = ("consistent", "inconsistent", "inconclusive")

RATE_RULES: dict[str, str] = {
    "no_bounds": "inconclusive: no floor or ceiling given, the exponent is measured only",
    "censored_reachable": "inconsistent: a value never reached the target although the ceiling "
    "law, extrapolated from the thresholds at smaller x, predicts it margin-fold inside the "
    "largest n tried",
    "too_few_values": "inconclusive: fewer than min_points values reached the success threshold",
    "censored_resamples": "inconclusive: in more than (1 - confidence)/2 of bootstrap resamples a "
    "fitted threshold was not reached within the n tried",
    "above_ceiling": "inconsistent: the exponent's interval lies wholly above the ceiling, and so "
    "does the interval of the local slope at the largest x",
    "below_floor": "inconsistent: the exponent's interval lies wholly below the floor, and so "
    "does the interval of the local slope at the largest x",
    "pre_asymptotic": "inconclusive: the interval lies wholly outside [floor, ceiling] but the "
    "interval of the local slope at the largest x reaches back inside",
    "too_wide": "inconclusive: the interval is wider than max_width",
    "not_asymptotic": "inconclusive: fewer than two local slopes, or their spread exceeds "
    "slope_tol (a slope that keeps rising or falls to a plateau)",
    "consistent": "consistent: the interval meets [floor, ceiling], is at most max_width wide, "
    "and the local slopes agree within slope_tol",
}
"""Every ``RateCheck.rule`` code of :func:`check_rate` and what it means."""


def _json(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _json(w) for k, w in v.items()}
    if isinstance(v, list | tuple | np.ndarray):
        return [_json(w) for w in v]
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(v) else None
    return v


@dataclass(frozen=True)
class RateCheck:
    """Result of :func:`check_rate` (all sequences are tuples; NaN marks "not available").

    Attributes
    ----------
    exponent, intercept : float
        Log-log least-squares fit of the uncensored success thresholds on ``x``.
    ci : tuple of float
        Bootstrap percentile interval ``(lo, hi)`` of the exponent.
    local_slopes : tuple of float
        Slopes over sliding windows of consecutive uncensored thresholds.
    last_slope_ci : tuple of float
        Bootstrap percentile interval of the last local slope (the window at the largest
        ``x``; the whole fit when there are fewer than ``window`` values), from the same
        resamples as ``ci``.
    verdict : {"consistent", "inconsistent", "inconclusive"}
    reason : str
        One line saying why.
    rule : str
        Short code of the deciding rule, a key of :data:`RATE_RULES`.
    thresholds : tuple of float
        Success threshold per ``x`` (the largest ``n`` tried where censored).
    threshold_censored : tuple of bool
    asymptotic : bool
        Whether the local-slope rule passed.
    predicted : tuple of float
        Ceiling-law prediction of the threshold at each censored ``x`` (NaN elsewhere).
    x : tuple of float
    n_fitted : int
        Uncensored thresholds in the fit.
    censored_resample_fraction : float
        Fraction of bootstrap resamples in which a fitted threshold was not reached.
    settings : dict
        Every option used (floor, ceiling, success, confidence, n_boot, max_width,
        min_points, window, slope_tol, margin, resolution).

    Examples
    --------
    >>> import json
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, 4.0, 8.0])
    >>> from slam_theory.stats import check_rate
    >>> r = check_rate(x, 10 * x[:, None] ** 2 * [0.9, 1.0, 1.1], np.zeros((4, 3), bool),
    ...                ceiling=2.0)
    >>> round(r.exponent, 6), r.verdict
    (2.0, 'consistent')
    >>> d = r.as_dict()
    >>> d["ceiling"], d["floor"], d["rule"]
    (2.0, None, 'consistent')
    >>> _ = json.dumps(d, allow_nan=False)
    """

    exponent: float
    intercept: float
    ci: tuple[float, float]
    local_slopes: tuple[float, ...]
    verdict: str
    reason: str
    rule: str
    thresholds: tuple[float, ...]
    threshold_censored: tuple[bool, ...]
    asymptotic: bool
    predicted: tuple[float, ...]
    x: tuple[float, ...]
    n_fitted: int
    censored_resample_fraction: float
    settings: dict[str, Any] = field(default_factory=dict)
    last_slope_ci: tuple[float, float] = (math.nan, math.nan)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (lists, plain floats/ints/bools, ``None`` for NaN/inf).

        The ``settings`` are flattened into the top level (``floor``, ``ceiling``, ...).

        Returns
        -------
        dict
            Every field of the result.
        """
        d = asdict(self)
        settings = d.pop("settings")
        return _json({**d, **settings})
