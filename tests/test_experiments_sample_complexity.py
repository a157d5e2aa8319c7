"""Tests of slam_theory.experiments.sample_complexity (and the threshold and verdict machinery
it shares): exponents, verdicts, censoring, determinism, JSON output, the figures."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from tiny_results import EPS, NS, check_figures, claims_config, digest, power_rows, run_tiny

from slam_theory.experiments import sample_complexity as SC
from slam_theory.experiments.halfspace_claims import verdict


def test_eps_exponent_consistent_and_inconsistent():
    rows = power_rows({"a": 2.0, "b": 3.0})
    claims = [
        {"id": "a2", "statement": "", "learner": "a", "parameter": "eps", "theory_exponent": 2},
        {"id": "b2", "statement": "", "learner": "b", "parameter": "eps", "theory_exponent": 2},
    ]
    out = SC.analysis(rows, claims_config(claims))
    ca, cb = out["claims"]
    assert ca["ci"][0] <= 2.0 <= ca["ci"][1]
    assert ca["verdict"] == "consistent"
    assert abs(cb["exponent"] - 3.0) < 0.3
    assert cb["verdict"] == "inconsistent"
    assert out["thresholds"]["a"]["all"]["status"] == ["ok"] * len(EPS)
    json.dumps(out, allow_nan=False)


def test_lower_and_two_sided_kinds():
    rows = power_rows({"a": 2.0})
    claims = [
        {"id": "lo", "learner": "a", "theory_exponent": 2.5, "kind": "lower"},
        {"id": "two", "learner": "a", "theory_exponent": 2.0, "kind": "two_sided"},
        {"id": "two_bad", "learner": "a", "theory_exponent": 1.0, "kind": "two_sided"},
    ]
    out = SC.analysis(rows, claims_config(claims))
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    assert v == {"lo": "inconsistent", "two": "consistent", "two_bad": "inconsistent"}


def test_censoring_and_below_grid():
    rows = power_rows({"a": 2.0})
    eps = [0.9, 0.2, 0.1, 0.05, 1e-4]  # 0.9 reached at the smallest n; 1e-4 never
    claims = [{"id": "c", "learner": "a", "theory_exponent": 2}]
    out = SC.analysis(rows, claims_config(claims, eps=eps))
    c = out["claims"][0]
    assert c["censored"] == [1e-4]
    assert c["below_grid"] == [0.9]
    assert c["n_points"] == 3
    st = out["thresholds"]["a"]["all"]["status"]
    assert st[0] == "below_grid" and st[-1] == "censored"  # ordered by increasing 1/eps
    assert out["thresholds"]["a"]["all"]["n_needed"][0] is None
    # too few points -> inconclusive
    out2 = SC.analysis(rows, claims_config(claims, eps=[0.9, 0.1, 1e-4]))
    assert out2["claims"][0]["verdict"] == "inconclusive"


def test_deterministic_and_nan_robust():
    rows = power_rows({"a": 2.0, "b": 2.0})
    rows[3]["disagreement"] = None
    rows[10]["disagreement"] = float("nan")
    claims = [{"id": "a", "learner": "a", "theory_exponent": 2}]
    o1 = SC.analysis(rows, claims_config(claims))
    o2 = SC.analysis(list(rows), claims_config(claims))
    assert json.dumps(o1, sort_keys=True) == json.dumps(o2, sort_keys=True)
    o3 = SC.analysis(rows, claims_config(claims, bootstrap_seed=1))
    assert o3["claims"][0]["ci"] != o1["claims"][0]["ci"]


def test_interpolation_exact_for_power_law():
    # noiseless power law: the log-log interpolation recovers n_needed = C eps^-2 exactly
    rows = power_rows({"a": 2.0}, noise=0.0, seeds=1)
    out = SC.analysis(rows, claims_config([], n_boot=0))
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
    cfg = claims_config(
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
    out = SC.analysis(rows, cfg)
    g, amb = out["claims"]
    assert g["verdict"] == "consistent" and abs(g["exponent"] - 2) < 0.1
    assert g["eps"] == 0.05
    assert amb["verdict"] == "inconclusive" and "ambiguous" in amb["reason"]
    assert set(out["thresholds"]) == {"a|d=5", "a|d=10"}


def test_verdict_rules():
    assert verdict(2.0, [1.8, 2.2], 2.0, n_points=5)[0] == "consistent"
    assert verdict(2.5, [2.3, 2.7], 2.0, n_points=5)[0] == "inconsistent"
    assert verdict(2.0, [0.5, 3.5], 2.0, n_points=5)[0] == "inconclusive"
    assert verdict(2.0, [1.9, 2.1], 2.0, n_points=2)[0] == "inconclusive"
    assert verdict(2.0, [1.9, 2.1], None, n_points=5)[0] == "inconclusive"
    with pytest.raises(ValueError):
        verdict(2.0, [1.9, 2.1], 2.0, n_points=5, kind="bogus")


def test_missing_columns():
    with pytest.raises(ValueError, match="disagreement"):
        SC.analysis([{"learner": "a", "n": 1, "seed": 0}], claims_config([]))
    with pytest.raises(ValueError, match="parameter must be one of"):
        SC.analysis(power_rows({"a": 2.0}, seeds=2), claims_config([], parameter="zeta"))


def test_series_and_intervals_for_figures():
    """The summary describes each series and carries the threshold intervals figures draw."""
    rows = power_rows({"a": 2.0, "b": 1.0})
    out = SC.analysis(rows, claims_config([]))
    assert out["series"] == {"a": {"learner": "a"}, "b": {"learner": "b"}}
    t = out["thresholds"]["a"]["all"]
    assert len(t["n_ci"]) == len(t["n_needed"])
    for (lo, hi), nn in zip(t["n_ci"], t["n_needed"]):
        assert lo <= nn <= hi and hi / lo < 3
    # without bootstrap replicates there is no interval
    t0 = SC.analysis(rows, claims_config([], n_boot=0))["thresholds"]["a"]["all"]
    assert all(ci == [None, None] for ci in t0["n_ci"])


def test_figure_reads_series_not_keys(tmp_path: Path):
    """A series key the figure cannot parse still gets its learner's label from ``series``."""
    table = {"values": [0.1, 0.05], "x": [10.0, 20.0], "n_needed": [100.0, 400.0],
             "status": ["ok", "ok"], "n_ci": [[90.0, 120.0], [None, None]]}
    summary = {"thresholds": {"opaque": {"all": table}}, "fits": {},
               "series": {"opaque": {"learner": "slam"}}, "claims": []}
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    _, _, yerr = SC.threshold_errorbar(table)
    np.testing.assert_allclose(yerr, [[10.0, 0.0], [20.0, 0.0]])
    captured = {}
    real_save = SC.P.save_figure

    def spy(fig, figures_dir, name):
        captured[name] = [t.get_text() for t in fig.legends[0].get_texts()]
        return real_save(fig, figures_dir, name)

    SC.P.save_figure = spy
    try:
        SC.fig_sample_complexity_eps(tmp_path, tmp_path / "figs")
    finally:
        SC.P.save_figure = real_save
    assert "SLaM" in captured["sample_complexity_eps"]
    assert "opaque" not in " ".join(captured["sample_complexity_eps"])
    assert SC.series_label({"learner": "slam", "project_dim": -1}) == "SLaM (project_dim=-1)"


