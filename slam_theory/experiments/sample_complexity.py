"""Sample complexity under random classification noise: samples needed to reach disagreement
``eps`` vs ``1/eps`` (``sample_complexity_eps``) and vs ``1/gamma`` (``sample_complexity_gamma``).

Trial: :func:`slam_theory.experiments.halfspace_trial.halfspace_error`.  Analysis:
:func:`analysis` (thresholds and exponents of :mod:`~slam_theory.experiments.thresholds`,
verdicts of :mod:`~slam_theory.experiments.halfspace_claims`).  Figures:
:func:`fig_sample_complexity_eps`, :func:`fig_sample_complexity_gamma`, captions in
:data:`CAPTIONS`.

Examples
--------
>>> rows = [{"learner": "a", "n": n, "seed": s, "disagreement": 1.0 / n}
...         for n in (10, 100, 1000) for s in range(3)]
>>> config = {"grid": {"n": [10, 100, 1000]}, "analysis_params": {"eps": [0.05, 0.005]},
...           "claims": []}
>>> out = analysis(rows, config)
>>> [round(v) for v in out["thresholds"]["a"]["all"]["n_needed"]]
[20, 200]
>>> out["series"]
{'a': {'learner': 'a'}}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory import plotting as P
from slam_theory.experiments.halfspace_claims import require_columns
from slam_theory.experiments.thresholds import (
    PARAMS,
    X_LABEL,
    default_param,
    exponent_claim,
    threshold_tables,
)
from slam_theory.results import jsonable

__all__ = [
    "CAPTIONS",
    "analysis",
    "fig_sample_complexity_eps",
    "fig_sample_complexity_gamma",
    "series_label",
    "threshold_errorbar",
]

#: One-line captions of this module's figures (``figures/README.md``).
CAPTIONS: dict[str, str] = {
    "sample_complexity_eps": "Samples needed to reach disagreement eps vs 1/eps (log-log) per "
    "learner, under RCN at fixed gamma and eta: threshold of the median over seeds, 95% "
    "bootstrap bars, fitted slopes, reference slopes eps^-2 (upper bound) and eps^-1 "
    "(information-theoretic).",
    "sample_complexity_eps_curves": "Median disagreement with w* vs sample size n (IQR band "
    "over seeds) per learner; dotted lines are the eps targets of the threshold figure.",
    "sample_complexity_gamma": "Samples needed to reach the target eps vs 1/gamma (log-log) per "
    "learner, with reference slopes gamma^-2 (SLaM / DDKWZ23) and gamma^-4 (older route).",
}


def analysis(rows: list[dict], config: dict) -> dict[str, Any]:
    """Sample-complexity exponents: ``n_needed(eps)`` vs ``1/eps``, ``1/gamma``, ``1/(1-2eta)``, d.

    Parameters
    ----------
    rows : list of dict
        Trial rows with columns ``learner``, ``n``, ``seed``, ``disagreement`` and the swept
        parameter's column (``gamma``, ``eta`` or ``d``; none for ``eps``, which is a threshold).
    config : dict
        Resolved config.  ``analysis_params``: ``eps`` (list for an eps sweep, scalar or list
        for the others), ``parameter`` (optional; inferred), plus the options of
        :mod:`~slam_theory.experiments.halfspace_claims`.  ``claims``: tables with ``id``,
        ``statement``, ``learner``, ``parameter``, ``theory_exponent``, ``kind`` ("upper"
        default, "lower", "two_sided"), optional ``eps`` and ``where``.

    Returns
    -------
    dict
        ``claims`` (one per config claim), ``parameter``, ``x``, ``thresholds`` ({series:
        {eps-key: {values, x, n_needed, status, n_ci}}}, the eps key is ``"all"`` for an eps
        sweep), ``fits`` ({series: {eps-key: {exponent, ci, n_points, r2}}}) and ``series``
        ({series: {learner, parameters}}).
    """
    func = "sample_complexity"
    require_columns(rows, ["learner", "n", "seed", "disagreement"], func)
    param = default_param(rows, config)
    if param not in PARAMS:
        raise ValueError(f"{func}: parameter must be one of {list(PARAMS)}, got {param!r}")
    if param != "eps":
        require_columns(rows, [param], func)
    thresholds, fits, series = threshold_tables(rows, config, param, func)
    claims = []
    for claim in config.get("claims") or []:
        p = str(claim.get("parameter", param))
        if p not in PARAMS:
            raise ValueError(f"{func}: claim {claim.get('id')!r}: bad parameter {p!r}")
        claims.append(exponent_claim(rows, config, claim, p, func))
    return jsonable(
        {
            "claims": claims,
            "parameter": param,
            "x": X_LABEL[param],
            "thresholds": thresholds,
            "fits": fits,
            "series": series,
        }
    )


# --------------------------------------------------------------------------------- figures
def series_label(info: dict[str, Any]) -> str:
    """Legend label of a series the analysis described: the learner, then its parameters.

    Examples
    --------
    >>> series_label({"learner": "slam", "d": 5})
    'SLaM (d=5)'
    """
    shown = [f"{k}={v}" for k, v in info.items() if k != "learner"]
    return P.learner_label(str(info.get("learner"))) + (f" ({', '.join(shown)})" if shown else "")


def threshold_errorbar(table: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x``, ``n_needed`` and the ``(2, k)`` error-bar lengths of one threshold table.

    Points without an interval get zero-length bars.
    """
    x = np.asarray(table["x"], dtype=float)
    nn = np.array([P.as_float(v) for v in table["n_needed"]])
    ci = np.array([[P.as_float(v) for v in pair] for pair in table.get("n_ci") or []])
    if ci.shape != (x.size, 2):
        ci = np.full((x.size, 2), np.nan)
    lo = np.where(np.isfinite(ci[:, 0]), ci[:, 0], nn)
    hi = np.where(np.isfinite(ci[:, 1]), ci[:, 1], nn)
    return x, nn, np.clip(np.vstack([nn - lo, hi - nn]), 0, None)


