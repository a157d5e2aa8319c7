"""Distillation experiments: trial, analysis and figure functions for the sweep engine.

Nothing is downloaded: the data are scikit-learn's bundled ``load_digits`` (1797 8x8 digits,
10 classes) or :class:`slam_theory.data.GaussianMixture` (10 or 100 classes, the synthetic
analogue of CIFAR-10/100).

Protocol of one trial (:func:`distill_trial`), a reconstruction of the paper's setting
(*distillation with unlabeled examples*): the data are split into a test set, a labeled
validation set ``V`` (the paper uses about 500 examples; smaller here for digits), a small
labeled set ``L`` and the unlabeled set ``U``.  A teacher (scikit-learn random forest or MLP)
is trained on ``L``; its accuracy is controlled by ``|L|``.  Its probabilities on ``U`` are the
soft pseudo-labels, its probabilities on ``V`` estimate ``alpha(x)`` and ``k``.  Every method
then trains the same student (:class:`slam_theory.distill.SLaMStudent`) on ``L`` (true labels)
plus ``U`` (teacher labels) with the same seed, so methods are compared on identical data
(one teacher fit per trial, one row per method).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_METHODS",
    "alpha_calibration_trial",
    "calibration_analysis",
    "distill_trial",
    "distillation_analysis",
    "fig_alpha_calibration",
    "fig_distillation",
    "make_split",
    "tables",
]

#: Methods trained by :func:`distill_trial` unless ``params["methods"]`` lists others.
#: ``"slam"`` is SLaMStudent's default (target, mixing); ``slam_<target>_<mixing>`` are the
#: four variants; ``"labeled_only"`` is the student trained on ``L`` alone.
DEFAULT_METHODS: tuple[str, ...] = (
    "labeled_only", "distill", "hard", "slam", "slam_soft_topk", "slam_hard_topk",
    "slam_soft_normalized", "slam_hard_normalized", "weighted", "forward", "taylor",
    "threshold", "ups",
)


# ------------------------------------------------------------------------------------------
# data and teacher
# ------------------------------------------------------------------------------------------
def make_split(params: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw the data and split it into L, V, U and test (keys ``X_L, y_L, X_V, ...``).

    ``params``: ``dataset`` ("digits" | "gmm"), ``n_labeled`` or ``labels_per_class``,
    ``n_val``, ``n_test``; for "gmm" also ``n_classes``, ``d``, ``separation``,
    ``n_unlabeled``.  Digits: U is everything left after test, V and L.
    """
    from slam_theory import data

    ds = params.get("dataset", "digits")
    n_val = int(params.get("n_val", 200))
    n_test = int(params.get("n_test", 400))
    if ds == "digits":
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        X = X.astype(np.float64)
        y = y.astype(np.int64)
        K = 10
    elif ds == "gmm":
        K = int(params["n_classes"])
        gm = data.GaussianMixture(K, int(params.get("d", 32)),
                                  float(params.get("separation", 3.0)), random_state=rng)
        n_lab = _n_labeled(params, K)
        X, y = gm.sample(n_test + n_val + n_lab + int(params.get("n_unlabeled", 5000)))
    else:
        raise ValueError(f"dataset must be 'digits' or 'gmm', got {ds!r}")
    n_lab = _n_labeled(params, K)
    perm = rng.permutation(X.shape[0])
    if n_test + n_val + n_lab >= X.shape[0]:
        raise ValueError("n_test + n_val + n_labeled leaves no unlabeled examples")
    i_t, i_v = perm[:n_test], perm[n_test:n_test + n_val]
    i_l = perm[n_test + n_val:n_test + n_val + n_lab]
    i_u = perm[n_test + n_val + n_lab:]
    out = {"K": np.array(K)}
    for name, idx in (("T", i_t), ("V", i_v), ("L", i_l), ("U", i_u)):
        out[f"X_{name}"] = X[idx]
        out[f"y_{name}"] = y[idx]
    return out


def _n_labeled(params: dict[str, Any], K: int) -> int:
    if "labels_per_class" in params:
        return int(params["labels_per_class"]) * K
    return int(params["n_labeled"])


def _full_proba(model: Any, X: np.ndarray, K: int) -> np.ndarray:
    """predict_proba with columns 0..K-1 even if some classes were missing from L."""
    p = model.predict_proba(X)
    out = np.zeros((X.shape[0], K))
    out[:, np.asarray(model.classes_, dtype=np.int64)] = p
    s = out.sum(axis=1, keepdims=True)
    return out / np.where(s > 0, s, 1.0)


