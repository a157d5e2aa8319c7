"""Selection rules and the transition-matrix estimate of slam_theory.distill, value by value,
against slow references (the survivors of mutation testing: each test pins an exact output)."""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory import distill
from slam_theory.distill import selection


# ---------------------------------------------------------------------- references
def tune_threshold_naive(Pv, yv):
    """The margin threshold (top-1 minus top-2) among the quantiles ``np.arange(0, 0.9001,
    0.05)`` of the margins (0 for the first) that maximises #correct - #wrong kept
    pseudo-labels (``margin >= tau``); the first maximiser in quantile order."""
    best_tau, best = None, None
    for i, q in enumerate(np.arange(0.0, 0.9001, 0.05)):
        s = np.sort(Pv, axis=1)
        margin = s[:, -1] - s[:, -2]
        tau = float(np.quantile(margin, q)) if i > 0 else 0.0
        val = sum((1 if np.argmax(p) == y else -1) for p, y, m in zip(Pv, yv, margin)
                  if m >= tau)
        if best is None or val > best:
            best, best_tau = val, tau
    return best_tau


def ups_select_naive(P, E, tau, kappa):
    """Keep ``conf >= tau`` (and, with an ensemble, ``std of the top class <= kappa``); if fewer
    than ``max(1, n // 10)`` are kept, keep the ``max(1, n // 10)`` most confident instead
    (earlier rows first on ties)."""
    n = P.shape[0]
    top = P.argmax(axis=1)
    conf = P[np.arange(n), top]
    keep = [c >= tau for c in conf]
    if E is not None:
        keep = [k and np.std(E[:, i, top[i]]) <= kappa for i, k in enumerate(keep)]
    m = max(1, n // 10)
    if sum(keep) < m:
        order = sorted(range(n), key=lambda i: (-conf[i], i))
        keep = [i in order[:m] for i in range(n)]
    return np.array(keep, dtype=float)


def _proba(rng, n, K, sharp=3.0):
    P = rng.dirichlet(np.ones(K) / sharp, n)
    return P


# ---------------------------------------------------------------------- threshold rule
@pytest.mark.parametrize("seed", range(8))
def test_tune_threshold_matches_naive(seed):
    rng = np.random.default_rng(seed)
    n, K = 21, 4  # 21 rows: every 5% quantile is a data point (a tie with margin >= tau)
    Pv = _proba(rng, n, K)
    yv = np.where(rng.random(n) < 0.6, Pv.argmax(axis=1), rng.integers(0, K, n))
    assert selection._tune_threshold(Pv, yv) == tune_threshold_naive(Pv, yv)


def test_tune_threshold_keeps_the_first_of_equal_scores_and_counts_ties():
    # margins 0, 1/4, 1/2, 3/4, 1 (exact); the quantile grid puts tau between them
    margins = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    Pv = np.stack([(1 + margins) / 2, (1 - margins) / 2, np.zeros(5)], axis=1)
    for yv, want in [([1, 1, 0, 0, 0], None), ([0, 0, 0, 0, 0], 0.0), ([1, 0, 0, 0, 1], None),
                     ([0, 1, 0, 1, 0], None), ([1, 1, 1, 1, 0], None)]:
        yv = np.array(yv)
        got = selection._tune_threshold(Pv, yv)
        assert got == tune_threshold_naive(Pv, yv)
        if want is not None:
            assert got == want


# ---------------------------------------------------------------------- UPS rule
@pytest.mark.parametrize("n", [12, 30, 45])
@pytest.mark.parametrize("with_ensemble", [False, True])
def test_ups_select_matches_naive(n, with_ensemble):
    rng = np.random.default_rng(n)
    K = 3
    P = _proba(rng, n, K)
    E = None
    if with_ensemble:
        d = rng.choice([0.0, 0.0625, 0.125, 0.25], n)  # exact stds, some equal to kappa
        E = np.stack([P - d[:, None], P + d[:, None]])
    for tau, kappa in [(0.6, 0.125), (0.99, 0.125), (0.0, 0.0625), (1.1, 1.0)]:
        got = selection._ups_select(P, E, tau, kappa)
        np.testing.assert_array_equal(got, ups_select_naive(P, E, tau, kappa))
        assert got.dtype == np.float64


def test_ups_select_ties_and_fallback_counts():
    P = np.array([[0.5, 0.5, 0.0]] * 12)
    P[3] = [0.8, 0.1, 0.1]
    # nobody passes tau: the single most confident row (12 // 10 = 1) is kept
    np.testing.assert_array_equal(selection._ups_select(P, None, 0.9, 0.0), np.eye(12)[3])
    # conf == tau is kept
    assert selection._ups_select(P, None, 0.5, 0.0).sum() == 12
    P30 = np.tile(P, (3, 1))[:30]  # 30 // 10 = 3 rows in the fallback (not 30 // 11 = 2)
    got = selection._ups_select(P30, None, 0.95, 0.0)
    np.testing.assert_array_equal(got, ups_select_naive(P30, None, 0.95, 0.0))
    assert got.sum() == 3


def test_ups_select_refuses_a_bad_ensemble():
    P = np.full((4, 2), 0.5)
    with pytest.raises(ValueError, match=r"^teacher_proba_ensemble must have shape "
                                         r"\(m, 4, 2\), got \(2, 3, 2\)$"):
        selection._ups_select(P, np.full((2, 3, 2), 0.5), 0.5, 0.1)
    with pytest.raises(ValueError, match="teacher_proba_ensemble"):
        selection._ups_select(P, np.full((4, 2), 0.5), 0.5, 0.1)
    with pytest.raises(ValueError, match="teacher_proba_ensemble"):
        selection._ups_select(P, np.full((2, 4, 2), np.nan), 0.5, 0.1)


# ---------------------------------------------------------------------- transition matrix
def test_transition_matrix_formula_smoothing_and_unseen_classes():
    P = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([0, 1, 1, 1])  # class 2 never appears; the teacher is right on 2 of 4
    acc = 0.5
    T0 = np.array([[acc, 0.25, 0.25], [0.25, acc, 0.25], [0.25, 0.25, acc]])
    counts = np.array([[1.0, 0, 0], [1, 1, 1], [0, 0, 0]])
    for s in (0.5, 2.0):
        want = (counts + s * T0) / (counts.sum(1, keepdims=True) + s)
        np.testing.assert_allclose(distill.estimate_transition_matrix(P, y, smoothing=s), want)
    want1 = (counts + T0) / (counts.sum(1, keepdims=True) + 1.0)
    np.testing.assert_allclose(distill.estimate_transition_matrix(P, y), want1)  # default 1
    T = distill.estimate_transition_matrix(P, y, smoothing=0.0)
    np.testing.assert_allclose(T, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], T0[2]])
    with pytest.raises(ValueError, match="smoothing"):
        distill.estimate_transition_matrix(P, y, smoothing=np.inf)
    with pytest.raises(ValueError, match="smoothing"):
        distill.estimate_transition_matrix(P, y, smoothing=-1.0)
