"""``trials.csv`` and ``timings.csv``: exports of the trial store, and :func:`read_trials`.

The export is for people, diffs, figures and analyses: one line per row of every successful
trial, trials in key order and each trial's rows in ascending ``row``; columns are the sorted
parameter names, ``seed`` (the seed index), ``row``, then the sorted measurement names. It is
written atomically, and its SHA-256 is kept in the store, so an edited or damaged export is
refused by :func:`read_trials` instead of being read.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as d:
...     p = Path(d) / "trials.csv"
...     _ = p.write_text("n,seed,row,err\\n5,0,0,0.5\\n")
...     read_trials(p)
[{'n': 5, 'seed': 0, 'row': 0, 'err': 0.5}]
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

from slam_theory.errors import StoreError
from slam_theory.results.cells import atomic_write_bytes, parse_cell, trial_key
from slam_theory.results.store import STORE_NAME, TrialStore

__all__ = ["CSV_NAME", "TIMINGS_NAME", "export_tables", "read_trials", "rows_of"]

#: File names of the exports inside an experiment's results directory.
CSV_NAME = "trials.csv"
TIMINGS_NAME = "timings.csv"


def _line(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def export_tables(store: TrialStore, out_dir: Path, param_names: list[str]) -> Path:
    """Write ``trials.csv`` and ``timings.csv`` from ``store``; remember the export's hash.

    Returns
    -------
    Path
        The ``trials.csv`` written.

    Examples
    --------
    >>> from slam_theory.results import example_store
    >>> with example_store() as store:                       # one trial: n = 5, err = 0.5
    ...     csv = export_tables(store, store.path.parent, ["n"])
    ...     csv.name, csv.read_text().splitlines()
    ('trials.csv', ['n,seed,row,err', '5,0,0,0.5'])
    """
    ok = list(store.trials(status="ok"))
    cols = sorted({c for t in ok for r in t.rows for c in r})
    header = [*param_names, "seed", "row", *cols]
    lines = [_line(header)]
    timings = [_line([*param_names, "seed", "wall_s", "host", "pid"])]
    for t in ok:
        base = [t.params[k] for k in param_names] + [str(t.seed)]
        lines += [_line([*base, str(i), *(r.get(c, "") for c in cols)])
                  for i, r in enumerate(t.rows)]
    for t in store.trials():
        wall = "" if t.wall_s is None else repr(float(t.wall_s))
        timings.append(_line([*(t.params[k] for k in param_names), str(t.seed), wall,
                              t.host or "", "" if t.pid is None else str(t.pid)]))
    data = "".join(lines).encode()
    atomic_write_bytes(out_dir / TIMINGS_NAME, "".join(timings).encode())
    atomic_write_bytes(out_dir / CSV_NAME, data)
    store.set_meta("export_sha256", hashlib.sha256(data).hexdigest())
    return out_dir / CSV_NAME


def rows_of(store: TrialStore, param_names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """``{key: rows}`` of the store's successful trials, cells parsed (for the analysis).

    Examples
    --------
    >>> from slam_theory.results import example_store
    >>> with example_store() as store:                       # one trial: n = 5, err = 0.5
    ...     rows_of(store, ["n"])
    {'["5","0"]': [{'n': 5, 'seed': 0, 'row': 0, 'err': 0.5}]}
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for t in store.trials(status="ok"):
        base = {k: parse_cell(t.params[k]) for k in param_names}
        base["seed"] = t.seed
        out[t.key] = [{**base, "row": i, **{c: parse_cell(v) for c, v in sorted(r.items())}}
                      for i, r in enumerate(t.rows)]
    return out


def _refuse(path: Path, what: str, has_store: bool) -> StoreError:
    fix = (f"rerun `slam-theory run` on this experiment to export it again from {STORE_NAME}"
           if has_store else "rerun the experiment with --fresh")
    return StoreError(f"{path}: {what}; {fix}")


