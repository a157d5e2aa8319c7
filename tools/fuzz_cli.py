"""Command-line cases of the fuzzing campaign (``tools/fuzz.py``): bad arguments, paths, TOMLs.

Every case is an argv for ``slam_theory.cli.main`` plus, for TOML cases, the file text to write
first. The experiment TOMLs are mutated so that each mutation breaks the file's contract (a
missing required key, a wrong type, a value out of range, a misspelt learner or family, a
reference outside the package, torn or binary text). A case that the command line accepts
reaches the runner's work, which the campaign stops before any trial runs.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = ROOT / "experiments"


@dataclasses.dataclass
class CliCase:
    """``argv`` (``{tmp}`` is replaced by a scratch folder) and an optional TOML to write."""

    label: str
    argv: list[str]
    toml: str | bytes | None = None
    setup: str = ""  # "ro_results", "file_results", "empty_experiments"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def dump_toml(data: dict[str, Any], prefix: str = "") -> str:
    """A small TOML writer for the experiment files (scalars, arrays, tables, [[claims]])."""
    lines, tables = [], []
    for k, v in data.items():
        if isinstance(v, dict):
            tables.append((k, v))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            tables.append((k, v))
        else:
            lines.append(f"{k} = {_value(v)}")
    for k, v in tables:
        name = f"{prefix}{k}"
        if isinstance(v, list):
            for item in v:
                lines.append(f"\n[[{name}]]")
                lines.append(dump_toml(item, f"{name}."))
        else:
            lines.append(f"\n[{name}]")
            lines.append(dump_toml(v, f"{name}."))
    return "\n".join(lines)


def _numeric_keys(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """``(table, key)`` of the numeric parameters in ``[fixed]``, ``[grid]`` and ``[instance]``."""
    out = []
    for table in ("fixed", "grid", "instance"):
        for k, v in raw.get(table, {}).items():
            vals = v if isinstance(v, list) else [v]
            if vals and all(isinstance(x, int | float) and not isinstance(x, bool)
                            for x in vals):
                out.append((table, k))
    return out


def _set(raw: dict[str, Any], table: str, key: str, value: Any) -> None:
    """Set ``key`` in ``table`` and wherever a preset overrides it (else the bad value would
    never reach a trial)."""
    raw[table][key] = [value] if table == "grid" else value
    for preset in raw.get("presets", {}).values():
        for t in ("fixed", "grid"):
            if key in preset.get(t, {}):
                preset[t][key] = [value] if t == "grid" else value


def _mutations(raw: dict[str, Any], rng: np.random.Generator) -> list[tuple[str, dict]]:
    """``(label, mutated config)`` pairs, each refusable by the file's contract."""
    muts: list[tuple[str, dict]] = []

    def m(label: str, fn: Any) -> None:
        new = tomllib.loads(dump_toml(raw))
        fn(new)
        muts.append((label, new))

    for key in ("name", "trial", "root_seed", "presets"):
        m(f"missing_{key}", lambda d, key=key: d.pop(key))
    m("unknown_top_key", lambda d: d.update(colour="red"))
    m("root_seed_string", lambda d: d.update(root_seed="abc"))
    m("root_seed_negative", lambda d: d.update(root_seed=-5))
    m("root_seed_float", lambda d: d.update(root_seed=1.5))
    m("seeds_zero", lambda d: d["presets"]["quick"].update(seeds=0))
    m("seeds_negative", lambda d: d["presets"]["quick"].update(seeds=-2))
    m("seeds_string", lambda d: d["presets"]["quick"].update(seeds="3"))
    m("seeds_float", lambda d: d["presets"]["quick"].update(seeds=2.5))
    m("no_full_preset", lambda d: d["presets"].pop("full"))
    m("trial_missing_function", lambda d: d.update(trial="experiments.rates:no_such_fn"))
    m("trial_outside_package", lambda d: d.update(trial="os:system"))
    m("trial_not_a_reference", lambda d: d.update(trial="rates"))
    m("analysis_missing", lambda d: d.update(analysis="experiments.nowhere:analysis"))
    m("name_with_slash", lambda d: d.update(name="../escape"))
    m("seed_by_unknown", lambda d: d.update(seed_by=["no_such_param"]))
    if raw.get("grid"):
        gk = sorted(raw["grid"])[int(rng.integers(len(raw["grid"])))]
        m("grid_empty_list", lambda d: d["grid"].update({gk: []}))
        m("grid_duplicates", lambda d: d["grid"].update({gk: [raw["grid"][gk][0]] * 2}))
        m("grid_nested_table", lambda d: d["grid"].update({gk: [{"a": 1}]}))
    # in other trials "learner" is a label (convergence: "projected_sgd")
    names_learner = raw["trial"].endswith((":halfspace_error", ":threshold_trial"))
    learners = [(t, k) for t in ("fixed", "grid") for k in raw.get(t, {})
                if k == "learner" and names_learner]
    for t, k in learners:
        m(f"learner_misspelt_{t}", lambda d, t=t, k=k: _set(d, t, k, "slma"))
    if "instance" in raw:
        m("family_misspelt", lambda d: d["instance"].update(family="eps_flor"))
        m("instance_unknown_param", lambda d: d["instance"].update(colour=3.0))
    num = _numeric_keys(raw)
    for table, key in num:
        for label, value in (("nan", float("nan")), ("inf", float("inf")),
                             ("negative", -7), ("string", "12"), ("zero", 0)):
            if label == "zero" and key not in ("d", "n_min", "n_max", "n", "gamma",
                                               "n_train", "n_test", "steps_per_octave"):
                continue
            if label == "negative" and key in ("floor", "ceiling"):
                continue
            m(f"{table}.{key}={label}", lambda d, t=table, k=key, v=value: _set(d, t, k, v))
    for p in ("eta", "gamma"):
        where = [(t, k) for t, k in num if k == p]
        for t, k in where:
            m(f"{t}.{k}=out_of_range", lambda d, t=t, k=k: _set(d, t, k, 0.75 if
                                                                  k == "eta" else 1.5))
    return muts


