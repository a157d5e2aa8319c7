"""The low-level SLaM student: explicit teacher probabilities in, a trained classifier out.

Models (multinomial logistic regression, one-hidden-layer ReLU MLP) are trained by minibatch
Adam or SGD in the Numba kernels of :mod:`slam_theory._kernels.students`.  The SLaM loss and
the baselines' losses are described in :class:`SLaMStudent`; ``alpha(x)`` and ``k(x)`` come
from :mod:`slam_theory.distill.estimate`.

Reconstructed (not from the paper): the labeled set trained with plain cross-entropy in the
same minibatches; the guard ``alpha_min``; the baselines' exact hyper-parameters.
"""

from __future__ import annotations

import numbers
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from slam_theory._kernels import students as _k
from slam_theory.distill.estimate import (
    estimate_alpha,
    estimate_k,
    estimate_transition_matrix,
    teacher_margin,
)
from slam_theory.distill.inputs import (
    check_distill_inputs,
    check_fit_mode,
    check_int_params,
    check_rows,
)
from slam_theory.distill.labels import encode_labels
from slam_theory.distill.mixing import _mix_coefficients, _softmax, _targets
from slam_theory.distill.selection import _cleanlab_select, _tune_threshold, _ups_select
from slam_theory.distill.training import train_theta

__all__ = ["LOSSES", "SLaMStudent", "encode_labels"]

LOSSES = ("slam", "distill", "hard", "weighted", "forward", "taylor", "threshold", "ups",
          "cleanlab")
_NEEDS_VAL = ("slam", "weighted", "forward", "threshold")


