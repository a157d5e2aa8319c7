"""Minibatch training of the student's parameters in the Numba kernels (one flat ``theta``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from slam_theory._kernels import students as _k
from slam_theory._validation import as_generator

__all__ = ["train_theta"]


def train_theta(
    X: np.ndarray,
    Y: np.ndarray,
    alpha: np.ndarray,
    C: np.ndarray,
    T: np.ndarray,
    kinds: np.ndarray,
    w: np.ndarray,
    *,
    model: str,
    hidden: int,
    optimizer: str,
    lr: float,
    l2: float,
    epochs: int,
    batch_size: int,
    random_state: Any,
) -> tuple[np.ndarray, dict[str, list]]:
    """Train ``theta`` (logistic: ``W`` (d, K) then ``b``; MLP: ``W1, b1, W2, b2``) for
    ``epochs`` passes of minibatch Adam or SGD over per-example losses (see
    :mod:`slam_theory._kernels.students`); return ``theta`` and the objective history.

    Examples
    --------
    >>> X = np.array([[1.0], [-1.0]]); Y = np.eye(2)
    >>> theta, hist = train_theta(X, Y, np.ones(2), np.zeros((2, 2)), np.eye(2),
    ...                           np.zeros(2, dtype=np.int64), np.ones(2), model="logistic",
    ...                           hidden=1, optimizer="adam", lr=0.1, l2=0.0, epochs=20,
    ...                           batch_size=2, random_state=0)
    >>> bool(hist["objective"][-1] < hist["objective"][0])
    True
    """
    rng = as_generator(random_state)
    n, d = X.shape
    K = Y.shape[1]
    X = np.ascontiguousarray(X, dtype=np.float64)
    Y = np.ascontiguousarray(Y, dtype=np.float64)
    C = np.ascontiguousarray(C, dtype=np.float64)
    T = np.ascontiguousarray(T, dtype=np.float64)
    alpha = np.ascontiguousarray(alpha, dtype=np.float64)
    w = np.ascontiguousarray(w, dtype=np.float64)
    kinds = np.ascontiguousarray(kinds, dtype=np.int64)
    H = int(hidden)
    if model == "logistic":
        theta = np.zeros(d * K + K)
        decay = np.concatenate([np.ones(d * K), np.zeros(K)])
    else:
        lim1 = math.sqrt(6.0 / d)
        lim2 = math.sqrt(6.0 / (H + K))
        theta = np.concatenate([
            rng.uniform(-lim1, lim1, d * H), np.zeros(H),
            rng.uniform(-lim2, lim2, H * K), np.zeros(K),
        ])
        decay = np.concatenate([np.ones(d * H), np.zeros(H), np.ones(H * K), np.zeros(K)])
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    adam = optimizer == "adam"
    bs = int(batch_size)
    lr, l2 = float(lr), float(l2)
    wsum = max(float(w.sum()), 1e-300)
    hist_it: list[int] = []
    hist_obj: list[float] = []
    step = 0
    for epoch in range(int(epochs)):
        perm = rng.permutation(n).astype(np.int64)
        if model == "logistic":
            tot = _k.epoch_logistic(X, Y, alpha, C, T, kinds, w, perm, bs, theta, decay,
                                    m, v, step, lr, l2, adam, 0.9, 0.999, 1e-8)
        else:
            tot = _k.epoch_mlp(X, Y, alpha, C, T, kinds, w, perm, bs, H, theta, decay,
                               m, v, step, lr, l2, adam, 0.9, 0.999, 1e-8)
        step += (n + bs - 1) // bs
        if not np.all(np.isfinite(theta)):
            raise FloatingPointError(
                f"training diverged at epoch {epoch + 1}; lower lr (got {lr})")
        hist_it.append(epoch + 1)
        hist_obj.append(tot / wsum + 0.5 * l2 * float(np.sum(decay * theta * theta)))
    return theta, {"iteration": hist_it, "objective": hist_obj}
