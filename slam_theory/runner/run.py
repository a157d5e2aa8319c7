"""Running a sweep: lock, store, executor, progress bar, exports, analysis, summary.

:func:`run_experiment` crosses the grid with the seeds, runs every trial the store does not
hold as successful (failed trials are retried), records each outcome in its own transaction as
it arrives, exports ``trials.csv`` and ``timings.csv`` sorted by key, and calls the analysis
with the successful rows in the config's trial order; ``summary.json`` lists the failures.

Files written under ``results/<name>/``: ``trials.sqlite`` (the store: the truth),
``trials.csv`` and ``timings.csv`` (its exports), ``config.json`` (the resolved config, for
people and the report), ``summary.json``. Both JSON files record the versions of the package,
Python, numpy, scipy, scikit-learn and numba (:func:`slam_theory.results.versions`); they are
not part of the fingerprint, so an upgrade does not refuse a resume: the run warns when the
trials it reuses were computed with other versions. While a run writes,
``results/.<name>.lock`` is held; it is removed at the end.

Examples
--------
>>> import tempfile
>>> def trial(params, seed):
...     return {"x": params["n"] * 2}
>>> with tempfile.TemporaryDirectory() as d:
...     res = run_experiment({"name": "demo", "trial": trial, "root_seed": 0, "fixed": {},
...                           "grid": {"n": [1, 2]}, "seeds": 1}, results_dir=d,
...                          progress=False)
...     (res.n_run, res.n_failed), res.trials_csv.read_text().splitlines()
((2, 0), ['n,seed,row,x', '1,0,0,2', '2,0,0,4'])
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from slam_theory.errors import ConfigError, StoreError, TrialError
from slam_theory.results import (
    CSV_NAME,
    STORE_NAME,
    TIMINGS_NAME,
    TrialStore,
    canonical,
    dump_json,
    export_tables,
    format_cell,
    rows_of,
    versions,
    write_summary,
)
from slam_theory.runner.config import config_from_dict, load_config
from slam_theory.runner.executor import Outcome, dask_outcomes, execute, executor, one_line
from slam_theory.runner.guard import _code_hash, _mkdir, fingerprint, lock
from slam_theory.runner.hooks import check_data_points
from slam_theory.runner.plan import Trial, expand_trials
from slam_theory.runner.references import resolve_reference

__all__ = ["RunResult", "fingerprint", "lock", "pending_trials", "run_experiment"]


@dataclasses.dataclass(frozen=True)
class RunResult:
    """What :func:`run_experiment` did.

    Attributes
    ----------
    name, preset : str
        Experiment name and preset.
    results_dir : Path
        ``results/<name>/``.
    trials_csv, timings_csv, config_json : Path
        Files written in ``results_dir``.
    summary_json : Path or None
        The analysis summary, or None when the config names no analysis.
    n_trials, n_run, n_skipped : int
        Trials in the config, run now, and skipped because already done.
    elapsed_s : float
        Wall time of the whole call.
    n_failed : int
        Trials of the config whose outcome is a failure.
    failures : tuple of dict
        ``{"params", "seed", "error"}`` of each failed trial, in key order.
    store : Path or None
        The trial store.

    Examples
    --------
    >>> from slam_theory.runner import example_config
    >>> raw = example_config()
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     first = run_experiment(raw, results_dir=tmp, progress=False)
    ...     again = run_experiment(raw, results_dir=tmp, progress=False)   # resumes: all stored
    >>> (first.n_trials, first.n_run, first.n_failed), (again.n_run, again.n_skipped)
    ((4, 4, 0), (0, 4))
    """

    name: str
    preset: str
    results_dir: Path
    trials_csv: Path
    timings_csv: Path
    config_json: Path
    summary_json: Path | None
    n_trials: int
    n_run: int
    n_skipped: int
    elapsed_s: float
    n_failed: int = 0
    failures: tuple[dict[str, Any], ...] = ()
    store: Path | None = None


def run_experiment(
    path_or_config: str | os.PathLike[str] | dict[str, Any],
    preset: str = "quick",
    n_jobs: int = 1,
    scheduler: str | None = None,
    results_dir: str | os.PathLike[str] = "results",
    fresh: bool = False,
    progress: bool = True,
    *,
    allow_external: bool = False,
    scheduler_timeout: float = 20.0,
    progress_weight: float = 1.0,
) -> RunResult:
    """Run (or resume) one experiment and write its results and summary.

    Parameters
    ----------
    path_or_config : path-like or dict
        An experiment TOML file, or a config dict (raw, with ``presets``, or resolved; then
        ``trial``/``analysis`` may be functions importable by the workers).
    preset : str, default="quick"
        Preset to resolve when given a file or a raw dict.
    n_jobs : int, default=1
        Worker processes (joblib ``loky``); -1 means all cores. With ``scheduler`` the
        number of concurrent tasks on the cluster (1 or -1 mean all its workers).
    scheduler : str, optional
        A dask.distributed scheduler address (``tcp://host:8786``).
    results_dir : path-like, default="results"
        Root of the results; this experiment writes to ``results_dir/<name>/``.
    fresh : bool, default=False
        Delete this experiment's previous results first.
    progress : bool or progress bar, default=True
        Show a tqdm progress bar on stderr; or an object with ``update(n)`` (a caller's bar
        over several runs, e.g. ``reproduce``'s) that each finished trial advances by
        ``progress_weight``.
    allow_external : bool, default=False
        Accept references to modules outside ``slam_theory`` (tests).
    scheduler_timeout : float, default=20.0
        Seconds to wait for the scheduler to answer as a dask scheduler.
    progress_weight : float, default=1.0
        What one trial adds to a caller's ``progress`` bar (its estimated cost).

    Returns
    -------
    RunResult

    Raises
    ------
    ConfigError
        Invalid config or preset, or results from a different config (nothing is written
        for an invalid config).
    StoreError
        Damaged store or export, a read-only results directory, a full disk.
    SchedulerError
        A scheduler that does not answer in time or goes away (finished trials are kept).
    UsageError
        ``results_dir`` is an existing file.
    DataUnavailableError
        The trial module's ``check_data`` hook found data missing on this machine (checked
        before anything is written).

    Examples
    --------
    >>> from slam_theory.runner import example_config
    >>> raw = example_config()
    >>> import tempfile
    >>> from slam_theory.results import read_trials
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     result = run_experiment(raw, results_dir=tmp, progress=False)
    ...     rows = read_trials(result.trials_csv)
    >>> result.results_dir.name, len(rows), sorted(rows[0])[:3]
    ('demo', 4, ['d', 'dim', 'disagreement'])
    """
    t_start = time.perf_counter()
    if isinstance(path_or_config, dict):
        config = config_from_dict(path_or_config, preset, allow_external)
    else:
        config = load_config(path_or_config, preset, allow_external=allow_external)
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or (n_jobs < 1 and n_jobs != -1):
        raise ConfigError(f"n_jobs: expected a positive integer or -1, got {n_jobs!r}")
    if not isinstance(scheduler_timeout, int | float) or not scheduler_timeout > 0:
        raise ConfigError(f"scheduler_timeout: expected a positive number of seconds, got "
                          f"{scheduler_timeout!r}")
    trials = expand_trials(config)
    check_data_points(config, allow_external)
    root = Path(results_dir)
    with lock(root, config["name"]):
        return _run_locked(config, trials, root / config["name"], n_jobs, scheduler,
                           float(scheduler_timeout), fresh, progress, allow_external, t_start,
                           progress_weight)


def _open_store(config: dict[str, Any], out_dir: Path, param_names: list[str],
                fresh: bool) -> TrialStore:
    if fresh and out_dir.exists():
        try:
            shutil.rmtree(out_dir)
        except OSError as exc:
            raise StoreError(f"cannot remove {out_dir} for --fresh: {exc.strerror}") from None
    _mkdir(out_dir)
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write {out_dir}: permission denied; choose a writable "
                         "--results directory")
    if (out_dir / CSV_NAME).exists() and not (out_dir / STORE_NAME).exists():
        raise StoreError(f"{out_dir}: results of an older slam-theory ({CSV_NAME} without "
                         f"{STORE_NAME}); rerun with --fresh to recompute them")
    return TrialStore.open(out_dir / STORE_NAME, fingerprint=fingerprint(config),
                           param_names=param_names)


def _run_locked(
    config: dict[str, Any], trials: list[Trial], out_dir: Path, n_jobs: int,
    scheduler: str | None, timeout_s: float, fresh: bool, progress: Any,
    allow_external: bool, t_start: float, weight: float = 1.0,
) -> RunResult:
    param_names = sorted(trials[0].params) if trials else []
    store = _open_store(config, out_dir, param_names, fresh)
    try:
        statuses = store.statuses()
        code, old_code = _code_hash(), store.meta("code_sha256")
        todo = [t for t in trials if statuses.get(t.key) != "ok"]
        n_skipped = len(trials) - len(todo)
        if n_skipped and old_code is not None and old_code != code:
            print(f"slam-theory: warning: {out_dir}: the slam_theory sources changed since "
                  f"{n_skipped} reused trials were computed; pass --fresh to recompute them",
                  file=sys.stderr)
        libs, old_libs = versions(), store.meta("versions")
        if n_skipped and old_libs is not None and old_libs != canonical(libs):
            was = json.loads(old_libs)
            changed = ", ".join(f"{k} {was.get(k)} -> {v}" for k, v in libs.items()
                                if was.get(k) != v)
            print(f"slam-theory: warning: {out_dir}: {changed} since {n_skipped} reused "
                  "trials were computed; pass --fresh to recompute them", file=sys.stderr)
        config_json = out_dir / "config.json"
        dump_json(config_json, {"config": config, "fingerprint": fingerprint(config),
                                "code_sha256": code, "versions": libs})
        store.set_meta("code_sha256", code)
        store.set_meta("versions", canonical(libs))
        if scheduler is not None and n_jobs == 1:
            n_jobs = -1
        failed = False
        try:
            if todo:
                _run_trials(todo, config, store, allow_external, n_jobs, scheduler,
                            timeout_s, progress, weight)
        except BaseException:
            failed = True
            raise
        finally:
            try:  # the exports always show what the store holds, even after an interrupt
                export_tables(store, out_dir, param_names)
            except StoreError:
                if not failed:
                    raise
        by_key = rows_of(store, param_names)
        failures = [{"params": {k: t.params[k] for k in sorted(t.params)}, "seed": t.seed_index,
                     "error": err} for t, err in _failures(store, trials)]
    finally:
        store.close()

    summary_json = None
    if config.get("analysis"):
        # successful rows in the config's trial order (not completion order)
        rows = [r for t in trials for r in by_key.get(t.key, [])]
        analysis = config["analysis"]
        fn = analysis if callable(analysis) else resolve_reference(
            analysis, allow_external=allow_external)
        try:
            returned = fn(rows, config)
        except Exception as exc:
            if not failures:
                raise  # a bug of the analysis: its traceback is the useful report
            first = failures[0]
            raise TrialError(
                f"{config['name']}: analysis {analysis!r} failed ({one_line(exc)}) after "
                f"{len(failures)} of {len(trials)} trials failed, first: {first['params']} "
                f"seed {first['seed']}: {first['error']}") from None
        if not isinstance(returned, dict):
            raise TypeError(f"analysis {analysis!r} returned {type(returned).__name__}, not dict")
        summary_json = write_summary(out_dir, returned, experiment=config["name"],
                                     preset=config["preset"], failures=failures)
    return RunResult(
        name=config["name"], preset=config["preset"], results_dir=out_dir,
        trials_csv=out_dir / CSV_NAME, timings_csv=out_dir / TIMINGS_NAME,
        config_json=out_dir / "config.json", summary_json=summary_json,
        n_trials=len(trials), n_run=len(todo), n_skipped=n_skipped,
        elapsed_s=time.perf_counter() - t_start, n_failed=len(failures),
        failures=tuple(failures), store=out_dir / STORE_NAME,
    )


def pending_trials(path: str | os.PathLike[str], preset: str = "quick",
                   results_dir: str | os.PathLike[str] = "results", fresh: bool = False) -> int:
    """How many trials of an experiment a run would run now (all, if its store is unusable).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     pending_trials({"name": "p", "trial": "experiments.rates:threshold_trial",
    ...                     "root_seed": 0, "fixed": {}, "grid": {"n": [1, 2]}, "seeds": 3},
    ...                    results_dir=d)
    6
    """
    config = (config_from_dict(path, preset) if isinstance(path, dict)
              else load_config(path, preset))
    trials = expand_trials(config)
    store_path = Path(results_dir) / config["name"] / STORE_NAME
    if fresh or not store_path.is_file():
        return len(trials)
    try:
        with TrialStore.read(store_path) as store:
            if store.meta("fingerprint") != canonical(fingerprint(config)):
                return len(trials)
            statuses = store.statuses()
    except StoreError:
        return len(trials)
    return sum(statuses.get(t.key) != "ok" for t in trials)


def _failures(store: TrialStore, trials: list[Trial]) -> list[tuple[Trial, str]]:
    by_key = {t.key: t for t in trials}
    return [(by_key[s.key], s.error) for s in store.trials(status="failed") if s.key in by_key]


def _run_trials(
    todo: list[Trial], config: dict[str, Any], store: TrialStore, allow_external: bool,
    n_jobs: int, scheduler: str | None, timeout_s: float, progress: Any, weight: float = 1.0,
) -> None:
    import joblib
    from tqdm.auto import tqdm

    by_key = {t.key: t for t in todo}
    func = config["trial"]
    main_pid = os.getpid() if scheduler is None else None
    desc = f"{config['name']} ({config['preset']})"
    own = not hasattr(progress, "update")  # else the caller's bar over several runs
    if own:
        bar = tqdm(total=len(todo), desc=desc, unit="trial", file=sys.stderr,
                   disable=not progress, dynamic_ncols=True, leave=True, smoothing=0.1,
                   mininterval=0.1 if sys.stderr.isatty() else 10.0)
        weight = 1.0
    else:
        bar = progress
        if hasattr(bar, "set_postfix_str"):
            bar.set_postfix_str(config["name"], refresh=False)

    def record(out: Outcome) -> None:
        trial = by_key[out.key]
        store.record(out.key, trial.seed_index,
                     {k: format_cell(v) for k, v in trial.params.items()},
                     out.rows, status=out.status, error=out.error,
                     wall_s=out.wall_s, host=out.host, pid=out.pid)
        bar.update(weight)

    try:
        with executor(n_jobs, scheduler, timeout_s) as client:
            if client is not None:  # dask: batches of trials, as they finish
                args = [(t.params, t.entropy, t.spawn_key, t.key) for t in todo]
                for out in dask_outcomes(client, func, allow_external, args, n_jobs,
                                         scheduler or "", timeout_s):
                    record(out)
                return
            # batch_size="auto": joblib grows batches until one takes ~0.2-2 s, so fast
            # trials are grouped for throughput while slow ones go one by one
            parallel = joblib.Parallel(return_as="generator_unordered", batch_size="auto",
                                       pre_dispatch="2*n_jobs")
            tasks = (joblib.delayed(execute)(func, allow_external, t.params, t.entropy,
                                             t.spawn_key, t.key, main_pid) for t in todo)
            try:
                for out in parallel(tasks):
                    record(out)
            except joblib.externals.loky.process_executor.TerminatedWorkerError as exc:
                raise TrialError("a worker process died while running trials (killed, out of "
                                 f"memory or crashed: {str(exc).splitlines()[0][:200]}); "
                                 "finished trials are saved, rerun to resume") from None
    finally:
        if own:
            bar.close()
