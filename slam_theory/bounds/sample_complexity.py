"""Sample complexities of learning gamma-margin halfspaces under RCN, and the JL target dimension.

See :mod:`slam_theory.bounds` for the conventions and the references."""

from __future__ import annotations

from typing import Any

import numpy as np

from slam_theory._docs import fill_docstrings
from slam_theory.bounds._checks import (
    DOCS,
    _arr,
    _as_count,
    _eps,
    _eta,
    _gamma,
    _out,
    _pos,
    _prob,
)

__all__ = [
    "ddkwz23_iterations",
    "ddkwz23_sample_complexity",
    "dgt19_sample_complexity",
    "information_theoretic",
    "jl_dimension",
    "perceptron_mistakes",
    "slam_sample_complexity",
    "sq_lower_bound",
]


def information_theoretic(eps: Any, gamma: Any, eta: Any = 0.0) -> np.ndarray:
    r"""Information-theoretic sample complexity, up to constants and log factors.

    .. math:: n(\varepsilon, \gamma, \eta) = \tilde\Theta\!\left(\frac{1}{(1 - 2\eta)\,
              \gamma^2\, \varepsilon}\right)

    Returned with constant 1 and no log factors: ``1 / ((1 - 2 eta) gamma^2 eps)``.  DDKWZ23's
    abstract states ``Theta~(1/(gamma^2 eps))`` (constant eta); the ``1/(1 - 2 eta)`` factor
    follows the Massart-Nedelec rate ``VC / ((1 - 2 eta) eps)`` with ``VC ~ 1/gamma^2``.

    %(eps_gamma_eta)s

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), abstract.

    Examples
    --------
    >>> information_theoretic([0.1, 0.01], gamma=0.1)
    array([ 1000., 10000.])
    """
    e, g, h = np.broadcast_arrays(_eps(eps), _gamma(gamma), _eta(eta))
    return _out(1.0 / ((1.0 - 2.0 * h) * g**2 * e))


def slam_sample_complexity(eps: Any, gamma: Any, eta: Any = 0.0) -> np.ndarray:
    r"""SLaM's halfspace sample complexity, ``O_eta(1/(gamma^2 eps^2))``, up to constants.

    .. math:: n = O_\eta\!\left(\frac{1}{\gamma^2 \varepsilon^2}\right)

    The dependence on ``eta`` is hidden in the ``O_eta`` (the theorem text was not reachable):
    this function returns ``1/(gamma^2 eps^2)`` for every
    ``eta`` (validated but unused), and :data:`EXPONENTS` gives ``None`` for its ``eta`` exponent.

    %(eps_gamma_eta)s

    References
    ----------
    SLaM (arXiv:2302.03806), as credited by DDKWZ23.

    Examples
    --------
    >>> slam_sample_complexity([0.1, 0.05], gamma=0.1)    # halving eps: 4 times the samples
    array([10000., 40000.])
    """
    e, g, _ = np.broadcast_arrays(_eps(eps), _gamma(gamma), _eta(eta))
    return _out(1.0 / (g**2 * e**2))


def ddkwz23_iterations(gamma: Any, eps: Any, eta: Any = 0.0) -> np.ndarray:
    r"""DDKWZ23 Algorithm 1's iteration count (exact).

    .. math:: T = \left\lceil \frac{16 (1 - \eta)^2}{\gamma^2 \varepsilon^2} - 1 \right\rceil

    With step ``2 / ((1 - eta) sqrt(T + 1))`` the best projected-subgradient iterate then has
    LeakyReLU gap ``<= 2 (1 - eta) / sqrt(T + 1) = gamma eps / 2`` (see
    :func:`ddkwz23_gap_bound`).  Returned as ``int64``, at least 0; a count beyond the int64
    range (``gamma * eps`` below about ``1.3e-9``) is refused with a ``ValueError`` rather than
    wrapped around.

    Parameters
    ----------
    %(gamma)s
    %(eps)s
    %(eta)s

    Returns
    -------
    ndarray of int64

    Raises
    ------
    ValueError
        On arguments out of range, or where ``T`` would exceed the int64 range.

    Examples
    --------
    >>> int(ddkwz23_iterations(0.5, 0.5))
    255
    >>> ddkwz23_iterations(1e-10, 1e-10)
    Traceback (most recent call last):
    ...
    ValueError: T = 1.6e+41 exceeds the int64 range (max 9.22e+18): gamma * eps is too small

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), Algorithm 1.
    """
    g, e, h = np.broadcast_arrays(_gamma(gamma), _eps(eps), _eta(eta))
    with np.errstate(over="ignore", divide="ignore"):
        T = np.ceil(16.0 * (1.0 - h) ** 2 / (g**2 * e**2) - 1.0 - 1e-9)
    return _as_count(T, "T", "gamma * eps is too small")


