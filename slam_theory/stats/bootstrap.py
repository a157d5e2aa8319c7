"""Bootstrap intervals: thin wrappers on :func:`scipy.stats.bootstrap`, and the percentile
interval used where scipy's cannot be (replicates that give no value)."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats as sps

from slam_theory._validation import (
    as_generator,
    check_bool,
    check_choice,
    check_int,
    reject_complex,
    reject_strings,
)
from slam_theory.stats._checks import MAX_BOOT, as_float_array, check_confidence

__all__ = ["bootstrap_ci", "percentile_interval", "slope_ci"]

_METHODS = ("BCa", "percentile", "basic")
_RNG_KW = "rng" if "rng" in inspect.signature(sps.bootstrap).parameters else "random_state"


def percentile_interval(samples: Any, confidence: float = 0.95) -> tuple[float, float, float]:
    """Equal-tailed percentile interval of the finite entries of ``samples``.

    Parameters
    ----------
    samples : array-like
        Bootstrap replicates; NaN/inf entries (replicates that gave no value) are left out.
    confidence : float in (0, 1), default=0.95
        The interval runs from the ``(1 - confidence) / 2`` to the ``(1 + confidence) / 2``
        quantile (numpy's default linear interpolation).

    Returns
    -------
    lo, hi : float
        NaN when no replicate is finite.
    valid_fraction : float
        Fraction of replicates that were finite.

    Examples
    --------
    >>> import numpy as np
    >>> lo, hi, frac = percentile_interval(np.arange(101.0), confidence=0.9)
    >>> round(lo, 9), round(hi, 9), frac
    (5.0, 95.0, 1.0)
    """
    conf = check_confidence(confidence)
    reject_complex(samples, "samples")
    reject_strings(samples, "samples")
    if samples is None:
        raise TypeError("samples must be array-like of numbers, got None")
    try:
        s = np.asarray(samples, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"samples must be array-like of numbers, got {samples!r:.40}") from None
    ok = s[np.isfinite(s)]
    if ok.size == 0:
        return float("nan"), float("nan"), 0.0
    alpha = (1.0 - conf) / 2.0
    lo, hi = np.quantile(ok, [alpha, 1.0 - alpha])
    return float(lo), float(hi), ok.size / s.size


def _run(data: tuple[np.ndarray, ...], statistic: Callable[..., Any], *, paired: bool,
         confidence: float, n_boot: int, method: str, rng: np.random.Generator) -> tuple[
             float, float]:
    """scipy's interval; the percentile interval of finite replicates if scipy's is NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=sps.DegenerateDataWarning)
        warnings.simplefilter("ignore", category=RuntimeWarning)
        res = sps.bootstrap(data, statistic, n_resamples=n_boot, paired=paired,
                            vectorized=True, confidence_level=confidence, method=method,
                            **{_RNG_KW: rng})
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    dist = np.asarray(res.bootstrap_distribution, dtype=float)
    if not (np.isfinite(lo) and np.isfinite(hi)) or not np.isfinite(dist).all():
        lo, hi, _ = percentile_interval(dist, confidence)
    return lo, hi


