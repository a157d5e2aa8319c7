"""A small, explicit-state PRNG for Numba kernels: xoshiro256++ seeded by splitmix64.

Numba's own ``np.random`` keeps one stream per *thread*, so parallel kernels that
use it give results that depend on the thread count.  Instead, every block of
work carries its own 4-word xoshiro256++ state (four ``uint64`` scalars, kept in registers), derived
deterministically from a 4-word *key* (drawn once from the caller's numpy
``Generator``), a *block index* and a *stream index* by splitmix64 mixing
(:func:`seed_state`).  The output of a block therefore depends only on
``(key, block, stream)``, never on which thread ran it.

Normal variates use the 256-layer Marsaglia-Tsang ziggurat with the same
table layout and acceptance logic as numpy's ``random_standard_normal``; the
tables are built in Python by :func:`ziggurat_tables` and passed to the kernels.

The functions here are inlined into the kernels of
:mod:`slam_theory._kernels.sampling`.  Numba's on-disk cache does not track
that dependency: after editing this file, touch ``sampling.py`` (or clear its
``__pycache__``) so that its cached kernels are recompiled.

References
----------
D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators",
ACM TOMS 47 (2021).  G. Marsaglia and W. W. Tsang, "The ziggurat method for
generating random variables", J. Stat. Softw. 5 (2000).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._config import JIT

__all__ = [
    "fill_normal",
    "fill_u64",
    "fill_uniform",
    "next_double",
    "next_normal",
    "next_u64",
    "seed_state",
    "splitmix64",
    "ziggurat_tables",
]

_U1 = np.uint64(1)
_U8 = np.uint64(8)
_U9 = np.uint64(9)
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U23 = np.uint64(23)
_U45 = np.uint64(45)
_MASK52 = np.uint64(0x000FFFFFFFFFFFFF)
_U64_FF = np.uint64(0xFF)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_STREAM_MUL = np.uint64(0xD1B54A32D192ED03)
_U30 = np.uint64(30)
_U27 = np.uint64(27)
_U31 = np.uint64(31)
_TWO_M53 = 1.0 / 9007199254740992.0

#: Ziggurat right-tail start and layer area for 256 layers (Marsaglia-Tsang).
ZIGGURAT_R = 3.6541528853610088
ZIGGURAT_V = 0.00492867323399


@numba.njit(inline="always", **JIT)
def _rotl(x: np.uint64, k: np.uint64) -> np.uint64:
    return (x << k) | (x >> (np.uint64(64) - k))


@numba.njit(inline="always", **JIT)
def splitmix64(x: np.uint64) -> np.uint64:
    """The splitmix64 finaliser (a bijective 64-bit mixer) applied to ``x + golden``."""
    z = x + _GOLDEN
    z = (z ^ (z >> _U30)) * _MIX1
    z = (z ^ (z >> _U27)) * _MIX2
    return z ^ (z >> _U31)


@numba.njit(**JIT)
def seed_state(key: np.ndarray, block: np.int64, stream: np.int64) -> tuple:
    """xoshiro256++ state ``(s0, s1, s2, s3)`` for ``(key, block, stream)``.

    Each state word is a splitmix64 hash of a key word, chained through the
    previous word, starting from a hash of the block and stream indices, so
    distinct ``(block, stream)`` pairs give unrelated states.  The all-zero
    state (xoshiro's one fixed point) is replaced by a constant.
    """
    h = splitmix64(np.uint64(block) * _GOLDEN ^ np.uint64(stream) * _STREAM_MUL)
    s0 = splitmix64(h ^ key[0])
    s1 = splitmix64(s0 ^ key[1])
    s2 = splitmix64(s1 ^ key[2])
    s3 = splitmix64(s2 ^ key[3])
    if s0 == 0 and s1 == 0 and s2 == 0 and s3 == 0:
        s0 = _GOLDEN
    return s0, s1, s2, s3


@numba.njit(inline="always", **JIT)
def next_u64(s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64) -> tuple:
    """xoshiro256++ step: return ``(output, s0, s1, s2, s3)``.

    The state is passed and returned as scalars (not an array) so that LLVM
    keeps it in registers inside the per-sample loops.
    """
    result = _rotl(s0 + s3, _U23) + s0
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, _U45)
    return result, s0, s1, s2, s3


@numba.njit(inline="always", **JIT)
def next_double(s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64) -> tuple:
    """Uniform double in ``[0, 1)`` with 53 random bits: ``(u, s0, s1, s2, s3)``."""
    r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    return float(np.int64(r >> _U11)) * _TWO_M53, s0, s1, s2, s3


@numba.njit(inline="always", **JIT)
def next_normal(
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
    ki: np.ndarray,
    wi: np.ndarray,
    fi: np.ndarray,
) -> tuple:
    """Standard normal by the 256-layer ziggurat (numpy's algorithm): ``(z, s0..s3)``.

    ``ki`` (int64), ``wi`` and ``fi`` (float64) are the tables from
    :func:`ziggurat_tables`.
    """
    while True:
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        idx = np.int64(r & _U64_FF)
        rabs = np.int64((r >> _U9) & _MASK52)
        # branch-free sign (a data-dependent branch here mispredicts half the time)
        x = float(rabs) * wi[idx] * (1.0 - 2.0 * float(np.int64((r >> _U8) & _U1)))
        if rabs < ki[idx]:
            return x, s0, s1, s2, s3
        if idx == 0:
            # Right tail beyond ZIGGURAT_R (Marsaglia's exponential-rejection tail).
            while True:
                u1, s0, s1, s2, s3 = next_double(s0, s1, s2, s3)
                u2, s0, s1, s2, s3 = next_double(s0, s1, s2, s3)
                xx = -math.log1p(-u1) / ZIGGURAT_R
                yy = -math.log1p(-u2)
                if yy + yy > xx * xx:
                    if ((rabs >> 8) & 1) == 1:
                        return -(ZIGGURAT_R + xx), s0, s1, s2, s3
                    return ZIGGURAT_R + xx, s0, s1, s2, s3
        else:
            u, s0, s1, s2, s3 = next_double(s0, s1, s2, s3)
            if (fi[idx - 1] - fi[idx]) * u + fi[idx] < math.exp(-0.5 * x * x):
                return x, s0, s1, s2, s3


def ziggurat_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build the 256-layer normal ziggurat tables ``(ki, wi, fi)`` for 52-bit mantissas.

    This is Marsaglia and Tsang's ``zigset`` with ``m = 2**52``: layer ``i`` has
    right edge ``x_i`` with ``wi[i] = x_i / m``, ``fi[i] = exp(-x_i**2 / 2)`` and
    ``ki[i] = floor(m * x_{i-1} / x_i)`` (the fraction of layer ``i`` that lies
    entirely under the density); layer 0 is the base strip plus the tail.

    Returns
    -------
    ki : ndarray of int64, shape (256,)
    wi, fi : ndarray of float64, shape (256,)
    """
    m1 = 2.0**52
    dn = ZIGGURAT_R
    tn = dn
    vn = ZIGGURAT_V
    ki = np.zeros(256, dtype=np.int64)
    wi = np.zeros(256, dtype=np.float64)
    fi = np.zeros(256, dtype=np.float64)
    q = vn / math.exp(-0.5 * dn * dn)
    ki[0] = int((dn / q) * m1)
    ki[1] = 0
    wi[0] = q / m1
    wi[255] = dn / m1
    fi[0] = 1.0
    fi[255] = math.exp(-0.5 * dn * dn)
    for i in range(254, 0, -1):
        dn = math.sqrt(-2.0 * math.log(vn / dn + math.exp(-0.5 * dn * dn)))
        ki[i + 1] = int((dn / tn) * m1)
        tn = dn
        fi[i] = math.exp(-0.5 * dn * dn)
        wi[i] = dn / m1
    return ki, wi, fi


@numba.njit(**JIT)
def fill_uniform(key: np.ndarray, block: np.int64, stream: np.int64, out: np.ndarray) -> None:
    """Fill ``out`` with uniforms from the state of ``(key, block, stream)``."""
    s0, s1, s2, s3 = seed_state(key, block, stream)
    for i in range(out.shape[0]):
        out[i], s0, s1, s2, s3 = next_double(s0, s1, s2, s3)


@numba.njit(**JIT)
def fill_u64(key: np.ndarray, block: np.int64, stream: np.int64, out: np.ndarray) -> None:
    """Fill ``out`` (uint64) with raw xoshiro256++ outputs of ``(key, block, stream)``."""
    s0, s1, s2, s3 = seed_state(key, block, stream)
    for i in range(out.shape[0]):
        out[i], s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)


@numba.njit(**JIT)
def fill_normal(
    key: np.ndarray,
    block: np.int64,
    stream: np.int64,
    ki: np.ndarray,
    wi: np.ndarray,
    fi: np.ndarray,
    out: np.ndarray,
) -> None:
    """Fill ``out`` with standard normals from ``(key, block, stream)``."""
    s0, s1, s2, s3 = seed_state(key, block, stream)
    for i in range(out.shape[0]):
        out[i], s0, s1, s2, s3 = next_normal(s0, s1, s2, s3, ki, wi, fi)
