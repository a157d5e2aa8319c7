"""Selection rules (threshold, UPS, cleanlab) and the alpha, k and transition-matrix estimates of
slam_theory.distill, value by value, against slow references (the survivors of mutation testing:
each test pins an exact output)."""

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
@pytest.mark.parametrize("K", [4, 12])
def test_tune_threshold_matches_naive(seed, K):
    rng = np.random.default_rng(seed)
    n = 21
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
    with pytest.raises(ValueError, match=r"^teacher_proba_ensemble must be 3-dimensional, got "
                                         r"shape \(4, 2\)$"):
        selection._ups_select(P, np.full((4, 2), 0.5), 0.5, 0.1)
    with pytest.raises(ValueError, match=r"^teacher_proba_ensemble "):
        selection._ups_select(P, np.full((2, 4, 2), np.nan), 0.5, 0.1)


@pytest.mark.parametrize(("n", "kept"), [(12, 1), (30, 2)])
def test_ups_fallback_starts_below_a_tenth(n, kept):
    """``kept`` rows pass (the most confident one is too uncertain): below ``max(1, n // 10)``
    the fallback keeps the ``max(1, n // 10)`` most confident instead."""
    P = np.tile([0.6, 0.4], (n, 1))
    P[0] = [0.9, 0.1]  # the most confident, but uncertain
    E = np.stack([P, P])
    E[0, 0, 0], E[1, 0, 0] = 0.5, 1.3  # std 0.4 on its top class
    P[1:1 + kept] = [0.8, 0.2]
    E[:, 1:1 + kept] = P[1:1 + kept]
    got = selection._ups_select(P, E, 0.7, 0.1)
    np.testing.assert_array_equal(got, ups_select_naive(P, E, 0.7, 0.1))
    if kept < max(1, n // 10):
        assert got[0] == 1.0  # the fallback takes the most confident row back
    else:
        assert got[0] == 0.0 and got.sum() == kept


def test_ups_fallback_breaks_ties_by_row():
    P = np.tile([0.5, 0.5], (30, 1))  # 30 tied rows: the fallback keeps rows 0, 1, 2
    np.testing.assert_array_equal(selection._ups_select(P, None, 0.9, 0.1), np.r_[np.ones(3),
                                                                                  np.zeros(27)])
    # confidences with ties across the cut, where numpy's default (unstable) sort reorders them
    rng = np.random.default_rng(0)
    c = 0.5 + 0.1 * rng.integers(0, 3, 60)  # (with 60 rows the unstable order differs)
    P = np.stack([c, 1 - c], axis=1)
    np.testing.assert_array_equal(selection._ups_select(P, None, 0.99, 0.1),
                                  ups_select_naive(P, None, 0.99, 0.1))


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
    with pytest.raises(ValueError, match=r"^smoothing must be in \[0\.0, inf\), got inf$"):
        distill.estimate_transition_matrix(P, y, smoothing=np.inf)
    with pytest.raises(ValueError, match=r"^smoothing must be in"):
        distill.estimate_transition_matrix(P, y, smoothing=-1.0)


def test_transition_matrix_accuracy_and_single_row_classes():
    P = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8], [0.1, 0.1, 0.8]])
    y = np.array([0, 1, 2, 2])  # the teacher is right on 4 of 4; classes 0 and 1 have one row
    T = distill.estimate_transition_matrix(P, y)  # s = 1 = n_0 = n_1
    T0 = np.eye(3)  # accuracy 1: symmetric noise of rate 0
    counts = np.eye(3) * [1, 1, 2]
    np.testing.assert_allclose(T, (counts + T0) / (counts.sum(1, keepdims=True) + 1.0))
    y = np.array([0, 1, 2, 0])  # right on 3 of 4
    T = distill.estimate_transition_matrix(P, y, smoothing=0.0)
    np.testing.assert_allclose(T, [[0.5, 0.0, 0.5], [0, 1, 0], [0, 0, 1]])
    T = distill.estimate_transition_matrix(P, y, smoothing=4.0)
    T0 = np.full((3, 3), 0.125) + np.eye(3) * (0.75 - 0.125)
    counts = np.array([[1.0, 0, 1], [0, 1, 0], [0, 0, 1]])
    np.testing.assert_allclose(T, (counts + 4 * T0) / (counts.sum(1, keepdims=True) + 4.0))


# ---------------------------------------------------------------------- k estimate
def smallest_k_naive(ranks, coverage, K):
    """Smallest ``k`` in ``1..K`` with ``mean(rank < k) >= coverage`` (1e-12 slack)."""
    for k in range(1, K + 1):
        if np.mean(np.asarray(ranks) < k) >= coverage - 1e-12:
            return k
    return K


