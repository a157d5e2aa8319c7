"""Noise rate: samples needed against ``x = 1/(1 - 2 eta)`` at a fixed error, judged two-sided
(``noise_rate``).

Two error quantities are held fixed, each its own series of the sweep (column ``quantity``):

* ``"disagreement"``: the target is ``Pr[sign(w.x) != sign(w*.x)] <= level``;
* ``"excess"``: the target is the excess error ``err(w) - eta <= level``; under RCN of rate
  ``eta`` the excess error is ``(1 - 2 eta)`` times the disagreement, so the disagreement
  target is ``level / (1 - 2 eta) = level * x``.

Both are searched for by :func:`slam_theory.experiments.rates.threshold_trial` (the learner
is told the excess error the disagreement target means) on the ``eps_floor`` instance indexed
by the disagreement target. The bound laws (:func:`bound_laws`, derived in
``experiments/noise_rate.toml``) give each quantity's floor and ceiling: the band of log-log
slopes those laws have over the experiment's own ``eta`` grid (:func:`bound_band`). The
claims are judged by :func:`slam_theory.experiments.claim_sweeps.judge_claims`.

Examples
--------
>>> target_of("excess", 0.01, 0.25)
0.02
>>> [round(v, 2) for v in bound_band("disagreement", [0.3, 0.34, 0.375, 0.4, 0.425])]
[1.6, 2.35]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory.experiments.claim_sweeps import fig_claim_panels, judge_claims
from slam_theory.experiments.rates import threshold_trial as _rate_trial
from slam_theory.results import jsonable

__all__ = ["CAPTIONS", "QUANTITIES", "analysis", "bound_band", "bound_laws", "fig_noise_rate",
           "target_of", "threshold_trial"]

#: The error quantities a series may hold fixed.
QUANTITIES: tuple[str, ...] = ("disagreement", "excess")

#: One-line caption of this module's figure (``figures/README.md``).
CAPTIONS: dict[str, str] = {
    "noise_rate": "Samples needed (the n at which the claim's share of seeds reach the target) "
    "against 1/(1-2 eta) on the eps-floor instance, at fixed disagreement and at fixed excess "
    "error, one panel per claim, with the controls; open triangles: never reached within the "
    "largest n tried (censored, drawn at that n); dotted and dashed: the floor and the ceiling "
    "(the slopes of the bound laws over the grid) anchored at the learner's first threshold.",
}


def target_of(quantity: str, level: float, eta: float) -> float:
    """Disagreement target that holds ``quantity`` at ``level`` under RCN of rate ``eta``.

    Parameters
    ----------
    quantity : {"disagreement", "excess"}
    level : float
        The fixed value of the quantity.
    eta : float
        RCN rate in ``[0, 1/2)``.

    Returns
    -------
    float
        ``level`` for a disagreement, ``level / (1 - 2 eta)`` for an excess error.

    Examples
    --------
    >>> target_of("disagreement", 0.1, 0.4)
    0.1
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {QUANTITIES}, got {quantity!r}")
    if not 0.0 <= float(eta) < 0.5:
        raise ValueError(f"eta must be in [0, 0.5), got {eta!r}")
    level = float(level)
    return level if quantity == "disagreement" else round(level / (1.0 - 2.0 * float(eta)), 12)


def threshold_trial(params: Mapping[str, Any], seed: Any) -> list[dict[str, Any]]:
    """One seed's threshold at fixed disagreement or fixed excess error.

    Parameters
    ----------
    params : mapping
        As :func:`slam_theory.experiments.rates.threshold_trial` without ``target``, plus
        ``quantity`` (``"disagreement"`` or ``"excess"``) and the fixed levels
        ``disagreement_level`` and ``excess_level`` (the one named by ``quantity`` is used).
    seed : SeedSequence
        The trial's seed (not mutated).

    Returns
    -------
    list of dict
        The rows of :func:`~slam_theory.experiments.rates.threshold_trial`, each with the
        disagreement ``target`` searched for.

    Examples
    --------
    >>> import numpy as np
    >>> p = {"family": "eps_floor", "d": 6, "gamma": 0.1, "eta": 0.3, "learner": "mean",
    ...      "quantity": "excess", "excess_level": 0.02, "disagreement_level": 0.1,
    ...      "n_min": 50, "n_max": 100, "steps_per_octave": 1}
    >>> rows = threshold_trial(p, np.random.SeedSequence(0))
    >>> rows[-1]["stage"], rows[-1]["target"]
    ('threshold', 0.05)
    """
    quantity = str(params.get("quantity", "disagreement"))
    level = params.get(f"{quantity}_level")
    if level is None:
        raise ValueError(f"quantity {quantity!r} needs the parameter '{quantity}_level'")
    target = target_of(quantity, float(level), float(params["eta"]))
    rows = _rate_trial({**params, "target": target}, seed)
    return [{**r, "target": target} for r in rows]


