"""Peak memory of a streaming trial: ``O(batch * d)``, not ``O(n * d)``.

Runs :func:`slam_theory.experiments.halfspace_trial.halfspace_stream_error` (one pass of the
online LeakyReLU learner over ``MarginHalfspace.stream``) in a fresh subprocess and reads its
peak resident set size (``VmHWM``, Linux).  The peer is the same subprocess with
``n = batch`` (imports, compiled kernels and one batch: the floor any streaming run pays), so
``ours - peer`` is what the ``n`` extra examples cost.  The ratio reported is the memory an
in-memory ``X`` of ``n x d`` float64 would need divided by that extra cost (target: at least
10x, i.e. clearly not ``O(n * d)``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

_CHILD = r"""
import json, sys
import numpy as np
from slam_theory.experiments import halfspace_trial
n, d, batch = (int(a) for a in sys.argv[1:4])
params = {"learner": "leaky_relu_online", "d": d, "gamma": 0.05, "eta": 0.2, "n": n,
          "batch": batch}
out = halfspace_trial.halfspace_stream_error(params, np.random.SeedSequence(0))
# VmHWM (this process's own peak RSS): ru_maxrss would carry the parent's peak across exec
with open("/proc/self/status") as fh:
    hwm = next(line for line in fh if line.startswith("VmHWM:"))
out["maxrss_bytes"] = int(hwm.split()[1]) * 1024
print(json.dumps(out))
"""


def _peak(n: int, d: int, batch: int) -> tuple[float, float, dict[str, Any]]:
    t0 = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-c", _CHILD, str(n), str(d), str(batch)],
        check=True, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - t0
    out = json.loads(res.stdout.strip().splitlines()[-1])
    return float(out["maxrss_bytes"]), elapsed, out


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Measure the peak memory of a streaming trial against its one-batch floor.

    Parameters
    ----------
    quick : bool, default=False
        ``n = 1e6`` instead of ``1e7`` (``d = 100``, ``batch = 65536`` in both).

    Returns
    -------
    list of dict
        One benchmark row (keys of :data:`slam_theory.bench.FIELDS`); ``ours_s`` and
        ``peer_s`` hold peak RSS in MiB here, not seconds (the notes say so).
    """
    n = 1_000_000 if quick else 10_000_000
    d, batch = 100, 65_536
    _peak(batch, d, batch)  # warm the numba cache so neither run pays compilation
    floor, _, _ = _peak(batch, d, batch)
    peak, elapsed, out = _peak(n, d, batch)
    extra = max(peak - floor, 1.0)
    in_memory = 8.0 * n * d
    ratio = in_memory / extra
    mib = 1024.0 * 1024.0
    return [{
        "name": f"streaming trial peak RSS, n={n:.0e}, d={d}, batch={batch}",
        "ours_s": peak / mib,
        "peer": "same trial with n = batch (one-batch floor)",
        "peer_s": floor / mib,
        "ratio": ratio,
        "target": 10.0,
        "met": bool(ratio >= 10.0),
        "notes": (
            f"MiB, not seconds: peak {peak / mib:.0f} MiB vs floor {floor / mib:.0f} MiB; "
            f"an in-memory X would need {in_memory / mib:.0f} MiB; ratio = in-memory X / "
            f"(peak - floor); {elapsed:.1f} s wall; disagreement {out['disagreement']:.4f}"
        ),
    }]
