"""Control learners: what a claimed rate is compared with.

- :class:`MeanHalfspace` (``"mean"``): ``w = mean_i y_i x_i``, the trivial averaging learner.
- :class:`LogisticRegressionHalfspace` (``"logreg_exact"``): scikit-learn's
  ``LogisticRegression`` without penalty (``C=inf``), ``fit_intercept=False``, solved by
  Newton-CG to a tight tolerance: the logistic loss itself, with no optimiser in the way.
- :class:`HingeHalfspace` (``"hinge"``): scikit-learn's ``LinearSVC(loss="hinge")``,
  ``fit_intercept=False``, solved to a tight tolerance (liblinear's dual coordinate descent).

All three follow the package's conventions (labels mapped to ``-1 / +1``, ``coef_`` of shape
``(1, d)``, here normalised to unit length since only the direction is a halfspace).  A solver
that stops at ``max_iter`` raises scikit-learn's ``ConvergenceWarning``.
"""

from __future__ import annotations

import abc
import numbers
from typing import Any, ClassVar

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import Interval, StrOptions

from slam_theory._docs import fill_docstrings
from slam_theory.halfspaces._base import RANDOM_STATE, _HalfspaceBase, _unit
from slam_theory.halfspaces._docstrings import TEXTS

__all__ = ["HingeHalfspace", "LogisticRegressionHalfspace", "MeanHalfspace"]


class _ControlBase(_HalfspaceBase, metaclass=abc.ABCMeta):
    @abc.abstractmethod
    def _solve(self, X: np.ndarray, ypm: np.ndarray) -> tuple[np.ndarray, int]:
        """The control's normal vector and iteration count on labels ``ypm`` in {-1, +1}."""

    def fit(self, X: Any, y: Any) -> _ControlBase:
        """Fit the control (see the class docstring).

        %(fit)s
        """
        self._validate_params()
        X, ypm = self._fit_labels(X, y)
        w, n_iter = self._solve(X, ypm)
        w = _unit(w)
        self.n_iter_ = int(n_iter)
        self.history_ = {"iteration": [int(n_iter)], "objective": [float("nan")],
                         "coef": [w.copy()]}
        self._set_coef(w)
        return self


class MeanHalfspace(_ControlBase):
    """The averaging control: ``w = mean_i y_i x_i``, normalised to unit length.

    Under RCN the mean is ``(1 - 2 eta) E[y* x]``, so it is consistent for symmetric marginals
    only; it is the learner any claimed rate should beat somewhere.

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = MeanHalfspace().fit(X, y)
    >>> est.coef_.shape, bool(abs(np.linalg.norm(est.coef_) - 1) < 1e-12)
    ((1, 5), True)
    """

    _parameter_constraints: ClassVar[dict] = {}

    def _solve(self, X, ypm):
        return (ypm @ X) / X.shape[0], 1


class LogisticRegressionHalfspace(_ControlBase):
    """Unpenalised logistic regression through the origin, solved to convergence.

    Wraps ``sklearn.linear_model.LogisticRegression(C=inf, fit_intercept=False,
    solver=solver, max_iter=max_iter, tol=tol)``; ``coef_`` is its direction.  When the
    labelled sample is not linearly separable the unpenalised loss has a unique minimiser and
    every solver that converges approaches it (the suite checks Newton-CG against lbfgs to 1e-6
    in angle on a well-conditioned sample).  On ill-conditioned samples the loss is nearly flat
    along some directions, and two solvers stopped by the same ``tol`` can stop far apart in
    angle at the same loss and with the same predictions; ``slam-theory bench --topic
    controls`` compares the solvers by loss and disagreement, and times them.  On a separable
    sample no minimiser
    exists: the iterates grow along the hard-margin direction until ``tol`` or ``max_iter``
    stops them, and the direction returned is where the solver stopped.

    Parameters
    ----------
    max_iter : int, default=10000
        Solver iteration limit.
    tol : float, default=1e-10
        Solver tolerance.
    solver : {"newton-cg", "lbfgs"}, default="newton-cg"
        scikit-learn's solver.

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = LogisticRegressionHalfspace().fit(X, y)
    >>> est.coef_.shape, bool(abs(np.linalg.norm(est.coef_) - 1) < 1e-12)
    ((1, 5), True)
    """

    _parameter_constraints: ClassVar[dict] = {
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "solver": [StrOptions({"newton-cg", "lbfgs"})],
    }

    def __init__(self, max_iter: int = 10_000, tol: float = 1e-10,
                 solver: str = "newton-cg") -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver

    def _solve(self, X, ypm):
        lr = LogisticRegression(C=np.inf, fit_intercept=False, solver=self.solver,
                                max_iter=self.max_iter, tol=self.tol)
        lr.fit(X, ypm)
        return lr.coef_[0].astype(np.float64), int(np.max(lr.n_iter_))


class HingeHalfspace(_ControlBase):
    """Hinge-loss halfspace through the origin, solved to convergence (liblinear, dual).

    Wraps ``sklearn.svm.LinearSVC(loss="hinge", dual=True, fit_intercept=False, C=C,
    max_iter=max_iter, tol=tol)``, i.e. ``min_w ||w||^2 / 2 + C sum_i max(0, 1 - y_i w.x_i)``;
    the hinge term is a sum over the samples, so it dominates as ``n`` grows (with
    ``||x|| <= 1``, a margin-``gamma`` direction needs ``||w|| ~ 1/gamma``).  Larger ``C`` makes
    the dual coordinate descent converge much more slowly on noisy data.  ``coef_`` is its
    direction.

    Parameters
    ----------
    C : float, default=1.0
        Weight of the hinge term.
    max_iter : int, default=100000
        Coordinate-descent iteration limit.
    tol : float, default=1e-4
        Stopping tolerance of the dual coordinate descent (scikit-learn's default).  The
        suite checks that the default's primal objective matches a solve at ``tol=1e-8`` to a
        relative 1e-6 on noisy margin data, and that a loose ``tol=0.5`` does not.
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Seeds liblinear's coordinate order.

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = HingeHalfspace(random_state=0).fit(X, y)
    >>> est.coef_.shape, bool(abs(np.linalg.norm(est.coef_) - 1) < 1e-12)
    ((1, 5), True)
    """

    _parameter_constraints: ClassVar[dict] = {
        "C": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self, C: float = 1.0, max_iter: int = 100_000, tol: float = 1e-4,
        random_state: Any = None,
    ) -> None:
        self.C = C
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _solve(self, X, ypm):
        rs = self.random_state
        if rs is not None and not isinstance(rs, numbers.Integral | np.random.RandomState):
            rs = int(np.random.default_rng(rs).integers(2**31 - 1))
        svc = LinearSVC(loss="hinge", dual=True, fit_intercept=False, C=self.C,
                        max_iter=self.max_iter, tol=self.tol, random_state=rs)
        svc.fit(X, ypm)
        return svc.coef_[0].astype(np.float64), int(svc.n_iter_)


fill_docstrings(globals(), TEXTS)
