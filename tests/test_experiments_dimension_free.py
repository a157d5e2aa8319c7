"""dimension_free: the exponent of d judged two-sided per series, with a growth control."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np

from slam_theory.experiments import dimension_free as DF

ROOT = Path(__file__).resolve().parents[1]
DS = [128, 256, 512, 1024, 2048]


def rows_for(project_dim, exponent, *, seeds=12, rng=0, learner="slam", ds=DS,
             censored=False):
    """Made-up threshold rows: n = 100 (d/128)^exponent, lognormal seed noise."""
    gen = np.random.default_rng(rng)
    return [{"stage": "threshold", "learner": learner, "project_dim": project_dim, "d": d,
             "seed": s, "censored": censored,
             "n_eval": round(100 * (d / 128) ** exponent * np.exp(0.1 * gen.standard_normal()))}
            for d in ds for s in range(seeds)]


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
    assert m < sorted(cfg["grid"]["d"])[1] and len(cfg["grid"]["d"]) >= 5
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


def test_a_series_or_control_missing_from_the_run_is_not_counted():
    # the claim's own series absent (a learner of another preset): inconclusive, not a crash
    other = {**CLAIM, "id": "lr", "learner": "logreg_exact"}
    c = DF.analysis(rows_for(-1, 0.0), {"claims": [other]})["claims"][0]
    assert c["verdict"] == "inconclusive" and c["rule"] == "not_run" and not c["counted"]
    # the growth control absent: the flat series does not count
    c = DF.analysis(rows_for(-1, 0.0), {"claims": [CLAIM]})["claims"][0]
    assert c["verdict"] == "inconclusive" and c["theorem_verdict"] == "consistent"


MEAN_AND_GROWTH = {
    "claims": [{**CLAIM, "control": {"learner": "logreg_exact", "where": {"project_dim": 0}}}],
    "analysis_params": {"controls": ["mean", "logreg_exact"]},
}


def _with_controls(mean_censored: bool, growth: float, mean_series: int = -1) -> list[dict]:
    return (rows_for(-1, 0.0)
            + rows_for(mean_series, 0.0, learner="mean", censored=mean_censored, rng=2)
            + rows_for(0, growth, learner="logreg_exact", ds=DS[:3], rng=3))


def test_the_mean_must_fail_and_logistic_must_grow_for_the_claim_to_count():
    c = DF.analysis(_with_controls(True, 1.0), MEAN_AND_GROWTH)["claims"][0]
    assert c["verdict"] == "consistent" and c["counted"], c.get("reason")
    assert set(c["controls"]) == {"mean", "Logistic, exact, project_dim = 0"}
    assert c["controls"]["mean"]["fails"] and "role" not in c["controls"]["mean"]
    growth = c["controls"]["Logistic, exact, project_dim = 0"]
    assert growth["role"] == "grows" and growth["fails"] and growth["values"] == DS[:3]
    # the growth control is not also a must-fail control (it reaches the target)
    assert "logreg_exact" not in c["controls"]
    # the mean reaching the target: not counted, whatever the growth control does
    c = DF.analysis(_with_controls(False, 1.0), MEAN_AND_GROWTH)["claims"][0]
    assert c["verdict"] == "inconclusive" and not c["counted"]
    assert c["theorem_verdict"] == "consistent" and "mean reach" in c["reason"]
    # logistic not growing: not counted either
    c = DF.analysis(_with_controls(True, 0.0), MEAN_AND_GROWTH)["claims"][0]
    assert c["verdict"] == "inconclusive" and not c["counted"] and "does not grow" in c["reason"]


def test_config_runs_the_mean_everywhere_and_exact_logistic_where_it_is_affordable():
    from slam_theory import bounds
    from slam_theory.runner import expand_trials, load_config

    path = ROOT / "experiments" / "dimension_free.toml"
    for preset in ("quick", "full"):
        cfg = load_config(path, preset)
        assert cfg["analysis_params"]["controls"] == ["mean"]
        assert all(c["control"]["learner"] == "logreg_exact" for c in cfg["claims"])
        pts = {(t.params["learner"], t.params["project_dim"], t.params["d"])
               for t in expand_trials(cfg)}
        ds = cfg["grid"]["d"]
        assert {(p, d) for lr, p, d in pts if lr == "mean"} == {(0, d) for d in ds}
        jl = next(c for c in cfg["claims"] if c["where"] == {"project_dim": -1})
        assert jl["controls_where"] == {"project_dim": 0}
        assert {(p, d) for lr, p, d in pts if lr == "logreg_exact"} == {
            (0, d) for d in ds if d <= 256}
        # the projected series only where the JL dimension is below d
        m = int(bounds.jl_dimension(cfg["fixed"]["gamma"], beta=cfg["fixed"]["project_beta"],
                                    constant=cfg["fixed"]["project_constant"]))
        assert {d for lr, p, d in pts if lr == "slam" and p == -1} == {d for d in ds if d > m}


def test_controls_can_be_judged_on_another_series():
    rows = _with_controls(True, 1.0, mean_series=0)
    c = DF.analysis(rows, MEAN_AND_GROWTH)["claims"][0]
    assert "mean" not in c["controls"]  # the claim's own series has no mean rows
    cfg = {**MEAN_AND_GROWTH, "claims": [{**MEAN_AND_GROWTH["claims"][0],
                                          "controls_where": {"project_dim": 0}}]}
    c = DF.analysis(rows, cfg)["claims"][0]
    assert c["controls"]["mean"]["fails"] and c["counted"] and c["verdict"] == "consistent"
    # the claim's own learner is still read from its own series, not the controls' one
    flipped = [{**r, "n_eval": r["n_eval"] * 100} if r["learner"] == "slam" else r
               for r in rows] + rows_for(0, 2.0, rng=9)
    c = DF.analysis(flipped, cfg)["claims"][0]
    assert c["exponent"] is not None and abs(c["exponent"]) < 0.25
    c = DF.analysis(_with_controls(False, 1.0, mean_series=0), cfg)["claims"][0]
    assert not c["counted"] and c["verdict"] == "inconclusive"


def test_controls_at_fewer_values_are_drawn_and_tabled_at_their_own_values(tmp_path):
    from slam_theory import report

    exp = tmp_path / "dimension_free"
    exp.mkdir()
    summary = DF.analysis(_with_controls(True, 1.0), MEAN_AND_GROWTH)
    (exp / "summary.json").write_text(json.dumps(summary))
    # the growth control runs at d = 128..512 only: drawn at those d (it used to crash)
    paths = DF.fig_dimension_free(exp, tmp_path / "figs")
    assert sorted(p.name for p in paths) == ["dimension_free.pdf", "dimension_free.png"]
    text = report.render_report(tmp_path)
    head = next(line for line in text.splitlines() if line.startswith("| method | d=128"))
    assert head.count("| d=") == len(DS)
    row = next(line for line in text.splitlines() if line.startswith("| Logistic, exact"))
    cells = [c.strip() for c in row.strip("|").split("|")][1:]
    growth = summary["claims"][0]["controls"]["Logistic, exact, project_dim = 0"]
    assert cells[:3] == [f"{t:g}" for t in growth["thresholds"]]
    assert cells[3:] == ["not run", "not run"]
