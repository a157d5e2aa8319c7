"""Projected-SGD learners for margin halfspaces: SLaM, logistic and the noise-corrected losses.

The learners share one kernel (:func:`slam_theory._kernels.halfspaces.sgd_pass`): projected
SGD on the ball ``||w|| <= 1`` from ``w_0 = 0``, with the anytime step ``step_size / sqrt(t)``
(or, for :class:`SLaMHalfspace`'s default ``schedule="horizon"``, the constant step
``step_size / sqrt(T)``).  The output is the uniform (Polyak-Ruppert) average of the iterates
(``average=True``, the default of every learner here) or the last iterate (``average=False``):
the average is what the convex SGD guarantees are about, so a bad averaged output is the loss's
failure and not the optimiser's.  ``fit`` runs ``max_iter`` passes (each over a fresh
permutation if ``shuffle``); ``partial_fit`` runs exactly one pass over the given data in the
given order, continuing the step counter, so on a fresh estimator ``partial_fit(X, y)`` equals
``fit(X, y)`` with ``max_iter=1, shuffle=False`` (and ``schedule="invsqrt"``).  The default
step sizes assume ``||x|| <= 1``.  ``history_["objective"]`` is the running mean of the
pre-update per-sample loss of the current pass, evaluated on every 8th sample.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from slam_theory._docs import fill_docstrings
from slam_theory._kernels import losses as _kl
from slam_theory._validation import check_transition_matrix
from slam_theory.halfspaces._base import (
    ETA,
    GAMMA,
    POSITIVE,
    POSITIVE_OR_NONE,
    SGD_CONSTRAINTS,
    SGDHalfspace,
    require,
)
from slam_theory.halfspaces._docstrings import TEXTS
from slam_theory.losses import check_rho_pair, symmetric_transition_matrix

__all__ = [
    "BackwardCorrectedHalfspace",
    "ForwardCorrectedHalfspace",
    "LogisticHalfspace",
    "SLaMHalfspace",
    "UnbiasedLossHalfspace",
]

class SLaMHalfspace(SGDHalfspace):
    """SLaM learner for margin halfspaces under RCN (faithful reconstruction).

    The SLaM paper (Kontonis, Iliopoulos, Trinh, Baykal, Menghani, Vee, NeurIPS 2023,
    arXiv:2302.03806) states an algorithm for gamma-margin halfspaces under RCN with
    ``O_eta(1/(gamma^2 eps^2))`` samples; its exact theorem (loss, activation, step size,
    iteration count) was not available when this was written.  This class is a faithful
    reconstruction, not the paper's text: it minimises the binary SLaM mixing loss with
    ``alpha = 1 - eta`` (:func:`slam_theory.losses.slam_binary_loss`), i.e. cross-entropy of the
    noisy label against ``alpha sigma(z) + (1 - alpha)(1 - sigma(z))`` with
    ``sigma(z) = sigmoid(scale * w . x)``, by one pass (``max_iter=1``) of projected SGD on the
    unit ball, returning the averaged iterate.  Its sample complexity is measured by the
    experiments, not assumed.

    Step schedule (``schedule="horizon"``, the default): ``fit`` knows its horizon
    ``T = n_samples * max_iter`` and uses the constant step ``step_size / sqrt(T)`` with
    ``step_size = 1 / scale``, the standard projected-SGD step ``D / (L sqrt(T))`` for a loss
    that is ``L = scale``-Lipschitz on the ball of radius ``D = 1``.  ``partial_fit`` does not
    know the horizon and always uses the decaying step ``step_size / sqrt(t)``.

    Parameters
    ----------
    eta : float or None, default=None
        Known RCN rate in ``[0, 1/2)``; the mixing weight is ``alpha = 1 - eta``.  Required.
    gamma : float or None, default=None
        Margin in ``(0, 1]``; sets the default ``scale``.
    epsilon : float, default=0.05
        Target error in ``(0, 1/2)``; with ``gamma`` it sets the default scale so that a point
        at margin ``gamma`` gets model confidence ``1 - epsilon`` under ``w*``.
    scale : float or None, default=None
        Inverse temperature.  None: ``log((1 - epsilon)/epsilon) / gamma`` if ``gamma`` is
        given, else 1.  The default step size is ``1 / scale``.
    schedule : {"horizon", "invsqrt"}, default="horizon"
        Step schedule of ``fit``: the constant ``step_size / sqrt(n_samples * max_iter)``
        (``"horizon"``) or ``step_size / sqrt(t)`` at step ``t`` (``"invsqrt"``).
    %(sgd)s

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = SLaMHalfspace(eta=0.1, gamma=0.2, random_state=0).fit(X, y)
    >>> est.coef_.shape
    (1, 5)
    """

    _parameter_constraints: ClassVar[dict] = {
        **SGD_CONSTRAINTS,
        "eta": ETA,
        "gamma": GAMMA,
        "epsilon": [Interval(numbers.Real, 0.0, 0.5, closed="neither")],
        "scale": POSITIVE_OR_NONE,
        "schedule": [StrOptions({"horizon", "invsqrt"})],
    }

    def __init__(
        self,
        eta: float | None = None,
        gamma: float | None = None,
        epsilon: float = 0.05,
        scale: float | None = None,
        schedule: str = "horizon",
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = True,
        shuffle: bool = True,
        random_state: Any = None,
    ) -> None:
        self.eta = eta
        self.gamma = gamma
        self.epsilon = epsilon
        self.scale = scale
        self.schedule = schedule
        self.max_iter = max_iter
        self.step_size = step_size
        self.average = average
        self.shuffle = shuffle
        self.random_state = random_state

    def _fit_schedule(self) -> str:
        return self.schedule

    def _loss_spec(self):
        eta = float(require(self.eta, "eta", "the RCN rate in [0, 1/2)"))
        scale = self.scale
        if scale is None:
            eps = float(self.epsilon)
            scale = math.log((1.0 - eps) / eps) / self.gamma if self.gamma is not None else 1.0
        a = 1.0 - eta
        params = np.array([a, 1.0 - a, 1.0 - a, a])
        return _kl.MIXED, params, float(scale), 1.0 / float(scale)


class LogisticHalfspace(SGDHalfspace):
    """Noise-agnostic logistic regression on the unit ball by averaged SGD (baseline).

    Minimises :func:`slam_theory.losses.logistic_loss` of ``scale * w . x`` by projected SGD on
    ``||w|| <= 1`` (the constraint keeps ``||w||`` finite on separable data) and returns the
    averaged iterate (Polyak-Ruppert), so that a failure is the loss's and not the optimiser's.

    Parameters
    ----------
    scale : float, default=1.0
        Inverse temperature: the model is ``sigmoid(scale * w . x)``.  Default step ``1/scale``.
    %(sgd)s

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = LogisticHalfspace(random_state=0).fit(X, y)
    >>> est.coef_.shape
    (1, 5)
    """

    _parameter_constraints: ClassVar[dict] = {**SGD_CONSTRAINTS, "scale": [POSITIVE]}

    def __init__(
        self,
        scale: float = 1.0,
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = True,
        shuffle: bool = True,
        random_state: Any = None,
    ) -> None:
        self.scale = scale
        self.max_iter = max_iter
        self.step_size = step_size
        self.average = average
        self.shuffle = shuffle
        self.random_state = random_state

    def _loss_spec(self):
        return _kl.LOGISTIC, np.zeros(4), float(self.scale), 1.0 / float(self.scale)


def _check_T2(T: Any) -> np.ndarray:
    T = check_transition_matrix(T, "T")
    if T.shape != (2, 2):
        raise ValueError(f"T must be a 2x2 (binary) transition matrix, got shape {T.shape}")
    return T


def _resolve_T(T: Any, eta: Any) -> np.ndarray:
    if T is not None and eta is not None:
        raise ValueError("give either T or eta, not both")
    if T is None and eta is None:
        raise ValueError("T and eta are None: pass eta=<the RCN rate in [0, 1/2)> or T=<2x2 "
                         "row-stochastic noise matrix>")
    if T is None:
        return symmetric_transition_matrix(eta)
    return _check_T2(T)


class _CorrectedHalfspace(SGDHalfspace):
    """The constructor of the binary noise-corrected learners: a matrix ``T`` or a rate ``eta``."""

    _parameter_constraints: ClassVar[dict] = {
        **SGD_CONSTRAINTS, "T": ["array-like", None], "eta": ETA, "scale": [POSITIVE],
    }

    def __init__(
        self,
        T: Any = None,
        eta: float | None = None,
        scale: float = 1.0,
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = True,
        shuffle: bool = True,
        random_state: Any = None,
    ) -> None:
        self.T = T
        self.eta = eta
        self.scale = scale
        self.max_iter = max_iter
        self.step_size = step_size
        self.average = average
        self.shuffle = shuffle
        self.random_state = random_state


class ForwardCorrectedHalfspace(_CorrectedHalfspace):
    """Patrini et al. (2017) forward-corrected logistic regression on the unit ball, binary.

    Minimises :func:`slam_theory.losses.forward_loss` of ``scale * w . x`` by projected SGD.
    With symmetric ``T`` it coincides with :class:`SLaMHalfspace` at equal ``scale``.

    Parameters
    ----------
    T : array-like of shape (2, 2) or None, default=None
        Row-stochastic ``T[i, j] = P(noisy = j | true = i)``, class order ``(classes_[0],
        classes_[1])``.
    %(eta_or_T)s
    scale : float, default=1.0
        Inverse temperature of the sigmoid.  Default step ``1/scale``.
    %(sgd)s

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = ForwardCorrectedHalfspace(eta=0.1, random_state=0).fit(X, y)
    >>> est.coef_.shape
    (1, 5)
    """

    def _loss_spec(self):
        T = _resolve_T(self.T, self.eta)
        if np.any(T.sum(axis=0) <= 0):
            raise ValueError("every column of T must have a positive entry")
        s = float(self.scale)
        return _kl.MIXED, np.ascontiguousarray(T.ravel()), s, 1.0 / s


def _linear_spec(T: np.ndarray, scale: float) -> tuple[int, np.ndarray, float, float]:
    det = T[0, 0] * T[1, 1] - T[0, 1] * T[1, 0]
    if abs(det) < 1e-12:
        raise ValueError(f"T must be invertible (det = {det:.3g})")
    A = np.linalg.inv(T)
    lip = float(np.max(np.abs(A).sum(axis=1)))
    return _kl.LINEAR, np.ascontiguousarray(A.ravel()), float(scale), 1.0 / (scale * lip)


class BackwardCorrectedHalfspace(_CorrectedHalfspace):
    """Patrini et al. (2017) backward-corrected logistic regression on the unit ball, binary.

    Minimises :func:`slam_theory.losses.backward_loss` (unbiased, but unbounded below and
    non-convex in general; the ball constraint keeps the problem bounded) by projected SGD.

    Parameters
    ----------
    T : array-like of shape (2, 2) or None, default=None
        Row-stochastic, invertible ``T[i, j] = P(noisy = j | true = i)``.
    %(eta_or_T)s
    scale : float, default=1.0
        Inverse temperature.  Default step ``1 / (scale * max_j sum_k |T^{-1}[j, k]|)``.
    %(sgd)s

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = BackwardCorrectedHalfspace(eta=0.1, random_state=0).fit(X, y)
    >>> est.coef_.shape
    (1, 5)
    """

    def _loss_spec(self):
        return _linear_spec(_resolve_T(self.T, self.eta), float(self.scale))


class UnbiasedLossHalfspace(SGDHalfspace):
    """Natarajan et al. (NeurIPS 2013) unbiased logistic loss on the unit ball.

    Minimises :func:`slam_theory.losses.unbiased_loss` by projected SGD.  The loss is the
    backward correction with ``T = [[1 - rho_neg, rho_neg], [rho_pos, 1 - rho_pos]]``; it is
    unbounded below and not convex in general, so it is minimised over the ball only.

    Parameters
    ----------
    rho_pos : float or None, default=None
        ``P(flip | y = +1)`` (``classes_[1]``), in ``[0, 1)``.  Required.
    rho_neg : float or None, default=None
        ``P(flip | y = -1)`` (``classes_[0]``), in ``[0, 1)``; ``rho_pos + rho_neg < 1``.
        Required.
    scale : float, default=1.0
        Inverse temperature.  Default step as in :class:`BackwardCorrectedHalfspace`.
    %(sgd)s

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = UnbiasedLossHalfspace(rho_pos=0.1, rho_neg=0.1, random_state=0).fit(X, y)
    >>> est.coef_.shape
    (1, 5)
    """

    _parameter_constraints: ClassVar[dict] = {
        **SGD_CONSTRAINTS,
        "rho_pos": [Interval(numbers.Real, 0.0, 1.0, closed="left"), None],
        "rho_neg": [Interval(numbers.Real, 0.0, 1.0, closed="left"), None],
        "scale": [POSITIVE],
    }

    def __init__(
        self,
        rho_pos: float | None = None,
        rho_neg: float | None = None,
        scale: float = 1.0,
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = True,
        shuffle: bool = True,
        random_state: Any = None,
    ) -> None:
        self.rho_pos = rho_pos
        self.rho_neg = rho_neg
        self.scale = scale
        self.max_iter = max_iter
        self.step_size = step_size
        self.average = average
        self.shuffle = shuffle
        self.random_state = random_state

    def _loss_spec(self):
        rp = require(self.rho_pos, "rho_pos", "P(flip | y = +1) in [0, 1)")
        rn = require(self.rho_neg, "rho_neg", "P(flip | y = -1) in [0, 1)")
        rp, rn = check_rho_pair(rp, rn)
        T = np.array([[1.0 - rn, rn], [rp, 1.0 - rp]])
        return _linear_spec(T, float(self.scale))


fill_docstrings(globals(), TEXTS)
