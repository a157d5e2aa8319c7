"""Tests of slam_theory.experiments.halfspace_trial (in memory and streaming) and of the
halfspace experiments' TOML files."""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import numpy as np
import pytest

from slam_theory import bounds, data, runner
from slam_theory.experiments import halfspace_trial as T

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = [
    "sample_complexity_eps",
    "sample_complexity_gamma",
    "massart_robustness",
]
#: The trial of each experiment above (the sphere ones add the angle to halfspace_error's data).
TRIALS = {"sample_complexity_eps": "experiments.sample_complexity:angle_trial",
          "sample_complexity_gamma": "experiments.sample_complexity:angle_trial",
          "massart_robustness": "experiments.halfspace_trial:halfspace_error"}
BASE = {"d": 8, "gamma": 0.1, "eta": 0.2, "n": 300, "epsilon": 0.05, "max_steps": 30}


def _seed(i: int = 0) -> np.random.SeedSequence:
    return np.random.SeedSequence(2302, spawn_key=(i, 7))


@pytest.mark.parametrize("learner", T.LEARNERS)
def test_halfspace_error_is_pure(learner: str) -> None:
    params = {**BASE, "learner": learner}
    if learner == "leaky_relu":  # Algorithm 1 as stated takes no cap: a short T instead
        params.update(max_steps=0, gamma=0.3, epsilon=0.3)
    seed = _seed()
    a = T.halfspace_error(params, seed)
    b = T.halfspace_error(params, seed)  # the same SeedSequence object, reused
    c = T.halfspace_error(params, _seed())
    assert a == b == c
    assert seed.n_children_spawned == 0  # the trial does not mutate its seed
    assert set(a) == {"disagreement", "n_iter", "flip_rate", "dim"}
    assert 0.0 <= a["disagreement"] <= 1.0
    assert all(isinstance(v, int | float) for v in a.values())


def test_different_seeds_differ() -> None:
    params = {**BASE, "learner": "slam"}
    outs = {T.halfspace_error(params, _seed(i))["flip_rate"] for i in range(4)}
    assert len(outs) > 1


def test_learners_share_data() -> None:
    """Common random numbers: the noisy labels do not depend on the learner."""
    rates = {
        T.halfspace_error({**BASE, "learner": name}, _seed(3))["flip_rate"]
        for name in ("slam", "perceptron", "logistic", "leaky_relu_online")
    }
    assert len(rates) == 1


def test_unknown_learner_and_marginal_rejected() -> None:
    with pytest.raises(ValueError, match="learner must be one of"):
        T.make_learner({**BASE, "learner": "nope"})
    with pytest.raises(ValueError, match="marginal must be one of"):
        T.make_generator({**BASE, "marginal": "cube"}, _seed())


@pytest.mark.parametrize("marginal", ["ball", "gaussian", "hypercube"])
def test_other_marginals(marginal: str) -> None:
    out = T.halfspace_error({**BASE, "learner": "slam", "marginal": marginal}, _seed())
    assert 0.0 <= out["disagreement"] <= 0.5


@pytest.mark.parametrize("shape", ["halfspace", "boundary", "decay"])
def test_massart_noise(shape: str) -> None:
    params = {**BASE, "n": 2000, "learner": "slam", "noise": "massart", "massart_fn": shape}
    out = T.halfspace_error(params, _seed())
    assert 0.0 <= out["flip_rate"] <= params["eta"] + 0.03
    with pytest.raises(ValueError, match="massart_fn"):
        T.halfspace_error({**params, "massart_fn": "bad"}, _seed())


def test_d_gamma_factor() -> None:
    assert T.data_dim({"d": 2, "gamma": 0.2, "d_gamma_factor": 1.0}) == 25
    assert T.data_dim({"d": 40, "gamma": 0.2, "d_gamma_factor": 1.0}) == 40
    assert T.data_dim({"d": 7, "gamma": 0.2}) == 7


def test_projection_dim() -> None:
    p = {"d": 5000, "gamma": 0.25, "project_dim": -1, "project_beta": 0.05}
    want = int(bounds.jl_dimension(0.25, beta=0.05, constant=2.0))
    assert T.projection_dim({**p, "project_constant": 2.0}) == want
    assert T.projection_dim({**p, "project_dim": 30}) == 30
    assert T.projection_dim({**p, "project_dim": 0}) == 0
    assert T.projection_dim({**p, "d": 20, "project_dim": 30}) == 0  # m >= d: none


