"""The trial of the sample-complexity claims: one seed's threshold for one learner.

A sample-complexity theorem says how many samples ``n`` a learner needs to reach an error
target. The claims measure that number directly:

1. **Thresholds.** For one instance, learner, parameter value and seed, the adaptive search of
   :mod:`slam_theory.experiments.search` finds the smallest ``n`` on a fine geometric grid at
   which the learner's exact disagreement with ``w*`` is at or below the target, and stays there
   one octave further. A seed that never gets there within ``n_max`` is *censored*: it is data,
   never dropped.
2. **Controls.** The mean of ``y x``, an unpenalised logistic regression solved to convergence
   and a hinge learner run beside the theorem's learner on the same samples and noisy labels
   (common random numbers). A claim's verdict counts only where every control fails.
3. **Verdicts.** :mod:`slam_theory.experiments.rates_analysis` judges the thresholds with
   :func:`slam_theory.stats.check_rate`, two-sided against the information-theoretic floor and
   the theorem's ceiling; :mod:`slam_theory.experiments.check` runs a user's own estimator
   through a claim.

Error quantity: every target here is a *disagreement* ``Pr[sign(w.x) != sign(w*.x)]``. A
learner whose guarantee is stated for excess error ``eps`` (error at most ``eta + eps``) is
told ``epsilon = target * (1 - 2 eta)``, the excess error that disagreement ``target`` means
under RCN.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from slam_theory import data, halfspaces, noise
from slam_theory.errors import TooFewSamplesError
from slam_theory.experiments.search import grid_sizes, search_threshold

__all__ = ["ERROR_QUANTITY", "child_seed", "make_instance", "run_search", "threshold_trial"]

#: The error quantity every target in this module refers to.
ERROR_QUANTITY = "disagreement"

# child-stream indices of a trial's SeedSequence
_DATA, _NOISE, _LEARNER = 0, 1, 2

# parameters of a trial that are not the instance's own
_TRIAL_KEYS = frozenset(
    {
        "family",
        "d",
        "gamma",
        "eta",
        "learner",
        "target",
        "n_min",
        "n_max",
        "steps_per_octave",
        "max_steps",
        "passes",
    }
)


def child_seed(seed: np.random.SeedSequence, k: int) -> np.random.SeedSequence:
    """The ``k``-th child of ``seed``, derived without mutating it (keeps trials pure)."""
    if not isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(seed)
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k))


def _instance_params(family: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of ``params`` that the instance family's generator accepts."""
    keys = set(params) - _TRIAL_KEYS
    cls = data.instance_class(family) if hasattr(data, "instance_class") else None
    if cls is not None:
        accepted = set(inspect.signature(cls).parameters)
        keys &= accepted
    return {k: params[k] for k in sorted(keys)}


def make_instance(params: Mapping[str, Any], seed: np.random.SeedSequence) -> Any:
    """The instance of a trial: ``data.make_instance(family, d=..., gamma=..., ...)``.

    Parameters
    ----------
    params : mapping
        ``family``, ``d``, ``gamma``, and the family's own parameters (from the configuration's
        ``[instance]`` table or the grid). The ``eps_floor`` family is indexed by the target:
        its ``epsilon`` defaults to the trial's ``target``.
    seed : SeedSequence
        The instance's seed: the same seed gives the same ``w*`` and the same samples.

    Returns
    -------
    generator
        With ``sample(n)``, ``w_star`` and an exact ``disagreement(w)``.
    """
    family = str(params.get("family", "sphere"))
    extra = _instance_params(family, params)
    if family == "eps_floor" and "epsilon" not in extra and "target" in params:
        extra["epsilon"] = float(params["target"])
    return data.make_instance(
        family,
        d=int(params["d"]),
        gamma=float(params["gamma"]),
        random_state=seed,
        **extra,
    )


def _learner_epsilon(target: float, eta: float) -> float:
    """Excess error that disagreement ``target`` means under RCN of rate ``eta``."""
    return float(target) * (1.0 - 2.0 * float(eta))


