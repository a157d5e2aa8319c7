"""Tests of the SLaMStudent estimator and its Numba training kernels."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from naive import student_epoch_naive
from sklearn.utils.estimator_checks import parametrize_with_checks

from slam_theory import data, distill
from slam_theory._kernels import students as K


# ----------------------------------------------------------------------------- kernels vs slow
@pytest.mark.parametrize("model", ["logistic", "mlp"])
@pytest.mark.parametrize("adam", [True, False])
def test_epoch_kernels_match_numpy_reference(model, adam, rng):
    n, d, Kc, H = 37, 5, 4, 6
    X = rng.standard_normal((n, d))
    P = rng.dirichlet(np.ones(Kc), n)
    Y = P.copy()
    alpha = rng.uniform(0.2, 1.0, n)
    C = distill.topk_mask(P, 2)
    C[::3] /= 1.0  # un-normalised rows
    C[1::3] = 0.0  # plain cross-entropy rows
    w = rng.uniform(0.5, 2.0, n)
    perm = rng.permutation(n)
    if model == "logistic":
        theta = rng.standard_normal(d * Kc + Kc) * 0.1
        decay = np.r_[np.ones(d * Kc), np.zeros(Kc)]
    else:
        theta = rng.standard_normal(d * H + H + H * Kc + Kc) * 0.3
        decay = np.r_[np.ones(d * H), np.zeros(H), np.ones(H * Kc), np.zeros(Kc)]
    kinds = np.zeros(n, dtype=np.int64)  # kind 0: the mixed cross-entropy of every row
    ref, ref_total = student_epoch_naive(model, X, Y, alpha, C, np.eye(Kc), kinds, w, perm, 8,
                                         theta, H, 0.05, 0.01, adam, decay)
    th = theta.copy()
    m = np.zeros_like(th)
    v = np.zeros_like(th)
    args = (X, Y, alpha, C, np.eye(Kc), kinds, w, perm, 8)
    tail = (th, decay, m, v, 0, 0.05, 0.01, adam, 0.9, 0.999, 1e-8)
    if model == "logistic":
        total = K.epoch_logistic(*args, *tail)
    else:
        total = K.epoch_mlp(*args, H, *tail)
    np.testing.assert_allclose(th, ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(total, ref_total, rtol=1e-10)


def test_kernels_accept_readonly(rng):
    X = rng.standard_normal((20, 3))
    P = rng.dirichlet(np.ones(3), 20)
    X.setflags(write=False)
    P.setflags(write=False)
    s = distill.SLaMStudent(loss="distill", epochs=2, random_state=0).fit(X, teacher_proba=P)
    assert s.predict(X).shape == (20,)


# ----------------------------------------------------------------------------- estimator
def _problem(seed=0, n=3000, K=5, teacher_acc=0.55, noisy_k=2):
    gm = data.GaussianMixture(K, 10, separation=4.0, random_state=seed)
    X, y = gm.sample(n)
    Xv, yv = gm.sample(400)
    Xt, yt = gm.sample(2000)
    rng = np.random.default_rng(seed + 100)
    # accuracy depends on x through a latent score, so the margin is informative
    acc_u = np.clip(teacher_acc + 0.4 * (rng.random(n) - 0.5), 0, 1)
    acc_v = np.clip(teacher_acc + 0.4 * (rng.random(400) - 0.5), 0, 1)
    P = data.simulate_teacher(y, K, acc_u, k=noisy_k, random_state=rng)
    Pv = data.simulate_teacher(yv, K, acc_v, k=noisy_k, random_state=rng)
    return X, y, P, Xv, yv, Pv, Xt, yt


@pytest.mark.parametrize("loss", distill.LOSSES)
def test_every_loss_trains_and_beats_chance(loss):
    if loss == "cleanlab":
        pytest.importorskip("cleanlab")
    X, y, P, _, yv, Pv, Xt, yt = _problem(n=1500)
    ens = np.stack([np.clip(P + 0.01 * i, 0, None) for i in range(3)])
    ens /= ens.sum(2, keepdims=True)
    s = distill.SLaMStudent(loss=loss, epochs=5, random_state=0)
    s.fit(X, teacher_proba=P, X_labeled=X[:50], y_labeled=y[:50], teacher_proba_val=Pv,
          y_val=yv, teacher_proba_ensemble=ens)
    assert s.score(Xt, yt) > 0.5  # chance is 0.2
    assert len(s.history_["objective"]) == 5
    assert np.all(np.isfinite(s.history_["objective"]))


@pytest.mark.parametrize("model", ["logistic", "mlp"])
def test_determinism_and_pickle(model):
    X, _y, P, _, yv, Pv, Xt, _ = _problem(n=600)
    kw = {"model": model, "epochs": 3, "hidden": 8}
    fit = {"teacher_proba": P, "teacher_proba_val": Pv, "y_val": yv}
    a = distill.SLaMStudent(random_state=7, **kw).fit(X, **fit)
    b = distill.SLaMStudent(random_state=7, **kw).fit(X, **fit)
    c = distill.SLaMStudent(random_state=8, **kw).fit(X, **fit)
    np.testing.assert_array_equal(a.predict_proba(Xt), b.predict_proba(Xt))
    assert not np.array_equal(a.predict_proba(Xt), c.predict_proba(Xt))
    a2 = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(a.predict_proba(Xt), a2.predict_proba(Xt))


def test_objective_decreases_supervised():
    X, y, *_ = _problem(n=800)
    s = distill.SLaMStudent(loss="distill", epochs=10, random_state=0).fit(X, y)
    h = s.history_["objective"]
    assert h[-1] < h[0]
    assert s.score(X, y) > 0.8


def _confused_teacher(y, K, rng, confusion=0.7):
    """Confident teacher that labels class 0 as class 1 with probability ``confusion``."""
    n = y.shape[0]
    P = np.full((n, K), 0.05 / (K - 2))
    top = y.copy()
    swap = (y == 0) & (rng.random(n) < confusion)
    top[swap] = 1
    second = np.where(swap, 0, np.where(y == 0, 1, (y + 1) % K))
    conf = np.where(y == 0, 0.7, 0.9)
    P[np.arange(n), top] = conf
    P[np.arange(n), second] = 0.95 - conf
    return P


def test_slam_beats_vanilla_distillation_on_noisy_teacher():
    """End to end: a teacher that systematically confuses class 0 with class 1 (70% of the
    time, at a lower margin); SLaM down-weights those labels, distillation learns them."""
    wins = []
    for seed in range(3):
        K = 4
        gm = data.GaussianMixture(K, 8, separation=4.0, random_state=seed)
        rng = np.random.default_rng(seed)
        X, y = gm.sample(3000)
        XL, yL = gm.sample(100)
        _Xv, yv = gm.sample(300)
        Xt, yt = gm.sample(2000)
        P, Pv = _confused_teacher(y, K, rng), _confused_teacher(yv, K, rng)
        res = {}
        for loss in ("slam", "distill"):
            s = distill.SLaMStudent(loss=loss, epochs=15, random_state=seed)
            s.fit(X, teacher_proba=P, X_labeled=XL, y_labeled=yL, teacher_proba_val=Pv,
                  y_val=yv)
            res[loss] = s.score(Xt, yt)
        wins.append(res["slam"] - res["distill"])
    assert np.mean(wins) > 0.05, wins
    assert min(wins) > 0.0, wins


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda s, X, P, Pv, yv: s.fit(X, teacher_proba=P), "validation set"),
        (lambda s, X, P, Pv, yv: s.fit(X, teacher_proba=P * 0.9, teacher_proba_val=Pv, y_val=yv),
         "teacher_proba rows must sum"),
        (lambda s, X, P, Pv, yv: s.fit(X, teacher_proba=-P, teacher_proba_val=Pv, y_val=yv),
         "teacher_proba has entries outside"),
        (lambda s, X, P, Pv, yv: s.fit(X, teacher_proba=P[:-1], teacher_proba_val=Pv, y_val=yv),
         "one row per row of X"),
        (lambda s, X, P, Pv, yv: s.fit(X, teacher_proba=P, teacher_proba_val=Pv, y_val=yv * 0),
         "only one class"),
        (lambda s, X, P, Pv, yv: s.fit(X, teacher_proba=P, teacher_proba_val=Pv, y_val=yv + 10),
         "y_val must contain classes"),
        (lambda s, X, P, Pv, yv: s.fit(X, teacher_proba=P, X_labeled=X[:5],
                                       y_labeled=[0, 1, 2, 3, 9], teacher_proba_val=Pv,
                                       y_val=yv), "y_labeled"),
        (lambda s, X, P, Pv, yv: s.fit(X[:0], teacher_proba=P[:0], teacher_proba_val=Pv, y_val=yv),
         "X .*must not be empty"),
        (lambda s, X, P, Pv, yv: s.fit(X, teacher_proba=P, teacher_proba_val=Pv[:, :3], y_val=yv),
         "teacher_proba_val"),
        (lambda s, X, P, Pv, yv: s.set_params(coverage=0.0).fit(
            X, teacher_proba=P, teacher_proba_val=Pv, y_val=yv), "coverage"),
        (lambda s, X, P, Pv, yv: s.set_params(loss="nope").fit(X, teacher_proba=P),
         "'loss' parameter"),
    ],
)
def test_bad_inputs(call, match):
    X, _y, P, _, yv, Pv, _, _ = _problem(n=200)
    with pytest.raises(ValueError, match=match):
        call(distill.SLaMStudent(epochs=1), X, P, Pv, yv)


@parametrize_with_checks(
    [
        distill.SLaMStudent(epochs=20, random_state=0),
        distill.SLaMStudent(model="mlp", hidden=16, epochs=20, random_state=0),
    ]
)
def test_sklearn_check_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("est", [distill.SLaMStudent, distill.SLaMClassifier])
def test_x_errors_name_x_and_bad_sizes_are_refused(est):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = np.arange(40) % 2
    with pytest.raises(ValueError, match=r"^X: Expected 2D array"):
        est(epochs=2).fit(X[:, 0], y)
    with pytest.raises(TypeError, match="X must be array-like of numbers, got strings"):
        est(epochs=2).fit(X.astype(str), y)
    fitted = est(epochs=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=r"^X: .*0 feature"):
        fitted.predict(np.empty((3, 0)))
    with pytest.raises(TypeError, match="X must be array-like of numbers"):
        fitted.predict(X.astype(str))
    for name in ("epochs", "hidden", "batch_size"):
        with pytest.raises(TypeError, match=f"{name} must be an integer, got bool"):
            est(**{"epochs": 2, name: True}).fit(X, y)
    with pytest.raises(ValueError, match="labeled_weight"):
        est(epochs=2, labeled_weight=0.0).fit(X, y)
