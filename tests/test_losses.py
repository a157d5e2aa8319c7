"""Tests for slam_theory.losses and the scalar kernels in slam_theory._kernels.losses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from slam_theory import losses as L
from slam_theory._kernels import losses as KL

SYM = L.symmetric_transition_matrix


def _problem(seed: int, n: int = 12, d: int = 3, wscale: float = 1.0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, d))
    y = np.where(r.random(n) < 0.5, -1, 1)
    w = wscale * r.normal(size=d)
    return w, X, y


def _central_diff(f, w, h=1e-6):
    g = np.zeros_like(w)
    for j in range(w.size):
        e = np.zeros_like(w)
        e[j] = h
        g[j] = (f(w + e) - f(w - e)) / (2 * h)
    return g


def _random_T(r):
    a, b = r.uniform(0.0, 0.45, size=2)
    return np.array([[1 - a, a], [b, 1 - b]])


LOSS_CASES = {
    "logistic": lambda r: (L.logistic_loss, ()),
    "slam": lambda r: (L.slam_binary_loss, (float(r.uniform(0, 1)),)),
    "slam_vec": lambda r: (L.slam_binary_loss, (r.uniform(0, 1, size=12),)),
    "forward": lambda r: (L.forward_loss, (_random_T(r),)),
    "backward": lambda r: (L.backward_loss, (_random_T(r),)),
    "unbiased": lambda r: (L.unbiased_loss, tuple(r.uniform(0, 0.45, size=2))),
    "leaky_relu": lambda r: (L.leaky_relu_loss, (float(r.uniform(0, 0.49)),)),
}


@pytest.mark.parametrize("case", sorted(LOSS_CASES))
@given(seed=st.integers(0, 2**31 - 1), wscale=st.sampled_from([0.1, 1.0, 5.0]))
def test_gradient_matches_finite_differences(case, seed, wscale):
    r = np.random.default_rng(seed)
    w, X, y = _problem(seed, wscale=wscale)
    f, args = LOSS_CASES[case](r)
    _, grad = f(w, X, y, *args)
    if case == "leaky_relu":
        # piecewise linear: the subgradient is the gradient away from the kinks, so
        # finite differences (step 1e-6) are only meaningful when no margin is near 0
        assume(np.all(np.abs(X @ w) > 1e-4))
    num = _central_diff(lambda v: f(v, X, y, *args)[0], w)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("case", sorted(LOSS_CASES))
def test_huge_margins_and_extreme_alpha_are_finite(case):
    r = np.random.default_rng(0)
    w, X, y = _problem(1)
    w = 1e4 * w / np.abs(X @ w).min()  # every |z| >= 1e4
    f, args = LOSS_CASES[case](r)
    v, g = f(w, X, y, *args)
    assert np.isfinite(v) and np.all(np.isfinite(g))


@pytest.mark.parametrize("alpha", [0.0, 1.0, 0.5])
@pytest.mark.parametrize("zscale", [1.0, 1e4, 1e8])
def test_slam_alpha_endpoints_finite_and_reduce(alpha, zscale):
    w, X, y = _problem(2)
    w = zscale * w
    v, g = L.slam_binary_loss(w, X, y, alpha)
    assert np.isfinite(v) and np.all(np.isfinite(g))
    if alpha == 1.0:
        v2, g2 = L.logistic_loss(w, X, y)
        np.testing.assert_allclose([v, *g], [v2, *g2], rtol=1e-12)
    if alpha == 0.0:  # alpha = 0 is the logistic loss of the flipped label
        v2, g2 = L.logistic_loss(w, X, -y)
        np.testing.assert_allclose([v, *g], [v2, *g2], rtol=1e-12)
    if alpha == 0.5:
        assert v == pytest.approx(np.log(2.0)) and np.allclose(g, 0.0)


def test_slam_matches_direct_formula():
    w, X, y = _problem(3)
    a = 0.8
    p = 1 / (1 + np.exp(-(X @ w)))
    m = a * p + (1 - a) * (1 - p)
    direct = np.mean(np.where(y > 0, -np.log(m), -np.log(1 - m)))
    assert L.slam_binary_loss(w, X, y, a)[0] == pytest.approx(direct, rel=1e-12)


@given(seed=st.integers(0, 2**31 - 1), eta=st.floats(0.0, 0.49))
def test_forward_with_symmetric_T_equals_slam(seed, eta):
    w, X, y = _problem(seed)
    v1, g1 = L.forward_loss(w, X, y, SYM(eta))
    v2, g2 = L.slam_binary_loss(w, X, y, 1.0 - eta)
    np.testing.assert_allclose([v1, *g1], [v2, *g2], rtol=1e-10, atol=1e-14)


def test_forward_matches_matrix_formula():
    r = np.random.default_rng(4)
    w, X, y = _problem(4)
    T = _random_T(r)
    s = 1 / (1 + np.exp(-(X @ w)))
    P = np.stack([1 - s, s], axis=1) @ T  # rows: (T^T p)^T
    j = (y > 0).astype(int)
    direct = np.mean(-np.log(P[np.arange(len(y)), j]))
    assert L.forward_loss(w, X, y, T)[0] == pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize("rho", [(0.0, 0.0), (0.2, 0.1), (0.4, 0.3)])
def test_unbiased_loss_is_unbiased_by_enumeration(rho):
    """E over the flip of l~(t, y_noisy) = l(t, y), exactly, per sample."""
    rho_pos, rho_neg = rho
    r = np.random.default_rng(5)
    X = r.normal(size=(1, 3))
    w = r.normal(size=3)
    for y in (-1, 1):
        flip = rho_pos if y == 1 else rho_neg
        expect = sum(
            prob * L.unbiased_loss(w, X, [lab], rho_pos, rho_neg)[0]
            for lab, prob in ((y, 1 - flip), (-y, flip))
        )
        clean = L.logistic_loss(w, X, [y])[0]
        assert expect == pytest.approx(clean, rel=1e-12)


def test_backward_is_unbiased_and_matches_natarajan():
    r = np.random.default_rng(6)
    w, X, y = _problem(6)
    rho_pos, rho_neg = 0.3, 0.15
    T = np.array([[1 - rho_neg, rho_neg], [rho_pos, 1 - rho_pos]])
    v1, g1 = L.backward_loss(w, X, y, T)
    v2, g2 = L.unbiased_loss(w, X, y, rho_pos, rho_neg)
    np.testing.assert_allclose([v1, *g1], [v2, *g2], rtol=1e-12)
    T = _random_T(r)
    for true, idx in ((-1, 0), (1, 1)):
        x1 = X[:1]
        e = sum(T[idx, j] * L.backward_loss(w, x1, [lab], T)[0] for j, lab in enumerate((-1, 1)))
        assert e == pytest.approx(L.logistic_loss(w, x1, [true])[0], rel=1e-12)


def test_backward_can_be_negative():
    X = np.array([[1.0]])
    v, _ = L.backward_loss(np.array([-50.0]), X, [-1], SYM(0.3))
    assert v < 0


def test_leaky_relu_matches_ddkwz_g():
    w, X, y = _problem(7, n=50, d=4)
    eta = 0.3
    v, g = L.leaky_relu_loss(w, X, y, eta)
    z = X @ w
    g_ref = (((1 - 2 * eta) * np.sign(z) - y)[:, None] * X).sum(0) / (2 * len(y))
    np.testing.assert_allclose(g, g_ref, rtol=1e-12)
    t = -y * z
    lrelu = np.where(t >= 0, (1 - eta) * t, eta * t)
    assert v == pytest.approx(lrelu.mean(), rel=1e-12)
    # sign(0) = 0 convention at w = 0
    _, g0 = L.leaky_relu_loss(np.zeros(4), X, y, eta)
    np.testing.assert_allclose(g0, -(y[:, None] * X).mean(0) / 2)


# ------------------------------------------------------------------ scalar kernels vs numpy
@pytest.mark.parametrize("z", [-1e4, -30.0, -1.3, 0.0, 0.7, 25.0, 1e4])
@pytest.mark.parametrize("y", [-1.0, 1.0])
def test_scalar_kernels_match_vector_losses(z, y):
    X = np.array([[1.0]])
    w = np.array([z])
    yy = [int(y)]
    T = np.array([[0.8, 0.2], [0.35, 0.65]])
    A = np.linalg.inv(T)
    cases = [
        (KL.LOGISTIC, np.zeros(4), L.logistic_loss(w, X, yy)),
        (KL.MIXED, T.ravel().copy(), L.forward_loss(w, X, yy, T)),
        (KL.MIXED, SYM(0.0).ravel().copy(), L.slam_binary_loss(w, X, yy, 1.0)),
        (KL.LINEAR, A.ravel().copy(), L.backward_loss(w, X, yy, T)),
        (KL.LEAKY_RELU, np.array([0.3, 0, 0, 0.0]), L.leaky_relu_loss(w, X, yy, 0.3)),
    ]
    for lid, p, (v, g) in cases:
        kv, kd = KL.loss_and_dz(lid, z, y, p)
        assert kv == pytest.approx(v, rel=1e-12, abs=1e-300)
        assert kd == pytest.approx(g[0], rel=1e-12, abs=1e-300)
        assert KL.loss_dz(lid, z, y, p) == pytest.approx(kd, rel=1e-12, abs=1e-300)


# ------------------------------------------------------------------ validation
BAD = [
    (lambda w, X, y: L.slam_binary_loss(w, X, y, 1.5), ValueError, "alpha"),
    (lambda w, X, y: L.slam_binary_loss(w, X, y, [0.5] * 3), ValueError, "alpha"),
    (lambda w, X, y: L.leaky_relu_loss(w, X, y, 0.5), ValueError, "eta"),
    (lambda w, X, y: L.forward_loss(w, X, y, [[0.5, 0.6], [0.1, 0.9]]), ValueError, "stochastic"),
    (lambda w, X, y: L.backward_loss(w, X, y, [[0.5, 0.5], [0.5, 0.5]]), ValueError, "invertible"),
    (lambda w, X, y: L.forward_loss(w, X, y, np.eye(3)), ValueError, "2x2"),
    (lambda w, X, y: L.unbiased_loss(w, X, y, 0.6, 0.5), ValueError, "rho_pos"),
    (lambda w, X, y: L.logistic_loss(w, X, np.array([0, 1, 1, 0])), ValueError, "-1 and"),
    (lambda w, X, y: L.logistic_loss(w, X[:3], y), ValueError, "samples"),
    (lambda w, X, y: L.logistic_loss(w[:2], X, y), ValueError, "dimension"),
    (lambda w, X, y: L.logistic_loss(w, np.where(X > 0, np.nan, X), y), ValueError, "NaN"),
]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_bad_inputs_raise(i):
    fn, exc, match = BAD[i]
    w, X, y = _problem(8, n=4)
    with pytest.raises(exc, match=match):
        fn(w, X, y)



# --------------------------------------------------------------------------- input hardening
_W, _X, _Y = np.array([0.5, -0.2]), np.array([[0.3, 0.4], [-0.1, 0.9]]), np.array([1, -1])
_T = np.array([[0.8, 0.2], [0.3, 0.7]])


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: L.logistic_loss(_W * 1j, _X, _Y), TypeError, r"^w must be real"),
        (lambda: L.logistic_loss(_W, _X * (1 + 0j), _Y), TypeError, r"^X must be real"),
        (lambda: L.logistic_loss(_W, _X, _Y * (1 + 0j)), TypeError, r"^y must be real"),
        (lambda: L.logistic_loss(0.5, _X, _Y), ValueError, r"^w must be 1-dimensional"),
        (lambda: L.logistic_loss(_W, _X[0], _Y), ValueError, r"^X must be 2-dimensional"),
        (lambda: L.logistic_loss(_W[:1], _X, _Y), ValueError,
         r"^w has dimension 1 but X has 2 features$"),
        (lambda: L.logistic_loss(_W, _X, _Y[:1]), ValueError,
         r"^X has 2 samples but y has 1 labels$"),
        (lambda: L.slam_binary_loss(_W, _X, _Y, 0.5j), TypeError, r"^alpha must be a real number"),
        (lambda: L.slam_binary_loss(_W, _X, _Y, np.array([0.5, 0.5j])), TypeError,
         r"^alpha must be real"),
        (lambda: L.slam_binary_loss(_W, _X, _Y, 1.5), ValueError,
         r"^alpha must be in \[0\.0, 1\.0\]"),
        (lambda: L.slam_binary_loss(_W, _X, _Y, [0.5]), ValueError,
         r"^alpha has 1 entries but X has 2 samples$"),
        (lambda: L.slam_binary_loss(_W, _X, _Y, [0.5, 1.1]), ValueError,
         r"^alpha must lie in \[0, 1\] for every sample$"),
        (lambda: L.slam_binary_loss(_W, _X, _Y, [-0.1, 0.5]), ValueError, r"^alpha must lie"),
        (lambda: L.forward_loss(_W, _X, _Y, _T * 1j), TypeError, r"^T must be real"),
        (lambda: L.forward_loss(_W, _X, _Y, np.eye(3)), ValueError,
         r"^T must be a 2x2 \(binary\) transition matrix, got shape \(3, 3\)$"),
        (lambda: L.forward_loss(_W, _X, _Y, [[1.0]]), ValueError, r"^T must be at least 2 x 2"),
        (lambda: L.backward_loss(_W, _X, _Y, [[0.5, 0.5], [0.5, 0.5]]), ValueError,
         r"^T must be invertible \(det = 0\); e\.g\. eta = 1/2 is not$"),
        (lambda: L.unbiased_loss(_W, _X, _Y, 0.5, 0.5), ValueError,
         r"^rho_pos \+ rho_neg must be < 1, got 0\.5 \+ 0\.5 = 1\.0$"),
        (lambda: L.unbiased_loss(_W, _X, _Y, 1.0, 0.0), ValueError, r"^rho_pos must be in"),
        (lambda: L.unbiased_loss(_W, _X, _Y, 0.0, -0.1), ValueError, r"^rho_neg must be in"),
        (lambda: L.leaky_relu_loss(_W, _X, _Y, 0.5), ValueError, r"^eta must be in \[0\.0, 0\.5\)"),
        (lambda: L.symmetric_transition_matrix(0.5 + 0j), TypeError, r"^eta must be a real"),
    ],
    ids=lambda _: "case",
)
def test_bad_input_refused_in_one_line(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert "\n" not in str(info.value)


def test_check_rho_pair_and_invertibility_edges():
    assert L.check_rho_pair(0.0, 0.999) == (0.0, 0.999)
    assert L.check_rho_pair(np.float64(0.25), 0.5) == (0.25, 0.5)
    # det = 0.8 * 0.7 - 0.2 * 0.3 = 0.5: well inside; a nearly singular T is still accepted
    T = np.array([[0.5 + 1e-6, 0.5 - 1e-6], [0.5, 0.5]])
    value, _ = L.backward_loss(_W, _X, _Y, T)
    assert np.isfinite(value)


def test_exact_values_on_a_tiny_problem():
    """Hand-computed values pin every formula (z = X w = [0.07, -0.23])."""
    z = _X @ _W
    u = _Y * z
    sp = np.logaddexp(0.0, -u)
    v, g = L.logistic_loss(_W, _X, _Y)
    assert v == pytest.approx(sp.mean(), rel=1e-14)
    np.testing.assert_allclose(g, (_X.T @ (-_Y / (1 + np.exp(u)))) / 2, rtol=1e-13)
    a = 0.8
    s = 1 / (1 + np.exp(-u))
    v, g = L.slam_binary_loss(_W, _X, _Y, a)
    assert v == pytest.approx(np.mean(-np.log(a * s + (1 - a) * (1 - s))), rel=1e-13)
    dq = (2 * a - 1) * s * (1 - s) / (a * s + (1 - a) * (1 - s))
    np.testing.assert_allclose(g, _X.T @ (-_Y * dq) / 2, rtol=1e-12)
    p = 1 / (1 + np.exp(-z))
    j = (_Y > 0).astype(int)
    q = _T[1, j] * p + _T[0, j] * (1 - p)
    v, _ = L.forward_loss(_W, _X, _Y, _T)
    assert v == pytest.approx(np.mean(-np.log(q)), rel=1e-13)
    Ti = np.linalg.inv(_T)
    lvec = np.stack([np.logaddexp(0, z), np.logaddexp(0, -z)], axis=1)
    v, _ = L.backward_loss(_W, _X, _Y, _T)
    assert v == pytest.approx(np.mean((Ti[j] * lvec).sum(axis=1)), rel=1e-13)
    eta = 0.2
    v, g = L.leaky_relu_loss(_W, _X, _Y, eta)
    t = -_Y * z
    assert v == pytest.approx(np.mean(np.where(t >= 0, (1 - eta) * t, eta * t)), rel=1e-13)
    np.testing.assert_allclose(g, _X.T @ (0.5 * ((1 - 2 * eta) * np.sign(z) - _Y)) / 2,
                               rtol=1e-13)


# --------------------------------------------------------------------------- mutation survivors
def test_forward_loss_accepts_a_singular_matrix():
    value, grad = L.forward_loss(_W, _X, _Y, [[0.5, 0.5], [0.5, 0.5]])
    assert value == pytest.approx(np.log(2.0)) and np.allclose(grad, 0.0)


@pytest.mark.parametrize(
    "T", [[[0.9, 0.1], [0.0, 1.0]], [[0.6, 0.4], [1.0, 0.0]], [[0.5, 0.5], [0.2, 0.8]],
          [[1.0, 0.0], [1 - 1e-12, 1e-12]]],
)
def test_backward_loss_on_invertible_matrices_with_zero_or_equal_entries(T):
    """det = T00 T11 - T01 T10 is nonzero (down to exactly 1e-12): accepted, matches T^-1 l."""
    value, _ = L.backward_loss(_W, _X, _Y, T)
    z = _X @ _W
    Ti = np.linalg.inv(np.asarray(T))
    j = (_Y > 0).astype(int)
    lvec = np.stack([np.logaddexp(0, z), np.logaddexp(0, -z)], axis=1)
    assert value == pytest.approx(np.mean((Ti[j] * lvec).sum(axis=1)), rel=1e-9)


def test_alpha_array_edges_and_shape():
    v0, _ = L.slam_binary_loss(_W, _X, _Y, [0.0, 1.0])
    u = _Y * (_X @ _W)
    want = np.mean([np.logaddexp(0, u[0]), np.logaddexp(0, -u[1])])
    assert v0 == pytest.approx(want, rel=1e-13)
    with pytest.raises(ValueError, match=r"^alpha must be 1-dimensional"):
        L.slam_binary_loss(_W, _X, _Y, [[0.5], [0.5]])


def test_sample_count_message_uses_the_sample_axis():
    X = np.ones((3, 2)) * 0.1
    with pytest.raises(ValueError, match=r"^X has 3 samples but y has 2 labels$"):
        L.logistic_loss(_W, X, [1, -1])


def test_alpha_zero_or_one_warns_nothing():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.slam_binary_loss(_W, _X, _Y, 1.0)
        L.slam_binary_loss(_W, _X, _Y, 0.0)
        L.forward_loss(_W, _X, _Y, np.eye(2))


@pytest.mark.parametrize(("rp", "rn", "name"), [(0.0, 1.0, "rho_neg"), (0.0, 1.5, "rho_neg"),
                                                (1.0, 0.0, "rho_pos")])
def test_rho_out_of_range_names_the_rate(rp, rn, name):
    with pytest.raises(ValueError, match=rf"^{name} must be in \[0\.0, 1\.0\)"):
        L.check_rho_pair(rp, rn)
