"""Dimension-free learning: samples needed against the dimension ``d``, with and without a
Gaussian JL projection to ``m = O(log(1/beta) / gamma^2)`` dimensions (``dimension_free``).

Trial: :func:`threshold_trial`, the adaptive threshold search of
:func:`slam_theory.experiments.rates.run_search` with the learner fitted on ``x -> R x /
||R x||`` (``R`` Gaussian ``m x d``, drawn once per seed, shared by every ``n``) and judged in
``R^d`` through ``R^T w``.  Analysis: :func:`analysis`, the exponent of ``d`` judged two-sided by
:func:`slam_theory.stats.check_rate` per series (``where = {project_dim = ...}``), counted only
where the must-fail controls (``analysis_params.controls``, e.g. the mean of ``y x``) fail at
the largest ``d`` and the claim's *growth control* (a series whose ``n`` should grow with
``d``, e.g. exact logistic regression) does grow: its interval lies wholly above the ceiling.
Figure: :func:`fig_dimension_free`.

Examples
--------
>>> rows = [{"stage": "threshold", "learner": "a", "project_dim": p, "d": d, "seed": s,
...          "n_eval": round(50 * (d / 100) ** (1.0 if p == 0 else 0.0) * (1 + s / 20)),
...          "censored": False}
...         for p in (0, -1) for d in (100, 200, 400, 800, 1600) for s in range(8)]
>>> cfg = {"claims": [{"id": "free", "learner": "a", "where": {"project_dim": -1},
...                    "floor": -0.25, "ceiling": 0.25,
...                    "control": {"learner": "a", "where": {"project_dim": 0}}}],
...        "analysis_params": {"controls": []}}
>>> c = analysis(rows, cfg)["claims"][0]
>>> c["verdict"], c["counted"]
('consistent', True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory.experiments.claim_sweeps import fig_claim_panels, judge_claims, select
from slam_theory.experiments.halfspace_trial import projection_dim
from slam_theory.experiments.rates import child_seed, run_search
from slam_theory.experiments.rates_analysis import grid_resolution, judge_claim
from slam_theory.halfspaces import make_learner
from slam_theory.plotting import learner_label
from slam_theory.results import jsonable

__all__ = ["CAPTIONS", "analysis", "fig_dimension_free", "threshold_trial"]

#: One-line caption of this module's figure (``figures/README.md``).
CAPTIONS: dict[str, str] = {
    "dimension_free": "Samples needed to reach the target disagreement against the dimension d "
    "(log-log), one panel per claim: the learner with a JL projection to m dimensions, or "
    "without, and its growth control; open triangles: never reached within the largest n "
    "tried (censored); dotted and dashed: the floor and ceiling of the exponent of d.",
}

# child-stream index of the projection (rates uses 0, 1, 2 for data, noise, learner)
_PROJECTION = 3


class _Projected:
    """Fit ``estimator`` on ``R x / ||R x||``; ``coef_ = R^T w`` acts on the original ``x``."""

    def __init__(self, estimator: Any, m: int, seed: np.random.SeedSequence) -> None:
        self.estimator, self.m, self.seed = estimator, int(m), seed

    def fit(self, X: np.ndarray, y: np.ndarray) -> _Projected:
        d = X.shape[1]
        R = np.random.default_rng(self.seed).standard_normal((self.m, d)) / math.sqrt(self.m)
        Z = X @ R.T
        norms = np.linalg.norm(Z, axis=1, keepdims=True)
        Z = np.ascontiguousarray(Z / np.where(norms > 0, norms, 1.0))
        self.estimator.fit(Z, y)
        self.coef_ = np.asarray(self.estimator.coef_, dtype=float).ravel() @ R
        return self


def threshold_trial(params: Mapping[str, Any], seed: np.random.SeedSequence) -> list[dict]:
    """One seed's threshold for one learner, dimension and projection setting.

    Parameters
    ----------
    params : mapping
        As :func:`slam_theory.experiments.rates.threshold_trial`, plus ``project_dim`` (0: none;
        ``m > 0``; ``-1``: :func:`slam_theory.bounds.jl_dimension` with ``project_beta`` and
        ``project_constant``; no projection when ``m >= d``).
    seed : SeedSequence
        The trial's seed (not mutated); the projection has its own child stream, so a seed
        gives the same samples, labels and ``R`` for every ``n``.

    Returns
    -------
    list of dict
        The search's rows, each with ``dim`` (the dimension the learner saw).

    Examples
    --------
    >>> p = {"family": "perceptron_gamma", "d": 40, "gamma": 0.2, "alpha": 0.7,
    ...      "control_mass": 0.0, "control_margin": 0.2, "eta": 0.1, "learner": "slam",
    ...      "target": 0.2, "n_min": 8, "n_max": 64, "steps_per_octave": 1, "project_dim": 20}
    >>> rows = threshold_trial(p, np.random.SeedSequence(0))
    >>> rows[-1]["stage"], rows[-1]["dim"]
    ('threshold', 20)
    """
    m = projection_dim(params)

    def make() -> Any:
        kwargs = {k: params[k] for k in ("passes",) if params.get(k) not in (None, "", 0)}
        est = make_learner(str(params["learner"]), eta=float(params["eta"]),
                           gamma=float(params["gamma"]),
                           epsilon=float(params["target"]) * (1.0 - 2.0 * float(params["eta"])),
                           random_state=child_seed(seed, 2), **kwargs)
        return _Projected(est, m, child_seed(seed, _PROJECTION)) if m > 0 else est

    rows = run_search(params, seed, make)
    dim = m if m > 0 else int(params["d"])
    return [{**r, "dim": dim} for r in rows]


_GROWS = ("above_ceiling", "censored_reachable")


def _growth_control(rows: list[dict], claim: Mapping[str, Any], seed: int,
                    resolution: float = 1.0) -> dict[str, Any]:
    """The control series judged against the claim's bounds; it fails (shows growth) when
    its exponent lies wholly above the ceiling or a censored value is reachable."""
    spec = dict(claim.get("control") or {})
    sub = select(rows, spec.get("where"))
    learner = str(spec.get("learner", claim["learner"]))
    if not any(r.get("learner") == learner and r.get("stage") == "threshold" for r in sub):
        return {"values": [], "thresholds": [], "censored": [], "exponent": None, "ci": None,
                "verdict": "inconclusive", "rule": "not_run", "fails": False}
    c = {"id": f"{claim.get('id')}:control", "learner": learner, "parameter": "d",
         "floor": claim.get("floor"), "ceiling": claim.get("ceiling"),
         "success": claim.get("success", 0.5)}
    out = judge_claim(sub, c, [], random_state=seed, resolution=resolution)
    return {"values": out["values"], "thresholds": out["thresholds"],
            "censored": out["threshold_censored"], "exponent": out["exponent"],
            "ci": out["ci"], "verdict": out["verdict"], "rule": out["rule"],
            "fails": bool(out["verdict"] == "inconsistent" and out["rule"] in _GROWS)}


def analysis(rows: list[dict], config: dict) -> dict[str, Any]:
    """Exponent of ``d`` per claim's series, two-sided, counted only where its controls say so.

    Parameters
    ----------
    rows : list of dict
        Threshold rows (:func:`threshold_trial`), one series per ``project_dim``.
    config : dict
        ``claims``: ``learner``, ``where`` (e.g. ``{project_dim = -1}``), ``floor``,
        ``ceiling``, optional ``control = {learner, where}`` (a series that should grow with
        ``d``: the *growth control*); ``analysis_params.controls`` (default none): learners
        that must fail at the largest ``d`` in the claim's own series (e.g. the mean of
        ``y x``), as in :func:`slam_theory.experiments.rates_analysis.judge_claim`.

    Returns
    -------
    dict
        As :func:`slam_theory.experiments.claim_sweeps.judge_claims` (parameter ``"d"``);
        ``controls`` holds the must-fail controls and, for a claim with one, its growth control
        (``role = "grows"``: values, thresholds, censored, exponent, ci, fails); ``counted``
        needs every control to fail (the growth control fails by growing), and
        ``theorem_verdict`` keeps the series' own verdict where one did not (the verdict is
        then "inconclusive").
    """
    ap = config.get("analysis_params") or {}
    growth = {str((c.get("control") or {}).get("learner", c.get("learner")))
              for c in config.get("claims") or [] if c.get("control")}
    must_fail = [c for c in ap.get("controls", []) if c not in growth]
    cfg = {**config, "analysis_params": {**ap, "controls": must_fail}}
    out = judge_claims(rows, cfg, parameter="d")
    seed = int(config.get("root_seed", 0))
    for claim, src in zip(out["claims"], config.get("claims") or []):
        if not src.get("control") or claim.get("rule") == "not_run":
            continue
        spec = src["control"]
        where = ", ".join(f"{k} = {v}" for k, v in (spec.get("where") or {}).items())
        name = learner_label(str(spec.get("learner", src["learner"]))) + (
            f", {where}" if where else "")
        ctrl = {**_growth_control(rows, src, seed, grid_resolution(config)), "role": "grows"}
        claim["controls"] = {**(claim.get("controls") or {}), name: ctrl}
        claim["control_rule"] = "grows"
        if ctrl["fails"] or not claim.get("counted", True):
            claim["counted"] = bool(ctrl["fails"] and claim.get("counted", True))
            continue
        claim["counted"] = False
        claim["theorem_verdict"] = claim["verdict"]
        claim["verdict"] = "inconclusive"
        claim["reason"] = (
            f"the growth control {name} does not grow with d (its exponent "
            f"{_fmt(ctrl['exponent'])}, {ctrl['verdict']} against the same bounds): the "
            f"instance does not tell a d-dependent learner apart (the series alone: "
            f"{claim['theorem_verdict']})")
    return jsonable(out)


def _fmt(v: Any) -> str:
    return "n/a" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v:.2f}"


def fig_dimension_free(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Draw ``dimension_free.{pdf,png}`` from ``results_dir/summary.json`` into ``figures_dir``:
    per claim, the thresholds against ``d`` beside its growth control, with floor and ceiling
    (:func:`slam_theory.experiments.claim_sweeps.fig_claim_panels`); returns the paths."""
    return fig_claim_panels(results_dir, figures_dir, "dimension_free")