def _train_teacher(params: dict[str, Any], S: dict[str, np.ndarray], seed: int) -> tuple:
    """Fit the teacher on L; return (proba_U, proba_V, proba_T, ensemble_U or None).

    ``teacher``: "rf" (random forest, ``n_trees``; its 5 sub-forests form the ensemble used
    by UPS), "lda" (shrinkage linear discriminant analysis: the generative family of
    :class:`~slam_theory.data.GaussianMixture`, hence more label-efficient there than a
    logistic student), "gnb" (Gaussian naive Bayes) or "mlp" (scikit-learn MLPClassifier).
    """
    K = int(S["K"])
    kind = params.get("teacher", "rf")
    if kind == "rf":
        from sklearn.ensemble import RandomForestClassifier

        n_trees = int(params.get("n_trees", 100))
        t = RandomForestClassifier(n_estimators=n_trees, random_state=seed, n_jobs=1)
        t.fit(S["X_L"], S["y_L"])
        PU, PV, PT = (_full_proba(t, S[f"X_{s}"], K) for s in ("U", "V", "T"))
        # UPS uncertainty: 5 sub-forests as a bootstrap ensemble
        groups = np.array_split(np.arange(n_trees), 5)
        ens = []
        for g in groups:
            p = np.zeros((S["X_U"].shape[0], K))
            for j in g:
                tree = t.estimators_[j]
                p[:, t.classes_[tree.classes_.astype(np.int64)].astype(np.int64)] += (
                    tree.predict_proba(S["X_U"]))
            ens.append(p / max(len(g), 1))
        E = np.stack(ens)
        E /= np.maximum(E.sum(axis=2, keepdims=True), 1e-300)
        return PU, PV, PT, E
    if kind in ("gnb", "lda"):
        import warnings

        from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
        from sklearn.naive_bayes import GaussianNB

        t = (GaussianNB() if kind == "gnb" else
             LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # classes with one sample in L
            t.fit(S["X_L"], S["y_L"])
        PU, PV, PT = (_full_proba(t, S[f"X_{s}"], K) for s in ("U", "V", "T"))
        return PU, PV, PT, None
    if kind == "mlp":
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
        from sklearn.preprocessing import StandardScaler

        sc = StandardScaler().fit(S["X_L"])
        t = MLPClassifier(hidden_layer_sizes=(int(params.get("teacher_hidden", 64)),),
                          max_iter=int(params.get("teacher_iter", 300)), random_state=seed)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t.fit(sc.transform(S["X_L"]), S["y_L"])
        PU, PV, PT = (_full_proba(t, sc.transform(S[f"X_{s}"]), K) for s in ("U", "V", "T"))
        return PU, PV, PT, None
    raise ValueError(f"teacher must be 'rf', 'lda', 'gnb' or 'mlp', got {kind!r}")


def _student_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "model": params.get("student", "logistic"),
        "epochs": int(params.get("epochs", 30)),
        "lr": float(params.get("lr", 0.01)),
        "batch_size": int(params.get("batch_size", 64)),
        "l2": float(params.get("l2", 1e-4)),
        "hidden": int(params.get("hidden", 64)),
    }
    if "alpha_min" in params:
        kw["alpha_min"] = float(params["alpha_min"])
    if "coverage" in params:
        kw["coverage"] = float(params["coverage"])
    return kw


def _method_kwargs(method: str) -> dict[str, Any]:
    if method.startswith("slam_"):
        _, target, mixing = method.split("_")
        return {"loss": "slam", "target": target, "mixing": mixing}
    return {"loss": method}


