"""Selection rules and the transition-matrix estimate of slam_theory.distill, value by value,
against slow references (the survivors of mutation testing: each test pins an exact output)."""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory import distill
from slam_theory.distill import selection
from slam_theory.distill.classifier import unlabeled_mask


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
        with pytest.raises(ValueError, match="margin"):
            fn.from_margin(bad)


# ---------------------------------------------------------------------- student softmax
def test_student_softmax_is_stable_per_row():
    from slam_theory.distill.mixing import _softmax

    Z = np.array([[1000.0, 0.0], [0.0, -1000.0], [1.0, 2.0]])
    want = np.array([[1.0, 0.0], [1.0, 0.0], np.exp([1.0, 2.0]) / np.exp([1.0, 2.0]).sum()])
    np.testing.assert_allclose(_softmax(Z), want, rtol=1e-12, atol=1e-300)


# ---------------------------------------------------------------------- SLaMClassifier split
def _semi(y_lab, n_unl=6, seed=0):
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.asarray(y_lab), -np.ones(n_unl, dtype=int)])
    X = rng.normal(size=(y.size, 2)) + y[:, None]
    return X, y


def split_naive(y_lab, validation_size, random_state):
    """Validation indices (into the labeled rows): ``validation_size`` rows (an int, or a
    fraction rounded up), stratified when every class has >= 2 rows and fits in both parts."""
    from sklearn.model_selection import train_test_split

    from slam_theory._validation import as_generator

    y_lab = np.asarray(y_lab)
    n = y_lab.size
    n_val = (validation_size if isinstance(validation_size, int)
             else int(np.ceil(validation_size * n)))
    _, counts = np.unique(y_lab, return_counts=True)
    k = counts.size
    strat = y_lab if (counts.min() >= 2 and k <= n_val and k <= n - n_val) else None
    seed = int(as_generator(random_state).integers(2**31 - 1, size=2)[0])
    _, i_v = train_test_split(np.arange(n), test_size=n_val, random_state=seed, stratify=strat)
    return np.sort(i_v)


