"""Tests of slam_theory.stats on made-up data: every verdict has a case that must fail it."""

from __future__ import annotations

import dataclasses
import doctest
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slam_theory import stats
from slam_theory.stats import (
    bootstrap,
    check_rate,
    fit_power_law,
    local_slopes,
    powerlaw,
    result,
    slope_ci,
    success_threshold,
    threshold_n,
    thresholds,
    verdicts,
)
from slam_theory.stats import bootstrap_ci as boot_ci

X = 2.0 ** np.arange(6)  # the claim's parameter, e.g. 1/eps


def noisy(law, x=X, seeds=20, sigma=0.3, seed=0):
    """Per-seed thresholds law(x) * lognormal noise, none censored."""
    rng = np.random.default_rng(seed)
    n = law(x)[:, None] * np.exp(rng.normal(0.0, sigma, (x.size, seeds)))
    return n, np.zeros(n.shape, dtype=bool)


def one_line_value_error(fn, *args, match, **kw):
    with pytest.raises(ValueError, match=match) as info:
        fn(*args, **kw)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("module", [thresholds, powerlaw, bootstrap, verdicts, result, stats])
def test_doctests_run(module):
    res = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0
    assert module is stats or res.attempted > 0


# --------------------------------------------------------------------------- threshold_n
def test_threshold_n_hand_made_curves():
    ns = [10, 20, 40, 80, 160]
    errors = [
        [0.5, 0.3, 0.1, 0.05, 0.01],  # reaches 0.1 at 40 and stays
        [0.5, 0.05, 0.2, 0.3, 0.4],  # dips below, rises above: not reached
        [0.5, 0.05, 0.2, 0.05, 0.05],  # dips, rises, comes back at 80
        [0.05, 0.05, 0.05, 0.05, 0.05],  # reached from the first n
        [0.5, 0.5, 0.5, 0.5, 0.5],  # never
        [0.5, 0.5, 0.5, 0.5, 0.1],  # only at the last n (== target counts)
        [0.5, 0.5, 0.5, 0.05, np.inf],  # rises to inf at the end
    ]
    n, cen = threshold_n(ns, errors, 0.1)
    assert n.tolist() == [40, 160, 80, 10, 160, 160, 160]
    assert cen.tolist() == [False, True, False, False, True, False, True]


def test_threshold_n_shapes():
    ns = np.array([1.0, 2.0, 4.0])
    err = np.array([[[0.3, 0.2, 0.1]], [[0.3, 0.3, 0.3]]])  # (2, 1, 3)
    n, cen = threshold_n(ns, err, 0.2)
    assert n.shape == cen.shape == (2, 1)
    assert n[:, 0].tolist() == [2.0, 4.0] and cen[:, 0].tolist() == [False, True]
    n1, c1 = threshold_n(ns, [0.3, 0.2, 0.1], 0.2)
    assert n1.shape == () and float(n1) == 2.0 and not bool(c1)


@pytest.mark.parametrize(
    ("ns", "errors", "target", "match"),
    [
        ([10, 10, 20], [[0.1, 0.1, 0.1]], 0.1, "ns must be strictly increasing"),
        ([20, 10, 40], [[0.1, 0.1, 0.1]], 0.1, "ns must be strictly increasing"),
        ([[10, 20, 40]], [[0.1, 0.1, 0.1]], 0.1, "ns must be 1-dimensional"),
        ([0, 10, 20], [[0.1, 0.1, 0.1]], 0.1, "ns must be > 0"),
        ([10, 20, 40], [[0.1, np.nan, 0.1]], 0.1, "errors contains NaN"),
        ([10, 20, 40], [[0.1, 0.1]], 0.1, "errors must have len"),
        ([10, 20, 40], [[0.1, 0.1, 0.1]], np.nan, "target"),
    ],
)
def test_threshold_n_invalid(ns, errors, target, match):
    one_line_value_error(threshold_n, ns, errors, target, match=match)


