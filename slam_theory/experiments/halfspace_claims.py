"""What the halfspace experiments' analyses share: options, row selection, series, bootstrap
medians, the final-``n`` table, power-law fits with a bootstrap interval and verdicts.

Each experiment's ``analysis(rows, config) -> dict`` (in
:mod:`~slam_theory.experiments.sample_complexity`, :mod:`~slam_theory.experiments.noise_rate`,
:mod:`~slam_theory.experiments.massart` and :mod:`~slam_theory.experiments.dimension_free`)
takes the rows of ``trials.csv`` (numbers parsed back) and the resolved preset config (keys
``name``, ``preset``, ``fixed``, ``grid``, ``analysis_params``, ``claims``, ``seeds``), and
returns a JSON-ready dict with a ``"claims"`` list; every claim carries ``id``,
``statement``, ``learner``, ``parameter``, ``exponent``, ``ci`` (``[lo, hi]``),
``theory_exponent``, ``verdict`` and ``reason``.

A series is a learner plus every other grid parameter that varies (key
``learner|k=v|...``, described by :func:`describe_series`); a claim's bootstrap generator is
``numpy.random.default_rng([bootstrap_seed, crc32(series key)])``, so summaries are
deterministic.  How exponents are measured: :mod:`~slam_theory.experiments.thresholds`.

**Verdict** (:func:`verdict`).  ``kind = "upper"`` (an upper bound ``n <= C x^a``: the fitted
exponent must not be larger within the interval): consistent iff ``ci_lo <= a``, inconsistent
iff ``ci_lo > a``.  ``kind = "lower"``: consistent iff ``ci_hi >= a``.  ``kind =
"two_sided"``: consistent iff ``ci_lo <= a <= ci_hi``.  Inconclusive, whatever the interval,
when fewer than ``min_points`` (default 3) uncensored points were fitted, when fewer than half
of the bootstrap replicates gave a slope, or when the interval is wider than ``max_ci_width``
(default 1.0: an exponent known only to within +-0.5 tests nothing).

Options (``config["analysis_params"]``, each overridable per claim): ``n_boot`` (999),
``bootstrap_seed`` (0), ``confidence`` (0.95), ``max_ci_width`` (1.0), ``min_points`` (3),
``where`` (a ``{param: value}`` filter applied to the rows first).

Examples
--------
>>> verdict(1.9, [1.7, 2.1], 2.0, kind="upper", n_points=5)[0]
'consistent'
>>> verdict(2.6, [2.4, 2.8], 2.0, kind="upper", n_points=5)[0]
'inconsistent'
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from slam_theory.stats import percentile_interval
from slam_theory.stats.powerlaw import row_slopes

__all__ = [
    "DEFAULTS",
    "base_claim",
    "boot_medians",
    "claim_key",
    "claim_rows",
    "describe_series",
    "filter_rows",
    "final_of",
    "final_table",
    "fit_with_bootstrap",
    "nuisance",
    "num",
    "option",
    "record_fit",
    "require_columns",
    "series_groups",
    "series_rng",
    "strip_boot",
    "verdict",
]

#: Analysis options and their defaults (``config["analysis_params"]``, or per claim).
DEFAULTS: dict[str, Any] = {
    "n_boot": 999,
    "bootstrap_seed": 0,
    "confidence": 0.95,
    "max_ci_width": 1.0,
    "min_points": 3,
}


_ENGINE_COLS = {"seed", "row"}


def require_columns(rows: Sequence[dict], cols: Iterable[str], func: str) -> None:
    if not isinstance(rows, list | tuple):
        raise TypeError(f"{func}: rows must be a list of dicts, got {type(rows).__name__}")
    cols = list(cols)
    if not rows:
        raise ValueError(f"{func}: rows is empty (need columns {cols})")
    missing = sorted({c for c in cols for r in rows if c not in r})
    if missing:
        raise ValueError(f"{func}: rows are missing required column(s) {missing}")


def option(config: dict, claim: dict | None, key: str, default: Any = None) -> Any:
    if claim is not None and key in claim:
        return claim[key]
    ap = config.get("analysis_params") or {}
    if key in ap:
        return ap[key]
    return DEFAULTS.get(key, default)


def num(v: Any) -> float:
    """A cell as float; None, strings and non-finite -> NaN."""
    if v is None or isinstance(v, str | bool):
        return math.nan
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f if math.isfinite(f) else math.nan


def filter_rows(rows: Sequence[dict], where: dict | None, learner: Any = None) -> list[dict]:
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


def nuisance(rows: Sequence[dict], config: dict, exclude: Iterable[str]) -> list[str]:
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


def series_groups(rows: Sequence[dict], keys: Sequence[str]) -> dict[str, list[dict]]:
    """Group rows by learner and the parameters ``keys``; key ``learner|k=v|...``."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        name = str(r.get("learner"))
        for k in keys:
            name += f"|{k}={r.get(k)}"
        groups.setdefault(name, []).append(r)
    return dict(sorted(groups.items()))


