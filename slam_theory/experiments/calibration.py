"""Calibration of the estimated ``alpha(x)`` and ``k`` on held-out data (trial, analysis, figure).

The teacher is trained on ``L``; ``alpha(margin)`` (isotonic regression, increasing) and ``k``
are estimated on the validation set ``V`` (``|V| <= |L|``, as in the distillation protocol of
:mod:`slam_theory.experiments.distillation`) and compared with the teacher's accuracy and top-k
coverage on the test set.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory import plotting
from slam_theory.distill import estimate_alpha, estimate_k, teacher_margin
from slam_theory.experiments.distillation import make_split, train_teacher
from slam_theory.experiments.distillation_report import _sort_key

__all__ = ["CAPTIONS", "alpha_calibration_trial", "calibration_analysis",
           "fig_alpha_calibration"]

#: Captions for ``figures/README.md``, by figure stem.
CAPTIONS: dict[str, str] = {
    "alpha_calibration": "Left: reliability diagram, the isotonic alpha(margin) fitted on V "
    "against the teacher's accuracy on test per margin bin; right: top-k coverage on test, "
    "with the k estimated on V (dashed).",
}


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
    ss_data, ss_teacher = seed.spawn(2)
    S = make_split(params, np.random.default_rng(ss_data))
    teacher_seed = int(np.random.default_rng(ss_teacher).integers(2**31 - 1))
    _, PV, PT, _ = train_teacher(params, S, teacher_seed)
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
        g = tuple(r.get(k) for k in group_by)
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



def fig_alpha_calibration(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Reliability diagram (estimated alpha vs the teacher's true test accuracy, per margin
    bin) and top-k coverage curve, one line per ``group_by`` value."""
    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    rows, summary = plotting.load_results(results_dir)
    if not rows:
        return []
    group_by = summary.get("group_by") or ["n_labeled"]
    groups = sorted({tuple(r.get(k) for k in group_by) for r in rows}, key=_sort_key)
    colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    with plotting.paper_style():
        fig, (a1, a2) = plotting.new_figure(1, 2, width="full", height=2.6)
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
        return plotting.save_figure(fig, figures_dir, results_dir.name)
