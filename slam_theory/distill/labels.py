"""Labels of any type to the column indices of a teacher's probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["encode_labels"]


def encode_labels(y: Any, classes: Any, name: str = "y") -> np.ndarray:
    """Indices of the labels ``y`` in ``classes`` (any label type).

    Parameters
    ----------
    y : array-like of shape (n,)
        Labels, each one of ``classes``.
    classes : array-like of shape (K,)
        Distinct labels, in the order of the teacher's probability columns.
    name : str, default "y"
        Argument name used in error messages.

    Returns
    -------
    ndarray of int64, shape (n,)

    Examples
    --------
    >>> encode_labels(["b", "a", "b"], ["a", "b"])
    array([1, 0, 1])
    """
    cl = np.asarray(classes)
    yy = np.asarray(y)
    if yy.ndim != 1:
        raise ValueError(f"{name} must be 1-d labels, got shape {yy.shape}")
    order = np.argsort(cl, kind="stable")
    scl = cl[order]
    if np.unique(scl).shape[0] != scl.shape[0]:
        raise ValueError(f"classes must be distinct, got {list(cl)}")
    try:
        pos = np.searchsorted(scl, yy)
    except TypeError as exc:
        raise ValueError(f"{name} labels are not comparable with classes {list(cl)}") from exc
    pos = np.clip(pos, 0, scl.shape[0] - 1)
    bad = scl[pos] != yy
    if np.any(bad):
        raise ValueError(f"{name} contains labels not in classes {list(cl)}: "
                         f"{sorted({str(v) for v in yy[bad]})[:5]}")
    return order[pos].astype(np.int64)
