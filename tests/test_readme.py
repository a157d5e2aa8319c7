"""The README's commands and code examples must hold as written."""

from __future__ import annotations

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
