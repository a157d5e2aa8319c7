"""The constants of the forward-corrected logistic objective on a ball that projected SGD's
rates depend on: where it is convex, its Lipschitz constant and its smoothness.

See :mod:`slam_theory.convergence.projected` for the objective and the references."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import optimize, special

from slam_theory._docs import TEXTS, fill_docstrings
from slam_theory._validation import check_eta, check_in_range

__all__ = ["convexity_radius", "lipschitz_constant", "smoothness_constant"]

_DOCS = {
    # the arguments and the return value of a constant of F on a ball (the whole sections)
    "on_ball": f"""Parameters
----------
{TEXTS["eta"]}
radius : float, default 1.0
    Radius of the ball.

Returns
-------
float""",
}


def _check_radius(radius: Any) -> float:
    return check_in_range(radius, "radius", 0.0, math.inf, low_inclusive=False,
                          high_inclusive=False)


def _fprime(u: np.ndarray | float, eta: float) -> np.ndarray:
    s = special.expit(u)
    a = 1.0 - 2.0 * eta
    return -a * s * (1.0 - s) / (eta + a * s)


def _fsecond(u: np.ndarray | float, eta: float) -> np.ndarray:
    s = special.expit(u)
    a = 1.0 - 2.0 * eta
    return a * s * (1.0 - s) * (a * s * s + 2.0 * eta * s - eta) / (eta + a * s) ** 2


def convexity_radius(eta: float) -> float:
    """Largest ``R`` with ``f(u) = -log(eta + (1 - 2 eta) sigmoid(u))`` convex on ``[-R, R]``.

    ``f''`` has the sign of ``a s^2 + 2 eta s - eta`` (``a = 1 - 2 eta``, ``s = sigmoid(u)``),
    non-negative for ``s >= s_c = (sqrt(eta^2 + a eta) - eta)/a``; ``R = log((1 - s_c)/s_c)``.
    For ``||x|| <= 1`` the sample objective is then convex on the ball of radius ``R``.

    Parameters
    ----------
    %(eta)s

    Returns
    -------
    float
        ``inf`` at ``eta = 0`` (the logistic loss).

    Examples
    --------
    >>> round(convexity_radius(0.1), 4)
    1.0986
    """
    eta = check_eta(eta)
    if eta == 0.0:
        return math.inf
    a = 1.0 - 2.0 * eta
    s_c = (math.sqrt(eta * eta + a * eta) - eta) / a
    return math.log((1.0 - s_c) / s_c)


def lipschitz_constant(eta: float, radius: float = 1.0) -> float:
    """``G = max_{|u| <= radius} |f'(u)|``: the Lipschitz constant of ``F`` on the ball.

    ``|f'|`` increases up to the inflection point ``-convexity_radius(eta)`` and decreases after
    it, so the maximum is at ``max(-radius, -convexity_radius(eta))`` (exact); it bounds
    ``||grad f(y w.x)|| = |f'| ||x||`` for ``||x|| <= 1``.

    %(on_ball)s

    Examples
    --------
    >>> round(lipschitz_constant(0.0, 1.0), 4)  # logistic loss: sigmoid(1)
    0.7311
    """
    eta = check_eta(eta)
    radius = _check_radius(radius)
    u = max(-radius, -convexity_radius(eta))
    return float(abs(_fprime(u, eta)))


def smoothness_constant(eta: float, radius: float = 1.0) -> float:
    """``L = max_{|u| <= radius} |f''(u)|``: the gradient's Lipschitz constant on the ball.

    Maximised over a grid of 4,001 points refined by a bounded scalar search around the best
    one (``scipy.optimize.minimize_scalar``); valid for ``||x|| <= 1``.

    %(on_ball)s

    Examples
    --------
    >>> round(smoothness_constant(0.0, 1.0), 4)  # logistic loss: sigmoid'(0)
    0.25
    """
    eta = check_eta(eta)
    radius = _check_radius(radius)
    u = np.linspace(-radius, radius, 4001)
    v = np.abs(_fsecond(u, eta))
    k = int(np.argmax(v))
    lo, hi = u[max(k - 1, 0)], u[min(k + 1, u.size - 1)]
    best = float(v[k])
    if hi > lo:
        res = optimize.minimize_scalar(lambda t: -abs(float(_fsecond(t, eta))), bounds=(lo, hi),
                                       method="bounded", options={"xatol": 1e-12})
        best = max(best, -float(res.fun))
    return best


fill_docstrings(globals(), _DOCS)
