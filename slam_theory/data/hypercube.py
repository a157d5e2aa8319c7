"""The uniform hypercube halfspace: ``x`` uniform on ``{-1, +1}^d / sqrt(d)``, labels
``sign(w*.x)``, with its disagreement exact for small ``d``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validation import as_generator, check_unit_vector
from ._base import BatchStream, check_d, check_n, check_rows_fit, unit_direction

__all__ = ["HypercubeHalfspace"]


class HypercubeHalfspace(BatchStream):
    """Halfspace ``sign(w*.x)`` with ``x`` uniform on ``{-1, +1}^d / sqrt(d)``.

    Points lie on the unit sphere.  Ties ``w . x = 0`` are labelled ``+1`` (for
    ``w*`` and for the ``w`` given to :meth:`disagreement`).  The default ``w*``
    is a random Gaussian direction drawn from ``random_state`` at construction,
    for which ties have probability zero; a user ``w*`` such as the all-ones
    vector (majority) in even dimension does have ties, broken to ``+1``.

    Parameters
    ----------
    d : int
        Dimension, ``d >= 2``.
    w_star : array-like of shape (d,), optional
    random_state : None, int, SeedSequence, Generator or RandomState, optional

    Examples
    --------
    >>> gen = HypercubeHalfspace(d=4, random_state=0)
    >>> X, y = gen.sample(3)
    >>> bool(np.allclose(np.abs(X), 0.5)), gen.disagreement(gen.w_star)
    (True, 0.0)
    """

    #: Largest ``d`` for which :meth:`disagreement` enumerates the cube exactly.
    EXACT_MAX_D: int = 20
    #: Monte Carlo sample size of :meth:`disagreement` above ``EXACT_MAX_D``.
    MC_SAMPLES: int = 1 << 20

    def __init__(self, d: int, w_star: Any = None, random_state: Any = None) -> None:
        self.d = check_d(d)
        self._rng = as_generator(random_state)
        if w_star is None:
            w = self._rng.standard_normal(self.d)
            self.w_star = w / np.linalg.norm(w)
        else:
            self.w_star = check_unit_vector(w_star, "w_star", self.d)

    @staticmethod
    def _label(S: np.ndarray, w: np.ndarray) -> np.ndarray:
        return np.where(S @ w >= 0, 1, -1).astype(np.int64)

    def sample(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` examples: ``X`` float64 ``(n, d)`` (cube / sqrt(d)), ``y`` in {-1, +1}."""
        n = check_n(n)
        check_rows_fit(n, self.d, arrays=1.2)
        S = self._rng.integers(0, 2, size=(n, self.d), dtype=np.int8).astype(np.float64)
        S = 2.0 * S - 1.0
        y = self._label(S, self.w_star)
        S *= 1.0 / math.sqrt(self.d)
        return np.ascontiguousarray(S), y

    def disagreement(self, w: Any) -> float:
        """``Pr[sign(w . x) != sign(w* . x)]`` (ties labelled ``+1``).

        Exact, by enumerating all ``2^d`` points, for ``d <= 20``.  For ``d > 20``
        it is a Monte Carlo **estimate** from ``2^20`` points drawn with a fixed
        seed (0), so deterministic, with standard error at most ``0.0005``.
        """
        wu = unit_direction(w, self.d)
        d = self.d
        if d <= self.EXACT_MAX_D:
            total = 0
            step = 1 << min(d, 16)
            pows = (1 << np.arange(d, dtype=np.int64))[None, :]
            for start in range(0, 1 << d, step):
                idx = np.arange(start, start + step, dtype=np.int64)[:, None]
                S = np.where((idx & pows) != 0, 1.0, -1.0)
                total += int(np.count_nonzero(self._label(S, wu) != self._label(S, self.w_star)))
            return total / float(1 << d)
        mc = np.random.default_rng(0)
        total = 0
        for _ in range(self.MC_SAMPLES // 65536):
            S = 2.0 * mc.integers(0, 2, size=(65536, d), dtype=np.int8) - 1.0
            total += int(np.count_nonzero(self._label(S, wu) != self._label(S, self.w_star)))
        return total / float(self.MC_SAMPLES)
