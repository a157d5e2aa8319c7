"""Noise models: flip rates, transition matrices, cleanlab conversion, bad inputs."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from slam_theory import noise
from slam_theory.data import MarginHalfspace
from slam_theory.noise import (
    RCN,
    ClassConditional,
    Massart,
    TransitionNoise,
    from_cleanlab_noise_matrix,
    pair_flip_matrix,
    symmetric_matrix,
    to_cleanlab_noise_matrix,
)

P_MIN = 1e-3


def _labels(n: int, seed: int = 0) -> np.ndarray:
    return np.where(np.random.default_rng(seed).random(n) < 0.5, 1, -1).astype(np.int64)


@pytest.mark.parametrize("eta", [0.0, 0.1, 0.3, 0.49])
def test_rcn_flip_rate(eta):
    y = _labels(100_000)
    yn = RCN(eta).corrupt(y, random_state=1)
    assert yn.dtype == np.int64 and set(np.unique(yn)) <= {-1, 1}
    k = int(np.sum(yn != y))
    if eta == 0.0:
        assert k == 0
    else:
        assert stats.binomtest(k, y.size, eta).pvalue > P_MIN
        # i.i.d.: rate is the same on both classes
        for c in (-1, 1):
            m = y == c
            assert stats.binomtest(int(np.sum(yn[m] != c)), int(m.sum()), eta).pvalue > P_MIN
    np.testing.assert_allclose(RCN(eta).T, [[1 - eta, eta], [eta, 1 - eta]])
    assert RCN(eta).eta == eta


def test_rcn_determinism_and_no_mutation():
    y = _labels(1000)
    y0 = y.copy()
    a = RCN(0.2).corrupt(y, random_state=5)
    b = RCN(0.2).corrupt(y, random_state=5)
    c = RCN(0.2).corrupt(y, random_state=6)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(y, y0)
    assert np.array_equal(RCN(0.2).corrupt(list(y), random_state=5), a)


def test_class_conditional_rates():
    y = _labels(200_000, 1)
    cc = ClassConditional(rho_pos=0.1, rho_neg=0.35)
    yn = cc.corrupt(y, random_state=2)
    pos, neg = y > 0, y < 0
    assert stats.binomtest(int(np.sum(yn[pos] < 0)), int(pos.sum()), 0.1).pvalue > P_MIN
    assert stats.binomtest(int(np.sum(yn[neg] > 0)), int(neg.sum()), 0.35).pvalue > P_MIN
    np.testing.assert_allclose(cc.T, [[0.65, 0.35], [0.1, 0.9]])
    np.testing.assert_allclose(cc.transition_matrix().sum(axis=1), 1.0)


def test_massart_default_and_custom():
    gen = MarginHalfspace(6, 0.05, random_state=0)
    X, y = gen.sample(100_000)
    m = Massart(0.3)
    p = m.flip_probabilities(X)
    assert np.all((p >= 0) & (p <= 0.3))
    assert set(np.unique(p)) == {0.0, 0.3}  # a halfspace region, not uniform like RCN
    yn = m.corrupt(X, y, random_state=1)
    flips = yn != y
    region = X[:, -1] > 0
    assert not flips[~region].any()
    assert stats.binomtest(int(flips[region].sum()), int(region.sum()), 0.3).pvalue > P_MIN
    assert flips.mean() <= 0.3
    # both classes are hit by the default region
    assert flips[y > 0].any() and flips[y < 0].any()

    # custom eta_fn: eta(x) = eta_max * (1 - |w*.x|)
    m2 = Massart(0.4, eta_fn=lambda Z: 0.4 * (1 - np.abs(Z[:, 0])))
    yn2 = m2.corrupt(X, y, random_state=3)
    expected = 0.4 * (1 - np.abs(X[:, 0]))
    k = int(np.sum(yn2 != y))
    z = (k - expected.sum()) / np.sqrt(np.sum(expected * (1 - expected)))
    assert abs(z) < 4.5
    assert m2.eta == 0.4
    # a custom direction
    m3 = Massart(0.2, direction=np.r_[1.0, np.zeros(5)])
    np.testing.assert_array_equal(m3.flip_probabilities(X), np.where(X[:, 0] > 0, 0.2, 0.0))


def test_massart_validation():
    X = np.zeros((5, 3))
    y = np.ones(5, dtype=np.int64)
    with pytest.raises(ValueError, match="eta_fn"):
        Massart(0.2, eta_fn=lambda Z: np.full(len(Z), 0.25)).corrupt(X, y)
    with pytest.raises(ValueError, match="eta_fn"):
        Massart(0.2, eta_fn=lambda Z: np.full(len(Z), -0.01)).corrupt(X, y)
    with pytest.raises(ValueError, match="eta_fn"):
        Massart(0.2, eta_fn=lambda Z: np.zeros(len(Z) + 1)).corrupt(X, y)
    with pytest.raises(ValueError, match="eta_fn"):
        Massart(0.2, eta_fn=lambda Z: np.full(len(Z), np.nan)).corrupt(X, y)
    with pytest.raises(TypeError, match="eta_fn"):
        Massart(0.2, eta_fn=0.1)
    with pytest.raises(ValueError, match="eta_max"):
        Massart(0.5)
    with pytest.raises(ValueError, match="lengths"):
        Massart(0.2).corrupt(X, np.ones(4))
    with pytest.raises(ValueError, match="direction"):
        Massart(0.2, direction=np.zeros(3)).corrupt(X, y)
    # scalar eta_fn output is broadcast
    out = Massart(0.2, eta_fn=lambda Z: 0.0).corrupt(X, y, random_state=0)
    assert np.array_equal(out, y)


@pytest.mark.parametrize("T", [symmetric_matrix(4, 0.3), pair_flip_matrix(3, 0.25),
                               np.array([[0.7, 0.2, 0.1], [0.0, 1.0, 0.0], [0.3, 0.3, 0.4]])])
def test_transition_noise_empirical_matrix(T):
    k = T.shape[0]
    y = np.random.default_rng(0).integers(0, k, 120_000)
    tn = TransitionNoise(T)
    yn = tn.corrupt(y, random_state=4)
    assert yn.dtype == np.int64 and yn.min() >= 0 and yn.max() < k
    E = np.zeros((k, k))
    np.add.at(E, (y, yn), 1)
    counts = E.sum(axis=1, keepdims=True)
    se = np.sqrt(T * (1 - T) / counts) + 1e-12
    assert np.all(np.abs(E / counts - T) <= 4.5 * se)
    assert np.all(E[T == 0] == 0)
    np.testing.assert_allclose(tn.T, T)
    assert tn.n_classes == k


def test_matrix_constructors():
    S = symmetric_matrix(5, 0.4)
    np.testing.assert_allclose(S.sum(axis=1), 1)
    np.testing.assert_allclose(np.diag(S), 0.6)
    np.testing.assert_allclose(S[0, 1:], 0.1)
    P = pair_flip_matrix(4, 0.3)
    np.testing.assert_allclose(P.sum(axis=1), 1)
    assert P[3, 0] == 0.3 and P[0, 1] == 0.3 and P[0, 2] == 0.0
    np.testing.assert_allclose(pair_flip_matrix(2, 0.2), symmetric_matrix(2, 0.2))
    with pytest.raises(ValueError, match="k"):
        symmetric_matrix(1, 0.1)
    with pytest.raises(ValueError, match="eta"):
        pair_flip_matrix(3, 1.5)


@given(k=st.integers(2, 8), seed=st.integers(0, 10_000))
def test_cleanlab_round_trip(k, seed):
    rng = np.random.default_rng(seed)
    T = rng.dirichlet(np.ones(k), size=k)
    M = to_cleanlab_noise_matrix(T)
    np.testing.assert_allclose(M.sum(axis=0), 1.0)  # column-stochastic
    np.testing.assert_allclose(M, T.T)
    np.testing.assert_allclose(from_cleanlab_noise_matrix(M), T)


def test_cleanlab_conversion_errors():
    with pytest.raises(ValueError, match="row-stochastic"):
        to_cleanlab_noise_matrix(np.array([[0.5, 0.2], [0.5, 0.8]]))
    with pytest.raises(ValueError, match="column-stochastic"):
        from_cleanlab_noise_matrix(np.array([[0.5, 0.5], [0.2, 0.8]]))
    with pytest.raises(ValueError, match="square"):
        from_cleanlab_noise_matrix(np.ones((2, 3)) / 2)


@pytest.mark.skipif(importlib.util.find_spec("cleanlab") is None, reason="cleanlab not installed")
def test_cleanlab_accepts_noise_matrix():  # pragma: no cover - optional dependency
    from cleanlab.benchmarking.noise_generation import noise_matrix_is_valid

    T = symmetric_matrix(3, 0.2)
    py = np.ones(3) / 3
    assert noise_matrix_is_valid(to_cleanlab_noise_matrix(T), py)


def test_noise_bad_inputs():
    with pytest.raises(ValueError, match="eta"):
        RCN(0.5)
    with pytest.raises(ValueError, match="eta"):
        RCN(-0.1)
    with pytest.raises(TypeError, match="eta"):
        RCN("0.1")
    with pytest.raises(ValueError, match="y"):
        RCN(0.1).corrupt(np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="y"):
        RCN(0.1).corrupt(np.ones((2, 2)))
    with pytest.raises(ValueError, match="y"):
        RCN(0.1).corrupt(np.array([], dtype=int))
    with pytest.raises(ValueError, match="rho_pos"):
        ClassConditional(1.0, 0.0)
    with pytest.raises(ValueError, match="rho_neg"):
        ClassConditional(0.1, -0.2)
    with pytest.raises(ValueError, match="rho_pos \\+ rho_neg"):
        ClassConditional(0.6, 0.4)
    with pytest.raises(ValueError, match="T"):
        TransitionNoise(np.array([[0.5, 0.6], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="T"):
        TransitionNoise(np.ones((2, 3)) / 3)
    with pytest.raises(ValueError, match="T"):
        TransitionNoise(np.ones((1, 1)))
    tn = TransitionNoise(symmetric_matrix(3, 0.1))
    with pytest.raises(ValueError, match="y"):
        tn.corrupt(np.array([0, 3]))
    with pytest.raises(TypeError, match="y"):
        tn.corrupt(np.array([0.5, 1.0]))
    with pytest.raises(TypeError, match="random_state"):
        RCN(0.1).corrupt(np.ones(3), random_state="x")


def test_public_api():
    assert {"RCN", "ClassConditional", "Massart", "TransitionNoise"} <= set(noise.__all__)


# --------------------------------------------------------------------------- input hardening
@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: noise.RCN(0.1).corrupt(np.array([1, -1], complex)), TypeError, r"^y must be real"),
        (lambda: noise.RCN(0.1).corrupt([True, True]), TypeError, r"^y must contain the numbers"),
        (lambda: noise.RCN(0.1).corrupt([1, -1], random_state=True), TypeError,
         r"^random_state must be"),
        (lambda: noise.Massart(0.1).corrupt(np.ones((2, 2)) * 1j, [1, -1]), TypeError,
         r"^X must be real"),
        (lambda: noise.Massart(0.1, direction=[0.0, 0.0]), ValueError,
         r"^direction must have nonzero norm$"),
        (lambda: noise.Massart(0.1, direction=1.0), ValueError,
         r"^direction must be 1-dimensional"),
        (lambda: noise.Massart(0.1, direction=[1j, 1.0]), TypeError, r"^direction must be real"),
        (lambda: noise.Massart(0.1, eta_fn=lambda X: np.full(len(X), 0.1 + 0j)).corrupt(
            np.ones((2, 2)), [1, -1]), TypeError, r"^eta_fn\(X\) must return real numbers"),
        (lambda: noise.TransitionNoise([[1.0]]), ValueError, r"^T must be at least 2 x 2"),
        (lambda: noise.TransitionNoise(np.eye(2) * (1 + 0j)), TypeError, r"^T must be real"),
        (lambda: noise.TransitionNoise(np.eye(2)).corrupt([0j, 1]), TypeError, r"^y must be real"),
        (lambda: noise.TransitionNoise(np.eye(2)).corrupt([True, False]), TypeError,
         r"^y must contain integer class labels"),
        (lambda: noise.to_cleanlab_noise_matrix([[1.0]]), ValueError,
         r"^T must be at least 2 x 2 \(two classes\), got shape \(1, 1\)$"),
        (lambda: noise.from_cleanlab_noise_matrix([[1.0]]), ValueError,
         r"^M must be at least 2 x 2 \(two classes\), got shape \(1, 1\)$"),
        (lambda: noise.to_cleanlab_noise_matrix(np.eye(2) * 1j), TypeError, r"^T must be real"),
        (lambda: noise.from_cleanlab_noise_matrix(np.eye(2) * 1j), TypeError, r"^M must be real"),
        (lambda: noise.from_cleanlab_noise_matrix(np.ones((2, 3))), ValueError,
         r"^M must be square, got shape \(2, 3\)$"),
        (lambda: noise.from_cleanlab_noise_matrix([[1.5, 0.0], [-0.5, 1.0]]), ValueError,
         r"^M has entries outside \[0, 1\]$"),
        (lambda: noise.from_cleanlab_noise_matrix([[0.9, 0.1], [0.2, 0.8]]), ValueError,
         r"^M must be column-stochastic"),
        (lambda: noise.from_cleanlab_noise_matrix([[1 - 1e-6, 0.0], [0.0, 1.0]]), ValueError,
         r"^M must be column-stochastic"),
        (lambda: noise.symmetric_matrix(1e300, 0.1), ValueError, r"^k must be <= 10000"),
        (lambda: noise.pair_flip_matrix(noise.MAX_CLASSES + 1, 0.1), ValueError,
         r"^k must be <= 10000"),
        (lambda: noise.symmetric_matrix(1, 0.1), ValueError, r"^k must be >= 2, got 1$"),
        (lambda: noise.pair_flip_matrix(3, 1.5), ValueError, r"^eta must be in \[0\.0, 1\.0\]"),
        (lambda: noise.ClassConditional(0.6, 0.4), ValueError, r"^rho_pos \+ rho_neg must be < 1"),
        (lambda: noise.RCN(0.5), ValueError, r"^eta must be in \[0\.0, 0\.5\)"),
        (lambda: noise.Massart(0.5), ValueError, r"^eta_max must be in"),
    ],
    ids=lambda _: "case",
)
def test_bad_input_refused_in_one_line(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert "\n" not in str(info.value)


def test_cleanlab_round_trip_values_and_edges():
    T = np.array([[0.7, 0.2, 0.1], [0.0, 1.0, 0.0], [0.25, 0.25, 0.5]])
    M = noise.to_cleanlab_noise_matrix(T)
    np.testing.assert_array_equal(M, T.T)
    np.testing.assert_allclose(M.sum(axis=0), 1.0)
    np.testing.assert_array_equal(noise.from_cleanlab_noise_matrix(M), T)
    assert M.flags["C_CONTIGUOUS"]
    # within the 1e-8 tolerance is accepted, beyond it is not (tested above)
    noise.from_cleanlab_noise_matrix([[1 - 1e-9, 0.0], [1e-9, 1.0]])


def test_symmetric_and_pair_flip_matrices_at_largest_k_stay_stochastic():
    assert noise.symmetric_matrix(2, 0.3).tolist() == [[0.7, 0.3], [0.3, 0.7]]
    P = noise.pair_flip_matrix(2, 0.3)
    assert P.tolist() == [[0.7, 0.3], [0.3, 0.7]]
    P3 = noise.pair_flip_matrix(3, 0.2)
    np.testing.assert_allclose(P3, [[0.8, 0.2, 0], [0, 0.8, 0.2], [0.2, 0, 0.8]])


def test_massart_direction_is_normalised_and_used():
    m = noise.Massart(0.3, direction=[0.0, 5.0])
    np.testing.assert_array_equal(m.direction, [0.0, 1.0])
    X = np.array([[0.5, 0.2], [0.5, -0.2], [-0.3, 0.1]])
    np.testing.assert_array_equal(m.flip_probabilities(X), [0.3, 0.0, 0.3])
    with pytest.raises(ValueError, match=r"^direction must have dimension 3, got 2$"):
        m.flip_probabilities(np.ones((2, 3)) * 0.1)


# --------------------------------------------------------------------------- mutation survivors
def test_corrupt_returns_int64_and_uses_its_seed():
    y = np.array([1, -1] * 50)
    for model, args in (
        (noise.RCN(0.3), (y,)),
        (noise.ClassConditional(0.3, 0.1), (y,)),
        (noise.Massart(0.4), (np.random.default_rng(0).normal(size=(100, 3)), y)),
    ):
        a = model.corrupt(*args, random_state=5)
        assert a.dtype == np.int64
        assert np.array_equal(a, model.corrupt(*args, random_state=5))
        assert not np.array_equal(a, model.corrupt(*args, random_state=6))
    tn = noise.TransitionNoise([[0.5, 0.5], [0.5, 0.5]])
    c = np.zeros(100, dtype=int)
    assert np.array_equal(tn.corrupt(c, random_state=5), tn.corrupt(c, random_state=5))
    assert not np.array_equal(tn.corrupt(c, random_state=5), tn.corrupt(c, random_state=6))


def test_transition_noise_matches_the_inverse_cdf_reference():
    T = np.array([[0.0, 0.3, 0.7], [0.2, 0.0, 0.8], [0.1, 0.1, 0.8]])
    y = np.array([0, 1, 2] * 200)
    out = noise.TransitionNoise(T).corrupt(y, random_state=3)
    u = np.random.default_rng(3).random(y.size)
    ref = np.array([np.searchsorted(np.cumsum(T[c]), ui, side="right") for c, ui in zip(y, u)])
    np.testing.assert_array_equal(out, np.minimum(ref, 2))
    assert not np.any((y == 0) & (out == 0)) and not np.any((y == 1) & (out == 1))
    # float labels with integral values are the same labels; float32 too
    np.testing.assert_array_equal(noise.TransitionNoise(T).corrupt(y.astype(np.float32), 3), out)
    np.testing.assert_array_equal(noise.TransitionNoise(T).corrupt(y.astype(float), 3), out)
    assert noise.TransitionNoise(T).corrupt([2], random_state=0).shape == (1,)


@pytest.mark.parametrize(
    ("y", "exc", "pattern"),
    [
        ([[0, 1]], ValueError, r"^y must be a non-empty 1-dimensional array, got shape \(1, 2\)$"),
        ([], ValueError, r"^y must be a non-empty 1-dimensional array"),
        ([0.5, 1.0], TypeError, r"^y must contain integer class labels, got dtype float64$"),
        ([0, 2], ValueError, r"^y must contain classes in \[0, 1\]$"),
        ([-1, 0], ValueError, r"^y must contain classes in \[0, 1\]$"),
    ],
    ids=lambda _: "case",
)
def test_transition_noise_corrupt_refusals(y, exc, pattern):
    with pytest.raises(exc, match=pattern):
        noise.TransitionNoise(np.eye(2)).corrupt(y)


def test_transition_matrix_is_cleaned_exactly_and_read_only():
    tn = noise.TransitionNoise([[1 + 5e-9, -5e-9], [0.3, 0.7 + 1e-8]])
    T = tn.T
    assert (T >= 0).all()
    np.testing.assert_allclose(T.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert T[1, 0] == pytest.approx(0.3 / (1 + 1e-8), rel=1e-15)
    with pytest.raises(ValueError):
        T[0, 0] = 0.5
    assert tn.n_classes == 2 and tn.transition_matrix().flags.writeable


def test_massart_default_region_is_the_last_coordinate_positive():
    m = noise.Massart(0.3)
    X = np.array([[0.1, 0.2, 0.5], [0.1, 0.2, -0.5], [-0.9, 0.9, 0.0], [0.5, -0.5, 1e-9]])
    np.testing.assert_array_equal(m.flip_probabilities(X), [0.3, 0.0, 0.0, 0.3])
    p = noise.Massart(0.3, eta_fn=lambda X: [0, 0, 0, 0]).flip_probabilities(X)
    assert p.dtype == np.float64
    at_max = noise.Massart(0.3, eta_fn=lambda X: np.full(len(X), 0.3)).flip_probabilities(X)
    assert at_max.tolist() == [0.3] * 4


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"eta_fn": 3}, TypeError, r"^eta_fn must be callable or None, got int$"),
        ({"eta_fn": lambda X: [object()] * len(X)}, TypeError,
         r"^eta_fn\(X\) must return an array of floats$"),
        ({"eta_fn": lambda X: [np.nan] * len(X)}, ValueError,
         r"^eta_fn\(X\) returned NaN or inf$"),
        ({"eta_fn": lambda X: [0.5] * len(X)}, ValueError,
         r"^eta_fn\(X\) must lie in \[0, eta_max=0\.3\]"),
    ],
    ids=lambda _: "case",
)
def test_massart_eta_fn_refusals(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        noise.Massart(0.3, **kwargs).corrupt(np.ones((2, 2)) * 0.1, [1, -1])


def test_massart_needs_2d_features():
    with pytest.raises(ValueError, match=r"^X must be 2-dimensional"):
        noise.Massart(0.3).flip_probabilities([0.1, 0.2])


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: noise.ClassConditional(1.0, 0.0), r"^rho_pos must be in \[0\.0, 1\.0\)"),
        (lambda: noise.ClassConditional(1.5, 0.0), r"^rho_pos must be in \[0\.0, 1\.0\)"),
        (lambda: noise.ClassConditional(0.0, 1.0), r"^rho_neg must be in \[0\.0, 1\.0\)"),
        (lambda: noise.ClassConditional(0.0, 1.5), r"^rho_neg must be in \[0\.0, 1\.0\)"),
        (lambda: noise.symmetric_matrix(3, 1.5), r"^eta must be in \[0\.0, 1\.0\]"),
        (lambda: noise.pair_flip_matrix(1, 0.1), r"^k must be >= 2, got 1$"),
        (lambda: noise.from_cleanlab_noise_matrix([0.5, 0.5]), r"^M must be 2-dimensional"),
    ],
    ids=lambda _: "case",
)
def test_parameter_refusals_name_the_argument(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_class_conditional_flips_by_class():
    y = np.array([1] * 4000 + [-1] * 4000)
    out = noise.ClassConditional(0.4, 0.0).corrupt(y, random_state=0)
    assert np.all(out[4000:] == -1)
    assert 0.35 < np.mean(out[:4000] == -1) < 0.45


def test_from_cleanlab_bounds_exactly():
    noise.from_cleanlab_noise_matrix([[-1e-8, 0.0], [1 + 1e-8, 1.0]])
    with pytest.raises(ValueError, match=r"^M has entries outside \[0, 1\]$"):
        noise.from_cleanlab_noise_matrix([[-1e-6, 0, 0], [0.5, 1, 0], [0.5 + 1e-6, 0, 1]])
    with pytest.raises(ValueError, match=r"^M has entries outside"):
        noise.from_cleanlab_noise_matrix([[1 + 2e-8, 0, 0], [-1e-8, 1, 0], [-1e-8, 0, 1]])
    noise.from_cleanlab_noise_matrix([[1.0, 0.0], [1.5e-8, 1.0]])
    noise.from_cleanlab_noise_matrix([[1.0, 0.0], [2.0000000005e-8, 1.0]])
    with pytest.raises(ValueError, match="column-stochastic"):
        noise.from_cleanlab_noise_matrix([[1.0, 0.0], [2.2e-8, 1.0]])
