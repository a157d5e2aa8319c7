"""The experiment engine: config -> grid x seeds -> executor -> trials.csv -> summary.json.

The engine knows nothing of any algorithm.  An experiment is a TOML file (schema in
``notes/CONTRACTS.md``) naming a *trial function* ``f(params, seed) -> dict | list[dict]``
in ``slam_theory.<module>``; the engine crosses the grid with the seeds, runs every trial
that is not already in ``results/<name>/trials.csv`` on joblib (``loky`` processes locally,
the ``dask`` backend given a scheduler address), appends each finished trial's rows as soon as
it arrives, and finally calls the experiment's analysis function.

Files written under ``results/<name>/``:

``trials.csv``
    One line per trial row: the sorted parameter names, ``seed`` (the seed index), ``row``
    (the index in the list a trial returned), then the sorted measurement names.  Floats are
    written with ``repr`` so they round-trip exactly, so the file is byte-identical across
    runs up to the order of trials.  Each trial's rows are appended with **one** ``os.write``
    on a file opened with ``O_APPEND``, in *descending* ``row`` order, so the line with
    ``row == 0`` is the last byte range of the write: a trial is complete exactly when its
    ``row 0`` line is complete.  A process killed with SIGKILL (even mid-write) therefore
    leaves at most a partial trailing line and some rows of one unfinished trial; both are
    dropped when the file is read or resumed.  :func:`read_trials` returns each trial's rows
    in ascending ``row`` order.
``timings.csv``
    Parameters, seed index, wall time, host and process id of every trial run (never in
    ``trials.csv``, which must not depend on the machine).
``config.json``
    The resolved config and its fingerprint (trial, root_seed, seed_by, fixed, grid, preset,
    seeds).  A later run into the same directory with another fingerprint is refused.
``summary.json``
    ``{"experiment", "preset", **analysis(rows, config)}``, NaN written as ``null``.

Seeds: trial ``(params, i)`` gets ``SeedSequence(root_seed, spawn_key=(i, a, b))`` where
``a, b`` are two 32-bit words of the SHA-256 of the canonical JSON of the ``seed_by``
parameters, so the numbers do not depend on the worker count, the order, or the process.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import importlib
import io
import itertools
import json
import math
import numbers
import os
import shutil
import socket
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PRESETS",
    "ConfigError",
    "RunResult",
    "Trial",
    "TrialError",
    "expand_trials",
    "load_config",
    "make_figures",
    "read_trials",
    "resolve_reference",
    "run_experiment",
]

#: Presets every experiment must define.
PRESETS: tuple[str, ...] = ("quick", "full")

_TOP_KEYS = {
    "name",
    "description",
    "trial",
    "analysis",
    "figures",
    "root_seed",
    "seed_by",
    "fixed",
    "grid",
    "analysis_params",
    "claims",
    "presets",
}
_REQUIRED_TOP = ("name", "trial", "root_seed", "presets")
_PRESET_KEYS = {"seeds", "fixed", "grid", "analysis_params"}
_RESERVED = {"seed", "row"}
_FINGERPRINT_FIELDS = ("trial", "root_seed", "seed_by", "fixed", "grid", "preset", "seeds")

Scalar = int | float | str | bool


class ConfigError(ValueError):
    """A user mistake in an experiment config or its results directory.

    The message is one line naming the file, the key and what was expected.
    """


class TrialError(RuntimeError):
    """A trial function raised or returned something the engine cannot store."""


# --------------------------------------------------------------------------- references


def _is_dotted_identifier(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def resolve_reference(ref: str, *, allow_external: bool = False) -> Callable[..., Any]:
    """Resolve ``"<module>:<function>"`` to a callable inside ``slam_theory``.

    Parameters
    ----------
    ref : str
        ``"<module>:<function>"``; the module is looked up as ``slam_theory.<module>``.
    allow_external : bool, default=False
        If True and ``slam_theory.<module>`` does not exist, ``<module>`` is imported as an
        absolute module name (used by tests for trial functions outside the package).

    Returns
    -------
    callable

    Raises
    ------
    ValueError
        If the reference is malformed, the module or function does not exist, or the
        attribute is not callable.  Import errors *inside* an existing module propagate.
    """
    if not isinstance(ref, str) or ref.count(":") != 1:
        raise ValueError(f"expected '<module>:<function>', got {ref!r}")
    mod_name, func_name = ref.split(":")
    if not _is_dotted_identifier(mod_name) or not func_name.isidentifier():
        raise ValueError(f"expected '<module>:<function>' made of identifiers, got {ref!r}")
    candidates = [f"slam_theory.{mod_name}"]
    if allow_external:
        candidates.append(mod_name)
    module = None
    for full in candidates:
        try:
            module = importlib.import_module(full)
            break
        except ModuleNotFoundError as exc:
            # Only "this module does not exist" is a config mistake; a missing dependency
            # inside an existing module is a bug and propagates.
            if exc.name is None or not (full == exc.name or full.startswith(exc.name + ".")):
                raise
    if module is None:
        raise ValueError(f"no module slam_theory.{mod_name} (in {ref!r})")
    func = getattr(module, func_name, None)
    if func is None:
        raise ValueError(f"module {module.__name__} has no function {func_name!r}")
    if not callable(func):
        raise ValueError(f"{module.__name__}.{func_name} is not callable")
    return func


@functools.lru_cache(maxsize=64)
def _resolve_cached(ref: str, allow_external: bool) -> Callable[..., Any]:
    return resolve_reference(ref, allow_external=allow_external)


# --------------------------------------------------------------------------- config


def _type_name(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "float", str: "string", list: "array",
            dict: "table"}.get(type(value), type(value).__name__)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, bool | int | float | str)


class _Checker:
    """Raise one-line :class:`ConfigError` messages naming the file and the key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, expected: str, got: Any = dataclasses.MISSING) -> None:
        msg = f"{self.source}: {key}: expected {expected}"
        if got is not dataclasses.MISSING:
            shown = repr(got)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            msg += f", got {_type_name(got)} {shown}"
        raise ConfigError(msg)

    def table(self, data: dict[str, Any], key: str, allowed: set[str]) -> None:
        for k in data:
            if k not in allowed:
                where = f"{key}.{k}" if key else k
                self.fail(where, f"no such key (allowed: {', '.join(sorted(allowed))})")

    def scalars(self, data: Any, key: str) -> dict[str, Scalar]:
        if not isinstance(data, dict):
            self.fail(key, "a table of scalar parameters", data)
        for k, v in data.items():
            self.param_name(k, f"{key}.{k}")
            if not _is_scalar(v):
                self.fail(f"{key}.{k}", "a scalar (integer, float, string or boolean)", v)
            self.no_newline(v, f"{key}.{k}")
        return dict(data)

    def grid(self, data: Any, key: str) -> dict[str, list[Scalar]]:
        if not isinstance(data, dict):
            self.fail(key, "a table of parameter lists", data)
        for k, v in data.items():
            where = f"{key}.{k}"
            self.param_name(k, where)
            if not isinstance(v, list) or not v:
                self.fail(where, "a non-empty array of scalars", v)
            for item in v:
                if not _is_scalar(item):
                    self.fail(where, "an array of scalars (integer, float, string, boolean)",
                              item)
                self.no_newline(item, where)
            cells = [_cell(item) for item in v]
            if len(set(zip(cells, map(type, v)))) != len(v):
                self.fail(where, "an array without duplicate values", v)
        return {k: list(v) for k, v in data.items()}

    def param_name(self, name: str, key: str) -> None:
        if not name.isidentifier():
            self.fail(key, "a parameter name that is a Python identifier")
        if name in _RESERVED:
            self.fail(key, f"a parameter name other than {sorted(_RESERVED)} (engine columns)")

    def no_newline(self, value: Any, key: str) -> None:
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            self.fail(key, "a string without line breaks", value)

    def reference(self, value: Any, key: str, allow_external: bool) -> None:
        if not isinstance(value, str):
            self.fail(key, "a string '<module>:<function>'", value)
        try:
            resolve_reference(value, allow_external=allow_external)
        except ValueError as exc:
            self.fail(key, f"'<module>:<function>' naming a function in slam_theory ({exc})")


