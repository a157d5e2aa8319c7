"""Projected SGD on the forward-corrected logistic objective over a ball.

The objective (Patrini et al. 2017's forward correction of the logistic loss with the symmetric
RCN matrix, the binary SLaM loss of :func:`slam_theory.losses.slam_binary_loss`) is, on a sample
``(x_i, y_i)`` with noisy labels and ``a = 1 - 2 eta``,

``F(w) = (1/n) sum_i f(y_i w.x_i)``, ``f(u) = -log(eta + a sigmoid(u))``.

``f`` is bounded, so it is not convex on the whole line; its second derivative is
``f''(u) = a s (1 - s) (a s^2 + 2 eta s - eta) / (eta + a s)^2`` (``s = sigmoid(u)``), which is
non-negative exactly for ``u >= -u_c`` with ``u_c`` = :func:`convexity_radius`. For
``||x|| <= 1`` and ``||w|| <= R`` the margin lies in ``[-R, R]``, so ``F`` is convex on the ball
of radius ``R`` whenever ``R <= u_c(eta)`` (about 1.10 at ``eta = 0.1``; every ``R`` at
``eta = 0``; below 1 from ``eta`` about 0.12 on). On that ball ``F`` is ``G``-Lipschitz
(:func:`lipschitz_constant`) and ``L``-smooth (:func:`smoothness_constant`).

Reference rates for these assumptions (the ``REFERENCES`` of this module):

* **Excess risk.** Projected SGD from ``w_1 = 0`` with the constant step ``R/(G sqrt(T))`` and the
  average ``w_bar_T = (w_1 + ... + w_T)/T`` has ``E F(w_bar_T) - min_{||w|| <= R} F <= R G /
  sqrt(T)`` (Nemirovski, Juditsky, Lan, Shapiro 2009; Shalev-Shwartz & Ben-David 2014,
  Thm. 14.8). No stochastic first-order method does better than ``Omega(1/T)`` even on a
  strongly convex objective (Nemirovski & Yudin 1983; Agarwal, Bartlett, Ravikumar, Wainwright
  2012), so the exponent of the excess risk in ``T`` lies in ``[-1, -1/2]``.
* **Gradient mapping** ``G_mu(w) = (w - Proj(w - mu grad F(w)))/mu`` with ``mu = 1/L``: the
  sufficient-decrease lemma (Beck 2017, Lemma 10.4) gives ``||G_{1/L}(w)||^2 <= 2 L (F(w) -
  min F)``, hence ``E||G_{1/L}(w_bar_T)|| <= sqrt(2 L R G) T^(-1/4)``; a stochastic first-order
  method cannot make the gradient small faster than ``Omega(1/sqrt(T))`` (Foster, Sekhari,
  Shamir, Srebro, Sridharan, Woodworth 2019), so its exponent lies in ``[-1/2, -1/4]``.

The floors are minimax bounds; for SGD on a fixed instance they hold too, since its averaged
iterate fluctuates as ``N(0, Sigma/T)`` around the minimiser (Polyak & Juditsky 1992).

SGD here samples the training sample uniformly with replacement, so its stochastic gradients are
unbiased for the *sample* objective ``F``; the minimum over the ball is computed for that same
``F`` (:func:`ball_minimum`), with a Frank-Wolfe duality gap as its certificate. The SGD steps
run in the halfspace learners' kernel (:func:`slam_theory._kernels.halfspaces.sgd_pass`).
"""

from __future__ import annotations

import math
import numbers
from typing import Any, NamedTuple

import numpy as np
from scipy import optimize

from slam_theory import losses
from slam_theory._docs import fill_docstrings
from slam_theory._kernels.halfspaces import sgd_pass
from slam_theory._kernels.losses import MIXED
from slam_theory._validation import (
    as_generator,
    check_binary_labels,
    check_eta,
    check_finite_array,
    check_in_range,
    check_int,
)
from slam_theory.convergence.constants import (
    _check_radius,
    convexity_radius,
    lipschitz_constant,
    smoothness_constant,
)

__all__ = [
    "REFERENCES",
    "BallMinimum",
    "ProjectedSGD",
    "ball_minimum",
    "convexity_radius",
    "forward_objective",
    "gradient_mapping",
    "lipschitz_constant",
    "project_ball",
    "projected_sgd",
    "smoothness_constant",
]

#: The reference results the projected-SGD claims are judged against, by metric.
REFERENCES: dict[str, str] = {
    "excess_risk": (
        "projected SGD, convex G-Lipschitz objective on a ball of radius R, step R/(G sqrt(T)), "
        "averaged iterate: E F(w_bar_T) - min F <= R G / sqrt(T) (Nemirovski, Juditsky, Lan, "
        "Shapiro 2009; Shalev-Shwartz & Ben-David 2014, Thm 14.8); floor Omega(1/T) for any "
        "stochastic first-order method (Nemirovski & Yudin 1983; Agarwal et al. 2012)"
    ),
    "gradient_mapping": (
        "L-smooth convex objective: ||G_{1/L}(w)||^2 <= 2 L (F(w) - min F) (Beck 2017, Lemma "
        "10.4), so E||G_{1/L}(w_bar_T)|| <= sqrt(2 L R G) T^(-1/4); floor Omega(1/sqrt(T)) for "
        "any stochastic first-order method (Foster et al. 2019)"
    ),
}