def test_projected_disagreement_matches_monte_carlo() -> None:
    """R^T w_m is the original-space hypothesis: exact disagreement == Monte Carlo."""
    params = {**BASE, "d": 30, "gamma": 0.05, "n": 400, "learner": "slam"}
    gen = T.make_generator(params, _seed(1))
    X, y = gen.sample(params["n"])
    m = 6
    Z, R = T._project(X, m, _seed(2))
    assert R.shape == (m, params["d"])
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), 1.0)
    est = T.make_learner(params, random_state=0).fit(Z, y)
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
    a = T.halfspace_error(params, _seed())
    assert a["dim"] == 10
    assert a == T.halfspace_error(params, _seed())


# ------------------------------------------------------------------------ experiment files
@pytest.mark.parametrize("name", EXPERIMENTS)
@pytest.mark.parametrize("preset", runner.PRESETS)
def test_experiment_configs_load(name: str, preset: str) -> None:
    cfg = runner.load_config(ROOT / "experiments" / f"{name}.toml", preset)
    assert cfg["name"] == name
    assert cfg["seeds"] >= (3 if preset == "quick" else 10)
    learners = cfg["grid"].get("learner", [cfg["fixed"].get("learner")])
    assert set(learners) <= set(T.LEARNERS)
    assert cfg["trial"] == TRIALS[name]
    module = name.removeprefix("sample_complexity_").replace("_robustness", "")
    module = "sample_complexity" if module in ("eps", "gamma") else module
    assert cfg["analysis"] == f"experiments.{module}:analysis"
    assert all(ref.startswith(f"experiments.{module}:fig_") for ref in cfg["figures"])
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
        cfg = runner.load_config(ROOT / "experiments" / f"{name}.toml", "quick")
        assert runner.resolve_reference(cfg["trial"]) is runner.resolve_reference(TRIALS[name])
        assert callable(runner.resolve_reference(cfg["analysis"]))
        assert len(runner.expand_trials(cfg)) > 0


def test_trial_resolves_only_from_experiments() -> None:
    ref = "experiments.halfspace_trial:halfspace_error"
    assert runner.resolve_reference(ref) is T.halfspace_error
    # the legacy wrapper is gone: its old reference is refused, not silently resolved
    with pytest.raises(ValueError, match="not one a config may name"):
        runner.resolve_reference("trials:halfspace_error")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("slam_theory.trials")


def test_generator_defaults() -> None:
    gen = T.make_generator({"d": 5, "gamma": 0.2}, _seed())
    assert isinstance(gen, data.MarginHalfspace)
    assert gen.marginal == "sphere"


# ------------------------------------------------------------------------ streaming
STREAM = {"d": 8, "gamma": 0.1, "eta": 0.2, "n": 5000}


@pytest.mark.parametrize("learner", ["leaky_relu_online", "slam", "perceptron"])
def test_stream_result_does_not_depend_on_batch(learner: str) -> None:
    seed = np.random.SeedSequence(7)
    whole = T.halfspace_stream_error({**STREAM, "learner": learner, "batch": 5000}, seed)
    parts = T.halfspace_stream_error({**STREAM, "learner": learner, "batch": 777}, seed)
    assert whole["n_seen"] == parts["n_seen"] == STREAM["n"]
    assert whole["flip_rate"] == parts["flip_rate"]
    assert whole["disagreement"] == pytest.approx(parts["disagreement"], abs=1e-12)


def test_stream_noise_matches_in_memory_trial() -> None:
    seed = np.random.SeedSequence(3)
    streamed = T.halfspace_stream_error({**STREAM, "learner": "slam", "batch": 1000}, seed)
    in_memory = T.halfspace_error({**STREAM, "learner": "slam"}, seed)
    # same data and the same RCN draws: the flip counts agree exactly
    assert streamed["flip_rate"] == in_memory["flip_rate"]
    assert 0.15 < streamed["flip_rate"] < 0.25


def test_stream_learns() -> None:
    out = T.halfspace_stream_error(
        {**STREAM, "n": 40000, "learner": "leaky_relu_online", "batch": 4096},
        np.random.SeedSequence(1),
    )
    assert out["disagreement"] < 0.1


def test_stream_rejects_batch_learner_and_massart() -> None:
    seed = np.random.SeedSequence(0)
    with pytest.raises(ValueError, match="partial_fit"):
        T.halfspace_stream_error({**STREAM, "learner": "leaky_relu"}, seed)
    with pytest.raises(ValueError, match="rcn"):
        T.halfspace_stream_error(
            {**STREAM, "learner": "slam", "noise": "massart"}, seed
        )
