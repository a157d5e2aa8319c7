"""SGD and Perceptron kernels for homogeneous halfspaces, and the label helpers.

The full-batch kernels of DDKWZ23 Algorithm 1 live in :mod:`slam_theory._kernels.leaky_relu`.

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

from slam_theory._kernels._config import JIT, JIT_REDUCE
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