def _read_store(path: Path) -> list[dict[str, Any]]:
    with TrialStore.read(path) as store:
        names = json.loads(store.meta("param_names") or "[]")
        by_key = rows_of(store, names)
    fixed = {*names, "seed", "row"}
    cols = sorted({c for rows in by_key.values() for r in rows for c in r} - fixed)
    header = [*names, "seed", "row", *cols]
    return [{c: r.get(c) for c in header} for key in sorted(by_key) for r in by_key[key]]


def read_trials(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read the successful trials' rows from an exported ``trials.csv`` or the store.

    Parameters
    ----------
    path : path-like
        ``results/<name>/trials.csv``, ``results/<name>/trials.sqlite`` or the directory
        ``results/<name>`` (then the store, or the export if there is no store). A missing
        CSV gives ``[]``.

    Returns
    -------
    list of dict
        One dict per row, trials in key order (canonical JSON of the parameters' cells and
        the seed index: it does not depend on which worker finished first), each trial's rows
        in ascending ``row``; cells parsed into bool/int/float/str (empty -> None).

    Raises
    ------
    slam_theory.errors.StoreError
        A file that is not what the store exported (edited, torn, not UTF-8, a duplicated or
        missing row, a renamed column): one line saying how to get a good one back.

    Examples
    --------
    >>> from slam_theory.results import example_store
    >>> with example_store() as store:                       # one trial: n = 5, err = 0.5
    ...     csv = export_tables(store, store.path.parent, ["n"])
    ...     read_trials(csv)                                    # cells parsed
    [{'n': 5, 'seed': 0, 'row': 0, 'err': 0.5}]
    """
    p = Path(path)
    if p.is_dir():
        p = p / STORE_NAME if (p / STORE_NAME).exists() else p / CSV_NAME
    if p.suffix == ".sqlite":
        return _read_store(p)
    if not p.exists():
        return []
    store_path = p.with_name(STORE_NAME)
    has_store = store_path.exists()
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise StoreError(f"{p}: cannot read ({exc.strerror})") from None
    if has_store:
        with TrialStore.read(store_path) as store:
            expected = store.meta("export_sha256")
        if expected is not None and hashlib.sha256(data).hexdigest() != expected:
            raise _refuse(p, "edited or damaged since it was exported", True)
    if not data:
        return []
    return _parse(p, data, has_store)


def _parse(p: Path, data: bytes, has_store: bool) -> list[dict[str, Any]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(p, f"not UTF-8 at byte {exc.start}", has_store) from None
    if not text.endswith("\n"):
        raise _refuse(p, "ends in a partial line (a torn write)", has_store)
    table = list(csv.reader(io.StringIO(text, newline="")))
    header = table[0]
    if "seed" not in header or "row" not in header or len(set(header)) != len(header):
        raise _refuse(p, "header is not a slam-theory trials header (needs unique columns "
                      "and seed, row)", has_store)
    i_seed, i_row = header.index("seed"), header.index("row")
    if i_row != i_seed + 1:
        raise _refuse(p, "header has seed and row out of place", has_store)
    trials: dict[str, list[tuple[int, list[str]]]] = {}
    for lineno, cells in enumerate(table[1:], start=2):
        if len(cells) != len(header):
            raise _refuse(p, f"line {lineno} has {len(cells)} cells, the header "
                          f"{len(header)}", has_store)
        try:
            seed, row = int(cells[i_seed]), int(cells[i_row])
        except ValueError:
            raise _refuse(p, f"line {lineno}: seed and row must be integers", has_store) from None
        key = trial_key(cells[:i_seed], seed)
        trials.setdefault(key, []).append((row, cells))
    out: list[dict[str, Any]] = []
    for key in sorted(trials):
        rows = sorted(trials[key], key=lambda rc: rc[0])
        if [r for r, _ in rows] != list(range(len(rows))):
            raise _refuse(p, f"trial {key} has rows {[r for r, _ in rows]}, expected "
                          f"0..{len(rows) - 1}", has_store)
        out += [{h: parse_cell(c) for h, c in zip(header, cells)} for _, cells in rows]
    return out
