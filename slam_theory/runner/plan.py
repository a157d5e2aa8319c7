"""The plan of a sweep: the grid crossed with the seeds, and each trial's SeedSequence.

Trial ``(params, i)`` gets ``SeedSequence(root_seed, spawn_key=(i, a, b))``, where ``a, b`` are
two 32-bit words of the SHA-256 of the canonical JSON of the ``seed_by`` parameters: the
numbers do not depend on the worker count, the order, the process or ``PYTHONHASHSEED``.

Examples
--------
>>> cfg = {"name": "x", "fixed": {"d": 2}, "grid": {"n": [1, 2]}, "seeds": 2,
...        "seed_by": ["n"], "root_seed": 7}
>>> [(t.params["n"], t.seed_index) for t in expand_trials(cfg)]
[(1, 0), (2, 0), (1, 1), (2, 1)]
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from typing import Any

import numpy as np

from slam_theory.errors import ConfigError
from slam_theory.results import canonical, format_cell, trial_key

__all__ = ["Trial", "check_exclude", "expand_trials", "grid_points", "stable_ints"]

Scalar = int | float | str | bool


@dataclasses.dataclass(frozen=True)
class Trial:
    """One trial: a parameter point, a seed index and its seed.

    Attributes
    ----------
    index : int
        Position in the deterministic expansion order.
    params : dict
        Every parameter (fixed and grid) of this trial.
    seed_index : int
        Seed index ``0 .. seeds-1`` (the ``seed`` column of trials.csv).
    key : str
        Canonical JSON of the sorted parameters' CSV cells plus the seed index; identifies
        the trial in trials.csv for resuming.
    entropy : int
        The experiment's root seed.
    spawn_key : tuple of int
        ``(seed_index, a, b)`` with ``a, b`` from the SHA-256 of the ``seed_by`` params.

    Examples
    --------
    >>> from slam_theory.runner import config_from_dict, example_config
    >>> raw = example_config()
    >>> first = expand_trials(config_from_dict(raw))[0]
    >>> first.params, first.seed_index
    ({'d': 5, 'eta': 0.1, 'gamma': 0.1, 'learner': 'mean', 'n': 100}, 0)
    >>> first.key                                      # the cells of the sorted params, the seed
    '["5","0.1","0.1","mean","100","0"]'
    """

    index: int
    params: dict[str, Scalar]
    seed_index: int
    key: str
    entropy: int
    spawn_key: tuple[int, ...]

    @property
    def seed(self) -> np.random.SeedSequence:
        """The trial's :class:`numpy.random.SeedSequence`."""
        return np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)


def stable_ints(values: dict[str, Any]) -> tuple[int, int]:
    """Two 32-bit words of the SHA-256 of ``values``' canonical JSON (the seed's spawn key).

    Examples
    --------
    >>> stable_ints({"n": 5}) == stable_ints({"n": 5}) != stable_ints({"n": 5.0})
    True
    """
    digest = hashlib.sha256(canonical(values).encode()).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:8], "little")


def _excluded(point: dict[str, Any], exclude: list[dict[str, list[Any]]]) -> bool:
    return any(all(point[k] in vals for k, vals in rule.items()) for rule in exclude)


def grid_points(grid: dict[str, list[Any]],
                exclude: list[dict[str, list[Any]]] | None = None) -> list[dict[str, Any]]:
    """The grid's points (parameters crossed in sorted-name order), minus the excluded ones.

    A rule of ``exclude`` drops every point whose value of each of the rule's parameters is
    one of the rule's values (``[[exclude]]`` tables in an experiment file).

    Examples
    --------
    >>> grid = {"learner": ["a", "b"], "d": [1, 2, 4]}
    >>> [(p["learner"], p["d"]) for p in grid_points(grid, [{"learner": ["b"], "d": [2, 4]}])]
    [('a', 1), ('b', 1), ('a', 2), ('a', 4)]
    """
    names = sorted(grid)
    points = [dict(zip(names, c)) for c in itertools.product(*(grid[n] for n in names))]
    return [p for p in points if not _excluded(p, list(exclude or []))]


def check_exclude(grid: dict[str, list[Any]], exclude: Any,
                  where: str) -> list[dict[str, list[Any]]]:
    """Validate ``exclude`` rules against a resolved grid; returns them with list values.

    Each rule is a non-empty table of grid parameters to a value or an array of values, each
    of them in the grid (so each rule drops a point); the rules must leave one.

    Raises
    ------
    ConfigError
        One line naming ``where`` and the rule.

    Examples
    --------
    >>> check_exclude({"d": [1, 2]}, [{"d": 2}], "x.toml")
    [{'d': [2]}]
    >>> try:
    ...     check_exclude({"d": [1, 2]}, [{"d": 3}], "x.toml")
    ... except ConfigError as exc:
    ...     print(exc)
    x.toml: exclude[0].d: expected values from the grid's [1, 2], got 3
    """
    if not isinstance(exclude, list):
        raise ConfigError(f"{where}: exclude: expected an array of tables ([[exclude]]), "
                          f"got {exclude!r}")
    rules = []
    for i, rule in enumerate(exclude):
        if not isinstance(rule, dict) or not rule:
            raise ConfigError(f"{where}: exclude[{i}]: expected a non-empty table of grid "
                              f"parameters, got {rule!r}")
        out = {}
        for k, v in rule.items():
            if k not in grid:
                raise ConfigError(f"{where}: exclude[{i}].{k}: expected a parameter of the "
                                  f"grid (one of {sorted(grid)})")
            vals = v if isinstance(v, list) else [v]
            if not vals or any(x not in grid[k] for x in vals):
                raise ConfigError(f"{where}: exclude[{i}].{k}: expected values from the "
                                  f"grid's {grid[k]}, got {v!r}")
            out[k] = list(vals)
        rules.append(out)
    if not grid_points(grid, rules):
        raise ConfigError(f"{where}: exclude: expected rules that leave a grid point, "
                          "got rules that drop them all")
    return rules


def expand_trials(config: dict[str, Any]) -> list[Trial]:
    """Expand a resolved config into its trials, in a deterministic order.

    The order is seed-major (every grid point for seed 0, then seed 1, ...); grid
    parameters are crossed in sorted-name order, each in the order its values are listed;
    points matched by the config's ``exclude`` rules are left out (:func:`grid_points`).

    Parameters
    ----------
    config : dict
        A resolved config from :func:`load_config`.

    Returns
    -------
    list of Trial

    Examples
    --------
    >>> from slam_theory.runner import config_from_dict, example_config
    >>> raw = example_config()
    >>> trials = expand_trials(config_from_dict(raw))      # 2 values of n times 2 seeds
    >>> [(t.params["n"], t.seed_index) for t in trials]
    [(100, 0), (1000, 0), (100, 1), (1000, 1)]
    """
    fixed = config["fixed"]
    seed_by = list(config["seed_by"])
    points = grid_points(config["grid"], config.get("exclude"))
    trials: list[Trial] = []
    for seed_index in range(int(config["seeds"])):
        for point in points:
            params = {**fixed, **point}
            params = {k: params[k] for k in sorted(params)}
            missing = [s for s in seed_by if s not in params]
            if missing:
                raise ConfigError(f"{config['name']}: seed_by: no parameter {missing[0]!r}")
            a, b = stable_ints({s: params[s] for s in seed_by})
            key = trial_key([format_cell(params[k]) for k in params], seed_index)
            trials.append(
                Trial(len(trials), params, seed_index, key, int(config["root_seed"]),
                      (seed_index, a, b))
            )
    return trials
