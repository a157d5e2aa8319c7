"""Selection rules of the pseudo-label baselines: margin threshold, UPS and cleanlab.

Each rule returns per-example weights (0 drops an unlabeled example) for
:class:`slam_theory.distill.SLaMStudent`.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from slam_theory._validation import check_finite_array

__all__: list[str] = []


def _tune_threshold(Pv: np.ndarray, yv: np.ndarray) -> float:
    """Margin threshold maximising (#correct - #wrong) kept pseudo-labels on V."""
    part = np.partition(Pv, Pv.shape[1] - 2, axis=1)
    margin = part[:, -1] - part[:, -2]
    score = np.where(np.argmax(Pv, axis=1) == yv, 1.0, -1.0)
    best_tau, best = 0.0, -np.inf
    for q in np.arange(0.0, 0.9001, 0.05):
        tau = float(np.quantile(margin, q)) if q > 0 else 0.0
        val = float(score[margin >= tau].sum())
        if val > best:
            best, best_tau = val, tau
    return best_tau


def _ups_select(P: np.ndarray, ensemble: Any, tau: float, kappa: float) -> np.ndarray:
    n, K = P.shape
    top = np.argmax(P, axis=1)
    conf = P[np.arange(n), top]
    keep = conf >= tau
    if ensemble is not None:
        E = check_finite_array(ensemble, "teacher_proba_ensemble", ndim=3)
        if E.shape[1:] != P.shape:
            raise ValueError(f"teacher_proba_ensemble must have shape (m, {n}, {K}), got "
                             f"{E.shape}")
        unc = E[:, np.arange(n), top].std(axis=0)
        keep &= unc <= kappa
    if keep.sum() < max(1, n // 10):
        keep = np.zeros(n, dtype=bool)
        keep[np.argsort(-conf, kind="stable")[: max(1, n // 10)]] = True
    return keep.astype(np.float64)


def _cleanlab_select(X: np.ndarray, P: np.ndarray, random_state: Any) -> np.ndarray:
    try:
        from cleanlab.filter import find_label_issues
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("loss='cleanlab' needs the optional dependency cleanlab "
                          "(pip install slam-theory[cleanlab])") from exc
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    labels = np.argmax(P, axis=1)
    K = P.shape[1]
    counts = np.bincount(labels, minlength=K)
    if np.count_nonzero(counts) < 2 or counts[counts > 0].min() < 3:
        return np.ones(P.shape[0])
    seed = random_state if isinstance(random_state, numbers.Integral) else 0
    cv = StratifiedKFold(3, shuffle=True, random_state=int(seed))
    present = np.flatnonzero(counts)
    oof = cross_val_predict(LogisticRegression(max_iter=300), X, labels, cv=cv,
                            method="predict_proba")
    pred = np.full(P.shape, 1e-6)
    pred[:, present] = oof
    pred /= pred.sum(axis=1, keepdims=True)
    issues = find_label_issues(labels=labels, pred_probs=pred)
    keep = ~issues
    if not np.any(keep):
        keep[:] = True
    return keep.astype(np.float64)

