"""``summary.json``: the analysis's result, the experiment, the preset and the failed trials.

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

import json
from pathlib import Path
from typing import Any

from slam_theory.errors import StoreError
from slam_theory.results.cells import dump_json

__all__ = ["SUMMARY_NAME", "read_summary", "write_summary"]

SUMMARY_NAME = "summary.json"


def write_summary(
    out_dir: Path,
    result: dict[str, Any],
    *,
    experiment: str,
    preset: str,
    failures: list[dict[str, Any]],
) -> Path:
    """Write ``out_dir/summary.json``: ``{**result, experiment, preset, failures}``.

    ``failures`` is ``{"count": n, "trials": [{"params", "seed", "error"}, ...]}`` (trials in
    key order); NaN and inf are written as ``null``.

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
                     "failures": {"count": len(failures), "trials": list(failures)}})
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