@given(
    st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4),
    st.lists(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4), min_size=1, max_size=5),
)
def test_threshold_n_monotone_in_target(targets, errors):
    """A larger target is reached no later, and censored no more often."""
    ns = [1, 2, 4, 8]
    prev_n, prev_c = None, None
    for t in sorted(targets):
        n, c = threshold_n(ns, errors, t)
        if prev_n is not None:
            assert np.all(n <= prev_n)
            assert np.all(c <= prev_c)
        prev_n, prev_c = n, c


@given(st.lists(st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5), min_size=1, max_size=4),
       st.floats(0.0, 1.0))
def test_threshold_n_definition(errors, target):
    """n_needed is reached and stays reached; one grid point earlier is not (brute force)."""
    ns = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    e = np.array(errors)
    n, cen = threshold_n(ns, e, target)
    for row, ni, ci in zip(e, n, cen):
        k = int(np.flatnonzero(ns == ni)[0])
        if ci:
            assert row[-1] > target and k == ns.size - 1
        else:
            assert np.all(row[k:] <= target)
            assert k == 0 or row[k - 1] > target


# --------------------------------------------------------------------------- success_threshold
def test_success_threshold_censoring():
    n_needed = [[10, 20, 40, 80], [100, 200, 800, 800], [5, 6, 7, 8]]
    censored = [[False] * 4, [False, True, True, True], [False, False, False, True]]
    n, cen = success_threshold(n_needed, censored, success=0.5)
    assert n.tolist() == [20, 800, 6] and cen.tolist() == [False, True, False]
    n, cen = success_threshold(n_needed, censored, success=0.75)
    assert n.tolist() == [40, 800, 7] and cen.tolist() == [False, True, False]
    n, cen = success_threshold(n_needed, censored, success=1.0)
    assert n.tolist() == [80, 800, 8] and cen.tolist() == [False, True, True]
    # a censored entry is never treated as a success, even where its n is small
    n, cen = success_threshold([[1, 1000]], [[True, False]], success=0.5)
    assert n.tolist() == [1000] and cen.tolist() == [False]
    n, cen = success_threshold([[1, 1000]], [[True, False]], success=0.75)
    assert n.tolist() == [1000] and cen.tolist() == [True]


def test_success_threshold_rank_round_off():
    """0.3 * 10 seeds is exactly 3 seeds, not 4 (float round-off)."""
    n, cen = success_threshold([np.arange(1.0, 11.0)], [[False] * 10], success=0.3)
    assert n.tolist() == [3.0] and not cen[0]


@pytest.mark.parametrize(
    ("n_needed", "censored", "success", "match"),
    [
        ([[1, 2]], [[False, False, False]], 0.5, "censored must have the shape of n_needed"),
        ([[1, np.nan]], [[False, False]], 0.5, "n_needed contains NaN"),
        ([[1, np.inf]], [[False, False]], 0.5, "n_needed contains inf"),
        ([[0, 2]], [[False, False]], 0.5, "n_needed must be > 0"),
        ([[1, 2]], [[False, False]], 0.0, "success"),
        ([[1, 2]], [[False, False]], 1.5, "success"),
        ([[1, 2]], [[0, 2]], 0.5, "censored must be boolean"),
    ],
)
def test_success_threshold_invalid(n_needed, censored, success, match):
    one_line_value_error(success_threshold, n_needed, censored, success, match=match)


@given(st.lists(st.tuples(st.integers(1, 100), st.booleans()), min_size=1, max_size=12),
       st.floats(0.01, 1.0), st.floats(0.01, 1.0))
def test_success_threshold_monotone_in_success(cells, s1, s2):
    n = np.array([[c[0] for c in cells]], dtype=float)
    cen = np.array([[c[1] for c in cells]])
    lo, hi = sorted((s1, s2))
    a, ca = success_threshold(n, cen, lo)
    b, cb = success_threshold(n, cen, hi)
    assert ca[0] <= cb[0]
    if not cb[0]:
        assert a[0] <= b[0]


