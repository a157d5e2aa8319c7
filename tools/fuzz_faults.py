"""Fault scenarios of the fuzzing campaign (``tools/fuzz.py``) on the runner, through the CLI.

Every scenario runs ``slam-theory run`` in a subprocess on a small synthetic experiment (the
trials of this module, made resolvable for the run), breaks something (kill -9 at a seeded
moment, a torn or damaged store, edits of ``trials.csv``, config edits with and without
``config.json``, a read-only folder, a fake scheduler, a second run at once), reruns, and
compares the final ``trials.csv`` with an uninterrupted run's. Outcomes: ``recovered`` (the
rerun completes with exactly the uninterrupted rows), ``clear`` (a one-line exit-2 refusal,
and a ``--fresh`` rerun then gives the uninterrupted rows), ``lost`` (rows differ), ``silent``
(a damaged or changed input was used without a word), ``crash`` (a traceback), ``hang``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
RUN_TIMEOUT_S = 120.0
SLEEP_S = 0.04
N_I = 10

TOML = textwrap.dedent("""\
    name = "faulty"
    trial = "fuzz_faults:trial"
    root_seed = {root_seed}
    [fixed]
    scale = 1.0
    [grid]
    i = {grid}
    rows = [1, 4]
    [presets.quick]
    seeds = 2
    [presets.full]
    seeds = 3
    """)

DRIVER = textwrap.dedent("""\
    import sys
    sys.path[:0] = [{root!r}, {tools!r}]
    from slam_theory import cli
    from slam_theory.runner import config, figures, references, run
    real = references.resolve_reference
    def resolve(ref, *, allow_external=False):
        return real(ref, allow_external=True)
    for m in (config, figures, references, run):
        m.resolve_reference = resolve
    import functools
    from slam_theory import runner
    runner.run_experiment = functools.partial(run.run_experiment, allow_external=True)
    raise SystemExit(cli.main(sys.argv[1:]))
    """)


def trial(params: dict[str, Any], seed: np.random.SeedSequence) -> list[dict[str, Any]]:
    """A slow-ish multi-row trial (rows depend only on the params and the seed)."""
    time.sleep(SLEEP_S)
    rng = np.random.default_rng(seed)
    return [{"u": float(u) * params["scale"], "tag": f"i{params['i']}"}
            for u in rng.random(int(params["rows"]))]


def _write_toml(folder: Path, root_seed: int = 11, grid: list[int] | None = None) -> Path:
    path = folder / "faulty.toml"
    path.write_text(TOML.format(root_seed=root_seed, grid=grid or list(range(N_I))))
    return path


def _cli(args: list[str], timeout: float = RUN_TIMEOUT_S) -> subprocess.Popen[str]:
    code = DRIVER.format(root=str(ROOT), tools=str(TOOLS))
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=True)


def _wait(proc: subprocess.Popen[str], timeout: float = RUN_TIMEOUT_S) -> tuple[Any, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, "hang"
    return proc.returncode, err


def run_cli(args: list[str], timeout: float = RUN_TIMEOUT_S) -> tuple[Any, str]:
    """Exit status (None after a timeout) and stderr of ``slam-theory ARGS``."""
    return _wait(_cli(args), timeout)


def _argv(toml: Path, res: Path, *extra: str) -> list[str]:
    return ["run", str(toml), "--results", str(res), "--no-progress", *extra]


def _judge(code: Any, err: str) -> str | None:
    """``hang``/``crash``/``clear`` for a run that did not succeed, else None."""
    if code is None:
        return "hang"
    if "Traceback" in err:
        return "crash"
    lines = [ln for ln in err.splitlines() if ln.strip() and "warning" not in ln]
    if code == 2 and len(lines) == 1 and lines[0].startswith("slam-theory: error:"):
        return "clear"
    if code != 0:
        return "crash"
    return None


class Faults:
    """The scenarios, sharing one reference run."""

    def __init__(self, seed: int, tmp: Path) -> None:
        self.rng = np.random.default_rng([seed, 3])
        self.tmp = tmp
        self.toml = _write_toml(tmp)
        ref = tmp / "ref"
        code, err = run_cli(_argv(self.toml, ref))
        if code != 0:
            raise SystemExit(f"fuzz: the reference run failed: {err[-2000:]}")
        self.ref_csv = (ref / "faulty" / "trials.csv").read_bytes()
        self.ref_dir = ref
        self.n = 0

    def fresh_dir(self) -> Path:
        self.n += 1
        d = self.tmp / f"s{self.n}"
        d.mkdir()
        return d

    def finish(self, toml: Path, res: Path, code: Any, err: str, *,
               damaged: bool) -> tuple[str, str]:
        """Judge a rerun after the fault: recovered, clear (then --fresh), lost, silent..."""
        bad = _judge(code, err)
        detail = " | ".join(err.strip().splitlines()[-2:])[:300]
        if bad in ("hang", "crash"):
            return bad, detail
        if bad == "clear":
            code2, err2 = run_cli(_argv(toml, res, "--fresh"))
            if code2 != 0:
                return "crash", f"--fresh after the refusal failed: {err2[-300:]}"
            same = (res / "faulty" / "trials.csv").read_bytes() == self.ref_csv
            return ("clear" if same else "lost"), detail
        same = (res / "faulty" / "trials.csv").read_bytes() == self.ref_csv
        if not same:
            return ("silent" if damaged else "lost"), "rerun succeeded with other rows"
        return "recovered", detail

    def kill(self, jobs: int, times: int = 1) -> tuple[str, str]:
        res = self.fresh_dir()
        for _ in range(times):
            proc = _cli(_argv(self.toml, res, "--jobs", str(jobs)))
            time.sleep(float(self.rng.uniform(0.3, 3.0)))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
        code, err = run_cli(_argv(self.toml, res, "--jobs", str(jobs)))
        return self.finish(self.toml, res, code, err, damaged=False)

    def copy_ref(self) -> Path:
        res = self.fresh_dir() / "res"
        shutil.copytree(self.ref_dir, res)
        return res

    def damage_store(self, how: str) -> tuple[str, str]:
        res = self.copy_ref()
        db = res / "faulty" / "trials.sqlite"
        size = db.stat().st_size
        if how == "truncate":
            with open(db, "r+b") as fh:
                fh.truncate(int(self.rng.integers(0, size)))
        elif how == "flip":
            blob = bytearray(db.read_bytes())
            for at in self.rng.integers(0, size, 4):
                blob[at] ^= 0xFF
            db.write_bytes(bytes(blob))
        elif how == "zero":
            db.write_bytes(b"")
        elif how == "text":
            db.write_text("not a database\n")
        elif how == "delete":
            db.unlink()
        code, err = run_cli(_argv(self.toml, res))
        # a deleted store is recomputed from scratch: that is a recovery, not damage used
        return self.finish(self.toml, res, code, err, damaged=how != "delete")

    def edit_csv(self, how: str) -> tuple[str, str]:
        res = self.copy_ref()
        csv = res / "faulty" / "trials.csv"
        lines = csv.read_text().splitlines(keepends=True)
        k = int(self.rng.integers(1, len(lines)))
        if how == "header":
            lines[0] = lines[0].replace("u", "v", 1)
        elif how == "cell":
            cells = lines[k].rstrip("\n").split(",")
            cells[-2] = "0.5"
            lines[k] = ",".join(cells) + "\n"
        elif how == "drop_line":
            del lines[k]
        elif how == "add_line":
            lines.append(lines[k])
        elif how == "truncate":
            text = "".join(lines)
            lines = [text[: int(self.rng.integers(1, len(text)))]]
        elif how == "delete":
            lines = []
        if how == "delete":
            csv.unlink()
        else:
            csv.write_text("".join(lines))
        code, err = run_cli(_argv(self.toml, res))
        return self.finish(self.toml, res, code, err, damaged=False)

    def edit_config(self, how: str, keep_json: bool) -> tuple[str, str]:
        res = self.copy_ref()
        folder = self.fresh_dir()
        if how == "root_seed":
            toml = _write_toml(folder, root_seed=12)
        elif how == "grid":
            toml = _write_toml(folder, grid=[*range(N_I - 1), 99])
        elif how == "seeds":
            toml = _write_toml(folder)
            toml.write_text(toml.read_text().replace("seeds = 2", "seeds = 3"))
        else:  # a comment: the config itself is unchanged
            toml = _write_toml(folder)
            toml.write_text("# edited\n" + toml.read_text())
        if not keep_json:
            (res / "faulty" / "config.json").unlink()
        code, err = run_cli(_argv(toml, res))
        if how == "comment":
            return self.finish(toml, res, code, err, damaged=False)
        bad = _judge(code, err)
        if bad is None:
            return "silent", "a changed config reused the stored trials"
        if bad != "clear":
            return bad, err[-300:]
        code2, _ = run_cli(_argv(toml, res, "--fresh"))
        return ("clear" if code2 == 0 else "crash"), err.strip()[:300]

    def read_only(self, where: str) -> tuple[str, str]:
        res = self.copy_ref() if where == "experiment" else self.fresh_dir() / "res"
        target = res / "faulty" if where == "experiment" else res.parent
        if where == "experiment":
            (res / "faulty" / "trials.sqlite").unlink()  # it must write to recompute
        subprocess.run(["chattr", "+i", str(target)], check=False)
        try:
            code, err = run_cli(_argv(self.toml, res))
        finally:
            subprocess.run(["chattr", "-i", str(target)], check=False)
        bad = _judge(code, err)
        if bad is None:
            return "silent", "wrote into a read-only folder?"
        return bad, err.strip()[:300]

    def fake_scheduler(self, behaviour: str) -> tuple[str, str]:
        with _fake_service(behaviour) as port:
            res = self.fresh_dir()
            code, err = run_cli(_argv(self.toml, res, "--scheduler", f"tcp://127.0.0.1:{port}",
                                      "--scheduler-timeout", "3"), timeout=60)
        bad = _judge(code, err)
        return (bad or "silent"), err.strip()[:300]

    def two_runs(self) -> tuple[str, str]:
        res = self.fresh_dir()
        first = _cli(_argv(self.toml, res))
        time.sleep(float(self.rng.uniform(1.0, 2.0)))
        code2, err2 = run_cli(_argv(self.toml, res))
        code1, err1 = _wait(first)
        if code1 != 0:
            return _judge(code1, err1) or "crash", f"the first run failed: {err1[-300:]}"
        if code2 == 0 and (res / "faulty" / "trials.csv").read_bytes() == self.ref_csv:
            return "recovered", "the second run started after the first ended"
        bad = _judge(code2, err2)
        if bad is None:
            return "silent", "both runs wrote"
        same = (res / "faulty" / "trials.csv").read_bytes() == self.ref_csv
        if bad == "clear" and not same:
            return "lost", "the first run's rows differ"
        return bad, err2.strip()[:300]


def _serve(sock: socket.socket, behaviour: str, stop: threading.Event) -> None:
    sock.settimeout(0.2)
    conns = []
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except OSError:
            continue
        if behaviour == "close":
            conn.close()
        elif behaviour == "garbage":
            conn.sendall(b"HTTP/1.1 200 OK\r\n\r\nhello\n" * 50)
            conns.append(conn)
        else:  # "silent": accept and say nothing
            conns.append(conn)
    for c in conns:
        c.close()


def _fake_service(behaviour: str) -> Any:
    import contextlib

    @contextlib.contextmanager
    def service() -> Iterator[int]:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        stop = threading.Event()
        th = threading.Thread(target=_serve, args=(sock, behaviour, stop), daemon=True)
        th.start()
        try:
            yield sock.getsockname()[1]
        finally:
            stop.set()
            th.join()
            sock.close()

    return service()


def scenarios() -> list[tuple[str, str, tuple[Any, ...]]]:
    """``(label, method, args)`` of every scenario, in a fixed order."""
    out: list[tuple[str, str, tuple[Any, ...]]] = []
    for r in range(8):
        out.append((f"kill9_jobs1_#{r}", "kill", (1,)))
        out.append((f"kill9_jobs2_#{r}", "kill", (2,)))
    for r in range(3):
        out.append((f"kill9_twice_jobs2_#{r}", "kill", (2, 2)))
    for how in ("truncate", "flip"):
        for r in range(6):
            out.append((f"store_{how}_#{r}", "damage_store", (how,)))
    for how in ("zero", "text", "delete"):
        out.append((f"store_{how}", "damage_store", (how,)))
    for how in ("header", "cell", "drop_line", "add_line", "truncate", "delete"):
        for r in range(2):
            out.append((f"csv_{how}_#{r}", "edit_csv", (how,)))
    for how in ("root_seed", "grid", "seeds", "comment"):
        for keep in (True, False):
            out.append((f"config_{how}_{'with' if keep else 'without'}_json", "edit_config",
                        (how, keep)))
    out.append(("read_only_experiment_dir", "read_only", ("experiment",)))
    out.append(("read_only_results_parent", "read_only", ("parent",)))
    for b in ("close", "garbage", "silent"):
        out.append((f"fake_scheduler_{b}", "fake_scheduler", (b,)))
    for r in range(3):
        out.append((f"two_runs_at_once_#{r}", "two_runs", ()))
    return out


def run_faults(seed: int, limit: int | None = None) -> Iterator[tuple[str, str, str]]:
    """Run the scenarios (the first ``limit`` of a seeded shuffle); yield their outcomes."""
    todo = scenarios()
    if limit is not None and limit < len(todo):
        pick = np.random.default_rng([seed, 5]).choice(len(todo), limit, replace=False)
        todo = [todo[i] for i in sorted(pick)]
    tmp = Path(tempfile.mkdtemp(prefix="slam-faults-"))
    try:
        f = Faults(seed, tmp)
        for label, method, args in todo:
            outcome, detail = getattr(f, method)(*args)
            yield label, outcome, detail
    finally:
        for p in tmp.rglob("*"):
            if p.is_dir():
                subprocess.run(["chattr", "-i", str(p)], check=False, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