def _registry_learner(params: Mapping[str, Any], seed: np.random.SeedSequence) -> Any:
    kwargs: dict[str, Any] = {}
    for key in ("max_steps", "passes"):
        if key in params and params[key] not in (None, "", 0):
            kwargs[key] = params[key]
    return halfspaces.make_learner(
        str(params["learner"]),
        eta=float(params["eta"]),
        gamma=float(params["gamma"]),
        epsilon=_learner_epsilon(float(params["target"]), float(params["eta"])),
        random_state=seed,
        **kwargs,
    )


def _error_curve(
    params: Mapping[str, Any],
    seed: np.random.SeedSequence,
    make_estimator: Callable[[], Any],
) -> Callable[[int], tuple[float, float]]:
    """``n -> (disagreement, angle)`` of a fresh estimator fitted on the first ``n`` samples.

    The instance is rebuilt from the same seed for every ``n``, so every size sees the same
    ``w*``, and the noise is drawn from its own stream: the same seed gives common random
    numbers across learners and sizes.
    """
    eta = float(params["eta"])

    def at(n: int) -> tuple[float, float]:
        gen = make_instance(params, child_seed(seed, _DATA))
        X, y = gen.sample(int(n))
        y_noisy = noise.RCN(eta).corrupt(y, random_state=child_seed(seed, _NOISE))
        if np.unique(y_noisy).size < 2:
            return 0.5, math.pi / 2  # one class seen: no halfspace to learn yet
        est = make_estimator()
        with warnings.catch_warnings():
            # a control that stops short of convergence is still a control that failed to
            # learn: its error is what is measured, the warning would only flood the log
            warnings.simplefilter("ignore", ConvergenceWarning)
            try:
                est.fit(X, y_noisy)
            except TooFewSamplesError:
                return 0.5, math.pi / 2  # e.g. Algorithm 1 holds out more than n: no output
        w = np.asarray(est.coef_, dtype=float).ravel()
        if not np.all(np.isfinite(w)) or not np.any(w):
            return 0.5, math.pi / 2  # the zero hypothesis: as good as a coin
        cos = float(np.dot(w, gen.w_star) / (np.linalg.norm(w) * np.linalg.norm(gen.w_star)))
        return float(gen.disagreement(w)), float(math.acos(max(-1.0, min(1.0, cos))))

    return at


def run_search(
    params: Mapping[str, Any],
    seed: np.random.SeedSequence,
    make_estimator: Callable[[], Any],
) -> list[dict[str, Any]]:
    curve = _error_curve(params, seed, make_estimator)
    angles: dict[int, float] = {}

    def error_at(n: int) -> float:
        dis, ang = curve(n)
        angles[n] = ang
        return dis

    spo = int(params.get("steps_per_octave", 8))
    sizes = grid_sizes(int(params["n_min"]), int(params["n_max"]), spo)
    n_needed, censored, evals = search_threshold(
        error_at, sizes, float(params["target"]), steps_per_octave=spo
    )
    rows = [
        {"stage": "probe", "n_eval": n, "disagreement": e, "angle": angles[n], "censored": False}
        for n, e in evals
    ]
    rows.append(
        {
            "stage": "threshold",
            "n_eval": int(n_needed),
            "disagreement": float(min(e for _, e in evals)),
            "angle": float("nan"),
            "censored": bool(censored),
        }
    )
    return rows


def threshold_trial(params: Mapping[str, Any], seed: np.random.SeedSequence) -> list[dict]:
    """One seed's threshold for one learner, instance and target (the sweep's trial).

    Parameters
    ----------
    params : mapping
        ``family`` and the instance's parameters, ``d``, ``gamma``, ``eta`` (RCN rate),
        ``learner`` (a name of :data:`slam_theory.halfspaces.LEARNER_NAMES`), ``target``
        (disagreement), ``n_min``, ``n_max``, ``steps_per_octave``; optional ``max_steps``
        (only for the capped heuristic), ``passes``.
    seed : SeedSequence
        The trial's seed (not mutated).

    Returns
    -------
    list of dict
        One ``stage="probe"`` row per evaluation (``n_eval``, ``disagreement``, ``angle``)
        and a final ``stage="threshold"`` row with ``n_eval`` = the threshold and
        ``censored``.
    """
    return run_search(params, seed, lambda: _registry_learner(params, child_seed(seed, _LEARNER)))
