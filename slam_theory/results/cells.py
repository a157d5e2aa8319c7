"""Cells, canonical JSON and atomic files: the encodings every results file shares.

A measurement or parameter is stored as the text of its ``trials.csv`` cell: floats with
``repr`` (so they round-trip exactly), ``True``/``False``, integers in decimal, strings as
they are, ``None`` as the empty cell.

Examples
--------
>>> from slam_theory.results.cells import format_cell, parse_cell
>>> format_cell(0.1), parse_cell("0.1"), parse_cell(format_cell(True)), parse_cell("")
('0.1', 0.1, True, None)
"""

from __future__ import annotations

import errno
import json
import math
import numbers
import os
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory.errors import StoreError

__all__ = ["atomic_write_bytes", "canonical", "dump_json", "format_cell", "jsonable",
           "parse_cell", "trial_key"]


def canonical(obj: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, ASCII (``1`` and ``1.0`` stay different).

    Examples
    --------
    >>> canonical({"b": 1, "a": [1.0, "x"]})
    '{"a":[1.0,"x"],"b":1}'
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def format_cell(value: Any) -> str:
    """Format one scalar as its ``trials.csv`` cell.

    Examples
    --------
    >>> format_cell(np.float64(0.25)), format_cell(np.int64(3)), format_cell(None)
    ('0.25', '3', '')
    """
    kind = type(value)
    if kind is float:
        return repr(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, str):
        return value
    raise TypeError(f"not a scalar: {value!r}")


def parse_cell(text: str) -> Any:
    """Parse a cell back into bool, int, float or str (the empty cell is None).

    Examples
    --------
    >>> parse_cell("3"), parse_cell("nan") != parse_cell("nan"), parse_cell("slam")
    (3, True, 'slam')
    """
    if text == "":
        return None
    if text == "True":
        return True
    if text == "False":
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def trial_key(param_cells: list[str], seed_index: int | str) -> str:
    """The key of a trial: canonical JSON of its sorted parameters' cells and seed index.

    Examples
    --------
    >>> trial_key(["4", "slam"], 0)
    '["4","slam","0"]'
    """
    return canonical([*param_cells, str(seed_index)])


def jsonable(obj: Any) -> Any:
    """JSON-safe data: NaN and inf become None, numpy becomes Python, callables their names.

    Examples
    --------
    >>> jsonable({"x": float("nan"), "y": np.arange(2)})
    {'x': None, 'y': [0, 1]}
    """
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Path):
        return str(obj)
    if callable(obj):
        return f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', repr(obj))}"
    return obj


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full; free space and rerun"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied; choose a writable --results directory"
    return f"{exc.strerror or exc}"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file and a rename: readers see old or new bytes.

    Any OS error (a full disk, a read-only folder) removes the temporary file and raises a
    one-line :class:`~slam_theory.errors.StoreError`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     atomic_write_bytes(Path(d) / "a.txt", b"hi")
    ...     (Path(d) / "a.txt").read_bytes(), sorted(p.name for p in Path(d).iterdir())
    (b'hi', ['a.txt'])
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise StoreError(f"cannot write {path}: {_why(exc)}") from None


def dump_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as sorted, indented JSON (NaN as null), atomically.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     dump_json(Path(d) / "s.json", {"b": float("nan"), "a": 1})
    ...     print((Path(d) / "s.json").read_text(), end="")
    {
      "a": 1,
      "b": null
    }
    """
    text = json.dumps(jsonable(obj), indent=2, sort_keys=True, allow_nan=False) + "\n"
    atomic_write_bytes(path, text.encode())


def os_error_line(path: Path, exc: OSError) -> str:
    """One line saying why ``path`` could not be used (for the store and the exports)."""
    return f"cannot write {path}: {_why(exc)}"