def _validate(
    raw: dict[str, Any], source: str, stem: str | None, allow_external: bool
) -> dict[str, Any]:
    chk = _Checker(source)
    chk.table(raw, "", _TOP_KEYS)
    for key in _REQUIRED_TOP:
        if key not in raw:
            chk.fail(key, "this required key to be present")
    name = raw["name"]
    if not isinstance(name, str) or not name.isidentifier():
        chk.fail("name", "a string that is a Python identifier", name)
    if stem is not None and name != stem:
        chk.fail("name", f"the file stem {stem!r}", name)
    desc = raw.get("description", "")
    if not isinstance(desc, str):
        chk.fail("description", "a string", desc)
    if callable(raw["trial"]):
        pass  # tests may pass a callable in a config dict
    else:
        chk.reference(raw["trial"], "trial", allow_external)
    if raw.get("analysis") is not None and not callable(raw["analysis"]):
        chk.reference(raw["analysis"], "analysis", allow_external)
    figures = raw.get("figures", [])
    if not isinstance(figures, list):
        chk.fail("figures", "an array of '<module>:<function>' strings", figures)
    for i, ref in enumerate(figures):
        if not callable(ref):
            chk.reference(ref, f"figures[{i}]", allow_external)
    root_seed = raw["root_seed"]
    if isinstance(root_seed, bool) or not isinstance(root_seed, int) or root_seed < 0:
        chk.fail("root_seed", "a non-negative integer", root_seed)
    fixed = chk.scalars(raw.get("fixed", {}), "fixed")
    grid = chk.grid(raw.get("grid", {}), "grid")
    both = sorted(set(fixed) & set(grid))
    if both:
        chk.fail(f"grid.{both[0]}", "a parameter not also in [fixed]")
    ap = raw.get("analysis_params", {})
    if not isinstance(ap, dict):
        chk.fail("analysis_params", "a table", ap)
    claims = raw.get("claims", [])
    if not isinstance(claims, list):
        chk.fail("claims", "an array of tables ([[claims]])", claims)
    seen: set[str] = set()
    for i, claim in enumerate(claims):
        if not isinstance(claim, dict):
            chk.fail(f"claims[{i}]", "a table", claim)
        cid = claim.get("id")
        if not isinstance(cid, str) or not cid:
            chk.fail(f"claims[{i}].id", "a non-empty string", cid)
        if cid in seen:
            chk.fail(f"claims[{i}].id", "a unique claim id", cid)
        seen.add(cid)
    presets = raw["presets"]
    if not isinstance(presets, dict):
        chk.fail("presets", "a table of presets", presets)
    for p in PRESETS:
        if p not in presets:
            chk.fail(f"presets.{p}", "this required preset to be present")
    for pname, preset in presets.items():
        key = f"presets.{pname}"
        if not isinstance(preset, dict):
            chk.fail(key, "a table", preset)
        chk.table(preset, key, _PRESET_KEYS)
        if "seeds" not in preset:
            chk.fail(f"{key}.seeds", "this required key to be present")
        seeds = preset["seeds"]
        if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
            chk.fail(f"{key}.seeds", "a positive integer", seeds)
        chk.scalars(preset.get("fixed", {}), f"{key}.fixed")
        chk.grid(preset.get("grid", {}), f"{key}.grid")
        if not isinstance(preset.get("analysis_params", {}), dict):
            chk.fail(f"{key}.analysis_params", "a table", preset["analysis_params"])
    seed_by = raw.get("seed_by")
    if seed_by is not None:
        if not isinstance(seed_by, list) or not all(isinstance(s, str) for s in seed_by):
            chk.fail("seed_by", "an array of parameter names", seed_by)
        if len(set(seed_by)) != len(seed_by):
            chk.fail("seed_by", "an array without duplicates", seed_by)
        for pname, preset in presets.items():
            names = set(fixed) | set(grid) | set(preset.get("fixed", {}))
            names |= set(preset.get("grid", {}))
            for s in seed_by:
                if s not in names:
                    chk.fail("seed_by", f"names of parameters in [fixed] or [grid] (preset "
                                        f"{pname!r} has no parameter {s!r})")
    return raw