@pytest.mark.parametrize(("y_lab", "vs"), [
    ([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 2),     # smallest class of 2 rows; n_val = k
    ([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], 8),     # n - n_val = k
    ([0, 0, 0, 1, 1, 1, 2, 2, 2, 2], 3),     # n_val = k = 3
    ([0, 0, 0, 1, 1, 1, 2, 2, 2, 2], 7),     # n - n_val = k = 3
    ([0, 0, 0, 1, 1, 1, 2, 2, 2, 2], 0.25),  # ceil(2.5) = 3
    ([0, 1, 1, 1, 1, 1, 1, 0, 1, 1], 0.5),   # 0 twice
])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_split_matches_the_documented_rule(y_lab, vs, seed):
    X, y = _semi(y_lab)
    try:
        want = split_naive(y_lab, vs, seed)
    except ValueError:
        pytest.skip("sklearn refuses this split")
    if np.unique(np.asarray(y_lab)[want]).size < 2:
        with pytest.raises(ValueError, match=r"^the validation split holds labeled rows of one "
                                             r"class only; raise validation_size or label more "
                                             r"rows$"):
            distill.SLaMClassifier(validation_size=vs, epochs=1, random_state=seed).fit(X, y)
        return
    clf = distill.SLaMClassifier(validation_size=vs, epochs=1, random_state=seed).fit(X, y)
    np.testing.assert_array_equal(clf.validation_indices_, want)


def test_split_of_a_class_with_one_row_is_not_stratified_and_can_fail():
    y_lab = [0] + [1] * 9
    X, y = _semi(y_lab)
    outcomes = set()
    for seed in range(12):
        want = split_naive(y_lab, 2, seed)
        if np.unique(np.asarray(y_lab)[want]).size < 2:
            with pytest.raises(ValueError, match="one class only"):
                distill.SLaMClassifier(validation_size=2, epochs=1, random_state=seed).fit(X, y)
            outcomes.add("refused")
        else:
            clf = distill.SLaMClassifier(validation_size=2, epochs=1, random_state=seed).fit(X, y)
            np.testing.assert_array_equal(clf.validation_indices_, want)
            outcomes.add("split")
    assert outcomes == {"refused", "split"}


@pytest.mark.parametrize(("vs", "n_val"), [(9, 9), (10, 10), (0.05, 1), (0.95, 10)])
def test_split_sizes_refused_exactly(vs, n_val):
    X, y = _semi([0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    with pytest.raises(ValueError) as info:
        distill.SLaMClassifier(validation_size=vs, epochs=1, random_state=0).fit(X, y)
    assert str(info.value) == (f"validation_size={vs!r} leaves {n_val} validation and "
                               f"{10 - n_val} teacher rows out of 10 labeled rows (need >= 2 "
                               "each)")


class _RawTeacher:
    """A fitted 'teacher' whose probabilities are not normalised (one row is all zero)."""

    def __init__(self, classes, rows):
        self.classes_ = np.asarray(classes)
        self.rows = np.asarray(rows, dtype=float)

    def predict_proba(self, X):
        return self.rows[: len(X)]


def test_teacher_probabilities_are_mapped_to_classes_and_normalised():
    clf = distill.SLaMClassifier(classes=["a", "b", "c"])
    clf.classes_ = np.array(["a", "b", "c"])
    t = _RawTeacher(["c", "a"], [[2.0, 2.0], [0.0, 0.0], [3.0, 1.0]])
    got = clf._teacher_proba(t, np.zeros((3, 2)))
    np.testing.assert_array_equal(got, [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0], [0.25, 0.0, 0.75]])
    with pytest.raises(ValueError, match=r"teacher\.classes_"):
        clf._teacher_proba(_RawTeacher(["a", "z"], [[1.0, 0.0]]), np.zeros((1, 2)))


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



# ---------------------------------------------------------------------- supervised student
def _labeled(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, np.where(X[:, 0] + 0.3 * rng.normal(size=n) > 0, "b", "a")


@pytest.mark.parametrize("loss", ["slam", "taylor"])
def test_supervised_fit_is_distillation_from_one_hot_labels(loss):
    X, y = _labeled()
    s = distill.SLaMStudent(loss=loss, epochs=3, random_state=0).fit(X, y)
    one_hot = (y[:, None] == np.array(["a", "b"])).astype(float)
    ref = distill.SLaMStudent(loss="distill" if loss == "slam" else "taylor", epochs=3,
                              random_state=0).fit(X, teacher_proba=one_hot)
    np.testing.assert_array_equal(s.theta_, ref.theta_)
    assert (s.alpha_fn_, s.k_, s.T_, s.threshold_, s.n_used_) == (None, None, None, None, 40)
    np.testing.assert_array_equal(s.classes_, ["a", "b"])
    other = distill.SLaMStudent(loss="taylor" if loss == "slam" else "slam", epochs=3,
                                random_state=0).fit(X, y)
    assert not np.array_equal(other.theta_, s.theta_)
    given = distill.SLaMStudent(loss=loss, epochs=3, random_state=0).fit(X, y,
                                                                          classes=["a", "b"])
    np.testing.assert_array_equal(given.theta_, s.theta_)


def test_supervised_fit_refusals_and_column_labels():
    from sklearn.exceptions import DataConversionWarning

    X, y = _labeled()
    with pytest.raises(ValueError) as info:
        distill.SLaMStudent(epochs=1).fit(X, np.stack([y, y], axis=1))
    assert str(info.value) == ("y must be 1-d class labels, got shape (40, 2); pass the "
                               "teacher's probabilities as teacher_proba= (to tune on labeled "
                               "rows use SLaMClassifier)")
    with pytest.warns(DataConversionWarning):
        col = distill.SLaMStudent(epochs=2, random_state=0).fit(X, y[:, None])
    np.testing.assert_array_equal(col.theta_, distill.SLaMStudent(epochs=2, random_state=0)
                                  .fit(X, y).theta_)
    with pytest.raises(ValueError) as info:
        distill.SLaMStudent(epochs=1).fit(X, np.full(40, "a"))
    assert str(info.value) == ("SLaMStudent needs samples of at least 2 classes in the data, "
                               "got 1 class: np.str_('a')")


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



# ---------------------------------------------------------------------- mixing refusals
_F = np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3]])


