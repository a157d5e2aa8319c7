"""Fault tests of the runner: kill -9 at a deterministic trial, no orphan workers, torn logs."""

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

from slam_theory import results, runner

FIXTURES = Path(__file__).resolve().parent / "fixtures_sweep"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

N_I = 12
CONFIG = {"name": "killme", "trial": "sweep_trials:killer", "root_seed": 5, "fixed": {},
          "grid": {"i": list(range(N_I)), "rows": [1, 9]}, "seeds": 2,
          "analysis": "sweep_trials:count_rows"}

DRIVER = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {fixtures!r})
    os.environ["SWEEP_TEST_MAIN_PID"] = str(os.getpid())
    from slam_theory.runner import run_experiment
    run_experiment({config!r}, n_jobs={jobs}, results_dir={results!r}, progress=False,
                   allow_external=True)
    """
)


def _run(res_dir: Path, jobs: int = 1) -> runner.RunResult:
    return runner.run_experiment(dict(CONFIG), n_jobs=jobs, results_dir=res_dir,
                                 progress=False, allow_external=True)


def _kill_run(res_dir: Path, jobs: int, kill_at: int, pids: Path) -> None:
    code = DRIVER.format(fixtures=str(FIXTURES), config=CONFIG, jobs=jobs,
                         results=str(res_dir))
    env = {**os.environ, "SWEEP_TEST_KILL_AT": str(kill_at), "SWEEP_TEST_PIDS": str(pids)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> runner.RunResult:
    return _run(tmp_path_factory.mktemp("ref") / "res", jobs=2)


def _stored_keys(store: Path) -> list[str]:
    with results.TrialStore.read(store) as s:
        return [t.key for t in s.trials()]


@pytest.mark.parametrize(("jobs", "kill_at"), [(1, 0), (1, 7), (2, 5)])
def test_kill9_then_resume_gives_exactly_the_uninterrupted_rows(
    tmp_path: Path, reference: runner.RunResult, jobs: int, kill_at: int
) -> None:
    res_dir = tmp_path / "res"
    pids = tmp_path / "pids"
    _kill_run(res_dir, jobs, kill_at, pids)
    store = res_dir / "killme" / "trials.sqlite"
    done = _stored_keys(store) if store.exists() else []
    plan = runner.expand_trials(runner.config_from_dict(dict(CONFIG), allow_external=True))
    if jobs == 1:  # in-process: exactly the trials before the killer, in plan order
        first = next(t.index for t in plan if t.params["i"] == kill_at and t.seed_index == 0)
        assert sorted(done) == sorted(t.key for t in plan[:first])
    else:
        assert len(done) < len(plan)
    res = _run(res_dir, jobs=jobs)
    assert res.n_skipped == len(done) and res.n_run == len(plan) - len(done)
    assert res.trials_csv.read_bytes() == reference.trials_csv.read_bytes()
    assert json.loads(res.summary_json.read_text()) == json.loads(
        reference.summary_json.read_text())
    assert not (res_dir / ".killme.lock").exists()


def test_killed_run_leaves_no_worker_behind(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    _kill_run(tmp_path / "res", 2, 3, pids)
    children = [int(p) for p in pids.read_text().split()]
    assert children, "the run had no worker processes"
    deadline = time.monotonic() + 30  # the watchdog polls every 0.25 s; generous for CI
    while any(_alive(p) for p in children):
        assert time.monotonic() < deadline, f"orphans alive: {[p for p in children if _alive(p)]}"
        time.sleep(0.1)


def test_the_watchdog_check_can_fail(tmp_path: Path) -> None:
    """Without the watchdog, a worker busy in a trial outlives its killed parent."""
    code = textwrap.dedent(
        """
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print(child.pid, flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    proc.kill()
    proc.wait()
    time.sleep(1.0)
    try:
        assert _alive(child)  # a plain child (no watchdog) is an orphan
    finally:
        os.kill(child, signal.SIGKILL)


def test_torn_write_ahead_log_keeps_a_prefix_of_whole_trials(
    tmp_path: Path, reference: runner.RunResult
) -> None:
    """A kill leaves committed trials in the WAL; cut it at any byte: whole trials or none."""
    killed = tmp_path / "killed"
    _kill_run(killed, 1, 9, tmp_path / "pids")
    wal = killed / "killme" / "trials.sqlite-wal"
    assert wal.exists() and wal.stat().st_size > 0
    n_done = len(_stored_keys(killed / "killme" / "trials.sqlite"))
    size = wal.stat().st_size
    all_keys = {t.key for t in runner.expand_trials(
        runner.config_from_dict(dict(CONFIG), allow_external=True))}
    seen = set()
    for cut in sorted({0, 1, 31, 32, 33, size // 3, size // 2, size - 1, size}):
        copy = tmp_path / f"cut{cut}"
        shutil.copytree(killed, copy)
        with open(copy / "killme" / "trials.sqlite-wal", "r+b") as fh:
            fh.truncate(cut)
        rows = results.read_trials(copy / "killme" / "trials.sqlite")
        keys = _stored_keys(copy / "killme" / "trials.sqlite")
        assert set(keys) <= all_keys and len(keys) <= n_done
        assert len(rows) == sum(1 if '"1"' in k.split(",")[1] else 9 for k in keys)
        seen.add(len(keys))
        res = _run(copy)
        assert res.trials_csv.read_bytes() == reference.trials_csv.read_bytes()
    assert n_done in seen and len(seen) > 1  # the cuts did reach inside the log


def test_worker_whose_first_trial_comes_after_the_kill_also_ends(tmp_path: Path) -> None:
    """The race: the main process dies before a worker ran any trial (its watchdog not yet
    started); the watchdog started then must notice the main process is gone (a zombie)."""
    worker = textwrap.dedent(
        """
        import os, sys, time
        from slam_theory.runner import execute
        main = int(sys.argv[1])
        while os.getppid() == main:
            time.sleep(0.02)
        execute(lambda p, s: time.sleep(60), False, {}, 0, (0,), "k", main)
        """
    )
    parent = textwrap.dedent(
        """
        import subprocess, sys, time, os
        c = subprocess.Popen([sys.executable, "-c", sys.argv[1], str(os.getpid())])
        print(c.pid, flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", parent, worker], stdout=subprocess.PIPE,
                            text=True)
    child = int(proc.stdout.readline())
    time.sleep(0.5)  # let the worker import and start polling
    proc.send_signal(signal.SIGKILL)  # not reaped yet: the main process is a zombie
    try:
        deadline = time.monotonic() + 30
        while _alive(child):
            assert time.monotonic() < deadline, "worker outlived its killed main process"
            time.sleep(0.1)
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
        proc.wait()
