"""Validation shared by the bound functions (real inputs in a stated range, counts in int64) and
the texts their docstrings share (:mod:`slam_theory._docs`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from slam_theory._validation import reject_strings

_EPS = """eps : array-like
    Target error (disagreement with ``w*``), in ``(0, 1)``."""
_GAMMA = """gamma : array-like
    Margin, in ``(0, 1]``."""
_ETA = """eta : array-like, default 0
    RCN rate, in ``[0, 1/2)``."""
_RATE = """Returns
-------
ndarray
    The rate, broadcast over the arguments."""

DOCS: dict[str, str] = {
    "eps": _EPS,
    "gamma": _GAMMA,
    "eta": _ETA,  # an array with a default here, where slam_theory._docs' eta is a float
    "T": """T : array-like
    Number of steps, ``>= 0``.""",
    # what a rate returns (the whole section)
    "rate": _RATE,
    # the arguments and the return value of a sample complexity in (eps, gamma, eta) (sections)
    "eps_gamma_eta": f"""Parameters
----------
{_EPS}
{_GAMMA}
{_ETA}

{_RATE}""",
}


def _arr(
    x: Any, name: str, low: float, high: float, *, low_open: bool, high_open: bool
) -> np.ndarray:
    if isinstance(x, str | bytes) or np.iscomplexobj(x) or isinstance(x, bool | np.bool_) or (
        isinstance(x, np.ndarray) and x.dtype == bool
    ):
        raise TypeError(f"{name} must be a real number or array of real numbers, got {x!r}")
    try:
        reject_strings(x, name)
    except TypeError:
        raise TypeError(f"{name} must be a real number or array of real numbers, got "
                        f"strings") from None
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a real number or array of real numbers, got {x!r}"
        ) from None
    if a.size == 0:
        raise ValueError(f"{name} must not be empty")
    lo_ok = a > low if low_open else a >= low
    hi_ok = a < high if high_open else a <= high
    if not np.all(np.isfinite(a) & lo_ok & hi_ok):
        lb = "(" if low_open else "["
        rb = ")" if high_open else "]"
        raise ValueError(f"{name} must be in {lb}{low}, {high}{rb}, got {x!r}")
    return a


def _eps(eps: Any) -> np.ndarray:
    return _arr(eps, "eps", 0.0, 1.0, low_open=True, high_open=True)


def _gamma(gamma: Any) -> np.ndarray:
    return _arr(gamma, "gamma", 0.0, 1.0, low_open=True, high_open=False)


def _eta(eta: Any) -> np.ndarray:
    return _arr(eta, "eta", 0.0, 0.5, low_open=False, high_open=True)


def _prob(p: Any, name: str) -> np.ndarray:
    return _arr(p, name, 0.0, 1.0, low_open=True, high_open=True)


def _pos(x: Any, name: str, *, allow_zero: bool = False) -> np.ndarray:
    return _arr(x, name, 0.0, np.inf, low_open=not allow_zero, high_open=True)


def _out(a: np.ndarray) -> np.ndarray:
    return a[()] if a.ndim == 0 else a


#: Largest integer count returned (``int64``'s maximum); larger counts are refused.
INT64_MAX = int(np.iinfo(np.int64).max)


def _as_count(v: np.ndarray, what: str, why: str) -> np.ndarray:
    """``v`` (float, already rounded up) as ``int64``; refuse values beyond ``INT64_MAX``."""
    # 2.0**63 is the first float above INT64_MAX (which rounds up to it as a float)
    over = ~(v < 2.0**63)
    if np.any(over):
        i = int(np.flatnonzero(over.ravel())[0])
        raise ValueError(
            f"{what} = {v.ravel()[i]:.3g} exceeds the int64 range (max {INT64_MAX:.3g}): {why}"
        )
    return _out(np.maximum(v, 0).astype(np.int64))
