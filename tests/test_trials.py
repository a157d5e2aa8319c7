"""Tests of slam_theory.trials and of the theory experiments' TOML files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from slam_theory import bounds, convergence, data, sweep, trials

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = [
    "sample_complexity_eps",
    "sample_complexity_gamma",
    "noise_rate",
    "convergence_forward",
    "massart_robustness",
    "dimension_free",
]
BASE = {"d": 8, "gamma": 0.1, "eta": 0.2, "n": 300, "epsilon": 0.05, "max_steps": 30}


def _seed(i: int = 0) -> np.random.SeedSequence:
    return np.random.SeedSequence(2302, spawn_key=(i, 7))


@pytest.mark.parametrize("learner", trials.LEARNERS)
def test_halfspace_error_is_pure(learner: str) -> None:
    params = {**BASE, "learner": learner}
    seed = _seed()
    a = trials.halfspace_error(params, seed)
    b = trials.halfspace_error(params, seed)  # the same SeedSequence object, reused
    c = trials.halfspace_error(params, _seed())
    assert a == b == c
    assert seed.n_children_spawned == 0  # the trial does not mutate its seed
    assert set(a) == {"disagreement", "n_iter", "flip_rate", "dim"}
    assert 0.0 <= a["disagreement"] <= 1.0
    assert all(isinstance(v, int | float) for v in a.values())


def test_different_seeds_differ() -> None:
    params = {**BASE, "learner": "slam"}
    outs = {trials.halfspace_error(params, _seed(i))["flip_rate"] for i in range(4)}
    assert len(outs) > 1


def test_learners_share_data() -> None:
    """Common random numbers: the noisy labels do not depend on the learner."""
    rates = {
        trials.halfspace_error({**BASE, "learner": name}, _seed(3))["flip_rate"]
        for name in ("slam", "perceptron", "logistic", "leaky_relu_online")
    }
    assert len(rates) == 1


def test_unknown_learner_and_marginal_rejected() -> None:
    with pytest.raises(ValueError, match="learner must be one of"):
        trials.make_learner({**BASE, "learner": "nope"})
    with pytest.raises(ValueError, match="marginal must be one of"):
        trials.make_generator({**BASE, "marginal": "cube"}, _seed())


@pytest.mark.parametrize("marginal", ["ball", "gaussian", "hypercube"])
def test_other_marginals(marginal: str) -> None:
    out = trials.halfspace_error({**BASE, "learner": "slam", "marginal": marginal}, _seed())
    assert 0.0 <= out["disagreement"] <= 0.5


@pytest.mark.parametrize("shape", ["halfspace", "boundary", "decay"])
def test_massart_noise(shape: str) -> None:
    params = {**BASE, "n": 2000, "learner": "slam", "noise": "massart", "massart_fn": shape}
    out = trials.halfspace_error(params, _seed())
    assert 0.0 <= out["flip_rate"] <= params["eta"] + 0.03
    with pytest.raises(ValueError, match="massart_fn"):
        trials.halfspace_error({**params, "massart_fn": "bad"}, _seed())


def test_d_gamma_factor() -> None:
    assert trials.data_dim({"d": 2, "gamma": 0.2, "d_gamma_factor": 1.0}) == 25
    assert trials.data_dim({"d": 40, "gamma": 0.2, "d_gamma_factor": 1.0}) == 40
    assert trials.data_dim({"d": 7, "gamma": 0.2}) == 7


def test_projection_dim() -> None:
    p = {"d": 5000, "gamma": 0.25, "project_dim": -1, "project_beta": 0.05}
    want = int(bounds.jl_dimension(0.25, beta=0.05, constant=2.0))
    assert trials.projection_dim({**p, "project_constant": 2.0}) == want
    assert trials.projection_dim({**p, "project_dim": 30}) == 30
    assert trials.projection_dim({**p, "project_dim": 0}) == 0
    assert trials.projection_dim({**p, "d": 20, "project_dim": 30}) == 0  # m >= d: none


def test_projected_disagreement_matches_monte_carlo() -> None:
    """R^T w_m is the original-space hypothesis: exact disagreement == Monte Carlo."""
    params = {**BASE, "d": 30, "gamma": 0.05, "n": 400, "learner": "slam"}
    gen = trials.make_generator(params, _seed(1))
    X, y = gen.sample(params["n"])
    m = 6
    Z, R = trials._project(X, m, _seed(2))
    assert R.shape == (m, params["d"])
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), 1.0)
    est = trials.make_learner(params, random_state=0).fit(Z, y)
    w_m = est.coef_.ravel()
    exact = gen.disagreement(R.T @ w_m)
    X2, y2 = gen.sample(200_000)
    pred = np.where((X2 @ R.T) @ w_m >= 0, 1, -1)
    mc = float(np.mean(pred != y2))
    se = math.sqrt(max(mc * (1 - mc), 1e-4) / y2.size)
    assert 0.0 < exact < 0.5  # a real test: m << d leaves a visible error
    assert abs(mc - exact) < 5 * se + 1e-4


def test_projection_trial_runs() -> None:
    params = {**BASE, "d": 50, "learner": "slam", "project_dim": 10}
    a = trials.halfspace_error(params, _seed())
    assert a["dim"] == 10
    assert a == trials.halfspace_error(params, _seed())


@pytest.mark.parametrize("learner", ["forward_sgd", "leaky_relu", "forward_gd"])
def test_convergence_trajectory_is_pure(learner: str) -> None:
    params = {
        "d": 6, "gamma": 0.1, "eta": 0.2, "n": 300, "n_eval": 500, "iterations": 50,
        "record": 8, "learner": learner, "fb_n": 200, "fb_iterations": 40,
    }
    a = trials.convergence_trajectory(params, _seed())
    b = trials.convergence_trajectory(params, _seed())
    assert repr(a) == repr(b)  # repr: NaN columns compare equal
    assert len(a) >= 5
    assert {"iteration", "grad_norm", "disagreement"} <= set(a[0])
    assert a[-1]["iteration"] == (40 if learner != "forward_sgd" else 50)
    metric = "e1" if learner == "leaky_relu" else "objective_gap"
    assert all(metric in r for r in a)
    c = trials.convergence_trajectory(params, _seed(5))
    assert repr(a) != repr(c)


# ------------------------------------------------------------------------ experiment files
@pytest.mark.parametrize("name", EXPERIMENTS)
@pytest.mark.parametrize("preset", sweep.PRESETS)
def test_experiment_configs_load(name: str, preset: str) -> None:
    cfg = sweep.load_config(ROOT / "experiments" / f"{name}.toml", preset)
    assert cfg["name"] == name
    assert cfg["seeds"] >= (3 if preset == "quick" else 10)
    learners = cfg["grid"].get("learner", [cfg["fixed"].get("learner")])
    known = (
        set(convergence.TRAJECTORIES) if cfg["trial"].endswith("convergence_trajectory")
        else set(trials.LEARNERS)
    )
    assert set(learners) <= known
    for claim in cfg["claims"]:
        if claim.get("learner") is not None and claim.get("kind") != "measured":
            assert claim["learner"] in learners or preset == "quick"
    # seed_by names data parameters only, never the learner (common random numbers)
    assert "learner" not in (cfg["seed_by"] or [])
    # the quick preset brackets: at least 4 n values for threshold experiments
    if "n" in cfg["grid"]:
        assert len(cfg["grid"]["n"]) >= 4


def test_experiment_trials_resolve() -> None:
    for name in EXPERIMENTS:
        cfg = sweep.load_config(ROOT / "experiments" / f"{name}.toml", "quick")
        fn = sweep.resolve_reference(cfg["trial"])
        assert fn in (trials.halfspace_error, trials.convergence_trajectory)
        assert len(sweep.expand_trials(cfg)) > 0


def test_generator_defaults() -> None:
    gen = trials.make_generator({"d": 5, "gamma": 0.2}, _seed())
    assert isinstance(gen, data.MarginHalfspace)
    assert gen.marginal == "sphere"
