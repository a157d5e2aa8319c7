"""Full-batch losses of a homogeneous linear model and their exact gradients.

Every function takes weights ``w`` (shape ``(d,)``), features ``X`` (shape ``(n, d)``) and labels
``y`` in ``{-1, +1}`` (shape ``(n,)``), works on the margins ``z = X @ w`` and returns
``(value, grad)``: the *mean* loss over the ``n`` samples and its exact gradient in ``w``
(a subgradient for the non-smooth :func:`leaky_relu_loss`).

Class order convention for the matrix-based corrections: index 0 is the class ``-1`` and index 1
the class ``+1``.  Noise matrices are row-stochastic, ``T[i, j] = P(noisy = j | true = i)``.

Numerical stabilisation (shared by every probabilistic loss here).  With ``s = sigmoid(u)``:
``log s = -softplus(-u)`` and ``log(1 - s) = -softplus(u)`` with
``softplus(u) = logaddexp(0, u)``, both exact and finite for any finite ``u``.  Mixed
probabilities ``q = c1 s + c0 (1 - s)`` (SLaM mixing, Patrini forward correction) are evaluated as
``log q = logaddexp(log c1 + log s, log c0 + log(1 - s))`` with ``log 0 = -inf`` (so ``c = 0``
drops a term exactly), and their derivative ``dq/du / q = (c1 - c0) s (1 - s) / q`` as
``(c1 - c0) exp(log s + log(1 - s) - log q)``, which never divides by an underflowed ``q``.  The
results are finite for ``|z|`` up to ~1e300 whenever ``q > 0`` is possible.

The per-sample scalar versions used inside the SGD kernels live in
:mod:`slam_theory._kernels.losses`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from slam_theory._docs import fill_docstrings
from slam_theory._validation import (
    check_binary_labels,
    check_eta,
    check_finite_array,
    check_in_range,
    check_transition_matrix,
)

__all__ = [
    "backward_loss",
    "forward_loss",
    "leaky_relu_loss",
    "logistic_loss",
    "slam_binary_loss",
    "symmetric_transition_matrix",
    "unbiased_loss",
]

_DOCS = {
    # the data of the Examples
    "demo": """>>> rng = np.random.default_rng(0)
>>> X, w = rng.normal(size=(20, 3)), np.array([0.5, -0.2, 0.1])
>>> y = np.where(X[:, 0] > 0, 1, -1)""",
}


# --------------------------------------------------------------------------- validation helpers
def _check_wXy(w: Any, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = check_finite_array(X, "X", ndim=2)
    w = check_finite_array(w, "w", ndim=1)
    y = check_binary_labels(y, "y")
    if X.shape[1] != w.shape[0]:
        raise ValueError(f"w has dimension {w.shape[0]} but X has {X.shape[1]} features")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]} labels")
    return w, X, y


def _check_alpha(alpha: Any, n: int) -> np.ndarray | float:
    if np.ndim(alpha) == 0:
        return check_in_range(np.asarray(alpha).item(), "alpha", 0.0, 1.0)
    a = check_finite_array(alpha, "alpha", ndim=1)
    if a.shape[0] != n:
        raise ValueError(f"alpha has {a.shape[0]} entries but X has {n} samples")
    if np.any(a < 0.0) or np.any(a > 1.0):
        raise ValueError("alpha must lie in [0, 1] for every sample")
    return a


def _check_T2(T: Any, *, invertible: bool = False) -> np.ndarray:
    T = check_transition_matrix(T, "T")
    if T.shape != (2, 2):
        raise ValueError(f"T must be a 2x2 (binary) transition matrix, got shape {T.shape}")
    if invertible:
        det = T[0, 0] * T[1, 1] - T[0, 1] * T[1, 0]
        if abs(det) < 1e-12:
            raise ValueError(f"T must be invertible (det = {det:.3g}); e.g. eta = 1/2 is not")
    return T


def symmetric_transition_matrix(eta: float) -> np.ndarray:
    """The binary RCN transition matrix ``[[1 - eta, eta], [eta, 1 - eta]]``.

    Parameters
    ----------
    eta : float
        Flip probability in ``[0, 1/2)``.

    Returns
    -------
    T : ndarray of shape (2, 2)
        Row-stochastic, ``T[i, j] = P(noisy = j | true = i)`` with class order ``(-1, +1)``.

    Examples
    --------
    >>> symmetric_transition_matrix(0.1)
    array([[0.9, 0.1],
           [0.1, 0.9]])
    """
    eta = check_eta(eta)
    return np.array([[1.0 - eta, eta], [eta, 1.0 - eta]])


# --------------------------------------------------------------------------- stable primitives
def _softplus(u: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, u)


def _log(c: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(c)


def _mixed_nll(u: np.ndarray, c1: Any, c0: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample ``-log(c1 s + c0 (1 - s))`` with ``s = sigmoid(u)`` and its ``u``-derivative."""
    log_s = -_softplus(-u)
    log_1ms = -_softplus(u)
    log_q = np.logaddexp(_log(c1) + log_s, _log(c0) + log_1ms)
    dloss = -(np.asarray(c1) - np.asarray(c0)) * np.exp(log_s + log_1ms - log_q)
    return -log_q, dloss


