"""Tests that kill mutmut survivors in slam_theory/halfspaces (tools/mutation.py, group halfspaces).

Each test pins a value or a behaviour a surviving mutant changed; see tools/mutation.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory import halfspaces as H


def test_make_learner_maps_eta_passes_and_max_steps():
    est = H.make_learner("unbiased", eta=0.2, passes=3, random_state=0)
    assert (est.rho_pos, est.rho_neg, est.max_iter, est.random_state) == (0.2, 0.2, 3, 0)
    est = H.make_learner("leaky_relu_capped", eta=0.1, gamma=0.2, epsilon=0.3, max_steps=7.0)
    assert (est.eta, est.gamma, est.epsilon, est.max_steps) == (0.1, 0.2, 0.3, 7)
    assert isinstance(est.max_steps, int)
    # passes and max_steps are dropped where they do not apply, None/0 means not given
    assert H.make_learner("mean", passes=5, max_steps=5).get_params() == H.MeanHalfspace().get_params()
    assert H.make_learner("perceptron", passes=0).max_iter == H.Perceptron().max_iter
    with pytest.raises(TypeError, match="bogus"):
        H.make_learner("mean", bogus=1)
    with pytest.raises(ValueError, match="learner"):
        H.make_learner(3)
    assert np.isfinite(H.make_learner("slam", eta=0.1, gamma=0.1, epsilon=0.1).eta)
