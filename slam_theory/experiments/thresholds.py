"""Samples needed to reach a target error, and the exponent of their growth: the threshold
machinery of the sample-complexity, noise-rate and dimension experiments.

1. **Threshold.**  For each series (a learner, plus any other grid parameter that varies) and each
   value of the swept parameter, take the median over seeds of the measured ``disagreement`` in
   every cell of the ``n`` grid, and find the first grid point ``n_k`` at which the median is
   ``<= eps``.  The crossing is refined by log-log interpolation between ``(n_{k-1}, m_{k-1})`` and
   ``(n_k, m_k)``: ``log n`` is interpolated linearly in ``log m`` (exact if the median decays as a
   power of ``n`` between grid points; linear interpolation in ``m`` is used when a median is 0).
   If no grid point reaches ``eps`` the point is *censored*; if already the smallest ``n`` does,
   it is *below the grid* (only an upper bound ``n_needed <= n_min`` is known).  Both are excluded
   from the fit and reported.
2. **Fit.**  Ordinary least squares of ``log n_needed`` against ``log x`` with ``x = 1/eps``,
   ``1/gamma``, ``1/(1 - 2 eta)`` or ``d``; the slope is the fitted exponent.
3. **Interval.**  A stratified percentile bootstrap: within every cell (series, parameter value,
   ``n``) the seeds are resampled with replacement, the medians, thresholds and slope are
   recomputed (a replicate uses the points that are uncensored in that replicate and needs at
   least two of them); the interval is the ``(1 - c)/2`` and ``(1 + c)/2`` quantiles of the valid
   replicate slopes.  ``scipy.stats.bootstrap`` is not used because the statistic is a function of
   many independently resampled strata.  The generator is ``numpy.random.default_rng([seed,
   crc32(series key)])`` with ``seed = analysis_params["bootstrap_seed"]`` (default 0), so the
   summary is deterministic.

The threshold is the median-crossing rule above (of the median over seeds, interpolated), not
:func:`slam_theory.stats.threshold_n` (per seed, staying below); the two answer different
questions and the summaries keep this one.

Examples
--------
>>> import numpy as np
>>> n, status = crossing(np.array([10.0, 100.0]), np.array([[0.1, 0.01]]), 0.03)
>>> round(float(n[0]), 6), int(status[0])
(33.333333, 0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from slam_theory.experiments.halfspace_claims import (
    base_claim,
    boot_medians,
    claim_key,
    claim_rows,
    describe_series,
    filter_rows,
    fit_with_bootstrap,
    nuisance,
    num,
    option,
    record_fit,
    require_columns,
    series_groups,
    series_rng,
)
from slam_theory.stats import percentile_interval

__all__ = [
    "PARAMS",
    "X_LABEL",
    "crossing",
    "default_param",
    "eps_list",
    "exponent_claim",
    "threshold_tables",
    "thresholds_of",
    "x_of",
]

#: Parameters a threshold exponent can be measured against.
PARAMS: tuple[str, ...] = ("eps", "gamma", "eta", "d")


def crossing(ns: np.ndarray, med: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """First-crossing sample size per row of ``med`` (shape ``(B, G)``), log-log interpolated.

    Returns ``n_needed`` (NaN unless status 0) and ``status`` (0 ok, 1 censored, 2 below grid).
    """
    med = np.atleast_2d(med)
    below = med <= eps  # NaN -> False (not reached)
    reached = below.any(axis=1)
    k = np.argmax(below, axis=1)
    status = np.where(~reached, 1, np.where(k == 0, 2, 0))
    out = np.full(med.shape[0], np.nan)
    sel = status == 0
    if np.any(sel):
        kk = k[sel]
        rows = np.nonzero(sel)[0]
        m0 = med[rows, kk - 1]
        m1 = med[rows, kk]
        ln0 = np.log(ns[kk - 1])
        ln1 = np.log(ns[kk])
        with np.errstate(divide="ignore", invalid="ignore"):
            t_log = (math.log(eps) - np.log(m0)) / (np.log(m1) - np.log(m0)) if eps > 0 else 0
            t_lin = (eps - m0) / (m1 - m0)
        t = np.where((m0 > 0) & (m1 > 0) & (eps > 0), t_log, t_lin)
        t = np.clip(np.nan_to_num(t, nan=1.0), 0.0, 1.0)
        out[rows] = np.exp(ln0 + t * (ln1 - ln0))
    return out, status


def x_of(param: str, values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if param in ("eps", "gamma"):
        return 1.0 / v
    if param == "eta":
        return 1.0 / (1.0 - 2.0 * v)
    return v


#: The abscissa of each parameter, as text.
X_LABEL: dict[str, str] = {"eps": "1/eps", "gamma": "1/gamma", "eta": "1/(1-2eta)", "d": "d"}


def _cell_medians(
    rows: Sequence[dict], n_boot: int, rng: np.random.Generator, measure: str = "disagreement"
) -> tuple[np.ndarray, np.ndarray]:
    """Grid of ``n`` values and bootstrap medians per ``n`` cell: shapes ``(G,)``, ``(B+1, G)``."""
    by_n: dict[float, list[float]] = {}
    for r in rows:
        n = num(r.get("n"))
        if math.isfinite(n) and n > 0:
            by_n.setdefault(n, []).append(num(r.get(measure)))
    ns = np.array(sorted(by_n), dtype=float)
    med = np.full((n_boot + 1, ns.size), np.nan)
    for j, n in enumerate(ns):
        med[:, j] = boot_medians(np.array(by_n[n]), n_boot, rng)
    return ns, med


def thresholds_of(
    rows: Sequence[dict],
    param: str,
    eps_list: Sequence[float],
    n_boot: int,
    rng: np.random.Generator,
) -> dict[float, dict[str, Any]]:
    """``n_needed`` per value of ``param`` (and per eps) for one series, with bootstrap replicates.

    Returns ``{eps: {"values", "x", "n_needed" (B+1, P), "status" (P,)}}``; row 0 of
    ``n_needed`` is the point estimate and ``status`` refers to it.
    """
    out: dict[float, dict[str, Any]] = {}
    if param == "eps":
        ns, med = _cell_medians(rows, n_boot, rng)
        values = np.array(sorted(float(e) for e in eps_list))[::-1]  # increasing 1/eps
        N = np.full((n_boot + 1, values.size), np.nan)
        st = np.zeros(values.size, dtype=int)
        for j, e in enumerate(values):
            nn, s = crossing(ns, med, float(e))
            N[:, j] = np.where(s == 0, nn, np.nan)
            st[j] = s[0]
        key = math.nan
        out[key] = {"values": values, "x": x_of("eps", values), "n_needed": N, "status": st}
        return out
    groups: dict[float, list[dict]] = {}
    for r in rows:
        v = num(r.get(param))
        if math.isfinite(v):
            groups.setdefault(v, []).append(r)
    values = np.array(sorted(groups), dtype=float)
    meds = [_cell_medians(groups[v], n_boot, rng) for v in values]
    for e in eps_list:
        N = np.full((n_boot + 1, values.size), np.nan)
        st = np.zeros(values.size, dtype=int)
        for j, (ns, med) in enumerate(meds):
            nn, s = crossing(ns, med, float(e))
            N[:, j] = np.where(s == 0, nn, np.nan)
            st[j] = s[0]
        out[float(e)] = {"values": values, "x": x_of(param, values), "n_needed": N, "status": st}
    return out


def eps_list(config: dict, claim: dict | None, param: str, func: str) -> list[float]:
    eps = option(config, claim, "eps")
    if eps is None:
        raise ValueError(
            f"{func}: analysis_params.eps (or the claim's eps) is required for parameter {param!r}"
        )
    lst = [float(e) for e in (eps if isinstance(eps, list | tuple) else [eps])]
    if not lst or any(not (0.0 < e < 1.0) for e in lst):
        raise ValueError(f"{func}: eps values must be in (0, 1), got {eps!r}")
    return lst


def default_param(rows: Sequence[dict], config: dict) -> str:
    ap = config.get("analysis_params") or {}
    if "parameter" in ap:
        return str(ap["parameter"])
    for c in config.get("claims") or []:
        if "parameter" in c:
            return str(c["parameter"])
    eps = ap.get("eps")
    if isinstance(eps, list | tuple) and len(eps) > 1:
        return "eps"
    for p in ("gamma", "eta", "d"):
        if len({repr(r.get(p)) for r in rows if p in r}) > 1:
            return p
    return "eps"


def _status_names(st: np.ndarray) -> list[str]:
    return [("ok", "censored", "below_grid")[int(s)] for s in st]


def _fit_threshold(th: dict[str, Any], confidence: float) -> dict[str, Any]:
    N = th["n_needed"]
    fit = fit_with_bootstrap(th["x"], N[0], N[1:], confidence=confidence)
    st = th["status"]
    fit["censored"] = [float(v) for v, s in zip(th["values"], st) if s == 1]
    fit["below_grid"] = [float(v) for v, s in zip(th["values"], st) if s == 2]
    return fit


def _pick_eps(ths: dict[float, dict], claim: dict | None) -> float:
    keys = list(ths)
    if claim is not None and "eps" in claim and not isinstance(claim["eps"], list | tuple):
        want = float(claim["eps"])
        for k in keys:
            if math.isclose(k, want, rel_tol=1e-9):
                return k
    if len(keys) == 1:
        return keys[0]
    # most uncensored points, ties -> smaller eps
    return sorted(keys, key=lambda e: (-int(np.sum(ths[e]["status"] == 0)), e))[0]


def exponent_claim(
    rows: Sequence[dict], config: dict, claim: dict, param: str, func: str
) -> dict[str, Any]:
    """Evaluate one exponent claim on n_needed vs x(param)."""
    c = base_claim(claim, parameter=param, x=X_LABEL.get(param, param))
    c["kind"] = claim.get("kind", "upper")
    sel, err = claim_rows(rows, config, claim, exclude=("n", param))
    if err:
        c["reason"] = err
        return c
    if param != "eps":
        require_columns(sel, [param], func)
    targets = eps_list(config, claim, param, func)
    n_boot = int(option(config, claim, "n_boot"))
    conf = float(option(config, claim, "confidence"))
    rng = series_rng(config, claim, f"{claim_key(rows, config, claim, ('n', param))}|{param}")
    ths = thresholds_of(sel, param, targets, n_boot, rng)
    e = _pick_eps(ths, claim)
    th = ths[e]
    fit = _fit_threshold(th, conf)
    record_fit(c, fit, claim.get("theory_exponent"), config, claim)
    c.update(
        censored=fit["censored"],
        below_grid=fit["below_grid"],
        r2=fit["r2"],
        valid_fraction=fit["valid_fraction"],
        n_boot=n_boot,
        values=th["values"],
        n_needed=th["n_needed"][0],
    )
    if param != "eps":
        c["eps"] = e
    return c


def threshold_tables(
    rows: Sequence[dict], config: dict, param: str, func: str
) -> tuple[dict, dict, dict]:
    """Thresholds, fits and series descriptions for every series (what the figures draw).

    Each threshold table holds ``values``, ``x``, ``n_needed`` (point estimates), ``status``
    and ``n_ci``: per value the percentile interval of the bootstrap replicates of
    ``n_needed`` (``[None, None]`` when fewer than half of them cross).
    """
    targets = eps_list(config, None, param, func)
    n_boot = int(option(config, None, "n_boot"))
    conf = float(option(config, None, "confidence"))
    sel = filter_rows(rows, option(config, None, "where"))
    nz = nuisance(sel, config, exclude=("n", param))
    thresholds: dict[str, Any] = {}
    fits: dict[str, Any] = {}
    groups = series_groups(sel, nz)
    for key, srows in groups.items():
        ths = thresholds_of(srows, param, targets, n_boot, series_rng(config, None,
                                                                       f"{key}|{param}"))
        thresholds[key] = {}
        fits[key] = {}
        for e, th in ths.items():
            ek = "all" if param == "eps" else repr(e)
            thresholds[key][ek] = {
                "values": th["values"],
                "x": th["x"],
                "n_needed": th["n_needed"][0],
                "status": _status_names(th["status"]),
                "n_ci": [_point_interval(col, conf) for col in th["n_needed"][1:].T],
            }
            f = _fit_threshold(th, conf)
            fits[key][ek] = {k: f[k] for k in ("exponent", "ci", "n_points", "r2")}
    return thresholds, fits, describe_series(groups, nz)


def _point_interval(replicates: np.ndarray, confidence: float) -> list[float]:
    lo, hi, frac = percentile_interval(replicates, confidence)
    return [lo, hi] if frac >= 0.5 else [math.nan, math.nan]
