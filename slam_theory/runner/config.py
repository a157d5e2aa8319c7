"""Experiment configs: TOML -> a validated, resolved dict, through one validation path.

An experiment file names its trial, analysis and figure functions
(``"experiments.<module>:<function>"``, see :mod:`slam_theory.runner.references`), a root
seed, ``[fixed]`` parameters, a ``[grid]`` of parameter lists, and ``[presets.quick]`` /
``[presets.full]`` tables (``seeds`` and overrides), and optional ``[[exclude]]`` rules that
drop grid points (a preset's ``exclude`` replaces the file's). :func:`load_config` validates
the file and resolves one preset; every mistake is one
:class:`~slam_theory.errors.ConfigError` line naming the file and the key.

Every parameter point of every preset goes through the trial module's ``check_params`` hook
when the config is loaded, before any file is written (:mod:`slam_theory.runner.hooks`); a NaN
parameter is refused for every trial.

Examples
--------
>>> cfg = config_from_dict({"name": "x", "trial": "experiments.rates:threshold_trial",
...                         "root_seed": 1, "fixed": {}, "grid": {"n": [1, 2]}, "seeds": 2})
>>> cfg["seeds"], cfg["seed_by"]
(2, ['n'])
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from pathlib import Path
from typing import Any

from slam_theory.errors import ConfigError
from slam_theory.results import format_cell
from slam_theory.runner.hooks import check_points
from slam_theory.runner.plan import check_exclude
from slam_theory.runner.references import resolve_reference

__all__ = ["FINGERPRINT_FIELDS", "PRESETS", "RESERVED", "config_from_dict", "load_config"]

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
    "instance",
    "analysis_params",
    "claims",
    "presets",
    "reproduce",
    "exclude",
}
_REQUIRED_TOP = ("name", "trial", "root_seed", "presets")
_PRESET_KEYS = {"seeds", "fixed", "grid", "analysis_params", "exclude"}
#: Column names the runner writes itself (not allowed as parameter names).
RESERVED = frozenset({"seed", "row"})
#: Config fields that decide the trials' numbers (the store refuses a change in any).
FINGERPRINT_FIELDS = ("trial", "root_seed", "seed_by", "fixed", "grid", "preset", "seeds")

Scalar = int | float | str | bool


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
            cells = [format_cell(item) for item in v]
            if len(set(zip(cells, map(type, v)))) != len(v):
                self.fail(where, "an array without duplicate values", v)
        return {k: list(v) for k, v in data.items()}

    def param_name(self, name: str, key: str) -> None:
        if not name.isidentifier():
            self.fail(key, "a parameter name that is a Python identifier")
        if name in RESERVED:
            self.fail(key, f"a parameter name other than {sorted(RESERVED)} (engine columns)")

    def no_newline(self, value: Any, key: str) -> None:
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            self.fail(key, "a string without line breaks", value)
        if isinstance(value, float) and math.isnan(value):
            self.fail(key, "a number, not NaN", value)

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
    rep = raw.get("reproduce", list(PRESETS))
    if (not isinstance(rep, list) or not rep or len(set(map(str, rep))) != len(rep)
            or not all(isinstance(r, str) and r in PRESETS for r in rep)):
        chk.fail("reproduce", f"a non-empty array of distinct preset names from {list(PRESETS)}",
                 rep)
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
    instance = chk.scalars(raw.get("instance", {}), "instance")
    if instance and not isinstance(instance.get("family"), str):
        chk.fail("instance.family", "a string naming the instance family", instance.get("family"))
    clash = sorted(set(instance) & (set(fixed) | set(grid)))
    if clash:
        chk.fail(f"instance.{clash[0]}", "a parameter not also in [fixed] or [grid]")
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
            names = set(fixed) | set(grid) | set(instance) | set(preset.get("fixed", {}))
            names |= set(preset.get("grid", {}))
            for s in seed_by:
                if s not in names:
                    chk.fail("seed_by", "names of parameters in [instance], [fixed] or [grid] "
                                        f"(preset {pname!r} has no parameter {s!r})")
    return raw


def _resolve_preset(raw: dict[str, Any], preset: str, source: str) -> dict[str, Any]:
    presets = raw["presets"]
    if not isinstance(preset, str) or preset not in presets:
        raise ConfigError(
            f"{source}: presets.{preset}: no such preset "
            f"(expected one of: {', '.join(sorted(presets))})"
        )
    p = presets[preset]
    instance = dict(raw.get("instance", {}))
    # the instance's parameters are fixed parameters of every trial (and of the fingerprint)
    fixed = {**instance, **raw.get("fixed", {})}
    grid = {k: list(v) for k, v in raw.get("grid", {}).items()}
    for k, v in p.get("fixed", {}).items():
        grid.pop(k, None)
        fixed[k] = v
    for k, v in p.get("grid", {}).items():
        fixed.pop(k, None)
        grid[k] = list(v)
    ap = dict(raw.get("analysis_params", {}))
    ap.update(p.get("analysis_params", {}))
    key = f"presets.{preset}.exclude" if "exclude" in p else "exclude"
    exclude = check_exclude(grid, p.get("exclude", raw.get("exclude", [])), f"{source}: {key}"
                            ) if ("exclude" in p or "exclude" in raw) else []
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
        "exclude": exclude,
        "instance": instance,
        "analysis_params": ap,
        "claims": [dict(c) for c in raw.get("claims", [])],
        "seeds": p["seeds"],
        "reproduce": list(raw.get("reproduce", PRESETS)),
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
        fixed, grid, exclude (the ``[[exclude]]`` rules of the preset, else of the file,
        values as lists), instance (the ``[instance]`` table: ``family`` and the instance
        family's fixed parameters, also merged into ``fixed``), analysis_params, claims,
        seeds, reproduce (the presets in which ``slam-theory reproduce`` runs the experiment:
        the file's optional top-level ``reproduce = ["full"]``, default both).

    Raises
    ------
    ConfigError
        Missing file, invalid TOML, unknown key, wrong type, missing field, name not equal
        to the file stem, bad reference or unknown preset; the one-line message names the
        file and the key.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "demo.toml"                 # the name must be the file's stem
    >>> _ = path.write_text('''
    ... name = "demo"
    ... description = "the mean of y x on the sphere"
    ... trial = "experiments.halfspace_trial:halfspace_error"
    ... figures = ["experiments.rates_figures:fig_rate_claims"]
    ... root_seed = 0
    ... fixed = {d = 5, gamma = 0.1, eta = 0.1, learner = "mean"}
    ... grid = {n = [100, 1000]}
    ... presets = {quick = {seeds = 2}, full = {seeds = 10}}
    ... ''')
    >>> config = load_config(path, "full")
    >>> config["seeds"], config["grid"], config["seed_by"]
    (10, {'n': [100, 1000]}, ['d', 'eta', 'gamma', 'learner', 'n'])
    >>> tmp.cleanup()
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
    resolved = _resolve_preset(raw, preset, str(p))
    for other in raw["presets"]:  # a typo in any preset is refused before anything runs
        check_points(_resolve_preset(raw, other, str(p)), str(p), allow_external)
    return resolved


def config_from_dict(
    config: dict[str, Any], preset: str = "quick", allow_external: bool = False
) -> dict[str, Any]:
    """Validate a config given as a dict: a raw experiment (with ``presets``) or resolved.

    A resolved config may give ``trial`` and ``analysis`` as functions (tests).

    Examples
    --------
    >>> from slam_theory.runner import example_config
    >>> raw = example_config()
    >>> config = config_from_dict(raw)
    >>> config["preset"], config["seeds"], config["analysis"]
    ('quick', 2, None)
    >>> try:
    ...     config_from_dict({**raw, "grid": {"n": "many"}})
    ... except ConfigError as exc:
    ...     print(type(exc).__name__)
    ConfigError
    """
    if "presets" in config:
        _validate(dict(config), "<config>", None, allow_external)
        for other in config["presets"]:
            check_points(_resolve_preset(config, other, "<config>"), "<config>",
                         allow_external)
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
    out["exclude"] = check_exclude(out["grid"], out.get("exclude") or [], "<config>")
    out.setdefault("seed_by", sorted(set(out["fixed"]) | set(out["grid"])))
    if out["seed_by"] is None:
        out["seed_by"] = sorted(set(out["fixed"]) | set(out["grid"]))
    check_points(out, "<config>", allow_external)
    return out