@pytest.mark.parametrize(("call", "exc", "msg"), [
    (lambda: distill.mix(_F, 0.5, normalize=1), TypeError, "normalize must be a bool"),
    (lambda: distill.mix(np.array([0.2, 1.5]), 0.5), ValueError, "f must be in [0, 1]"),
    (lambda: distill.mix(np.array([-0.2, 0.5]), 0.5), ValueError, "f must be in [0, 1]"),
    (lambda: distill.mix(np.array([0.2, np.nan]), 0.5), ValueError, "f contains NaN or inf"),
    (lambda: distill.mix(np.array([0.2, 0.5]), np.array([0.5, 1.5])), ValueError,
     "alpha must be in [0, 1]"),
    (lambda: distill.mix(np.array([0.2, 0.5]), np.array([-0.5, 0.5])), ValueError,
     "alpha must be in [0, 1]"),
    (lambda: distill.mix(np.array([0.2, 0.5]), np.array([[0.5, 0.5]])), ValueError,
     "alpha must be 1-dimensional, got shape (1, 2)"),
    (lambda: distill.mix(np.array([0.2, 0.5]), np.array([0.5, 0.5, 0.5])), ValueError,
     "alpha must be a scalar or have shape (2,), got (3,)"),
    (lambda: distill.mix(np.full((2, 3), 0.5), 0.5), ValueError,
     "f rows must sum to 1 (tolerance"),
    (lambda: distill.mix(_F, 0.5, teacher=np.full((2, 3), 0.5)), ValueError,
     "teacher rows must sum to 1 (tolerance"),
    (lambda: distill.mix(np.array([[0.2, 0.5]]).T, 0.5), ValueError,
     "f must have at least 2 columns (classes), got 1"),
    (lambda: distill.slam_loss(np.zeros(3), _F, 0.5), ValueError,
     "logits must be 2-dimensional, got shape (3,)"),
    (lambda: distill.slam_loss(np.full((2, 3), np.nan), _F, 0.5), ValueError,
     "logits contains NaN or inf"),
    (lambda: distill.slam_loss(np.zeros((2, 3)), np.full((2, 3), 0.5), 0.5), ValueError,
     "teacher_proba rows must sum to 1 (tolerance"),
    (lambda: distill.slam_loss(np.zeros((2, 3)), _F[:1], 0.5), ValueError,
     "teacher_proba must have shape (2, 3) (as logits), got (1, 3)"),
    (lambda: distill.slam_loss(np.zeros((2, 3)), _F, 0.5, target="x"), ValueError,
     "target must be one of ['soft', 'hard'], got 'x'"),
    (lambda: distill.slam_loss(np.zeros((2, 3)), _F, 0.5, mixing="x"), ValueError,
     "mixing must be one of ['topk', 'normalized'], got 'x'"),
])
def test_mixing_refusals_name_the_argument(call, exc, msg):
    with pytest.raises(exc) as info:
        call()
    assert str(info.value).startswith(msg), str(info.value)


def test_mixing_accepts_the_interval_ends():
    f = np.array([0.0, 1.0, 0.5])
    np.testing.assert_allclose(distill.mix(f, np.array([0.0, 1.0, 1.0])), [1.0, 1.0, 0.5])
    loss, grad = distill.slam_loss(np.zeros((2, 3)), _F, np.array([0.0, 1.0]))
    assert loss.shape == (2,) and grad.shape == (2, 3)


# ---------------------------------------------------------------------- SLaMClassifier glue
@pytest.mark.parametrize(("y", "mask"), [
    (np.array([1, -1, 2]), [False, True, False]),
    (np.array(["a", "-1", "b"]), [False, True, False]),
    (np.array([b"a", b"-1"]), [False, False]),
    (np.array(["a", -1, "-1", b"-1", 2], dtype=object), [False, True, False, False, False]),
    (np.array([], dtype=object), []),
])
def test_unlabeled_mask_of_every_label_type(y, mask):
    got = unlabeled_mask(y)
    assert got.dtype == bool
    np.testing.assert_array_equal(got, mask)


