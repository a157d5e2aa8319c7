"""Theoretical sample complexities and rates for learning gamma-margin halfspaces under RCN.

Plain vectorised functions: array-likes in (broadcast together), ``ndarray`` out (a NumPy
scalar for scalar inputs).  Every input is validated (``eps`` in ``(0, 1)``, ``gamma`` in
``(0, 1]``, ``eta`` in ``[0, 1/2)``, ``delta``/``beta`` in ``(0, 1)``, iteration counts
``>= 0``) and a ``ValueError`` names the offending argument.

Most rates are known only up to constants and logarithmic factors (the ``~`` in ``O~``,
``Theta~``, ``Omega~``); those functions return the rate's leading expression with constant 1 and
say so.  Exact constants are used where the source (or an elementary derivation given in the
docstring) fixes them: the Perceptron mistake bound, DDKWZ23's iteration count and its inverse,
SGD stationarity under stated assumptions, and the JL target dimension.

:data:`EXPONENTS` lists, for every rate, its exponent in ``1/eps``, ``1/gamma``, ``1/(1 - 2 eta)``
(``None`` where the source hides the dependence, e.g. ``O_eta``) and in ``T`` for iteration rates;
the claims' verdicts (:mod:`slam_theory.stats`, :mod:`slam_theory.experiments`) compare fitted
exponents with these.

References
----------
- [DDKWZ23] I. Diakonikolas, J. Diakonikolas, D. M. Kane, P. Wang, N. Zarifis, "Information-
  Computation Tradeoffs for Learning Margin Halfspaces with Random Classification Noise",
  COLT 2023 (PMLR 195:2211-2239), arXiv:2306.16352.
- [SLaM] V. Kontonis, F. Iliopoulos, K. Trinh, C. Baykal, G. Menghani, E. Vee, "SLaM: Student-
  Label Mixing for Distillation with Unlabeled Examples", NeurIPS 2023, arXiv:2302.03806.
- [DGT19] I. Diakonikolas, T. Gouleakis, C. Tzamos, "Distribution-Independent PAC Learning of
  Halfspaces with Massart Noise", NeurIPS 2019.
- [DZ25] I. Diakonikolas, N. Zarifis, arXiv:2501.09691 (Massart margin halfspaces; its abstract
  states that prior efficient algorithms need O~(1/(gamma^4 eps^3)) samples).
- [GL13] S. Ghadimi, G. Lan, "Stochastic First- and Zeroth-Order Methods for Nonconvex
  Stochastic Programming", SIAM J. Optim. 23(4), 2013.
- [Nov62] A. Novikoff, "On convergence proofs on perceptrons", 1962.
- [DG03] S. Dasgupta, A. Gupta, "An elementary proof of a theorem of Johnson and Lindenstrauss",
  Random Struct. Algorithms 22(1), 2003.
"""

from __future__ import annotations

from slam_theory.bounds._checks import INT64_MAX
from slam_theory.bounds.exponents import EXPONENTS
from slam_theory.bounds.iterations import ddkwz23_e1, ddkwz23_gap_bound, sgd_stationarity
from slam_theory.bounds.sample_complexity import (
    ddkwz23_iterations,
    ddkwz23_sample_complexity,
    dgt19_sample_complexity,
    information_theoretic,
    jl_dimension,
    perceptron_mistakes,
    slam_sample_complexity,
    sq_lower_bound,
)

__all__ = [
    "EXPONENTS",
    "INT64_MAX",
    "ddkwz23_e1",
    "ddkwz23_gap_bound",
    "ddkwz23_iterations",
    "ddkwz23_sample_complexity",
    "dgt19_sample_complexity",
    "information_theoretic",
    "jl_dimension",
    "perceptron_mistakes",
    "sgd_stationarity",
    "slam_sample_complexity",
    "sq_lower_bound",
]