def _resolve_preset(raw: dict[str, Any], preset: str, source: str) -> dict[str, Any]:
    presets = raw["presets"]
    if not isinstance(preset, str) or preset not in presets:
        raise ConfigError(
            f"{source}: presets.{preset}: no such preset "
            f"(expected one of: {', '.join(sorted(presets))})"
        )
    p = presets[preset]
    fixed = dict(raw.get("fixed", {}))
    grid = {k: list(v) for k, v in raw.get("grid", {}).items()}
    for k, v in p.get("fixed", {}).items():
        grid.pop(k, None)
        fixed[k] = v
    for k, v in p.get("grid", {}).items():
        fixed.pop(k, None)
        grid[k] = list(v)
    ap = dict(raw.get("analysis_params", {}))
    ap.update(p.get("analysis_params", {}))
    names = sorted(set(fixed) | set(grid))
    seed_by = raw.get("seed_by")
    return {
        "name": raw["name"],
        "preset": preset,
        "description": raw.get("description", ""),
        "trial": raw["trial"],
        "analysis": raw.get("analysis"),
        "figures": list(raw.get("figures", [])),
        "root_seed": raw["root_seed"],
        "seed_by": list(seed_by) if seed_by is not None else names,
        "fixed": fixed,
        "grid": grid,
        "analysis_params": ap,
        "claims": [dict(c) for c in raw.get("claims", [])],
        "seeds": p["seeds"],
    }


