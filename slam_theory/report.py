"""``results/REPORT.md``: one table row per paper claim, from the experiments' summaries.

The report is a pure function of the ``results/*/summary.json`` files and the package
version (no dates), so regenerating it from the same results gives the same bytes.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

__all__ = ["render_report", "write_report"]

NA = "n/a"
_MAX_MEASURED = 200
_COLUMNS = ("experiment", "claim", "paper's statement", "learner", "measured",
            "theory [floor, ceiling]", "controls", "preset", "verdict")


def _num(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return NA
        if value.is_integer() and abs(value) < 1e6:
            return str(int(value))  # counts stored as floats: 16000.0 -> 16000
        return f"{value:.3g}"
    if value is None:
        return NA
    return str(value)


def _cell(value: Any) -> str:
    """Make a value safe for a one-line markdown table cell."""
    text = NA if value is None or value == "" else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def _measured(claim: dict[str, Any]) -> str:
    exp = claim.get("exponent")
    ci = claim.get("ci")
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        text = _num(exp)
        if isinstance(ci, list | tuple) and len(ci) == 2:
            text += f" [{_num(ci[0])}, {_num(ci[1])}]"
        return text
    measured = claim.get("measured")
    if isinstance(measured, dict) and measured:
        text = ", ".join(f"{k}={_compact(v)}" for k, v in measured.items())
    elif measured not in (None, "", {}, []):
        text = _compact(measured)
    else:
        return NA
    if len(text) > _MAX_MEASURED:
        text = text[: _MAX_MEASURED - 1].rstrip() + "… (see summary.json)"
    return text


def _theory(claim: dict[str, Any]) -> str:
    """The claim's bounds: ``[floor, ceiling]`` of a two-sided check, or its one exponent."""
    floor, ceiling = claim.get("floor"), claim.get("ceiling")
    if floor is not None or ceiling is not None:
        return f"[{_num(floor)}, {_num(ceiling)}]"
    return _num(claim.get("theory_exponent"))


def _controls(claim: dict[str, Any]) -> str:
    """Which controls fail on the claim's instance (the verdict counts only if all do)."""
    controls = claim.get("controls")
    if not isinstance(controls, dict) or not controls:
        return NA
    return ", ".join(f"{k}: {'fails' if v.get('fails') else 'meets the target'}"
                     for k, v in controls.items() if isinstance(v, dict))


