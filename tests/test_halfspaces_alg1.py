"""DDKWZ23 Algorithm 1: the exact fast kernel against the plain loop, every iterate."""

from __future__ import annotations

import math

import numpy as np
import pytest
from naive import leaky_relu_alg1_trajectory

from slam_theory import halfspaces as H
from slam_theory._kernels import leaky_relu as KLR
from slam_theory._validation import as_generator
from slam_theory.halfspaces import leaky_relu as LR

_E = np.zeros(0, dtype=np.int64)


def _margin_rcn(n, d, gamma, eta, seed):
    """Uniform on the sphere with ``|x_1| >= gamma``, labels ``sign(x_1)`` flipped w.p. eta."""
    r = np.random.default_rng(seed)
    X = r.normal(size=(8 * n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    X = np.ascontiguousarray(X[np.abs(X[:, 0]) >= gamma][:n])
    y = np.where(X[:, 0] > 0, 1.0, -1.0)
    return X, np.where(r.random(n) < eta, -y, y)


def _run(X, y, eta, T, lr, radius0=1e-2, project=True, Xv=None, yv=None):
    d = X.shape[1]
    Xv = X[:7].copy() if Xv is None else Xv
    yv = y[:7].copy() if yv is None else yv
    traj = np.empty((T + 1, d))
    best_w = np.zeros(d)
    ve = np.empty(T + 1)
    rec = np.array([0, 3, T], dtype=np.int64)
    rc, ro = np.empty((3, d)), np.empty(3)
    best, n_re, n_ev = KLR.leaky_relu_exact(X, y, Xv, yv, eta, T, lr, radius0, best_w, ve, rec,
                                            rc, ro, traj, project)
    return dict(traj=traj, best=best, best_w=best_w, ve=ve, rc=rc, ro=ro, n_re=n_re, n_ev=n_ev)


def _noisy_halfspace(n, d, seed, lift=1.0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, d))
    X /= np.maximum(1.0, np.linalg.norm(X, axis=1))[:, None] * lift
    y = np.where(X[:, 0] + 0.3 * r.normal(size=n) > 0, 1.0, -1.0)
    return X, y


def _ties_problem():
    """The last coordinate stays exactly 0 (its labels cancel), so rows on it tie at 0."""
    X, y = _noisy_halfspace(90, 4, 5)
    X[:, 3] = 0.0
    extra = np.array([[0, 0, 0, 0.5], [0, 0, 0, 0.5], [0, 0, 0, 0], [0, 0, 0, 0]], float)
    return np.vstack([X, extra]), np.concatenate([y, [1.0, -1.0, 1.0, -1.0]])


CASES = {
    # n not a multiple of the 64 chunks (and n < 64: empty chunks), small and large steps
    "plain": (*_noisy_halfspace(301, 5, 0), 0.2, 400, 0.05),
    "projection_active": (*_noisy_halfspace(250, 6, 1), 0.3, 300, 2.0),
    "fewer_rows_than_chunks": (*_noisy_halfspace(37, 3, 2), 0.1, 200, 0.5),
    "ties_at_zero": (*_ties_problem(), 0.2, 300, 1.0),
}


@pytest.mark.parametrize("radius0", [1e-6, 1e-2, 10.0])
@pytest.mark.parametrize("case", sorted(CASES))
def test_exact_kernel_matches_plain_loop_every_iterate(case, radius0):
    X, y, eta, T, lr = CASES[case]
    out = _run(X, y, eta, T, lr, radius0)
    ref = leaky_relu_alg1_trajectory(X, y, eta, T, lr)
    assert np.max(np.abs(out["traj"] - ref)) <= 1e-9
    Xv, yv = X[:7], y[:7]
    errs = np.mean(np.where(ref @ Xv.T >= 0, 1.0, -1.0) != yv, axis=1)
    np.testing.assert_array_equal(out["ve"], errs)
    assert out["best"] == int(np.argmin(errs))
    np.testing.assert_allclose(out["rc"], ref[[0, 3, T]], atol=1e-9)
    t = -y * (X @ ref[T])
    assert out["ro"][2] == pytest.approx(np.mean(0.5 * t + (0.5 - eta) * np.abs(t)), abs=1e-12)
    if case == "projection_active":
        norms = np.linalg.norm(ref, axis=1)
        assert np.sum(np.isclose(norms, 1.0)) > T // 2  # the projection is active
    if case == "ties_at_zero":
        assert np.all(ref[:, 3] == 0.0) and np.all(out["traj"][:, 3] == 0.0)
        assert np.all(ref[1:] @ X[-4:].T == 0.0)  # exact ties on every iterate


@pytest.mark.parametrize("radius0", [1e-6, 1e-2, 10.0])
@pytest.mark.parametrize("case", ["plain", "projection_active", "ties_at_zero"])
def test_held_out_errors_tracked_exactly_on_a_large_held_out_set(case, radius0):
    """The held-out predictions are kept by the reach argument, not recomputed every step:
    every iterate's held-out error must still equal the brute-force count."""
    X, y, eta, T, lr = CASES[case]
    Xv, yv = _noisy_halfspace(701, X.shape[1], 11)
    if case == "ties_at_zero":
        Xv[:, 3] = 0.0
        Xv[:50] = 0.0  # rows with margin exactly 0 on every iterate (they predict +1)
        yv[:50] = np.where(np.arange(50) < 35, 1.0, -1.0)  # unbalanced, so a tie error shows
    out = _run(X, y, eta, T, lr, radius0, Xv=np.ascontiguousarray(Xv), yv=yv)
    ref = leaky_relu_alg1_trajectory(X, y, eta, T, lr)
    errs = np.mean(np.where(ref @ Xv.T >= 0, 1.0, -1.0) != yv, axis=1)
    np.testing.assert_array_equal(out["ve"], errs)
    assert out["best"] == int(np.argmin(errs))
    np.testing.assert_allclose(out["best_w"], ref[int(np.argmin(errs))], atol=1e-9)
    assert len(np.unique(errs)) > 3  # the held-out error really moves along the path


def test_unprojected_kernel_fails_the_comparison():
    """The mutation 'no unit-ball projection' is caught by the comparison above."""
    X, y, eta, T, lr = CASES["projection_active"]
    out = _run(X, y, eta, T, lr, project=False)
    ref = leaky_relu_alg1_trajectory(X, y, eta, T, lr)
    assert np.max(np.abs(out["traj"] - ref)) > 1e-3


def test_exact_kernel_skips_most_margins_on_margin_data():
    X, y = _margin_rcn(5000, 10, 0.1, 0.2, 0)
    T = 5000
    lr = 2.0 / (0.8 * math.sqrt(T + 1))
    out = _run(np.ascontiguousarray(X), y, 0.2, T, lr)
    work = out["n_ev"] + out["n_re"] * X.shape[0]
    assert work < 0.2 * X.shape[0] * T
    # a reach radius far too small (a recheck at almost every step) must fail the same bound
    slow = _run(np.ascontiguousarray(X), y, 0.2, T, lr, radius0=1e-300)
    assert slow["n_ev"] + slow["n_re"] * X.shape[0] >= 0.2 * X.shape[0] * T
    np.testing.assert_allclose(slow["traj"], out["traj"], atol=1e-12)


def test_fit_is_algorithm_1_on_the_held_out_split():
    X, yn = _margin_rcn(600, 4, 0.3, 0.2, 3)
    est = H.LeakyReLUHalfspace(eta=0.2, gamma=0.3, epsilon=0.6, random_state=9).fit(X, yn)
    T = H.leaky_relu_iterations(0.2, 0.3, 0.6)
    n_val = H.leaky_relu_validation_size(T, 0.6, 0.1, 1.0)
    perm = as_generator(9).permutation(600)
    va, tr = np.sort(perm[:n_val]), np.sort(perm[n_val:])
    ypm = np.where(yn == est.classes_[1], 1.0, -1.0)
    ref = leaky_relu_alg1_trajectory(X[tr], ypm[tr], 0.2, T, 2.0 / (0.8 * math.sqrt(T + 1)))
    errs = np.mean(np.where(ref @ X[va].T >= 0, 1.0, -1.0) != ypm[va], axis=1)
    assert est.n_steps_ == T and est.n_validation_ == n_val
    np.testing.assert_array_equal(est.validation_error_, errs)
    np.testing.assert_allclose(est.coef_[0], ref[int(np.argmin(errs))], atol=1e-9)
    # a capped run is a different learner: its iterates use another step size
    cap = H.LeakyReLUCappedHalfspace(eta=0.2, gamma=0.3, epsilon=0.6, max_steps=T // 2,
                                     random_state=9).fit(X, yn)
    assert cap.n_steps_ == T // 2
    assert not np.allclose(cap.history_["coef"][-1], est.history_["coef"][-1], atol=1e-6)


def test_fit_needs_eta_gamma_epsilon_and_warns_on_huge_runs(monkeypatch):
    X, y = _margin_rcn(300, 3, 0.5, 0.0, 0)
    with pytest.raises(ValueError, match=r"epsilon is None: pass .*epsilon="):
        H.LeakyReLUHalfspace(eta=0.1, gamma=0.5).fit(X, y)
    with pytest.raises(ValueError, match="leaving none"):
        H.LeakyReLUHalfspace(eta=0.1, gamma=0.5, epsilon=0.5).fit(X[:10], y[:10])
    monkeypatch.setattr(LR, "_WARN_WORK", 1.0)
    with pytest.warns(UserWarning, match="LeakyReLUCappedHalfspace"):
        H.LeakyReLUHalfspace(eta=0.1, gamma=0.5, epsilon=0.5).fit(X, y)
