"""Two-sided verdict of a measured sample-complexity rate against a theorem's floor and ceiling.

:func:`check_rate` is the one place where a claim "``n`` needed grows like ``x**a`` with
``floor <= a <= ceiling``" is judged; every rule is in its docstring.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from slam_theory._validation import as_generator, check_in_range, check_int
from slam_theory.stats._checks import (
    MAX_BOOT,
    as_bool_array,
    as_float_array,
    check_confidence,
    check_increasing,
    check_optional_real,
)
from slam_theory.stats.bootstrap import percentile_interval
from slam_theory.stats.powerlaw import local_slopes as _local_slopes
from slam_theory.stats.powerlaw import row_slopes
from slam_theory.stats.result import RATE_RULES, VERDICTS, RateCheck
from slam_theory.stats.thresholds import _success_rank, success_threshold

__all__ = ["RATE_RULES", "VERDICTS", "RateCheck", "check_rate"]


def _fmt(v: float | None) -> str:
    return "none" if v is None else f"{v:.3g}"


def _describe_slopes(s: np.ndarray, tol: float) -> str:
    if s[-1] - s[0] > tol:
        return f"local slopes rise from {s[0]:.2f} to {s[-1]:.2f}"
    if s[0] - s[-1] > tol:
        return f"local slopes fall from {s[0]:.2f} to {s[-1]:.2f}"
    return f"local slopes vary between {s.min():.2f} and {s.max():.2f}"


def check_rate(
    x: Any,
    n_needed: Any,
    censored: Any,
    *,
    floor: float | None = None,
    ceiling: float | None = None,
    success: float = 0.5,
    confidence: float = 0.95,
    n_boot: int = 999,
    random_state: Any = 0,
    max_width: float = 1.0,
    min_points: int = 3,
    window: int = 3,
    slope_tol: float = 0.5,
    margin: float = 4.0,
    resolution: float = 1.0,
) -> RateCheck:
    """Judge "the ``n`` needed grows like ``x**a``, ``floor <= a <= ceiling``" two-sided.

    The success threshold of every ``x`` is fitted against ``x`` in log-log coordinates, with a
    bootstrap interval that resamples seeds within each ``x``; the verdict is two-sided and
    treats censored values as data (see Notes for every rule; :data:`RATE_RULES` names them).

    Parameters
    ----------
    x : array-like of shape (P,)
        The claim's parameter (e.g. ``1/eps`` or ``1/gamma``), positive, strictly increasing,
        ``P >= 2``.
    n_needed : array-like of shape (P, S)
        Per-seed thresholds (rows = values, columns = seeds), positive, finite; censored
        entries hold the largest ``n`` tried for that seed.
    censored : array-like of bool, shape (P, S)
    floor, ceiling : float or None, default=None
        Bounds on the exponent (``floor <= ceiling``).
    success : float in (0, 1], default=0.5
        Fraction of seeds that must have reached the target.
    confidence : float in (0, 1), default=0.95
    n_boot : int, default=999
        Bootstrap resamples, ``1 <= n_boot <= 1_000_000``.
    random_state : int, Generator, SeedSequence or None, default=0
    max_width : float, default=1.0
        Widest interval that can support ``"consistent"``.
    min_points : int >= 2, default=3
        Fewest uncensored values for an interval-based verdict.
    window : int >= 2, default=3
        Points per local slope.
    slope_tol : float, default=0.5
        Largest spread of the local slopes for the exponent to count as asymptotic.
    margin : float >= 1, default=4.0
        Factor by which the ceiling-law prediction must lie inside the largest ``n`` tried
        for a censored value to be a failure.
    resolution : float >= 1, default=1.0
        Ratio of consecutive sizes of the grid of ``n`` the thresholds were searched on: a
        threshold ``n`` says only that the target was first met in ``(n / resolution, n]``.
        ``1`` treats thresholds as exact.

    Returns
    -------
    RateCheck

    Raises
    ------
    ValueError
        On bad shapes, NaN, non-increasing ``x``, ``floor > ceiling`` or options out of range.

    Notes
    -----
    **Steps.**

    1. **Thresholds.**  Per value of ``x`` the success threshold
       (:func:`~slam_theory.stats.success_threshold`): the ``k``-th smallest per-seed
       ``n_needed`` with ``k = ceil(success * seeds)``, censored seeds counting as ``+inf``.  A
       value is *censored* when fewer than ``k`` seeds reached the target.
    2. **Fit.**  Least squares of ``log threshold`` on ``log x`` over the uncensored values:
       ``exponent`` and ``intercept``; ``local_slopes`` over every ``window`` consecutive
       uncensored values.
    3. **Interval.**  Stratified percentile bootstrap, ``n_boot`` resamples: within every
       ``x`` the seeds are resampled with replacement, censored ones too (as ``+inf``), the
       thresholds recomputed and refitted over the same values.  A fitted value whose
       resampled threshold is censored enters at the largest ``n`` tried (a lower bound), and
       the resample is counted in ``censored_resample_fraction``.  With ``resolution > 1``
       every resampled uncensored threshold is also moved to a point of its grid cell,
       ``threshold * resolution**(-U)`` with ``U`` uniform on ``[0, 1)``, one draw per value
       and resample: where the seeds agree (or are few) the grid, not the seeds, limits what
       the thresholds say, and the interval shows it.  The interval is the
       ``(1 - confidence)/2`` and ``(1 + confidence)/2`` quantiles of the resampled
       exponents.  (Own numpy resampling rather than :func:`scipy.stats.bootstrap`, to
       keep the censoring bookkeeping per resample; vectorised over resamples.)

    **Verdict rules**, applied in this order:

    * ``"inconclusive"`` (``no_bounds``) if ``floor`` and ``ceiling`` are both ``None``.
    * ``"inconsistent"`` (``censored_reachable``) if, with a ``ceiling``, some censored value
      ``x_j`` has a ceiling-law prediction ``P_j`` with ``margin * P_j <= n_max_j``, the
      largest ``n`` tried there.  ``P_j = max_i T_i (x_j / x_i)**ceiling`` over the uncensored
      thresholds ``T_i`` at smaller ``x_i`` (the most generous anchor).  Censored points are
      data: a learner whose error plateaus fails here.
    * ``"inconclusive"`` (``too_few_values``) with fewer than ``min_points`` uncensored values.
    * ``"inconclusive"`` (``censored_resamples``) if ``censored_resample_fraction`` exceeds
      ``(1 - confidence)/2``: the grid of ``n`` is too short to trust the interval's tail.
    * ``"inconsistent"`` (``above_ceiling`` / ``below_floor``) if the interval lies wholly
      above ``ceiling`` (``lo > ceiling``) or wholly below ``floor`` (``hi < floor``) and the
      interval of the last local slope (the window at the largest ``x``, from the same
      resamples) lies wholly beyond that bound too; if it reaches back to the bound,
      ``"inconclusive"`` (``pre_asymptotic``): the end of the curve may already obey it.
    * ``"consistent"`` if the interval meets ``[floor, ceiling]`` (``lo <= ceiling`` and
      ``hi >= floor``; a missing bound is infinite), its width ``hi - lo`` is at most
      ``max_width``, and the exponent is *asymptotic*: at least two local slopes (so at least
      ``window + 1`` uncensored values) whose spread ``max - min`` is at most ``slope_tol``.
      Otherwise ``"inconclusive"`` (``too_wide`` / ``not_asymptotic``).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = 2.0 ** np.arange(6)
    >>> n = 50 * x[:, None] ** 2 * np.exp(rng.normal(0, 0.3, (6, 20)))
    >>> cen = np.zeros(n.shape, dtype=bool)
    >>> check_rate(x, n, cen, floor=1, ceiling=2).verdict
    'consistent'
    >>> check_rate(x, n, cen, floor=0.5, ceiling=1.5).verdict
    'inconsistent'

    A plateau: beyond ``x = 4`` no seed reaches the target by ``n = 1e6``, although the
    ceiling law ``x**2``, from the thresholds up to ``x = 4``, says a few thousand would do.

    >>> cen[3:] = True
    >>> n[3:] = 1e6
    >>> r = check_rate(x, n, cen, floor=1, ceiling=2)
    >>> r.verdict, r.rule
    ('inconsistent', 'censored_reachable')
    """
    xa = as_float_array(x, "x", ndim=1, positive=True)
    check_increasing(xa, "x")
    if xa.size < 2:
        raise ValueError(f"x must have at least 2 values, got {xa.size}")
    nn = as_float_array(n_needed, "n_needed", ndim=2, positive=True)
    if nn.shape[0] != xa.size:
        raise ValueError(
            f"n_needed must have one row per x value ({xa.size}), got shape {nn.shape}"
        )
    cen = as_bool_array(censored, "censored", nn.shape, "n_needed")
    lo_b = check_optional_real(floor, "floor")
    hi_b = check_optional_real(ceiling, "ceiling")
    if lo_b is not None and hi_b is not None and lo_b > hi_b:
        raise ValueError(f"floor must be <= ceiling, got floor={lo_b:g} > ceiling={hi_b:g}")
    succ = check_in_range(success, "success", 0.0, 1.0, low_inclusive=False)
    conf = check_confidence(confidence)
    b = check_int(n_boot, "n_boot", low=1, high=MAX_BOOT)
    rng = as_generator(random_state)
    width_max = check_in_range(max_width, "max_width", 0.0, math.inf, low_inclusive=False)
    minp = check_int(min_points, "min_points", low=2)
    win = check_int(window, "window", low=2)
    tol = check_in_range(slope_tol, "slope_tol", 0.0, math.inf)
    marg = check_in_range(margin, "margin", 1.0, math.inf)
    res_ratio = check_in_range(resolution, "resolution", 1.0, math.inf)
    settings = {"floor": lo_b, "ceiling": hi_b, "success": succ, "confidence": conf,
                "n_boot": b, "max_width": width_max, "min_points": minp, "window": win,
                "slope_tol": tol, "margin": marg, "resolution": res_ratio}

    th, th_cen = success_threshold(nn, cen, success=succ)
    n_max = nn.max(axis=1)
    fit = ~th_cen
    k = int(fit.sum())
    lx = np.log(xa)
    nan = float("nan")
    exponent = intercept = nan
    local = np.empty(0)
    if k >= 2:
        s, c = row_slopes(lx[fit], np.log(th[fit]))
        exponent, intercept = float(s[0]), float(c[0])
        local = _local_slopes(xa[fit], th[fit], window=win)

    # ceiling-law predictions at censored values, from uncensored thresholds at smaller x
    predicted = np.full(xa.size, np.nan)
    if hi_b is not None:
        logc = np.where(fit, np.log(th) - hi_b * lx, -np.inf)
        best = np.maximum.accumulate(logc)  # best anchor at or below each index
        for j in np.flatnonzero(th_cen):
            if j > 0 and np.isfinite(best[j - 1]):
                predicted[j] = math.exp(best[j - 1] + hi_b * lx[j])
    ratio = np.where(th_cen & np.isfinite(predicted), n_max / predicted, np.nan)

    # stratified bootstrap of the exponent
    lo = hi = last_lo = last_hi = nan
    cens_frac = 0.0
    if k >= 2:
        vals = np.where(cen, np.inf, nn)[fit]
        idx = rng.integers(0, nn.shape[1], size=(b, k, nn.shape[1]))
        res = np.take_along_axis(vals[None, :, :], idx, axis=2)
        r = _success_rank(succ, nn.shape[1])
        bth = np.partition(res, r - 1, axis=2)[:, :, r - 1]
        rep_cen = np.isinf(bth)
        cens_frac = float(rep_cen.any(axis=1).mean())
        if res_ratio > 1.0:  # where in its grid cell each threshold lies
            bth = bth * np.exp(-rng.random(bth.shape) * math.log(res_ratio))
        bth = np.where(rep_cen, n_max[fit][None, :], bth)
        slopes, _ = row_slopes(lx[fit], np.log(bth))
        lo, hi, _ = percentile_interval(slopes, conf)
        tail_slopes, _ = row_slopes(lx[fit][-win:], np.log(bth[:, -win:]))
        last_lo, last_hi, _ = percentile_interval(tail_slopes, conf)

    asymptotic = bool(local.size >= 2 and local.max() - local.min() <= tol)
    verdict, rule, reason = _decide(
        xa, th_cen, ratio, predicted, k, exponent, lo, hi, (last_lo, last_hi), asymptotic,
        cens_frac, settings, local,
    )
    return RateCheck(
        exponent=exponent,
        intercept=intercept,
        ci=(lo, hi),
        local_slopes=tuple(float(v) for v in local),
        verdict=verdict,
        reason=reason,
        rule=rule,
        thresholds=tuple(float(v) for v in th),
        threshold_censored=tuple(bool(v) for v in th_cen),
        asymptotic=asymptotic,
        predicted=tuple(float(v) for v in predicted),
        x=tuple(float(v) for v in xa),
        n_fitted=k,
        censored_resample_fraction=cens_frac,
        settings=settings,
        last_slope_ci=(last_lo, last_hi),
    )


def _decide(
    xa: np.ndarray, th_cen: np.ndarray, ratio: np.ndarray, predicted: np.ndarray, k: int,
    exponent: float, lo: float, hi: float, last_ci: tuple[float, float], asymptotic: bool,
    cens_frac: float, st: dict[str, Any], local: np.ndarray,
) -> tuple[str, str, str]:
    """Apply the verdict rules of :func:`check_rate`; ``(verdict, rule, reason)``."""
    floor, ceiling, conf = st["floor"], st["ceiling"], st["confidence"]
    p = xa.size
    if floor is None and ceiling is None:
        return "inconclusive", "no_bounds", "no floor or ceiling given: exponent measured only"
    if np.any(ratio >= st["margin"]):
        j = int(np.nanargmax(ratio))
        return (
            "inconsistent",
            "censored_reachable",
            f"at x={xa[j]:.3g} fewer than {st['success']:.0%} of seeds reached the target by "
            f"n={ratio[j] * predicted[j]:.3g}, although the ceiling law x^{ceiling:g} from "
            f"smaller x predicts n~{predicted[j]:.3g} ({ratio[j]:.1f}x inside; margin "
            f"{st['margin']:g}x)",
        )
    n_cen = int(th_cen.sum())
    if k < st["min_points"]:
        return (
            "inconclusive",
            "too_few_values",
            f"only {k} of {p} values reached the {st['success']:.0%} success threshold "
            f"(need {st['min_points']}); {n_cen} censored within the n tried",
        )
    tail = (1.0 - conf) / 2.0
    if cens_frac > tail:
        return (
            "inconclusive",
            "censored_resamples",
            f"in {cens_frac:.0%} of bootstrap resamples a fitted threshold was not reached "
            f"within the n tried (> {tail:.1%}): extend the grid of n",
        )
    ci = f"{conf:.0%} interval [{lo:.2f}, {hi:.2f}]"
    last = float(local[-1]) if local.size else exponent
    last_lo, last_hi = last_ci
    last_s = f"the local slope at the largest x, {last:.2f} [{last_lo:.2f}, {last_hi:.2f}]"
    for side, beyond, bound in (
        ("above the ceiling", ceiling is not None and lo > ceiling, ceiling),
        ("below the floor", floor is not None and hi < floor, floor),
    ):
        if not beyond:
            continue
        back = (side[0] == "a" and last_lo <= bound) or (side[0] == "b" and last_hi >= bound)
        if back:
            return (
                "inconclusive",
                "pre_asymptotic",
                f"exponent {exponent:.2f}, {ci} wholly {side} {bound:g}, but {last_s}, reaches "
                f"back to it: possibly pre-asymptotic",
            )
        return (
            "inconsistent",
            "above_ceiling" if side[0] == "a" else "below_floor",
            f"exponent {exponent:.2f}, {ci} lies wholly {side} {bound:g}, and so does {last_s}",
        )
    if hi - lo > st["max_width"]:
        return (
            "inconclusive",
            "too_wide",
            f"exponent {exponent:.2f}, {ci} is wider than {st['max_width']:g}: "
            f"too noisy to test (more seeds or a wider x range)",
        )
    if not asymptotic:
        if local.size < 2:
            why = (
                f"only {k} uncensored values: need {st['window'] + 1} to see whether the "
                f"local slope settles"
            )
        else:
            why = (
                f"{_describe_slopes(local, st['slope_tol'])} (spread > {st['slope_tol']:g}): "
                f"not asymptotic"
            )
        return "inconclusive", "not_asymptotic", f"exponent {exponent:.2f}, {ci}; {why}"
    bounds = f"[{_fmt(floor)}, {_fmt(ceiling)}]"
    fail = []
    if ceiling is not None:
        fail.append(f"above {ceiling:g}")
    if floor is not None:
        fail.append(f"below {floor:g}")
    extra = (
        f", or a censored x reachable {st['margin']:g}x inside the n tried by the ceiling law"
        if ceiling is not None else ""
    )
    return (
        "consistent",
        "consistent",
        f"exponent {exponent:.2f}, {ci} meets {bounds}, local slopes "
        f"{local.min():.2f}-{local.max():.2f} settle, {k}/{p} values reached; it would fail "
        f"if the interval lay wholly {' or '.join(fail)}{extra}",
    )
