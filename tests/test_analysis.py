"""Tests for slam_theory.analysis: exponents, verdicts, censoring, determinism, JSON output."""

from __future__ import annotations

import json

import numpy as np
import pytest

from slam_theory import analysis as A

EPS = [0.2, 0.1, 0.05, 0.02, 0.01]
NS = np.unique(np.round(np.logspace(2, 6.5, 16)).astype(int))


def _power_rows(
    exps: dict[str, float], *, C: float = 5.0, seeds: int = 9, noise: float = 0.1, seed: int = 0
) -> list[dict]:
    """Rows with median disagreement (C/n)^(1/a), so n_needed(eps) = C eps^-a."""
    rng = np.random.default_rng(seed)
    rows = []
    for learner, a in exps.items():
        for n in NS:
            for s in range(seeds):
                dis = (C / n) ** (1.0 / a) * np.exp(noise * rng.standard_normal())
                rows.append(
                    {
                        "learner": learner,
                        "n": int(n),
                        "seed": s,
                        "row": 0,
                        "disagreement": float(min(dis, 0.5)),
                    }
                )
    return rows


def _cfg(claims: list[dict], **ap) -> dict:
    return {
        "name": "t",
        "preset": "quick",
        "fixed": {},
        "grid": {"learner": ["a", "b"], "n": NS.tolist()},
        "analysis_params": {"eps": EPS, "n_boot": 300, **ap},
        "claims": claims,
        "seeds": 5,
    }


def test_eps_exponent_consistent_and_inconsistent():
    rows = _power_rows({"a": 2.0, "b": 3.0})
    claims = [
        {"id": "a2", "statement": "", "learner": "a", "parameter": "eps", "theory_exponent": 2},
        {"id": "b2", "statement": "", "learner": "b", "parameter": "eps", "theory_exponent": 2},
    ]
    out = A.sample_complexity(rows, _cfg(claims))
    ca, cb = out["claims"]
    assert ca["ci"][0] <= 2.0 <= ca["ci"][1]
    assert ca["verdict"] == "consistent"
    assert abs(cb["exponent"] - 3.0) < 0.3
    assert cb["verdict"] == "inconsistent"
    assert out["thresholds"]["a"]["all"]["status"] == ["ok"] * len(EPS)
    json.dumps(out, allow_nan=False)


def test_lower_and_two_sided_kinds():
    rows = _power_rows({"a": 2.0})
    claims = [
        {"id": "lo", "learner": "a", "theory_exponent": 2.5, "kind": "lower"},
        {"id": "two", "learner": "a", "theory_exponent": 2.0, "kind": "two_sided"},
        {"id": "two_bad", "learner": "a", "theory_exponent": 1.0, "kind": "two_sided"},
    ]
    out = A.sample_complexity(rows, _cfg(claims))
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    assert v == {"lo": "inconsistent", "two": "consistent", "two_bad": "inconsistent"}


def test_censoring_and_below_grid():
    rows = _power_rows({"a": 2.0})
    eps = [0.9, 0.2, 0.1, 0.05, 1e-4]  # 0.9 reached at the smallest n; 1e-4 never
    claims = [{"id": "c", "learner": "a", "theory_exponent": 2}]
    out = A.sample_complexity(rows, _cfg(claims, eps=eps))
    c = out["claims"][0]
    assert c["censored"] == [1e-4]
    assert c["below_grid"] == [0.9]
    assert c["n_points"] == 3
    st = out["thresholds"]["a"]["all"]["status"]
    assert st[0] == "below_grid" and st[-1] == "censored"  # ordered by increasing 1/eps
    assert out["thresholds"]["a"]["all"]["n_needed"][0] is None
    # too few points -> inconclusive
    out2 = A.sample_complexity(rows, _cfg(claims, eps=[0.9, 0.1, 1e-4]))
    assert out2["claims"][0]["verdict"] == "inconclusive"


def test_deterministic_and_nan_robust():
    rows = _power_rows({"a": 2.0, "b": 2.0})
    rows[3]["disagreement"] = None
    rows[10]["disagreement"] = float("nan")
    claims = [{"id": "a", "learner": "a", "theory_exponent": 2}]
    o1 = A.sample_complexity(rows, _cfg(claims))
    o2 = A.sample_complexity(list(rows), _cfg(claims))
    assert json.dumps(o1, sort_keys=True) == json.dumps(o2, sort_keys=True)
    o3 = A.sample_complexity(rows, _cfg(claims, bootstrap_seed=1))
    assert o3["claims"][0]["ci"] != o1["claims"][0]["ci"]


