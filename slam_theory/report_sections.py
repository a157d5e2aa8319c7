"""The per-claim pieces of ``results/REPORT.md``: cells, controls, threshold tables, sections.

:mod:`slam_theory.report` assembles them into the report and the LaTeX table; every function
here turns one claim of a ``summary.json`` into text.
"""

from __future__ import annotations

import math
from typing import Any

from slam_theory.plotting import learner_label

__all__ = ["MEASUREMENT_ONLY", "NA", "claim_section", "would_fail"]

NA = "n/a"
#: The verdict cell of a row that states no bound (nothing can fail it).
MEASUREMENT_ONLY = "measurement only"


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


def _compact(value: Any) -> str:
    """Numbers to 3 significant digits, nested lists and dicts kept short."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    return _num(value)


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
            "(with the interval of the local slope at the largest x beyond it too)")
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


def claim_section(claim: dict[str, Any], data: dict[str, Any]) -> list[str]:
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
        last = claim.get("last_slope_ci")
        lines.append("- Local slopes over sliding sub-ranges: "
                     + ", ".join(_num(s) for s in slopes)
                     + (f" (the last one's interval: [{_num(last[0])}, {_num(last[1])}])"
                        if isinstance(last, list) and len(last) == 2 else ""))
    if _controls(claim) != NA:
        lines.append(f"- Controls: {_controls(claim)}")
    why = "; ".join(str(claim[k]) for k in ("reason", "notes") if claim.get(k))
    lines.append(f"- Verdict: {_verdict(claim)}" + (f" ({_cell(why)})" if why else ""))
    lines.append(f"- Would have failed on: {_cell(would_fail(claim))}")
    return lines + _threshold_table(claim) + _measured_table(claim)

