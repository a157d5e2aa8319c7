"""Tests that kill mutmut survivors in slam_theory/halfspaces (tools/mutation.py, group halfspaces).

Each test pins a value or a behaviour that a surviving mutant changed: the learners against a
plain-Python pass of their update rule, their loss specifications, defaults and parameter checks,
the state left by a failed ``fit`` / ``partial_fit``, and the argument each error names.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from slam_theory import halfspaces as H
from slam_theory._kernels import losses as KL
from slam_theory._validation import as_generator
from slam_theory.halfspaces import _base, leaky_relu, sgd


def _data(n: int = 300, d: int = 4, seed: int = 0, eta: float = 0.2):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, d))
    X /= np.maximum(1.0, np.linalg.norm(X, axis=1))[:, None]
    y = np.where(X[:, 0] >= 0, 1, -1)
    return np.ascontiguousarray(X), np.where(r.random(n) < eta, -y, y)


def _ref_pass(X, y, order, w, wsum, spec, lr0, t0, decay=True):
    """One projected-SGD pass in plain Python: ``(w, wsum)`` after it."""
    loss_id, params, scale, _ = spec
    w, wsum = w.copy(), wsum.copy()
    for k, i in enumerate(order):
        t = t0 + k + 1
        _, dl = KL.loss_and_dz(loss_id, scale * float(X[i] @ w), float(y[i]), params)
        w = w - (lr0 / math.sqrt(t) if decay else lr0) * scale * dl * X[i]
        nrm = np.linalg.norm(w)
        if nrm > 1.0:
            w = w / nrm
        wsum = wsum + w
    return w, wsum


def _unit(w):
    n = np.linalg.norm(w)
    return w / n if n > 0 else w


# ---------------------------------------------------------------------- error naming
def test_naming_prefixes_the_argument_only_when_the_message_names_none():
    X, _ = _data(20)
    e = _base._naming(TypeError("bad  value\n  here"), X)
    assert type(e) is TypeError and str(e) == "y: bad value here"
    bad = np.array([["a", "b"]], dtype=object)
    e = _base._naming(ValueError("bad"), bad)
    assert type(e) is ValueError and str(e) == "X: bad"
    named = ValueError("Input y contains NaN.")
    assert _base._naming(named, bad) is named
    named = ValueError("X has 2 features")
    assert _base._naming(named, X) is named
    Xn = X.copy()
    Xn[0, 0] = np.nan
    assert str(_base._naming(ValueError("m"), Xn)) == "X: m"
    assert str(_base._naming(ValueError("m"), Xn, finite=False)) == "y: m"

    class TwoArgs(ValueError):
        def __init__(self, a, b):
            super().__init__(f"{a} {b}")

    e = _base._naming(TwoArgs("p", "q"), bad)
    assert type(e) is ValueError and str(e) == "X: p q"


def test_fit_errors_name_their_argument():
    X, y = _data(40, 3)
    with pytest.raises(ValueError, match=r"^y: Complex data not supported"):
        H.MeanHalfspace().fit(X, y.astype(complex))
    with pytest.raises(ValueError, match=r"^X: Complex data not supported"):
        H.MeanHalfspace().fit(X.astype(complex), y)
    yn = y.astype(float)
    yn[2] = np.nan
    with pytest.raises(ValueError, match=r"^Input y contains NaN"):
        H.MeanHalfspace().fit(X, yn)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    # partial_fit leaves the NaN scan of X to its kernel, so a bad y is reported as y's
    with pytest.raises(ValueError, match=r"^y: Complex data not supported"):
        H.Perceptron().partial_fit(Xn, y.astype(complex))


def test_decision_function_checks_its_input():
    X, y = _data(40, 3)
    est = H.MeanHalfspace().fit(X, y)
    with pytest.raises(TypeError, match=r"^X must be array-like of numbers"):
        est.decision_function(np.array([["0.5", "1", "2"]]))
    with pytest.raises(ValueError, match=r"^X has 2 features, but MeanHalfspace is expecting 3"):
        est.predict(X[:, :2])
    assert est.n_features_in_ == 3
    out = est.decision_function(X.astype(object))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, X @ est.coef_[0])


# ---------------------------------------------------------------------- helpers of _base
def test_log_grid():
    def ref(t0, t1):
        g = sorted({math.floor(2.0 ** (k / 4)) for k in range(200)})
        g = [v for v in g if t0 < v <= t1]
        return g if g and g[-1] == t1 else [*g, t1]

    for t0, t1 in [(0, 1), (0, 2), (0, 40), (4, 10), (8, 100), (1000, 5000), (5, 6)]:
        got = _base._log_grid(t0, t1)
        assert got.dtype == np.int64
        assert got.tolist() == ref(t0, t1), (t0, t1)
    assert _base._log_grid(5, 5).size == 0 and _base._log_grid(6, 5).size == 0


def test_zero_mean_direction_stays_zero():
    X = np.array([[1.0, 0.5], [1.0, 0.5], [0.0, 1.0], [0.0, 1.0]])
    est = H.MeanHalfspace().fit(X, [1, -1, 1, -1])
    np.testing.assert_array_equal(est.coef_, np.zeros((1, 2)))


# ---------------------------------------------------------------------- SGD learners
SGD_LEARNERS = [
    lambda **k: H.LogisticHalfspace(scale=2.0, **k),
    lambda **k: H.SLaMHalfspace(eta=0.2, gamma=0.3, schedule="invsqrt", **k),
    lambda **k: H.OnlineLeakyReLUHalfspace(eta=0.2, **k),
    lambda **k: H.ForwardCorrectedHalfspace(T=[[0.9, 0.1], [0.3, 0.7]], **k),
    lambda **k: H.BackwardCorrectedHalfspace(eta=0.2, **k),
    lambda **k: H.UnbiasedLossHalfspace(rho_pos=0.1, rho_neg=0.3, **k),
]


@pytest.mark.parametrize("make", SGD_LEARNERS, ids=range(len(SGD_LEARNERS)))
@pytest.mark.parametrize("average", [True, False])
def test_sgd_partial_fit_and_fit_are_the_reference_pass(make, average):
    X, y = _data(200, 4, seed=1)
    ypm = y.astype(float)
    n, d = X.shape
    for step_size in (None, 4.0):
        est = make(average=average, step_size=step_size)
        spec = est._loss_spec()
        lr0 = spec[3] if step_size is None else step_size
        est.partial_fit(X, y)
        w, wsum = _ref_pass(X, ypm, np.arange(n), np.zeros(d), np.zeros(d), spec, lr0, 0)
        np.testing.assert_allclose(est.w_, w, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(est.coef_[0], wsum / n if average else w, rtol=1e-9,
                                   atol=1e-12)
        # fit: a fresh permutation per pass from random_state
        est = make(average=average, step_size=step_size, random_state=5).fit(X, y)
        order = as_generator(5).permutation(n)
        w2, wsum2 = _ref_pass(X, ypm, order, np.zeros(d), np.zeros(d), spec, lr0, 0)
        np.testing.assert_allclose(est.coef_[0], wsum2 / n if average else w2, rtol=1e-9,
                                   atol=1e-12)


def test_slam_horizon_schedule_over_two_passes():
    X, y = _data(150, 3, seed=2)
    n, d = X.shape
    est = H.SLaMHalfspace(eta=0.2, gamma=0.3, max_iter=2, shuffle=False, step_size=3.0)
    est.fit(X, y)
    spec = est._loss_spec()
    lr = 3.0 / math.sqrt(2 * n)
    w, wsum = _ref_pass(X, y.astype(float), np.arange(n), np.zeros(d), np.zeros(d), spec, lr, 0,
                        decay=False)
    w, wsum = _ref_pass(X, y.astype(float), np.arange(n), w, wsum, spec, lr, n, decay=False)
    np.testing.assert_allclose(est.coef_[0], wsum / (2 * n), rtol=1e-9, atol=1e-12)
    assert est.n_iter_ == 2 and est.t_ == 2 * n


def test_loss_specs():
    lid, p, s, lr = H.LogisticHalfspace(scale=4.0)._loss_spec()
    assert (lid, p.tolist(), s, lr) == (KL.LOGISTIC, [0.0] * 4, 4.0, 0.25)
    lid, p, s, lr = H.OnlineLeakyReLUHalfspace(eta=0.2)._loss_spec()
    assert (lid, p.tolist(), s) == (KL.LEAKY_RELU, [0.2, 0.0, 0.0, 0.0], 1.0)
    assert lr == pytest.approx(2.0 / 0.8)
    lid, p, s, lr = H.SLaMHalfspace(eta=0.2, gamma=0.5, epsilon=0.1)._loss_spec()
    assert lid == KL.MIXED and p.tolist() == pytest.approx([0.8, 0.2, 0.2, 0.8])
    assert s == pytest.approx(math.log(9.0) / 0.5) and lr == pytest.approx(0.5 / math.log(9.0))
    assert H.SLaMHalfspace(eta=0.2)._loss_spec()[2:] == (1.0, 1.0)
    assert H.SLaMHalfspace(eta=0.2, gamma=0.5, scale=3.0)._loss_spec()[2] == 3.0
    T = [[0.9, 0.1], [0.3, 0.7]]
    lid, p, s, lr = H.ForwardCorrectedHalfspace(T=T, scale=2.0)._loss_spec()
    assert (lid, p.tolist(), s, lr) == (KL.MIXED, [0.9, 0.1, 0.3, 0.7], 2.0, 0.5)
    A = np.linalg.inv(T)
    lid, p, s, lr = H.BackwardCorrectedHalfspace(T=T, scale=2.0)._loss_spec()
    assert lid == KL.LINEAR and s == 2.0
    np.testing.assert_allclose(p, A.ravel(), rtol=1e-12)
    assert lr == pytest.approx(1.0 / (2.0 * np.abs(A).sum(axis=1).max()))
    lid, p, s, lr = H.UnbiasedLossHalfspace(rho_pos=0.1, rho_neg=0.3)._loss_spec()
    A = np.linalg.inv([[0.7, 0.3], [0.1, 0.9]])
    np.testing.assert_allclose(p, A.ravel(), rtol=1e-12)
    assert lr == pytest.approx(1.0 / np.abs(A).sum(axis=1).max())


def test_transition_matrix_checks():
    with pytest.raises(ValueError, match=r"^T must be row-stochastic"):
        H.ForwardCorrectedHalfspace(T=[[0.9, 0.2], [0.1, 0.9]])._loss_spec()
    with pytest.raises(ValueError, match=r"^T must be a 2x2 \(binary\) transition matrix"):
        H.ForwardCorrectedHalfspace(T=np.eye(3))._loss_spec()
    with pytest.raises(ValueError, match=r"^every column of T must have a positive entry$"):
        H.ForwardCorrectedHalfspace(T=[[1.0, 0.0], [1.0, 0.0]])._loss_spec()
    with pytest.raises(ValueError, match=r"^give either T or eta, not both$"):
        H.ForwardCorrectedHalfspace(T=np.eye(2), eta=0.1)._loss_spec()
    with pytest.raises(ValueError, match=r"^T and eta are None: pass eta=<.*> or "
                                         r"T=<2x2 row-stochastic noise matrix>$"):
        H.BackwardCorrectedHalfspace()._loss_spec()
    # invertible matrices whose determinant a wrong formula would call zero
    for T in (np.eye(2), [[0.7, 0.3], [1.0, 0.0]], [[1e-12, 1.0 - 1e-12], [0.0, 1.0]]):
        A = np.linalg.inv(T)
        np.testing.assert_allclose(H.BackwardCorrectedHalfspace(T=T)._loss_spec()[1],
                                   A.ravel())
    for T in ([[0.6, 0.4], [0.6, 0.4]], [[0.5, 0.5], [0.5, 0.5]]):
        with pytest.raises(ValueError, match=r"^T must be invertible \(det = 0\)$"):
            H.BackwardCorrectedHalfspace(T=T)._loss_spec()


@pytest.mark.parametrize(("make", "name"), [
    (lambda: H.SLaMHalfspace(), "eta"),
    (lambda: H.OnlineLeakyReLUHalfspace(), "eta"),
    (lambda: H.UnbiasedLossHalfspace(rho_neg=0.1), "rho_pos"),
    (lambda: H.UnbiasedLossHalfspace(rho_pos=0.1), "rho_neg"),
])
def test_required_parameters_are_named(make, name):
    with pytest.raises(ValueError) as info:
        make()._loss_spec()
    msg = str(info.value)
    assert re.match(rf"^{name} is None: pass {name}=<[^<>]+> to the constructor$", msg), msg
    assert "<None>" not in msg


# ---------------------------------------------------------------------- defaults
@pytest.mark.parametrize(("cls", "defaults"), [
    (H.LogisticHalfspace, dict(scale=1.0, max_iter=1, step_size=None, average=True,
                               shuffle=True, random_state=None)),
    (H.OnlineLeakyReLUHalfspace, dict(eta=None, max_iter=1, step_size=None, average=True,
                                      shuffle=True, random_state=None)),
    (H.SLaMHalfspace, dict(eta=None, gamma=None, epsilon=0.05, scale=None, schedule="horizon",
                           max_iter=1, step_size=None, average=True, shuffle=True,
                           random_state=None)),
    (H.ForwardCorrectedHalfspace, dict(T=None, eta=None, scale=1.0, max_iter=1, step_size=None,
                                       average=True, shuffle=True, random_state=None)),
    (H.UnbiasedLossHalfspace, dict(rho_pos=None, rho_neg=None, scale=1.0, max_iter=1,
                                   step_size=None, average=True, shuffle=True,
                                   random_state=None)),
    (H.Perceptron, dict(max_iter=5, shuffle=True, random_state=None)),
    (H.AveragedPerceptron, dict(max_iter=5, shuffle=True, random_state=None)),
    (H.LogisticRegressionHalfspace, dict(max_iter=10_000, tol=1e-10, solver="newton-cg")),
    (H.HingeHalfspace, dict(C=1.0, max_iter=100_000, tol=1e-4, random_state=None)),
    (H.LeakyReLUHalfspace, dict(eta=None, gamma=None, epsilon=None, delta=0.1,
                                validation_constant=1.0, random_state=None)),
    (H.LeakyReLUCappedHalfspace, dict(eta=None, gamma=None, epsilon=0.05, max_steps=1000,
                                      delta=0.1, validation_constant=1.0, random_state=None)),
])
def test_defaults_and_given_parameters(cls, defaults):
    assert cls().get_params() == defaults
    given = {k: (7 if k == "random_state" else
                 0.25 if k in ("scale", "step_size", "eta", "gamma", "epsilon", "delta",
                               "validation_constant", "C", "tol", "rho_pos", "rho_neg") else
                 3 if k in ("max_iter", "max_steps") else
                 (not v) if isinstance(v, bool) else v)
             for k, v in defaults.items()}
    assert cls(**given).get_params() == given


# ---------------------------------------------------------------------- state after failures
@pytest.mark.parametrize("make", [lambda: H.LogisticHalfspace(), lambda: H.Perceptron(),
                                  lambda: H.AveragedPerceptron()], ids=["sgd", "p", "ap"])
def test_a_failed_fit_or_first_batch_leaves_nothing_fitted(make):
    X, y = _data(60, 3)
    Xn = X.copy()
    Xn[30, 1] = np.inf
    est = make().fit(X, y)
    with pytest.raises(ValueError, match=r"^Input X contains NaN or inf"):
        est.fit(Xn, y)
    assert not any(hasattr(est, a) for a in ("classes_", "w_", "t_", "coef_", "history_"))
    with pytest.raises(NotFittedError):
        est.predict(X)
    est = make()
    with pytest.raises(ValueError, match=r"^Input X contains NaN or inf"):
        est.partial_fit(Xn, y)
    assert not any(hasattr(est, a) for a in ("classes_", "w_", "t_", "coef_", "history_"))
    # a refit whose labels fail validation leaves it unfitted, not half-reset (a fix: coef_
    # and t_ used to stay without classes_, so predict raised AttributeError)
    est = make().fit(X, y)
    with pytest.raises(ValueError, match="Only binary"):
        est.fit(X, np.arange(60) % 3)
    assert [k for k in vars(est) if k.endswith("_")] == ["n_features_in_"]  # set by validation
    with pytest.raises(NotFittedError):
        est.predict(X)


@pytest.mark.parametrize("make", [lambda: H.LogisticHalfspace(average=False),
                                  lambda: H.AveragedPerceptron()], ids=["sgd", "ap"])
def test_a_failed_batch_is_undone_exactly(make):
    X, y = _data(90, 3, seed=3)
    Xn = X[30:60].copy()
    Xn[20, 0] = np.nan
    est = make().partial_fit(X[:30], y[:30])
    before = {k: (v.copy() if isinstance(v, np.ndarray) else v)
              for k, v in vars(est).items() if k.endswith("_") and k != "history_"}
    hist = {k: len(v) for k, v in est.history_.items()}
    with pytest.raises(ValueError, match=r"^Input X contains NaN or inf"):
        est.partial_fit(Xn, y[30:60])
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(est, k), v, err_msg=k)
    assert {k: len(v) for k, v in est.history_.items()} == hist and hist["iteration"] > 0
    est.partial_fit(X[60:], y[60:])
    ref = make().partial_fit(X[:30], y[:30]).partial_fit(X[60:], y[60:])
    np.testing.assert_array_equal(est.coef_, ref.coef_)
    assert est.history_["iteration"] == ref.history_["iteration"]


# ---------------------------------------------------------------------- partial_fit, refit
@pytest.mark.parametrize("make", [lambda: H.LogisticHalfspace(), lambda: H.Perceptron()],
                         ids=["sgd", "perceptron"])
def test_partial_fit_classes_and_features(make):
    X, y = _data(60, 3)
    est = make().partial_fit(X[:10], np.ones(10, dtype=int), classes=[1, -1])
    assert est.classes_.tolist() == [-1, 1] and est.n_features_in_ == 3
    est.partial_fit(X[10:], y[10:], classes=np.array([-1, 1]))
    with pytest.raises(ValueError, match=r"^classes \[0, 1\] differ from classes_"):
        est.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"^X has 2 features"):
        est.partial_fit(X[:, :2], y)
    with pytest.raises(ValueError, match=r"^classes must hold exactly 2 labels"):
        make().partial_fit(X, y, classes=[-1, 0, 1])
    with pytest.raises(ValueError, match=r"^classes must hold exactly 2 labels"):
        make().partial_fit(X, np.ones(60), classes=[1])
    # refit starts afresh: new labels, new feature count, the same result
    est.fit(X[:, :2], np.where(y > 0, "b", "a"))
    assert est.classes_.tolist() == ["a", "b"] and est.n_features_in_ == 2
    a = make().set_params(random_state=0).fit(X, y)
    b = make().set_params(random_state=0).fit(X, y).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)


@pytest.mark.parametrize("cls", [H.MeanHalfspace, H.LeakyReLUCappedHalfspace])
def test_full_batch_fit_sets_n_features_in(cls):
    X, y = _data(300, 3)
    est = cls() if cls is H.MeanHalfspace else cls(eta=0.2, gamma=0.3, max_steps=5)
    assert est.fit(X, y).n_features_in_ == 3
    assert est.fit(X[:, :2], y).n_features_in_ == 2


# ---------------------------------------------------------------------- perceptrons
def _ref_perceptron(X, y, order, w):
    w = w.copy()
    its, m = [], 0
    for i in order:
        if y[i] * (X[i] @ w) <= 0:
            w = w + y[i] * X[i]
            m += 1
        its.append(w.copy())
    return w, its, m


def test_perceptrons_are_the_reference():
    X, y = _data(120, 3, seed=4)
    n, d = X.shape
    ypm = y.astype(float)
    w, its, _ = _ref_perceptron(X, ypm, np.arange(n), np.zeros(d))
    p = H.Perceptron().partial_fit(X, y)
    np.testing.assert_allclose(p.w_, w, rtol=1e-12)
    np.testing.assert_allclose(p.coef_[0], _unit(w), rtol=1e-12)
    ap = H.AveragedPerceptron().partial_fit(X, y)
    np.testing.assert_allclose(ap.coef_[0], _unit(np.mean(its, axis=0)), rtol=1e-10)
    assert p.n_iter_ == ap.n_iter_ == 1 and p.t_ == n
    # a second batch continues the average over all iterates
    _, its2, _ = _ref_perceptron(X, ypm, np.arange(40), w)
    ap.partial_fit(X[:40], y[:40])
    np.testing.assert_allclose(ap.coef_[0], _unit(np.mean(its + its2, axis=0)), rtol=1e-10)
    # fit: one pass over random_state's permutation
    order = as_generator(3).permutation(n)
    _, its3, _ = _ref_perceptron(X, ypm, order, np.zeros(d))
    a = H.AveragedPerceptron(max_iter=1, random_state=3).fit(X, y)
    np.testing.assert_allclose(a.coef_[0], _unit(np.mean(its3, axis=0)), rtol=1e-10)


def test_perceptron_runs_until_a_pass_without_mistakes():
    r = np.random.default_rng(6)
    X = r.normal(size=(400, 3))
    X = X[np.abs(X[:, 0]) > 0.3]
    y = np.where(X[:, 0] > 0, 1, -1)
    est = H.Perceptron(max_iter=50, random_state=0).fit(X, y)
    assert 1 < est.n_iter_ < 50 and est.score(X, y) == 1.0


# ---------------------------------------------------------------------- controls
def test_control_history_and_iterations():
    X, y = _data(200, 3, seed=5)
    est = H.MeanHalfspace().fit(X, y)
    assert est.n_iter_ == 1 and set(est.history_) == {"iteration", "objective", "coef"}
    assert est.history_["iteration"] == [1] and math.isnan(est.history_["objective"][0])
    np.testing.assert_array_equal(est.history_["coef"][0], est.coef_[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        lr = H.LogisticRegressionHalfspace(max_iter=2).fit(X, y)
        ref = LogisticRegression(C=np.inf, fit_intercept=False, max_iter=2, tol=1e-10,
                                 solver="newton-cg")
        ref.fit(X, y)
    assert lr.n_iter_ == 2 == lr.history_["iteration"][0]
    np.testing.assert_allclose(lr.coef_[0], _unit(ref.coef_[0]), rtol=1e-10)


def test_exact_logistic_solvers_reach_the_same_minimiser_on_noisy_data():
    # RCN labels, n >> d: not separable, so the unpenalised loss has one minimiser and the
    # default Newton-CG must land on lbfgs's; a solver stopped early must not (the check fails)
    X, y = _data(2000, 5, seed=11, eta=0.3)
    ncg = H.LogisticRegressionHalfspace().fit(X, y)
    lb = H.LogisticRegressionHalfspace(solver="lbfgs").fit(X, y)
    assert ncg.solver == "newton-cg" and ncg.n_iter_ < lb.n_iter_
    assert np.arccos(min(1.0, float(ncg.coef_[0] @ lb.coef_[0]))) < 1e-6
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        early = H.LogisticRegressionHalfspace(solver="lbfgs", max_iter=1).fit(X, y)
    assert np.arccos(min(1.0, float(early.coef_[0] @ lb.coef_[0]))) > 1e-3
    with pytest.raises(ValueError, match="solver"):
        H.LogisticRegressionHalfspace(solver="sag").fit(X, y)


def test_hinge_seeds_and_parameters_reach_liblinear():
    X, y = _data(300, 4, seed=6, eta=0.3)
    ypm = np.where(y > 0, 1.0, -1.0)

    def svc(rs, C=1.0):
        m = LinearSVC(loss="hinge", dual=True, fit_intercept=False, C=C, max_iter=3, tol=1e-12,
                      random_state=rs).fit(X, ypm)
        return _unit(m.coef_[0])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = lambda **k: H.HingeHalfspace(max_iter=3, tol=1e-12, **k).fit(X, y).coef_[0]  # noqa: E731
        np.testing.assert_allclose(fit(random_state=3), svc(3), rtol=1e-12)
        np.testing.assert_allclose(fit(random_state=3, C=0.05), svc(3, C=0.05), rtol=1e-12)
        seed = int(np.random.default_rng(11).integers(2**31 - 1))
        np.testing.assert_allclose(fit(random_state=np.random.default_rng(11)), svc(seed),
                                   rtol=1e-12)
        np.testing.assert_allclose(fit(random_state=np.random.SeedSequence(11)), svc(seed),
                                   rtol=1e-12)
        assert not np.allclose(svc(3), svc(4))  # the seed matters here
        assert not np.allclose(svc(3), svc(3, C=0.05))


# ---------------------------------------------------------------------- leaky_relu sizes
def test_leaky_relu_iterations_checks_epsilon():
    assert H.leaky_relu_iterations(0.2, 0.5, 0.5) == math.ceil(16 * 0.64 / (0.25 * 0.25) - 1)
    for eps in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"^epsilon must be in \(0\.0, 1\.0\)"):
            H.leaky_relu_iterations(0.2, 0.5, eps)


def test_leaky_relu_validation_size_values_and_checks():
    def ref(t, eps, delta=0.1, c=1.0):
        return max(1, math.ceil(c * 2 * math.log(2 * (max(t, 1) + 1) / delta) / eps**2))

    f = H.leaky_relu_validation_size
    assert f(100, 0.3) == ref(100, 0.3) and f(0, 0.3) == f(1, 0.3) == ref(1, 0.3)
    assert f(50, 0.7, 0.2, 3.0) == ref(50, 0.7, 0.2, 3.0)
    assert f(10, 0.9, constant=1e-4) == 1
    with pytest.raises(ValueError, match=r"^n_steps must be >= 0"):
        f(-1, 0.3)
    for eps in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"^epsilon must be in \(0\.0, 1\.0\)"):
            f(10, eps)
    for delta in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"^delta must be in \(0\.0, 1\.0\)"):
            f(10, 0.3, delta)
    for c in (0.0, math.inf):
        with pytest.raises(ValueError, match=r"^constant must be in \(0\.0, inf\)"):
            f(10, 0.3, 0.1, c)


def test_capped_sizes_and_steps():
    X, y = _data(300, 3, seed=7)
    est = H.LeakyReLUCappedHalfspace(eta=0.2, max_steps=7, epsilon=0.2).fit(X, y)  # gamma None
    assert est.n_steps_ == est.n_iter_ == 7
    assert est.n_validation_ == math.ceil(math.log(7 / 0.2) * math.log(10))
    est = H.LeakyReLUCappedHalfspace(eta=0.2, gamma=0.5, max_steps=1, epsilon=0.2).fit(X, y)
    assert est.n_steps_ == 1 and est.n_validation_ == math.ceil(math.log(1 / 0.2) * math.log(10))
    est = H.LeakyReLUCappedHalfspace(eta=0.2, gamma=0.5, max_steps=5,
                                     validation_constant=1e-3).fit(X, y)
    assert est.n_validation_ == 1
    with pytest.raises(ValueError, match=r"^eta is None: pass eta=<[^<>]+> to the constructor$"):
        H.LeakyReLUCappedHalfspace(gamma=0.5).fit(X, y)


def test_leaky_relu_fit_attributes_and_limits(monkeypatch):
    X, y = _data(400, 3, seed=8)
    est = H.LeakyReLUCappedHalfspace(eta=0.2, gamma=0.5, max_steps=20, random_state=1)
    est.fit(X, y)
    T = est.n_steps_
    assert T == 20 and est.n_iter_ == T and isinstance(est.n_rechecks_, int)
    assert est.validation_error_.shape == (T + 1,)
    assert set(est.history_) == {"iteration", "objective", "coef"}
    assert est.history_["iteration"] == [0, *_base._log_grid(0, T).tolist()]
    assert len(est.history_["objective"]) == len(est.history_["iteration"])
    # N' = n leaves no training sample: refused
    n_val = est.n_validation_
    with pytest.raises(Exception, match=rf"^X has {n_val} samples; Algorithm 1 holds out"):
        est.fit(X[:n_val], y[:n_val])
    est.fit(X[: n_val + 1], y[: n_val + 1])
    with pytest.raises(ValueError, match=r"^gamma, epsilon is None: pass eta=<.*>, gamma=<.*>, "
                                         r"epsilon=<.*> \(T follows from them\)$"):
        H.LeakyReLUHalfspace(eta=0.2).fit(X, y)
    # the warning threshold is on T * d, strictly above
    plain = H.LeakyReLUHalfspace(eta=0.2, gamma=1.0, epsilon=0.9, random_state=0)
    Td = H.leaky_relu_iterations(0.2, 1.0, 0.9) * X.shape[1]
    monkeypatch.setattr(leaky_relu, "_WARN_WORK", Td)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain.fit(X, y)
    monkeypatch.setattr(leaky_relu, "_WARN_WORK", Td - 1)
    with pytest.warns(UserWarning, match=r"use LeakyReLUCappedHalfspace for a capped heuristic$"):
        plain.fit(X, y)


def test_make_learner_maps_eta_passes_and_max_steps():
    est = H.make_learner("unbiased", eta=0.2, passes=3, random_state=0)
    assert (est.rho_pos, est.rho_neg, est.max_iter, est.random_state) == (0.2, 0.2, 3, 0)
    est = H.make_learner("leaky_relu_capped", eta=0.1, gamma=0.2, epsilon=0.3, max_steps=7.0)
    assert (est.eta, est.gamma, est.epsilon, est.max_steps) == (0.1, 0.2, 0.3, 7)
    assert isinstance(est.max_steps, int)
    assert H.make_learner("leaky_relu_capped", max_steps=1).max_steps == 1
    assert H.make_learner("leaky_relu_capped", max_steps=0).max_steps == 1000
    plain = H.LeakyReLUHalfspace().get_params()
    assert H.make_learner("leaky_relu", max_steps=0).get_params() == plain
    with pytest.raises(ValueError, match=r"^'leaky_relu' is .*: use 'leaky_relu_capped' for "
                                         r"max_steps$"):
        H.make_learner("leaky_relu", max_steps=1)
    # passes and max_steps are dropped where they do not apply, None/0 means not given
    assert H.make_learner("mean", passes=5, max_steps=5).get_params() == {}
    assert H.make_learner("perceptron", passes=0).max_iter == H.Perceptron().max_iter
    with pytest.raises(TypeError, match="bogus"):
        H.make_learner("mean", bogus=1)
    with pytest.raises(ValueError, match="learner"):
        H.make_learner(3)


def test_sgd_module_helpers_are_the_public_checks():
    # _resolve_T turns eta into the symmetric matrix
    np.testing.assert_allclose(sgd._resolve_T(None, 0.2), [[0.8, 0.2], [0.2, 0.8]])


# ---------------------------------------------------------------------- labels
def test_label_dtypes_and_class_counts():
    X, y = _data(80, 3, seed=9)
    for dtype in (np.int8, np.uint8, np.int64, np.float32, np.float64):
        est = H.MeanHalfspace().fit(X, (y > 0).astype(dtype))
        assert est.classes_.dtype == dtype and est.classes_.tolist() == [0, 1]
    yb = y > 0
    est = H.MeanHalfspace().fit(X, yb)
    assert est.classes_.dtype == bool and est.classes_.tolist() == [False, True]
    ref = H.MeanHalfspace().fit(X, y)
    np.testing.assert_array_equal(est.coef_, ref.coef_)
    with pytest.raises(ValueError, match=r"^y: a halfspace needs samples of 2 classes; got 1 class "
                                         r"\(\[True\]\)$"):
        H.MeanHalfspace().fit(X, np.ones(80, dtype=bool))
    with pytest.raises(ValueError, match=r"^y: a halfspace needs samples of 2 classes; got 1 class "
                                         r"\(\['a'\]\)$"):
        H.MeanHalfspace().fit(X, np.array(["a"] * 80, dtype=object))
    yo = np.where(y > 0, "b", "a").astype(object)
    est = H.MeanHalfspace().fit(X, yo)
    assert est.classes_.tolist() == ["a", "b"]
    np.testing.assert_array_equal(est.coef_, ref.coef_)
    with pytest.raises(ValueError, match=r"^y: Unknown label type: continuous"):
        H.MeanHalfspace().fit(X, X[:, 0])
    with pytest.raises(ValueError, match=r"^y: Only binary classification is supported\. The type "
                                         r"of the target is multiclass\.$"):
        H.MeanHalfspace().fit(X, np.arange(80) % 3)


def test_string_labels_learn_as_their_integer_codes():
    X, y = _data(200, 3, seed=10)
    for make in (lambda: H.LogisticHalfspace(random_state=0),
                 lambda: H.Perceptron(random_state=0)):
        a = make().fit(X, np.where(y > 0, "pos", "neg"))
        b = make().fit(X, y)
        np.testing.assert_array_equal(a.coef_, b.coef_)
        est = make().partial_fit(X[:20], y[:20])
        with pytest.raises(ValueError, match=r"^y contains labels \[2, 3, 4, 5, 6\] not in "
                                             r"classes_ \[-1  1\]$"):
            est.partial_fit(X[:8], np.arange(8) + 2)
        with pytest.raises(ValueError, match=r"^y contains labels \['c'\] not in classes_"):
            make().fit(X[:3], ["a", "b", "a"]).partial_fit(X[:2], ["a", "c"])


def test_x_of_other_types_is_read_as_float():
    X, y = _data(100, 3, seed=11)
    ref = H.LogisticHalfspace(random_state=0).fit(X, y).coef_
    for Xo in (X.astype(object), np.asfortranarray(X), X.tolist()):
        np.testing.assert_array_equal(H.LogisticHalfspace(random_state=0).fit(Xo, y).coef_, ref)
    Xi = np.round(X * 4).astype(np.int64)
    np.testing.assert_array_equal(H.LogisticHalfspace(random_state=0).fit(Xi, y).coef_,
                                  H.LogisticHalfspace(random_state=0).fit(Xi * 1.0, y).coef_)
    with pytest.raises(TypeError, match=r"^X must be array-like of numbers, got strings"):
        H.LogisticHalfspace().fit(X.astype(str), y)


def test_set_coef_projects_onto_the_unit_ball():
    est = H.MeanHalfspace()
    est._set_coef(np.array([3, 4]))
    assert est.coef_.dtype == np.float64 and est.coef_.shape == (1, 2)
    np.testing.assert_allclose(est.coef_, [[0.6, 0.8]], rtol=1e-15)
    est._set_coef(np.array([1.2, 0.0]))
    np.testing.assert_array_equal(est.coef_, [[1.0, 0.0]])
    est._set_coef(np.array([0, 1]))
    assert est.coef_.dtype == np.float64
    np.testing.assert_array_equal(est.intercept_, [0.0])


def test_bool_parameters_are_refused_where_numbers_are_expected():
    X, y = _data(40, 3)
    with pytest.raises(TypeError, match=r"^The 'max_iter' parameter of Perceptron must be a "
                                        r"number, got bool True$"):
        H.Perceptron(max_iter=True).fit(X, y)
    H.Perceptron(shuffle=np.bool_(False)).fit(X, y)


def test_tags_say_binary_only():
    from sklearn.utils import get_tags

    assert get_tags(H.MeanHalfspace()).classifier_tags.multi_class is False
    assert get_tags(H.SLaMHalfspace()).classifier_tags.multi_class is False


def test_float32_x_is_fitted_in_float64():
    X, y = _data(200, 4, seed=12, eta=0.3)
    X32 = X.astype(np.float32)
    for make in (H.LogisticRegressionHalfspace, lambda: H.HingeHalfspace(random_state=0)):
        a = make().fit(X32, y)
        b = make().fit(X32.astype(np.float64), y)
        assert a.coef_.dtype == np.float64
        np.testing.assert_array_equal(a.coef_, b.coef_)