def estimate_k_naive(P, y, coverage, n_bins):
    """Per-bin ``k`` on ``n_bins`` equal-count bins of the top-1 minus top-2 margin (inner edges
    at the margin quantiles, duplicates merged, a margin equal to an edge goes to the upper bin;
    an empty bin takes the global ``k``)."""
    K = P.shape[1]
    ranks = [int(np.sum(P[i] > P[i, y[i]]) + np.sum(P[i, : y[i]] == P[i, y[i]]))
             for i in range(len(y))]
    s = np.sort(P, axis=1)
    margin = s[:, -1] - s[:, -2]
    edges = sorted(set(float(np.quantile(margin, j / n_bins)) for j in range(1, n_bins)))
    bins = [sum(m >= e for e in edges) for m in margin]
    ks = []
    for b in range(len(edges) + 1):
        r = [ranks[i] for i in range(len(y)) if bins[i] == b]
        ks.append(smallest_k_naive(r if r else ranks, coverage, K))
    return np.array(edges), np.array(ks)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n_bins", [1, 3, 7])
def test_binned_k_matches_naive(seed, n_bins):
    rng = np.random.default_rng(seed)
    n, K = 40, 5
    P = _proba(rng, n, K, sharp=2.0)
    P[:4] = np.round(P[:4], 1)  # some ties inside rows
    P[:4] /= P[:4].sum(axis=1, keepdims=True)
    y = np.where(rng.random(n) < 0.5, P.argmax(axis=1), rng.integers(0, K, n))
    for coverage in (0.5, 0.8, 1.0):
        fn = distill.estimate_k(P, y, coverage=coverage, n_bins=n_bins)
        edges, ks = estimate_k_naive(P, y, coverage, n_bins)
        np.testing.assert_allclose(fn.edges_, edges, rtol=0, atol=1e-15)
        np.testing.assert_array_equal(fn.ks_, ks)
        assert fn.ks_.dtype == np.int64
        s = np.sort(P, axis=1)
        margin = s[:, -1] - s[:, -2]
        want = ks[[sum(m >= e for e in fn.edges_) for m in margin]]
        np.testing.assert_array_equal(fn(P), want)
        ranks = [int(np.sum(P[i] > P[i, y[i]]) + np.sum(P[i, : y[i]] == P[i, y[i]]))
                 for i in range(n)]
        assert distill.estimate_k(P, y, coverage=coverage) == smallest_k_naive(ranks, coverage,
                                                                                K)


def test_binned_k_edges_ties_and_an_empty_bin():
    P = np.array([[0.6, 0.4, 0.0]] * 4 + [[0.9, 0.1, 0.0]] * 4)  # margins 0.2 (x4), 0.8 (x4)
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    fn = distill.estimate_k(P, y, coverage=0.75, n_bins=2)
    np.testing.assert_allclose(fn.edges_, [0.5])
    np.testing.assert_array_equal(fn.ks_, [2, 1])
    # a margin exactly on an edge goes to the upper bin
    on_edge = np.array([[0.75, 0.25, 0.0]])
    assert fn(on_edge)[0] == 1
    fn3 = distill.estimate_k(P, y, coverage=0.75, n_bins=4)  # edges 0.2, 0.5, 0.8
    np.testing.assert_allclose(fn3.edges_, [0.2, 0.5, 0.8])
    np.testing.assert_array_equal(fn3.ks_, [2, 2, 2, 1])  # the first bin is empty: global k


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n_bins": 0}, "n_bins"), ({"n_bins": 9}, "n_bins"), ({"coverage": 0.0}, "coverage"),
    ({"coverage": 1.5}, "coverage"),
])
def test_estimate_k_refuses_bad_arguments(kwargs, match):
    P = np.array([[0.6, 0.4, 0.0]] * 4 + [[0.9, 0.1, 0.0]] * 4)
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match=match):
        distill.estimate_k(P, y, **kwargs)
    assert distill.estimate_k(P, y, n_bins=8).ks_.shape[0] >= 1  # n_bins = n_val is allowed
    assert distill.estimate_k(P, y, coverage=1.0) == 2
    assert distill.estimate_k(P, y) == 2  # default coverage 0.9


