"""Perceptron baselines (noise-agnostic) for homogeneous halfspaces."""

from __future__ import annotations

import numbers
from typing import Any, ClassVar

import numpy as np
from sklearn.utils._param_validation import Interval

from slam_theory._kernels import halfspaces as _kh
from slam_theory._validation import as_generator
from slam_theory.halfspaces._base import RANDOM_STATE, _HalfspaceBase, _log_grid, run_passes

__all__ = ["AveragedPerceptron", "Perceptron"]

_PREFETCH = 4


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
        self.t_ = 0
        self.n_iter_ = 0
        self.history_ = {"iteration": [], "objective": [], "coef": []}

    def _output(self) -> np.ndarray:
        if self._averaged and self.t_ > 0:
            return ((self.t_ + 1) * self.w_ - self.u_) / self.t_
        return self.w_

    def _run_pass(self, X: np.ndarray, y: np.ndarray, order: np.ndarray) -> int:
        t0 = self.t_
        rec = _log_grid(t0, t0 + order.shape[0])
        rec_coef = np.empty((rec.shape[0], X.shape[1]))
        rec_obj = np.empty(rec.shape[0])
        prefetch = _PREFETCH
        t, mistakes, n_rec, xx_sum = _kh.perceptron_pass(
            X, y, order, self.w_, self.u_, t0, prefetch, rec, rec_coef, rec_obj
        )
        self._check_pass_finite(xx_sum)
        self.t_ = int(t)
        self.n_iter_ += 1
        self.history_["iteration"].extend(int(v) for v in rec[:n_rec])
        self.history_["objective"].extend(float(v) for v in rec_obj[:n_rec])
        self.history_["coef"].extend(rec_coef[i].copy() for i in range(n_rec))
        w = self._output()
        nrm = float(np.linalg.norm(w))
        self._set_coef(w / nrm if nrm > 0 else w)
        return int(mistakes)

    def fit(self, X: Any, y: Any):
        """Run up to ``max_iter`` passes (stops after a pass without mistakes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            Two-class labels.

        Returns
        -------
        self
        """
        self._validate_params()
        rng = as_generator(self.random_state)
        for attr in ("classes_", "w_"):
            self.__dict__.pop(attr, None)
        X, ypm, _ = self._partial_setup(X, y, None)
        run_passes(self, X.shape[0], self.max_iter, bool(self.shuffle), rng,
                   lambda order: self._run_pass(X, ypm, order), stop=lambda m: m == 0)
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None):
        """Exactly one pass over ``(X, y)`` in the given order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            Labels.
        classes : array-like of shape (2,), optional
            Both labels (first call, if ``y`` holds one class).

        Returns
        -------
        self
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

    Parameters
    ----------
    max_iter : int, default=5
        Maximum passes in ``fit`` (stops early after a pass without mistakes).
    shuffle : bool, default=True
        Fresh random order on every pass of ``fit``.
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Seeds the permutations.

    Attributes
    ----------
    classes_, coef_, intercept_, n_iter_, history_
        As in :mod:`slam_theory.halfspaces`; ``history_["objective"]`` is the running mistake
        rate.

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

    Parameters
    ----------
    max_iter : int, default=5
        Maximum passes in ``fit``.
    shuffle : bool, default=True
        Fresh random order on every pass of ``fit``.
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Seeds the permutations.

    Attributes
    ----------
    classes_, coef_, intercept_, n_iter_, history_
        As in :mod:`slam_theory.halfspaces`.

    Examples
    --------
    >>> from slam_theory import data
    >>> X, y = data.MarginHalfspace(d=5, gamma=0.2, random_state=0).sample(1000)
    >>> AveragedPerceptron(random_state=0).fit(X, y).coef_.shape
    (1, 5)
    """

    _averaged = True
