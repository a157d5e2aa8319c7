"""Multiclass data: isotropic Gaussian mixtures and a simulated soft teacher."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special

from .._validation import as_generator, check_finite_array, check_in_range, check_int
from ._base import check_d, check_n, check_rows_fit

__all__ = ["GaussianMixture", "simulate_teacher"]


class GaussianMixture:
    """``k`` isotropic unit-variance Gaussian classes with equal priors.

    Means: if ``n_classes <= d``, ``separation / sqrt(2)`` times ``n_classes``
    random orthonormal vectors (a scaled regular simplex: every pair of means is
    exactly ``separation`` apart); otherwise ``separation / sqrt(2)`` times random
    unit vectors.  Labels are i.i.d. uniform on ``0..k-1`` (multinomial counts).

    Parameters
    ----------
    n_classes : int
        Number of classes, ``>= 2``.
    d : int
        Dimension, ``>= 1``.
    separation : float, default 3.0
        Distance between class means (``> 0``).
    random_state : None, int, SeedSequence, Generator or RandomState, optional

    Attributes
    ----------
    means : ndarray of shape (n_classes, d)

    Examples
    --------
    >>> gm = GaussianMixture(n_classes=3, d=5, separation=3.0, random_state=0)
    >>> X, y = gm.sample(6)
    >>> X.shape, round(float(np.linalg.norm(gm.means[0] - gm.means[1])), 6)
    ((6, 5), 3.0)
    """

    def __init__(
        self, n_classes: int, d: int, separation: float = 3.0, random_state: Any = None
    ) -> None:
        self.n_classes = check_int(n_classes, "n_classes", low=2)
        self.d = check_d(d, low=1)
        check_rows_fit(self.n_classes, self.d, arrays=3.0, name="n_classes",
                       advice="use fewer classes or a smaller d")
        self.separation = check_in_range(
            separation, "separation", 0.0, math.inf, low_inclusive=False, high_inclusive=False
        )
        self._rng = as_generator(random_state)
        k, d = self.n_classes, self.d
        G = self._rng.standard_normal((d, k))
        if k <= d:
            Q, R = np.linalg.qr(G)
            Q = Q * np.sign(np.diag(R))
            dirs = Q.T
        else:
            dirs = (G / np.linalg.norm(G, axis=0)).T
        self.means = np.ascontiguousarray(dirs * (self.separation / math.sqrt(2.0)))

    def sample(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` examples: ``X`` float64 ``(n, d)``, ``y`` int64 in ``0..k-1``."""
        n = check_n(n)
        check_rows_fit(n, self.d, arrays=2.0)
        y = self._rng.integers(0, self.n_classes, size=n).astype(np.int64)
        X = self._rng.standard_normal((n, self.d)) + self.means[y]
        return np.ascontiguousarray(X), y

    def bayes_proba(self, X: Any) -> np.ndarray:
        """Exact posterior ``P(y = j | x)``: softmax of ``-||x - mu_j||^2 / 2``."""
        X = check_finite_array(X, "X", ndim=2)
        if X.shape[1] != self.d:
            raise ValueError(f"X must have {self.d} columns, got {X.shape[1]}")
        logits = X @ self.means.T - 0.5 * np.sum(self.means**2, axis=1)[None, :]
        return special.softmax(logits, axis=1)


def _rank2_share(lam: np.ndarray, K: int) -> np.ndarray:
    """Share of rank 2 in a geometric tail over ``K - 1`` ranks with decay ``lam``."""
    lam = np.asarray(lam, dtype=np.float64)
    safe = np.maximum(lam, 1e-300)
    share = np.expm1(-safe) / np.expm1(-safe * (K - 1))  # (1 - q) / (1 - q^(K-1))
    return np.where(lam < 1e-12, 1.0 / (K - 1), share)


def _tail_decay(c: np.ndarray, K: int, lam_max: float, kappa: float) -> np.ndarray:
    """Largest ``lam <= lam_max`` with rank-2 probability ``(1 - c) share(lam) <= kappa c``."""
    lam = np.full(c.shape, lam_max)
    bad = (1.0 - c) * _rank2_share(lam, K) > kappa * c
    if not np.any(bad):
        return lam
    cb = c[bad]
    lo = np.zeros(cb.shape)
    hi = np.full(cb.shape, lam_max)
    for _ in range(60):  # share is increasing in lam: bisection
        mid = 0.5 * (lo + hi)
        ok = (1.0 - cb) * _rank2_share(mid, K) <= kappa * cb
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    lam[bad] = lo
    return lam