# --------------------------------------------------------------------------- power laws
def test_fit_power_law_exact_and_invalid():
    fit = fit_power_law(X, 7.0 * X**1.5)
    assert fit.exponent == pytest.approx(1.5) and np.exp(fit.intercept) == pytest.approx(7.0)
    assert fit.r2 == pytest.approx(1.0) and fit.n_points == X.size
    # a wrong exponent is not recovered as the right one (the fit can fail)
    assert fit_power_law(X, X**2.5).exponent == pytest.approx(2.5)
    one_line_value_error(fit_power_law, [1, 2, 3], [1, 2], match="y must have the shape of x")
    one_line_value_error(fit_power_law, [1, 2, 3], [1, -2, 3], match="y must be > 0")
    one_line_value_error(fit_power_law, [1, 2, np.nan], [1, 2, 3], match="x contains NaN")
    one_line_value_error(fit_power_law, [2, 2, 2], [1, 2, 3], match="two distinct")


def test_local_slopes():
    assert np.allclose(local_slopes(X, 3 * X**2), 2.0)
    assert local_slopes(X, X, window=3).shape == (X.size - 2,)
    assert local_slopes(X[:2], X[:2], window=3).size == 0
    rising = local_slopes(X, np.where(X < 4, X, X**3 / 16))
    assert rising[0] == pytest.approx(1.0) and rising[-1] == pytest.approx(3.0)
    one_line_value_error(local_slopes, [1, 4, 2], [1, 2, 3], match="x must be strictly increasing")
    with pytest.raises(ValueError, match="window"):
        local_slopes(X, X, window=1)


# --------------------------------------------------------------------------- bootstrap
def test_bootstrap_ci_basic():
    v = np.random.default_rng(3).normal(2.0, 1.0, 100)
    est, lo, hi = boot_ci(v, np.mean, random_state=0, n_boot=999)
    assert lo < est < hi and lo < 2.0 < hi
    assert (est, lo, hi) == boot_ci(v, np.mean, random_state=0, n_boot=999)
    _, lo2, hi2 = boot_ci(v, np.mean, confidence=0.5, random_state=0, n_boot=999)
    assert lo < lo2 < hi2 < hi  # a lower level gives a narrower interval
    est, lo, hi = boot_ci(np.full(5, 3.0), np.median)
    assert est == lo == hi == 3.0
    _, lo, hi = boot_ci(v, np.median, method="percentile", n_boot=499)
    assert lo < np.median(v) < hi
    with pytest.raises(ValueError, match="method"):
        boot_ci(v, method="bogus")
    one_line_value_error(boot_ci, [1.0], match="values must have at least 2")
    one_line_value_error(boot_ci, [1.0, np.nan], match="values contains NaN")
    one_line_value_error(boot_ci, v, confidence=1.0, match="confidence")


def test_slope_ci():
    rng = np.random.default_rng(1)
    x = np.geomspace(1, 100, 25)
    y = 3.0 * x**-0.5 * np.exp(rng.normal(0, 0.1, x.size))
    s, lo, hi = slope_ci(x, y, random_state=0, n_boot=999)
    assert lo < -0.5 < hi and lo < s < hi
    # a wrong slope lies outside: the interval can exclude
    assert not (lo < -1.0 < hi) and not (lo < 0.0 < hi)
    xl = np.linspace(0, 1, 20)
    s, lo, hi = slope_ci(xl, 2.0 * xl + rng.normal(0, 0.05, xl.size), log=False, n_boot=999)
    assert lo < 2.0 < hi
    # three points: some resamples have no slope; the interval stays finite
    s, lo, hi = slope_ci([1.0, 2.0, 4.0], [1.0, 4.5, 15.0], n_boot=199)
    assert np.isfinite(lo) and np.isfinite(hi) and lo <= s <= hi
    one_line_value_error(slope_ci, [1, 2], [1, 2], match="x must have at least 3")
    one_line_value_error(slope_ci, [1, 2, 3], [1, 2], match="y must have the shape of x")
    one_line_value_error(slope_ci, [1, 2, 0], [1, 2, 3], match="x must be > 0")


# --------------------------------------------------------------------------- check_rate
def test_clean_power_law_is_consistent():
    n, cen = noisy(lambda x: 50 * x**2)
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.5)
    assert r.verdict == "consistent" and r.rule == "consistent", r.reason
    assert r.ci[0] <= 2.0 <= r.ci[1] and r.asymptotic
    assert "would fail" in r.reason and "\n" not in r.reason
    # the same data against bounds that exclude 2 must fail, on either side
    assert check_rate(X, n, cen, floor=0.5, ceiling=1.5).verdict == "inconsistent"
    assert check_rate(X, n, cen, floor=2.5, ceiling=3.0).verdict == "inconsistent"


