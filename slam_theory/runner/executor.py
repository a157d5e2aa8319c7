"""Where trials run: one trial in a worker, and the joblib executors (loky, or dask).

:func:`execute` runs one trial and never raises for the trial's own sake: an exception (or
measurements the store cannot hold) comes back as a ``failed`` outcome with the error's one
line, so one failing trial does not stop a sweep.

Loky workers watch their parent: a daemon thread polls the parent's process id and ends the
worker when it changes (the parent was killed), and idle workers exit after
:data:`IDLE_WORKER_TIMEOUT_S`, so a killed run leaves no worker behind.

Examples
--------
>>> def boom(params, seed):
...     raise ValueError("n is too small")
>>> out = execute(boom, False, {"n": 1}, 0, (0, 1, 2), "k")
>>> out.status, out.error
('failed', 'ValueError: n is too small')
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory.errors import ConfigError, SchedulerError, SlamTheoryError, TrialError
from slam_theory.results import format_cell
from slam_theory.runner.config import RESERVED
from slam_theory.runner.references import resolve_cached

__all__ = ["IDLE_WORKER_TIMEOUT_S", "Outcome", "execute", "executor", "normalise_rows"]

#: Seconds an idle loky worker waits for work before it exits.
IDLE_WORKER_TIMEOUT_S = 30.0
_WATCH_EVERY_S = 0.25
_MAX_ERROR = 400
_watchdog_started = False


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one trial gave: ``status`` ``ok`` (``rows`` as cells) or ``failed`` (``error``).

    Examples
    --------
    >>> raw = {"name": "demo", "description": "the mean of y x on the sphere",
    ...        "trial": "experiments.halfspace_trial:halfspace_error", "root_seed": 0,
    ...        "fixed": {"d": 5, "gamma": 0.1, "eta": 0.1, "learner": "mean"},
    ...        "grid": {"n": [100, 1000]},
    ...        "presets": {"quick": {"seeds": 2}, "full": {"seeds": 10}}}
    >>> from slam_theory.runner import config_from_dict, expand_trials
    >>> t = expand_trials(config_from_dict(raw))[0]
    >>> out = execute(raw["trial"], False, t.params, t.entropy, t.spawn_key, t.key)
    >>> out.status, sorted(out.rows[0])
    ('ok', ['dim', 'disagreement', 'flip_rate', 'n_iter'])
    """

    key: str
    status: str
    rows: list[dict[str, str]]
    error: str
    wall_s: float
    host: str
    pid: int


def one_line(exc: BaseException) -> str:
    """``"<Type>: <message>"`` on one line, at most a few hundred characters."""
    text = f"{type(exc).__name__}: {' '.join(str(exc).split())}".rstrip(": ")
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 3] + "..."


def normalise_rows(out: Any, params: dict[str, Any]) -> list[dict[str, str]]:
    """Check a trial's return value and turn it into rows of cells.

    Raises
    ------
    TrialError
        Not a dict or a non-empty list of dicts; a measurement name that is not an
        identifier or clashes with a parameter or ``seed``/``row``; a value that is not a
        scalar; a string with a line break.
    """
    rows = [out] if isinstance(out, dict) else out
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise TrialError(f"trial function must return a dict or a non-empty list of dicts, "
                         f"got {type(out).__name__}")
    clean: list[dict[str, str]] = []
    for r in rows:
        row: dict[str, str] = {}
        for k, v in r.items():
            if not isinstance(k, str) or not k.isidentifier():
                raise TrialError(f"measurement name {k!r} is not an identifier")
            if k in params or k in RESERVED:
                raise TrialError(f"measurement {k!r} clashes with a parameter or engine column")
            if isinstance(v, np.generic):
                v = v.item()
            if v is not None and not isinstance(v, bool | int | float | str):
                raise TrialError(f"measurement {k!r} is not a scalar: {type(v).__name__}")
            if isinstance(v, str) and ("\n" in v or "\r" in v):
                raise TrialError(f"measurement {k!r} contains a line break")
            row[k] = format_cell(v)
        clean.append(row)
    return clean


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not Path("/proc").is_dir()  # /proc exists but has no entry: gone


def _start_watchdog(main_pid: int) -> None:
    """End this worker process when the run's main process dies.

    A worker started as the main process's child watches its parent id (it changes the moment
    the parent dies); one that is not (or no longer) its child watches the main process itself,
    so a worker whose first trial arrives after the kill also ends.
    """
    global _watchdog_started
    if _watchdog_started:
        return
    _watchdog_started = True
    child = os.getppid() == main_pid

    def gone() -> bool:
        return os.getppid() != main_pid if child else not _alive(main_pid)

    def watch() -> None:
        while not gone():
            time.sleep(_WATCH_EVERY_S)
        os._exit(1)

    if gone():
        os._exit(1)
    threading.Thread(target=watch, name="slam-theory-watchdog", daemon=True).start()


