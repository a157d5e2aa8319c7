"""Tests of slam_theory.experiments.noise_rate: "reaches" claims, the eta exponent, the figure."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from tiny_results import check_figures, claims_config, run_tiny

from slam_theory.experiments import noise_rate as NR


def test_noise_rate_reaches():
    rng = np.random.default_rng(2)
    rows = []
    for eta in [0.0, 0.1, 0.2, 0.3, 0.45]:
        for n in [100, 1000, 10000]:
            for s in range(6):
                e_aware = 0.5 / np.sqrt(n) / (1 - 2 * eta)
                e_agn = 0.5 / np.sqrt(n) + 0.3 * eta
                for lr, e in (("aware", e_aware), ("agnostic", e_agn)):
                    rows.append(
                        {
                            "learner": lr,
                            "eta": eta,
                            "n": n,
                            "seed": s,
                            "disagreement": e * np.exp(0.05 * rng.standard_normal()),
                        }
                    )
    cfg = claims_config(
        [
            {"id": "r1", "learner": "aware", "kind": "reaches", "eta_max": 0.45},
            {"id": "r2", "learner": "agnostic", "kind": "reaches", "expect": False, "eta_min": 0.2},
            {"id": "r3", "learner": "agnostic", "kind": "reaches", "eta_max": 0.45},
        ],
        eps=0.05,
    )
    cfg["grid"] = {"learner": ["aware", "agnostic"], "eta": [], "n": []}
    out = NR.analysis(rows, cfg)
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    assert v == {"r1": "consistent", "r2": "consistent", "r3": "inconsistent"}
    assert out["final"]["aware"]["0.45"]["n"] == 10000
    m = out["claims"][0]["measured"]["aware"]["0.45"]
    assert m["n"] == 10000 and m["n_needed"] is not None and m["median"] <= 0.05
    # several learners in one claim: all must hold
    cfg["claims"] = [
        {"id": "both", "learners": ["aware", "agnostic"], "kind": "reaches", "eta_max": 0.45},
        {"id": "low", "learners": ["aware", "agnostic"], "kind": "reaches", "eta_max": 0.0},
    ]
    out = NR.analysis(rows, cfg)
    assert [c["verdict"] for c in out["claims"]] == ["inconsistent", "consistent"]
    assert set(out["claims"][0]["measured"]) == {"aware", "agnostic"}
    json.dumps(out, allow_nan=False)


def test_missing_columns():
    with pytest.raises(ValueError, match="eta"):
        NR.analysis([{"learner": "a", "n": 1, "seed": 0, "disagreement": 0.1}], claims_config([]))


def test_figure(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    res = run_tiny("noise_rate", tmp_path_factory.mktemp("results"))
    summary = json.loads((res / "summary.json").read_text())
    assert set(summary["series"]) == set(summary["thresholds"]) == {"slam", "perceptron"}
    check_figures(NR.fig_noise_rate(res, tmp_path), ["noise_rate"])
    assert not plt.get_fignums()
    assert NR.fig_noise_rate(tmp_path / "none", tmp_path) == []
    assert set(NR.CAPTIONS) == {"noise_rate"}
