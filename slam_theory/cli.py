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
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from slam_theory import __version__, bench, report, runner
from slam_theory.data.real import DATA_ENV
from slam_theory.errors import (
    ConfigError,
    DataUnavailableError,
    SchedulerError,
    SlamTheoryError,
    StoreError,
    TrialError,
)
from slam_theory.errors import UsageError as _UsageError

PROG = "slam-theory"


class _Help(argparse.ArgumentDefaultsHelpFormatter):
    """Help with ``(default: ...)`` after every option that has a value by default (not after
    on/off flags, nor where the help already says it)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "(default" in text or action.default is None or action.nargs == 0:
            return text
        return super()._get_help_string(action) or text


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line: ``slam-theory: error: ...``."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{PROG}: error: {message} (see {PROG} --help)\n")
        raise SystemExit(2)


#: The most worker processes ``--jobs`` accepts (more is a typo, not a machine).
MAX_JOBS = 1024


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer or -1, got {text!r}"
        ) from None
    if (value < 1 and value != -1) or value > MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer up to {MAX_JOBS} or -1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")


def _address(text: str) -> str:
    """A dask scheduler address: ``[scheme://]host:port`` (checked before anything runs)."""
    rest = text
    if "://" in text:
        scheme, rest = text.split("://", 1)
        if scheme not in _SCHEMES:
            raise argparse.ArgumentTypeError(
                f"expected [{'|'.join(_SCHEMES)}://]host:port, got {text!r}")
    host, sep, port = rest.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536 or any(
            c in host for c in "[]/ "):
        raise argparse.ArgumentTypeError(f"expected [scheme://]host:port, got {text!r}")
    return text


def _run_options(p: argparse.ArgumentParser, jobs: int) -> None:
    p.add_argument("--jobs", type=_jobs, default=jobs, metavar="N",
                   help="worker processes (-1: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None, type=_address,
                   help="dask.distributed scheduler address, e.g. tcp://host:8786 (default: "
                   "local loky processes)")
    p.add_argument("--scheduler-timeout", type=_seconds, default=20.0, metavar="S",
                   help="seconds to wait for the scheduler to answer")
    p.add_argument("--fresh", action="store_true", help="discard previous results first")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--strict", action="store_true",
                   help="exit with status 1 if any trial failed (else record them and go on)")
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help=f"folder of local data sets (CIFAR pickles); sets {DATA_ENV} for the "
                   "run (default: the environment's)")


def _set_data_dir(path: str | None) -> None:
    """Export ``--data-dir`` as ``$SLAM_THEORY_DATA`` (workers inherit it); refuse a folder
    that does not exist."""
    if path is None:
        return
    d = Path(path).expanduser()
    if not d.is_dir():
        raise _UsageError(f"--data-dir {path!r} is not an existing folder")
    os.environ[DATA_ENV] = str(d.resolve())


def _results_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--results", default="results", metavar="DIR",
                   help="results root: one folder per experiment")


def _experiments_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--experiments", default="experiments", metavar="DIR",
                   help="folder of the experiment TOML files (experiment names are looked "
                   "up there)")
    p.add_argument("--experiments-dir", dest="experiments", default=argparse.SUPPRESS,
                   help=argparse.SUPPRESS)  # the old spelling of figures


def _figures_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--figures", default="figures", metavar="DIR", help="figures folder")
    p.add_argument("--out", dest="figures", default=argparse.SUPPRESS,
                   help=argparse.SUPPRESS)  # the old spelling of figures


def _writable_dir(path: str | Path, flag: str) -> Path:
    """Refuse a folder option that cannot be written (checked before any work is done)."""
    d = Path(path)
    if d.exists() and not d.is_dir():
        raise _UsageError(f"{flag} {str(d)!r} is an existing file, not a folder")
    probe = d
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise _UsageError(f"{flag} {str(d)!r} is not writable (permission denied on "
                          f"{str(probe)!r})")
    return d


