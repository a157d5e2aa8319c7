"""SLaMClassifier, SLaMStudent and the distillation inputs of slam_theory.distill, exactly: the
split rule, refusals, parameter plumbing, the forward pass (survivors of mutation testing)."""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory import distill
from slam_theory.distill import selection
from slam_theory.distill.classifier import unlabeled_mask


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
    ([0, 0, 0, 1, 1, 1, 2, 2, 2, 2], 8),     # n - n_val = 2 < k: not stratified
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
    t = _RawTeacher(["c", "a"], [[2.0, 2.0], [0.0, 0.0], [3.0, 1.0], [0.25, 0.25]])
    got = clf._teacher_proba(t, np.zeros((4, 2)))
    np.testing.assert_array_equal(got, [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0], [0.25, 0.0, 0.75],
                                        [0.5, 0.0, 0.5]])
    with pytest.raises(ValueError, match=r"^teacher\.classes_"):
        clf._teacher_proba(_RawTeacher(["a", "z"], [[1.0, 0.0]]), np.zeros((1, 2)))


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
    for y2 in (np.stack([y, y], axis=1), np.stack([y, y], axis=1).tolist()):  # array or list
        with pytest.raises(ValueError) as info:
            distill.SLaMStudent(epochs=1).fit(X, y2)
        assert str(info.value) == ("y must be 1-d class labels, got shape (40, 2); pass the "
                                   "teacher's probabilities as teacher_proba= (to tune on "
                                   "labeled rows use SLaMClassifier)")
    with pytest.warns(DataConversionWarning):
        col = distill.SLaMStudent(epochs=2, random_state=0).fit(X, y[:, None])
    np.testing.assert_array_equal(col.theta_, distill.SLaMStudent(epochs=2, random_state=0)
                                  .fit(X, y).theta_)
    with pytest.raises(ValueError) as info:
        distill.SLaMStudent(epochs=1).fit(X, np.full(40, "a"))
    assert str(info.value) == ("SLaMStudent needs samples of at least 2 classes in the data, "
                               "got 1 class: np.str_('a')")


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
    ({"teacher_proba_val": _P4, "y_val": [[0], [1], [0], [1]]},
     "y_val must have shape (4,) (one label per row of teacher_proba_val), got (4, 1)"),
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
    ({"X_labeled": np.zeros((2, 2)), "y_labeled": [[0], [1]]},
     "y_labeled must have shape (2,), got (2, 1)"),
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



def test_distillation_without_a_needed_validation_set_is_refused():
    from slam_theory.distill.inputs import check_distill_inputs

    with pytest.raises(ValueError) as info:
        check_distill_inputs(_X4, _P4, None, None, None, None, None, loss="slam", needs_val=True)
    assert str(info.value) == ("loss='slam' needs a labeled validation set: pass "
                               "teacher_proba_val and y_val")


def test_classifier_defaults_are_the_documented_ones():
    got = distill.SLaMClassifier().get_params()
    assert {k: got[k] for k in ("labeled_weight", "hidden", "epochs", "batch_size", "lr", "l2",
                                "coverage", "validation_size")} == {
        "labeled_weight": 1.0, "hidden": 64, "epochs": 30, "batch_size": 64, "lr": 0.01,
        "l2": 1e-4, "coverage": 0.9, "validation_size": 0.2}


# ---------------------------------------------------------------------- the loss dispatch
def _distill_reference(loss, X, P, Pv, yv, XL, yl, E, seed, target="hard"):
    """What SLaMStudent.fit(loss=...) trains, assembled from the public pieces: targets,
    mixing weights, coefficients, loss kinds and example weights per loss, then train_theta."""
    from slam_theory._kernels import students as KS
    from slam_theory.distill.training import train_theta

    n, K = P.shape
    alpha, C, T = np.ones(n), np.zeros((n, K)), np.eye(K)
    kinds, w = np.full(n, KS.MIXED_CE, dtype=np.int64), np.ones(n)
    if loss in ("hard", "threshold", "ups"):
        target = "hard"  # these losses train on the teacher's top-1 whatever target says
    hard = np.eye(K)[P.argmax(axis=1)]
    if loss == "slam":
        kk = distill.estimate_k(Pv, yv)
        alpha = np.maximum(distill.estimate_alpha(Pv, yv)(P), 0.5)  # alpha_min "auto", topk
        C = distill.topk_mask(P, kk)
    elif loss == "distill":
        target = "soft"
    elif loss == "weighted":
        a = distill.estimate_alpha(Pv, yv)(P)
        w = a / a.mean()
    elif loss == "forward":
        T = distill.estimate_transition_matrix(Pv, yv)
        kinds[:] = KS.FORWARD
    elif loss == "taylor":
        kinds[:] = KS.TAYLOR
    elif loss == "threshold":
        w = (distill.teacher_margin(P) >= selection._tune_threshold(Pv, yv)).astype(float)
    elif loss == "ups":
        w = selection._ups_select(P, E, 0.7, 0.05)
    Y = P if target == "soft" else hard
    nl = XL.shape[0]
    X2, Y2 = np.vstack([X, XL]), np.vstack([Y, np.eye(K)[yl]])
    alpha = np.r_[alpha, np.ones(nl)]
    C = np.vstack([C, np.zeros((nl, K))])
    kinds = np.r_[kinds, np.full(nl, KS.MIXED_CE, dtype=np.int64)]
    w = np.r_[w, np.full(nl, 1.5)]
    theta, _ = train_theta(X2, Y2, alpha, C, T, kinds, w, model="logistic", hidden=64,
                           optimizer="adam", lr=0.01, l2=1e-4, epochs=3, batch_size=64,
                           random_state=seed)
    return theta, int(np.count_nonzero(w[:n]))


@pytest.mark.parametrize("target", ["hard", "soft"])
@pytest.mark.parametrize("loss", ["slam", "distill", "hard", "weighted", "forward", "taylor",
                                  "threshold", "ups"])
def test_each_loss_trains_what_its_definition_says(loss, target):
    rng = np.random.default_rng(1)
    n, K = 60, 3
    X = rng.normal(size=(n, 2))
    P = rng.dirichlet(np.ones(K) / 2, n)
    Pv = rng.dirichlet(np.ones(K) / 2, 30)
    margin = distill.teacher_margin(Pv)
    # right where the teacher is sure, wrong where it is not (so the tuned threshold is > 0)
    yv = np.where(margin > np.median(margin), Pv.argmax(axis=1), (Pv.argmax(axis=1) + 1) % K)
    XL, yl = rng.normal(size=(8, 2)), rng.integers(0, K, 8)
    E = np.stack([P, np.clip(P + 0.02, 0, 1) / np.clip(P + 0.02, 0, 1).sum(1, keepdims=True)])
    s = distill.SLaMStudent(loss=loss, target=target, epochs=3, labeled_weight=1.5,
                            random_state=4).fit(
        X, teacher_proba=P, teacher_proba_val=Pv, y_val=yv, X_labeled=XL, y_labeled=yl,
        teacher_proba_ensemble=E if loss == "ups" else None)
    ref, n_used = _distill_reference(loss, X, P, Pv, yv, XL, yl, E if loss == "ups" else None,
                                     4, target)
    np.testing.assert_allclose(s.theta_, ref, rtol=1e-12, atol=1e-15)
    assert s.n_used_ == n_used
