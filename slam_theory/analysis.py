"""Analysis functions for the sweep engine: fitted exponents, bootstrap intervals, verdicts.

Every public function has the signature ``f(rows: list[dict], config: dict) -> dict`` (see
``/work/notes/CONTRACTS.md``): ``rows`` are the rows of ``results/<name>/trials.csv`` (numbers
parsed back), ``config`` the resolved preset config (keys ``name``, ``preset``, ``fixed``,
``grid``, ``analysis_params``, ``claims``, ``seeds``).  Each returns a JSON-serialisable dict with
a ``"claims"`` list; every claim carries ``id``, ``statement``, ``learner``, ``parameter``,
``exponent``, ``ci`` (``[lo, hi]``), ``theory_exponent``, ``verdict`` and ``reason``.

How a claim is checked (DESIGN.md section 5)
--------------------------------------------
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
4. **Verdict** (:func:`verdict`).  ``kind = "upper"`` (an upper bound ``n <= C x^a``: the fitted
   exponent must not be larger within the interval): consistent iff ``ci_lo <= a``, inconsistent
   iff ``ci_lo > a``.  ``kind = "lower"``: consistent iff ``ci_hi >= a``.  ``kind = "two_sided"``:
   consistent iff ``ci_lo <= a <= ci_hi``.  Inconclusive, whatever the interval, when fewer than
   ``min_points`` (default 3) uncensored points were fitted, when fewer than half of the bootstrap
   replicates gave a slope, or when the interval is wider than ``max_ci_width`` (default 1.0: an
   exponent known only to within +-0.5 tests nothing).

   Caveat: with very few seeds per cell (<= 5, the quick presets) the percentile bootstrap of a
   median under-covers (the resampled medians take only a handful of values); with 9 or more
   seeds the synthetic power-law checks in ``tests/test_analysis.py`` covered the true exponent.

Options (``config["analysis_params"]``, each overridable per claim): ``n_boot`` (999),
``bootstrap_seed`` (0), ``confidence`` (0.95), ``max_ci_width`` (1.0), ``min_points`` (3),
``where`` (a ``{param: value}`` filter applied to the rows first).
"""

from __future__ import annotations

import math
import warnings
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "convergence",
    "dimension_free",
    "fit_power_law",
    "noise_rate",
    "robustness",
    "sample_complexity",
    "verdict",
]

_DEFAULTS: dict[str, Any] = {
    "n_boot": 999,
    "bootstrap_seed": 0,
    "confidence": 0.95,
    "max_ci_width": 1.0,
    "min_points": 3,
}
_ENGINE_COLS = {"seed", "row"}
_PARAMS = ("eps", "gamma", "eta", "d")
_CONVERGENCE_THEORY = {
    "stationarity": -0.5,
    "grad_norm_sq": -0.5,
    "grad_norm": -0.25,
    "objective_gap": -0.5,
    "best_gap": -0.5,
    "e1": -0.5,
    "best_disagreement": -0.5,
    "objective": -0.5,
    "disagreement": -0.5,
}
_CONVERGENCE_REFERENCE = {
    "stationarity": "O(1/sqrt(T)) stationarity of SGD on a smooth non-convex objective, "
    "min_{t<=T} ||grad F(w_t)||^2 (Ghadimi & Lan 2013); SLaM's own theorem text unavailable",
    "grad_norm_sq": "O(1/sqrt(T)) stationarity (Ghadimi & Lan 2013) for ||grad F||^2",
    "grad_norm": "||grad F|| = O(T^(-1/4)), the square root of the O(1/sqrt(T)) stationarity rate",
    "objective_gap": "O(1/sqrt(T)) objective gap of (projected) stochastic subgradient methods",
    "best_gap": "DDKWZ23 best-iterate LeakyReLU gap <= 2(1-eta)/sqrt(T+1)",
    "e1": "DDKWZ23 E1: (1/T) sum_t <g(w_t), w_t - w*> <= 2(1-eta)/sqrt(T+1)",
    "best_disagreement": "DDKWZ23 E1 ~ 1/(gamma sqrt(T)): error of the selected iterate",
    "objective": "O(1/sqrt(T)) objective gap",
    "disagreement": "DDKWZ23 E1 ~ 1/(gamma sqrt(T)) (best-iterate gap / ((1-2eta) gamma))",
}


# --------------------------------------------------------------------------- small helpers
def _jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays and non-finite floats (-> None) to plain JSON values."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return f if math.isfinite(f) else None
    return obj


def _require(rows: Sequence[dict], cols: Iterable[str], func: str) -> None:
    if not isinstance(rows, list | tuple):
        raise TypeError(f"{func}: rows must be a list of dicts, got {type(rows).__name__}")
    cols = list(cols)
    if not rows:
        raise ValueError(f"{func}: rows is empty (need columns {cols})")
    missing = sorted({c for c in cols for r in rows if c not in r})
    if missing:
        raise ValueError(f"{func}: rows are missing required column(s) {missing}")


def _opt(config: dict, claim: dict | None, key: str, default: Any = None) -> Any:
    if claim is not None and key in claim:
        return claim[key]
    ap = config.get("analysis_params") or {}
    if key in ap:
        return ap[key]
    return _DEFAULTS.get(key, default)


def _num(v: Any) -> float:
    """A cell as float; None, strings and non-finite -> NaN."""
    if v is None or isinstance(v, str | bool):
        return math.nan
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f if math.isfinite(f) else math.nan


def _filter(rows: Sequence[dict], where: dict | None, learner: Any = None) -> list[dict]:
    out = list(rows)
    if learner is not None:
        out = [r for r in out if r.get("learner") == learner]
    for k, v in (where or {}).items():
        out = [r for r in out if _eq(r.get(k), v)]
    return out


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _nuisance(rows: Sequence[dict], config: dict, exclude: Iterable[str]) -> list[str]:
    """Grid parameters (other than ``exclude``) that take more than one value in ``rows``."""
    excl = set(exclude) | _ENGINE_COLS | {"learner"}
    out = []
    for k in sorted((config.get("grid") or {}).keys()):
        if k in excl:
            continue
        vals = {repr(r.get(k)) for r in rows}
        if len(vals) > 1:
            out.append(k)
    return out


