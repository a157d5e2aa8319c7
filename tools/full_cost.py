"""What a preset would cost, from a seeded sample of its trials (without running the preset).

Usage: ``python tools/full_cost.py [--preset full] [--sample 3] [--seed 0] [--cap 300]
[--out benchmarks/full_cost.json]``.

For each experiment it draws ``--sample`` trials of the preset with the seed, times each in a
subprocess (one thread, capped at ``--cap`` seconds: a capped trial counts as ``--cap``, so the
estimate is then a lower bound), and estimates the preset's single-worker time as the mean
sampled time x the number of trials; the cost on k workers is that over k (trials are
independent; the quick presets' measured 2-worker speed-up is in ``benchmarks/sweep.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slam_theory import runner  # noqa: E402
from slam_theory.results import versions  # noqa: E402

ONE = """
import sys, json, time
sys.path.insert(0, {root!r})
from slam_theory import runner
from slam_theory.runner.executor import execute
cfg = runner.load_config({path!r}, {preset!r})
t = runner.expand_trials(cfg)[{index}]
t0 = time.perf_counter()
out = execute(cfg["trial"], False, t.params, t.entropy, t.spawn_key, t.key)
print(json.dumps({{"wall_s": time.perf_counter() - t0, "status": out.status}}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--preset", default="full", help="preset to estimate")
    ap.add_argument("--sample", type=int, default=3, help="trials sampled per experiment")
    ap.add_argument("--seed", type=int, default=0, help="sampling seed")
    ap.add_argument("--cap", type=float, default=300.0, help="seconds per sampled trial")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "full_cost.json"),
                    help="output")
    args = ap.parse_args(argv)
    out: dict[str, Any] = {"preset": args.preset, "sample": args.sample, "seed": args.seed,
                           "cap_s": args.cap, "versions": versions(), "experiments": {}}
    env = {**os.environ, "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
    for f in sorted((ROOT / "experiments").glob("*.toml")):
        trials = runner.expand_trials(runner.load_config(f, args.preset))
        rng = np.random.default_rng([args.seed, len(trials)])
        picks = sorted(rng.choice(len(trials), min(args.sample, len(trials)),
                                  replace=False).tolist())
        walls, capped = [], 0
        for i in picks:
            code = ONE.format(root=str(ROOT), path=str(f), preset=args.preset, index=i)
            t0 = time.perf_counter()
            try:
                p = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                   text=True, timeout=args.cap, env=env, cwd=ROOT)
                walls.append(json.loads(p.stdout.strip().splitlines()[-1])["wall_s"])
            except subprocess.TimeoutExpired:
                walls.append(args.cap)
                capped += 1
            except (ValueError, IndexError):
                walls.append(time.perf_counter() - t0)
        mean = float(np.mean(walls))
        est = mean * len(trials)
        out["experiments"][f.stem] = {"trials": len(trials), "sampled": picks,
                                      "sample_wall_s": [round(w, 3) for w in walls],
                                      "capped": capped, "mean_trial_s": round(mean, 4),
                                      "one_worker_h": round(est / 3600, 3),
                                      "lower_bound": capped > 0}
        print(f"{f.stem:<26} {len(trials):>6} trials  mean sampled trial {mean:8.3f} s  "
              f"~{est / 3600:7.2f} h on one worker{' (lower bound)' if capped else ''}",
              flush=True)
    total = sum(m["one_worker_h"] for m in out["experiments"].values())
    out["one_worker_h"] = round(total, 2)
    out["k_workers_h"] = {str(k): round(total / k, 2) for k in (1, 2, 8, 32, 128)}
    Path(args.out).write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"total ~{total:.1f} h on one worker -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