def simulate_teacher(
    y: Any,
    n_classes: int,
    accuracy: Any,
    k: int = 1,
    temperature: float = 1.0,
    random_state: Any = None,
    return_correct: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Soft teacher labels with a controlled top-1 accuracy profile ``alpha(x)``.

    Construction, per example ``i`` with true class ``y_i``:

    1. ``correct_i ~ Bernoulli(alpha_i)``.
    2. A ranking of the classes: if correct, ``y_i`` is ranked first; otherwise
       the first class is uniform among the other ``K - 1`` classes and ``y_i``
       is put at a uniform rank in ``2..k`` if ``k >= 2`` (so it is always in the
       top ``k``), or at a uniform rank in ``2..K`` if ``k = 1``.  The remaining
       classes fill the remaining ranks in uniformly random order.
    3. Probabilities by rank: the top class gets ``c_i = max(alpha_i, 1/K + 1e-6)``
       and ranks ``2..K`` share ``1 - c_i`` geometrically, rank ``r`` in
       proportion to ``exp(-lambda_i (r - 2))``.  The decay ``lambda_i`` is
       ``1 / temperature`` when that keeps the rank-2 probability at most
       ``0.9 c_i``; otherwise it is lowered (by bisection) until the rank-2
       probability equals ``0.9 c_i``, or to 0 (a uniform tail) if even that
       is not enough.

    Hence the argmax is the rank-1 class, ``P(top-1 correct) = alpha_i``, the true
    class is within the top ``k`` always (``k >= 2``), and the teacher is
    calibrated, ``P(correct | top-1 probability = c) = c``, for every
    ``alpha_i > 1/K`` (no calibrated teacher has top-1 probability below
    ``1/K``).  Its margin (top-1 minus top-2 probability) is a continuous,
    strictly increasing function of ``c_i``, so
    :func:`slam_theory.distill.estimate_alpha` (isotonic regression on the
    margin) can recover the profile ``alpha(x)``.

    Parameters
    ----------
    y : array-like of int, shape (n,)
        True classes in ``0..n_classes-1``.
    n_classes : int
        ``K >= 2``.
    accuracy : float or array-like of shape (n,)
        ``alpha_i`` in ``[0, 1]``.
    k : int, default 1
        In ``[1, n_classes]``.
    temperature : float, default 1.0
        ``> 0``; larger spreads the non-top mass more evenly.
    random_state : None, int, SeedSequence, Generator or RandomState, optional
    return_correct : bool, default False
        Also return the boolean mask ``correct``.

    Returns
    -------
    proba : ndarray of float64, shape (n, n_classes)
    correct : ndarray of bool, shape (n,)
        Only if ``return_correct``.

    Examples
    --------
    >>> y = np.zeros(5000, dtype=int)
    >>> P = simulate_teacher(y, n_classes=3, accuracy=0.7, random_state=0)
    >>> P.shape, round(float(np.mean(P.argmax(1) == y)), 1)
    ((5000, 3), 0.7)
    """
    K = check_int(n_classes, "n_classes", low=2)
    yy = np.asarray(y)
    if yy.ndim != 1 or yy.size == 0:
        raise ValueError(f"y must be a non-empty 1-dimensional array, got shape {yy.shape}")
    if not np.issubdtype(yy.dtype, np.integer):
        if np.issubdtype(yy.dtype, np.floating) and np.all(np.mod(yy, 1) == 0):
            yy = yy.astype(np.int64)
        else:
            raise TypeError(f"y must contain integer class labels, got dtype {yy.dtype}")
    if yy.min() < 0 or yy.max() >= K:
        raise ValueError(f"y must contain classes in [0, {K - 1}], got range [{yy.min()}, "
                         f"{yy.max()}]")
    n = yy.shape[0]
    check_rows_fit(n, K, arrays=4.0, d_name="n_classes", advice="use fewer classes")
    if np.ndim(accuracy) == 0:
        alpha = np.full(n, check_in_range(accuracy, "accuracy", 0.0, 1.0))
    else:
        alpha = check_finite_array(accuracy, "accuracy", ndim=1)
        if alpha.shape[0] != n:
            raise ValueError(f"accuracy must have length {n} (as y), got {alpha.shape[0]}")
        if np.any(alpha < 0) or np.any(alpha > 1):
            raise ValueError("accuracy must be in [0, 1]")
    k = check_int(k, "k", low=1, high=K)
    temperature = check_in_range(
        temperature, "temperature", 0.0, math.inf, low_inclusive=False, high_inclusive=False
    )
    if not isinstance(return_correct, bool):
        raise TypeError("return_correct must be a bool")
    rng = as_generator(random_state)

    correct = rng.random(n) < alpha
    # rank of the true class (0-based): 0 if correct, else uniform in 1..hi-1
    hi = k if k >= 2 else K
    true_rank = np.where(correct, 0, 1 + np.floor(rng.random(n) * (hi - 1)).astype(np.int64))
    true_rank = np.minimum(true_rank, hi - 1)
    # the other K-1 classes in random order fill the other ranks
    keys = rng.random((n, K))
    keys[np.arange(n), yy] = np.inf
    others = np.argsort(keys, axis=1, kind="stable")[:, : K - 1]  # (n, K-1), excludes y
    ranking = np.empty((n, K), dtype=np.int64)
    pos = np.arange(K)[None, :]
    tr = true_rank[:, None]
    # slot p < tr gets others[p], slot tr gets y, slot p > tr gets others[p - 1]
    src = np.where(pos < tr, pos, pos - 1)
    src = np.clip(src, 0, K - 2)
    ranking[:] = np.take_along_axis(others, src, axis=1)
    ranking[np.arange(n), true_rank] = yy

    c = np.maximum(alpha, 1.0 / K + 1e-6)
    lam = _tail_decay(c, K, 1.0 / temperature, kappa=0.9)
    j = np.arange(K - 1)[None, :]
    tail = np.exp(-lam[:, None] * j)
    probs_by_rank = np.empty((n, K))
    probs_by_rank[:, 0] = c
    probs_by_rank[:, 1:] = (1.0 - c)[:, None] * tail / tail.sum(axis=1, keepdims=True)
    proba = np.empty((n, K))
    np.put_along_axis(proba, ranking, probs_by_rank, axis=1)
    if return_correct:
        return proba, correct
    return proba
