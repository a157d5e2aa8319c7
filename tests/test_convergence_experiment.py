"""The convergence claim family (slam_theory.experiments.convergence): verdicts that can fail."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slam_theory.convergence import projected
from slam_theory.experiments import convergence as EC

_P = {"d": 5, "gamma": 0.1, "eta": 0.1, "n": 2000, "t_min": 100, "t_max": 30000,
      "n_horizons": 9}
_CLAIMS = [
    {"id": "excess", "metric": "excess_risk", "floor": -1.0, "ceiling": -0.5,
     "bound": "excess_bound"},
    {"id": "gmap", "metric": "gradient_mapping", "floor": -0.5, "ceiling": -0.25,
     "bound": "gradient_mapping_bound"},
]


def _rows(seeds=4, **over):
    rows = []
    for s in range(seeds):
        for r in EC.projected_sgd_trial({**_P, **over}, np.random.SeedSequence([11, s])):
            rows.append({**r, "seed": s, "learner": EC.LEARNER,
                         "radius": over.get("radius", 1.0)})
    return rows


def _verdicts(rows, claims=_CLAIMS):
    return {c["id"]: c for c in EC.analysis(rows, {"claims": claims})["claims"]}


@pytest.fixture(scope="module")
def good_rows():
    return _rows()


def test_a_correct_run_is_consistent(good_rows):
    v = _verdicts(good_rows)
    for cid in ("excess", "gmap"):
        assert v[cid]["verdict"] == "consistent", v[cid]["reason"]
        assert v[cid]["max_ratio_to_bound"] <= 1.0
    assert -1.0 <= v["excess"]["exponent"] <= -0.4
    assert all(r["f_star_gap_bound"] < 1e-8 and r["convex"] for r in good_rows)


def test_without_the_projection_it_is_inconsistent():
    v = _verdicts(_rows(seeds=2, project=False))
    assert v["excess"]["verdict"] == "inconsistent"
    assert "outside the ball" in v["excess"]["reason"]


def test_a_wrong_gradient_is_inconsistent(monkeypatch):
    # the forward correction with alpha and 1 - alpha swapped: SGD descends another objective
    def swapped(eta):
        return np.array([eta, 1.0 - eta, 1.0 - eta, eta])

    monkeypatch.setattr(projected, "_loss_params", swapped)
    v = _verdicts(_rows(seeds=2))
    assert v["excess"]["verdict"] == "inconsistent", v["excess"]["reason"]


def _made_up(fn, seeds=6, ts=(100, 300, 1000, 3000, 10000, 30000, 100000)):
    rng = np.random.default_rng(0)
    rows = []
    for s in range(seeds):
        for t in ts:
            rows.append({"seed": s, "horizon": t, "excess_risk": fn(t) * rng.lognormal(0, 0.05),
                         "excess_bound": 1.0 / math.sqrt(t), "coef_norm": 1.0, "radius": 1.0,
                         "convex": True})
    return rows


@pytest.mark.parametrize(
    ("name", "fn", "verdict"),
    [
        ("clean law at the ceiling", lambda t: 0.5 / math.sqrt(t), "consistent"),
        ("clean law inside", lambda t: 0.5 * t**-0.75, "consistent"),
        ("plateau", lambda t: 0.5 / math.sqrt(t) + 0.004, "inconsistent"),
        ("faster than the floor", lambda t: 50.0 * t**-1.5, "inconsistent"),
        ("above the bound", lambda t: 3.0 / math.sqrt(t), "inconsistent"),
        ("slower than the ceiling", lambda t: 0.001 * t**-0.2, "inconsistent"),
        ("below the minimum", lambda t: 0.5 / math.sqrt(t) - 0.003, "inconsistent"),
    ],
)
def test_made_up_curves(name, fn, verdict):
    c = _verdicts(_made_up(fn), _CLAIMS[:1])["excess"]
    assert c["verdict"] == verdict, (name, c["reason"])


def test_a_non_convex_ball_is_inconclusive():
    rows = [{**r, "convex": False} for r in _made_up(lambda t: 0.5 / math.sqrt(t))]
    c = _verdicts(rows, _CLAIMS[:1])["excess"]
    assert c["verdict"] == "inconclusive" and "not convex" in c["reason"]


def test_trial_is_deterministic_and_records_the_theorem():
    p = {**_P, "n": 300, "t_max": 1000, "n_horizons": 3}
    a = EC.projected_sgd_trial(p, np.random.SeedSequence(3))
    b = EC.projected_sgd_trial(p, np.random.SeedSequence(3))
    c = EC.projected_sgd_trial(p, np.random.SeedSequence(4))
    assert a == b and a != c
    r = a[-1]
    assert r["step"] == pytest.approx(1.0 / (r["lipschitz"] * math.sqrt(r["horizon"])))
    assert r["excess_bound"] == pytest.approx(r["lipschitz"] / math.sqrt(r["horizon"]))
    assert r["coef_norm"] <= 1.0 + 1e-12


@pytest.mark.slow
def test_figure(tmp_path, good_rows, monkeypatch):
    summary = EC.analysis(good_rows, {"claims": _CLAIMS})
    monkeypatch.setattr(EC.plotting, "load_results", lambda d: (good_rows, summary))
    paths = EC.fig_convergence_forward(tmp_path / "res", tmp_path / "fig")
    assert {p.suffix for p in paths} == {".pdf", ".png"}
    assert set(EC.CAPTIONS) == {p.stem for p in paths}
    monkeypatch.setattr(EC.plotting, "load_results", lambda d: ([], {}))
    assert EC.fig_convergence_forward(tmp_path / "res", tmp_path / "fig2") == []
