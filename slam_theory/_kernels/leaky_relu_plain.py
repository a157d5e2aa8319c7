"""DDKWZ23 Algorithm 1, the plain loop: every margin at every step (the reference kernel).

:func:`leaky_relu_full_batch` is what :func:`slam_theory._kernels.leaky_relu.leaky_relu_exact`
must reproduce, iterate for iterate; the tests and the benchmark compare the two.  Inner
products and sums go through small helpers compiled with the restricted ``FASTMATH_REDUCE``
flags (see :mod:`slam_theory._kernels._config`), everything else without fastmath.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from slam_theory._kernels._config import JIT, JIT_REDUCE

__all__ = ["dot", "leaky_relu_full_batch", "leaky_relu_sum"]


@numba.njit(**JIT_REDUCE)
def dot(x: np.ndarray, w: np.ndarray) -> float:
    """``x . w`` (vectorised reduction, see ``FASTMATH_REDUCE``)."""
    a = 0.0
    for j in range(x.shape[0]):
        a += x[j] * w[j]
    return a


@numba.njit(**JIT_REDUCE)
def leaky_relu_sum(z: np.ndarray, y: np.ndarray, eta: float) -> float:
    """``sum_k LeakyReLU_eta(-y[k] z[k])`` (vectorised reduction, see ``FASTMATH_REDUCE``)."""
    acc = 0.0
    h = 0.5 - eta
    for k in range(z.shape[0]):
        t = -y[k] * z[k]
        acc += 0.5 * t + h * abs(t)
    return acc


#: Rows per block in :func:`leaky_relu_full_batch` (a block of the transposed data stays in L1/L2).
_ROW_BLOCK = 256
#: Iterates scored together on the held-out set in :func:`leaky_relu_full_batch`.
_ITER_BLOCK = 64


@numba.njit(**JIT)
def _transpose(X: np.ndarray) -> np.ndarray:
    """C-contiguous ``X.T`` (feature-major copy), cache-blocked."""
    n, d = X.shape
    Xt = np.empty((d, n))
    for i0 in range(0, n, 64):
        i1 = min(i0 + 64, n)
        for j in range(d):
            for i in range(i0, i1):
                Xt[j, i] = X[i, j]
    return Xt


@numba.njit(**JIT)
def _score_iterates(
    Xvt: np.ndarray, y_val: np.ndarray, W: np.ndarray, nb: int, zv: np.ndarray,
    errc: np.ndarray,
) -> None:
    """``errc[b] = #{i : pred(W[b] . x_i) != y_val[i]}`` for ``b < nb`` (ties predict +1).

    ``Xvt`` is the feature-major held-out set; the margins of a block of rows are computed
    for all ``nb`` iterates while the block is in cache (one read of the held-out set per
    ``nb`` iterates).  Each margin is summed over the features in order ``j = 0..d-1``.
    """
    d, n_val = Xvt.shape
    for b in range(nb):
        errc[b] = 0
    for i0 in range(0, n_val, _ROW_BLOCK):
        i1 = min(i0 + _ROW_BLOCK, n_val)
        m = i1 - i0
        zb = zv[:m]
        yb = y_val[i0:i1]
        for b in range(nb):
            w0 = W[b, 0]
            row = Xvt[0, i0:i1]
            for k in range(m):
                zb[k] = w0 * row[k]
            for j in range(1, d):
                wj = W[b, j]
                row = Xvt[j, i0:i1]
                for k in range(m):
                    zb[k] += wj * row[k]
            e = 0
            for k in range(m):
                pred = 1.0 if zb[k] >= 0.0 else -1.0
                e += pred != yb[k]
            errc[b] += e


@numba.njit(**JIT)
def _select_block(
    Xvt: np.ndarray, y_val: np.ndarray, W: np.ndarray, nb: int, zv: np.ndarray,
    errc: np.ndarray, val_err: np.ndarray, s0: int, best_err: float, best: int,
    best_w: np.ndarray,
) -> tuple[float, int]:
    """Score the block of ``nb`` iterates ``W[:nb]`` (steps ``s0 .. s0 + nb - 1``) on the
    held-out set, write their errors into ``val_err`` and keep the first minimum in step order
    in ``best_w``; return the updated ``(best_err, best)``."""
    n_val = Xvt.shape[1]
    _score_iterates(Xvt, y_val, W, nb, zv, errc)
    for b in range(nb):
        e = errc[b] / n_val if n_val > 0 else 0.0
        val_err[s0 + b] = e
        if e < best_err:
            best_err = e
            best = s0 + b
            for j in range(W.shape[1]):
                best_w[j] = W[b, j]
    return best_err, best


@numba.njit(**JIT)
def leaky_relu_full_batch(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    w: np.ndarray,
    eta: float,
    n_steps: int,
    lr: float,
    best_w: np.ndarray,
    val_err: np.ndarray,
    objective: np.ndarray,
    record_at: np.ndarray,
    rec_coef: np.ndarray,
) -> int:
    """DDKWZ23 Algorithm 1: projected full-batch subgradient descent on the LeakyReLU loss.

    For ``s = 0..n_steps-1``: the iterate ``w_s`` (``w_0`` = the given ``w``) is scored on the
    held-out set (noisy 0-1 error, ties predicted +1) into ``val_err[s]``, its training objective
    ``mean LeakyReLU_eta(-y w.x)`` into ``objective[s]``, then ``w_{s+1} = Proj_{||w||<=1}(w_s -
    lr g(w_s))`` with ``g(w) = (1/2N) sum_i [(1 - 2 eta) sign(w.x_i) - y_i] x_i``
    (``sign(0) = 0``).  The final iterate ``w_{n_steps}`` is scored too (``val_err`` and
    ``objective`` have ``n_steps + 1`` entries).  The first iterate with the smallest held-out
    error is copied to ``best_w``; the iterates ``w_s`` for ``s`` in ``record_at`` (sorted) are
    copied to the rows of ``rec_coef``.

    Layout: ``X`` and ``X_val`` are copied once to feature-major form.  Each step streams the
    training data once, in blocks of ``_ROW_BLOCK`` rows: the margins of a block are computed
    feature by feature (vectorised across rows; each margin summed over ``j = 0..d-1`` in
    order), then the coefficients ``c_i`` and the block's contributions to the gradient and the
    objective (vectorised reductions, ``FASTMATH_REDUCE``) while the block is in cache.  The
    held-out errors are computed for ``_ITER_BLOCK`` iterates at a time
    (:func:`_score_iterates`); the selection is unchanged (first minimum, in step order).

    Returns
    -------
    best : int
        Index ``s`` of the selected iterate.
    """
    n = X.shape[0]
    d = X.shape[1]
    Xt = _transpose(X)
    Xvt = _transpose(X_val)
    rb = _ROW_BLOCK
    z = np.empty(rb)
    c = np.empty(rb)
    g = np.empty(d)
    W = np.empty((_ITER_BLOCK, d))
    errc = np.zeros(_ITER_BLOCK, dtype=np.int64)
    best = -1
    best_err = np.inf
    a = 1.0 - 2.0 * eta
    r = 0
    n_rec = record_at.shape[0]
    nb = 0
    s0 = 0
    for s in range(n_steps + 1):
        if r < n_rec and s == record_at[r]:
            for j in range(d):
                rec_coef[r, j] = w[j]
            r += 1
        for j in range(d):
            W[nb, j] = w[j]
        nb += 1
        if nb == _ITER_BLOCK or s == n_steps:
            best_err, best = _select_block(Xvt, y_val, W, nb, z, errc, val_err, s0,
                                           best_err, best, best_w)
            s0 += nb
            nb = 0
        for j in range(d):
            g[j] = 0.0
        obj = 0.0
        for i0 in range(0, n, rb):
            # slices (not ``a[i0 + k]``) keep the indices provably non-negative, which the
            # vectoriser needs (no wraparound selects)
            i1 = min(i0 + rb, n)
            m = i1 - i0
            zb = z[:m]
            cb = c[:m]
            yb = y[i0:i1]
            w0 = w[0]
            row = Xt[0, i0:i1]
            for k in range(m):
                zb[k] = w0 * row[k]
            for j in range(1, d):
                wj = w[j]
                row = Xt[j, i0:i1]
                for k in range(m):
                    zb[k] += wj * row[k]
            obj += leaky_relu_sum(zb, yb, eta)
            for k in range(m):
                zk = zb[k]
                sgn = 1.0 if zk > 0.0 else (-1.0 if zk < 0.0 else 0.0)
                cb[k] = a * sgn - yb[k]
            for j in range(d):
                g[j] += dot(cb, Xt[j, i0:i1])
        objective[s] = obj / n
        if s == n_steps:
            break
        norm2 = 0.0
        step = lr / (2.0 * n)
        for j in range(d):
            w[j] -= step * g[j]
            norm2 += w[j] * w[j]
        if norm2 > 1.0:
            f = 1.0 / math.sqrt(norm2)
            for j in range(d):
                w[j] *= f
    return best
