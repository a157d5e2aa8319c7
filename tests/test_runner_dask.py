"""A real dask scheduler that goes away mid-run: one line, exit 2, the finished trials kept."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from slam_theory import results

pytest.importorskip("distributed")

FIXTURES = Path(__file__).resolve().parent / "fixtures_sweep"
ROOT = Path(__file__).resolve().parent.parent
TOML = textwrap.dedent("""\
    name = "lost"
    trial = "sweep_trials:sleepy"
    root_seed = 3
    [grid]
    i = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    rows = [1, 3]
    [presets.quick]
    seeds = 2
    [presets.full]
    seeds = 2
    """)
# the command line, with the test trials allowed (in the workers too)
DRIVER = textwrap.dedent("""\
    import functools, sys
    sys.path.insert(0, {fixtures!r})
    from slam_theory import cli, runner
    from slam_theory.runner import config, references, run
    real = references.resolve_reference
    def resolve(ref, *, allow_external=False):
        return real(ref, allow_external=True)
    for m in (config, references, run):
        m.resolve_reference = resolve
    runner.run_experiment = functools.partial(run.run_experiment, allow_external=True)
    raise SystemExit(cli.main(sys.argv[1:]))
    """)
DASK = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
WORKER = [sys.executable, "-m", "distributed.cli.dask_worker"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(FIXTURES), str(ROOT)]),
            "SWEEP_TEST_SLEEP": "0.25"}


def _cli(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", DRIVER.format(fixtures=str(FIXTURES)),
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=_env())


def _stored(store: Path) -> dict[str, list[dict[str, str]]]:
    if not store.exists():
        return {}
    try:
        with results.TrialStore.read(store) as s:
            return {t.key: t.rows for t in s.trials() if t.status == "ok"}
    except results.StoreError:
        return {}


@pytest.fixture
def cluster(tmp_path: Path):
    """A ``dask scheduler`` and one ``dask worker`` (one thread) on loopback."""
    sfile = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([*DASK, "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(sfile)], env=_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not sfile.exists() or not sfile.read_text().strip():
            assert time.monotonic() < deadline, "the dask scheduler did not start"
            time.sleep(0.2)
        time.sleep(0.2)
        address = json.loads(sfile.read_text())["address"]
        procs.append(subprocess.Popen([*WORKER, address, "--nthreads", "1", "--nworkers", "1",
                                       "--no-dashboard", "--no-nanny"], env=_env(),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address, procs[0]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.kill()
            p.wait()


def test_scheduler_killed_mid_run_ends_in_one_line_and_resumes(tmp_path: Path,
                                                               cluster) -> None:
    address, scheduler = cluster
    exp = tmp_path / "exp"
    exp.mkdir()
    (exp / "lost.toml").write_text(TOML)
    ref_dir, res_dir = tmp_path / "ref", tmp_path / "res"
    argv = ["run", str(exp / "lost.toml"), "--no-progress"]
    ref = _cli([*argv, "--results", str(ref_dir)])
    assert ref.wait(timeout=300) == 0, ref.stderr.read()
    reference = _stored(ref_dir / "lost" / "trials.sqlite")
    assert len(reference) == 48

    run = _cli([*argv, "--results", str(res_dir), "--scheduler", address,
                "--scheduler-timeout", "10"])
    store = res_dir / "lost" / "trials.sqlite"
    deadline = time.monotonic() + 120
    while len(_stored(store)) < 4:  # some trials finished on the cluster
        assert run.poll() is None, run.stderr.read()
        assert time.monotonic() < deadline, "no trial finished on the cluster"
        time.sleep(0.1)
    os.kill(scheduler.pid, signal.SIGKILL)
    try:
        _, err = run.communicate(timeout=90)  # the timeout plus reconnection attempts
    except subprocess.TimeoutExpired:
        run.kill()
        pytest.fail("the run hung after its scheduler died")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert run.returncode == 2, err
    assert "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("slam-theory: error:") and "scheduler" in lines[0]

    kept = _stored(store)
    assert 4 <= len(kept) < 48
    assert all(reference[k] == rows for k, rows in kept.items())  # whole trials, same rows

    resume = _cli([*argv, "--results", str(res_dir), "--jobs", "2"])
    assert resume.wait(timeout=300) == 0, resume.stderr.read()
    assert (res_dir / "lost" / "trials.csv").read_bytes() == (
        ref_dir / "lost" / "trials.csv").read_bytes()
    assert not (res_dir / ".lost.lock").exists()
    shutil.rmtree(tmp_path / "exp")


def test_batches_cover_every_trial_once_in_order() -> None:
    from slam_theory.runner.executor import batches

    for n in (0, 1, 7, 100, 1001):
        for slots in (1, 2, 5):
            bs = batches(list(range(n)), slots)
            assert [x for b in bs for x in b] == list(range(n))
            assert all(bs) and (n == 0 or len(bs) <= slots * 8)


def test_a_batch_gives_the_outcomes_of_its_trials_one_by_one() -> None:
    """Batching changes no number: each trial keeps its own seed."""
    sys.path.insert(0, str(FIXTURES))
    import sweep_trials

    from slam_theory.runner.executor import execute, execute_batch

    args = [({"n": n}, 11, (n, 0), f"k{n}") for n in (3, 5, 8)]
    one = [execute(sweep_trials.noisy_sum, True, *a) for a in args]
    batch = execute_batch(sweep_trials.noisy_sum, True, args)
    assert [(o.key, o.rows) for o in one] == [(o.key, o.rows) for o in batch]
