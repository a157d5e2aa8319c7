"""Noise on ``k`` classes by a row-stochastic transition matrix, the common matrices, and the
conversions to and from cleanlab's column-stochastic ``noise_matrix``.

See :mod:`slam_theory.noise` for the conventions."""

from __future__ import annotations

from typing import Any

import numpy as np

from slam_theory._docs import fill_docstrings
from slam_theory._validation import (
    as_generator,
    check_finite_array,
    check_in_range,
    check_int,
    check_transition_matrix,
    reject_complex,
)

__all__ = [
    "MAX_CLASSES",
    "TransitionNoise",
    "from_cleanlab_noise_matrix",
    "pair_flip_matrix",
    "symmetric_matrix",
    "to_cleanlab_noise_matrix",
]

#: Largest number of classes of :func:`symmetric_matrix` and :func:`pair_flip_matrix`.
MAX_CLASSES = 10_000

_DOCS = {
    # the size of the matrices this module builds
    "k": """k : int
    Number of classes, ``2 <= k <= MAX_CLASSES`` (10,000: the matrix takes ``8 k^2`` bytes).""",
}


class TransitionNoise:
    """Noise on ``k`` classes: row-stochastic ``T[i, j] = P(noisy = j | true = i)``.

    Parameters
    ----------
    T : array-like of shape (k, k)
        Row-stochastic, ``k >= 2``.

    Examples
    --------
    >>> noise = TransitionNoise(pair_flip_matrix(3, 0.2))
    >>> y_noisy = noise.corrupt(np.zeros(10_000, dtype=int), random_state=0)
    >>> noise.n_classes, sorted(set(y_noisy.tolist())), bool(abs(np.mean(y_noisy) - 0.2) < 0.02)
    (3, [0, 1], True)
    """

    def __init__(self, T: Any) -> None:
        arr = check_transition_matrix(T, "T")
        arr = np.clip(arr, 0.0, None)
        self._T = arr / arr.sum(axis=1, keepdims=True)
        self._T.setflags(write=False)

    def __repr__(self) -> str:
        return f"TransitionNoise(T={self._T.tolist()})"

    @property
    def T(self) -> np.ndarray:
        """The row-stochastic transition matrix (read-only)."""
        return self._T

    @property
    def n_classes(self) -> int:
        """Number of classes ``k``."""
        return int(self._T.shape[0])

    def transition_matrix(self) -> np.ndarray:
        """A copy of ``T``."""
        return self._T.copy()

    def corrupt(self, y: Any, random_state: Any = None) -> np.ndarray:
        """Draw ``noisy_i ~ T[y_i, :]`` independently.

        Parameters
        ----------
        y : array-like of int, shape (n,)
            Classes in ``0..k-1``.
        random_state : None, int, SeedSequence, Generator or RandomState, optional

        Returns
        -------
        ndarray of int64, shape (n,)
        """
        reject_complex(y, "y")
        yy = np.asarray(y)
        k = self.n_classes
        if yy.ndim != 1 or yy.size == 0:
            raise ValueError(f"y must be a non-empty 1-dimensional array, got shape {yy.shape}")
        if yy.dtype == bool or not np.issubdtype(yy.dtype, np.integer):
            if np.issubdtype(yy.dtype, np.floating) and np.all(np.mod(yy, 1) == 0):
                yy = yy.astype(np.int64)
            else:
                raise TypeError(f"y must contain integer class labels, got dtype {yy.dtype}")
        if yy.min() < 0 or yy.max() >= k:
            raise ValueError(f"y must contain classes in [0, {k - 1}]")
        yy = yy.astype(np.int64)
        u = as_generator(random_state).random(yy.shape[0])
        cum = np.cumsum(self._T, axis=1)
        cum[:, -1] = 1.0
        # noisy = number of cumulative bins that u exceeds (inverse CDF per row)
        out = np.empty_like(yy)
        for c in range(k):
            idx = np.flatnonzero(yy == c)
            if idx.size:
                out[idx] = np.searchsorted(cum[c], u[idx], side="right")
        return np.minimum(out, k - 1)


