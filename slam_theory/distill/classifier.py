"""A scikit-learn-native SLaM classifier: ``fit(X, y)`` with unlabeled rows marked ``-1``.

Follows the convention of :class:`sklearn.semi_supervised.SelfTrainingClassifier`: one
``X`` and one ``y`` in which the unlabeled rows carry the label ``-1``.  The whole
distillation pipeline (teacher, validation split, ``alpha``/``k`` estimation, student) runs
inside ``fit``, so :func:`sklearn.base.clone`, pickling,
:class:`sklearn.model_selection.GridSearchCV` and
:func:`sklearn.model_selection.cross_val_score` work on it.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from slam_theory._validation import as_generator, check_proba_matrix
from slam_theory.distill.inputs import check_int_params, check_rows
from slam_theory.distill.student import SLaMStudent, encode_labels

__all__ = ["UNLABELED", "SLaMClassifier", "unlabeled_mask"]

#: Label of an unlabeled row (scikit-learn's semi-supervised convention).
UNLABELED: int = -1


def unlabeled_mask(y: Any) -> np.ndarray:
    """Boolean mask of the rows of ``y`` that carry the unlabeled marker ``-1``.

    Numeric labels: ``y == -1``.  String labels: the string ``"-1"``.  Object labels: the
    integer ``-1`` (strings are never unlabeled there).

    Parameters
    ----------
    y : array-like of shape (n,)

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    >>> unlabeled_mask(np.array(["cat", -1, "dog"], dtype=object))
    array([False,  True, False])
    """
    yy = np.asarray(y)
    if yy.dtype.kind in "US":
        return yy == str(UNLABELED)
    if yy.dtype.kind == "O":
        return np.array([not isinstance(v, str | bytes) and v == UNLABELED for v in yy],
                        dtype=bool)
    return yy == UNLABELED


class SLaMClassifier(ClassifierMixin, BaseEstimator):
    """SLaM distillation with unlabeled examples as one scikit-learn classifier.

    ``fit(X, y)``, with ``y = -1`` on the unlabeled rows:

    1. the labeled rows are split into a validation set ``V`` (``validation_size`` of them,
       stratified when every class has two rows) and the rest ``L``;
    2. a clone of ``teacher`` is trained on ``L`` (or the teacher's probabilities are passed
       as ``fit(..., teacher_proba=...)``; a fitted teacher wrapped in
       :class:`sklearn.frozen.FrozenEstimator` is used as is);
    3. ``alpha(x)`` and ``k(x)`` are estimated from the teacher's probabilities on ``V``;
    4. the student (:class:`SLaMStudent`) is trained on the unlabeled rows with the mixed loss
       and on **all** labeled rows (``L`` and ``V``) with their true labels and plain
       cross-entropy, in the same minibatches.

    Without unlabeled rows the student is trained on the labeled rows alone (no teacher is
    fitted: ``teacher_``, ``alpha_`` and ``k_`` are None).  Classes come from the labeled
    rows, or from ``classes`` (so a class absent from the labeled rows of a fold, or never seen
    by the teacher, still gets a column); a class the teacher never saw gets probability 0.
    ``score`` is the accuracy on the labeled rows only (rows with ``y = -1`` are ignored), so
    ``cross_val_score`` and ``GridSearchCV`` score folds on labeled data.

    Parameters
    ----------
    teacher : estimator with predict_proba, "prefit" or None, default None
        Trained on ``L`` inside ``fit`` (cloned).  ``None``: a cheap default,
        :class:`sklearn.naive_bayes.GaussianNB`; pass a stronger teacher in practice.
        ``"prefit"``: ``fit`` requires ``teacher_proba``.
    student : {"logistic", "mlp"}, default "logistic"
    loss : str, default "slam"
        Any of :data:`slam_theory.distill.LOSSES` (the baselines run the same pipeline).
    target : {"soft", "hard"}, default "hard"
    mixing : {"topk", "normalized"}, default "topk"
        ``target="hard"`` with ``mixing="topk"`` makes ``k`` irrelevant; the defaults are
        :class:`SLaMStudent`'s (see there why they are no prescription: tune them).
    validation_size : float in (0, 1) or int >= 2, default 0.2
        Fraction or number of the labeled rows held out as ``V``.
    classes : array-like, optional
        All class labels; default the distinct labels of the labeled rows.
    labeled_weight, hidden, epochs, lr, batch_size, l2, coverage, alpha_min
        Passed to :class:`SLaMStudent`.
    random_state : None, int, SeedSequence or Generator
        Seeds the validation split and the student.

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    teacher_ : estimator or None
        The fitted teacher clone (None if probabilities were passed or nothing is unlabeled).
    student_ : SLaMStudent
    alpha_ : AlphaFunction or None
        ``alpha(proba)`` estimated on ``V``.
    k_ : int, BinnedK or None
    validation_indices_ : ndarray of int
        Rows of ``X`` used as ``V``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.model_selection import GridSearchCV
    >>> from slam_theory.distill import SLaMClassifier
    >>> X, y = make_classification(400, n_features=5, n_informative=3, random_state=0)
    >>> y_semi = y.copy()
    >>> y_semi[60:] = -1                                     # 60 labeled rows
    >>> clf = SLaMClassifier(epochs=5, random_state=0).fit(X, y_semi)
    >>> bool(clf.score(X, y) > 0.6)
    True
    >>> grid = GridSearchCV(SLaMClassifier(epochs=5, random_state=0),
    ...                     {"target": ["soft", "hard"], "lr": [0.01, 0.1]}, cv=3)
    >>> sorted(grid.fit(X, y_semi).best_params_)
    ['lr', 'target']
    """

    _parameter_constraints: ClassVar[dict] = {
        "teacher": [HasMethods(["fit", "predict_proba"]), StrOptions({"prefit"}), None],
        "student": SLaMStudent._parameter_constraints["model"],
        "validation_size": [Interval(numbers.Real, 0, 1, closed="neither"),
                            Interval(numbers.Integral, 2, None, closed="left")],
        "classes": ["array-like", None],
        # the parameters passed to the student are checked as the student checks them
        **{name: SLaMStudent._parameter_constraints[name] for name in (
            "loss", "target", "mixing", "labeled_weight", "hidden", "epochs", "lr",
            "batch_size", "l2", "coverage", "alpha_min", "random_state")},
    }

    def __init__(
        self,
        teacher: Any = None,
        student: str = "logistic",
        loss: str = "slam",
        target: str = "hard",
        mixing: str = "topk",
        validation_size: float | int = 0.2,
        classes: Any = None,
        labeled_weight: float = 1.0,
        hidden: int = 64,
        epochs: int = 30,
        lr: float = 0.01,
        batch_size: int = 64,
        l2: float = 1e-4,
        coverage: float = 0.9,
        alpha_min: float | str = "auto",
        random_state: Any = None,
    ) -> None:
        self.teacher = teacher
        self.student = student
        self.loss = loss
        self.target = target
        self.mixing = mixing
        self.validation_size = validation_size
        self.classes = classes
        self.labeled_weight = labeled_weight
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.l2 = l2
        self.coverage = coverage
        self.alpha_min = alpha_min
        self.random_state = random_state

    # -- fit --------------------------------------------------------------------------------
    def _make_student(self, seed: int) -> SLaMStudent:
        return SLaMStudent(
            model=self.student, loss=self.loss, target=self.target, mixing=self.mixing,
            hidden=self.hidden, epochs=self.epochs, lr=self.lr, batch_size=self.batch_size,
            l2=self.l2, labeled_weight=self.labeled_weight, coverage=self.coverage,
            alpha_min=self.alpha_min, random_state=seed)

    def _split(self, y_lab: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices (into the labeled rows) of L and V."""
        n = y_lab.shape[0]
        vs = self.validation_size
        n_val = int(vs) if isinstance(vs, numbers.Integral) else math.ceil(float(vs) * n)
        if n_val < 2 or n - n_val < 2:
            raise ValueError(f"validation_size={vs!r} leaves {n_val} validation and "
                             f"{n - n_val} teacher rows out of {n} labeled rows (need >= 2 each)")
        _, counts = np.unique(y_lab, return_counts=True)
        k = counts.shape[0]
        strat = y_lab if counts.min() >= 2 and k <= n_val and k <= n - n_val else None
        idx = np.arange(n)
        i_l, i_v = train_test_split(idx, test_size=n_val, random_state=seed, stratify=strat)
        if np.unique(y_lab[i_v]).shape[0] < 2:
            raise ValueError("the validation split holds labeled rows of one class only; "
                             "raise validation_size or label more rows")
        return np.sort(i_l), np.sort(i_v)

    def _teacher_proba(self, teacher: Any, X: np.ndarray) -> np.ndarray:
        """Teacher probabilities with one column per entry of ``classes_``."""
        p = np.asarray(teacher.predict_proba(X), dtype=np.float64)
        cols = encode_labels(np.asarray(teacher.classes_), self.classes_, "teacher.classes_")
        out = np.zeros((X.shape[0], self.classes_.shape[0]))
        out[:, cols] = p
        s = out.sum(axis=1, keepdims=True)
        return out / np.where(s > 0, s, 1.0)

    def fit(self, X: Any, y: Any, teacher_proba: Any = None) -> SLaMClassifier:
        """Fit teacher (on ``L``), ``alpha``/``k`` (on ``V``) and student (on everything).

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of shape (n,)
            Class labels of any type, ``-1`` on unlabeled rows (see :func:`unlabeled_mask`).
        teacher_proba : array-like of shape (n, K), optional
            A teacher's probabilities on every row of ``X`` (columns in the order of
            ``classes``, or of the sorted labels); replaces training ``teacher``.

        Returns
        -------
        self
        """
        self._validate_params()
        check_int_params(self, ("hidden", "epochs", "batch_size"))
        check_rows(X, "X", self)
        X, y = validate_data(self, X, y, dtype=np.float64, order="C")
        y = column_or_1d(y, warn=True)
        unl = unlabeled_mask(y)
        lab = ~unl
        if not np.any(lab):
            raise ValueError("y has no labeled rows (every row is -1)")
        y_lab = y[lab]
        check_classification_targets(y_lab)
        self.classes_ = (np.unique(y_lab) if self.classes is None
                         else np.asarray(self.classes))
        if self.classes_.shape[0] < 2:
            raise ValueError("SLaMClassifier needs samples of at least 2 classes in the data, "
                             f"got 1 class: {self.classes_[0]!r}")
        y_enc = encode_labels(y_lab, self.classes_, "y")
        rng = as_generator(self.random_state)
        split_seed, student_seed = (int(s) for s in rng.integers(2**31 - 1, size=2))
        self.student_ = self._make_student(student_seed)
        self.teacher_ = self.alpha_ = self.k_ = None
        X_lab = X[lab]
        if teacher_proba is None and self.teacher == "prefit":
            raise ValueError("teacher='prefit' needs fit(X, y, teacher_proba=...)")
        if not np.any(unl):
            self.validation_indices_ = np.zeros(0, dtype=np.int64)
            self.student_.fit(X_lab, y_lab, classes=self.classes_)
            return self
        i_l, i_v = self._split(y_enc, split_seed)
        self.validation_indices_ = np.flatnonzero(lab)[i_v]
        if teacher_proba is not None:
            P = check_proba_matrix(teacher_proba, "teacher_proba")
            if P.shape != (X.shape[0], self.classes_.shape[0]):
                raise ValueError(f"teacher_proba must have shape ({X.shape[0]}, "
                                 f"{self.classes_.shape[0]}) (rows of X, classes), "
                                 f"got {P.shape}")
            P_U, P_V = P[unl], P[lab][i_v]
        else:
            base = GaussianNB() if self.teacher is None else self.teacher
            self.teacher_ = clone(base).fit(X_lab[i_l], y_lab[i_l])
            P_U = self._teacher_proba(self.teacher_, X[unl])
            P_V = self._teacher_proba(self.teacher_, X_lab[i_v])
        self.student_.fit(X[unl], teacher_proba=P_U, classes=self.classes_, X_labeled=X_lab,
                          y_labeled=y_lab, teacher_proba_val=P_V, y_val=y_lab[i_v])
        self.alpha_ = self.student_.alpha_fn_
        self.k_ = self.student_.k_
        return self

    # -- prediction -------------------------------------------------------------------------
    def _check_X(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "student_")
        check_rows(X, "X", self)
        return validate_data(self, X, dtype=np.float64, order="C", reset=False)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Student probabilities, one column per entry of ``classes_``."""
        X = self._check_X(X)
        return self.student_.predict_proba(X)

    def decision_function(self, X: Any) -> np.ndarray:
        """Student logits (for two classes the 1-d difference)."""
        X = self._check_X(X)
        return self.student_.decision_function(X)

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class label."""
        X = self._check_X(X)
        return self.student_.predict(X)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy on the labeled rows of ``(X, y)`` (rows with ``y = -1`` are ignored).

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of shape (n,)
        sample_weight : array-like of shape (n,), optional

        Returns
        -------
        float
        """
        y = column_or_1d(y)
        keep = ~unlabeled_mask(y)
        if not np.any(keep):
            raise ValueError("score needs labeled rows; every row of y is -1")
        pred = self.predict(X)
        w = None if sample_weight is None else np.asarray(sample_weight)[keep]
        return float(accuracy_score(y[keep], pred[keep], sample_weight=w))
