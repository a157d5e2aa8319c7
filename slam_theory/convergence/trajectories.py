"""Convergence trajectories for the forward (SLaM) loss adjustment and DDKWZ23's learner.

The SLaM paper (arXiv 2302.03806) announces "the first convergence analysis for so-called
forward loss-adjustment methods", but its theorem text was not reachable (``/work/notes/
paper.md`` section 3).  The trajectories here are therefore compared with two standard
references, and every result names the one used in its ``"reference"`` field:

* **SGD stationarity** (Ghadimi & Lan 2013; :func:`slam_theory.bounds.sgd_stationarity`): on a
  smooth (possibly non-convex) objective, SGD with steps ``~ 1/sqrt(t)`` reaches
  ``min_{t <= T} E||grad F(w_t)||^2 = O(1/sqrt(T))`` (the *squared* norm; the norm itself is
  ``O(T^(-1/4))``).  The binary SLaM / forward-corrected objective is smooth and non-convex.
* **DDKWZ23's E1** (:func:`slam_theory.bounds.ddkwz23_gap_bound`, :func:`~slam_theory.bounds.
  ddkwz23_e1`): projected subgradient on the LeakyReLU loss, best-iterate gap
  ``<= 2 (1 - eta)/sqrt(T + 1)`` and error ``E1 ~ 1/(gamma sqrt(T))``.

The forward objective under RCN
-------------------------------
``F(w) = E[-log(alpha s + (1 - alpha)(1 - s))]``, ``s = sigmoid(y~ w.x)``, ``alpha = 1 - eta``
(:func:`slam_theory.losses.slam_binary_loss`; equal to Patrini's forward loss with the symmetric
``T``).  Under RCN the noisy label's true conditional law is ``(1 - eta, eta)`` around
``sign(w*.x)``, so by Gibbs' inequality ``F(w) >= H(eta) = -(1-eta) log(1-eta) - eta log eta``,
with equality only in the limit ``w = R w*``, ``R -> infinity`` (on margin data
``sigmoid(R |w*.x|) -> 1``).  The minimum is *not attained*; the iterates' norm grows without
bound.  The reference value for ``objective_gap`` is therefore (``reference_value`` option):

* ``"w_star"`` (default when ``w_star`` is given): the exact limit of the *evaluation-sample*
  objective along ``w*``, ``lim_R F_eval(R w*) = mean_i -log(alpha if y~_i = sign(w*.x_i) else
  1 - alpha)``; the natural empirical counterpart of ``H(eta)``.  The empirical infimum may be a
  little lower (a linear model can fit a few flipped labels), so the gap can be slightly
  negative at large ``T``; the analysis drops non-positive values from fits and reports them.
* ``"entropy"`` (default without ``w_star``): the population infimum ``H(eta)``.
* ``"lbfgs"``: ``scipy.optimize.minimize(method="L-BFGS-B")`` on the evaluation sample, started
  from ``w*`` scaled to norm ``1/gamma_hat`` (or 0), stopped at its default tolerance, then the
  minimum with the ``"w_star"`` value when available (the infimum is at infinity, so L-BFGS
  only finds a point on the way there).

Metrics recorded at log-spaced iterations (all on the evaluation sample, the population proxy):
``objective``, ``objective_gap``, ``grad_norm``, ``grad_norm_sq``, ``stationarity`` (running
minimum of ``grad_norm_sq`` over the recorded iterates: the theorem's ``min_{t <= T}``, restricted
to the recorded ones), ``disagreement`` (exact, through ``disagreement_fn``, e.g.
``data.MarginHalfspace(...).disagreement``; else the empirical rate of ``sign(w.x) !=
sign(w*.x)`` on the evaluation sample).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import optimize, stats

from slam_theory import losses
from slam_theory._kernels.convergence import forward_sgd
from slam_theory._validation import (
    as_generator,
    check_binary_labels,
    check_choice,
    check_eta,
    check_finite_array,
    check_gamma,
    check_in_range,
    check_int,
)

__all__ = [
    "REFERENCES",
    "TRAJECTORIES",
    "fit_rate",
    "forward_gd_trajectory",
    "forward_sgd_trajectory",
    "leaky_relu_trajectory",
    "log_spaced",
    "reference_minimum",
    "to_rows",
    "trajectory",
]

#: Reference rates used, by key (the ``"reference"`` field of every trajectory).
REFERENCES: dict[str, str] = {
    "sgd_stationarity": (
        "O(1/sqrt(T)) stationarity of SGD with 1/sqrt(t) steps on a smooth non-convex objective: "
        "min_{t<=T} E||grad F(w_t)||^2 (Ghadimi & Lan 2013); the SLaM paper's own forward "
        "loss-adjustment theorem was not reachable"
    ),
    "gd_stationarity": (
        "O(1/T) stationarity of full-batch GD with constant step <= 1/L on an L-smooth objective: "
        "min_{t<=T} ||grad F(w_t)||^2 <= 2 L (F(w_0) - inf F) / T"
    ),
    "ddkwz23_e1": (
        "DDKWZ23 (COLT 2023) Alg. 1: best-iterate LeakyReLU gap <= 2(1-eta)/sqrt(T+1), "
        "error E1 = 4(1-eta)/(gamma sqrt(T+1)) ~ 1/(gamma sqrt(T))"
    ),
}

_METRICS = (
    "objective",
    "objective_gap",
    "grad_norm",
    "grad_norm_sq",
    "stationarity",
    "disagreement",
)


# --------------------------------------------------------------------------- helpers
def log_spaced(n_iter: int, num: int = 30, *, include_zero: bool = True) -> np.ndarray:
    """Sorted unique integer iterations, log-spaced in ``[1, n_iter]`` (plus 0 if asked).

    Parameters
    ----------
    n_iter : int
        Last iteration (``>= 1``); always included.
    num : int, default 30
        Number of log-spaced points before rounding and de-duplication.
    include_zero : bool, default True
        Prepend iteration 0 (the initial point).

    Returns
    -------
    ndarray of int64
    """
    n_iter = check_int(n_iter, "n_iter", low=1)
    num = check_int(num, "num", low=1)
    pts = np.unique(np.round(np.logspace(0.0, math.log10(n_iter), num)).astype(np.int64))
    pts = np.unique(np.concatenate([pts, [n_iter]]))
    if include_zero:
        pts = np.concatenate([[0], pts])
    return pts.astype(np.int64)


def _record_points(record: Any, n_iter: int) -> np.ndarray:
    if record is None:
        return log_spaced(n_iter)
    if isinstance(record, int | np.integer):
        return log_spaced(n_iter, int(record))
    r = np.unique(np.asarray(record, dtype=np.int64))
    if r.size == 0 or r[0] < 0 or r[-1] > n_iter:
        raise ValueError(f"record iterations must lie in [0, n_iter={n_iter}], got {record!r}")
    return r


def _data(X: Any, y: Any, name: str = "") -> tuple[np.ndarray, np.ndarray]:
    X = check_finite_array(X, f"X{name}", ndim=2)
    y = check_binary_labels(y, f"y{name}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X{name} has {X.shape[0]} rows but y{name} has {y.shape[0]} labels")
    return X, y


def _eval_setup(
    X: np.ndarray,
    y: np.ndarray,
    X_eval: Any,
    y_eval: Any,
    w_star: Any,
    disagreement_fn: Callable[[np.ndarray], float] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, Callable[[np.ndarray], float] | None]:
    if (X_eval is None) != (y_eval is None):
        raise ValueError("X_eval and y_eval must be given together")
    if X_eval is None:
        Xe, ye = X, y
    else:
        Xe, ye = _data(X_eval, y_eval, "_eval")
        if Xe.shape[1] != X.shape[1]:
            raise ValueError(f"X_eval has {Xe.shape[1]} features but X has {X.shape[1]}")
    ws = None
    if w_star is not None:
        ws = check_finite_array(w_star, "w_star", ndim=1)
        if ws.shape[0] != X.shape[1] or not np.linalg.norm(ws) > 0:
            raise ValueError(f"w_star must be a nonzero vector of dimension {X.shape[1]}")
        ws = ws / np.linalg.norm(ws)
    dis = disagreement_fn
    if dis is not None and not callable(dis):
        raise TypeError("disagreement_fn must be callable (e.g. MarginHalfspace.disagreement)")
    if dis is None and ws is not None:
        sgn_star = np.sign(Xe @ ws)

        def dis(w: np.ndarray) -> float:
            return float(np.mean(np.sign(Xe @ w) != sgn_star))

    return Xe, ye, ws, dis


def _disagreement(dis: Callable[[np.ndarray], float] | None, w: np.ndarray) -> float:
    if dis is None:
        return math.nan
    if not np.any(w):
        return 0.5  # the zero vector predicts nothing (ties): counted as chance
    return float(dis(w))


def _binary_entropy(eta: float) -> float:
    if eta <= 0.0:
        return 0.0
    return float(-(1.0 - eta) * math.log(1.0 - eta) - eta * math.log(eta))


def reference_minimum(
    X_eval: Any,
    y_eval: Any,
    eta: float,
    *,
    w_star: Any = None,
    method: str = "auto",
    scale: float = 10.0,
) -> tuple[float, str]:
    """Reference value ``F*`` of the forward (SLaM, ``alpha = 1 - eta``) objective.

    Parameters
    ----------
    X_eval, y_eval : array-like
        Evaluation sample (noisy labels in ``{-1, +1}``).
    eta : float
        RCN rate in ``[0, 1/2)``.
    w_star : array-like of shape (d,), optional
        Target direction; needed for ``"w_star"``.
    method : {"auto", "w_star", "entropy", "lbfgs"}, default "auto"
        See the module docstring; ``"auto"`` is ``"w_star"`` if ``w_star`` is given, else
        ``"entropy"``.
    scale : float, default 10
        Norm of the L-BFGS starting point ``scale * w_star`` (``"lbfgs"`` only).

    Returns
    -------
    value : float
        ``F*``.
    description : str
        How it was computed.
    """
    Xe, ye = _data(X_eval, y_eval, "_eval")
    eta = check_eta(eta)
    method = check_choice(method, "method", ("auto", "w_star", "entropy", "lbfgs"))
    ws = None
    if w_star is not None:
        ws = check_finite_array(w_star, "w_star", ndim=1)
        ws = ws / np.linalg.norm(ws)
    if method == "auto":
        method = "w_star" if ws is not None else "entropy"
    alpha = 1.0 - eta
    lim = math.nan
    if ws is not None:
        agree = ye == np.sign(Xe @ ws)
        with np.errstate(divide="ignore"):
            la, lb = -math.log(alpha), (-math.log(1.0 - alpha) if alpha < 1 else math.inf)
        lim = float(np.mean(np.where(agree, la, lb)))
    if method == "w_star":
        if ws is None:
            raise ValueError("method='w_star' needs w_star")
        return lim, "lim_{R->inf} F_eval(R w*) (empirical H(eta) on the evaluation sample)"
    if method == "entropy":
        return _binary_entropy(eta), "H(eta), the population infimum of the forward objective"
    w0 = scale * ws if ws is not None else np.zeros(Xe.shape[1])

    def fun(w: np.ndarray) -> tuple[float, np.ndarray]:
        return losses.slam_binary_loss(w, Xe, ye, alpha)

    res = optimize.minimize(fun, w0, jac=True, method="L-BFGS-B")
    val = float(res.fun)
    if math.isfinite(lim):
        val = min(val, lim)
    return val, "L-BFGS-B on the evaluation sample (min with the w* limit if known)"


def _finish(rec: dict[str, list], reference: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {k: np.asarray(v, dtype=float) for k, v in rec.items()}
    out["iteration"] = np.asarray(rec["iteration"], dtype=np.int64)
    out["reference"] = REFERENCES[reference]
    out["reference_key"] = reference
    out.update(extra)
    return out


def _forward_metrics(
    coefs: np.ndarray,
    iters: np.ndarray,
    Xe: np.ndarray,
    ye: np.ndarray,
    alpha: float,
    f_ref: float,
    dis: Callable[[np.ndarray], float] | None,
) -> dict[str, list]:
    rec: dict[str, list] = {k: [] for k in ("iteration", *_METRICS, "coef_norm")}
    best = math.inf
    for it, w in zip(iters, coefs):
        val, g = losses.slam_binary_loss(w, Xe, ye, alpha)
        g2 = float(g @ g)
        best = min(best, g2)
        rec["iteration"].append(int(it))
        rec["objective"].append(float(val))
        rec["objective_gap"].append(float(val) - f_ref)
        rec["grad_norm"].append(math.sqrt(g2))
        rec["grad_norm_sq"].append(g2)
        rec["stationarity"].append(best)
        rec["disagreement"].append(_disagreement(dis, w))
        rec["coef_norm"].append(float(np.linalg.norm(w)))
    return rec


# --------------------------------------------------------------------------- forward SGD / GD
def forward_sgd_trajectory(
    X: Any,
    y: Any,
    *,
    eta: float,
    n_iter: int,
    step: float = 1.0,
    record: Any = None,
    X_eval: Any = None,
    y_eval: Any = None,
    w_star: Any = None,
    disagreement_fn: Callable[[np.ndarray], float] | None = None,
    reference_value: str = "auto",
    radius: float = math.inf,
    w0: Any = None,
    random_state: Any = None,
) -> dict[str, Any]:
    """SGD on the binary SLaM / forward-corrected objective, recorded at log-spaced iterations.

    Iteration ``t = 1..n_iter`` draws ``i`` uniformly (with replacement) from the training
    sample and sets ``w <- Proj_{||w|| <= radius}(w - step/sqrt(t) * grad l(w; x_i, y_i))`` with
    ``l = -log(alpha s + (1 - alpha)(1 - s))``, ``s = sigmoid(y_i w.x_i)``, ``alpha = 1 - eta``
    (numba kernel :func:`slam_theory._kernels.convergence.forward_sgd`; indices drawn outside
    it from ``random_state``).  The metrics of the module docstring are evaluated at the recorded
    iterates on the evaluation sample.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Training features (the SGD stream samples from them).
    y : array-like of shape (n,)
        Noisy labels in ``{-1, +1}``.
    eta : float
        RCN rate in ``[0, 1/2)``; ``alpha = 1 - eta``.
    n_iter : int
        Number of SGD steps, ``>= 1``.
    step : float, default 1.0
        ``step_t = step / sqrt(t)``.
    record : int or array-like of int, optional
        Number of log-spaced record points (default 30) or the iterations themselves
        (``0`` is the initial point).
    X_eval, y_eval : array-like, optional
        Large fresh sample (population proxy); default: the training sample.
    w_star : array-like of shape (d,), optional
        Target direction (for ``objective_gap`` and the fallback disagreement).
    disagreement_fn : callable, optional
        ``w -> Pr[sign(w.x) != sign(w*.x)]``, e.g. ``MarginHalfspace.disagreement``.
    reference_value : {"auto", "w_star", "entropy", "lbfgs"}, default "auto"
        How ``F*`` is obtained (:func:`reference_minimum`).
    radius : float, default inf
        Projection radius (``inf``: plain SGD).
    w0 : array-like of shape (d,), optional
        Initial point (default 0).
    random_state : None, int, SeedSequence, Generator or RandomState
        Seeds the sample indices; same seed, same trajectory.

    Returns
    -------
    dict
        Arrays ``iteration``, ``objective``, ``objective_gap``, ``grad_norm``, ``grad_norm_sq``,
        ``stationarity``, ``disagreement``, ``coef_norm`` (one entry per record point) and
        ``coef`` (shape ``(n_records, d)``); strings ``reference`` (the rate compared with:
        O(1/sqrt(T)) SGD stationarity), ``reference_key``, ``f_star_method``; float ``f_star``.
    """
    X, y = _data(X, y)
    eta = check_eta(eta)
    n_iter = check_int(n_iter, "n_iter", low=1)
    step = check_in_range(step, "step", 0.0, math.inf, low_inclusive=False, high_inclusive=False)
    radius = float(radius)
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius}")
    rec_at = _record_points(record, n_iter)
    Xe, ye, ws, dis = _eval_setup(X, y, X_eval, y_eval, w_star, disagreement_fn)
    rng = as_generator(random_state)
    w = np.zeros(X.shape[1]) if w0 is None else check_finite_array(w0, "w0", ndim=1).copy()
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w0 must have dimension {X.shape[1]}")
    f_ref, how = reference_minimum(Xe, ye, eta, w_star=ws, method=reference_value)
    idx = rng.integers(0, X.shape[0], size=n_iter)
    coefs = np.zeros((rec_at.size, X.shape[1]))
    forward_sgd(X, y, idx, w, 1.0 - eta, step, radius, rec_at, coefs)
    rec = _forward_metrics(coefs, rec_at, Xe, ye, 1.0 - eta, f_ref, dis)
    return _finish(rec, "sgd_stationarity", coef=coefs, f_star=f_ref, f_star_method=how)


def forward_gd_trajectory(
    X: Any,
    y: Any,
    *,
    eta: float,
    n_iter: int,
    step: float = 1.0,
    record: Any = None,
    X_eval: Any = None,
    y_eval: Any = None,
    w_star: Any = None,
    disagreement_fn: Callable[[np.ndarray], float] | None = None,
    reference_value: str = "auto",
    w0: Any = None,
) -> dict[str, Any]:
    """Full-batch gradient descent on the SLaM / forward objective (constant step).

    ``w <- w - step * grad F_n(w)`` with ``F_n`` the training-sample mean of the loss of
    :func:`forward_sgd_trajectory` (:func:`slam_theory.losses.slam_binary_loss`).  The objective
    is smooth for ``eta < 1/2`` (at ``eta = 0`` it is the logistic loss, ``L <= 1/4`` for
    ``||x|| <= 1``); ``step = 1`` was stable in our tests, reduce it if the objective increases.
    The reference rate is ``O(1/T)`` for ``min_t ||grad F||^2``.  Deterministic.

    Parameters
    ----------
    X, y, eta, n_iter, step, record, X_eval, y_eval, w_star, disagreement_fn, reference_value, w0
        As in :func:`forward_sgd_trajectory` (``step`` is constant here).

    Returns
    -------
    dict
        As :func:`forward_sgd_trajectory`, with ``reference`` the GD stationarity rate.
    """
    X, y = _data(X, y)
    eta = check_eta(eta)
    n_iter = check_int(n_iter, "n_iter", low=1)
    step = check_in_range(step, "step", 0.0, math.inf, low_inclusive=False, high_inclusive=False)
    rec_at = _record_points(record, n_iter)
    Xe, ye, ws, dis = _eval_setup(X, y, X_eval, y_eval, w_star, disagreement_fn)
    w = np.zeros(X.shape[1]) if w0 is None else check_finite_array(w0, "w0", ndim=1).copy()
    f_ref, how = reference_minimum(Xe, ye, eta, w_star=ws, method=reference_value)
    alpha = 1.0 - eta
    coefs = np.zeros((rec_at.size, X.shape[1]))
    r = 0
    for t in range(n_iter + 1):
        while r < rec_at.size and rec_at[r] == t:
            coefs[r] = w
            r += 1
        if t == n_iter:
            break
        _, g = losses.slam_binary_loss(w, X, y, alpha)
        w = w - step * g
    rec = _forward_metrics(coefs, rec_at, Xe, ye, alpha, f_ref, dis)
    return _finish(rec, "gd_stationarity", coef=coefs, f_star=f_ref, f_star_method=how)


# --------------------------------------------------------------------------- DDKWZ23 reference
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
    """DDKWZ23 Algorithm 1 run as a trajectory: projected full-batch subgradient on LeakyReLU.

    ``w_0 = 0``; ``w_{t+1} = Proj_{||w|| <= 1}(w_t - lam_t g(w_t))`` with
    ``g(w) = (1/2N) sum_i [(1 - 2 eta) sign(w.x_i) - y_i] x_i`` on the training sample (equal to
    the subgradient of :func:`slam_theory.losses.leaky_relu_loss`, inlined here without
    per-step validation).  ``schedule="fixed"``: DDKWZ23's ``lam = 2/((1 - eta) sqrt(T + 1))``
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
    """
    from slam_theory import bounds  # local: bounds is a sibling at the same layer

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
    a = 1.0 - 2.0 * eta
    N = X.shape[0]
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
        z = X @ w
        g = ((a * np.sign(z) - y) @ X) / (2.0 * N)
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


# --------------------------------------------------------------------------- fitting / rows
def fit_rate(
    iterations: Any,
    values: Any,
    *,
    tail: float = 0.5,
    confidence: float = 0.95,
    n_boot: int = 999,
    random_state: Any = 0,
) -> tuple[float, tuple[float, float]]:
    """Log-log slope of ``values`` against ``iterations`` over the tail, with an interval.

    The tail is the last ``tail`` fraction of the log-iteration range (iterations ``>= 1``;
    non-positive values are dropped).  ``values`` 1-D (one trajectory): ordinary least squares
    with the Student-t interval of the slope (``scipy.stats.linregress``).  ``values`` 2-D
    (seeds x iterations): the slope of the median curve, with a percentile bootstrap over seeds
    (whole trajectories resampled; seeded by ``random_state``, so deterministic).

    Parameters
    ----------
    iterations : array-like of shape (m,)
    values : array-like of shape (m,) or (n_seeds, m)
    tail : float, default 0.5
        Fraction of the log-iteration range, in ``(0, 1]``.
    confidence : float, default 0.95
    n_boot : int, default 999
        Bootstrap replicates (2-D input only).
    random_state : int, Generator, ..., default 0

    Returns
    -------
    slope : float
    ci : (float, float)
    """
    from slam_theory.analysis import _fit_trajectory  # analysis holds the shared fitter

    it = check_finite_array(iterations, "iterations", ndim=1)
    v = np.asarray(values, dtype=float)
    tail = check_in_range(tail, "tail", 0.0, 1.0, low_inclusive=False)
    confidence = check_in_range(
        confidence, "confidence", 0.0, 1.0, low_inclusive=False, high_inclusive=False
    )
    if v.ndim not in (1, 2) or v.shape[-1] != it.shape[0]:
        raise ValueError(
            f"values must have shape (m,) or (n_seeds, m) with m = {it.shape[0]}, got {v.shape}"
        )
    keep = it >= 1
    it, v = it[keep], v[..., keep]
    order = np.argsort(it)
    it, v = it[order], v[..., order]
    if v.ndim == 2:
        rng = as_generator(random_state)
        f = _fit_trajectory(it, v, tail, check_int(n_boot, "n_boot", low=0), confidence, rng)
        return float(f["exponent"]), (float(f["ci"][0]), float(f["ci"][1]))
    if it.size == 0:
        return math.nan, (math.nan, math.nan)
    lmin, lmax = math.log(it[0]), math.log(it[-1])
    sel = (it >= math.exp(lmin + (1.0 - tail) * (lmax - lmin)) * (1 - 1e-12)) & (v > 0)
    sel &= np.isfinite(v)
    if sel.sum() < 3:
        return math.nan, (math.nan, math.nan)
    res = stats.linregress(np.log(it[sel]), np.log(v[sel]))
    q = stats.t.ppf(0.5 + confidence / 2.0, sel.sum() - 2)
    return float(res.slope), (float(res.slope - q * res.stderr), float(res.slope + q * res.stderr))


def to_rows(traj: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
    """Turn a trajectory dict into trial rows (one per record point) for ``trials.csv``.

    Parameters
    ----------
    traj : dict
        Output of one of the trajectory functions.
    **params
        Extra scalar columns (e.g. ``learner="forward_sgd"``).  ``reference_key`` is added.

    Returns
    -------
    list of dict
        Columns ``iteration`` and every per-record metric array of ``traj`` (``coef`` is
        dropped), as plain Python scalars.
    """
    it = np.asarray(traj["iteration"])
    cols = [
        k
        for k, v in traj.items()
        if k != "coef" and isinstance(v, np.ndarray) and v.ndim == 1 and v.shape == it.shape
    ]
    rows = []
    for j in range(it.size):
        row: dict[str, Any] = dict(params)
        for k in cols:
            val = traj[k][j]
            row[k] = int(val) if k == "iteration" else float(val)
        row["reference_key"] = str(traj.get("reference_key", ""))
        rows.append(row)
    return rows


#: Names accepted by :func:`trajectory`.
TRAJECTORIES: dict[str, Callable[..., dict[str, Any]]] = {
    "forward_sgd": forward_sgd_trajectory,
    "slam_sgd": forward_sgd_trajectory,
    "forward_gd": forward_gd_trajectory,
    "slam_gd": forward_gd_trajectory,
    "leaky_relu": leaky_relu_trajectory,
}


def trajectory(learner: str, X: Any, y: Any, **kwargs: Any) -> dict[str, Any]:
    """Run the trajectory routine named ``learner`` (dispatcher for the trial functions).

    Parameters
    ----------
    learner : {"forward_sgd", "slam_sgd", "forward_gd", "slam_gd", "leaky_relu"}
        ``forward_sgd``/``slam_sgd``: :func:`forward_sgd_trajectory`; ``forward_gd``/
        ``slam_gd``: :func:`forward_gd_trajectory`; ``leaky_relu``:
        :func:`leaky_relu_trajectory`.
    X, y : array-like
        Training sample (noisy labels).
    **kwargs
        Keyword arguments of the routine; keywords it does not accept (e.g. ``gamma`` for the
        forward routines, ``random_state`` for the deterministic ones) are ignored, so callers
        can pass one common set.

    Returns
    -------
    dict
        The routine's output (see each function).
    """
    name = check_choice(learner, "learner", tuple(TRAJECTORIES))
    fn = TRAJECTORIES[name]
    accepted = set(inspect.signature(fn).parameters)
    return fn(X, y, **{k: v for k, v in kwargs.items() if k in accepted})