def bootstrap_ci(
    values: Any,
    statistic: Callable[..., Any] = np.mean,
    confidence: float = 0.95,
    random_state: Any = 0,
    *,
    n_boot: int = 1999,
    method: str = "BCa",
) -> tuple[float, float, float]:
    """A statistic of one sample and its bootstrap interval (:func:`scipy.stats.bootstrap`).

    Parameters
    ----------
    values : array-like of shape (k,)
        Finite, ``k >= 2``.
    statistic : callable, default=numpy.mean
        ``statistic(sample, axis=-1)`` must reduce along ``axis`` (numpy reductions do).
    confidence : float in (0, 1), default=0.95
    random_state : int, Generator, SeedSequence or None, default=0
    n_boot : int, default=1999
        Bootstrap resamples, ``1 <= n_boot <= 1_000_000``.
    method : {"BCa", "percentile", "basic"}, default="BCa"
        scipy's interval method.  BCa (bias-corrected and accelerated) is the default; if it
        gives NaN (a degenerate jackknife), the percentile interval of the finite replicates is
        returned instead.  A constant sample gives ``lo = hi = estimate``.

    Returns
    -------
    estimate, lo, hi : float
        ``statistic(values)`` and the interval.

    Examples
    --------
    >>> import numpy as np
    >>> v = np.random.default_rng(0).normal(5.0, 1.0, size=200)
    >>> est, lo, hi = bootstrap_ci(v, np.mean, confidence=0.95, random_state=0)
    >>> bool(lo < est < hi), bool(lo < 5.0 < hi)
    (True, True)
    """
    v = as_float_array(values, "values", ndim=1)
    if v.size < 2:
        raise ValueError(f"values must have at least 2 entries, got {v.size}")
    if not callable(statistic):
        raise TypeError(f"statistic must be callable, got {type(statistic).__name__}")
    conf = check_confidence(confidence)
    b = check_int(n_boot, "n_boot", low=1, high=MAX_BOOT)
    meth = check_choice(method, "method", _METHODS)
    rng = as_generator(random_state)
    est = float(statistic(v, axis=-1))
    if np.all(v == v[0]):
        return est, est, est
    lo, hi = _run((v,), statistic, paired=False, confidence=conf, n_boot=b, method=meth,
                  rng=rng)
    return est, lo, hi


def _slope_stat(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    x = np.moveaxis(x, axis, -1)
    y = np.moveaxis(y, axis, -1)
    dx = x - x.mean(axis=-1, keepdims=True)
    dy = y - y.mean(axis=-1, keepdims=True)
    sxx = (dx * dx).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sxx > 1e-24, (dx * dy).sum(axis=-1) / sxx, np.nan)


def slope_ci(
    x: Any,
    y: Any,
    confidence: float = 0.95,
    random_state: Any = 0,
    *,
    log: bool = True,
    n_boot: int = 1999,
    method: str = "BCa",
) -> tuple[float, float, float]:
    """Least-squares slope and its paired (case-resampling) bootstrap interval.

    The pairs ``(x_i, y_i)`` are resampled together (``scipy.stats.bootstrap(paired=True)``).
    With ``log=True`` (default) the slope is that of ``log y`` on ``log x`` (a power-law
    exponent); with ``log=False`` that of ``y`` on ``x``.

    Parameters
    ----------
    x, y : array-like of shape (k,)
        Finite (positive when ``log``), at least 3 points and 2 distinct ``x``.
    confidence : float in (0, 1), default=0.95
    random_state : int, Generator, SeedSequence or None, default=0
    log : bool, default=True
    n_boot : int, default=1999
        Bootstrap resamples, ``1 <= n_boot <= 1_000_000``.
    method : {"BCa", "percentile", "basic"}, default="BCa"
        scipy's method.  A resample whose ``x`` are all equal has no slope; when any
        resample has none (likely with very few points), or BCa gives NaN, the interval is the
        percentile interval of the resamples that have one.

    Returns
    -------
    slope, lo, hi : float

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x = np.geomspace(1, 100, 30)
    >>> y = 2.0 * x**-0.5 * np.exp(rng.normal(0, 0.1, x.size))
    >>> s, lo, hi = slope_ci(x, y, random_state=0)
    >>> bool(lo < -0.5 < hi), bool(hi - lo < 0.2)
    (True, True)
    """
    log = check_bool(log, "log")
    xa = as_float_array(x, "x", ndim=1, positive=log)
    ya = as_float_array(y, "y", ndim=1, positive=log)
    if xa.shape != ya.shape:
        raise ValueError(f"y must have the shape of x {xa.shape}, got {ya.shape}")
    if xa.size < 3:
        raise ValueError(f"x must have at least 3 points, got {xa.size}")
    if np.unique(xa).size < 2:
        raise ValueError("x must have at least two distinct values")
    conf = check_confidence(confidence)
    b = check_int(n_boot, "n_boot", low=1, high=MAX_BOOT)
    meth = check_choice(method, "method", _METHODS)
    rng = as_generator(random_state)
    if log:
        xa, ya = np.log(xa), np.log(ya)
    est = float(_slope_stat(xa, ya))
    if np.all(ya == ya[0]):
        return est, est, est
    lo, hi = _run((xa, ya), _slope_stat, paired=True, confidence=conf, n_boot=b, method=meth,
                  rng=rng)
    return est, lo, hi
