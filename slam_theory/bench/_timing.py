"""The timing loop the benchmark topics share."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def interleaved_medians(fns: Sequence[Callable[[], object]], repeats: int) -> list[float]:
    """Median wall time of each function, the repeats run round robin (one of each per round).

    Timing ours and the peer alternately makes a change of machine load hit both alike; each
    call's result is dropped before the next call starts.

    Parameters
    ----------
    fns : sequence of callable
        The functions to time, called without arguments.
    repeats : int
        Rounds; each function is called once per round.

    Returns
    -------
    list of float
        One median per function, in seconds.

    Examples
    --------
    >>> calls = []
    >>> times = interleaved_medians([lambda: calls.append("a"), lambda: calls.append("b")], 2)
    >>> calls, len(times)
    (['a', 'b', 'a', 'b'], 2)
    """
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [statistics.median(ts) for ts in times]