@pytest.fixture(scope="module")
def results_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("results")
    run_tiny("sample_complexity_eps", root)
    run_tiny("sample_complexity_gamma", root)
    return root


def test_figures(results_root: Path, tmp_path: Path) -> None:
    paths = SC.fig_sample_complexity_eps(results_root / "sample_complexity_eps", tmp_path)
    check_figures(paths, ["sample_complexity_eps", "sample_complexity_eps_curves",
                          "sample_complexity_eps_angle"])
    paths = SC.fig_sample_complexity_gamma(results_root / "sample_complexity_gamma", tmp_path)
    check_figures(paths, ["sample_complexity_gamma"])
    assert not (tmp_path / "README.md").exists()  # the index is written once, by the runner
    assert not plt.get_fignums()  # figures are closed
    again = SC.fig_sample_complexity_gamma(results_root / "sample_complexity_gamma",
                                           tmp_path / "again")
    assert [digest(p) for p in paths] == [digest(p) for p in again]
    assert SC.fig_sample_complexity_eps(tmp_path / "none", tmp_path / "figs") == []
    assert set(SC.CAPTIONS) == {"sample_complexity_eps", "sample_complexity_eps_curves",
                                "sample_complexity_eps_angle", "sample_complexity_gamma"}


def test_sphere_rows_are_angle_rates_measured_only(results_root: Path) -> None:
    eps = json.loads((results_root / "sample_complexity_eps" / "summary.json").read_text())
    rows = [c for c in eps["claims"] if c["id"].startswith("angle_rate_")]
    assert {c["learner"] for c in rows} == {"slam", "perceptron"}
    assert all(c["verdict"] == "measurement only" and c["measurement_only"] for c in rows)
    assert all(c["exponent"] < 0 and c["ci"][0] <= c["exponent"] <= c["ci"][1]
               for c in rows if c["learner"] == "slam")
    gam = json.loads((results_root / "sample_complexity_gamma" / "summary.json").read_text())
    assert {c.get("gamma") for c in gam["claims"]} == {0.4, 0.3, 0.2}  # one row per gamma


