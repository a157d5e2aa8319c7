"""The convergence claims: projected SGD on the forward-corrected objective over the unit ball.

**Trial** (:func:`projected_sgd_trial`). One seed draws a margin-halfspace sample with RCN
(:class:`slam_theory.data.MarginHalfspace`, :class:`slam_theory.noise.RCN`), computes the
certified minimum of the sample's forward-corrected logistic objective ``F`` over the ball
(:func:`slam_theory.convergence.ball_minimum`), then, for every horizon ``T`` of a log-spaced
grid, runs fixed-horizon projected SGD with the theorem's step ``R/(G sqrt(T))`` from ``w_1 = 0``
(:func:`slam_theory.convergence.projected_sgd`) and records, for the averaged iterate
``w_bar_T``, the excess risk ``F(w_bar_T) - min_{||w|| <= R} F`` and the gradient mapping norm
``||G_{1/L}(w_bar_T)||``, beside the theorem's bounds ``R G/sqrt(T)`` and
``sqrt(2 L R G/sqrt(T))``. SGD samples the training sample with replacement, so ``F`` is
exactly the objective its stochastic gradients are unbiased for.

**Analysis** (:func:`analysis`). Each claim names a metric, the exponent's ``floor`` and
``ceiling`` (see :data:`slam_theory.convergence.projected.REFERENCES`) and optionally a bound
column. A claim is *inconsistent* if an iterate leaves the ball, if a median value is not
positive (the minimum over the ball is wrong, or the iterate is not in the domain), if the mean
over seeds exceeds the bound at some ``T``, or if the bootstrap interval of the log-log slope
(:func:`slam_theory.stats.slope_ci`) over the tail, or over the last third of the ``T`` range,
lies wholly outside ``[floor, ceiling]``; *inconclusive* if the objective is not convex on the
ball (the theorem does not apply) or an interval is wider than ``max_ci_width``; *consistent*
otherwise.

**Figure** (:func:`fig_convergence_forward`) and its caption (:data:`CAPTIONS`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory import convergence, data, noise, plotting, stats

__all__ = [
    "CAPTIONS",
    "LEARNER",
    "analysis",
    "fig_convergence_forward",
    "horizons",
    "projected_sgd_trial",
]

#: The ``learner`` column of the trial's rows.
LEARNER = "projected_sgd"

#: Caption of each figure, by file stem.
CAPTIONS: dict[str, str] = {
    "convergence_forward": (
        "Projected SGD on the forward-corrected logistic objective over the unit ball, "
        "fixed-horizon step R/(G sqrt T), averaged iterate: (a) excess risk F(w_bar_T) - "
        "min_ball F on the sample SGD draws from, (b) gradient mapping norm ||G_{1/L}(w_bar_T)||, "
        "vs the horizon T (log-log; median and IQR over seeds), with the theorem's bounds "
        "(dash-dot) and reference slopes at the exponent's floor and ceiling (dashed)."
    ),
}

_DEFAULTS: dict[str, Any] = {
    "confidence": 0.95,
    "max_ci_width": 0.5,
    "tail": 0.5,
    "random_state": 0,
}
_DATA, _NOISE, _LEARNER = 0, 1, 2


def _child(seed: np.random.SeedSequence, k: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k))


def horizons(t_min: int, t_max: int, num: int) -> np.ndarray:
    """Sorted unique integer horizons, log-spaced in ``[t_min, t_max]``.

    Parameters
    ----------
    t_min, t_max : int
        Smallest and largest horizon, ``1 <= t_min <= t_max``.
    num : int
        Number of log-spaced points before rounding.

    Returns
    -------
    ndarray of int64

    Examples
    --------
    >>> horizons(10, 1000, 3).tolist()
    [10, 100, 1000]
    """
    t_min, t_max, num = int(t_min), int(t_max), int(num)
    if not 1 <= t_min <= t_max or num < 1:
        raise ValueError(f"need 1 <= t_min <= t_max and num >= 1, got {t_min}, {t_max}, {num}")
    return np.unique(np.round(np.geomspace(t_min, t_max, num)).astype(np.int64))


def projected_sgd_trial(
    params: Mapping[str, Any], seed: np.random.SeedSequence
) -> list[dict[str, Any]]:
    """Excess risk and gradient mapping of projected SGD's averaged iterate, one row per ``T``.

    Parameters
    ----------
    params : mapping
        ``d``, ``gamma``, ``eta`` (the RCN rate, known to the learner), ``n`` (sample size),
        ``t_min``, ``t_max``, ``n_horizons``; optional ``radius`` (default 1) and ``project``
        (default True; False runs the same steps without the projection, a broken learner
        kept to show the claim fail).
    seed : SeedSequence
        The trial's seed (data, noise and SGD streams are children of it).

    Returns
    -------
    list of dict
        Per horizon (the runner adds the parameters, e.g. ``learner`` and ``radius``):
        ``horizon``, ``excess_risk``, ``gradient_mapping``,
        ``objective``, ``f_star``, ``f_star_gap_bound`` (the minimum's certificate),
        ``excess_bound`` (``R G/sqrt(T)``), ``gradient_mapping_bound``, ``coef_norm``,
        ``disagreement`` (exact, of ``w_bar_T``), ``step``, ``lipschitz``, ``smoothness``,
        ``convex`` (``radius <= convexity_radius(eta)``).

    Examples
    --------
    >>> p = {"d": 5, "gamma": 0.1, "eta": 0.1, "n": 500, "t_min": 10, "t_max": 100,
    ...      "n_horizons": 2}
    >>> rows = projected_sgd_trial(p, np.random.SeedSequence(0))
    >>> [r["horizon"] for r in rows], all(r["excess_risk"] > 0 for r in rows)
    ([10, 100], True)
    """
    d, n = int(params["d"]), int(params["n"])
    gamma, eta = float(params["gamma"]), float(params["eta"])
    radius = float(params.get("radius", 1.0))
    project = bool(params.get("project", True))
    ts = horizons(params["t_min"], params["t_max"], params["n_horizons"])
    gen = data.MarginHalfspace(d=d, gamma=gamma, random_state=_child(seed, _DATA))
    X, y = gen.sample(n)
    y = noise.RCN(eta).corrupt(y, random_state=_child(seed, _NOISE))
    G = convergence.lipschitz_constant(eta, radius)
    L = convergence.smoothness_constant(eta, radius)
    best = convergence.ball_minimum(X, y, eta, radius=radius)
    convex = radius <= convergence.convexity_radius(eta)
    rng = np.random.default_rng(_child(seed, _LEARNER))
    rows = []
    for T in ts:
        step = radius / (G * math.sqrt(T))
        run = convergence.projected_sgd(X, y, eta, int(T), radius=radius if project else math.inf,
                                        step=step, random_state=rng)
        w = run.average
        val, _ = convergence.forward_objective(w, X, y, eta)
        gm = convergence.gradient_mapping(w, X, y, eta, radius=radius, mu=1.0 / L)
        bound = radius * G / math.sqrt(T)
        rows.append({
            "horizon": int(T),
            "excess_risk": float(val - best.value),
            "gradient_mapping": float(np.linalg.norm(gm)),
            "objective": float(val),
            "f_star": best.value,
            "f_star_gap_bound": best.gap_bound,
            "excess_bound": bound,
            "gradient_mapping_bound": math.sqrt(2.0 * L * bound),
            "coef_norm": float(np.linalg.norm(w)),
            "disagreement": float(gen.disagreement(w)) if np.any(w) else 0.5,
            "step": step,
            "lipschitz": G,
            "smoothness": L,
            "convex": bool(convex),
        })
    return rows


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _matrix(rows: Sequence[Mapping[str, Any]], col: str) -> tuple[np.ndarray, np.ndarray]:
    """Horizons (sorted) and a seeds x horizons matrix of ``col`` (NaN where missing)."""
    by_seed: dict[str, dict[float, float]] = {}
    for r in rows:
        by_seed.setdefault(repr(r.get("seed")), {})[_num(r.get("horizon"))] = _num(r.get(col))
    ts = np.array(sorted({t for s in by_seed.values() for t in s if math.isfinite(t)}))
    M = np.full((len(by_seed), ts.size), np.nan)
    for i, (_, traj) in enumerate(sorted(by_seed.items())):
        for j, t in enumerate(ts):
            M[i, j] = traj.get(t, math.nan)
    return ts, M


def _slope(ts: np.ndarray, M: np.ndarray, keep: np.ndarray, conf: float, seed: int) -> dict:
    """Bootstrap log-log slope over the (horizon, value) pairs of the kept horizons."""
    x = np.repeat(ts[keep][None, :], M.shape[0], axis=0).ravel()
    v = M[:, keep].ravel()
    ok = np.isfinite(v) & (v > 0)
    if ok.sum() < 3 or np.unique(x[ok]).size < 2:
        return {"slope": math.nan, "ci": [math.nan, math.nan], "from": math.nan}
    s, lo, hi = stats.slope_ci(x[ok], v[ok], confidence=conf, random_state=seed)
    return {"slope": float(s), "ci": [float(lo), float(hi)], "from": float(ts[keep][0])}


def _outside(ci: Sequence[float], floor: float, ceiling: float) -> bool:
    return ci[1] < floor or ci[0] > ceiling


def _judge(rows: Sequence[Mapping[str, Any]], claim: Mapping[str, Any], opts: Mapping) -> dict:
    rows = [{"radius": 1.0, **r} for r in rows]  # the runner's parameter column, default 1
    metric = str(claim["metric"])
    floor, ceiling = float(claim["floor"]), float(claim["ceiling"])
    c: dict[str, Any] = {k: claim[k] for k in claim}
    c.update(verdict="inconclusive", floor=floor, ceiling=ceiling)
    ts, M = _matrix(rows, metric)
    if ts.size < 3:
        c["reason"] = f"fewer than 3 horizons with {metric!r}"
        return c
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(M, axis=0)
        mean = np.nanmean(M, axis=0)
    lt = np.log(ts)
    tail = float(opts["tail"])
    keep = lt >= lt[0] + (1.0 - tail) * (lt[-1] - lt[0]) - 1e-12
    last = lt >= lt[0] + (2.0 / 3.0) * (lt[-1] - lt[0]) - 1e-12
    conf, seed = float(opts["confidence"]), int(opts["random_state"])
    fit, fit_last = _slope(ts, M, keep, conf, seed), _slope(ts, M, last, conf, seed)
    pos = med > 0
    local = (stats.local_slopes(ts[pos], med[pos]).tolist() if pos.sum() >= 3 else [])
    c.update(horizons=ts.tolist(), median=med.tolist(), mean=mean.tolist(), exponent=fit["slope"],
             ci=fit["ci"], tail_from=fit["from"], exponent_last_third=fit_last["slope"],
             ci_last_third=fit_last["ci"], local_slopes=local, n_seeds=int(M.shape[0]))
    _, norms = _matrix(rows, "coef_norm")
    _, radii = _matrix(rows, "radius")
    _, convex = _matrix(rows, "convex")
    bound = claim.get("bound")
    ratio = math.nan
    if bound:
        _, B = _matrix(rows, str(bound))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ratio = float(np.nanmax(mean / np.nanmean(B, axis=0)))
        c["max_ratio_to_bound"] = ratio
    if np.any(norms > radii * (1.0 + 1e-9)):
        c.update(verdict="inconsistent", reason="an averaged iterate lies outside the ball")
    elif not np.all(pos):
        c.update(verdict="inconsistent",
                 reason=f"median {metric} <= 0 at T = {ts[~pos][0]:g}: below the ball's minimum")
    elif bound and not ratio <= 1.0:
        c.update(verdict="inconsistent",
                 reason=f"mean {metric} exceeds {bound} (ratio {ratio:.3g})")
    elif _outside(fit["ci"], floor, ceiling) or _outside(fit_last["ci"], floor, ceiling):
        f = fit if _outside(fit["ci"], floor, ceiling) else fit_last
        c.update(verdict="inconsistent",
                 reason=f"slope {f['slope']:.3g} [{f['ci'][0]:.3g}, {f['ci'][1]:.3g}] from "
                        f"T = {f['from']:g} lies outside [{floor:g}, {ceiling:g}]")
    elif not np.all(convex == 1.0):
        c["reason"] = "the objective is not convex on this ball: the theorem does not apply"
    elif max(f["ci"][1] - f["ci"][0] for f in (fit, fit_last)) > float(opts["max_ci_width"]):
        c["reason"] = f"slope interval wider than {opts['max_ci_width']:g}"
    else:
        c.update(verdict="consistent",
                 reason=f"slope {fit['slope']:.3g} [{fit['ci'][0]:.3g}, {fit['ci'][1]:.3g}] "
                        f"(last third {fit_last['slope']:.3g}) meets [{floor:g}, {ceiling:g}]"
                        + (f"; mean <= {bound} (max ratio {ratio:.3g})" if bound else ""))
    return c


def analysis(rows: list[dict], config: dict) -> dict[str, Any]:
    """Judge each convergence claim two-sided against its floor and ceiling (module docstring).

    Parameters
    ----------
    rows : list of dict
        Rows of :func:`projected_sgd_trial` with the runner's ``seed`` column and parameter
        columns (``learner``, default :data:`LEARNER`; ``radius``, default 1).
    config : dict
        ``claims``: each with ``id``, ``metric``, ``floor``, ``ceiling``, optional ``bound``
        (a column the mean over seeds must not exceed) and ``learner`` (default
        :data:`LEARNER`); ``analysis_params``: ``tail`` (fraction of the log-``T`` range fitted,
        default 0.5), ``confidence`` (0.95), ``max_ci_width`` (0.5), ``random_state`` (0).

    Returns
    -------
    dict
        ``claims``: the claim's fields plus ``verdict``, ``reason``, ``exponent``, ``ci``,
        ``exponent_last_third``, ``ci_last_third``, ``local_slopes``, ``horizons``, ``median``,
        ``mean``, ``max_ratio_to_bound``; ``parameter`` = ``"horizon"``.

    Examples
    --------
    >>> rows = [{"seed": s, "horizon": t, "excess_risk": (1 + 0.1 * s) / t ** 0.5,
    ...          "coef_norm": 1.0, "radius": 1.0, "convex": True}
    ...         for s in range(4) for t in (10, 100, 1000, 10000)]
    >>> cfg = {"claims": [{"id": "a", "metric": "excess_risk", "floor": -1, "ceiling": -0.5}]}
    >>> analysis(rows, cfg)["claims"][0]["verdict"]
    'consistent'
    """
    opts = {**_DEFAULTS, **(config.get("analysis_params") or {})}
    claims = []
    for claim in config.get("claims") or []:
        learner = claim.get("learner", LEARNER)
        sel = [r for r in rows if r.get("learner", LEARNER) == learner]
        claims.append(_judge(sel, claim, opts))
    return {"claims": claims, "parameter": "horizon"}


#: Panels: (metric, bound column, y label, floor, ceiling).
_PANELS = (
    ("excess_risk", "excess_bound", r"$F(\bar w_T) - \min_{\|w\| \leq 1} F$", -1.0, -0.5),
    ("gradient_mapping", "gradient_mapping_bound", r"$\|G_{1/L}(\bar w_T)\|$", -0.5, -0.25),
)


def fig_convergence_forward(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Excess risk and gradient mapping of projected SGD against ``T`` (log-log), two panels.

    Median over seeds with an IQR band, the theorem's bound (mean over seeds of the bound
    column) and reference slopes at the claim's floor and ceiling, anchored at the first
    median; the fitted slopes of the summary are printed in each panel. Non-positive values
    cannot be drawn on a log axis and are left out (the analysis calls them inconsistent).

    Parameters
    ----------
    results_dir : Path
        The experiment's results directory (``trials.csv`` and ``summary.json``).
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
        The files written (none if there are no rows).
    """
    rows, summary = plotting.load_results(results_dir)
    rows = [r for r in rows if r.get("learner", LEARNER) == LEARNER]
    if not rows:
        return []
    fitted = {c.get("metric"): c for c in (summary.get("claims") or [])}
    with plotting.paper_style():
        fig, axes = plotting.new_figure(1, len(_PANELS), width="full", height=2.6)
        for k, (ax, (metric, bound, ylabel, floor, ceiling)) in enumerate(
            zip(np.atleast_1d(axes), _PANELS)
        ):
            x, Y = plotting.seed_matrix(rows, "horizon", metric)
            if x.size == 0:
                ax.set_axis_off()
                continue
            Y = np.where(Y > 0, Y, np.nan)
            plotting.median_band(ax, x, Y, style=LEARNER, label="projected SGD (median, IQR)")
            bx, bY = plotting.seed_matrix(rows, "horizon", bound)
            ax.plot(bx, np.nanmean(bY, axis=1), color=plotting.THEORY_COLOR, linestyle="-.",
                    linewidth=0.9, label="theorem's bound")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                med = np.nanmedian(Y, axis=1)
            ok = np.isfinite(med)
            if ok.any():
                anchor = (float(x[ok][0]), float(med[ok][0]))
                for e, ls in ((ceiling, "--"), (floor, ":")):
                    plotting.theory_line(ax, x, e, anchor, label=f"slope {e:g}", var="T",
                                         linestyle=ls)
            c = fitted.get(metric)
            if c and c.get("exponent") is not None:
                ci = c.get("ci") or [math.nan, math.nan]
                ax.text(0.03, 0.04, f"fit {c['exponent']:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]: "
                        f"{c.get('verdict')}", transform=ax.transAxes, fontsize=6)
            plotting.loglog(ax, xlabel="horizon $T$", ylabel=ylabel, legend="upper right")
            ax.set_title(f"({'ab'[k]})", fontsize=7, loc="left")
        return plotting.save_figure(fig, figures_dir, "convergence_forward")
