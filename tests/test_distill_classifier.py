"""SLaMClassifier: scikit-learn's semi-supervised convention (-1 = unlabeled), model selection,
label types, missing classes, and the refusals of the low-level SLaMStudent."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from slam_theory import data
from slam_theory.distill import SLaMClassifier, SLaMStudent
from slam_theory.distill.classifier import unlabeled_mask


def _semi(n=600, n_labeled=80, seed=0, n_classes=3):
    X, y = make_classification(n, n_features=6, n_informative=4, n_redundant=0,
                               n_classes=n_classes, n_clusters_per_class=1, class_sep=2.0,
                               random_state=seed)
    ys = y.copy()
    ys[n_labeled:] = -1
    return X, y, ys


_MINUS_ONE = ("-1 marks unlabeled rows (scikit-learn's semi-supervised convention; "
              "scikit-learn exempts SelfTrainingClassifier from labels {-1, 1} by name)")


@parametrize_with_checks([SLaMClassifier(epochs=20, random_state=0)],
                         expected_failed_checks=lambda est: {
                             "check_classifiers_classes": _MINUS_ONE})
def test_sklearn_check_estimator(estimator, check):
    check(estimator)


def test_check_classifiers_classes_as_semi_supervised():
    """The one check above run as scikit-learn runs it for its semi-supervised classifiers
    (numeric labels); string labels are tested in test_string_labels_and_object_minus_one."""
    estimator_checks.check_classifiers_classes("SelfTrainingClassifier",
                                               SLaMClassifier(epochs=20, random_state=0))


def test_fit_exposes_the_pipeline():
    X, y, ys = _semi()
    clf = SLaMClassifier(teacher=LinearDiscriminantAnalysis(), epochs=10, random_state=0)
    clf.fit(X, ys)
    assert list(clf.classes_) == [0, 1, 2]
    assert clf.teacher_ is not None and clf.teacher_ is not clf.teacher
    assert clf.alpha_ is not None and isinstance(clf.k_, int)
    v = clf.validation_indices_
    assert v.size == 16 and np.all(ys[v] != -1)       # 20% of the 80 labeled rows
    # the teacher never saw V: refitting on the other labeled rows gives the same teacher
    lab = np.flatnonzero(ys != -1)
    rest = np.setdiff1d(lab, v)
    ref = LinearDiscriminantAnalysis().fit(X[rest], ys[rest])
    np.testing.assert_allclose(clf.teacher_.predict_proba(X[:5]), ref.predict_proba(X[:5]))
    assert clf.score(X[80:], y[80:]) > 0.8
    # score ignores unlabeled rows: a y that is -1 except on two rows scores those two
    y2 = np.full(X.shape[0], -1)
    y2[[100, 200]] = y[[100, 200]]
    assert clf.score(X, y2) == np.mean(clf.predict(X[[100, 200]]) == y[[100, 200]])
    with pytest.raises(ValueError, match="every row of y is -1"):
        clf.score(X, np.full(X.shape[0], -1))


def test_the_failing_call_of_the_issue_works_on_slam_classifier():
    """GridSearchCV over lr on the classifier: no warning, no NaN fold, a real best."""
    X, _, ys = _semi(n=500, n_labeled=90)
    grid = GridSearchCV(SLaMClassifier(epochs=5, random_state=0), {"lr": [0.01, 0.1]}, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grid.fit(X, ys)
        scores = cross_val_score(SLaMClassifier(epochs=5, random_state=0), X, ys, cv=3)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert np.all(np.isfinite(scores)) and scores.min() > 0.5
    assert grid.best_params_["lr"] in (0.01, 0.1)


def test_slam_student_grid_search_refuses_in_one_line():
    """The issue's call on the low-level estimator: refused with one clear message instead
    of NaN folds and a meaningless best_params_."""
    X, y, _ = _semi(n=300)
    P = np.eye(3)[y] * 0.8 + 0.2 / 3
    with pytest.raises(ValueError, match="teacher_proba=") as info:
        GridSearchCV(SLaMStudent(epochs=5), {"lr": [0.01, 0.1]}).fit(
            X[:200], P[:200], teacher_proba_val=P[200:], y_val=y[200:])
    assert "SLaMClassifier" in str(info.value)
    with pytest.raises(ValueError, match="1-d class labels"):
        SLaMStudent(epochs=1).fit(X, P)


def test_string_labels_and_object_minus_one():
    X, y, ys = _semi(n=400, n_labeled=90)
    names = np.array(["ant", "bee", "cat"], dtype=object)
    yo = names[y].astype(object)
    yo[ys == -1] = -1
    clf = SLaMClassifier(epochs=5, random_state=0).fit(X, yo)
    assert list(clf.classes_) == ["ant", "bee", "cat"]
    assert set(clf.predict(X)) <= {"ant", "bee", "cat"}
    assert clf.score(X, names[y]) > 0.6
    yu = names[y].astype(str)
    yu[ys == -1] = "-1"
    np.testing.assert_array_equal(unlabeled_mask(yu), ys == -1)
    clf2 = SLaMClassifier(epochs=5, random_state=0).fit(X, yu)
    np.testing.assert_array_equal(clf2.predict(X).astype(object), clf.predict(X))


def test_class_missing_from_labeled_rows_and_teacher():
    """A fold / a teacher that never saw class 2: with classes= the class still gets a column
    (probability 0 from the teacher) and predictions stay valid; without it, classes_ follow
    the labeled rows."""
    X, _, ys = _semi(n=500, n_labeled=120)
    ys2 = ys.copy()
    ys2[(ys2 == 2)] = -1
    clf = SLaMClassifier(classes=[0, 1, 2], epochs=5, random_state=0).fit(X, ys2)
    assert list(clf.classes_) == [0, 1, 2]
    assert clf.predict_proba(X).shape == (500, 3)
    assert list(clf.teacher_.classes_) == [0, 1]        # the teacher never saw class 2
    assert list(SLaMClassifier(epochs=2, random_state=0).fit(X, ys2).classes_) == [0, 1]
    # cross-validation where a class is absent from one training fold's labeled rows
    yc = ys.copy()
    lab2 = np.flatnonzero(ys == 2)
    yc[lab2[3:]] = -1                                    # only 3 labeled rows of class 2
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, yc))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = cross_val_score(SLaMClassifier(classes=[0, 1, 2], epochs=3, random_state=0),
                            X, yc, cv=folds)
    assert np.all(np.isfinite(s))


def test_teacher_probabilities_prefit_and_frozen():
    X, y, ys = _semi(n=500, n_labeled=100)
    gm_teacher = LinearDiscriminantAnalysis().fit(X[:100], y[:100])
    P = gm_teacher.predict_proba(X)
    a = SLaMClassifier(teacher="prefit", epochs=5, random_state=0).fit(X, ys, teacher_proba=P)
    assert a.teacher_ is None and a.alpha_ is not None
    b = SLaMClassifier(teacher=FrozenEstimator(gm_teacher), epochs=5, random_state=0).fit(X, ys)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X))
    with pytest.raises(ValueError, match="teacher_proba"):
        SLaMClassifier(teacher="prefit").fit(X, ys)
    with pytest.raises(ValueError, match="shape"):
        SLaMClassifier(epochs=1).fit(X, ys, teacher_proba=P[:, :2] / P[:, :2].sum(1,
                                                                                  keepdims=True))


def test_clone_pickle_determinism():
    X, _, ys = _semi(n=300, n_labeled=60)
    clf = SLaMClassifier(epochs=3, random_state=3).fit(X, ys)
    c2 = clone(clf).fit(X, ys)
    np.testing.assert_array_equal(clf.predict_proba(X), c2.predict_proba(X))
    c3 = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clf.predict_proba(X), c3.predict_proba(X))
    c4 = SLaMClassifier(epochs=3, random_state=4).fit(X, ys)
    assert not np.array_equal(clf.predict_proba(X), c4.predict_proba(X))


@pytest.mark.parametrize(
    ("kwargs", "y_fn", "match"),
    [
        ({"validation_size": 70}, None, "validation_size"),
        ({}, lambda y: np.full_like(y, -1), "no labeled rows"),
        ({"validation_size": 1.5}, None, "validation_size"),
        ({"classes": [0, 1]}, None, "not in classes"),
    ],
)
def test_bad_inputs(kwargs, y_fn, match):
    X, _, ys = _semi(n=200, n_labeled=60)
    yy = ys if y_fn is None else y_fn(ys)
    with pytest.raises(ValueError, match=match):
        SLaMClassifier(epochs=1, **kwargs).fit(X, yy)


def _confused(y, K, rng, confusion=0.7):
    """Confident teacher that labels class 0 as class 1 with probability ``confusion`` (at a
    lower margin than its other labels)."""
    n = y.shape[0]
    P = np.full((n, K), 0.05 / (K - 2))
    top = y.copy()
    swap = (y == 0) & (rng.random(n) < confusion)
    top[swap] = 1
    second = np.where(swap, 0, np.where(y == 0, 1, (y + 1) % K))
    conf = np.where(y == 0, 0.7, 0.9)
    P[np.arange(n), top] = conf
    P[np.arange(n), second] = 0.95 - conf
    return P


def test_slam_classifier_beats_teacher_label_students_on_a_known_noisy_teacher():
    """SLaM's alpha(x) (estimated on V) down-weights the teacher's confused labels; the
    student trained on the teacher's top-1 labels (loss="hard") and vanilla distillation learn
    them.  The same pipeline with alpha forced to 1 (alpha_min=1: plain cross-entropy on the
    teacher's label) must lose its advantage: the check fails if alpha has no effect."""
    K = 4
    gaps, forced = [], []
    for seed in range(3):
        gm = data.GaussianMixture(K, 8, separation=4.0, random_state=seed)
        rng = np.random.default_rng(seed)
        X, y = gm.sample(2500)
        Xt, yt = gm.sample(1500)
        P = _confused(y, K, rng)
        ys = np.full(X.shape[0], -1)
        ys[:150] = y[:150]                     # 150 labeled rows, 30 of them become V
        acc = {}
        for name, kw in (("slam", {}), ("hard", {"loss": "hard"}),
                         ("distill", {"loss": "distill"}), ("alpha1", {"alpha_min": 1.0})):
            c = SLaMClassifier(teacher="prefit", epochs=10, random_state=seed, **kw)
            acc[name] = c.fit(X, ys, teacher_proba=P).score(Xt, yt)
        gaps.append(acc["slam"] - max(acc["hard"], acc["distill"]))
        forced.append(acc["alpha1"] - acc["hard"])
    assert min(gaps) > 0.05, gaps
    assert max(np.abs(forced)) < 0.02, forced
