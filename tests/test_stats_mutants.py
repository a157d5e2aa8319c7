"""Tests of slam_theory.stats written against the survivors of its mutation run (make mutation):
each pins a behaviour a mutant changed without any earlier test noticing (the exact reason line
of every verdict rule, documented defaults, every argument's name and range, r2, the edges)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slam_theory.stats import _checks as C
from slam_theory.stats import (
    bootstrap_ci,
    check_rate,
    fit_power_law,
    local_slopes,
    percentile_interval,
    slope_ci,
    success_threshold,
    threshold_n,
)
from slam_theory.stats import verdicts as V
from tests.test_stats import X, noisy, plateau_errors

# verdict, rule and the exact one-line reason of each case built in _cases()
EXPECTED = {
    "consistent": (
        "consistent",
        "consistent",
        "exponent 2.01, 95% interval [1.96, 2.07] meets [1, 2.5], local slopes 1.83-2.13 "
        "settle, 6/6 values reached; it would fail if the interval lay wholly above 2.5 or "
        "below 1, or a censored x reachable 4x inside the n tried by the ceiling law",
    ),
    "consistent_floor_only": (
        "consistent",
        "consistent",
        "exponent 2.01, 95% interval [1.96, 2.07] meets [1, none], local slopes 1.83-2.13 "
        "settle, 6/6 values reached; it would fail if the interval lay wholly below 1",
    ),
    "consistent_ceiling_only": (
        "consistent",
        "consistent",
        "exponent 2.01, 95% interval [1.96, 2.07] meets [none, 2.5], local slopes 1.83-2.13 "
        "settle, 6/6 values reached; it would fail if the interval lay wholly above 2.5, or a"
        " censored x reachable 4x inside the n tried by the ceiling law",
    ),
    "no_bounds": ("inconclusive", "no_bounds", "no floor or ceiling given: exponent measured only"),
    "above": (
        "inconsistent",
        "above_ceiling",
        "exponent 3.01, 95% interval [2.96, 3.07] lies wholly above the ceiling 2, and so does "
        "the local slope at the largest x, 3.03 [2.78, 3.21]",
    ),
    "below": (
        "inconsistent",
        "below_floor",
        "exponent 0.51, 95% interval [0.46, 0.57] lies wholly below the floor 1, and so does "
        "the local slope at the largest x, 0.53 [0.28, 0.71]",
    ),
    "plateau": (
        "inconsistent",
        "censored_reachable",
        "at x=80 fewer than 50% of seeds reached the target by n=1e+07, although the ceiling "
        "law x^2.5 from smaller x predicts n~2.39e+05 (41.9x inside; margin 4x)",
    ),
    "rise": (
        "inconclusive",
        "not_asymptotic",
        "exponent 2.27, 95% interval [2.21, 2.32]; local slopes rise from 1.13 to 3.03 "
        "(spread > 0.5): not asymptotic",
    ),
    "fall": (
        "inconclusive",
        "not_asymptotic",
        "exponent 1.58, 95% interval [1.53, 1.64]; local slopes fall from 2.63 to 0.03 "
        "(spread > 0.5): not asymptotic",
    ),
    "pre_asymptotic": (
        "inconclusive",
        "pre_asymptotic",
        "exponent 2.81, 95% interval [2.77, 2.84] wholly above the ceiling 2.5, but the local"
        " slope at the largest x, 1.93 [1.77, 2.10], reaches back to it: possibly"
        " pre-asymptotic",
    ),
    "too_wide": (
        "inconclusive",
        "too_wide",
        "exponent 1.69, 95% interval [1.28, 2.43] is wider than 1: too noisy to test (more "
        "seeds or a wider x range)",
    ),
    "few_slopes": (
        "inconclusive",
        "not_asymptotic",
        "exponent 2.13, 95% interval [1.96, 2.29]; only 3 uncensored values: need 4 to see "
        "whether the local slope settles",
    ),
    "too_few": (
        "inconclusive",
        "too_few_values",
        "only 2 of 6 values reached the 50% success threshold (need 3); 4 censored within the"
        " n tried",
    ),
    "censored_resamples": (
        "inconclusive",
        "censored_resamples",
        "in 13% of bootstrap resamples a fitted threshold was not reached within the n tried "
        "(> 2.5%): extend the grid of n",
    ),
}


def _cases():
    cases = {}
    n, cen = noisy(lambda x: 50 * x**2)
    cases["consistent"] = (X, n, cen, dict(floor=1.0, ceiling=2.5))
    cases["consistent_floor_only"] = (X, n, cen, dict(floor=1.0))
    cases["consistent_ceiling_only"] = (X, n, cen, dict(ceiling=2.5))
    cases["no_bounds"] = (X, n, cen, {})
    n3, c3 = noisy(lambda x: 50 * x**3)
    cases["above"] = (X, n3, c3, dict(floor=1.0, ceiling=2.0))
    nh, ch = noisy(lambda x: 50 * x**0.5)
    cases["below"] = (X, nh, ch, dict(floor=1.0, ceiling=2.0))
    eps = 0.4 / 2.0 ** np.arange(6)
    ns, err = plateau_errors(0.02)
    res = [threshold_n(ns, err, e) for e in eps]
    cases["plateau"] = (
        1 / eps,
        np.stack([r[0] for r in res]),
        np.stack([r[1] for r in res]),
        dict(floor=1.0, ceiling=2.5),
    )
    nr, cr = noisy(lambda x: 50 * np.where(x < 4, x, x**3 / 16))
    cases["rise"] = (X, nr, cr, dict(floor=1.0, ceiling=3.0))
    nf, cf = noisy(lambda x: 50 * np.minimum(x, 8.0) ** 2.5)
    cases["fall"] = (X, nf, cf, dict(floor=0.5, ceiling=3.0))
    x8 = 2.0 ** np.arange(8)
    npa, cpa = noisy(lambda x: 50 * np.where(x <= 8, x**4, 64 * x**2), x=x8)
    cases["pre_asymptotic"] = (x8, npa, cpa, dict(floor=1.0, ceiling=2.5))
    nw, cw = noisy(lambda x: 50 * x**2, seeds=4, sigma=2.0)
    cases["too_wide"] = (X, nw, cw, dict(floor=1.0, ceiling=3.0))
    cases["few_slopes"] = (X[:3], n[:3], cen[:3], dict(floor=1.0, ceiling=3.0))
    c2 = cen.copy()
    c2[2:] = True
    n2 = np.where(c2, 1e3, n)
    cases["too_few"] = (X, n2, c2, dict(floor=1.0, ceiling=3.0))
    ncr, ccr = noisy(lambda x: 50 * x**2)
    ccr[-1, :8] = True
    ncr[-1, :8] = ncr[-1].max() * 2
    cases["censored_resamples"] = (X, ncr, ccr, dict(floor=1.0, ceiling=2.5))
    return cases


CASES = _cases()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_rule_gives_its_exact_reason(name):
    x, n, cen, kw = CASES[name]
    r = check_rate(x, n, cen, **kw)
    assert (r.verdict, r.rule, r.reason) == EXPECTED[name]


def test_defaults_are_the_documented_ones():
    n, cen = noisy(lambda x: 50 * x**2)
    a = check_rate(X, n, cen, floor=1.0, ceiling=2.5).as_dict()
    b = check_rate(
        X,
        n,
        cen,
        floor=1.0,
        ceiling=2.5,
        success=0.5,
        confidence=0.95,
        n_boot=999,
        random_state=0,
        max_width=1.0,
        min_points=3,
        window=3,
        slope_tol=0.5,
        margin=4.0,
    ).as_dict()
    assert a == b
    assert a["n_boot"] == 999 and a["margin"] == 4.0 and a["slope_tol"] == 0.5
    v = np.random.default_rng(0).normal(size=30)
    assert bootstrap_ci(v) == bootstrap_ci(v, np.mean, 0.95, 0, n_boot=1999, method="BCa")
    x = np.geomspace(1, 10, 8)
    y = x**1.5 * np.exp(np.random.default_rng(1).normal(0, 0.1, 8))
    assert slope_ci(x, y) == slope_ci(x, y, 0.95, 0, log=True, n_boot=1999, method="BCa")
    assert bootstrap_ci(v, random_state=1) != bootstrap_ci(v)
    assert slope_ci(x, y, random_state=1) != slope_ci(x, y)


def test_same_seed_same_interval_and_the_seed_is_used():
    v = np.random.default_rng(3).exponential(size=25)
    assert bootstrap_ci(v, random_state=7) == bootstrap_ci(v, random_state=7)
    x = np.arange(1.0, 11.0)
    y = 2 * x + np.random.default_rng(2).normal(0, 1, 10)
    s1 = slope_ci(x, y, random_state=5, log=False)
    assert s1 == slope_ci(x, y, random_state=5, log=False)
    assert s1 != slope_ci(x, y, random_state=6, log=False)
    assert s1[0] == pytest.approx(np.polyfit(x, y, 1)[0], rel=1e-12)
    # log=False really is the linear slope, log=True the log-log one
    assert slope_ci(x, 3 * x, log=False)[0] == pytest.approx(3.0)
    assert slope_ci(x, 3 * x**2, log=True)[0] == pytest.approx(2.0)


def test_bootstrap_matches_scipy_and_falls_back_on_nan():
    from scipy import stats as sps

    v = np.random.default_rng(4).normal(2.0, 1.0, 40)
    est, lo, hi = bootstrap_ci(v, random_state=0, n_boot=500, method="percentile")
    ref = sps.bootstrap(
        (v,), np.mean, n_resamples=500, method="percentile", rng=np.random.default_rng(0)
    )
    assert (lo, hi) == (ref.confidence_interval.low, ref.confidence_interval.high)
    assert est == pytest.approx(v.mean())
    # two values: BCa's jackknife is degenerate, the percentile fallback gives a real interval
    e2, l2, h2 = bootstrap_ci([1.0, 3.0], random_state=0)
    assert e2 == 2.0 and 1.0 <= l2 <= h2 <= 3.0 and math.isfinite(l2) and l2 < h2
    # slope with resamples that have no slope (all x equal): percentile of the others
    s, lo, hi = slope_ci([1.0, 1.0, 2.0], [1.0, 1.0, 4.0], random_state=0, n_boot=200)
    assert s == pytest.approx(2.0) and math.isfinite(lo) and math.isfinite(hi)


def test_constant_samples_give_a_zero_width_interval():
    assert bootstrap_ci([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)
    assert bootstrap_ci([1.0, 2.0, 2.0], np.median)[0] == 2.0
    # only the first value differs: not constant
    _, lo, hi = bootstrap_ci([5.0, 1.0, 1.0, 1.0], random_state=0, method="percentile")
    assert hi > lo
    s, lo, hi = slope_ci([1.0, 2.0, 4.0], [3.0, 3.0, 3.0])
    assert (s, lo, hi) == (0.0, 0.0, 0.0)
    s, lo, hi = slope_ci([1.0, 2.0, 4.0], [7.0, 3.0, 3.0], random_state=0, method="percentile")
    assert hi > lo


def test_percentile_interval_values():
    lo, hi, frac = percentile_interval([0.0, 1.0, 2.0, 3.0, 4.0, np.nan, np.inf, 100.0], 0.5)
    ok = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 100.0])
    assert (lo, hi) == tuple(np.quantile(ok, [0.25, 0.75]))
    assert frac == 6 / 8
    assert percentile_interval([np.nan, np.nan])[2] == 0.0
    assert all(math.isnan(v) for v in percentile_interval([np.nan])[:2])
    assert percentile_interval([], 0.9)[2] == 0.0


def test_fit_power_law_r2_and_edges():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    y = np.array([1.0, 5.0, 9.0, 70.0])
    fit = fit_power_law(x, y)
    lx, ly = np.log(x), np.log(y)
    a, c = np.polyfit(lx, ly, 1)
    resid = ly - (c + a * lx)
    assert fit.exponent == pytest.approx(a) and fit.intercept == pytest.approx(c)
    assert fit.r2 == pytest.approx(1 - (resid**2).sum() / ((ly - ly.mean()) ** 2).sum())
    assert 0.8 < fit.r2 < 1.0 and fit.n_points == 4
    two = fit_power_law([1.0, 2.0], [3.0, 12.0])  # two points are enough
    assert two.exponent == pytest.approx(2.0) and two.r2 == pytest.approx(1.0)
    flat = fit_power_law([1.0, 2.0, 4.0], [5.0, 5.0, 5.0])
    assert flat.exponent == 0.0 and math.isnan(flat.r2)
    near_flat = fit_power_law([1.0, 2.0], [1.0, 1.0 + 1e-9])  # tot > 0 but tiny
    assert near_flat.r2 == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"^x must have at least two distinct values"):
        fit_power_law([2.0, 2.0], [1.0, 3.0])


def test_local_slopes_edges():
    assert local_slopes([1.0, 2.0], [1.0, 4.0], window=2).tolist() == [2.0]
    assert local_slopes([1.0, 2.0], [1.0, 4.0], window=3).size == 0
    np.testing.assert_allclose(local_slopes([1.0, 2.0, 4.0], [1.0, 2.0, 8.0], window=2), [1, 2])


def test_threshold_n_rise_at_the_end_and_target_edges():
    ns = [1.0, 2.0, 4.0, 8.0]
    n, cen = threshold_n(ns, [[0.1, 0.1, 0.1, 0.3]], 0.2)  # reached, then lost at the end
    assert n.tolist() == [8.0] and cen.tolist() == [True]
    n, cen = threshold_n(ns, [[0.3, 0.1, 0.1, 0.1]], 0.1)  # == target counts as reached
    assert n.tolist() == [2.0] and cen.tolist() == [False]
    n, cen = threshold_n(ns, [[0.3, 0.3, 0.3, 0.1]], 0.1)
    assert n.tolist() == [8.0] and cen.tolist() == [False]
    with pytest.raises(ValueError, match=r"^target must be in"):
        threshold_n(ns, [[0.3, 0.3, 0.3, 0.1]], np.nan)


def test_success_threshold_edges():
    n, cen = success_threshold([[10.0, 20.0]], [[False, False]], success=1.0)
    assert n.tolist() == [20.0] and cen.tolist() == [False]
    n, cen = success_threshold([[10.0, 20.0]], [[False, True]], success=1.0)
    assert n.tolist() == [20.0] and cen.tolist() == [True]
    n, _ = success_threshold([[10.0, 20.0, 30.0]], [[0, 0, 0]], success=1e-9)
    assert n.tolist() == [10.0]


def test_check_rate_edges_accepted():
    n, cen = noisy(lambda x: 50 * x**2)
    # floor == ceiling, margin 1, min_points 2, window 2, one resample, success 1: all accepted
    r = check_rate(
        X,
        n,
        cen,
        floor=2.0,
        ceiling=2.0,
        margin=1.0,
        min_points=2,
        window=2,
        n_boot=1,
        success=1.0,
        slope_tol=0.0,
    )
    assert r.settings["margin"] == 1.0 and r.settings["window"] == 2 and len(r.local_slopes) == 5
    r2 = check_rate(X[:2], n[:2], cen[:2], floor=1.0, ceiling=3.0, min_points=2, window=2)
    assert r2.n_fitted == 2 and np.isfinite(r2.exponent) and r2.rule == "not_asymptotic"
    r1 = check_rate(X[:2], n[:2], np.array([[False] * 20, [True] * 20]), ceiling=3.0)
    assert r1.n_fitted == 1 and math.isnan(r1.exponent) and r1.local_slopes == ()
    assert math.isnan(r1.ci[0]) and r1.rule == "too_few_values"


def test_censored_exactly_at_the_margin_is_a_failure():
    n, cen = noisy(lambda x: 50 * x**2)
    r0 = check_rate(X, n, cen, ceiling=2.0)
    th = np.array(r0.thresholds)
    anchor = max(th[i] * (X[-1] / X[i]) ** 2 for i in range(5))
    n[-1], cen[-1] = 4.0 * anchor, True
    r = check_rate(X, n, cen, ceiling=2.0)
    assert r.predicted[-1] == pytest.approx(anchor, rel=1e-12)
    ratio = n[-1].max() / r.predicted[-1]
    assert r.rule == ("censored_reachable" if ratio >= 4.0 else "consistent")
    # a ratio exactly equal to the margin fails; just above the ratio it does not
    assert check_rate(X, n, cen, ceiling=2.0, margin=ratio).rule == "censored_reachable"
    assert check_rate(X, n, cen, ceiling=2.0, margin=ratio * (1 + 1e-9)).rule != (
        "censored_reachable"
    )


def test_interval_touching_a_bound_is_not_beyond_it():
    """``lo == ceiling`` or ``hi == floor``: the interval meets the bound, not wholly beyond."""
    n, cen = noisy(lambda x: 50 * x**2)
    r = check_rate(X, n, cen, ceiling=2.5)
    lo, hi = r.ci
    assert check_rate(X, n, cen, ceiling=lo).rule == "consistent"
    assert check_rate(X, n, cen, floor=hi).rule == "consistent"
    # wholly beyond needs the last local slope's interval beyond the bound too
    last_lo, last_hi = r.last_slope_ci
    assert check_rate(X, n, cen, ceiling=min(lo, last_lo) - 1e-9).rule == "above_ceiling"
    assert check_rate(X, n, cen, floor=max(hi, last_hi) + 1e-9).rule == "below_floor"
    if last_lo < lo:
        assert check_rate(X, n, cen, ceiling=lo - 1e-9).rule == "pre_asymptotic"


def test_pre_asymptotic_edges_last_slope_equal_to_the_bound():
    x, n, cen, kw = CASES["pre_asymptotic"]
    r = check_rate(x, n, cen, **kw)
    last_lo, last_hi = r.last_slope_ci
    assert last_lo <= r.local_slopes[-1] <= last_hi and last_hi < r.ci[0]
    assert check_rate(x, n, cen, ceiling=last_lo).rule == "pre_asymptotic"
    assert check_rate(x, n, cen, ceiling=last_lo - 1e-9).rule == "above_ceiling"
    nb, cb = noisy(lambda x: 50 * np.where(x <= 8, x**0.25, x**2 / 8**1.75), x=x)
    rb = check_rate(x, nb, cb, floor=2.5)
    b_lo, b_hi = rb.last_slope_ci
    assert rb.ci[1] < 2.5 and b_lo > rb.ci[1]
    assert check_rate(x, nb, cb, floor=b_hi).rule == "pre_asymptotic"
    assert check_rate(x, nb, cb, floor=b_hi + 1e-9).rule == "below_floor"


def test_width_and_slope_spread_at_their_limits():
    n, cen = noisy(lambda x: 50 * x**2)
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.5)
    width = r.ci[1] - r.ci[0]
    spread = max(r.local_slopes) - min(r.local_slopes)
    assert check_rate(X, n, cen, floor=1.0, ceiling=2.5, max_width=width).rule == "consistent"
    assert check_rate(X, n, cen, floor=1.0, ceiling=2.5, max_width=width * 0.999).rule == (
        "too_wide"
    )
    assert check_rate(X, n, cen, floor=1.0, ceiling=2.5, slope_tol=spread).rule == "consistent"
    assert check_rate(X, n, cen, floor=1.0, ceiling=2.5, slope_tol=spread * 0.999).rule == (
        "not_asymptotic"
    )


def test_describe_slopes():
    assert V._describe_slopes(np.array([1.0, 5.0, 1.6]), 0.5) == (
        "local slopes rise from 1.00 to 1.60"
    )
    assert V._describe_slopes(np.array([2.0, 0.0, 1.4]), 0.5) == (
        "local slopes fall from 2.00 to 1.40"
    )
    assert V._describe_slopes(np.array([1.0, 3.0, 1.5]), 0.5) == (
        "local slopes vary between 1.00 and 3.00"
    )
    assert V._describe_slopes(np.array([1.0, 3.0, 1.25]), 0.25).startswith("local slopes vary")
    assert V._fmt(None) == "none" and V._fmt(2.0) == "2"


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (
            lambda: check_rate([1.0], [[1.0]], [[False]]),
            ValueError,
            r"^x must have at least 2 values, got 1$",
        ),
        (
            lambda: check_rate([[1.0, 2.0]], [[1.0]], [[False]]),
            ValueError,
            r"^x must be 1-dimensional",
        ),
        (
            lambda: check_rate([-1.0, 2.0], [[1.0], [2.0]], [[0], [0]]),
            ValueError,
            r"^x must be > 0 everywhere, got minimum -1$",
        ),
        (
            lambda: check_rate([2.0, 1.0], [[1.0], [2.0]], [[0], [0]]),
            ValueError,
            r"^x must be strictly increasing, got 2 then 1$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [1.0, 2.0], [0, 0]),
            ValueError,
            r"^n_needed must be 2-dimensional",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [0.0]], [[0], [0]]),
            ValueError,
            r"^n_needed must be > 0 everywhere",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0, 2.0]], [[0, 0]]),
            ValueError,
            r"^n_needed must have one row per x value \(2\), got shape \(1, 2\)$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [0, 0]),
            ValueError,
            r"^censored must have the shape of n_needed \(2, 1\), got \(2,\)$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [2]]),
            ValueError,
            r"^censored must be boolean",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], floor="1"),
            TypeError,
            r"^floor must be a real number or None, got '1'$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], floor=True),
            TypeError,
            r"^floor must be a real number or None",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], ceiling=np.inf),
            ValueError,
            r"^ceiling must be finite, got inf$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], floor=2.0, ceiling=1.0),
            ValueError,
            r"^floor must be <= ceiling, got floor=2 > ceiling=1$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], success=0.0),
            ValueError,
            r"^success must be in \(0\.0, 1\.0\]",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], success=1.5),
            ValueError,
            r"^success must be in",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], confidence=1.0),
            ValueError,
            r"^confidence must be in \(0\.0, 1\.0\)",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], n_boot=0),
            ValueError,
            r"^n_boot must be >= 1, got 0$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], n_boot=10**7),
            ValueError,
            r"^n_boot must be <= 1000000, got 10000000$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], max_width=0.0),
            ValueError,
            r"^max_width must be in \(0\.0, inf\]",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], min_points=1),
            ValueError,
            r"^min_points must be >= 2, got 1$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], window=1),
            ValueError,
            r"^window must be >= 2, got 1$",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], slope_tol=-0.1),
            ValueError,
            r"^slope_tol must be in \[0\.0, inf\]",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], margin=0.99),
            ValueError,
            r"^margin must be in \[1\.0, inf\]",
        ),
        (
            lambda: check_rate([1.0, 2.0], [[1.0], [2.0]], [[0], [0]], random_state="a"),
            TypeError,
            r"^random_state must be",
        ),
        (lambda: bootstrap_ci([1.0]), ValueError, r"^values must have at least 2 entries, got 1$"),
        (lambda: bootstrap_ci([[1.0, 2.0]]), ValueError, r"^values must be 1-dimensional"),
        (
            lambda: bootstrap_ci([1.0, 2.0], statistic=3),
            TypeError,
            r"^statistic must be callable, got int$",
        ),
        (lambda: bootstrap_ci([1.0, 2.0], n_boot=0), ValueError, r"^n_boot must be >= 1, got 0$"),
        (
            lambda: bootstrap_ci([1.0, 2.0], method="bca"),
            ValueError,
            r"^method must be one of \['BCa', 'percentile', 'basic'\], got 'bca'$",
        ),
        (lambda: bootstrap_ci([1.0, 2j]), TypeError, r"^values must be real"),
        (
            lambda: slope_ci([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], log=1),
            TypeError,
            r"^log must be a bool, got int$",
        ),
        (
            lambda: slope_ci([1.0, 2.0], [1.0, 2.0]),
            ValueError,
            r"^x must have at least 3 points, got 2$",
        ),
        (
            lambda: slope_ci([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]),
            ValueError,
            r"^x must have at least two distinct values$",
        ),
        (
            lambda: slope_ci([[1.0, 2.0, 3.0]], [1.0, 2.0, 3.0]),
            ValueError,
            r"^x must be 1-dimensional",
        ),
        (
            lambda: slope_ci([1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]]),
            ValueError,
            r"^y must be 1-dimensional",
        ),
        (
            lambda: slope_ci([1.0, 2.0, 3.0], [1.0, -2.0, 3.0]),
            ValueError,
            r"^y must be > 0 everywhere, got minimum -2$",
        ),
        (
            lambda: slope_ci([1.0, 2.0, 3.0], [1.0, 2.0]),
            ValueError,
            r"^y must have the shape of x \(3,\), got \(2,\)$",
        ),
        (
            lambda: slope_ci([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], n_boot=0),
            ValueError,
            r"^n_boot must be >= 1, got 0$",
        ),
        (
            lambda: slope_ci([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], method="x"),
            ValueError,
            r"^method must be one of",
        ),
        (
            lambda: slope_ci([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], confidence=0.0),
            ValueError,
            r"^confidence must be in",
        ),
        (lambda: percentile_interval("ab"), TypeError, r"^samples must be array-like"),
        (lambda: percentile_interval([1j]), TypeError, r"^samples must be real"),
        (lambda: percentile_interval([1.0], confidence=1.0), ValueError, r"^confidence must"),
        (lambda: threshold_n([1.0, 2.0], [[0.1, 0.2j]], 0.1), TypeError, r"^errors must be real"),
        (
            lambda: threshold_n([1.0, 2.0], [[0.1, np.nan]], 0.1),
            ValueError,
            r"^errors contains NaN$",
        ),
        (
            lambda: threshold_n([1.0, 2.0], [[0.1, 0.2, 0.3]], 0.1),
            ValueError,
            r"^errors must have len\(ns\) = 2 entries on its last axis, got shape \(1, 3\)$",
        ),
        (lambda: threshold_n([1.0, 2.0], [[0.1, 0.2]], "a"), TypeError, r"^target must be a real"),
        (
            lambda: threshold_n([[1.0, 2.0]], [[0.1, 0.2]], 0.1),
            ValueError,
            r"^ns must be 1-dimensional",
        ),
        (lambda: threshold_n([0.0, 2.0], [[0.1, 0.2]], 0.1), ValueError, r"^ns must be > 0"),
        (
            lambda: success_threshold([[1.0, 2.0]], [[0, 0]], success=0),
            ValueError,
            r"^success must be in \(0\.0, 1\.0\]",
        ),
        (
            lambda: success_threshold([[1.0, np.inf]], [[0, 0]]),
            ValueError,
            r"^n_needed contains inf$",
        ),
        (lambda: fit_power_law([1.0, 2.0], [1.0, 0.0]), ValueError, r"^y must be > 0 everywhere"),
        (
            lambda: fit_power_law("ab", [1.0]),
            TypeError,
            r"^x must be array-like of numbers, got a string$",
        ),
        (
            lambda: fit_power_law([1.0, 2.0], [1.0, 2.0, 3.0]),
            ValueError,
            r"^y must have the shape of x",
        ),
        (
            lambda: local_slopes([1.0, 2.0], [1.0, 2.0], window=1),
            ValueError,
            r"^window must be >= 2, got 1$",
        ),
        (
            lambda: local_slopes([2.0, 2.0], [1.0, 2.0]),
            ValueError,
            r"^x must be strictly increasing, got 2 then 2$",
        ),
        (
            lambda: C.as_float_array(1.0, "v"),
            ValueError,
            r"^v must be at least 1-dimensional, got shape \(\)$",
        ),
        (lambda: C.as_float_array([], "v"), ValueError, r"^v must not be empty, got shape \(0,\)$"),
        (
            lambda: C.as_float_array([object()], "v"),
            TypeError,
            r"^v must be array-like of numbers, got list$",
        ),
        (lambda: C.as_float_array([1.0, np.inf], "v"), ValueError, r"^v contains inf$"),
        (
            lambda: C.check_optional_real(np.nan, "lim"),
            ValueError,
            r"^lim must be finite, got nan$",
        ),
        (lambda: C.check_optional_real(1j, "lim"), TypeError, r"^lim must be a real number"),
    ],
    ids=lambda _: "case",
)
def test_bad_input_refused_in_one_line_naming_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert "\n" not in str(info.value)


def test_checks_accept_and_convert():
    assert C.as_float_array([1, 2], "v").dtype == np.float64
    assert C.as_float_array(3.0, "v", min_ndim=0).shape == ()
    assert np.isinf(C.as_float_array([1.0, np.inf], "v", allow_inf=True)).sum() == 1
    assert np.isnan(C.as_float_array([1.0, np.nan], "v", allow_nan=True)).sum() == 1
    b = C.as_bool_array([[1, 0]], "c", (1, 2), "n")
    assert b.dtype == bool and b.tolist() == [[True, False]]
    assert C.check_optional_real(None, "f") is None
    assert C.check_optional_real(np.float32(1.5), "f") == 1.5
    assert type(C.check_optional_real(2, "f")) is float
    C.check_increasing(np.array([1.0]), "x")
    assert C.check_confidence(0.5) == 0.5


def test_describe_slopes_uses_first_and_last_with_a_strict_tolerance():
    assert V._describe_slopes(np.array([2.0, 2.0, 1.0]), 0.5).startswith("local slopes fall")
    assert V._describe_slopes(np.array([2.0, 1.0, 1.5]), 0.5).startswith("local slopes vary")


def test_bca_interval_is_scipys_when_it_is_finite():
    from scipy import stats as sps

    v = np.random.default_rng(8).lognormal(size=30)
    _, lo, hi = bootstrap_ci(v, random_state=0, n_boot=400)
    ref = sps.bootstrap((v,), np.mean, n_resamples=400, method="BCa",
                        rng=np.random.default_rng(0))
    assert (lo, hi) == (ref.confidence_interval.low, ref.confidence_interval.high)


def test_fallback_interval_uses_the_requested_confidence():
    x, y = [1.0, 1.0, 2.0, 3.0], [1.0, 1.0, 4.0, 8.0]
    _, lo50, hi50 = slope_ci(x, y, confidence=0.5, random_state=0, n_boot=400)
    _, lo95, hi95 = slope_ci(x, y, confidence=0.95, random_state=0, n_boot=400)
    assert hi50 - lo50 < hi95 - lo95


@pytest.mark.parametrize("fn", [bootstrap_ci, slope_ci])
def test_n_boot_has_an_upper_limit(fn):
    args = ([1.0, 2.0, 3.0],) if fn is bootstrap_ci else ([1.0, 2.0, 3.0], [1.0, 2.0, 3.5])
    with pytest.raises(ValueError, match=r"^n_boot must be <= 1000000, got 1000001$"):
        fn(*args, n_boot=1_000_001)
