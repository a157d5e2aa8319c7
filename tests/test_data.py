"""Data generators: invariants, exact laws (KS tests), exact disagreement, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import special, stats

from slam_theory import data
from slam_theory.data import (
    GaussianHalfspace,
    GaussianMixture,
    HypercubeHalfspace,
    MarginHalfspace,
    simulate_teacher,
)

KS_P = 1e-3  # KS p-value threshold (tests are seeded, so this is a fixed check)


def _mc_check(emp: float, exact: float, n: int, z: float = 4.5) -> None:
    se = math.sqrt(max(exact * (1 - exact), 1e-6) / n)
    assert abs(emp - exact) <= z * se + 1e-12, (emp, exact, se)


def _disagree(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    return float(np.mean(np.where(X @ w >= 0, 1, -1) != y))


# ---------------------------------------------------------------- MarginHalfspace invariants
@given(
    d=st.integers(2, 40),
    gamma=st.floats(1e-3, 1.0),
    marginal=st.sampled_from(["sphere", "ball"]),
    general_w=st.booleans(),
    n=st.integers(1, 300),
)
def test_margin_invariants(d, gamma, marginal, general_w, n):
    w = np.linspace(-1.0, 2.0, d) + 0.1 if general_w else None
    try:
        gen = MarginHalfspace(d, gamma, marginal=marginal, w_star=w, random_state=3)
    except ValueError as exc:  # a margin set too small to sample in float64: refused by design
        assert "too large for d=" in str(exc) and "\n" not in str(exc)
        assume(False)
    X, y = gen.sample(n)
    assert X.shape == (n, d) and X.dtype == np.float64 and X.flags.c_contiguous
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y).tolist()) <= {-1, 1}
    assert math.isclose(np.linalg.norm(gen.w_star), 1.0, rel_tol=1e-14)
    margin = X @ gen.w_star
    assert np.all(np.linalg.norm(X, axis=1) <= 1.0 + 1e-12)
    if general_w:
        assert np.all(np.abs(margin) >= gamma - 1e-12)
    else:  # w* = e_1: column 0 is t, the margin holds exactly
        assert np.all(np.abs(X[:, 0]) >= gamma)
    assert np.all(np.sign(margin) == y)
    if marginal == "sphere":
        np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-12)


def test_gamma_one_gives_plus_minus_w_star():
    gen = MarginHalfspace(5, 1.0, w_star=[0, 1, 0, 0, 1], random_state=0)
    X, y = gen.sample(100)
    np.testing.assert_allclose(X, y[:, None] * gen.w_star[None, :], atol=1e-15)


@pytest.mark.parametrize("marginal", ["sphere", "ball"])
@pytest.mark.parametrize("d,gamma", [(2, 0.3), (3, 0.05), (10, 0.2), (200, 0.05), (500, 0.3)])
def test_margin_coordinate_law_ks(marginal, d, gamma):
    """|w*.x| follows the truncated Beta law (CDF from betainc), sign is fair."""
    w = np.ones(d)  # a general w*, so the reflection path is exercised
    gen = MarginHalfspace(d, gamma, marginal=marginal, w_star=w, random_state=1)
    X, y = gen.sample(20_000)
    t = X @ gen.w_star
    b = (d - 1) / 2 if marginal == "sphere" else (d + 1) / 2
    q = special.betainc(b, 0.5, 1 - gamma**2)

    def cdf(a):
        a2 = np.clip(np.asarray(a) ** 2, gamma**2, 1.0)
        return (q - special.betainc(b, 0.5, 1 - a2)) / q

    assert stats.kstest(np.abs(t), cdf).pvalue > KS_P
    assert stats.binomtest(int(np.sum(y > 0)), y.size, 0.5).pvalue > KS_P
    np.testing.assert_allclose(cdf(np.array([0.3, 0.9])), gen.cdf_abs_t([0.3, 0.9]))


@pytest.mark.parametrize("marginal", ["sphere", "ball"])
@pytest.mark.parametrize("d", [3, 4, 12])
def test_orthogonal_direction_uniform(d, marginal):
    """x_perp / ||x_perp|| is uniform on S^(d-2): coordinates have V^2 ~ Beta(1/2, (d-2)/2)."""
    gen = MarginHalfspace(d, 0.2, marginal=marginal, random_state=2)  # w* = e_1
    X, _ = gen.sample(20_000)
    perp = X[:, 1:] / np.linalg.norm(X[:, 1:], axis=1, keepdims=True)
    for j in (0, d - 2):
        v = perp[:, j]
        assert stats.kstest(v**2, stats.beta(0.5, (d - 2) / 2).cdf).pvalue > KS_P
        assert stats.binomtest(int(np.sum(v > 0)), v.size, 0.5).pvalue > KS_P
    # independence of direction and t: correlation of |t| and v^2 is ~ 0
    assert abs(np.corrcoef(np.abs(X[:, 0]), perp[:, 0] ** 2)[0, 1]) < 5 / math.sqrt(X.shape[0])


@pytest.mark.parametrize("d", [2, 3, 8])
def test_ball_orthogonal_radius_law(d):
    """Ball: ||x_perp|| / sqrt(1 - t^2) = U^(1/(d-1)), so its (d-1)-th power is uniform."""
    gen = MarginHalfspace(d, 0.1, marginal="ball", random_state=4)
    X, _ = gen.sample(20_000)
    rho = np.linalg.norm(X[:, 1:], axis=1) / np.sqrt(1 - X[:, 0] ** 2)
    assert stats.kstest(rho ** (d - 1), "uniform").pvalue > KS_P
    assert abs(np.corrcoef(np.abs(X[:, 0]), rho)[0, 1]) < 5 / math.sqrt(X.shape[0])
    # and the whole point is uniform in the ball restricted to |x_1| >= gamma: ||x||^d is not
    # uniform (the cap is cut out), but the untruncated limit is checked by gamma -> 0:
    g0 = MarginHalfspace(d, 1e-9, marginal="ball", random_state=5)
    X0, _ = g0.sample(20_000)
    assert stats.kstest(np.linalg.norm(X0, axis=1) ** d, "uniform").pvalue > KS_P


def test_large_d_margin_is_not_rejection_based():
    """d = 2000, gamma = 0.3 has tiny mass (~1e-40): still exact and fast."""
    gen = MarginHalfspace(2000, 0.3, random_state=0)
    assert gen.mass < 1e-30
    X, _ = gen.sample(2000)
    assert np.all(np.abs(X[:, 0]) >= 0.3)
    assert stats.kstest(np.abs(X[:, 0]), gen.cdf_abs_t).pvalue > KS_P


def test_gamma_too_large_for_float_range_raises():
    with pytest.raises(ValueError, match="gamma"):
        MarginHalfspace(50_000, 0.99)
    with pytest.raises(ValueError, match="gamma"):
        MarginHalfspace(2000, 0.75)
    gen = MarginHalfspace(2000, 0.6, random_state=0)  # mass ~ 1e-196: fine
    X, _ = gen.sample(3000)
    assert np.all(np.abs(X[:, 0]) >= 0.6)
    assert stats.kstest(np.abs(X[:, 0]), gen.cdf_abs_t).pvalue > KS_P


# ---------------------------------------------------------------- disagreement
@pytest.mark.parametrize("marginal", ["sphere", "ball"])
@pytest.mark.parametrize("d", [2, 3, 10])
def test_disagreement_matches_monte_carlo(marginal, d):
    gen = MarginHalfspace(d, 0.1, marginal=marginal, random_state=11)
    n = 200_000
    X, y = gen.sample(n)
    rng = np.random.default_rng(0)
    ws = [np.r_[1.0, 0.3, np.zeros(d - 2)], np.r_[-0.5, 1.0, np.zeros(d - 2)]]
    ws.append(rng.standard_normal(d))
    for w in ws:
        _mc_check(_disagree(X, y, w), gen.disagreement(w), n)


def test_disagreement_special_cases():
    for d in (2, 3, 7):
        for marginal in ("sphere", "ball"):
            gen = MarginHalfspace(d, 0.2, marginal=marginal, w_star=np.ones(d), random_state=0)
            w = gen.w_star
            assert gen.disagreement(w) == 0.0
            assert gen.disagreement(3.0 * w) == 0.0
            assert gen.disagreement(-w) == 1.0
            # a w within angle arccos(gamma)... i.e. sin(angle) <= gamma: no error at all
            perp = np.zeros(d)
            perp[0], perp[1] = 1.0, -1.0
            perp /= np.linalg.norm(perp)
            w_close = math.sqrt(1 - 0.19**2) * w + 0.19 * perp
            assert gen.disagreement(w_close) == 0.0
            # orthogonal w: exactly 1/2 by symmetry
            assert math.isclose(gen.disagreement(perp), 0.5, abs_tol=1e-9)
            # err(-w) = 1 - err(w)
            w2 = w + 2 * perp
            assert math.isclose(gen.disagreement(-w2), 1 - gen.disagreement(w2), abs_tol=1e-12)
    gen = MarginHalfspace(4, 0.1, random_state=0)
    with pytest.raises(ValueError, match="w"):
        gen.disagreement(np.zeros(4))
    with pytest.raises(ValueError, match="dimension"):
        gen.disagreement(np.ones(3))


def test_disagreement_no_margin_limit_is_angle_over_pi():
    """gamma -> 0 on the sphere: the uniform-sphere error angle/pi."""
    gen = MarginHalfspace(6, 1e-12, random_state=0)
    for ang in (0.1, 0.7, 2.0, 3.0):
        w = np.r_[math.cos(ang), math.sin(ang), 0, 0, 0, 0]
        assert math.isclose(gen.disagreement(w), ang / math.pi, abs_tol=1e-7)


# ---------------------------------------------------------------- stream, determinism
@pytest.mark.parametrize("batch", [1, 1000, 1024, 5000, 100_000])
def test_stream_concatenation_equals_sample(batch):
    n = 10_000 if batch > 1 else 2100
    a = MarginHalfspace(7, 0.1, w_star=np.arange(7.0) + 1, random_state=9)
    b = MarginHalfspace(7, 0.1, w_star=np.arange(7.0) + 1, random_state=9)
    X, y = a.sample(n)
    parts = list(b.stream(n, batch=batch))
    assert all(p[0].shape[0] == min(batch, n) for p in parts[:-1])
    assert sum(p[0].shape[0] for p in parts) == n
    assert np.array_equal(np.concatenate([p[0] for p in parts]), X)
    assert np.array_equal(np.concatenate([p[1] for p in parts]), y)
    # both generators advanced identically
    assert np.array_equal(a.sample(10)[0], b.sample(10)[0])


def test_seeded_determinism():
    for cls, kw in [
        (MarginHalfspace, {"d": 5, "gamma": 0.1}),
        (MarginHalfspace, {"d": 5, "gamma": 0.1, "marginal": "ball"}),
        (GaussianHalfspace, {"d": 5, "gamma": 0.1}),
        (HypercubeHalfspace, {"d": 5}),
        (GaussianMixture, {"n_classes": 3, "d": 5}),
    ]:
        X1, y1 = cls(**kw, random_state=0).sample(300)
        X2, y2 = cls(**kw, random_state=0).sample(300)
        X3, _ = cls(**kw, random_state=1).sample(300)
        assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
        assert not np.array_equal(X1, X3)
        g = cls(**kw, random_state=np.random.default_rng(0))
        assert not np.array_equal(g.sample(50)[0], g.sample(50)[0])  # fresh data per call


def test_random_state_types():
    for rs in (None, 0, np.random.SeedSequence(0), np.random.default_rng(0),
               np.random.RandomState(0)):
        X, _ = MarginHalfspace(3, 0.1, random_state=rs).sample(5)
        assert X.shape == (5, 3)
    with pytest.raises(TypeError, match="random_state"):
        MarginHalfspace(3, 0.1, random_state="seed")


# ---------------------------------------------------------------- Gaussian halfspace
@pytest.mark.parametrize("gamma", [0.0, 0.1, 0.5])
def test_gaussian_halfspace_law(gamma):
    d = 9
    gen = GaussianHalfspace(d, gamma, w_star=np.ones(d), random_state=2)
    X, y = gen.sample(20_000)
    t = X @ gen.w_star
    assert np.all(np.abs(t) >= gamma - 1e-12)
    assert np.all(np.sign(t) == y)
    g = gamma * math.sqrt(d)
    tau = np.abs(t) * math.sqrt(d)
    assert stats.kstest(tau, lambda a: 1 - stats.norm.sf(np.maximum(a, g)) / stats.norm.sf(g)
                        ).pvalue > KS_P
    # orthogonal part is N(0, I/d): project on a vector orthogonal to w*
    u = np.zeros(d)
    u[0], u[1] = 1.0, -1.0
    u /= np.linalg.norm(u)
    assert stats.kstest((X @ u) * math.sqrt(d), "norm").pvalue > KS_P


@pytest.mark.parametrize("gamma", [0.0, 0.15])
def test_gaussian_disagreement(gamma):
    d = 6
    gen = GaussianHalfspace(d, gamma, random_state=3)
    n = 200_000
    X, y = gen.sample(n)
    for w in (np.r_[1.0, 0.4, 0, 0, 0, 0], np.r_[-1.0, 2.0, 1, 0, 0, 0]):
        _mc_check(_disagree(X, y, w), gen.disagreement(w), n)
    assert gen.disagreement(gen.w_star) == 0.0
    assert gen.disagreement(-gen.w_star) == 1.0
    w = np.r_[1.0, 1.0, 0, 0, 0, 0]
    if gamma == 0.0:
        assert math.isclose(gen.disagreement(w), 0.25)
    else:
        assert gen.disagreement(w) < 0.25  # removing the band helps


def test_gaussian_huge_band_is_stable():
    gen = GaussianHalfspace(2500, 1.0, random_state=0)  # tau >= 50 standard deviations
    X, _ = gen.sample(1000)
    assert np.all(np.abs(X[:, 0]) >= 1.0) and np.all(np.isfinite(X))


# ---------------------------------------------------------------- hypercube
def test_hypercube_sample_and_ties():
    gen = HypercubeHalfspace(6, w_star=np.ones(6), random_state=0)
    X, y = gen.sample(5000)
    np.testing.assert_allclose(np.abs(X), 1 / math.sqrt(6))
    s = np.round(X * math.sqrt(6)).sum(axis=1)
    assert np.array_equal(y, np.where(s >= 0, 1, -1))  # ties (s = 0) labelled +1
    assert np.any(s == 0)
    assert stats.binomtest(int(np.sum(X[:, 0] > 0)), 5000, 0.5).pvalue > KS_P


def test_hypercube_disagreement_exact_and_estimate():
    d = 8
    gen = HypercubeHalfspace(d, random_state=1)
    n = 200_000
    X, y = gen.sample(n)
    w = gen.w_star + 0.5 * np.random.default_rng(0).standard_normal(d)
    exact = gen.disagreement(w)
    assert exact == round(exact * 2**d) / 2**d  # a multiple of 2^-d
    _mc_check(_disagree(X, y, w), exact, n)
    assert gen.disagreement(gen.w_star) == 0.0
    big = HypercubeHalfspace(24, random_state=0)
    est = big.disagreement(big.w_star + 0.3)
    assert 0.0 <= est <= 1.0
    assert est == big.disagreement(big.w_star + 0.3)  # deterministic estimate


def test_stream_of_other_generators():
    for gen in (GaussianHalfspace(3, 0.1, random_state=0), HypercubeHalfspace(3, random_state=0)):
        parts = list(gen.stream(2500, batch=1000))
        assert [p[0].shape[0] for p in parts] == [1000, 1000, 500]


def test_gaussian_stream_equals_sample():
    X, _ = GaussianHalfspace(4, 0.2, random_state=3).sample(3000)
    parts = list(GaussianHalfspace(4, 0.2, random_state=3).stream(3000, batch=700))
    assert np.array_equal(np.concatenate([p[0] for p in parts]), X)


# ---------------------------------------------------------------- Gaussian mixture
def test_gaussian_mixture():
    gm = GaussianMixture(3, 5, separation=4.0, random_state=0)
    dists = np.linalg.norm(gm.means[:, None] - gm.means[None], axis=2)
    np.testing.assert_allclose(dists[~np.eye(3, dtype=bool)], 4.0)
    X, y = gm.sample(30_000)
    assert X.shape == (30_000, 5) and y.dtype == np.int64 and set(np.unique(y)) == {0, 1, 2}
    for c in range(3):
        np.testing.assert_allclose(X[y == c].mean(axis=0), gm.means[c], atol=0.06)
    P = gm.bayes_proba(X[:100])
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    logp = np.stack([stats.multivariate_normal(m, np.eye(5)).logpdf(X[:100]) for m in gm.means], 1)
    np.testing.assert_allclose(P, special.softmax(logp, axis=1), rtol=1e-10)
    # the Bayes classifier's accuracy matches the expected posterior confidence
    P = gm.bayes_proba(X)
    acc = np.mean(P.argmax(axis=1) == y)
    assert abs(acc - P.max(axis=1).mean()) < 0.01
    many = GaussianMixture(10, 3, random_state=0)
    assert many.means.shape == (10, 3)
    with pytest.raises(ValueError, match="columns"):
        gm.bayes_proba(np.zeros((2, 4)))


# ---------------------------------------------------------------- teacher simulator
def test_simulate_teacher_accuracy_and_topk():
    rng = np.random.default_rng(0)
    n, K = 40_000, 5
    y = rng.integers(0, K, n)
    for k in (1, 2, 3):
        P, correct = simulate_teacher(y, K, 0.7, k=k, random_state=1, return_correct=True)
        np.testing.assert_allclose(P.sum(axis=1), 1.0)
        top1 = P.argmax(axis=1)
        assert np.array_equal(top1 == y, correct)
        assert stats.binomtest(int(correct.sum()), n, 0.7).pvalue > KS_P
        ranks = np.argsort(-P, axis=1, kind="stable")
        rank_of_y = np.argmax(ranks == y[:, None], axis=1)
        if k >= 2:
            assert np.all(rank_of_y < k)
        # when wrong, the top class is uniform over the other K-1 classes
        wrong = ~correct
        off = (top1[wrong] - y[wrong]) % K
        assert stats.chisquare(np.bincount(off, minlength=K)[1:]).pvalue > KS_P


def test_simulate_teacher_profile_is_calibrated():
    rng = np.random.default_rng(1)
    n, K = 60_000, 4
    y = rng.integers(0, K, n)
    alpha = rng.uniform(0.5, 1.0, n)
    P, correct = simulate_teacher(y, K, alpha, k=2, temperature=0.5, random_state=2,
                                  return_correct=True)
    np.testing.assert_allclose(P.max(axis=1), alpha)  # calibrated: alpha > 1/K
    bins = np.digitize(alpha, [0.625, 0.75, 0.875])
    for b_ in range(4):
        m = bins == b_
        assert abs(correct[m].mean() - alpha[m].mean()) < 5 * math.sqrt(0.25 / m.sum())
    # margin is strictly increasing in alpha over the whole range, also below the
    # geometric-tail switch point
    a = np.linspace(0.26, 1.0, 300)
    Pa = simulate_teacher(np.zeros(300, dtype=int), K, a, random_state=0)
    srt = np.sort(Pa, axis=1)
    margin = srt[:, -1] - srt[:, -2]
    assert np.all(np.diff(margin) > 0) and np.all(margin > 0)
    np.testing.assert_allclose(srt[:, -1], a)
    # top-1 is strictly the largest even for alpha below 1/K
    P0 = simulate_teacher(y[:100], K, 0.0, random_state=0)
    srt = np.sort(P0, axis=1)
    assert np.all(srt[:, -1] > srt[:, -2])
    assert np.all(P0.argmax(axis=1) != y[:100])
    P2 = simulate_teacher(np.array([0, 1]), 2, [0.51, 0.9], random_state=0)
    np.testing.assert_allclose(P2.max(axis=1), [0.51, 0.9])


def test_simulate_teacher_bad_inputs():
    y = np.array([0, 1, 2])
    with pytest.raises(ValueError, match="accuracy"):
        simulate_teacher(y, 3, 1.5)
    with pytest.raises(ValueError, match="accuracy"):
        simulate_teacher(y, 3, [0.5, 0.5, -0.1])
    with pytest.raises(ValueError, match="accuracy"):
        simulate_teacher(y, 3, [0.5, 0.5])
    with pytest.raises(ValueError, match="k"):
        simulate_teacher(y, 3, 0.5, k=4)
    with pytest.raises(ValueError, match="k"):
        simulate_teacher(y, 3, 0.5, k=0)
    with pytest.raises(ValueError, match="y"):
        simulate_teacher(np.array([0, 3]), 3, 0.5)
    with pytest.raises(ValueError, match="n_classes"):
        simulate_teacher(y, 1, 0.5)
    with pytest.raises(ValueError, match="temperature"):
        simulate_teacher(y, 3, 0.5, temperature=0.0)
    with pytest.raises(TypeError, match="y"):
        simulate_teacher(np.array([0.5, 1.0]), 3, 0.5)


# ---------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        ({"d": 1, "gamma": 0.1}, ValueError, "d"),
        ({"d": 2.5, "gamma": 0.1}, TypeError, "d"),
        ({"d": 5, "gamma": 0.0}, ValueError, "gamma"),
        ({"d": 5, "gamma": -0.1}, ValueError, "gamma"),
        ({"d": 5, "gamma": 1.01}, ValueError, "gamma"),
        ({"d": 5, "gamma": float("nan")}, ValueError, "gamma"),
        ({"d": 5, "gamma": "0.1"}, TypeError, "gamma"),
        ({"d": 5, "gamma": 0.1, "marginal": "cube"}, ValueError, "marginal"),
        ({"d": 5, "gamma": 0.1, "w_star": np.zeros(5)}, ValueError, "w_star"),
        ({"d": 5, "gamma": 0.1, "w_star": np.ones(4)}, ValueError, "w_star"),
        ({"d": 5, "gamma": 0.1, "w_star": [1, 2, np.nan, 0, 0]}, ValueError, "w_star"),
    ],
)
def test_margin_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        MarginHalfspace(**kwargs)


def test_other_bad_inputs():
    gen = MarginHalfspace(4, 0.1, random_state=0)
    for bad in (0, -3):
        with pytest.raises(ValueError, match="n"):
            gen.sample(bad)
        with pytest.raises(ValueError, match="n"):
            gen.stream(bad)
    with pytest.raises(TypeError, match="n"):
        gen.sample(2.5)
    with pytest.raises(ValueError, match="batch"):
        gen.stream(10, batch=0)
    with pytest.raises(ValueError, match="d"):
        GaussianHalfspace(1)
    with pytest.raises(ValueError, match="gamma"):
        GaussianHalfspace(3, gamma=-1.0)
    with pytest.raises(ValueError, match="w_star"):
        GaussianHalfspace(3, w_star=np.zeros(3))
    with pytest.raises(ValueError, match="d"):
        HypercubeHalfspace(1)
    with pytest.raises(ValueError, match="w_star"):
        HypercubeHalfspace(3, w_star=[1, 1])
    with pytest.raises(ValueError, match="n_classes"):
        GaussianMixture(1, 3)
    with pytest.raises(ValueError, match="separation"):
        GaussianMixture(3, 3, separation=0.0)
    with pytest.raises(ValueError, match="d"):
        GaussianMixture(3, 0)


def test_public_api():
    assert set(data.__all__) >= {
        "MarginHalfspace", "GaussianHalfspace", "HypercubeHalfspace", "GaussianMixture",
        "simulate_teacher",
    }


@pytest.mark.parametrize(
    "w",
    [np.r_[1.0, 1e-12, 0, 0], np.r_[-1.0, 0, 0, 0], np.r_[-1.0, 1e-9, 0, 0], np.r_[0, 0, 0, 1.0]],
)
def test_reflection_edge_cases(w):
    """w* at or near +-e_1 (the Householder sign choice) and orthogonal to e_1."""
    gen = MarginHalfspace(4, 0.3, w_star=w, random_state=0)
    X, y = gen.sample(5000)
    m = X @ gen.w_star
    assert np.all(np.abs(m) >= 0.3 - 1e-12) and np.all(np.sign(m) == y)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-12)
    ref = MarginHalfspace(4, 0.3, random_state=0)  # w* = e_1: same law of w*.x
    assert stats.ks_2samp(np.abs(m), np.abs(ref.sample(5000)[0][:, 0])).pvalue > KS_P


def test_gamma_above_one_and_sizes_nothing_can_hold_are_refused_naming_them():
    with pytest.raises(ValueError, match="gamma must be"):
        GaussianHalfspace(3, gamma=1.5)
    huge = 10**13
    w3 = np.ones(3)
    for make in (lambda: GaussianHalfspace(huge, 0.1, w_star=w3),
                 lambda: data.MarginHalfspace(huge, 0.1, w_star=w3),
                 lambda: HypercubeHalfspace(huge, w_star=w3),
                 lambda: data.make_instance("sphere", d=huge, gamma=0.1),
                 lambda: data.make_instance("perceptron_gamma", d=huge, gamma=0.1),
                 lambda: GaussianMixture(n_classes=3, d=huge)):
        with pytest.raises(MemoryError, match=r"at d=10000000000000 .*use a smaller d"):
            make()
    with pytest.raises(MemoryError, match=r"n_classes=10000000000000 rows at d=3"):
        GaussianMixture(n_classes=huge, d=3)
    with pytest.raises(MemoryError, match=r"at n_classes=10000000000000 "):
        simulate_teacher(np.arange(90) % 3, n_classes=huge, accuracy=0.7)
