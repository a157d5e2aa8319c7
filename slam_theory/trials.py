"""Old home of the halfspace trial, now :mod:`slam_theory.experiments.halfspace_trial`.

Kept only while code outside the experiments still names ``trials``: the functions below
delegate to the new module (so the reference ``"trials:halfspace_error"`` still resolves),
the other names are re-exported.  New code imports
:mod:`slam_theory.experiments.halfspace_trial`.

Examples
--------
>>> import numpy as np
>>> params = {"learner": "slam", "d": 5, "gamma": 0.1, "eta": 0.1, "n": 100}
>>> halfspace_error(params, np.random.SeedSequence(0)) == _trial.halfspace_error(
...     params, np.random.SeedSequence(0))
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from slam_theory.experiments import halfspace_trial as _trial
from slam_theory.experiments.halfspace_trial import (
    DATA_PARAMS,
    LEARNERS,
    MARGINALS,
    data_dim,
    make_generator,
    make_learner,
    projection_dim,
)

__all__ = [
    "DATA_PARAMS",
    "LEARNERS",
    "MARGINALS",
    "data_dim",
    "halfspace_error",
    "halfspace_stream_error",
    "make_generator",
    "make_learner",
    "projection_dim",
]


def halfspace_error(params: Mapping[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
    """:func:`slam_theory.experiments.halfspace_trial.halfspace_error`."""
    return _trial.halfspace_error(params, seed)


def halfspace_stream_error(
    params: Mapping[str, Any], seed: np.random.SeedSequence
) -> dict[str, Any]:
    """:func:`slam_theory.experiments.halfspace_trial.halfspace_stream_error`."""
    return _trial.halfspace_stream_error(params, seed)
