"""What a preset costs: each experiment's wall time and trials per second, and a 2-job speed-up.

Usage: ``python tools/sweep_bench.py [--preset quick] [--jobs 2] [--speedup EXP]
[--only a,b] [--scheduler ADDRESS] [--out benchmarks/sweep.json]``.

Every experiment of the preset runs from scratch in a scratch results folder with ``--jobs``
workers (or on ``--scheduler``); the JSON records, per experiment, the trials, the wall time,
trials per second and the mean single-trial time (from ``timings.csv``: the cost weight that
``slam-theory reproduce`` uses for its whole-run progress bar and ETA). Then ``--speedup``'s
experiment runs once to warm up, then twice with 1 and twice with 2 jobs, interleaved, in the
same invocation; the ratio of the best wall times is the speed-up (target >= 1.9 on two idle
cores), and the rows of all four runs must be identical.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slam_theory import runner  # noqa: E402
from slam_theory.errors import DataUnavailableError  # noqa: E402
from slam_theory.results import versions  # noqa: E402

#: The speed-up target of two workers over one (two idle cores).
SPEEDUP_TARGET = 1.9


def _mean_trial_s(timings: Path) -> float:
    with timings.open(newline="") as fh:
        walls = [float(r["wall_s"]) for r in csv.DictReader(fh) if r.get("wall_s")]
    return sum(walls) / len(walls) if walls else float("nan")


def measure(path: Path, preset: str, jobs: int, scheduler: str | None,
            work: Path) -> dict[str, Any]:
    """Run one experiment from scratch; its trials, wall time and rates."""
    t0 = time.perf_counter()
    res = runner.run_experiment(path, preset=preset, n_jobs=jobs, scheduler=scheduler,
                                results_dir=work, fresh=True, progress=False)
    wall = time.perf_counter() - t0
    return {"trials": res.n_trials, "failed": res.n_failed, "wall_s": round(wall, 3),
            "trials_per_s": round(res.n_trials / wall, 3),
            "mean_trial_s": round(_mean_trial_s(res.timings_csv), 5),
            "csv": res.trials_csv}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--preset", default="quick", help="preset to measure")
    ap.add_argument("--jobs", type=int, default=2, help="workers per experiment")
    ap.add_argument("--scheduler", default=None, help="a dask scheduler address instead")
    ap.add_argument("--only", default="", help="comma-separated experiment names (all)")
    ap.add_argument("--speedup", default="rate_gamma",
                    help="experiment run with 1 and 2 jobs for the speed-up ('' to skip)")
    ap.add_argument("--experiments", default=str(ROOT / "experiments"), help="TOML folder")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "sweep.json"), help="output")
    args = ap.parse_args(argv)
    files = [f for f in sorted(Path(args.experiments).glob("*.toml"))  # as reproduce runs them
             if args.preset in runner.load_config(f, args.preset)["reproduce"]]
    if args.only:
        keep = set(args.only.split(","))
        files = [f for f in files if f.stem in keep]
    work = Path(tempfile.mkdtemp(prefix="slam-sweep-bench-"))
    out: dict[str, Any] = {"preset": args.preset, "jobs": args.jobs,
                           "scheduler": "dask" if args.scheduler else "loky",
                           "cpu_count": os.cpu_count(), "machine": platform.machine(),
                           "load_average_start": round(os.getloadavg()[0], 2),
                           "versions": versions(), "experiments": {}}
    try:
        for f in files:
            try:
                m = measure(f, args.preset, args.jobs, args.scheduler, work)
            except DataUnavailableError as exc:  # as reproduce does: say so, go on
                out.setdefault("not_run", []).append(f.stem)
                print(f"{f.stem}: skipped ({exc})", flush=True)
                continue
            m.pop("csv")
            out["experiments"][f.stem] = m
            print(f"{f.stem:<26} {m['trials']:>6} trials {m['wall_s']:>9.1f} s "
                  f"{m['trials_per_s']:>8.2f} trials/s  mean trial {m['mean_trial_s']:.4f} s",
                  flush=True)
        total = sum(m["wall_s"] for m in out["experiments"].values())
        out["total_wall_s"] = round(total, 1)
        if args.speedup:
            path = Path(args.experiments) / f"{args.speedup}.toml"
            measure(path, args.preset, 2, None, work / "warm")  # compile caches, page cache
            runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
            for jobs in (1, 2, 1, 2):  # interleaved, so a busy spell hits both
                runs[jobs].append(measure(path, args.preset, jobs, None, work / f"j{jobs}"))
                runs[jobs][-1]["csv"] = runs[jobs][-1]["csv"].read_bytes()
            one = min(runs[1], key=lambda m: m["wall_s"])
            two = min(runs[2], key=lambda m: m["wall_s"])
            same = len({m["csv"] for m in runs[1] + runs[2]}) == 1
            for m in runs[1] + runs[2]:
                m.pop("csv")
            ratio = one["wall_s"] / two["wall_s"]
            out["speedup"] = {"experiment": args.speedup, "jobs_1": one, "jobs_2": two,
                              "ratio": round(ratio, 3), "target": SPEEDUP_TARGET,
                              "met": ratio >= SPEEDUP_TARGET, "identical_rows": same}
            print(f"speed-up of 2 jobs over 1 on {args.speedup}: {ratio:.2f}x (target "
                  f"{SPEEDUP_TARGET}); identical rows: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["load_average_end"] = round(os.getloadavg()[0], 2)
    Path(args.out).write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"total {out.get('total_wall_s')} s -> {args.out} (load average "
          f"{out['load_average_start']} -> {out['load_average_end']} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
