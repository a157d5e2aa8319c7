"""Sample complexity under random classification noise: samples needed to reach disagreement
``eps`` vs ``1/eps`` (``sample_complexity_eps``) and vs ``1/gamma`` (``sample_complexity_gamma``).

On the benign sphere these are measurements, not verdicts (the mean of ``y x`` meets every
target there).  What they report as rows is the *angle rate*: the exponent ``a`` of
``angle(w, w*) ~ n^a`` per learner (:func:`angle_rates`), a measurement row each; the
disagreement thresholds stay as figures.

Trial: :func:`angle_trial` (:func:`slam_theory.experiments.halfspace_trial.halfspace_error`'s
data, noise and learner streams, plus the angle).  Analysis: :func:`analysis` (angle rates,
thresholds and exponents of :mod:`~slam_theory.experiments.thresholds`).  Figures:
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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory import noise, stats
from slam_theory import plotting as P
from slam_theory.experiments.halfspace_claims import require_columns
from slam_theory.experiments.halfspace_trial import make_generator, make_learner
from slam_theory.experiments.rates import child_seed
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
    "angle_rates",
    "angle_trial",
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
    "sample_complexity_eps_angle": "Angle between w and w* vs sample size n (log-log, median "
    "and IQR band over seeds) per learner, on the benign sphere; the legend gives the fitted "
    "angle rate (exponent of n) of each learner, a measurement without a verdict.",
    "sample_complexity_gamma": "Samples needed to reach the target eps vs 1/gamma (log-log) per "
    "learner, with reference slopes gamma^-2 (SLaM / DDKWZ23) and gamma^-4 (older route).",
}


def angle_trial(params: Mapping[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
    """Fit one learner on noisy sphere data: exact disagreement and angle with ``w*``.

    The same data, RCN labels and learner streams as
    :func:`~slam_theory.experiments.halfspace_trial.halfspace_error` (children 0, 1, 2 of
    ``seed``), so its ``disagreement`` is that trial's.

    Parameters
    ----------
    params : mapping
        ``d`` (or ``d_gamma_factor``), ``gamma``, ``eta``, ``n``, ``learner`` and the learner's
        options (see :func:`~slam_theory.experiments.halfspace_trial.make_learner`).
    seed : SeedSequence
        The trial's seed (not mutated).

    Returns
    -------
    dict
        ``disagreement`` and ``angle`` (radians, ``pi/2`` for the zero hypothesis).

    Examples
    --------
    >>> p = {"learner": "slam", "d": 5, "gamma": 0.1, "eta": 0.1, "n": 200}
    >>> out = angle_trial(p, np.random.SeedSequence(0))
    >>> sorted(out), 0 <= out["angle"] <= math.pi
    (['angle', 'disagreement'], True)
    """
    gen = make_generator(params, child_seed(seed, 0))
    X, y = gen.sample(int(params["n"]))
    y_noisy = noise.RCN(float(params.get("eta") or 0.0)).corrupt(
        y, random_state=child_seed(seed, 1))
    est = make_learner(params, random_state=child_seed(seed, 2))
    est.fit(X, y_noisy)
    w = np.asarray(est.coef_, dtype=float).ravel()
    if not np.any(w):
        return {"disagreement": 0.5, "angle": math.pi / 2}
    u = w / np.linalg.norm(w)
    v = np.asarray(gen.w_star, dtype=float) / np.linalg.norm(gen.w_star)
    angle = 2.0 * math.atan2(float(np.linalg.norm(u - v)), float(np.linalg.norm(u + v)))
    return {"disagreement": float(gen.disagreement(w)), "angle": angle}


def angle_rates(
    rows: Sequence[Mapping[str, Any]], by: Sequence[str] = (), *, random_state: int = 0
) -> list[dict[str, Any]]:
    """The angle rate per learner (and ``by`` column): exponent of ``angle ~ n^a``.

    Least squares of ``log angle`` on ``log n`` over every (seed, ``n``) point with a positive
    angle, with a paired bootstrap interval (:func:`slam_theory.stats.slope_ci`).  Each
    result is a measurement row: no bound is stated for the angle, so nothing can fail it.

    Parameters
    ----------
    rows : sequence of mapping
        Columns ``learner``, ``n``, ``angle`` (and the ``by`` columns).
    by : sequence of str, default=()
        Further columns that split the series (e.g. ``("gamma",)``).
    random_state : int, default=0
        Seed of the bootstrap.

    Returns
    -------
    list of dict
        Claim-shaped rows: ``id``, ``statement``, ``learner``, ``parameter`` ("n"),
        ``exponent``, ``ci``, ``n_points``, ``kind`` ("measured"), ``measurement_only``,
        ``verdict`` ("measurement only").

    Examples
    --------
    >>> rows = [{"learner": "a", "n": n, "angle": 3.0 / n**0.5 * (1 + s / 50)}
    ...         for n in (10, 100, 1000) for s in range(4)]
    >>> r = angle_rates(rows)[0]
    >>> round(r["exponent"], 2), r["verdict"]
    (-0.5, 'measurement only')
    """
    groups: dict[tuple, list[tuple[float, float]]] = {}
    for r in rows:
        a, n = float(r.get("angle", math.nan)), float(r["n"])
        if math.isfinite(a) and a > 0 and n > 0:
            key = (str(r["learner"]), *(r.get(b) for b in by))
            groups.setdefault(key, []).append((n, a))
    out = []
    for key in sorted(groups, key=lambda k: (P.learner_rank(k[0]), [str(v) for v in k])):
        pts = np.array(groups[key])
        extra = dict(zip(by, key[1:]))
        tag = "".join(f"_{k}{v}" for k, v in extra.items())
        row: dict[str, Any] = {
            "id": f"angle_rate_{key[0]}{tag}",
            "statement": "angle(w, w*) against n on the benign sphere: fitted exponent a of "
            "angle ~ n^a" + (f" at {', '.join(f'{k} = {v}' for k, v in extra.items())}"
                             if extra else ""),
            "learner": key[0], "parameter": "n", "n_points": len(pts), **extra,
            "kind": "measured", "measurement_only": True, "verdict": "measurement only",
            "reason": "no bound is stated for the angle; the rate is reported as measured",
        }
        if np.unique(pts[:, 0]).size >= 2 and len(pts) >= 3:
            e, lo, hi = stats.slope_ci(pts[:, 0], pts[:, 1], random_state=random_state,
                                       n_boot=999, method="percentile")
            row.update(exponent=e, ci=[lo, hi])
        out.append(row)
    return out


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
        ``claims`` (one per config claim, then, when the rows have an ``angle`` column, the
        measurement rows of :func:`angle_rates`, split by every swept parameter but ``n``),
        ``parameter``, ``x``, ``thresholds`` ({series:
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
    if rows and "angle" in rows[0]:
        by = [c for c in ("gamma", "eta", "d") if len((config.get("grid") or {}).get(c, [])) > 1]
        claims += angle_rates(rows, by, random_state=int(config.get("root_seed", 0)))
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
    return (paths + _curves_figure(results_dir, figures_dir, "sample_complexity_eps_curves",
                                   eps_lines=eps_vals)
            + _angle_figure(results_dir, figures_dir, "sample_complexity_eps_angle"))


def _angle_figure(results_dir: Path, figures_dir: Path, name: str) -> list[Path]:
    """Median angle vs n per learner (IQR band), the fitted angle rate in the legend."""
    rows, summary = P.load_results(results_dir)
    rows = [r for r in rows if math.isfinite(P.as_float(r.get("angle")))]
    if not rows:
        return []
    rates = {c.get("learner"): c for c in summary.get("claims") or []
             if str(c.get("id", "")).startswith("angle_rate_")}
    learners = sorted({str(r.get("learner")) for r in rows}, key=lambda n: (P.learner_rank(n), n))
    with P.paper_style():
        fig, ax = P.new_figure(height=3.0)
        for lr in learners:
            x, Y = P.seed_matrix(rows, "n", "angle", where={"learner": lr})
            P.median_band(ax, x, Y, style=lr)
            exp = (rates.get(lr) or {}).get("exponent")
            if exp is not None and ax.lines:
                ax.lines[-1].set_label(f"{P.learner_label(lr)}: n^{exp:.2f}")
        P.loglog(ax, xlabel="samples $n$", ylabel=r"angle$(w, w^*)$ (radians)", legend=False)
        P.outside_legend(fig, ax, ncols=2)
        return P.save_figure(fig, figures_dir, name)


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
