"""Binary label noise on ``{-1, +1}``: random classification noise, class-conditional and Massart.

See :mod:`slam_theory.noise` for the conventions."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

import numpy as np

from slam_theory._docs import fill_docstrings
from slam_theory._validation import (
    as_generator,
    check_binary_labels,
    check_eta,
    check_finite_array,
    check_in_range,
    check_unit_vector,
)

__all__ = ["RCN", "ClassConditional", "Massart"]

_CORRUPT = """Parameters
----------
{X}y : array-like of shape (n,)
    Clean labels in ``{{-1, +1}}``.
random_state : None, int, SeedSequence, Generator or RandomState, optional

Returns
-------
ndarray of int64, shape (n,)"""
_DOCS = {
    # the arguments and the return value of corrupt (the whole sections)
    "corrupt": _CORRUPT.format(X=""),
    "corrupt_X": _CORRUPT.format(X="X : array-like of shape (n, d)\n"),
}


def _binary_labels(y: Any) -> np.ndarray:
    return check_binary_labels(y, "y").astype(np.int64)


def _flip(y: np.ndarray, p: np.ndarray | float, rng: np.random.Generator) -> np.ndarray:
    """Flip each ``y[i]`` (in ``{-1, +1}``) independently with probability ``p[i]``."""
    flips = rng.random(y.shape[0]) < p
    return np.where(flips, -y, y).astype(np.int64)


class _LabelFlipNoise(abc.ABC):
    """Noise whose flip probability depends on the label only: it has a transition matrix."""

    @abc.abstractmethod
    def transition_matrix(self) -> np.ndarray:
        """The row-stochastic transition matrix (class order ``(-1, +1)``)."""

    @property
    def T(self) -> np.ndarray:
        """Row-stochastic transition matrix in the class order ``(-1, +1)``."""
        return self.transition_matrix()


class RCN(_LabelFlipNoise):
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

    def transition_matrix(self) -> np.ndarray:
        """``[[1 - eta, eta], [eta, 1 - eta]]`` (class order ``(-1, +1)``)."""
        e = self.eta
        return np.array([[1.0 - e, e], [e, 1.0 - e]])

    def corrupt(self, y: Any, random_state: Any = None) -> np.ndarray:
        """Return noisy labels: ``y_i`` with probability ``1 - eta``, else ``-y_i``.

        %(corrupt)s
        """
        yy = _binary_labels(y)
        return _flip(yy, self.eta, as_generator(random_state))


class ClassConditional(_LabelFlipNoise):
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

    def transition_matrix(self) -> np.ndarray:
        """``[[1 - rho_neg, rho_neg], [rho_pos, 1 - rho_pos]]`` (class order ``(-1, +1)``)."""
        return np.array(
            [[1.0 - self.rho_neg, self.rho_neg], [self.rho_pos, 1.0 - self.rho_pos]]
        )

    def corrupt(self, y: Any, random_state: Any = None) -> np.ndarray:
        """Flip ``+1`` labels with probability ``rho_pos`` and ``-1`` with ``rho_neg``.

        %(corrupt)s
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

        %(corrupt_X)s
        """
        yy = _binary_labels(y)
        p = self.flip_probabilities(X)
        if p.shape[0] != yy.shape[0]:
            raise ValueError(f"X and y have different lengths: {p.shape[0]} != {yy.shape[0]}")
        return _flip(yy, p, as_generator(random_state))


fill_docstrings(globals(), _DOCS)
