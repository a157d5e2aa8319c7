"""Numba kernels for the distillation students (multinomial logistic regression, 1-layer MLP).

Every example ``i`` carries its own loss description, so one pass can mix the SLaM loss on the
unlabeled set with plain cross-entropy on the labeled set:

* ``Y[i]``      target distribution over the ``K`` classes (teacher soft label, a one-hot
  pseudo-label or a true one-hot label);
* ``kinds[i]``  which loss (:data:`MIXED_CE`, :data:`FORWARD`, :data:`TAYLOR`);
* ``alpha[i]``, ``C[i]``  the mixing coefficients of :data:`MIXED_CE`;
* ``weights[i]`` a per-example weight (0 drops the example).

Losses on the logits ``z`` (``f = softmax(z)``), with ``FLOOR`` the clip of a mixed probability:

``MIXED_CE`` (0)
    ``-sum_j Y_j log m_j`` with ``m_j = alpha f_j + (1 - alpha) C_j (1 - f_j) = a_j + b_j f_j``,
    ``a_j = (1 - alpha) C_j``, ``b_j = alpha - (1 - alpha) C_j``.  ``alpha = 1, C = 0`` is plain
    cross-entropy; ``C = top(y_s; k)`` is the un-normalised SLaM mix of Remark B.1 and
    ``C = top(y_s; k) / (k - 1)`` the normalised one.  Gradient:
    ``dL/dz_i = -Y_i r_i + f_i sum_j Y_j r_j`` with ``r_j = b_j f_j / m_j``.  Where ``a_j = 0``
    the log is taken in log space (``log m_j = log b_j + log f_j``, ``r_j = 1``), so plain
    cross-entropy never clips; elsewhere ``m_j`` is clipped at ``FLOOR`` (then ``r_j = 0``: the
    exact gradient of the clipped loss).
``FORWARD`` (1)
    Patrini forward correction ``-sum_j Y_j log (T^T f)_j`` (``T`` row-stochastic, clipped at
    ``FLOOR``).
``TAYLOR`` (2)
    Taylor cross-entropy of order 2, ``sum_j Y_j [(1 - f_j) + (1 - f_j)^2 / 2]``.

Parameters live in one flat vector ``theta`` (logistic: ``W`` (d, K) row-major then ``b`` (K);
MLP: ``W1`` (d, H), ``b1`` (H), ``W2`` (H, K), ``b2`` (K)), so that one Adam/SGD update serves
both models.  ``decay`` is 1 on weights and 0 on biases (L2 is not applied to biases).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from slam_theory._kernels._config import JIT

MIXED_CE = 0
FORWARD = 1
TAYLOR = 2

#: Floor at which a mixed probability is clipped before its log (see the module docstring).
FLOOR = 1e-12


@numba.njit(**JIT)
def softmax_into(z: np.ndarray, f: np.ndarray, logf: np.ndarray) -> None:
    """Stable ``f = softmax(z)`` and ``logf = log_softmax(z)`` into preallocated buffers."""
    K = z.shape[0]
    mx = z[0]
    for j in range(1, K):
        if z[j] > mx:
            mx = z[j]
    s = 0.0
    for j in range(K):
        s += math.exp(z[j] - mx)
    ls = math.log(s)
    for j in range(K):
        logf[j] = z[j] - mx - ls
        f[j] = math.exp(logf[j])


@numba.njit(**JIT)
def example_loss_grad(
    z: np.ndarray,
    y: np.ndarray,
    alpha: float,
    c: np.ndarray,
    T: np.ndarray,
    kind: int,
    f: np.ndarray,
    logf: np.ndarray,
    dz: np.ndarray,
) -> float:
    """Loss of one example and its gradient w.r.t. the logits (written into ``dz``).

    ``f``, ``logf``, ``dz`` are preallocated buffers of length ``K``.
    """
    K = z.shape[0]
    softmax_into(z, f, logf)
    loss = 0.0
    if kind == MIXED_CE:
        S = 0.0
        for j in range(K):
            yj = y[j]
            if yj == 0.0:
                dz[j] = 0.0
                continue
            a = (1.0 - alpha) * c[j]
            b = alpha - a
            if a == 0.0:
                if b > 0.0:
                    logm = math.log(b) + logf[j]
                    r = 1.0
                else:
                    logm = math.log(FLOOR)
                    r = 0.0
            else:
                m = a + b * f[j]
                if m > FLOOR:
                    logm = math.log(m)
                    r = b * f[j] / m
                else:
                    logm = math.log(FLOOR)
                    r = 0.0
            loss -= yj * logm
            dz[j] = -yj * r
            S += yj * r
        for j in range(K):
            dz[j] += f[j] * S
    elif kind == FORWARD:
        # g_i = dL/df_i = -sum_j y_j T[i, j] / m_j ; stash y_j / m_j in dz first
        for j in range(K):
            yj = y[j]
            if yj == 0.0:
                dz[j] = 0.0
                continue
            m = 0.0
            for i in range(K):
                m += T[i, j] * f[i]
            if m > FLOOR:
                loss -= yj * math.log(m)
                dz[j] = yj / m
            else:
                loss -= yj * math.log(FLOOR)
                dz[j] = 0.0
        # reuse logf as the buffer for g (log f no longer needed)
        fg = 0.0
        for i in range(K):
            g = 0.0
            for j in range(K):
                g -= T[i, j] * dz[j]
            logf[i] = g
            fg += f[i] * g
        for i in range(K):
            dz[i] = f[i] * (logf[i] - fg)
    else:  # TAYLOR, order 2
        fg = 0.0
        for j in range(K):
            yj = y[j]
            q = 1.0 - f[j]
            loss += yj * (q + 0.5 * q * q)
            g = -yj * (1.0 + q)
            logf[j] = g
            fg += f[j] * g
        for j in range(K):
            dz[j] = f[j] * (logf[j] - fg)
    return loss


@numba.njit(**JIT)
def batch_loss_grad(
    Z: np.ndarray,
    Y: np.ndarray,
    alpha: np.ndarray,
    C: np.ndarray,
    T: np.ndarray,
    kinds: np.ndarray,
    loss: np.ndarray,
    dZ: np.ndarray,
) -> None:
    """Per-example losses ``loss[i]`` and logit gradients ``dZ[i]`` for a batch of logits."""
    n, K = Z.shape
    f = np.empty(K)
    logf = np.empty(K)
    dz = np.empty(K)
    for i in range(n):
        loss[i] = example_loss_grad(Z[i], Y[i], alpha[i], C[i], T, kinds[i], f, logf, dz)
        for j in range(K):
            dZ[i, j] = dz[j]


@numba.njit(**JIT)
def _update(
    theta: np.ndarray,
    grad: np.ndarray,
    decay: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    step: int,
    lr: float,
    l2: float,
    adam: bool,
    beta1: float,
    beta2: float,
    eps: float,
) -> None:
    """One optimiser step (number ``step``) of both models: the minibatch gradient ``grad`` plus
    ``l2 * decay * theta`` (written into ``grad``), then Adam or plain SGD."""
    if l2 > 0.0:
        for p in range(grad.shape[0]):
            grad[p] += l2 * decay[p] * theta[p]
    if adam:
        c1 = 1.0 - beta1**step
        c2 = 1.0 - beta2**step
        for p in range(theta.shape[0]):
            g = grad[p]
            m[p] = beta1 * m[p] + (1.0 - beta1) * g
            v[p] = beta2 * v[p] + (1.0 - beta2) * g * g
            theta[p] -= lr * (m[p] / c1) / (math.sqrt(v[p] / c2) + eps)
    else:
        for p in range(theta.shape[0]):
            theta[p] -= lr * grad[p]


@numba.njit(**JIT)
def epoch_logistic(
    X: np.ndarray,
    Y: np.ndarray,
    alpha: np.ndarray,
    C: np.ndarray,
    T: np.ndarray,
    kinds: np.ndarray,
    weights: np.ndarray,
    perm: np.ndarray,
    batch_size: int,
    theta: np.ndarray,
    decay: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    step0: int,
    lr: float,
    l2: float,
    adam: bool,
    beta1: float,
    beta2: float,
    eps: float,
) -> float:
    """One pass of minibatch SGD/Adam over ``perm`` for multinomial logistic regression.

    Each minibatch gradient is the mean over its examples of ``weights[i] * grad loss_i`` plus
    ``l2 * decay * theta``.  Returns the weighted loss summed over the pass (each example's
    loss evaluated before the update of its minibatch).  The optimiser step counter starts at
    ``step0 + 1`` (Adam bias correction).

    The minibatch rows are gathered into a preallocated buffer so that the logits
    ``X_b W`` and the weight gradient ``X_b^T dZ_b`` are two small BLAS products; the
    per-example loss and logit gradient are computed in the loop in between.
    """
    n = perm.shape[0]
    d = X.shape[1]
    K = Y.shape[1]
    nb = d * K
    grad = np.zeros(theta.shape[0])
    Xb = np.empty((batch_size, d))
    Zb = np.empty((batch_size, K))
    dZ = np.empty((batch_size, K))
    G = np.empty((d, K))
    f = np.empty(K)
    logf = np.empty(K)
    dz = np.empty(K)
    total = 0.0
    step = step0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        B = stop - start
        for t in range(B):
            i = perm[start + t]
            for jj in range(d):
                Xb[t, jj] = X[i, jj]
        W = theta[:nb].reshape((d, K))
        np.dot(Xb[:B], W, Zb[:B])
        inv = 1.0 / B
        for k in range(K):
            grad[nb + k] = 0.0
        for t in range(B):
            i = perm[start + t]
            w = weights[i]
            if w == 0.0:
                for k in range(K):
                    dZ[t, k] = 0.0
                continue
            for k in range(K):
                Zb[t, k] += theta[nb + k]
            total += w * example_loss_grad(Zb[t], Y[i], alpha[i], C[i], T, kinds[i], f, logf,
                                           dz)
            s = w * inv
            for k in range(K):
                dZ[t, k] = dz[k] * s
                grad[nb + k] += dZ[t, k]
        np.dot(Xb[:B].T, dZ[:B], G)
        for jj in range(d):
            for k in range(K):
                grad[jj * K + k] = G[jj, k]
        step += 1
        _update(theta, grad, decay, m, v, step, lr, l2, adam, beta1, beta2, eps)
    return total


@numba.njit(**JIT)
def epoch_mlp(
    X: np.ndarray,
    Y: np.ndarray,
    alpha: np.ndarray,
    C: np.ndarray,
    T: np.ndarray,
    kinds: np.ndarray,
    weights: np.ndarray,
    perm: np.ndarray,
    batch_size: int,
    hidden: int,
    theta: np.ndarray,
    decay: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    step0: int,
    lr: float,
    l2: float,
    adam: bool,
    beta1: float,
    beta2: float,
    eps: float,
) -> float:
    """One pass of minibatch SGD/Adam for a one-hidden-layer ReLU MLP (same contract as
    :func:`epoch_logistic`)."""
    n = perm.shape[0]
    d = X.shape[1]
    K = Y.shape[1]
    H = hidden
    o_b1 = d * H
    o_W2 = o_b1 + H
    o_b2 = o_W2 + H * K
    grad = np.zeros(theta.shape[0])
    h = np.empty(H)
    dh = np.empty(H)
    z = np.empty(K)
    f = np.empty(K)
    logf = np.empty(K)
    dz = np.empty(K)
    total = 0.0
    step = step0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        for p in range(grad.shape[0]):
            grad[p] = 0.0
        inv = 1.0 / (stop - start)
        for t in range(start, stop):
            i = perm[t]
            w = weights[i]
            if w == 0.0:
                continue
            for u in range(H):
                h[u] = theta[o_b1 + u]
            for jj in range(d):
                x = X[i, jj]
                if x != 0.0:
                    base = jj * H
                    for u in range(H):
                        h[u] += x * theta[base + u]
            for u in range(H):
                if h[u] < 0.0:
                    h[u] = 0.0
            for k in range(K):
                z[k] = theta[o_b2 + k]
            for u in range(H):
                hu = h[u]
                if hu != 0.0:
                    base = o_W2 + u * K
                    for k in range(K):
                        z[k] += hu * theta[base + k]
            total += w * example_loss_grad(z, Y[i], alpha[i], C[i], T, kinds[i], f, logf, dz)
            s = w * inv
            for k in range(K):
                dz[k] *= s
                grad[o_b2 + k] += dz[k]
            for u in range(H):
                hu = h[u]
                base = o_W2 + u * K
                acc = 0.0
                for k in range(K):
                    acc += theta[base + k] * dz[k]
                    grad[base + k] += hu * dz[k]
                dh[u] = acc if hu > 0.0 else 0.0
                grad[o_b1 + u] += dh[u]
            for jj in range(d):
                x = X[i, jj]
                if x != 0.0:
                    base = jj * H
                    for u in range(H):
                        grad[base + u] += x * dh[u]
        step += 1
        _update(theta, grad, decay, m, v, step, lr, l2, adam, beta1, beta2, eps)
    return total
