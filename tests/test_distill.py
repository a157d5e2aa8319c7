"""Tests of slam_theory.distill: the mixing operation, the SLaM loss, alpha/k estimation."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from slam_theory import distill
from slam_theory._kernels import students as K


def _rand_proba(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.dirichlet(np.ones(k), size=n)


# ----------------------------------------------------------------------------- mix
def test_mix_normalized_formula(rng):
    f = _rand_proba(rng, 7, 5)
    a = rng.random(7)
    out = distill.mix(f, a)
    ref = a[:, None] * f + (1 - a[:, None]) * (1 - f) / 4
    np.testing.assert_allclose(out, ref)
    # the normalised form with k = K is a probability vector
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    out3 = distill.mix(f, 0.3, k=3)
    np.testing.assert_allclose(out3, 0.3 * f + 0.7 * (1 - f) / 2)


def test_mix_topk_formula_per_example_k(rng):
    f = _rand_proba(rng, 6, 5)
    t = _rand_proba(rng, 6, 5)
    a = rng.random(6)
    k = np.array([1, 2, 3, 4, 5, 2])
    out = distill.mix(f, a, k=k, teacher=t, normalize=False)
    for i in range(6):
        top = np.zeros(5)
        top[np.argsort(-t[i])[: k[i]]] = 1
        np.testing.assert_allclose(out[i], a[i] * f[i] + (1 - a[i]) * (1 - f[i]) * top)
        outn = distill.mix(f[i:i + 1], a[i], k=int(k[i]), teacher=t[i:i + 1], normalize=True)
        np.testing.assert_allclose(
            outn[0], a[i] * f[i] + (1 - a[i]) * (1 - f[i]) * top / max(k[i] - 1, 1))


def test_mix_binary_reduction(rng):
    p = rng.random(9)
    a = rng.random(9)
    np.testing.assert_allclose(distill.mix(p, a), a * p + (1 - a) * (1 - p))
    f2 = np.column_stack([1 - p, p])
    np.testing.assert_allclose(distill.mix(f2, a)[:, 1], a * p + (1 - a) * (1 - p))
    # top-2 of 2 classes, un-normalised = normalised = binary mix
    np.testing.assert_allclose(distill.mix(f2, a, k=2, teacher=f2, normalize=False)[:, 1],
                               a * p + (1 - a) * (1 - p))


def test_mix_alpha_one_is_identity(rng):
    f = _rand_proba(rng, 4, 3)
    np.testing.assert_allclose(distill.mix(f, 1.0, teacher=f, k=2, normalize=False), f)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"f": [[0.5, 0.6]], "alpha": 0.5}, "sum to 1"),
        ({"f": [[-0.1, 1.1]], "alpha": 0.5}, "outside"),
        ({"f": [[0.5, 0.5]], "alpha": 1.5}, "alpha"),
        ({"f": [[0.5, 0.5]], "alpha": [0.5, 0.5]}, "alpha"),
        ({"f": [[0.5, 0.5]], "alpha": 0.5, "k": 3}, "k must be <= 2"),
        ({"f": [[0.5, 0.5]], "alpha": 0.5, "teacher": [[1.0, 0.0, 0.0]]}, "teacher"),
    ],
)
def test_mix_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        distill.mix(**kwargs)


# ----------------------------------------------------------------------------- loss
def _slow_loss(z, P, alpha, k, target, mixing):
    f = np.exp(z - z.max(1, keepdims=True))
    f /= f.sum(1, keepdims=True)
    m = distill.mix(f, alpha, k=k, teacher=P, normalize=(mixing == "normalized"))
    Y = P if target == "soft" else np.eye(P.shape[1])[P.argmax(1)]
    return -(Y * np.log(np.maximum(m, distill.FLOOR))).sum(1)


@given(
    z=arrays(np.float64, (3, 4), elements=st.floats(-4, 4)),
    tl=arrays(np.float64, (3, 4), elements=st.floats(-3, 3)),
    alpha=st.floats(0.05, 1.0),
    k=st.integers(1, 4),
    target=st.sampled_from(["soft", "hard"]),
    mixing=st.sampled_from(["topk", "normalized"]),
)
def test_slam_loss_gradient_finite_differences(z, tl, alpha, k, target, mixing):
    P = np.exp(tl) / np.exp(tl).sum(1, keepdims=True)
    loss, grad = distill.slam_loss(z, P, alpha, k, target=target, mixing=mixing)
    np.testing.assert_allclose(loss, _slow_loss(z, P, alpha, k, target, mixing), rtol=1e-10,
                               atol=1e-12)
    h = 1e-6
    num = np.zeros_like(z)
    for j in range(4):
        e = np.zeros_like(z)
        e[:, j] = h
        num[:, j] = (_slow_loss(z + e, P, alpha, k, target, mixing)
                     - _slow_loss(z - e, P, alpha, k, target, mixing)) / (2 * h)
    np.testing.assert_allclose(grad, num, atol=2e-6, rtol=1e-5)


@given(
    z=arrays(np.float64, (2, 3), elements=st.floats(-4, 4)),
    tl=arrays(np.float64, (2, 3), elements=st.floats(-3, 3)),
    kind=st.sampled_from([K.FORWARD, K.TAYLOR]),
)
def test_forward_and_taylor_gradients(z, tl, kind):
    P = np.exp(tl) / np.exp(tl).sum(1, keepdims=True)
    T = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.05, 0.15, 0.8]])

    def slow(zz):
        f = np.exp(zz - zz.max(1, keepdims=True))
        f /= f.sum(1, keepdims=True)
        if kind == K.FORWARD:
            return -(P * np.log(f @ T)).sum(1)
        q = 1 - f
        return (P * (q + q**2 / 2)).sum(1)

    loss = np.empty(2)
    grad = np.empty((2, 3))
    K.batch_loss_grad(z, P, np.ones(2), np.zeros((2, 3)), T, np.full(2, kind), loss, grad)
    np.testing.assert_allclose(loss, slow(z), rtol=1e-10)
    h = 1e-6
    for j in range(3):
        e = np.zeros_like(z)
        e[:, j] = h
        np.testing.assert_allclose(grad[:, j], (slow(z + e) - slow(z - e)) / (2 * h),
                                   atol=2e-6, rtol=1e-5)


def test_slam_loss_stable_at_extremes():
    # saturated student (probabilities exactly 0/1 in float), alpha in {0, 1}
    z = np.array([[800.0, -800.0, 0.0], [-800.0, 800.0, 0.0], [0.0, 0.0, 0.0]])
    P = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    for alpha in (0.0, 1.0, 0.5):
        for mixing in ("topk", "normalized"):
            for target in ("soft", "hard"):
                loss, grad = distill.slam_loss(z, P, alpha, 2, target=target, mixing=mixing)
                assert np.all(np.isfinite(loss)) and np.all(np.isfinite(grad))
                assert np.all(loss >= 0)
    # a clipped coordinate: alpha = 0, student certain of the teacher's class -> m = 0
    loss, grad = distill.slam_loss(np.array([[800.0, -800.0]]), np.array([[1.0, 0.0]]), 0.0, 1,
                                   target="hard")
    np.testing.assert_allclose(loss, [-np.log(distill.FLOOR)])
    np.testing.assert_allclose(grad, 0.0)
    # plain cross-entropy (alpha = 1) never clips: log-space path
    loss, grad = distill.slam_loss(np.array([[0.0, -1000.0]]), np.array([[0.0, 1.0]]), 1.0)
    np.testing.assert_allclose(loss, [1000.0])
    np.testing.assert_allclose(grad, [[1.0, -1.0]])


# ----------------------------------------------------------------------------- alpha, k
def _teacher_with_profile(n, K, rng):
    """Teacher whose accuracy increases with a latent u; margin increases with u too."""
    from slam_theory import data

    y = rng.integers(0, K, n)
    acc = 0.2 + 0.75 * rng.random(n)
    P = data.simulate_teacher(y, K, acc, k=3, random_state=rng)
    return P, y, acc


def test_estimate_alpha_monotone_and_accurate(rng):
    P, y, _acc = _teacher_with_profile(4000, 10, rng)
    fn = distill.estimate_alpha(P, y)
    grid = np.linspace(0, 1, 101)
    a = fn.from_margin(grid)
    assert np.all(np.diff(a) >= -1e-12)
    assert a.min() >= 0 and a.max() <= 1
    P2, _, acc2 = _teacher_with_profile(4000, 10, rng)
    est = fn(P2)
    assert est.shape == (4000,)
    # the simulated teacher is calibrated: alpha_hat(x) ~ acc(x)
    assert np.mean(np.abs(est - acc2)) < 0.06
    assert pickle.loads(pickle.dumps(fn))(P2[:5]).shape == (5,)


def test_estimate_k_coverage(rng):
    P, y, _ = _teacher_with_profile(3000, 10, rng)
    for cov in (0.5, 0.9, 0.99, 1.0):
        k = distill.estimate_k(P, y, coverage=cov)
        assert isinstance(k, int)
        inside = distill.topk_mask(P, k)[np.arange(3000), y] == 1
        assert inside.mean() >= cov - 1e-12
        if k > 1:
            inside_less = distill.topk_mask(P, k - 1)[np.arange(3000), y] == 1
            assert inside_less.mean() < cov
    # true label always within the teacher's top 3 by construction
    assert distill.estimate_k(P, y, coverage=1.0) <= 3
    kb = distill.estimate_k(P, y, coverage=0.9, n_bins=4)
    ks = kb(P)
    assert ks.shape == (3000,) and ks.min() >= 1 and ks.max() <= 3


@pytest.mark.parametrize(
    ("P", "y", "kw", "match"),
    [
        ([[0.5, 0.5], [0.2, 0.8]], [0, 0], {}, "only one class"),
        ([[0.5, 0.5], [0.2, 0.8]], [0, 2], {}, "y_val must contain classes"),
        ([[0.5, 0.5], [0.2, 0.8]], [0, 1, 1], {}, "y_val must have shape"),
        ([[0.5, 0.6], [0.2, 0.8]], [0, 1], {}, "teacher_proba_val rows must sum"),
        ([[0.5, 0.5], [0.2, 0.8]], [0, 1], {"coverage": 0.0}, "coverage"),
        ([[0.5, 0.5], [0.2, 0.8]], [0, 1], {"coverage": 1.2}, "coverage"),
    ],
)
def test_estimate_bad_inputs(P, y, kw, match):
    with pytest.raises(ValueError, match=match):
        distill.estimate_k(P, y, **kw)
    if not kw:
        with pytest.raises(ValueError, match=match):
            distill.estimate_alpha(P, y)


def test_transition_matrix_row_stochastic(rng):
    P, y, _ = _teacher_with_profile(500, 5, rng)
    T = distill.estimate_transition_matrix(P, y)
    np.testing.assert_allclose(T.sum(1), 1.0)
    assert np.all(np.diag(T) > 0.3)
