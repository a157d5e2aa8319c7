"""Label-noise models: RCN, class-conditional, Massart and k-class transition noise.

Conventions
-----------
* Binary labels are ``{-1, +1}``; the binary transition matrices below use the
  class order ``(-1, +1)``: row/column 0 is ``-1`` and row/column 1 is ``+1``.
* Transition matrices are row-stochastic, ``T[i, j] = P(noisy = j | true = i)``.
  cleanlab's ``noise_matrix`` is column-stochastic, ``M[i, j] = P(noisy = i |
  true = j)``, i.e. ``M = T.T``: convert with :func:`to_cleanlab_noise_matrix` and
  :func:`from_cleanlab_noise_matrix`.
* All flips are i.i.d. Bernoulli draws from a numpy ``Generator`` built from
  ``random_state`` (never cleanlab's ``generate_noisy_labels``, which flips exact
  counts with numpy's global RNG and is not i.i.d. noise).
* ``corrupt`` returns a new ``int64`` array; the input is never modified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._validation import (
    as_generator,
    check_binary_labels,
    check_eta,
    check_finite_array,
    check_in_range,
    check_int,
    check_transition_matrix,
    check_unit_vector,
    reject_complex,
)

__all__ = [
    "MAX_CLASSES",
    "RCN",
    "ClassConditional",
    "Massart",
    "TransitionNoise",
    "from_cleanlab_noise_matrix",
    "pair_flip_matrix",
    "symmetric_matrix",
    "to_cleanlab_noise_matrix",
]


#: Largest number of classes of :func:`symmetric_matrix` and :func:`pair_flip_matrix`.
MAX_CLASSES = 10_000


def _binary_labels(y: Any) -> np.ndarray:
    return check_binary_labels(y, "y").astype(np.int64)


def _flip(y: np.ndarray, p: np.ndarray | float, rng: np.random.Generator) -> np.ndarray:
    """Flip each ``y[i]`` (in ``{-1, +1}``) independently with probability ``p[i]``."""
    flips = rng.random(y.shape[0]) < p
    return np.where(flips, -y, y).astype(np.int64)


class RCN:
    """Random classification noise: each label flips independently with probability ``eta``.

    Parameters
    ----------
    eta : float
        Flip probability, in ``[0, 1/2)``.

    Attributes
    ----------
    T : ndarray of shape (2, 2)
        ``[[1 - eta, eta], [eta, 1 - eta]]`` in the class order ``(-1, +1)``.

    Examples
    --------
    >>> y_noisy = RCN(eta=0.25).corrupt(np.ones(10_000, dtype=int), random_state=0)
    >>> bool(abs(np.mean(y_noisy == -1) - 0.25) < 0.02)
    True
    """

    def __init__(self, eta: float) -> None:
        self.eta = check_eta(eta, "eta")

    def __repr__(self) -> str:
        return f"RCN(eta={self.eta})"

    @property
    def T(self) -> np.ndarray:
        """Row-stochastic transition matrix in the class order ``(-1, +1)``."""
        return self.transition_matrix()

    def transition_matrix(self) -> np.ndarray:
        """``[[1 - eta, eta], [eta, 1 - eta]]`` (class order ``(-1, +1)``)."""
        e = self.eta
        return np.array([[1.0 - e, e], [e, 1.0 - e]])

    def corrupt(self, y: Any, random_state: Any = None) -> np.ndarray:
        """Return noisy labels: ``y_i`` with probability ``1 - eta``, else ``-y_i``.

        Parameters
        ----------
        y : array-like of shape (n,)
            Clean labels in ``{-1, +1}``.
        random_state : None, int, SeedSequence, Generator or RandomState, optional

        Returns
        -------
        ndarray of int64, shape (n,)
        """
        yy = _binary_labels(y)
        return _flip(yy, self.eta, as_generator(random_state))


class ClassConditional:
    """Class-conditional noise: ``P(flip | y = +1) = rho_pos``, ``P(flip | y = -1) = rho_neg``.

    Parameters
    ----------
    rho_pos, rho_neg : float
        Flip probabilities in ``[0, 1)`` with ``rho_pos + rho_neg < 1`` (so the
        noisy label still carries information, as Natarajan et al. 2013 require).

    Attributes
    ----------
    T : ndarray of shape (2, 2)
        ``[[1 - rho_neg, rho_neg], [rho_pos, 1 - rho_pos]]`` (class order ``(-1, +1)``).

    Examples
    --------
    >>> y = np.repeat([-1, 1], 5000)
    >>> flipped = ClassConditional(rho_pos=0.3, rho_neg=0.1).corrupt(y, random_state=0) != y
    >>> round(float(flipped[y == 1].mean()), 1), round(float(flipped[y == -1].mean()), 1)
    (0.3, 0.1)
    """

    def __init__(self, rho_pos: float, rho_neg: float) -> None:
        self.rho_pos = check_in_range(rho_pos, "rho_pos", 0.0, 1.0, high_inclusive=False)
        self.rho_neg = check_in_range(rho_neg, "rho_neg", 0.0, 1.0, high_inclusive=False)
        if self.rho_pos + self.rho_neg >= 1.0:
            raise ValueError(
                f"rho_pos + rho_neg must be < 1, got {self.rho_pos} + {self.rho_neg}"
            )

    def __repr__(self) -> str:
        return f"ClassConditional(rho_pos={self.rho_pos}, rho_neg={self.rho_neg})"

    @property
    def T(self) -> np.ndarray:
        """Row-stochastic transition matrix in the class order ``(-1, +1)``."""
        return self.transition_matrix()

    def transition_matrix(self) -> np.ndarray:
        """``[[1 - rho_neg, rho_neg], [rho_pos, 1 - rho_pos]]`` (class order ``(-1, +1)``)."""
        return np.array(
            [[1.0 - self.rho_neg, self.rho_neg], [self.rho_pos, 1.0 - self.rho_pos]]
        )

    def corrupt(self, y: Any, random_state: Any = None) -> np.ndarray:
        """Flip ``+1`` labels with probability ``rho_pos`` and ``-1`` with ``rho_neg``.

        Parameters
        ----------
        y : array-like of shape (n,)
            Clean labels in ``{-1, +1}``.
        random_state : None, int, SeedSequence, Generator or RandomState, optional

        Returns
        -------
        ndarray of int64, shape (n,)
        """
        yy = _binary_labels(y)
        p = np.where(yy > 0, self.rho_pos, self.rho_neg)
        return _flip(yy, p, as_generator(random_state))


class Massart:
    """Massart (bounded) noise: label ``i`` flips with probability ``eta(x_i) <= eta_max``.

    Parameters
    ----------
    eta_max : float
        Upper bound on the flip probability, in ``[0, 1/2)``.
    eta_fn : callable, optional
        ``eta_fn(X) -> array of shape (n,)`` with values in ``[0, eta_max]``;
        values outside raise ``ValueError`` in :meth:`corrupt`.  Default: the
        *halfspace region* ``eta(x) = eta_max * 1[u . x > 0]`` (noise at the
        maximal rate on one side of the hyperplane ``u . x = 0``, none on the
        other).  Its flip rate depends on ``x``, unlike RCN, and on a
        distribution symmetric in ``u`` its average rate is ``eta_max / 2``.
    direction : array-like of shape (d,), optional
        The vector ``u`` of the default ``eta_fn`` (normalised).  Default: the
        last basis vector ``e_d``, which is orthogonal to the default
        ``w* = e_1`` of :mod:`slam_theory.data`, so the noisy region cuts both
        classes.  Ignored when ``eta_fn`` is given.

    Examples
    --------
    >>> X = np.array([[0.6, -0.8], [0.6, 0.8], [-1.0, 0.0]])
    >>> Massart(eta_max=0.4).flip_probabilities(X)   # 0.4 where e_d . x > 0, else 0
    array([0. , 0.4, 0. ])
    """

    def __init__(
        self,
        eta_max: float,
        eta_fn: Callable[[np.ndarray], Any] | None = None,
        direction: Any = None,
    ) -> None:
        self.eta_max = check_eta(eta_max, "eta_max")
        if eta_fn is not None and not callable(eta_fn):
            raise TypeError(f"eta_fn must be callable or None, got {type(eta_fn).__name__}")
        self.eta_fn = eta_fn
        self.direction = None
        if direction is not None:
            u = check_finite_array(direction, "direction", ndim=1)
            self.direction = check_unit_vector(u, "direction", u.shape[0])

    def __repr__(self) -> str:
        return f"Massart(eta_max={self.eta_max}, eta_fn={self.eta_fn!r})"

    @property
    def eta(self) -> float:
        """The bound ``eta_max`` (the noise rate itself depends on ``x``)."""
        return self.eta_max

    def flip_probabilities(self, X: Any) -> np.ndarray:
        """``eta(x_i)`` for each row of ``X``, validated to lie in ``[0, eta_max]``.

        Parameters
        ----------
        X : array-like of shape (n, d)

        Returns
        -------
        ndarray of float64, shape (n,)
        """
        Xa = check_finite_array(X, "X", ndim=2)
        n, d = Xa.shape
        if self.eta_fn is None:
            if self.direction is None:
                u = np.zeros(d)
                u[-1] = 1.0
            else:
                u = check_unit_vector(self.direction, "direction", d)
            return np.where(Xa @ u > 0, self.eta_max, 0.0)
        raw = self.eta_fn(Xa)
        if np.iscomplexobj(raw):
            raise TypeError("eta_fn(X) must return real numbers, got complex values")
        try:
            p = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError("eta_fn(X) must return an array of floats") from None
        if p.ndim == 0:
            p = np.full(n, float(p))
        if p.shape != (n,):
            raise ValueError(f"eta_fn(X) must return shape ({n},), got {p.shape}")
        if not np.all(np.isfinite(p)):
            raise ValueError("eta_fn(X) returned NaN or inf")
        if np.any(p < 0) or np.any(p > self.eta_max):
            raise ValueError(
                f"eta_fn(X) must lie in [0, eta_max={self.eta_max}], got range "
                f"[{p.min():.6g}, {p.max():.6g}]"
            )
        return p

    def corrupt(self, X: Any, y: Any, random_state: Any = None) -> np.ndarray:
        """Flip ``y_i`` independently with probability ``eta(x_i)``.

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of shape (n,)
            Clean labels in ``{-1, +1}``.
        random_state : None, int, SeedSequence, Generator or RandomState, optional

        Returns
        -------
        ndarray of int64, shape (n,)
        """
        yy = _binary_labels(y)
        p = self.flip_probabilities(X)
        if p.shape[0] != yy.shape[0]:
            raise ValueError(f"X and y have different lengths: {p.shape[0]} != {yy.shape[0]}")
        return _flip(yy, p, as_generator(random_state))


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
    k : int
        Number of classes, ``2 <= k <= MAX_CLASSES`` (10,000: the matrix takes ``8 k^2`` bytes).
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
    k : int
        Number of classes, ``2 <= k <= MAX_CLASSES``.
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
