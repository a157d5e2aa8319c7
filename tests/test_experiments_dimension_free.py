"""dimension_free: the exponent of d judged two-sided per series, with a growth control."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np

from slam_theory.experiments import dimension_free as DF

ROOT = Path(__file__).resolve().parents[1]
DS = [128, 256, 512, 1024, 2048]


def rows_for(project_dim, exponent, *, seeds=12, rng=0):
    """Made-up threshold rows: n = 100 (d/128)^exponent, lognormal seed noise."""
    gen = np.random.default_rng(rng)
    return [{"stage": "threshold", "learner": "slam", "project_dim": project_dim, "d": d,
             "seed": s, "censored": False,
             "n_eval": round(100 * (d / 128) ** exponent * np.exp(0.1 * gen.standard_normal()))}
            for d in DS for s in range(seeds)]


CLAIM = {"id": "jl", "learner": "slam", "where": {"project_dim": -1}, "floor": -0.25,
         "ceiling": 0.25, "control": {"learner": "slam", "where": {"project_dim": 0}}}


def test_flat_with_a_growing_control_is_consistent_and_counted():
    rows = rows_for(-1, 0.0) + rows_for(0, 1.0, rng=1)
    c = DF.analysis(rows, {"claims": [CLAIM]})["claims"][0]
    assert c["verdict"] == "consistent" and c["counted"], c["reason"]
    ctrl = next(iter(c["controls"].values()))
    assert ctrl["fails"] and ctrl["rule"] == "above_ceiling" and 0.8 < ctrl["exponent"] < 1.2


def test_a_control_that_does_not_grow_makes_the_claim_inconclusive():
    rows = rows_for(-1, 0.0) + rows_for(0, 0.05, rng=1)
    c = DF.analysis(rows, {"claims": [CLAIM]})["claims"][0]
    assert c["verdict"] == "inconclusive" and not c["counted"]
    assert c["theorem_verdict"] == "consistent" and "does not grow" in c["reason"]


def test_growth_with_d_after_the_projection_is_inconsistent():
    rows = rows_for(-1, 0.8) + rows_for(0, 1.0, rng=1)
    c = DF.analysis(rows, {"claims": [CLAIM]})["claims"][0]
    assert c["verdict"] == "inconsistent" and c["rule"] == "above_ceiling", c["reason"]
    # and a claim without control stands alone
    alone = {k: v for k, v in CLAIM.items() if k != "control"}
    c = DF.analysis(rows_for(-1, 0.0), {"claims": [alone]})["claims"][0]
    assert c["verdict"] == "consistent" and "controls" in c and c["controls"] == {}


def test_trial_projects_once_per_seed_and_judges_in_the_original_space():
    p = {"family": "perceptron_gamma", "d": 60, "gamma": 0.2, "alpha": 0.7, "control_mass": 0.0,
         "control_margin": 0.2, "eta": 0.1, "learner": "slam", "target": 0.1, "n_min": 8,
         "n_max": 256, "steps_per_octave": 2, "project_dim": 30}
    seed = np.random.SeedSequence(5)
    rows = DF.threshold_trial(p, seed)
    assert repr(rows) == repr(DF.threshold_trial(p, seed))
    assert {r["dim"] for r in rows} == {30}
    assert all(0.0 <= r["disagreement"] <= 1.0 for r in rows)
    plain = DF.threshold_trial({**p, "project_dim": 0}, seed)
    assert {r["dim"] for r in plain} == {60} and repr(plain) != repr(rows)
    assert {r["dim"] for r in DF.threshold_trial({**p, "project_dim": 60}, seed)} == {60}


def test_config_margin_mass_does_not_vanish_and_projection_is_smaller_than_d():
    from slam_theory import bounds, data

    cfg = tomllib.loads((ROOT / "experiments" / "dimension_free.toml").read_text())
    f, inst = cfg["fixed"], cfg["instance"]
    m = int(bounds.jl_dimension(f["gamma"], beta=f["project_beta"],
                                constant=f["project_constant"]))
    assert m < min(cfg["grid"]["d"]) and len(cfg["grid"]["d"]) >= 5
    for d in (min(cfg["grid"]["d"]), max(cfg["grid"]["d"])):
        gen = data.make_instance(inst["family"], d=d, gamma=f["gamma"], random_state=0,
                                 **{k: v for k, v in inst.items() if k != "family"})
        X, _ = gen.sample(500)
        assert np.all(np.abs(X @ gen.w_star) >= f["gamma"] - 1e-9)  # margin mass 1


def test_figure_draws_claims_and_their_controls(tmp_path):
    rows = rows_for(-1, 0.0) + rows_for(0, 1.0, rng=1)
    exp = tmp_path / "dimension_free"
    exp.mkdir()
    (exp / "summary.json").write_text(json.dumps(DF.analysis(rows, {"claims": [CLAIM]})))
    paths = DF.fig_dimension_free(exp, tmp_path / "figs")
    assert sorted(p.name for p in paths) == ["dimension_free.pdf", "dimension_free.png"]
    assert set(DF.CAPTIONS) == {"dimension_free"}