def load_config(
    path: str | os.PathLike[str], preset: str = "quick", *, allow_external: bool = False
) -> dict[str, Any]:
    """Load, validate and resolve one experiment TOML file.

    Parameters
    ----------
    path : path-like
        The experiment file; its ``name`` must equal the file stem.
    preset : str, default="quick"
        Which ``[presets.<preset>]`` table to merge over the base ``fixed``/``grid``/
        ``analysis_params`` (a preset's fixed key removes that key from the grid, and a
        preset's grid key removes it from fixed).
    allow_external : bool, default=False
        Accept ``"<module>:<function>"`` references to modules outside ``slam_theory``.

    Returns
    -------
    dict
        Keys: name, preset, description, trial, analysis, figures, root_seed, seed_by,
        fixed, grid, analysis_params, claims, seeds.

    Raises
    ------
    ConfigError
        Missing file, invalid TOML, unknown key, wrong type, missing field, name not equal
        to the file stem, bad reference or unknown preset; the one-line message names the
        file and the key.
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: no such experiment file")
    try:
        with p.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: invalid TOML: not UTF-8 ({exc.reason})") from None
    _validate(raw, str(p), p.stem, allow_external)
    return _resolve_preset(raw, preset, str(p))


def _config_from_dict(
    config: dict[str, Any], preset: str, allow_external: bool
) -> dict[str, Any]:
    """Accept either a raw experiment dict (with ``presets``) or a resolved config."""
    if "presets" in config:
        _validate(dict(config), "<config>", None, allow_external)
        return _resolve_preset(config, preset, "<config>")
    required = ("name", "trial", "root_seed", "fixed", "grid", "seeds")
    for key in required:
        if key not in config:
            raise ConfigError(f"<config>: {key}: expected this required key to be present")
    out = {
        "preset": preset,
        "description": "",
        "analysis": None,
        "figures": [],
        "analysis_params": {},
        "claims": [],
        **config,
    }
    chk = _Checker("<config>")
    chk.scalars(out["fixed"], "fixed")
    chk.grid(out["grid"], "grid")
    seeds = out["seeds"]
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        chk.fail("seeds", "a positive integer", seeds)
    if not callable(out["trial"]):
        chk.reference(out["trial"], "trial", allow_external)
    out.setdefault("seed_by", sorted(set(out["fixed"]) | set(out["grid"])))
    if out["seed_by"] is None:
        out["seed_by"] = sorted(set(out["fixed"]) | set(out["grid"]))
    return out


# --------------------------------------------------------------------------- trials


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _cell(value: Any) -> str:
    """Format one scalar for trials.csv (floats with repr, so they round-trip)."""
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


def _parse_cell(text: str) -> Any:
    """Parse a trials.csv cell back into bool/int/float/str (empty -> None)."""
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


def _trial_key(param_cells: Sequence[str], seed_index: int | str) -> str:
    return _canonical([*param_cells, str(seed_index)])


@dataclasses.dataclass(frozen=True)
class Trial:
    """One trial: a parameter point, a seed index and its seed.

    Attributes
    ----------
    index : int
        Position in the deterministic expansion order.
    params : dict
        Every parameter (fixed and grid) of this trial.
    seed_index : int
        Seed index ``0 .. seeds-1`` (the ``seed`` column of trials.csv).
    key : str
        Canonical JSON of the sorted parameters' CSV cells plus the seed index; identifies
        the trial in trials.csv for resuming.
    entropy : int
        The experiment's root seed.
    spawn_key : tuple of int
        ``(seed_index, a, b)`` with ``a, b`` from the SHA-256 of the ``seed_by`` params.
    """

    index: int
    params: dict[str, Scalar]
    seed_index: int
    key: str
    entropy: int
    spawn_key: tuple[int, ...]

    @property
    def seed(self) -> np.random.SeedSequence:
        """The trial's :class:`numpy.random.SeedSequence`."""
        return np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)


def _stable_ints(values: dict[str, Any]) -> tuple[int, int]:
    digest = hashlib.sha256(_canonical(values).encode()).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:8], "little")


def expand_trials(config: dict[str, Any]) -> list[Trial]:
    """Expand a resolved config into its trials, in a deterministic order.

    The order is seed-major (every grid point for seed 0, then seed 1, ...); grid
    parameters are crossed in sorted-name order, each in the order its values are listed.

    Parameters
    ----------
    config : dict
        A resolved config from :func:`load_config`.

    Returns
    -------
    list of Trial
    """
    fixed = config["fixed"]
    grid = config["grid"]
    names = sorted(grid)
    seed_by = list(config["seed_by"])
    points = [dict(zip(names, combo)) for combo in itertools.product(*(grid[n] for n in names))]
    trials: list[Trial] = []
    for seed_index in range(int(config["seeds"])):
        for point in points:
            params = {**fixed, **point}
            params = {k: params[k] for k in sorted(params)}
            missing = [s for s in seed_by if s not in params]
            if missing:
                raise ConfigError(f"{config['name']}: seed_by: no parameter {missing[0]!r}")
            a, b = _stable_ints({s: params[s] for s in seed_by})
            key = _trial_key([_cell(params[k]) for k in params], seed_index)
            trials.append(
                Trial(len(trials), params, seed_index, key, int(config["root_seed"]),
                      (seed_index, a, b))
            )
    return trials


