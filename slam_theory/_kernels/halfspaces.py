"""SGD, Perceptron and full-batch subgradient kernels for homogeneous halfspaces.

All kernels update their state arrays in place, take the visiting order as a precomputed index
array (drawn outside from a seeded numpy Generator) and never allocate inside the per-sample
loop.  Inner products and sums go through small helpers compiled with the restricted
``FASTMATH_REDUCE`` flags (reassociation + FMA, so LLVM vectorises them; results are
deterministic for a given machine and independent of the thread count); everything else is
compiled without fastmath.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

from slam_theory._kernels._config import JIT, JIT_REDUCE, N_CHUNKS
from slam_theory._kernels.losses import loss_and_dz, loss_dz


@numba.njit(**JIT_REDUCE)
def dot_and_sqnorm(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """``(x . w, x . x)`` in one pass (vectorised reduction, see ``FASTMATH_REDUCE``)."""
    a = 0.0
    b = 0.0
    for j in range(x.shape[0]):
        xj = x[j]
        a += xj * w[j]
        b += xj * xj
    return a, b


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


@numba.njit(**JIT_REDUCE)
def row_dot_and_sqnorm(X: np.ndarray, i: int, w: np.ndarray) -> tuple[float, float]:
    """``(X[i] . w, X[i] . X[i])`` (indexes ``X`` directly: no row view, no refcounting)."""
    a = 0.0
    b = 0.0
    for j in range(w.shape[0]):
        xj = X[i, j]
        a += xj * w[j]
        b += xj * xj
    return a, b


@numba.njit(**JIT_REDUCE)
def row_axpy_dot(
    v: np.ndarray, cv: float, X: np.ndarray, i: int, i_next: int
) -> tuple[float, float]:
    """``v -= cv * X[i]`` fused with ``(X[i_next] . v_new, X[i_next] . X[i_next])``."""
    a = 0.0
    b = 0.0
    for j in range(v.shape[0]):
        vj = v[j] - cv * X[i, j]
        v[j] = vj
        xj = X[i_next, j]
        a += xj * vj
        b += xj * xj
    return a, b


@numba.njit(**JIT_REDUCE)
def row_axpy_avg_dot(
    v: np.ndarray, cv: float, X: np.ndarray, i: int, vsum: np.ndarray, s: float, i_next: int
) -> tuple[float, float]:
    """``v -= cv * X[i]``, ``vsum += s * v_new``, fused with the products of ``X[i_next]``."""
    a = 0.0
    b = 0.0
    for j in range(v.shape[0]):
        vj = v[j] - cv * X[i, j]
        v[j] = vj
        vsum[j] += s * vj
        xj = X[i_next, j]
        a += xj * vj
        b += xj * xj
    return a, b


@intrinsic
def prefetch_row(typingctx, X, i):
    """Software prefetch (``prefetcht0``) of every cache line of row ``i`` of a C-contiguous 2-D
    float64 array.  A hint only: no load is issued, so nothing waits for it and no result can
    change; ``i`` must be a valid row index (not wrapped)."""
    sig = types.void(X, i)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        i64 = ir.IntType(64)
        i32 = ir.IntType(32)
        i8p = ir.IntType(8).as_pointer()
        zero = ir.Constant(i64, 0)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1], zero],
                                       wraparound=False)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        base = builder.bitcast(ptr, i8p)
        ncols = cgutils.unpack_tuple(builder, ary.shape, 2)[1]
        nbytes = builder.mul(ncols, ir.Constant(i64, 8))
        with cgutils.for_range_slice(builder, zero, nbytes, ir.Constant(i64, 64)) as (off, _):
            builder.call(fn, [builder.gep(base, [off]), ir.Constant(i32, 0), ir.Constant(i32, 3),
                              ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(**JIT)
def sgd_pass(
    X: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    w: np.ndarray,
    wsum: np.ndarray,
    loss_id: int,
    params: np.ndarray,
    scale: float,
    lr0: float,
    t0: int,
    radius: float,
    average: bool,
    loss_stride: int,
    prefetch: int,
    record_at: np.ndarray,
    rec_coef: np.ndarray,
    rec_obj: np.ndarray,
    decay: bool = True,
) -> tuple[int, float, int, int, float]:
    """One pass of projected SGD over ``X[order]``.

    The step of global step ``t`` is ``lr0 / sqrt(t)`` if ``decay`` (default) and the constant
    ``lr0`` otherwise (a fixed-horizon schedule: the caller passes ``lr0 = c / sqrt(T)``).

    Step ``t`` (global, 1-based, ``t = t0 + k + 1``) uses the sample ``i = order[k]``:
    ``z = scale * (w . x_i)``, ``w <- Proj_{||w|| <= radius}(w - lr0 / sqrt(t) * scale *
    dloss/dz(z, y_i) * x_i)``, then, if ``average``, ``wsum += w`` (averaged iterate
    ``wsum / t``).  Internally ``w = s * v`` with a scalar ``s`` so that the projection is O(1)
    (``v`` is renormalised when ``s < 1e-8``), and ``||w||^2`` is maintained incrementally from
    ``v . x`` and ``x . x``.  The per-sample loss (pre-update) is evaluated on every
    ``loss_stride``-th sample (``k % loss_stride == 0``; never if ``loss_stride == 0``).  At the
    global steps in ``record_at`` (sorted, within this pass) the averaged (or, if not
    ``average``, current) iterate is written to ``rec_coef`` and the running mean of the
    evaluated losses to ``rec_obj`` (NaN if none yet).  If ``prefetch > 0`` the row visited
    ``prefetch`` steps ahead is software-prefetched (:func:`prefetch_row`; a hint that cannot
    change any result).  The update of step ``k`` is fused with the inner products of the row
    of step ``k + 1`` (:func:`row_axpy_dot`), one pass over ``w`` per step.

    Returns
    -------
    t : int
        Global step count after the pass.
    loss_sum : float
        Sum of the evaluated per-sample losses.
    n_loss : int
        Number of evaluated losses.
    n_rec : int
        Number of records written.
    xx_sum : float
        ``sum_k ||x_order[k]||^2``: finite iff every
        visited row is finite and not astronomically large -- the caller's finiteness check.
    """
    n = order.shape[0]
    d = w.shape[0]
    r2 = radius * radius
    norm2 = 0.0
    for j in range(d):
        norm2 += w[j] * w[j]
    sc = 1.0
    loss_sum = 0.0
    n_loss = 0
    xx_sum = 0.0
    r = 0
    n_rec = record_at.shape[0]
    t = t0
    cnt = 0
    # (zv, xx) = (v . x, x . x) for the row about to be visited; the update of step k is fused
    # with the inner products of row k + 1 (one pass over v per step, see row_axpy_dot)
    zv = 0.0
    xx = 0.0
    if n > 0:
        zv, xx = row_dot_and_sqnorm(X, order[0], w)
    for k in range(n):
        if prefetch > 0 and k + prefetch < n:
            prefetch_row(X, order[k + prefetch])
        i = order[k]
        t = t0 + k + 1
        xx_sum += xx
        z = sc * zv
        yi = float(y[i])
        if loss_stride > 0 and cnt == 0:
            lv, dl = loss_and_dz(loss_id, scale * z, yi, params)
            loss_sum += lv
            n_loss += 1
        else:
            dl = loss_dz(loss_id, scale * z, yi, params)
        if loss_stride > 0:
            cnt += 1
            if cnt == loss_stride:
                cnt = 0
        c = (lr0 / math.sqrt(t) if decay else lr0) * scale * dl
        cv = 0.0
        if c != 0.0:
            cv = c / sc
            norm2 = norm2 - 2.0 * c * z + c * c * xx
            if norm2 > r2:
                sc *= radius / math.sqrt(norm2)
                norm2 = r2
        i_next = order[k + 1] if k + 1 < n else i
        if average:
            zv, xx = row_axpy_avg_dot(w, cv, X, i, wsum, sc, i_next)
        elif c != 0.0:
            zv, xx = row_axpy_dot(w, cv, X, i, i_next)
        else:
            zv, xx = row_dot_and_sqnorm(X, i_next, w)
        if sc < 1e-8:
            for j in range(d):
                w[j] *= sc
            zv *= sc
            sc = 1.0
        if r < n_rec and t == record_at[r]:
            if average:
                for j in range(d):
                    rec_coef[r, j] = wsum[j] / t
            else:
                for j in range(d):
                    rec_coef[r, j] = sc * w[j]
            rec_obj[r] = loss_sum / n_loss if n_loss > 0 else np.nan
            r += 1
    for j in range(d):
        w[j] *= sc
    return t, loss_sum, n_loss, r, xx_sum


@numba.njit(**JIT)
def perceptron_pass(
    X: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    w: np.ndarray,
    u: np.ndarray,
    t0: int,
    prefetch: int,
    record_at: np.ndarray,
    rec_coef: np.ndarray,
    rec_obj: np.ndarray,
) -> tuple[int, int, int, float]:
    """One pass of the (averaged) Perceptron over ``X[order]``.

    On a mistake (``y_i (w . x_i) <= 0``, ties count as mistakes) ``w += y_i x_i`` and
    ``u += t y_i x_i`` with the global step ``t`` (1-based).  With ``w_s`` the weight after step
    ``s``, ``sum_{s<=t} w_s = (t + 1) w_t - u_t``, so the averaged Perceptron's weight is
    ``((t + 1) w_t - u_t) / t`` (computed by the caller).  ``rec_coef`` receives the current
    ``w`` and ``rec_obj`` the running mistake rate of this pass.

    Returns
    -------
    t : int
        Global step count after the pass.
    mistakes : int
        Number of updates in this pass.
    n_rec : int
        Number of records written.
    xx_sum : float
        ``sum_k ||x_order[k]||^2`` (the caller's finiteness check, as in :func:`sgd_pass`).
    """
    n = order.shape[0]
    d = w.shape[0]
    mistakes = 0
    xx_sum = 0.0
    r = 0
    n_rec = record_at.shape[0]
    t = t0
    for k in range(n):
        i = order[k]
        t = t0 + k + 1
        if prefetch > 0 and k + prefetch < n:
            prefetch_row(X, order[k + prefetch])
        yi = float(y[i])
        z, xx = row_dot_and_sqnorm(X, i, w)
        xx_sum += xx
        if yi * z <= 0.0:
            mistakes += 1
            ct = t * yi
            for j in range(d):
                xj = X[i, j]
                w[j] += yi * xj
                u[j] += ct * xj
        if r < n_rec and t == record_at[r]:
            for j in range(d):
                rec_coef[r, j] = w[j]
            rec_obj[r] = mistakes / (k + 1)
            r += 1
    return t, mistakes, r, xx_sum


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
    n_val = X_val.shape[0]
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
            _score_iterates(Xvt, y_val, W, nb, z, errc)
            for b in range(nb):
                e = errc[b] / n_val if n_val > 0 else 0.0
                val_err[s0 + b] = e
                if e < best_err:
                    best_err = e
                    best = s0 + b
                    for j in range(d):
                        best_w[j] = W[b, j]
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
    the first minimiser is copied to ``best_w``.  At the steps in ``record_at`` (sorted) the
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
    Xvt = _transpose(X_val)
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
    zbuf = np.empty(_ROW_BLOCK)
    W = np.empty((_ITER_BLOCK, d))
    errc = np.zeros(_ITER_BLOCK, dtype=np.int64)
    keep_traj = trajectory.shape[0] == n_steps + 1
    best = -1
    best_err = np.inf
    r = radius0
    rec = 0
    n_rec = record_at.shape[0]
    nb = 0
    s0 = 0
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
            n_rechecks += 1
            block_evals = 0
            need = False
        elif nc > 0:
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
            n_evals += nc
            block_evals += nc
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
        for j in range(d):
            W[nb, j] = w[j]
        nb += 1
        if nb == _ITER_BLOCK or s == n_steps:
            _score_iterates(Xvt, y_val, W, nb, zbuf, errc)
            for b in range(nb):
                e = errc[b] / n_val if n_val > 0 else 0.0
                val_err[s0 + b] = e
                if e < best_err:
                    best_err = e
                    best = s0 + b
                    for j in range(d):
                        best_w[j] = W[b, j]
            s0 += nb
            nb = 0
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


@numba.njit(**JIT)
def binary_scan(y: np.ndarray) -> tuple:
    """One pass over a non-empty label vector: ``(lo, hi, k)`` with ``k`` the number of distinct
    values capped at 3 and, if ``k <= 2``, ``lo <= hi`` the distinct values (``lo == hi`` if 1)."""
    a = y[0]
    b = a
    k = 1
    for i in range(y.shape[0]):
        v = y[i]
        if v != a:
            if k == 1:
                b = v
                k = 2
            elif v != b:
                k = 3
                break
    if b < a:
        return b, a, k
    return a, b, k


@numba.njit(**JIT)
def encode_pm(y: np.ndarray, neg, pos, out: np.ndarray) -> int:
    """``out[i] = +1.0`` where ``y[i] == pos``, ``-1.0`` where ``y[i] == neg``; returns the number
    of other labels (their ``out`` entries are set to 0.0)."""
    bad = 0
    for i in range(y.shape[0]):
        v = y[i]
        if v == pos:
            out[i] = 1.0
        elif v == neg:
            out[i] = -1.0
        else:
            out[i] = 0.0
            bad += 1
    return bad
