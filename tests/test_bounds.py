"""Tests for slam_theory.bounds: monotonicity, exponents, constants, bad inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slam_theory import bounds as B
from slam_theory.bounds._checks import _as_count

EPS = np.array([0.2, 0.1, 0.05, 0.02, 0.01])
GAMMA = np.array([0.5, 0.2, 0.1, 0.05, 0.02])
ETA = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.45])

# name -> callable(eps, gamma, eta) for the sample complexities with an EXPONENTS entry
SAMPLE = {
    "information_theoretic": lambda e, g, h: B.information_theoretic(e, g, h),
    "slam": lambda e, g, h: B.slam_sample_complexity(e, g, h),
    "ddkwz23": lambda e, g, h: B.ddkwz23_sample_complexity(e, g, h, d=1, delta=0.1),
    "sq_lower_bound": lambda e, g, h: B.sq_lower_bound(e, g),
    "dgt19": lambda e, g, h: B.dgt19_sample_complexity(e, g, h),
    "perceptron": lambda e, g, h: B.perceptron_mistakes(g) * np.ones_like(np.asarray(e)),
}


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


@pytest.mark.parametrize("name", sorted(SAMPLE))
def test_exponents_match_functions(name):
    f = SAMPLE[name]
    ex = B.EXPONENTS[name]
    # eps: small eps so the dominant term dominates (ddkwz23 has a d/eps term)
    e = np.array([1e-3, 5e-4, 2e-4, 1e-4])
    s_eps = _slope(1.0 / e, f(e, 0.1, 0.2))
    assert abs(s_eps - ex["eps"]) < 0.02, (name, s_eps)
    s_gamma = _slope(1.0 / GAMMA, f(1e-4, GAMMA, 0.2))
    assert abs(s_gamma - ex["gamma"]) < 0.02, (name, s_gamma)
    if ex["eta"] is not None:
        h = np.array([0.49, 0.495, 0.499, 0.4999])  # asymptotic eta -> 1/2
        s_eta = _slope(1.0 / (1.0 - 2.0 * h), f(1e-4, 0.1, h))
        assert abs(s_eta - ex["eta"]) < 0.05, (name, s_eta)


def test_exponents_registry_shape():
    for name, ex in B.EXPONENTS.items():
        assert {"function", "eps", "gamma", "eta", "T", "kind", "source"} <= set(ex), name
        assert hasattr(B, ex["function"]), name
        assert ex["kind"] in ("upper", "lower", "tight")


def test_rates_in_T_exponents():
    T = np.array([1e3, 1e4, 1e5, 1e6])
    assert abs(_slope(T, B.sgd_stationarity(T)) - B.EXPONENTS["sgd_stationarity"]["T"]) < 1e-9
    assert abs(_slope(T, B.ddkwz23_e1(T, 0.1, 0.2)) + 0.5) < 1e-3
    assert abs(_slope(1.0 / GAMMA, B.ddkwz23_e1(100, GAMMA)) - 1.0) < 1e-9
    assert abs(_slope(T, B.ddkwz23_gap_bound(T, 0.2)) + 0.5) < 1e-3
    assert B.sgd_stationarity(0) == math.inf


@given(
    e=st.floats(1e-4, 0.9),
    g=st.floats(1e-3, 1.0),
    h=st.floats(0.0, 0.49),
    f=st.floats(1.01, 3.0),
)
def test_monotone(e, g, h, f):
    # smaller eps or gamma -> more samples; more noise -> more samples (where eta enters)
    for name, fn in SAMPLE.items():
        base = float(fn(e, g, h))
        assert float(fn(e / f, g, h)) >= base * (1 - 1e-12), name
        assert float(fn(e, g / f, h)) >= base * (1 - 1e-12), name
    assert B.information_theoretic(e, g, min(h + 0.005, 0.499)) >= B.information_theoretic(e, g, h)
    assert B.ddkwz23_iterations(g / f, e, h) >= B.ddkwz23_iterations(g, e, h)


def test_constants():
    assert B.perceptron_mistakes(0.1) == pytest.approx(100.0)
    assert B.perceptron_mistakes(0.1, radius=2.0) == pytest.approx(400.0)
    # T = ceil(16 (1-eta)^2/(gamma^2 eps^2) - 1)
    assert B.ddkwz23_iterations(0.1, 0.1, 0.0) == 159999
    assert B.ddkwz23_iterations(0.5, 0.5, 0.0) == 255
    # e1 inverts T: at T(eps) the guaranteed error is <= eps, and > eps one step earlier
    for g, e, h in [(0.1, 0.1, 0.2), (0.3, 0.05, 0.0), (0.05, 0.2, 0.4)]:
        T = int(B.ddkwz23_iterations(g, e, h))
        assert B.ddkwz23_e1(T, g, h) <= e * (1 + 1e-12)
        assert B.ddkwz23_e1(T - 1, g, h) > e
        # at T the regret bound is gamma * eps / 2
        assert B.ddkwz23_gap_bound(T, h) <= g * e / 2 * (1 + 1e-9)
    assert B.jl_dimension(0.1, 0.01) == math.ceil(128 * math.log(400) / 0.01)
    assert B.jl_dimension(0.1, 0.01, constant=8.0) < B.jl_dimension(0.1, 0.01)
    assert B.sgd_stationarity(100, smoothness=2.0, variance=3.0, gap0=1.0) == pytest.approx(0.8)


def test_vectorised_shapes_and_types():
    out = B.slam_sample_complexity(EPS[:, None], GAMMA[None, :])
    assert out.shape == (EPS.size, GAMMA.size)
    assert np.ndim(B.slam_sample_complexity(0.1, 0.1)) == 0
    assert B.ddkwz23_iterations(GAMMA, 0.1).dtype == np.int64
    assert B.jl_dimension(GAMMA).shape == GAMMA.shape


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: B.information_theoretic(0.0, 0.1), "eps"),
        (lambda: B.information_theoretic(1.0, 0.1), "eps"),
        (lambda: B.slam_sample_complexity(0.1, 0.0), "gamma"),
        (lambda: B.slam_sample_complexity(0.1, 1.5), "gamma"),
        (lambda: B.information_theoretic(0.1, 0.1, 0.5), "eta"),
        (lambda: B.information_theoretic(0.1, 0.1, -0.1), "eta"),
        (lambda: B.ddkwz23_sample_complexity(0.1, 0.1, 0.1, d=0), "d"),
        (lambda: B.ddkwz23_sample_complexity(0.1, 0.1, 0.1, delta=1.0), "delta"),
        (lambda: B.jl_dimension(0.1, beta=0.0), "beta"),
        (lambda: B.sgd_stationarity(-1), "T"),
        (lambda: B.sq_lower_bound([0.1, np.nan], 0.1), "eps"),
        (lambda: B.perceptron_mistakes([]), "gamma"),
    ],
)
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_type():
    with pytest.raises(TypeError, match="eps"):
        B.slam_sample_complexity("abc", 0.1)


# --------------------------------------------------------------------------- integer overflow
def test_iteration_count_beyond_int64_is_refused_not_wrapped():
    with pytest.raises(ValueError, match=r"^T = 1\.6e\+41 exceeds the int64 range") as info:
        B.ddkwz23_iterations(1e-10, 1e-10)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match=r"gamma \* eps is too small"):
        B.ddkwz23_iterations([0.5, 1e-10], 0.5)
    # the largest representable counts still come out exactly as the formula says
    T = B.ddkwz23_iterations(2e-9, 1.0 - 1e-12)
    assert T.dtype == np.int64 and 0 < int(T) <= B.INT64_MAX
    assert int(B.ddkwz23_iterations(1e-4, 0.5)) == 6_399_999_999


def test_jl_dimension_beyond_int64_is_refused_not_wrapped():
    with pytest.raises(ValueError, match=r"^m = inf exceeds the int64 range \(max 9\.22e\+18\)"):
        B.jl_dimension(1e-200)
    with pytest.raises(ValueError, match=r"^m = 2\.4e\+301 exceeds.*constant too large\)$"):
        B.jl_dimension(0.5, constant=1e300)
    m = B.jl_dimension(1e-8)
    assert m.dtype == np.int64
    assert int(m) == pytest.approx(128 * math.log(400) / 1e-16, rel=1e-12)
    assert int(B.jl_dimension(0.5, beta=0.01)) == 3068


def test_as_count_boundary():
    ok = _as_count(np.array([2.0**62, 0.0, -3.0]), "T", "x")
    assert ok.tolist() == [2**62, 0, 0]
    with pytest.raises(ValueError, match="exceeds"):
        _as_count(np.array(2.0**63), "T", "x")
    with pytest.raises(ValueError, match="exceeds"):
        _as_count(np.array(np.nan), "T", "x")


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: B.information_theoretic(0.1j, 0.1), TypeError, r"^eps must be a real number"),
        (lambda: B.information_theoretic(np.array([0.1, 0.2j]), 0.1), TypeError, r"^eps must be"),
        (lambda: B.slam_sample_complexity(0.1, True), TypeError, r"^gamma must be a real number"),
        (lambda: B.slam_sample_complexity(0.1, np.array([True])), TypeError, r"^gamma must be"),
        (lambda: B.slam_sample_complexity(0.1, "0.1"), TypeError, r"^gamma must be a real"),
        (lambda: B.slam_sample_complexity(0.1, [0.1, None]), ValueError, r"^gamma must be in"),
        (lambda: B.slam_sample_complexity(0.1, []), ValueError, r"^gamma must not be empty$"),
        (lambda: B.slam_sample_complexity(0.1, [[1.0, 2.0]]), ValueError,
         r"^gamma must be in \(0\.0, 1\.0\]"),
        (lambda: B.sq_lower_bound(1.0, 0.5), ValueError, r"^eps must be in \(0\.0, 1\.0\)"),
        (lambda: B.sq_lower_bound(0.0, 0.5), ValueError, r"^eps must be in \(0\.0, 1\.0\)"),
        (lambda: B.sq_lower_bound(0.5, 0.0), ValueError, r"^gamma must be in \(0\.0, 1\.0\]"),
        (lambda: B.dgt19_sample_complexity(0.5, 0.5, 0.5), ValueError,
         r"^eta must be in \[0\.0, 0\.5\)"),
        (lambda: B.dgt19_sample_complexity(0.5, 0.5, -0.01), ValueError, r"^eta must be in"),
        (lambda: B.ddkwz23_sample_complexity(0.5, 0.5, d=0.5), ValueError,
         r"^d must be in \[1\.0, inf\)"),
        (lambda: B.ddkwz23_sample_complexity(0.5, 0.5, delta=1.0), ValueError,
         r"^delta must be in \(0\.0, 1\.0\)"),
        (lambda: B.ddkwz23_sample_complexity(0.5, 0.5, delta=0.0), ValueError, r"^delta must"),
        (lambda: B.perceptron_mistakes(0.5, radius=0.0), ValueError,
         r"^radius must be in \(0\.0, inf\)"),
        (lambda: B.sgd_stationarity(-1), ValueError, r"^T must be in \[0\.0, inf\)"),
        (lambda: B.sgd_stationarity(np.inf), ValueError, r"^T must be in"),
        (lambda: B.sgd_stationarity(1, smoothness=0.0), ValueError, r"^smoothness must be in"),
        (lambda: B.sgd_stationarity(1, variance=-1.0), ValueError,
         r"^variance must be in \[0\.0, inf\)"),
        (lambda: B.sgd_stationarity(1, gap0=-1.0), ValueError, r"^gap0 must be in \[0\.0, inf\)"),
        (lambda: B.ddkwz23_gap_bound(1, eta=0.5), ValueError, r"^eta must be in"),
        (lambda: B.ddkwz23_e1(-1, 0.5), ValueError, r"^T must be in"),
        (lambda: B.jl_dimension(0.5, beta=0.0), ValueError, r"^beta must be in \(0\.0, 1\.0\)"),
        (lambda: B.jl_dimension(0.5, constant=[1.0, 2.0]), ValueError,
         r"^constant must be a scalar, got shape \(2,\)$"),
        (lambda: B.jl_dimension(0.5, constant=0.0), ValueError, r"^constant must be in"),
        (lambda: B.jl_dimension(0.5, constant=1j), TypeError, r"^constant must be a real"),
    ],
    ids=lambda _: "case",
)
def test_bad_input_refused_in_one_line(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert "\n" not in str(info.value)


def test_edges_of_each_range_are_accepted_with_exact_values():
    assert float(B.information_theoretic(0.5, 1.0, 0.0)) == 2.0
    assert float(B.information_theoretic(0.5, 0.5, 0.25)) == pytest.approx(16.0)
    assert float(B.slam_sample_complexity(0.5, 0.5, 0.49)) == 16.0
    assert float(B.sq_lower_bound(0.5, 0.25)) == 8.0
    assert float(B.dgt19_sample_complexity(0.5, 0.5)) == 128.0
    assert float(B.perceptron_mistakes(0.5, radius=2.0)) == 16.0
    assert float(B.ddkwz23_sample_complexity(0.5, 1.0, 0.25, d=1, delta=math.exp(-1))) == (
        pytest.approx(1 * 0.5 / 0.5 + 0.25 / 0.25)
    )
    assert float(B.sgd_stationarity(4, smoothness=2.0, variance=3.0, gap0=1.0)) == 4.0
    assert float(B.sgd_stationarity(0)) == math.inf
    assert float(B.sgd_stationarity(1, variance=0.0, gap0=0.0)) == 0.0
    assert float(B.ddkwz23_gap_bound(3, 0.5 - 1e-12)) == pytest.approx(0.5)
    assert float(B.ddkwz23_gap_bound(0)) == 2.0
    assert float(B.ddkwz23_e1(3, 0.5, 0.0)) == 4.0
    assert int(B.ddkwz23_iterations(1.0, 0.5, 0.0)) == 63
    assert int(B.ddkwz23_iterations(1.0, 0.999, 0.49)) == 4  # ceil(16*.2601/.998 - 1) = 4
    assert int(B.ddkwz23_iterations(1.0, 0.9999999, 0.0)) == 16  # 16/eps^2 - 1 = 15.0000032
    assert int(B.ddkwz23_iterations(1.0, 1.0 - 1.5e-11, 0.0)) == 15  # round-off below 1e-9
    out = B.jl_dimension([0.5, 1.0], beta=0.5, constant=1.0)
    assert out.tolist() == [math.ceil(4 * math.log(8)), math.ceil(math.log(8))]
    assert type(B.information_theoretic(0.5, 0.5)) is np.float64
    assert B.information_theoretic([0.5, 0.25], 0.5).shape == (2,)


# --------------------------------------------------------------------------- mutation survivors
def test_no_warnings_on_documented_paths():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(B.sgd_stationarity(0)) == math.inf
        with pytest.raises(ValueError, match=r"gamma \* eps is too small$"):
            B.ddkwz23_iterations(1e-200, 1e-200)  # gamma^2 eps^2 underflows to 0
        with pytest.raises(ValueError, match=r"^T = inf exceeds"):
            B.ddkwz23_iterations(1e-80, 1e-80)  # 16 / 1e-320 overflows
        with pytest.raises(ValueError, match=r"gamma too small \(or constant too large\)$"):
            B.jl_dimension(1e-200)
        with pytest.raises(ValueError, match=r"^m = "):
            B.jl_dimension(1e-160)


def test_defaults_are_the_documented_ones():
    assert float(B.sgd_stationarity(4)) == 1.5  # (2 * 1 + 1 * 1) / sqrt(4)
    assert float(B.ddkwz23_sample_complexity(0.5, 0.5, 0.25)) == pytest.approx(
        (1 * 0.5 / 0.5 + 0.25 / (0.25 * 0.25)) * math.log(10.0))
    assert float(B.ddkwz23_sample_complexity(0.5, 1.0, 0.0, d=3, delta=0.01)) == pytest.approx(
        3 / 0.5 * math.log(100.0))


def test_jl_dimension_rounds_an_exact_integer_down():
    assert int(B.jl_dimension(1.0, beta=0.5, constant=10 / math.log(8.0))) == 10


def test_eta_validated_even_where_unused():
    with pytest.raises(ValueError, match=r"^eta must be in"):
        B.slam_sample_complexity(0.1, 0.1, eta=0.7)
    with pytest.raises(TypeError, match=r"^gamma must be a real number or array"):
        B.slam_sample_complexity(0.1, ["a"])
