"""Tests for slam_theory.convergence (and its numba kernel)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slam_theory import analysis, bounds, convergence, losses
from slam_theory._kernels.convergence import forward_sgd


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


def test_kernel_matches_numpy_reference():
    X, y, _ = _problem(200)
    rng = np.random.default_rng(1)
    idx = rng.integers(0, 200, size=50)
    alpha, step = 0.8, 0.7
    rec_at = np.array([0, 1, 10, 50])
    w = np.zeros(X.shape[1])
    coefs = np.zeros((4, X.shape[1]))
    assert forward_sgd(X, y.astype(float), idx, w, alpha, step, np.inf, rec_at, coefs) == 4
    w_ref = np.zeros(X.shape[1])
    ref = {0: w_ref.copy()}
    for t, i in enumerate(idx, start=1):
        _, g = losses.slam_binary_loss(w_ref, X[i : i + 1], y[i : i + 1], alpha)
        w_ref = w_ref - step / math.sqrt(t) * g
        ref[t] = w_ref.copy()
    for r, t in enumerate(rec_at):
        np.testing.assert_allclose(coefs[r], ref[int(t)], rtol=1e-10, atol=1e-13)
    # projection
    w = np.zeros(X.shape[1])
    forward_sgd(X, y.astype(float), idx, w, alpha, 50.0, 0.5, rec_at, coefs)
    assert np.linalg.norm(w) <= 0.5 + 1e-12


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
    slope, (lo, hi) = convergence.fit_rate(t1["iteration"], t1["stationarity"])
    assert -1.5 < slope < -0.3, slope  # O(1/sqrt(T)) or faster, loosely
    assert lo <= slope <= hi
    # 2-D input: bootstrap over seeds
    M = np.vstack([t1["stationarity"], t3["stationarity"]])
    s2, ci2 = convergence.fit_rate(t1["iteration"], M, n_boot=200)
    assert -1.5 < s2 < -0.3 and ci2[0] <= ci2[1]


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
    # the inlined subgradient equals losses.leaky_relu_loss's
    w = np.random.default_rng(0).standard_normal(X.shape[1]) * 0.3
    g_ref = losses.leaky_relu_loss(w, X, y, eta)[1]
    g = ((1 - 2 * eta) * np.sign(X @ w) - y) @ X / (2 * X.shape[0])
    np.testing.assert_allclose(g, g_ref, rtol=1e-12)

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
    slope, _ = convergence.fit_rate(anytime["iteration"], anytime["e1"])
    assert -1.2 < slope < -0.25, slope
    # T from (gamma, eps)
    t2 = convergence.leaky_relu_trajectory(X, y, eta=eta, gamma=0.9, eps=0.9, record=5)
    assert t2["n_iter"] == int(bounds.ddkwz23_iterations(0.9, 0.9, eta))


def test_rows_feed_analysis():
    X, y, ws = _problem(1500)
    rows = []
    for s in range(3):
        tr = convergence.forward_sgd_trajectory(
            X, y, eta=0.2, n_iter=5000, w_star=ws, record=20, random_state=s
        )
        rows += convergence.to_rows(tr, learner="forward_sgd", seed=s)
    assert rows[0]["iteration"] == 0 and isinstance(rows[0]["grad_norm"], float)
    assert "coef" not in rows[0] and rows[0]["reference_key"] == "sgd_stationarity"
    cfg = {
        "grid": {"learner": ["forward_sgd"]},
        "analysis_params": {"n_boot": 100},
        "claims": [{"id": "st", "learner": "forward_sgd", "metric": "stationarity"}],
    }
    out = analysis.convergence(rows, cfg)
    c = out["claims"][0]
    assert c["verdict"] in ("consistent", "inconsistent", "inconclusive")
    assert c["exponent"] < 0


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
    with pytest.raises(ValueError, match="values"):
        convergence.fit_rate([1, 2, 3], [1.0, 2.0])
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
def test_leaky_relu_regret_bound_and_bounded_by_claim(schedule):
    rows = []
    for s in range(2):
        X, y, ws = _problem(800, eta=0.2, seed=10 + s)
        tr = convergence.leaky_relu_trajectory(
            X, y, eta=0.2, gamma=0.1, n_iter=300, schedule=schedule, w_star=ws, record=15
        )
        ok = tr["iteration"] >= 1
        assert np.all(tr["e1"][ok] <= tr["regret_bound"][ok] + 1e-12)
        rows += convergence.to_rows(tr, learner="leaky_relu", seed=s)
    cfg = {
        "grid": {"learner": ["leaky_relu"]},
        "analysis_params": {"n_boot": 50},
        "claims": [
            {
                "id": "b",
                "learner": "leaky_relu",
                "metric": "e1",
                "kind": "bounded_by",
                "bound": "regret_bound",
            },
            {
                "id": "tight",
                "learner": "leaky_relu",
                "metric": "e1",
                "kind": "bounded_by",
                "bound": "regret_bound",
                "factor": 1e-6,
            },
        ],
    }
    out = analysis.convergence(rows, cfg)
    b, tight = out["claims"]
    assert b["verdict"] == "consistent" and b["max_ratio"] <= 1
    assert tight["verdict"] == "inconsistent"