def _finish(per_sample: np.ndarray, dz: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray]:
    n = X.shape[0]
    return float(np.mean(per_sample)), (X.T @ dz) / n


# --------------------------------------------------------------------------- public losses
def logistic_loss(w: Any, X: Any, y: Any) -> tuple[float, np.ndarray]:
    """Mean logistic loss ``log(1 + exp(-y z))`` and its gradient.

    Parameters
    ----------
    %(wXy)s

    Returns
    -------
    value : float
        ``mean_i softplus(-y_i z_i)`` computed with ``np.logaddexp`` (finite for any finite z).
    grad : ndarray of shape (d,)
        ``mean_i -y_i sigmoid(-y_i z_i) x_i``.

    Examples
    --------
    >>> value, grad = logistic_loss(np.zeros(2), [[1.0, 0.0], [0.0, 1.0]], [1, -1])
    >>> round(value, 4), grad                     # log 2 at w = 0
    (0.6931, array([-0.25,  0.25]))
    """
    w, X, y = _check_wXy(w, X, y)
    u = y * (X @ w)
    return _finish(_softplus(-u), -y * expit(-u), X)


def slam_binary_loss(w: Any, X: Any, y: Any, alpha: Any) -> tuple[float, np.ndarray]:
    """Binary SLaM loss: cross-entropy of the (noisy) label against the mixed prediction.

    With ``p = sigmoid(z) = P_model(+1 | x)`` the mixed probability of ``+1`` is
    ``m = alpha p + (1 - alpha)(1 - p)`` and the loss is ``-log m`` for ``y = +1`` and
    ``-log(1 - m) = -log(alpha (1 - p) + (1 - alpha) p)`` for ``y = -1``.  Equivalently, with
    ``s = sigmoid(y z)`` (the model's probability of the observed label),
    ``loss = -log(alpha s + (1 - alpha)(1 - s))``.  ``alpha = 1`` is the logistic loss,
    ``alpha = 1 - eta`` is the forward correction for RCN with rate ``eta``.

    Stabilisation: log space, ``log q = logaddexp(log alpha - softplus(-yz),
    log(1 - alpha) - softplus(yz))`` (see the module docstring).  Finite for ``alpha`` in
    ``[0, 1]`` and any finite ``z``.

    Parameters
    ----------
    %(wXy)s
    alpha : float or array-like of shape (n,)
        Mixing weight(s) in ``[0, 1]`` (probability that the observed label is correct).

    %(value_grad)s

    Examples
    --------
    %(demo)s
    >>> value, grad = slam_binary_loss(w, X, y, alpha=1.0)  # alpha = 1: the logistic loss
    >>> bool(np.isclose(value, logistic_loss(w, X, y)[0]))
    True
    """
    w, X, y = _check_wXy(w, X, y)
    a = _check_alpha(alpha, X.shape[0])
    u = y * (X @ w)
    loss, du = _mixed_nll(u, a, 1.0 - np.asarray(a))
    return _finish(loss, y * du, X)