def test_exponent_above_ceiling_is_inconsistent():
    n, cen = noisy(lambda x: 50 * x**3)
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.0)
    assert (r.verdict, r.rule) == ("inconsistent", "above_ceiling"), r.reason
    assert r.ci[0] > 2.0 and "above the ceiling" in r.reason


def test_exponent_below_floor_is_inconsistent():
    n, cen = noisy(lambda x: 50 * x**0.5)
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.0)
    assert (r.verdict, r.rule) == ("inconsistent", "below_floor"), r.reason
    assert r.ci[1] < 1.0


def plateau_errors(level, seeds=15, seed=0):
    """Error curves ``level + noise / sqrt(n)`` on a grid of n: a floor at ``level``."""
    rng = np.random.default_rng(seed)
    ns = np.geomspace(10, 1e7, 49)
    scale = np.exp(rng.normal(0, 0.2, (seeds, 1)))
    return ns, level + scale / np.sqrt(ns)[None, :]


@pytest.mark.parametrize("level", [0.0, 0.02])
def test_plateau_is_inconsistent(level):
    """Small targets never reached although the ceiling law says they are -> inconsistent;
    the same learner without the plateau is consistent (the test can pass)."""
    eps = 0.4 / 2.0 ** np.arange(6)  # 0.4 ... 0.0125
    ns, err = plateau_errors(level)
    res = [threshold_n(ns, err, e) for e in eps]
    n = np.stack([r[0] for r in res])
    cen = np.stack([r[1] for r in res])
    r = check_rate(1 / eps, n, cen, floor=1.0, ceiling=2.5)
    if level == 0.0:
        assert not cen.any()
        assert r.verdict == "consistent", r.reason
    else:
        assert r.threshold_censored[-1] and not r.threshold_censored[0]
        assert (r.verdict, r.rule) == ("inconsistent", "censored_reachable"), r.reason
        assert "ceiling law" in r.reason


def test_censored_beyond_the_ceilings_reach_is_not_a_failure():
    """A value censored where the ceiling law needs more than max_n / margin: not a failure."""
    n, cen = noisy(lambda x: 50 * x**2)
    pred = 50 * X[-1] ** 2
    n[-1], cen[-1] = 2.0 * pred, True  # grid ends at only 2x the prediction (< margin 4)
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.0)
    assert r.rule != "censored_reachable" and r.verdict != "inconsistent", r.reason
    n[-1] = 100.0 * pred  # now well inside: must fail
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.0)
    assert r.rule == "censored_reachable" and np.isfinite(r.predicted[-1])


def test_rising_local_slope_is_not_consistent():
    n, cen = noisy(lambda x: 50 * np.where(x < 4, x, x**3 / 16))
    r = check_rate(X, n, cen, floor=1.0, ceiling=3.0)
    assert r.verdict != "consistent" and r.rule == "not_asymptotic", r.reason
    assert not r.asymptotic and "rise" in r.reason
    assert fit_power_law(X, np.median(n, axis=1)).exponent == pytest.approx(2.2, abs=0.2)


def test_threshold_plateau_is_not_consistent():
    """n stops growing at large x (slope falls to 0): not asymptotic."""
    n, cen = noisy(lambda x: 50 * np.minimum(x, 8.0) ** 2.5)
    r = check_rate(X, n, cen, floor=0.5, ceiling=3.0)
    assert r.verdict != "consistent" and "fall" in r.reason, r.reason


def test_pre_asymptotic_steep_start_is_not_inconsistent():
    """Slopes falling from 4 to 2 under a ceiling of 2.5: interval above, last slope inside."""
    x = 2.0 ** np.arange(8)
    law = lambda x: 50 * np.where(x <= 8, x**4, 64 * x**2)  # noqa: E731
    n, cen = noisy(law, x=x)
    r = check_rate(x, n, cen, floor=1.0, ceiling=2.5)
    assert r.ci[0] > 2.5 and r.local_slopes[-1] <= 2.5
    assert (r.verdict, r.rule) == ("inconclusive", "pre_asymptotic"), r.reason


