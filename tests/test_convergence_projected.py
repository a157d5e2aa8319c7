"""Projected SGD on the forward objective over the ball (slam_theory.convergence.projected)."""

from __future__ import annotations

import math

import naive
import numpy as np
import pytest
from scipy import optimize

from slam_theory import convergence, data, noise
from slam_theory.convergence import projected


def _sample(n=2000, d=5, eta=0.1, seed=0):
    gen = data.MarginHalfspace(d=d, gamma=0.1, random_state=seed)
    X, y = gen.sample(n)
    return X, noise.RCN(eta).corrupt(y, random_state=seed + 1), gen


def _fpp(u, eta, h=1e-4):
    f = naive.forward_loss_naive
    return (f(u + h, eta) - 2 * f(u, eta) + f(u - h, eta)) / h**2


@pytest.mark.parametrize("eta", [0.05, 0.1, 0.2, 0.3])
def test_convexity_radius_is_where_the_second_derivative_changes_sign(eta):
    r = convergence.convexity_radius(eta)
    assert _fpp(-r + 0.02, eta) > 0 > _fpp(-r - 0.02, eta)
    assert all(_fpp(u, eta) > 0 for u in np.linspace(-r + 0.02, 5, 50))
    assert convergence.convexity_radius(0.0) == math.inf


@pytest.mark.parametrize(("eta", "radius"), [(0.0, 1.0), (0.1, 1.0), (0.2, 1.0), (0.3, 3.0)])
def test_lipschitz_and_smoothness_match_a_dense_grid(eta, radius):
    u = np.linspace(-radius, radius, 20001)
    h = 1e-6
    f = np.vectorize(naive.forward_loss_naive)
    fp = (f(u + h, eta) - f(u - h, eta)) / (2 * h)
    assert convergence.lipschitz_constant(eta, radius) == pytest.approx(np.abs(fp).max(), rel=1e-5)
    fpp = np.array([_fpp(v, eta) for v in u[::20]])
    assert convergence.smoothness_constant(eta, radius) == pytest.approx(np.abs(fpp).max(),
                                                                         rel=1e-3)


def test_gradient_against_finite_differences():
    X, y, _ = _sample(300)
    rng = np.random.default_rng(3)
    for _ in range(5):
        w = rng.standard_normal(X.shape[1]) * 0.7
        err = optimize.check_grad(lambda v: convergence.forward_objective(v, X, y, 0.1)[0],
                                  lambda v: convergence.forward_objective(v, X, y, 0.1)[1], w)
        assert err < 1e-6
    # the value is the naive per-sample mean
    v = convergence.forward_objective(w, X, y, 0.1)[0]
    ref = np.mean([naive.forward_loss_naive(u, 0.1) for u in y * (X @ w)])
    assert v == pytest.approx(ref, rel=1e-12)


def test_ball_minimum_is_certified_and_matches_projected_gradient_descent():
    X, y, _ = _sample(500)
    m = convergence.ball_minimum(X, y, 0.1)
    assert np.linalg.norm(m.coef) <= 1 + 1e-12 and m.gap_bound < 1e-8
    val, _ = naive.ball_minimum_naive(X, y, 0.1, 1.0, n_steps=3000)
    assert m.value <= val + 1e-10 and m.value == pytest.approx(val, abs=1e-7)
    assert np.linalg.norm(convergence.gradient_mapping(m.coef, X, y, 0.1)) < 1e-5
    # a point that is not the minimum has a non-zero gradient mapping and a positive gap
    assert np.linalg.norm(convergence.gradient_mapping(0.5 * m.coef, X, y, 0.1)) > 1e-3


def test_gradient_mapping_is_the_gradient_inside_and_zero_at_a_constrained_minimum():
    X, y, _ = _sample(300)
    w = np.full(X.shape[1], 0.01)
    _, g = convergence.forward_objective(w, X, y, 0.1)
    np.testing.assert_allclose(convergence.gradient_mapping(w, X, y, 0.1, mu=0.1), g, rtol=1e-9)


def test_kernel_run_matches_the_naive_loop_and_the_projection_is_active():
    X, y, _ = _sample(400)
    T, eta = 3000, 0.1
    order = np.random.default_rng(7).integers(0, X.shape[0], size=T)
    step = 0.3  # large enough that the iterate reaches the sphere
    run = projected.projected_sgd(X, y, eta, T, step=step, random_state=np.random.default_rng(7))
    avg, last = naive.projected_sgd_naive(X, y, eta, order, step, 1.0)
    np.testing.assert_allclose(run.average, avg, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(run.last, last, rtol=1e-6, atol=1e-9)
    assert np.linalg.norm(last) == pytest.approx(1.0)  # the projection was active
    # without the projection the same steps leave the ball: a mutation the test can see
    free = projected.projected_sgd(X, y, eta, T, radius=math.inf, step=step,
                                   random_state=np.random.default_rng(7))
    assert np.linalg.norm(free.last) > 1.5


def test_default_step_is_the_theorems():
    X, y, _ = _sample(100)
    run = convergence.projected_sgd(X, y, 0.1, 400, random_state=0)
    assert run.step == pytest.approx(1.0 / (convergence.lipschitz_constant(0.1) * 20.0))


def test_bad_inputs():
    X, y, _ = _sample(50)
    with pytest.raises(ValueError, match="eta"):
        convergence.convexity_radius(0.5)
    with pytest.raises(ValueError, match="radius"):
        convergence.lipschitz_constant(0.1, 0.0)
    with pytest.raises(ValueError, match="n_iter"):
        convergence.projected_sgd(X, y, 0.1, 0)
    with pytest.raises(ValueError, match="step"):
        convergence.projected_sgd(X, y, 0.1, 10, radius=math.inf)
    with pytest.raises(ValueError, match="rows"):
        convergence.ball_minimum(X, y[:10], 0.1)
