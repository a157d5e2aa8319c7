"""Dimension-free learning: samples needed vs the dimension ``d`` with and without a Gaussian
JL projection to ``m = O(log(1/beta) / gamma^2)`` dimensions (``dimension_free``).

Trial: :func:`slam_theory.experiments.halfspace_trial.halfspace_error` with ``project_dim``.
Analysis: :func:`analysis`.  Figure: :func:`fig_dimension_free`, caption in :data:`CAPTIONS`.

Examples
--------
>>> rows = [{"learner": "a", "d": d, "n": n, "seed": s, "disagreement": 1.0 / n}
...         for d in (10, 100, 1000) for n in (10, 100) for s in range(3)]
>>> config = {"grid": {"d": [10, 100, 1000], "n": [10, 100]},
...           "analysis_params": {"eps": 0.05, "n_boot": 50},
...           "claims": [{"id": "free", "learner": "a", "theory_exponent": 0}]}
>>> out = analysis(rows, config)
>>> out["mode"], round(out["claims"][0]["exponent"], 6) == 0
('n_needed', True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory import plotting as P
from slam_theory.experiments.halfspace_claims import (
    base_claim,
    claim_key,
    claim_rows,
    final_of,
    final_table,
    fit_with_bootstrap,
    num,
    option,
    record_fit,
    require_columns,
    series_rng,
    strip_boot,
)
from slam_theory.experiments.sample_complexity import series_label, threshold_errorbar
from slam_theory.experiments.thresholds import exponent_claim, threshold_tables
from slam_theory.results import jsonable

__all__ = ["CAPTIONS", "analysis", "fig_dimension_free"]

#: One-line caption of this module's figure (``figures/README.md``).
CAPTIONS: dict[str, str] = {
    "dimension_free": "Left: samples needed vs dimension d with and without a JL projection "
    "to m = O(log(1/beta)/gamma^2) dimensions (reference slopes d^1, d^0); right: "
    "disagreement at a fixed n vs d.",
}


def analysis(rows: list[dict], config: dict) -> dict[str, Any]:
    """Dependence on the dimension ``d`` (with/without JL projection): fitted exponent in ``d``.

    Parameters
    ----------
    rows : list of dict
        Columns ``learner``, ``d``, ``n``, ``seed``, ``disagreement``.
    config : dict
        With ``analysis_params.eps`` and >= 2 values of ``n``: ``n_needed(eps)`` vs ``d``
        (as :func:`slam_theory.experiments.sample_complexity.analysis` with parameter
        ``"d"``).  Without ``eps``: the median
        disagreement at the largest ``n`` vs ``d``.  Claims: ``learner``, ``theory_exponent``
        (default 0: dimension-free), ``kind`` (default "upper": consistent iff ``ci_lo <=
        theory``, i.e. no growth with ``d`` beyond the interval), ``where`` (e.g.
        ``{projection = true}``).

    Returns
    -------
    dict
        ``claims``, ``mode`` ("n_needed" or "disagreement"), and for mode "n_needed"
        ``thresholds``/``fits``/``series``; for mode "disagreement" ``final`` ({series: {d:
        {median, ci}}}) and ``fits``.
    """
    func = "analysis"
    require_columns(rows, ["learner", "d", "n", "seed", "disagreement"], func)
    n_vals = {num(r.get("n")) for r in rows}
    mode = (
        "n_needed"
        if (option(config, None, "eps") is not None and len(n_vals) >= 2)
        else ("disagreement")
    )
    claims = []
    if mode == "n_needed":
        thresholds, fits, series = threshold_tables(rows, config, "d", func)
        for claim in config.get("claims") or []:
            cl = {"theory_exponent": 0.0, **claim, "parameter": "d"}
            claims.append(exponent_claim(rows, config, cl, "d", func))
        return jsonable(
            {
                "claims": claims,
                "mode": mode,
                "parameter": "d",
                "x": "d",
                "thresholds": thresholds,
                "fits": fits,
                "series": series,
            }
        )
    n_boot = int(option(config, None, "n_boot"))
    conf = float(option(config, None, "confidence"))
    final = final_table(rows, config, "d", func)
    fits = {}
    for key, tab in final.items():
        ds = np.array([float(k) for k in tab])
        boot = np.stack([tab[k]["boot"] for k in tab], axis=1)
        f = fit_with_bootstrap(ds, boot[0], boot[1:], confidence=conf)
        fits[key] = {k: f[k] for k in ("exponent", "ci", "n_points", "r2")}
    for claim in config.get("claims") or []:
        theory = claim.get("theory_exponent", 0.0)
        c = base_claim(
            claim,
            parameter="d",
            theory_exponent=theory,
            kind=claim.get("kind", "upper"),
            measure="disagreement at largest n",
        )
        sel, err = claim_rows(rows, config, claim, exclude=("n", "d"))
        if err:
            c["reason"] = err
            claims.append(c)
            continue
        key = claim_key(rows, config, claim, ("n", "d"))
        tab = final_of(sel, "d", n_boot, conf, series_rng(config, claim, f"final|{key}"))
        ds = np.array([float(k) for k in tab])
        boot = np.stack([tab[k]["boot"] for k in tab], axis=1)
        f = fit_with_bootstrap(ds, boot[0], boot[1:], confidence=conf)
        record_fit(c, f, theory, config, claim)
        c.update(
            r2=f["r2"],
            values=ds,
            median=boot[0],
        )
        claims.append(c)
    return jsonable(
        {
            "claims": claims,
            "mode": mode,
            "parameter": "d",
            "x": "d",
            "final": strip_boot(final),
            "fits": fits,
        }
    )


def _matches(row: Mapping[str, Any], info: Mapping[str, Any]) -> bool:
    return all(row.get(k) == v for k, v in info.items())


def _proj_label(rows: Sequence[Mapping[str, Any]], info: Mapping[str, Any]) -> str:
    """``learner, no projection`` or ``learner, JL to m = ...`` (the ``dim`` the rows report)."""
    base = P.learner_label(str(info.get("learner")))
    if "project_dim" not in info:
        return series_label(dict(info))
    if P.as_float(info["project_dim"]) == 0:
        return f"{base}, no projection"
    dims = sorted({int(P.as_float(r.get("dim"))) for r in rows if _matches(r, info)
                   and math.isfinite(P.as_float(r.get("dim")))})
    m = f"m = {dims[0]}" if len(dims) == 1 else "m = " + "/".join(str(v) for v in dims)
    return f"{base}, JL to {m}"


def fig_dimension_free(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Samples needed vs ``d`` with/without JL projection, and disagreement at fixed ``n`` vs ``d``.

    Left: the summary's ``n_eps`` thresholds vs ``d`` (log-log, bootstrap bars, fitted slopes;
    series whose threshold lies below the smallest ``n`` of the grid are drawn as open
    down-triangles at that ``n``, i.e. upper bounds), with reference slopes ``d^1`` and
    ``d^0``.  Right: median disagreement (IQR band) at a middle grid ``n`` vs ``d``.

    Parameters
    ----------
    results_dir : Path
        ``results/dimension_free/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    rows, summary = P.load_results(results_dir)
    if not rows:
        return []
    ns = sorted({P.as_float(r.get("n")) for r in rows})
    with P.paper_style():
        fig, (ax, ax2) = P.new_figure(1, 2, width="full", height=2.8)
        _thresholds_panel(ax, rows, summary, ns[0])
        pairs = sorted({(str(r.get("learner")), r.get("project_dim", 0)) for r in rows},
                       key=lambda p: (P.learner_rank(p[0]), p[0], str(p[1])))
        n_mid = ns[len(ns) // 2]
        for learner, pd in pairs:
            st = P.learner_style(learner)
            proj = P.as_float(pd) != 0
            x, Y = P.seed_matrix(
                rows, "d", "disagreement",
                where=lambda r, learner=learner, pd=pd: r.get("learner") == learner
                and r.get("project_dim", 0) == pd and P.as_float(r.get("n")) == n_mid,
            )
            P.median_band(ax2, x, Y, style=learner, linestyle="-" if proj else "--",
                          label=_proj_label(rows, {"learner": learner, "project_dim": pd}),
                          mfc=st["color"] if proj else "white")
        ax2.set_xscale("log")
        P.tidy_log_axis(ax2.xaxis)
        ax2.set_yscale("symlog", linthresh=1e-3, linscale=0.4)
        ax2.set_ylim(0, 0.6)
        ax2.set_xlabel("dimension $d$")
        ax2.set_ylabel(r"disagreement with $w^*$")
        ax2.set_title(rf"$n = {int(n_mid)}$", fontsize=7)
        ax2.legend(loc="best", fontsize=5.5)
        P.outside_legend(fig, ax, ncols=3)
        return P.save_figure(fig, figures_dir, "dimension_free")


def _thresholds_panel(ax: Any, rows: list[dict], summary: dict[str, Any], n_min: float) -> None:
    """Left panel: the summary's thresholds vs ``d`` per series, reference slopes 1 and 0."""
    fits = summary.get("fits") or {}
    ths = summary.get("thresholds") or {}
    series = summary.get("series") or {}
    ekey = None
    if ths:
        ekeys = sorted({k for t in ths.values() for k in t})
        want = next((c.get("eps") for c in summary.get("claims") or []
                     if c.get("eps") is not None), None)
        ekey = ekeys[0] if want is None else min(ekeys, key=lambda k: abs(float(k) - want))
    pts = []
    for key in sorted(ths, key=lambda k: (P.learner_rank((series.get(k) or {}).get("learner")),
                                          k)):
        t = ths[key].get(ekey) if ekey else None
        if not t:
            continue
        info = series.get(key) or {"learner": key}
        st = P.learner_style(str(info["learner"]))
        proj = P.as_float(info.get("project_dim", 0)) != 0
        x, nn, yerr = threshold_errorbar(t)
        ok = np.isfinite(nn)
        below = np.array([s_ == "below_grid" for s_ in t["status"]])
        label = _proj_label(rows, info)
        if ok.any():
            fe = P.format_slope((fits.get(key) or {}).get(ekey))
            ax.errorbar(x[ok], nn[ok], yerr=yerr[:, ok], color=st["color"], marker=st["marker"],
                        linestyle="-" if proj else "--", mfc=st["color"] if proj else "white",
                        elinewidth=0.6, label=label + (f": {fe}" if fe else ""))
            pts.append((int(ok.sum()), float(x[ok][0]), float(nn[ok][0])))
        if below.any():
            ax.plot(x[below], np.full(below.sum(), n_min), linestyle="none", marker="v",
                    color=st["color"], mfc="white",
                    label=f"{label}: below grid ($n_\\varepsilon \\leq {int(n_min)}$)")
    if pts:
        xs = np.array(sorted({P.as_float(r.get("d")) for r in rows}))
        _, x0, y0 = max(pts)
        P.theory_line(ax, xs, 1.0, (x0, y0), linestyle=":", label=r"$\propto d$")
        P.theory_line(ax, xs, 0.0, (x0, y0), label=r"$\propto d^{0}$ (dimension-free)")
    P.loglog(ax, xlabel="dimension $d$", ylabel=r"samples needed $n_\varepsilon$", legend=False)
    if ekey is not None:
        ax.set_title(rf"target $\varepsilon = {float(ekey):g}$", fontsize=7)