def cli_cases(seed: int) -> list[CliCase]:
    """Every command-line case, in a fixed order (TOML mutations drawn from ``seed``)."""
    rng = np.random.default_rng([seed, 7])
    R = ["--results", "{tmp}/res"]
    cases = [
        CliCase("no_command", []),
        CliCase("unknown_command", ["frobnicate"]),
        CliCase("run_no_file", ["run"]),
        CliCase("run_missing_file", ["run", "{tmp}/nope.toml", *R]),
        CliCase("run_unknown_name", ["run", "no_such_experiment", *R]),
        CliCase("run_directory", ["run", "{tmp}", *R]),
        CliCase("run_unknown_flag", ["run", "rate_eps", "--colour", "red"]),
        CliCase("run_unknown_preset", ["run", "rate_eps", "--preset", "huge", *R]),
        CliCase("run_empty_preset", ["run", "rate_eps", "--preset", "", *R]),
        *[CliCase(f"run_jobs_{j}", ["run", "rate_eps", "--jobs", j, *R])
          for j in ("0", "-2", "abc", "1.5", "", "99999999999999999999")],
        *[CliCase(f"run_timeout_{s}", ["run", "rate_eps", "--scheduler-timeout", s, *R])
          for s in ("0", "-1", "nan", "abc", "inf")],
        CliCase("run_bad_scheduler_scheme", ["run", "rate_eps", "--scheduler", "http://[::1",
                                             "--scheduler-timeout", "2", *R]),
        CliCase("run_results_is_file", ["run", "rate_eps", "--results", "{tmp}/afile"],
                setup="file_results"),
        CliCase("run_results_read_only", ["run", "rate_eps", "--results", "{tmp}/ro/res"],
                setup="ro_results"),
        CliCase("run_dev_null", ["run", "/dev/null", *R]),
        CliCase("run_toml_in_read_only_dir", ["run", "{tmp}/ro/x.toml", "--results",
                                              "{tmp}/ro"], setup="ro_results"),
        CliCase("reproduce_both_presets", ["reproduce", "--quick", "--full"]),
        CliCase("reproduce_missing_experiments", ["reproduce", "--experiments", "{tmp}/none",
                                                  *R]),
        CliCase("reproduce_empty_experiments", ["reproduce", "--experiments", "{tmp}/empty",
                                                *R], setup="empty_experiments"),
        CliCase("reproduce_figures_is_file", ["reproduce", "--figures", "{tmp}/afile", *R],
                setup="file_results"),
        CliCase("reproduce_jobs_zero", ["reproduce", "--jobs", "0"]),
        CliCase("figures_missing_results", ["figures", "--results", "{tmp}/none"]),
        CliCase("figures_unknown_experiment", ["figures", "nope", "--results", "{tmp}"]),
        CliCase("figures_out_is_file", ["figures", "--results", "{tmp}", "--figures",
                                        "{tmp}/afile"], setup="file_results"),
        CliCase("report_missing_results", ["report", "--results", "{tmp}/none"]),
        CliCase("report_results_is_file", ["report", "--results", "{tmp}/afile"],
                setup="file_results"),
        CliCase("bench_unknown_topic", ["bench", "--topic", "nope"]),
        CliCase("bench_unknown_flag", ["bench", "--fast"]),
    ]
    files = sorted(EXPERIMENTS.glob("*.toml"))
    for f in files:
        text = f.read_text()
        raw = tomllib.loads(text)
        data = text.encode()
        target = f"{{tmp}}/t/{f.stem}.toml"
        cut = int(rng.integers(1, len(data) - 1))
        for label, blob in (("torn", data[:cut]), ("binary", bytes(rng.integers(0, 256, 300,
                                                                               dtype=np.uint8))),
                            ("empty", b""), ("not_toml", b"name: rate_eps\ntrial = \n")):
            cases.append(CliCase(f"{f.stem}:{label}", ["run", target, *R], toml=blob))
        for label, new in _mutations(raw, rng):
            cases.append(CliCase(f"{f.stem}:{label}", ["run", target, *R],
                                 toml=dump_toml(new)))
    return cases
