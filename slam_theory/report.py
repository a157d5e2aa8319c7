"""``results/REPORT.md`` and ``results/table.tex``: one row per paper claim, from the summaries.

The report is a pure function of the ``results/*/summary.json`` files and the package
version (no dates), so regenerating it from the same results gives the same bytes.  Per claim
it says the instance, the method (by its printed name), the floor and ceiling, the controls'
results, the thresholds and local slopes, the verdict and one line saying what would have made
the claim fail.  Rows without a stated bound are marked *measurement only*, never
"inconclusive"; a threshold never reached within the largest ``n`` tried prints as ``>n``, one
reached already at the smallest ``n`` tried as ``<=n``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from slam_theory.plotting import learner_label

__all__ = ["MEASUREMENT_ONLY", "render_report", "render_table_tex", "would_fail",
           "write_report"]

NA = "n/a"
#: The verdict cell of a row that states no bound (nothing can fail it).
MEASUREMENT_ONLY = "measurement only"
_COLUMNS = ("experiment", "claim", "paper's statement", "method", "measured",
            "theory [floor, ceiling]", "controls", "preset", "verdict")
_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _measurement_only(claim: dict[str, Any]) -> bool:
    return bool(claim.get("measurement_only") or claim.get("kind") == "measured"
                or claim.get("rule") == "no_bounds")


def _verdict(claim: dict[str, Any]) -> str:
    return MEASUREMENT_ONLY if _measurement_only(claim) else _num(claim.get("verdict"))


def _method(claim: dict[str, Any]) -> str:
    """The claim's learner(s) by printed name."""
    learner = claim.get("learner")
    if isinstance(learner, list):
        return ", ".join(learner_label(str(x)) for x in learner)
    return NA if learner is None else learner_label(str(learner))


def _scalars(d: dict[str, Any]) -> bool:
    return all(not isinstance(v, dict | list | tuple) for v in d.values())


def _measured(claim: dict[str, Any]) -> str:
    """Exponent [interval], the claim's own short numbers, or a pointer to its table."""
    exp = claim.get("exponent")
    ci = claim.get("ci")
    if _is_number(exp):
        text = _num(exp)
        if isinstance(ci, list | tuple) and len(ci) == 2:
            text += f" [{_num(ci[0])}, {_num(ci[1])}]"
        return text
    if isinstance(claim.get("measured_text"), str):
        return claim["measured_text"]
    measured = claim.get("measured")
    if isinstance(measured, dict) and measured:
        if _scalars(measured) and len(measured) <= 6:
            return ", ".join(f"{k}={_compact(v)}" for k, v in measured.items())
        return f"{len(measured)} series (table in the claim's section)"
    if measured not in (None, "", {}, []):
        return _compact(measured)
    if claim.get("values") and claim.get("thresholds") and exp is None:
        return "no exponent (too few values reached)"
    return NA


def _theory(claim: dict[str, Any]) -> str:
    """The claim's bounds: ``[floor, ceiling]`` of a two-sided check, or its one exponent."""
    floor, ceiling = claim.get("floor"), claim.get("ceiling")
    if floor is not None or ceiling is not None:
        return f"[{_num(floor)}, {_num(ceiling)}]"
    if claim.get("theory_exponent") is not None:
        return _num(claim.get("theory_exponent"))
    return "none stated" if _measurement_only(claim) else NA


def _controls(claim: dict[str, Any]) -> str:
    """Which controls fail on the claim's instance (the verdict counts only if all do)."""
    controls = claim.get("controls")
    if not isinstance(controls, dict) or not controls:
        return NA
    def word(v: dict[str, Any]) -> str:
        if v.get("role") != "grows":
            return "fails" if v.get("fails") else "meets the target"
        ci = v.get("ci") if isinstance(v.get("ci"), list) else None
        fit = (f" (exponent {_num(v['exponent'])} [{_num(ci[0])}, {_num(ci[1])}])"
               if _is_number(v.get("exponent")) and ci and len(ci) == 2 else "")
        return ("grows" if v.get("fails") else "does not grow") + fit

    return "; ".join(f"{learner_label(k)}: {word(v)}"
                     for k, v in controls.items() if isinstance(v, dict))