def _series(rows: Sequence[dict], keys: Sequence[str]) -> dict[str, list[dict]]:
    """Group rows by learner and the parameters ``keys``; key ``learner|k=v|...``."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        name = str(r.get("learner"))
        for k in keys:
            name += f"|{k}={r.get(k)}"
        groups.setdefault(name, []).append(r)
    return dict(sorted(groups.items()))


def _rng(config: dict, claim: dict | None, key: str) -> np.random.Generator:
    seed = int(_opt(config, claim, "bootstrap_seed"))
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _boot_medians(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Median of ``values`` (NaN dropped) and of ``n_boot`` resamples: shape ``(n_boot + 1,)``."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    out = np.full(n_boot + 1, np.nan)
    if v.size == 0:
        return out
    out[0] = np.median(v)
    if n_boot > 0:
        idx = rng.integers(0, v.size, size=(n_boot, v.size))
        out[1:] = np.median(v[idx], axis=1)
    return out


def _quantile_ci(samples: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Percentile interval of the finite ``samples`` and the fraction that were finite."""
    s = np.asarray(samples, dtype=float)
    ok = s[np.isfinite(s)]
    if s.size == 0 or ok.size == 0:
        return math.nan, math.nan, 0.0
    a = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(ok, [a, 1.0 - a])
    return float(lo), float(hi), ok.size / s.size


