"""What ``slam-theory reproduce --full`` costs: one timed run, its wall time per experiment.

Usage (from the repository root)::

    python tools/full_run.py [--jobs 2] [--results results_full] [--figures figures_full]
                             [--out benchmarks/full_run.json] [--no-fresh]

Runs ``slam-theory reproduce --full --jobs J`` once, as a user would (one process, the
whole-run progress bar on stderr), into its own results and figures folders, and writes the
JSON record that README's "Known costs" quotes: the total wall time; each experiment's
trials, wall time and trials per second (parsed from the per-experiment lines the command
prints) and the sum of its single-trial times from ``timings.csv`` (the work one worker would
do); the experiments that printed no line (skipped because their data are not on this machine,
or failed); the load average before and after; the package versions.  The 30-minute target on
two cores is recorded with a ``met`` flag, which is false whenever the run is slower.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slam_theory.results import versions  # noqa: E402

#: The target wall time of ``reproduce --full`` on two cores, in seconds.
TARGET_S = 30 * 60

_LINE = re.compile(r"^(?P<name>\w+) \(full\): (?P<run>\d+) trials run, (?P<done>\d+) already "
                   r"done, (?P<failed>\d+) failed, (?P<wall>[\d.]+) s")


def parse_output(text: str) -> dict[str, dict[str, Any]]:
    """Per-experiment trials and wall times from reproduce's standard output.

    Examples
    --------
    >>> rows = parse_output(
    ...     "rate_eps (full): 700 trials run, 0 already done, 0 failed, 92.5 s -> r/t.csv\\n")
    >>> rows["rate_eps"]["trials"], rows["rate_eps"]["wall_s"]
    (700, 92.5)
    """
    rows: dict[str, dict[str, Any]] = {}
    for line in text.splitlines():
        m = _LINE.match(line.strip())
        if m:
            n, wall = int(m["run"]), float(m["wall"])
            rows[m["name"]] = {"trials": n, "failed": int(m["failed"]), "wall_s": wall,
                               "trials_per_s": round(n / wall, 3) if wall > 0 else None}
    return rows


def trial_seconds(timings: Path) -> float:
    """Sum of the single-trial wall times in a ``timings.csv`` (0 if there is none)."""
    if not timings.is_file():
        return 0.0
    with timings.open(newline="") as fh:
        return sum(float(r["wall_s"]) for r in csv.DictReader(fh) if r.get("wall_s"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--results", default="results_full")
    ap.add_argument("--figures", default="figures_full")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "full_run.json"))
    ap.add_argument("--no-fresh", action="store_true", help="resume instead of starting over")
    args = ap.parse_args(argv)
    cmd = [sys.executable, "-m", "slam_theory.cli", "reproduce", "--full", "--jobs",
           str(args.jobs), "--results", args.results, "--figures", args.figures]
    if not args.no_fresh:
        cmd.append("--fresh")
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - t0
    sys.stdout.write(proc.stdout)
    rows = parse_output(proc.stdout)
    # experiments that printed no line: skipped (their data are not here) or failed
    not_run = sorted(f.stem for f in (ROOT / "experiments").glob("*.toml") if f.stem not in rows)
    for name, row in rows.items():
        row["trial_seconds"] = round(trial_seconds(ROOT / args.results / name / "timings.csv"), 1)
    out = {"command": " ".join(["slam-theory", *cmd[3:]]), "exit_status": proc.returncode,
           "jobs": args.jobs, "cpu_count": os.cpu_count(), "machine": platform.machine(),
           "load_average_start": round(load0, 2), "load_average_end": round(os.getloadavg()[0], 2),
           "total_wall_s": round(wall, 1), "target_s": TARGET_S, "met": wall <= TARGET_S,
           "experiments": rows, "not_run": not_run, "versions": versions()}
    Path(args.out).write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"reproduce --full: {wall:.1f} s on {args.jobs} jobs (target {TARGET_S} s: "
          f"{'met' if out['met'] else 'not met'}) -> {args.out}")
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
