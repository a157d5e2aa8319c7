"""Benchmark: the exact logistic-regression control, Newton-CG against lbfgs.

``LogisticRegressionHalfspace`` (the control "unpenalised logistic regression solved to
convergence" of the rate claims) solves with Newton-CG by default. This measures what that
default buys, on the samples the claims fit it on, and checks first that both solvers solved
the same problem.

Rows (each says in its notes exactly what is compared)
----
- ``logreg_exact/<instance>``: ``LogisticRegressionHalfspace()`` (Newton-CG, ``tol=1e-10``) vs
  ``LogisticRegressionHalfspace(solver="lbfgs")`` with the same tolerance and iteration cap,
  both fitted on the same ``n`` samples with 20% RCN from
  :func:`slam_theory.data.make_instance`: the eps-floor instance of ``rate_eps``
  (``d = 60``, ``gamma = 0.05``, eps = 0.025, 50 hard atoms; ``n = 32,000``, its full
  ``n_max``) and the Perceptron-style instance of ``rate_gamma`` (``d = 305``,
  ``gamma = 0.025``; ``n = 16,000``, its full ``n_max``); ``quick``: a quarter of each ``n``.
  Target 1 (the default must not be the slower one).

What "the same answer" means. On these instances the logistic loss is nearly flat along some
directions, so two solvers stopped by the same ``tol`` can land far apart in angle at the same
loss and with the same predictions. A row therefore compares what the claims use: the mean
logistic loss of the two (unnormalised) solutions must agree to ``1e-7`` and their exact
disagreements with ``w*`` to ``1e-4``; otherwise :func:`run` raises instead of timing solvers
that disagree. The notes give the angle too.

Every time is the median of a few repeats after a warm-up; the repeats of ours and of the peer
are interleaved (round robin) on the same data, so a change of machine load hits both alike.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import log_expit

from .. import data
from .. import halfspaces as H
from ..noise import RCN
from ._timing import interleaved_medians

__all__ = ["run"]

_TARGET = 1.0
_MAX_LOSS_GAP = 1e-7
_MAX_DISAGREEMENT_GAP = 1e-4

#: (row name, family, make_instance keyword arguments, n at full size)
_CASES: tuple[tuple[str, str, dict[str, Any], int], ...] = (
    ("eps_floor", "eps_floor",
     {"d": 60, "gamma": 0.05, "epsilon": 0.025, "hard_factor": 4.0, "hard_atoms": 50,
      "control_margin": 0.1}, 32_000),
    ("perceptron_gamma", "perceptron_gamma",
     {"d": 305, "gamma": 0.025, "control_mass": 0.5, "design": "wide", "control_margin": 0.1,
      "alpha": 0.9}, 16_000),
)


def _angle(u: np.ndarray, v: np.ndarray) -> float:
    c = float(u @ v) / (float(np.linalg.norm(u)) * float(np.linalg.norm(v)))
    return math.acos(min(1.0, max(-1.0, c)))


def mean_logistic_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """The objective both solvers minimise: ``mean(log(1 + exp(-y w.x)))``.

    Examples
    --------
    >>> mean_logistic_loss(np.zeros(2), np.ones((3, 2)), np.array([1, -1, 1]))  # log 2
    0.6931471805599453
    """
    return float(-np.mean(log_expit(np.asarray(y, dtype=np.float64) * (X @ w))))


def compare(X: np.ndarray, y: np.ndarray, repeats: int = 3
            ) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Time both solvers on ``(X, y)``; return their times and unnormalised solutions.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Samples.
    y : ndarray of shape (n_samples,)
        Labels in ``{-1, +1}``.
    repeats : int, default=3
        Interleaved repeats after one warm-up fit of each.

    Returns
    -------
    newton_cg_s, lbfgs_s : float
        Median wall time of one fit of each.
    w_newton_cg, w_lbfgs : ndarray of shape (n_features,)
        The solvers' solutions before normalisation (the estimators keep only the direction).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 3)); y = np.where(rng.random(300) < 0.6, 1, -1)
    >>> ncg_s, lb_s, a, b = compare(X, y, repeats=1)
    >>> abs(mean_logistic_loss(a, X, y) - mean_logistic_loss(b, X, y)) < 1e-7
    True
    """
    solutions = []
    for solver in ("newton-cg", "lbfgs"):  # warm-up, keeping the solutions
        est = H.LogisticRegressionHalfspace(solver=solver)
        solutions.append(est._solve(X, np.asarray(y, dtype=np.float64))[0])
    ncg = H.LogisticRegressionHalfspace()
    lb = H.LogisticRegressionHalfspace(solver="lbfgs")
    ours, peer = interleaved_medians([lambda: ncg.fit(X, y), lambda: lb.fit(X, y)], repeats)
    return ours, peer, solutions[0], solutions[1]


def run(quick: bool = False) -> list[dict]:
    """Run the control benchmarks.

    Parameters
    ----------
    quick : bool, default=False
        A quarter of each sample size.

    Returns
    -------
    list of dict
        One row per instance with the keys of :data:`slam_theory.bench.FIELDS`.

    Raises
    ------
    RuntimeError
        If the two solutions' mean logistic losses differ by more than ``1e-7`` or their
        disagreements with ``w*`` by more than ``1e-4``.
    """
    rows = []
    for name, family, kwargs, n in _CASES:
        n = n // 4 if quick else n
        inst = data.make_instance(family, random_state=2302, **kwargs)
        X, y = inst.sample(n)
        y = RCN(0.2).corrupt(np.asarray(y, dtype=np.int64), random_state=1)
        ours, peer, a, b = compare(X, y)
        loss_gap = abs(mean_logistic_loss(a, X, y) - mean_logistic_loss(b, X, y))
        dis_gap = abs(float(inst.disagreement(a)) - float(inst.disagreement(b)))
        if loss_gap > _MAX_LOSS_GAP or dis_gap > _MAX_DISAGREEMENT_GAP:
            raise RuntimeError(
                f"logreg_exact/{name}: Newton-CG and lbfgs solved different problems (loss gap "
                f"{loss_gap:.2g} > {_MAX_LOSS_GAP:g} or disagreement gap {dis_gap:.2g} > "
                f"{_MAX_DISAGREEMENT_GAP:g}); timing them would compare different answers")
        ratio = peer / ours
        rows.append({
            "name": f"logreg_exact/{name}", "ours_s": ours,
            "peer": 'LogisticRegressionHalfspace(solver="lbfgs"), same tol and max_iter',
            "peer_s": peer, "ratio": ratio, "target": _TARGET, "met": bool(ratio >= _TARGET),
            "notes": f"{family} instance, n={n}, {kwargs}, RCN 0.2; same answer: loss gap "
                     f"{loss_gap:.1e}, disagreement gap {dis_gap:.1e} (angle "
                     f"{_angle(a, b):.1e} rad)",
        })
    return rows


if __name__ == "__main__":  # pragma: no cover
    for r in run(quick=True):
        print(r)
