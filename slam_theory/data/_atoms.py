"""Mixtures of mirrored atoms spread on small spheres: the law behind the hard instance families.

A point is ``x = sigma (c_k + rho_k s)``: atom ``k`` with probability ``p_k``, a fair sign
``sigma``, a centre ``c_k`` with ``w* . c_k > 0`` and ``s`` uniform on the unit sphere of a
subspace ``S`` orthogonal to ``w*`` (the orthogonal complement of a fixed orthonormal set ``F``
that contains ``w*``).  The label is ``y = sign(w* . x) = sigma`` and the margin is exactly
``w* . c_k`` (the spread is orthogonal to ``w*``).

Exact disagreement.  For a unit ``w``, ``w . x = sigma (w . c_k + rho_k ||P_S w|| V)`` where
``V = (P_S w / ||P_S w||) . s`` is the 1-D marginal of the uniform distribution on the unit
sphere of ``S`` (dimension ``q = dim S >= 2``): ``V^2 ~ Beta(1/2, (q - 1)/2)``, symmetric.
So ``Pr[sign(w . x) != y | k] = Pr[V > z_k]`` with ``z_k = (w . c_k) / (rho_k ||P_S w||)``, which
is ``I_{1 - z^2}((q - 1)/2, 1/2) / 2`` for ``0 <= z < 1`` (``scipy.special.betainc``), one minus
that for ``-1 < z < 0``, 0 for ``z >= 1`` and 1 for ``z <= -1``; the disagreement is
``sum_k p_k Pr[V > z_k]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from .._docs import fill_docstrings
from .._validation import as_generator, check_in_range
from ._base import DOCS, BatchStream, check_n, check_rows_fit, unit_direction

__all__ = ["SpreadAtoms", "check_spread", "init_rng", "random_frame", "sphere_tail"]


def random_frame(d: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` orthonormal columns in ``R^d``, rotation-invariant (Haar) law, shape ``(d, k)``."""
    Q, R = np.linalg.qr(rng.standard_normal((d, k)))
    return np.ascontiguousarray(Q * np.where(np.diag(R) < 0, -1.0, 1.0))


def sphere_tail(z: np.ndarray, q: int) -> np.ndarray:
    """``Pr[V > z]``, ``V`` a coordinate of the uniform law on the unit sphere of ``R^q``."""
    z = np.asarray(z, dtype=np.float64)
    a = np.minimum(np.abs(z), 1.0)
    half = 0.5 * special.betainc((q - 1) / 2.0, 0.5, (1.0 - a) * (1.0 + a))
    return np.where(z >= 0, half, 1.0 - half)


class SpreadAtoms(BatchStream):
    """Base of the hard instance families: see the module docstring for the law.

    Subclasses call :meth:`_setup` from ``__init__``.

    Attributes
    ----------
    d : int
    gamma : float
        The margin: ``|w* . x| >= gamma`` for every sample (up to the rounding of one dot
        product, about ``1e-16``); ``||x|| <= 1`` likewise.
    w_star : ndarray of shape (d,)
    centers : ndarray of shape (K, d)
        Atom centres ``c_k`` (``w* . c_k >= gamma``).
    probs : ndarray of shape (K,)
    radii : ndarray of shape (K,)
        Spread radius ``rho_k`` of each atom.
    fixed : ndarray of shape (d, f)
        Orthonormal basis of the complement of the spread subspace ``S`` (contains ``w*``).
    """

    d: int
    gamma: float
    w_star: np.ndarray
    _rng: np.random.Generator

    def _setup(
        self,
        centers: np.ndarray,
        probs: np.ndarray,
        spread: float,
        fixed: np.ndarray,
        w_star: np.ndarray,
    ) -> None:
        self.w_star = np.ascontiguousarray(w_star / np.linalg.norm(w_star))
        self.fixed = np.ascontiguousarray(fixed)
        self.spread_dim = self.d - self.fixed.shape[1]
        if self.spread_dim < 2:
            raise ValueError(
                f"d={self.d} is too small: the spread needs at least 2 dimensions beyond the "
                f"{self.fixed.shape[1]} fixed directions; use d >= {self.fixed.shape[1] + 2}"
            )
        c = np.ascontiguousarray(centers, dtype=np.float64)
        margins = c @ self.w_star
        if np.any(margins < self.gamma * (1.0 - 1e-12)):
            raise ValueError(f"an atom has margin {margins.min():.3g} < gamma={self.gamma}")
        # largest rho with max_s ||c + rho s|| <= 1: rho^2 + 2 rho ||P_S c|| + ||c||^2 <= 1
        ps = np.linalg.norm(c - (c @ self.fixed) @ self.fixed.T, axis=1)
        room = -ps + np.sqrt(ps * ps + np.maximum(0.0, 1.0 - np.sum(c * c, axis=1)))
        if np.any(room <= 0.0):
            raise ValueError("an atom centre lies on or outside the unit sphere: no room to spread")
        self.centers = c
        self.probs = np.asarray(probs, dtype=np.float64) / float(np.sum(probs))
        self.radii = np.minimum(spread, room)
        self._cum = np.cumsum(self.probs)
        self._cum[-1] = 1.0

    def sample(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` labelled examples.

        %(sample)s
        """
        n = check_n(n)
        check_rows_fit(n, self.d, arrays=3.0)
        rng = self._rng
        k = np.searchsorted(self._cum, rng.random(n), side="right")
        np.minimum(k, self.probs.shape[0] - 1, out=k)
        sigma = np.where(rng.random(n) < 0.5, -1.0, 1.0)
        G = rng.standard_normal((n, self.d))
        G -= (G @ self.fixed) @ self.fixed.T
        nrm = np.linalg.norm(G, axis=1)
        nrm[nrm == 0.0] = 1.0
        X = self.centers[k]
        X += (self.radii[k] / nrm)[:, None] * G
        X *= sigma[:, None]
        return np.ascontiguousarray(X), sigma.astype(np.int64)

    def atom_errors(self, w: Any) -> np.ndarray:
        """``Pr[sign(w . x) != sign(w* . x) | atom k]`` for every atom, shape ``(K,)``."""
        u = unit_direction(w, self.d)
        m = self.centers @ u
        ps = float(np.linalg.norm(u - self.fixed @ (self.fixed.T @ u)))
        scale = self.radii * ps
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(scale > 0, m / np.where(scale > 0, scale, 1.0), 0.0)
        point = np.where(m < 0, 1.0, np.where(m == 0, 0.5, 0.0))
        return np.where(scale > 0, sphere_tail(z, self.spread_dim), point)

    def disagreement(self, w: Any) -> float:
        """Exact ``Pr[sign(w . x) != sign(w* . x)]`` (formula in :mod:`slam_theory.data._atoms`).

        Parameters
        ----------
        w : array-like of shape (d,)
            Real, finite, nonzero; its scale is irrelevant (``w * 1e300`` and ``w * 1e-300``
            give the same value).

        Returns
        -------
        float
        """
        return float(min(max(float(self.probs @ self.atom_errors(w)), 0.0), 1.0))


def check_spread(spread: Any) -> float:
    """Spread radius: a float in ``(0, 0.5]``."""
    return check_in_range(spread, "spread", 0.0, 0.5, low_inclusive=False)


def init_rng(random_state: Any) -> np.random.Generator:
    """The generator of an instance (construction and samples share it, in that order)."""
    return as_generator(random_state)


fill_docstrings(globals(), DOCS)
