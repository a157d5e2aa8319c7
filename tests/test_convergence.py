"""Tests for slam_theory.convergence's trajectories (unprojected SGD / GD, LeakyReLU)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slam_theory import bounds, convergence, losses


def _problem(n: int = 3000, d: int = 5, eta: float = 0.2, seed: int = 0):
    """Margin-halfspace data on the unit sphere with RCN (local, so the test is self-contained)."""
    rng = np.random.default_rng(seed)
    w_star = np.zeros(d)
    w_star[0] = 1.0
    X = rng.standard_normal((4 * n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    X = X[np.abs(X[:, 0]) >= 0.1][:n]
    y = np.sign(X[:, 0])
    flip = rng.random(n) < eta
    yn = np.where(flip, -y, y).astype(np.int64)
    return X, yn, w_star


def test_sgd_trajectory_matches_numpy_reference():
    X, y, _ = _problem(200)
    alpha, step, T = 0.8, 0.7, 50
    rec_at = [0, 1, 10, 50]
    for radius in (math.inf, 0.5):
        tr = convergence.forward_sgd_trajectory(
            X, y, eta=1 - alpha, n_iter=T, step=step, record=rec_at, radius=radius,
            random_state=1,
        )
        idx = np.random.default_rng(1).integers(0, 200, size=T)
        w_ref = np.zeros(X.shape[1])
        ref = {0: w_ref.copy()}
        active = 0
        for t, i in enumerate(idx, start=1):
            _, g = losses.slam_binary_loss(w_ref, X[i : i + 1], y[i : i + 1], alpha)
            w_ref = w_ref - step / math.sqrt(t) * g
            if np.linalg.norm(w_ref) > radius:
                w_ref *= radius / np.linalg.norm(w_ref)
                active += 1
            ref[t] = w_ref.copy()
        for r, t in enumerate(rec_at):
            np.testing.assert_allclose(tr["coef"][r], ref[t], rtol=1e-9, atol=1e-12)
    assert active > 0  # the projection was active in the compared run


def test_sgd_deterministic_and_rate():
    X, y, ws = _problem(3000)
    Xe, ye, _ = _problem(3000, seed=1)
    kw = dict(eta=0.2, n_iter=20000, X_eval=Xe, y_eval=ye, w_star=ws, record=25)
    t1 = convergence.forward_sgd_trajectory(X, y, random_state=3, **kw)
    t2 = convergence.forward_sgd_trajectory(X, y, random_state=3, **kw)
    t3 = convergence.forward_sgd_trajectory(X, y, random_state=4, **kw)
    for k in ("grad_norm", "objective_gap", "disagreement", "stationarity"):
        np.testing.assert_array_equal(t1[k], t2[k])
    assert not np.array_equal(t1["grad_norm"], t3["grad_norm"])
    assert t1["iteration"][0] == 0 and t1["iteration"][-1] == 20000
    assert t1["grad_norm"][-1] < 0.5 * t1["grad_norm"][0]
    assert np.all(np.diff(t1["stationarity"]) <= 0)
    assert t1["disagreement"][-1] < 0.1
    assert "sqrt(T)" in t1["reference"]


def test_reference_values():
    X, y, ws = _problem(20000, eta=0.2, seed=5)
    lim, _ = convergence.reference_minimum(X, y, 0.2, w_star=ws)
    ent, _ = convergence.reference_minimum(X, y, 0.2, method="entropy")
    assert ent == pytest.approx(-(0.8 * math.log(0.8) + 0.2 * math.log(0.2)))
    assert abs(lim - ent) < 0.02  # empirical flip rate ~ 0.2
    lb, _ = convergence.reference_minimum(X[:2000], y[:2000], 0.2, w_star=ws, method="lbfgs")
    lim2, _ = convergence.reference_minimum(X[:2000], y[:2000], 0.2, w_star=ws)
    assert lb <= lim2 + 1e-12
    with pytest.raises(ValueError, match="w_star"):
        convergence.reference_minimum(X, y, 0.2, method="w_star")


def test_gd_trajectory():
    X, y, ws = _problem(1500)
    t = convergence.forward_gd_trajectory(X, y, eta=0.2, n_iter=300, w_star=ws, record=15)
    assert t["grad_norm"][-1] < 0.5 * t["grad_norm"][0]
    assert t["objective"][-1] < t["objective"][0]
    assert "1/T" in t["reference"]


def test_leaky_relu_trajectory():
    X, y, ws = _problem(2000, eta=0.2)
    eta, gamma = 0.2, 0.1
    T = 400
    fixed = convergence.leaky_relu_trajectory(
        X, y, eta=eta, gamma=gamma, n_iter=T, schedule="fixed", w_star=ws, record=12
    )
    # deterministic regret bound of projected subgradient with the fixed step (||x|| <= 1)
    assert fixed["e1"][-1] <= bounds.ddkwz23_gap_bound(T, eta)
    assert fixed["error_bound"][-1] == pytest.approx(float(bounds.ddkwz23_e1(T, gamma, eta)))
    anytime = convergence.leaky_relu_trajectory(
        X, y, eta=eta, gamma=gamma, n_iter=3000, w_star=ws, record=25
    )
    assert anytime["e1"][-1] < anytime["e1"][3]
    assert anytime["best_disagreement"][-1] < 0.1
    assert "DDKWZ23" in anytime["reference"]
    # T from (gamma, eps)
    t2 = convergence.leaky_relu_trajectory(X, y, eta=eta, gamma=0.9, eps=0.9, record=5)
    assert t2["n_iter"] == int(bounds.ddkwz23_iterations(0.9, 0.9, eta))


def test_rows():
    X, y, ws = _problem(500)
    tr = convergence.forward_sgd_trajectory(X, y, eta=0.2, n_iter=500, w_star=ws, record=10)
    rows = convergence.to_rows(tr, learner="forward_sgd", seed=0)
    assert rows[0]["iteration"] == 0 and isinstance(rows[0]["grad_norm"], float)
    assert "coef" not in rows[0] and rows[0]["reference_key"] == "sgd_stationarity"
    assert len(rows) == tr["iteration"].size


def test_bad_inputs():
    X, y, _ = _problem(100)
    with pytest.raises(ValueError, match="eta"):
        convergence.forward_sgd_trajectory(X, y, eta=0.5, n_iter=10)
    with pytest.raises(ValueError, match="n_iter"):
        convergence.forward_sgd_trajectory(X, y, eta=0.1, n_iter=0)
    with pytest.raises(ValueError, match="X_eval"):
        convergence.forward_sgd_trajectory(X, y, eta=0.1, n_iter=10, X_eval=X)
    with pytest.raises(ValueError, match="record"):
        convergence.forward_sgd_trajectory(X, y, eta=0.1, n_iter=10, record=[0, 11])
    with pytest.raises(ValueError, match="n_iter"):
        convergence.leaky_relu_trajectory(X, y, eta=0.1)
    with pytest.raises(ValueError, match="y"):
        convergence.forward_gd_trajectory(X, np.zeros(100), eta=0.1, n_iter=5)
    np.testing.assert_array_equal(convergence.log_spaced(10, 4), [0, 1, 2, 5, 10])


def test_dispatcher_filters_kwargs():
    X, y, ws = _problem(300)
    kw = dict(eta=0.1, gamma=0.1, n_iter=40, record=5, w_star=ws, random_state=2)
    a = convergence.trajectory("forward_sgd", X, y, **kw)
    b = convergence.forward_sgd_trajectory(
        X, y, eta=0.1, n_iter=40, record=5, w_star=ws, random_state=2
    )
    np.testing.assert_array_equal(a["grad_norm"], b["grad_norm"])
    c = convergence.trajectory("leaky_relu", X, y, **kw)
    assert c["reference_key"] == "ddkwz23_e1"
    with pytest.raises(ValueError, match="learner"):
        convergence.trajectory("nope", X, y, **kw)


def test_read_only_inputs():
    X, y, ws = _problem(200)
    X.setflags(write=False)
    y.setflags(write=False)
    t = convergence.forward_sgd_trajectory(X, y, eta=0.1, n_iter=50, w_star=ws, random_state=0)
    assert np.isfinite(t["grad_norm"]).all()


@pytest.mark.parametrize("schedule", ["anytime", "fixed"])
def test_leaky_relu_regret_bound(schedule):
    X, y, ws = _problem(800, eta=0.2, seed=10)
    tr = convergence.leaky_relu_trajectory(
        X, y, eta=0.2, gamma=0.1, n_iter=300, schedule=schedule, w_star=ws, record=15
    )
    ok = tr["iteration"] >= 1
    assert np.all(tr["e1"][ok] <= tr["regret_bound"][ok] + 1e-12)
    # a bound a million times smaller is violated: the check can fail
    assert np.any(tr["e1"][ok] > 1e-6 * tr["regret_bound"][ok])
