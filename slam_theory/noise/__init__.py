"""Label-noise models: RCN, class-conditional, Massart and k-class transition noise.

Conventions
-----------
* Binary labels are ``{-1, +1}``; the binary transition matrices below use the
  class order ``(-1, +1)``: row/column 0 is ``-1`` and row/column 1 is ``+1``.
* Transition matrices are row-stochastic, ``T[i, j] = P(noisy = j | true = i)``.
  cleanlab's ``noise_matrix`` is column-stochastic, ``M[i, j] = P(noisy = i |
  true = j)``, i.e. ``M = T.T``: convert with :func:`to_cleanlab_noise_matrix` and
  :func:`from_cleanlab_noise_matrix`.
* All flips are i.i.d. Bernoulli draws from a numpy ``Generator`` built from
  ``random_state`` (never cleanlab's ``generate_noisy_labels``, which flips exact
  counts with numpy's global RNG and is not i.i.d. noise).
* ``corrupt`` returns a new ``int64`` array; the input is never modified.
"""

from __future__ import annotations

from slam_theory.noise.binary import RCN, ClassConditional, Massart
from slam_theory.noise.transition import (
    MAX_CLASSES,
    TransitionNoise,
    from_cleanlab_noise_matrix,
    pair_flip_matrix,
    symmetric_matrix,
    to_cleanlab_noise_matrix,
)

__all__ = [
    "MAX_CLASSES",
    "RCN",
    "ClassConditional",
    "Massart",
    "TransitionNoise",
    "from_cleanlab_noise_matrix",
    "pair_flip_matrix",
    "symmetric_matrix",
    "to_cleanlab_noise_matrix",
]
