"""Numba kernels against the slow, obvious references in tests/naive.py, on inputs that reach
each branch: the projection active, ties at zero, the last (partial) block of a chunked loop,
clipped probabilities, huge margins, zero weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from naive import (
    binary_loss_naive,
    binary_scan_naive,
    encode_pm_naive,
    heldout_errors_naive,
    leaky_relu_alg1_trajectory,
    perceptron_naive,
    sgd_naive,
    student_epoch_naive,
    student_loss_grad_naive,
)

from slam_theory._kernels import halfspaces as KH
from slam_theory._kernels import leaky_relu as KLR
from slam_theory._kernels import losses as KL
from slam_theory._kernels import students as KS

# (loss_id, params): mixed with c0, c1 > 0 (the direct derivative) and with a zero entry (log
# space), linear (backward / unbiased), LeakyReLU.
LOSSES = [
    (KL.LOGISTIC, np.zeros(4)),
    (KL.MIXED, np.array([0.8, 0.2, 0.35, 0.65])),
    (KL.MIXED, np.array([0.0, 1.0, 0.25, 0.75])),
    (KL.LINEAR, np.linalg.inv([[0.8, 0.2], [0.35, 0.65]]).ravel()),
    (KL.LEAKY_RELU, np.array([0.3, 0.0, 0.0, 0.0])),
]
MARGINS = [-30.0, -2.5, -1e-3, 0.0, 1e-3, 2.5, 30.0]


# ---------------------------------------------------------------------- scalar losses
@pytest.mark.parametrize(("loss_id", "params"), LOSSES)
def test_scalar_loss_kernels_match_naive(loss_id, params):
    for z in MARGINS:
        for y in (-1.0, 1.0):
            ref_v, ref_d = binary_loss_naive(loss_id, z, y, params)
            v, dz = KL.loss_and_dz(loss_id, z, y, params)
            assert v == pytest.approx(ref_v, rel=1e-10, abs=1e-12), (z, y)
            assert dz == pytest.approx(ref_d, rel=1e-10, abs=1e-12), (z, y)
            assert KL.loss_dz(loss_id, z, y, params) == pytest.approx(ref_d, rel=1e-10,
                                                                       abs=1e-12), (z, y)


@pytest.mark.parametrize("z", [-800.0, 800.0])
def test_mixed_loss_at_huge_margins_matches_naive(z):
    p = np.array([0.8, 0.2, 0.35, 0.65])
    for y in (-1.0, 1.0):
        ref_v, ref_d = binary_loss_naive(KL.MIXED, z, y, p)
        v, dz = KL.loss_and_dz(KL.MIXED, z, y, p)
        assert math.isfinite(v) and v == pytest.approx(ref_v, rel=1e-12)
        assert dz == pytest.approx(ref_d, abs=1e-300)


def test_leaky_relu_derivative_is_zero_sign_at_a_tie():
    p = np.array([0.3, 0.0, 0.0, 0.0])
    for y in (-1.0, 1.0):
        assert KL.loss_dz(KL.LEAKY_RELU, 0.0, y, p) == -0.5 * y
        assert KL.loss_and_dz(KL.LEAKY_RELU, 0.0, y, p)[1] == -0.5 * y


# ---------------------------------------------------------------------- SGD and Perceptron
def _sgd_problem(seed, n=101, d=6):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, d)) / 2
    y = np.where(r.random(n) < 0.5, -1.0, 1.0)
    return X, y, r.permutation(n).astype(np.int64)


@pytest.mark.parametrize(("loss_id", "params"), LOSSES)
@pytest.mark.parametrize("average", [True, False])
@pytest.mark.parametrize("decay", [True, False])
def test_sgd_pass_matches_naive_with_the_projection_active(loss_id, params, average, decay):
    X, y, order = _sgd_problem(loss_id + 10 * average)
    n, d = X.shape
    t0, scale, lr0, radius = 5, 3.0, 0.8, 0.5
    w, wsum = np.zeros(d), np.zeros(d)  # w = 0: the first margin is a tie
    rec = np.array([t0 + 1, t0 + 50, t0 + n], dtype=np.int64)  # the last step is recorded
    rc, ro = np.empty((3, d)), np.empty(3)
    t, loss_sum, n_loss, n_rec, xx = KH.sgd_pass(
        X, y, order, w, wsum, loss_id, params, scale, lr0, t0, radius, average, 3, 0, rec, rc,
        ro, decay)
    w_ref, wsum_ref, its = sgd_naive(X, y, order, np.zeros(d), loss_id, params, scale, lr0, t0,
                                     radius, average, decay)
    assert np.sum(np.isclose(np.linalg.norm(its, axis=1), radius)) >= 5  # projection binds
    np.testing.assert_allclose(w, w_ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(wsum, wsum_ref, rtol=1e-9, atol=1e-12)
    assert (t, n_loss, n_rec) == (t0 + n, math.ceil(n / 3), 3)
    assert xx == pytest.approx(float((X**2).sum()), rel=1e-12)
    for r, step in enumerate(rec - t0):
        want = (np.cumsum(its, axis=0)[step - 1] / (t0 + step)) if average else its[step - 1]
        np.testing.assert_allclose(rc[r], want, rtol=1e-9, atol=1e-12)
    ref_losses = []
    wk = np.zeros(d)
    for k, i in enumerate(order):
        if k % 3 == 0:
            ref_losses.append(binary_loss_naive(loss_id, scale * float(X[i] @ wk), y[i],
                                                params)[0])
        wk = its[k]
    assert loss_sum == pytest.approx(sum(ref_losses), rel=1e-9)
    assert ro[2] == pytest.approx(np.mean(ref_losses), rel=1e-9)


def test_perceptron_pass_matches_naive_from_a_tie():
    X, y, order = _sgd_problem(3, n=150, d=4)
    d = X.shape[1]
    w, u = np.zeros(d), np.zeros(d)
    rec = np.array([8, 107], dtype=np.int64)
    rc, ro = np.empty((2, d)), np.empty(2)
    t, mistakes, n_rec, xx = KH.perceptron_pass(X, y, order, w, u, 7, 2, rec, rc, ro)
    w_ref, u_ref, m_ref = perceptron_naive(X, y, order, t0=7)
    np.testing.assert_allclose(w, w_ref, rtol=1e-12)
    np.testing.assert_allclose(u, u_ref, rtol=1e-12)
    assert (t, mistakes, n_rec) == (157, m_ref, 2)
    w1, _, m1 = perceptron_naive(X, y, order[:1], t0=7)
    np.testing.assert_allclose(rc[0], w1)  # the first step is a tie: a mistake
    assert ro[0] == m1 == 1
    assert xx == pytest.approx(float((X**2).sum()), rel=1e-12)


@pytest.mark.parametrize("y", [[3.0, 3.0], [5.0, 2.0, 5.0, 2.0], [2.0, -1.0, -1.0],
                               [1.0, 2.0, 1.0, 2.0, 7.0], [1.0, 2.0, 3.0]])
def test_label_scan_and_encoding_match_naive(y):
    y = np.array(y)
    lo, hi, k = KH.binary_scan(y)
    ref = binary_scan_naive(y)
    assert k == ref[2]
    if k <= 2:
        assert (lo, hi) == ref[:2]
        out = np.empty(y.size)
        bad = KH.encode_pm(y, lo, hi, out)
        ref_out, ref_bad = encode_pm_naive(y, lo, hi)
        np.testing.assert_array_equal(out, ref_out)
        assert bad == ref_bad
    out = np.empty(y.size)
    ref_out, ref_bad = encode_pm_naive(y, 1.0, 2.0)
    assert KH.encode_pm(y, 1.0, 2.0, out) == ref_bad
    np.testing.assert_array_equal(out, ref_out)


# ---------------------------------------------------------------------- Algorithm 1, full batch
@pytest.mark.parametrize("lr", [0.3, 25.0])
def test_full_batch_kernel_matches_naive_over_every_block(lr):
    """600 rows (row blocks of 256: the last one partial), 300 held-out rows, 100 steps
    (iterates scored 64 at a time: the last block partial), w_0 = 0 (every margin ties)."""
    r = np.random.default_rng(7)
    n, d, eta, T = 600, 5, 0.2, 100
    X = r.normal(size=(n + 300, d))
    X /= np.maximum(1.0, np.linalg.norm(X, axis=1))[:, None]
    y = np.where(X[:, 0] + 0.3 * r.normal(size=n + 300) > 0, 1.0, -1.0)
    y[-1] = -1.0  # the last held-out row is wrong at w_0 (ties predict +1)
    X, Xv, y, yv = X[:n], X[n:], y[:n], y[n:]
    ref = leaky_relu_alg1_trajectory(X, y, eta, T, lr)
    if lr > 1:
        assert np.sum(np.isclose(np.linalg.norm(ref, axis=1), 1.0)) > T // 2
    w, best_w = np.zeros(d), np.zeros(d)
    ve, ob = np.empty(T + 1), np.empty(T + 1)
    rec = np.arange(T + 1, dtype=np.int64)
    rc = np.empty((T + 1, d))
    best = KLR.leaky_relu_full_batch(X, y, Xv, yv, w, eta, T, lr, best_w, ve, ob, rec, rc)
    np.testing.assert_allclose(rc, ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(w, ref[-1], rtol=1e-9, atol=1e-12)
    errs = heldout_errors_naive(ref, Xv, yv)
    np.testing.assert_array_equal(ve, errs)
    assert ve[0] == np.mean(yv != 1.0)
    assert best == int(np.argmin(errs))
    np.testing.assert_allclose(best_w, ref[best], rtol=1e-9, atol=1e-12)
    tt = -y[None, :] * (ref @ X.T)
    np.testing.assert_allclose(ob, np.mean(0.5 * tt + (0.5 - eta) * np.abs(tt), axis=1),
                               rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------------- distillation students
def _student_cases():
    T = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    one = np.array([0.0, 1.0, 0.0])
    soft = np.array([0.2, 0.5, 0.3])
    return [
        # (z, y, alpha, c, kind)
        (np.array([0.3, -1.2, 2.0]), soft, 1.0, np.zeros(3), KS.MIXED_CE, T),  # plain CE
        (np.array([0.3, -1.2, 2.0]), soft, 0.6, np.zeros(3), KS.MIXED_CE, T),  # log space, b<1
        (np.array([0.3, -1.2, 2.0]), soft, 0.6, np.array([1.0, 1.0, 0.0]), KS.MIXED_CE, T),
        (np.array([0.3, -1.2, 2.0]), soft, 0.0, np.zeros(3), KS.MIXED_CE, T),  # b = 0: clipped
        (np.array([0.0, -60.0, 5.0]), one, 1 - 1e-13, np.ones(3), KS.MIXED_CE, T),  # m < floor
        (np.array([800.0, 0.0, -5.0]), soft, 0.7, np.array([0.5, 0.5, 0.0]), KS.MIXED_CE, T),
        (np.array([0.3, -1.2, 2.0]), soft, 1.0, np.zeros(3), KS.FORWARD, T),
        (np.array([0.3, -1.2, 2.0]), one, 1.0, np.zeros(3), KS.FORWARD, np.eye(3)[[1, 0, 2]]),
        (np.array([0.3, -1.2, 2.0]), soft, 1.0, np.zeros(3), KS.TAYLOR, T),
    ]


def test_student_example_losses_match_naive():
    f, logf, dz = np.empty(3), np.empty(3), np.empty(3)
    for z, y, alpha, c, kind, T in _student_cases():
        loss = KS.example_loss_grad(z, y, alpha, c, T, kind, f, logf, dz)
        ref_loss, ref_dz = student_loss_grad_naive(z, y, alpha, c, T, kind)
        assert loss == pytest.approx(ref_loss, rel=1e-12), (kind, alpha)
        np.testing.assert_allclose(dz, ref_dz, rtol=1e-10, atol=1e-14)
    cases = _student_cases()
    Z = np.array([c[0] for c in cases])
    Y = np.array([c[1] for c in cases])
    alpha = np.array([c[2] for c in cases])
    C = np.array([c[3] for c in cases])
    kinds = np.array([c[4] for c in cases], dtype=np.int64)
    T = cases[0][5]
    loss, dZ = np.empty(len(cases)), np.empty_like(Z)
    KS.batch_loss_grad(Z, Y, alpha, C, T, kinds, loss, dZ)
    for i in range(len(cases)):
        ref_loss, ref_dz = student_loss_grad_naive(Z[i], Y[i], alpha[i], C[i], T, kinds[i])
        assert loss[i] == pytest.approx(ref_loss, rel=1e-12)
        np.testing.assert_allclose(dZ[i], ref_dz, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("model", ["logistic", "mlp"])
@pytest.mark.parametrize("adam", [True, False])
def test_student_epochs_match_naive_with_every_loss_and_zero_weights(model, adam):
    r = np.random.default_rng(3)
    n, d, Kc, H, bs = 37, 5, 3, 6, 8  # 37 = 4 * 8 + 5: the last minibatch is partial
    X = r.standard_normal((n, d))
    Y = r.dirichlet(np.ones(Kc), n)
    alpha = r.uniform(0.2, 1.0, n)
    C = np.where(r.random((n, Kc)) < 0.5, 1.0, 0.0)
    kinds = np.arange(n, dtype=np.int64) % 3
    T = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    w = r.uniform(0.5, 2.0, n)
    w[::5] = 0.0
    perm = r.permutation(n)
    if model == "logistic":
        theta = r.standard_normal(d * Kc + Kc) * 0.3
        decay = np.r_[np.ones(d * Kc), np.zeros(Kc)]
    else:
        theta = r.standard_normal(d * H + H + H * Kc + Kc) * 0.5
        decay = np.r_[np.ones(d * H), np.zeros(H), np.ones(H * Kc), np.zeros(Kc)]
    ref, ref_total = student_epoch_naive(model, X, Y, alpha, C, T, kinds, w, perm, bs, theta, H,
                                         0.05, 0.1, adam, decay)
    th, m, v = theta.copy(), np.zeros_like(theta), np.zeros_like(theta)
    args = (X, Y, alpha, C, T, kinds, w, perm, bs)
    tail = (th, decay, m, v, 0, 0.05, 0.1, adam, 0.9, 0.999, 1e-8)
    if model == "logistic":
        total = KS.epoch_logistic(*args, *tail)
    else:
        total = KS.epoch_mlp(*args, H, *tail)
    np.testing.assert_allclose(th, ref, rtol=1e-9, atol=1e-12)
    assert total == pytest.approx(ref_total, rel=1e-10)
