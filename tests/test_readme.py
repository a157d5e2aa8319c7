"""The README's commands and code examples must hold as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _python_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_has_the_two_commands_and_ci_runs_the_test_one() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make reproduce" in text and "make test" in text
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^reproduce:", make, flags=re.M) and re.search(r"^test:", make, flags=re.M)
    assert "python -m pytest" in make and "slam-theory reproduce --quick" in make
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


@pytest.mark.parametrize("block", _python_blocks())
def test_readme_python_block_runs(block: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples read experiments/*.toml from the repository root
    exec(compile(block, str(README), "exec"), {"__name__": "__readme__"})


def test_the_tour_prints_the_contrast_the_readme_describes(capsys) -> None:
    tour = _python_blocks()[0]
    exec(compile(tour, str(README), "exec"), {"__name__": "__readme__"})
    out = dict(re.findall(r"^(\w+)\s+disagreement with w\*: ([0-9.]+)$", capsys.readouterr().out,
                          flags=re.M))
    text = README.read_text(encoding="utf-8")
    said = re.search(r"disagreement of ([0-9.]+) for the mean of `y x` and for logistic regression "
                     r"and ([0-9.]+)\s+for SLaM", text)
    assert said, "the README no longer states the tour's numbers"
    assert float(out["mean"]) == pytest.approx(float(said.group(1)), abs=5e-3)
    assert float(out["logreg_exact"]) == pytest.approx(float(said.group(1)), abs=5e-3)
    assert float(out["slam"]) == pytest.approx(float(said.group(2)), abs=5e-4)


# ------------------------------------------------------------ the README's numbers, from files
#: "value [low, high]" as the README and the report print a measured number and its interval.
_TRIPLE = re.compile(
    r"([+-]?\d+(?:\.\d+)?)(?:\s*points)?\s*\[([+-]?\d+(?:\.\d+)?),\s*([+-]?\d+(?:\.\d+)?)\]")
_RESULTS = ROOT / "results"


def _triples(text: str) -> list[tuple[str, str, str]]:
    return [m.groups() for m in _TRIPLE.finditer(text)]


def _half_unit(s: str) -> float:
    """Half a unit of the last digit quoted (``"4.7"`` -> 0.05): the rounding a quote may do."""
    decimals = len(s.split(".")[1]) if "." in s else 0
    return 0.5 * 10.0 ** -decimals + 1e-9


def unmatched_triples(quoted: str, source: str) -> list[tuple[str, str, str]]:
    """The ``value [low, high]`` triples of ``quoted`` that no triple of ``source`` rounds to."""
    have = [tuple(float(v) for v in t) for t in _triples(source)]
    missing = []
    for t in _triples(quoted):
        want = [float(v) for v in t]
        tol = [_half_unit(v) for v in t]
        if not any(all(abs(w - h) <= e for w, h, e in zip(want, cand, tol)) for cand in have):
            missing.append(t)
    return missing


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    nxt = text.find("\n## ", start + len(heading))
    return text[start: nxt if nxt >= 0 else len(text)]


def _result_texts(root: Path = _RESULTS) -> str:
    files = [root / "REPORT.md", *sorted(root.glob("*/table.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files if f.is_file())


def test_readme_measured_numbers_come_from_the_committed_results() -> None:
    """Every "value [low, high]" quoted in the README's results sections is in the report or a
    results table that `make reproduce` regenerates (committed with the repository)."""
    text = README.read_text(encoding="utf-8")
    quoted = _section(text, "## What the quick run measured") + _section(text, "## Real data")
    assert len(_triples(quoted)) >= 8, "the README quotes fewer measured intervals than expected"
    source = _result_texts()
    assert "# slam-theory: claims checked" in source, "results/REPORT.md is not committed"
    assert unmatched_triples(quoted, source) == []


def test_readme_full_run_numbers_come_from_the_committed_full_results() -> None:
    """The full run's quoted intervals are in results_full/ (tools/full_run.py's run), and its
    quoted wall time is the one benchmarks/full_run.json records."""
    text = _section(README.read_text(encoding="utf-8"), "## What the full run measured")
    assert len(_triples(text)) >= 4, "the README quotes fewer full-run intervals than expected"
    source = _result_texts(ROOT / "results_full")
    assert "# slam-theory: claims checked" in source, "results_full/REPORT.md is not committed"
    source += _scale_probe_text()
    assert unmatched_triples(text, source) == []
    record = json.loads((ROOT / "benchmarks" / "full_run.json").read_text())
    assert unmatched_wall_times(text, record) == []
    assert unmatched_wall_times("took 1 s on 2 jobs", record) == ["1"]  # the check can fail


def _scale_probe_text() -> str:
    """``benchmarks/slam_scale.json`` (``tools/slam_scale.py``) as "exponent [lo, hi]" triples."""
    runs = json.loads((ROOT / "benchmarks" / "slam_scale.json").read_text())["runs"]
    return "\n".join(f"{r['exponent']!r} [{r['ci'][0]!r}, {r['ci'][1]!r}]" for r in runs.values())


def unmatched_wall_times(text: str, record: dict) -> list[str]:
    """Wall times quoted as "took N s" that the full-run record does not round to."""
    total = float(record["total_wall_s"])
    return [v for v in re.findall(r"took ([\d,]+(?:\.\d+)?) s", text)
            if abs(float(v.replace(",", "")) - total) > _half_unit(v.replace(",", ""))]


def test_the_numbers_check_fails_on_a_number_the_results_do_not_hold() -> None:
    source = "| rate_eps | SLaM | -0.15 [-1.15, 0.86] |\nSLaM minus distill +4.72 [2.91, 6.70]"
    assert unmatched_triples("-0.15 [-1.15, 0.86] and +4.7 points [2.9, 6.7]", source) == []
    assert unmatched_triples("-0.15 [-1.15, 0.96]", source) == [("-0.15", "-1.15", "0.96")]
    assert unmatched_triples("+4.8 [2.9, 6.7]", source) == [("+4.8", "2.9", "6.7")]


def _bench_ratios() -> list[float]:
    out = []
    for f in sorted((ROOT / "benchmarks").glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        rows = data.get("results", []) if isinstance(data, dict) else []
        out += [float(r["ratio"]) for r in rows if isinstance(r, dict) and "ratio" in r]
    return out


def unmatched_ratios(table: str, ratios: list[float]) -> list[str]:
    """Ratios in the second column of a markdown table that no benchmark ratio rounds to."""
    missing = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.match(r"^[0-9.]+( to [0-9.]+)?$", cells[1]):
            continue
        for v in cells[1].split(" to "):
            if not any(abs(float(v) - r) <= _half_unit(v) for r in ratios):
                missing.append(v)
    return missing


def test_readme_speed_table_comes_from_the_benchmark_files() -> None:
    table = _section(README.read_text(encoding="utf-8"), "## Speed")
    ratios = _bench_ratios()
    assert ratios, "no benchmark JSON with ratios is committed"
    assert unmatched_ratios(table, ratios) == []
    assert unmatched_ratios("| x | 999 | 20 |", ratios) == ["999"]  # the check can fail


def unmatched_mutation_rows(table: str, groups: dict) -> list[str]:
    """Rows ``| group | killed / non-equivalent | ... |`` that the mutation record does not hold."""
    bad = []
    for name, killed, ne in re.findall(r"^\| (\w+) \| (\d+) / (\d+) \|", table, flags=re.M):
        g = groups.get(name)
        if g is None or (g["killed"], g["total"] - g["equivalent"]) != (int(killed), int(ne)):
            bad.append(name)
    return bad


def test_readme_mutation_scores_come_from_the_benchmark_record() -> None:
    table = _section(README.read_text(encoding="utf-8"), "## Tests that catch bugs")
    groups = json.loads((ROOT / "benchmarks" / "mutation.json").read_text())["groups"]
    assert len(re.findall(r"^\| \w+ \| \d+ / \d+ \|", table, flags=re.M)) >= 8
    assert unmatched_mutation_rows(table, groups) == []
    assert unmatched_mutation_rows("| stats | 1 / 2 | 50% |", groups) == ["stats"]  # can fail


def unmatched_sweep_numbers(text: str, record: dict) -> list[str]:
    """The sweep numbers README quotes that ``benchmarks/sweep.json`` does not round to."""
    quoted = {"total": re.findall(r"quick preset in ([\d.]+) s on 2 jobs", text),
              "ratio": re.findall(r"on 2 jobs ([\d.]+) times faster", text)}
    have = {"total": float(record["total_wall_s"]), "ratio": float(record["speedup"]["ratio"])}
    assert all(quoted.values()), "README no longer quotes the sweep's total and speed-up"
    return [v for k, vs in quoted.items() for v in vs if abs(float(v) - have[k]) > _half_unit(v)]


def test_readme_sweep_numbers_come_from_the_sweep_record() -> None:
    record = json.loads((ROOT / "benchmarks" / "sweep.json").read_text())
    assert unmatched_sweep_numbers(README.read_text(encoding="utf-8"), record) == []
    wrong = "quick preset in 1.0 s on 2 jobs, and on 2 jobs 9.99 times faster"
    assert unmatched_sweep_numbers(wrong, record) == ["1.0", "9.99"]  # the check can fail