def ddkwz23_sample_complexity(
    eps: Any, gamma: Any, eta: Any = 0.0, d: Any = 1, delta: Any = 0.1
) -> np.ndarray:
    r"""DDKWZ23's sample complexity bound, up to its (unstated) constant.

    .. math:: n = O\!\left(\left(\frac{d (1 - 2\eta)}{\varepsilon}
              + \frac{\eta}{\varepsilon^2 \gamma^2}\right) \log\frac{1}{\delta}\right)

    Returned with constant 1.  For small ``eps`` the second term dominates, so the exponents in
    :data:`EXPONENTS` are 2 in ``1/eps`` and in ``1/gamma``, and 0 in ``1/(1 - 2 eta)`` (the
    limit ``eta -> 1/2``, where the numerator ``eta -> 1/2``; at moderate ``eta`` the local slope
    in ``1/(1 - 2 eta)`` is small and positive because of the factor ``eta``).  Note that at
    ``eta = 0`` only the ``d/eps`` term remains.  (This form was not
    checked against the paper's theorem text, which was not reachable.)

    Parameters
    ----------
    %(eps)s
    %(gamma)s
    %(eta)s
    d : array-like, default 1
        Dimension (``>= 1``).
    delta : array-like, default 0.1
        Failure probability in ``(0, 1)``.

    %(rate)s

    References
    ----------
    DDKWZ23 (arXiv:2306.16352).

    Examples
    --------
    >>> ddkwz23_sample_complexity([0.1], gamma=0.1, d=10).round(1)   # eta = 0: d/eps log(1/delta)
    array([230.3])
    """
    e, g, h, dd, de = np.broadcast_arrays(
        _eps(eps),
        _gamma(gamma),
        _eta(eta),
        _arr(d, "d", 1.0, np.inf, low_open=False, high_open=True),
        _prob(delta, "delta"),
    )
    return _out((dd * (1.0 - 2.0 * h) / e + h / (e**2 * g**2)) * np.log(1.0 / de))


def sq_lower_bound(eps: Any, gamma: Any) -> np.ndarray:
    r"""SQ / low-degree lower bound for efficient learners, up to constants and log factors.

    .. math:: n = \tilde\Omega\!\left(\frac{1}{\gamma^{1/2}\, \varepsilon^2}\right)

    Returned with constant 1: ``1 / (sqrt(gamma) eps^2)``.

    Parameters
    ----------
    %(eps)s
    %(gamma)s

    %(rate)s

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), abstract.

    Examples
    --------
    >>> sq_lower_bound([0.1, 0.05], gamma=0.25).round()
    array([200., 800.])
    """
    e, g = np.broadcast_arrays(_eps(eps), _gamma(gamma))
    return _out(1.0 / (np.sqrt(g) * e**2))


def perceptron_mistakes(gamma: Any, radius: Any = 1.0) -> np.ndarray:
    r"""Novikoff's Perceptron mistake bound on noiseless ``gamma``-margin data (exact).

    .. math:: M \le \left(\frac{R}{\gamma}\right)^2

    with ``R = max ||x||`` (1 on the unit sphere) and ``gamma`` the margin of a unit ``w*``.

    Parameters
    ----------
    %(gamma)s
    radius : array-like, default 1
        Bound ``R > 0`` on ``||x||``.

    %(rate)s

    References
    ----------
    Novikoff (1962).

    Examples
    --------
    >>> perceptron_mistakes([0.1, 0.5])
    array([100.,   4.])
    """
    g, r = np.broadcast_arrays(_gamma(gamma), _pos(radius, "radius"))
    return _out((r / g) ** 2)


