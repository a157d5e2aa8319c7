"""The exponents of every rate in :mod:`slam_theory.bounds`, which the claims' verdicts compare
fitted exponents with."""

from __future__ import annotations

from typing import Any

__all__ = ["EXPONENTS"]

#: Exponents of each rate in ``1/eps`` ("eps"), ``1/gamma`` ("gamma"), ``1/(1 - 2 eta)`` ("eta")
#: and the iteration count ``T`` ("T", for rates in T).  ``None``: the source hides or does not
#: state the dependence.  "kind": "upper" for an upper bound (an algorithm's guarantee),
#: "lower" for a lower bound, "tight" for a Theta.
EXPONENTS: dict[str, dict[str, Any]] = {
    "information_theoretic": {
        "function": "information_theoretic",
        "eps": 1.0,
        "gamma": 2.0,
        "eta": 1.0,
        "T": None,
        "kind": "tight",
        "source": "DDKWZ23 abstract, Theta~(1/(gamma^2 eps)); 1/(1-2eta) from Massart-Nedelec",
    },
    "slam": {
        "function": "slam_sample_complexity",
        "eps": 2.0,
        "gamma": 2.0,
        "eta": None,
        "T": None,
        "kind": "upper",
        "source": "SLaM (2302.03806) per DDKWZ23: O_eta(1/(gamma^2 eps^2))",
    },
    "ddkwz23": {
        "function": "ddkwz23_sample_complexity",
        "eps": 2.0,
        "gamma": 2.0,
        "eta": 0.0,
        "T": None,
        "kind": "upper",
        "source": "DDKWZ23: O((d(1-2eta)/eps + eta/(eps^2 gamma^2)) log 1/delta)",
    },
    "ddkwz23_iterations": {
        "function": "ddkwz23_iterations",
        "eps": 2.0,
        "gamma": 2.0,
        "eta": 0.0,
        "T": None,
        "kind": "upper",
        "source": "DDKWZ23 Alg. 1: T = ceil(16 (1-eta)^2/(gamma^2 eps^2) - 1)",
    },
    "sq_lower_bound": {
        "function": "sq_lower_bound",
        "eps": 2.0,
        "gamma": 0.5,
        "eta": None,
        "T": None,
        "kind": "lower",
        "source": "DDKWZ23: Omega~(1/(gamma^(1/2) eps^2)) for efficient SQ learners",
    },
    "perceptron": {
        "function": "perceptron_mistakes",
        "eps": 0.0,
        "gamma": 2.0,
        "eta": None,
        "T": None,
        "kind": "upper",
        "source": "Novikoff 1962: (R/gamma)^2 mistakes, noiseless",
    },
    "dgt19": {
        "function": "dgt19_sample_complexity",
        "eps": 3.0,
        "gamma": 4.0,
        "eta": None,
        "T": None,
        "kind": "upper",
        "source": "DGT19-based route, O~(1/(gamma^4 eps^3)) as stated by DZ25",
    },
    "sgd_stationarity": {
        "function": "sgd_stationarity",
        "eps": None,
        "gamma": None,
        "eta": None,
        "T": -0.5,
        "kind": "upper",
        "source": "Ghadimi & Lan 2013: min_t E||grad F||^2 = O(1/sqrt(T))",
    },
    "ddkwz23_e1": {
        "function": "ddkwz23_e1",
        "eps": None,
        "gamma": 1.0,
        "eta": None,
        "T": -0.5,
        "kind": "upper",
        "source": "DDKWZ23: E1 ~ 1/(gamma sqrt(T)) (inverse of their T)",
    },
    "ddkwz23_gap": {
        "function": "ddkwz23_gap_bound",
        "eps": None,
        "gamma": 0.0,
        "eta": None,
        "T": -0.5,
        "kind": "upper",
        "source": "projected subgradient: best-iterate gap <= R G / sqrt(T+1)",
    },
}
