"""Scaling on a real local dask cluster against loky on the same cores.

Usage: ``python tools/dask_scaling.py [--experiment dimension_free] [--preset quick]
[--workers 1,2] [--out benchmarks/scaling.json]``.

For each k of ``--workers`` it starts ``dask scheduler`` and k ``dask worker`` processes (one
thread each, no nanny) on loopback, runs the experiment from scratch through them, then runs
it with ``--jobs k`` on loky; every run's ``trials.csv`` must be byte-identical. A warm-up run
first fills the compile caches. The JSON records the wall times and the speed-ups over one
loky worker.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slam_theory import runner  # noqa: E402
from slam_theory.results import versions  # noqa: E402


def _cluster(k: int, tmp: Path) -> tuple[str, list[subprocess.Popen[bytes]]]:
    sfile = tmp / f"scheduler{k}.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                               "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(sfile)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    deadline = time.monotonic() + 60
    while not sfile.exists() or not sfile.read_text().strip():
        if time.monotonic() > deadline:
            raise SystemExit("dask scheduler did not start")
        time.sleep(0.2)
    address = json.loads(sfile.read_text())["address"]
    for _ in range(k):
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker",
                                       address, "--nthreads", "1", "--nworkers", "1",
                                       "--no-nanny", "--no-dashboard"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    import distributed

    with distributed.Client(address, timeout="30s") as client:
        client.wait_for_workers(k, timeout=60)
    return address, procs


def _run(path: Path, preset: str, work: Path, **kw: Any) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    res = runner.run_experiment(path, preset=preset, results_dir=work, fresh=True,
                                progress=False, **kw)
    return time.perf_counter() - t0, res.trials_csv.read_bytes()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--experiment", default="dimension_free", help="experiment to time")
    ap.add_argument("--preset", default="quick", help="its preset")
    ap.add_argument("--workers", default="1,2", help="worker counts")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "scaling.json"), help="output")
    args = ap.parse_args(argv)
    path = ROOT / "experiments" / f"{args.experiment}.toml"
    tmp = Path(tempfile.mkdtemp(prefix="slam-scaling-"))
    out: dict[str, Any] = {"experiment": args.experiment, "preset": args.preset,
                           "trials": len(runner.expand_trials(runner.load_config(
                               path, args.preset))),
                           "cpu_count": os.cpu_count(), "versions": versions(), "runs": [],
                           "load_average_start": round(os.getloadavg()[0], 2)}
    try:
        _run(path, args.preset, tmp / "warm", n_jobs=1)
        csvs = set()
        for k in (int(x) for x in args.workers.split(",")):
            wall, csv = _run(path, args.preset, tmp / f"loky{k}", n_jobs=k)
            csvs.add(csv)
            out["runs"].append({"backend": "loky", "workers": k, "wall_s": round(wall, 2)})
            print(f"loky  {k} worker(s): {wall:7.1f} s", flush=True)
            address, procs = _cluster(k, tmp)
            try:
                wall, csv = _run(path, args.preset, tmp / f"dask{k}", scheduler=address,
                                 n_jobs=-1, scheduler_timeout=30)
            finally:
                for p in reversed(procs):
                    p.kill()
                    p.wait()
            csvs.add(csv)
            out["runs"].append({"backend": "dask", "workers": k, "wall_s": round(wall, 2)})
            print(f"dask  {k} worker(s): {wall:7.1f} s", flush=True)
        base = next(r["wall_s"] for r in out["runs"] if r["backend"] == "loky"
                    and r["workers"] == 1)
        for r in out["runs"]:
            r["speedup_vs_loky_1"] = round(base / r["wall_s"], 3)
            r["trials_per_s"] = round(out["trials"] / r["wall_s"], 2)
        out["identical_rows"] = len(csvs) == 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["load_average_end"] = round(os.getloadavg()[0], 2)
    Path(args.out).write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"identical rows on every backend: {out.get('identical_rows')} -> {args.out}")
    return 0 if out.get("identical_rows") else 1


if __name__ == "__main__":
    raise SystemExit(main())
