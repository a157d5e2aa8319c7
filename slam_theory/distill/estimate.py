"""Estimating ``alpha(x)`` and ``k(x)`` (and a transition matrix) on a labeled validation set.

These estimators are this package's reconstruction (the paper does not spell them out):
``alpha(x)`` by isotonic regression (:class:`sklearn.isotonic.IsotonicRegression`,
``increasing=True``) of the teacher's top-1 correctness on its margin (top-1 minus top-2
probability) over a labeled validation set ``V``; ``k`` as the smallest ``k`` whose top-k
coverage on ``V`` reaches ``coverage``, globally or per margin bin.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression

from slam_theory._validation import (
    check_finite_array,
    check_in_range,
    check_int,
    check_proba_matrix,
)

__all__ = [
    "AlphaFunction",
    "BinnedK",
    "estimate_alpha",
    "estimate_k",
    "estimate_transition_matrix",
    "teacher_margin",
]


def teacher_margin(proba: Any) -> np.ndarray:
    """Top-1 minus top-2 probability of each row of a probability matrix.

    Parameters
    ----------
    proba : array-like of shape (n, K)
        Rows of class probabilities.

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> teacher_margin([[0.6, 0.3, 0.1]]).round(3)
    array([0.3])
    """
    P = check_proba_matrix(proba, "proba")
    part = np.partition(P, P.shape[1] - 2, axis=1)
    return part[:, -1] - part[:, -2]


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

    Examples
    --------
    >>> P = np.array([[0.9, 0.1], [0.8, 0.2], [0.55, 0.45], [0.6, 0.4]])
    >>> alpha = estimate_alpha(P, [0, 0, 1, 1])    # confident rows right, unsure rows wrong
    >>> alpha([[0.95, 0.05], [0.5, 0.5]]).round(2)
    array([1., 0.])
    """

    def __init__(self, isotonic: IsotonicRegression) -> None:
        self.isotonic_ = isotonic

    def from_margin(self, margin: Any) -> np.ndarray:
        """Estimated accuracy at the given margins (clipped to ``[0, 1]``)."""
        m = check_finite_array(margin, "margin", ndim=1, allow_empty=True)
        if m.shape[0] == 0:  # IsotonicRegression.predict refuses an empty array
            return np.zeros(0)
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

    Examples
    --------
    >>> P = np.array([[0.9, 0.1], [0.8, 0.2], [0.55, 0.45], [0.6, 0.4]])
    >>> fn = estimate_alpha(P, [0, 0, 1, 1])   # confident rows right, unsure rows wrong
    >>> fn.from_margin([0.0, 0.9]).round(2)
    array([0., 1.])
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

    Examples
    --------
    >>> P = np.array([[0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.4, 0.35, 0.25], [0.45, 0.2, 0.35]])
    >>> k = estimate_k(P, [0, 0, 1, 2], coverage=1.0, n_bins=2)  # unsure rows: truth 2nd
    >>> type(k).__name__, k([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25]])
    ('BinnedK', array([1, 2]))
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

    Examples
    --------
    >>> P = np.array([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.3, 0.2, 0.5]])
    >>> estimate_k(P, [0, 1, 1, 2], coverage=0.75)   # true labels at ranks 1, 2, 1, 1
    1
    >>> estimate_k(P, [0, 1, 1, 2], coverage=1.0)
    2
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

    Examples
    --------
    >>> T = estimate_transition_matrix([[0.9, 0.1], [0.2, 0.8]], [0, 1], smoothing=0.0)
    >>> T
    array([[1., 0.],
           [0., 1.]])
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
