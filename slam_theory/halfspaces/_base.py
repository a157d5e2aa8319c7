"""Shared plumbing of the halfspace learners: labels, prediction, parameter checks, pass loop.

Every learner is a binary scikit-learn classifier.  Any two labels are accepted; ``classes_[0]``
is mapped to ``-1`` and ``classes_[1]`` to ``+1`` internally.  The hypothesis is a homogeneous
halfspace ``x -> sign(w . x)`` (no intercept; ``intercept_`` is a zero array for API
compatibility) with ``coef_`` of shape ``(1, d)`` in the unit ball.  Ties ``w . x = 0`` are
predicted as ``classes_[1]`` (the ``+1`` class).  Parameters are checked by scikit-learn's
``_parameter_constraints`` when ``fit`` / ``partial_fit`` is called.

``history_`` holds ``{"iteration", "objective", "coef"}`` at log-spaced iterations.
"""

from __future__ import annotations

import abc
import math
import numbers
import re
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from slam_theory._docs import fill_docstrings
from slam_theory._kernels import halfspaces as _kh
from slam_theory._validation import as_generator, reject_strings
from slam_theory.halfspaces._docstrings import TEXTS

__all__: list[str] = []

#: Accepted types of ``random_state`` (anything :func:`slam_theory._validation.as_generator`
#: takes).
RANDOM_STATE = [
    None, numbers.Integral, np.random.RandomState, np.random.Generator, np.random.SeedSequence,
]
#: ``eta`` where only the user knows it: a rate in ``[0, 1/2)``, None until given.
ETA = [Interval(numbers.Real, 0.0, 0.5, closed="left"), None]
#: A margin in ``(0, 1]`` or None.
GAMMA = [Interval(numbers.Real, 0.0, 1.0, closed="right"), None]
#: A positive finite step size or scale, or None.
POSITIVE_OR_NONE = [Interval(numbers.Real, 0.0, None, closed="neither"), None]

_EMPTY_I = np.zeros(0, dtype=np.int64)
#: The SGD kernels evaluate the per-sample loss for ``history_`` on every 8th sample only.
_LOSS_STRIDE = 8
#: Software prefetch distance (rows) of the SGD and Perceptron kernels, on every pass: the
#: per-row update chain is latency-bound, so the hardware prefetcher alone does not keep up,
#: even in order (the epoch benchmarks of ``slam-theory bench`` measure the effect).
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


def _unit(w: np.ndarray) -> np.ndarray:
    """``w`` scaled to unit length (zero stays zero)."""
    nrm = float(np.linalg.norm(w))
    return w / nrm if nrm > 0 else w


def _naming(exc: Exception, X: Any, finite: bool = True) -> Exception:
    """``exc`` with its message on one line and prefixed ``X:`` or ``y:`` if it names neither.

    scikit-learn's input checks say what is wrong (``Expected 2D array``, ``Complex data not
    supported``) but not always which argument; the culprit is found by checking ``X`` alone.
    """
    msg = " ".join(str(exc).split())
    if re.search(r"(?<![A-Za-z0-9_])[Xy](?![A-Za-z0-9_])", msg):
        return exc
    try:
        check_array(X, dtype=np.float64, ensure_all_finite=finite)
        name = "y"
    except (TypeError, ValueError):
        name = "X"
    try:
        return type(exc)(f"{name}: {msg}")
    except TypeError:  # an exception class with other constructor arguments
        return ValueError(f"{name}: {msg}")


def require(value: Any, name: str, what: str) -> Any:
    """``value`` unless it is None; else a one-line ``ValueError`` saying what to pass."""
    if value is None:
        raise ValueError(f"{name} is None: pass {name}=<{what}> to the constructor")
    return value


