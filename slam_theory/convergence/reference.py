"""Shared pieces of the convergence trajectories: record points, data checks, reference values.

The trajectories of :mod:`slam_theory.convergence.trajectories` and
:mod:`slam_theory.convergence.leaky_relu` are compared with standard references, each named in a
trajectory's ``"reference"`` field (:data:`REFERENCES`):

* **SGD stationarity** (Ghadimi & Lan 2013; :func:`slam_theory.bounds.sgd_stationarity`): on a
  smooth (possibly non-convex) objective, SGD with steps ``~ 1/sqrt(t)`` reaches
  ``min_{t <= T} E||grad F(w_t)||^2 = O(1/sqrt(T))``.
* **DDKWZ23's E1** (:func:`slam_theory.bounds.ddkwz23_gap_bound`): projected subgradient on the
  LeakyReLU loss, best-iterate gap ``<= 2 (1 - eta)/sqrt(T + 1)``.

The forward objective under RCN, ``F(w) = E[-log(alpha s + (1 - alpha)(1 - s))]``,
``s = sigmoid(y~ w.x)``, ``alpha = 1 - eta``, is bounded below by ``H(eta)`` (Gibbs' inequality),
with equality only in the limit ``w = R w*``, ``R -> infinity`` on margin data: without a
projection its minimum is not attained and the iterates' norm grows without bound. The
convergence claim is therefore stated on the ball, in :mod:`slam_theory.convergence.projected`.
:func:`reference_minimum` gives the unconstrained reference value ``F*`` (``"w_star"``: the exact
limit of the evaluation-sample objective along ``w*``; ``"entropy"``: ``H(eta)``; ``"lbfgs"``:
L-BFGS-B on the evaluation sample, then the minimum with the ``"w_star"`` value).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import optimize

from slam_theory import losses
from slam_theory._validation import (
    check_binary_labels,
    check_choice,
    check_eta,
    check_finite_array,
    check_int,
    reject_complex,
    reject_strings,
)

__all__ = ["REFERENCES", "log_spaced", "reference_minimum"]

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

    Examples
    --------
    >>> log_spaced(10, 4).tolist()
    [0, 1, 2, 5, 10]
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
    if isinstance(record, bool | np.bool_) or not isinstance(record, list | tuple | np.ndarray):
        return log_spaced(n_iter, check_int(record, "record", low=1))
    reject_complex(record, "record")
    reject_strings(record, "record")
    try:
        raw = np.asarray(record, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"record must be an int or an array of iterations, got {record!r:.60}"
                        ) from None
    if raw.ndim != 1 or not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
        raise ValueError(f"record iterations must be a 1-d array of integers, got {record!r:.60}")
    r = np.unique(raw.astype(np.int64))
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

    Examples
    --------
    >>> value, how = reference_minimum([[1.0, 0.0]], [1], 0.2, method="entropy")
    >>> round(value, 4)
    0.5004
    """
    Xe, ye = _data(X_eval, y_eval, "_eval")
    eta = check_eta(eta)
    method = check_choice(method, "method", ("auto", "w_star", "entropy", "lbfgs"))
    ws = None
    if w_star is not None:
        ws = check_finite_array(w_star, "w_star", ndim=1)
        if ws.shape[0] != Xe.shape[1] or not np.any(ws):
            raise ValueError(f"w_star must be a nonzero vector of dimension {Xe.shape[1]}, got "
                             f"shape {ws.shape}")
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
