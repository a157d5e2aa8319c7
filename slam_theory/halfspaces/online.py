"""A one-pass streaming LeakyReLU learner (not in DDKWZ23; it does not carry its name)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from slam_theory._docs import fill_docstrings
from slam_theory._kernels import losses as _kl
from slam_theory.halfspaces._base import ETA, SGD_CONSTRAINTS, SGDHalfspace, require
from slam_theory.halfspaces._docstrings import TEXTS

__all__ = ["OnlineLeakyReLUHalfspace"]


class OnlineLeakyReLUHalfspace(SGDHalfspace):
    """One-pass projected SGD on the LeakyReLU_eta loss, averaged iterate (a streaming variant).

    One sample per step: ``w <- Proj_{||w|| <= 1}(w - lr_t dLeakyReLU_eta(-y w.x)/dw)`` with
    ``lr_t = step_size / sqrt(t)`` (default ``step_size = 2 / (1 - eta)``), from ``w_0 = 0``,
    using all of the data (no held-out part); the output is the uniform average of the
    iterates (the last iterate of a non-smooth loss oscillates).  DDKWZ23's Algorithm 1 is
    full-batch; this is not it (see :class:`~slam_theory.halfspaces.LeakyReLUHalfspace`).

    Parameters
    ----------
    eta : float or None, default=None
        Known RCN rate in ``[0, 1/2)``.  Required.
    %(sgd)s

    %(fitted)s

    Examples
    --------
    %(margin_data)s
    >>> est = OnlineLeakyReLUHalfspace(eta=0.1, random_state=0).fit(X, y)
    >>> est.coef_.shape
    (1, 5)
    """

    _parameter_constraints: ClassVar[dict] = {**SGD_CONSTRAINTS, "eta": ETA}

    def __init__(
        self,
        eta: float | None = None,
        max_iter: int = 1,
        step_size: float | None = None,
        average: bool = True,
        shuffle: bool = True,
        random_state: Any = None,
    ) -> None:
        self.eta = eta
        self.max_iter = max_iter
        self.step_size = step_size
        self.average = average
        self.shuffle = shuffle
        self.random_state = random_state

    def _loss_spec(self):
        eta = float(require(self.eta, "eta", "the RCN rate in [0, 1/2)"))
        return _kl.LEAKY_RELU, np.array([eta, 0.0, 0.0, 0.0]), 1.0, 2.0 / (1.0 - eta)


fill_docstrings(globals(), TEXTS)
