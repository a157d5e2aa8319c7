"""Where trials run: one trial in a worker; joblib's loky processes, or a dask cluster.

:func:`execute` runs one trial and never raises for the trial's own sake: an exception (or
measurements the store cannot hold) comes back as a ``failed`` outcome with the error's one
line, so one failing trial does not stop a sweep.

On a dask cluster (:func:`dask_outcomes`) the trials go out in batches through
``distributed`` itself, a few per worker thread (joblib's dask backend runs a one-thread
cluster's trials in the calling process); a scheduler that goes away, or a cluster left
without workers for the timeout, ends the run with a one-line :class:`SchedulerError`.

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
import logging
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

__all__ = ["IDLE_WORKER_TIMEOUT_S", "Outcome", "batches", "dask_outcomes", "execute",
           "execute_batch", "executor", "normalise_rows"]

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
    >>> out = execute(lambda params, seed: {"err": 0.5}, False, {"n": 1}, 0, (0, 1, 2), "k")
    >>> out.status, out.rows, out.error                   # the rows' cells are text
    ('ok', [{'err': '0.5'}], '')
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
    >>> from slam_theory.runner import config_from_dict, example_config, expand_trials
    >>> raw = example_config()
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
    for name in ("distributed", "distributed.client", "distributed.batched"):
        logging.getLogger(name).setLevel(logging.CRITICAL)  # the run reports in one line
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


def execute_batch(func: Callable[..., Any] | str, allow_external: bool,
                  batch: list[tuple[dict[str, Any], int, tuple[int, ...], str]],
                  main_pid: int | None = None) -> list[Outcome]:
    """:func:`execute` on each ``(params, entropy, spawn_key, key)`` of ``batch``, in order.

    One task of several trials amortises the per-task overhead of a cluster; every trial is
    still seeded by its own key, so the numbers do not depend on how trials are batched.
    """
    return [execute(func, allow_external, p, e, s, k, main_pid) for p, e, s, k in batch]


def batches(items: list[Any], slots: int, per_slot: int = 8) -> list[list[Any]]:
    """``items`` cut into consecutive batches, about ``per_slot`` per slot (at least one each).

    Examples
    --------
    >>> [len(b) for b in batches(list(range(10)), slots=1, per_slot=4)]
    [3, 3, 3, 1]
    """
    size = max(1, -(-len(items) // max(1, slots * per_slot)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def dask_outcomes(
    client: Any, func: Callable[..., Any] | str, allow_external: bool,
    trials: list[tuple[dict[str, Any], int, tuple[int, ...], str]], n_jobs: int,
    scheduler: str, timeout_s: float,
) -> Iterator[Outcome]:
    """Run ``trials`` on the dask cluster of ``client``; yield each outcome as it arrives.

    Trials go out in batches (:func:`batches`), at most two per worker thread at a time.

    Raises
    ------
    SchedulerError
        The cluster has no worker for ``timeout_s`` seconds, or the scheduler goes away
        (the outcomes already yielded are the finished trials).
    """
    import distributed

    def lost(why: str) -> SchedulerError:
        return SchedulerError(f"lost the dask scheduler {scheduler!r} during the run ({why}); "
                              "finished trials are saved, rerun to resume")

    try:
        client.wait_for_workers(1, timeout=timeout_s)
        threads = sum(client.nthreads().values())
    except Exception as exc:  # no worker in time, or the scheduler went away
        raise SchedulerError(f"dask scheduler {scheduler!r} has no worker ({one_line(exc)})"
                             ) from None
    slots = max(1, threads if n_jobs == -1 else min(n_jobs, threads))
    todo = iter(batches(trials, slots))
    running: set[Any] = set()

    def submit() -> None:
        batch = next(todo, None)
        if batch is not None:
            running.add(client.submit(execute_batch, func, allow_external, batch, None,
                                      pure=False))

    for _ in range(2 * slots):
        submit()
    idle_since = time.monotonic()
    try:
        while running:
            try:
                done, _ = distributed.wait(list(running), timeout=min(timeout_s, 5.0),
                                           return_when="FIRST_COMPLETED")
            except distributed.TimeoutError:
                done = set()
            if not done:
                if client.status != "running":
                    raise lost(f"client {client.status}")
                if time.monotonic() - idle_since > timeout_s and not client.nthreads():
                    raise lost(f"no worker for {timeout_s:g} s")
                continue
            idle_since = time.monotonic()
            for fut in done:
                running.discard(fut)
                outcomes = fut.result()  # trials never raise: an error here is the cluster's
                submit()
                yield from outcomes
    except SchedulerError:
        raise
    except Exception as exc:
        raise lost(one_line(exc)) from None
    finally:
        for fut in running:
            with contextlib.suppress(Exception):
                fut.cancel()


@contextlib.contextmanager
def executor(n_jobs: int, scheduler: str | None, timeout_s: float = 20.0) -> Iterator[Any]:
    """The backend of a run: joblib's loky processes (yields None), or a
    ``distributed.Client`` for ``scheduler`` (yields it; see :func:`dask_outcomes`).

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
        try:
            yield client
        except Exception as exc:  # trials never raise: this is the cluster's failure
            if isinstance(exc, SlamTheoryError):
                raise
            raise SchedulerError(
                f"lost the dask scheduler {scheduler!r} during the run ({one_line(exc)}); "
                "finished trials are saved, rerun to resume") from None
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=2)