def test_inconclusive_cases():
    n, cen = noisy(lambda x: 50 * x**2, seeds=4, sigma=2.0)
    r = check_rate(X, n, cen, floor=1.0, ceiling=3.0)
    assert (r.verdict, r.rule) == ("inconclusive", "too_wide"), r.reason
    n, cen = noisy(lambda x: 50 * x**2)
    r = check_rate(X, n, cen)
    assert (r.verdict, r.rule) == ("inconclusive", "no_bounds")
    assert np.isfinite(r.exponent) and np.isfinite(r.ci[0])
    r = check_rate(X[:3], n[:3], cen[:3], floor=1.0, ceiling=3.0)
    assert (r.verdict, r.rule) == ("inconclusive", "not_asymptotic"), r.reason
    c2 = cen.copy()
    c2[2:] = True  # only two values reached; the ceiling law is far beyond 1e3
    n2 = np.where(c2, 1e3, n)
    r = check_rate(X, n2, c2, floor=1.0, ceiling=3.0)
    assert (r.verdict, r.rule) == ("inconclusive", "too_few_values"), r.reason


@pytest.mark.parametrize(("n_fail", "rule"), [(8, "censored_resamples"), (5, "consistent")])
def test_threshold_near_the_end_of_the_grid_is_inconclusive(n_fail, rule):
    """12 of 20 seeds reach the target at the largest x: ~13% of resamples are censored
    there (> 2.5%), inconclusive; with 15 of 20 (~0.4%) the check goes on to its verdict."""
    n, cen = noisy(lambda x: 50 * x**2)
    cen[-1, :n_fail] = True
    n[-1, :n_fail] = n[-1].max() * 2
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.5)
    assert not r.threshold_censored[-1]
    if rule == "censored_resamples":
        assert 0.05 < r.censored_resample_fraction < 0.2
    else:
        assert r.censored_resample_fraction < 0.025
    assert r.rule == rule, r.reason


def test_as_dict_json_and_determinism():
    n, cen = noisy(lambda x: 50 * x**2)
    cen[-1] = True
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.5, random_state=7)
    d = r.as_dict()
    json.dumps(d, allow_nan=False)
    for key in ("exponent", "ci", "local_slopes", "verdict", "reason", "thresholds",
                "threshold_censored", "asymptotic", "floor", "ceiling", "success", "rule"):
        assert key in d
    assert d["predicted"][0] is None and d["threshold_censored"][-1] is True
    assert d == check_rate(X, n, cen, floor=1.0, ceiling=2.5, random_state=7).as_dict()
    assert d != check_rate(X, n, cen, floor=1.0, ceiling=2.5, random_state=8).as_dict()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.verdict = "consistent"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": X[::-1]}, "x must be strictly increasing"),
        ({"x": X[:5]}, "n_needed must have one row per x"),
        ({"n_needed": np.full((6, 3), np.nan)}, "n_needed contains NaN"),
        ({"censored": np.zeros((6, 2), bool)}, "censored must have the shape"),
        ({"floor": 3.0, "ceiling": 2.0}, "floor must be <= ceiling"),
        ({"success": 0.0}, "success"),
        ({"confidence": 1.5}, "confidence"),
        ({"margin": 0.5}, "margin"),
        ({"resolution": 0.9}, "resolution"),
        ({"x": np.array([1.0])}, "x must have at least 2"),
    ],
)
def test_check_rate_invalid(kwargs, match):
    base = {"x": X, "n_needed": np.ones((6, 3)), "censored": np.zeros((6, 3), bool)}
    base.update(kwargs)
    if "x" in kwargs and kwargs["x"].size == 1:
        base["n_needed"], base["censored"] = np.ones((1, 3)), np.zeros((1, 3), bool)
    one_line_value_error(check_rate, base.pop("x"), base.pop("n_needed"), base.pop("censored"),
                         match=match, **base)


