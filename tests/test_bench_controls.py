"""The control benchmark times two solvers only when they give the same answer."""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory import bench
from slam_theory import halfspaces as H
from slam_theory.bench import controls


def _small_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(controls, "_CASES", (
        ("eps_floor", "eps_floor", {"d": 10, "gamma": 0.05, "epsilon": 0.05}, 2_000),
    ))


def test_rows_have_the_bench_fields_and_the_same_minimiser(monkeypatch) -> None:
    _small_cases(monkeypatch)
    rows = controls.run(quick=True)
    assert [r["name"] for r in rows] == ["logreg_exact/eps_floor"]
    assert set(rows[0]) == set(bench.FIELDS)
    r = rows[0]
    assert r["ratio"] == pytest.approx(r["peer_s"] / r["ours_s"])
    assert r["met"] == (r["ratio"] >= r["target"]) and r["target"] == 1.0
    assert "controls" in bench.TOPICS


def test_solvers_that_disagree_are_refused_not_timed(monkeypatch) -> None:
    _small_cases(monkeypatch)
    real = H.LogisticRegressionHalfspace

    def stopped_early(**kw):  # an lbfgs that stops after one step: another direction
        return real(**kw, max_iter=1) if kw.get("solver") == "lbfgs" else real(**kw)

    monkeypatch.setattr(controls.H, "LogisticRegressionHalfspace", stopped_early)
    with pytest.warns(Warning), pytest.raises(RuntimeError, match="solved different problems"):
        controls.run(quick=True)


def test_compare_measures_the_angle() -> None:
    rng = np.random.default_rng(3)
    X = rng.standard_normal((400, 4))
    y = np.where(X[:, 0] + 0.8 * rng.standard_normal(400) > 0, 1, -1)
    ours, peer, a, b = controls.compare(X, y, repeats=1)
    assert ours > 0 and peer > 0
    gap = abs(controls.mean_logistic_loss(a, X, y) - controls.mean_logistic_loss(b, X, y))
    assert gap < 1e-9 and controls._angle(a, b) < 1e-6