def dgt19_sample_complexity(eps: Any, gamma: Any, eta: Any = 0.0) -> np.ndarray:
    r"""The older DGT19-based route, up to constants and log factors.

    .. math:: n = \tilde O\!\left(\frac{1}{\gamma^4\, \varepsilon^3}\right)

    Assumption (documented because no theorem text was reachable): we take the rate that
    Diakonikolas-Zarifis (arXiv:2501.09691) attribute to prior efficient algorithms for margin
    halfspaces with Massart noise, ``O~(1/(gamma^4 eps^3))``; RCN is the special case of Massart
    noise with constant ``eta``, so it applies here.  Its ``eta`` dependence is not stated; this
    function ignores ``eta`` (validated only) and :data:`EXPONENTS` lists ``None`` for it.

    %(eps_gamma_eta)s

    References
    ----------
    DGT19 (NeurIPS 2019); DZ25 (arXiv:2501.09691), abstract.

    Examples
    --------
    >>> dgt19_sample_complexity([0.1, 0.05], gamma=0.1).round()
    array([10000000., 80000000.])
    """
    e, g, _ = np.broadcast_arrays(_eps(eps), _gamma(gamma), _eta(eta))
    return _out(1.0 / (g**4 * e**3))


def jl_dimension(gamma: Any, beta: Any = 0.01, constant: float = 128.0) -> np.ndarray:
    r"""Target dimension of a Gaussian JL projection that keeps a margin of ``gamma / 2``.

    .. math:: m = \left\lceil \frac{C \ln(4/\beta)}{\gamma^2} \right\rceil, \qquad C = 128

    DDKWZ23 (App. A.4) use ``m = O(log(1/beta)/gamma^2)``.  The constant here is derived: for
    unit ``u, v`` and a scaled Gaussian ``A`` (entries ``N(0, 1/m)``), Dasgupta-Gupta give
    ``P(| ||A z||^2 - ||z||^2 | > e ||z||^2) <= 2 exp(-m e^2 / 8)`` for ``e <= 1/2``.
    Polarisation ``<u, v> = (||u + v||^2 - ||u - v||^2)/4`` with ``||u +- v||^2 <= 4`` gives
    ``|<Au, Av> - <u, v>| <= 2e``; taking ``e = gamma/4`` and a union bound over the two norms,
    ``|<A w*, A x> - <w*, x>| <= gamma/2`` with probability ``>= 1 - 4 exp(-m gamma^2/128)``,
    which is ``>= 1 - beta`` for the ``m`` above.  For a whole sample of size ``n`` pass
    ``beta / n`` (union bound).  The norms of ``A w*`` and ``A x`` change too; the projected
    margin after renormalisation is then ``>= (gamma/2) / (1 + gamma/4)^2``.

    Parameters
    ----------
    %(gamma)s
    beta : array-like, default 0.01
        Failure probability per point, in ``(0, 1)``.
    constant : float, default 128
        The constant ``C`` (pass a smaller one for the practical regime; the asymptotic claim
        only fixes ``m = O(log(1/beta)/gamma^2)``).

    Returns
    -------
    ndarray of int64

    Raises
    ------
    ValueError
        On arguments out of range, or where ``m`` would exceed the int64 range (``gamma``
        below about ``1e-8`` with the default constant): refused rather than wrapped around.

    Examples
    --------
    >>> int(jl_dimension(0.5, beta=0.01))
    3068
    >>> jl_dimension(1e-200)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: m = inf exceeds the int64 range (max 9.22e+18): gamma too small (or constant...

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), Appendix A.4; Dasgupta & Gupta (2003).
    """
    c_arr = _pos(constant, "constant")
    if c_arr.ndim != 0:
        raise ValueError(f"constant must be a scalar, got shape {c_arr.shape}")
    c = float(c_arr)
    g, b = np.broadcast_arrays(_gamma(gamma), _prob(beta, "beta"))
    with np.errstate(over="ignore", divide="ignore"):
        m = np.ceil(c * np.log(4.0 / b) / g**2 - 1e-9)
    return _as_count(m, "m", "gamma too small (or constant too large)")


fill_docstrings(globals(), DOCS)