def _on_grid(law, x, seeds=6, steps_per_octave=4):
    """Every seed's threshold at the first grid size at or above ``law(x)``: seeds agree."""
    from slam_theory.experiments.search import grid_sizes

    g = grid_sizes(100, 10**8, steps_per_octave=steps_per_octave).astype(float)
    n = g[np.searchsorted(g, law(x))][:, None] * np.ones((1, seeds))
    return n, np.zeros(n.shape, dtype=bool)


def test_a_grid_coarser_than_the_seeds_spread_widens_the_interval():
    # the exact law 51 x^2 rounded up to a grid of 4 sizes per octave: every seed agrees, so
    # seed resampling alone gives a point interval at 2.10 and calls the law "inconsistent"
    x = 6 * 1.25 ** np.arange(5)
    n, cen = _on_grid(lambda v: 51 * v**2, x)
    naive = check_rate(x, n, cen, floor=1, ceiling=2)
    assert naive.verdict == "inconsistent" and naive.ci[0] == naive.ci[1] > 2
    r = check_rate(x, n, cen, floor=1, ceiling=2, resolution=2 ** 0.25)
    assert r.verdict == "consistent", r.reason
    assert r.ci[0] < 2 < r.ci[1] and r.exponent == naive.exponent
    assert r.settings["resolution"] == 2 ** 0.25


@pytest.mark.parametrize(("law", "rule"), [(lambda v: 20 * v**3, "above_ceiling"),
                                           (lambda v: 3000 * v**0.5, "below_floor")])
def test_the_grid_allowance_still_fails_laws_outside_the_bounds(law, rule):
    x = 4 * 1.5 ** np.arange(6)
    n, cen = _on_grid(law, x)
    r = check_rate(x, n, cen, floor=1, ceiling=2, resolution=2 ** 0.25)
    assert r.verdict == "inconsistent" and r.rule == rule, r.reason


def test_resolution_one_is_the_exact_rule():
    n, cen = noisy(lambda x: 50 * x**2)
    a = check_rate(X, n, cen, floor=1, ceiling=2, random_state=3).as_dict()
    b = check_rate(X, n, cen, floor=1, ceiling=2, random_state=3, resolution=1.0).as_dict()
    assert a == b


@given(st.floats(1e-3, 1e3), st.floats(1e-2, 1e2), st.integers(0, 50))
def test_exponent_invariant_to_scaling(cn, cx, seed):
    """Scaling n (or x) by a constant leaves the exponent, interval and verdict unchanged."""
    n, cen = noisy(lambda x: 50 * x**2, seeds=8, seed=seed)
    r = check_rate(X, n, cen, floor=1.0, ceiling=2.5, n_boot=99)
    s = check_rate(X * cx, n * cn, cen, floor=1.0, ceiling=2.5, n_boot=99)
    assert s.exponent == pytest.approx(r.exponent, abs=1e-9)
    assert np.allclose(s.ci, r.ci, atol=1e-9)
    assert s.verdict == r.verdict


def test_every_rule_code_is_documented():
    import inspect

    doc = inspect.getdoc(check_rate)
    for code in stats.RATE_RULES:
        assert f"``{code}``" in doc or code == "consistent", code


def test_a_last_slope_at_the_floor_is_not_judged_below_it():
    # slope 0.6 up to x = 32, then 0.9: the whole fit lies below the floor 1 and the last
    # slope's point estimate does too, but its interval reaches 1 (as SLaM's did on rate_eps)
    x = 2.0 ** np.arange(1, 9)
    law = lambda v: 50 * np.where(v <= 32, v**0.6, 32**0.6 * (v / 32) ** 0.9)  # noqa: E731
    n, cen = noisy(law, x=x, seeds=16, sigma=0.15)
    r = check_rate(x, n, cen, floor=1, ceiling=2)
    assert r.ci[1] < 1 and r.local_slopes[-1] < 1 <= r.last_slope_ci[1]
    assert r.verdict == "inconclusive" and r.rule == "pre_asymptotic", r.reason
    # the same start ending at slope 0.6 is judged below the floor
    n6, c6 = noisy(lambda v: 50 * v**0.6, x=x, seeds=16, sigma=0.15)
    r6 = check_rate(x, n6, c6, floor=1, ceiling=2)
    assert r6.rule == "below_floor" and r6.last_slope_ci[1] < 1, r6.reason
