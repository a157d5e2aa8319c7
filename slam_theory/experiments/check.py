"""Bring your own learner: run any scikit-learn style classifier through a rate claim."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone

from slam_theory import halfspaces
from slam_theory.experiments.rates import run_search, threshold_trial
from slam_theory.experiments.rates_analysis import grid_resolution, judge_claim

__all__ = ["check_claim"]


def check_claim(
    estimator: Any,
    config: Mapping[str, Any],
    *,
    claim: str | None = None,
    seeds: int | None = None,
    controls: Sequence[str] | None = None,
    n_jobs: int = 1,
    root_seed: int | None = None,
) -> dict[str, Any]:
    """Run any scikit-learn style binary classifier through a rate claim.

    The estimator is cloned and fitted on the claim's instance for every parameter value and
    seed, its thresholds found by :func:`search_threshold`, and its exponent judged by
    :func:`slam_theory.stats.check_rate` against the claim's floor and ceiling, beside the
    controls run on the same samples.

    Parameters
    ----------
    estimator : estimator
        Unfitted; ``fit(X, y)`` with ``y`` in ``{-1, +1}`` must set ``coef_`` (the normal of
        its halfspace through the origin).
    config : mapping
        A loaded experiment configuration (e.g. ``runner.load_config(path, preset)``) with
        ``fixed``, ``grid`` and ``claims``; the grid's values of the claim's parameter are used.
    claim : str, optional
        The ``id`` of the claim whose floor, ceiling and parameter to use (default: the
        first).
    seeds : int, optional
        Seeds per value (default: the configuration's).
    controls : sequence of str, optional
        Control learners to run beside it (default :data:`slam_theory.halfspaces.CONTROLS`;
        pass ``()`` to skip them).
    n_jobs : int, default=1
        Parallel jobs (joblib).
    root_seed : int, optional
        Default: the configuration's ``root_seed``.

    Returns
    -------
    dict
        As :func:`judge_claim`, with ``learner = "estimator"``.

    Examples
    --------
    >>> from slam_theory import runner
    >>> config = runner.config_from_dict({
    ...     "name": "demo", "description": "samples needed against 1/eps on the sphere",
    ...     "trial": "experiments.rates:threshold_trial", "root_seed": 0,
    ...     "seed_by": ["family", "d", "gamma", "eta", "target"], "instance": {"family": "sphere"},
    ...     "fixed": {"d": 5, "gamma": 0.1, "eta": 0.1, "n_min": 50, "n_max": 800,
    ...               "steps_per_octave": 2},
    ...     "grid": {"learner": ["mean"], "target": [0.2, 0.1]},
    ...     "claims": [{"id": "eps", "statement": "n(eps) = O(1/eps^2)", "learner": "mean",
    ...                 "parameter": "target", "floor": 1, "ceiling": 2}],
    ...     "presets": {"quick": {"seeds": 2}, "full": {"seeds": 10}}})
    >>> table = check_claim(halfspaces.MeanHalfspace(), config, controls=())
    >>> table["learner"], table["x"], table["verdict"], table["rule"]   # 2 values: too few to judge
    ('estimator', [5.0, 10.0], 'inconclusive', 'too_few_values')
    """
    claims = list(config.get("claims", []))
    if not claims:
        raise ValueError("config has no [[claims]] to check")
    chosen = claims[0] if claim is None else next((c for c in claims if c.get("id") == claim), None)
    if chosen is None:
        raise ValueError(f"claim must be one of {[c.get('id') for c in claims]}, got {claim!r}")
    parameter = str(chosen.get("parameter", "target"))
    fixed = dict(config.get("fixed", {}) or {})
    grid = config.get("grid", {}) or {}
    if parameter not in grid:
        raise ValueError(f"the configuration's grid does not sweep the claim's {parameter!r}")
    n_seeds = int(seeds if seeds is not None else config.get("seeds", 5))
    root = int(root_seed if root_seed is not None else config.get("root_seed", 0))
    ctrl = tuple(halfspaces.CONTROLS if controls is None else controls)
    jobs = []
    for vi, value in enumerate(grid[parameter]):
        for s in range(n_seeds):
            seed = np.random.SeedSequence([vi, s, root])
            base = {**fixed, parameter: value, "seed": s}
            jobs.append(("estimator", base, seed))
            jobs.extend((c, base, seed) for c in ctrl)

    def run(name: str, base: dict, seed: np.random.SeedSequence) -> list[dict]:
        params = {**base, "learner": name}
        if name == "estimator":
            out = run_search(params, seed, lambda: clone(estimator))
        else:
            out = threshold_trial(params, seed)
        return [{**params, **r} for r in out]

    results = Parallel(n_jobs=n_jobs)(delayed(run)(*j) for j in jobs)
    rows = [r for rs in results for r in rs]
    return judge_claim(rows, {**chosen, "learner": "estimator"}, ctrl, random_state=root,
                       resolution=grid_resolution(config))
