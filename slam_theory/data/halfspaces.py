"""Data generators: margin halfspaces, Gaussian and hypercube halfspaces, Gaussian mixtures.

Every generator takes ``random_state`` (None, int, ``SeedSequence``, numpy
``Generator`` or ``RandomState``; resolved once, in ``__init__``, by
:func:`slam_theory._validation.as_generator`) and keeps the resulting
``Generator``: successive ``sample`` calls give fresh, independent data, and two
generators built with the same seed give identical sequences of samples.

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

The random numbers come from a per-block xoshiro256++ stream inside a Numba
kernel (:mod:`slam_theory._kernels.rng`), keyed by four 64-bit words drawn from
the generator's ``Generator`` once per ``sample``/``stream`` call; blocks of
``BLOCK_ROWS = 1024`` rows are independent of each other and of the thread
count, so the output is identical on 1 or N threads, and the concatenated
batches of ``stream(n)`` equal ``sample(n)`` of a generator in the same state.
"""

from __future__ import annotations

import abc
import contextlib
import functools
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import numba
import numpy as np
from scipy import integrate, special

from ._kernels import sampling as _ks
from ._kernels.rng import ziggurat_tables
from ._validation import (
    as_generator,
    check_choice,
    check_finite_array,
    check_in_range,
    check_int,
    check_unit_vector,
)

__all__ = [
    "GaussianHalfspace",
    "GaussianMixture",
    "HypercubeHalfspace",
    "MarginHalfspace",
    "simulate_teacher",
]

_KI, _WI, _FI = ziggurat_tables()
_PAR_MIN = 1 << 16  # below this many rows, special functions run on one thread
_MIN_MASS = 1e-280  # smallest truncated mass Pr[|w*.x| >= gamma] MarginHalfspace accepts
_CHUNK_BLOCKS = 4  # prange chunk (in RNG blocks) for the row kernel
_CHUNK_ELEMS = 16384  # prange chunk (in elements) for elementwise kernels


def _check_n(n: Any) -> int:
    return check_int(n, "n", low=1)


def _check_d(d: Any) -> int:
    return check_int(d, "d", low=2)


def _unit_w_star(w_star: Any, d: int) -> np.ndarray:
    if w_star is None:
        w = np.zeros(d)
        w[0] = 1.0
        return w
    return check_unit_vector(w_star, "w_star", d)


