"""DDKWZ23 Algorithm 1 kernels: full-batch projected subgradient descent on the LeakyReLU loss.

:func:`leaky_relu_full_batch` is the plain loop (every margin at every step);
:func:`leaky_relu_exact` gives the same iterates by tracking the sign pattern exactly and
recomputing only the margins that can change sign.  Like the other kernels they update their
output arrays in place; inner products and sums go through small helpers compiled with the
restricted ``FASTMATH_REDUCE`` flags (see :mod:`slam_theory._kernels._config`), everything else
is compiled without fastmath.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from slam_theory._kernels._config import JIT, JIT_REDUCE, N_CHUNKS
from slam_theory._kernels.halfspaces import row_dot_and_sqnorm

__all__ = ["dot", "leaky_relu_exact", "leaky_relu_full_batch", "leaky_relu_sum", "row_dot"]


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


#: Rounding slack of the exact kernel, per unit of ``||x_i||`` and per feature: a computed inner
#: product ``fl(x . w)`` with ``||w|| <= 1`` is within ``d * 2^-53 * ||x||`` of the exact one
#: (the factor 4 covers the margin at the anchor and at the current iterate, with room).
_ULP_SLACK = 4.0 * 2.0**-53


@numba.njit(**JIT_REDUCE)
def row_dot(X: np.ndarray, i: int, w: np.ndarray) -> float:
    """``X[i] . w`` (indexes ``X`` directly; vectorised reduction, see ``FASTMATH_REDUCE``)."""
    a = 0.0
    for j in range(w.shape[0]):
        a += X[i, j] * w[j]
    return a


@numba.njit(**JIT)
def _recheck(
    X: np.ndarray, w: np.ndarray, sgn: np.ndarray, m: np.ndarray, dS: np.ndarray
) -> None:
    """All margins ``m[i] = X[i] . w`` and signs ``sgn[i]`` in ``{-1, 0, 1}``, updated in place;
    per chunk ``c`` of the ``N_CHUNKS`` fixed row ranges, ``dS[c] = sum_{i in c} (new - old
    sign of i) X[i]``; the caller adds them to ``S`` in chunk order.  Serial: the chunks are
    independent, so a ``prange`` over them would give the same bits on any thread count, but
    measured on a loaded 2-core machine the thread hand-off cost more than it saved."""
    n, d = X.shape
    for c in range(N_CHUNKS):
        i0 = (n * c) // N_CHUNKS
        i1 = (n * (c + 1)) // N_CHUNKS
        for j in range(d):
            dS[c, j] = 0.0
        for i in range(i0, i1):
            z = row_dot(X, i, w)
            m[i] = z
            s = 1 if z > 0.0 else (-1 if z < 0.0 else 0)
            if s != sgn[i]:
                dlt = float(s - sgn[i])
                sgn[i] = s
                for j in range(d):
                    dS[c, j] += dlt * X[i, j]


@numba.njit(**JIT)
def _recheck_predictions(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, pred: np.ndarray, m: np.ndarray
) -> int:
    """All held-out margins ``m[i] = X[i] . w`` and predictions ``pred[i]`` (``+1`` where
    ``m[i] >= 0``, else ``-1``), in place; returns the number of errors ``pred[i] != y[i]``."""
    errors = 0
    for i in range(X.shape[0]):
        z = row_dot(X, i, w)
        m[i] = z
        p = 1 if z >= 0.0 else -1
        pred[i] = p
        errors += p != y[i]
    return errors


@numba.njit(**JIT)
def leaky_relu_exact(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    eta: float,
    n_steps: int,
    lr: float,
    radius0: float,
    best_w: np.ndarray,
    val_err: np.ndarray,
    record_at: np.ndarray,
    rec_coef: np.ndarray,
    rec_obj: np.ndarray,
    trajectory: np.ndarray,
    project: bool = True,
) -> tuple[int, int, int]:
    """DDKWZ23 Algorithm 1, the same iterates as the plain loop at a fraction of its cost.

    The iterates are those of :func:`leaky_relu_full_batch` from ``w_0 = 0``:
    ``w_{s+1} = Proj_{||w|| <= 1}(w_s - lr g(w_s))`` with ``g(w) = ((1 - 2 eta) S(w) - Y) / (2N)``,
    ``S(w) = sum_i sign(w . x_i) x_i`` (``sign(0) = 0``) and ``Y = sum_i y_i x_i``.  ``g``
    depends on ``w`` only through the sign pattern, which is kept exactly: at a *recheck*
    (anchor ``w_a``) every margin ``m_i = x_i . w_a`` is computed and ``S`` is updated by the
    points whose sign changed (:func:`_recheck`); the candidates are the points with
    ``|m_i| <= ||x_i|| (r + slack)``.
    While ``||w_s - w_a|| <= r``, ``|x_i . w_s - m_i| <= ||x_i|| r`` (Cauchy-Schwarz), so no
    other point can change sign: only the candidates' margins are recomputed and ``S`` is
    updated by the flipped points.  The same holds while ``||e|| <= r (1 + beta)`` with
    ``w_s - w_a = beta w_a + e``, ``e`` orthogonal to ``w_a`` and ``1 + beta > 0``, since then
    ``x_i . w_s = (1 + beta) m_i + x_i . e`` (this lets a block survive the growth of ``||w||``).
    When neither holds the kernel rechecks at ``w_s``.
    ``slack = (d + 2) * _ULP_SLACK`` covers the rounding of the margins (``||w|| <= 1``).  The
    radius ``r`` (start ``radius0``) adapts after each block, deterministically, so that the
    candidate work of a block stays near the cost of a recheck.

    Every iterate ``w_s`` is scored on the held-out set into ``val_err[s]`` (ties predict +1);
    the first minimiser is copied to ``best_w``.  The held-out predictions are kept by the same
    reach argument: at a recheck every held-out margin is computed, and between rechecks only
    the held-out points within reach are re-evaluated, so scoring all ``T + 1`` iterates costs a
    fraction of ``O(N' d T)``.  At the steps in ``record_at`` (sorted) the
    iterate goes to ``rec_coef`` and the training objective ``mean LeakyReLU_eta(-y w.x) =
    ((1/2 - eta) S . w - Y . w / 2) / N`` to ``rec_obj``.  If ``trajectory`` has
    ``n_steps + 1`` rows every iterate is written to it (tests).  ``project=False`` skips the
    projection (never used by the estimators; it exists so that tests can show they catch it).

    Returns
    -------
    best : int
        Index of the selected iterate.
    n_rechecks : int
        Number of full rechecks.
    n_candidate_evals : int
        Number of candidate margins recomputed between rechecks.
    """
    n, d = X.shape
    n_val = X_val.shape[0]
    xnv = np.empty(n_val)
    for i in range(n_val):
        xnv[i] = math.sqrt(row_dot(X_val, i, X_val[i]))
    pred = np.zeros(n_val, dtype=np.int8)
    mv = np.empty(n_val)
    cand_v = np.empty(n_val, dtype=np.int64)
    ncv = 0
    verr = 0
    a = 1.0 - 2.0 * eta
    step = lr / (2.0 * n)
    xn = np.empty(n)
    Y = np.zeros(d)
    for i in range(n):
        xx = row_dot_and_sqnorm(X, i, Y)[1]
        xn[i] = math.sqrt(xx)
        yi = y[i]
        for j in range(d):
            Y[j] += yi * X[i, j]
    slack = (d + 2) * _ULP_SLACK
    sgn = np.zeros(n, dtype=np.int8)
    m = np.empty(n)
    dS = np.empty((N_CHUNKS, d))
    S = np.zeros(d)
    cand = np.empty(n, dtype=np.int64)
    nc = 0
    w = np.zeros(d)
    anchor = np.zeros(d)
    keep_traj = trajectory.shape[0] == n_steps + 1
    best = -1
    best_err = np.inf
    r = radius0
    rec = 0
    n_rec = record_at.shape[0]
    n_rechecks = 0
    n_evals = 0
    anchor2 = 0.0
    block_evals = 0
    need = True
    for s in range(n_steps + 1):
        if need:
            if n_rechecks > 0:  # adapt r from the block that just ended
                if block_evals > 2 * n:
                    if r > 1e-9:
                        r /= 1.5
                elif block_evals < n // 2 and r < 4.0:
                    r *= 1.5
            _recheck(X, w, sgn, m, dS)
            anchor2 = 0.0
            for j in range(d):
                anchor[j] = w[j]
                anchor2 += w[j] * w[j]
            for c in range(N_CHUNKS):
                for j in range(d):
                    S[j] += dS[c, j]
            nc = 0
            rr = r * (1.0 + 1e-9) + slack
            for i in range(n):
                if abs(m[i]) <= xn[i] * rr:
                    cand[nc] = i
                    nc += 1
            verr = _recheck_predictions(X_val, y_val, w, pred, mv)
            ncv = 0
            for i in range(n_val):
                if abs(mv[i]) <= xnv[i] * rr:
                    cand_v[ncv] = i
                    ncv += 1
            n_rechecks += 1
            block_evals = 0
            need = False
        elif nc > 0 or ncv > 0:
            for k in range(nc):
                i = cand[k]
                z = row_dot(X, i, w)
                new = 1 if z > 0.0 else (-1 if z < 0.0 else 0)
                old = sgn[i]
                if new != old:
                    dlt = float(new - old)
                    for j in range(d):
                        S[j] += dlt * X[i, j]
                    sgn[i] = new
            for k in range(ncv):
                i = cand_v[k]
                p = 1 if row_dot(X_val, i, w) >= 0.0 else -1
                if p != pred[i]:
                    verr += (p != y_val[i]) - (pred[i] != y_val[i])
                    pred[i] = p
            n_evals += nc + ncv
            block_evals += nc + ncv
        if keep_traj:
            for j in range(d):
                trajectory[s, j] = w[j]
        if rec < n_rec and s == record_at[rec]:
            sw = 0.0
            yw = 0.0
            for j in range(d):
                rec_coef[rec, j] = w[j]
                sw += S[j] * w[j]
                yw += Y[j] * w[j]
            rec_obj[rec] = ((0.5 - eta) * sw - 0.5 * yw) / n
            rec += 1
        e = verr / n_val if n_val > 0 else 0.0
        val_err[s] = e
        if e < best_err:
            best_err = e
            best = s
            for j in range(d):
                best_w[j] = w[j]
        if s == n_steps:
            break
        norm2 = 0.0
        for j in range(d):
            w[j] -= step * (a * S[j] - Y[j])
            norm2 += w[j] * w[j]
        if project and norm2 > 1.0:
            f = 1.0 / math.sqrt(norm2)
            for j in range(d):
                w[j] *= f
        dist2 = 0.0
        along = 0.0
        for j in range(d):
            u = w[j] - anchor[j]
            dist2 += u * u
            along += u * anchor[j]
        within = dist2 <= r * r
        if not within and anchor2 > 0.0:
            # w - w_a = beta w_a + e (e orthogonal to w_a): x.w = (1 + beta) m + x.e
            beta1 = 1.0 + along / anchor2
            e2 = max(dist2 - along * along / anchor2, 0.0) + 4.0 * 2.0**-52 * dist2
            within = beta1 > 0.0 and e2 <= (r * beta1) ** 2
        if not within or block_evals > 2 * n:
            need = True
    return best, n_rechecks, n_evals
