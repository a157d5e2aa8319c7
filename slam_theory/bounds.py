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
.. [DDKWZ23] I. Diakonikolas, J. Diakonikolas, D. M. Kane, P. Wang, N. Zarifis, "Information-
   Computation Tradeoffs for Learning Margin Halfspaces with Random Classification Noise",
   COLT 2023 (PMLR 195:2211-2239), arXiv:2306.16352.
.. [SLaM] V. Kontonis, F. Iliopoulos, K. Trinh, C. Baykal, G. Menghani, E. Vee, "SLaM: Student-
   Label Mixing for Distillation with Unlabeled Examples", NeurIPS 2023, arXiv:2302.03806.
.. [DGT19] I. Diakonikolas, T. Gouleakis, C. Tzamos, "Distribution-Independent PAC Learning of
   Halfspaces with Massart Noise", NeurIPS 2019.
.. [DZ25] I. Diakonikolas, N. Zarifis, arXiv:2501.09691 (Massart margin halfspaces; its abstract
   states that prior efficient algorithms need O~(1/(gamma^4 eps^3)) samples).
.. [GL13] S. Ghadimi, G. Lan, "Stochastic First- and Zeroth-Order Methods for Nonconvex
   Stochastic Programming", SIAM J. Optim. 23(4), 2013.
.. [Nov62] A. Novikoff, "On convergence proofs on perceptrons", 1962.
.. [DG03] S. Dasgupta, A. Gupta, "An elementary proof of a theorem of Johnson and Lindenstrauss",
   Random Struct. Algorithms 22(1), 2003.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from slam_theory._validation import reject_strings

