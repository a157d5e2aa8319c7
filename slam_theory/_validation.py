"""Input checks shared by every public function and estimator.

Everything above ``_kernels/`` validates its inputs here, once, at the boundary,
and raises a ``ValueError`` or ``TypeError`` that names the argument and the
allowed range.  Nothing is silently clipped or coerced except where a function
documents it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "as_generator",
    "check_binary_labels",
    "check_bool",
    "check_choice",
    "check_eta",
    "check_finite_array",
    "check_gamma",
    "check_in_range",
    "check_int",
    "check_proba_matrix",
    "check_probability",
    "check_transition_matrix",
    "check_unit_vector",
    "reject_complex",
    "reject_strings",
]


def reject_complex(a: Any, name: str) -> None:
    """Raise ``TypeError`` if ``a`` holds complex numbers (numpy would drop the imaginary part).

    Examples
    --------
    >>> reject_complex([1.0, 2.0], "x")
    >>> reject_complex([1.0, 2j], "x")
    Traceback (most recent call last):
    ...
    TypeError: x must be real, got complex values
    """
    if isinstance(a, complex | np.complexfloating) or np.iscomplexobj(a):
        raise TypeError(f"{name} must be real, got complex values")


def reject_strings(a: Any, name: str) -> None:
    """Raise ``TypeError`` if ``a`` holds strings (numpy would parse ``"0.5"`` as a number).

    Examples
    --------
    >>> reject_strings([1.0, 2.0], "x")
    >>> reject_strings(["1", "2"], "x")
    Traceback (most recent call last):
    ...
    TypeError: x must be array-like of numbers, got strings
    """
    if isinstance(a, str | bytes):
        raise TypeError(f"{name} must be array-like of numbers, got a string")
    if isinstance(a, np.ndarray):
        kind, arr = a.dtype.kind, a
    elif isinstance(a, list | tuple):
        try:
            arr = np.asarray(a)
        except ValueError:  # ragged: numpy's own conversion reports it
            return
        kind = arr.dtype.kind
    else:
        return
    if kind in "US" or (kind == "O" and any(isinstance(v, str | bytes) for v in arr.flat)):
        raise TypeError(f"{name} must be array-like of numbers, got strings")


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as ``bool``; raise ``TypeError`` unless it is a bool."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError(f"{name} must be a bool, got {type(value).__name__}")


def check_int(
    value: Any,
    name: str,
    *,
    low: int | None = None,
    high: int | None = None,
) -> int:
    """Return ``value`` as ``int`` after checking ``low <= value <= high``.

    Floats with an integral value (e.g. ``1e6``) are accepted, since they are
    the natural way to write large sample sizes in configs.
    """
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be an integer, got bool")
    if isinstance(value, numbers.Integral):
        out = int(value)
    elif isinstance(value, numbers.Real) and float(value).is_integer():
        out = int(value)
    else:
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if low is not None and out < low:
        raise ValueError(f"{name} must be >= {low}, got {out}")
    if high is not None and out > high:
        raise ValueError(f"{name} must be <= {high}, got {out}")
    return out


def check_in_range(
    value: Any,
    name: str,
    low: float,
    high: float,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as ``float`` after checking it lies in the given interval."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    out = float(value)
    lo_ok = out >= low if low_inclusive else out > low
    hi_ok = out <= high if high_inclusive else out < high
    if not (np.isfinite(out) and lo_ok and hi_ok):
        lb = "[" if low_inclusive else "("
        rb = "]" if high_inclusive else ")"
        raise ValueError(f"{name} must be in {lb}{low}, {high}{rb}, got {value!r}")
    return out


def check_eta(eta: Any, name: str = "eta") -> float:
    """Noise rate of random classification noise: a float in ``[0, 1/2)``."""
    return check_in_range(eta, name, 0.0, 0.5, high_inclusive=False)


def check_gamma(gamma: Any, name: str = "gamma") -> float:
    """Margin of a halfspace: a float in ``(0, 1]``."""
    return check_in_range(gamma, name, 0.0, 1.0, low_inclusive=False)


def check_probability(p: Any, name: str) -> float:
    """A probability in ``[0, 1]``."""
    return check_in_range(p, name, 0.0, 1.0)


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """A string that must be one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_finite_array(
    a: Any,
    name: str,
    *,
    ndim: int | None = None,
    dtype: Any = np.float64,
    allow_empty: bool = False,
) -> np.ndarray:
    """Return ``a`` as a C-contiguous array of ``dtype``; reject NaN/inf, complex and bad shapes.

    With ``ndim`` given, a scalar is refused (it is not a 1-d array).

    Examples
    --------
    >>> check_finite_array([[1, 2]], "X", ndim=2)
    array([[1., 2.]])
    >>> check_finite_array(0.5, "w", ndim=1)
    Traceback (most recent call last):
    ...
    ValueError: w must be 1-dimensional, got shape ()
    """
    if isinstance(a, str | bytes):
        raise TypeError(f"{name} must be array-like of numbers, got a string")
    reject_complex(a, name)
    reject_strings(a, name)
    try:
        arr = np.asarray(a, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers: {exc}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    arr = np.ascontiguousarray(arr)
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def check_proba_matrix(p: Any, name: str, *, atol: float = 1e-6) -> np.ndarray:
    """Rows of class probabilities: shape ``(n, k)``, entries in [0, 1], rows sum to 1."""
    arr = check_finite_array(p, name, ndim=2)
    if arr.shape[1] < 2:
        raise ValueError(f"{name} must have at least 2 columns (classes), got {arr.shape[1]}")
    if np.any(arr < -atol) or np.any(arr > 1 + atol):
        raise ValueError(f"{name} has entries outside [0, 1]")
    sums = arr.sum(axis=1)
    bad = np.abs(sums - 1.0) > atol * arr.shape[1] + atol
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(
            f"{name} rows must sum to 1 (tolerance {atol}); row {i} sums to {sums[i]:.6g}"
        )
    return arr


def check_transition_matrix(T: Any, name: str = "T", *, atol: float = 1e-8) -> np.ndarray:
    """A row-stochastic square matrix of at least 2 classes: ``T[i, j] = P(noisy = j | true = i)``.

    Examples
    --------
    >>> check_transition_matrix([[0.9, 0.1], [0.2, 0.8]]).shape
    (2, 2)
    >>> check_transition_matrix([[1.0]])
    Traceback (most recent call last):
    ...
    ValueError: T must be at least 2 x 2 (two classes), got shape (1, 1)
    """
    arr = check_finite_array(T, name, ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be square, got shape {arr.shape}")
    if arr.shape[0] < 2:
        raise ValueError(f"{name} must be at least 2 x 2 (two classes), got shape {arr.shape}")
    if np.any(arr < -atol) or np.any(arr > 1 + atol):
        raise ValueError(f"{name} has entries outside [0, 1]")
    if not np.allclose(arr.sum(axis=1), 1.0, rtol=0.0, atol=atol * arr.shape[0] + 1e-12):
        raise ValueError(f"{name} must be row-stochastic (each row sums to 1)")
    return arr


def check_binary_labels(y: Any, name: str = "y") -> np.ndarray:
    """Labels in ``{-1, +1}``, returned as ``float64`` (bool and complex labels are refused)."""
    reject_complex(y, name)
    arr = np.asarray(y)
    if arr.dtype == bool:
        raise TypeError(f"{name} must contain the numbers -1 and +1, got booleans")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    try:
        vals = np.unique(arr)
    except TypeError:  # objects that do not compare
        raise TypeError(f"{name} must contain the numbers -1 and +1, got "
                        f"{arr.dtype} values") from None
    if not np.all(np.isin(vals, (-1, 1))):
        raise ValueError(f"{name} must contain only -1 and +1, got values {vals[:5].tolist()}")
    return arr.astype(np.float64)


def check_unit_vector(w: Any, name: str, d: int) -> np.ndarray:
    """A nonzero vector of dimension ``d``, returned normalised to unit length."""
    arr = check_finite_array(w, name, ndim=1)
    if arr.shape[0] != d:
        raise ValueError(f"{name} must have dimension {d}, got {arr.shape[0]}")
    norm = float(np.linalg.norm(arr))
    if norm == 0.0:
        raise ValueError(f"{name} must have nonzero norm")
    return arr / norm


def as_generator(random_state: Any, name: str = "random_state") -> np.random.Generator:
    """Turn ``random_state`` into a ``numpy.random.Generator``.

    Accepts ``None`` (fresh OS entropy), an ``int``, a ``SeedSequence``, a
    ``Generator`` (returned as is) or a legacy ``RandomState`` (a seed is drawn
    from it, so its stream advances deterministically).
    """
    if isinstance(random_state, bool | np.bool_):
        raise TypeError(f"{name} must be None, an int, a SeedSequence or a Generator, got bool")
    if random_state is None or isinstance(random_state, numbers.Integral | np.random.SeedSequence):
        if isinstance(random_state, numbers.Integral) and int(random_state) < 0:
            raise ValueError(f"{name} must be non-negative, got {random_state}")
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1, size=4))
    raise TypeError(
        f"{name} must be None, an int, a SeedSequence, a numpy Generator or RandomState, "
        f"got {type(random_state).__name__}"
    )
