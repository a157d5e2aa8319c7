"""Instance families on which sample-complexity claims for margin halfspaces under RCN can fail.

On the benign family (``"sphere"``: uniform on the sphere conditioned on ``|w*.x| >= gamma``)
the law is symmetric about ``w*``, so under random classification noise ``E[y x]`` points
exactly along ``w*`` and the trivial learner "mean of ``y x``" meets every target.  The other
families are mixtures of mirrored atoms spread on small spheres orthogonal to ``w*``
(:class:`~slam_theory.data._atoms.SpreadAtoms`: exact margin, ``||x|| <= 1``, disagreement in
closed form with ``scipy.special.betainc``), built so that the mean of ``y x`` and convex-loss
learners keep a disagreement floor that does not shrink with ``n``:

* ``"long_servedio"``: large-margin points, pullers and penalisers in a random 2-D plane.
* ``"eps_floor"``: a hard region of mass ``hard_factor * epsilon`` that is ambiguous between two
  candidate halfspaces (or, with ``hard_atoms = m``, split into ``m`` atoms that each carry one
  sign of ``w*``), plus a Long-Servedio component: ``n = Omega(m / (eps (1 - 2 eta)^2))``.
* ``"perceptron_gamma"``: ``m`` of order ``1 / gamma^2`` orthogonal directions, each carrying
  one bit of ``w*``, plus a control-failing component: ``n`` grows like ``1 / gamma^2``.

Examples
--------
>>> from slam_theory.data import make_instance, INSTANCE_FAMILIES
>>> INSTANCE_FAMILIES
('sphere', 'long_servedio', 'eps_floor', 'perceptron_gamma')
>>> gen = make_instance("long_servedio", d=6, gamma=0.03, random_state=0)
>>> X, y = gen.sample(3)
>>> X.shape, gen.disagreement(gen.w_star), gen.disagreement(-gen.w_star)
((3, 6), 0.0, 1.0)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validation import check_choice, check_in_range, check_int
from ._atoms import SpreadAtoms, check_spread, init_rng, random_frame
from ._base import check_d
from .halfspaces import MarginHalfspace

__all__ = [
    "INSTANCE_FAMILIES",
    "LS_DESIGNS",
    "EpsFloorInstance",
    "LongServedioInstance",
    "PerceptronGammaInstance",
    "instance_class",
    "make_instance",
]

#: Control-failing designs: atoms ``(a, b, p)`` in the plane ``(w*, u)``; ``a`` given as ``None``
#: means "the small margin ``g``", ``b`` given as ``"5g"`` means ``5 g``.  ``"wide"`` and
#: ``"classic"`` are Long-Servedio designs (large-margin points, pullers, penalisers);
#: ``"mean_trap"`` (pullers ``(g, 0.85)`` w.p. 0.6, penalisers ``(g, -0.85)`` w.p. 0.4) defeats
#: only the mean of ``y x``, for larger ``g``.
LS_DESIGNS: dict[str, tuple[tuple[Any, Any, float], ...]] = {
    "wide": ((0.92, 0.0, 0.24), (None, 0.72, 0.34), (None, 0.40, 0.10), (None, -0.25, 0.32)),
    "classic": ((0.99, 0.0, 0.25), (None, "5g", 0.20), (None, 0.90, 0.05), (None, -0.30, 0.50)),
    "mean_trap": ((None, 0.85, 0.6), (None, -0.85, 0.4)),
}


def _ls_atoms(design: str, g: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(a, b, p)`` arrays of a Long-Servedio design at small margin ``g``."""
    rows = LS_DESIGNS[design]
    a = np.array([g if r[0] is None else float(r[0]) for r in rows])
    b = np.array([5.0 * g if r[1] == "5g" else float(r[1]) for r in rows])
    p = np.array([r[2] for r in rows])
    return a, b, p


