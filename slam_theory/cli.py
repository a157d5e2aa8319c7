"""Command line: ``slam-theory {run, figures, report, reproduce, bench}``.

User mistakes (missing file, invalid TOML or config, unknown preset or experiment, bad
``--jobs``, an unusable results, figures or output folder, a damaged results store, a full disk,
a scheduler that does not answer as dask, data an experiment reads from this machine that are
not there) print one line ``slam-theory: error: ...`` on stderr and exit with status 2;
``reproduce`` instead skips an experiment whose data are not there with one line
``slam-theory: skipping NAME: ...`` and goes on (``--data-dir DIR``, or the environment
variable ``SLAM_THEORY_DATA``, names the folder of local data sets such as CIFAR).  A failing
trial is an outcome: the run goes on, ends with a one-line count of the failures, and exits
non-zero (status 1) only with ``--strict``.

Every subcommand spells its folders the same way: ``--results DIR``, ``--figures DIR`` and
``--experiments DIR`` (the experiment TOML files, ``./experiments`` by default: run from the
repository root or pass it); an experiment is named by its TOML file or by its name
(``run rate_eps``). The old spellings ``figures --out`` and ``--experiments-dir`` still work.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slam_theory import bench, report, runner
from slam_theory.cli_options import (
    PROG,
    _build_parser,
    _experiment_files,
    _experiment_path,
    _set_data_dir,
    _writable_dir,
)
from slam_theory.errors import (
    ConfigError,
    DataUnavailableError,
    SchedulerError,
    SlamTheoryError,
    StoreError,
    TrialError,
)
from slam_theory.errors import UsageError as _UsageError


def _cmd_run(args: argparse.Namespace) -> int:
    path = _experiment_path(args.file, args.experiments)
    _set_data_dir(args.data_dir)
    _writable_dir(args.results, "--results")
    res = runner.run_experiment(
        path,
        preset=args.preset,
        n_jobs=args.jobs,
        scheduler=args.scheduler,
        results_dir=args.results,
        fresh=args.fresh,
        progress=not args.no_progress,
        scheduler_timeout=args.scheduler_timeout,
    )
    _print_run(res)
    return 1 if args.strict and res.n_failed else 0


def _print_run(res: runner.RunResult) -> None:
    print(
        f"{res.name} ({res.preset}): {res.n_run} trials run, {res.n_skipped} already done, "
        f"{res.n_failed} failed, {res.elapsed_s:.1f} s -> {res.trials_csv}"
        + (f", {res.summary_json}" if res.summary_json else "")
    )
    if res.n_failed:
        first = res.failures[0]
        sys.stderr.write(f"{PROG}: {res.name}: {res.n_failed} of {res.n_trials} trials failed "
                         f"(recorded in summary.json), first: {first['params']} seed "
                         f"{first['seed']}: {first['error']}\n")


def _cmd_figures(args: argparse.Namespace) -> int:
    if not Path(args.results).is_dir():
        raise _UsageError(f"no results folder {args.results!r}; run experiments first")
    _writable_dir(args.figures, "--figures")
    if args.names:
        files = [_experiment_path(item, args.experiments) for item in args.names]
    else:
        files = _experiment_files(args.experiments)
    written = runner.make_figures(files, args.results, args.figures)
    _write_figure_index(args.figures, files, args.experiments)
    n = sum(len(v) for v in written.values())
    print(f"{n} figure files written to {args.figures}/ for {len(written)} experiments")
    return 0


def _write_figure_index(figures_dir: str, files: list[Path], experiments: str) -> None:
    """(Re)write ``figures_dir/README.md`` once every figure function has run, with the
    captions of every experiment in ``experiments`` (the index lists every figure in the
    folder, also those of experiments not run now)."""
    if Path(figures_dir).is_dir():
        every = sorted(set(files) | set(Path(experiments).glob("*.toml")))
        runner.write_index(figures_dir, runner.collect_captions(every))


def _cmd_report(args: argparse.Namespace) -> int:
    if not Path(args.results).is_dir():
        raise _UsageError(f"no results folder {args.results!r}; run experiments first")
    path = report.write_report(args.results)
    print(f"report written to {path}")
    return 0


def trial_costs(experiments: str | Path, preset: str) -> dict[str, float]:
    """Seconds per trial of each experiment, measured on this project's machine.

    Read from ``benchmarks/`` next to the experiments folder: ``sweep.json`` (written by
    ``tools/sweep_bench.py``) when it measured ``preset``, and for the full preset
    ``full_run.json`` (written by ``tools/full_run.py``: each experiment's summed trial
    seconds over its trials).  Empty if neither applies.

    Examples
    --------
    >>> trial_costs("no/such/folder", "quick")
    {}
    """
    bench = Path(experiments).resolve().parent / "benchmarks"
    out: dict[str, float] = {}
    try:
        data = json.loads((bench / "sweep.json").read_text())
        if data.get("preset") == preset:
            out = {name: float(m["mean_trial_s"]) for name, m in data["experiments"].items()
                   if float(m["mean_trial_s"]) > 0}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        out = {}
    if preset == "full" and not out:
        try:
            data = json.loads((bench / "full_run.json").read_text())
            out = {name: float(m["trial_seconds"]) / int(m["trials"])
                   for name, m in data["experiments"].items()
                   if int(m["trials"]) > 0 and float(m["trial_seconds"]) > 0}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, ZeroDivisionError):
            out = {}
    return out


def _whole_run_bar(files: list[Path], args: argparse.Namespace) -> tuple[Any, dict[str, float]]:
    """One tqdm bar over every experiment's pending trials, each weighted by its cost."""
    from tqdm.auto import tqdm

    costs = trial_costs(args.experiments, args.preset)
    default = sorted(costs.values())[len(costs) // 2] if costs else 1.0
    weight = {f.stem: costs.get(f.stem, default) for f in files}
    total = sum(weight[f.stem] * runner.pending_trials(f, args.preset, args.results,
                                                       args.fresh) for f in files)
    unit = "s" if costs else "trial"  # estimated single-worker seconds, or trials
    bar = tqdm(total=round(total, 3), desc=f"reproduce ({args.preset})", unit=unit,
               file=sys.stderr, disable=args.no_progress, dynamic_ncols=True, smoothing=0.05,
               mininterval=0.2 if sys.stderr.isatty() else 10.0,
               bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} {unit} [{elapsed}<{remaining}]"
               "{postfix}")
    return bar, weight