def execute(
    func: Callable[..., Any] | str,
    allow_external: bool,
    params: dict[str, Any],
    entropy: int,
    spawn_key: tuple[int, ...],
    key: str,
    main_pid: int | None = None,
) -> Outcome:
    """Run one trial (in a worker, or in the main process) and return its :class:`Outcome`.

    The trial runs with BLAS/OpenMP pools limited to one thread: a BLAS product's rounding
    depends on how many threads split it, so without the limit the same seed could give other
    last bits on 1 and N workers. With ``main_pid`` given and this process not the main one,
    the parent watchdog is started (once per worker).

    Examples
    --------
    >>> raw = {"name": "demo", "description": "the mean of y x on the sphere",
    ...        "trial": "experiments.halfspace_trial:halfspace_error", "root_seed": 0,
    ...        "fixed": {"d": 5, "gamma": 0.1, "eta": 0.1, "learner": "mean"},
    ...        "grid": {"n": [100, 1000]},
    ...        "presets": {"quick": {"seeds": 2}, "full": {"seeds": 10}}}
    >>> from slam_theory.runner import config_from_dict, expand_trials
    >>> t = expand_trials(config_from_dict(raw))[0]
    >>> a = execute(raw["trial"], False, t.params, t.entropy, t.spawn_key, t.key)
    >>> b = execute(raw["trial"], False, t.params, t.entropy, t.spawn_key, t.key)
    >>> a.rows == b.rows                                   # a trial is a pure function of its seed
    True
    >>> execute(raw["trial"], False, {**t.params, "learner": "nope"}, t.entropy, t.spawn_key,
    ...         t.key).status
    'failed'
    """
    from threadpoolctl import threadpool_limits

    if main_pid is not None and os.getpid() != main_pid:
        _start_watchdog(main_pid)
    t0 = time.perf_counter()
    try:
        fn = resolve_cached(func, allow_external) if isinstance(func, str) else func
        seed = np.random.SeedSequence(entropy, spawn_key=spawn_key)
        with threadpool_limits(limits=1):
            out = fn(dict(params), seed)
        rows = normalise_rows(out, params)
        status, error = "ok", ""
    except Exception as exc:  # a failing trial is an outcome, not the end of the sweep
        rows, status, error = [], "failed", one_line(exc)
    wall = time.perf_counter() - t0
    return Outcome(key, status, rows, error, wall, socket.gethostname(), os.getpid())


def _connect(scheduler: str, timeout_s: float) -> Any:
    """A ``distributed.Client`` for ``scheduler``, or a one-line error within ``timeout_s``.

    The client is built in a daemon thread: ``distributed.Client`` does not honour its own
    timeout against a service that accepts the connection but does not speak dask.
    """
    try:
        import distributed
    except ImportError:
        raise ConfigError(
            "--scheduler needs dask.distributed: pip install 'slam-theory[dask]'") from None
    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = distributed.Client(scheduler, timeout=f"{timeout_s}s")
        except BaseException as exc:  # reported by the caller
            box["error"] = exc

    thread = threading.Thread(target=connect, name="slam-theory-connect", daemon=True)
    thread.start()
    thread.join(timeout_s + 1.0)
    if "client" in box:
        return box["client"]
    why = (one_line(box["error"]) if "error" in box
           else f"no dask answer within {timeout_s:g} s (is it a dask scheduler?)")
    raise SchedulerError(f"cannot connect to scheduler {scheduler!r}: {why}")


@contextlib.contextmanager
def executor(n_jobs: int, scheduler: str | None, timeout_s: float = 20.0) -> Iterator[None]:
    """The joblib backend of a run: loky processes, or dask at ``scheduler``.

    Raises
    ------
    SchedulerError
        The scheduler does not answer in ``timeout_s`` seconds, or goes away during the run.
    """
    import joblib

    if scheduler is None:
        workers = joblib.cpu_count() if n_jobs == -1 else n_jobs
        # cap each worker's BLAS/OpenMP/numba threads so n_jobs workers do not oversubscribe
        # the cores; results never depend on it
        inner = max(1, joblib.cpu_count() // max(workers, 1))
        with joblib.parallel_config(backend="loky", n_jobs=n_jobs,
                                    inner_max_num_threads=inner if workers > 1 else None,
                                    idle_worker_timeout=IDLE_WORKER_TIMEOUT_S):
            yield
        return
    client = _connect(scheduler, timeout_s)
    try:
        with joblib.parallel_config(backend="dask", n_jobs=n_jobs):
            try:
                yield
            except Exception as exc:  # trials never raise: this is the cluster's failure
                if isinstance(exc, SlamTheoryError):
                    raise
                raise SchedulerError(
                    f"lost the dask scheduler {scheduler!r} during the run ({one_line(exc)}); "
                    "finished trials are saved, rerun to resume") from None
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=2)
