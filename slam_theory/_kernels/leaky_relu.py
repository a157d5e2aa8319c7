"""DDKWZ23 Algorithm 1, exact and fast: full-batch projected subgradient descent on the
LeakyReLU loss with the sign pattern tracked exactly.

:func:`leaky_relu_exact` gives the iterates of the plain loop
(:func:`slam_theory._kernels.leaky_relu_plain.leaky_relu_full_batch`, re-exported here) by
recomputing only the margins that can change sign.  Like the other kernels it updates its output
arrays in place; inner products go through small helpers compiled with the restricted
``FASTMATH_REDUCE`` flags (see :mod:`slam_theory._kernels._config`), everything else is
compiled without fastmath.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from slam_theory._kernels._config import JIT, JIT_REDUCE, N_CHUNKS
from slam_theory._kernels.halfspaces import row_dot_and_sqnorm
from slam_theory._kernels.leaky_relu_plain import dot, leaky_relu_full_batch, leaky_relu_sum

__all__ = ["dot", "leaky_relu_exact", "leaky_relu_full_batch", "leaky_relu_sum", "row_dot"]


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