def _ordered(keys: Sequence[str], series: dict[str, dict]) -> list[str]:
    return sorted(keys, key=lambda k: (P.learner_rank((series.get(k) or {}).get("learner")), k))


def _eps_key(ths: dict, claims: Sequence[dict]) -> str:
    """Which eps table of a gamma / eta / d sweep to draw: the one the first claim used."""
    want = next((c.get("eps") for c in claims if c.get("eps") is not None), None)
    keys = sorted({k for t in ths.values() for k in t})
    return keys[0] if want is None else min(keys, key=lambda k: abs(float(k) - float(want)))


def _threshold_figure(
    results_dir: Path, figures_dir: Path, name: str, *, param: str, xlabel: str,
    theory: Sequence[tuple[float, str]],
) -> list[Path]:
    _, summary = P.load_results(results_dir)
    ths = summary.get("thresholds") or {}
    fits = summary.get("fits") or {}
    series = summary.get("series") or {}
    if not ths:
        return []
    ekey = "all" if param == "eps" else _eps_key(ths, summary.get("claims") or [])
    with P.paper_style():
        fig, ax = P.new_figure(height=3.1)
        anchor_pts: list[tuple[float, float]] = []
        never: list[str] = []
        for key in _ordered(list(ths), series):
            t = ths[key].get(ekey)
            if not t:
                continue
            info = series.get(key) or {"learner": key}
            x, nn, yerr = threshold_errorbar(t)
            ok = np.isfinite(nn)
            if not ok.any():
                never.append(P.learner_label(str(info["learner"])))
                continue
            st = P.learner_style(str(info["learner"]))
            label = series_label(info)
            fe = P.format_slope((fits.get(key) or {}).get(ekey))
            if fe:
                label += f": {fe}"
            ax.errorbar(x[ok], nn[ok], yerr=yerr[:, ok], color=st["color"], marker=st["marker"],
                        linestyle=st["linestyle"], label=label, elinewidth=0.6, capthick=0.6)
            j0 = int(np.argmin(np.where(ok, x, np.inf)))
            if ok.sum() >= 2:  # anchor theory lines on series with a slope
                anchor_pts.append((float(x[j0]), float(nn[j0])))
        if anchor_pts:
            x_all = np.concatenate([np.asarray(t[ekey]["x"], float) for t in ths.values()
                                    if ekey in t])
            x0 = min(p[0] for p in anchor_pts)
            y0 = float(np.exp(np.median([math.log(p[1]) for p in anchor_pts if p[0] == x0])))
            for (expo, lab), lsty in zip(theory, ("--", ":", "-.")):
                P.theory_line(ax, x_all, expo, (x0, y0), label=lab, linestyle=lsty)
        P.loglog(ax, xlabel=xlabel, ylabel=r"samples needed $n_\varepsilon$", legend=False)
        if param != "eps":
            ax.set_title(rf"target $\varepsilon = {float(ekey):g}$", fontsize=7)
        if never:
            P.note(ax, "never reached: " + ", ".join(never))
        P.outside_legend(fig, ax, ncols=1)
        return P.save_figure(fig, figures_dir, name)