def _build_parser() -> _Parser:
    fmt = _Help
    parser = _Parser(
        prog=PROG,
        description="Run the slam-theory experiments, draw their figures, write the report.",
        epilog="Experiments are named by TOML file or by name (looked up in --experiments, "
        "./experiments by default: run from the repository root or pass --experiments DIR).",
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("run", help="run (or resume) one experiment", formatter_class=fmt,
                       description="Run (or resume) one experiment.")
    p.add_argument("file", metavar="EXPERIMENT",
                   help="an experiment TOML file, or its name (e.g. rate_eps)")
    p.add_argument("--preset", default="quick", help="preset: quick or full")
    _results_option(p)
    _experiments_option(p)
    _run_options(p, jobs=1)

    p = sub.add_parser("figures", help="draw figures from existing results",
                       formatter_class=fmt, description="Draw figures from existing results.")
    p.add_argument("names", nargs="*", metavar="EXPERIMENT",
                   help="experiment names or TOML files (default: all in --experiments)")
    _results_option(p)
    _figures_option(p)
    _experiments_option(p)

    p = sub.add_parser("report", help="write results/REPORT.md from the summaries",
                       formatter_class=fmt, description="Write REPORT.md from the summaries.")
    _results_option(p)

    p = sub.add_parser("reproduce", help="run every experiment, then figures and report",
                       formatter_class=fmt,
                       description="Run every experiment, then the figures and the report.")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--quick", dest="preset", action="store_const", const="quick",
                   help="the quick presets (the default)")
    g.add_argument("--full", dest="preset", action="store_const", const="full",
                   help="the full presets")
    p.set_defaults(preset="quick")
    _results_option(p)
    _figures_option(p)
    _experiments_option(p)
    _run_options(p, jobs=-1)

    p = sub.add_parser("bench", help="benchmarks against peer libraries", formatter_class=fmt,
                       description="Benchmarks against peers measured in the same run.")
    p.add_argument("--json", action="store_true", help='print {"results": [...]} only')
    p.add_argument("--quick", action="store_true", help="small sizes")
    p.add_argument("--topic", action="append", metavar="NAME",
                   help=f"only this topic, repeatable (choose from {', '.join(bench.TOPICS)};"
                   " default: all)")
    return parser


def _experiment_path(item: str, folder: str | Path) -> Path:
    """An experiment given as a TOML file or as a name in ``folder``."""
    p = Path(item)
    if p.is_file():
        return p
    by_name = Path(folder) / f"{item}.toml"
    if p.suffix != ".toml" and by_name.is_file():
        return by_name
    if p.suffix == ".toml":
        raise _UsageError(f"no such experiment file: {item}")
    raise _UsageError(f"unknown experiment {item!r} (no file {item!r}, no {by_name})")


def _experiment_files(folder: str | Path) -> list[Path]:
    d = Path(folder)
    if not d.is_dir():
        raise _UsageError(
            f"no experiments folder {str(d)!r}; run from the repository root or pass "
            "--experiments DIR"
        )
    files = sorted(d.glob("*.toml"))
    if not files:
        raise _UsageError(f"no *.toml experiment files in {str(d)!r}")
    return files


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
    _write_figure_index(args.figures, files)
    n = sum(len(v) for v in written.values())
    print(f"{n} figure files written to {args.figures}/ for {len(written)} experiments")
    return 0


def _write_figure_index(figures_dir: str, files: list[Path]) -> None:
    """(Re)write ``figures_dir/README.md`` once every figure function has run."""
    if Path(figures_dir).is_dir():
        runner.write_index(figures_dir, runner.collect_captions(files))


def _cmd_report(args: argparse.Namespace) -> int:
    if not Path(args.results).is_dir():
        raise _UsageError(f"no results folder {args.results!r}; run experiments first")
    path = report.write_report(args.results)
    print(f"report written to {path}")
    return 0


def trial_costs(experiments: str | Path, preset: str) -> dict[str, float]:
    """Seconds per trial of each experiment, from ``benchmarks/sweep.json`` next to the
    experiments folder (written by ``tools/sweep_bench.py``) when it measured ``preset``;
    empty if there is none."""
    path = Path(experiments).resolve().parent / "benchmarks" / "sweep.json"
    try:
        data = json.loads(path.read_text())
        if data.get("preset") != preset:
            return {}
        return {name: float(m["mean_trial_s"]) for name, m in data["experiments"].items()
                if float(m["mean_trial_s"]) > 0}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


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
    for f in files:  # validate everything before running anything
        runner.load_config(f, args.preset)
    bar, weight = _whole_run_bar(files, args)
    try:
        n_failed_trials, failed, skipped = _reproduce_runs(files, args, bar, weight)
    finally:
        bar.close()
    written = runner.make_figures(files, args.results, args.figures)
    _write_figure_index(args.figures, files)
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