# ------------------------------------------------------------------------------------------
# trials
# ------------------------------------------------------------------------------------------
def distill_trial(params: dict[str, Any], seed: np.random.SeedSequence) -> list[dict[str, Any]]:
    """One data split, one teacher, every method: one row per method.

    Parameters
    ----------
    params : dict
        Data keys of :func:`make_split`; ``teacher`` ("rf" | "mlp"), ``n_trees``;
        student keys ``student`` ("logistic" | "mlp"), ``epochs``, ``lr``, ``batch_size``,
        ``l2``, ``hidden``, optional ``alpha_min``, ``coverage``; ``methods`` (comma-separated
        names from :data:`DEFAULT_METHODS` plus "cleanlab"; default all of
        :data:`DEFAULT_METHODS`).
    seed : numpy.random.SeedSequence

    Returns
    -------
    list of dict
        Keys ``method``, ``test_acc``, ``teacher_test_acc``, ``teacher_unl_acc`` (accuracy of
        the pseudo-labels on U), ``teacher_val_acc``, ``size_unlabeled``, ``size_labeled``,
        ``n_used`` (U examples the method kept), ``k`` (SLaM's top-k size, else NaN),
        ``alpha_mean`` (mean estimated alpha on U).
    """
    from sklearn.preprocessing import StandardScaler

    from slam_theory.distill import SLaMStudent, estimate_alpha, estimate_k

    ss_data, ss_teacher, ss_student = seed.spawn(3)
    S = make_split(params, np.random.default_rng(ss_data))
    teacher_seed = int(np.random.default_rng(ss_teacher).integers(2**31 - 1))
    PU, PV, PT, E = _train_teacher(params, S, teacher_seed)
    sc = StandardScaler().fit(np.vstack([S["X_U"], S["X_L"]]))
    XU, XL, XT = (sc.transform(S[f"X_{s}"]) for s in ("U", "L", "T"))
    yL, yT = S["y_L"], S["y_T"]
    base = {
        "teacher_test_acc": float(np.mean(PT.argmax(1) == yT)),
        "teacher_unl_acc": float(np.mean(PU.argmax(1) == S["y_U"])),
        "teacher_val_acc": float(np.mean(PV.argmax(1) == S["y_V"])),
        "size_unlabeled": int(XU.shape[0]),
        "size_labeled": int(XL.shape[0]),
    }
    try:
        alpha_mean = float(np.mean(estimate_alpha(PV, S["y_V"])(PU)))
        k_hat = float(estimate_k(PV, S["y_V"], float(params.get("coverage", 0.9))))
    except ValueError:
        alpha_mean = k_hat = math.nan
    base["alpha_mean"] = alpha_mean
    methods = [m.strip() for m in str(params.get("methods", ",".join(DEFAULT_METHODS))).split(",")
               if m.strip()]
    student_seed = int(np.random.default_rng(ss_student).integers(2**31 - 1))
    kw = _student_kwargs(params)
    rows = []
    for method in methods:
        row = {"method": method, **base, "k": math.nan, "n_used": 0}
        if method == "labeled_only":
            s = SLaMStudent(random_state=student_seed, **kw).fit(XL, yL)
            # supervised fit re-labels classes; map to the 0..K-1 test labels
            row["test_acc"] = float(np.mean(s.predict(XT) == yT))
        else:
            if method == "cleanlab":
                try:
                    import cleanlab  # noqa: F401
                except ImportError:
                    continue
            s = SLaMStudent(random_state=student_seed, **kw, **_method_kwargs(method))
            s.fit(XU, teacher_proba=PU, X_labeled=XL, y_labeled=yL, teacher_proba_val=PV,
                  y_val=S["y_V"],
                  teacher_proba_ensemble=E)
            row["test_acc"] = float(s.score(XT, yT))
            row["n_used"] = int(s.n_used_)
            if isinstance(s.k_, int):
                row["k"] = float(s.k_)
        if method.startswith("slam") and math.isnan(row["k"]):
            row["k"] = k_hat
        rows.append(row)
    return rows


def alpha_calibration_trial(
    params: dict[str, Any], seed: np.random.SeedSequence
) -> list[dict[str, Any]]:
    """Estimated ``alpha(margin)`` vs the teacher's true accuracy on the test set, and top-k
    coverage.

    Rows with ``kind = "reliability"`` (one per margin bin: ``bin``, ``bin_lo``, ``bin_hi``,
    ``count``, ``true_acc``, ``est_alpha``) and ``kind = "coverage"`` (one per ``k``:
    ``coverage`` on the test set, ``k_hat`` estimated on V at ``params["coverage"]`` and
    ``coverage_at_k_hat`` on the test set).  Margin bins are ``n_bins`` equal-width bins of
    ``[0, 1]``.
    """
    from slam_theory.distill import estimate_alpha, estimate_k, teacher_margin

    ss_data, ss_teacher = seed.spawn(2)
    S = make_split(params, np.random.default_rng(ss_data))
    teacher_seed = int(np.random.default_rng(ss_teacher).integers(2**31 - 1))
    _, PV, PT, _ = _train_teacher(params, S, teacher_seed)
    yV, yT = S["y_V"], S["y_T"]
    K = int(S["K"])
    cov = float(params.get("coverage", 0.9))
    fn = estimate_alpha(PV, yV)
    k_hat = estimate_k(PV, yV, cov)
    mT = teacher_margin(PT)
    est = fn(PT)
    correct = (PT.argmax(1) == yT).astype(float)
    nb = int(params.get("n_bins", 10))
    edges = np.linspace(0.0, 1.0, nb + 1)
    idx = np.clip(np.searchsorted(edges, mT, side="right") - 1, 0, nb - 1)
    nan = math.nan
    common = {"teacher_test_acc": float(correct.mean()), "k_hat": float(k_hat)}
    order = np.argsort(-PT, axis=1, kind="stable")
    rank = np.argmax(order == yT[:, None], axis=1)
    cov_at = float(np.mean(rank < k_hat))
    rows = []
    for b in range(nb):
        sel = idx == b
        rows.append({
            "kind": "reliability", "bin": b, "bin_lo": float(edges[b]),
            "bin_hi": float(edges[b + 1]), "count": int(sel.sum()),
            "true_acc": float(correct[sel].mean()) if sel.any() else nan,
            "est_alpha": float(est[sel].mean()) if sel.any() else nan,
            "k": nan, "topk_coverage": nan, "coverage_at_k_hat": cov_at, **common,
        })
    for k in range(1, min(K, int(params.get("k_max", 10))) + 1):
        rows.append({
            "kind": "coverage", "bin": -1, "bin_lo": nan, "bin_hi": nan, "count": len(yT),
            "true_acc": nan, "est_alpha": nan, "k": float(k),
            "topk_coverage": float(np.mean(rank < k)), "coverage_at_k_hat": cov_at, **common,
        })
    return rows


