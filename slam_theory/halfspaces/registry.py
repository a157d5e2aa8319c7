"""Learners by name: :func:`make_learner`, :data:`LEARNER_NAMES`, :data:`CONTROLS`."""

from __future__ import annotations

from typing import Any

from sklearn.base import BaseEstimator

from slam_theory.halfspaces.controls import (
    HingeHalfspace,
    LogisticRegressionHalfspace,
    MeanHalfspace,
)
from slam_theory.halfspaces.leaky_relu import LeakyReLUCappedHalfspace, LeakyReLUHalfspace
from slam_theory.halfspaces.online import OnlineLeakyReLUHalfspace
from slam_theory.halfspaces.perceptron import AveragedPerceptron, Perceptron
from slam_theory.halfspaces.sgd import (
    BackwardCorrectedHalfspace,
    ForwardCorrectedHalfspace,
    LogisticHalfspace,
    SLaMHalfspace,
    UnbiasedLossHalfspace,
)

__all__ = ["CONTROLS", "LEARNERS", "LEARNER_NAMES", "make_learner"]

#: Name -> estimator class.
LEARNERS: dict[str, type[BaseEstimator]] = {
    "slam": SLaMHalfspace,
    "leaky_relu": LeakyReLUHalfspace,
    "leaky_relu_capped": LeakyReLUCappedHalfspace,
    "leaky_relu_online": OnlineLeakyReLUHalfspace,
    "perceptron": Perceptron,
    "averaged_perceptron": AveragedPerceptron,
    "logistic": LogisticHalfspace,
    "forward": ForwardCorrectedHalfspace,
    "backward": BackwardCorrectedHalfspace,
    "unbiased": UnbiasedLossHalfspace,
    "mean": MeanHalfspace,
    "logreg_exact": LogisticRegressionHalfspace,
    "hinge": HingeHalfspace,
}
#: Every registered name.
LEARNER_NAMES: tuple[str, ...] = tuple(LEARNERS)
#: The control learners run beside a learner whose rate is judged.
CONTROLS: tuple[str, ...] = ("mean", "logreg_exact", "hinge")
#: Learners whose ``max_iter`` is a number of passes (``passes`` maps to it).
_PASSES = ("slam", "leaky_relu_online", "perceptron", "averaged_perceptron", "logistic",
           "forward", "backward", "unbiased")


def make_learner(
    name: str,
    *,
    eta: float | None = None,
    gamma: float | None = None,
    epsilon: float | None = None,
    random_state: Any = None,
    **params: Any,
) -> BaseEstimator:
    """An unfitted learner by name, told the noise rate, margin and target it may use.

    ``eta``, ``gamma``, ``epsilon`` and ``random_state`` go to the learners that take them
    (``"unbiased"`` gets ``rho_pos = rho_neg = eta``) and are dropped for the others.  Two
    keys are understood by name: ``passes`` (the ``max_iter`` of the SGD and Perceptron
    learners) and ``max_steps`` (the cap of ``"leaky_relu_capped"``; for ``"leaky_relu"``,
    Algorithm 1 as stated, it is an error; other learners ignore both; None or 0 means not
    given).  Any other key goes to the constructor.

    Parameters
    ----------
    name : str
        One of :data:`LEARNER_NAMES`.
    eta, gamma, epsilon : float or None, default=None
        Noise rate, margin, target error.
    random_state : optional
        The learner's own randomness.
    **params
        ``passes``, ``max_steps`` or constructor parameters.

    Returns
    -------
    estimator
        An unfitted scikit-learn estimator.

    Examples
    --------
    >>> make_learner("leaky_relu_capped", eta=0.2, gamma=0.1, max_steps=100)
    LeakyReLUCappedHalfspace(eta=0.2, gamma=0.1, max_steps=100)
    >>> make_learner("mean", eta=0.2)
    MeanHalfspace()
    """
    if not isinstance(name, str) or name not in LEARNERS:
        raise ValueError(f"learner must be one of {LEARNER_NAMES}, got {name!r}")
    cls = LEARNERS[name]
    accepted = set(cls._get_param_names())
    passes = params.pop("passes", None)
    max_steps = params.pop("max_steps", None)
    if name == "leaky_relu" and max_steps not in (None, 0):
        raise ValueError(
            "'leaky_relu' is DDKWZ23 Algorithm 1 as stated (T is not capped): use "
            "'leaky_relu_capped' for max_steps"
        )
    kwargs: dict[str, Any] = {}
    if name == "unbiased" and eta is not None:
        kwargs.update(rho_pos=eta, rho_neg=eta)
    for key, value in (("eta", eta), ("gamma", gamma), ("epsilon", epsilon),
                       ("random_state", random_state)):
        if value is not None and key in accepted:
            kwargs[key] = value
    if passes not in (None, 0) and name in _PASSES:
        kwargs["max_iter"] = int(passes)
    if max_steps not in (None, 0) and name == "leaky_relu_capped":
        kwargs["max_steps"] = int(max_steps)
    unknown = sorted(set(params) - accepted)
    if unknown:
        raise TypeError(f"learner {name!r} has no parameter {unknown[0]!r}")
    return cls(**{**kwargs, **params})
