"""Data generators: margin halfspaces, hard instance families, Gaussian mixtures.

* :mod:`~slam_theory.data.halfspaces`: :class:`MarginHalfspace` (uniform on the sphere or ball
  conditioned on ``|w*.x| >= gamma``), :class:`GaussianHalfspace`, :class:`HypercubeHalfspace`.
* :mod:`~slam_theory.data.instances`: instance families on which sample-complexity claims can
  fail (:func:`make_instance`, :data:`INSTANCE_FAMILIES`).
* :mod:`~slam_theory.data.mixtures`: :class:`GaussianMixture`, :func:`simulate_teacher`.

Examples
--------
>>> from slam_theory import data
>>> gen = data.make_instance("sphere", d=5, gamma=0.1, random_state=0)
>>> X, y = gen.sample(4)
>>> X.shape, gen.disagreement(gen.w_star)
((4, 5), 0.0)
"""

from .halfspaces import GaussianHalfspace, HypercubeHalfspace, MarginHalfspace
from .instances import (
    INSTANCE_FAMILIES,
    EpsFloorInstance,
    LongServedioInstance,
    PerceptronGammaInstance,
    instance_class,
    make_instance,
)
from .mixtures import GaussianMixture, simulate_teacher

__all__ = [
    "INSTANCE_FAMILIES",
    "EpsFloorInstance",
    "GaussianHalfspace",
    "GaussianMixture",
    "HypercubeHalfspace",
    "LongServedioInstance",
    "MarginHalfspace",
    "PerceptronGammaInstance",
    "instance_class",
    "make_instance",
    "simulate_teacher",
]
