"""``tools/sweep_bench.py``: an experiment whose data are not here is skipped, not fatal."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent.parent / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import sweep_bench  # noqa: E402

from slam_theory.data import real  # noqa: E402


def test_sweep_bench_skips_experiments_without_their_data(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(real.DATA_ENV, raising=False)
    out = tmp_path / "sweep.json"
    sweep_bench.main(["--only", "distillation_cifar10,massart_robustness", "--jobs", "1",
                      "--speedup", "", "--out", str(out)])
    record = json.loads(out.read_text())
    assert record["not_run"] == ["distillation_cifar10"]
    assert list(record["experiments"]) == ["massart_robustness"]
    assert record["experiments"]["massart_robustness"]["failed"] == 0
    assert record["total_wall_s"] == pytest.approx(
        record["experiments"]["massart_robustness"]["wall_s"], abs=0.05)
