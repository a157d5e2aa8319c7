"""The [instance] table of an experiment: merged into every trial's fixed parameters."""

from __future__ import annotations

import pytest

from slam_theory.errors import ConfigError
from slam_theory.runner import config_from_dict

BASE = {
    "name": "exp",
    "trial": "experiments.rates:threshold_trial",
    "root_seed": 1,
    "fixed": {"d": 10, "gamma": 0.1},
    "grid": {"target": [0.1, 0.05]},
    "presets": {"quick": {"seeds": 2}, "full": {"seeds": 3}},
}


def test_instance_parameters_become_fixed_parameters():
    cfg = config_from_dict({**BASE, "instance": {"family": "eps_floor", "hard_factor": 4.0}})
    assert cfg["instance"] == {"family": "eps_floor", "hard_factor": 4.0}
    assert cfg["fixed"]["family"] == "eps_floor" and cfg["fixed"]["d"] == 10


def test_instance_without_a_family_is_refused():
    with pytest.raises(ConfigError, match=r"instance\.family"):
        config_from_dict({**BASE, "instance": {"hard_factor": 4.0}})


def test_instance_parameter_also_in_fixed_is_refused():
    with pytest.raises(ConfigError, match=r"instance\.d"):
        config_from_dict({**BASE, "instance": {"family": "sphere", "d": 5}})


def test_seed_by_may_name_instance_parameters():
    cfg = config_from_dict({**BASE, "instance": {"family": "sphere"}, "seed_by": ["family", "d"]})
    assert cfg["seed_by"] == ["family", "d"]