class LongServedioInstance(SpreadAtoms):
    """Large-margin points, pullers and penalisers: convex learners and the mean of ``y x`` fail.

    Why it is hard.  In the spirit of Long and Servedio, "Random classification noise defeats
    all convex potential boosters" (Machine Learning 78, 2010): under RCN a convex surrogate is
    dominated by the flipped large-margin points and the many small-margin points, and its
    minimiser tilts away from ``w*`` until a whole group of small-margin points is misclassified;
    the mean of ``y x`` tilts likewise.  Both keep that disagreement for every ``n``, while a
    noise-tolerant margin learner (e.g. projected subgradient on the LeakyReLU loss of
    Diakonikolas, Diakonikolas, Kane, Wang and Zarifis, COLT 2023) reaches 0.

    Law.  In a random orthonormal pair ``(w*, u)`` (drawn from ``random_state``) the atoms
    ``a w* + b u`` of ``LS_DESIGNS[design]``, mirrored (``x -> -x``), each spread uniformly on a
    sphere of radius ``rho_k = min(spread, room)`` in ``w*``'s orthogonal complement (so the
    margin ``a`` is exact and the disagreement is continuous in ``w``), with ``g = gamma``:

    * ``"wide"`` (default): ``(0.92, 0)`` w.p. 0.24, ``(g, 0.72)`` 0.34, ``(g, 0.40)`` 0.10,
      ``(g, -0.25)`` 0.32.  The mean of ``y x`` misclassifies the penalisers ``(g, -0.25)`` for
      every ``g`` below about 0.17 and every ``eta``; unpenalised logistic regression and the
      hinge loss do so for smaller ``g`` (the admissible range grows with ``eta``; the tests
      pin a case at ``eta = 0.2``).
    * ``"classic"``: ``(0.99, 0)`` w.p. 0.25, ``(g, 5g)`` 0.2, ``(g, 0.9)`` 0.05,
      ``(g, -0.3)`` 0.5; the large-margin atom is ``(1, 0)`` rescaled to 0.99 to leave room for
      the spread.  All three controls misclassify the pullers for ``g`` up to about 0.04.

    Parameters
    ----------
    d : int, default 10
        Dimension, ``>= 3``.
    gamma : float, default 0.03
        The small margin ``g``, in ``(0, 0.2]``.
    design : {"wide", "classic", "mean_trap"}, default "wide"
    spread : float, default 0.1
        Spread radius (clipped per atom to stay inside the unit ball), in ``(0, 0.5]``.
    random_state : None, int, SeedSequence, Generator or RandomState, optional

    Examples
    --------
    >>> gen = LongServedioInstance(d=5, gamma=0.05, random_state=0)
    >>> X, y = gen.sample(100)
    >>> bool((abs(X @ gen.w_star) >= 0.05 - 1e-12).all()), gen.disagreement(gen.w_star)
    (True, 0.0)
    """

    def __init__(
        self,
        d: int = 10,
        gamma: float = 0.03,
        design: str = "wide",
        spread: float = 0.1,
        random_state: Any = None,
    ) -> None:
        self.d = check_d(d, low=3)
        self.gamma = check_in_range(gamma, "gamma", 0.0, 0.2, low_inclusive=False)
        self.design = check_choice(design, "design", tuple(LS_DESIGNS))
        self.spread = check_spread(spread)
        self._rng = init_rng(random_state)
        U = random_frame(self.d, 2, self._rng)
        a, b, p = _ls_atoms(self.design, self.gamma)
        centers = a[:, None] * U[:, 0] + b[:, None] * U[:, 1]
        self.u = U[:, 1].copy()
        self._setup(centers, p, self.spread, U[:, :1], U[:, 0])