def _data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.ascontiguousarray(check_finite_array(X, "X", ndim=2), dtype=np.float64)
    y = check_binary_labels(y, "y")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels")
    return X, y


def project_ball(w: Any, radius: float = 1.0) -> np.ndarray:
    """Euclidean projection onto ``{w : ||w|| <= radius}``.

    Parameters
    ----------
    w : array-like of shape (d,)
    radius : float, default 1.0

    Returns
    -------
    ndarray of shape (d,)

    Examples
    --------
    >>> project_ball([3.0, 4.0]).round(12).tolist()
    [0.6, 0.8]
    """
    w = check_finite_array(w, "w", ndim=1)
    radius = _check_radius(radius)
    nrm = float(np.linalg.norm(w))
    return w * (radius / nrm) if nrm > radius else w.copy()


def forward_objective(w: Any, X: Any, y: Any, eta: float) -> tuple[float, np.ndarray]:
    """The forward-corrected logistic objective ``F(w)`` of the module docstring and its gradient.

    The same function as :func:`slam_theory.losses.slam_binary_loss` with ``alpha = 1 - eta``.

    Parameters
    ----------
    %(wXy)s
    %(eta)s

    %(value_grad)s

    Examples
    --------
    >>> v, g = forward_objective([0.0, 0.0], [[1.0, 0.0]], [1], 0.1)
    >>> round(v, 6) == round(-math.log(0.5), 6), g.shape
    (True, (2,))
    """
    eta = check_eta(eta)
    return losses.slam_binary_loss(w, X, y, 1.0 - eta)


def gradient_mapping(
    w: Any, X: Any, y: Any, eta: float, *, radius: float = 1.0, mu: float | None = None
) -> np.ndarray:
    """``G_mu(w) = (w - Proj(w - mu grad F(w)))/mu`` on the ball of radius ``radius``.

    Zero exactly at the minimiser of the convex ``F`` over the ball.

    Parameters
    ----------
    w : array-like of shape (d,)
    X, y : array-like
        Sample and noisy labels.
    eta : float
        RCN rate in ``[0, 1/2)``.
    radius : float, default 1.0
    mu : float, optional
        Step; default ``1/L`` with ``L`` = :func:`smoothness_constant`.

    Returns
    -------
    ndarray of shape (d,)

    Examples
    --------
    The gradient at 0 is ``(-1/2, 0)``; with ``mu = 1/L = 4`` the step reaches ``(2, 0)``, which
    the projection clips to ``(1, 0)``:

    >>> gradient_mapping([0.0, 0.0], [[1.0, 0.0]], [1], 0.0).round(4).tolist()
    [-0.25, 0.0]
    """
    radius = _check_radius(radius)
    if mu is None:
        mu = 1.0 / smoothness_constant(eta, radius)
    mu = check_in_range(mu, "mu", 0.0, math.inf, low_inclusive=False, high_inclusive=False)
    w = check_finite_array(w, "w", ndim=1)
    _, g = forward_objective(w, X, y, eta)
    return (w - project_ball(w - mu * g, radius)) / mu


class BallMinimum(NamedTuple):
    """Minimum of ``F`` over a ball: value, minimiser and a bound on its own suboptimality.

    Examples
    --------
    >>> value, coef, gap_bound = ball_minimum([[1.0, 0.0]], [1], 0.0)
    >>> coef.round(6), bool(gap_bound < 1e-9)
    (array([1., 0.]), True)
    """

    value: float
    coef: np.ndarray
    gap_bound: float


