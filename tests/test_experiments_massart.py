"""Tests of slam_theory.experiments.massart: "below" / "better_than" claims and the figure."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from tiny_results import check_figures, claims_config, run_tiny

from slam_theory.experiments import massart as M


def test_robustness_claims():
    rng = np.random.default_rng(4)
    rows = []
    for d in [10, 30, 100, 300]:
        for s in range(8):
            for lr, e in (("jl", 0.05), ("raw", 0.005 * d**0.5)):
                rows.append(
                    {
                        "learner": lr,
                        "d": d,
                        "n": 5000,
                        "seed": s,
                        "disagreement": e * np.exp(0.1 * rng.standard_normal()),
                    }
                )
    rrows = [r for r in rows if r["d"] == 300]
    rcfg = claims_config(
        [
            {"id": "b", "learner": "jl", "kind": "below", "eps": 0.1},
            {"id": "better", "learner": "jl", "kind": "better_than", "other": "raw"},
            {"id": "m", "learner": "raw"},
        ]
    )
    rcfg["grid"] = {"learner": ["jl", "raw"]}
    out = M.analysis(rrows, rcfg)
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    # no stated bound under Massart noise: the comparison and the measurement are data only
    assert v == {"b": "consistent", "better": "measurement only", "m": "measurement only"}
    better = out["claims"][1]
    assert better["measurement_only"] and better["measured_text"].endswith("(jl lower)")
    assert "no stated bound" in better["reason"]
    assert out["final"]["jl"]["n_seeds"] == 8
    json.dumps(out, allow_nan=False)


def test_below_fails_and_a_worse_learner_reads_higher():
    rows = [{"learner": lr, "n": 10, "seed": s, "disagreement": e * (1 + 0.01 * s)}
            for lr, e in (("good", 0.01), ("bad", 0.3)) for s in range(6)]
    cfg = claims_config([{"id": "w", "learner": "bad", "kind": "better_than", "other": "good"},
                {"id": "b", "learner": "bad", "kind": "below", "eps": 0.1}])
    cfg["grid"] = {"learner": ["good", "bad"]}
    out = M.analysis(rows, cfg)["claims"]
    assert [c["verdict"] for c in out] == ["measurement only", "inconsistent"]
    assert out[0]["measured_text"].endswith("vs good (bad higher)")
    with pytest.raises(ValueError, match="empty"):
        M.analysis([], cfg)


def test_figure(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    res = run_tiny("massart_robustness", tmp_path_factory.mktemp("results"))
    check_figures(M.fig_massart_robustness(res, tmp_path), ["massart_robustness"])
    assert not plt.get_fignums()
    assert set(M.CAPTIONS) == {"massart_robustness"}
