"""SLaM: Student-Label Mixing for distillation with unlabeled examples (Kontonis et al. 2023).

Setting: a teacher, trained on a small labeled set ``L``, gives soft pseudo-labels ``y_s(x)``
on a large unlabeled set ``U``; a student is trained on them.  The teacher's labels are noisy.
SLaM trains the student ``f(x)`` (a probability vector) with the cross-entropy between the
teacher's label and the *mixed* student prediction

    mix(f; alpha, k, y_s) = alpha f + (1 - alpha) (1 - f) * top(y_s; k)

(Remark B.1 of the paper, the form used in its experiments), where ``alpha(x)`` estimates the
probability that the teacher's top-1 label is correct at ``x`` and ``top(y_s; k)`` is the 0/1
mask of the teacher's ``k`` largest classes.  The main-text form divides the second term by
``k - 1`` (the *normalised* form).

What is from the paper and what is reconstructed
------------------------------------------------
* From the paper (quoted Remark B.1): the un-normalised top-k mix above.
* Reconstructed (the paper's details were not reachable, see ``notes/paper.md``):
  ``alpha(x)`` by isotonic regression of the teacher's top-1 correctness on its margin (top-1
  minus top-2 probability) over a labeled validation set ``V``; ``k`` as the smallest ``k``
  whose top-k coverage on ``V`` reaches ``coverage`` (0.9); the labeled set trained with plain
  cross-entropy in the same minibatches; the baselines' exact hyper-parameters.
* Measured rather than assumed: whether the loss targets the teacher's soft label or its top-1
  one-hot label (``target``), and the normalised vs un-normalised mix (``mixing``).  The
  defaults (``target="hard", mixing="topk"``) measured best: mean test-accuracy gain over
  vanilla distillation across 7 settings (digits |L| = 30/60/120 with a random-forest teacher;
  Gaussian mixtures with 10 and 100 classes, 3 and 10 labels per class, LDA teacher; 4 seeds
  each, logistic student): hard/top-k +2.3 points, hard/normalised +1.4, soft/normalised +0.7,
  soft/top-k +0.4.  Hard/top-k won on digits and on 10 classes but lost 0.7-2 points on
  100 classes with a weak (40-60%) teacher, where most ``alpha(x) < 1/2`` (see
  ``alpha_min``).
* Note: with the hard target and the un-normalised top-k mix, only the teacher's top-1 class
  ``t`` has a non-zero target and ``t`` is always in its own top-k, so the loss is
  ``-log(alpha f_t + (1 - alpha)(1 - f_t))`` whatever ``k``: ``k(x)`` matters only for soft
  targets or the normalised mix (measured: identical accuracies for coverage 0.8/0.9/0.95
  and per-bin ``k``).
* Reconstructed guard ``alpha_min``: ``alpha`` is clipped from below (1/2 for the top-k mix),
  because for smaller ``alpha`` the mix rewards moving probability *off* the teacher's label
  (see :class:`SLaMStudent`).

Numerics: a mixed probability ``m`` is clipped at :data:`FLOOR` (``1e-12``) before its log,
except where the mix is a pure multiple of ``f`` (e.g. plain cross-entropy, or classes outside
the top-k mask), where the log is taken in log space and never clips.  Gradients are the exact
gradients of the clipped loss (zero through a clipped coordinate).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from slam_theory._kernels import students as _k
from slam_theory._validation import (
    as_generator,
    check_choice,
    check_finite_array,
    check_in_range,
    check_int,
    check_proba_matrix,
)

__all__ = [
    "FLOOR",
    "LOSSES",
    "AlphaFunction",
    "BinnedK",
    "SLaMStudent",
    "estimate_alpha",
    "estimate_k",
    "estimate_transition_matrix",
    "mix",
    "slam_loss",
    "teacher_margin",
    "topk_mask",
]

#: Clip applied to a mixed probability before taking its log.
FLOOR: float = _k.FLOOR

LOSSES = ("slam", "distill", "hard", "weighted", "forward", "taylor", "threshold", "ups",
          "cleanlab")
_NEEDS_VAL = ("slam", "weighted", "forward", "threshold")


# ------------------------------------------------------------------------------------------
# small helpers
# ------------------------------------------------------------------------------------------
def teacher_margin(proba: Any) -> np.ndarray:
    """Top-1 minus top-2 probability of each row of a probability matrix.

    Parameters
    ----------
    proba : array-like of shape (n, K)
        Rows of class probabilities.

    Returns
    -------
    ndarray of shape (n,)
    """
    P = check_proba_matrix(proba, "proba")
    part = np.partition(P, P.shape[1] - 2, axis=1)
    return part[:, -1] - part[:, -2]


def _as_k_array(k: Any, n: int, K: int, name: str = "k") -> np.ndarray:
    if np.ndim(k) == 0:
        kk = np.full(n, check_int(k, name, low=1, high=K), dtype=np.int64)
    else:
        arr = np.asarray(k)
        if arr.shape != (n,):
            raise ValueError(f"{name} must be an int or have shape ({n},), got {arr.shape}")
        if not np.all(np.mod(arr, 1) == 0):
            raise ValueError(f"{name} must contain integers")
        kk = arr.astype(np.int64)
        if kk.min() < 1 or kk.max() > K:
            raise ValueError(f"{name} must be in [1, {K}], got range [{kk.min()}, {kk.max()}]")
    return kk


def topk_mask(proba: Any, k: Any) -> np.ndarray:
    """0/1 mask of each row's ``k`` largest entries (ties broken towards the lower index).

    Parameters
    ----------
    proba : array-like of shape (n, K)
        Teacher probabilities.
    k : int or array-like of int, shape (n,)
        Number of classes kept per row, in ``[1, K]``.

    Returns
    -------
    ndarray of float64, shape (n, K)
    """
    P = check_finite_array(proba, "proba", ndim=2)
    n, K = P.shape
    kk = _as_k_array(k, n, K)
    order = np.argsort(-P, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(K)[None, :].repeat(n, axis=0), axis=1)
    return (ranks < kk[:, None]).astype(np.float64)


def _as_alpha(alpha: Any, n: int, name: str = "alpha") -> np.ndarray:
    if np.ndim(alpha) == 0:
        return np.full(n, check_in_range(alpha, name, 0.0, 1.0))
    a = check_finite_array(alpha, name, ndim=1)
    if a.shape[0] != n:
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got {a.shape}")
    if np.any(a < 0) or np.any(a > 1):
        raise ValueError(f"{name} must be in [0, 1]")
    return a


def _mix_coefficients(
    n: int, K: int, k: Any, teacher: np.ndarray | None, normalize: bool
) -> np.ndarray:
    """``C`` with ``mix = alpha f + (1 - alpha) C (1 - f)`` elementwise."""
    kk = _as_k_array(K if k is None else k, n, K)
    C = np.ones((n, K)) if teacher is None else topk_mask(teacher, kk)
    if normalize:
        C /= np.maximum(kk - 1, 1)[:, None]
    return C


# ------------------------------------------------------------------------------------------
# the mixing operation and the SLaM loss
# ------------------------------------------------------------------------------------------
def mix(
    f: Any,
    alpha: Any,
    k: Any = None,
    teacher: Any = None,
    normalize: bool = True,
) -> np.ndarray:
    """The SLaM mixing operation, vectorised over a batch.

    * ``teacher=None, normalize=True``:  ``alpha f + (1 - alpha)(1 - f) / (k - 1)`` on every
      class (``k`` defaults to ``K``; with ``k = K`` this is the forward correction for
      symmetric noise), the normalised form of DESIGN.md section 4.
    * ``teacher`` given, ``normalize=False``: ``alpha f + (1 - alpha)(1 - f) * top(teacher; k)``,
      the un-normalised top-k form used in the paper's experiments (Remark B.1).
    * ``teacher`` given, ``normalize=True``: the same, with the second term divided by
      ``k - 1`` (the normalised top-k form; for ``k = 1`` the divisor is taken as 1).
    * ``teacher=None, normalize=False``: ``alpha f + (1 - alpha)(1 - f)`` on every class.

    Binary case: a 1-d ``f`` is read as ``P(class 1)`` and the result is
    ``alpha f + (1 - alpha)(1 - f)`` (``k``, ``teacher`` and ``normalize`` are then ignored;
    it equals the 2-class normalised form).

    Parameters
    ----------
    f : array-like of shape (n, K) or (n,)
        Student probabilities (rows summing to 1), or ``P(class 1)`` in the binary case.
    alpha : float or array-like of shape (n,)
        Mixing weights in ``[0, 1]`` (estimated probability that the teacher is right).
    k : int or array-like of int, shape (n,), optional
        Number of classes in the mix, in ``[1, K]``; default ``K``.
    teacher : array-like of shape (n, K), optional
        Teacher probabilities whose top-``k`` classes receive the ``(1 - alpha)`` term.
    normalize : bool, default True
        Divide the second term by ``k - 1``.

    Returns
    -------
    ndarray
        Same shape as ``f``.  Note that the un-normalised top-k mix need not sum to 1.
    """
    if not isinstance(normalize, bool | np.bool_):
        raise TypeError("normalize must be a bool")
    if np.ndim(f) == 1:
        p = check_finite_array(f, "f", ndim=1)
        if np.any(p < 0) or np.any(p > 1):
            raise ValueError("f must be in [0, 1]")
        a = _as_alpha(alpha, p.shape[0])
        return a * p + (1.0 - a) * (1.0 - p)
    F = check_proba_matrix(f, "f")
    n, K = F.shape
    a = _as_alpha(alpha, n)
    T = None
    if teacher is not None:
        T = check_proba_matrix(teacher, "teacher")
        if T.shape != F.shape:
            raise ValueError(f"teacher must have shape {F.shape} (as f), got {T.shape}")
    C = _mix_coefficients(n, K, k, T, bool(normalize))
    return a[:, None] * F + (1.0 - a)[:, None] * (1.0 - F) * C


def _softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def _targets(teacher: np.ndarray, target: str) -> np.ndarray:
    if target == "soft":
        return np.ascontiguousarray(teacher, dtype=np.float64)
    Y = np.zeros_like(teacher, dtype=np.float64)
    Y[np.arange(teacher.shape[0]), np.argmax(teacher, axis=1)] = 1.0
    return Y


def slam_loss(
    logits: Any,
    teacher_proba: Any,
    alpha: Any,
    k: Any = None,
    *,
    target: str = "soft",
    mixing: str = "topk",
) -> tuple[np.ndarray, np.ndarray]:
    """Per-example SLaM loss and its exact gradient w.r.t. the student's logits.

    ``loss_i = -sum_j y_ij log max(m_ij, FLOOR)`` with ``m_i = mix(softmax(logits_i))`` and
    ``y_i`` the teacher's soft label (``target="soft"``) or its top-1 one-hot (``"hard"``).
    Writing ``m_j = a_j + b_j f_j`` (``a_j = (1 - alpha) c_j``, ``b_j = alpha - a_j``, ``c_j``
    the top-k mask, divided by ``k - 1`` if normalised), the gradient is
    ``dL/dz_i = -y_i r_i + f_i sum_j y_j r_j`` with ``r_j = b_j f_j / m_j`` (0 where clipped).

    Parameters
    ----------
    logits : array-like of shape (n, K)
    teacher_proba : array-like of shape (n, K)
        Teacher probabilities (targets and top-k mask).
    alpha : float or array-like of shape (n,)
    k : int or array-like of int, optional
        Default ``K`` (the mask is then all ones).
    target : {"soft", "hard"}, default "soft"
    mixing : {"topk", "normalized"}, default "topk"
        Un-normalised (Remark B.1) or normalised top-k mix.

    Returns
    -------
    loss : ndarray of shape (n,)
    grad : ndarray of shape (n, K)
    """
    Z = check_finite_array(logits, "logits", ndim=2)
    P = check_proba_matrix(teacher_proba, "teacher_proba")
    if P.shape != Z.shape:
        raise ValueError(f"teacher_proba must have shape {Z.shape} (as logits), got {P.shape}")
    check_choice(target, "target", ("soft", "hard"))
    check_choice(mixing, "mixing", ("topk", "normalized"))
    n, K = Z.shape
    a = _as_alpha(alpha, n)
    C = _mix_coefficients(n, K, k, P, mixing == "normalized")
    Y = _targets(P, target)
    loss = np.empty(n)
    grad = np.empty((n, K))
    kinds = np.zeros(n, dtype=np.int64)
    _k.batch_loss_grad(Z, Y, a, C, np.eye(K), kinds, loss, grad)
    return loss, grad


# ------------------------------------------------------------------------------------------
# estimating alpha(x) and k(x) on the validation set
# ------------------------------------------------------------------------------------------
def _check_val(teacher_proba_val: Any, y_val: Any) -> tuple[np.ndarray, np.ndarray]:
    P = check_proba_matrix(teacher_proba_val, "teacher_proba_val")
    y = np.asarray(y_val)
    if y.ndim != 1 or y.shape[0] != P.shape[0]:
        raise ValueError(
            f"y_val must have shape ({P.shape[0]},) (one label per row of teacher_proba_val), "
            f"got {y.shape}"
        )
    if not (np.issubdtype(y.dtype, np.integer) or
            (np.issubdtype(y.dtype, np.floating) and np.all(np.mod(y, 1) == 0))):
        raise ValueError(f"y_val must contain integer class indices, got dtype {y.dtype}")
    y = y.astype(np.int64)
    K = P.shape[1]
    if y.min() < 0 or y.max() >= K:
        raise ValueError(f"y_val must contain classes in [0, {K - 1}] (the columns of "
                         f"teacher_proba_val), got range [{y.min()}, {y.max()}]")
    if np.unique(y).size < 2:
        raise ValueError("y_val contains only one class; the validation set needs >= 2 classes")
    return P, y


class AlphaFunction:
    """``alpha(proba)``: isotonic map from the teacher's margin to its top-1 accuracy.

    Returned by :func:`estimate_alpha`; picklable.

    Attributes
    ----------
    isotonic_ : sklearn.isotonic.IsotonicRegression
        Fitted on (margin, 1[top-1 correct]) over the validation set.
    """

    def __init__(self, isotonic: IsotonicRegression) -> None:
        self.isotonic_ = isotonic

    def from_margin(self, margin: Any) -> np.ndarray:
        """Estimated accuracy at the given margins (clipped to ``[0, 1]``)."""
        m = check_finite_array(margin, "margin", ndim=1, allow_empty=True)
        return np.clip(self.isotonic_.predict(m), 0.0, 1.0)

    def __call__(self, proba: Any) -> np.ndarray:
        """Estimated accuracy ``alpha(x)`` for teacher probabilities ``proba`` (n, K)."""
        return self.from_margin(teacher_margin(proba))


def estimate_alpha(teacher_proba_val: Any, y_val: Any) -> AlphaFunction:
    """Estimate ``alpha(x) = P(teacher's top-1 is correct | x)`` from a labeled validation set.

    Isotonic regression (``increasing=True, out_of_bounds="clip", y_min=0, y_max=1``) of
    ``1[argmax teacher == y]`` on the teacher's margin (top-1 minus top-2 probability).  The
    estimator is this package's reconstruction (the paper's was not reachable).

    Parameters
    ----------
    teacher_proba_val : array-like of shape (n_val, K)
    y_val : array-like of int, shape (n_val,)
        True classes in ``0..K-1``; at least two distinct classes.

    Returns
    -------
    AlphaFunction
        Callable ``alpha(proba) -> ndarray (n,)`` in ``[0, 1]``, non-decreasing in the margin.
    """
    P, y = _check_val(teacher_proba_val, y_val)
    correct = (np.argmax(P, axis=1) == y).astype(np.float64)
    part = np.partition(P, P.shape[1] - 2, axis=1)
    margin = part[:, -1] - part[:, -2]
    iso = IsotonicRegression(increasing=True, out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(margin, correct)
    return AlphaFunction(iso)


def _smallest_k(ranks_of_truth: np.ndarray, coverage: float, K: int) -> int:
    """Smallest k with mean(rank < k) >= coverage (ranks are 0-based)."""
    counts = np.bincount(ranks_of_truth, minlength=K).cumsum() / ranks_of_truth.shape[0]
    return int(min(np.searchsorted(counts, coverage - 1e-12) + 1, K))


class BinnedK:
    """``k(proba)``: per-margin-bin top-k size, returned by :func:`estimate_k` with ``n_bins``.

    Attributes
    ----------
    edges_ : ndarray
        Inner bin edges on the margin (quantiles of the validation margins).
    ks_ : ndarray of int
        ``k`` in each of the ``len(edges_) + 1`` bins.
    """

    def __init__(self, edges: np.ndarray, ks: np.ndarray) -> None:
        self.edges_ = edges
        self.ks_ = ks

    def __call__(self, proba: Any) -> np.ndarray:
        """Per-example ``k`` for teacher probabilities ``proba`` (n, K)."""
        return self.ks_[np.searchsorted(self.edges_, teacher_margin(proba), side="right")]


def estimate_k(
    teacher_proba_val: Any,
    y_val: Any,
    coverage: float = 0.9,
    n_bins: int | None = None,
) -> int | BinnedK:
    """Smallest ``k`` such that the true label is in the teacher's top-``k`` on ``>= coverage``
    of the validation set.

    Parameters
    ----------
    teacher_proba_val : array-like of shape (n_val, K)
    y_val : array-like of int, shape (n_val,)
    coverage : float in (0, 1], default 0.9
    n_bins : int, optional
        If given, the validation set is split into ``n_bins`` equal-count bins of the teacher's
        margin and ``k`` is chosen per bin (reconstruction of the paper's ``k(x)``).

    Returns
    -------
    int or BinnedK
        An ``int`` (global ``k``) if ``n_bins`` is None, else a callable
        ``k(proba) -> ndarray of int`` (per-example ``k``).
    """
    P, y = _check_val(teacher_proba_val, y_val)
    coverage = check_in_range(coverage, "coverage", 0.0, 1.0, low_inclusive=False)
    K = P.shape[1]
    order = np.argsort(-P, axis=1, kind="stable")
    rank = np.argmax(order == y[:, None], axis=1)
    if n_bins is None:
        return _smallest_k(rank, coverage, K)
    n_bins = check_int(n_bins, "n_bins", low=1, high=P.shape[0])
    part = np.partition(P, K - 2, axis=1)
    margin = part[:, -1] - part[:, -2]
    edges = np.unique(np.quantile(margin, np.linspace(0, 1, n_bins + 1)[1:-1]))
    idx = np.searchsorted(edges, margin, side="right")
    ks = np.array([
        _smallest_k(rank[idx == b], coverage, K) if np.any(idx == b) else _smallest_k(
            rank, coverage, K)
        for b in range(edges.shape[0] + 1)
    ], dtype=np.int64)
    return BinnedK(edges, ks)


def estimate_transition_matrix(
    teacher_proba_val: Any, y_val: Any, smoothing: float = 1.0
) -> np.ndarray:
    """Row-stochastic ``T[i, j] = P(teacher top-1 = j | true = i)`` estimated on ``V``.

    Each row is ``(counts_i + s T0_i) / (n_i + s)`` with ``T0`` the symmetric-noise matrix at
    the teacher's overall validation accuracy (so rows of classes rarely seen in ``V`` fall back
    to symmetric noise rather than to uniform) and ``s = smoothing`` pseudo-examples.

    Returns
    -------
    ndarray of shape (K, K)
    """
    P, y = _check_val(teacher_proba_val, y_val)
    s = check_in_range(smoothing, "smoothing", 0.0, math.inf, high_inclusive=False)
    K = P.shape[1]
    top = np.argmax(P, axis=1)
    counts = np.zeros((K, K))
    np.add.at(counts, (y, top), 1.0)
    acc = float(np.mean(top == y))
    T0 = np.full((K, K), (1.0 - acc) / (K - 1))
    np.fill_diagonal(T0, acc)
    n_i = counts.sum(axis=1, keepdims=True)
    T = (counts + s * T0) / np.maximum(n_i + s, 1e-300)
    T[n_i[:, 0] + s == 0] = T0[n_i[:, 0] + s == 0]
    return T


# ------------------------------------------------------------------------------------------
# the student estimator
# ------------------------------------------------------------------------------------------
class SLaMStudent(ClassifierMixin, BaseEstimator):
    """Student trained on a teacher's pseudo-labels with SLaM or a baseline loss.

    Models: multinomial logistic regression or a one-hidden-layer ReLU MLP, trained by
    minibatch Adam (or plain SGD) in Numba kernels; the minibatch order is drawn each epoch
    from a numpy Generator seeded by ``random_state``.

    Losses on the unlabeled set ``U`` (teacher probabilities ``P``):

    ``"slam"``      cross-entropy between the teacher's label (``target``) and
                    ``mix(f; alpha(x), k(x), P)`` (``mixing="topk"``: Remark B.1,
                    un-normalised; ``"normalized"``: divided by ``k - 1``).  ``alpha`` by
                    :func:`estimate_alpha`, ``k`` by :func:`estimate_k` (``coverage``,
                    ``k_bins``) on the validation set.
    ``"distill"``   cross-entropy to the soft labels ``P`` (vanilla distillation).
    ``"hard"``      cross-entropy to the teacher's top-1 label.
    ``"weighted"``  cross-entropy to ``target``, example ``i`` weighted by
                    ``alpha(x_i) / mean_U alpha`` (a simplified reading of Iliopoulos et al.
                    2022: weight by estimated teacher accuracy).
    ``"forward"``   Patrini forward correction ``-log (T^T f)`` with one global
                    row-stochastic ``T`` from :func:`estimate_transition_matrix` on ``V``.
    ``"taylor"``    Taylor cross-entropy of order ``t = 2`` (Feng et al. IJCAI 2020):
                    ``(1 - f_y) + (1 - f_y)^2 / 2`` (averaged over ``target``).
    ``"threshold"`` hard pseudo-labels of examples whose teacher margin is ``>= tau``; ``tau``
                    maximises (#correct - #wrong) kept pseudo-labels on ``V`` over the
                    ``0, 0.05, ..., 0.9`` quantiles of the validation margins.
    ``"ups"``       UPS-style selection (Rizve et al. 2021): hard pseudo-labels whose
                    confidence is ``>= ups_tau`` and whose uncertainty (std across the members
                    of ``teacher_proba_ensemble`` of the top-1 class probability) is
                    ``<= ups_kappa``; without an ensemble only the confidence test is applied.
                    If fewer than 10% of ``U`` pass, the 10% most confident are kept.
                    Negative pseudo-labels are not used.
    ``"cleanlab"``  hard pseudo-labels minus those flagged by
                    ``cleanlab.filter.find_label_issues`` (``pred_probs`` out-of-fold from a
                    3-fold scikit-learn logistic regression on ``U``); needs cleanlab.

    ``target`` applies to slam, weighted, forward and taylor; distill is always soft, and
    hard/threshold/ups/cleanlab always hard.  The labeled set ``L`` (if given) is concatenated
    to ``U`` with its true one-hot labels, plain cross-entropy and weight ``labeled_weight``;
    minibatches are drawn from the union.

    ``fit(X, y)`` with class labels ``y`` (no teacher) trains the model with plain
    cross-entropy on ``y`` (every loss reduces to it when the teacher is always right, except
    ``"taylor"``, which stays Taylor-CE); this makes the estimator a standard scikit-learn
    classifier (it passes ``check_estimator``).

    Parameters
    ----------
    model : {"logistic", "mlp"}, default "logistic"
    loss : str, default "slam"
        One of ``"slam", "distill", "hard", "weighted", "forward", "taylor", "threshold",
        "ups", "cleanlab"``.
    target : {"soft", "hard"}, default "hard"
        Target of the SLaM loss: the teacher's soft label or its top-1 one-hot label
        (default measured best: see the module docstring).
    mixing : {"topk", "normalized"}, default "topk"
    hidden : int, default 64
        Hidden units of the MLP.
    optimizer : {"adam", "sgd"}, default "adam"
    lr : float, default 0.01
    epochs : int, default 30
    batch_size : int, default 64
    l2 : float, default 1e-4
        L2 penalty on the weights (not the biases), added to the minibatch gradient.
    labeled_weight : float, default 1.0
    coverage : float, default 0.9
        Top-k coverage that defines ``k`` for SLaM.
    k_bins : int, optional
        Per-margin-bin ``k(x)`` (see :func:`estimate_k`); default one global ``k``.
    alpha_min : float or "auto", default "auto"
        SLaM uses ``max(alpha(x), alpha_min)``.  Below ``alpha = 1/2`` the un-normalised mix
        of the teacher's top-1 class decreases with the student's probability of it (below
        ``1/k`` for the normalised mix), so the loss rewards moving mass *off* the teacher's
        label, to any class (also outside the top-k): the student then learns to be wrong
        (measured: accuracy near 0 with a simulated 40%-accurate teacher).  Clipping makes
        such examples carry no top-1 signal instead.  ``"auto"``: 1/2 for ``mixing="topk"``,
        ``1/k`` for ``"normalized"``.  Not from the paper (reconstruction); ``0`` gives the
        raw estimate.
    ups_tau, ups_kappa : float, default 0.7, 0.05
        UPS confidence and uncertainty thresholds.
    random_state : None, int, SeedSequence, Generator or RandomState

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    coef_, intercept_ : ndarray
        Logistic model only: ``(d, K)`` weights and ``(K,)`` biases.
    alpha_fn_ : AlphaFunction or None
    k_ : int, BinnedK or None
    T_ : ndarray or None
        Forward-correction matrix.
    threshold_ : float or None
    n_used_ : int
        Unlabeled examples used (after any selection).
    history_ : dict
        ``{"iteration": [1..epochs], "objective": [...]}``: the weighted mean loss over the
        epoch (each example evaluated before its minibatch update) plus the L2 term.  No
        coefficient trajectory is stored (MLP parameters are large).
    """

    def __init__(
        self,
        model: str = "logistic",
        loss: str = "slam",
        target: str = "hard",
        mixing: str = "topk",
        hidden: int = 64,
        optimizer: str = "adam",
        lr: float = 0.01,
        epochs: int = 30,
        batch_size: int = 64,
        l2: float = 1e-4,
        labeled_weight: float = 1.0,
        coverage: float = 0.9,
        k_bins: int | None = None,
        alpha_min: float | str = "auto",
        ups_tau: float = 0.7,
        ups_kappa: float = 0.05,
        random_state: Any = None,
    ) -> None:
        self.model = model
        self.loss = loss
        self.target = target
        self.mixing = mixing
        self.hidden = hidden
        self.optimizer = optimizer
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.l2 = l2
        self.labeled_weight = labeled_weight
        self.coverage = coverage
        self.k_bins = k_bins
        self.alpha_min = alpha_min
        self.ups_tau = ups_tau
        self.ups_kappa = ups_kappa
        self.random_state = random_state

    # -- parameters -----------------------------------------------------------------------
    def _check_params(self) -> None:
        check_choice(self.model, "model", ("logistic", "mlp"))
        check_choice(self.loss, "loss", LOSSES)
        check_choice(self.target, "target", ("soft", "hard"))
        check_choice(self.mixing, "mixing", ("topk", "normalized"))
        check_choice(self.optimizer, "optimizer", ("adam", "sgd"))
        check_int(self.hidden, "hidden", low=1)
        check_int(self.epochs, "epochs", low=1)
        check_int(self.batch_size, "batch_size", low=1)
        check_in_range(self.lr, "lr", 0.0, math.inf, low_inclusive=False, high_inclusive=False)
        check_in_range(self.l2, "l2", 0.0, math.inf, high_inclusive=False)
        check_in_range(self.labeled_weight, "labeled_weight", 0.0, math.inf,
                       high_inclusive=False)
        check_in_range(self.coverage, "coverage", 0.0, 1.0, low_inclusive=False)
        if self.k_bins is not None:
            check_int(self.k_bins, "k_bins", low=1)
        if not (isinstance(self.alpha_min, str) and self.alpha_min == "auto"):
            check_in_range(self.alpha_min, "alpha_min", 0.0, 1.0)
        check_in_range(self.ups_tau, "ups_tau", 0.0, 1.0)
        check_in_range(self.ups_kappa, "ups_kappa", 0.0, math.inf, high_inclusive=False)

    # -- fit --------------------------------------------------------------------------------
    def fit(
        self,
        X: Any,
        y: Any = None,
        X_labeled: Any = None,
        y_labeled: Any = None,
        *,
        teacher_proba: Any = None,
        teacher_proba_val: Any = None,
        y_val: Any = None,
        teacher_proba_ensemble: Any = None,
    ) -> SLaMStudent:
        """Train the student.

        Parameters
        ----------
        X : array-like of shape (n_unlabeled, d)
            Unlabeled examples ``U`` (or, in supervised use, the training examples).
        y : array-like
            Either the teacher's probabilities on ``U``, shape ``(n_unlabeled, K)`` (same as
            ``teacher_proba``), or class labels of shape ``(n,)`` for plain supervised
            training.
        X_labeled : array-like of shape (n_labeled, d), optional
            Labeled set ``L`` (trained with its true labels and cross-entropy).
        y_labeled : array-like of int, shape (n_labeled,), optional
            Classes ``0..K-1`` (the columns of the teacher's probabilities).
        teacher_proba : array-like of shape (n_unlabeled, K), optional
            Keyword alias of ``y`` for the teacher's probabilities.
        teacher_proba_val, y_val : array-like, optional
            Teacher probabilities and true classes on the validation set ``V``; required by
            the losses slam, weighted, forward and threshold.
        teacher_proba_ensemble : array-like of shape (m, n_unlabeled, K), optional
            Probabilities of ``m`` ensemble members (for ``loss="ups"``).

        Returns
        -------
        self
        """
        self._check_params()
        if y is None and teacher_proba is None:
            raise ValueError("SLaMStudent requires y to be passed, but the target y is None "
                             "(pass the teacher's probabilities or class labels)")
        if y is not None and teacher_proba is not None:
            raise ValueError("pass only one of y and teacher_proba (they are aliases)")
        yy = teacher_proba if y is None else y
        if hasattr(X, "__len__") and len(X) == 0:
            raise ValueError("X (the unlabeled set) must not be empty")
        arr = np.asarray(yy) if not hasattr(yy, "dtype") else yy
        supervised = np.ndim(arr) == 1 or (np.ndim(arr) == 2 and np.shape(arr)[1] == 1) or (
            getattr(arr, "dtype", np.dtype(float)).kind in "OUS")
        if supervised:
            return self._fit_supervised(X, yy)
        return self._fit_distill(X, yy, X_labeled, y_labeled, teacher_proba_val, y_val,
                                 teacher_proba_ensemble)

    def _fit_supervised(self, X: Any, y: Any) -> SLaMStudent:
        X, y = validate_data(self, X, y, dtype=np.float64, order="C")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        classes, y_enc = np.unique(y, return_inverse=True)
        if classes.shape[0] < 2:
            raise ValueError("SLaMStudent needs samples of at least 2 classes in the data, "
                             f"got 1 class: {classes[0]!r}")
        self.classes_ = classes
        K = classes.shape[0]
        n = X.shape[0]
        Y = np.zeros((n, K))
        Y[np.arange(n), y_enc] = 1.0
        kind = _k.TAYLOR if self.loss == "taylor" else _k.MIXED_CE
        self.alpha_fn_ = None
        self.k_ = None
        self.T_ = None
        self.threshold_ = None
        self.n_used_ = n
        self._train(X, Y, np.ones(n), np.zeros((n, K)), np.eye(K),
                    np.full(n, kind, dtype=np.int64), np.ones(n))
        return self

    def _fit_distill(
        self,
        X: Any,
        teacher_proba: Any,
        X_labeled: Any,
        y_labeled: Any,
        teacher_proba_val: Any,
        y_val: Any,
        teacher_proba_ensemble: Any,
    ) -> SLaMStudent:
        X = validate_data(self, X, dtype=np.float64, order="C")
        P = check_proba_matrix(teacher_proba, "teacher_proba")
        n, K = P.shape
        if n != X.shape[0]:
            raise ValueError(f"teacher_proba must have one row per row of X ({X.shape[0]}), "
                             f"got {n}")
        self.classes_ = np.arange(K)
        loss = self.loss
        has_val = teacher_proba_val is not None or y_val is not None
        if has_val:
            if teacher_proba_val is None or y_val is None:
                raise ValueError("teacher_proba_val and y_val must be given together")
            Pv, yv = _check_val(teacher_proba_val, y_val)
            if Pv.shape[1] != K:
                raise ValueError(f"teacher_proba_val must have {K} columns (as teacher_proba), "
                                 f"got {Pv.shape[1]}")
        elif loss in _NEEDS_VAL:
            raise ValueError(f"loss={loss!r} needs a labeled validation set: pass "
                             "teacher_proba_val and y_val")
        XL = YL = None
        if (X_labeled is None) != (y_labeled is None):
            raise ValueError("X_labeled and y_labeled must be given together")
        if X_labeled is not None:
            XL = check_array(X_labeled, dtype=np.float64, order="C", input_name="X_labeled")
            if XL.shape[1] != X.shape[1]:
                raise ValueError(f"X_labeled must have {X.shape[1]} features (as X), "
                                 f"got {XL.shape[1]}")
            yl = np.asarray(y_labeled)
            if yl.ndim != 1 or yl.shape[0] != XL.shape[0]:
                raise ValueError(f"y_labeled must have shape ({XL.shape[0]},), got {yl.shape}")
            if not np.all(np.mod(yl, 1) == 0) or yl.min() < 0 or yl.max() >= K:
                raise ValueError(f"y_labeled must contain integer classes in [0, {K - 1}]")
            YL = np.zeros((XL.shape[0], K))
            YL[np.arange(XL.shape[0]), yl.astype(np.int64)] = 1.0

        alpha = np.ones(n)
        C = np.zeros((n, K))
        T = np.eye(K)
        kinds = np.full(n, _k.MIXED_CE, dtype=np.int64)
        w = np.ones(n)
        target = self.target
        self.alpha_fn_ = None
        self.k_ = None
        self.T_ = None
        self.threshold_ = None
        if has_val:
            self.alpha_fn_ = estimate_alpha(Pv, yv)
        if loss == "slam":
            self.k_ = estimate_k(Pv, yv, self.coverage, self.k_bins)
            kk = self.k_ if isinstance(self.k_, int) else self.k_(P)
            if isinstance(self.alpha_min, str):  # "auto"
                floor = (0.5 if self.mixing == "topk"
                         else 1.0 / np.maximum(np.asarray(kk, dtype=np.float64), 2.0))
            else:
                floor = float(self.alpha_min)
            alpha = np.maximum(self.alpha_fn_(P), floor)
            C = _mix_coefficients(n, K, kk, P, self.mixing == "normalized")
        elif loss == "distill":
            target = "soft"
        elif loss == "hard":
            target = "hard"
        elif loss == "weighted":
            a = self.alpha_fn_(P)
            w = a / a.mean() if a.mean() > 0 else np.ones(n)
        elif loss == "forward":
            self.T_ = T = estimate_transition_matrix(Pv, yv)
            kinds[:] = _k.FORWARD
        elif loss == "taylor":
            kinds[:] = _k.TAYLOR
        elif loss == "threshold":
            target = "hard"
            self.threshold_ = _tune_threshold(Pv, yv)
            w = (teacher_margin(P) >= self.threshold_).astype(np.float64)
        elif loss == "ups":
            target = "hard"
            w = _ups_select(P, teacher_proba_ensemble, self.ups_tau, self.ups_kappa)
        elif loss == "cleanlab":
            target = "hard"
            w = _cleanlab_select(X, P, self.random_state)
        Y = _targets(P, target)
        self.n_used_ = int(np.count_nonzero(w))
        if XL is not None:
            nl = XL.shape[0]
            X = np.vstack([X, XL])
            Y = np.vstack([Y, YL])
            alpha = np.concatenate([alpha, np.ones(nl)])
            C = np.vstack([C, np.zeros((nl, K))])
            kinds = np.concatenate([kinds, np.full(nl, _k.MIXED_CE, dtype=np.int64)])
            w = np.concatenate([w, np.full(nl, float(self.labeled_weight))])
        self._train(X, Y, alpha, C, T, kinds, w)
        return self

    def _train(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        alpha: np.ndarray,
        C: np.ndarray,
        T: np.ndarray,
        kinds: np.ndarray,
        w: np.ndarray,
    ) -> None:
        rng = as_generator(self.random_state)
        n, d = X.shape
        K = Y.shape[1]
        X = np.ascontiguousarray(X, dtype=np.float64)
        Y = np.ascontiguousarray(Y, dtype=np.float64)
        C = np.ascontiguousarray(C, dtype=np.float64)
        T = np.ascontiguousarray(T, dtype=np.float64)
        alpha = np.ascontiguousarray(alpha, dtype=np.float64)
        w = np.ascontiguousarray(w, dtype=np.float64)
        kinds = np.ascontiguousarray(kinds, dtype=np.int64)
        H = int(self.hidden)
        if self.model == "logistic":
            theta = np.zeros(d * K + K)
            decay = np.concatenate([np.ones(d * K), np.zeros(K)])
        else:
            lim1 = math.sqrt(6.0 / d)
            lim2 = math.sqrt(6.0 / (H + K))
            theta = np.concatenate([
                rng.uniform(-lim1, lim1, d * H), np.zeros(H),
                rng.uniform(-lim2, lim2, H * K), np.zeros(K),
            ])
            decay = np.concatenate([np.ones(d * H), np.zeros(H), np.ones(H * K), np.zeros(K)])
        m = np.zeros_like(theta)
        v = np.zeros_like(theta)
        adam = self.optimizer == "adam"
        bs = int(self.batch_size)
        lr, l2 = float(self.lr), float(self.l2)
        wsum = max(float(w.sum()), 1e-300)
        hist_it: list[int] = []
        hist_obj: list[float] = []
        step = 0
        for epoch in range(int(self.epochs)):
            perm = rng.permutation(n).astype(np.int64)
            if self.model == "logistic":
                tot = _k.epoch_logistic(X, Y, alpha, C, T, kinds, w, perm, bs, theta, decay,
                                        m, v, step, lr, l2, adam, 0.9, 0.999, 1e-8)
            else:
                tot = _k.epoch_mlp(X, Y, alpha, C, T, kinds, w, perm, bs, H, theta, decay,
                                   m, v, step, lr, l2, adam, 0.9, 0.999, 1e-8)
            step += (n + bs - 1) // bs
            if not np.all(np.isfinite(theta)):
                raise FloatingPointError(
                    f"training diverged at epoch {epoch + 1}; lower lr (got {lr})")
            hist_it.append(epoch + 1)
            hist_obj.append(tot / wsum + 0.5 * l2 * float(np.sum(decay * theta * theta)))
        self.theta_ = theta
        self.n_classes_ = K
        if self.model == "logistic":
            self.coef_ = theta[: d * K].reshape(d, K)
            self.intercept_ = theta[d * K:]
        self.history_ = {"iteration": hist_it, "objective": hist_obj}

    # -- prediction -------------------------------------------------------------------------
    def _logits(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "theta_")
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        th = self.theta_
        K = self.n_classes_
        d = X.shape[1]
        if self.model == "logistic":
            return X @ th[: d * K].reshape(d, K) + th[d * K:]
        H = int(self.hidden)
        o1 = d * H
        o2 = o1 + H
        o3 = o2 + H * K
        h = np.maximum(X @ th[:o1].reshape(d, H) + th[o1:o2], 0.0)
        return h @ th[o2:o3].reshape(H, K) + th[o3:]

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits ``(n, K)``; for two classes the 1-d difference ``z_1 - z_0``."""
        Z = self._logits(X)
        if Z.shape[1] == 2:
            return Z[:, 1] - Z[:, 0]
        return Z

    def predict_proba(self, X: Any) -> np.ndarray:
        """Student probabilities ``softmax(logits)``, shape ``(n, K)``."""
        return _softmax(self._logits(X))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class."""
        Z = self._logits(X)
        return self.classes_[np.argmax(Z, axis=1)]


# ------------------------------------------------------------------------------------------
# selection rules of the baselines
# ------------------------------------------------------------------------------------------
def _tune_threshold(Pv: np.ndarray, yv: np.ndarray) -> float:
    """Margin threshold maximising (#correct - #wrong) kept pseudo-labels on V."""
    part = np.partition(Pv, Pv.shape[1] - 2, axis=1)
    margin = part[:, -1] - part[:, -2]
    score = np.where(np.argmax(Pv, axis=1) == yv, 1.0, -1.0)
    best_tau, best = 0.0, -np.inf
    for q in np.arange(0.0, 0.9001, 0.05):
        tau = float(np.quantile(margin, q)) if q > 0 else 0.0
        val = float(score[margin >= tau].sum())
        if val > best:
            best, best_tau = val, tau
    return best_tau


def _ups_select(P: np.ndarray, ensemble: Any, tau: float, kappa: float) -> np.ndarray:
    n, K = P.shape
    top = np.argmax(P, axis=1)
    conf = P[np.arange(n), top]
    keep = conf >= tau
    if ensemble is not None:
        E = check_finite_array(ensemble, "teacher_proba_ensemble", ndim=3)
        if E.shape[1:] != P.shape:
            raise ValueError(f"teacher_proba_ensemble must have shape (m, {n}, {K}), got "
                             f"{E.shape}")
        unc = E[:, np.arange(n), top].std(axis=0)
        keep &= unc <= kappa
    if keep.sum() < max(1, n // 10):
        keep = np.zeros(n, dtype=bool)
        keep[np.argsort(-conf, kind="stable")[: max(1, n // 10)]] = True
    return keep.astype(np.float64)


def _cleanlab_select(X: np.ndarray, P: np.ndarray, random_state: Any) -> np.ndarray:
    try:
        from cleanlab.filter import find_label_issues
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("loss='cleanlab' needs the optional dependency cleanlab "
                          "(pip install slam-theory[cleanlab])") from exc
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    labels = np.argmax(P, axis=1)
    K = P.shape[1]
    counts = np.bincount(labels, minlength=K)
    if np.count_nonzero(counts) < 2 or counts[counts > 0].min() < 3:
        return np.ones(P.shape[0])
    seed = random_state if isinstance(random_state, numbers.Integral) else 0
    cv = StratifiedKFold(3, shuffle=True, random_state=int(seed))
    present = np.flatnonzero(counts)
    oof = cross_val_predict(LogisticRegression(max_iter=300), X, labels, cv=cv,
                            method="predict_proba")
    pred = np.full(P.shape, 1e-6)
    pred[:, present] = oof
    pred /= pred.sum(axis=1, keepdims=True)
    issues = find_label_issues(labels=labels, pred_probs=pred)
    keep = ~issues
    if not np.any(keep):
        keep[:] = True
    return keep.astype(np.float64)