def test_angle_trial_is_halfspace_error_plus_the_angle() -> None:
    from slam_theory.experiments.halfspace_trial import halfspace_error

    p = {"learner": "slam", "d": 6, "gamma": 0.1, "eta": 0.2, "n": 300}
    for k in range(3):
        seed = np.random.SeedSequence(11, spawn_key=(k,))
        out = SC.angle_trial(p, seed)
        assert out["disagreement"] == halfspace_error(p, seed)["disagreement"]
        assert 0 < out["angle"] < np.pi / 2


def test_angle_rates_recover_the_exponent_and_tell_flat_from_decaying() -> None:
    rng = np.random.default_rng(0)
    rows = [{"learner": lr, "n": n, "gamma": g, "seed": s,
             "angle": 2.0 * n ** (a * g / 0.1) * np.exp(0.05 * rng.standard_normal())}
            for lr, a in (("slam", -0.5), ("perceptron", 0.0)) for g in (0.1, 0.2)
            for n in (100, 400, 1600, 6400) for s in range(6)]
    out = {(c["learner"], c["gamma"]): c for c in SC.angle_rates(rows, ["gamma"])}
    assert abs(out["slam", 0.1]["exponent"] + 0.5) < 0.05
    assert abs(out["slam", 0.2]["exponent"] + 1.0) < 0.05  # the split by gamma is kept
    assert abs(out["perceptron", 0.1]["exponent"]) < 0.05
    lo, hi = out["perceptron", 0.1]["ci"]
    assert lo < 0 < hi and not lo < -0.5 < hi  # flat is told apart from n^-1/2


def _capped_holdout_violations(config: dict) -> list[tuple]:
    """Grid points where the capped Algorithm 1 would hold out every one of its ``n`` samples."""
    import itertools

    from slam_theory.halfspaces import LeakyReLUCappedHalfspace

    def values(key: str) -> list:
        return list(config["grid"][key]) if key in config["grid"] else [config["fixed"].get(key)]

    if "leaky_relu_capped" not in values("learner"):
        return []
    bad = []
    for eta, gamma, eps, cap in itertools.product(values("eta"), values("gamma"),
                                                  values("epsilon"), values("max_steps")):
        est = LeakyReLUCappedHalfspace(eta=eta, gamma=gamma, epsilon=eps, max_steps=cap)
        n_prime = est._n_validation(*est._n_steps())
        bad += [(eta, gamma, eps, cap, n, n_prime) for n in values("n") if n <= n_prime]
    return bad


@pytest.mark.parametrize("name", ["sample_complexity_gamma", "sample_complexity_eps",
                                  "massart_robustness"])
@pytest.mark.parametrize("preset", ["quick", "full"])
def test_every_grid_point_leaves_the_capped_alg1_samples_to_train_on(name: str,
                                                                     preset: str) -> None:
    from slam_theory.runner import load_config

    root = Path(__file__).resolve().parents[1] / "experiments"
    config = load_config(root / f"{name}.toml", preset)
    assert _capped_holdout_violations(config) == []
    # the case that fails: the full gamma grid as it once was, starting at n = 23 < N' = 25
    if name == "sample_complexity_gamma" and preset == "full":
        config["grid"]["n"] = [23, *config["grid"]["n"]]
        assert [v[-2:] for v in _capped_holdout_violations(config)] == [(23, 25)] * len(
            config["grid"]["gamma"])
