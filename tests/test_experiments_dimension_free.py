"""Tests of slam_theory.experiments.dimension_free: the exponent in d and the figure."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from tiny_results import NS, check_figures, claims_config, run_tiny

from slam_theory.experiments import dimension_free as DF


def test_disagreement_mode():
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
    cfg = claims_config(
        [
            {"id": "flat", "learner": "jl"},
            {"id": "grow", "learner": "raw"},
            {"id": "grow2", "learner": "raw", "theory_exponent": 0.5, "kind": "two_sided"},
        ]
    )
    cfg["analysis_params"].pop("eps")
    cfg["grid"] = {"learner": ["jl", "raw"], "d": [10, 30, 100, 300]}
    out = DF.analysis(rows, cfg)
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    assert out["mode"] == "disagreement"
    assert v == {"flat": "consistent", "grow": "inconsistent", "grow2": "consistent"}
    json.dumps(out, allow_nan=False)


def test_n_needed_mode_flat_and_growing():
    rng = np.random.default_rng(5)
    rows = []
    for d in (10, 100, 1000):
        for n in NS:
            for s in range(5):
                for lr, c in (("flat", 5.0), ("grows", 0.5 * d)):
                    rows.append({"learner": lr, "d": d, "n": int(n), "seed": s,
                                 "disagreement": min(0.5, float((c / n) ** 0.5)
                                                         * np.exp(0.05 * rng.standard_normal()))})
    cfg = claims_config([{"id": "f", "learner": "flat"}, {"id": "g", "learner": "grows"}], eps=0.05)
    cfg["grid"] = {"learner": ["flat", "grows"], "d": [10, 100, 1000], "n": NS.tolist()}
    out = DF.analysis(rows, cfg)
    assert out["mode"] == "n_needed"
    c = {c["id"]: c for c in out["claims"]}
    assert c["f"]["verdict"] == "consistent" and abs(c["f"]["exponent"]) < 0.1
    assert c["g"]["verdict"] == "inconsistent" and abs(c["g"]["exponent"] - 1.0) < 0.1
    assert out["series"] == {"flat": {"learner": "flat"}, "grows": {"learner": "grows"}}


def test_figure(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    res = run_tiny("dimension_free", tmp_path_factory.mktemp("results"))
    summary = json.loads((res / "summary.json").read_text())
    assert summary["series"]["slam|project_dim=-1"] == {"learner": "slam", "project_dim": -1}
    check_figures(DF.fig_dimension_free(res, tmp_path), ["dimension_free"])
    assert not plt.get_fignums()
    assert set(DF.CAPTIONS) == {"dimension_free"}
