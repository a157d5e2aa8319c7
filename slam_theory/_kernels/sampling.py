"""Numba kernels for the data generators in :mod:`slam_theory.data`.

Rows are generated in fixed blocks of ``BLOCK_ROWS`` rows.  Block ``b`` (a global
block index, counted from the first row of a ``sample`` call or of a
``stream``) draws its random numbers from its own xoshiro256++ state
``seed_state(key, b, stream)`` (see :mod:`slam_theory._kernels.rng`), so the
output depends on ``(key, row index)`` only: not on the thread count, and not
on how a stream is cut into batches (a batch boundary falls on a block
boundary, see :mod:`slam_theory.data`).

Stream 0 of a block feeds :func:`block_uniforms` (the uniform that is turned
into the ``w*`` coordinate by an inverse CDF, and its sign); stream 1 feeds
:func:`fill_rows` (the orthogonal part).  No validation happens here.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._config import JIT, PJIT
from .rng import next_double, next_normal, next_u64, seed_state

__all__ = [
    "BLOCK_ROWS",
    "MODE_BALL",
    "MODE_GAUSS",
    "MODE_SPHERE",
    "block_uniforms",
    "fill_rows",
    "polar_angle_quantile",
]

#: Rows per RNG block (a batch boundary of ``stream`` is always a multiple of it).
BLOCK_ROWS: int = 1024
#: Orthogonal part uniform on the sphere of radius ``r[i]``.
MODE_SPHERE: int = 0
#: Orthogonal part uniform in the ball of radius ``r[i]``.
MODE_BALL: int = 1
#: Orthogonal part i.i.d. normal with standard deviation ``r[i]``.
MODE_GAUSS: int = 2

_TWO_M53 = 1.0 / 9007199254740992.0
_U11 = np.uint64(11)
_U1 = np.uint64(1)


@numba.njit(**PJIT)
def block_uniforms(
    key: np.ndarray, block0: np.int64, block_rows: np.int64, v: np.ndarray, sign: np.ndarray
) -> None:
    """Fill ``v`` with uniforms in ``[0, 1)`` and ``sign`` with random ``+-1.0``.

    Row ``i`` uses one 64-bit output of the stream-0 state of block
    ``block0 + i // block_rows``: its top 53 bits give ``v[i]`` and its lowest
    bit gives ``sign[i]``.
    """
    n = v.shape[0]
    nblocks = (n + block_rows - 1) // block_rows
    for b in numba.prange(nblocks):
        s0, s1, s2, s3 = seed_state(key, block0 + b, 0)
        stop = min(n, (b + 1) * block_rows)
        for i in range(b * block_rows, stop):
            r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
            v[i] = float(np.int64(r >> _U11)) * _TWO_M53
            sign[i] = 1.0 if (r & _U1) == _U1 else -1.0


@numba.njit(**JIT)
def _fill_block(
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
    start: np.int64,
    stop: np.int64,
    t: np.ndarray,
    r: np.ndarray,
    mode: np.int64,
    hh_v: np.ndarray,
    hh_coef: float,
    ki: np.ndarray,
    wi: np.ndarray,
    fi: np.ndarray,
    X: np.ndarray,
) -> None:
    d = X.shape[1]
    inv_m = 1.0 / (d - 1)
    for i in range(start, stop):
        while True:
            ss = 0.0
            for j in range(1, d):
                z, s0, s1, s2, s3 = next_normal(s0, s1, s2, s3, ki, wi, fi)
                X[i, j] = z
                ss += z * z
            if ss > 0.0 or mode == MODE_GAUSS:
                break
        if mode == MODE_GAUSS:
            scale = r[i]
        else:
            scale = r[i] / math.sqrt(ss)
            if mode == MODE_BALL:
                u, s0, s1, s2, s3 = next_double(s0, s1, s2, s3)
                scale *= (1.0 - u) ** inv_m
        for j in range(1, d):
            X[i, j] *= scale
        X[i, 0] = t[i]
        if hh_coef != 0.0:
            dot = 0.0
            for j in range(d):
                dot += hh_v[j] * X[i, j]
            c = hh_coef * dot
            for j in range(d):
                X[i, j] -= c * hh_v[j]


@numba.njit(**PJIT)
def fill_rows(
    key: np.ndarray,
    block0: np.int64,
    block_rows: np.int64,
    t: np.ndarray,
    r: np.ndarray,
    mode: np.int64,
    hh_v: np.ndarray,
    hh_coef: float,
    ki: np.ndarray,
    wi: np.ndarray,
    fi: np.ndarray,
    X: np.ndarray,
) -> None:
    """Fill ``X`` (shape ``(n, d)``, ``d >= 2``) row by row.

    Row ``i`` is ``(t[i], y)`` with ``y`` in ``R^(d-1)`` drawn from the
    stream-1 state of its block: ``y = r[i] * g / ||g||`` (``MODE_SPHERE``),
    ``y = r[i] * U**(1/(d-1)) * g / ||g||`` (``MODE_BALL``, uniform in the
    ``(d-1)``-ball of radius ``r[i]``) or ``y = r[i] * g`` (``MODE_GAUSS``),
    with ``g`` standard normal (a zero ``g`` is redrawn).  If ``hh_coef != 0``
    the row is then reflected, ``x <- x - hh_coef * (hh_v . x) * hh_v`` (a
    Householder reflection mapping ``e_1`` to a chosen unit vector).
    """
    n = X.shape[0]
    nblocks = (n + block_rows - 1) // block_rows
    for b in numba.prange(nblocks):
        s0, s1, s2, s3 = seed_state(key, block0 + b, 1)
        stop = min(n, (b + 1) * block_rows)
        _fill_block(s0, s1, s2, s3, b * block_rows, stop, t, r, mode, hh_v, hh_coef, ki, wi, fi, X)


#: Gauss-Legendre 2-point node on [-1, 1] (weights 1).
_GL2 = 0.5773502691896257


@numba.njit(inline="always", **JIT)
def _density(theta: float, m: float, log_z: float) -> float:
    return math.exp(m * math.log(math.sin(theta)) - log_z)


@numba.njit(**PJIT)
def polar_angle_quantile(
    v: np.ndarray,
    q: float,
    log_q: float,
    z0: float,
    h: float,
    theta_tab: np.ndarray,
    dtheta_tab: np.ndarray,
    p_tab: np.ndarray,
    m: float,
    log_z: float,
    theta_max: float,
    t_min: float,
    out_t: np.ndarray,
    out_r: np.ndarray,
) -> None:
    """Inverse CDF of the polar angle ``theta`` with density ``sin(theta)^m / Z`` on ``[0, pi/2]``.

    For each ``v[i]`` in ``[0, 1)`` solve ``G(theta) = p`` with
    ``p = (1 - v[i]) * Q`` (``Q = G(theta_max)``, ``log_q = log Q``), where
    ``G(theta) = int_0^theta sin^m / Z``, and write ``t = cos(theta)`` and
    ``r = sin(theta)`` (``t`` clamped to ``>= t_min``).

    The start is a cubic Hermite interpolant of the tabulated quantile
    ``theta(z)``, ``z = log p``, on the grid ``z0 + h * j`` (values
    ``theta_tab``, slopes ``dtheta_tab = dtheta/dz = p / g``, node CDF values
    ``p_tab = exp(z_j)``), accurate to about ``1e-10``.  One Newton step on
    ``G(theta) - p`` follows, with ``G(theta) = p_tab[j] + int_{theta_j}^theta g``
    (2-point Gauss-Legendre over a cell whose log-density varies by ~``h``, so
    the quadrature error is ~``h^5 p``); the step is ``O(1e-10)``, so
    ``cos``/``sin`` of the result come from a second-order expansion around
    the start.  Elementwise, so the result does not depend on the thread count.
    """
    n = v.shape[0]
    ncell = theta_tab.shape[0] - 1
    direct = q > 1e-280
    for i in numba.prange(n):
        if direct:
            p = (1.0 - v[i]) * q
            z = math.log(p)
        else:
            z = math.log1p(-v[i]) + log_q
            p = math.exp(z)
        x = (z - z0) / h
        j = math.floor(x)
        if j < 0:
            j = 0
        elif j > ncell - 1:
            j = ncell - 1
        u = x - j
        if u < 0.0:
            u = 0.0
        elif u > 1.0:
            u = 1.0
        a0 = theta_tab[j]
        a1 = theta_tab[j + 1]
        u2 = u * u
        u3 = u2 * u
        th = (
            (2.0 * u3 - 3.0 * u2 + 1.0) * a0
            + (u3 - 2.0 * u2 + u) * h * dtheta_tab[j]
            + (-2.0 * u3 + 3.0 * u2) * a1
            + (u3 - u2) * h * dtheta_tab[j + 1]
        )
        if th < a0:
            th = a0
        elif th > a1:
            th = a1
        half = 0.5 * (th - a0)
        mid = 0.5 * (th + a0)
        integral = half * (
            _density(mid - half * _GL2, m, log_z) + _density(mid + half * _GL2, m, log_z)
        )
        sn = math.sin(th)
        cs = math.cos(th)
        g = math.exp(m * math.log(sn) - log_z)
        delta = 0.0
        if g > 0.0:
            delta = ((p_tab[j] - p) + integral) / g
        th1 = th - delta
        if th1 > theta_max:
            t = math.cos(theta_max)
            r = math.sin(theta_max)
        elif th1 <= 0.0:
            t = 1.0
            r = 0.0
        elif abs(delta) < 1e-6:
            # cos/sin(th - delta) to second order in delta (error < delta^3)
            hd2 = 0.5 * delta * delta
            t = cs + delta * sn - hd2 * cs
            r = sn - delta * cs - hd2 * sn
        else:
            t = math.cos(th1)
            r = math.sin(th1)
        out_t[i] = max(t, t_min)
        out_r[i] = r
