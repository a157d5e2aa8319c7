"""The halfspace trial the theory experiments share: pure functions of ``(params, seed)``.

Each function has the runner's signature ``f(params, seed) -> dict``: the same parameters
and the same :class:`numpy.random.SeedSequence` give the same output, bit for bit, whatever
the process, the worker count or the call order.  Outputs hold measurements only (no
timings), so ``trials.csv`` is reproducible.

Randomness.  A trial derives independent child streams from its seed *without* mutating it
(``SeedSequence(entropy, spawn_key=seed.spawn_key + (k,))``): one for the data, one for the
label noise, one for the learner (permutations, validation split) and one for the random
projection.  None of them depends on the learner's name, so learners run with the same seed
see the same samples and the same noisy labels (common random numbers); the experiment's
``seed_by`` lists the data parameters so that the engine hands them the same seed.

Trials
------
:func:`halfspace_error`
    Draw a margin halfspace sample, corrupt the labels (RCN or Massart), fit a learner,
    optionally through a Johnson-Lindenstrauss projection, and measure its exact
    disagreement with ``w*``.
:func:`halfspace_stream_error`
    The same for an online learner fed batch by batch, in ``O(batch * d)`` memory.

Examples
--------
>>> out = halfspace_error({"learner": "slam", "d": 5, "gamma": 0.1, "eta": 0.1, "n": 200},
...                       np.random.SeedSequence(0))
>>> sorted(out)
['dim', 'disagreement', 'flip_rate', 'n_iter']
>>> out == halfspace_error({"learner": "slam", "d": 5, "gamma": 0.1, "eta": 0.1, "n": 200},
...                        np.random.SeedSequence(0))
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from sklearn.random_projection import GaussianRandomProjection

from slam_theory import bounds, data, noise
from slam_theory import halfspaces as hs

__all__ = [
    "DATA_PARAMS",
    "LEARNERS",
    "MARGINALS",
    "data_dim",
    "halfspace_error",
    "halfspace_stream_error",
    "make_generator",
    "make_learner",
    "projection_dim",
]

#: Learner names accepted by :func:`halfspace_error` (``params["learner"]``).
LEARNERS: tuple[str, ...] = (
    "slam",
    "leaky_relu",
    "leaky_relu_online",
    "perceptron",
    "averaged_perceptron",
    "logistic",
    "unbiased",
    "forward",
    "backward",
    "leaky_relu_capped",
    "mean",
    "logreg_exact",
    "hinge",
)


#: Marginals accepted by :func:`halfspace_error` (``params["marginal"]``).
MARGINALS: tuple[str, ...] = ("sphere", "ball", "gaussian", "hypercube")


#: Parameters that define a :func:`halfspace_error` trial's data (use them as ``seed_by``).
DATA_PARAMS: tuple[str, ...] = (
    "d",
    "gamma",
    "eta",
    "n",
    "marginal",
    "noise",
    "massart_fn",
)


# child-stream indices of a trial's SeedSequence
_DATA, _NOISE, _LEARNER, _PROJECTION = 0, 1, 2, 3


def _child(seed: np.random.SeedSequence, k: int) -> np.random.SeedSequence:
    """The ``k``-th child of ``seed``, derived without mutating ``seed`` (keeps trials pure)."""
    if not isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(seed)
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, k))


def _rs_int(seed: np.random.SeedSequence) -> int:
    """An int seed (for APIs taking ``int | RandomState`` only) drawn from ``seed``."""
    return int(seed.generate_state(1, dtype=np.uint32)[0])


def _get(params: Mapping[str, Any], key: str, default: Any) -> Any:
    value = params.get(key, default)
    return default if value is None or value == "" else value


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------
def data_dim(params: Mapping[str, Any]) -> int:
    """Dimension of a trial's data.

    ``d`` as given, or, when ``d_gamma_factor = c > 0``, ``d = max(d, round(c / gamma^2))``:
    the regime where the margin binds (a typical ``|w* . x|`` on the sphere is ``1/sqrt(d)``,
    so ``d ~ 1/gamma^2`` puts most of the mass near the margin).
    """
    d = int(_get(params, "d", 2))
    c = float(_get(params, "d_gamma_factor", 0.0))
    if c > 0:
        d = max(d, round(c / float(params["gamma"]) ** 2))
    return d


def make_generator(params: Mapping[str, Any], seed: np.random.SeedSequence) -> Any:
    """The data generator of a trial (``marginal`` in :data:`MARGINALS`, default "sphere").

    Parameters
    ----------
    params : mapping
        Uses ``d``, ``gamma`` and ``marginal``.
    seed : SeedSequence
        The data stream's seed.

    Returns
    -------
    MarginHalfspace or GaussianHalfspace or HypercubeHalfspace
    """
    d = data_dim(params)
    marginal = str(_get(params, "marginal", "sphere"))
    gamma = float(_get(params, "gamma", 0.0))
    if marginal in ("sphere", "ball"):
        return data.MarginHalfspace(d=d, gamma=gamma, marginal=marginal, random_state=seed)
    if marginal == "gaussian":
        return data.GaussianHalfspace(d=d, gamma=gamma, random_state=seed)
    if marginal == "hypercube":
        return data.HypercubeHalfspace(d=d, random_state=seed)
    raise ValueError(f"marginal must be one of {MARGINALS}, got {marginal!r}")


def _massart_eta_fn(
    name: str, eta_max: float, w_star: np.ndarray, gamma: float
) -> Callable[[np.ndarray], np.ndarray] | None:
    """Flip-probability functions for Massart noise (``params["massart_fn"]``).

    ``"halfspace"``: the noise module's default (``eta_max`` on one side of a hyperplane
    orthogonal to the default ``w* = e_1``).  ``"boundary"``: ``eta_max`` where
    ``|w* . x| < 2 gamma`` (the points nearest the decision boundary), 0 elsewhere.
    ``"decay"``: ``eta_max * exp(-(|w* . x| - gamma) / gamma)``, decaying with the distance
    to the boundary.
    """
    if name == "halfspace":
        return None
    if name == "boundary":
        return lambda X: np.where(np.abs(X @ w_star) < 2.0 * gamma, eta_max, 0.0)
    if name == "decay":
        return lambda X: eta_max * np.exp(
            -np.maximum(np.abs(X @ w_star) - gamma, 0.0) / max(gamma, 1e-12)
        )
    raise ValueError(f"massart_fn must be 'halfspace', 'boundary' or 'decay', got {name!r}")


def _corrupt(
    params: Mapping[str, Any], gen: Any, X: np.ndarray, y: np.ndarray, seed: Any
) -> np.ndarray:
    kind = str(_get(params, "noise", "rcn"))
    eta = float(_get(params, "eta", 0.0))
    if kind == "rcn":
        return noise.RCN(eta).corrupt(y, random_state=seed)
    if kind == "massart":
        fn = _massart_eta_fn(
            str(_get(params, "massart_fn", "halfspace")),
            eta,
            np.asarray(gen.w_star, dtype=float),
            float(_get(params, "gamma", 0.0)),
        )
        return noise.Massart(eta, eta_fn=fn).corrupt(X, y, random_state=seed)
    raise ValueError(f"noise must be 'rcn' or 'massart', got {kind!r}")


def _default_scale(gamma: float, epsilon: float) -> float:
    """Inverse temperature giving confidence ``1 - epsilon`` at margin ``gamma``."""
    return math.log((1.0 - epsilon) / epsilon) / gamma if gamma > 0 else 1.0


def make_learner(params: Mapping[str, Any], random_state: Any = None) -> Any:
    """Build the estimator named by ``params["learner"]`` with its noise parameters.

    Parameters
    ----------
    params : mapping
        ``learner`` (one of :data:`LEARNERS`), ``eta`` (the noise rate the noise-aware
        learners are told; for Massart noise, its bound), optional ``learner_eta`` (to tell
        the learner another rate), ``gamma``, ``epsilon`` (target error, default 0.05: sets
        the LeakyReLU iteration count and the sigmoid scale), ``scale`` (override the
        sigmoid scale of the SGD learners; default the SLaM scale
        ``log((1 - epsilon)/epsilon) / gamma`` for all of them, so they differ only in the
        loss), ``passes`` (SGD / Perceptron passes, default 1), ``max_steps`` (cap on
        LeakyReLU's full-batch iterations, 0 = none).
    random_state : optional
        The learner's own randomness.

    Returns
    -------
    estimator
        An unfitted scikit-learn estimator.
    """
    name = str(params["learner"])
    if name not in LEARNERS:
        raise ValueError(f"learner must be one of {LEARNERS}, got {name!r}")
    eta = float(_get(params, "learner_eta", _get(params, "eta", 0.0)))
    gamma_raw = _get(params, "gamma", 0.0)
    gamma = float(gamma_raw) if float(gamma_raw) > 0 else None
    epsilon = float(_get(params, "epsilon", 0.05))
    scale_raw = float(_get(params, "scale", 0.0))
    scale = scale_raw if scale_raw > 0 else _default_scale(gamma or 0.0, epsilon)
    extra: dict[str, Any] = {
        "passes": int(_get(params, "passes", 1)),
        "max_steps": int(_get(params, "max_steps", 0)) or None,
    }
    if name in ("slam", "logistic", "unbiased", "forward", "backward"):
        extra["scale"] = scale
    return hs.make_learner(
        name, eta=eta, gamma=gamma, epsilon=epsilon, random_state=random_state, **extra
    )


def projection_dim(params: Mapping[str, Any]) -> int:
    """Target dimension of the JL projection of a trial (0 = no projection).

    ``project_dim > 0`` is used as given (capped at ``d``); ``project_dim = -1`` asks
    :func:`slam_theory.bounds.jl_dimension` for ``m = ceil(C log(4/beta) / gamma^2)`` with
    ``beta = project_beta`` (default 0.05) and ``C = project_constant`` (default 128, the
    worst-case constant of the bound; experiments pass a practical one).  If ``m >= d``
    no projection is made (0 is returned).
    """
    m = int(_get(params, "project_dim", 0))
    if m == 0:
        return 0
    d = data_dim(params)
    if m < 0:
        m = int(
            bounds.jl_dimension(
                float(params["gamma"]),
                beta=float(_get(params, "project_beta", 0.05)),
                constant=float(_get(params, "project_constant", 128.0)),
            )
        )
    return m if 0 < m < d else 0  # m >= d: projecting cannot reduce the dimension


def _project(
    X: np.ndarray, m: int, seed: np.random.SeedSequence
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian JL projection ``x -> R x / ||R x||``; returns (projected X, R of shape (m, d)).

    Normalising each projected row keeps ``||x|| <= 1`` (the learners' assumption) and does
    not change ``sign(w_m . R x)``, so ``R^T w_m`` is the equivalent hypothesis in the
    original space.
    """
    proj = GaussianRandomProjection(n_components=m, random_state=_rs_int(seed))
    Z = proj.fit_transform(X)
    nrm = np.linalg.norm(Z, axis=1, keepdims=True)
    Z = Z / np.where(nrm > 0, nrm, 1.0)
    return np.ascontiguousarray(Z), np.asarray(proj.components_, dtype=float)


# --------------------------------------------------------------------------------------------
# trials
# --------------------------------------------------------------------------------------------
def halfspace_error(params: Mapping[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
    """Fit one learner on noisy margin-halfspace data; exact disagreement with ``w*``.

    Parameters
    ----------
    params : mapping
        Data: ``d`` (or ``d_gamma_factor``, see :func:`data_dim`), ``gamma``, ``n``,
        ``marginal`` ("sphere" default, "ball", "gaussian", "hypercube").
        Noise: ``eta``, ``noise`` ("rcn" default or "massart"), ``massart_fn``
        ("halfspace" default, "boundary" or "decay").
        Learner: see :func:`make_learner`.
        Projection: ``project_dim`` (0 none, m > 0, or -1 for
        :func:`slam_theory.bounds.jl_dimension`), ``project_beta``, ``project_constant``.
    seed : SeedSequence
        The trial's seed (not mutated).

    Returns
    -------
    dict
        ``disagreement`` (exact ``Pr[sign(w . x) != sign(w* . x)]`` on the original
        distribution), ``n_iter`` (passes or full-batch steps), ``flip_rate`` (fraction of
        labels the noise flipped), ``dim`` (dimension the learner saw).
    """
    gen = make_generator(params, _child(seed, _DATA))
    n = int(params["n"])
    X, y = gen.sample(n)
    y_noisy = _corrupt(params, gen, X, y, _child(seed, _NOISE))
    m = projection_dim(params)
    R = None
    Xfit = X
    if m > 0:
        Xfit, R = _project(X, m, _child(seed, _PROJECTION))
    est = make_learner(params, random_state=_child(seed, _LEARNER))
    est.fit(Xfit, y_noisy)
    w = np.asarray(est.coef_, dtype=float).ravel()
    if R is not None:
        w = R.T @ w
    if not np.any(w):
        disagreement = 0.5  # the zero hypothesis: as good as a coin
    else:
        disagreement = float(gen.disagreement(w))
    return {
        "disagreement": disagreement,
        "n_iter": int(getattr(est, "n_iter_", 0)),
        "flip_rate": float(np.mean(y_noisy != y)),
        "dim": int(Xfit.shape[1]),
    }


def halfspace_stream_error(
    params: Mapping[str, Any], seed: np.random.SeedSequence
) -> dict[str, Any]:
    """Like :func:`halfspace_error` for an online learner, in ``O(batch * d)`` memory.

    The data come from the generator's ``stream(n, batch)`` mode and are fed batch by batch
    to ``partial_fit`` (one pass), so a trial with ``n = 1e8`` never holds more than one
    batch.  Noise is RCN (``noise = "rcn"``) drawn batch by batch from the trial's noise
    stream.  The learner must support ``partial_fit`` ("slam", "leaky_relu_online",
    "perceptron", "averaged_perceptron", "logistic", "unbiased", "forward", "backward").

    Parameters
    ----------
    params : mapping
        As :func:`halfspace_error` (no projection, RCN only), plus ``batch`` (default 65536).
    seed : SeedSequence
        The trial's seed (not mutated).

    Returns
    -------
    dict
        ``disagreement`` (exact), ``n_seen`` and ``flip_rate``.
    """
    if str(_get(params, "noise", "rcn")) != "rcn":
        raise ValueError("halfspace_stream_error supports noise = 'rcn' only")
    gen = make_generator(params, _child(seed, _DATA))
    n = int(params["n"])
    batch = int(_get(params, "batch", 65536))
    rcn = noise.RCN(float(_get(params, "eta", 0.0)))
    noise_rng = np.random.default_rng(_child(seed, _NOISE))
    est = make_learner(params, random_state=_child(seed, _LEARNER))
    if not hasattr(est, "partial_fit"):
        raise ValueError(f"learner {params['learner']!r} has no partial_fit (not online)")
    flips = 0
    seen = 0
    for Xb, yb in gen.stream(n, batch):
        yb_noisy = rcn.corrupt(yb, random_state=noise_rng)
        flips += int(np.count_nonzero(yb_noisy != yb))
        seen += yb.shape[0]
        est.partial_fit(Xb, yb_noisy, classes=np.array([-1, 1]))
    w = np.asarray(est.coef_, dtype=float).ravel()
    disagreement = float(gen.disagreement(w)) if np.any(w) else 0.5
    return {"disagreement": disagreement, "n_seen": seen, "flip_rate": flips / seen}

