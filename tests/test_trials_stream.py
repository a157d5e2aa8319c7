"""The streaming trial: one pass in O(batch * d) memory, independent of the batch size."""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory import trials

BASE = {"d": 8, "gamma": 0.1, "eta": 0.2, "n": 5000}


@pytest.mark.parametrize("learner", ["leaky_relu_online", "slam", "perceptron"])
def test_stream_result_does_not_depend_on_batch(learner: str) -> None:
    seed = np.random.SeedSequence(7)
    whole = trials.halfspace_stream_error({**BASE, "learner": learner, "batch": 5000}, seed)
    parts = trials.halfspace_stream_error({**BASE, "learner": learner, "batch": 777}, seed)
    assert whole["n_seen"] == parts["n_seen"] == BASE["n"]
    assert whole["flip_rate"] == parts["flip_rate"]
    assert whole["disagreement"] == pytest.approx(parts["disagreement"], abs=1e-12)


def test_stream_noise_matches_in_memory_trial() -> None:
    seed = np.random.SeedSequence(3)
    streamed = trials.halfspace_stream_error({**BASE, "learner": "slam", "batch": 1000}, seed)
    in_memory = trials.halfspace_error({**BASE, "learner": "slam"}, seed)
    # same data and the same RCN draws: the flip counts agree exactly
    assert streamed["flip_rate"] == in_memory["flip_rate"]
    assert 0.15 < streamed["flip_rate"] < 0.25


def test_stream_learns() -> None:
    out = trials.halfspace_stream_error(
        {**BASE, "n": 40000, "learner": "leaky_relu_online", "batch": 4096},
        np.random.SeedSequence(1),
    )
    assert out["disagreement"] < 0.1


def test_stream_rejects_batch_learner_and_massart() -> None:
    seed = np.random.SeedSequence(0)
    with pytest.raises(ValueError, match="partial_fit"):
        trials.halfspace_stream_error({**BASE, "learner": "leaky_relu"}, seed)
    with pytest.raises(ValueError, match="rcn"):
        trials.halfspace_stream_error(
            {**BASE, "learner": "slam", "noise": "massart"}, seed
        )
