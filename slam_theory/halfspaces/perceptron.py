"""Perceptron baselines (noise-agnostic) for homogeneous halfspaces."""

from __future__ import annotations

import numbers
from typing import Any, ClassVar

import numpy as np
from sklearn.utils._param_validation import Interval

from slam_theory._docs import fill_docstrings
from slam_theory._kernels import halfspaces as _kh
from slam_theory.halfspaces._base import (
    _PREFETCH,
    RANDOM_STATE,
    _HalfspaceBase,
    _unit,
    run_passes,
)
from slam_theory.halfspaces._docstrings import TEXTS

__all__ = ["AveragedPerceptron", "Perceptron"]


class _PerceptronBase(_HalfspaceBase):
    _averaged = False
    _parameter_constraints: ClassVar[dict] = {
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": RANDOM_STATE,
    }

    def __init__(self, max_iter: int = 5, shuffle: bool = True, random_state: Any = None) -> None:
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state

    def _init_state(self, d: int) -> None:
        self.w_ = np.zeros(d)
        self.u_ = np.zeros(d)
        self._reset_counters()

    def _output(self) -> np.ndarray:
        if self._averaged and self.t_ > 0:
            return ((self.t_ + 1) * self.w_ - self.u_) / self.t_
        return self.w_

    def _run_pass(self, X: np.ndarray, y: np.ndarray, order: np.ndarray) -> int:
        t0, rec, rec_coef, rec_obj = self._pass_buffers(order.shape[0], X.shape[1])
        t, mistakes, n_rec, xx_sum = _kh.perceptron_pass(
            X, y, order, self.w_, self.u_, t0, _PREFETCH, rec, rec_coef, rec_obj
        )
        self._end_pass(t, xx_sum, rec, rec_coef, rec_obj, n_rec)
        self._set_coef(_unit(self._output()))
        return int(mistakes)

    def fit(self, X: Any, y: Any):
        """Run up to ``max_iter`` passes (stops after a pass without mistakes).

        %(fit)s
        """
        self._validate_params()
        X, ypm, rng = self._fit_start(X, y)
        run_passes(self, X.shape[0], self.max_iter, bool(self.shuffle), rng,
                   lambda order: self._run_pass(X, ypm, order), stop=lambda m: m == 0)
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None):
        """Exactly one pass over ``(X, y)`` in the given order.

        %(partial_fit)s
        """
        self._validate_params()
        X, ypm, first = self._partial_setup(X, y, classes)
        order = np.arange(X.shape[0], dtype=np.int64)
        self._guarded_passes(lambda: self._run_pass(X, ypm, order), first)
        return self


class Perceptron(_PerceptronBase):
    """Classic (Rosenblatt) Perceptron for homogeneous halfspaces, noise-agnostic baseline.

    Mistake-driven: on ``y (w . x) <= 0`` set ``w += y x``.  Without noise and with margin
    ``gamma`` (``||x|| <= 1``) it makes at most ``1/gamma^2`` mistakes.  ``coef_`` is ``w``
    normalised to unit length.

    %(perceptron)s

    %(fitted)s
        Here ``objective`` is the running mistake rate.

    Examples
    --------
    >>> from slam_theory import data
    >>> X, y = data.MarginHalfspace(d=5, gamma=0.2, random_state=0).sample(1000)
    >>> Perceptron(max_iter=50, random_state=0).fit(X, y).score(X, y)
    1.0
    """


class AveragedPerceptron(_PerceptronBase):
    """Averaged Perceptron: the Perceptron whose output is the average of all iterates.

    Computed exactly with the ``u += t y x`` trick (see
    :func:`slam_theory._kernels.halfspaces.perceptron_pass`); ``coef_`` is the average
    normalised to unit length.

    %(perceptron)s

    %(fitted)s

    Examples
    --------
    >>> from slam_theory import data
    >>> X, y = data.MarginHalfspace(d=5, gamma=0.2, random_state=0).sample(1000)
    >>> AveragedPerceptron(random_state=0).fit(X, y).coef_.shape
    (1, 5)
    """

    _averaged = True


fill_docstrings(globals(), TEXTS)
