"""Checks of the side inputs of a distillation fit: the teacher's probabilities, the labeled
validation set and the optional labeled training rows (all against the unlabeled ``X``).

Examples
--------
>>> import numpy as np
>>> X = np.zeros((3, 2))
>>> P = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
>>> P_, cl, Pv, yv, XL, YL = check_distill_inputs(X, P, None, None, None, None, None,
...                                               loss="distill", needs_val=False)
>>> cl.tolist(), Pv is None, XL is None
([0, 1], True, True)
>>> try:
...     check_distill_inputs(X, P, None, None, None, None, None, loss="slam", needs_val=True)
... except ValueError as exc:
...     print(exc)
loss='slam' needs a labeled validation set: pass teacher_proba_val and y_val
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_array

from slam_theory._validation import check_proba_matrix, reject_strings
from slam_theory.distill.estimate import _check_val
from slam_theory.distill.labels import encode_labels

__all__ = ["check_distill_inputs", "check_fit_mode", "check_int_params", "check_rows"]


def check_rows(X: Any, name: str = "X", estimator: Any = None) -> None:
    """Check ``X`` as a 2-d float matrix, re-raising scikit-learn's error naming ``name``.

    Numeric strings are refused (numpy would parse ``"0.5"``). Nothing is returned: the
    caller then runs scikit-learn's ``validate_data`` on the same input.

    Examples
    --------
    >>> check_rows([[0.0, 1.0]])
    >>> try:
    ...     check_rows([0.0, 1.0])
    ... except ValueError as exc:
    ...     print(str(exc).split(".")[0])
    X: Expected 2D array, got 1D array instead: array=[0
    """
    reject_strings(X, name)
    try:
        check_array(X, dtype=np.float64, estimator=estimator)
    except (ValueError, TypeError) as exc:
        raise type(exc)(f"{name}: {' '.join(str(exc).split())}") from None


def check_fit_mode(y: Any, teacher_proba: Any, **distill_only: Any) -> None:
    """Refuse a fit that is neither supervised (``y``) nor a distillation (``teacher_proba``).

    Exactly one of ``y`` and ``teacher_proba`` must be given; ``y`` must be 1-d class labels
    (a 2-d ``y`` is probably the teacher's probabilities); the inputs ``distill_only`` (by
    name) must be None without ``teacher_proba``.  Each error is one line saying what to pass.

    Examples
    --------
    >>> check_fit_mode([0, 1], None, y_val=None)
    >>> try:
    ...     check_fit_mode([0, 1], None, y_val=[1])
    ... except ValueError as exc:
    ...     print(exc)
    y_val need teacher_proba= (distillation)
    """
    if teacher_proba is not None:
        if y is not None:
            raise ValueError("pass class labels y or teacher_proba=, not both")
        return
    if y is None:
        raise ValueError("SLaMStudent requires y to be passed, but the target y is None "
                         "(pass class labels y, or teacher_proba= to distil)")
    shape = getattr(y, "shape", None)
    if shape is not None and len(shape) == 2 and shape[1] > 1:
        raise ValueError(f"y must be 1-d class labels, got shape {shape}; pass the "
                         "teacher's probabilities as teacher_proba= (to tune on labeled "
                         "rows use SLaMClassifier)")
    extra = [name for name, value in distill_only.items() if value is not None]
    if extra:
        raise ValueError(f"{', '.join(extra)} need teacher_proba= (distillation)")


def check_int_params(estimator: Any, names: tuple[str, ...]) -> None:
    """Refuse a bool for the integer parameters ``names`` (``True`` is an ``Integral``).

    Examples
    --------
    >>> class E:
    ...     epochs = True
    >>> try:
    ...     check_int_params(E(), ("epochs",))
    ... except TypeError as exc:
    ...     print(exc)
    epochs must be an integer, got bool
    """
    for name in names:
        if isinstance(getattr(estimator, name), bool | np.bool_):
            raise TypeError(f"{name} must be an integer, got bool")


def check_distill_inputs(
    X: np.ndarray,
    teacher_proba: Any,
    classes: Any,
    teacher_proba_val: Any,
    y_val: Any,
    X_labeled: Any,
    y_labeled: Any,
    *,
    loss: str,
    needs_val: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray | None,
           np.ndarray | None]:
    """Validate the inputs of a distillation fit beside the unlabeled ``X``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        The validated unlabeled rows.
    teacher_proba : array-like of shape (n, K)
        The teacher's probabilities on ``X``.
    classes : array-like of shape (K,) or None
        The class of each column (``0..K-1`` if None).
    teacher_proba_val, y_val : array-like or None
        The labeled validation set (both or neither).
    X_labeled, y_labeled : array-like or None
        Labeled training rows (both or neither).
    loss : str
        The student's loss (named in the error when the validation set is missing).
    needs_val : bool
        Whether ``loss`` needs the validation set.

    Returns
    -------
    P : ndarray of shape (n, K)
    classes : ndarray of shape (K,)
    Pv, yv : ndarray or None
        The validation probabilities and encoded labels (None without a validation set).
    XL, YL : ndarray or None
        The labeled rows and their one-hot labels (None without labeled rows).

    Raises
    ------
    ValueError
        One line naming the argument that is wrong.

    Examples
    --------
    >>> X = np.zeros((2, 1))
    >>> try:
    ...     check_distill_inputs(X, np.full((3, 2), 0.5), None, None, None, None, None,
    ...                          loss="distill", needs_val=False)
    ... except ValueError as exc:
    ...     print(exc)
    teacher_proba must have one row per row of X (2), got 3
    """
    P = check_proba_matrix(teacher_proba, "teacher_proba")
    n, K = P.shape
    if n != X.shape[0]:
        raise ValueError(f"teacher_proba must have one row per row of X ({X.shape[0]}), "
                         f"got {n}")
    cl = np.arange(K) if classes is None else np.asarray(classes)
    if cl.shape != (K,):
        raise ValueError(f"classes must have {K} entries (the columns of teacher_proba), "
                         f"got shape {cl.shape}")
    Pv = yv = None
    if teacher_proba_val is not None or y_val is not None:
        if teacher_proba_val is None or y_val is None:
            raise ValueError("teacher_proba_val and y_val must be given together")
        Pv = check_proba_matrix(teacher_proba_val, "teacher_proba_val")
        if Pv.shape[1] != K:
            raise ValueError(f"teacher_proba_val must have {K} columns (as teacher_proba), "
                             f"got {Pv.shape[1]}")
        yv_raw = np.asarray(y_val)
        if yv_raw.ndim != 1 or yv_raw.shape[0] != Pv.shape[0]:
            raise ValueError(f"y_val must have shape ({Pv.shape[0]},) (one label per row "
                             f"of teacher_proba_val), got {yv_raw.shape}")
        try:
            yv_enc = encode_labels(yv_raw, cl, "y_val")
        except ValueError as exc:
            raise ValueError(f"y_val must contain classes of {list(cl)} (the columns of "
                             f"teacher_proba_val): {exc}") from None
        Pv, yv = _check_val(Pv, yv_enc)
    elif needs_val:
        raise ValueError(f"loss={loss!r} needs a labeled validation set: pass "
                         "teacher_proba_val and y_val")
    XL = YL = None
    if (X_labeled is None) != (y_labeled is None):
        raise ValueError("X_labeled and y_labeled must be given together")
    if X_labeled is not None:
        XL = check_array(X_labeled, dtype=np.float64, order="C", input_name="X_labeled")
        if XL.shape[1] != X.shape[1]:
            raise ValueError(f"X_labeled must have {X.shape[1]} features (as X), "
                             f"got {XL.shape[1]}")
        yl = np.asarray(y_labeled)
        if yl.ndim != 1 or yl.shape[0] != XL.shape[0]:
            raise ValueError(f"y_labeled must have shape ({XL.shape[0]},), got {yl.shape}")
        yl_enc = encode_labels(yl, cl, "y_labeled")
        YL = np.zeros((XL.shape[0], K))
        YL[np.arange(XL.shape[0]), yl_enc] = 1.0
    return P, cl, Pv, yv, XL, YL
