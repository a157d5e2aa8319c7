"""noise_rate: thresholds at fixed disagreement and at fixed excess error, judged two-sided."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest

from slam_theory.experiments import noise_rate as NR

ROOT = Path(__file__).resolve().parents[1]
ETAS = [0.3, 0.34, 0.375, 0.4, 0.425]


def rows_for(learner, exponent, quantity, *, seeds=12, censored_from=None, rng=0):
    """Made-up threshold rows: n = 50 x^exponent, x = 1/(1-2 eta), lognormal seed noise."""
    gen = np.random.default_rng(rng)
    out = []
    for i, eta in enumerate(ETAS):
        x = 1 / (1 - 2 * eta)
        for s in range(seeds):
            cen = exponent is None or (censored_from is not None and i >= censored_from)
            n = 10**6 if cen else 50 * x**exponent * float(np.exp(0.1 * gen.standard_normal()))
            out.append({"learner": learner, "eta": eta, "quantity": quantity, "seed": s,
                        "stage": "threshold", "n_eval": round(n), "censored": cen})
    return out


def config(*claims, controls=("mean",)):
    return {"claims": list(claims), "root_seed": 1, "instance": {"family": "eps_floor"},
            "analysis_params": {"controls": list(controls)}}


def claim(quantity, floor, ceiling, cid="c"):
    return {"id": cid, "learner": "alg", "parameter": "eta", "where": {"quantity": quantity},
            "floor": floor, "ceiling": ceiling, "success": 0.75}


def test_target_of_holds_the_excess_error_fixed():
    for eta in ETAS:
        t = NR.target_of("excess", 0.0125, eta)
        assert t * (1 - 2 * eta) == pytest.approx(0.0125)
        assert NR.target_of("disagreement", 0.1, eta) == 0.1
    with pytest.raises(ValueError, match="quantity"):
        NR.target_of("error", 0.1, 0.2)
    with pytest.raises(ValueError, match="eta"):
        NR.target_of("excess", 0.1, 0.5)


def test_bound_band_follows_the_laws_and_the_toml_uses_it():
    lo, hi = NR.bound_laws("disagreement", np.array([0.49]))
    assert lo[0] / hi[0] == pytest.approx(0.49 / 0.51**2)
    cfg = tomllib.loads((ROOT / "experiments" / "noise_rate.toml").read_text())
    etas = cfg["grid"]["eta"]
    assert len(etas) >= 5
    for c in cfg["claims"]:
        floor, ceiling = NR.bound_band(c["where"]["quantity"], etas)
        assert (c["floor"], c["ceiling"]) == (round(floor, 2), round(ceiling, 2)), c["id"]
    # near eta = 1/2 the band closes on the limits: 2 (disagreement), [0, 1] (excess)
    near = [0.49, 0.495, 0.499, 0.4995]
    assert np.allclose(NR.bound_band("disagreement", near), (2, 2), atol=0.02)
    assert np.allclose(NR.bound_band("excess", near), (0, 1), atol=0.02)


def test_a_law_inside_the_band_with_a_failing_control_is_consistent():
    rows = rows_for("alg", 2.0, "disagreement") + rows_for("mean", None, "disagreement")
    out = NR.analysis(rows, config(claim("disagreement", 1.6, 2.35)))["claims"][0]
    assert out["verdict"] == "consistent", out["reason"]
    assert out["counted"] and out["quantity"] == "disagreement"
    assert out["derived_band"] == pytest.approx(NR.bound_band("disagreement", ETAS))


def test_each_claim_sees_only_its_own_series():
    # the excess series grows like x^3, far above its band; the disagreement one is fine
    rows = (rows_for("alg", 2.0, "disagreement") + rows_for("alg", 3.0, "excess", rng=1)
            + rows_for("mean", None, "disagreement") + rows_for("mean", None, "excess"))
    cfg = config(claim("disagreement", 1.6, 2.35, "d"), claim("excess", -0.4, 1.35, "e"))
    d, e = NR.analysis(rows, cfg)["claims"]
    assert d["verdict"] == "consistent", d["reason"]
    assert e["verdict"] == "inconsistent" and e["rule"] == "above_ceiling", e["reason"]
    assert e["error_quantity"] == "excess error"


def test_a_plateau_is_inconsistent_and_a_passing_control_makes_it_not_count():
    rows = rows_for("alg", 1.5, "excess", censored_from=3) + rows_for("mean", None, "excess")
    out = NR.analysis(rows, config(claim("excess", -0.4, 1.35)))["claims"][0]
    assert out["verdict"] == "inconsistent" and out["rule"] == "censored_reachable"
    rows = rows_for("alg", 1.0, "excess") + rows_for("mean", 0.5, "excess")
    out = NR.analysis(rows, config(claim("excess", -0.4, 1.35)))["claims"][0]
    assert not out["counted"] and out["verdict"] == "inconclusive"
    assert out["theorem_verdict"] == "consistent"


def test_trial_searches_the_disagreement_the_quantity_means():
    p = {"family": "eps_floor", "d": 6, "gamma": 0.1, "eta": 0.375, "learner": "mean",
         "quantity": "excess", "excess_level": 0.02, "disagreement_level": 0.1,
         "n_min": 50, "n_max": 200, "steps_per_octave": 2}
    seed = np.random.SeedSequence(3)
    rows = NR.threshold_trial(p, seed)
    assert repr(rows) == repr(NR.threshold_trial(p, seed))  # pure (angle NaN != NaN)
    assert {r["target"] for r in rows} == {0.08}
    assert NR.threshold_trial({**p, "quantity": "disagreement"}, seed)[-1]["target"] == 0.1
    with pytest.raises(ValueError, match="excess_level"):
        NR.threshold_trial({k: v for k, v in p.items() if k != "excess_level"}, seed)


def test_figure_draws_one_panel_per_claim(tmp_path):
    rows = rows_for("alg", 2.0, "disagreement") + rows_for("mean", None, "disagreement")
    summary = NR.analysis(rows, config(claim("disagreement", 1.6, 2.35)))
    exp = tmp_path / "noise_rate"
    exp.mkdir()
    (exp / "summary.json").write_text(json.dumps(summary))
    paths = NR.fig_noise_rate(exp, tmp_path / "figs")
    assert sorted(p.name for p in paths) == ["noise_rate.pdf", "noise_rate.png"]
    assert "noise_rate" in NR.CAPTIONS
    (exp / "summary.json").write_text(json.dumps({"claims": []}))
    assert NR.fig_noise_rate(exp, tmp_path / "none") == []