def _cmd_reproduce(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    files = _experiment_files(args.experiments)
    _writable_dir(args.results, "--results")
    _writable_dir(args.figures, "--figures")
    _set_data_dir(args.data_dir)
    # validate everything before running anything; keep the experiments of this preset
    files = [f for f in files if args.preset in runner.load_config(f, args.preset)["reproduce"]]
    bar, weight = _whole_run_bar(files, args)
    try:
        n_failed_trials, failed, skipped = _reproduce_runs(files, args, bar, weight)
    finally:
        bar.close()
    written = runner.make_figures(files, args.results, args.figures)
    _write_figure_index(args.figures, files, args.experiments)
    n_fig = sum(len(v) for v in written.values())
    rep = report.write_report(args.results)
    print(f"results: {args.results}/  figures: {args.figures}/ ({n_fig} files)  report: {rep}")
    tail = f"; skipped (data not here): {', '.join(skipped)}" if skipped else ""
    tail += f"; FAILED: {', '.join(failed)}" if failed else ""
    n_ok = len(files) - len(failed) - len(skipped)
    print(f"reproduce ({args.preset}): {n_ok}/{len(files)} experiments in "
          f"{time.perf_counter() - t0:.1f} s, {n_failed_trials} failed trials{tail}")
    return 1 if failed or (args.strict and n_failed_trials) else 0


def _reproduce_runs(files: list[Path], args: argparse.Namespace, bar: Any,
                    weight: dict[str, float]) -> tuple[int, list[str], list[str]]:
    failed: list[str] = []
    skipped: list[str] = []
    n_failed_trials = 0
    for f in files:
        try:
            res = runner.run_experiment(
                f,
                preset=args.preset,
                n_jobs=args.jobs,
                scheduler=args.scheduler,
                results_dir=args.results,
                fresh=args.fresh,
                progress=bar,
                progress_weight=weight[f.stem],
                scheduler_timeout=args.scheduler_timeout,
            )
        except (ConfigError, StoreError, SchedulerError, _UsageError, KeyboardInterrupt):
            raise  # the user must act before any other experiment can run
        except DataUnavailableError as exc:  # e.g. no CIFAR here: skipped, not failed
            sys.stderr.write(f"{PROG}: skipping {f.stem}: {' '.join(str(exc).split())}\n")
            skipped.append(f.stem)
            continue
        except TrialError as exc:  # e.g. its analysis had too few successful trials
            sys.stderr.write(f"{PROG}: experiment {f.stem} failed: {exc}\n")
            failed.append(f.stem)
            continue
        except Exception:  # one broken experiment must not hide the others' results
            traceback.print_exc()
            sys.stderr.write(f"{PROG}: experiment {f.stem} failed (traceback above)\n")
            failed.append(f.stem)
            continue
        _print_run(res)
        n_failed_trials += res.n_failed
    return n_failed_trials, failed, skipped


def _cmd_bench(args: argparse.Namespace) -> int:
    topics = args.topic
    if topics:
        unknown = [t for t in topics if t not in bench.TOPICS]
        if unknown:
            raise _UsageError(
                f"unknown bench topic {unknown[0]!r} (choose from {', '.join(bench.TOPICS)})"
            )
    results = bench.run_all(quick=args.quick, topics=topics)
    if args.json:
        print(json.dumps({"results": results}, indent=2, sort_keys=True))
    else:
        print(bench.format_table(results))
    return 0


_COMMANDS = {
    "run": _cmd_run,
    "figures": _cmd_figures,
    "report": _cmd_report,
    "reproduce": _cmd_reproduce,
    "bench": _cmd_bench,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 1 when an experiment failed (or, with ``--strict``, a
        trial), 2 on a user mistake, 130 when interrupted.
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    try:
        return _COMMANDS[args.command](args)
    except SlamTheoryError as exc:
        msg = " ".join(str(exc).split())
        sys.stderr.write(f"{PROG}: error: {msg}\n")
        return 2
    except OSError as exc:  # e.g. a disk that filled up while figures were written
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"{PROG}: error: {where}{exc.strerror or exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted; finished trials are saved, rerun to resume\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