class _HalfspaceBase(ClassifierMixin, BaseEstimator):
    """Shared plumbing: label encoding, prediction, tags."""

    _parameter_constraints: ClassVar[dict] = {}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _validate_params(self) -> None:
        """scikit-learn's checks, and no bool where a number is expected (``max_iter=True``
        passes ``Interval(Integral, ...)``, since ``bool`` is an ``int``)."""
        for key, value in self.get_params(deep=False).items():
            allowed = self._parameter_constraints.get(key, [])
            if isinstance(value, bool | np.bool_) and not any(
                    c == "boolean" or c is bool for c in allowed):
                raise TypeError(f"The {key!r} parameter of {type(self).__name__} must be a "
                                f"number, got bool {value!r}")
        super()._validate_params()

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
            try:
                check_classification_targets(y)
            except ValueError as exc:
                raise ValueError(f"y: {' '.join(str(exc).split())}") from None
            classes = np.unique(y)
            n_cls = classes.size
        if n_cls < 2:
            raise ValueError(
                f"y: a halfspace needs samples of 2 classes; got 1 class ({classes[:1].tolist()})"
            )
        if n_cls > 2:
            y_type = type_of_target(y, input_name="y", raise_unknown=True)
            raise ValueError(
                f"y: Only binary classification is supported. The type of the target is "
                f"{y_type}."
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
        reject_strings(X, "X")  # scikit-learn would parse "0.5" as a number
        try:
            X, y = validate_data(
                self, X, y, reset=reset, dtype=np.float64, order="C", ensure_all_finite=finite
            )
        except (TypeError, ValueError) as exc:
            raise _naming(exc, X, finite) from None
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

    def _fit_labels(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Validate the data of a full-batch ``fit``; fix ``classes_``; ``y`` as ``-1 / +1``."""
        X, y = self._validate_fit(X, y, reset=True)
        self.classes_ = self._binary_classes(y)
        return X, self._encode(y)

    # ------------------------------------------------------------------ streaming learners
    def _fit_start(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
        """Start a streaming ``fit`` afresh: ``(X, y as -1 / +1, the permutations' rng)``.

        Every fitted attribute of an earlier fit is dropped first, so a fit whose data fail
        validation leaves the estimator unfitted (not a mix of old attributes without
        ``classes_``)."""
        rng = as_generator(self.random_state)
        for attr in [k for k in self.__dict__ if k.endswith("_") and not k.startswith("_")]:
            delattr(self, attr)
        X, ypm, _ = self._partial_setup(X, y, None)
        return X, ypm, rng

    def _reset_counters(self) -> None:
        self.t_ = 0
        self.n_iter_ = 0
        self.history_ = {"iteration": [], "objective": [], "coef": []}

    def _pass_buffers(self, n: int, d: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """``(t0, rec, rec_coef, rec_obj)``: the first step of a pass over ``n`` samples, the
        steps ``history_`` records in it, and the kernel's buffers for their coef and loss."""
        t0 = self.t_
        rec = _log_grid(t0, t0 + n)
        return t0, rec, np.empty((rec.shape[0], d)), np.empty(rec.shape[0])

    def _end_pass(self, t: int, xx_sum: float, rec: np.ndarray, rec_coef: np.ndarray,
                  rec_obj: np.ndarray, n_rec: int) -> None:
        """Refuse a pass that met non-finite data; count it; extend ``history_``."""
        self._check_pass_finite(xx_sum)
        self.t_ = int(t)
        self.n_iter_ += 1
        self.history_["iteration"].extend(int(v) for v in rec[:n_rec])
        self.history_["objective"].extend(float(v) for v in rec_obj[:n_rec])
        self.history_["coef"].extend(rec_coef[i].copy() for i in range(n_rec))

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

        %(X)s

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "coef_")
        reject_strings(X, "X")
        try:
            X = validate_data(self, X, reset=False, dtype=np.float64, order="C")
        except (TypeError, ValueError) as exc:
            raise _naming(exc, X) from None
        return X @ self.coef_[0]

    def predict(self, X: Any) -> np.ndarray:
        """Predict ``classes_[1]`` where ``w . x >= 0`` (ties go to ``+1``), else ``classes_[0]``.

        %(X)s

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        return self.classes_[(scores >= 0).astype(np.intp)]


def run_passes(
    est: _HalfspaceBase,
    n: int,
    max_iter: int,
    shuffle: bool,
    rng: np.random.Generator,
    one_pass: Callable[[np.ndarray], Any],
    stop: Callable[[Any], bool] | None = None,
) -> None:
    """The pass loop of every ``fit``: ``max_iter`` passes, each over a fresh permutation if
    ``shuffle`` (else in order), undone if a pass meets non-finite data; ``stop(result)`` ends
    the loop early."""

    def run() -> None:
        for _ in range(max_iter):
            order = rng.permutation(n) if shuffle else np.arange(n)
            out = one_pass(order.astype(np.int64))
            if stop is not None and stop(out):
                break

    est._guarded_passes(run, True)


POSITIVE = Interval(numbers.Real, 0.0, None, closed="neither")
SGD_CONSTRAINTS: dict = {
    "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
    "step_size": POSITIVE_OR_NONE,
    "average": ["boolean"],
    "shuffle": ["boolean"],
    "random_state": RANDOM_STATE,
}


class SGDHalfspace(_HalfspaceBase, metaclass=abc.ABCMeta):
    """Projected SGD on the unit ball for a margin loss (see the module docstring)."""

    _parameter_constraints: ClassVar[dict] = dict(SGD_CONSTRAINTS)

    @abc.abstractmethod
    def _loss_spec(self) -> tuple[int, np.ndarray, float, float]:
        """Return ``(loss_id, params[4], scale, default_step_size)``; validates parameters."""

    def _fit_schedule(self) -> str:
        """Step schedule of ``fit``: ``"invsqrt"`` (``lr0 / sqrt(t)``) unless overridden."""
        return "invsqrt"

    def _init_state(self, d: int) -> None:
        self.w_ = np.zeros(d)
        self.wsum_ = np.zeros(d)
        self._reset_counters()

    def _run_pass(self, X, y, order, spec, lr0, avg, decay: bool = True) -> None:
        loss_id, params, scale, _ = spec
        t0, rec, rec_coef, rec_obj = self._pass_buffers(order.shape[0], X.shape[1])
        t, _, _, n_rec, xx_sum = _kh.sgd_pass(
            X, y, order, self.w_, self.wsum_, loss_id, params, scale, lr0, t0, 1.0, avg,
            _LOSS_STRIDE, _PREFETCH, rec, rec_coef, rec_obj, decay,
        )
        self._end_pass(t, xx_sum, rec, rec_coef, rec_obj, n_rec)
        self._set_coef(self.wsum_ / self.t_ if avg else self.w_)

    def fit(self, X: Any, y: Any) -> SGDHalfspace:
        """Fit by ``max_iter`` passes of projected SGD.

        %(fit)s
        """
        self._validate_params()
        spec = self._loss_spec()
        X, ypm, rng = self._fit_start(X, y)
        lr0 = self.step_size if self.step_size is not None else spec[3]
        n = X.shape[0]
        decay = self._fit_schedule() == "invsqrt"
        if not decay:  # fixed horizon T = n * max_iter: constant step lr0 / sqrt(T)
            lr0 = lr0 / np.sqrt(float(n) * self.max_iter)
        avg = bool(self.average)
        run_passes(self, n, self.max_iter, bool(self.shuffle), rng,
                   lambda order: self._run_pass(X, ypm, order, spec, lr0, avg, decay))
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> SGDHalfspace:
        """Exactly one pass of projected SGD over ``(X, y)`` in the given order.

        %(partial_fit)s
        """
        self._validate_params()
        spec = self._loss_spec()
        X, ypm, first = self._partial_setup(X, y, classes)
        lr0 = self.step_size if self.step_size is not None else spec[3]
        order = np.arange(X.shape[0], dtype=np.int64)
        avg = bool(self.average)
        self._guarded_passes(lambda: self._run_pass(X, ypm, order, spec, lr0, avg), first)
        return self


fill_docstrings(globals(), TEXTS)