def forward_loss(w: Any, X: Any, y: Any, T: Any) -> tuple[float, np.ndarray]:
    """Patrini et al. (2017) forward-corrected logistic loss, binary.

    ``loss = -log((T^T p)_y)`` with ``p = (1 - sigmoid(z), sigmoid(z))`` over the classes
    ``(-1, +1)`` and row-stochastic ``T[i, j] = P(noisy = j | true = i)``.  For the noisy label
    with index ``j``: ``(T^T p)_j = T[1, j] sigmoid(z) + T[0, j] (1 - sigmoid(z))``, evaluated in
    log space as in the module docstring.  With ``T = symmetric_transition_matrix(eta)`` this
    equals :func:`slam_binary_loss` with ``alpha = 1 - eta``.  The value is ``inf`` only if a
    label has probability zero under ``T`` (a zero column).

    Parameters
    ----------
    %(wXy)s
    T : array-like of shape (2, 2)
        Row-stochastic noise transition matrix.

    %(value_grad)s

    Examples
    --------
    %(demo)s
    >>> value, grad = forward_loss(w, X, y, symmetric_transition_matrix(0.2))
    >>> bool(np.isclose(value, slam_binary_loss(w, X, y, alpha=0.8)[0]))   # the SLaM loss
    True
    """
    w, X, y = _check_wXy(w, X, y)
    T = _check_T2(T)
    j = (y > 0).astype(np.intp)
    z = X @ w
    loss, dz = _mixed_nll(z, T[1, j], T[0, j])
    return _finish(loss, dz, X)


def backward_loss(w: Any, X: Any, y: Any, T: Any) -> tuple[float, np.ndarray]:
    """Patrini et al. (2017) backward-corrected logistic loss, binary.

    ``loss = (T^{-1} l(z))_y`` where ``l(z) = (softplus(z), softplus(-z))`` is the logistic loss
    of the classes ``(-1, +1)``.  It is unbiased: ``E_{noisy | true}[loss] = l_true``.  Because
    ``T^{-1}`` has negative entries, the loss **can be negative and is unbounded below** in ``z``
    (linear in ``|z|`` with a negative slope for the mislabelled direction); it is therefore
    only minimised over a bounded set (the unit ball in :mod:`slam_theory.halfspaces`).

    Parameters
    ----------
    %(wXy)s
    T : array-like of shape (2, 2)
        Row-stochastic and invertible noise transition matrix.

    %(value_grad)s

    Examples
    --------
    %(demo)s
    >>> T = [[0.9, 0.1], [0.3, 0.7]]                   # rho_neg = 0.1, rho_pos = 0.3
    >>> value, grad = backward_loss(w, X, y, T)
    >>> bool(np.isclose(value, unbiased_loss(w, X, y, 0.3, 0.1)[0]))
    True
    """
    w, X, y = _check_wXy(w, X, y)
    T = _check_T2(T, invertible=True)
    Tinv = np.linalg.inv(T)
    j = (y > 0).astype(np.intp)
    z = X @ w
    a, b = Tinv[j, 0], Tinv[j, 1]
    loss = a * _softplus(z) + b * _softplus(-z)
    dz = a * expit(z) - b * expit(-z)
    return _finish(loss, dz, X)


