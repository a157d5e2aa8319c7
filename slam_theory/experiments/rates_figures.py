"""Figures of the rate claims: thresholds against the claim's parameter, floor and ceiling.

Each figure reads only the keys its own analysis
(:func:`slam_theory.experiments.rates_analysis.analysis`) wrote to ``summary.json``. Censored
thresholds (the success probability not reached within the largest ``n`` tried) are drawn as
open upward triangles at that ``n``: the true threshold lies above them. The floor and ceiling
lines are anchored at the learner's first measured threshold, so a curve under the floor is
a measurement below the information-theoretic rate and says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory import plotting

__all__ = ["CAPTIONS", "fig_rate_claims"]

#: Captions of the figures drawn here, by file stem.
CAPTIONS: dict[str, str] = {
    "rate_eps": (
        "Samples needed to reach disagreement eps (the n at which half the seeds do) against "
        "1/eps on the eps-floor instance, per claim, with the controls (mean of y x, exact "
        "logistic regression, hinge); open triangles: never reached within the largest n tried "
        "(censored, drawn at that n, controls offset downwards so none hides another); dotted "
        "and dashed: the floor (exponent 1) and the ceiling (exponent 2) anchored at the "
        "learner's first threshold. The panel title gives the verdict of the two-sided rule."
    ),
    "rate_gamma": (
        "Samples needed to reach a fixed disagreement against 1/gamma on the Perceptron-style "
        "instance (d fixed across the grid), with controls; open triangles: never reached "
        "(censored); dotted and dashed: floor and ceiling (both exponent 2)."
    ),
}


def _anchor(x: np.ndarray, y: np.ndarray, censored: np.ndarray) -> tuple[float, float] | None:
    ok = np.flatnonzero(~censored & np.isfinite(y))
    return (float(x[ok[0]]), float(y[ok[0]])) if ok.size else None


def _draw_series(ax: Any, x: np.ndarray, y: np.ndarray, cen: np.ndarray, name: str,
                 lift: float = 1.0, low: np.ndarray | None = None) -> None:
    """One learner's thresholds; censored ones as open triangles up (``lift`` separates series
    censored at the same n, which would otherwise hide each other), thresholds at the smallest
    n tried (below the grid, ``low``) ringed by an open triangle down."""
    style = plotting.learner_style(name)
    color, marker = style["color"], style["marker"]
    if np.any(~cen):
        ax.plot(x[~cen], y[~cen], color=color, marker=marker, ls=style["linestyle"], ms=3.5,
                lw=1.0, label=style["label"])
    if np.any(cen):
        ax.plot(x[cen], y[cen] * lift, ls="none", marker="^", mfc="none", mec=color, ms=4.5,
                label=f"{style['label']} (never reached)")
    if low is not None and np.any(low):
        ax.plot(x[low], y[low], ls="none", marker="v", mfc="none", mec=color, ms=7,
                label=f"{style['label']} (at the smallest n tried)")


def _low(values: np.ndarray, below: Any) -> np.ndarray:
    marked = {float(v) for v in below or []}
    return np.array([float(v) in marked for v in values], dtype=bool)


def _draw_claim(ax: Any, claim: Mapping[str, Any]) -> None:
    values = np.asarray(claim["values"], dtype=float)
    x = 1.0 / values if claim["parameter"] in ("target", "gamma", "eps") else values
    y = np.asarray(claim["thresholds"], dtype=float)
    cen = np.asarray(claim["threshold_censored"], dtype=bool)
    for i, (name, ctrl) in enumerate(claim.get("controls", {}).items()):
        # a control may run at fewer values than the claim (e.g. only where it is affordable)
        c_values = np.asarray(ctrl.get("values", claim["values"]), dtype=float)
        c_x = 1.0 / c_values if claim["parameter"] in ("target", "gamma", "eps") else c_values
        _draw_series(ax, c_x, np.asarray(ctrl["thresholds"], float),
                     np.asarray(ctrl["censored"], bool), name, lift=0.8**i,
                     low=_low(c_values, ctrl.get("below_grid")))
    _draw_series(ax, x, y, cen, str(claim["learner"]), low=_low(values, claim.get("below_grid")))
    anchor = _anchor(x, y, cen)
    if anchor is not None:
        x0, y0 = anchor
        xs = np.geomspace(x.min(), x.max(), 20)
        for key, ls in (("floor", ":"), ("ceiling", "--")):
            if claim.get(key) is not None:
                e = float(claim[key])
                ax.plot(xs, y0 * (xs / x0) ** e, color=plotting.THEORY_COLOR, ls=ls, lw=0.8,
                        label=f"{key}: {claim['x_label']}^{e:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(str(claim["x_label"]))
    ax.set_ylabel(f"n to reach the target ({claim.get('success', 0.5):.0%} of seeds)")
    ci = claim.get("ci") or [float("nan"), float("nan")]
    method = plotting.learner_style(str(claim["learner"]))["label"]
    ax.set_title(f"{method}: {claim['verdict']}\nexponent {claim['exponent']:.2f} "
                 f"[{ci[0]:.2f}, {ci[1]:.2f}]", fontsize=6)


def fig_rate_claims(results_dir: Path, figures_dir: Path) -> list[Path]:
    """One panel per claim of a rate experiment, named after the experiment.

    Parameters
    ----------
    results_dir : Path
        ``results/<experiment>/`` holding ``summary.json``.
    figures_dir : Path
        Where to write ``<experiment>.pdf`` and ``.png``.

    Returns
    -------
    list of Path
        The files written (none when the experiment has no claims yet).
    """
    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    summary = json.loads((results_dir / "summary.json").read_text())
    claims = summary.get("claims", [])
    if not claims:
        return []
    with plotting.paper_style():
        fig, axes = plotting.new_figure(1, len(claims), width="full", height=3.0, squeeze=False,
                                        layout="constrained")
        for ax, claim in zip(axes[0], claims):
            _draw_claim(ax, claim)
        handles, labels = axes[0][-1].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=5,
                   frameon=False)
        return plotting.save_figure(fig, figures_dir, results_dir.name)
