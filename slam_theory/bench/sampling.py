"""Benchmark: :class:`slam_theory.data.MarginHalfspace` sampling vs numpy's normal sampler.

Peer: ``numpy.random.default_rng().standard_normal((n, d))`` for the same ``n x d``
(the cost of the Gaussian matrix any "normalise a Gaussian" sampler starts
from).  Ours draws the margin coordinate by an inverse CDF and the orthogonal
part with a parallel ziggurat kernel.  Both sides allocate their output, both
are timed alternately, median of 5 repeats, after a warm-up (JIT compile excluded),
on 1 and on 2 Numba threads (the numpy peer is single-threaded either way).
"""

from __future__ import annotations

import numba
import numpy as np

from ..data import MarginHalfspace
from ._timing import interleaved_medians

__all__ = ["run"]

_TARGETS = {1: 1.0, 2: 1.8}


def run(quick: bool = False) -> list[dict]:
    """Run the sampling benchmark.

    Parameters
    ----------
    quick : bool, default False
        ``n = 1e5`` instead of ``1e6`` (``d = 100`` either way).

    Returns
    -------
    list of dict
        One row per (gamma, threads) with the keys of the benchmark schema:
        ``name, ours_s, peer, peer_s, ratio, target, met, notes``.
    """
    n = 100_000 if quick else 1_000_000
    d = 100
    repeats = 5
    rows: list[dict] = []
    saved = numba.get_num_threads()
    n_cores = numba.config.NUMBA_NUM_THREADS
    try:
        for threads in (1, 2):
            if threads > n_cores:
                continue
            numba.set_num_threads(threads)
            for gamma in (0.05, 0.3):
                gen = MarginHalfspace(d, gamma, random_state=0)
                gen.sample(2048)  # warm-up: compile / load the cached kernels
                rng = np.random.default_rng(0)
                ours, peer = interleaved_medians(
                    [lambda g=gen: g.sample(n), lambda r=rng: r.standard_normal((n, d))], repeats
                )
                ratio = peer / ours
                target = _TARGETS[threads]
                rows.append(
                    {
                        "name": f"margin_sample_n{n}_d{d}_gamma{gamma}_threads{threads}",
                        "ours_s": ours,
                        "peer": "numpy Generator.standard_normal((n, d))",
                        "peer_s": peer,
                        "ratio": ratio,
                        "target": target,
                        "met": bool(ratio >= target),
                        "notes": (
                            f"MarginHalfspace(d={d}, gamma={gamma}).sample({n}) on {threads} "
                            f"numba thread(s); median of {repeats}"
                        ),
                    }
                )
    finally:
        numba.set_num_threads(saved)
    return rows
