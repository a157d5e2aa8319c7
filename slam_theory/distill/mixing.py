"""The SLaM mixing operation and the SLaM loss (Kontonis et al. 2023).

A student ``f(x)`` (a probability vector) is trained with the cross-entropy between the
teacher's label and the *mixed* prediction

    mix(f; alpha, k, y_s) = alpha f + (1 - alpha) (1 - f) * top(y_s; k)

(Remark B.1 of the paper, the *un-normalised* top-k form used in its experiments), where
``alpha(x)`` estimates the probability that the teacher's top-1 label is correct at ``x`` and
``top(y_s; k)`` is the 0/1 mask of the teacher's ``k`` largest classes.  The main-text form
divides the second term by ``k - 1`` (the *normalised* form).

With the hard (top-1 one-hot) target and the un-normalised top-k mix, only the teacher's top-1
class ``t`` carries a target and ``t`` is always inside its own top-k, so the loss is
``-log(alpha f_t + (1 - alpha)(1 - f_t))`` whatever ``k``: ``k(x)`` has no effect there.  It
matters for soft targets and for the normalised mix (divisor ``k - 1``).

Numerics: a mixed probability ``m`` is clipped at :data:`FLOOR` (``1e-12``) before its log,
except where the mix is a pure multiple of ``f`` (plain cross-entropy, or classes outside the
top-k mask), where the log is taken in log space and never clips.  Gradients are the exact
gradients of the clipped loss (zero through a clipped coordinate).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from slam_theory._docs import fill_docstrings
from slam_theory._kernels import students as _k
from slam_theory._validation import (
    check_choice,
    check_finite_array,
    check_in_range,
    check_int,
    check_proba_matrix,
)

__all__ = ["FLOOR", "mix", "mix_normalized", "mix_topk", "slam_loss", "topk_mask"]

#: Clip applied to a mixed probability before taking its log.
FLOOR: float = _k.FLOOR

_ALPHA = """alpha : float or array-like of shape (n,)
    Mixing weights in ``[0, 1]`` (estimated probability that the teacher is right)."""
_DOCS = {
    "alpha": _ALPHA,
    # the arguments and the return value of the top-k mixes (the whole sections)
    "topk_mix": f"""Parameters
----------
f : array-like of shape (n, K)
    Student probabilities (rows summing to 1).
{_ALPHA}
teacher : array-like of shape (n, K)
    Teacher probabilities; their top-``k`` classes receive the ``(1 - alpha)`` term.
k : int or array-like of int, shape (n,)
    Number of classes in the mix, in ``[1, K]``.