def test_alpha_from_margin_checks_and_clips():
    P = np.array([[0.9, 0.1], [0.8, 0.2], [0.55, 0.45], [0.6, 0.4]])
    fn = distill.estimate_alpha(P, [0, 0, 1, 1])
    assert fn.from_margin([]).shape == (0,)
    np.testing.assert_array_equal(fn.from_margin([-5.0, 0.0, 0.9, 5.0]), [0.0, 0.0, 1.0, 1.0])
    for bad in ([[0.1, 0.2]], [np.nan]):
        with pytest.raises(ValueError, match=r"^margin "):
            fn.from_margin(bad)


# ---------------------------------------------------------------------- student softmax
def test_student_softmax_is_stable_per_row():
    from slam_theory.distill.mixing import _softmax

    Z = np.array([[1000.0, 0.0], [0.0, -1000.0], [1.0, 2.0]])
    want = np.array([[1.0, 0.0], [1.0, 0.0], np.exp([1.0, 2.0]) / np.exp([1.0, 2.0]).sum()])
    np.testing.assert_allclose(_softmax(Z), want, rtol=1e-12, atol=1e-300)


def test_k_counts_ties_in_index_order_for_many_classes():
    """Tied probabilities rank the true class after the tied classes before it (a stable
    sort); with 40 classes numpy's default quicksort is not stable, so this pins the rule."""
    rng = np.random.default_rng(0)
    P = rng.integers(0, 3, (30, 40)).astype(float)
    P /= P.sum(axis=1, keepdims=True)
    y = rng.integers(0, 40, 30)
    ranks = [int(np.sum(P[i] > P[i, y[i]]) + np.sum(P[i, : y[i]] == P[i, y[i]]))
             for i in range(30)]
    for coverage in (0.3, 0.6, 0.9):
        assert distill.estimate_k(P, y, coverage=coverage) == smallest_k_naive(ranks, coverage,
                                                                                40)


# ---------------------------------------------------------------------- cleanlab rule
def cleanlab_select_naive(X, P, seed):
    """Pseudo-labels ``argmax P``; if two classes or more each have >= 3 rows: out-of-fold
    probabilities of a logistic regression (3 shuffled stratified folds seeded by ``seed``,
    ``max_iter=300``) on the present classes, 1e-6 on absent ones, rows renormalised, then
    cleanlab's ``find_label_issues``; the rows without an issue are kept (all, if none is)."""
    from cleanlab.filter import find_label_issues
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    labels = P.argmax(axis=1)
    counts = np.bincount(labels, minlength=P.shape[1])
    present = counts[counts > 0]
    if present.size < 2 or present.min() < 3:
        return np.ones(P.shape[0])
    cv = StratifiedKFold(3, shuffle=True, random_state=seed)
    oof = cross_val_predict(LogisticRegression(max_iter=300), X, labels, cv=cv,
                            method="predict_proba")
    pred = np.full(P.shape, 1e-6)
    pred[:, counts > 0] = oof
    pred /= pred.sum(axis=1, keepdims=True)
    keep = ~find_label_issues(labels=labels, pred_probs=pred)
    return (keep if keep.any() else np.ones_like(keep)).astype(float)


def _cleanlab_data(seed, n=60):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 1).astype(int)  # class 2 is rare
    P = np.full((n, 4), 0.02)  # class 3 never predicted
    P[np.arange(n), y] = 0.94
    flip = rng.random(n) < 0.15
    P[flip] = P[flip][:, [1, 0, 2, 3]]
    return X, P / P.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cleanlab_select_matches_naive(seed):
    X, P = _cleanlab_data(seed)
    for random_state, cv_seed in [(seed, seed), (None, 0), (np.random.default_rng(5), 0)]:
        got = selection._cleanlab_select(X, P, random_state)
        want = cleanlab_select_naive(X, P, cv_seed)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.float64 and got.sum() > 0
    if seed == 0:  # here some pseudo-labels are flagged and dropped
        assert got.sum() < X.shape[0]


@pytest.mark.parametrize("labels", [[0] * 9, [0] * 7 + [1] * 2, [0] * 6 + [1] * 3])
def test_cleanlab_select_small_classes(labels):
    labels = np.array(labels)
    n = labels.size
    X = np.random.default_rng(0).normal(size=(n, 2)) + labels[:, None]
    P = np.full((n, 3), 0.1)
    P[np.arange(n), labels] = 0.8
    got = selection._cleanlab_select(X, P, 0)
    np.testing.assert_array_equal(got, cleanlab_select_naive(X, P, 0))
    if np.bincount(labels).min() < 3 or np.unique(labels).size < 2:
        np.testing.assert_array_equal(got, np.ones(n))