def would_fail(claim: dict[str, Any]) -> str:
    """One line: the outcome that would have made the claim fail (or why nothing can).

    Parameters
    ----------
    claim : dict
        A summary's claim.

    Returns
    -------
    str

    Examples
    --------
    >>> would_fail({"floor": 1, "ceiling": 2, "confidence": 0.95, "margin": 4.0})[:58]
    'the 95% interval of the exponent lying wholly above 2 or b'
    >>> would_fail({"kind": "measured"})
    'nothing: no bound is stated, so the row is a measurement only'
    """
    if isinstance(claim.get("fails_if"), str):
        return claim["fails_if"]
    if _measurement_only(claim):
        return "nothing: no bound is stated, so the row is a measurement only"
    floor, ceiling = claim.get("floor"), claim.get("ceiling")
    if floor is None and ceiling is None:
        theory = claim.get("theory_exponent")
        if theory is None:
            return NA
        side = "below" if claim.get("kind") == "lower" else "above"
        return f"the interval of the exponent lying wholly {side} {_num(theory)}"
    conf = claim.get("confidence")
    conf_s = f"{conf:.0%} " if _is_number(conf) else ""
    sides = [f"above {_num(ceiling)}"] if ceiling is not None else []
    sides += [f"below {_num(floor)}"] if floor is not None else []
    text = (f"the {conf_s}interval of the exponent lying wholly {' or '.join(sides)} "
            "(with the local slope at the largest x beyond it too)")
    if ceiling is not None:
        margin = claim.get("margin")
        text += (", or a value never reached although the ceiling law from smaller x puts it "
                 f"{_num(margin) + 'x ' if _is_number(margin) else ''}inside the n tried")
    ctrl = claim.get("controls") if isinstance(claim.get("controls"), dict) else {}
    must_fail = [v for v in ctrl.values() if isinstance(v, dict) and v.get("role") != "grows"]
    if claim.get("control_rule") == "grows":
        text += ("; it counts only where "
                 + ("every other control fails at the hardest value and " if must_fail else "")
                 + "its growth control's interval lies wholly above the ceiling")
    elif isinstance(claim.get("controls"), dict) and claim["controls"]:
        text += "; it counts only where every control fails at the hardest value"
    return text


def _threshold_cells(th: list, cen: list, low: list[bool]) -> list[str]:
    out = []
    for t, c, lo in zip(th, cen, low):
        out.append((">" if c else "<=" if lo else "") + _num(t))
    return out


def _threshold_table(claim: dict[str, Any]) -> list[str]:
    """Success thresholds per parameter value for the learner and each control, one column
    per value any of them ran at (a control run at fewer values shows "not run")."""
    values = claim.get("values")
    if not isinstance(values, list) or not isinstance(claim.get("thresholds"), list):
        return []
    series = [(_method(claim), values, claim["thresholds"],
               claim.get("threshold_censored") or [False] * len(values),
               claim.get("below_grid"))]
    for name, ctrl in (claim.get("controls") or {}).items():
        series.append((f"{learner_label(name)} (control)", ctrl.get("values", values),
                       ctrl.get("thresholds", []), ctrl.get("censored", []),
                       ctrl.get("below_grid")))
    columns = list(values)
    extra = {v for _, vs, *_ in series for v in vs if v not in columns}
    if extra:
        falling = len(values) > 1 and values[0] > values[-1]
        columns = sorted(set(columns) | extra, reverse=falling)
    head = ["method", *(f"{claim.get('parameter', 'x')}={_num(v)}" for v in columns)]
    rows = []
    for label, vs, th, cen, below_grid in series:
        below = {float(v) for v in below_grid or [] if _is_number(v)}
        low = [_is_number(v) and float(v) in below for v in vs]
        cells = dict(zip(vs, _threshold_cells(th, cen, low)))
        rows.append([label, *(cells.get(v, "not run") for v in columns)])
    out = ["", "| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    out += ["", "`>n`: fewer seeds than the success share reached the target by n, the largest "
            "n tried (never reached); `<=n`: reached already at the smallest n tried (below "
            "the grid)."]
    return out


def _measured_table(claim: dict[str, Any]) -> list[str]:
    """A nested ``measured`` dict as a table: one row per (series, key), one column per field."""
    measured = claim.get("measured")
    if (not isinstance(measured, dict) or not measured or "measured_text" in claim
            or (_scalars(measured) and len(measured) <= 6)):
        return []
    flat: list[tuple[str, dict[str, Any]]] = []
    for k, v in measured.items():
        if isinstance(v, dict) and v and all(isinstance(w, dict) for w in v.values()):
            flat += [(f"{k} / {k2}", w) for k2, w in v.items()]
        else:
            flat.append((str(k), v if isinstance(v, dict) else {"value": v}))
    fields: list[str] = []
    for _, d in flat:
        fields += [f for f in d if f not in fields]
    out = ["", "| series | " + " | ".join(fields) + " |", "|---|" + "---|" * len(fields)]
    out += ["| " + " | ".join([_cell(name), *(_cell(_compact(d.get(f))) for f in fields)]) + " |"
            for name, d in flat]
    return out


