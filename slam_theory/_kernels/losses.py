"""Scalar per-sample losses and their derivatives in the margin, for the SGD kernels.

Each loss is a function of the (scaled) margin ``z = scale * (w . x)`` and the label
``y`` in ``{-1.0, +1.0}``, parametrised by a length-4 float64 array ``p``:

==================  ==================================  =========================================
``loss_id``         loss                                ``p``
==================  ==================================  =========================================
``LOGISTIC``  (0)   ``softplus(-y z)``                  unused
``MIXED``     (1)   ``-log(T[1,j] s + T[0,j] (1 - s))``  ``T`` row-major (Patrini forward / SLaM)
``LINEAR``    (2)   ``A[j,0] sp(z) + A[j,1] sp(-z)``    ``A = T^{-1}`` row-major (backward,
                                                        Natarajan unbiased)
``LEAKY_RELU`` (3)  ``t/2 + (1/2 - eta)|t|, t = -y z``  ``p[0] = eta``
==================  ==================================  =========================================

with ``s = sigmoid(z)``, ``sp = softplus`` and ``j = 1`` if ``y > 0`` else ``0``.  The SLaM binary
loss with mixing weight ``alpha`` is ``MIXED`` with ``T = [[alpha, 1 - alpha], [1 - alpha,
alpha]]``.  The stabilisation is the one described in :mod:`slam_theory.losses` (log space).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from slam_theory._kernels._config import JIT

LOGISTIC = 0
MIXED = 1
LINEAR = 2
LEAKY_RELU = 3


@numba.njit(**JIT)
def softplus(u: float) -> float:
    """``log(1 + exp(u))`` without overflow."""
    if u > 0.0:
        return u + math.log1p(math.exp(-u))
    return math.log1p(math.exp(u))


@numba.njit(**JIT)
def sigmoid(u: float) -> float:
    """``1 / (1 + exp(-u))`` without overflow."""
    if u >= 0.0:
        return 1.0 / (1.0 + math.exp(-u))
    e = math.exp(u)
    return e / (1.0 + e)


@numba.njit(**JIT)
def _log0(c: float) -> float:
    if c > 0.0:
        return math.log(c)
    return -np.inf


@numba.njit(**JIT)
def _logaddexp(a: float, b: float) -> float:
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


@numba.njit(**JIT)
def mixed_nll(z: float, c1: float, c0: float) -> tuple[float, float]:
    """``-log(c1 s + c0 (1 - s))`` with ``s = sigmoid(z)`` and its ``z``-derivative."""
    log_s = -softplus(-z)
    log_1ms = -softplus(z)
    log_q = _logaddexp(_log0(c1) + log_s, _log0(c0) + log_1ms)
    d = -(c1 - c0) * math.exp(log_s + log_1ms - log_q)
    return -log_q, d


@numba.njit(**JIT)
def loss_and_dz(loss_id: int, z: float, y: float, p: np.ndarray) -> tuple[float, float]:
    """Per-sample loss value and its derivative in the margin ``z`` (see module table)."""
    if loss_id == LOGISTIC:
        u = y * z
        return softplus(-u), -y * sigmoid(-u)
    j = 1 if y > 0.0 else 0
    if loss_id == MIXED:
        return mixed_nll(z, p[2 + j], p[j])
    if loss_id == LINEAR:
        a = p[2 * j]
        b = p[2 * j + 1]
        return a * softplus(z) + b * softplus(-z), a * sigmoid(z) - b * sigmoid(-z)
    # LEAKY_RELU
    eta = p[0]
    t = -y * z
    sgn = 1.0 if z > 0.0 else (-1.0 if z < 0.0 else 0.0)
    return 0.5 * t + (0.5 - eta) * abs(t), 0.5 * ((1.0 - 2.0 * eta) * sgn - y)


@numba.njit(**JIT)
def loss_dz(loss_id: int, z: float, y: float, p: np.ndarray) -> float:
    """Derivative in ``z`` only (skips the logarithms where possible)."""
    if loss_id == LOGISTIC:
        return -y * sigmoid(-y * z)
    if loss_id == LEAKY_RELU:
        sgn = 1.0 if z > 0.0 else (-1.0 if z < 0.0 else 0.0)
        return 0.5 * ((1.0 - 2.0 * p[0]) * sgn - y)
    j = 1 if y > 0.0 else 0
    if loss_id == LINEAR:
        return p[2 * j] * sigmoid(z) - p[2 * j + 1] * sigmoid(-z)
    # MIXED: with c0, c1 > 0 the denominator q >= min(c0, c1) cannot underflow, so the direct
    # formula -(c1 - c0) s (1 - s) / q is exact and needs a single exp; else use log space.
    c1 = p[2 + j]
    c0 = p[j]
    if c1 > 0.0 and c0 > 0.0:
        e = math.exp(-abs(z))
        if z >= 0.0:
            s = 1.0 / (1.0 + e)
            sc = e * s
        else:
            sc = 1.0 / (1.0 + e)
            s = e * sc
        return -(c1 - c0) * (s * sc) / (c1 * s + c0 * sc)
    return mixed_nll(z, c1, c0)[1]