class EpsFloorInstance(SpreadAtoms):
    """A hard region of mass ``hard_factor * epsilon``, ambiguous between two halfspaces.

    Why it is hard (the information-theoretic floor in ``1/eps``).  In a random orthonormal
    triple ``(u1, u2, u3)`` the two candidates are ``w_+- = cos(theta) u1 +- sin(theta) u3``
    with ``sin(theta) = gamma / beta``, ``beta = sqrt(1 - spread^2)``; ``w*`` is one of them,
    drawn from ``random_state``.  The hard region is the mirrored atom ``beta u3`` (margin
    exactly ``gamma`` for both candidates, labels opposite), of mass ``h = hard_factor * eps``.
    Everything else is a Long-Servedio component (``design``, small margin ``control_margin``,
    coordinates ``(a / cos(theta), b)`` in ``(u1, u2)``, so its margins under both candidates
    are ``a``), on which the mean of ``y x`` and convex learners keep a disagreement floor that
    does not shrink with ``n``.  The spread lies in the complement of ``(u1, u3)``, so the law
    of ``x`` is the same under both candidates: only the labels of hard points tell them apart.
    Every ``w`` errs on each hard point for exactly one candidate, so
    ``err_+(w) + err_-(w) >= h``, and by Le Cam's two-point method and the Bretagnolle-Huber
    inequality, with ``KL = n h (1 - 2 eta) log((1 - eta) / eta) <= n h (1 - 2 eta)^2 / eta``
    between the two laws of ``n`` noisy samples, any learner with expected disagreement (over
    the draw of ``w*``) at most ``h / 4`` needs ``KL >= log(4/3)``, that is
    ``n >= eta log(4/3) / (h (1 - 2 eta)^2)``; with ``hard_factor = 4`` a learner reaching
    disagreement ``eps`` needs ``n >= eta log(4/3) / (4 eps (1 - 2 eta)^2)``.  A learner that
    has not seen enough hard points errs on about half of them.

    With ``hard_atoms = m > 1`` the hard region is an Assouad cube instead: ``m`` orthonormal
    directions ``v_j`` with random signs ``s_j``, ``w* = cos(theta) u1 + sin(theta) sum_j s_j
    v_j / sqrt(m)`` with ``sin(theta) = gamma sqrt(m) / beta``, and mirrored atoms ``beta s_j v_j``
    of mass ``h / m`` each (margin exactly ``gamma``).  Each sign is carried by its atom alone,
    so the same two-point bound holds per sign with ``h / m`` for ``h``: reaching disagreement
    ``eps`` takes ``n`` of order ``m / (eps (1 - 2 eta)^2)`` (each atom seen a few times),
    which makes the floor of 1 in ``1/eps`` bind at sizes a learner's other costs do not hide.
    ``w*`` then leans ``gamma sqrt(m)`` into the hard directions, so ``gamma sqrt(m)`` must stay
    small enough for the Long-Servedio atoms to fit in the unit ball.

    Parameters
    ----------
    d : int, default 10
        Dimension, ``>= 5``.
    gamma : float, default 0.03
        Margin of the hard region, in ``(0, 0.2]``.
    epsilon : float, default 0.05
        Target disagreement; the hard mass is ``hard_factor * epsilon <= 0.5``.
    hard_factor : float, default 4.0
        ``>= 1``.
    control_margin : float, optional
        Small margin of the Long-Servedio component, ``>= gamma`` (default ``gamma``).
    design : {"wide", "classic", "mean_trap"}, default "wide"
    spread : float, default 0.1
    choice : {0, 1}, optional
        Which candidate is ``w*``; default: drawn from ``random_state`` (it is drawn either way,
        so two instances with the same seed and different ``choice`` share the law of ``x``).
        Only for ``hard_atoms = 1``.
    hard_atoms : int, default 1
        Number of hard atoms ``m`` (``d >= m + 3``).
    random_state : None, int, SeedSequence, Generator or RandomState, optional

    Attributes
    ----------
    candidates : ndarray of shape (2, d) or None
        ``w_+`` and ``w_-``; ``w_star`` is ``candidates[choice]`` (None if ``hard_atoms > 1``).
    choice : int or None
        0 or 1, drawn from ``random_state`` (None if ``hard_atoms > 1``).
    signs : ndarray of shape (hard_atoms,)
        The signs ``s_j`` the hard atoms carry.
    hard_mass : float

    Examples
    --------
    >>> gen = EpsFloorInstance(d=6, gamma=0.05, epsilon=0.05, random_state=0)
    >>> w_other = gen.candidates[1 - gen.choice]
    >>> round(gen.disagreement(w_other), 12) == round(gen.hard_mass, 12)
    True
    """

    def __init__(
        self,
        d: int = 10,
        gamma: float = 0.03,
        epsilon: float = 0.05,
        hard_factor: float = 4.0,
        control_margin: float | None = None,
        design: str = "wide",
        spread: float = 0.1,
        choice: int | None = None,
        hard_atoms: int = 1,
        random_state: Any = None,
    ) -> None:
        self.d = check_d(d, low=5)
        self.hard_atoms = check_int(hard_atoms, "hard_atoms", low=1)
        if choice is not None and self.hard_atoms > 1:
            raise ValueError("choice picks one of two candidates: it needs hard_atoms = 1, "
                             f"got hard_atoms = {self.hard_atoms}")
        self.gamma = check_in_range(gamma, "gamma", 0.0, 0.2, low_inclusive=False)
        self.hard_factor = check_in_range(hard_factor, "hard_factor", 1.0, 100.0)
        self.epsilon = check_in_range(
            epsilon, "epsilon", 0.0, 0.5 / self.hard_factor, low_inclusive=False
        )
        g = self.gamma if control_margin is None else control_margin
        self.control_margin = check_in_range(g, "control_margin", self.gamma, 0.2)
        self.design = check_choice(design, "design", tuple(LS_DESIGNS))
        self.spread = check_spread(spread)
        self._rng = init_rng(random_state)
        m = self.hard_atoms
        beta = math.sqrt(1.0 - self.spread**2)
        sin_t = self.gamma * math.sqrt(m) / beta
        a, b, p = _ls_atoms(self.design, self.control_margin)
        # w* leans gamma sqrt(m) into the hard directions; the Long-Servedio atoms, at
        # (a / cos(theta), b) in (u1, u2), must stay inside the unit ball
        cos_t = math.sqrt(1.0 - sin_t * sin_t) if sin_t < 1.0 else 0.0
        if cos_t == 0.0 or float(np.max(np.hypot(a / cos_t, b))) >= 1.0:
            raise ValueError(
                f"gamma * sqrt(hard_atoms) = {self.gamma * math.sqrt(m):.3g} is too large: the "
                "Long-Servedio atoms would leave the unit ball; lower gamma or hard_atoms")
        self.hard_mass = self.hard_factor * self.epsilon
        if m == 1:
            U = random_frame(self.d, 3, self._rng)
            drawn = int(self._rng.integers(0, 2))
            self.choice = drawn if choice is None else check_int(choice, "choice", low=0, high=1)
            self.candidates = np.stack([cos_t * U[:, 0] + sin_t * U[:, 2],
                                        cos_t * U[:, 0] - sin_t * U[:, 2]])
            self.signs = np.array([1.0 if self.choice == 0 else -1.0])
            w_star = self.candidates[self.choice]
        else:
            U = random_frame(self.d, 2 + m, self._rng)
            self.signs = np.where(self._rng.random(m) < 0.5, -1.0, 1.0)
            self.choice, self.candidates = None, None
            w_star = cos_t * U[:, 0] + (sin_t / math.sqrt(m)) * (U[:, 2:] @ self.signs)
        ls = (a / cos_t)[:, None] * U[:, 0] + b[:, None] * U[:, 1]
        hard = beta * self.signs[:, None] * U[:, 2:].T
        centers = np.vstack([ls, hard])
        probs = np.r_[(1.0 - self.hard_mass) * p, np.full(m, self.hard_mass / m)]
        fixed = U[:, [0, *range(2, 2 + m)]]
        self._setup(centers, probs, self.spread, fixed, w_star)


