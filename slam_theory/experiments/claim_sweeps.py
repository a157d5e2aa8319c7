"""Rate claims judged on a subset of a sweep: the analysis and figure that ``noise_rate`` and
``dimension_free`` share.

A sweep may hold several series of the same learner (the error quantity held fixed, a
projection on or off): each ``[[claims]]`` entry names its series with ``where`` (column ->
value), the rows are filtered to it, and the claim is judged by
:func:`slam_theory.experiments.rates_analysis.judge_claim`
(:func:`slam_theory.stats.check_rate`, two-sided, censored seeds as data) with the controls
of the same series beside it. The figure draws one panel per claim: thresholds against the
claim's ``x`` (``1/(1-2 eta)``, ``d``), censored ones as open triangles at the largest ``n``
tried, floor and ceiling lines anchored at the learner's first threshold.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory import halfspaces, plotting
from slam_theory.experiments.rates import ERROR_QUANTITY
from slam_theory.experiments.rates_analysis import judge_claim

__all__ = ["fig_claim_panels", "judge_claims", "select"]


def _same(a: Any, b: Any) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def select(rows: Sequence[Mapping[str, Any]], where: Mapping[str, Any] | None) -> list[dict]:
    """The rows whose columns match every ``column = value`` of ``where``.

    Numbers compare as floats (``-1`` matches ``-1.0``), anything else as strings.

    Examples
    --------
    >>> rows = [{"q": "excess", "m": -1}, {"q": "excess", "m": 0}, {"q": "other", "m": -1}]
    >>> select(rows, {"q": "excess", "m": -1.0})
    [{'q': 'excess', 'm': -1}]
    >>> len(select(rows, None))
    3
    """
    where = dict(where or {})
    return [dict(r) for r in rows if all(_same(r.get(k), v) for k, v in where.items())]


def judge_claims(
    rows: Sequence[Mapping[str, Any]], config: Mapping[str, Any], *, parameter: str
) -> dict[str, Any]:
    """Judge every ``[[claims]]`` entry on its own series (``where``), with its controls.

    Parameters
    ----------
    rows : sequence of mapping
        Threshold-search rows (``stage``, ``learner``, ``seed``, ``n_eval``, ``censored`` and
        the parameter's column).
    config : mapping
        ``claims`` (each with ``learner``, ``floor``, ``ceiling``, optional ``where``,
        ``success``, ``derivation``), ``analysis_params.controls`` (default
        :data:`slam_theory.halfspaces.CONTROLS`; those absent from a series are skipped),
        ``instance`` and ``root_seed``.
    parameter : str
        The swept column (``"eta"``, ``"d"``, ...); see
        :func:`slam_theory.experiments.rates_analysis.x_of`.

    Returns
    -------
    dict
        ``error_quantity``, ``instance`` and ``claims`` (each as
        :func:`~slam_theory.experiments.rates_analysis.judge_claim`, plus ``where`` and
        ``derivation``).

    Examples
    --------
    >>> rows = [{"stage": "threshold", "learner": "a", "q": "x", "eta": e, "seed": s,
    ...          "n_eval": round(100 / (1 - 2 * e) ** 2 * (1 + s / 10)), "censored": False}
    ...         for e in (0.1, 0.2, 0.3, 0.35, 0.4) for s in range(5)]
    >>> cfg = {"claims": [{"id": "c", "learner": "a", "where": {"q": "x"},
    ...                    "floor": 1.5, "ceiling": 2.5}], "analysis_params": {"controls": []}}
    >>> out = judge_claims(rows, cfg, parameter="eta")["claims"][0]
    >>> out["verdict"], round(out["exponent"], 1)
    ('consistent', 2.0)
    """
    params = config.get("analysis_params", {}) or {}
    wanted = list(params.get("controls", halfspaces.CONTROLS))
    seed = int(config.get("root_seed", 0))
    claims = []
    for claim in config.get("claims") or []:
        sub = select(rows, claim.get("where"))
        present = {r.get("learner") for r in sub}
        controls = [c for c in wanted if c in present]
        c = {"parameter": parameter, **claim}
        out = judge_claim(sub, c, controls, random_state=seed)
        out["where"] = dict(claim.get("where") or {})
        if claim.get("derivation"):
            out["derivation"] = claim["derivation"]
        claims.append(out)
    return {
        "error_quantity": ERROR_QUANTITY,
        "instance": dict(config.get("instance", {}) or {}),
        "claims": claims,
    }


def _draw_series(ax: Any, x: np.ndarray, y: np.ndarray, cen: np.ndarray, name: str,
                 lift: float = 1.0) -> None:
    style = plotting.learner_style(name)
    if np.any(~cen):
        ax.plot(x[~cen], y[~cen], color=style["color"], marker=style["marker"],
                ls=style["linestyle"], ms=3.5, lw=1.0, label=style["label"])
    if np.any(cen):
        ax.plot(x[cen], y[cen] * lift, ls="none", marker="^", mfc="none", mec=style["color"],
                ms=4.5, label=f"{style['label']} (never reached: > n shown)")


def _draw_claim(ax: Any, claim: Mapping[str, Any]) -> None:
    x = np.asarray(claim["x"], dtype=float)
    for i, (name, ctrl) in enumerate((claim.get("controls") or {}).items()):
        _draw_series(ax, x, np.asarray(ctrl["thresholds"], float),
                     np.asarray(ctrl["censored"], bool), name, lift=0.8**i)
    y = np.asarray(claim["thresholds"], dtype=float)
    cen = np.asarray(claim["threshold_censored"], dtype=bool)
    _draw_series(ax, x, y, cen, str(claim["learner"]))
    ok = np.flatnonzero(~cen)
    if ok.size:
        x0, y0 = float(x[ok[0]]), float(y[ok[0]])
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
    ci = claim.get("ci") or [None, None]
    exp = claim.get("exponent")
    fit = "no fit" if exp is None else (
        f"exponent {exp:.2f}" + ("" if None in ci else f" [{ci[0]:.2f}, {ci[1]:.2f}]"))
    ax.set_title(f"{claim['id']}: {claim['verdict']}\n{fit}", fontsize=6)


def fig_claim_panels(results_dir: Path, figures_dir: Path, name: str) -> list[Path]:
    """One panel per claim of ``results_dir/summary.json``, saved as ``name``.

    Parameters
    ----------
    results_dir : Path
        Holds the ``summary.json`` written by :func:`judge_claims`.
    figures_dir : Path
        Output directory.
    name : str
        File stem.

    Returns
    -------
    list of Path
        The files written (none without claims).
    """
    path = Path(results_dir) / "summary.json"
    claims = json.loads(path.read_text()).get("claims", []) if path.exists() else []
    claims = [c for c in claims if c.get("x")]
    if not claims:
        return []
    cols = min(len(claims), 2)
    rows = -(-len(claims) // cols)
    with plotting.paper_style():
        fig, axes = plotting.new_figure(rows, cols, width="full", height=2.6 * rows,
                                        squeeze=False, layout="constrained")
        flat = axes.ravel()
        for ax, claim in zip(flat, claims):
            _draw_claim(ax, claim)
        for ax in flat[len(claims):]:
            ax.set_axis_off()
        handles, labels = flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=5,
                   frameon=False)
        return plotting.save_figure(fig, Path(figures_dir), name)
