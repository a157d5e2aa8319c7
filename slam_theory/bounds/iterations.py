"""Rates in the iteration count T: SGD stationarity, DDKWZ23's optimality gap and E1.

See :mod:`slam_theory.bounds` for the conventions and the references."""

from __future__ import annotations

from typing import Any

import numpy as np

from slam_theory._docs import fill_docstrings
from slam_theory.bounds._checks import DOCS, _arr, _eta, _gamma, _out, _pos

__all__ = ["ddkwz23_e1", "ddkwz23_gap_bound", "sgd_stationarity"]


def _iters(T: Any) -> np.ndarray:
    return _arr(T, "T", 0.0, np.inf, low_open=False, high_open=True)


def sgd_stationarity(
    T: Any, smoothness: Any = 1.0, variance: Any = 1.0, gap0: Any = 1.0
) -> np.ndarray:
    r"""Non-convex SGD stationarity after ``T`` steps, with explicit constants.

    .. math:: \frac{1}{T}\sum_{t<T} \mathbb E\|\nabla F(w_t)\|^2
              \le \frac{2\Delta + L\sigma^2}{\sqrt{T}}

    Assumptions: ``F`` is ``L``-smooth (``smoothness``), stochastic gradients are unbiased with
    variance ``<= sigma^2`` (``variance``), ``Delta = F(w_0) - inf F`` (``gap0``), constant step
    ``alpha = 1/sqrt(T) <= 1/L``.  Derivation: the descent lemma gives
    ``E F(w_{t+1}) <= E F(w_t) - (alpha/2) E||grad F(w_t)||^2 + L alpha^2 sigma^2 / 2``; summing
    over ``t < T``, ``avg E||grad F||^2 <= 2 Delta/(alpha T) + L alpha sigma^2``.  The minimum
    over the iterates obeys the same bound.  Returns ``inf`` at ``T = 0``.

    Parameters
    ----------
    %(T)s
    smoothness : array-like, default 1
        ``L > 0``.
    variance : array-like, default 1
        ``sigma^2 >= 0``.
    gap0 : array-like, default 1
        ``Delta >= 0``.

    Returns
    -------
    ndarray
        The bound on the (average or minimum) squared gradient norm; ``O(1/sqrt(T))``.

    References
    ----------
    Ghadimi & Lan (2013), Theorem 2.1 / Corollary 2.2 (constants re-derived here).

    Examples
    --------
    >>> sgd_stationarity([1, 100, 10_000])                # (2 Delta + L sigma^2) / sqrt(T)
    array([3.  , 0.3 , 0.03])
    """
    t, L, s2, D = np.broadcast_arrays(
        _iters(T),
        _pos(smoothness, "smoothness"),
        _pos(variance, "variance", allow_zero=True),
        _pos(gap0, "gap0", allow_zero=True),
    )
    with np.errstate(divide="ignore"):
        return _out((2.0 * D + L * s2) / np.sqrt(t))


def ddkwz23_gap_bound(T: Any, eta: Any = 0.0) -> np.ndarray:
    r"""DDKWZ23's averaged-regret bound for projected subgradient descent (exact constants).

    .. math:: \frac{1}{T+1}\sum_{t \le T} \langle g(w_t), w_t - w^* \rangle
              \le \frac{R\, G}{\sqrt{T + 1}} = \frac{2 (1 - \eta)}{\sqrt{T + 1}}

    with domain diameter ``R = 2`` (unit ball), subgradient bound ``G = 1 - eta`` (for
    ``||x|| <= 1``) and the fixed step ``R / (G sqrt(T + 1))`` (the standard online/projected
    subgradient guarantee: ``sum_t <g_t, w_t - w*> <= R^2/(2 step) + step G^2 (T+1)/2``,
    minimised by that step).  Since
    ``L`` is convex it also bounds the best-iterate gap ``min_t L(w_t) - L(w*)``, and since
    ``<E g(w), w - w*> >= (1 - 2 eta) gamma err(w)`` on ``gamma``-margin data it bounds
    ``(1 - 2 eta) gamma`` times the average error of the iterates (the quantity called E1 in
    :mod:`slam_theory.convergence`).

    Parameters
    ----------
    %(T)s
    %(eta)s

    %(rate)s

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), Algorithm 1.

    Examples
    --------
    >>> ddkwz23_gap_bound([0, 3, 99])
    array([2. , 1. , 0.2])
    """
    t, h = np.broadcast_arrays(_iters(T), _eta(eta))
    return _out(2.0 * (1.0 - h) / np.sqrt(t + 1.0))


def ddkwz23_e1(T: Any, gamma: Any, eta: Any = 0.0) -> np.ndarray:
    r"""DDKWZ23's error after ``T`` iterations, ``E1 ~ 1/(gamma sqrt(T))`` (exact inverse of T).

    .. math:: \varepsilon(T) = \frac{4 (1 - \eta)}{\gamma \sqrt{T + 1}}

    This inverts :func:`ddkwz23_iterations` (``T + 1 = 16 (1-eta)^2 / (gamma^2 eps^2)``): it is
    the error level that DDKWZ23's analysis guarantees after ``T`` steps (with ``T`` fixed in
    advance, which fixes the step size).  Values above 1 are vacuous but returned as is.

    Parameters
    ----------
    %(T)s
    %(gamma)s
    %(eta)s

    %(rate)s

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), Algorithm 1 and its analysis.

    Examples
    --------
    >>> ddkwz23_e1([15, 1599], gamma=0.1)                 # inverts ddkwz23_iterations
    array([10.,  1.])
    """
    t, g, h = np.broadcast_arrays(_iters(T), _gamma(gamma), _eta(eta))
    return _out(4.0 * (1.0 - h) / (g * np.sqrt(t + 1.0)))


fill_docstrings(globals(), DOCS)
