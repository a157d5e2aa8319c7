"""Convergence of the forward (SLaM) loss adjustment and of DDKWZ23's learner.

* :mod:`~slam_theory.convergence.projected`: projected SGD on the forward-corrected logistic
  objective over a ball, its gradient mapping and the certified minimum over the ball -- the
  convergence claim on the learner's real domain, with the reference rates it is judged against.
* :mod:`~slam_theory.convergence.trajectories`: SGD / GD trajectories on the forward objective
  (unprojected by default) and the trials' dispatcher :func:`trajectory`.
* :mod:`~slam_theory.convergence.leaky_relu`: DDKWZ23 Algorithm 1 recorded as a trajectory.
* :mod:`~slam_theory.convergence.reference`: record points and reference values.
"""

from slam_theory.convergence import projected
from slam_theory.convergence.leaky_relu import leaky_relu_trajectory
from slam_theory.convergence.projected import (
    BallMinimum,
    ProjectedSGD,
    ball_minimum,
    convexity_radius,
    forward_objective,
    gradient_mapping,
    lipschitz_constant,
    project_ball,
    projected_sgd,
    smoothness_constant,
)
from slam_theory.convergence.reference import REFERENCES, log_spaced, reference_minimum
from slam_theory.convergence.trajectories import (
    TRAJECTORIES,
    forward_gd_trajectory,
    forward_sgd_trajectory,
    to_rows,
    trajectory,
)

__all__ = [
    "REFERENCES",
    "TRAJECTORIES",
    "BallMinimum",
    "ProjectedSGD",
    "ball_minimum",
    "convexity_radius",
    "forward_gd_trajectory",
    "forward_objective",
    "forward_sgd_trajectory",
    "gradient_mapping",
    "leaky_relu_trajectory",
    "lipschitz_constant",
    "log_spaced",
    "project_ball",
    "projected",
    "projected_sgd",
    "reference_minimum",
    "smoothness_constant",
    "to_rows",
    "trajectory",
]