__all__ = [
    "EXPONENTS",
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


# --------------------------------------------------------------------------- validation
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


# --------------------------------------------------------------------------- sample complexities
def information_theoretic(eps: Any, gamma: Any, eta: Any = 0.0) -> np.ndarray:
    r"""Information-theoretic sample complexity, up to constants and log factors.

    .. math:: n(\varepsilon, \gamma, \eta) = \tilde\Theta\!\left(\frac{1}{(1 - 2\eta)\,
              \gamma^2\, \varepsilon}\right)

    Returned with constant 1 and no log factors: ``1 / ((1 - 2 eta) gamma^2 eps)``.  DDKWZ23's
    abstract states ``Theta~(1/(gamma^2 eps))`` (constant eta); the ``1/(1 - 2 eta)`` factor
    follows the Massart-Nedelec rate ``VC / ((1 - 2 eta) eps)`` with ``VC ~ 1/gamma^2``.

    Parameters
    ----------
    eps : array-like
        Target excess error (disagreement with ``w*``), in ``(0, 1)``.
    gamma : array-like
        Margin, in ``(0, 1]``.
    eta : array-like, default 0
        RCN rate, in ``[0, 1/2)``.

    Returns
    -------
    ndarray
        The rate (broadcast shape).

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), abstract.
    """
    e, g, h = np.broadcast_arrays(_eps(eps), _gamma(gamma), _eta(eta))
    return _out(1.0 / ((1.0 - 2.0 * h) * g**2 * e))


def slam_sample_complexity(eps: Any, gamma: Any, eta: Any = 0.0) -> np.ndarray:
    r"""SLaM's halfspace sample complexity, ``O_eta(1/(gamma^2 eps^2))``, up to constants.

    .. math:: n = O_\eta\!\left(\frac{1}{\gamma^2 \varepsilon^2}\right)

    The dependence on ``eta`` is hidden in the ``O_eta`` (the theorem text was not reachable):
    this function returns ``1/(gamma^2 eps^2)`` for every
    ``eta`` (validated but unused), and :data:`EXPONENTS` gives ``None`` for its ``eta`` exponent.

    Parameters
    ----------
    eps : array-like
        Target error in ``(0, 1)``.
    gamma : array-like
        Margin in ``(0, 1]``.
    eta : array-like, default 0
        RCN rate in ``[0, 1/2)`` (validated only).

    Returns
    -------
    ndarray

    References
    ----------
    SLaM (arXiv:2302.03806), as credited by DDKWZ23.
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
    gamma : array-like
        Margin in ``(0, 1]``.
    eps : array-like
        Target error in ``(0, 1)``.
    eta : array-like, default 0
        RCN rate in ``[0, 1/2)``.

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
    eps : array-like
        Target error in ``(0, 1)``.
    gamma : array-like
        Margin in ``(0, 1]``.
    eta : array-like, default 0
        RCN rate in ``[0, 1/2)``.
    d : array-like, default 1
        Dimension (``>= 1``).
    delta : array-like, default 0.1
        Failure probability in ``(0, 1)``.

    Returns
    -------
    ndarray

    References
    ----------
    DDKWZ23 (arXiv:2306.16352).
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
    eps : array-like
        Target error in ``(0, 1)``.
    gamma : array-like
        Margin in ``(0, 1]``.

    Returns
    -------
    ndarray

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), abstract.
    """
    e, g = np.broadcast_arrays(_eps(eps), _gamma(gamma))
    return _out(1.0 / (np.sqrt(g) * e**2))


def perceptron_mistakes(gamma: Any, radius: Any = 1.0) -> np.ndarray:
    r"""Novikoff's Perceptron mistake bound on noiseless ``gamma``-margin data (exact).

    .. math:: M \le \left(\frac{R}{\gamma}\right)^2

    with ``R = max ||x||`` (1 on the unit sphere) and ``gamma`` the margin of a unit ``w*``.

    Parameters
    ----------
    gamma : array-like
        Margin in ``(0, 1]``.
    radius : array-like, default 1
        Bound ``R > 0`` on ``||x||``.

    Returns
    -------
    ndarray

    References
    ----------
    Novikoff (1962).
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

    Parameters
    ----------
    eps : array-like
        Target error in ``(0, 1)``.
    gamma : array-like
        Margin in ``(0, 1]``.
    eta : array-like, default 0
        Noise rate in ``[0, 1/2)`` (validated only).

    Returns
    -------
    ndarray

    References
    ----------
    DGT19 (NeurIPS 2019); DZ25 (arXiv:2501.09691), abstract.
    """
    e, g, _ = np.broadcast_arrays(_eps(eps), _gamma(gamma), _eta(eta))
    return _out(1.0 / (g**4 * e**3))


# --------------------------------------------------------------------------- rates in T
def _iters(T: Any) -> np.ndarray:
    return _arr(T, "T", 0.0, np.inf, low_open=False, high_open=True)


def sgd_stationarity(
    T: Any, smoothness: Any = 1.0, variance: Any = 1.0, gap0: Any = 1.0
) -> np.ndarray:
    r"""Non-convex SGD stationarity after ``T`` steps, with explicit constants.

    .. math:: \frac{1}{T}\sum_{t<T} \mathbb E\|\nabla F(w_t)\|^2
              \le \frac{2\Delta + L\sigma^2}{\sqrt{T}}

    Assumptions: ``F`` is ``L``-smooth (``smoothness``), stochastic gradients are unbiased with
    variance ``<= sigma^2`` (``variance``), ``Delta = F(w_0) - inf F`` (``gap0``), constant step
    ``alpha = 1/sqrt(T) <= 1/L``.  Derivation: the descent lemma gives
    ``E F(w_{t+1}) <= E F(w_t) - (alpha/2) E||grad F(w_t)||^2 + L alpha^2 sigma^2 / 2``; summing
    over ``t < T``, ``avg E||grad F||^2 <= 2 Delta/(alpha T) + L alpha sigma^2``.  The minimum
    over the iterates obeys the same bound.  Returns ``inf`` at ``T = 0``.

    Parameters
    ----------
    T : array-like
        Number of SGD steps, ``>= 0``.
    smoothness : array-like, default 1
        ``L > 0``.
    variance : array-like, default 1
        ``sigma^2 >= 0``.
    gap0 : array-like, default 1
        ``Delta >= 0``.

    Returns
    -------
    ndarray
        The bound on the (average or minimum) squared gradient norm; ``O(1/sqrt(T))``.

    References
    ----------
    Ghadimi & Lan (2013), Theorem 2.1 / Corollary 2.2 (constants re-derived here).
    """
    t, L, s2, D = np.broadcast_arrays(
        _iters(T),
        _pos(smoothness, "smoothness"),
        _pos(variance, "variance", allow_zero=True),
        _pos(gap0, "gap0", allow_zero=True),
    )
    with np.errstate(divide="ignore"):
        return _out((2.0 * D + L * s2) / np.sqrt(t))


def ddkwz23_gap_bound(T: Any, eta: Any = 0.0) -> np.ndarray:
    r"""DDKWZ23's averaged-regret bound for projected subgradient descent (exact constants).

    .. math:: \frac{1}{T+1}\sum_{t \le T} \langle g(w_t), w_t - w^* \rangle
              \le \frac{R\, G}{\sqrt{T + 1}} = \frac{2 (1 - \eta)}{\sqrt{T + 1}}

    with domain diameter ``R = 2`` (unit ball), subgradient bound ``G = 1 - eta`` (for
    ``||x|| <= 1``) and the fixed step ``R / (G sqrt(T + 1))`` (the standard online/projected
    subgradient guarantee: ``sum_t <g_t, w_t - w*> <= R^2/(2 step) + step G^2 (T+1)/2``,
    minimised by that step).  Since
    ``L`` is convex it also bounds the best-iterate gap ``min_t L(w_t) - L(w*)``, and since
    ``<E g(w), w - w*> >= (1 - 2 eta) gamma err(w)`` on ``gamma``-margin data it bounds
    ``(1 - 2 eta) gamma`` times the average error of the iterates (the quantity called E1 in
    :mod:`slam_theory.convergence`).

    Parameters
    ----------
    T : array-like
        Number of steps, ``>= 0``.
    eta : array-like, default 0
        RCN rate in ``[0, 1/2)``.

    Returns
    -------
    ndarray

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), Algorithm 1.
    """
    t, h = np.broadcast_arrays(_iters(T), _eta(eta))
    return _out(2.0 * (1.0 - h) / np.sqrt(t + 1.0))


def ddkwz23_e1(T: Any, gamma: Any, eta: Any = 0.0) -> np.ndarray:
    r"""DDKWZ23's error after ``T`` iterations, ``E1 ~ 1/(gamma sqrt(T))`` (exact inverse of T).

    .. math:: \varepsilon(T) = \frac{4 (1 - \eta)}{\gamma \sqrt{T + 1}}

    This inverts :func:`ddkwz23_iterations` (``T + 1 = 16 (1-eta)^2 / (gamma^2 eps^2)``): it is
    the error level that DDKWZ23's analysis guarantees after ``T`` steps (with ``T`` fixed in
    advance, which fixes the step size).  Values above 1 are vacuous but returned as is.

    Parameters
    ----------
    T : array-like
        Number of steps, ``>= 0``.
    gamma : array-like
        Margin in ``(0, 1]``.
    eta : array-like, default 0
        RCN rate in ``[0, 1/2)``.

    Returns
    -------
    ndarray

    References
    ----------
    DDKWZ23 (arXiv:2306.16352), Algorithm 1 and its analysis.
    """
    t, g, h = np.broadcast_arrays(_iters(T), _gamma(gamma), _eta(eta))
    return _out(4.0 * (1.0 - h) / (g * np.sqrt(t + 1.0)))


# --------------------------------------------------------------------------- JL
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
    gamma : array-like
        Margin in ``(0, 1]``.
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