def ball_minimum(
    X: Any, y: Any, eta: float, *, radius: float = 1.0, tol: float = 1e-15
) -> BallMinimum:
    """``min_{||w|| <= radius} F(w)`` by SLSQP (``scipy.optimize.minimize``), certified.

    Started from ``radius/2`` times the unit mean of ``y x``, with the constraint
    ``radius^2 - ||w||^2 >= 0`` and ``ftol = tol``; the result is projected onto the ball. The
    certificate is the Frank-Wolfe duality gap ``grad F(w).w + radius ||grad F(w)||``, an upper
    bound on ``F(w) - min F`` for a convex ``F`` (:func:`convexity_radius`).

    Parameters
    ----------
    X, y : array-like
        The sample SGD draws from and its noisy labels.
    eta : float
        RCN rate in ``[0, 1/2)``.
    radius : float, default 1.0
    tol : float, default 1e-15
        SLSQP's ``ftol``.

    Returns
    -------
    BallMinimum
        ``value``, ``coef`` and ``gap_bound`` (the certificate).

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    >>> m = ball_minimum(X, [1, 1, 1], 0.0)
    >>> bool(abs(np.linalg.norm(m.coef) - 1.0) < 1e-9 and m.gap_bound < 1e-9)
    True
    """
    X, y = _data(X, y)
    eta = check_eta(eta)
    radius = _check_radius(radius)
    m = (y.astype(float) @ X) / X.shape[0]
    nm = float(np.linalg.norm(m))
    w0 = m * (0.5 * radius / nm) if nm > 0 else np.zeros(X.shape[1])
    r2 = radius * radius
    cons = {"type": "ineq", "fun": lambda w: r2 - w @ w, "jac": lambda w: -2.0 * w}
    res = optimize.minimize(lambda w: losses.slam_binary_loss(w, X, y, 1.0 - eta), w0,
                            jac=True, method="SLSQP", constraints=[cons],
                            options={"ftol": tol, "maxiter": 1000})
    w = project_ball(res.x, radius)
    val, g = losses.slam_binary_loss(w, X, y, 1.0 - eta)
    gap = max(float(g @ w) + radius * float(np.linalg.norm(g)), 0.0)
    return BallMinimum(float(val), w, gap)


class ProjectedSGD(NamedTuple):
    """Result of :func:`projected_sgd`.

    Examples
    --------
    >>> r = projected_sgd([[1.0, 0.0]], [1], 0.0, 10, step=0.5, random_state=0)
    >>> r.step, r.last                                    # projected onto the unit ball
    (0.5, array([1., 0.]))
    """

    average: np.ndarray
    last: np.ndarray
    step: float


def _loss_params(eta: float) -> np.ndarray:
    """The kernel's ``MIXED`` parameters (``T`` row-major) for the symmetric RCN matrix."""
    alpha = 1.0 - eta
    return np.array([alpha, 1.0 - alpha, 1.0 - alpha, alpha])


def projected_sgd(
    X: Any,
    y: Any,
    eta: float,
    n_iter: int,
    *,
    radius: float = 1.0,
    step: float | None = None,
    random_state: Any = None,
) -> ProjectedSGD:
    """Fixed-horizon projected SGD on ``F`` over the ball, from ``w_1 = 0``.

    Step ``t = 1..T`` draws ``i`` uniformly with replacement and sets ``w_{t+1} = Proj(w_t -
    step grad f(y_i w_t.x_i))`` (the halfspace kernel ``sgd_pass`` with the ``MIXED`` loss and a
    constant step). ``average`` is ``(w_1 + ... + w_T)/T``, the iterate of Shalev-Shwartz &
    Ben-David's Thm. 14.8.

    Parameters
    ----------
    X, y : array-like
        The sample (``||x|| <= 1`` for the module's constants) and its noisy labels.
    eta : float
        RCN rate in ``[0, 1/2)``.
    n_iter : int
        The horizon ``T >= 1``.
    radius : float, default 1.0
        Radius ``R``; ``inf`` drops the projection (plain SGD, for comparison).
    step : float, optional
        Default ``R/(G sqrt(T))`` (``G`` = :func:`lipschitz_constant`); required if
        ``radius`` is infinite.
    random_state : None, int, SeedSequence or Generator
        Seeds the sample indices.

    Returns
    -------
    ProjectedSGD
        ``average``, ``last`` (``w_{T+1}``) and the ``step`` used.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> r = projected_sgd(X, [1, -1], 0.1, 100, random_state=0)
    >>> bool(np.linalg.norm(r.last) <= 1.0 + 1e-12), r.average.shape
    (True, (2,))
    """
    X, y = _data(X, y)
    eta = check_eta(eta)
    n_iter = check_int(n_iter, "n_iter", low=1)
    if isinstance(radius, bool | np.bool_) or not isinstance(radius, numbers.Real):
        raise TypeError(f"radius must be a positive real number, got {radius!r}")
    radius = float(radius)
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius}")
    if step is None:
        if not math.isfinite(radius):
            raise ValueError("step is required when radius is infinite")
        step = radius / (lipschitz_constant(eta, radius) * math.sqrt(n_iter))
    step = check_in_range(step, "step", 0.0, math.inf, low_inclusive=False, high_inclusive=False)
    rng = as_generator(random_state)
    order = rng.integers(0, X.shape[0], size=n_iter).astype(np.int64)
    d = X.shape[1]
    w = np.zeros(d)
    wsum = np.zeros(d)
    sgd_pass(X, y.astype(np.float64), order, w, wsum, MIXED, _loss_params(eta), 1.0, step, 0,
             radius, True, 0, 0, np.zeros(0, np.int64), np.zeros((0, d)), np.zeros(0), False)
    # the kernel's sum runs over w_2..w_{T+1}; the theorem's average over w_1 = 0, ..., w_T
    return ProjectedSGD((wsum - w) / n_iter, w, float(step))


fill_docstrings(globals())
