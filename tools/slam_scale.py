"""Does SLaM's eps-tied sigmoid scale set its exponent in 1/eps?  Measure it.

Usage: ``python tools/slam_scale.py [--preset full] [--jobs 2] [--out benchmarks/slam_scale.json]``.

``SLaMHalfspace``'s default inverse temperature is ``log((1 - eps)/eps) / gamma`` for the
excess error ``eps`` it is told, so along the ``rate_eps`` grid its scale (and its step
``1 / scale``) changes with the target. This runs the claim ``eps_exponent_slam`` of
``experiments/rate_eps.toml`` through :func:`slam_theory.experiments.check_claim` twice with
SLaM's ``epsilon`` held fixed (at the excess error of the grid's largest and of its smallest
target), so that only the instance changes with eps. The claim's own run (scale tied to each
target, the sweep's seeds) is in ``results_full/rate_eps/summary.json``; the JSON written here
copies its numbers beside the two fixed-scale runs, each with its exponent, interval, local
slopes, thresholds and verdict.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slam_theory import halfspaces, runner  # noqa: E402
from slam_theory.experiments import check_claim  # noqa: E402
from slam_theory.results import versions  # noqa: E402

_KEYS = ("exponent", "ci", "local_slopes", "thresholds", "threshold_censored", "verdict",
         "rule", "reason", "values")


def _run(config: dict, est: Any, jobs: int) -> dict[str, Any]:
    out = check_claim(est, config, claim="eps_exponent_slam", controls=(), n_jobs=jobs)
    return {k: out[k] for k in _KEYS}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--preset", default="full")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "slam_scale.json"))
    args = ap.parse_args(argv)
    config = runner.load_config(ROOT / "experiments" / "rate_eps.toml", args.preset)
    fx = config["fixed"]
    eta, gamma = float(fx["eta"]), float(fx["gamma"])
    targets = sorted(float(t) for t in config["grid"]["target"])
    runs: dict[str, Any] = {}
    for label, eps in (("fixed_at_largest_target", targets[-1] * (1 - 2 * eta)),
                       ("fixed_at_smallest_target", targets[0] * (1 - 2 * eta))):
        t0 = time.perf_counter()
        est = halfspaces.SLaMHalfspace(eta=eta, gamma=gamma, epsilon=eps, random_state=0)
        runs[label] = {"epsilon": eps, "scale": math.log((1 - eps) / eps) / gamma,
                       **_run(config, est, args.jobs),
                       "wall_s": round(time.perf_counter() - t0, 1)}
        print(f"{label:26s} exponent {runs[label]['exponent']:.3f} "
              f"{runs[label]['ci']} {runs[label]['verdict']}", flush=True)
    own = ROOT / ("results" if args.preset == "quick" else f"results_{args.preset}") / (
        "rate_eps/summary.json")
    if own.exists():
        claims = json.loads(own.read_text())["claims"]
        mine = next(c for c in claims if c["id"] == "eps_exponent_slam")
        runs["tied_to_each_target"] = {"source": str(own.relative_to(ROOT)),
                                       **{k: mine[k] for k in _KEYS}}
    record = {"experiment": "rate_eps", "claim": "eps_exponent_slam", "preset": args.preset,
              "eta": eta, "gamma": gamma, "targets": targets, "runs": runs,
              "versions": versions()}
    Path(args.out).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