def test_classifier_passes_its_parameters_to_the_student():
    X, y = _semi([0, 0, 0, 1, 1, 1, 1, 1, 1, 1], n_unl=10)
    kw = dict(student="mlp", target="soft", mixing="normalized", hidden=5, epochs=2, lr=0.02,
              batch_size=7, l2=0.003, labeled_weight=2.5, coverage=0.8, alpha_min=0.1)
    clf = distill.SLaMClassifier(validation_size=4, random_state=0, **kw).fit(X, y)
    got = clf.student_.get_params()
    assert {k: got["model" if k == "student" else k] for k in kw} == kw
    assert got["loss"] == "slam"


def test_classifier_predict_and_score_checks():
    X, y = _semi([0, 0, 0, 1, 1, 1, 1, 1, 1, 1], n_unl=10)
    clf = distill.SLaMClassifier(validation_size=4, epochs=2, random_state=0)
    with pytest.raises(Exception, match="not fitted"):
        clf.predict(X)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but SLaMClassifier is expecting 2"):
        clf.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"^score needs labeled rows; every row of y is -1$"):
        clf.score(X, -np.ones(X.shape[0], dtype=int))
    from sklearn.metrics import accuracy_score

    w = np.linspace(0.1, 2.0, X.shape[0])
    keep = y != -1
    pred = clf.predict(X)
    assert clf.score(X, y, sample_weight=w) == accuracy_score(y[keep], pred[keep],
                                                              sample_weight=w[keep])
    assert clf.score(X, y) == accuracy_score(y[keep], pred[keep])


# ---------------------------------------------------------------------- distillation inputs
_X4 = np.zeros((4, 2))
_P4 = np.array([[0.7, 0.3], [0.2, 0.8], [0.6, 0.4], [0.1, 0.9]])


def _inputs(**over):
    from slam_theory.distill.inputs import check_distill_inputs

    kw = dict(teacher_proba=_P4, classes=None, teacher_proba_val=None, y_val=None,
              X_labeled=None, y_labeled=None)
    kw.update(over)
    return check_distill_inputs(_X4, kw["teacher_proba"], kw["classes"],
                                kw["teacher_proba_val"], kw["y_val"], kw["X_labeled"],
                                kw["y_labeled"], loss="slam", needs_val=False)


@pytest.mark.parametrize(("over", "msg"), [
    ({"teacher_proba": _P4[:3]}, "teacher_proba must have one row per row of X (4), got 3"),
    ({"teacher_proba": np.full((4, 2), 0.7)}, "teacher_proba rows must sum to 1"),
    ({"classes": [0, 1, 2]}, "classes must have 2 entries (the columns of teacher_proba), got "
                             "shape (3,)"),
    ({"teacher_proba_val": _P4}, "teacher_proba_val and y_val must be given together"),
    ({"y_val": [0, 1, 0, 1]}, "teacher_proba_val and y_val must be given together"),
    ({"teacher_proba_val": np.full((4, 2), 0.7), "y_val": [0, 1, 0, 1]},
     "teacher_proba_val rows must sum to 1"),
    ({"teacher_proba_val": np.full((4, 3), 1 / 3), "y_val": [0, 1, 0, 1]},
     "teacher_proba_val must have 2 columns (as teacher_proba), got 3"),
    ({"teacher_proba_val": _P4, "y_val": [0, 1, 0]},
     "y_val must have shape (4,) (one label per row of teacher_proba_val), got (3,)"),
    ({"teacher_proba_val": _P4, "y_val": [[0, 1, 0, 1]]},
     "y_val must have shape (4,) (one label per row of teacher_proba_val), got (1, 4)"),
    ({"teacher_proba_val": _P4, "y_val": [0, 1, 0, 5]},
     "y_val must contain classes of [np.int64(0), np.int64(1)] (the columns of "
     "teacher_proba_val): y_val"),
    ({"X_labeled": _X4}, "X_labeled and y_labeled must be given together"),
    ({"y_labeled": [0, 1]}, "X_labeled and y_labeled must be given together"),
    ({"X_labeled": np.zeros((2, 3)), "y_labeled": [0, 1]},
     "X_labeled must have 2 features (as X), got 3"),
    ({"X_labeled": np.zeros((2, 2)), "y_labeled": [0, 1, 1]},
     "y_labeled must have shape (2,), got (3,)"),
    ({"X_labeled": np.zeros((2, 2)), "y_labeled": [[0, 1]]},
     "y_labeled must have shape (2,), got (1, 2)"),
    ({"X_labeled": np.zeros((2, 2)), "y_labeled": [0, 7]}, "y_labeled"),
    ({"X_labeled": np.full((2, 2), np.nan), "y_labeled": [0, 1]}, "Input X_labeled contains NaN"),
])
def test_distill_input_refusals_are_exact(over, msg):
    with pytest.raises(ValueError) as info:
        _inputs(**over)
    assert str(info.value).startswith(msg), str(info.value)


