"""Tests for slam_theory.halfspaces and its kernels (slam_theory._kernels.halfspaces and
slam_theory._kernels.leaky_relu)."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from slam_theory import data, noise
from slam_theory import halfspaces as H
from slam_theory._kernels import halfspaces as KH
from slam_theory._kernels import leaky_relu as KLR
from slam_theory._kernels import losses as KL

# small, fast configurations for the scikit-learn API checks
CHECKED = [
    H.SLaMHalfspace(eta=0.1, gamma=0.5, max_iter=3),
    H.LeakyReLUHalfspace(eta=0.1, gamma=0.5, epsilon=0.5, delta=0.3, validation_constant=0.02),
    H.LeakyReLUCappedHalfspace(eta=0.1, gamma=0.5, max_steps=30, delta=0.3,
                               validation_constant=0.5),
    H.OnlineLeakyReLUHalfspace(eta=0.1, max_iter=3),
    H.Perceptron(max_iter=3),
    H.AveragedPerceptron(max_iter=3),
    H.LogisticHalfspace(max_iter=3),
    H.UnbiasedLossHalfspace(rho_pos=0.1, rho_neg=0.1, max_iter=3),
    H.ForwardCorrectedHalfspace(eta=0.1, max_iter=3),
    H.BackwardCorrectedHalfspace(T=[[0.9, 0.1], [0.2, 0.8]], max_iter=3),
    H.MeanHalfspace(),
    H.LogisticRegressionHalfspace(),
    H.HingeHalfspace(random_state=0),
]


@parametrize_with_checks(CHECKED)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ---------------------------------------------------------------------- problem fixtures
D, GAMMA, ETA = 10, 0.1, 0.3


def _rcn_problem(n: int, seed: int = 0, d: int = D, gamma: float = GAMMA, eta: float = ETA):
    gen = data.MarginHalfspace(d=d, gamma=gamma, random_state=seed)
    X, y = gen.sample(n)
    y_noisy = noise.RCN(eta).corrupt(y, random_state=seed + 1000)
    return gen, X, y, y_noisy


NOISE_AWARE = {
    "slam": lambda s: H.SLaMHalfspace(eta=ETA, gamma=GAMMA, random_state=s),
    "leaky_relu_capped": lambda s: H.LeakyReLUCappedHalfspace(
        eta=ETA, gamma=GAMMA, epsilon=0.05, max_steps=200, random_state=s
    ),
    "leaky_relu_online": lambda s: H.OnlineLeakyReLUHalfspace(eta=ETA, random_state=s),
    "forward": lambda s: H.ForwardCorrectedHalfspace(eta=ETA, random_state=s),
    "unbiased": lambda s: H.UnbiasedLossHalfspace(rho_pos=ETA, rho_neg=ETA, random_state=s),
    "backward": lambda s: H.BackwardCorrectedHalfspace(eta=ETA, random_state=s),
}


@pytest.fixture(scope="module")
def rcn_data():
    # 50_000 samples (<= 2e5 allowed), d = 10, gamma = 0.1, eta = 0.3
    return _rcn_problem(50_000, seed=3)


@pytest.mark.parametrize("name", sorted(NOISE_AWARE))
def test_noise_aware_learners_reach_small_disagreement(name, rcn_data):
    gen, X, _, y_noisy = rcn_data
    a = NOISE_AWARE[name](7).fit(X, y_noisy)
    b = NOISE_AWARE[name](7).fit(X, y_noisy)
    assert gen.disagreement(a.coef_.ravel()) <= 0.05
    np.testing.assert_array_equal(a.coef_, b.coef_)  # seeded and deterministic
    assert np.linalg.norm(a.coef_) <= 1 + 1e-12
    assert a.intercept_.shape == (1,) and a.intercept_[0] == 0.0


@pytest.mark.parametrize(
    "est",
    [H.Perceptron(random_state=0), H.AveragedPerceptron(random_state=0),
     H.LogisticHalfspace(random_state=0)],
    ids=["perceptron", "avg_perceptron", "logistic"],
)
def test_noise_agnostic_baselines_run(est, rcn_data):
    gen, X, _, y_noisy = rcn_data
    est.fit(X, y_noisy)
    d = gen.disagreement(est.coef_.ravel())
    assert 0.0 <= d <= 1.0  # the Perceptron may fail under noise: no accuracy claim


def test_noiseless_perceptron_converges():
    _, X, y, _ = _rcn_problem(5_000, seed=1, gamma=0.2)
    est = H.Perceptron(max_iter=50, random_state=0).fit(X, y)
    assert est.score(X, y) == 1.0
    assert est.n_iter_ < 50  # stopped after a pass without mistakes
    mistakes_first = est.history_["objective"][0]
    assert 0.0 <= mistakes_first <= 1.0


# ---------------------------------------------------------------------- labels and API
def test_any_two_labels_and_ties():
    _, X, y, _ = _rcn_problem(2_000, seed=2)
    labels = np.where(y > 0, "spam", "ham")
    est = H.SLaMHalfspace(eta=0.1, gamma=0.1, random_state=0).fit(X, labels)
    assert list(est.classes_) == ["ham", "spam"]
    assert est.score(X, labels) > 0.95
    assert est.predict(np.zeros((1, X.shape[1])))[0] == "spam"  # tie -> classes_[1] (+1)


@pytest.mark.parametrize(
    "est", [CHECKED[0], CHECKED[3]], ids=["slam", "online_leaky_relu"]
)
def test_partial_fit_is_one_pass_and_matches_fit(est):
    _, X, _, yn = _rcn_problem(3_000, seed=4)
    # partial_fit knows no horizon: it is one pass of the decaying-step schedule
    extra = {"schedule": "invsqrt"} if "schedule" in est.get_params() else {}
    a = est.__class__(**{**est.get_params(), "max_iter": 1, "shuffle": False, **extra})
    a.fit(X, yn)
    b = est.__class__(**est.get_params()).partial_fit(X, yn)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12, atol=1e-15)
    assert b.n_iter_ == 1 and b.t_ == X.shape[0]
    b.partial_fit(X[:100], yn[:100])
    assert b.n_iter_ == 2 and b.t_ == X.shape[0] + 100
    it = b.history_["iteration"]
    assert it == sorted(it) and it[-1] == b.t_
    assert len(b.history_["coef"]) == len(it) == len(b.history_["objective"])


def test_partial_fit_streams_equal_one_pass():
    _, X, _, yn = _rcn_problem(2_000, seed=5)
    one = H.OnlineLeakyReLUHalfspace(eta=0.3).partial_fit(X, yn)
    two = H.OnlineLeakyReLUHalfspace(eta=0.3)
    two.partial_fit(X[:700], yn[:700]).partial_fit(X[700:], yn[700:])
    np.testing.assert_allclose(one.coef_, two.coef_, rtol=1e-12)
    assert not hasattr(H.LeakyReLUHalfspace(eta=0.3), "partial_fit")  # full batch: none
    # a split stream must differ from a different order (the check can fail)
    three = H.OnlineLeakyReLUHalfspace(eta=0.3)
    three.partial_fit(X[700:], yn[700:]).partial_fit(X[:700], yn[:700])
    assert not np.allclose(one.coef_, three.coef_, rtol=1e-6)


def test_history_is_log_spaced():
    _, X, _, yn = _rcn_problem(4_000, seed=6)
    est = H.SLaMHalfspace(eta=0.3, gamma=0.1, max_iter=2, random_state=0).fit(X, yn)
    it = np.array(est.history_["iteration"])
    assert it[0] == 1 and it[-1] == 8_000 and np.all(np.diff(it) > 0)
    assert len(it) < 60  # log-spaced, not every step
    assert all(c.shape == (D,) for c in est.history_["coef"])
    np.testing.assert_allclose(est.history_["coef"][-1], est.coef_[0])


def test_leaky_relu_full_batch_attributes():
    _, X, _, yn = _rcn_problem(3_000, seed=7)
    est = H.LeakyReLUCappedHalfspace(eta=0.3, gamma=0.1, epsilon=0.1, max_steps=50,
                                     random_state=0)
    est.fit(X, yn)
    assert est.n_steps_ == 50 and est.validation_error_.shape == (51,)
    assert est.validation_error_[est.best_iteration_] == est.validation_error_.min()
    assert est.history_["iteration"][0] == 0
    assert est.n_validation_ == math.ceil(math.log(50 / 0.1) * math.log(10))  # the heuristic's
    assert H.leaky_relu_iterations(0.3, 0.1, 0.05) == math.ceil(16 * 0.49 / (0.01 * 0.0025) - 1)
    est2 = H.LeakyReLUHalfspace(eta=0.3, gamma=0.5, epsilon=0.5, random_state=0).fit(X, yn)
    T2 = H.leaky_relu_iterations(0.3, 0.5, 0.5)
    assert est2.n_steps_ == T2  # as stated: no cap
    assert est2.n_validation_ == math.ceil(2 * math.log(2 * (T2 + 1) / 0.1) / 0.5**2)
    # fresh samples: N' held out, the gradient uses the other n - N'
    est3 = H.LeakyReLUHalfspace(eta=0.3, gamma=0.5, epsilon=0.5, delta=0.01,
                                validation_constant=3.0, random_state=0).fit(X, yn)
    assert est3.n_validation_ == math.ceil(3 * 2 * math.log(2 * (T2 + 1) / 0.01) / 0.5**2)


def test_pickle_roundtrip():
    _, X, _, yn = _rcn_problem(1_000, seed=8)
    est = H.ForwardCorrectedHalfspace(eta=0.3, random_state=0).fit(X, yn)
    est2 = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(est.predict(X), est2.predict(X))


def test_readonly_inputs():
    _, X, _, yn = _rcn_problem(1_000, seed=9)
    X.setflags(write=False)
    yn.setflags(write=False)
    for est in CHECKED:
        est.fit(X, yn).predict(X)


# ---------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: H.SLaMHalfspace(eta=0.5), "eta"),
        (lambda: H.SLaMHalfspace(eta=-0.1), "eta"),
        (lambda: H.SLaMHalfspace(eta=0.1, gamma=0.0), "gamma"),
        (lambda: H.LeakyReLUHalfspace(eta=0.1, gamma=1.5, epsilon=0.1), "gamma"),
        (lambda: H.LeakyReLUHalfspace(eta=0.1), "gamma"),
        (lambda: H.LeakyReLUHalfspace(gamma=0.1, epsilon=0.1), "eta"),
        (lambda: H.LeakyReLUHalfspace(eta=0.1, gamma=0.1, epsilon=1.0), "epsilon"),
        (lambda: H.LeakyReLUCappedHalfspace(eta=0.1, max_steps=0), "max_steps"),
        (lambda: H.OnlineLeakyReLUHalfspace(), "eta"),
        (lambda: H.OnlineLeakyReLUHalfspace(eta=0.7), "eta"),
        (lambda: H.OnlineLeakyReLUHalfspace(eta=0.1, step_size=-1.0), "step_size"),
        (lambda: H.SLaMHalfspace(), "eta"),
        (lambda: H.UnbiasedLossHalfspace(), "rho_pos"),
        (lambda: H.HingeHalfspace(C=0.0), "C"),
        (lambda: H.LogisticRegressionHalfspace(tol=-1.0), "tol"),
        (lambda: H.ForwardCorrectedHalfspace(T=[[0.9, 0.2], [0.1, 0.9]]), "stochastic"),
        (lambda: H.ForwardCorrectedHalfspace(), "T"),
        (lambda: H.BackwardCorrectedHalfspace(T=[[0.5, 0.5], [0.5, 0.5]]), "invertible"),
        (lambda: H.UnbiasedLossHalfspace(rho_pos=0.6, rho_neg=0.5), "rho_pos"),
        (lambda: H.Perceptron(max_iter=0), "max_iter"),
    ],
)
def test_bad_parameters_raise(make, match):
    _, X, _, yn = _rcn_problem(200, seed=10)
    with pytest.raises(ValueError, match=match):
        make().fit(X, yn)


@pytest.mark.parametrize("est", CHECKED, ids=lambda e: type(e).__name__)
def test_bad_data_raise(est):
    _, X, y, _ = _rcn_problem(200, seed=11)
    with pytest.raises(ValueError, match="Only binary"):
        est.fit(X, np.arange(200) % 3)
    with pytest.raises(ValueError, match="1 class"):
        est.fit(X, np.ones(200))
    Xn = X.copy()
    Xn[17, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        est.fit(Xn, y)
    with pytest.raises(ValueError, match=r"inconsistent|samples"):
        est.fit(X, y[:-1])


def test_partial_fit_nan_batch_leaves_state_untouched():
    _, X, y, _ = _rcn_problem(300, seed=12)
    est = H.LogisticHalfspace().partial_fit(X[:200], y[:200])
    coef, t = est.coef_.copy(), est.t_
    Xn = X[200:].copy()
    Xn[50, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or inf"):
        est.partial_fit(Xn, y[200:])
    np.testing.assert_array_equal(est.coef_, coef)
    assert est.t_ == t
    with pytest.raises(ValueError, match="not in classes_"):
        est.partial_fit(X[:5], np.array([1, 1, 2, 1, 1]))


# ---------------------------------------------------------------------- kernels vs references
def _ref_sgd(X, y, order, w, wsum, loss_id, params, scale, lr0, t0, radius, average,
             decay=True):
    w = w.copy()
    wsum = wsum.copy()
    for k, i in enumerate(order):
        t = t0 + k + 1
        _, dl = KL.loss_and_dz(loss_id, scale * float(X[i] @ w), float(y[i]), params)
        step = lr0 / math.sqrt(t) if decay else lr0
        w = w - step * scale * dl * X[i]
        nrm = np.linalg.norm(w)
        if nrm > radius:
            w = w * (radius / nrm)
        if average:
            wsum = wsum + w
    return w, wsum


@pytest.mark.parametrize(
    ("loss_id", "params"),
    [
        (KL.LOGISTIC, np.zeros(4)),
        (KL.MIXED, np.array([0.7, 0.3, 0.3, 0.7])),
        (KL.MIXED, np.array([0.8, 0.2, 0.35, 0.65])),
        (KL.LINEAR, np.linalg.inv([[0.8, 0.2], [0.35, 0.65]]).ravel()),
        (KL.LEAKY_RELU, np.array([0.3, 0.0, 0.0, 0.0])),
    ],
)
@pytest.mark.parametrize("average", [True, False])
def test_sgd_kernel_matches_reference(loss_id, params, average):
    r = np.random.default_rng(loss_id)
    n, d = 400, 7
    X = r.normal(size=(n, d)) / 2
    y = np.where(r.random(n) < 0.5, -1.0, 1.0)
    order = r.permutation(n).astype(np.int64)
    w0 = r.normal(size=d) * 0.1
    w, wsum = w0.copy(), np.zeros(d)
    rec = np.array([1, 5, 400], dtype=np.int64) + 3
    rc, ro = np.empty((3, d)), np.empty(3)
    t, _, n_loss, n_rec, xx = KH.sgd_pass(
        X, y, order, w, wsum, loss_id, params, 3.0, 0.5, 3, 1.0, average, 8, 2, rec, rc, ro
    )
    w_ref, wsum_ref = _ref_sgd(X, y, order, w0, np.zeros(d), loss_id, params, 3.0, 0.5, 3, 1.0,
                               average)
    np.testing.assert_allclose(w, w_ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(wsum, wsum_ref, rtol=1e-9, atol=1e-12)
    assert t == 403 and n_rec == 3 and n_loss == 50  # records at steps 4, 8 and 403
    assert xx == pytest.approx(float((X**2).sum()), rel=1e-12)
    w5, ws5 = _ref_sgd(X, y, order[:5], w0, np.zeros(d), loss_id, params, 3.0, 0.5, 3, 1.0,
                       average)
    np.testing.assert_allclose(rc[1], ws5 / 8 if average else w5, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("loss_id", [KL.LOGISTIC, KL.MIXED])
def test_sgd_kernel_constant_step_matches_reference(loss_id):
    r = np.random.default_rng(11)
    n, d = 300, 6
    X = r.normal(size=(n, d)) / 2
    y = np.where(r.random(n) < 0.5, -1.0, 1.0)
    order = r.permutation(n).astype(np.int64)
    params = np.array([0.7, 0.3, 0.3, 0.7])
    w, wsum = np.zeros(d), np.zeros(d)
    e = np.zeros(0, dtype=np.int64)
    KH.sgd_pass(X, y, order, w, wsum, loss_id, params, 3.0, 0.05, 0, 1.0, True, 0, 0, e,
                np.empty((0, d)), np.empty(0), False)
    w_ref, wsum_ref = _ref_sgd(X, y, order, np.zeros(d), np.zeros(d), loss_id, params, 3.0,
                               0.05, 0, 1.0, True, decay=False)
    np.testing.assert_allclose(w, w_ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(wsum, wsum_ref, rtol=1e-9, atol=1e-12)


def test_slam_horizon_schedule_is_constant_step_average():
    _, X, _, yn = _rcn_problem(2_000, seed=8)
    est = H.SLaMHalfspace(eta=0.3, gamma=0.1, shuffle=False).fit(X, yn)
    scale = math.log(0.95 / 0.05) / 0.1
    n, d = X.shape
    _, wsum = _ref_sgd(X, yn.astype(float), np.arange(n), np.zeros(d), np.zeros(d),
                       KL.MIXED, np.array([0.7, 0.3, 0.3, 0.7]), scale,
                       1.0 / scale / math.sqrt(n), 0, 1.0, True, decay=False)
    np.testing.assert_allclose(est.coef_.ravel(), wsum / n, rtol=1e-8, atol=1e-12)
    with pytest.raises(ValueError, match="schedule"):
        H.SLaMHalfspace(eta=0.3, schedule="cosine").fit(X, yn)


def test_perceptron_kernel_matches_reference():
    r = np.random.default_rng(1)
    n, d = 300, 5
    X = r.normal(size=(n, d))
    y = np.where(r.random(n) < 0.5, -1.0, 1.0)
    order = r.permutation(n).astype(np.int64)
    w, u = np.zeros(d), np.zeros(d)
    e = np.zeros(0, dtype=np.int64)
    t, mistakes, _, _ = KH.perceptron_pass(X, y, order, w, u, 0, 3, e, np.empty((0, d)),
                                           np.empty(0))
    wr = np.zeros(d)
    iterates = []
    m = 0
    for i in order:
        if y[i] * (X[i] @ wr) <= 0:
            wr = wr + y[i] * X[i]
            m += 1
        iterates.append(wr.copy())
    np.testing.assert_allclose(w, wr, rtol=1e-12)
    assert mistakes == m and t == n
    np.testing.assert_allclose(((t + 1) * w - u) / t, np.mean(iterates, axis=0), rtol=1e-10)


def test_leaky_relu_full_batch_kernel_matches_reference():
    r = np.random.default_rng(2)
    n, d, eta, T, lr = 200, 4, 0.2, 25, 0.3
    X = r.normal(size=(n, d)) / 3
    y = np.where(X[:, 0] + 0.3 * r.normal(size=n) > 0, 1.0, -1.0)
    Xv = r.normal(size=(50, d)) / 3
    yv = np.where(Xv[:, 0] > 0, 1.0, -1.0)
    w = np.zeros(d)
    best_w = np.zeros(d)
    ve, ob = np.empty(T + 1), np.empty(T + 1)
    rec = np.array([0, 3, 25], dtype=np.int64)
    rc = np.empty((3, d))
    best = KLR.leaky_relu_full_batch(X, y, Xv, yv, w, eta, T, lr, best_w, ve, ob, rec, rc)
    wr = np.zeros(d)
    its = []
    for _ in range(T + 1):
        its.append(wr.copy())
        g = (((1 - 2 * eta) * np.sign(X @ wr) - y)[:, None] * X).sum(0) / (2 * n)
        wr = wr - lr * g
        nrm = np.linalg.norm(wr)
        if nrm > 1:
            wr = wr / nrm
    errs = [np.mean(np.where(Xv @ v >= 0, 1.0, -1.0) != yv) for v in its]
    np.testing.assert_allclose(ve, errs)
    assert best == int(np.argmin(errs))
    np.testing.assert_allclose(best_w, its[best], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(rc[1], its[3], rtol=1e-10, atol=1e-14)
    t = -y * (X @ its[5])
    assert ob[5] == pytest.approx(np.mean(0.5 * t + (0.5 - eta) * np.abs(t)), rel=1e-10)


def test_leaky_relu_full_batch_kernel_projects_onto_the_ball():
    """The plain kernel against tests/naive.py where the projection binds (a large step)."""
    from tests.naive import leaky_relu_alg1_trajectory

    r = np.random.default_rng(5)
    n, d, eta, T, lr = 300, 5, 0.2, 20, 25.0
    X = r.normal(size=(n, d))
    X /= np.maximum(1.0, np.linalg.norm(X, axis=1))[:, None]
    y = np.where(X[:, 0] > 0, 1.0, -1.0)
    ref = leaky_relu_alg1_trajectory(X, y, eta, T, lr)
    free = leaky_relu_alg1_trajectory(X, y, eta, T, lr, project=False)
    assert np.linalg.norm(free, axis=1).max() > 1.5  # without it the iterates leave the ball
    w, best_w = np.zeros(d), np.zeros(d)
    ve, ob = np.empty(T + 1), np.empty(T + 1)
    rec = np.arange(T + 1, dtype=np.int64)
    rc = np.empty((T + 1, d))
    KLR.leaky_relu_full_batch(X, y, X[:50], y[:50], w, eta, T, lr, best_w, ve, ob, rec, rc)
    np.testing.assert_allclose(rc, ref, rtol=1e-9, atol=1e-12)
