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
import os
from pathlib import Path
from typing import Any

from slam_theory.report_sections import (
    MEASUREMENT_ONLY,
    NA,
    _cell,
    _controls,
    _measured,
    _method,
    _num,
    _theory,
    _verdict,
    claim_section,
    would_fail,
)

__all__ = ["MEASUREMENT_ONLY", "render_report", "render_table_tex", "would_fail",
           "write_report"]

_COLUMNS = ("experiment", "claim", "paper's statement", "method", "measured",
            "theory [floor, ceiling]", "controls", "preset", "verdict")
_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}



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
            lines += claim_section(claim, data)
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
