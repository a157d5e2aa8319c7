"""Former home of the experiment engine, kept so existing imports keep working.

The engine now lives in :mod:`slam_theory.runner` (config, plan, run, figures) and
:mod:`slam_theory.results` (the trial store, ``trials.csv``, ``summary.json``); this module only
re-exports their public names. New code imports from those packages.

Examples
--------
>>> from slam_theory import sweep, runner
>>> sweep.run_experiment is runner.run_experiment
True
"""

from slam_theory.errors import ConfigError, StoreError, TrialError
from slam_theory.results import read_trials
from slam_theory.runner import (
    PRESETS,
    RunResult,
    Trial,
    expand_trials,
    load_config,
    make_figures,
    resolve_reference,
    run_experiment,
)

__all__ = [
    "PRESETS",
    "ConfigError",
    "RunResult",
    "StoreError",
    "Trial",
    "TrialError",
    "expand_trials",
    "load_config",
    "make_figures",
    "read_trials",
    "resolve_reference",
    "run_experiment",
]