def _curves_figure(
    results_dir: Path, figures_dir: Path, name: str, *, eps_lines: Sequence[float] = ()
) -> list[Path]:
    """Median disagreement vs n per learner (IQR band), symlog y so that 0 is shown."""
    rows, _ = P.load_results(results_dir)
    if not rows:
        return []
    learners = sorted({str(r.get("learner")) for r in rows}, key=lambda n: (P.learner_rank(n), n))
    with P.paper_style():
        fig, ax = P.new_figure(height=3.0)
        for name_l in learners:
            x, Y = P.seed_matrix(rows, "n", "disagreement", where={"learner": name_l})
            P.median_band(ax, x, Y, style=name_l)
        for e in eps_lines:
            ax.axhline(e, color=P.THEORY_COLOR, linewidth=0.4, linestyle=":")
        ax.set_xscale("log")
        P.tidy_log_axis(ax.xaxis)
        ax.set_yscale("symlog", linthresh=1e-3, linscale=0.4)
        ax.set_ylim(0, 0.6)
        ax.set_xlabel("samples $n$")
        ax.set_ylabel(r"disagreement with $w^*$")
        P.outside_legend(fig, ax, ncols=2)
        return P.save_figure(fig, figures_dir, name)


def fig_sample_complexity_eps(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Samples needed vs ``1/eps`` per learner, with bootstrap bars and theory slopes.

    Draws ``sample_complexity_eps`` (log-log ``n_eps`` vs ``1/eps``: the summary's threshold
    point estimates and intervals, fitted slopes in the legend, reference lines ``eps^-2``
    (the SLaM / DDKWZ23 upper bound) and ``eps^-1`` (the information-theoretic rate)) and
    ``sample_complexity_eps_curves`` (median disagreement vs ``n`` with IQR bands and the eps
    targets).

    Parameters
    ----------
    results_dir : Path
        ``results/sample_complexity_eps/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    paths = _threshold_figure(
        results_dir, figures_dir, "sample_complexity_eps", param="eps",
        xlabel=r"$1/\varepsilon$",
        theory=[(2.0, r"$\propto \varepsilon^{-2}$ (upper bound)"),
                (1.0, r"$\propto \varepsilon^{-1}$ (information-theoretic)")],
    )
    _, summary = P.load_results(results_dir)
    eps_vals: list[float] = []
    for t in (summary.get("thresholds") or {}).values():
        if "all" in t:
            eps_vals = [float(v) for v in t["all"]["values"]]
            break
    return paths + _curves_figure(results_dir, figures_dir, "sample_complexity_eps_curves",
                                  eps_lines=eps_vals)


def fig_sample_complexity_gamma(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Samples needed vs ``1/gamma`` per learner, with ``gamma^-2`` and ``gamma^-4`` lines.

    Parameters
    ----------
    results_dir : Path
        ``results/sample_complexity_gamma/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    return _threshold_figure(
        Path(results_dir), Path(figures_dir), "sample_complexity_gamma", param="gamma",
        xlabel=r"$1/\gamma$",
        theory=[(2.0, r"$\propto \gamma^{-2}$ (SLaM, DDKWZ23)"),
                (4.0, r"$\propto \gamma^{-4}$ (older route, DGT19)")],
    )