def _claim_section(claim: dict[str, Any], data: dict[str, Any]) -> list[str]:
    lines = ["", f"### {_cell(claim.get('id'))}: {_verdict(claim)}", ""]
    if claim.get("statement"):
        lines.append(f"- Statement: {_cell(claim['statement'])}")
    lines.append(f"- Method: {_method(claim)}")
    instance = claim.get("instance") or data.get("instance")
    if isinstance(instance, dict) and instance:
        lines.append("- Instance: " + ", ".join(f"{k} = {_cell(v)}" for k, v in instance.items()))
    quantity = claim.get("error_quantity") or data.get("error_quantity")
    if claim.get("where") or quantity:
        where = ", ".join(f"{k} = {v}" for k, v in (claim.get("where") or {}).items())
        lines.append("- Series: " + "; ".join(p for p in (where, f"error quantity: {quantity}"
                                                          if quantity else "") if p))
    x = claim.get("x_label") or claim.get("parameter")
    lines.append(f"- Floor and ceiling: {_theory(claim)}"
                 + (f" (exponent of {x})" if x and _theory(claim) != "none stated" else ""))
    if claim.get("derived_band"):
        band = claim["derived_band"]
        lines.append(f"- Band the bound laws give over this grid: [{_num(band[0])}, "
                     f"{_num(band[1])}]")
    res = claim.get("resolution")
    lines.append(f"- Measured: {_measured(claim)}" + (
        f" (thresholds known to a factor {_num(res)}, the grid's step; the interval includes it)"
        if _is_number(res) and res > 1 else ""))
    slopes = claim.get("local_slopes")
    if isinstance(slopes, list) and slopes:
        lines.append("- Local slopes over sliding sub-ranges: "
                     + ", ".join(_num(s) for s in slopes))
    if _controls(claim) != NA:
        lines.append(f"- Controls: {_controls(claim)}")
    why = "; ".join(str(claim[k]) for k in ("reason", "notes") if claim.get(k))
    lines.append(f"- Verdict: {_verdict(claim)}" + (f" ({_cell(why)})" if why else ""))
    lines.append(f"- Would have failed on: {_cell(would_fail(claim))}")
    return lines + _threshold_table(claim) + _measured_table(claim)


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


def _summaries(root: Path) -> list[tuple[str, dict[str, Any] | None, str | None]]:
    out = []
    for path in sorted(root.glob("*/summary.json")):
        data, err = _load(path)
        out.append((path.parent.name, data, err))
    return out


def _claims(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in data.get("claims") or [] if isinstance(c, dict)]


def _table_rows(summaries: list[tuple[str, dict[str, Any] | None, str | None]]) -> list[list]:
    """The cells of the claims table (:data:`_COLUMNS`), one list per row."""
    rows: list[list] = []
    for dirname, data, _ in summaries:
        if data is None:
            rows.append([dirname, NA, "summary.json unreadable", *[NA] * 5, "error"])
            continue
        name = data.get("experiment", dirname)
        if not _claims(data):
            rows.append([name, NA, "(no claims: measurements only)", NA, NA, "none stated", NA,
                         data.get("preset"), MEASUREMENT_ONLY])
        for claim in _claims(data):
            rows.append([name, claim.get("id"), claim.get("statement"), _method(claim),
                         _measured(claim), _theory(claim), _controls(claim), data.get("preset"),
                         _verdict(claim)])
    return rows


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
    summaries = _summaries(root)
    presets = sorted({str(d.get("preset", NA)) for _, d, _ in summaries if d is not None})
    lines = [
        "# slam-theory: claims checked",
        "",
        f"Package version: slam-theory {__version__}.  "
        f"Presets used: {', '.join(presets) if presets else NA}.  "
        f"Experiments: {len(summaries)}.",
        "",
        "Measured: fitted exponent [confidence interval], or the claim's own numbers.  "
        f"Verdict \"{MEASUREMENT_ONLY}\": no bound is stated for that row, so nothing can fail "
        "it.  The same table in LaTeX: `table.tex`.",
        "",
        "| " + " | ".join(_COLUMNS) + " |",
        "|" + "|".join("---" for _ in _COLUMNS) + "|",
    ]
    table = _table_rows(summaries)
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table]
    if not table:
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
        for claim in _claims(data):
            lines += _claim_section(claim, data)
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


def _tex(value: Any) -> str:
    text = " ".join((NA if value is None or value == "" else str(value)).split())
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


def render_table_tex(results_root: str | os.PathLike[str]) -> str:
    """The claims table as a LaTeX ``tabular`` (booktabs), methods by their printed names.

    Parameters
    ----------
    results_root : path-like
        The results folder.

    Returns
    -------
    str
        A ``tabular`` environment (needs ``\\usepackage{booktabs}``).

    Examples
    --------
    >>> import tempfile
    >>> print(render_table_tex(tempfile.mkdtemp()).splitlines()[0])
    \\begin{tabular}{llllll}
    """
    head = ["Experiment", "Claim", "Method", "Measured", "[floor, ceiling]", "Verdict"]
    lines = [r"\begin{tabular}{llllll}", r"\toprule", " & ".join(head) + r" \\", r"\midrule"]
    keep = (0, 1, 3, 4, 5, 8)  # experiment, claim, method, measured, bounds, verdict
    for row in _table_rows(_summaries(Path(results_root))):
        lines.append(" & ".join(_tex(row[i]) for i in keep) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def write_report(results_root: str | os.PathLike[str]) -> Path:
    """Write ``results_root/REPORT.md`` and ``results_root/table.tex`` from the summaries.

    Parameters
    ----------
    results_root : path-like
        The results folder; created if missing, the two files replaced.

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
    (root / "table.tex").write_text(render_table_tex(root), encoding="utf-8")
    return path
