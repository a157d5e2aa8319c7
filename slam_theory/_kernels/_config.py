"""The one place where Numba compilation flags live.

``JIT`` is for serial kernels and ``PJIT`` for kernels that use ``numba.prange``.
Parallel kernels split their work into a fixed number of chunks (``N_CHUNKS``)
that does not depend on the thread count and merge results in chunk order, so
results are identical on 1 or N threads.

``fastmath`` is kept off: reassociating floating-point sums would make results
depend on the compiler's vectorisation choices.  Only the ``nnan``/``ninf``-free
subset that cannot change a finite result (``contract``, ``arcp`` are not used)
would be safe, and the measured gain did not justify it.

The one exception is ``FASTMATH_REDUCE`` (see below): a named, restricted flag set for small
inner-product / sum helpers only, where it is what lets LLVM vectorise the reduction.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import numba

FASTMATH: bool = False
CACHE: bool = os.environ.get("SLAM_THEORY_NUMBA_CACHE", "1") != "0"

#: Keyword arguments for ``numba.njit`` on serial kernels.
JIT: dict = {"cache": CACHE, "fastmath": FASTMATH, "nogil": True}
#: Keyword arguments for ``numba.njit`` on ``prange`` kernels.
PJIT: dict = {"cache": CACHE, "fastmath": FASTMATH, "nogil": True, "parallel": True}
#: Restricted fastmath for the inner reduction helpers (dot products, sums) of the hot loops
#: ONLY, never for whole kernels.  Why: without ``reassoc`` LLVM must keep a reduction's
#: sequential summation order, so ``sum_j x_j w_j`` runs as a scalar dependency chain (neither
#: the loop nor the SLP vectoriser packs explicit unrolled accumulators either; checked with
#: ``inspect_asm``); with it the loop becomes 4-wide ``vfmadd...pd ymm`` with several
#: accumulators (about 3-4x faster at d = 100).  ``contract`` allows fused multiply-add.
#: What it costs: the summation order (and FMA rounding) follows the CPU's vector width, so
#: results can differ in the last bits between machines (e.g. AVX2 vs AVX-512); they stay
#: bit-identical for a given machine and for any thread count (these helpers are serial).
#: No ``nnan``/``ninf``/``nsz``/``arcp``/``afn``: NaN/inf propagate and are still detected.
FASTMATH_REDUCE: frozenset = frozenset({"reassoc", "contract"})
#: Keyword arguments for ``numba.njit`` on such reduction helpers.
JIT_REDUCE: dict = {"cache": CACHE, "fastmath": set(FASTMATH_REDUCE), "nogil": True}
#: Fixed number of work chunks for parallel kernels (independent of thread count).
N_CHUNKS: int = 64


def num_threads() -> int:
    """Number of threads Numba's parallel kernels use (``numba.get_num_threads()``).

    Callers outside ``_kernels`` that split work over threads (e.g. scipy special functions,
    which release the GIL) use this so that they follow the same setting.
    """
    return int(numba.get_num_threads())


@contextlib.contextmanager
def parallel_chunksize(size: int) -> Iterator[None]:
    """Let ``prange`` loops hand out work in chunks of ``size`` iterations (dynamic scheduling).

    Threads that are slowed down (e.g. on a busy machine) then take less work.  Which
    iterations a thread runs never changes the output of the sampling kernels: every block has
    its own RNG state and every element is written by exactly one iteration.
    """
    saved = numba.get_parallel_chunksize()
    numba.set_parallel_chunksize(size)
    try:
        yield
    finally:
        numba.set_parallel_chunksize(saved)
