"""The command line's parser: its subcommands, their options (each with a help text and its
default), and the checks of option values and paths, each refused in one line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from slam_theory import __version__, bench
from slam_theory.data.real import DATA_ENV
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
