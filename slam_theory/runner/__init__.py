"""The experiment runner: config -> grid x seeds -> executor -> trial store -> summary.

The runner knows nothing of any algorithm: a config names its trial, analysis and figure
functions, and the runner finds them by name (:mod:`slam_theory.runner.references`). It
imports only :mod:`slam_theory.results` and :mod:`slam_theory.errors`.

Examples
--------
>>> from slam_theory.runner import PRESETS
>>> PRESETS
('quick', 'full')
"""

from slam_theory.errors import ConfigError, SchedulerError, StoreError, TrialError, UsageError
from slam_theory.runner.config import FINGERPRINT_FIELDS, PRESETS, config_from_dict, load_config
from slam_theory.runner.examples import example_config, example_config_file
from slam_theory.runner.executor import IDLE_WORKER_TIMEOUT_S, Outcome, execute
from slam_theory.runner.figures import collect_captions, make_figures, write_index
from slam_theory.runner.guard import fingerprint, lock
from slam_theory.runner.hooks import check_data_points, check_points
from slam_theory.runner.plan import Trial, check_exclude, expand_trials, grid_points, stable_ints
from slam_theory.runner.references import resolve_reference
from slam_theory.runner.run import RunResult, pending_trials, run_experiment

__all__ = [
    "FINGERPRINT_FIELDS",
    "IDLE_WORKER_TIMEOUT_S",
    "PRESETS",
    "ConfigError",
    "Outcome",
    "RunResult",
    "SchedulerError",
    "StoreError",
    "Trial",
    "TrialError",
    "UsageError",
    "check_data_points",
    "check_exclude",
    "check_points",
    "collect_captions",
    "config_from_dict",
    "example_config",
    "example_config_file",
    "execute",
    "expand_trials",
    "fingerprint",
    "grid_points",
    "load_config",
    "lock",
    "make_figures",
    "pending_trials",
    "resolve_reference",
    "run_experiment",
    "stable_ints",
    "write_index",
]
