"""DDKWZ23 Algorithm 1 exactly as stated, and a heuristic with its iteration count capped.

Diakonikolas, Diakonikolas, Kane, Wang, Zarifis (COLT 2023, arXiv:2306.16352), Algorithm 1:
full-batch projected subgradient descent on the LeakyReLU_eta objective
(:func:`slam_theory.losses.leaky_relu_loss`) from ``w_0 = 0``,
``g(w) = (1/2N) sum_i [(1 - 2 eta) sign(w . x_i) - y_i] x_i`` (``sign(0) = 0``),
``w_{s+1} = Proj_{||w|| <= 1}(w_s - mu g(w_s))`` for
``T = ceil(16 (1 - eta)^2 / (gamma^2 eps^2) - 1)`` steps of size
``mu = 2 / ((1 - eta) sqrt(T + 1))``; the output is the iterate among ``w_0..w_T`` with the
smallest error on ``N'`` fresh samples.  The paper's ``N'`` and its constant could not be read
here (this package's sources give ``N' = O(log(T/eps) log(1/delta))``, which cannot resolve
error differences of order ``eps``), so ``N'`` is the size that Hoeffding's inequality and a
union bound over the ``T + 1`` iterates justify (:func:`leaky_relu_validation_size`, a
reconstruction): with probability ``1 - delta`` every iterate's held-out noisy error is within
``eps / 2`` of its expectation, so the chosen iterate's excess error is within ``eps`` of the
best iterate's.  The ``N'`` samples are held out of ``fit``'s data at random; the gradient uses
the other ``N = n_samples - N'``.  The held-out error is the noisy 0-1 error (under RCN it
is ``eta`` plus the excess error).

Cost.  The plain loop costs ``O(N d T)``.  The kernel
(:func:`slam_theory._kernels.leaky_relu.leaky_relu_exact`) gives the same iterates (the sign
pattern is kept exactly; only points within reach of a sign change are re-evaluated between full
rechecks), typically at a small fraction of that; the held-out predictions are kept the same
way, so scoring the ``T + 1`` iterates costs a fraction of ``O(N' d T)`` too.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, ClassVar

import numpy as np
from sklearn.utils._param_validation import Interval

from slam_theory._docs import fill_docstrings
from slam_theory._kernels import leaky_relu as _klr
from slam_theory._validation import (
    as_generator,
    check_eta,
    check_gamma,
    check_in_range,
    check_int,
)
from slam_theory.errors import TooFewSamplesError
from slam_theory.halfspaces._base import ETA, GAMMA, RANDOM_STATE, _HalfspaceBase, _log_grid
from slam_theory.halfspaces._docstrings import TEXTS

__all__ = [
    "LeakyReLUCappedHalfspace",
    "LeakyReLUHalfspace",
    "leaky_relu_iterations",
    "leaky_relu_validation_size",
]

#: Starting reach radius of the exact kernel (it adapts; any value gives the same iterates).
_RADIUS0 = 0.01
#: Above this ``T d`` (steps times features) ``fit`` warns that it may take minutes.
_WARN_WORK = 1e8
_EPS = [Interval(numbers.Real, 0.0, 1.0, closed="neither")]


def leaky_relu_iterations(eta: float, gamma: float, epsilon: float) -> int:
    """DDKWZ23 Algorithm 1's iteration count ``T = ceil(16 (1 - eta)^2 / (gamma^2 eps^2) - 1)``.

    Parameters
    ----------
    eta : float
        RCN rate in ``[0, 1/2)``.
    gamma : float
        Margin in ``(0, 1]``.
    epsilon : float
        Target error in ``(0, 1)``.

    Returns
    -------
    T : int
        Number of projected subgradient steps (at least 1).

    Examples
    --------
    >>> leaky_relu_iterations(0.2, 0.1, 0.05)
    409599
    """
    eta = check_eta(eta)
    gamma = check_gamma(gamma)
    epsilon = check_in_range(epsilon, "epsilon", 0.0, 1.0, low_inclusive=False,
                             high_inclusive=False)
    return max(1, math.ceil(16.0 * (1.0 - eta) ** 2 / (gamma**2 * epsilon**2) - 1.0))


def leaky_relu_validation_size(
    n_steps: int, epsilon: float, delta: float = 0.1, constant: float = 1.0
) -> int:
    """Held-out size ``N' = ceil(constant * 2 log(2 (T + 1) / delta) / eps^2)`` (at least 1).

    Hoeffding's inequality for each of the ``T + 1`` iterates and a union bound: with
    probability ``1 - delta`` every held-out noisy error is within ``eps / 2`` of its
    expectation, so the iterate with the smallest held-out error has an excess error within
    ``eps`` of the best iterate's (under RCN the noisy error is ``eta`` plus the excess
    error).  A reconstruction: the paper's ``N'`` could not be read here.

    Parameters
    ----------
    n_steps : int
        ``T``, the number of steps (the iterates are ``w_0..w_T``).
    epsilon : float
        Target excess error in ``(0, 1)``.
    delta : float, default=0.1
        Failure probability in ``(0, 1)``.
    constant : float, default=1.0
        Multiplies the Hoeffding size (1: the size the bound justifies).

    Returns
    -------
    n_validation : int

    Examples
    --------
    >>> leaky_relu_validation_size(409599, 0.05, 0.1)
    12735
    """
    t = max(check_int(n_steps, "n_steps", low=0), 1)
    epsilon = check_in_range(epsilon, "epsilon", 0.0, 1.0, low_inclusive=False,
                             high_inclusive=False)
    delta = check_in_range(delta, "delta", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    constant = check_in_range(constant, "constant", 0.0, math.inf, low_inclusive=False,
                              high_inclusive=False)
    v = constant * 2.0 * math.log(2.0 * (t + 1.0) / delta) / epsilon**2
    return max(1, math.ceil(v))


class LeakyReLUHalfspace(_HalfspaceBase):
    """DDKWZ23 (COLT 2023, arXiv:2306.16352) Algorithm 1, exactly as stated.

    See the module docstring for the algorithm, the held-out selection and the cost.  Nothing
    is capped: ``T`` follows from ``eta``, ``gamma`` and ``epsilon``, which only the user knows,
    so ``fit`` requires all three.  ``fit`` warns (``UserWarning``) when ``T d`` exceeds
    ``1e8``, where a fit may take minutes.

    Parameters
    ----------
    eta : float or None, default=None
        Known RCN rate in ``[0, 1/2)``.  Required.
    gamma : float or None, default=None
        Margin in ``(0, 1]``.  Required.
    epsilon : float or None, default=None
        Target error in ``(0, 1)``.  Required.
    delta : float, default=0.1
        Failure probability of the held-out selection, in ``(0, 1)``.
    validation_constant : float, default=1.0
        Multiplies the held-out size ``N'`` of :func:`leaky_relu_validation_size` (1: the
        size Hoeffding's inequality justifies).
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Seeds the choice of the held-out samples.

    %(fitted)s
    n_steps_ : int
        The number of steps ``T`` run.
    n_validation_ : int
        ``N'``, the number of held-out samples.
    best_iteration_ : int
        Index of the selected iterate.
    validation_error_ : ndarray of shape ``(n_steps_ + 1,)``
        Held-out noisy error of every iterate.
    n_rechecks_ : int
        Full sign rechecks the exact kernel made (a cost diagnostic).

    Examples
    --------
    %(margin_data)s
    >>> est = LeakyReLUHalfspace(eta=0.1, gamma=0.2, epsilon=0.5, random_state=0).fit(X, y)
    >>> est.n_steps_, est.n_validation_
    (1295, 82)
    """

    _parameter_constraints: ClassVar[dict] = {
        "eta": ETA,
        "gamma": GAMMA,
        "epsilon": [*_EPS, None],
        "delta": _EPS,
        "validation_constant": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        eta: float | None = None,
        gamma: float | None = None,
        epsilon: float | None = None,
        delta: float = 0.1,
        validation_constant: float = 1.0,
        random_state: Any = None,
    ) -> None:
        self.eta = eta
        self.gamma = gamma
        self.epsilon = epsilon
        self.delta = delta
        self.validation_constant = validation_constant
        self.random_state = random_state

    def _n_steps(self) -> tuple[int, float]:
        """``(T, epsilon)`` of this run; raises if a parameter only the user knows is None."""
        missing = [k for k in ("eta", "gamma", "epsilon") if getattr(self, k) is None]
        if missing:
            raise ValueError(
                f"{', '.join(missing)} is None: pass eta=<RCN rate in [0, 1/2)>, "
                "gamma=<margin in (0, 1]>, epsilon=<target error in (0, 1)> (T follows from them)"
            )
        return leaky_relu_iterations(self.eta, self.gamma, self.epsilon), float(self.epsilon)

    def _n_validation(self, T: int, eps: float) -> int:
        return leaky_relu_validation_size(T, eps, self.delta, self.validation_constant)

    def fit(self, X: Any, y: Any) -> LeakyReLUHalfspace:
        """Run Algorithm 1; pass ``eta``, ``gamma`` and ``epsilon`` to the constructor first.

        %(fit)s
        """
        self._validate_params()
        T, eps = self._n_steps()
        eta = float(self.eta)
        X, ypm = self._fit_labels(X, y)
        n, d = X.shape
        n_val = self._n_validation(T, eps)
        if n_val >= n:
            raise TooFewSamplesError(
                f"X has {n} samples; Algorithm 1 holds out N' = {n_val} of them, leaving none"
            )
        if T * d > _WARN_WORK:
            warnings.warn(
                f"LeakyReLUHalfspace: T = {T} steps at d = {d} may take minutes; use "
                "LeakyReLUCappedHalfspace for a capped heuristic",
                UserWarning, stacklevel=2,
            )
        perm = as_generator(self.random_state).permutation(n)
        va, tr = np.sort(perm[:n_val]), np.sort(perm[n_val:])
        Xtr, ytr = np.ascontiguousarray(X[tr]), ypm[tr]
        Xva, yva = np.ascontiguousarray(X[va]), ypm[va]
        best_w = np.zeros(d)
        val_err = np.empty(T + 1)
        rec = np.concatenate([[0], _log_grid(0, T)]).astype(np.int64)
        rec_coef = np.empty((rec.shape[0], d))
        rec_obj = np.empty(rec.shape[0])
        lr = 2.0 / ((1.0 - eta) * math.sqrt(T + 1.0))
        best, n_rechecks, _ = _klr.leaky_relu_exact(
            Xtr, ytr, Xva, yva, eta, T, lr, _RADIUS0, best_w, val_err, rec, rec_coef, rec_obj,
            np.empty((0, d)),
        )
        self.n_steps_ = T
        self.n_iter_ = T
        self.n_validation_ = n_val
        self.n_rechecks_ = int(n_rechecks)
        self.best_iteration_ = int(best)
        self.validation_error_ = val_err
        self.history_ = {
            "iteration": [int(s) for s in rec],
            "objective": [float(v) for v in rec_obj],
            "coef": [rec_coef[i].copy() for i in range(rec.shape[0])],
        }
        self._set_coef(best_w)
        return self


class LeakyReLUCappedHalfspace(LeakyReLUHalfspace):
    """LeakyReLU SGD, T capped: a heuristic (never evidence about DDKWZ23's theorem).

    :class:`LeakyReLUHalfspace` with ``T' = min(T, max_steps)`` full-batch steps of size
    ``2 / ((1 - eta) sqrt(T' + 1))`` (the same fixed-horizon rule, so the best-iterate
    optimisation gap is ``2 (1 - eta) / sqrt(T' + 1)`` instead of ``gamma eps / 2``).  If
    ``gamma`` is None, ``T' = max_steps``.  The held-out size uses ``T'``.

    Parameters
    ----------
    eta : float or None, default=None
        Known RCN rate in ``[0, 1/2)``.  Required.
    gamma : float or None, default=None
        Margin in ``(0, 1]``; None means ``T' = max_steps``.
    epsilon : float, default=0.05
        Target error in ``(0, 1)``.
    max_steps : int, default=1000
        Cap on the number of steps.
    delta : float, default=0.1
        Failure probability of the held-out selection.
    validation_constant : float, default=1.0
        ``C`` in the heuristic's held-out size ``N' = ceil(C log(T' / eps) log(1 / delta))``
        (not the Hoeffding size of Algorithm 1: a capped run guarantees nothing anyway).
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Seeds the choice of the held-out samples.

    %(fitted)s
    n_steps_, n_validation_, best_iteration_, validation_error_, n_rechecks_
        As in :class:`LeakyReLUHalfspace`.

    Examples
    --------
    %(margin_data)s
    >>> est = LeakyReLUCappedHalfspace(eta=0.1, gamma=0.2, max_steps=50).fit(X, y)
    >>> est.n_steps_
    50
    """

    _parameter_constraints: ClassVar[dict] = {
        **LeakyReLUHalfspace._parameter_constraints,
        "epsilon": _EPS,
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        eta: float | None = None,
        gamma: float | None = None,
        epsilon: float = 0.05,
        max_steps: int = 1000,
        delta: float = 0.1,
        validation_constant: float = 1.0,
        random_state: Any = None,
    ) -> None:
        super().__init__(eta=eta, gamma=gamma, epsilon=epsilon, delta=delta,
                         validation_constant=validation_constant, random_state=random_state)
        self.max_steps = max_steps

    def _n_steps(self) -> tuple[int, float]:
        if self.eta is None:
            raise ValueError("eta is None: pass eta=<RCN rate in [0, 1/2)> to the constructor")
        if self.gamma is None:
            return int(self.max_steps), float(self.epsilon)
        T = leaky_relu_iterations(self.eta, self.gamma, self.epsilon)
        return min(T, int(self.max_steps)), float(self.epsilon)

    def _n_validation(self, T: int, eps: float) -> int:
        # the heuristic keeps a small held-out set: ceil(C log(T' / eps) log(1 / delta))
        v = self.validation_constant * math.log(max(T, 1) / eps) * math.log(1.0 / self.delta)
        return max(1, math.ceil(v))

    def fit(self, X: Any, y: Any) -> LeakyReLUCappedHalfspace:
        """Run the capped heuristic; pass ``eta`` (and ``gamma``) to the constructor first.

        %(fit)s
        """
        return super().fit(X, y)


fill_docstrings(globals(), TEXTS)
