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
from slam_theory.experiments.rates_analysis import grid_resolution, judge_claim, x_of
from slam_theory.experiments.rates_figures import _draw_claim as draw_rate_claim

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
        ``controls_where`` (the series the controls are judged on, default ``where``: e.g.
        controls run once without a projection for claims with and without one),
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
        if claim.get("controls_where") is not None:  # the controls judged on another series
            own = [r for r in sub if r.get("learner") == claim.get("learner")]
            sub = own + [r for r in select(rows, claim["controls_where"])
                         if r.get("learner") in wanted and r.get("learner") != claim.get("learner")]
        present = {r.get("learner") for r in sub}
        controls = [c for c in wanted if c in present]
        c = {"parameter": parameter, **claim}
        if not any(r.get("learner") == claim.get("learner") and r.get("stage") == "threshold"
                   for r in sub):
            claims.append(_not_run(c))
            continue
        out = judge_claim(sub, c, controls, random_state=seed,
                          resolution=grid_resolution(config))
        out["where"] = dict(claim.get("where") or {})
        if claim.get("derivation"):
            out["derivation"] = claim["derivation"]
        claims.append(out)
    return {
        "error_quantity": ERROR_QUANTITY,
        "instance": dict(config.get("instance", {}) or {}),
        "claims": claims,
    }


def _not_run(claim: Mapping[str, Any]) -> dict[str, Any]:
    """A claim whose series has no rows in this run (e.g. a learner of the full preset only)."""
    return {**claim, "where": dict(claim.get("where") or {}), "verdict": "inconclusive",
            "rule": "not_run", "exponent": None, "ci": None, "x": [], "controls": {},
            "counted": False, "reason": "no threshold rows for this learner and series in "
            "this run (not in this preset's grid)"}


def _draw_claim(ax: Any, claim: Mapping[str, Any]) -> None:
    """The rate-claim panel of :mod:`~slam_theory.experiments.rates_figures`, drawn against
    the claim's own ``x`` (``1/(1-2 eta)``, ``d``) rather than a function of its values."""
    nan = float("nan")
    ci = [nan if v is None else v for v in (claim.get("ci") or [None, None])]
    exp = claim.get("exponent")
    par = str(claim.get("parameter", "x"))
    controls = {  # each control against its own values, on the claim's x scale
        k: {**c, "values": x_of(par, np.asarray(c.get("values", claim["values"]), float)).tolist(),
            "below_grid": x_of(par, np.asarray(c.get("below_grid") or [], float)).tolist()}
        for k, c in (claim.get("controls") or {}).items()}
    draw_rate_claim(ax, {**claim, "values": list(claim["x"]), "parameter": "x", "ci": ci,
                         "exponent": nan if exp is None else exp, "controls": controls,
                         "below_grid": x_of(par, np.asarray(claim.get("below_grid") or [],
                                                            float)).tolist()})
    plotting.tidy_log_axis(ax.xaxis)  # plain numbers, no overlapping minor labels


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
        seen: dict[str, Any] = {}
        for ax in flat[:len(claims)]:
            for h, lab in zip(*ax.get_legend_handles_labels()):
                seen.setdefault(lab, h)  # every panel's series, each label once
        fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncols=3, fontsize=5,
                   frameon=False)
        return plotting.save_figure(fig, Path(figures_dir), name)
