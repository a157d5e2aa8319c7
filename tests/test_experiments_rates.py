"""Rate claims: judged two-sided, counted only where the controls fail."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.random import SeedSequence

from slam_theory import halfspaces, runner
from slam_theory.experiments import rates_figures
from slam_theory.experiments.rates import threshold_trial
from slam_theory.experiments.rates_analysis import analysis, judge_claim, threshold_matrix

TARGETS = [0.2, 0.1, 0.05, 0.025, 0.0125]
N_MAX = 10**7


def rows_for(learner, exponent=None, *, censored_from=None, seeds=12, rng=0):
    """Made-up threshold rows: n = 20 x^exponent (x = 1/target), lognormal seed noise."""
    gen = np.random.default_rng(rng)
    out = []
    for i, t in enumerate(TARGETS):
        for s in range(seeds):
            cen = censored_from is not None and i >= censored_from
            n = N_MAX if cen or exponent is None else 20 * (1 / t) ** exponent
            if not cen and exponent is not None:
                n *= float(np.exp(0.15 * gen.standard_normal()))
            out.append({"learner": learner, "target": t, "seed": s, "stage": "threshold",
                        "n_eval": round(n), "censored": bool(cen or exponent is None)})
    return out


CLAIM = {"id": "c", "statement": "n = O(1/eps^2)", "learner": "alg", "parameter": "target",
         "floor": 1, "ceiling": 2}


def test_threshold_matrix_orders_by_x_and_flags_censoring():
    values, n, cen = threshold_matrix(rows_for("alg", 2, censored_from=4), "alg", "target")
    assert values.tolist() == TARGETS  # x = 1/target increasing
    assert n.shape == (5, 12) and cen[4].all() and not cen[:4].any()
    with pytest.raises(ValueError, match="no threshold rows"):
        threshold_matrix([], "alg", "target")


def test_law_inside_the_bounds_with_failing_controls_is_consistent():
    rows = rows_for("alg", 1.5) + rows_for("mean") + rows_for("logreg_exact")
    out = judge_claim(rows, CLAIM, ["mean", "logreg_exact"])
    assert out["counted"] and out["verdict"] == "consistent", out["reason"]
    assert 1.3 < out["exponent"] < 1.7
    assert all(c["fails"] for c in out["controls"].values())


def test_a_control_that_meets_the_target_makes_the_claim_inconclusive():
    rows = rows_for("alg", 1.5) + rows_for("mean", 1.0)
    out = judge_claim(rows, CLAIM, ["mean"])
    assert not out["counted"]
    assert out["verdict"] == "inconclusive" and "mean" in out["reason"]
    assert out["theorem_verdict"] == "consistent"


def test_law_above_the_ceiling_is_inconsistent():
    out = judge_claim(rows_for("alg", 3.0) + rows_for("mean"), CLAIM, ["mean"])
    assert out["verdict"] == "inconsistent", out["reason"]


def test_a_plateau_that_never_reaches_small_targets_is_inconsistent():
    rows = rows_for("alg", 1.0, censored_from=2) + rows_for("mean")
    out = judge_claim(rows, CLAIM, ["mean"])
    assert out["verdict"] == "inconsistent", out["reason"]


def test_analysis_judges_every_claim_of_the_config():
    rows = rows_for("alg", 1.5) + rows_for("mean")
    config = {"claims": [CLAIM, {**CLAIM, "id": "c2", "ceiling": 1.2}], "root_seed": 3,
              "analysis_params": {"controls": ["mean"]}, "instance": {"family": "eps_floor"}}
    out = analysis(rows, config)
    verdicts = [c["verdict"] for c in out["claims"]]
    assert verdicts == ["consistent", "inconsistent"]
    assert out["instance"] == {"family": "eps_floor"}


def test_thresholds_at_the_first_grid_point_are_not_a_rate():
    rows = rows_for("alg", 1.5) + rows_for("mean")
    for r in rows:
        if r["learner"] == "alg" and r["target"] == 0.2:
            r["n_eval"] = 10  # every seed already at the target at the smallest n tried
    rows += [{"learner": "alg", "stage": "probe", "n_eval": 10}]
    out = judge_claim(rows, CLAIM, ["mean"])
    assert out["below_grid"] == [0.2]
    assert out["verdict"] != "consistent"


def test_figure_draws_each_claim_and_nothing_without_claims(tmp_path):
    import json

    from slam_theory.experiments.rates_figures import CAPTIONS, fig_rate_claims

    rows = rows_for("alg", 1.5) + rows_for("mean")
    summary = analysis(rows, {"claims": [CLAIM], "analysis_params": {"controls": ["mean"]}})
    exp = tmp_path / "rate_eps"
    exp.mkdir()
    (exp / "summary.json").write_text(json.dumps(summary))
    paths = fig_rate_claims(exp, tmp_path / "figs")
    assert sorted(p.name for p in paths) == ["rate_eps.pdf", "rate_eps.png"]
    assert all(p.stat().st_size > 1000 for p in paths) and "rate_eps" in CAPTIONS
    (exp / "summary.json").write_text(json.dumps({"claims": []}))
    assert fig_rate_claims(exp, tmp_path / "none") == []


def test_algorithm_1_with_fewer_samples_than_its_selection_set_is_censored_not_an_error():
    """Algorithm 1 holds out N' samples; below N' + 1 it has no output: a defined outcome."""
    params = {"family": "eps_floor", "hard_factor": 4.0, "d": 6, "gamma": 0.1, "eta": 0.2,
              "learner": "leaky_relu", "target": 0.1, "n_min": 64, "n_max": 256,
              "steps_per_octave": 2}
    T = halfspaces.leaky_relu_iterations(0.2, 0.1, 0.1 * 0.6)
    assert halfspaces.leaky_relu_validation_size(T, 0.06) > 256  # always too few here
    rows = threshold_trial(params, SeedSequence(0))
    assert all(r["disagreement"] == 0.5 for r in rows if r["stage"] == "probe")
    assert rows[-1]["stage"] == "threshold" and rows[-1]["censored"] is True


def test_the_algorithm_1_claim_runs_in_the_full_reproduce_only():
    path = Path(__file__).resolve().parents[1] / "experiments/rate_eps_alg1.toml"
    for preset in ("quick", "full"):
        cfg = runner.load_config(path, preset=preset)
        assert "leaky_relu" in cfg["grid"]["learner"]  # Algorithm 1 as stated, not capped
        assert "max_steps" not in cfg["fixed"]
        assert cfg["reproduce"] == ["full"]


def test_rate_panel_marks_thresholds_below_the_grid_and_names_the_method():
    claim = {"values": [0.1, 0.05, 0.025], "parameter": "target", "x_label": "1/eps",
             "thresholds": [100.0, 300.0, 900.0], "threshold_censored": [False, False, False],
             "below_grid": [0.1], "learner": "slam", "id": "c", "verdict": "inconclusive",
             "exponent": 1.6, "ci": [1.4, 1.8], "floor": 1, "ceiling": 2, "controls": {}}
    fig, ax = plt.subplots()
    rates_figures._draw_claim(ax, claim)
    labels = [h.get_label() for h in ax.get_lines()]
    assert any("at the smallest n tried" in lab for lab in labels)
    assert ax.get_title().startswith("SLaM: inconclusive")
    claim["below_grid"] = []
    fig2, ax2 = plt.subplots()
    rates_figures._draw_claim(ax2, claim)
    assert not any("at the smallest n tried" in h.get_label() for h in ax2.get_lines())
    plt.close(fig)
    plt.close(fig2)


def test_analysis_judges_thresholds_at_the_resolution_of_their_grid():
    # every seed at the grid size just above 51 x^2 (4 sizes per octave): exact thresholds
    # would call this law "inconsistent"; at the grid's resolution it is consistent
    from slam_theory.experiments.search import grid_sizes

    g = grid_sizes(100, 10**7, steps_per_octave=4)
    xs = 6 * 1.25 ** np.arange(5)
    rows = [{"learner": "alg", "target": 1 / x, "seed": s, "stage": "threshold",
             "n_eval": int(g[np.searchsorted(g, 51 * x**2)]), "censored": False}
            for x in xs for s in range(6)] + rows_for("mean")
    rows += [{"learner": "alg", "stage": "probe", "n_eval": 100}]  # the grid starts lower
    config = {"claims": [CLAIM], "analysis_params": {"controls": ["mean"]},
              "fixed": {"steps_per_octave": 4}}
    claim = analysis(rows, config)["claims"][0]
    assert claim["resolution"] == 2 ** 0.25 and claim["verdict"] == "consistent", claim["reason"]
    exact = judge_claim(rows, CLAIM, ["mean"])
    assert exact["resolution"] == 1.0 and exact["verdict"] == "inconsistent"