def describe_series(groups: Mapping[str, Sequence[dict]], keys: Sequence[str]) -> dict:
    """What each series key of :func:`series_groups` stands for: ``{key: {"learner", *keys}}``.

    Written into the summary so that figures read a series' learner and parameters instead
    of parsing its key.

    Examples
    --------
    >>> rows = [{"learner": "slam", "d": 5}, {"learner": "slam", "d": 9}]
    >>> describe_series(series_groups(rows, ["d"]), ["d"])
    {'slam|d=5': {'learner': 'slam', 'd': 5}, 'slam|d=9': {'learner': 'slam', 'd': 9}}
    """
    return {key: {"learner": rs[0].get("learner"), **{k: rs[0].get(k) for k in keys}}
            for key, rs in groups.items()}


def series_rng(config: dict, claim: dict | None, key: str) -> np.random.Generator:
    seed = int(option(config, claim, "bootstrap_seed"))
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def boot_medians(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
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
    lo = num(ci[0]) if ci is not None else math.nan
    hi = num(ci[1]) if ci is not None else math.nan
    if theory is None or not math.isfinite(num(theory)):
        return "inconclusive", "no theoretical exponent to compare with (measured only)"
    if n_points < min_points:
        return "inconclusive", f"only {n_points} uncensored point(s) (< {min_points})"
    if (
        exponent is None
        or not math.isfinite(num(exponent))
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


def fit_with_bootstrap(
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
    slope, icpt = row_slopes(lx, ly[None, :])
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
        bs, _ = row_slopes(lx, lby)
        lo, hi, frac = percentile_interval(bs, confidence)
    return {
        "exponent": float(slope[0]),
        "log_constant": float(icpt[0]),
        "ci": [lo, hi],
        "n_points": int(ok.sum()),
        "valid_fraction": float(frac),
        "r2": r2,
    }


def base_claim(claim: dict, **extra: Any) -> dict[str, Any]:
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


def claim_rows(
    rows: Sequence[dict], config: dict, claim: dict, exclude: Iterable[str]
) -> tuple[list[dict], str | None]:
    """Rows of a claim (learner + where); an error message if they are ambiguous or empty."""
    where = {**(option(config, None, "where") or {}), **(claim.get("where") or {})}
    sel = filter_rows(rows, where, claim.get("learner"))
    if not sel:
        return sel, f"no rows for learner={claim.get('learner')!r} where={where}"
    nz = nuisance(sel, config, exclude)
    if nz:
        vals = {k: sorted({repr(r.get(k)) for r in sel}) for k in nz}
        return sel, f"ambiguous: grid parameter(s) {vals} vary; pin them with the claim's `where`"
    return sel, None


def claim_key(rows: Sequence[dict], config: dict, claim: dict, exclude: Iterable[str]) -> str:
    """Series key of a claim, equal to the summary tables' key when the claim selects the same rows.

    Using the same key seeds the same bootstrap stream, so a claim's interval equals the one in
    ``fits``/``final`` for its series.
    """
    glob = option(config, None, "where") or {}
    nz = nuisance(filter_rows(rows, glob), config, exclude)
    sel = filter_rows(rows, {**glob, **(claim.get("where") or {})}, claim.get("learner"))
    name = str(claim.get("learner"))
    for k in nz:
        name += f"|{k}={sel[0].get(k) if sel else None}"
    return name


def record_fit(
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
        min_points=int(option(config, claim, "min_points")),
        max_ci_width=float(option(config, claim, "max_ci_width")),
        valid_fraction=fit["valid_fraction"],
    )
    c.update(exponent=fit["exponent"], ci=fit["ci"], verdict=v, reason=why,
             n_points=fit["n_points"])


def final_table(
    rows: Sequence[dict], config: dict, group: str | None, func: str, measure: str = "disagreement"
) -> dict[str, dict[str, Any]]:
    """Median (bootstrap CI) of ``measure`` at the largest ``n`` per series (and ``group``)."""
    n_boot = int(option(config, None, "n_boot"))
    conf = float(option(config, None, "confidence"))
    sel = filter_rows(rows, option(config, None, "where"))
    excl = ["n"] + ([group] if group else [])
    nz = nuisance(sel, config, exclude=excl)
    out: dict[str, dict[str, Any]] = {}
    for key, srows in series_groups(sel, nz).items():
        out[key] = final_of(
            srows, group, n_boot, conf, series_rng(config, None, f"final|{key}"), measure
        )
    return out


def final_of(
    srows: Sequence[dict],
    group: str | None,
    n_boot: int,
    conf: float,
    rng: np.random.Generator,
    measure: str = "disagreement",
) -> dict[str, Any]:
    def one(rs: Sequence[dict]) -> dict[str, Any]:
        ns = [num(r.get("n")) for r in rs]
        nmax = max((n for n in ns if math.isfinite(n)), default=math.nan)
        if math.isfinite(nmax):
            rs = [r for r, n in zip(rs, ns) if n == nmax]
        vals = np.array([num(r.get(measure)) for r in rs])
        meds = boot_medians(vals, n_boot, rng)
        lo, hi, _ = percentile_interval(meds[1:], conf)
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
        groups.setdefault(num(r.get(group)), []).append(r)
    return {repr(g): one(groups[g]) for g in sorted(groups)}


def strip_boot(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: strip_boot(v) for k, v in obj.items() if k != "boot"}
    return obj

