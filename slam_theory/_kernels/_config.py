"""The one place where Numba compilation flags live.

``JIT`` is for serial kernels and ``PJIT`` for kernels that use ``numba.prange``.
Parallel kernels split their work into a fixed number of chunks (``N_CHUNKS``)
that does not depend on the thread count and merge results in chunk order, so
results are identical on 1 or N threads.

``fastmath`` is kept off: reassociating floating-point sums would make results
depend on the compiler's vectorisation choices.  Only the ``nnan``/``ninf``-free
subset that cannot change a finite result (``contract``, ``arcp`` are not used)
would be safe, and the measured gain did not justify it.
"""

from __future__ import annotations

import os

FASTMATH: bool = False
CACHE: bool = os.environ.get("SLAM_THEORY_NUMBA_CACHE", "1") != "0"

#: Keyword arguments for ``numba.njit`` on serial kernels.
JIT: dict = {"cache": CACHE, "fastmath": FASTMATH, "nogil": True}
#: Keyword arguments for ``numba.njit`` on ``prange`` kernels.
PJIT: dict = {"cache": CACHE, "fastmath": FASTMATH, "nogil": True, "parallel": True}
#: Fixed number of work chunks for parallel kernels (independent of thread count).
N_CHUNKS: int = 64
