"""Learners for homogeneous (margin) halfspaces under random classification noise.

Every learner is a binary scikit-learn classifier.  Any two labels are accepted; ``classes_[0]``
is mapped to ``-1`` and ``classes_[1]`` to ``+1`` internally.  The hypothesis is a homogeneous
halfspace ``x -> sign(w . x)`` (no intercept; ``intercept_`` is a zero array for API
compatibility) with ``coef_`` of shape ``(1, d)`` in the unit ball.  Ties ``w . x = 0`` are
predicted as ``classes_[1]`` (the ``+1`` class).

Learners
--------
- :class:`LeakyReLUHalfspace` -- Diakonikolas, Diakonikolas, Kane, Wang, Zarifis (COLT 2023,
  arXiv:2306.16352), Algorithm 1, plus a one-pass streaming variant.
- :class:`SLaMHalfspace` -- the SLaM paper's (arXiv:2302.03806) RCN learner, as a faithful
  reconstruction (the exact theorem text was not available; see its docstring).
- Baselines: :class:`Perceptron`, :class:`AveragedPerceptron`, :class:`LogisticHalfspace`,
  :class:`UnbiasedLossHalfspace` (Natarajan et al. 2013), :class:`ForwardCorrectedHalfspace`
  and :class:`BackwardCorrectedHalfspace` (Patrini et al. 2017).

The SGD learners share one kernel (:func:`slam_theory._kernels.halfspaces.sgd_pass`): projected
SGD on the ball ``||w|| <= 1`` with the anytime step ``step_size / sqrt(t)``, from ``w_0 = 0``.
The output is the last iterate by default (``average=False``) or, with ``average=True``, the
uniform average of the iterates (the classic online-to-batch conversion).  For the smooth
losses the last iterate measured clearly better in one pass (the uniform average carries the
transient from ``w_0 = 0``); the non-smooth LeakyReLU streaming variant always averages, since
its last iterate oscillates.  ``fit`` runs ``max_iter`` passes (each over a fresh
permutation if ``shuffle``); ``partial_fit`` runs exactly one pass over the given data in the
given order, continuing the step counter, so on a fresh estimator ``partial_fit(X, y)`` equals
``fit(X, y)`` with ``max_iter=1, shuffle=False``.
The default step sizes assume ``||x|| <= 1`` (the margin-halfspace normalisation).

``history_`` holds ``{"iteration", "objective", "coef"}`` at log-spaced iterations (global SGD
steps, or full-batch iterations): the running mean of the pre-update per-sample loss of the
current pass, evaluated on every 8th sample to keep the pass cheap (the running mistake rate for
the Perceptrons, the exact full-batch objective for Algorithm 1), and the output iterate at
that point.
"""

from __future__ import annotations

import abc
import math
import numbers
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from slam_theory._kernels import halfspaces as _kh
from slam_theory._kernels import losses as _kl
from slam_theory._validation import (
    as_generator,
    check_bool,
    check_choice,
    check_eta,
    check_gamma,
    check_in_range,
    check_int,
)
from slam_theory.losses import _check_T2, check_rho_pair, symmetric_transition_matrix

__all__ = [
    "AveragedPerceptron",
    "BackwardCorrectedHalfspace",
    "ForwardCorrectedHalfspace",
    "LeakyReLUHalfspace",
    "LogisticHalfspace",
    "Perceptron",
    "SLaMHalfspace",
    "UnbiasedLossHalfspace",
    "leaky_relu_iterations",
]

_EMPTY_I = np.zeros(0, dtype=np.int64)
#: The SGD kernels evaluate the per-sample loss for ``history_`` on every 8th sample only.
_LOSS_STRIDE = 8
#: Software prefetch distance (rows) of the SGD and Perceptron kernels, on every pass: the
#: per-row update chain is latency-bound, so the hardware prefetcher alone does not keep up
#: even in order (measured at n = 1e6, d = 100: in-order epoch 0.22 s -> 0.14 s, shuffled
#: 1.09 s -> 0.58 s; distances 8 and 16 were slower).
_PREFETCH = 4


def _log_grid(t0: int, t1: int) -> np.ndarray:
    """Sorted int64 steps in ``(t0, t1]``: ``floor(2^(k/4))`` for all ``k``, plus ``t1``."""
    if t1 <= t0:
        return _EMPTY_I
    kmax = math.ceil(4 * math.log2(max(t1, 1))) + 1
    grid = np.unique(np.floor(2.0 ** (np.arange(kmax + 1) / 4.0)).astype(np.int64))
    grid = grid[(grid > t0) & (grid <= t1)]
    if grid.size == 0 or grid[-1] != t1:
        grid = np.append(grid, np.int64(t1))
    return grid


