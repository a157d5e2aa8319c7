"""Checks of the parameters the experiment configs share, by name, before anything runs.

The runner calls a trial module's own ``check_params(trial_name, params)`` on every parameter
point of every preset when a config loads; for a trial of this package whose module defines
none, it calls :func:`check_params` here. It knows the names the configs use for one meaning
only (``learner``, ``family``, ``eta``, ``gamma``, sample sizes, ...) and checks those; any
other parameter is the trial's to check. Every refusal is one line naming the parameter.

Examples
--------
>>> check_params("threshold_trial", {"learner": "slam", "eta": 0.2, "d": 10})
>>> try:
...     check_params("threshold_trial", {"learner": "slma"})
... except ValueError as exc:
...     print(str(exc)[:40])
learner must be one of ('slam', 'leaky_r
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from slam_theory import data, halfspaces

__all__ = ["COUNTS", "LEARNER_TRIALS", "RANGES", "check_params"]

#: Trials whose ``learner`` parameter names a learner of :mod:`slam_theory.halfspaces` (in
#: other trials it is a label, e.g. ``projected_sgd``).
LEARNER_TRIALS = frozenset({"halfspace_error", "threshold_trial"})

#: Parameters that count something: integers >= 1.
COUNTS = frozenset({
    "batch_size", "d", "epochs", "hidden", "k_max", "labels_per_class", "max_steps", "n",
    "n_bins", "n_classes", "n_features", "n_horizons", "n_labeled", "n_max", "n_min",
    "n_neighbors", "n_test", "n_train", "n_trees", "n_unlabeled", "steps_per_octave", "t_max",
    "t_min",
})
#: Real parameters and their interval ``(low, high, low_open, high_open)``.
RANGES: dict[str, tuple[float, float, bool, bool]] = {
    "eta": (0.0, 0.5, False, True),
    "gamma": (0.0, 1.0, True, False),
    "epsilon": (0.0, 1.0, True, True),
    "target": (0.0, 1.0, True, True),
    "project_beta": (0.0, 1.0, True, True),
    "coverage": (0.0, 1.0, True, False),
    "val_fraction": (0.0, 1.0, True, False),
    "control_mass": (0.0, 1.0, False, False),
    "lr": (0.0, math.inf, True, True),
    "separation": (0.0, math.inf, True, True),
    "radius": (0.0, math.inf, True, True),
    "hard_factor": (0.0, math.inf, True, True),
    "project_constant": (0.0, math.inf, True, True),
    "d_gamma_factor": (0.0, math.inf, True, True),
    "l2": (0.0, math.inf, False, True),
    "disagreement_level": (0.0, 1.0, True, True),
    "excess_level": (0.0, 1.0, True, True),
    "control_margin": (0.0, 1.0, True, True),
    "svm_C": (0.0, math.inf, True, True),
}
#: Integer parameters with a smallest value below 1 (``project_dim``: -1 and 0 are sentinels).
INTEGERS_FROM = {"project_dim": -1}
_ORDERED = (("n_min", "n_max"), ("t_min", "t_max"))


def _count(name: str, value: Any, low: int = 1) -> None:
    what = "a positive integer" if low == 1 else f"an integer >= {low}"
    integral = isinstance(value, numbers.Integral) or (
        isinstance(value, float) and math.isfinite(value) and value.is_integer())
    if isinstance(value, bool) or not integral:
        raise TypeError(f"{name} must be {what}, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be {what}, got {value!r}")


def _real(name: str, value: Any, low: float, high: float, low_open: bool,
          high_open: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    ok_low = value > low if low_open else value >= low
    ok_high = value < high if high_open else value <= high
    if not (math.isfinite(value) and ok_low and ok_high):
        lb, rb = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(f"{name} must be in {lb}{low:g}, {high:g}{rb}, got {value!r}")


def check_params(trial_name: str, params: dict[str, Any]) -> None:
    """Refuse a parameter point whose shared parameters are out of their contract.

    Parameters
    ----------
    trial_name : str
        The trial function's name: ``learner`` is checked for :data:`LEARNER_TRIALS` only.
    params : dict
        One point of the grid, merged with the fixed parameters.

    Raises
    ------
    ValueError, TypeError
        One line naming the parameter: an unknown ``learner`` or ``family``, a count that
        is not a positive integer, a rate or margin outside its interval, ``n_min > n_max``.
    """
    for name, value in params.items():
        if (name == "learner" and trial_name in LEARNER_TRIALS
                and value not in halfspaces.LEARNER_NAMES):
            raise ValueError(f"learner must be one of {halfspaces.LEARNER_NAMES}, got "
                             f"{value!r}")
        if name == "family" and value not in data.INSTANCE_FAMILIES:
            raise ValueError(f"family must be one of {data.INSTANCE_FAMILIES}, got {value!r}")
        if name in COUNTS:
            _count(name, value)
        elif name in INTEGERS_FROM:
            _count(name, value, INTEGERS_FROM[name])
        elif name in RANGES:
            _real(name, value, *RANGES[name])
    for lo, hi in _ORDERED:
        if lo in params and hi in params and params[lo] > params[hi]:
            raise ValueError(f"{lo} must be <= {hi}, got {params[lo]!r} > {params[hi]!r}")