class SLaMStudent(ClassifierMixin, BaseEstimator):
    """Student trained on a teacher's pseudo-labels with SLaM or a baseline loss.

    Models: multinomial logistic regression or a one-hidden-layer ReLU MLP, trained by
    minibatch Adam (or plain SGD) in Numba kernels; the minibatch order is drawn each epoch
    from a numpy Generator seeded by ``random_state``.

    Losses on the unlabeled set ``U`` (teacher probabilities ``P``):

    * ``"slam"``: cross-entropy between the teacher's label (``target``) and
      ``mix(f; alpha(x), k(x), P)`` (``mixing="topk"``: Remark B.1, un-normalised; ``"normalized"``:
      divided by ``k - 1``). ``alpha`` by :func:`estimate_alpha`, ``k`` by :func:`estimate_k`
      (``coverage``, ``k_bins``) on the validation set.
    * ``"distill"``: cross-entropy to the soft labels ``P`` (vanilla distillation).
    * ``"hard"``: cross-entropy to the teacher's top-1 label.
    * ``"weighted"``: cross-entropy to ``target``, example ``i`` weighted by
      ``alpha(x_i) / mean_U alpha`` (a simplified reading of Iliopoulos et al. 2022: weight by
      estimated teacher accuracy).
    * ``"forward"``: Patrini forward correction ``-log (T^T f)`` with one global row-stochastic
      ``T`` from :func:`estimate_transition_matrix` on ``V``.
    * ``"taylor"``: Taylor cross-entropy of order ``t = 2`` (Feng et al. IJCAI 2020):
      ``(1 - f_y) + (1 - f_y)^2 / 2`` (averaged over ``target``).
    * ``"threshold"``: hard pseudo-labels of examples whose teacher margin is ``>= tau``; ``tau``
      maximises (#correct - #wrong) kept pseudo-labels on ``V`` over the ``0, 0.05, ..., 0.9``
      quantiles of the validation margins.
    * ``"ups"``: UPS-style selection (Rizve et al. 2021): hard pseudo-labels whose confidence is
      ``>= ups_tau`` and whose uncertainty (std across the members of ``teacher_proba_ensemble`` of
      the top-1 class probability) is ``<= ups_kappa``; without an ensemble only the confidence test
      is applied. If fewer than 10% of ``U`` pass, the 10% most confident are kept. Negative
      pseudo-labels are not used.
    * ``"cleanlab"``: hard pseudo-labels minus those flagged by
      ``cleanlab.filter.find_label_issues`` (``pred_probs`` out-of-fold from a 3-fold scikit-learn
      logistic regression on ``U``); needs cleanlab.

    ``target`` applies to slam, weighted, forward and taylor; distill is always soft, and
    hard/threshold/ups/cleanlab always hard.  With ``target="hard"`` and ``mixing="topk"``,
    ``k`` has no effect (see :mod:`slam_theory.distill.mixing`).  The labeled set ``L`` (if
    given) is concatenated to ``U`` with its true one-hot labels, plain cross-entropy and
    weight ``labeled_weight``; minibatches are drawn from the union.

    Two explicit ways to fit (nothing is guessed from the shape of ``y``):

    * ``fit(X, y)`` with class labels ``y``: plain cross-entropy on ``y`` (every loss reduces
      to it when the teacher is always right, except ``"taylor"``, which stays Taylor-CE); a
      standard scikit-learn classifier (passes ``check_estimator``).
    * ``fit(X, teacher_proba=P, teacher_proba_val=..., y_val=..., ...)``: distillation from the
      teacher's probabilities on the unlabeled rows ``X``.  This low-level form takes no
      ``y``, so scikit-learn's model selection cannot score it; a 2-d ``y`` is refused with a
      one-line error.  To tune on labeled rows use :class:`slam_theory.distill.SLaMClassifier`.

    Parameters
    ----------
    model : {"logistic", "mlp"}, default "logistic"
    loss : str, default "slam"
        One of ``"slam", "distill", "hard", "weighted", "forward", "taylor", "threshold",
        "ups", "cleanlab"``.
    target : {"soft", "hard"}, default "hard"
        Target of the SLaM loss: the teacher's soft label or its top-1 one-hot label.  The
        default (with ``mixing="topk"``, where ``k`` then has no effect) is not the paper's
        prescription: an earlier version of this package picked it on its own experiments'
        test accuracy.  Choose the variant on validation data instead (e.g.
        :class:`SLaMClassifier` inside ``GridSearchCV``); the distillation experiments do.
    mixing : {"topk", "normalized"}, default "topk"
    hidden : int, default 64
        Hidden units of the MLP.
    optimizer : {"adam", "sgd"}, default "adam"
    lr : float, default 0.01
    epochs : int, default 30
    batch_size : int, default 64
    l2 : float, default 1e-4
        L2 penalty on the weights (not the biases), added to the minibatch gradient.
    labeled_weight : float, default 1.0
    coverage : float, default 0.9
        Top-k coverage that defines ``k`` for SLaM.
    k_bins : int, optional
        Per-margin-bin ``k(x)`` (see :func:`estimate_k`); default one global ``k``.
    alpha_min : float or "auto", default "auto"
        SLaM uses ``max(alpha(x), alpha_min)``.  Below ``alpha = 1/2`` the un-normalised mix
        of the teacher's top-1 class decreases with the student's probability of it (below
        ``1/k`` for the normalised mix), so the loss rewards moving mass *off* the teacher's
        label, to any class (also outside the top-k): the student then learns to be wrong
        on exactly the examples where the teacher is weakest.  Clipping makes
        such examples carry no top-1 signal instead.  ``"auto"``: 1/2 for ``mixing="topk"``,
        ``1/k`` for ``"normalized"``.  Not from the paper (reconstruction); ``0`` gives the
        raw estimate.
    ups_tau, ups_kappa : float, default 0.7, 0.05
        UPS confidence and uncertainty thresholds.
    random_state : None, int, SeedSequence, Generator or RandomState

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    coef_, intercept_ : ndarray
        Logistic model only: ``(d, K)`` weights and ``(K,)`` biases.
    alpha_fn_ : AlphaFunction or None
    k_ : int, BinnedK or None
    T_ : ndarray or None
        Forward-correction matrix.
    threshold_ : float or None
    n_used_ : int
        Unlabeled examples used (after any selection).
    history_ : dict
        ``{"iteration": [1..epochs], "objective": [...]}``: the weighted mean loss over the
        epoch (each example evaluated before its minibatch update) plus the L2 term.  No
        coefficient trajectory is stored (MLP parameters are large).

    Examples
    --------
    >>> from slam_theory.distill import SLaMStudent
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 2))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> P = np.where(y[:, None] == 1, [0.2, 0.8], [0.8, 0.2])   # a teacher's probabilities
    >>> s = SLaMStudent(epochs=20, lr=0.1, random_state=0)
    >>> s = s.fit(X[:150], teacher_proba=P[:150], teacher_proba_val=P[150:], y_val=y[150:])
    >>> bool(s.score(X, y) > 0.9)
    True
    """

    def __init__(
        self,
        model: str = "logistic",
        loss: str = "slam",
        target: str = "hard",
        mixing: str = "topk",
        hidden: int = 64,
        optimizer: str = "adam",
        lr: float = 0.01,
        epochs: int = 30,
        batch_size: int = 64,
        l2: float = 1e-4,
        labeled_weight: float = 1.0,
        coverage: float = 0.9,
        k_bins: int | None = None,
        alpha_min: float | str = "auto",
        ups_tau: float = 0.7,
        ups_kappa: float = 0.05,
        random_state: Any = None,
    ) -> None:
        self.model = model
        self.loss = loss
        self.target = target
        self.mixing = mixing
        self.hidden = hidden
        self.optimizer = optimizer
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.l2 = l2
        self.labeled_weight = labeled_weight
        self.coverage = coverage
        self.k_bins = k_bins
        self.alpha_min = alpha_min
        self.ups_tau = ups_tau
        self.ups_kappa = ups_kappa
        self.random_state = random_state

    _parameter_constraints: ClassVar[dict] = {
        "model": [StrOptions({"logistic", "mlp"})],
        "loss": [StrOptions(set(LOSSES))],
        "target": [StrOptions({"soft", "hard"})],
        "mixing": [StrOptions({"topk", "normalized"})],
        "hidden": [Interval(numbers.Integral, 1, None, closed="left")],
        "optimizer": [StrOptions({"adam", "sgd"})],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "l2": [Interval(numbers.Real, 0, None, closed="left")],
        "labeled_weight": [Interval(numbers.Real, 0, None, closed="neither")],
        "coverage": [Interval(numbers.Real, 0, 1, closed="right")],
        "k_bins": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "alpha_min": [Interval(numbers.Real, 0, 1, closed="both"), StrOptions({"auto"})],
        "ups_tau": [Interval(numbers.Real, 0, 1, closed="both")],
        "ups_kappa": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state", np.random.SeedSequence, np.random.Generator],
    }

    # -- fit --------------------------------------------------------------------------------
    def fit(
        self,
        X: Any,
        y: Any = None,
        *,
        teacher_proba: Any = None,
        classes: Any = None,
        X_labeled: Any = None,
        y_labeled: Any = None,
        teacher_proba_val: Any = None,
        y_val: Any = None,
        teacher_proba_ensemble: Any = None,
    ) -> SLaMStudent:
        """Train the student on labels ``y`` or distil it from ``teacher_proba``.

        Pass exactly one of ``y`` (supervised) and ``teacher_proba`` (distillation).

        Parameters
        ----------
        X : array-like of shape (n, d)
            Training rows (with ``teacher_proba``: the unlabeled set ``U``).
        y : array-like of shape (n,), optional
            Class labels, any type (supervised training).
        teacher_proba : array-like of shape (n, K), optional
            The teacher's probabilities on ``X``; column ``j`` is class ``classes[j]``.
        classes : array-like of shape (K,), optional
            Class labels of the teacher's columns (distillation; default ``0..K-1``) or the
            full class list when some class is absent from ``y`` (supervised).
        X_labeled, y_labeled : array-like, optional
            Labeled set ``L`` trained with its true labels (distillation only).
        teacher_proba_val, y_val : array-like, optional
            Teacher probabilities and true labels on the validation set ``V``; required by
            the losses slam, weighted, forward and threshold.
        teacher_proba_ensemble : array-like of shape (m, n, K), optional
            Probabilities of ``m`` ensemble members (for ``loss="ups"``).

        Returns
        -------
        self
        """
        self._validate_params()
        check_int_params(self, ("hidden", "epochs", "batch_size"))
        check_fit_mode(y, teacher_proba, X_labeled=X_labeled, y_labeled=y_labeled,
                       teacher_proba_val=teacher_proba_val, y_val=y_val,
                       teacher_proba_ensemble=teacher_proba_ensemble)
        if teacher_proba is None:
            return self._fit_supervised(X, y, classes)
        return self._fit_distill(X, teacher_proba, classes, X_labeled, y_labeled,
                                 teacher_proba_val, y_val, teacher_proba_ensemble)

    def _fit_supervised(self, X: Any, y: Any, classes: Any) -> SLaMStudent:
        check_rows(X, "X", self)
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", multi_output=True)
        if y.ndim == 2 and y.shape[1] > 1:
            raise ValueError(f"y must be 1-d class labels, got shape {y.shape}; pass the "
                             "teacher's probabilities as teacher_proba= (to tune on labeled "
                             "rows use SLaMClassifier)")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if classes is None:
            classes, y_enc = np.unique(y, return_inverse=True)
        else:
            classes = np.asarray(classes)
            y_enc = encode_labels(y, classes)
        if classes.shape[0] < 2:
            raise ValueError("SLaMStudent needs samples of at least 2 classes in the data, "
                             f"got 1 class: {classes[0]!r}")
        self.classes_ = classes
        K = classes.shape[0]
        n = X.shape[0]
        Y = np.zeros((n, K))
        Y[np.arange(n), y_enc] = 1.0
        kind = _k.TAYLOR if self.loss == "taylor" else _k.MIXED_CE
        self.alpha_fn_ = None
        self.k_ = None
        self.T_ = None
        self.threshold_ = None
        self.n_used_ = n
        self._train(X, Y, np.ones(n), np.zeros((n, K)), np.eye(K),
                    np.full(n, kind, dtype=np.int64), np.ones(n))
        return self

    def _fit_distill(
        self,
        X: Any,
        teacher_proba: Any,
        classes: Any,
        X_labeled: Any,
        y_labeled: Any,
        teacher_proba_val: Any,
        y_val: Any,
        teacher_proba_ensemble: Any,
    ) -> SLaMStudent:
        if hasattr(X, "__len__") and len(X) == 0:
            raise ValueError("X (the unlabeled set) must not be empty")
        check_rows(X, "X", self)
        X = validate_data(self, X, dtype=np.float64, order="C")
        P, cl, Pv, yv, XL, YL = check_distill_inputs(
            X, teacher_proba, classes, teacher_proba_val, y_val, X_labeled, y_labeled,
            loss=self.loss, needs_val=self.loss in _NEEDS_VAL)
        n, K = P.shape
        self.classes_ = cl
        loss = self.loss
        has_val = Pv is not None

        alpha = np.ones(n)
        C = np.zeros((n, K))
        T = np.eye(K)
        kinds = np.full(n, _k.MIXED_CE, dtype=np.int64)
        w = np.ones(n)
        target = self.target
        self.alpha_fn_ = None
        self.k_ = None
        self.T_ = None
        self.threshold_ = None
        if has_val:
            self.alpha_fn_ = estimate_alpha(Pv, yv)
        if loss == "slam":
            self.k_ = estimate_k(Pv, yv, self.coverage, self.k_bins)
            kk = self.k_ if isinstance(self.k_, int) else self.k_(P)
            if isinstance(self.alpha_min, str):  # "auto"
                floor = (0.5 if self.mixing == "topk"
                         else 1.0 / np.maximum(np.asarray(kk, dtype=np.float64), 2.0))
            else:
                floor = float(self.alpha_min)
            alpha = np.maximum(self.alpha_fn_(P), floor)
            C = _mix_coefficients(n, K, kk, P, self.mixing == "normalized")
        elif loss == "distill":
            target = "soft"
        elif loss == "hard":
            target = "hard"
        elif loss == "weighted":
            a = self.alpha_fn_(P)
            w = a / a.mean() if a.mean() > 0 else np.ones(n)
        elif loss == "forward":
            self.T_ = T = estimate_transition_matrix(Pv, yv)
            kinds[:] = _k.FORWARD
        elif loss == "taylor":
            kinds[:] = _k.TAYLOR
        elif loss == "threshold":
            target = "hard"
            self.threshold_ = _tune_threshold(Pv, yv)
            w = (teacher_margin(P) >= self.threshold_).astype(np.float64)
        elif loss == "ups":
            target = "hard"
            w = _ups_select(P, teacher_proba_ensemble, self.ups_tau, self.ups_kappa)
        elif loss == "cleanlab":
            target = "hard"
            w = _cleanlab_select(X, P, self.random_state)
        Y = _targets(P, target)
        self.n_used_ = int(np.count_nonzero(w))
        if XL is not None:
            nl = XL.shape[0]
            X = np.vstack([X, XL])
            Y = np.vstack([Y, YL])
            alpha = np.concatenate([alpha, np.ones(nl)])
            C = np.vstack([C, np.zeros((nl, K))])
            kinds = np.concatenate([kinds, np.full(nl, _k.MIXED_CE, dtype=np.int64)])
            w = np.concatenate([w, np.full(nl, float(self.labeled_weight))])
        self._train(X, Y, alpha, C, T, kinds, w)
        return self

    def _train(self, *data: np.ndarray) -> None:
        """Train on ``data = (X, Y, alpha, C, T, kinds, w)`` (as :func:`train_theta` takes it)
        with this student's model and optimiser; set ``theta_`` and the fitted attributes."""
        theta, self.history_ = train_theta(
            *data, model=self.model, hidden=self.hidden, optimizer=self.optimizer, lr=self.lr,
            l2=self.l2, epochs=self.epochs, batch_size=self.batch_size,
            random_state=self.random_state)
        d, K = data[0].shape[1], data[1].shape[1]
        self.theta_ = theta
        self.n_classes_ = K
        if self.model == "logistic":
            self.coef_ = theta[: d * K].reshape(d, K)
            self.intercept_ = theta[d * K:]

    # -- prediction -------------------------------------------------------------------------
    def _logits(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "theta_")
        check_rows(X, "X", self)
        X = validate_data(self, X, dtype=np.float64, order="C", reset=False)
        th = self.theta_
        K = self.n_classes_
        d = X.shape[1]
        if self.model == "logistic":
            return X @ th[: d * K].reshape(d, K) + th[d * K:]
        H = int(self.hidden)
        o1 = d * H
        o2 = o1 + H
        o3 = o2 + H * K
        h = np.maximum(X @ th[:o1].reshape(d, H) + th[o1:o2], 0.0)
        return h @ th[o2:o3].reshape(H, K) + th[o3:]

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits ``(n, K)``; for two classes the 1-d difference ``z_1 - z_0``."""
        Z = self._logits(X)
        if Z.shape[1] == 2:
            return Z[:, 1] - Z[:, 0]
        return Z

    def predict_proba(self, X: Any) -> np.ndarray:
        """Student probabilities ``softmax(logits)``, shape ``(n, K)``."""
        return _softmax(self._logits(X))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class."""
        Z = self._logits(X)
        return self.classes_[np.argmax(Z, axis=1)]