class PerceptronGammaInstance(SpreadAtoms):
    """``m ~ 1/gamma^2`` orthogonal directions, each to be seen to be learned, plus controls.

    Why it is hard (the floor of 2 in ``1/gamma``).  The Perceptron lower-bound construction:
    ``m`` orthonormal directions ``u_i`` (random, from ``random_state``), random signs ``s_i``,
    ``w* = sqrt(1 - alpha^2) sum_i s_i u_i / sqrt(m) + alpha v`` and mirrored atoms ``r s_i u_i``
    (``r = sqrt(1 - spread^2)``) of total mass ``1 - control_mass``, equal per direction, with
    ``m = floor(r^2 (1 - alpha^2) / gamma^2)`` so that their margin
    ``r sqrt(1 - alpha^2) / sqrt(m)`` is ``>= gamma``.  The law of ``x`` does not depend on the
    signs, and no other part of the instance carries them, so a learner must see labelled points
    of (almost) every direction to learn its sign: reaching disagreement ``eps`` takes ``n`` of
    order ``m / (1 - 2 eta)^2``, i.e. ``1 / gamma^2``.  On this part alone the mean of ``y x`` is
    itself a good learner (``E[y x]`` is parallel to ``w*``), so a control-failing component of
    fixed mass ``control_mass`` is mixed in, in its own plane ``(v, u)``: the atoms ``a v + b u``
    of ``design`` at in-plane small coordinate ``g = control_margin / alpha`` (margin
    ``alpha a``, so the small atoms have margin exactly ``control_margin``).  Both parts see
    disjoint coordinates, so the mean of ``y x`` (and any convex loss, which separates over the
    two parts) behaves on that plane as on the design alone: with the default ``"mean_trap"``
    design at ``g = 0.2`` the mean misclassifies the penalisers (disagreement
    ``0.4 control_mass``) for every ``gamma``; the Long-Servedio designs also defeat logistic
    regression and the hinge loss when ``g`` is small enough (``design="wide"``,
    ``control_margin = 0.05``: ``g = 0.1``).

    ``d`` is a parameter fixed across a ``gamma`` grid (``d >= m + 4`` for the smallest gamma);
    the unused coordinates carry the spread (uniform on a sphere in the complement of the
    ``u_i`` and ``v``), so an experiment varies ``1/gamma`` and not ``d``.

    Parameters
    ----------
    d : int, default 200
        Dimension, ``>= m + 4``.
    gamma : float, default 0.1
        In ``(0, control_margin]``.
    control_mass : float, default 0.5
        Mass of the control-failing component, in ``[0, 0.9]``.
    control_margin : float, default 0.1
        Margin of its small atoms, ``>= gamma``; fixed across a ``gamma`` grid.
    alpha : float, default 0.5
        Weight of ``w*`` on the control plane, in ``(0, 0.9]``.
    design : {"wide", "classic", "mean_trap"}, default "mean_trap"
    spread : float, default 0.1
    random_state : None, int, SeedSequence, Generator or RandomState, optional

    Attributes
    ----------
    m : int
        Number of directions.
    signs : ndarray of shape (m,)

    Examples
    --------
    >>> gen = PerceptronGammaInstance(d=100, gamma=0.1, random_state=0)
    >>> gen.m, gen.disagreement(gen.w_star)
    (74, 0.0)
    """

    def __init__(
        self,
        d: int = 200,
        gamma: float = 0.1,
        control_mass: float = 0.5,
        control_margin: float = 0.1,
        alpha: float = 0.5,
        design: str = "mean_trap",
        spread: float = 0.1,
        random_state: Any = None,
    ) -> None:
        self.control_margin = check_in_range(
            control_margin, "control_margin", 0.0, 0.5, low_inclusive=False
        )
        self.gamma = check_in_range(gamma, "gamma", 0.0, self.control_margin, low_inclusive=False)
        self.spread = check_spread(spread)
        self.alpha = check_in_range(alpha, "alpha", 0.0, 0.9, low_inclusive=False)
        if self.control_margin / self.alpha > 0.3:
            raise ValueError(
                f"control_margin / alpha = {self.control_margin / self.alpha:.3g} must be <= 0.3 "
                "(the in-plane small coordinate of the control design)"
            )
        r = math.sqrt(1.0 - self.spread**2)
        c = math.sqrt(1.0 - self.alpha**2)
        self.m = max(1, math.floor(r * r * c * c / (self.gamma * self.gamma) * (1.0 + 1e-12)))
        self.d = check_d(d)
        if self.d < self.m + 4:
            raise ValueError(
                f"d must be >= m + 4 = {self.m + 4} for gamma={self.gamma} (m = {self.m} "
                f"directions), got {self.d}"
            )
        self.control_mass = check_in_range(control_mass, "control_mass", 0.0, 0.9)
        self.design = check_choice(design, "design", tuple(LS_DESIGNS))
        self._rng = init_rng(random_state)
        m = self.m
        U = random_frame(self.d, m + 2, self._rng)
        self.signs = np.where(self._rng.random(m) < 0.5, -1.0, 1.0)
        v, u = U[:, m], U[:, m + 1]
        w_star = c * (U[:, :m] @ self.signs) / math.sqrt(m) + self.alpha * v
        a, b, p = _ls_atoms(self.design, self.control_margin / self.alpha)
        control = a[:, None] * v + b[:, None] * u
        dirs = r * (U[:, :m] * self.signs).T
        centers = np.vstack([dirs, control])
        probs = np.r_[np.full(m, (1.0 - self.control_mass) / m), self.control_mass * p]
        keep = probs > 0
        self._setup(centers[keep], probs[keep], self.spread, U[:, : m + 1], w_star)