def bound_laws(quantity: str, eta: Any) -> tuple[np.ndarray, np.ndarray]:
    """The ``eta``-dependence of the lower and upper bound laws at a fixed quantity.

    Constants and the ``eps``, ``gamma`` factors (fixed along the sweep) are dropped; with
    ``x = 1/(1 - 2 eta)`` (derivation in ``experiments/noise_rate.toml``):

    * disagreement: lower ``eta x^2`` (Le Cam on the eps-floor instance), upper
      ``(1 - eta)^2 x^2`` (DDKWZ23's one-pass subgradient analysis);
    * excess error: lower ``eta x``, upper ``(1 - eta)^2``.

    Parameters
    ----------
    quantity : {"disagreement", "excess"}
    eta : array-like
        RCN rates in ``(0, 1/2)``.

    Returns
    -------
    lower, upper : ndarray

    Examples
    --------
    >>> lo, hi = bound_laws("excess", [0.25])
    >>> float(lo[0]), float(hi[0])
    (0.5, 0.5625)
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {QUANTITIES}, got {quantity!r}")
    e = np.asarray(eta, dtype=float)
    if e.ndim != 1 or e.size == 0 or np.any((e <= 0) | (e >= 0.5)):
        raise ValueError("eta must be a non-empty 1-D array of values in (0, 0.5)")
    x = 1.0 / (1.0 - 2.0 * e)
    lower, upper = (2.0, 2.0) if quantity == "disagreement" else (1.0, 0.0)
    return e * x**lower, (1.0 - e) ** 2 * x**upper


def bound_band(quantity: str, eta: Sequence[float]) -> tuple[float, float]:
    """``(floor, ceiling)``: the smallest and largest log-log slope in ``x`` of the two
    bound laws (:func:`bound_laws`) fitted over the grid ``eta``.

    Parameters
    ----------
    quantity : {"disagreement", "excess"}
    eta : sequence of float
        At least two RCN rates in ``(0, 1/2)``.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> [round(v, 2) for v in bound_band("excess", [0.3, 0.34, 0.375, 0.4, 0.425])]
    [-0.4, 1.35]
    """
    e = np.asarray(sorted(float(v) for v in eta))
    if e.size < 2:
        raise ValueError("eta needs at least two values")
    lx = np.log(1.0 / (1.0 - 2.0 * e))
    slopes = [float(np.polyfit(lx, np.log(law), 1)[0]) for law in bound_laws(quantity, e)]
    return min(slopes), max(slopes)


def analysis(rows: list[dict], config: dict) -> dict[str, Any]:
    """Judge every claim on its own series; record the bound band each claim's grid implies.

    Parameters
    ----------
    rows : list of dict
        The rows of :func:`threshold_trial`.
    config : dict
        ``claims`` (``where = {quantity = ...}``, ``floor``, ``ceiling``, ``success``),
        ``analysis_params.controls``, ``instance``, ``root_seed``.

    Returns
    -------
    dict
        As :func:`slam_theory.experiments.claim_sweeps.judge_claims`; each claim also carries
        ``quantity`` and ``derived_band`` (:func:`bound_band` over the ``eta`` values run), so
        a floor or ceiling in the configuration that does not follow from the laws shows.
    """
    out = judge_claims(rows, config, parameter="eta")
    for claim in out["claims"]:
        quantity = str(claim["where"].get("quantity", "disagreement"))
        claim["quantity"] = quantity
        values = claim.get("values") or []
        if len(values) >= 2 and all(0.0 < float(v) < 0.5 for v in values):
            claim["derived_band"] = list(bound_band(quantity, values))
        claim["error_quantity"] = "excess error" if quantity == "excess" else "disagreement"
    return jsonable(out)


def fig_noise_rate(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Draw ``noise_rate.{pdf,png}``: one panel per claim, thresholds against ``1/(1-2 eta)``.

    Parameters
    ----------
    results_dir, figures_dir : Path
        ``results/noise_rate/`` (its ``summary.json``) and the output folder.

    Returns
    -------
    list of Path
        The files written; none when the summary has no claims.
    """
    return fig_claim_panels(results_dir, figures_dir, "noise_rate")
