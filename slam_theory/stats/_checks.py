"""Input checks shared by the modules of :mod:`slam_theory.stats` (one-line errors naming the
argument)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from slam_theory._validation import check_in_range, reject_complex, reject_strings

#: Most bootstrap resamples accepted (``n_boot``): a larger count is refused before any work.
MAX_BOOT = 1_000_000

__all__ = ["MAX_BOOT", "as_bool_array", "as_float_array", "check_confidence", "check_increasing",
           "check_optional_real"]


def as_float_array(a: Any, name: str, *, ndim: int | None = None, min_ndim: int = 1,
                   positive: bool = False, allow_inf: bool = False,
                   allow_nan: bool = False) -> np.ndarray:
    """``a`` as a float array; reject complex, NaN (unless ``allow_nan``), inf (unless
    ``allow_inf``), bad ndim and empties."""
    if isinstance(a, str | bytes):
        raise TypeError(f"{name} must be array-like of numbers, got a string")
    reject_complex(a, name)
    reject_strings(a, name)
    try:
        arr = np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be array-like of numbers, got {type(a).__name__}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must be at least {min_ndim}-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not allow_nan and np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    if not allow_inf and np.isinf(arr).any():
        raise ValueError(f"{name} contains inf")
    if positive and not (arr > 0).all():
        raise ValueError(f"{name} must be > 0 everywhere, got minimum {arr.min():.6g}")
    return arr


def as_bool_array(a: Any, name: str, shape: tuple[int, ...], like: str) -> np.ndarray:
    """``a`` as a bool array of ``shape`` (the shape of the argument called ``like``)."""
    arr = np.asarray(a)
    if arr.shape != shape:
        raise ValueError(f"{name} must have the shape of {like} {shape}, got {arr.shape}")
    if arr.dtype != bool:
        if not np.isin(arr, (0, 1)).all():
            raise ValueError(f"{name} must be boolean (True/False or 0/1)")
        arr = arr.astype(bool)
    return arr


def check_increasing(arr: np.ndarray, name: str) -> None:
    """Raise unless the 1-d ``arr`` is strictly increasing."""
    if arr.size > 1 and not (np.diff(arr) > 0).all():
        i = int(np.flatnonzero(np.diff(arr) <= 0)[0])
        raise ValueError(
            f"{name} must be strictly increasing, got {arr[i]:.6g} then {arr[i + 1]:.6g}"
        )


def check_confidence(confidence: Any, name: str = "confidence") -> float:
    """A confidence level in the open interval (0, 1)."""
    return check_in_range(confidence, name, 0.0, 1.0, low_inclusive=False, high_inclusive=False)


def check_optional_real(value: Any, name: str) -> float | None:
    """``None`` or a finite real number."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number or None, got {value!r}")
    out = float(value)
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out
