"""Halfspace generators: margin halfspaces on the sphere or ball, and Gaussian halfspaces (the
hypercube generator is in :mod:`slam_theory.data.hypercube`).

Halfspace generators return ``X`` as a C-contiguous ``float64`` array of shape
``(n, d)`` and clean labels ``y = sign(w* . x)`` as ``int64`` in ``{-1, +1}``.

Sampling scheme (:class:`MarginHalfspace`, :class:`GaussianHalfspace`)
-----------------------------------------------------------------------
The coordinate ``t = w* . x`` is drawn *directly* from its exact (truncated)
marginal by an inverse CDF, never by rejection (rejection collapses in high
dimension), and the orthogonal part is drawn given ``t``.  A sample is built
in the basis where ``w* = e_1`` and, for ``w* != e_1``, mapped by a Householder
reflection ``H`` with ``H e_1 = +-w*`` (an isometry that maps ``e_1``'s orthogonal
complement onto ``w*``'s).  With the default ``w* = e_1`` the first column of
``X`` *is* ``t``, so ``|w* . x| >= gamma`` holds exactly; for a general ``w*`` it
holds up to the rounding of one reflection (about ``1e-16``).  Likewise
``||x|| <= 1`` holds up to rounding (``||x|| - 1 <= ~2e-16``).

The random numbers come from the per-block xoshiro256++ streams described in
:mod:`slam_theory.data._base` (identical output on 1 or N threads; ``stream(n)``
concatenates to ``sample(n)``).
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import numpy as np
from scipy import integrate, special

from .._kernels import sampling as _ks
from .._validation import as_generator, check_choice, check_in_range
from ._base import (
    RowSampler,
    apply_elementwise,
    check_d,
    unit_w_star,
)

__all__ = ["GaussianHalfspace", "MarginHalfspace"]

_MIN_MASS = 1e-280  # smallest truncated mass Pr[|w*.x| >= gamma] MarginHalfspace accepts


class _PolarTable(NamedTuple):
    q: float
    log_q: float
    z0: float
    h: float
    theta: np.ndarray
    dtheta: np.ndarray
    p: np.ndarray
    log_z: float
    theta_max: float


_TABLE_CELLS = 4096


@functools.lru_cache(maxsize=64)
def _polar_table(m: int, gamma: float) -> _PolarTable:
    """Quantile table of the polar angle ``theta = arccos(w* . x)`` truncated to ``cos >= gamma``.

    ``theta`` has density ``sin^m / Z`` on ``[0, pi/2]`` (``Z = B((m+1)/2, 1/2) / 2``)
    and CDF ``G(theta) = I_{sin^2 theta}((m+1)/2, 1/2)``; the table holds
    ``theta(z)`` for ``z = log G`` on a uniform grid from ``log(Q 2^-53) - 0.5``
    to ``log Q``, computed with ``scipy.special.betaincinv`` (``sin^2`` from the
    inverse of ``G`` where ``G <= 1/2``, ``cos^2`` from the inverse of ``1 - G``
    above, so both tails are accurate),
    and the derivative ``dtheta/dz = G / g``.
    """
    b = (m + 1) / 2.0
    q = float(special.betainc(b, 0.5, 1.0 - gamma * gamma))
    log_q = math.log(q)
    z0 = log_q - 53.0 * math.log(2.0) - 0.5
    h = (log_q - z0) / _TABLE_CELLS
    z = z0 + h * np.arange(_TABLE_CELLS + 1)
    p = np.exp(z)
    lower = p <= 0.5  # invert in the tail that is accurate: sin^2 below the median, else cos^2
    s = np.where(lower, special.betaincinv(b, 0.5, np.where(lower, p, 0.5)), 0.0)
    c = np.where(lower, 0.0, special.betaincinv(0.5, b, np.where(lower, 0.5, -np.expm1(z))))
    s = np.where(lower, s, 1.0 - c)
    c = np.where(lower, 1.0 - s, c)
    theta = np.arctan2(np.sqrt(s), np.sqrt(c))
    theta_max = math.atan2(math.sqrt(1.0 - gamma * gamma), gamma)
    theta[-1] = theta_max
    theta = np.maximum.accumulate(np.minimum(theta, theta_max))
    log_z = math.log(0.5) + float(special.betaln(b, 0.5))
    log_g = m * np.log(np.sin(theta)) - log_z
    dtheta = np.exp(z - log_g)
    for a in (theta, dtheta, p):
        a.setflags(write=False)
    return _PolarTable(q, log_q, z0, h, theta, dtheta, p, log_z, theta_max)


def _sym_tail(a: float, beta: float, atoms: bool) -> float:
    """``P(V > a)`` for ``V`` symmetric on ``[-1, 1]`` with ``V^2 ~ Beta(1/2, beta)``.

    ``atoms=True`` is the degenerate case ``V = +-1`` with probability 1/2 each
    (the 1-D marginal of the uniform distribution on the 0-sphere, ``d = 2``).
    """
    if a >= 1.0:
        return 0.0
    if a <= -1.0:
        return 1.0
    if atoms:
        return 0.5
    half = 0.5 * float(special.betainc(beta, 0.5, 1.0 - a * a))  # P(V > |a|)
    return half if a >= 0 else 1.0 - half


class MarginHalfspace(RowSampler):
    """Halfspace ``sign(w*.x)`` with margin ``gamma`` on the unit sphere or ball.

    The distribution is the uniform distribution on the sphere ``S^(d-1)``
    (``marginal="sphere"``) or the ball ``B^d`` (``marginal="ball"``)
    *conditioned on* ``|w* . x| >= gamma``.

    Law used (exact).  Write ``x = t w* + x_perp``.

    * sphere: ``t^2 ~ Beta(1/2, (d-1)/2)`` (density of ``t`` proportional to
      ``(1 - t^2)^((d-3)/2)``), truncated to ``t^2 >= gamma^2``, with a random
      sign; given ``t``, ``x_perp`` is uniform on the sphere of radius
      ``sqrt(1 - t^2)`` in ``w*``'s orthogonal complement.
    * ball: ``t^2 ~ Beta(1/2, (d+1)/2)`` (density of ``t`` proportional to
      ``(1 - t^2)^((d-1)/2)``, the volume of the slice), truncated likewise;
      given ``t``, ``x_perp`` is uniform in the ``(d-1)``-ball of radius
      ``sqrt(1 - t^2)``: ``x_perp = sqrt(1 - t^2) * U^(1/(d-1)) * g / ||g||`` with
      ``U`` uniform and ``g`` standard normal in the complement.

    Sampling is by inverse CDF, never by rejection.  Equivalently to the Beta
    law, the polar angle ``theta = arccos |w* . x|`` has density proportional to
    ``sin(theta)^m`` on ``[0, arccos(gamma)]`` (``m = d - 2`` for the sphere,
    ``m = d`` for the ball) and CDF ``G(theta) = I_{sin^2 theta}(b, 1/2)``
    (``b = (d-1)/2`` or ``(d+1)/2``).  ``theta = G^{-1}(V * Q)`` with ``V`` uniform in
    ``(0, 1]`` and ``Q = G(arccos gamma)`` the truncated mass; the inverse is
    computed in a Numba kernel from a quantile table built with
    ``scipy.special.betaincinv``, refined by one Newton step on the CDF (the
    table node's value plus a Gauss-Legendre integral of the density over the
    cell); it agrees with ``betaincinv`` to ``1e-13`` (tested) and is several
    times cheaper.  Then ``t = cos(theta)``, ``sqrt(1 - t^2) = sin(theta)``, both accurate in
    every tail.  ``gamma = 1`` gives ``x = +-w*``.  A ``gamma < 1`` whose truncated
    mass is below ``1e-280`` (e.g. ``d = 2000, gamma = 0.75``) is rejected with a
    ``ValueError``.

    Parameters
    ----------
    d : int
        Dimension, ``d >= 2``.
    gamma : float
        Margin, in ``(0, 1]``.
    marginal : {"sphere", "ball"}, default "sphere"
    w_star : array-like of shape (d,), optional
        Target direction (normalised).  Default: ``e_1`` (the first basis vector).
    random_state : None, int, SeedSequence, Generator or RandomState, optional

    Attributes
    ----------
    w_star : ndarray of shape (d,)
        The unit target vector.
    mass : float
        Probability of ``|w* . x| >= gamma`` under the untruncated marginal.

    Examples
    --------
    >>> gen = MarginHalfspace(d=3, gamma=0.2, random_state=0)
    >>> X, y = gen.sample(1000)
    >>> bool(np.all(np.abs(X @ gen.w_star) >= 0.2)), round(gen.disagreement([0.0, 1.0, 0.0]), 4)
    (True, 0.5)
    """

    def __init__(
        self,
        d: int,
        gamma: float,
        marginal: str = "sphere",
        w_star: Any = None,
        random_state: Any = None,
    ) -> None:
        self.d = check_d(d)
        self.gamma = check_in_range(gamma, "gamma", 0.0, 1.0, low_inclusive=False)
        self.marginal = check_choice(marginal, "marginal", ("sphere", "ball"))
        self.w_star = unit_w_star(w_star, self.d)
        self._rng = as_generator(random_state)
        self._mode = _ks.MODE_SPHERE if self.marginal == "sphere" else _ks.MODE_BALL
        # s = 1 - t^2 ~ Beta(b, 1/2)
        self._b = (self.d - 1) / 2.0 if self.marginal == "sphere" else (self.d + 1) / 2.0
        self._m = self.d - 2 if self.marginal == "sphere" else self.d  # theta density sin^m
        self.mass = float(special.betainc(self._b, 0.5, 1.0 - self.gamma**2))
        if self.mass < _MIN_MASS and self.gamma < 1.0:
            raise ValueError(
                f"gamma={self.gamma} is too large for d={self.d}: the set |w*.x| >= gamma has "
                f"probability {self.mass:.3g} < {_MIN_MASS:g}, beyond float64 sampling range; "
                "use a smaller gamma"
            )
        self._setup_reflection()

    def _t_and_r(self, v: np.ndarray, sign: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.gamma >= 1.0:
            return sign.copy(), np.zeros_like(v)
        tab = _polar_table(self._m, self.gamma)
        t = np.empty_like(v)
        r = np.empty_like(v)
        _ks.polar_angle_quantile(
            v, tab.q, tab.log_q, tab.z0, tab.h, tab.theta, tab.dtheta, tab.p, float(self._m),
            tab.log_z, tab.theta_max, self.gamma, t, r,
        )  # fmt: skip
        t *= sign
        return t, r

    def cdf_abs_t(self, a: Any) -> np.ndarray:
        """CDF of ``|w* . x|`` under this (truncated) distribution, vectorised."""
        a = np.asarray(a, dtype=np.float64)
        g2 = self.gamma**2
        a2 = np.clip(a * a, g2, 1.0)
        # P(|t| <= a) = P(s >= 1 - a^2) / Q = (Q - I_{1-a^2}(b, 1/2)) / Q
        out = (self.mass - special.betainc(self._b, 0.5, 1.0 - a2)) / self.mass
        out = np.where(a < self.gamma, 0.0, np.where(a >= 1.0, 1.0, out))
        return np.clip(out, 0.0, 1.0)

    def disagreement(self, w: Any) -> float:
        """Exact ``Pr[sign(w . x) != sign(w* . x)]`` under this distribution.

        With ``c = cos angle(w, w*)`` and ``c' = sqrt(1 - c^2)``, write
        ``w . x = c t + c' r V`` where ``r = sqrt(1 - t^2)`` and, given ``t``,
        ``V`` is the coordinate of ``x_perp / r`` along ``w``'s component
        orthogonal to ``w*``: the 1-D marginal of the uniform distribution on
        ``S^(d-2)`` (``V^2 ~ Beta(1/2, (d-2)/2)``; ``V = +-1`` if ``d = 2``) for
        the sphere, of the uniform distribution in the ``(d-1)``-ball
        (``V^2 ~ Beta(1/2, d/2)``) for the ball.  By the symmetry ``x -> -x``,
        for ``c >= 0`` the error is ``E[P(V > c t / (c' r))]`` over ``|t|``,
        computed by ``scipy.integrate.quad`` in the quantile variable of ``|t|``
        (so the integrand is bounded for every ``d``), and ``err(-w) = 1 - err(w)``.

        Parameters
        ----------
        w : array-like of shape (d,)
            Nonzero vector (its norm is irrelevant).

        Returns
        -------
        float
        """
        return self._symmetric_error(self._check_w(w))

    def _err_nonneg(self, c: float, cp: float) -> float:
        if self.gamma >= 1.0 or self.gamma >= cp:
            return 0.0  # c t >= c' r for every t >= gamma
        if self.marginal == "sphere":
            beta, atoms = (self.d - 2) / 2.0, self.d == 2
        else:
            beta, atoms = self.d / 2.0, False
        b, q = self._b, self.mass

        def integrand(u: float) -> float:
            s = float(special.betaincinv(b, 0.5, u * q))  # s = 1 - t^2, u = quantile of s
            t = math.sqrt(max(0.0, 1.0 - s))
            r = math.sqrt(s)
            if r == 0.0:
                return 0.0
            return _sym_tail(c * t / (cp * r), beta, atoms)

        # The integrand vanishes for t >= c', i.e. s <= c^2: start at its quantile.
        u0 = float(special.betainc(b, 0.5, c * c)) / q if c > 0 else 0.0
        u0 = min(max(u0, 0.0), 1.0)
        if u0 >= 1.0:
            return 0.0
        val, _ = integrate.quad(integrand, u0, 1.0, epsabs=1e-12, epsrel=1e-10, limit=200)
        return float(min(max(val, 0.0), 1.0))


class GaussianHalfspace(RowSampler):
    """Halfspace ``sign(w*.x)`` with ``x ~ N(0, I_d / d)``, optionally minus a band.

    The marginal is scaled by ``1/sqrt(d)`` so that ``E||x||^2 = 1`` and ``gamma``
    is on the same scale as for :class:`MarginHalfspace`.  With ``gamma > 0`` the
    band ``|w* . x| < gamma`` is removed exactly: ``tau = sqrt(d) (w* . x)`` is
    drawn from the standard normal truncated to ``|tau| >= gamma sqrt(d)`` by
    the inverse CDF ``tau = -ndtri_exp(log V + log_ndtr(-gamma sqrt(d)))`` (``V``
    uniform in ``(0, 1]``, random sign), which is accurate far into the tail;
    the orthogonal part is an independent ``N(0, I/d)`` in ``w*``'s complement.

    Parameters
    ----------
    d : int
        Dimension, ``d >= 2``.
    gamma : float, default 0.0
        Half-width of the removed band, in ``[0, 1]`` (the margin scale of
        :class:`MarginHalfspace`, as ``E||x||^2 = 1``).
    w_star : array-like of shape (d,), optional
        Target direction; default ``e_1``.
    random_state : None, int, SeedSequence, Generator or RandomState, optional

    Examples
    --------
    >>> gen = GaussianHalfspace(d=4, random_state=0)
    >>> X, y = gen.sample(5)
    >>> X.shape, round(gen.disagreement([1.0, 1.0, 0.0, 0.0]), 4)   # angle pi/4: 1/4
    ((5, 4), 0.25)
    """

    def __init__(
        self, d: int, gamma: float = 0.0, w_star: Any = None, random_state: Any = None
    ) -> None:
        self.d = check_d(d)
        self.gamma = check_in_range(gamma, "gamma", 0.0, 1.0)
        self.w_star = unit_w_star(w_star, self.d)
        self._rng = as_generator(random_state)
        self._mode = _ks.MODE_GAUSS
        self._g = self.gamma * math.sqrt(self.d)
        self._log_tail = float(special.log_ndtr(-self._g))  # log P(tau >= g)
        self._setup_reflection()

    def _tau(self, v: np.ndarray) -> np.ndarray:
        lt = self._log_tail
        return apply_elementwise(lambda vv: -special.ndtri_exp(np.log1p(-vv) + lt), v)

    def _t_and_r(self, v: np.ndarray, sign: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sd = 1.0 / math.sqrt(self.d)
        tau = np.maximum(self._tau(v), self._g)
        t = sign * (tau * sd)
        if self.gamma > 0:
            np.copyto(t, sign * np.maximum(np.abs(t), self.gamma))
        return t, np.full(v.shape[0], sd)

    def disagreement(self, w: Any) -> float:
        """Exact ``Pr[sign(w . x) != sign(w* . x)]``.

        Without a band this is ``angle(w, w*) / pi``.  With a band, for
        ``c = cos angle >= 0`` it is ``E[Phi(-c tau / sqrt(1 - c^2))]`` over the
        truncated ``|tau|`` (``scipy.integrate.quad`` in the quantile variable),
        and ``err(-w) = 1 - err(w)``.
        """
        c = self._check_w(w)
        if self.gamma == 0.0:
            return float(math.acos(c) / math.pi)
        return self._symmetric_error(c)

    def _err_nonneg(self, c: float, cp: float) -> float:
        lt = self._log_tail

        def integrand(u: float) -> float:
            if u <= 0.0:
                return 0.0
            tau = -float(special.ndtri_exp(math.log(u) + lt))
            return float(special.ndtr(-c * tau / cp))

        val, _ = integrate.quad(integrand, 0.0, 1.0, epsabs=1e-12, epsrel=1e-10, limit=200)
        return float(min(max(val, 0.0), 1.0))
