"""Trial and analysis functions used by the engine's tests (imported as ``sweep_trials``)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np


def noisy_sum(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
    """A fast trial: a few random numbers that depend on the params and the seed."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=int(params["n"]))
    return {"mean": float(x.mean()), "first": float(x[0]), "label": f"n{params['n']}",
            "ok": bool(x[0] > 0)}


def trajectory(params: dict[str, Any], seed: np.random.SeedSequence) -> list[dict[str, Any]]:
    """A multi-row trial (a trajectory of 3 rows)."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(size=3).cumsum()
    return [{"t": i, "value": float(v)} for i, v in enumerate(steps)]


def sleepy(params: dict[str, Any], seed: np.random.SeedSequence) -> list[dict[str, Any]]:
    """A slow-ish multi-row trial for the SIGKILL test."""
    time.sleep(float(os.environ.get("SWEEP_TEST_SLEEP", "0.03")))
    rng = np.random.default_rng(seed)
    return [{"u": float(u), "big": "x" * 300} for u in rng.random(int(params["rows"]))]


def busy(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
    """A CPU-bound trial taking about ``params['work']`` seconds (for the speed-up check)."""
    rng = np.random.default_rng(seed)
    t_end = time.perf_counter() + float(params["work"])
    acc = 0.0
    n = 0
    while time.perf_counter() < t_end:
        a = rng.random(2000)
        acc += float(np.sort(a)[1000])
        n += 1
    return {"acc": acc / max(n, 1)}


def cpu_fixed(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
    """A CPU-bound trial with a fixed amount of work (pure Python + small numpy)."""
    rng = np.random.default_rng(seed)
    acc = 0.0
    for _ in range(int(params["iters"])):
        a = rng.random(500)
        acc += float(np.sort(a)[250])
    return {"acc": acc}


def failing(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
    """Fails for n == 3."""
    if params["n"] == 3:
        raise RuntimeError("boom")
    return {"v": 1.0}


def count_rows(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
    """A tiny analysis function."""
    return {
        "n_rows": len(rows),
        "claims": [
            {"id": c["id"], "statement": c.get("statement", ""), "learner": None,
             "parameter": "n", "exponent": float("nan"), "ci": [None, None],
             "theory_exponent": 1.0, "verdict": "inconclusive"}
            for c in config["claims"]
        ],
    }


def one_figure(results_dir: Path, figures_dir: Path) -> list[Path]:
    """A figure function writing a text file."""
    out = figures_dir / f"{results_dir.name}.txt"
    out.write_text(str(len((results_dir / "trials.csv").read_text().splitlines())))
    return [out]


LEARNERS = ("a", "b")


def check_params(trial: str, params: dict[str, Any]) -> None:
    """The module's parameter check: the runner calls it on every grid point before running."""
    if "learner" in params and params["learner"] not in LEARNERS:
        raise ValueError(f"learner must be one of {LEARNERS}, got {params['learner']!r}")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def killer(params: dict[str, Any], seed: np.random.SeedSequence) -> list[dict[str, Any]]:
    """A multi-row trial; the trial ``i == $SWEEP_TEST_KILL_AT, rows == 1`` of seed 0 SIGKILLs
    the run (exactly one trial does).

    Before the kill it writes the run's child processes (its loky workers and their resource
    tracker) to ``$SWEEP_TEST_PIDS``; a worker then keeps "computing", so only a watchdog can
    end it.
    """
    import signal

    at = os.environ.get("SWEEP_TEST_KILL_AT")
    if (at is not None and int(params["i"]) == int(at) and int(params["rows"]) == 1
            and seed.spawn_key[0] == 0):
        main = int(os.environ["SWEEP_TEST_MAIN_PID"])
        Path(os.environ["SWEEP_TEST_PIDS"]).write_text(
            " ".join(str(p) for p in _children(main)))
        os.kill(main, signal.SIGKILL)
        time.sleep(60)
    rng = np.random.default_rng(seed)
    return [{"u": float(u), "pad": "x" * 200} for u in rng.random(int(params["rows"]))]
