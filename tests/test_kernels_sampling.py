"""Kernels of the samplers: PRNG and ziggurat against slow references, determinism."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from naive import margin_t_and_r_scipy
from scipy import stats

from slam_theory._kernels import rng as krng
from slam_theory._kernels import sampling as ks

M64 = (1 << 64) - 1
KI, WI, FI = krng.ziggurat_tables()
KEY = np.array([11, 22, 33, 44], dtype=np.uint64)


# ---------------------------------------------------------------- slow references
def ref_splitmix(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def ref_seed(key: np.ndarray, block: int, stream: int) -> list[int]:
    h = ref_splitmix(
        ((block * 0x9E3779B97F4A7C15) & M64) ^ ((stream * 0xD1B54A32D192ED03) & M64)
    )
    s = []
    for k in key.tolist():
        h = ref_splitmix(h ^ int(k))
        s.append(h)
    return s


def rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & M64


class RefXoshiro:
    """xoshiro256++ exactly as in Blackman and Vigna's reference C code."""

    def __init__(self, s: list[int]) -> None:
        self.s = list(s)

    def next(self) -> int:
        s = self.s
        result = (rotl((s[0] + s[3]) & M64, 23) + s[0]) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def double(self) -> float:
        return (self.next() >> 11) * 2.0**-53

    def normal(self) -> float:
        while True:
            r = self.next()
            idx = r & 0xFF
            r >>= 8
            rabs = (r >> 1) & 0x000FFFFFFFFFFFFF
            x = rabs * WI[idx]
            if r & 1:
                x = -x
            if rabs < KI[idx]:
                return x
            if idx == 0:
                while True:
                    xx = -math.log1p(-self.double()) / krng.ZIGGURAT_R
                    yy = -math.log1p(-self.double())
                    if yy + yy > xx * xx:
                        return -(krng.ZIGGURAT_R + xx) if (rabs >> 8) & 1 else krng.ZIGGURAT_R + xx
            elif (FI[idx - 1] - FI[idx]) * self.double() + FI[idx] < math.exp(-0.5 * x * x):
                return x