def symmetric_matrix(k: int, eta: float) -> np.ndarray:
    """Symmetric noise: ``T = (1 - eta) I + eta / (k - 1) (J - I)``.

    Parameters
    ----------
    %(k)s
    eta : float
        Total flip probability, in ``[0, 1]`` (``T`` is invertible iff ``eta != (k-1)/k``).

    Returns
    -------
    T : ndarray of shape (k, k)
        Row-stochastic: ``1 - eta`` on the diagonal, ``eta / (k - 1)`` elsewhere.

    Examples
    --------
    >>> symmetric_matrix(3, 0.3)
    array([[0.7 , 0.15, 0.15],
           [0.15, 0.7 , 0.15],
           [0.15, 0.15, 0.7 ]])
    """
    k = check_int(k, "k", low=2, high=MAX_CLASSES)
    eta = check_in_range(eta, "eta", 0.0, 1.0)
    T = np.full((k, k), eta / (k - 1))
    np.fill_diagonal(T, 1.0 - eta)
    return T


def pair_flip_matrix(k: int, eta: float) -> np.ndarray:
    """Pair-flip noise: class ``i`` goes to ``(i + 1) mod k`` with probability ``eta``.

    Parameters
    ----------
    %(k)s
    eta : float
        Flip probability, in ``[0, 1]``.

    Returns
    -------
    T : ndarray of shape (k, k)
        Row-stochastic: ``1 - eta`` on the diagonal, ``eta`` at ``(i, (i + 1) mod k)``.

    Examples
    --------
    >>> pair_flip_matrix(3, 0.2)
    array([[0.8, 0.2, 0. ],
           [0. , 0.8, 0.2],
           [0.2, 0. , 0.8]])
    """
    k = check_int(k, "k", low=2, high=MAX_CLASSES)
    eta = check_in_range(eta, "eta", 0.0, 1.0)
    T = np.zeros((k, k))
    idx = np.arange(k)
    T[idx, idx] = 1.0 - eta
    T[idx, (idx + 1) % k] += eta
    return T


def to_cleanlab_noise_matrix(T: Any) -> np.ndarray:
    """cleanlab's column-stochastic ``noise_matrix`` (``P(noisy = i | true = j)``): ``T.T``.

    Parameters
    ----------
    T : array-like of shape (k, k)
        Row-stochastic, ``k >= 2``.

    Returns
    -------
    ndarray of shape (k, k)

    Examples
    --------
    >>> to_cleanlab_noise_matrix([[0.9, 0.1], [0.3, 0.7]]).tolist()
    [[0.9, 0.3], [0.1, 0.7]]
    """
    arr = check_transition_matrix(T, "T")
    return np.ascontiguousarray(arr.T)


def from_cleanlab_noise_matrix(M: Any) -> np.ndarray:
    """Row-stochastic ``T`` from cleanlab's column-stochastic ``noise_matrix`` ``M``: ``M.T``.

    Parameters
    ----------
    M : array-like of shape (k, k)
        Column-stochastic, ``k >= 2``.

    Returns
    -------
    ndarray of shape (k, k)

    Examples
    --------
    >>> from_cleanlab_noise_matrix([[0.9, 0.3], [0.1, 0.7]]).tolist()
    [[0.9, 0.1], [0.3, 0.7]]
    """
    arr = check_finite_array(M, "M", ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"M must be square, got shape {arr.shape}")
    if arr.shape[0] < 2:
        raise ValueError(f"M must be at least 2 x 2 (two classes), got shape {arr.shape}")
    if np.any(arr < -1e-8) or np.any(arr > 1 + 1e-8):
        raise ValueError("M has entries outside [0, 1]")
    if not np.allclose(arr.sum(axis=0), 1.0, rtol=0.0, atol=1e-8 * arr.shape[0] + 1e-12):
        raise ValueError("M must be column-stochastic (each column sums to 1)")
    return np.ascontiguousarray(arr.T)


fill_docstrings(globals(), _DOCS)