def _normalise_rows(out: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = [out] if isinstance(out, dict) else out
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise TrialError(
            f"trial function must return a dict or a non-empty list of dicts, got "
            f"{type(out).__name__}"
        )
    clean: list[dict[str, Any]] = []
    for r in rows:
        row: dict[str, Any] = {}
        for k, v in r.items():
            if not isinstance(k, str) or not k.isidentifier():
                raise TrialError(f"measurement name {k!r} is not an identifier")
            if k in params or k in _RESERVED:
                raise TrialError(f"measurement {k!r} clashes with a parameter or engine column")
            if isinstance(v, np.generic):
                v = v.item()
            if v is not None and not _is_scalar(v):
                raise TrialError(f"measurement {k!r} is not a scalar: {type(v).__name__}")
            if isinstance(v, str) and ("\n" in v or "\r" in v):
                raise TrialError(f"measurement {k!r} contains a line break")
            row[k] = v
        clean.append(row)
    return clean


def _execute(
    func: Callable[..., Any] | str,
    allow_external: bool,
    params: dict[str, Any],
    entropy: int,
    spawn_key: tuple[int, ...],
    key: str,
) -> tuple[str, list[dict[str, Any]], float, str, int]:
    """Run one trial in a worker; return (key, rows, wall seconds, host, pid).

    The trial runs with BLAS/OpenMP pools limited to one thread: a BLAS product's rounding
    depends on how many threads split it, and the number a worker gets depends on the job
    count (loky gives each worker ``cores // n_jobs``), so without this limit the same seed
    could give different last bits on 1 and N workers.  Numba kernels are unaffected (their
    chunking is fixed).
    """
    from threadpoolctl import threadpool_limits

    fn = _resolve_cached(func, allow_external) if isinstance(func, str) else func
    seed = np.random.SeedSequence(entropy, spawn_key=spawn_key)
    t0 = time.perf_counter()
    try:
        with threadpool_limits(limits=1):
            out = fn(dict(params), seed)
    except Exception as exc:
        raise TrialError(
            f"trial {params} seed {spawn_key[0]} raised {type(exc).__name__}: {exc}"
        ) from exc
    wall = time.perf_counter() - t0
    return key, _normalise_rows(out, params), wall, socket.gethostname(), os.getpid()


# --------------------------------------------------------------------------- trials.csv


def _csv_line(cells: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


@dataclasses.dataclass
class _Parsed:
    header: list[str] | None
    header_line: bytes
    blocks: list[tuple[str, list[bytes], list[list[str]]]]  # key, raw lines, cells (row asc)
    clean: bool  # False if a torn tail, orphan rows or duplicates were found


def _parse_file(path: Path) -> _Parsed:
    data = path.read_bytes() if path.exists() else b""
    clean = True
    if data and not data.endswith(b"\n"):
        clean = False
        data = data[: data.rfind(b"\n") + 1]
    lines = data.splitlines(keepends=True)
    if not lines:
        return _Parsed(None, b"", [], clean and not data)
    header = next(csv.reader([lines[0].decode()]))
    if "seed" not in header or "row" not in header:
        raise ConfigError(f"{path}: not a trials.csv written by slam-theory (no seed/row)")
    i_seed, i_row = header.index("seed"), header.index("row")
    n_params = i_seed
    blocks: list[tuple[str, list[bytes], list[list[str]]]] = []
    done: set[str] = set()
    open_key: str | None = None
    open_raw: list[bytes] = []
    open_cells: list[list[str]] = []
    expected_row = -1
    for raw in lines[1:]:
        cells = next(csv.reader([raw.decode()]))
        if len(cells) != len(header):
            clean = False
            open_key, open_raw, open_cells = None, [], []
            continue
        key = _trial_key(cells[:n_params], cells[i_seed])
        try:
            row = int(cells[i_row])
        except ValueError:
            row = -2
        if open_key is not None and (key != open_key or row != expected_row):
            clean = False  # previous block never reached row 0: orphan rows
            open_key, open_raw, open_cells = None, [], []
        if open_key is None:
            open_key, open_raw, open_cells = key, [], []
        open_raw.append(raw)
        open_cells.append(cells)
        expected_row = row - 1
        if row == 0:
            if key in done:
                clean = False
            else:
                done.add(key)
                blocks.append((key, open_raw, open_cells[::-1]))
            open_key, open_raw, open_cells = None, [], []
        elif row < 0:
            clean = False
            open_key, open_raw, open_cells = None, [], []
    if open_key is not None:
        clean = False
    return _Parsed(header, lines[0], blocks, clean)


def read_trials(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read the complete trials of a trials.csv file.

    A trailing partial line, rows of a trial whose write did not complete, and duplicate
    trials are dropped.  Cells are parsed back into bool/int/float/str (an empty cell is
    None; a string parameter that looks like a number comes back as that number).

    Parameters
    ----------
    path : path-like
        ``results/<name>/trials.csv``; a missing or empty file gives ``[]``.

    Returns
    -------
    list of dict
        One dict per row, trials sorted by their key (canonical JSON of the parameters and
        the seed index, so the order does not depend on which worker finished first), each
        trial's rows in ascending ``row``.
    """
    parsed = _parse_file(Path(path))
    if parsed.header is None:
        return []
    return [
        {h: _parse_cell(c) for h, c in zip(parsed.header, cells)}
        for _, _, rows in sorted(parsed.blocks, key=lambda b: b[0])
        for cells in rows
    ]


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _drop_partial_line(path: Path) -> None:
    """Truncate a file after its last newline (a line torn by a kill)."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        os.truncate(path, data.rfind(b"\n") + 1)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


class _Appender:
    """Append complete lines to a CSV with one ``os.write`` per record group."""

    FSYNC_EVERY_S = 0.5

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.last_sync = time.monotonic()

    def write(self, data: bytes) -> None:
        _write_all(self.fd, data)
        now = time.monotonic()
        if now - self.last_sync >= self.FSYNC_EVERY_S:
            os.fsync(self.fd)
            self.last_sync = now

    def reopen(self) -> None:
        os.close(self.fd)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def close(self) -> None:
        if self.fd >= 0:
            os.fsync(self.fd)
            os.close(self.fd)
            self.fd = -1


class _TrialsWriter:
    """Owns trials.csv during a run: repair on open, header, union of measurement keys."""

    def __init__(self, path: Path, param_names: list[str]) -> None:
        self.path = path
        self.param_names = param_names
        parsed = _parse_file(path)
        if parsed.header is not None and parsed.header[: len(param_names)] != param_names:
            raise ConfigError(
                f"{path}: columns {parsed.header[: parsed.header.index('seed')]} do not match "
                f"the config's parameters {param_names}; rerun with --fresh"
            )
        if not parsed.clean:
            # drop a torn tail / orphan rows / duplicates before appending anything
            body = b"".join(line for _, raw, _ in parsed.blocks for line in raw)
            _atomic_write_bytes(path, (parsed.header_line + body) if parsed.header else b"")
        self.header = parsed.header
        self.done = {key for key, _, _ in parsed.blocks}
        self.appender = _Appender(path)

    def _measure_cols(self) -> list[str]:
        assert self.header is not None
        return self.header[len(self.param_names) + 2 :]

    def _extend_header(self, new_keys: set[str]) -> None:
        old = self.header
        assert old is not None
        cols = sorted(set(self._measure_cols()) | new_keys)
        header = [*self.param_names, "seed", "row", *cols]
        parsed = _parse_file(self.path)
        out = [_csv_line(header).encode()]
        for _, _, rows in parsed.blocks:
            for cells in rows[::-1]:
                d = dict(zip(old, cells))
                out.append(_csv_line([d.get(h, "") for h in header]).encode())
        _atomic_write_bytes(self.path, b"".join(out))
        self.appender.reopen()
        self.header = header

    def append(self, trial: Trial, rows: list[dict[str, Any]]) -> None:
        keys = set().union(*(r.keys() for r in rows))
        prefix = b""
        if self.header is None:
            self.header = [*self.param_names, "seed", "row", *sorted(keys)]
            prefix = _csv_line(self.header).encode()
        elif not keys <= set(self._measure_cols()):
            self._extend_header(keys - set(self._measure_cols()))
        cols = self._measure_cols()
        base = [_cell(trial.params[k]) for k in self.param_names] + [str(trial.seed_index)]
        lines = [
            _csv_line([*base, str(i), *(_cell(rows[i].get(c)) for c in cols)])
            for i in range(len(rows) - 1, -1, -1)  # row 0 last: it marks completion
        ]
        self.appender.write(prefix + "".join(lines).encode())
        self.done.add(trial.key)

    def close(self) -> None:
        self.appender.close()


# --------------------------------------------------------------------------- run


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
        Trials in the config, run now, and skipped because already complete.
    elapsed_s : float
        Wall time of the whole call.
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


def _jsonable(obj: Any) -> Any:
    """Convert to JSON-safe data: NaN/inf -> None, numpy -> Python, callables -> names."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Path):
        return str(obj)
    if callable(obj):
        return f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', repr(obj))}"
    return obj


def _dump_json(path: Path, obj: Any) -> None:
    text = json.dumps(_jsonable(obj), indent=2, sort_keys=True, allow_nan=False) + "\n"
    _atomic_write_bytes(path, text.encode())


def _fingerprint(config: dict[str, Any]) -> dict[str, Any]:
    return _jsonable({k: config[k] for k in _FINGERPRINT_FIELDS})


def _code_hash() -> str:
    """SHA-256 of the package's Python sources (to warn when results predate a change)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _stored_code_hash(config_json: Path) -> str | None:
    try:
        value = json.loads(config_json.read_text()).get("code_sha256")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _check_fingerprint(config: dict[str, Any], out_dir: Path, has_rows: bool) -> None:
    path = out_dir / "config.json"
    if not has_rows or not path.exists():
        return
    try:
        old = json.loads(path.read_text()).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        old = None
    new = _fingerprint(config)
    if old is None:
        raise ConfigError(
            f"{path}: unreadable; cannot tell which config produced {out_dir}/trials.csv; "
            "rerun with --fresh"
        )
    if _canonical(old) != _canonical(new):  # canonical: 1 and 1.0 differ, as in the keys
        differs = [
            k for k in _FINGERPRINT_FIELDS if _canonical(old.get(k)) != _canonical(new.get(k))
        ]
        raise ConfigError(
            f"{out_dir}: results come from a different config (differs in: "
            f"{', '.join(differs)}; was preset {old.get('preset')!r}); rerun with --fresh to "
            "discard them, or choose another --results directory"
        )


def _executor(
    n_jobs: int, scheduler: str | None
) -> tuple[Any, Callable[[], None]]:
    """Return (joblib parallel_config context, cleanup)."""
    import joblib

    if scheduler is None:
        workers = joblib.cpu_count() if n_jobs == -1 else n_jobs
        # cap each worker's BLAS/OpenMP/numba threads (NUMBA_NUM_THREADS, OMP_NUM_THREADS,
        # ...) so n_jobs workers do not oversubscribe the cores; results never depend on it
        inner = max(1, joblib.cpu_count() // max(workers, 1))
        ctx = joblib.parallel_config(backend="loky", n_jobs=n_jobs,
                                     inner_max_num_threads=inner if workers > 1 else None)
        return ctx, lambda: None
    try:
        import distributed
    except ImportError:
        raise ConfigError(
            "--scheduler needs dask.distributed: pip install 'slam-theory[dask]'"
        ) from None
    try:
        client = distributed.Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"cannot connect to scheduler {scheduler!r}: {exc}") from None
    return joblib.parallel_config(backend="dask", n_jobs=n_jobs), client.close


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
) -> RunResult:
    """Run (or resume) one experiment and write its results and summary.

    Parameters
    ----------
    path_or_config : path-like or dict
        An experiment TOML file, or a config dict: either a raw experiment (with
        ``presets``) or an already resolved config; ``trial``/``analysis`` may then be
        callables (importable by the workers).
    preset : str, default="quick"
        Preset to resolve when given a file or a raw dict.
    n_jobs : int, default=1
        Worker processes (joblib ``loky``); -1 means all cores.  With ``scheduler`` the
        number of concurrent tasks on the cluster (1 or -1 mean all its workers).
    scheduler : str, optional
        A dask.distributed scheduler address (``tcp://host:8786``); uses joblib's
        ``dask`` backend.
    results_dir : path-like, default="results"
        Root of the results; this experiment writes to ``results_dir/<name>/``.
    fresh : bool, default=False
        Delete this experiment's previous results first.
    progress : bool, default=True
        Show a tqdm progress bar on stderr.
    allow_external : bool, default=False
        Accept references to modules outside ``slam_theory`` (tests).

    Returns
    -------
    RunResult

    Raises
    ------
    ConfigError
        Invalid config or preset, or existing results from a different config.
    TrialError
        A trial raised or returned non-scalar measurements (finished trials are kept).

    Notes
    -----
    Trials go to joblib with ``return_as="generator_unordered"`` and ``batch_size="auto"``
    (batches grow until one takes ~0.2-2 s, so 10 ms trials are grouped while slow ones
    go one by one); each finished trial's rows are appended at once, so an interrupted run
    loses at most the trials in flight.  With ``n_jobs > 1`` the loky workers' BLAS,
    OpenMP and numba thread pools are capped to ``cpu_count // n_jobs``.
    """
    t_start = time.perf_counter()
    if isinstance(path_or_config, dict):
        config = _config_from_dict(path_or_config, preset, allow_external)
    else:
        config = load_config(path_or_config, preset, allow_external=allow_external)
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or (n_jobs < 1 and n_jobs != -1):
        raise ConfigError(f"n_jobs: expected a positive integer or -1, got {n_jobs!r}")
    trials = expand_trials(config)
    out_dir = Path(results_dir) / config["name"]
    lock = _lock(Path(results_dir), config["name"])
    try:
        return _run_locked(config, trials, out_dir, n_jobs, scheduler, fresh, progress,
                           allow_external, t_start)
    finally:
        lock.close()


def _lock(root: Path, name: str) -> Any:
    """Hold an exclusive lock on ``root/.<name>.lock`` (released when the process dies)."""
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    fh = open(root / f".{name}.lock", "a+")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise ConfigError(
            f"{root / name}: another slam-theory run is writing these results; wait for it "
            "or choose another --results directory"
        ) from None
    return fh


def _run_locked(
    config: dict[str, Any],
    trials: list[Trial],
    out_dir: Path,
    n_jobs: int,
    scheduler: str | None,
    fresh: bool,
    progress: bool,
    allow_external: bool,
    t_start: float,
) -> RunResult:
    if fresh and out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    trials_csv = out_dir / "trials.csv"
    timings_csv = out_dir / "timings.csv"
    config_json = out_dir / "config.json"
    _check_fingerprint(config, out_dir, trials_csv.exists() and trials_csv.stat().st_size > 0)
    old_code = _stored_code_hash(config_json)
    code = _code_hash()
    _dump_json(config_json, {"config": config, "fingerprint": _fingerprint(config),
                             "code_sha256": code})

    param_names = sorted(trials[0].params) if trials else []
    writer = _TrialsWriter(trials_csv, param_names)
    todo = [t for t in trials if t.key not in writer.done]
    n_skipped = len(trials) - len(todo)
    if n_skipped and old_code is not None and old_code != code:
        print(
            f"slam-theory: warning: {out_dir}: the slam_theory sources changed since "
            f"{n_skipped} reused trials were computed; pass --fresh to recompute them",
            file=sys.stderr,
        )
    by_key = {t.key: t for t in todo}
    func = config["trial"]
    if scheduler is not None and n_jobs == 1:
        n_jobs = -1
    _drop_partial_line(timings_csv)
    timings = _Appender(timings_csv)
    if timings_csv.stat().st_size == 0:
        timings.write(_csv_line([*param_names, "seed", "wall_s", "host", "pid"]).encode())
    try:
        if todo:
            _run_trials(todo, by_key, func, allow_external, n_jobs, scheduler, writer, timings,
                        progress, f"{config['name']} ({config['preset']})")
    finally:
        writer.close()
        timings.close()

    summary_json = None
    if config.get("analysis"):
        # rows in the config's trial order (not completion order), so the summary does not
        # depend on n_jobs or scheduling even if the analysis is order-sensitive
        order = {t.key: t.index for t in trials}
        parsed = _parse_file(trials_csv)
        blocks = sorted((b for b in parsed.blocks if b[0] in order), key=lambda b: order[b[0]])
        rows = [
            {h: _parse_cell(c) for h, c in zip(parsed.header or [], cells)}
            for _, _, rws in blocks
            for cells in rws
        ]
        analysis = config["analysis"]
        fn = analysis if callable(analysis) else resolve_reference(
            analysis, allow_external=allow_external)
        returned = fn(rows, config)
        if not isinstance(returned, dict):
            raise TypeError(f"analysis {analysis!r} returned {type(returned).__name__}, not dict")
        summary_json = out_dir / "summary.json"
        _dump_json(summary_json,
                   {**returned, "experiment": config["name"], "preset": config["preset"]})
    return RunResult(
        name=config["name"],
        preset=config["preset"],
        results_dir=out_dir,
        trials_csv=trials_csv,
        timings_csv=timings_csv,
        config_json=config_json,
        summary_json=summary_json,
        n_trials=len(trials),
        n_run=len(todo),
        n_skipped=n_skipped,
        elapsed_s=time.perf_counter() - t_start,
    )


def _run_trials(
    todo: list[Trial],
    by_key: dict[str, Trial],
    func: Callable[..., Any] | str,
    allow_external: bool,
    n_jobs: int,
    scheduler: str | None,
    writer: _TrialsWriter,
    timings: _Appender,
    progress: bool,
    desc: str,
) -> None:
    import joblib
    from tqdm.auto import tqdm

    ctx, cleanup = _executor(n_jobs, scheduler)
    bar = tqdm(total=len(todo), desc=desc, unit="trial", file=sys.stderr, disable=not progress,
               dynamic_ncols=True, leave=True, smoothing=0.1,
               mininterval=0.1 if sys.stderr.isatty() else 10.0)
    try:
        with ctx:
            # batch_size="auto": joblib grows batches until one takes ~0.2-2 s, so fast
            # trials are grouped for throughput while slow ones go one by one.
            parallel = joblib.Parallel(return_as="generator_unordered", batch_size="auto",
                                       pre_dispatch="2*n_jobs")
            tasks = (
                joblib.delayed(_execute)(func, allow_external, t.params, t.entropy,
                                         t.spawn_key, t.key)
                for t in todo
            )
            for key, rows, wall, host, pid in parallel(tasks):
                trial = by_key[key]
                writer.append(trial, rows)
                cells = [_cell(trial.params[k]) for k in writer.param_names]
                cells += [str(trial.seed_index), repr(wall), host, str(pid)]
                timings.write(_csv_line(cells).encode())
                bar.update(1)
    finally:
        bar.close()
        cleanup()


# --------------------------------------------------------------------------- figures


def make_figures(
    experiment_paths: Iterable[str | os.PathLike[str]],
    results_dir: str | os.PathLike[str] = "results",
    figures_dir: str | os.PathLike[str] = "figures",
    *,
    log: Callable[[str], None] | None = None,
    allow_external: bool = False,
) -> dict[str, list[Path]]:
    """Call each experiment's figure functions on its existing results.

    Parameters
    ----------
    experiment_paths : iterable of path-like
        Experiment TOML files (their ``figures`` lists name the functions).
    results_dir : path-like, default="results"
        Results root; experiment ``X`` is read from ``results_dir/X/``.
    figures_dir : path-like, default="figures"
        Where the figure functions write.
    log : callable, optional
        Receives one-line messages (skipped experiments, failed figures); default prints
        to stderr.
    allow_external : bool, default=False
        Accept references to modules outside ``slam_theory``.

    Returns
    -------
    dict
        Experiment name -> paths written.  Experiments without ``trials.csv`` are skipped
        with a message; a figure function that raises is reported and skipped.
    """
    say = log or (lambda msg: print(msg, file=sys.stderr))
    out_root = Path(figures_dir)
    written: dict[str, list[Path]] = {}
    configs = [load_config(p, "quick", allow_external=allow_external) for p in experiment_paths]
    for config in configs:
        name = config["name"]
        exp_dir = Path(results_dir) / name
        if not config["figures"]:
            continue
        if not (exp_dir / "trials.csv").exists():
            say(f"{name}: no results in {exp_dir}, skipping its figures")
            continue
        out_root.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        for ref in config["figures"]:
            fn = ref if callable(ref) else resolve_reference(ref, allow_external=allow_external)
            try:
                got = fn(exp_dir, out_root)
            except Exception as exc:  # one broken figure must not stop the others
                say(f"{name}: figure {ref} failed: {type(exc).__name__}: {exc}")
                continue
            paths.extend(Path(p) for p in (got or []))
        written[name] = paths
    return written
