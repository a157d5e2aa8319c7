"""Trajectories of SGD and GD on the forward (SLaM) objective, and the dispatcher of the trials.

Metrics recorded at log-spaced iterations (all on the evaluation sample, the population proxy):
``objective``, ``objective_gap`` (against :func:`slam_theory.convergence.reference.
reference_minimum`), ``grad_norm``, ``grad_norm_sq``, ``stationarity`` (running minimum of
``grad_norm_sq`` over the recorded iterates), ``disagreement`` (exact, through
``disagreement_fn``, else the empirical rate of ``sign(w.x) != sign(w*.x)``), ``coef_norm``.
Without a projection (the default ``radius = inf``) the objective's infimum is at infinity and
these trajectories measure the weights growing; the convergence claim on the ball is in
:mod:`slam_theory.convergence.projected`.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from slam_theory import losses
from slam_theory._kernels.halfspaces import sgd_pass
from slam_theory._kernels.losses import MIXED
from slam_theory._validation import (
    as_generator,
    check_choice,
    check_eta,
    check_finite_array,
    check_in_range,
    check_int,
)
from slam_theory.convergence.leaky_relu import leaky_relu_trajectory
from slam_theory.convergence.projected import _loss_params
from slam_theory.convergence.reference import (
    _data,
    _eval_setup,
    _finish,
    _forward_metrics,
    _record_points,
    reference_minimum,
)

__all__ = [
    "TRAJECTORIES",
    "forward_gd_trajectory",
    "forward_sgd_trajectory",
    "to_rows",
    "trajectory",
]


# --------------------------------------------------------------------------- forward SGD / GD
def _checked(
    X: Any, y: Any, eta: Any, n_iter: Any, step: Any, record: Any, X_eval: Any, y_eval: Any,
    w_star: Any, disagreement_fn: Any, radius: Any = math.inf,
) -> tuple[np.ndarray, np.ndarray, float, int, float, float, np.ndarray, tuple]:
    """The arguments both forward trajectories share, checked in their order: the sample, the
    rate, the counts, the radius, the record points and the evaluation set
    (:func:`_eval_setup`)."""
    X, y = _data(X, y)
    eta = check_eta(eta)
    n_iter = check_int(n_iter, "n_iter", low=1)
    step = check_in_range(step, "step", 0.0, math.inf, low_inclusive=False, high_inclusive=False)
    radius = float(radius)
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius}")
    rec_at = _record_points(record, n_iter)
    evals = _eval_setup(X, y, X_eval, y_eval, w_star, disagreement_fn)
    return X, y, eta, n_iter, step, radius, rec_at, evals


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
    (the halfspace learners' kernel :func:`slam_theory._kernels.halfspaces.sgd_pass` with the
    ``MIXED`` loss; indices drawn outside it from ``random_state``).
    The metrics of the module docstring are evaluated at the recorded iterates on the
    evaluation sample.

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

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.6, 0.8]])
    >>> t = forward_sgd_trajectory(X, [1, -1, 1], eta=0.1, n_iter=20, record=3, random_state=0)
    >>> t["iteration"].tolist(), t["reference_key"]
    ([0, 1, 4, 20], 'sgd_stationarity')
    """
    X, y, eta, n_iter, step, radius, rec_at, (Xe, ye, ws, dis) = _checked(
        X, y, eta, n_iter, step, record, X_eval, y_eval, w_star, disagreement_fn, radius)
    rng = as_generator(random_state)
    w = np.zeros(X.shape[1]) if w0 is None else check_finite_array(w0, "w0", ndim=1).copy()
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w0 must have dimension {X.shape[1]}")
    f_ref, how = reference_minimum(Xe, ye, eta, w_star=ws, method=reference_value)
    idx = rng.integers(0, X.shape[0], size=n_iter).astype(np.int64)
    d = X.shape[1]
    after = rec_at[rec_at >= 1]
    n0 = rec_at.size - after.size
    coefs = np.zeros((rec_at.size, d))
    coefs[:n0] = w  # iteration 0: the initial point
    sub = np.zeros((after.size, d))
    sgd_pass(np.ascontiguousarray(X), y.astype(np.float64), idx, w, np.zeros(d), MIXED,
             _loss_params(eta), 1.0, step, 0, radius, False, 0, 0, after, sub,
             np.zeros(after.size), True)
    coefs[n0:] = sub
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

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.6, 0.8]])
    >>> t = forward_gd_trajectory(X, [1, -1, 1], eta=0.1, n_iter=10, record=2)
    >>> bool(t["objective"][-1] < t["objective"][0])
    True
    """
    X, y, eta, n_iter, step, _, rec_at, (Xe, ye, ws, dis) = _checked(
        X, y, eta, n_iter, step, record, X_eval, y_eval, w_star, disagreement_fn)
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

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    >>> t = forward_gd_trajectory(X, [1, -1], eta=0.1, n_iter=2, record=[0, 2])
    >>> [r["iteration"] for r in to_rows(t, learner="forward_gd")]
    [0, 2]
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

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    >>> trajectory("leaky_relu", X, [1, -1], eta=0.1, n_iter=5, record=2)["reference_key"]
    'ddkwz23_e1'
    """
    name = check_choice(learner, "learner", tuple(TRAJECTORIES))
    fn = TRAJECTORIES[name]
    accepted = set(inspect.signature(fn).parameters)
    return fn(X, y, **{k: v for k, v in kwargs.items() if k in accepted})