def test_interpolation_exact_for_power_law():
    # noiseless power law: the log-log interpolation recovers n_needed = C eps^-2 exactly
    rows = _power_rows({"a": 2.0}, noise=0.0, seeds=1)
    out = A.sample_complexity(rows, _cfg([], n_boot=0))
    nn = out["thresholds"]["a"]["all"]["n_needed"]
    vals = out["thresholds"]["a"]["all"]["values"]
    np.testing.assert_allclose(nn, [5.0 / e**2 for e in vals], rtol=1e-9)


def test_gamma_sweep_and_ambiguity():
    rng = np.random.default_rng(1)
    rows = []
    for g in [0.05, 0.1, 0.2, 0.4]:
        for n in NS:
            for s in range(4):
                # n_needed(eps) = eps^-1 gamma^-2 -> dis = 1 / (n gamma^2)
                dis = 1.0 / (n * g**2) * np.exp(0.05 * rng.standard_normal())
                for d in (5, 10):
                    rows.append(
                        {
                            "learner": "a",
                            "gamma": g,
                            "d": d,
                            "n": int(n),
                            "seed": s,
                            "disagreement": float(dis),
                        }
                    )
    cfg = _cfg(
        [
            {
                "id": "g",
                "learner": "a",
                "parameter": "gamma",
                "theory_exponent": 2,
                "kind": "two_sided",
                "where": {"d": 5},
            },
            {"id": "amb", "learner": "a", "parameter": "gamma", "theory_exponent": 2},
        ],
        eps=0.05,
    )
    cfg["grid"] = {"learner": ["a"], "gamma": [0.05, 0.1, 0.2, 0.4], "d": [5, 10], "n": []}
    out = A.sample_complexity(rows, cfg)
    g, amb = out["claims"]
    assert g["verdict"] == "consistent" and abs(g["exponent"] - 2) < 0.1
    assert g["eps"] == 0.05
    assert amb["verdict"] == "inconclusive" and "ambiguous" in amb["reason"]
    assert set(out["thresholds"]) == {"a|d=5", "a|d=10"}


def test_missing_columns():
    with pytest.raises(ValueError, match="disagreement"):
        A.sample_complexity([{"learner": "a", "n": 1, "seed": 0}], _cfg([]))
    with pytest.raises(ValueError, match="eta"):
        A.noise_rate([{"learner": "a", "n": 1, "seed": 0, "disagreement": 0.1}], _cfg([]))
    with pytest.raises(ValueError, match="iteration"):
        A.convergence([{"learner": "a", "seed": 0}], _cfg([]))
    with pytest.raises(ValueError, match="empty"):
        A.robustness([], _cfg([]))


def test_noise_rate_reaches():
    rng = np.random.default_rng(2)
    rows = []
    for eta in [0.0, 0.1, 0.2, 0.3, 0.45]:
        for n in [100, 1000, 10000]:
            for s in range(6):
                e_aware = 0.5 / np.sqrt(n) / (1 - 2 * eta)
                e_agn = 0.5 / np.sqrt(n) + 0.3 * eta
                for lr, e in (("aware", e_aware), ("agnostic", e_agn)):
                    rows.append(
                        {
                            "learner": lr,
                            "eta": eta,
                            "n": n,
                            "seed": s,
                            "disagreement": e * np.exp(0.05 * rng.standard_normal()),
                        }
                    )
    cfg = _cfg(
        [
            {"id": "r1", "learner": "aware", "kind": "reaches", "eta_max": 0.45},
            {"id": "r2", "learner": "agnostic", "kind": "reaches", "expect": False, "eta_min": 0.2},
            {"id": "r3", "learner": "agnostic", "kind": "reaches", "eta_max": 0.45},
        ],
        eps=0.05,
    )
    cfg["grid"] = {"learner": ["aware", "agnostic"], "eta": [], "n": []}
    out = A.noise_rate(rows, cfg)
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    assert v == {"r1": "consistent", "r2": "consistent", "r3": "inconsistent"}
    assert out["final"]["aware"]["0.45"]["n"] == 10000
    m = out["claims"][0]["measured"]["aware"]["0.45"]
    assert m["n"] == 10000 and m["n_needed"] is not None and m["median"] <= 0.05
    # several learners in one claim: all must hold
    cfg["claims"] = [
        {"id": "both", "learners": ["aware", "agnostic"], "kind": "reaches", "eta_max": 0.45},
        {"id": "low", "learners": ["aware", "agnostic"], "kind": "reaches", "eta_max": 0.0},
    ]
    out = A.noise_rate(rows, cfg)
    assert [c["verdict"] for c in out["claims"]] == ["inconsistent", "consistent"]
    assert set(out["claims"][0]["measured"]) == {"aware", "agnostic"}
    json.dumps(out, allow_nan=False)