# ------------------------------------------------------------------------------------------
# analysis
# ------------------------------------------------------------------------------------------
def _fmt(v: float) -> str:
    return "nan" if not np.isfinite(v) else f"{v:.3f}"


def _sort_key(t: Sequence[Any]) -> tuple:
    """Numbers before strings, numbers numerically."""
    return tuple((0, float(v), "") if isinstance(v, int | float) else (1, 0.0, str(v))
                 for v in t)


def _group_key(row: dict[str, Any], group_by: Sequence[str]) -> tuple:
    return tuple(row.get(g) for g in group_by)


def _bootstrap_ci(x: np.ndarray, stat: Any = np.mean, seed: int = 0) -> tuple[float, float]:
    from scipy import stats

    x = np.asarray(x, dtype=float)
    if x.size < 2 or np.all(x == x[0]):
        v = float(stat(x)) if x.size else math.nan
        return v, v
    res = stats.bootstrap((x,), stat, confidence_level=0.95, n_resamples=2000,
                          method="percentile", random_state=seed)
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def tables(summary_rows: list[dict[str, Any]], group_by: Sequence[str],
           methods: Sequence[str]) -> tuple[str, str]:
    """Markdown and LaTeX tables: one row per method (plus the teacher), one column per
    group, cells "mean ± std" of the test accuracy in percent."""
    groups = sorted({tuple(r["group"]) for r in summary_rows}, key=_sort_key)
    cell: dict[tuple, dict[str, Any]] = {(tuple(r["group"]), r["method"]): r
                                         for r in summary_rows}
    heads = [", ".join(f"{g}={v}" for g, v in zip(group_by, grp)) for grp in groups]
    md = ["| method | " + " | ".join(heads) + " |", "|---|" + "---|" * len(groups)]
    tex = [r"\begin{tabular}{l" + "c" * len(groups) + "}", r"\toprule",
           "method & " + " & ".join(h.replace("_", r"\_") for h in heads) + r" \\",
           r"\midrule"]
    def fmt(r: dict[str, Any] | None, key: str = "mean", sd: str = "std") -> tuple[str, str]:
        if r is None:
            return "", ""
        a, b = 100 * r[key], 100 * r[sd]
        return f"{a:.1f} ± {b:.1f}", f"${a:.1f} \\pm {b:.1f}$"
    first = cell.get((groups[0], methods[0])) if groups and methods else None
    if first is not None:
        cells = [fmt(cell.get((g, methods[0])), "teacher_mean", "teacher_std") for g in groups]
        md.append("| teacher | " + " | ".join(c[0] for c in cells) + " |")
        tex.append("teacher & " + " & ".join(c[1] for c in cells) + r" \\")
        tex.append(r"\midrule")
    for m in methods:
        cells = [fmt(cell.get((g, m))) for g in groups]
        md.append(f"| {m} | " + " | ".join(c[0] for c in cells) + " |")
        tex.append(m.replace("_", r"\_") + " & " + " & ".join(c[1] for c in cells) + r" \\")
    tex += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(md) + "\n", "\n".join(tex) + "\n"


