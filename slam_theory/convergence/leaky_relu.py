"""DDKWZ23 Algorithm 1 run as a trajectory (projected full-batch subgradient on LeakyReLU)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from slam_theory import bounds, losses
from slam_theory._validation import check_choice, check_eta, check_gamma, check_int
from slam_theory.convergence.reference import (
    _data,
    _disagreement,
    _eval_setup,
    _finish,
    _record_points,
)

__all__ = ["leaky_relu_trajectory"]


def _regret_bound(t: int, n_iter: int, eta: float, schedule: str) -> float:
    """Deterministic bound on ``e1(t) = (1/t) sum_{s<t} <g(w_s), w_s - w*>`` (``t >= 1``).

    Online projected subgradient descent on the unit ball with ``||g|| <= G = 1 - eta`` (true
    for ``||x|| <= 1``), ``w_0 = 0`` and ``||w*|| = 1`` (Zinkevich 2003).  Fixed step ``lam``:
    ``sum_{s<t} <g_s, w_s - w*> <= ||w_0 - w*||^2/(2 lam) + lam G^2 t / 2``, so
    ``e1(t) <= 1/(2 lam t) + lam G^2 / 2``.  Non-increasing steps ``lam_s = 2/(G sqrt(s+1))``
    on a set of diameter ``D = 2``: ``sum <= D^2/(2 lam_{t-1}) + (G^2/2) sum_s lam_s <=
    G sqrt(t) + 2 G sqrt(t)``, so ``e1(t) <= 3 G / sqrt(t)``.  NaN at ``t = 0``.
    """
    if t < 1:
        return math.nan
    G = 1.0 - eta
    if schedule == "fixed":
        lam = 2.0 / (G * math.sqrt(n_iter + 1.0))
        return 1.0 / (2.0 * lam * t) + lam * G * G / 2.0
    return 3.0 * G / math.sqrt(t)


def leaky_relu_trajectory(
    X: Any,
    y: Any,
    *,
    eta: float,
    gamma: float | None = None,
    eps: float | None = None,
    n_iter: int | None = None,
    schedule: str = "anytime",
    record: Any = None,
    X_eval: Any = None,
    y_eval: Any = None,
    w_star: Any = None,
    disagreement_fn: Callable[[np.ndarray], float] | None = None,
) -> dict[str, Any]:
    """Projected full-batch subgradient on DDKWZ23's LeakyReLU loss, recorded as a trajectory.

    With ``schedule="fixed"`` the iteration is that of DDKWZ23's Algorithm 1 (without its
    best-iterate selection on fresh samples, and with its ``T`` only if ``eps`` is given);
    ``"anytime"`` is a variant with decreasing steps, not the algorithm as stated.

    ``w_0 = 0``; ``w_{t+1} = Proj_{||w|| <= 1}(w_t - lam_t g(w_t))`` with
    ``g(w) = (1/2N) sum_i [(1 - 2 eta) sign(w.x_i) - y_i] x_i`` on the training sample (taken
    from :func:`slam_theory.losses.leaky_relu_loss`: no copy of the subgradient here).
    ``schedule="fixed"``: DDKWZ23's ``lam = 2/((1 - eta) sqrt(T + 1))``
    for horizon ``T = n_iter`` (the guarantee then holds at ``T`` only); ``"anytime"``:
    ``lam_t = 2/((1 - eta) sqrt(t + 1))`` (best-iterate gap ``O(log t / sqrt(t))`` at every
    ``t``), which is the one to use for rate plots.

    Parameters
    ----------
    X, y : array-like
        Training sample, noisy labels in ``{-1, +1}``.
    eta : float
        RCN rate in ``[0, 1/2)``.
    gamma : float, optional
        Margin; enables the ``e1_bound`` column.
    eps : float, optional
        With ``gamma``, sets ``n_iter`` to :func:`slam_theory.bounds.ddkwz23_iterations`.
    n_iter : int, optional
        Number of steps (required unless ``gamma`` and ``eps`` are given).
    schedule : {"anytime", "fixed"}, default "anytime"
    record, X_eval, y_eval, w_star, disagreement_fn
        As in :func:`forward_sgd_trajectory`.

    Returns
    -------
    dict
        Arrays per record point ``t``: ``iteration``; ``objective`` (LeakyReLU loss on the
        evaluation sample; note ``L(0) = L(w*) = 0`` in the population, so it is no progress
        measure); ``grad_norm`` (its subgradient's norm); ``e1``, the running mean
        ``(1/t) sum_{s<t} <g(w_s), w_s - w*>`` over the training subgradients (NaN without
        ``w_star``; 0 at ``t = 0``), the quantity DDKWZ23's analysis bounds, since
        ``<E g(w), w - w*> >= (1 - 2 eta) gamma err(w)``; ``e1_bound`` ``= 2 (1 - eta)/
        sqrt(t + 1)`` (:func:`slam_theory.bounds.ddkwz23_gap_bound`, the fixed-step bound
        ``R G / sqrt(T + 1)``; the anytime schedule loses a log factor); ``error_bound`` ``=
        4 (1 - eta)/(gamma sqrt(t + 1))`` (:func:`slam_theory.bounds.ddkwz23_e1`, the inverse of
        DDKWZ23's ``T``; NaN without ``gamma``); ``disagreement`` (current iterate);
        ``noisy_error`` (0-1 error against the evaluation sample's noisy labels);
        ``best_disagreement`` (disagreement of the recorded iterate with the smallest
        ``noisy_error`` so far: DDKWZ23's best-iterate selection on fresh samples, restricted to
        the recorded iterates); ``coef``; the string ``reference``.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.6, 0.8]])
    >>> t = leaky_relu_trajectory(X, [1, -1, 1], eta=0.1, n_iter=50, record=3,
    ...                           w_star=[1.0, 0.0])
    >>> bool(np.linalg.norm(t["coef"][-1]) <= 1.0), t["schedule"]
    (True, 'anytime')
    """
    X, y = _data(X, y)
    eta = check_eta(eta)
    schedule = check_choice(schedule, "schedule", ("anytime", "fixed"))
    if gamma is not None:
        gamma = check_gamma(gamma)
    if n_iter is None:
        if gamma is None or eps is None:
            raise ValueError("give n_iter, or gamma and eps (DDKWZ23's T)")
        n_iter = int(bounds.ddkwz23_iterations(gamma, eps, eta))
    n_iter = check_int(n_iter, "n_iter", low=1)
    rec_at = _record_points(record, n_iter)
    Xe, ye, ws, dis = _eval_setup(X, y, X_eval, y_eval, w_star, disagreement_fn)
    w = np.zeros(X.shape[1])
    e1_sum = 0.0
    best_noisy = math.inf
    best_dis = math.nan
    keys = (
        "iteration",
        "objective",
        "grad_norm",
        "e1",
        "e1_bound",
        "regret_bound",
        "error_bound",
        "disagreement",
        "noisy_error",
        "best_disagreement",
    )
    rec: dict[str, list] = {k: [] for k in keys}
    coefs = np.zeros((rec_at.size, X.shape[1]))
    r = 0
    for t in range(n_iter + 1):
        g = losses.leaky_relu_loss(w, X, y, eta)[1]
        if r < rec_at.size and rec_at[r] == t:
            ve, ge = losses.leaky_relu_loss(w, Xe, ye, eta)
            ze = Xe @ w
            noisy = float(np.mean(np.where(ze >= 0.0, 1.0, -1.0) != ye))
            d_now = _disagreement(dis, w)
            if noisy < best_noisy:
                best_noisy, best_dis = noisy, d_now
            rec["iteration"].append(t)
            rec["objective"].append(float(ve))
            rec["grad_norm"].append(float(np.linalg.norm(ge)))
            rec["e1"].append((e1_sum / t if t > 0 else 0.0) if ws is not None else math.nan)
            rec["e1_bound"].append(float(bounds.ddkwz23_gap_bound(t, eta)))
            rec["regret_bound"].append(_regret_bound(t, n_iter, eta, schedule))
            rec["error_bound"].append(
                float(bounds.ddkwz23_e1(t, gamma, eta)) if gamma is not None else math.nan
            )
            rec["disagreement"].append(d_now)
            rec["noisy_error"].append(noisy)
            rec["best_disagreement"].append(best_dis)
            coefs[r] = w
            r += 1
        if t == n_iter:
            break
        if ws is not None:
            e1_sum += float(g @ (w - ws))
        lam = 2.0 / ((1.0 - eta) * math.sqrt((n_iter if schedule == "fixed" else t) + 1.0))
        w = w - lam * g
        nrm = float(np.linalg.norm(w))
        if nrm > 1.0:
            w /= nrm
    return _finish(rec, "ddkwz23_e1", coef=coefs, schedule=schedule, n_iter=n_iter)


