"""Numba kernel for the convergence experiments: plain SGD on the binary SLaM/forward loss.

Owned by the theory-analysis engineer.  No validation here (see :mod:`slam_theory.convergence`).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from slam_theory._kernels._config import JIT


@numba.njit(**JIT)
def forward_sgd(
    X: np.ndarray,
    y: np.ndarray,
    idx: np.ndarray,
    w: np.ndarray,
    alpha: float,
    step: float,
    radius: float,
    record_at: np.ndarray,
    rec_coef: np.ndarray,
) -> int:
    """Projected SGD on ``-log(alpha s + (1 - alpha)(1 - s))``, ``s = sigmoid(y w.x)``.

    Step ``t = 1..len(idx)`` uses sample ``i = idx[t-1]``:
    ``w <- Proj_{||w|| <= radius}(w - step / sqrt(t) * dloss/du * y_i x_i)`` with ``u = y_i w.x_i``
    and ``dloss/du = -(2 alpha - 1) s (1 - s) / q``, ``q = alpha s + (1 - alpha)(1 - s)``.
    ``s`` and ``1 - s`` are each evaluated from ``exp(-|u|)`` (no cancellation).  The iterate
    after step ``t`` (``t = 0``: the initial ``w``) is copied to ``rec_coef[r]`` for
    ``t = record_at[r]`` (sorted ascending).  ``w`` is updated in place.

    Returns
    -------
    int
        Number of records written.
    """
    d = X.shape[1]
    n_rec = record_at.shape[0]
    r = 0
    while r < n_rec and record_at[r] == 0:
        for j in range(d):
            rec_coef[r, j] = w[j]
        r += 1
    norm2 = 0.0
    for j in range(d):
        norm2 += w[j] * w[j]
    r2 = radius * radius
    c2a = 2.0 * alpha - 1.0
    for k in range(idx.shape[0]):
        t = k + 1
        i = idx[k]
        z = 0.0
        xx = 0.0
        for j in range(d):
            z += X[i, j] * w[j]
            xx += X[i, j] * X[i, j]
        yi = y[i]
        u = yi * z
        e = math.exp(-abs(u))
        if u >= 0.0:
            s = 1.0 / (1.0 + e)
            ms = e / (1.0 + e)
        else:
            s = e / (1.0 + e)
            ms = 1.0 / (1.0 + e)
        q = alpha * s + (1.0 - alpha) * ms
        if q > 0.0:
            ratio = s * ms / q
        else:
            ratio = ms if alpha >= 0.5 else s
        dl = -c2a * ratio
        c = step / math.sqrt(t) * dl * yi
        if c != 0.0:
            for j in range(d):
                w[j] -= c * X[i, j]
            norm2 = norm2 - 2.0 * c * z + c * c * xx
            if norm2 > r2:
                nrm = 0.0
                for j in range(d):
                    nrm += w[j] * w[j]
                f = radius / math.sqrt(nrm)
                for j in range(d):
                    w[j] *= f
                norm2 = r2
        while r < n_rec and record_at[r] == t:
            for j in range(d):
                rec_coef[r, j] = w[j]
            r += 1
    return r