def _householder(w_star: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Reflection ``H = I - coef v v^T`` with ``H e_1 = -sigma w*``; returns ``(v, coef, sigma)``.

    ``sigma = sign(w*_1)`` (``+1`` if zero) avoids cancellation in ``v = e_1 + sigma w*``.
    Then ``w* . (H x) = -sigma x_1``, so writing ``-sigma t`` into column 0 gives
    ``w* . x = t``.  For ``w* = e_1`` exactly, no reflection is needed (``coef = 0``).
    """
    d = w_star.shape[0]
    e1 = np.zeros(d)
    e1[0] = 1.0
    if np.array_equal(w_star, e1):
        return np.zeros(d), 0.0, -1.0
    sigma = 1.0 if w_star[0] >= 0 else -1.0
    v = e1 + sigma * w_star
    return np.ascontiguousarray(v), 2.0 / float(v @ v), sigma


def _apply_elementwise(fn: Any, *arrays: np.ndarray) -> np.ndarray:
    """``fn(*arrays)`` elementwise, split over ``numba.get_num_threads()`` Python threads.

    scipy's special-function ufuncs release the GIL; the result does not depend
    on the number of threads.
    """
    n = arrays[0].shape[0]
    k = numba.get_num_threads()
    if k <= 1 or n < _PAR_MIN:
        return fn(*arrays)
    out = np.empty(n)
    bounds = np.linspace(0, n, k + 1).astype(np.int64)

    def work(i: int) -> None:
        lo, hi = bounds[i], bounds[i + 1]
        out[lo:hi] = fn(*(a[lo:hi] for a in arrays))

    with ThreadPoolExecutor(max_workers=k) as ex:
        list(ex.map(work, range(k)))
    return out


@contextlib.contextmanager
def _dynamic_chunks(size: int) -> Iterator[None]:
    """Let ``prange`` loops hand out work in chunks of ``size`` iterations (dynamic scheduling).

    Threads that are slowed down (e.g. on a busy machine) then take less work.
    Which iterations a thread runs never changes the output: every block has its
    own RNG state and every element is written by exactly one iteration.
    """
    saved = numba.get_parallel_chunksize()
    numba.set_parallel_chunksize(size)
    try:
        yield
    finally:
        numba.set_parallel_chunksize(saved)


def _draw_key(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 2**64 - 1, size=4, dtype=np.uint64, endpoint=True)


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


class _RowSampler(abc.ABC):
    """Shared ``sample``/``stream`` machinery of the kernel-backed halfspace generators."""

    d: int
    w_star: np.ndarray
    _rng: np.random.Generator
    _mode: int

    def _setup_reflection(self) -> None:
        self._hh_v, self._hh_coef, self._sigma = _householder(self.w_star)

    @abc.abstractmethod
    def _t_and_r(self, v: np.ndarray, sign: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Map uniforms ``v`` in ``[0, 1)`` and signs to ``(t, r)`` (subclasses)."""

    def _generate(self, key: np.ndarray, block0: int, m: int) -> tuple[np.ndarray, np.ndarray]:
        v = np.empty(m)
        sign = np.empty(m)
        with _dynamic_chunks(_CHUNK_BLOCKS):
            _ks.block_uniforms(key, block0, _ks.BLOCK_ROWS, v, sign)
        with _dynamic_chunks(_CHUNK_ELEMS):
            t, r = self._t_and_r(v, sign)
        if self._sigma != -1.0:
            t = -self._sigma * t
        X = np.empty((m, self.d))
        with _dynamic_chunks(_CHUNK_BLOCKS):
            _ks.fill_rows(
                key, block0, _ks.BLOCK_ROWS, t, r, self._mode,
                self._hh_v, self._hh_coef, _KI, _WI, _FI, X,
            )  # fmt: skip
        y = np.where(sign > 0, 1, -1).astype(np.int64)
        return X, y

    def sample(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` labelled examples.

        Parameters
        ----------
        n : int
            Number of examples, ``n >= 1``.

        Returns
        -------
        X : ndarray of float64, shape (n, d), C-contiguous
        y : ndarray of int64, shape (n,)
            Clean labels ``sign(w* . x)`` in ``{-1, +1}``.
        """
        n = _check_n(n)
        return self._generate(_draw_key(self._rng), 0, n)

    def stream(self, n: int, batch: int = 65536) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(X, y)`` batches of at most ``batch`` rows, ``n`` rows in total.

        Memory is ``O(batch * d)``, so a trial with ``n = 1e8`` is feasible.  The
        concatenation of the batches equals ``sample(n)`` drawn from a generator
        in the same state (same seed and history): rows are generated in
        internal chunks of ``ceil(batch / 1024) * 1024`` rows, aligned with the
        kernel's RNG blocks, and re-cut to ``batch`` rows.

        Parameters
        ----------
        n : int
            Total number of examples, ``n >= 1``.
        batch : int, default 65536
            Rows per yielded batch (the last batch may be smaller), ``batch >= 1``.
        """
        n = _check_n(n)
        batch = check_int(batch, "batch", low=1)
        key = _draw_key(self._rng)  # drawn eagerly: the generator advances like sample(n)
        return self._stream(key, n, batch)

    def _stream(
        self, key: np.ndarray, n: int, batch: int
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        bs = _ks.BLOCK_ROWS
        chunk = -(-batch // bs) * bs
        made = 0  # rows generated so far (a multiple of bs until the last chunk)
        yielded = 0
        buf_X = np.empty((0, self.d))
        buf_y = np.empty(0, dtype=np.int64)
        while yielded < n:
            want = min(batch, n - yielded)
            if buf_X.shape[0] < want:
                m = min(chunk, n - made)
                X, y = self._generate(key, made // bs, m)
                made += m
                buf_X = np.concatenate([buf_X, X]) if buf_X.shape[0] else X
                buf_y = np.concatenate([buf_y, y]) if buf_y.shape[0] else y
            out_X = np.ascontiguousarray(buf_X[:want])
            out_y = buf_y[:want].copy()
            buf_X, buf_y = buf_X[want:], buf_y[want:]
            yielded += want
            yield out_X, out_y

    def _check_w(self, w: Any) -> float:
        """Validate ``w`` and return ``cos angle(w, w*)`` clipped to ``[-1, 1]``."""
        wu = check_unit_vector(w, "w", self.d)
        return float(np.clip(wu @ self.w_star, -1.0, 1.0))


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


class MarginHalfspace(_RowSampler):
    """Halfspace ``sign(w* . x)`` with margin ``gamma`` on the unit sphere or ball.

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
    """

    def __init__(
        self,
        d: int,
        gamma: float,
        marginal: str = "sphere",
        w_star: Any = None,
        random_state: Any = None,
    ) -> None:
        self.d = _check_d(d)
        self.gamma = check_in_range(gamma, "gamma", 0.0, 1.0, low_inclusive=False)
        self.marginal = check_choice(marginal, "marginal", ("sphere", "ball"))
        self.w_star = _unit_w_star(w_star, self.d)
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

    def _t_and_r_scipy(self, v: np.ndarray, sign: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reference for :meth:`_t_and_r`: ``s = 1 - t^2`` by ``scipy.special.betaincinv``."""
        q = self.mass
        b = self._b
        if self.gamma >= 1.0:
            s = np.zeros_like(v)
        else:
            s = _apply_elementwise(lambda vv: special.betaincinv(b, 0.5, (1.0 - vv) * q), v)
            np.minimum(s, 1.0 - self.gamma**2, out=s)
        t = np.sqrt(1.0 - s)
        np.maximum(t, self.gamma, out=t)
        return sign * t, np.sqrt(s)

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
        c = self._check_w(w)
        if c < 0:
            return 1.0 - self._err_nonneg(-c)
        return self._err_nonneg(c)

    def _err_nonneg(self, c: float) -> float:
        if c >= 1.0:
            return 0.0
        cp = math.sqrt(max(0.0, 1.0 - c * c))
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


class GaussianHalfspace(_RowSampler):
    """Halfspace ``sign(w* . x)`` with ``x ~ N(0, I_d / d)``, optionally minus a band.

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
        Half-width of the removed band, ``gamma >= 0`` (finite).
    w_star : array-like of shape (d,), optional
        Target direction; default ``e_1``.
    random_state : None, int, SeedSequence, Generator or RandomState, optional
    """

    def __init__(
        self, d: int, gamma: float = 0.0, w_star: Any = None, random_state: Any = None
    ) -> None:
        self.d = _check_d(d)
        self.gamma = check_in_range(gamma, "gamma", 0.0, math.inf, high_inclusive=False)
        self.w_star = _unit_w_star(w_star, self.d)
        self._rng = as_generator(random_state)
        self._mode = _ks.MODE_GAUSS
        self._g = self.gamma * math.sqrt(self.d)
        self._log_tail = float(special.log_ndtr(-self._g))  # log P(tau >= g)
        self._setup_reflection()

    def _tau(self, v: np.ndarray) -> np.ndarray:
        lt = self._log_tail
        return _apply_elementwise(lambda vv: -special.ndtri_exp(np.log1p(-vv) + lt), v)

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
        if c < 0:
            return 1.0 - self._err_nonneg(-c)
        return self._err_nonneg(c)

    def _err_nonneg(self, c: float) -> float:
        if c >= 1.0:
            return 0.0
        cp = math.sqrt(max(0.0, 1.0 - c * c))
        lt = self._log_tail

        def integrand(u: float) -> float:
            if u <= 0.0:
                return 0.0
            tau = -float(special.ndtri_exp(math.log(u) + lt))
            return float(special.ndtr(-c * tau / cp))

        val, _ = integrate.quad(integrand, 0.0, 1.0, epsabs=1e-12, epsrel=1e-10, limit=200)
        return float(min(max(val, 0.0), 1.0))


class HypercubeHalfspace:
    """Halfspace ``sign(w* . x)`` with ``x`` uniform on ``{-1, +1}^d / sqrt(d)``.

    Points lie on the unit sphere.  Ties ``w . x = 0`` are labelled ``+1`` (for
    ``w*`` and for the ``w`` given to :meth:`disagreement`).  The default ``w*``
    is a random Gaussian direction drawn from ``random_state`` at construction,
    for which ties have probability zero; a user ``w*`` such as the all-ones
    vector (majority) in even dimension does have ties, broken to ``+1``.

    Parameters
    ----------
    d : int
        Dimension, ``d >= 2``.
    w_star : array-like of shape (d,), optional
    random_state : None, int, SeedSequence, Generator or RandomState, optional
    """

    #: Largest ``d`` for which :meth:`disagreement` enumerates the cube exactly.
    EXACT_MAX_D: int = 20
    #: Monte Carlo sample size of :meth:`disagreement` above ``EXACT_MAX_D``.
    MC_SAMPLES: int = 1 << 20

    def __init__(self, d: int, w_star: Any = None, random_state: Any = None) -> None:
        self.d = _check_d(d)
        self._rng = as_generator(random_state)
        if w_star is None:
            w = self._rng.standard_normal(self.d)
            self.w_star = w / np.linalg.norm(w)
        else:
            self.w_star = check_unit_vector(w_star, "w_star", self.d)

    @staticmethod
    def _label(S: np.ndarray, w: np.ndarray) -> np.ndarray:
        return np.where(S @ w >= 0, 1, -1).astype(np.int64)

    def sample(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` examples: ``X`` float64 ``(n, d)`` (cube / sqrt(d)), ``y`` in {-1, +1}."""
        n = _check_n(n)
        S = self._rng.integers(0, 2, size=(n, self.d), dtype=np.int8).astype(np.float64)
        S = 2.0 * S - 1.0
        y = self._label(S, self.w_star)
        S *= 1.0 / math.sqrt(self.d)
        return np.ascontiguousarray(S), y

    def stream(self, n: int, batch: int = 65536) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield batches of :meth:`sample` totalling ``n`` rows (not equal to ``sample(n)``)."""
        n = _check_n(n)
        batch = check_int(batch, "batch", low=1)

        def gen() -> Iterator[tuple[np.ndarray, np.ndarray]]:
            done = 0
            while done < n:
                m = min(batch, n - done)
                done += m
                yield self.sample(m)

        return gen()

    def disagreement(self, w: Any) -> float:
        """``Pr[sign(w . x) != sign(w* . x)]`` (ties labelled ``+1``).

        Exact, by enumerating all ``2^d`` points, for ``d <= 20``.  For ``d > 20``
        it is a Monte Carlo **estimate** from ``2^20`` points drawn with a fixed
        seed (0), so deterministic, with standard error at most ``0.0005``.
        """
        wu = check_unit_vector(w, "w", self.d)
        d = self.d
        if d <= self.EXACT_MAX_D:
            total = 0
            step = 1 << min(d, 16)
            pows = (1 << np.arange(d, dtype=np.int64))[None, :]
            for start in range(0, 1 << d, step):
                idx = np.arange(start, start + step, dtype=np.int64)[:, None]
                S = np.where((idx & pows) != 0, 1.0, -1.0)
                total += int(np.count_nonzero(self._label(S, wu) != self._label(S, self.w_star)))
            return total / float(1 << d)
        mc = np.random.default_rng(0)
        total = 0
        for _ in range(self.MC_SAMPLES // 65536):
            S = 2.0 * mc.integers(0, 2, size=(65536, d), dtype=np.int8) - 1.0
            total += int(np.count_nonzero(self._label(S, wu) != self._label(S, self.w_star)))
        return total / float(self.MC_SAMPLES)


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
    """

    def __init__(
        self, n_classes: int, d: int, separation: float = 3.0, random_state: Any = None
    ) -> None:
        self.n_classes = check_int(n_classes, "n_classes", low=2)
        self.d = check_int(d, "d", low=1)
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
        n = _check_n(n)
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