Returns
-------
ndarray of shape (n, K)""",
}


def _as_k_array(k: Any, n: int, K: int, name: str = "k") -> np.ndarray:
    if np.ndim(k) == 0:
        kk = np.full(n, check_int(k, name, low=1, high=K), dtype=np.int64)
    else:
        arr = np.asarray(k)
        if arr.shape != (n,):
            raise ValueError(f"{name} must be an int or have shape ({n},), got {arr.shape}")
        if not np.all(np.mod(arr, 1) == 0):
            raise ValueError(f"{name} must contain integers")
        kk = arr.astype(np.int64)
        if kk.min() < 1 or kk.max() > K:
            raise ValueError(f"{name} must be in [1, {K}], got range [{kk.min()}, {kk.max()}]")
    return kk


def topk_mask(proba: Any, k: Any) -> np.ndarray:
    """0/1 mask of each row's ``k`` largest entries (ties broken towards the lower index).

    Parameters
    ----------
    proba : array-like of shape (n, K)
        Teacher probabilities (entries in [0, 1], rows summing to 1).
    k : int or array-like of int, shape (n,)
        Number of classes kept per row, in ``[1, K]``.

    Returns
    -------
    ndarray of float64, shape (n, K)

    Examples
    --------
    >>> topk_mask([[0.1, 0.6, 0.3]], 2)
    array([[0., 1., 1.]])
    """
    P = check_proba_matrix(proba, "proba")
    n, K = P.shape
    kk = _as_k_array(k, n, K)
    order = np.argsort(-P, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(K)[None, :].repeat(n, axis=0), axis=1)
    return (ranks < kk[:, None]).astype(np.float64)


def _as_alpha(alpha: Any, n: int, name: str = "alpha") -> np.ndarray:
    if np.ndim(alpha) == 0:
        return np.full(n, check_in_range(alpha, name, 0.0, 1.0))
    a = check_finite_array(alpha, name, ndim=1)
    if a.shape[0] != n:
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got {a.shape}")
    if np.any(a < 0) or np.any(a > 1):
        raise ValueError(f"{name} must be in [0, 1]")
    return a


def _mix_coefficients(
    n: int, K: int, k: Any, teacher: np.ndarray | None, normalize: bool
) -> np.ndarray:
    """``C`` with ``mix = alpha f + (1 - alpha) C (1 - f)`` elementwise."""
    kk = _as_k_array(K if k is None else k, n, K)
    C = np.ones((n, K)) if teacher is None else topk_mask(teacher, kk)
    if normalize:
        C /= np.maximum(kk - 1, 1)[:, None]
    return C


# ------------------------------------------------------------------------------------------
# the mixing operation and the SLaM loss
# ------------------------------------------------------------------------------------------
def mix(
    f: Any,
    alpha: Any,
    k: Any = None,
    teacher: Any = None,
    normalize: bool = True,
) -> np.ndarray:
    """The SLaM mixing operation, vectorised over a batch.

    * ``teacher=None, normalize=True``:  ``alpha f + (1 - alpha)(1 - f) / (k - 1)`` on every
      class (``k`` defaults to ``K``; with ``k = K`` this is the forward correction for
      symmetric noise), the normalised form of the paper's main text.
    * ``teacher`` given, ``normalize=False``: ``alpha f + (1 - alpha)(1 - f) * top(teacher; k)``,
      the un-normalised top-k form used in the paper's experiments (Remark B.1).
    * ``teacher`` given, ``normalize=True``: the same, with the second term divided by
      ``k - 1`` (the normalised top-k form; for ``k = 1`` the divisor is taken as 1).
    * ``teacher=None, normalize=False``: ``alpha f + (1 - alpha)(1 - f)`` on every class.

    Binary case: a 1-d ``f`` is read as ``P(class 1)`` and the result is
    ``alpha f + (1 - alpha)(1 - f)`` (``normalize`` is then ignored; it equals the 2-class
    normalised form). A 1-d ``f`` with ``k`` or ``teacher`` is refused (they need ``(n, K)``).

    Parameters
    ----------
    f : array-like of shape (n, K) or (n,)
        Student probabilities (rows summing to 1), or ``P(class 1)`` in the binary case.
    %(alpha)s
    k : int or array-like of int, shape (n,), optional
        Number of classes in the mix, in ``[1, K]``; default ``K``.
    teacher : array-like of shape (n, K), optional
        Teacher probabilities whose top-``k`` classes receive the ``(1 - alpha)`` term.
    normalize : bool, default True
        Divide the second term by ``k - 1``.

    Returns
    -------
    ndarray
        Same shape as ``f``.  Note that the un-normalised top-k mix need not sum to 1.

    Examples
    --------
    >>> f = np.array([[0.5, 0.3, 0.2]])
    >>> mix(f, 0.8).round(3)          # alpha f + (1 - alpha)(1 - f) / (K - 1)
    array([[0.45, 0.31, 0.24]])
    """
    if not isinstance(normalize, bool | np.bool_):
        raise TypeError("normalize must be a bool")
    if np.ndim(f) == 1:
        if k is not None or teacher is not None:
            raise ValueError(f"f must have shape (n, K) when k or teacher is given, got 1-d f "
                             f"of shape {np.shape(f)} (a 1-d f is the binary P(class 1))")
        p = check_finite_array(f, "f", ndim=1)
        if np.any(p < 0) or np.any(p > 1):
            raise ValueError("f must be in [0, 1]")
        a = _as_alpha(alpha, p.shape[0])
        return a * p + (1.0 - a) * (1.0 - p)
    F = check_proba_matrix(f, "f")
    n, K = F.shape
    a = _as_alpha(alpha, n)
    T = None
    if teacher is not None:
        T = check_proba_matrix(teacher, "teacher")
        if T.shape != F.shape:
            raise ValueError(f"teacher must have shape {F.shape} (as f), got {T.shape}")
    C = _mix_coefficients(n, K, k, T, bool(normalize))
    return a[:, None] * F + (1.0 - a)[:, None] * (1.0 - F) * C


def mix_topk(f: Any, alpha: Any, teacher: Any, k: Any) -> np.ndarray:
    """Un-normalised top-k mix of Remark B.1: ``alpha f + (1 - alpha)(1 - f) top(teacher; k)``.

    Same as ``mix(f, alpha, k, teacher, normalize=False)``.

    %(topk_mix)s

    Examples
    --------
    >>> mix_topk([[0.5, 0.3, 0.2]], 0.8, [[0.7, 0.2, 0.1]], 2).round(3)
    array([[0.5 , 0.38, 0.16]])
    """
    return mix(f, alpha, k=k, teacher=teacher, normalize=False)


def mix_normalized(f: Any, alpha: Any, teacher: Any, k: Any) -> np.ndarray:
    """Normalised top-k mix: ``alpha f + (1 - alpha)(1 - f) top(teacher; k) / (k - 1)``.

    Same as ``mix(f, alpha, k, teacher, normalize=True)``; for ``k = 1`` the divisor is 1.

    %(topk_mix)s

    Examples
    --------
    >>> mix_normalized([[0.5, 0.3, 0.2]], 0.8, [[0.7, 0.2, 0.1]], 3).round(3)
    array([[0.45, 0.31, 0.24]])
    """
    return mix(f, alpha, k=k, teacher=teacher, normalize=True)


def _softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def _targets(teacher: np.ndarray, target: str) -> np.ndarray:
    if target == "soft":
        return np.ascontiguousarray(teacher, dtype=np.float64)
    Y = np.zeros_like(teacher, dtype=np.float64)
    Y[np.arange(teacher.shape[0]), np.argmax(teacher, axis=1)] = 1.0
    return Y


def slam_loss(
    logits: Any,
    teacher_proba: Any,
    alpha: Any,
    k: Any = None,
    *,
    target: str = "soft",
    mixing: str = "topk",
) -> tuple[np.ndarray, np.ndarray]:
    """Per-example SLaM loss and its exact gradient w.r.t. the student's logits.

    ``loss_i = -sum_j y_ij log max(m_ij, FLOOR)`` with ``m_i = mix(softmax(logits_i))`` and
    ``y_i`` the teacher's soft label (``target="soft"``) or its top-1 one-hot (``"hard"``).
    Writing ``m_j = a_j + b_j f_j`` (``a_j = (1 - alpha) c_j``, ``b_j = alpha - a_j``, ``c_j``
    the top-k mask, divided by ``k - 1`` if normalised), the gradient is
    ``dL/dz_i = -y_i r_i + f_i sum_j y_j r_j`` with ``r_j = b_j f_j / m_j`` (0 where clipped).

    Parameters
    ----------
    logits : array-like of shape (n, K)
    teacher_proba : array-like of shape (n, K)
        Teacher probabilities (targets and top-k mask).
    %(alpha)s
    k : int or array-like of int, optional
        Default ``K`` (the mask is then all ones).
    target : {"soft", "hard"}, default "soft"
    mixing : {"topk", "normalized"}, default "topk"
        Un-normalised (Remark B.1) or normalised top-k mix.

    Returns
    -------
    loss : ndarray of shape (n,)
    grad : ndarray of shape (n, K)

    Examples
    --------
    >>> loss, grad = slam_loss(np.zeros((1, 2)), [[0.9, 0.1]], 1.0, target="hard")
    >>> round(float(loss[0]), 4)      # alpha = 1: plain cross-entropy, -log(1/2)
    0.6931
    """
    Z = check_finite_array(logits, "logits", ndim=2)
    P = check_proba_matrix(teacher_proba, "teacher_proba")
    if P.shape != Z.shape:
        raise ValueError(f"teacher_proba must have shape {Z.shape} (as logits), got {P.shape}")
    check_choice(target, "target", ("soft", "hard"))
    check_choice(mixing, "mixing", ("topk", "normalized"))
    n, K = Z.shape
    a = _as_alpha(alpha, n)
    C = _mix_coefficients(n, K, k, P, mixing == "normalized")
    Y = _targets(P, target)
    loss = np.empty(n)
    grad = np.empty((n, K))
    kinds = np.zeros(n, dtype=np.int64)
    _k.batch_loss_grad(Z, Y, a, C, np.eye(K), kinds, loss, grad)
    return loss, grad


fill_docstrings(globals(), _DOCS)