def _threshold_table(claim: dict[str, Any]) -> list[str]:
    """Success thresholds per parameter value for the learner and each control."""
    values = claim.get("values")
    if not isinstance(values, list) or not isinstance(claim.get("thresholds"), list):
        return []

    def cells(th: list, cen: list) -> list[str]:
        return [(">" if c else "") + _num(t) for t, c in zip(th, cen)]

    head = ["learner", *(f"{claim.get('parameter', 'x')}={_num(v)}" for v in values)]
    rows = [[str(claim.get("learner")),
             *cells(claim["thresholds"], claim.get("threshold_censored") or [False] * len(values))]]
    for name, ctrl in (claim.get("controls") or {}).items():
        rows.append([f"{name} (control)", *cells(ctrl.get("thresholds", []),
                                                  ctrl.get("censored", []))])
    out = ["", "| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    slopes = claim.get("local_slopes")
    if isinstance(slopes, list) and slopes:
        out.append("")
        out.append("Local slopes over sliding sub-ranges: "
                   + ", ".join(_num(x) for x in slopes) + ".  "
                   "`>n`: fewer seeds than the success level reached the target by n (censored).")
    return out


def _compact(value: Any) -> str:
    """Numbers to 3 significant digits, nested lists and dicts kept short."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    return _num(value)


def _load(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if not isinstance(data, dict):
        return None, "not a JSON object"
    return data, None


def _description(exp_dir: Path) -> str | None:
    """The experiment's one-line description from the engine's ``config.json``."""
    data, _ = _load(exp_dir / "config.json")
    config = (data or {}).get("config")
    desc = config.get("description") if isinstance(config, dict) else None
    return desc if isinstance(desc, str) else None


def render_report(results_root: str | os.PathLike[str]) -> str:
    """Render the report markdown from ``results_root/*/summary.json``.

    Parameters
    ----------
    results_root : path-like
        The results folder (``results/``).

    Returns
    -------
    str
        The markdown text written by :func:`write_report`.
    """
    from slam_theory import __version__

    root = Path(results_root)
    summaries: list[tuple[str, dict[str, Any] | None, str | None]] = []
    for path in sorted(root.glob("*/summary.json")):
        data, err = _load(path)
        summaries.append((path.parent.name, data, err))

    presets = sorted({str(d.get("preset", NA)) for _, d, _ in summaries if d is not None})
    lines = [
        "# slam-theory: claims checked",
        "",
        f"Package version: slam-theory {__version__}.  "
        f"Presets used: {', '.join(presets) if presets else NA}.  "
        f"Experiments: {len(summaries)}.",
        "",
        "Measured: fitted exponent [confidence interval], or the claim's own numbers.",
        "",
        "| " + " | ".join(_COLUMNS) + " |",
        "|" + "|".join("---" for _ in _COLUMNS) + "|",
    ]
    n_rows = 0
    for dirname, data, _err in summaries:
        if data is None:
            lines.append(f"| {_cell(dirname)} | {NA} | summary.json unreadable | "
                         + " | ".join([NA] * 5) + " | error |")
            n_rows += 1
            continue
        name = data.get("experiment", dirname)
        claims = data.get("claims")
        if not isinstance(claims, list) or not claims:
            lines.append(f"| {_cell(name)} | {NA} | (no claims in summary) | "
                         + " | ".join([NA, NA, NA, NA, _cell(data.get("preset"))]) + f" | {NA} |")
            n_rows += 1
            continue
        for claim in claims:
            if not isinstance(claim, dict):
                continue
            cells = [
                name,
                claim.get("id"),
                claim.get("statement"),
                claim.get("learner"),
                _measured(claim),
                _theory(claim),
                _controls(claim),
                data.get("preset"),
                claim.get("verdict"),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
            n_rows += 1
    if not n_rows:
        lines.append("| " + " | ".join([NA] * len(_COLUMNS)) + " |")

    for dirname, data, err in summaries:
        lines += ["", f"## {data.get('experiment', dirname) if data else dirname}", ""]
        if data is None:
            lines.append(f"summary.json could not be read ({err}).")
            continue
        desc = data.get("description") or _description(root / dirname)
        if isinstance(desc, str) and desc:
            lines += [desc, ""]
        instance = data.get("instance")
        if isinstance(instance, dict) and instance:
            lines.append("Instance: " + ", ".join(f"{k} = {_cell(v)}" for k, v in instance.items())
                         + (f"; error quantity: {data['error_quantity']}"
                            if data.get("error_quantity") else "") + ".")
        lines.append(f"Preset: {_cell(data.get('preset'))}.")
        failures = data.get("failures")
        if isinstance(failures, dict) and failures.get("count"):
            first = (failures.get("trials") or [{}])[0]
            lines.append(f"- {_num(failures['count'])} trials failed (listed in summary.json); "
                         f"first: {_cell(first.get('params'))} seed {_cell(first.get('seed'))}: "
                         f"{_cell(first.get('error'))}")
        for claim in data.get("claims") or []:
            if not isinstance(claim, dict):
                continue
            why = [str(claim[k]) for k in ("reason", "notes") if claim.get(k)]
            if why:
                lines.append(f"- {_cell(claim.get('id'))} ({_cell(claim.get('verdict'))}): "
                             f"{_cell('; '.join(why))}")
            lines += _threshold_table(claim)
        tables = data.get("tables_md")
        if isinstance(tables, str):
            tables = [tables]
        for block in tables or []:
            if isinstance(block, str):
                lines += ["", block.rstrip("\n")]
        notes = data.get("notes_md")
        if isinstance(notes, str) and notes:
            lines += ["", notes.rstrip("\n")]
    return "\n".join(lines) + "\n"


def write_report(results_root: str | os.PathLike[str]) -> Path:
    """Write ``results_root/REPORT.md`` from every ``results_root/*/summary.json``.

    Parameters
    ----------
    results_root : path-like
        The results folder.

    Returns
    -------
    Path
        The report's path.  Missing fields print as ``n/a``; an unreadable summary is
        listed as such rather than failing the report.
    """
    root = Path(results_root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / "REPORT.md"
    path.write_text(render_report(root), encoding="utf-8")
    return path