def ref_rows(key, block_rows, t, r, mode, hh_v, hh_coef, d):
    """Row generation of ``fill_rows``, one row at a time in pure Python."""
    n = t.shape[0]
    X = np.empty((n, d))
    for b in range(-(-n // block_rows)):
        g = RefXoshiro(ref_seed(key, b, 1))
        for i in range(b * block_rows, min(n, (b + 1) * block_rows)):
            z = np.array([g.normal() for _ in range(d - 1)])
            if mode == ks.MODE_GAUSS:
                y = r[i] * z
            else:
                y = r[i] * z / np.linalg.norm(z)
                if mode == ks.MODE_BALL:
                    y *= (1.0 - g.double()) ** (1.0 / (d - 1))
            x = np.concatenate([[t[i]], y])
            if hh_coef != 0.0:
                x = x - hh_coef * (hh_v @ x) * hh_v
            X[i] = x
    return X


# ---------------------------------------------------------------- PRNG
def test_xoshiro_and_seeding_match_reference():
    out = np.empty(50, dtype=np.uint64)
    for block, stream in [(0, 0), (3, 1), (12345, 0)]:
        krng.fill_u64(KEY, block, stream, out)
        ref = RefXoshiro(ref_seed(KEY, block, stream))
        assert [int(v) for v in out] == [ref.next() for _ in range(50)]


def test_uniform_doubles_match_reference_and_are_uniform():
    u = np.empty(200_000)
    krng.fill_uniform(KEY, 7, 0, u)
    ref = RefXoshiro(ref_seed(KEY, 7, 0))
    assert np.array_equal(u[:20], [ref.double() for _ in range(20)])
    assert u.min() >= 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_blocks_and_streams_are_uncorrelated():
    a, b, c = np.empty(100_000), np.empty(100_000), np.empty(100_000)
    krng.fill_uniform(KEY, 0, 0, a)
    krng.fill_uniform(KEY, 1, 0, b)
    krng.fill_uniform(KEY, 0, 1, c)
    for x, y in [(a, b), (a, c), (b, c)]:
        assert abs(np.corrcoef(x, y)[0, 1]) < 5 / math.sqrt(x.size)
    # lag-1 serial correlation within a stream
    assert abs(np.corrcoef(a[:-1], a[1:])[0, 1]) < 5 / math.sqrt(a.size)
    # different keys give different streams
    other = np.empty(10)
    krng.fill_uniform(KEY + np.uint64(1), 0, 0, other)
    assert not np.array_equal(other, a[:10])


def test_ziggurat_tables_shape_and_monotone():
    assert KI.dtype == np.int64 and WI.dtype == np.float64
    assert KI[1] == 0
    x_edges = WI[1:] * 2.0**52
    assert np.all(np.diff(x_edges) > 0)
    assert np.all(np.diff(FI) < 0)
    assert math.isclose(x_edges[-1], krng.ZIGGURAT_R)


def test_normals_match_reference_and_are_normal():
    z = np.empty(300_000)
    krng.fill_normal(KEY, 2, 1, KI, WI, FI, z)
    ref = RefXoshiro(ref_seed(KEY, 2, 1))
    # the whole stream: it holds ~80 draws from the tail beyond ZIGGURAT_R, so the tail's
    # acceptance test is compared too (it rejects a few percent of them)
    assert np.array_equal(z, [ref.normal() for _ in range(z.size)])
    assert stats.kstest(z, "norm").pvalue > 1e-3
    assert abs(z.mean()) < 5 / math.sqrt(z.size)
    assert abs(z.var() - 1) < 5 * math.sqrt(2 / z.size)
    # the tail beyond the ziggurat base is produced at the right rate
    p_tail = 2 * stats.norm.sf(krng.ZIGGURAT_R)
    k = int(np.count_nonzero(np.abs(z) > krng.ZIGGURAT_R))
    assert stats.binomtest(k, z.size, p_tail).pvalue > 1e-3


# ---------------------------------------------------------------- row kernels
def _inputs(n, d, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(-1, 1, n)
    r = np.sqrt(1 - t**2)
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    v = np.zeros(d)
    v[0] = 1.0
    v += w
    return t, r, v, 2.0 / (v @ v)


@pytest.mark.parametrize("mode", [ks.MODE_SPHERE, ks.MODE_BALL, ks.MODE_GAUSS])
@pytest.mark.parametrize("reflect", [False, True])
def test_fill_rows_matches_reference(mode, reflect):
    n, d, bs = 37, 5, 8
    t, r, v, coef = _inputs(n, d)
    if not reflect:
        coef = 0.0
    X = np.empty((n, d))
    ks.fill_rows(KEY, 0, bs, t, r, mode, v, coef, KI, WI, FI, X)
    ref = ref_rows(KEY, bs, t, r, mode, v, coef, d)
    np.testing.assert_allclose(X, ref, rtol=1e-12, atol=1e-14)


def test_block_uniforms_matches_reference():
    n, bs = 50, 16
    v = np.empty(n)
    s = np.empty(n)
    ks.block_uniforms(KEY, 3, bs, v, s)
    for i in range(n):
        if i % bs == 0:
            ref = RefXoshiro(ref_seed(KEY, 3 + i // bs, 0))
        x = ref.next()
        assert v[i] == (x >> 11) * 2.0**-53
        assert s[i] == (1.0 if x & 1 else -1.0)


def test_kernels_accept_readonly_inputs():
    n, d = 20, 4
    t, r, v, coef = _inputs(n, d)
    ro = []
    for a in (KEY.copy(), t, r, v, KI.copy(), WI.copy(), FI.copy()):
        a.setflags(write=False)
        ro.append(a)
    key, t, r, v, ki, wi, fi = ro
    X = np.empty((n, d))
    ks.fill_rows(key, 0, 8, t, r, ks.MODE_SPHERE, v, coef, ki, wi, fi, X)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-12)


def test_results_do_not_depend_on_thread_count():
    from slam_theory.data import GaussianHalfspace, MarginHalfspace

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 numba threads")
    saved = numba.get_num_threads()
    outs = []
    try:
        for k in (1, 2, 1):
            numba.set_num_threads(k)
            gen = MarginHalfspace(12, 0.1, w_star=np.arange(1.0, 13.0), random_state=5)
            ball = MarginHalfspace(5, 0.2, marginal="ball", random_state=6)
            # > 2**16 rows: the threaded special-function path of GaussianHalfspace
            gauss = GaussianHalfspace(3, 0.1, random_state=7)
            outs.append((*gen.sample(20_000), *ball.sample(5000), *gauss.sample(70_000)))
    finally:
        numba.set_num_threads(saved)
    for out in outs[1:]:
        for a, b in zip(out, outs[0]):
            assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "d,gamma,marginal",
    [(2, 0.3, "sphere"), (3, 0.05, "sphere"), (2, 0.5, "ball"), (10, 0.2, "ball"),
     (100, 0.05, "sphere"), (100, 0.3, "sphere"), (2000, 0.3, "sphere"), (20000, 0.01, "sphere"),
     (50, 0.999, "ball")],
)
def test_polar_quantile_kernel_matches_betaincinv(d, gamma, marginal):
    """The table + Halley inverse CDF agrees with scipy.special.betaincinv to ~1e-15."""
    from slam_theory.data import MarginHalfspace

    gen = MarginHalfspace(d, gamma, marginal=marginal, random_state=0)
    v = np.random.default_rng(1).random(20_000)
    v[:4] = [0.0, 0.5, 1 - 2.0**-53, 2.0**-53]
    sign = np.where(np.arange(v.size) % 2 == 0, 1.0, -1.0)
    t1, r1 = gen._t_and_r(v, sign)
    t2, r2 = margin_t_and_r_scipy(gen, v, sign)
    assert np.all(np.abs(t1) >= gamma) and np.array_equal(np.sign(t1), sign)
    np.testing.assert_allclose(t1, t2, rtol=0, atol=1e-13)
    np.testing.assert_allclose(r1, r2, rtol=0, atol=1e-13)
    np.testing.assert_allclose(t1**2 + r1**2, 1.0, atol=1e-15)