_FAMILIES: dict[str, type] = {
    "sphere": MarginHalfspace,
    "long_servedio": LongServedioInstance,
    "eps_floor": EpsFloorInstance,
    "perceptron_gamma": PerceptronGammaInstance,
}

#: Names accepted by :func:`make_instance`.
INSTANCE_FAMILIES: tuple[str, ...] = tuple(_FAMILIES)


def instance_class(family: str) -> type:
    """The generator class of an instance family (its signature lists the accepted params).

    Examples
    --------
    >>> instance_class("long_servedio").__name__
    'LongServedioInstance'
    """
    return _FAMILIES[check_choice(family, "family", INSTANCE_FAMILIES)]


def make_instance(family: str, *, d: int, gamma: float, random_state: Any = None,
                  **params: Any) -> Any:
    """Build the generator of an instance family by name.

    Parameters
    ----------
    family : str
        One of :data:`INSTANCE_FAMILIES`.
    d : int
    gamma : float
    random_state : None, int, SeedSequence, Generator or RandomState, optional
    **params
        The family's own parameters (see its class); unknown names raise ``TypeError``.

    Returns
    -------
    generator
        With ``sample(n)``, ``stream(n, batch)``, ``w_star``, ``gamma``, exact
        ``disagreement(w)`` and ``angle(w)``.

    Examples
    --------
    >>> gen = make_instance("eps_floor", d=8, gamma=0.05, epsilon=0.02, random_state=1)
    >>> type(gen).__name__, gen.hard_mass
    ('EpsFloorInstance', 0.08)
    """
    cls = instance_class(family)
    try:
        return cls(d=d, gamma=gamma, random_state=random_state, **params)
    except TypeError as exc:
        if "unexpected keyword" in str(exc):
            raise TypeError(f"family {family!r} does not accept {exc}".rstrip()) from None
        raise