def _slope_ci(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[float, float, float]:
    slope = float(np.polyfit(x, y, 1)[0])
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(2000):
        i = rng.integers(0, x.size, x.size)
        if np.ptp(x[i]) > 0:
            boots.append(np.polyfit(x[i], y[i], 1)[0])
    lo, hi = (float(q) for q in np.quantile(boots, [0.025, 0.975]))
    return slope, lo, hi


def _noise_slope(diff: np.ndarray, tea: np.ndarray, panels: list[tuple]) -> dict[str, Any]:
    """Within-panel slope of the gap on teacher accuracy, with per-panel and pooled slopes."""
    labels = sorted(set(panels), key=_sort_key)
    pidx = np.array([labels.index(p) for p in panels])
    dc, tc = diff.astype(float).copy(), tea.astype(float).copy()
    per_panel = {}
    for j, lab in enumerate(labels):
        sel = pidx == j
        dc[sel] -= dc[sel].mean()
        tc[sel] -= tc[sel].mean()
        if sel.sum() >= 3 and np.ptp(tea[sel]) > 0:
            sl, lo, hi = _slope_ci(tea[sel], diff[sel])
            per_panel[str(list(lab))] = {"slope": sl, "ci": [lo, hi], "n": int(sel.sum())}
    slope, lo, hi = _slope_ci(tc, dc)
    pooled = float(np.polyfit(tea, diff, 1)[0])
    return {"slope": slope, "ci": [lo, hi], "n_pairs": int(diff.size),
            "pooled_slope": pooled, "per_panel": per_panel,
            "teacher_acc_range": [float(tea.min()), float(tea.max())]}


def distillation_analysis(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
    """Mean ± std test accuracy per method and group; paired SLaM-vs-distillation claims.

    ``analysis_params``: ``group_by`` (list of parameter names; default ``["n_labeled"]``),
    ``slam_method`` (default "slam"), ``baseline`` (default "distill").

    Claims (by ``id`` in the config's ``[[claims]]``):

    ``slam_geq_distill``
        Paired differences ``acc(slam) - acc(baseline)`` over every (group, seed); their mean
        and a 95% percentile-bootstrap CI.  consistent if the CI's lower end is ``> 0``,
        inconsistent if its upper end is ``< 0``, else inconclusive.
    ``gap_grows_with_noise``
        Least-squares slope of the paired difference on the teacher's test accuracy, with a
        95% bootstrap CI (resampling trials).  "The gap grows as the teacher gets noisier"
        means a negative slope: consistent if the CI is below 0, inconsistent if above.  With
        several ``group_by`` keys, the panels (all keys but the last, e.g. ``n_classes``) get
        their own intercepts (both variables centred within panel) so that the slope compares
        teachers of the same task; per-panel slopes and the raw pooled slope are reported.

    Also returns ``per_group`` (the table data), ``variants`` (mean paired difference of each
    SLaM variant vs the baseline, with CI), ``tables_md`` and ``tables_tex``; the tables are
    also written to ``results/<name>/table.md`` and ``table.tex`` when that directory exists
    (relative to the working directory), and again by :func:`fig_distillation`.
    """
    ap = config.get("analysis_params", {}) or {}
    group_by = list(ap.get("group_by", ["n_labeled"]))
    slam_m = ap.get("slam_method", "slam")
    base_m = ap.get("baseline", "distill")
    methods = []
    for r in rows:
        if r["method"] not in methods:
            methods.append(r["method"])
    acc: dict[tuple, list[float]] = defaultdict(list)
    tacc: dict[tuple, list[float]] = defaultdict(list)
    by_trial: dict[tuple, dict[str, float]] = defaultdict(dict)
    teacher_of: dict[tuple, float] = {}
    for r in rows:
        g = _group_key(r, group_by)
        acc[(g, r["method"])].append(float(r["test_acc"]))
        tacc[(g, r["method"])].append(float(r["teacher_test_acc"]))
        by_trial[(g, r["seed"])][r["method"]] = float(r["test_acc"])
        teacher_of[(g, r["seed"])] = float(r["teacher_test_acc"])
    per_group = []
    for (g, m), v in acc.items():
        a = np.asarray(v)
        t = np.asarray(tacc[(g, m)])
        per_group.append({
            "group": list(g), "method": m, "mean": float(a.mean()),
            "std": float(a.std(ddof=1)) if a.size > 1 else 0.0, "n": int(a.size),
            "teacher_mean": float(t.mean()),
            "teacher_std": float(t.std(ddof=1)) if t.size > 1 else 0.0,
        })
    per_group.sort(key=lambda r: (_sort_key(r["group"]), methods.index(r["method"])))

    def paired(m: str) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
        keys = [k for k, d in by_trial.items() if m in d and base_m in d]
        diff = np.array([by_trial[k][m] - by_trial[k][base_m] for k in keys])
        tea = np.array([teacher_of[k] for k in keys])
        panels = [tuple(k[0][: len(group_by) - 1]) for k in keys]
        return diff, tea, panels

    variants = {}
    for m in methods:
        if m == base_m:
            continue
        diff, _, _ = paired(m)
        if diff.size:
            lo, hi = _bootstrap_ci(diff)
            variants[m] = {"mean_diff": float(diff.mean()), "ci": [lo, hi],
                           "n_pairs": int(diff.size)}

    diff, tea, panels = paired(slam_m)
    claims_out = []
    for c in config.get("claims", []) or []:
        cid = c.get("id")
        out = {"id": cid, "statement": c.get("statement", ""), "learner": slam_m,
               "parameter": c.get("parameter", "test_acc"), "exponent": None, "ci": None,
               "theory_exponent": None, "verdict": "inconclusive"}
        if diff.size == 0:
            out["note"] = f"no paired rows of {slam_m!r} and {base_m!r}"
        elif cid == "slam_geq_distill":
            lo, hi = _bootstrap_ci(diff)
            out["measured"] = {"mean_diff": float(diff.mean()), "ci": [lo, hi],
                               "n_pairs": int(diff.size), "baseline": base_m,
                               "win_rate": float(np.mean(diff > 0))}
            out["verdict"] = ("consistent" if lo > 0 else "inconsistent" if hi < 0
                              else "inconclusive")
        elif cid == "gap_grows_with_noise":
            if np.ptp(tea) <= 0 or diff.size < 3:
                out["note"] = "teacher accuracy does not vary"
            else:
                out["measured"] = _noise_slope(diff, tea, panels)
                lo, hi = out["measured"]["ci"]
                out["verdict"] = ("consistent" if hi < 0 else "inconsistent" if lo > 0
                                  else "inconclusive")
        else:
            out["note"] = f"unknown claim id {cid!r} for distillation_analysis"
        claims_out.append(out)
    md, tex = tables(per_group, group_by, methods)
    res_dir = Path("results") / str(config.get("name", ""))
    if config.get("name") and res_dir.is_dir():
        (res_dir / "table.md").write_text(md)
        (res_dir / "table.tex").write_text(tex)
    return {"claims": claims_out, "group_by": group_by, "methods": methods,
            "per_group": per_group, "variants": variants, "tables_md": md, "tables_tex": tex}


def calibration_analysis(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
    """Calibration of the isotonic ``alpha(margin)`` and of ``k`` on held-out data.

    ``analysis_params``: ``group_by`` (default ``["n_labeled"]``), ``tolerance`` (default
    0.1), ``coverage`` (default 0.9), ``coverage_slack`` (default 0.05).

    Claims: ``alpha_calibrated`` (count-weighted mean ``|est_alpha - true_acc|`` over margin
    bins and seeds, per group; consistent if the worst group is ``<= tolerance``) and
    ``k_coverage`` (mean test coverage at the estimated ``k``; consistent if every group is
    ``>= coverage - coverage_slack``).
    """
    ap = config.get("analysis_params", {}) or {}
    group_by = list(ap.get("group_by", ["n_labeled"]))
    tol = float(ap.get("tolerance", 0.1))
    cov = float(ap.get("coverage", 0.9))
    slack = float(ap.get("coverage_slack", 0.05))
    err: dict[tuple, list[float]] = defaultdict(list)
    wts: dict[tuple, list[float]] = defaultdict(list)
    cov_at: dict[tuple, dict[Any, float]] = defaultdict(dict)
    k_hat: dict[tuple, list[float]] = defaultdict(list)
    curve: dict[tuple, dict[float, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        g = _group_key(r, group_by)
        if r["kind"] == "reliability":
            if r["count"] and np.isfinite(r["true_acc"]):
                err[g].append(abs(r["est_alpha"] - r["true_acc"]))
                wts[g].append(r["count"])
            cov_at[g][r["seed"]] = r["coverage_at_k_hat"]
            if r["bin"] == 0:
                k_hat[g].append(r["k_hat"])
        else:
            curve[g][r["k"]].append(r["topk_coverage"])
    per_group = []
    for g in sorted(set(err) | set(curve), key=_sort_key):
        e = float(np.average(err[g], weights=wts[g])) if wts[g] else math.nan
        per_group.append({
            "group": list(g), "alpha_abs_error": e,
            "coverage_at_k_hat": float(np.mean(list(cov_at[g].values()))),
            "k_hat_mean": float(np.mean(k_hat[g])) if k_hat[g] else math.nan,
            "coverage_curve": {str(int(k)): float(np.mean(v)) for k, v in
                               sorted(curve[g].items())},
        })
    claims_out = []
    for c in config.get("claims", []) or []:
        cid = c.get("id")
        out = {"id": cid, "statement": c.get("statement", ""), "learner": "isotonic",
               "parameter": cid, "exponent": None, "ci": None, "theory_exponent": None,
               "verdict": "inconclusive"}
        if cid == "alpha_calibrated":
            errs = [p["alpha_abs_error"] for p in per_group if np.isfinite(p["alpha_abs_error"])]
            worst = max(errs) if errs else math.nan
            out["measured"] = {"worst_group_abs_error": worst, "tolerance": tol,
                               "per_group": {str(p["group"]): p["alpha_abs_error"]
                                             for p in per_group}}
            if errs:
                out["verdict"] = "consistent" if worst <= tol else "inconsistent"
        elif cid == "k_coverage":
            covs = [p["coverage_at_k_hat"] for p in per_group]
            out["measured"] = {"min_coverage": min(covs) if covs else math.nan,
                               "target": cov, "slack": slack,
                               "per_group": {str(p["group"]): p["coverage_at_k_hat"]
                                             for p in per_group}}
            if covs:
                out["verdict"] = "consistent" if min(covs) >= cov - slack else "inconsistent"
        else:
            out["note"] = f"unknown claim id {cid!r} for calibration_analysis"
        claims_out.append(out)
    return {"claims": claims_out, "group_by": group_by, "per_group": per_group}


# ------------------------------------------------------------------------------------------
# figures
# ------------------------------------------------------------------------------------------
#: Looks for method names that plotting.LEARNER_STYLE does not define.
_LOCAL_STYLE: dict[str, dict[str, str]] = {
    "labeled_only": {"color": "#555555", "marker": "x", "linestyle": (0, (1, 1)),
                     "label": "Student on L only"},
}

_FIG_METHODS = ("labeled_only", "distill", "hard", "slam", "weighted", "forward", "taylor",
                "threshold", "ups", "cleanlab")


#: One-line captions for ``figures/README.md`` (read by :func:`slam_theory.plotting.write_index`).
FIGURE_CAPTIONS: dict[str, str] = {
    "distillation_digits": "Left: student test accuracy vs the labeled-set size |L| per method "
    "(mean and std over seeds; the teacher is trained on L); right: SLaM minus vanilla "
    "distillation per paired run vs the teacher's test accuracy, with the fitted slope.",
    "distillation_synthetic": "The same on Gaussian mixtures with 10 and 100 classes (an "
    "analogue of CIFAR-10/100): accuracy vs labels per class, and the SLaM - distillation gap "
    "vs teacher accuracy.",
    "alpha_calibration": "Left: reliability diagram, the isotonic alpha(margin) fitted on V "
    "against the teacher's accuracy on test per margin bin; right: top-k coverage on test.",
}


def fig_distillation(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Test accuracy vs the last ``group_by`` parameter per method (one panel per value of the
    others), and the paired SLaM - distillation gap vs teacher accuracy.  Also (re)writes
    ``table.md`` / ``table.tex`` in ``results_dir`` from the summary."""
    from slam_theory import plotting as P

    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    rows, summary = P.load_results(results_dir)
    if not rows:
        return []
    name = results_dir.name
    if summary.get("tables_md"):
        (results_dir / "table.md").write_text(summary["tables_md"])
        (results_dir / "table.tex").write_text(summary["tables_tex"])
    group_by = summary.get("group_by") or ["n_labeled"]
    xkey, pkeys = group_by[-1], group_by[:-1]
    panels = sorted({tuple(r.get(k) for k in pkeys) for r in rows}, key=_sort_key)
    methods = [m for m in _FIG_METHODS if any(r["method"] == m for r in rows)]
    with P.paper_style():
        fig, axes = P.new_figure(1, len(panels) + 1, width="full", height=2.6, squeeze=False)
        axes = axes[0]
        for ax, pv in zip(axes, panels):
            sel = [r for r in rows if tuple(r.get(k) for k in pkeys) == pv]
            xs = sorted({r[xkey] for r in sel})
            tea = [np.mean([r["teacher_test_acc"] for r in sel if r[xkey] == x]) for x in xs]
            st = P.learner_style("teacher")
            ax.plot(xs, tea, color=st["color"], marker=st["marker"], linestyle=st["linestyle"],
                    label=st["label"])
            for m in methods:
                mu, sd = [], []
                for x in xs:
                    v = [r["test_acc"] for r in sel if r[xkey] == x and r["method"] == m]
                    mu.append(np.mean(v))
                    sd.append(np.std(v, ddof=1) if len(v) > 1 else 0.0)
                st = _LOCAL_STYLE.get(m) or P.learner_style(m)
                ax.errorbar(xs, mu, yerr=sd, color=st["color"], marker=st["marker"],
                            linestyle=st["linestyle"], label=st["label"], capsize=2, ms=3)
            ax.set_xscale("log")
            ax.set_xticks(xs)
            ax.set_xticklabels([f"{x:g}" for x in xs])
            ax.minorticks_off()
            ax.set_xlabel(xkey.replace("_", " "))
            ax.set_ylabel("test accuracy")
            if pkeys:
                ax.set_title(", ".join(f"{k}={v}" for k, v in zip(pkeys, pv)))
        axes[0].legend(fontsize=5, ncol=2)
        ax = axes[-1]
        trials: dict[tuple, dict[str, float]] = defaultdict(dict)
        tacc: dict[tuple, float] = {}
        for r in rows:
            key = (*(r.get(k) for k in group_by), r["seed"])
            trials[key][r["method"]] = r["test_acc"]
            tacc[key] = r["teacher_test_acc"]
        pts = [(tacc[k], d["slam"] - d["distill"]) for k, d in trials.items()
               if "slam" in d and "distill" in d]
        if pts:
            x, y = np.array(pts).T
            ax.scatter(x, y, s=6, color=P.learner_style("slam")["color"])
            if np.ptp(x) > 0:
                b1, b0 = np.polyfit(x, y, 1)
                xx = np.linspace(x.min(), x.max(), 2)
                ax.plot(xx, b0 + b1 * xx, color="k", lw=0.8, label=f"slope {b1:.2f}")
                ax.legend(fontsize=6)
            ax.axhline(0.0, color="grey", lw=0.5)
        ax.set_xlabel("teacher test accuracy")
        ax.set_ylabel("SLaM - distillation")
        return P.save_figure(fig, figures_dir, name)


def fig_alpha_calibration(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Reliability diagram (estimated alpha vs the teacher's true test accuracy, per margin
    bin) and top-k coverage curve, one line per ``group_by`` value."""
    from slam_theory import plotting as P

    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    rows, summary = P.load_results(results_dir)
    if not rows:
        return []
    group_by = summary.get("group_by") or ["n_labeled"]
    groups = sorted({tuple(r.get(k) for k in group_by) for r in rows}, key=_sort_key)
    colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    with P.paper_style():
        fig, (a1, a2) = P.new_figure(1, 2, width="full", height=2.6)
        a1.plot([0, 1], [0, 1], color="grey", lw=0.6, ls=":")
        for c, g in zip(colors * 3, groups):
            lab = ", ".join(f"{k}={v}" for k, v in zip(group_by, g))
            rel = [r for r in rows if r["kind"] == "reliability"
                   and tuple(r.get(k) for k in group_by) == g]
            bins = sorted({r["bin"] for r in rel})
            est, true = [], []
            for b in bins:
                rb = [r for r in rel if r["bin"] == b and r["count"]]
                n = np.array([r["count"] for r in rb], float)
                if n.sum() == 0:
                    continue
                est.append(np.average([r["est_alpha"] for r in rb], weights=n))
                true.append(np.average([r["true_acc"] for r in rb], weights=n))
            a1.plot(est, true, marker="o", ms=3, color=c, label=lab)
            cov = [r for r in rows if r["kind"] == "coverage"
                   and tuple(r.get(k) for k in group_by) == g]
            ks = sorted({r["k"] for r in cov})
            a2.plot(ks, [np.mean([r["topk_coverage"] for r in cov if r["k"] == k]) for k in ks],
                    marker="o", ms=3, color=c, label=lab)
            kh = np.mean([r["k_hat"] for r in rel if r["bin"] == 0])
            a2.axvline(kh, color=c, lw=0.6, ls="--")
        a1.set_xlabel(r"estimated $\alpha$ (isotonic on V)")
        a1.set_ylabel("teacher accuracy on test")
        a1.legend(fontsize=6)
        a2.axhline(float(summary.get("coverage", 0.9)) if "coverage" in summary else 0.9,
                   color="grey", lw=0.6, ls=":")
        a2.set_xlabel("k")
        a2.set_ylabel("top-k coverage on test")
        return P.save_figure(fig, figures_dir, results_dir.name)