def _check_optional_positive(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive real number or None, got {value!r}")
    v = float(value)
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number or None, got {value!r}")
    return v


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
    """
    eta = check_eta(eta)
    gamma = check_gamma(gamma)
    epsilon = check_in_range(epsilon, "epsilon", 0.0, 1.0, low_inclusive=False,
                             high_inclusive=False)
    return max(1, math.ceil(16.0 * (1.0 - eta) ** 2 / (gamma**2 * epsilon**2) - 1.0))


class _HalfspaceBase(ClassifierMixin, BaseEstimator):
    """Shared plumbing: label encoding, prediction, tags."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    # ------------------------------------------------------------------ labels
    @staticmethod
    def _binary_classes(y: np.ndarray) -> np.ndarray:
        if y.dtype.kind in "iu" and y.ndim == 1 and y.size > 0:  # fast path: one pass, no sort
            lo, hi, n_cls = _kh.binary_scan(y)
            classes = np.array([lo, hi], dtype=y.dtype)[: min(n_cls, 2)]
        elif y.dtype.kind in "iub":  # fast path: min/max instead of a sort
            lo, hi = y.min(), y.max()
            n_cls = 1 if lo == hi else (2 if np.all((y == lo) | (y == hi)) else 3)
            classes = np.array([lo, hi], dtype=y.dtype)[: min(n_cls, 2)]
        else:
            check_classification_targets(y)
            classes = np.unique(y)
            n_cls = classes.size
        if n_cls < 2:
            raise ValueError(
                f"a halfspace needs samples of 2 classes; got 1 class ({classes[:1].tolist()})"
            )
        if n_cls > 2:
            y_type = type_of_target(y, input_name="y", raise_unknown=True)
            raise ValueError(
                f"Only binary classification is supported. The type of the target is {y_type}."
            )
        return classes

    def _encode(self, y: np.ndarray) -> np.ndarray:
        classes = self.classes_
        if y.dtype.kind in "iuf" and y.dtype == classes.dtype and y.ndim == 1:
            out = np.empty(y.shape[0])  # fast path: one pass (kernel), same result
            if _kh.encode_pm(y, classes[0], classes[1], out) == 0:
                return out
        pos = y == classes[1]
        if not np.all(pos | (y == classes[0])):
            bad = np.setdiff1d(np.unique(y), classes)
            raise ValueError(f"y contains labels {bad[:5].tolist()} not in classes_ {classes}")
        return np.where(pos, 1.0, -1.0)

    def _validate_fit(
        self, X: Any, y: Any, *, reset: bool, finite: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """``validate_data``; with ``finite=False`` the NaN/inf scan is left to the caller.

        The streaming learners skip sklearn's separate finiteness pass over ``X`` and instead
        check the ``sum ||x||^2`` that their kernel accumulates anyway (see
        :meth:`_check_pass_finite`): same guarantee, one pass over the data instead of two.
        """
        X, y = validate_data(
            self, X, y, reset=reset, dtype=np.float64, order="C", ensure_all_finite=finite
        )
        return X, y

    @staticmethod
    def _check_pass_finite(xx_sum: float) -> None:
        if not np.isfinite(xx_sum):
            raise ValueError(
                "Input X contains NaN or infinity (or values too large for float64 squares)."
            )

    def _snapshot(self) -> dict | None:
        if not hasattr(self, "w_"):
            return None
        return {k: (v.copy() if isinstance(v, np.ndarray) else v)
                for k, v in self.__dict__.items() if k.endswith("_") and k != "history_"} | {
            "_hist_len": len(self.history_["iteration"])}

    def _restore(self, snap: dict | None, fitted_before: bool) -> None:
        if snap is None or not fitted_before:
            for k in [k for k in self.__dict__ if k.endswith("_") and not k.startswith("_")]:
                delattr(self, k)
            return
        m = snap.pop("_hist_len")
        for k, v in snap.items():
            setattr(self, k, v)
        for key in self.history_:
            del self.history_[key][m:]

    def _partial_setup(self, X: Any, y: Any, classes: Any) -> tuple[np.ndarray, np.ndarray, bool]:
        """Validate one ``partial_fit`` batch; on the first call fix ``classes_`` and the state."""
        first = not hasattr(self, "classes_")
        X, y = self._validate_fit(X, y, reset=first, finite=False)
        if first:
            if classes is not None:
                cls = np.unique(np.asarray(classes))
                check_classification_targets(cls)
                if cls.size != 2:
                    raise ValueError(
                        f"classes must hold exactly 2 labels (binary only); got {cls.size}"
                    )
                self.classes_ = cls
            else:
                self.classes_ = self._binary_classes(y)
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"classes {classes} differ from classes_ {self.classes_}")
        try:
            ypm = self._encode(y)
        except ValueError:
            if first:
                del self.classes_
            raise
        if first:
            self._init_state(X.shape[1])
        return X, ypm, first

    def _guarded_passes(self, run, first: bool) -> None:
        """Run ``run()``; if a pass meets non-finite ``X``, undo its effect and re-raise."""
        snap = None if first else self._snapshot()
        try:
            run()
        except ValueError:
            self._restore(snap, not first)
            raise

    # ------------------------------------------------------------------ prediction
    def _set_coef(self, w: np.ndarray) -> None:
        w = np.asarray(w, dtype=np.float64)
        nrm = float(np.linalg.norm(w))
        if nrm > 1.0:
            w = w / nrm
        self.coef_ = w.reshape(1, -1).copy()
        self.intercept_ = np.zeros(1)

    def decision_function(self, X: Any) -> np.ndarray:
        """Signed score ``w . x`` (positive means ``classes_[1]``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, dtype=np.float64, order="C")
        return X @ self.coef_[0]

    def predict(self, X: Any) -> np.ndarray:
        """Predict ``classes_[1]`` where ``w . x >= 0`` (ties go to ``+1``), else ``classes_[0]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        return self.classes_[(scores >= 0).astype(np.intp)]


# ====================================================================== projected SGD family
class _SGDHalfspace(_HalfspaceBase, metaclass=abc.ABCMeta):
    """Projected SGD on the unit ball for a margin loss (see the module docstring)."""

    @abc.abstractmethod
    def _loss_spec(self) -> tuple[int, np.ndarray, float, float]:
        """Return ``(loss_id, params[4], scale, default_step_size)``; validates parameters."""

    def _fit_schedule(self) -> str:
        """Step schedule of ``fit``: ``"invsqrt"`` (``lr0 / sqrt(t)``) unless overridden."""
        return "invsqrt"

    def _common_params(self) -> tuple[int, float | None, bool, bool]:
        max_iter = check_int(self.max_iter, "max_iter", low=1)
        step = _check_optional_positive(self.step_size, "step_size")
        average = check_bool(self.average, "average")
        shuffle = check_bool(self.shuffle, "shuffle")
        return max_iter, step, average, shuffle

    def _init_state(self, d: int) -> None:
        self.w_ = np.zeros(d)
        self.wsum_ = np.zeros(d)
        self.t_ = 0
        self.n_iter_ = 0
        self.history_ = {"iteration": [], "objective": [], "coef": []}

    def _run_pass(
        self, X, y, order, spec, lr0, avg, shuffled: bool = False, decay: bool = True
    ) -> None:
        loss_id, params, scale, _ = spec
        t0 = self.t_
        rec = _log_grid(t0, t0 + order.shape[0])
        rec_coef = np.empty((rec.shape[0], X.shape[1]))
        rec_obj = np.empty(rec.shape[0])
        prefetch = _PREFETCH
        t, _, _, n_rec, xx_sum = _kh.sgd_pass(
            X, y, order, self.w_, self.wsum_, loss_id, params, scale, lr0, t0, 1.0, avg,
            _LOSS_STRIDE, prefetch, rec, rec_coef, rec_obj, decay,
        )
        self._check_pass_finite(xx_sum)
        self.t_ = int(t)
        self.n_iter_ += 1
        self.history_["iteration"].extend(int(v) for v in rec[:n_rec])
        self.history_["objective"].extend(float(v) for v in rec_obj[:n_rec])
        self.history_["coef"].extend(rec_coef[i].copy() for i in range(n_rec))
        self._set_coef(self.wsum_ / self.t_ if avg else self.w_)

    def fit(self, X: Any, y: Any) -> _SGDHalfspace:
        """Fit by ``max_iter`` passes of projected SGD.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples (finite; the default step size assumes ``||x|| <= 1``).
        y : array-like of shape (n_samples,)
            Two-class (noisy) labels.

        Returns
        -------
        self
        """
        max_iter, step, avg, shuffle = self._common_params()
        spec = self._loss_spec()
        rng = as_generator(self.random_state)
        for attr in ("classes_", "w_"):
            self.__dict__.pop(attr, None)
        X, ypm, _ = self._partial_setup(X, y, None)
        lr0 = step if step is not None else spec[3]
        n = X.shape[0]
        decay = self._fit_schedule() == "invsqrt"
        if not decay:  # fixed horizon T = n * max_iter: constant step lr0 / sqrt(T)
            lr0 = lr0 / np.sqrt(float(n) * max_iter)

        def run() -> None:
            for _ in range(max_iter):
                order = rng.permutation(n) if shuffle else np.arange(n)
                self._run_pass(
                    X, ypm, order.astype(np.int64), spec, lr0, avg, shuffle, decay
                )

        self._guarded_passes(run, True)
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> _SGDHalfspace:
        """Exactly one pass of projected SGD over ``(X, y)`` in the given order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            Labels; they must belong to ``classes_`` after the first call.
        classes : array-like of shape (2,), optional
            Both labels; needed on the first call only if ``y`` holds a single class.

        Returns
        -------
        self
        """
        _, step, avg, _ = self._common_params()
        spec = self._loss_spec()
        X, ypm, first = self._partial_setup(X, y, classes)
        lr0 = step if step is not None else spec[3]
        order = np.arange(X.shape[0], dtype=np.int64)
        self._guarded_passes(lambda: self._run_pass(X, ypm, order, spec, lr0, avg), first)
        return self


_SGD_PARAMS_DOC = """max_iter : int, default=1
        Passes over the data in ``fit`` (``partial_fit`` always makes one).
    step_size : float or None, default=None
        ``lr0`` of the step ``lr0 / sqrt(t)``; None uses the loss's default (see above).
    average : bool, default=False
        Output the uniform average of the iterates instead of the last iterate.
    shuffle : bool, default=True
        Visit the samples in a fresh random order on every ``fit`` pass.
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Seeds the permutations."""

_FITTED_DOC = """classes_ : ndarray of shape (2,)
        The two labels; ``classes_[1]`` is the ``+1`` side.
    coef_ : ndarray of shape (1, n_features)
        The output halfspace, ``||coef_|| <= 1``.
    intercept_ : ndarray of shape (1,)
        Always zero (homogeneous halfspace).
    n_iter_ : int
        Number of passes (SGD) or full-batch iterations made.
    history_ : dict of lists
        ``iteration``, ``objective`` and ``coef`` at log-spaced iterations."""


def _doc(cls):
    cls.__doc__ = cls.__doc__.replace("%(sgd)s", _SGD_PARAMS_DOC).replace("%(fitted)s", _FITTED_DOC)
    return cls


@_doc
class SLaMHalfspace(_SGDHalfspace):
    """SLaM learner for margin halfspaces under RCN (faithful reconstruction).

    The SLaM paper (Kontonis, Iliopoulos, Trinh, Baykal, Menghani, Vee, NeurIPS 2023,
    arXiv:2302.03806) states an algorithm for gamma-margin halfspaces under RCN with
    ``O_eta(1/(gamma^2 eps^2))`` samples; its exact theorem (loss, activation, step size,
    iteration count) was **not available** when this was written (only the abstract and
    Remark B.1 could be read).  This class is therefore a *faithful reconstruction*, not the
    paper's text: it minimises the binary SLaM mixing loss with ``alpha = 1 - eta``
    (:func:`slam_theory.losses.slam_binary_loss`), i.e. cross-entropy of the noisy label
    against ``alpha sigma(z) + (1 - alpha)(1 - sigma(z))`` with the scaled sigmoid
    activation ``sigma(z) = sigmoid(scale * w . x)``, by one pass (``max_iter=1``) of projected
    SGD on the unit ball, returning the averaged iterate.  Its sample complexity is
    **measured by the experiments, not assumed**.

    Step schedule (``schedule="horizon"``, the default): ``fit`` knows its horizon
    ``T = n_samples * max_iter`` and uses the constant step ``step_size / sqrt(T)`` with
    ``step_size = 1 / scale``, i.e. the standard projected-SGD step ``D / (L sqrt(T))`` for a
    loss that is ``L = scale``-Lipschitz on the ball of radius ``D = 1``; the averaged iterate
    then has excess loss ``O(L D / sqrt(T)) = O(scale / sqrt(T))`` in the convex case.  A
    misclassified point costs at least ``KL(alpha || 1/2)`` above the Bayes loss and ``w*``
    is within ``O(epsilon^2)`` of it at this scale, which gives
    ``T = O(log^2(1/eps) / (gamma^2 eps^2 KL(alpha||1/2)^2))`` -- the ``O_eta(1/(gamma^2
    eps^2))`` rate, dimension-free -- as a heuristic (for ``alpha < 1`` the loss is not
    convex).  Measured on the ``sample_complexity_gamma`` setting (``d = 1/gamma^2``) this
    schedule fits an exponent of ``1/gamma`` of about 2.1 against about 2.5-2.9 for the decaying
    step ``step_size / sqrt(t)`` with the last iterate (``schedule="invsqrt",
    average=False``), which also shows a long burn-in.  ``partial_fit`` does not know the
    horizon and always uses the decaying step ``step_size / sqrt(t)``.

    Parameters
    ----------
    eta : float
        Known RCN rate in ``[0, 1/2)``; the mixing weight is ``alpha = 1 - eta``.
    gamma : float or None, default=None
        Margin in ``(0, 1]``; sets the default ``scale``.
    epsilon : float, default=0.05
        Target error; with ``gamma`` it sets the default scale so that a point at margin
        ``gamma`` gets model confidence ``1 - epsilon`` under ``w*``.
    scale : float or None, default=None
        Inverse temperature of the activation.  None: ``log((1 - epsilon)/epsilon) / gamma``
        if ``gamma`` is given, else 1.  The default step size is ``1 / scale`` (the loss is
        ``scale``-Lipschitz in ``w`` for ``||x|| <= 1``).
    schedule : {"horizon", "invsqrt"}, default="horizon"
        Step schedule of ``fit``: the constant ``step_size / sqrt(n_samples * max_iter)``
        (``"horizon"``) or ``step_size / sqrt(t)`` at step ``t`` (``"invsqrt"``).
    max_iter : int, default=1
        Passes over the data in ``fit`` (``partial_fit`` always makes one).
    step_size : float or None, default=None
        ``c`` of the schedule; None uses ``1 / scale``.
    average : bool, default=True
        Output the uniform average of the iterates instead of the last iterate.
    shuffle : bool, default=True
        Visit the samples in a fresh random order on every ``fit`` pass.
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Seeds the permutations.

    Attributes
    ----------
    %(fitted)s
    """

    def __init__(
        self,
        eta: float,
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
        return check_choice(self.schedule, "schedule", ("horizon", "invsqrt"))

    def _loss_spec(self):
        eta = check_eta(self.eta)
        gamma = None if self.gamma is None else check_gamma(self.gamma)
        eps = check_in_range(self.epsilon, "epsilon", 0.0, 0.5, low_inclusive=False,
                             high_inclusive=False)
        scale = _check_optional_positive(self.scale, "scale")
        if scale is None:
            scale = math.log((1.0 - eps) / eps) / gamma if gamma is not None else 1.0
        a = 1.0 - eta
        params = np.array([a, 1.0 - a, 1.0 - a, a])
        return _kl.MIXED, params, scale, 1.0 / scale


@_doc
class LogisticHalfspace(_SGDHalfspace):
    """Noise-agnostic logistic regression on the unit ball (baseline).

    Minimises :func:`slam_theory.losses.logistic_loss` of ``scale * w . x`` by projected SGD on
    ``||w|| <= 1`` (the constraint keeps ``||w||`` finite on separable data; it plays the role
    of regularisation).

    Parameters
    ----------
    scale : float, default=1.0
        Inverse temperature: the model is ``sigmoid(scale * w . x)``.  Default step ``1/scale``.
    %(sgd)s

    Attributes
    ----------
    %(fitted)s
    """

    def __init__(
        self,
        scale: float = 1.0,
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = False,
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
        scale = _check_optional_positive(self.scale, "scale")
        if scale is None:
            raise ValueError("scale must be a positive number")
        return _kl.LOGISTIC, np.zeros(4), scale, 1.0 / scale


def _resolve_T(T: Any, eta: Any) -> np.ndarray:
    if T is not None and eta is not None:
        raise ValueError("give either T or eta, not both")
    if T is None and eta is None:
        raise ValueError("one of T (2x2 row-stochastic noise matrix) or eta must be given")
    if T is None:
        return symmetric_transition_matrix(eta)
    return _check_T2(T)


@_doc
class ForwardCorrectedHalfspace(_SGDHalfspace):
    """Patrini et al. (2017) forward-corrected logistic regression on the unit ball, binary.

    Minimises :func:`slam_theory.losses.forward_loss` of ``scale * w . x`` by projected SGD.
    With symmetric ``T`` it coincides with :class:`SLaMHalfspace` at equal ``scale``.

    Parameters
    ----------
    T : array-like of shape (2, 2) or None, default=None
        Row-stochastic ``T[i, j] = P(noisy = j | true = i)``, class order ``(classes_[0],
        classes_[1])``.
    eta : float or None, default=None
        Alternative to ``T``: symmetric RCN rate in ``[0, 1/2)``.  Exactly one of ``T``, ``eta``.
    scale : float, default=1.0
        Inverse temperature of the sigmoid.  Default step ``1/scale``.
    %(sgd)s

    Attributes
    ----------
    %(fitted)s
    """

    def __init__(
        self,
        T: Any = None,
        eta: float | None = None,
        scale: float = 1.0,
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = False,
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

    def _loss_spec(self):
        T = _resolve_T(self.T, self.eta)
        if np.any(T.sum(axis=0) <= 0):
            raise ValueError("every column of T must have a positive entry")
        scale = _check_optional_positive(self.scale, "scale")
        if scale is None:
            raise ValueError("scale must be a positive number")
        return _kl.MIXED, np.ascontiguousarray(T.ravel()), scale, 1.0 / scale


def _linear_spec(T: np.ndarray, scale: Any) -> tuple[int, np.ndarray, float, float]:
    det = T[0, 0] * T[1, 1] - T[0, 1] * T[1, 0]
    if abs(det) < 1e-12:
        raise ValueError(f"T must be invertible (det = {det:.3g})")
    A = np.linalg.inv(T)
    s = _check_optional_positive(scale, "scale")
    if s is None:
        raise ValueError("scale must be a positive number")
    lip = float(np.max(np.abs(A).sum(axis=1)))
    return _kl.LINEAR, np.ascontiguousarray(A.ravel()), s, 1.0 / (s * lip)


@_doc
class BackwardCorrectedHalfspace(_SGDHalfspace):
    """Patrini et al. (2017) backward-corrected logistic regression on the unit ball, binary.

    Minimises :func:`slam_theory.losses.backward_loss` (unbiased, but unbounded below and
    non-convex-in-general; the ball constraint keeps the problem bounded) by projected SGD.

    Parameters
    ----------
    T : array-like of shape (2, 2) or None, default=None
        Row-stochastic, invertible ``T[i, j] = P(noisy = j | true = i)``.
    eta : float or None, default=None
        Alternative to ``T``: symmetric RCN rate in ``[0, 1/2)``.  Exactly one of ``T``, ``eta``.
    scale : float, default=1.0
        Inverse temperature.  Default step ``1 / (scale * max_j sum_k |T^{-1}[j, k]|)``.
    %(sgd)s

    Attributes
    ----------
    %(fitted)s
    """

    def __init__(
        self,
        T: Any = None,
        eta: float | None = None,
        scale: float = 1.0,
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = False,
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

    def _loss_spec(self):
        return _linear_spec(_resolve_T(self.T, self.eta), self.scale)


@_doc
class UnbiasedLossHalfspace(_SGDHalfspace):
    """Natarajan et al. (NeurIPS 2013) unbiased logistic loss on the unit ball.

    Minimises :func:`slam_theory.losses.unbiased_loss` by projected SGD.  The loss is the
    backward correction with ``T = [[1 - rho_neg, rho_neg], [rho_pos, 1 - rho_pos]]``; it is
    unbounded below and not convex in general, so it is minimised over the ball
    ``||w|| <= 1`` only (projected SGD finds a stationary point of the constrained problem).

    Parameters
    ----------
    rho_pos : float
        ``P(flip | y = +1)`` (``classes_[1]``), in ``[0, 1)``.
    rho_neg : float
        ``P(flip | y = -1)`` (``classes_[0]``), in ``[0, 1)``; ``rho_pos + rho_neg < 1``.
    scale : float, default=1.0
        Inverse temperature.  Default step as in :class:`BackwardCorrectedHalfspace`.
    %(sgd)s

    Attributes
    ----------
    %(fitted)s
    """

    def __init__(
        self,
        rho_pos: float,
        rho_neg: float,
        scale: float = 1.0,
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = False,
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
        rp, rn = check_rho_pair(self.rho_pos, self.rho_neg)
        T = np.array([[1.0 - rn, rn], [rp, 1.0 - rp]])
        return _linear_spec(T, self.scale)


# ====================================================================== DDKWZ23 Algorithm 1
@_doc
class LeakyReLUHalfspace(_SGDHalfspace):
    """Diakonikolas, Diakonikolas, Kane, Wang, Zarifis (COLT 2023, arXiv:2306.16352), Alg. 1.

    Full-batch projected subgradient descent on the LeakyReLU_eta objective
    (:func:`slam_theory.losses.leaky_relu_loss`) from ``w_0 = 0``:
    ``g(w) = (1/2N) sum_i [(1 - 2 eta) sign(w . x_i) - y_i] x_i`` (``sign(0) = 0``),
    ``w_{s+1} = Proj_{||w|| <= 1}(w_s - lr g(w_s))``, for
    ``T = ceil(16 (1 - eta)^2 / (gamma^2 eps^2) - 1)`` steps of size
    ``lr = 2 / ((1 - eta) sqrt(T + 1))``; the output is the iterate ``w_0..w_T`` with the
    smallest error on held-out samples (noisy 0-1 error: under RCN it is an affine, increasing
    function of the clean error).  The held-out samples are a random ``n_validation`` part of
    ``fit``'s data (default 20%); the rest is the training set of the ``N`` samples above.

    ``max_iter`` caps ``T``: if ``max_iter < T`` the run has ``T' = max_iter`` steps of size
    ``2 / ((1 - eta) sqrt(T' + 1))`` (the same fixed-horizon rule, so the best-iterate
    optimisation gap is ``2 (1 - eta) / sqrt(T' + 1)`` instead of ``gamma eps / 2``).  If
    ``gamma`` is None, ``max_iter`` is required and ``T = max_iter`` (the margin is not
    estimated from noisy data).

    ``online=True`` is a one-pass streaming variant (not in the paper): one sample per step,
    projected SGD with ``lr_t = 2 / ((1 - eta) sqrt(t))`` and the averaged iterate, using all of
    the data (no held-out part); ``partial_fit`` is available only then.

    Parameters
    ----------
    eta : float
        Known RCN rate in ``[0, 1/2)``.
    gamma : float or None, default=None
        Margin in ``(0, 1]``.
    epsilon : float, default=0.05
        Target error in ``(0, 1)``.
    max_iter : int or None, default=None
        Cap on ``T`` (full batch); number of passes if ``online`` (None means 1).
    n_validation : float or int, default=0.2
        Held-out part of ``fit``'s data: a fraction in ``(0, 1)`` or a count ``>= 1``.
    online : bool, default=False
        Use the one-pass streaming variant.
    random_state : None, int, SeedSequence, Generator or RandomState, default=None
        Seeds the train/validation split (and the pass order if ``online``).

    Attributes
    ----------
    %(fitted)s
    n_steps_ : int
        Full-batch: the number of steps ``T`` actually run.
    best_iteration_ : int
        Full-batch: index of the selected iterate.
    validation_error_ : ndarray of shape (n_steps_ + 1,)
        Full-batch: held-out noisy error of every iterate.
    """

    def __init__(
        self,
        eta: float,
        gamma: float | None = None,
        epsilon: float = 0.05,
        max_iter: int | None = None,
        n_validation: float = 0.2,
        online: bool = False,
        random_state: Any = None,
    ) -> None:
        self.eta = eta
        self.gamma = gamma
        self.epsilon = epsilon
        self.max_iter = max_iter
        self.n_validation = n_validation
        self.online = online
        self.random_state = random_state

    # the SGD machinery (online mode) ------------------------------------
    def _common_params(self):
        max_iter = 1 if self.max_iter is None else check_int(self.max_iter, "max_iter", low=1)
        return max_iter, None, True, True

    def _loss_spec(self):
        eta = check_eta(self.eta)
        return _kl.LEAKY_RELU, np.array([eta, 0.0, 0.0, 0.0]), 1.0, 2.0 / (1.0 - eta)

    def _n_steps(self) -> int:
        eta = check_eta(self.eta)
        cap = None if self.max_iter is None else check_int(self.max_iter, "max_iter", low=1)
        if self.gamma is None:
            if cap is None:
                raise ValueError(
                    "LeakyReLUHalfspace needs gamma (to set T) or max_iter (T = max_iter)"
                )
            return cap
        T = leaky_relu_iterations(eta, self.gamma, self.epsilon)
        return T if cap is None else min(T, cap)

    def _split(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        v = self.n_validation
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"n_validation must be a fraction in (0, 1) or a count, got {v!r}")
        if isinstance(v, numbers.Integral) or (float(v) >= 1 and float(v).is_integer()):
            n_val = check_int(v, "n_validation", low=1)
        else:
            frac = check_in_range(v, "n_validation", 0.0, 1.0, low_inclusive=False,
                                  high_inclusive=False)
            n_val = max(1, round(frac * n))
        if n_val >= n:
            raise ValueError(f"n_validation={v!r} leaves no training samples out of n_samples={n}")
        perm = rng.permutation(n)
        return np.sort(perm[n_val:]), np.sort(perm[:n_val])

    def fit(self, X: Any, y: Any) -> LeakyReLUHalfspace:
        """Run Algorithm 1 (or one streaming pass if ``online``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples (the analysis assumes ``||x|| <= 1``).
        y : array-like of shape (n_samples,)
            Two-class noisy labels.

        Returns
        -------
        self
        """
        online = check_bool(self.online, "online")
        if online:
            return super().fit(X, y)
        eta = check_eta(self.eta)
        if self.gamma is not None:
            check_gamma(self.gamma)
        T = self._n_steps()
        X, y = self._validate_fit(X, y, reset=True)
        self.classes_ = self._binary_classes(y)
        ypm = self._encode(y)
        rng = as_generator(self.random_state)
        tr, va = self._split(X.shape[0], rng)
        Xtr, ytr = np.ascontiguousarray(X[tr]), ypm[tr]
        Xva, yva = np.ascontiguousarray(X[va]), ypm[va]
        d = X.shape[1]
        w = np.zeros(d)
        best_w = np.zeros(d)
        val_err = np.empty(T + 1)
        obj = np.empty(T + 1)
        rec = np.concatenate([[0], _log_grid(0, T)]).astype(np.int64)
        rec_coef = np.empty((rec.shape[0], d))
        lr = 2.0 / ((1.0 - eta) * math.sqrt(T + 1.0))
        best = _kh.leaky_relu_full_batch(
            Xtr, ytr, Xva, yva, w, eta, T, lr, best_w, val_err, obj, rec, rec_coef
        )
        self.n_steps_ = T
        self.n_iter_ = T
        self.best_iteration_ = int(best)
        self.validation_error_ = val_err
        self.history_ = {
            "iteration": [int(s) for s in rec],
            "objective": [float(obj[s]) for s in rec],
            "coef": [rec_coef[i].copy() for i in range(rec.shape[0])],
        }
        self._set_coef(best_w)
        return self

    @available_if(lambda self: self.online is True)
    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> LeakyReLUHalfspace:
        """One streaming pass (only with ``online=True``); see :meth:`_SGDHalfspace.partial_fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            Labels.
        classes : array-like of shape (2,), optional
            Both labels (first call).

        Returns
        -------
        self
        """
        return super().partial_fit(X, y, classes=classes)


# ====================================================================== Perceptrons
class _PerceptronBase(_HalfspaceBase):
    _averaged = False

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

    def _run_pass(self, X: np.ndarray, y: np.ndarray, order: np.ndarray, shuffled: bool) -> int:
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
        max_iter = check_int(self.max_iter, "max_iter", low=1)
        shuffle = check_bool(self.shuffle, "shuffle")
        rng = as_generator(self.random_state)
        for attr in ("classes_", "w_"):
            self.__dict__.pop(attr, None)
        X, ypm, _ = self._partial_setup(X, y, None)
        n = X.shape[0]

        def run() -> None:
            for _ in range(max_iter):
                order = rng.permutation(n) if shuffle else np.arange(n)
                if self._run_pass(X, ypm, order.astype(np.int64), shuffle) == 0:
                    break

        self._guarded_passes(run, True)
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
        check_int(self.max_iter, "max_iter", low=1)
        check_bool(self.shuffle, "shuffle")
        X, ypm, first = self._partial_setup(X, y, classes)
        order = np.arange(X.shape[0], dtype=np.int64)
        self._guarded_passes(lambda: self._run_pass(X, ypm, order, False), first)
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
        As in the module docstring; ``history_["objective"]`` is the running mistake rate.
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
        As in the module docstring.
    """

    _averaged = True
