"""Log-log least-squares power-law fits and local (sliding-window) slopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from slam_theory._validation import check_int
from slam_theory.stats._checks import as_float_array, check_increasing

__all__ = ["PowerLawFit", "fit_power_law", "local_slopes"]


@dataclass(frozen=True)
class PowerLawFit:
    """Result of :func:`fit_power_law`: ``log y = intercept + exponent * log x``.

    Attributes
    ----------
    exponent : float
        Least-squares slope in log-log coordinates.
    intercept : float
        Natural log of the constant ``C`` in ``y = C x**exponent``.
    r2 : float
        Coefficient of determination of the log-log fit (NaN when ``y`` is constant).
    n_points : int
        Number of points fitted.

    Examples
    --------
    >>> fit = PowerLawFit(exponent=2.0, intercept=0.0)
    >>> fit.exponent, fit.n_points
    (2.0, 0)
    """

    exponent: float
    intercept: float
    r2: float = float("nan")
    n_points: int = 0


def _xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    xa = as_float_array(x, "x", ndim=1, positive=True)
    ya = as_float_array(y, "y", ndim=1, positive=True)
    if xa.shape != ya.shape:
        raise ValueError(f"y must have the shape of x {xa.shape}, got {ya.shape}")
    return xa, ya


def fit_power_law(x: Any, y: Any) -> PowerLawFit:
    """Fit ``y = C x**a`` by ordinary least squares of ``log y`` on ``log x``.

    Parameters
    ----------
    x, y : array-like of shape (k,)
        Positive, finite; at least two distinct ``x``.

    Returns
    -------
    PowerLawFit
        ``exponent`` ``a``, ``intercept`` ``log C``, ``r2`` and ``n_points``.

    Raises
    ------
    ValueError
        On NaN/inf or non-positive entries, unequal shapes, or fewer than two distinct ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, 4.0, 8.0])
    >>> fit = fit_power_law(x, 3.0 * x**2)
    >>> round(fit.exponent, 6), round(float(np.exp(fit.intercept)), 6)
    (2.0, 3.0)
    """
    xa, ya = _xy(x, y)
    lx, ly = np.log(xa), np.log(ya)
    if np.unique(lx).size < 2:
        raise ValueError(f"x must have at least two distinct values, got {xa.tolist()}")
    slope, icpt = row_slopes(lx, ly[None, :])
    resid = ly - (icpt[0] + slope[0] * lx)
    tot = float(((ly - ly.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / tot if tot > 0 else float("nan")
    return PowerLawFit(float(slope[0]), float(icpt[0]), r2, int(xa.size))


def local_slopes(x: Any, y: Any, window: int = 3) -> np.ndarray:
    """Log-log slopes of ``y`` on ``x`` over every run of ``window`` consecutive points.

    A power law has equal local slopes; a slope that keeps rising, or falls towards zero (a
    plateau), shows the fitted exponent is not yet the asymptotic one.

    Parameters
    ----------
    x : array-like of shape (k,)
        Positive, strictly increasing.
    y : array-like of shape (k,)
        Positive.
    window : int >= 2, default=3
        Points per sub-range.

    Returns
    -------
    ndarray of shape (max(k - window + 1, 0),)
        Slope ``i`` is the least-squares log-log slope over points ``i, ..., i + window - 1``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    >>> np.round(local_slopes(x, np.where(x < 4, x, x**3 / 16)), 3).tolist()
    [1.0, 2.0, 3.0]
    """
    xa, ya = _xy(x, y)
    check_increasing(xa, "x")
    w = check_int(window, "window", low=2)
    if xa.size < w:
        return np.empty(0)
    lx = np.lib.stride_tricks.sliding_window_view(np.log(xa), w)
    ly = np.lib.stride_tricks.sliding_window_view(np.log(ya), w)
    return row_slopes(lx, ly)[0]


def row_slopes(logx: np.ndarray, logy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise least-squares slope and intercept of ``logy`` on ``logx`` (broadcast).

    Non-finite ``logy`` entries are left out of their row; a row with fewer than two usable
    points, or no spread in ``logx``, gives NaN.  Used by the bootstrap, which fits thousands
    of rows at once.
    """
    logy = np.atleast_2d(np.asarray(logy, dtype=float))
    lx = np.broadcast_to(np.asarray(logx, dtype=float), logy.shape)
    m = np.isfinite(logy) & np.isfinite(lx)
    cnt = m.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xbar = np.where(m, lx, 0.0).sum(axis=-1) / cnt
        ybar = np.where(m, logy, 0.0).sum(axis=-1) / cnt
        dx = np.where(m, lx - xbar[..., None], 0.0)
        dy = np.where(m, logy - ybar[..., None], 0.0)
        sxx = (dx * dx).sum(axis=-1)
        slope = (dx * dy).sum(axis=-1) / sxx
        icpt = ybar - slope * xbar
    bad = (cnt < 2) | ~(sxx > 1e-24)
    return np.where(bad, np.nan, slope), np.where(bad, np.nan, icpt)
