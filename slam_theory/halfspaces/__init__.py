"""Learners for homogeneous (margin) halfspaces under random classification noise.

Every learner is a binary scikit-learn classifier (conventions in
:mod:`slam_theory.halfspaces._base`: any two labels, ``coef_`` of shape ``(1, d)`` in the unit
ball, ties predicted as ``classes_[1]``).

Learners (registry name in brackets, see :func:`make_learner`):

- :class:`LeakyReLUHalfspace` (``"leaky_relu"``): DDKWZ23 (COLT 2023, arXiv:2306.16352)
  Algorithm 1 exactly as stated; :class:`LeakyReLUCappedHalfspace` (``"leaky_relu_capped"``):
  the same with ``T`` capped, a heuristic; :class:`OnlineLeakyReLUHalfspace`
  (``"leaky_relu_online"``): a one-pass streaming variant with ``partial_fit``.
- :class:`SLaMHalfspace` (``"slam"``): the SLaM paper's (arXiv:2302.03806) RCN learner, as a
  faithful reconstruction.
- Baselines: :class:`Perceptron`, :class:`AveragedPerceptron`, :class:`LogisticHalfspace`
  (averaged SGD), :class:`UnbiasedLossHalfspace` (Natarajan et al. 2013),
  :class:`ForwardCorrectedHalfspace` and :class:`BackwardCorrectedHalfspace` (Patrini et al.
  2017).
- Controls (:data:`CONTROLS`): :class:`MeanHalfspace` (``"mean"``),
  :class:`LogisticRegressionHalfspace` (``"logreg_exact"``), :class:`HingeHalfspace`
  (``"hinge"``).

Examples
--------
>>> from slam_theory import halfspaces
>>> "leaky_relu" in halfspaces.LEARNER_NAMES and "mean" in halfspaces.CONTROLS
True
"""

from slam_theory.halfspaces.controls import (
    HingeHalfspace,
    LogisticRegressionHalfspace,
    MeanHalfspace,
)
from slam_theory.halfspaces.leaky_relu import (
    LeakyReLUCappedHalfspace,
    LeakyReLUHalfspace,
    leaky_relu_iterations,
    leaky_relu_validation_size,
)
from slam_theory.halfspaces.online import OnlineLeakyReLUHalfspace
from slam_theory.halfspaces.perceptron import AveragedPerceptron, Perceptron
from slam_theory.halfspaces.registry import CONTROLS, LEARNER_NAMES, LEARNERS, make_learner
from slam_theory.halfspaces.sgd import (
    BackwardCorrectedHalfspace,
    ForwardCorrectedHalfspace,
    LogisticHalfspace,
    SLaMHalfspace,
    UnbiasedLossHalfspace,
)

__all__ = [
    "CONTROLS",
    "LEARNERS",
    "LEARNER_NAMES",
    "AveragedPerceptron",
    "BackwardCorrectedHalfspace",
    "ForwardCorrectedHalfspace",
    "HingeHalfspace",
    "LeakyReLUCappedHalfspace",
    "LeakyReLUHalfspace",
    "LogisticHalfspace",
    "LogisticRegressionHalfspace",
    "MeanHalfspace",
    "OnlineLeakyReLUHalfspace",
    "Perceptron",
    "SLaMHalfspace",
    "UnbiasedLossHalfspace",
    "leaky_relu_iterations",
    "leaky_relu_validation_size",
    "make_learner",
]