def test_convergence_slope():
    rng = np.random.default_rng(3)
    rows = []
    for s in range(5):
        for it in np.unique(np.round(np.logspace(0, 5, 30)).astype(int)):
            base = 2.0 / np.sqrt(it)
            rows.append(
                {
                    "learner": "sgd",
                    "iteration": int(it),
                    "seed": s,
                    "stationarity": base * np.exp(0.05 * rng.standard_normal()),
                    "grad_norm": np.sqrt(base),
                    "objective_gap": -1.0,
                }
            )
        rows.append(
            {
                "learner": "sgd",
                "iteration": 0,
                "seed": s,
                "stationarity": 5.0,
                "grad_norm": 3.0,
                "objective_gap": 1.0,
            }
        )
    cfg = _cfg(
        [
            {"id": "st", "learner": "sgd"},
            {"id": "gn", "learner": "sgd", "metric": "grad_norm"},
            {"id": "fast", "learner": "sgd", "theory_exponent": -1.0},
            {"id": "gap", "learner": "sgd", "metric": "objective_gap"},
        ]
    )
    cfg["grid"] = {"learner": ["sgd"]}
    out = A.convergence(rows, cfg)
    c = {x["id"]: x for x in out["claims"]}
    assert abs(c["st"]["exponent"] + 0.5) < 0.05 and c["st"]["verdict"] == "consistent"
    assert "sqrt(T)" in c["st"]["reference"]
    assert abs(c["gn"]["exponent"] + 0.25) < 0.01 and c["gn"]["verdict"] == "consistent"
    assert c["fast"]["verdict"] == "inconsistent"
    assert c["gap"]["verdict"] == "inconclusive"  # all non-positive -> nothing to fit
    json.dumps(out, allow_nan=False)


def test_robustness_and_dimension_free():
    rng = np.random.default_rng(4)
    rows = []
    for d in [10, 30, 100, 300]:
        for s in range(8):
            for lr, e in (("jl", 0.05), ("raw", 0.005 * d**0.5)):
                rows.append(
                    {
                        "learner": lr,
                        "d": d,
                        "n": 5000,
                        "seed": s,
                        "disagreement": e * np.exp(0.1 * rng.standard_normal()),
                    }
                )
    cfg = _cfg(
        [
            {"id": "flat", "learner": "jl"},
            {"id": "grow", "learner": "raw"},
            {"id": "grow2", "learner": "raw", "theory_exponent": 0.5, "kind": "two_sided"},
        ]
    )
    cfg["analysis_params"].pop("eps")
    cfg["grid"] = {"learner": ["jl", "raw"], "d": [10, 30, 100, 300]}
    out = A.dimension_free(rows, cfg)
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    assert out["mode"] == "disagreement"
    assert v == {"flat": "consistent", "grow": "inconsistent", "grow2": "consistent"}

    rrows = [r for r in rows if r["d"] == 300]
    rcfg = _cfg(
        [
            {"id": "b", "learner": "jl", "kind": "below", "eps": 0.1},
            {"id": "better", "learner": "jl", "kind": "better_than", "other": "raw"},
            {"id": "m", "learner": "raw"},
        ]
    )
    rcfg["grid"] = {"learner": ["jl", "raw"]}
    out = A.robustness(rrows, rcfg)
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    assert v == {"b": "consistent", "better": "consistent", "m": "inconclusive"}
    assert out["final"]["jl"]["n_seeds"] == 8
    json.dumps(out, allow_nan=False)


def test_verdict_rules():
    assert A.verdict(2.0, [1.8, 2.2], 2.0, n_points=5)[0] == "consistent"
    assert A.verdict(2.5, [2.3, 2.7], 2.0, n_points=5)[0] == "inconsistent"
    assert A.verdict(2.0, [0.5, 3.5], 2.0, n_points=5)[0] == "inconclusive"
    assert A.verdict(2.0, [1.9, 2.1], 2.0, n_points=2)[0] == "inconclusive"
    assert A.verdict(2.0, [1.9, 2.1], None, n_points=5)[0] == "inconclusive"
    with pytest.raises(ValueError):
        A.verdict(2.0, [1.9, 2.1], 2.0, n_points=5, kind="bogus")
