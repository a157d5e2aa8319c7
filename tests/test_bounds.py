"""Tests for slam_theory.bounds: monotonicity, exponents, constants, bad inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slam_theory import bounds as B

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
