"""``summary.json``: the analysis's result, the experiment, the preset, the failed trials and
the versions of the package, Python and the numerical libraries that computed them.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as d:
...     p = write_summary(Path(d), {"claims": []}, experiment="x", preset="quick",
...                       failures=[])
...     json.loads(p.read_text())["failures"]
{'count': 0, 'trials': []}
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
from pathlib import Path
from typing import Any

import slam_theory

from slam_theory.errors import StoreError
from slam_theory.results.cells import dump_json

__all__ = ["LIBRARIES", "SUMMARY_NAME", "read_summary", "versions", "write_summary"]

SUMMARY_NAME = "summary.json"
#: Distributions whose versions :func:`versions` records.
LIBRARIES = ("numpy", "scipy", "scikit-learn", "numba")


def versions() -> dict[str, str]:
    """The versions of slam-theory, Python and :data:`LIBRARIES` (``"missing"`` if absent).

    They are recorded in ``config.json`` and ``summary.json`` for the reader, not in the
    config's fingerprint: a library upgrade does not refuse a resume (the run warns instead).

    Examples
    --------
    >>> sorted(versions())
    ['numba', 'numpy', 'python', 'scikit-learn', 'scipy', 'slam-theory']
    """
    out = {"slam-theory": slam_theory.__version__, "python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def write_summary(
    out_dir: Path,
    result: dict[str, Any],
    *,
    experiment: str,
    preset: str,
    failures: list[dict[str, Any]],
) -> Path:
    """Write ``out_dir/summary.json``: ``{**result, experiment, preset, failures, versions}``.

    ``failures`` is ``{"count": n, "trials": [{"params", "seed", "error"}, ...]}`` (trials in
    key order); ``versions`` is :func:`versions`; NaN and inf are written as ``null``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_summary(Path(tmp), {"exponent": float("nan")}, experiment="demo",
    ...                          preset="quick", failures=[])
    ...     summary = read_summary(tmp)
    >>> summary["experiment"], summary["exponent"], summary["failures"]     # NaN written as null
    ('demo', None, {'count': 0, 'trials': []})
    """
    path = Path(out_dir) / SUMMARY_NAME
    dump_json(path, {**result, "experiment": experiment, "preset": preset,
                     "failures": {"count": len(failures), "trials": list(failures)},
                     "versions": versions()})
    return path


def read_summary(results_dir: str | Path) -> dict[str, Any]:
    """Read ``results_dir/summary.json``; a :class:`~slam_theory.errors.StoreError` if unreadable.

    Examples
    --------
    >>> import tempfile
    >>> from slam_theory.errors import StoreError
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     try:
    ...         read_summary(tmp)
    ...     except StoreError:
    ...         print("no summary.json yet")
    no summary.json yet
    """
    path = Path(results_dir) / SUMMARY_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path}: cannot read ({type(exc).__name__}); rerun the "
                         "experiment") from None
    if not isinstance(data, dict):
        raise StoreError(f"{path}: not a JSON object; rerun the experiment")
    return data
