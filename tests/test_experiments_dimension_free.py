"""Tests of slam_theory.experiments.dimension_free: the exponent in d and the figure."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from tiny_results import check_figures, run_tiny

from slam_theory.experiments import dimension_free as DF

EPS = [0.2, 0.1, 0.05, 0.02, 0.01]
NS = np.unique(np.round(np.logspace(2, 6.5, 16)).astype(int))


def _power_rows(
    exps: dict[str, float], *, C: float = 5.0, seeds: int = 9, noise: float = 0.1, seed: int = 0
) -> list[dict]:
    """Rows with median disagreement (C/n)^(1/a), so n_needed(eps) = C eps^-a."""
    rng = np.random.default_rng(seed)
    rows = []
    for learner, a in exps.items():
        for n in NS:
            for s in range(seeds):
                dis = (C / n) ** (1.0 / a) * np.exp(noise * rng.standard_normal())
                rows.append(
                    {
                        "learner": learner,
                        "n": int(n),
                        "seed": s,
                        "row": 0,
                        "disagreement": float(min(dis, 0.5)),
                    }
                )
    return rows


def _cfg(claims: list[dict], **ap) -> dict:
    return {
        "name": "t",
        "preset": "quick",
        "fixed": {},
        "grid": {"learner": ["a", "b"], "n": NS.tolist()},
        "analysis_params": {"eps": EPS, "n_boot": 300, **ap},
        "claims": claims,
        "seeds": 5,
    }




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
    cfg = _cfg(
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
    cfg = _cfg([{"id": "f", "learner": "flat"}, {"id": "g", "learner": "grows"}], eps=0.05)
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