def test_distill_inputs_encode_labeled_rows_one_hot():
    _, cl, _, yv, XL, YL = _inputs(classes=["a", "b"], teacher_proba_val=_P4,
                                   y_val=["a", "b", "a", "b"], X_labeled=[[1, 2], [3, 4]],
                                   y_labeled=["b", "a"])
    np.testing.assert_array_equal(YL, [[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(yv, [0, 1, 0, 1])
    assert XL.dtype == np.float64 and XL.flags.c_contiguous
    np.testing.assert_array_equal(cl, ["a", "b"])


def test_mlp_student_probabilities_are_its_forward_pass():
    X, y = _labeled()
    s = distill.SLaMStudent(model="mlp", hidden=4, epochs=3, random_state=0).fit(X, y)
    d, H, K = 3, 4, 2
    th = s.theta_
    o1, o2, o3 = d * H, d * H + H, d * H + H + H * K
    h = np.maximum(X @ th[:o1].reshape(d, H) + th[o1:o2], 0.0)
    Z = h @ th[o2:o3].reshape(H, K) + th[o3:]
    want = np.exp(Z - Z.max(axis=1, keepdims=True))
    want /= want.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(s.predict_proba(X), want, rtol=1e-12)
    assert np.any(h == 0.0) and np.any(h > 0.0) and np.any(th[o1:o2] != 0)
    with pytest.raises(ValueError, match="X has 2 features, but SLaMStudent is expecting 3"):
        s.predict(X[:, :2])


def test_classifier_fit_refusals_and_the_labeled_only_path():
    from sklearn.exceptions import DataConversionWarning

    X, y = _semi([0, 0, 0, 1, 1, 1, 1, 1, 1, 1], n_unl=10)
    with pytest.raises(ValueError, match=r"^y has no labeled rows \(every row is -1\)$"):
        distill.SLaMClassifier().fit(X, -np.ones(20, dtype=int))
    with pytest.raises(ValueError) as info:
        distill.SLaMClassifier().fit(X, np.where(y == -1, -1, 1))
    assert str(info.value) == ("SLaMClassifier needs samples of at least 2 classes in the data, "
                               "got 1 class: np.int64(1)")
    with pytest.raises(ValueError, match=r"^teacher='prefit' needs fit\(X, y, teacher_proba="):
        distill.SLaMClassifier(teacher="prefit").fit(X, y)
    with pytest.raises(ValueError) as info:
        distill.SLaMClassifier(validation_size=4).fit(X, y, teacher_proba=np.full((20, 3), 1 / 3))
    assert str(info.value) == ("teacher_proba must have shape (20, 2) (rows of X, classes), got "
                               "(20, 3)")
    with pytest.raises(ValueError, match=r"^teacher_proba rows must sum to 1"):
        distill.SLaMClassifier(validation_size=4).fit(X, y, teacher_proba=np.full((20, 2), 0.7))
    with pytest.raises(ValueError, match=r"^y "):
        distill.SLaMClassifier(classes=[0, 1]).fit(X, np.where(y == 1, 5, y))
    with pytest.warns(DataConversionWarning):
        distill.SLaMClassifier(validation_size=4, epochs=1, random_state=0).fit(X, y[:, None])
    lab = y != -1
    only = distill.SLaMClassifier(epochs=2, random_state=0, classes=[0, 1, 2]).fit(X[lab], y[lab])
    assert only.validation_indices_.dtype == np.int64 and only.validation_indices_.size == 0
    assert only.teacher_ is None and only.alpha_ is None and only.k_ is None
    np.testing.assert_array_equal(only.student_.classes_, [0, 1, 2])