def unbiased_loss(
    w: Any, X: Any, y: Any, rho_pos: float, rho_neg: float
) -> tuple[float, np.ndarray]:
    """Natarajan et al. (NeurIPS 2013) unbiased estimator of the logistic loss.

    ``l~(t, y) = [(1 - rho_{-y}) l(t, y) - rho_y l(t, -y)] / (1 - rho_pos - rho_neg)`` with
    ``l(t, y) = log(1 + exp(-y t))``, ``rho_pos = P(flip | y = +1)``,
    ``rho_neg = P(flip | y = -1)``.
    ``E_{noisy | y}[l~(t, noisy)] = l(t, y)``.  It equals :func:`backward_loss` with
    ``T = [[1 - rho_neg, rho_neg], [rho_pos, 1 - rho_pos]]``; like it, it is unbounded below.

    Parameters
    ----------
    %(wXy)s
    rho_pos, rho_neg : float
        Class-conditional flip rates in ``[0, 1)`` with ``rho_pos + rho_neg < 1``.

    %(value_grad)s

    Examples
    --------
    %(demo)s
    >>> value, grad = unbiased_loss(w, X, y, 0.0, 0.0)   # no noise: the logistic loss
    >>> bool(np.allclose(grad, logistic_loss(w, X, y)[1]))
    True
    """
    w, X, y = _check_wXy(w, X, y)
    rho_pos, rho_neg = check_rho_pair(rho_pos, rho_neg)
    u = y * (X @ w)
    rho_y = np.where(y > 0, rho_pos, rho_neg)
    rho_my = np.where(y > 0, rho_neg, rho_pos)
    c = 1.0 / (1.0 - rho_pos - rho_neg)
    loss = c * ((1.0 - rho_my) * _softplus(-u) - rho_y * _softplus(u))
    du = c * (-(1.0 - rho_my) * expit(-u) - rho_y * expit(u))
    return _finish(loss, y * du, X)


def check_rho_pair(rho_pos: Any, rho_neg: Any) -> tuple[float, float]:
    """Validate class-conditional flip rates: each in ``[0, 1)`` and ``rho_pos + rho_neg < 1``."""
    rp = check_in_range(rho_pos, "rho_pos", 0.0, 1.0, high_inclusive=False)
    rn = check_in_range(rho_neg, "rho_neg", 0.0, 1.0, high_inclusive=False)
    if rp + rn >= 1.0:
        raise ValueError(f"rho_pos + rho_neg must be < 1, got {rp} + {rn} = {rp + rn}")
    return rp, rn


def leaky_relu_loss(w: Any, X: Any, y: Any, eta: float) -> tuple[float, np.ndarray]:
    """DDKWZ23's LeakyReLU objective and its subgradient.

    ``LeakyReLU_lam(t) = (1 - lam) t 1{t >= 0} + lam t 1{t < 0} = t/2 + (1/2 - lam)|t|`` applied
    to ``t = -y (w . x)`` with ``lam = eta``; the value is its mean over the samples.

    The returned subgradient is ``(1/2N) sum_i [(1 - 2 eta) sign(w . x_i) - y_i] x_i``, exactly
    the ``g(w)`` of Diakonikolas, Diakonikolas, Kane, Wang, Zarifis (COLT 2023, Alg. 1): since
    ``d/dt = 1/2 + (1/2 - eta) sign(t)`` and ``dt/dw = -y x``, the chain rule gives
    ``-(y/2) x + (1/2 - eta) sign(w . x) x`` (using ``y sign(-y z) = -sign(z)``).  At ``w . x = 0``
    we use ``sign(0) = 0``, a valid element of the subdifferential of ``|t|`` at 0.

    Parameters
    ----------
    %(wXy)s
    %(eta)s

    Returns
    -------
    value : float
        Mean LeakyReLU loss (non-negative in expectation under RCN; zero at ``w*``).
    grad : ndarray of shape (d,)
        The subgradient ``g(w)`` above.

    Examples
    --------
    >>> value, grad = leaky_relu_loss(np.zeros(2), [[1.0, 0.0], [0.0, 1.0]], [1, -1], eta=0.2)
    >>> value, grad                               # g(0) = -(1/2N) sum_i y_i x_i
    (0.0, array([-0.25,  0.25]))
    """
    w, X, y = _check_wXy(w, X, y)
    eta = check_eta(eta)
    z = X @ w
    t = -y * z
    loss = 0.5 * t + (0.5 - eta) * np.abs(t)
    dz = 0.5 * ((1.0 - 2.0 * eta) * np.sign(z) - y)
    return _finish(loss, dz, X)


fill_docstrings(globals(), _DOCS)