def _slopes(logx: np.ndarray, logy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise least-squares slope and intercept of ``logy[b]`` on ``logx``, NaN-masked.

    Rows with fewer than two finite points (or no spread in ``x``) give NaN.
    """
    logy = np.atleast_2d(np.asarray(logy, dtype=float))
    x = np.broadcast_to(np.asarray(logx, dtype=float), logy.shape)
    m = np.isfinite(logy) & np.isfinite(x)
    w = m.astype(float)
    cnt = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xs = np.where(m, x, 0.0)
        ys = np.where(m, logy, 0.0)
        xbar = xs.sum(axis=1) / cnt
        ybar = ys.sum(axis=1) / cnt
        dx = np.where(m, x - xbar[:, None], 0.0)
        dy = np.where(m, logy - ybar[:, None], 0.0)
        sxx = (dx * dx).sum(axis=1)
        slope = (dx * dy).sum(axis=1) / sxx
        intercept = ybar - slope * xbar
    bad = (cnt < 2) | ~(sxx > 1e-12)
    slope[bad] = np.nan
    intercept[bad] = np.nan
    return slope, intercept


def verdict(
    exponent: float | None,
    ci: Sequence[float | None],
    theory: float | None,
    *,
    kind: str = "upper",
    n_points: int,
    min_points: int = 3,
    max_ci_width: float = 1.0,
    valid_fraction: float = 1.0,
) -> tuple[str, str]:
    """Verdict of a fitted exponent against a theoretical one.

    Parameters
    ----------
    exponent : float or None
        Fitted exponent (point estimate).
    ci : sequence of two floats
        Bootstrap interval ``[lo, hi]``.
    theory : float or None
        The theorem's exponent; ``None`` gives ``"inconclusive"`` (nothing to compare with).
    kind : {"upper", "lower", "two_sided"}
        ``"upper"``: the theorem is an upper bound ``y <= C x^theory``; consistent iff
        ``lo <= theory`` (the fitted exponent is not larger within the interval), else
        inconsistent.  ``"lower"``: consistent iff ``hi >= theory``.  ``"two_sided"``:
        consistent iff ``lo <= theory <= hi``.
    n_points : int
        Number of (uncensored) points in the fit.
    min_points : int, default 3
        Fewer fitted points -> ``"inconclusive"``.
    max_ci_width : float, default 1.0
        A wider interval -> ``"inconclusive"``.
    valid_fraction : float, default 1.0
        Fraction of bootstrap replicates that produced a slope; below 1/2 -> ``"inconclusive"``.

    Returns
    -------
    verdict : {"consistent", "inconsistent", "inconclusive"}
    reason : str
        One sentence explaining the verdict.
    """
    if kind not in ("upper", "lower", "two_sided"):
        raise ValueError(f"kind must be 'upper', 'lower' or 'two_sided', got {kind!r}")
    lo = _num(ci[0]) if ci is not None else math.nan
    hi = _num(ci[1]) if ci is not None else math.nan
    if theory is None or not math.isfinite(_num(theory)):
        return "inconclusive", "no theoretical exponent to compare with (measured only)"
    if n_points < min_points:
        return "inconclusive", f"only {n_points} uncensored point(s) (< {min_points})"
    if (
        exponent is None
        or not math.isfinite(_num(exponent))
        or not (math.isfinite(lo) and math.isfinite(hi))
    ):
        return "inconclusive", "no finite fit / bootstrap interval"
    if valid_fraction < 0.5:
        return "inconclusive", f"only {valid_fraction:.0%} of bootstrap replicates gave a slope"
    if hi - lo > max_ci_width:
        return "inconclusive", f"CI width {hi - lo:.3g} > max_ci_width {max_ci_width:g}"
    t = float(theory)
    if kind == "upper":
        if lo <= t:
            return "consistent", f"CI lo {lo:.3g} <= theory {t:g} (exponent not above the bound's)"
        return "inconsistent", f"CI lo {lo:.3g} > theory {t:g} (exponent above the bound's)"
    if kind == "lower":
        if hi >= t:
            return "consistent", f"CI hi {hi:.3g} >= theory {t:g} (exponent not below the bound's)"
        return "inconsistent", f"CI hi {hi:.3g} < theory {t:g} (exponent below the bound's)"
    if lo <= t <= hi:
        return "consistent", f"theory {t:g} inside CI [{lo:.3g}, {hi:.3g}]"
    return "inconsistent", f"theory {t:g} outside CI [{lo:.3g}, {hi:.3g}]"


def fit_power_law(
    x: Sequence[float],
    y: Sequence[float],
    boot_y: np.ndarray | None = None,
    *,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Least-squares fit of ``log y = log C + a log x`` with an optional bootstrap interval.

    Parameters
    ----------
    x, y : sequence of float
        Points; non-positive or non-finite ``y`` are excluded.
    boot_y : ndarray of shape (B, len(x)), optional
        Bootstrap replicates of ``y`` (non-finite entries excluded per replicate).
    confidence : float, default 0.95
        Level of the percentile interval.

    Returns
    -------
    dict
        ``exponent``, ``log_constant``, ``ci`` ([lo, hi] or [None, None]), ``n_points``,
        ``valid_fraction`` (bootstrap replicates with a slope), ``r2``.
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise ValueError(f"x and y must be 1-d of equal length, got {xa.shape} and {ya.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        lx = np.where(xa > 0, np.log(xa), np.nan)
        ly = np.where(ya > 0, np.log(ya), np.nan)
    slope, icpt = _slopes(lx, ly[None, :])
    ok = np.isfinite(lx) & np.isfinite(ly)
    r2 = math.nan
    if ok.sum() >= 2 and np.isfinite(slope[0]):
        resid = ly[ok] - (icpt[0] + slope[0] * lx[ok])
        tot = ((ly[ok] - ly[ok].mean()) ** 2).sum()
        r2 = float(1.0 - (resid**2).sum() / tot) if tot > 0 else math.nan
    lo = hi = math.nan
    frac = 0.0
    if boot_y is not None and np.size(boot_y):
        by = np.asarray(boot_y, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            lby = np.where(by > 0, np.log(by), np.nan)
        bs, _ = _slopes(lx, lby)
        lo, hi, frac = _quantile_ci(bs, confidence)
    return {
        "exponent": float(slope[0]),
        "log_constant": float(icpt[0]),
        "ci": [lo, hi],
        "n_points": int(ok.sum()),
        "valid_fraction": float(frac),
        "r2": r2,
    }


# --------------------------------------------------------------------------- thresholds
def _crossing(ns: np.ndarray, med: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
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


def _x_of(param: str, values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if param in ("eps", "gamma"):
        return 1.0 / v
    if param == "eta":
        return 1.0 / (1.0 - 2.0 * v)
    return v


_X_LABEL = {"eps": "1/eps", "gamma": "1/gamma", "eta": "1/(1-2eta)", "d": "d"}


def _cell_medians(
    rows: Sequence[dict], n_boot: int, rng: np.random.Generator, measure: str = "disagreement"
) -> tuple[np.ndarray, np.ndarray]:
    """Grid of ``n`` values and bootstrap medians per ``n`` cell: shapes ``(G,)``, ``(B+1, G)``."""
    by_n: dict[float, list[float]] = {}
    for r in rows:
        n = _num(r.get("n"))
        if math.isfinite(n) and n > 0:
            by_n.setdefault(n, []).append(_num(r.get(measure)))
    ns = np.array(sorted(by_n), dtype=float)
    med = np.full((n_boot + 1, ns.size), np.nan)
    for j, n in enumerate(ns):
        med[:, j] = _boot_medians(np.array(by_n[n]), n_boot, rng)
    return ns, med


def _thresholds(
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
            nn, s = _crossing(ns, med, float(e))
            N[:, j] = np.where(s == 0, nn, np.nan)
            st[j] = s[0]
        key = math.nan
        out[key] = {"values": values, "x": _x_of("eps", values), "n_needed": N, "status": st}
        return out
    groups: dict[float, list[dict]] = {}
    for r in rows:
        v = _num(r.get(param))
        if math.isfinite(v):
            groups.setdefault(v, []).append(r)
    values = np.array(sorted(groups), dtype=float)
    meds = [_cell_medians(groups[v], n_boot, rng) for v in values]
    for e in eps_list:
        N = np.full((n_boot + 1, values.size), np.nan)
        st = np.zeros(values.size, dtype=int)
        for j, (ns, med) in enumerate(meds):
            nn, s = _crossing(ns, med, float(e))
            N[:, j] = np.where(s == 0, nn, np.nan)
            st[j] = s[0]
        out[float(e)] = {"values": values, "x": _x_of(param, values), "n_needed": N, "status": st}
    return out


def _eps_list(config: dict, claim: dict | None, param: str, func: str) -> list[float]:
    eps = _opt(config, claim, "eps")
    if eps is None:
        raise ValueError(
            f"{func}: analysis_params.eps (or the claim's eps) is required for parameter {param!r}"
        )
    lst = [float(e) for e in (eps if isinstance(eps, list | tuple) else [eps])]
    if not lst or any(not (0.0 < e < 1.0) for e in lst):
        raise ValueError(f"{func}: eps values must be in (0, 1), got {eps!r}")
    return lst


def _default_param(rows: Sequence[dict], config: dict) -> str:
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
    fit = fit_power_law(th["x"], N[0], N[1:], confidence=confidence)
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


def _base_claim(claim: dict, **extra: Any) -> dict[str, Any]:
    out = {
        "id": str(claim.get("id", "")),
        "statement": str(claim.get("statement", "")),
        "learner": claim.get("learner"),
        "parameter": claim.get("parameter"),
        "exponent": None,
        "ci": [None, None],
        "theory_exponent": claim.get("theory_exponent"),
        "verdict": "inconclusive",
        "reason": "",
    }
    out.update(extra)
    return out


def _claim_rows(
    rows: Sequence[dict], config: dict, claim: dict, exclude: Iterable[str]
) -> tuple[list[dict], str | None]:
    """Rows of a claim (learner + where); an error message if they are ambiguous or empty."""
    where = {**(_opt(config, None, "where") or {}), **(claim.get("where") or {})}
    sel = _filter(rows, where, claim.get("learner"))
    if not sel:
        return sel, f"no rows for learner={claim.get('learner')!r} where={where}"
    nz = _nuisance(sel, config, exclude)
    if nz:
        vals = {k: sorted({repr(r.get(k)) for r in sel}) for k in nz}
        return sel, f"ambiguous: grid parameter(s) {vals} vary; pin them with the claim's `where`"
    return sel, None


def _claim_key(rows: Sequence[dict], config: dict, claim: dict, exclude: Iterable[str]) -> str:
    """Series key of a claim, equal to the summary tables' key when the claim selects the same rows.

    Using the same key seeds the same bootstrap stream, so a claim's interval equals the one in
    ``fits``/``final`` for its series.
    """
    glob = _opt(config, None, "where") or {}
    nz = _nuisance(_filter(rows, glob), config, exclude)
    sel = _filter(rows, {**glob, **(claim.get("where") or {})}, claim.get("learner"))
    name = str(claim.get("learner"))
    for k in nz:
        name += f"|{k}={sel[0].get(k) if sel else None}"
    return name


def _exponent_claim(
    rows: Sequence[dict], config: dict, claim: dict, param: str, func: str
) -> dict[str, Any]:
    """Evaluate one exponent claim on n_needed vs x(param)."""
    c = _base_claim(claim, parameter=param, x=_X_LABEL.get(param, param))
    c["kind"] = claim.get("kind", "upper")
    sel, err = _claim_rows(rows, config, claim, exclude=("n", param))
    if err:
        c["reason"] = err
        return c
    if param != "eps":
        _require(sel, [param], func)
    eps_list = _eps_list(config, claim, param, func)
    n_boot = int(_opt(config, claim, "n_boot"))
    conf = float(_opt(config, claim, "confidence"))
    rng = _rng(config, claim, f"{_claim_key(rows, config, claim, ('n', param))}|{param}")
    ths = _thresholds(sel, param, eps_list, n_boot, rng)
    e = _pick_eps(ths, claim)
    th = ths[e]
    fit = _fit_threshold(th, conf)
    _record_fit(c, fit, claim.get("theory_exponent"), config, claim)
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


def _record_fit(
    c: dict[str, Any], fit: dict[str, Any], theory: Any, config: Mapping[str, Any],
    claim: Mapping[str, Any],
) -> None:
    """Judge a power-law fit against ``theory``; record exponent, interval, verdict in ``c``."""
    v, why = verdict(
        fit["exponent"],
        fit["ci"],
        theory,
        kind=c["kind"],
        n_points=fit["n_points"],
        min_points=int(_opt(config, claim, "min_points")),
        max_ci_width=float(_opt(config, claim, "max_ci_width")),
        valid_fraction=fit["valid_fraction"],
    )
    c.update(exponent=fit["exponent"], ci=fit["ci"], verdict=v, reason=why,
             n_points=fit["n_points"])


def _threshold_tables(
    rows: Sequence[dict], config: dict, param: str, func: str
) -> tuple[dict, dict]:
    """Thresholds and fits for every series (for figures)."""
    eps_list = _eps_list(config, None, param, func)
    n_boot = int(_opt(config, None, "n_boot"))
    conf = float(_opt(config, None, "confidence"))
    sel = _filter(rows, _opt(config, None, "where"))
    nz = _nuisance(sel, config, exclude=("n", param))
    thresholds: dict[str, Any] = {}
    fits: dict[str, Any] = {}
    for key, srows in _series(sel, nz).items():
        ths = _thresholds(srows, param, eps_list, n_boot, _rng(config, None, f"{key}|{param}"))
        thresholds[key] = {}
        fits[key] = {}
        for e, th in ths.items():
            ek = "all" if param == "eps" else repr(e)
            thresholds[key][ek] = {
                "values": th["values"],
                "x": th["x"],
                "n_needed": th["n_needed"][0],
                "status": _status_names(th["status"]),
            }
            f = _fit_threshold(th, conf)
            fits[key][ek] = {k: f[k] for k in ("exponent", "ci", "n_points", "r2")}
    return thresholds, fits


# --------------------------------------------------------------------------- sample complexity
def sample_complexity(rows: list[dict], config: dict) -> dict[str, Any]:
    """Sample-complexity exponents: ``n_needed(eps)`` vs ``1/eps``, ``1/gamma``, ``1/(1-2eta)``, d.

    Parameters
    ----------
    rows : list of dict
        Trial rows with columns ``learner``, ``n``, ``seed``, ``disagreement`` and the swept
        parameter's column (``gamma``, ``eta`` or ``d``; none for ``eps``, which is a threshold).
    config : dict
        Resolved config.  ``analysis_params``: ``eps`` (list for an eps sweep, scalar or list
        for the others), ``parameter`` (optional; inferred), plus the module-level options.
        ``claims``: tables with ``id``, ``statement``, ``learner``, ``parameter``,
        ``theory_exponent``, ``kind`` ("upper" default, "lower", "two_sided"), optional ``eps``
        and ``where``.

    Returns
    -------
    dict
        ``claims`` (one per config claim, see the module docstring for the verdict rule),
        ``parameter``, ``thresholds`` ({series: {eps-key: {values, x, n_needed, status}}}, the eps
        key is ``"all"`` for an eps sweep) and ``fits`` ({series: {eps-key: {exponent, ci,
        n_points, r2}}}).
    """
    func = "sample_complexity"
    _require(rows, ["learner", "n", "seed", "disagreement"], func)
    param = _default_param(rows, config)
    if param not in _PARAMS:
        raise ValueError(f"{func}: parameter must be one of {list(_PARAMS)}, got {param!r}")
    if param != "eps":
        _require(rows, [param], func)
    thresholds, fits = _threshold_tables(rows, config, param, func)
    claims = []
    for claim in config.get("claims") or []:
        p = str(claim.get("parameter", param))
        if p not in _PARAMS:
            raise ValueError(f"{func}: claim {claim.get('id')!r}: bad parameter {p!r}")
        claims.append(_exponent_claim(rows, config, claim, p, func))
    return _jsonable(
        {
            "claims": claims,
            "parameter": param,
            "x": _X_LABEL[param],
            "thresholds": thresholds,
            "fits": fits,
        }
    )


# --------------------------------------------------------------------------- noise rate
def _final_table(
    rows: Sequence[dict], config: dict, group: str | None, func: str, measure: str = "disagreement"
) -> dict[str, dict[str, Any]]:
    """Median (bootstrap CI) of ``measure`` at the largest ``n`` per series (and ``group``)."""
    n_boot = int(_opt(config, None, "n_boot"))
    conf = float(_opt(config, None, "confidence"))
    sel = _filter(rows, _opt(config, None, "where"))
    excl = ["n"] + ([group] if group else [])
    nz = _nuisance(sel, config, exclude=excl)
    out: dict[str, dict[str, Any]] = {}
    for key, srows in _series(sel, nz).items():
        out[key] = _final_of(
            srows, group, n_boot, conf, _rng(config, None, f"final|{key}"), measure
        )
    return out


def _final_of(
    srows: Sequence[dict],
    group: str | None,
    n_boot: int,
    conf: float,
    rng: np.random.Generator,
    measure: str = "disagreement",
) -> dict[str, Any]:
    def one(rs: Sequence[dict]) -> dict[str, Any]:
        ns = [_num(r.get("n")) for r in rs]
        nmax = max((n for n in ns if math.isfinite(n)), default=math.nan)
        if math.isfinite(nmax):
            rs = [r for r, n in zip(rs, ns) if n == nmax]
        vals = np.array([_num(r.get(measure)) for r in rs])
        meds = _boot_medians(vals, n_boot, rng)
        lo, hi, _ = _quantile_ci(meds[1:], conf)
        return {
            "median": meds[0],
            "ci": [lo, hi],
            "n": nmax,
            "n_seeds": int(np.isfinite(vals).sum()),
            "boot": meds,
        }

    if group is None:
        return one(srows)
    groups: dict[float, list[dict]] = {}
    for r in srows:
        groups.setdefault(_num(r.get(group)), []).append(r)
    return {repr(g): one(groups[g]) for g in sorted(groups)}


def _strip_boot(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_boot(v) for k, v in obj.items() if k != "boot"}
    return obj


def _reaches_one(
    rows: Sequence[dict],
    config: dict,
    claim: dict,
    eps: float,
    expect: bool,
    n_boot: int,
    conf: float,
) -> tuple[str, str, dict]:
    """Verdict of a ``"reaches"`` claim for one learner (see :func:`noise_rate`)."""
    sel, err = _claim_rows(rows, config, claim, exclude=("n", "eta"))
    if err:
        return "inconclusive", err, {}
    lo_eta = float(claim.get("eta_min", -math.inf))
    hi_eta = float(claim.get("eta_max", math.inf))
    sel = [r for r in sel if lo_eta - 1e-12 <= _num(r["eta"]) <= hi_eta + 1e-12]
    if not sel:
        return "inconclusive", f"no rows with eta in [{lo_eta}, {hi_eta}]", {}
    key = _claim_key(rows, config, claim, ("n", "eta"))
    tab = _final_of(sel, "eta", n_boot, conf, _rng(config, claim, f"reach|{key}"))
    ths = _thresholds(sel, "eta", [eps], 0, _rng(config, claim, f"reach|{key}"))
    th = next(iter(ths.values()))
    n_needed = {repr(float(v)): nn for v, nn in zip(th["values"], th["n_needed"][0])}
    meds = {k: v["median"] for k, v in tab.items()}
    los = {k: v["ci"][0] for k, v in tab.items()}
    reached = {k: bool(math.isfinite(m) and m <= eps) for k, m in meds.items()}
    fails = {k: bool(math.isfinite(_num(lo)) and lo > eps) for k, lo in los.items()}
    bad = [float(k) for k, f in fails.items() if f]
    if expect:
        if all(reached.values()):
            v, why = "consistent", f"median <= eps={eps:g} at every eta in range"
        elif bad:
            v, why = "inconsistent", f"CI lo > eps={eps:g} at eta {bad}"
        else:
            v, why = "inconclusive", "median > eps somewhere but its CI includes eps"
    elif bad:
        v, why = "consistent", f"fails (CI lo > eps={eps:g}) at eta {bad}"
    elif all(reached.values()):
        v, why = "inconsistent", f"reaches eps={eps:g} at every eta in range"
    else:
        v, why = "inconclusive", "does not clearly fail anywhere in range"
    measured = {
        k: {"median": t["median"], "ci": t["ci"], "n": t["n"], "n_needed": n_needed.get(k)}
        for k, t in tab.items()
    }
    return v, why, measured


def noise_rate(rows: list[dict], config: dict) -> dict[str, Any]:
    """Noise-rate dependence: who reaches ``eps`` at which ``eta``; the ``1/(1-2eta)`` exponent.

    Parameters
    ----------
    rows : list of dict
        Columns ``learner``, ``n``, ``eta``, ``seed``, ``disagreement``.
    config : dict
        ``analysis_params.eps`` (target error).  Claims: ``kind = "reaches"`` with ``expect``
        (bool, default True), ``eta_min``/``eta_max`` (default the whole range) and optional
        ``eps``; or an exponent claim (``theory_exponent`` with kind upper/lower/two_sided) on
        ``n_needed`` vs ``1/(1 - 2 eta)``.

    Returns
    -------
    dict
        ``claims`` (a ``"reaches"`` claim may name ``learners = [...]`` instead of ``learner``:
        consistent iff every one is, inconsistent iff any is; ``measured`` gives per learner and
        eta the median at the largest n, its CI and ``n_needed``); ``final`` ({series: {eta:
        {median, ci, n, n_seeds}}}: median disagreement at the largest ``n`` with its bootstrap
        CI); ``thresholds`` and ``fits`` as in :func:`sample_complexity` with parameter ``eta``.

    Notes
    -----
    ``"reaches"`` with ``expect = True``: consistent iff the median disagreement at the largest
    ``n`` is ``<= eps`` at every ``eta`` in ``[eta_min, eta_max]``; inconsistent iff at some
    such ``eta`` even the CI's lower end is ``> eps``; otherwise inconclusive.  With
    ``expect = False`` (the learner should fail somewhere in the range): consistent iff at some
    ``eta`` in range the CI's lower end is ``> eps``; inconsistent iff the median is ``<= eps``
    at every ``eta`` in range; otherwise inconclusive.
    """
    func = "noise_rate"
    _require(rows, ["learner", "n", "eta", "seed", "disagreement"], func)
    final = _final_table(rows, config, "eta", func)
    thresholds, fits = _threshold_tables(rows, config, "eta", func)
    n_boot = int(_opt(config, None, "n_boot"))
    conf = float(_opt(config, None, "confidence"))
    claims = []
    for claim in config.get("claims") or []:
        kind = claim.get("kind", "reaches" if "theory_exponent" not in claim else "upper")
        if kind != "reaches":
            claims.append(_exponent_claim(rows, config, {**claim, "kind": kind}, "eta", func))
            continue
        c = _base_claim(claim, parameter="eta", kind="reaches")
        learners = claim.get("learners") or [claim.get("learner")]
        if "learners" in claim:
            c["learner"] = list(learners)
        expect = bool(claim.get("expect", True))
        eps = _eps_list(config, claim, "eta", func)[0]
        c.update(eps=eps, expect=expect, measured={})
        verdicts, reasons = [], []
        for lr in learners:
            v, why, meas = _reaches_one(
                rows, config, {**claim, "learner": lr}, eps, expect, n_boot, conf
            )
            verdicts.append(v)
            reasons.append(f"{lr}: {why}")
            c["measured"][str(lr)] = meas
        if all(v == "consistent" for v in verdicts):
            c["verdict"] = "consistent"
        elif any(v == "inconsistent" for v in verdicts):
            c["verdict"] = "inconsistent"
        c["reason"] = "; ".join(reasons)
        claims.append(c)
    return _jsonable(
        {
            "claims": claims,
            "parameter": "eta",
            "x": _X_LABEL["eta"],
            "final": _strip_boot(final),
            "thresholds": thresholds,
            "fits": fits,
        }
    )


# --------------------------------------------------------------------------- convergence
def _trajectory_matrix(rows: Sequence[dict], metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Iterations (>= 1, sorted) and a seeds x iterations matrix of ``metric`` (NaN if missing)."""
    by_seed: dict[Any, dict[float, float]] = {}
    its: set[float] = set()
    for r in rows:
        it = _num(r.get("iteration"))
        if not (math.isfinite(it) and it >= 1):
            continue
        by_seed.setdefault(repr(r.get("seed")), {})[it] = _num(r.get(metric))
        its.add(it)
    iters = np.array(sorted(its), dtype=float)
    pos = {it: j for j, it in enumerate(iters)}
    M = np.full((len(by_seed), iters.size), np.nan)
    for i, (_, traj) in enumerate(sorted(by_seed.items())):
        for it, val in traj.items():
            M[i, pos[it]] = val
    return iters, M


def _nanmedian(a: np.ndarray, axis: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(a, axis=axis)


def _fit_trajectory(
    iters: np.ndarray,
    M: np.ndarray,
    tail: float,
    n_boot: int,
    conf: float,
    rng: np.random.Generator,
) -> dict[str, Any]:
    """Log-log slope of the median-over-seeds curve on the tail, bootstrap over seeds."""
    if iters.size == 0:
        return {
            "exponent": math.nan,
            "ci": [math.nan, math.nan],
            "n_points": 0,
            "valid_fraction": 0.0,
            "r2": math.nan,
            "tail_from": math.nan,
            "dropped": 0,
        }
    lmin, lmax = math.log(iters[0]), math.log(iters[-1])
    start = math.exp(lmin + (1.0 - tail) * (lmax - lmin))
    keep = iters >= start * (1 - 1e-12)
    it = iters[keep]
    Mt = M[:, keep]
    med = _nanmedian(Mt, axis=0)
    boot = None
    if n_boot > 0 and Mt.shape[0] > 0:
        idx = rng.integers(0, Mt.shape[0], size=(n_boot, Mt.shape[0]))
        boot = _nanmedian(Mt[idx], axis=1)  # (B, I)
    fit = fit_power_law(it, med, boot, confidence=conf)
    fit["tail_from"] = float(start)
    fit["dropped"] = int(np.sum(~(med > 0)))
    fit["iterations"] = it
    fit["median"] = med
    return fit


def _bounded_by(rows: Sequence[dict], claim: dict, metric: str, c: dict[str, Any]) -> None:
    """Evaluate a ``kind = "bounded_by"`` convergence claim in place (see :func:`convergence`)."""
    bound = claim.get("bound")
    factor = float(claim.get("factor", 1.0))
    stat = str(claim.get("statistic", "max"))
    c.update(bound=bound, factor=factor, statistic=stat, theory_exponent=None)
    if not bound or not any(bound in r for r in rows):
        c["reason"] = f"bound column {bound!r} not in rows"
        return
    if stat not in ("max", "median"):
        c["reason"] = f"statistic must be 'max' or 'median', got {stat!r}"
        return
    iters, M = _trajectory_matrix(rows, metric)
    _, Bd = _trajectory_matrix(rows, bound)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = M / (factor * Bd)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        per_it = np.nanmax(ratio, axis=0) if stat == "max" else np.nanmedian(ratio, axis=0)
    ok = np.isfinite(per_it)
    if not np.any(ok):
        c["reason"] = "no finite metric/bound pairs"
        return
    worst = float(np.max(per_it[ok]))
    at = float(iters[ok][int(np.argmax(per_it[ok]))])
    c.update(max_ratio=worst, at_iteration=at, n_points=int(ok.sum()))
    if worst <= 1.0:
        c["verdict"] = "consistent"
        c["reason"] = f"{stat} over seeds of {metric}/({factor:g} {bound}) <= 1 everywhere"
    else:
        c["verdict"] = "inconsistent"
        c["reason"] = f"{metric} exceeds {factor:g} x {bound} (ratio {worst:.3g} at t={at:g})"
    c["reason"] += f" (max ratio {worst:.3g})" if worst <= 1.0 else ""


def convergence(rows: list[dict], config: dict) -> dict[str, Any]:
    """Convergence rates: log-log slope of median metric vs iteration over the tail.

    Parameters
    ----------
    rows : list of dict
        Trajectory rows, one per recorded iteration: ``learner``, ``iteration``, ``seed`` and
        metric columns (e.g. ``stationarity``, ``grad_norm``, ``grad_norm_sq``,
        ``objective_gap``, ``best_gap``, ``disagreement``; see
        :mod:`slam_theory.convergence`).  Iteration 0 is ignored (log scale).
    config : dict
        Claims: ``learner``, ``metric`` (default ``"stationarity"``), ``theory_exponent``
        (default per metric: -1/2 for ``stationarity``/``grad_norm_sq``/``objective_gap``/
        ``best_gap``/``disagreement``, -1/4 for ``grad_norm``), ``kind`` ("upper" default:
        the metric decays at least as fast as the rate, i.e. ``ci_lo <= theory``),
        ``reference`` (free text; a default naming the rate's source is used), ``tail``
        (fraction of the log-iteration range fitted, default 0.5), ``where``.
        ``kind = "bounded_by"`` instead checks an explicit bound column, no exponent fit:
        fields ``bound`` (column, e.g. ``"regret_bound"``), ``factor`` (default 1),
        ``statistic`` ("max" over seeds, default, or "median"); consistent iff
        ``statistic(metric / (factor * bound)) <= 1`` at every recorded iteration ``>= 1``,
        else inconsistent (``max_ratio`` and ``at_iteration`` are reported).

    Returns
    -------
    dict
        ``claims`` and ``fits`` ({series: {metric: {exponent, ci, n_points, r2, tail_from}}}) for
        every numeric metric column present.

    Notes
    -----
    The O(1/sqrt(T)) stationarity guarantee of SGD on a smooth non-convex objective bounds the
    *squared* gradient norm (``min_{t<=T} E||grad F(w_t)||^2``), so the gradient norm itself is
    compared with ``T^(-1/4)``.  Non-positive medians (e.g. a gap below the reference by
    sampling error) are dropped from the fit and counted in ``dropped``.
    """
    func = "convergence"
    _require(rows, ["learner", "iteration", "seed"], func)
    known = [m for m in _CONVERGENCE_THEORY if any(m in r for r in rows)]
    n_boot = int(_opt(config, None, "n_boot"))
    conf = float(_opt(config, None, "confidence"))
    tail0 = float(_opt(config, None, "tail", 0.5))
    sel = _filter(rows, _opt(config, None, "where"))
    nz = _nuisance(sel, config, exclude=("iteration",))
    fits: dict[str, Any] = {}
    for key, srows in _series(sel, nz).items():
        fits[key] = {}
        for m in known:
            iters, M = _trajectory_matrix(srows, m)
            f = _fit_trajectory(iters, M, tail0, n_boot, conf, _rng(config, None, f"{key}|{m}"))
            fits[key][m] = {k: f[k] for k in ("exponent", "ci", "n_points", "r2", "tail_from")}
    claims = []
    for claim in config.get("claims") or []:
        metric = str(claim.get("metric", "stationarity"))
        theory = claim.get("theory_exponent", _CONVERGENCE_THEORY.get(metric))
        c = _base_claim(
            claim,
            parameter="iteration",
            metric=metric,
            theory_exponent=theory,
            kind=claim.get("kind", "upper"),
            reference=claim.get("reference", _CONVERGENCE_REFERENCE.get(metric, "")),
        )
        sel_c, err = _claim_rows(rows, config, claim, exclude=("iteration",))
        if not err:
            present = [r for r in sel_c if metric in r]
            if not present:
                err = f"metric column {metric!r} not in rows"
        if err:
            c["reason"] = err
            claims.append(c)
            continue
        if c["kind"] == "bounded_by":
            _bounded_by(sel_c, claim, metric, c)
            claims.append(c)
            continue
        tail = float(_opt(config, claim, "tail", 0.5))
        iters, M = _trajectory_matrix(sel_c, metric)
        f = _fit_trajectory(
            iters,
            M,
            tail,
            int(_opt(config, claim, "n_boot")),
            float(_opt(config, claim, "confidence")),
            _rng(config, claim, f"{_claim_key(rows, config, claim, ('iteration',))}|{metric}"),
        )
        _record_fit(c, f, theory, config, claim)
        c.update(
            r2=f["r2"],
            tail_from=f["tail_from"],
            dropped=f["dropped"],
            n_seeds=int(M.shape[0]),
            iterations=f["iterations"],
            median=f["median"],
        )
        claims.append(c)
    return _jsonable({"claims": claims, "parameter": "iteration", "fits": fits})


# --------------------------------------------------------------------------- robustness
def robustness(rows: list[dict], config: dict) -> dict[str, Any]:
    """Massart-noise robustness: final disagreement per learner, measured (with bootstrap CI).

    Parameters
    ----------
    rows : list of dict
        Columns ``learner``, ``seed``, ``disagreement`` (and ``n``: only the largest ``n`` of
        each series is used).
    config : dict
        Claims: ``kind = "below"`` with ``eps``: consistent iff the CI of the median is
        ``<= eps`` (hi), inconsistent iff its lo ``> eps``; ``kind = "better_than"`` with
        ``other`` (a learner): bootstrap CI of ``median(learner) - median(other)`` (independent
        resamples, same seeds' trials need not be paired): consistent iff ``hi < 0``,
        inconsistent iff ``lo > 0``.  Any other claim is reported as ``"inconclusive"`` with the
        learner's measured median and CI.

    Returns
    -------
    dict
        ``claims`` and ``final`` ({series: {median, ci, n, n_seeds}}).
    """
    func = "robustness"
    _require(rows, ["learner", "seed", "disagreement"], func)
    final = _final_table(rows, config, None, func)
    n_boot = int(_opt(config, None, "n_boot"))
    conf = float(_opt(config, None, "confidence"))
    claims = []
    for claim in config.get("claims") or []:
        kind = str(claim.get("kind", "measured"))
        c = _base_claim(claim, parameter=None, kind=kind)
        sel, err = _claim_rows(rows, config, claim, exclude=("n",))
        if err:
            c["reason"] = err
            claims.append(c)
            continue
        key = _claim_key(rows, config, claim, ("n",))
        me = _final_of(sel, None, n_boot, conf, _rng(config, claim, f"final|{key}"))
        c["measured"] = {
            "median": me["median"],
            "ci": me["ci"],
            "n": me["n"],
            "n_seeds": me["n_seeds"],
        }
        lo, hi = me["ci"]
        if kind == "below":
            eps = float(claim["eps"]) if "eps" in claim else _eps_list(config, claim, "", func)[0]
            c["eps"] = eps
            if math.isfinite(_num(hi)) and hi <= eps:
                c["verdict"], c["reason"] = "consistent", f"CI hi {hi:.3g} <= eps {eps:g}"
            elif math.isfinite(_num(lo)) and lo > eps:
                c["verdict"], c["reason"] = "inconsistent", f"CI lo {lo:.3g} > eps {eps:g}"
            else:
                c["reason"] = f"CI [{lo}, {hi}] contains eps {eps:g}"
        elif kind == "better_than":
            other = claim.get("other")
            osel, oerr = _claim_rows(rows, config, {**claim, "learner": other}, exclude=("n",))
            if oerr:
                c["reason"] = f"other: {oerr}"
            else:
                oth = _final_of(osel, None, n_boot, conf, _rng(config, claim, f"rob2|{c['id']}"))
                diff = me["boot"] - oth["boot"]
                dlo, dhi, _ = _quantile_ci(diff[1:], conf)
                c["other"] = other
                c["difference"] = {"median": diff[0], "ci": [dlo, dhi]}
                if math.isfinite(dhi) and dhi < 0:
                    c["verdict"], c["reason"] = "consistent", f"difference CI hi {dhi:.3g} < 0"
                elif math.isfinite(dlo) and dlo > 0:
                    c["verdict"], c["reason"] = "inconsistent", f"difference CI lo {dlo:.3g} > 0"
                else:
                    c["reason"] = f"difference CI [{dlo:.3g}, {dhi:.3g}] contains 0"
        else:
            c["reason"] = "measured only (no testable statement)"
        claims.append(c)
    return _jsonable({"claims": claims, "final": _strip_boot(final)})


# --------------------------------------------------------------------------- dimension-free
def dimension_free(rows: list[dict], config: dict) -> dict[str, Any]:
    """Dependence on the dimension ``d`` (with/without JL projection): fitted exponent in ``d``.

    Parameters
    ----------
    rows : list of dict
        Columns ``learner``, ``d``, ``n``, ``seed``, ``disagreement``.
    config : dict
        With ``analysis_params.eps`` and >= 2 values of ``n``: ``n_needed(eps)`` vs ``d``
        (as :func:`sample_complexity` with parameter ``"d"``).  Without ``eps``: the median
        disagreement at the largest ``n`` vs ``d``.  Claims: ``learner``, ``theory_exponent``
        (default 0: dimension-free), ``kind`` (default "upper": consistent iff ``ci_lo <=
        theory``, i.e. no growth with ``d`` beyond the interval), ``where`` (e.g.
        ``{projection = true}``).

    Returns
    -------
    dict
        ``claims``, ``mode`` ("n_needed" or "disagreement"), and for mode "n_needed"
        ``thresholds``/``fits``; for mode "disagreement" ``final`` ({series: {d: {median, ci}}})
        and ``fits``.
    """
    func = "dimension_free"
    _require(rows, ["learner", "d", "n", "seed", "disagreement"], func)
    n_vals = {_num(r.get("n")) for r in rows}
    mode = (
        "n_needed"
        if (_opt(config, None, "eps") is not None and len(n_vals) >= 2)
        else ("disagreement")
    )
    claims = []
    if mode == "n_needed":
        thresholds, fits = _threshold_tables(rows, config, "d", func)
        for claim in config.get("claims") or []:
            cl = {"theory_exponent": 0.0, **claim, "parameter": "d"}
            claims.append(_exponent_claim(rows, config, cl, "d", func))
        return _jsonable(
            {
                "claims": claims,
                "mode": mode,
                "parameter": "d",
                "x": "d",
                "thresholds": thresholds,
                "fits": fits,
            }
        )
    n_boot = int(_opt(config, None, "n_boot"))
    conf = float(_opt(config, None, "confidence"))
    final = _final_table(rows, config, "d", func)
    fits = {}
    for key, tab in final.items():
        ds = np.array([float(k) for k in tab])
        boot = np.stack([tab[k]["boot"] for k in tab], axis=1)
        f = fit_power_law(ds, boot[0], boot[1:], confidence=conf)
        fits[key] = {k: f[k] for k in ("exponent", "ci", "n_points", "r2")}
    for claim in config.get("claims") or []:
        theory = claim.get("theory_exponent", 0.0)
        c = _base_claim(
            claim,
            parameter="d",
            theory_exponent=theory,
            kind=claim.get("kind", "upper"),
            measure="disagreement at largest n",
        )
        sel, err = _claim_rows(rows, config, claim, exclude=("n", "d"))
        if err:
            c["reason"] = err
            claims.append(c)
            continue
        key = _claim_key(rows, config, claim, ("n", "d"))
        tab = _final_of(sel, "d", n_boot, conf, _rng(config, claim, f"final|{key}"))
        ds = np.array([float(k) for k in tab])
        boot = np.stack([tab[k]["boot"] for k in tab], axis=1)
        f = fit_power_law(ds, boot[0], boot[1:], confidence=conf)
        _record_fit(c, f, theory, config, claim)
        c.update(
            r2=f["r2"],
            values=ds,
            median=boot[0],
        )
        claims.append(c)
    return _jsonable(
        {
            "claims": claims,
            "mode": mode,
            "parameter": "d",
            "x": "d",
            "final": _strip_boot(final),
            "fits": fits,
        }
    )


_ANALYSES: dict[str, Callable[[list[dict], dict], dict]] = {
    "sample_complexity": sample_complexity,
    "noise_rate": noise_rate,
    "convergence": convergence,
    "robustness": robustness,
    "dimension_free": dimension_free,
}
