"""Judging rate claims: thresholds per value and seed, controls, the two-sided verdict.

For each ``[[claims]]`` entry of a rate experiment, the thresholds of the claim's learner
(found by :func:`slam_theory.experiments.rates.threshold_trial`) are judged by
:func:`slam_theory.stats.check_rate` against the claim's floor and ceiling, and the controls'
thresholds are reported beside them. A verdict counts only where every control fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from slam_theory import halfspaces, stats
from slam_theory.experiments.rates import ERROR_QUANTITY

__all__ = ["analysis", "grid_resolution", "judge_claim", "threshold_matrix", "x_of"]


def x_of(parameter: str, values: np.ndarray) -> np.ndarray:
    if parameter in ("target", "eps", "gamma"):
        return 1.0 / values
    if parameter == "eta":
        return 1.0 / (1.0 - 2.0 * values)
    return values


def grid_resolution(config: Mapping[str, Any]) -> float:
    """Ratio of consecutive sizes of a configuration's threshold-search grid.

    A threshold ``n`` found on that grid says only that the target was first met in
    ``(n / ratio, n]``; :func:`slam_theory.stats.check_rate` takes it as ``resolution``.

    Parameters
    ----------
    config : mapping
        An experiment configuration; its ``fixed.steps_per_octave`` (default 8, the search's).

    Returns
    -------
    float
        ``2 ** (1 / steps_per_octave)``.

    Examples
    --------
    >>> grid_resolution({"fixed": {"steps_per_octave": 4}}) == 2 ** 0.25
    True
    """
    spo = int((config.get("fixed") or {}).get("steps_per_octave", 8))
    if spo < 1:
        raise ValueError(f"steps_per_octave must be >= 1, got {spo}")
    return 2.0 ** (1.0 / spo)


_X_LABEL = {"target": "1/eps", "eps": "1/eps", "gamma": "1/gamma", "eta": "1/(1-2 eta)"}


def threshold_matrix(
    rows: Sequence[Mapping[str, Any]], learner: str, parameter: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thresholds of one learner as a (values x seeds) matrix.

    Parameters
    ----------
    rows : sequence of mapping
        The sweep's rows (``stage="threshold"`` rows are used).
    learner : str
        Learner name.
    parameter : str
        The swept parameter (``"target"`` or ``"gamma"``).

    Returns
    -------
    values, n_needed, censored : ndarray
        Parameter values (sorted by increasing ``x``, see :func:`x_of`), and the
        (values x seeds) thresholds and censoring flags. Missing seeds are censored at the
        largest ``n`` any seed tried at that value.
    """
    sel = [r for r in rows if r.get("stage") == "threshold" and r.get("learner") == learner]
    if not sel:
        raise ValueError(f"no threshold rows for learner {learner!r}")
    values = np.array(sorted({float(r[parameter]) for r in sel}))
    values = values[np.argsort(x_of(parameter, values))]
    seeds = sorted({int(r["seed"]) for r in sel})
    n = np.full((values.size, len(seeds)), np.nan)
    cen = np.ones((values.size, len(seeds)), dtype=bool)
    col = {s: j for j, s in enumerate(seeds)}
    for r in sel:
        i = int(np.flatnonzero(values == float(r[parameter]))[0])
        j = col[int(r["seed"])]
        n[i, j] = float(r["n_eval"])
        cen[i, j] = str(r["censored"]).lower() in ("true", "1")
    for i in range(values.size):
        top = np.nanmax(n[i]) if np.any(np.isfinite(n[i])) else np.nan
        n[i, ~np.isfinite(n[i])] = top
    return values, n, cen


def _control_result(
    rows: Sequence[Mapping[str, Any]], learner: str, parameter: str, success: float
) -> dict[str, Any]:
    values, n, cen = threshold_matrix(rows, learner, parameter)
    th, th_cen = stats.success_threshold(n, cen, success=success)
    return {
        "values": values.tolist(),
        "thresholds": np.asarray(th, dtype=float).tolist(),
        "censored": np.asarray(th_cen, dtype=bool).tolist(),
        "fails": bool(np.asarray(th_cen, dtype=bool)[-1]),
    }


def judge_claim(
    rows: Sequence[Mapping[str, Any]],
    claim: Mapping[str, Any],
    controls: Sequence[str],
    *,
    random_state: int = 0,
    resolution: float = 1.0,
) -> dict[str, Any]:
    """The verdict of one claim, with its controls beside it.

    Parameters
    ----------
    rows : sequence of mapping
        The sweep's rows.
    claim : mapping
        ``id``, ``statement``, ``learner``, ``parameter`` (``"target"`` or ``"gamma"``),
        ``floor`` and ``ceiling`` (exponents of ``x``), optional ``success`` (default 0.5).
    controls : sequence of str
        Control learners present in ``rows``.
    random_state : int, default=0
        Seed of the bootstrap.
    resolution : float, default=1.0
        Ratio of consecutive sizes of the grid the thresholds were searched on
        (:func:`grid_resolution`); passed to :func:`slam_theory.stats.check_rate`.

    Returns
    -------
    dict
        The claim, :meth:`slam_theory.stats.RateCheck.as_dict` fields, ``controls`` (per
        control: thresholds, censoring, whether it fails), ``counted`` (every control
        fails) and ``verdict`` (``"inconclusive"`` where a control meets the target).
    """
    parameter = str(claim.get("parameter", "target"))
    success = float(claim.get("success", 0.5))
    values, n, cen = threshold_matrix(rows, str(claim["learner"]), parameter)
    check = stats.check_rate(
        x_of(parameter, values),
        n,
        cen,
        floor=claim.get("floor"),
        ceiling=claim.get("ceiling"),
        success=success,
        random_state=random_state,
        resolution=resolution,
    )
    out: dict[str, Any] = {
        "id": claim.get("id"),
        "statement": claim.get("statement"),
        "learner": claim.get("learner"),
        "parameter": parameter,
        "x_label": _X_LABEL.get(parameter, parameter),
        "error_quantity": ERROR_QUANTITY,
        "values": values.tolist(),
        "success": success,
        "floor": claim.get("floor"),
        "ceiling": claim.get("ceiling"),
        **check.as_dict(),
    }
    n_min = min(
        (float(r["n_eval"]) for r in rows if r.get("learner") == claim["learner"]),
        default=float("nan"),
    )
    th = np.asarray(check.thresholds, dtype=float)
    low = ~np.asarray(check.threshold_censored, dtype=bool) & (th <= n_min)
    out["below_grid"] = values[low].tolist()
    if low.any() and out["verdict"] == "consistent":
        out["verdict"] = "inconclusive"
        out["reason"] = (
            f"thresholds at the smallest n tried ({n_min:g}) at {parameter} = "
            f"{', '.join(f'{v:g}' for v in values[low])}: below the grid, lower n_min"
        )
    ctrl = {c: _control_result(rows, c, parameter, success) for c in controls}
    for c, res in ctrl.items():  # a control that met a target at its smallest n tried
        c_min = min((float(r["n_eval"]) for r in rows if r.get("learner") == c),
                    default=float("nan"))
        res["below_grid"] = [v for v, t, z in zip(res["values"], res["thresholds"],
                                                  res["censored"]) if not z and t <= c_min]
    out["controls"] = ctrl
    failing = [c for c, r in ctrl.items() if r["fails"]]
    out["counted"] = len(failing) == len(ctrl)
    if not out["counted"]:
        passing = ", ".join(c for c in ctrl if c not in failing)
        out["theorem_verdict"] = out["verdict"]
        out["verdict"] = "inconclusive"
        out["reason"] = (
            f"control(s) {passing} reach the hardest target: the instance does not tell "
            f"learners apart (the learner alone: {out['theorem_verdict']})"
        )
    return out


def analysis(rows: list[dict], config: dict) -> dict[str, Any]:
    """Judge every ``[[claims]]`` entry of a rate experiment (the sweep's analysis).

    Parameters
    ----------
    rows : list of dict
        The sweep's rows (from :func:`threshold_trial`).
    config : dict
        The experiment configuration: ``claims``, and ``analysis_params.controls`` (names
        of the control learners, default: those of
        :data:`slam_theory.halfspaces.CONTROLS` present in the rows).

    Returns
    -------
    dict
        ``claims`` (see :func:`judge_claim`), ``instance`` (the configuration's ``[instance]``
        table: the family and its fixed parameters) and
        ``error_quantity``.
    """
    learners = {r.get("learner") for r in rows}
    params = config.get("analysis_params", {}) or {}
    controls = [c for c in params.get("controls", halfspaces.CONTROLS) if c in learners]
    seed = int(config.get("root_seed", 0))
    res = grid_resolution(config)
    claims = [judge_claim(rows, c, controls, random_state=seed, resolution=res)
              for c in config.get("claims", [])]
    instance = dict(config.get("instance", {}) or {})
    return {"error_quantity": ERROR_QUANTITY, "instance": instance, "claims": claims}
