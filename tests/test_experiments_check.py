"""Bring your own learner: check_claim runs any estimator through a rate claim."""

from __future__ import annotations

import pytest

from slam_theory import halfspaces
from slam_theory.experiments.check import check_claim

CONFIG = {
    "root_seed": 5,
    "seeds": 2,
    "instance": {"family": "eps_floor"},
    "fixed": {"family": "eps_floor", "hard_factor": 4.0, "d": 6, "gamma": 0.1, "eta": 0.2,
              "n_min": 100, "n_max": 3200, "steps_per_octave": 2},
    "grid": {"target": [0.1, 0.07, 0.05]},
    "claims": [{"id": "eps", "parameter": "target", "floor": 1, "ceiling": 2}],
}


def test_the_trivial_learner_never_reaches_the_target_on_a_hard_instance():
    out = check_claim(halfspaces.MeanHalfspace(), CONFIG, controls=())
    assert out["learner"] == "estimator"
    assert all(out["threshold_censored"])
    assert out["verdict"] != "consistent"


def test_a_noise_tolerant_learner_reaches_it_and_controls_run_beside_it():
    est = halfspaces.SLaMHalfspace(eta=0.2, gamma=0.1, epsilon=0.05, random_state=0)
    out = check_claim(est, CONFIG, controls=("mean",))
    assert not any(out["threshold_censored"])
    assert out["controls"]["mean"]["fails"]


def test_unknown_claim_and_unswept_parameter_are_refused():
    with pytest.raises(ValueError, match="claim must be one of"):
        check_claim(halfspaces.MeanHalfspace(), CONFIG, claim="nope")
    bad = {**CONFIG, "claims": [{"id": "g", "parameter": "gamma"}]}
    with pytest.raises(ValueError, match="does not sweep"):
        check_claim(halfspaces.MeanHalfspace(), bad)
