"""Smoke tests of the distillation trial, analysis and figure functions."""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory import distill_experiments as de

_DIGITS = {"dataset": "digits", "n_labeled": 40, "n_val": 150, "n_test": 300, "n_trees": 10,
           "epochs": 3}


def test_distill_trial_digits_rows_and_purity():
    seed = np.random.SeedSequence(5)
    rows = de.distill_trial(_DIGITS, seed)
    methods = [r["method"] for r in rows]
    assert methods == list(de.DEFAULT_METHODS)
    for r in rows:
        assert 0.0 <= r["test_acc"] <= 1.0
        assert 0.0 <= r["teacher_test_acc"] <= 1.0
        assert set(r) >= {"method", "test_acc", "teacher_test_acc", "k", "n_used"}
    assert np.mean([r["test_acc"] for r in rows]) > 0.3  # chance is 0.1
    again = de.distill_trial(_DIGITS, np.random.SeedSequence(5))
    assert [r["test_acc"] for r in rows] == [r["test_acc"] for r in again]


def test_distill_trial_gmm_lda_subset():
    p = {"dataset": "gmm", "n_classes": 5, "d": 6, "separation": 4.0, "labels_per_class": 4,
         "n_unlabeled": 300, "n_val": 100, "n_test": 200, "teacher": "lda", "epochs": 3,
         "methods": "distill,slam"}
    rows = de.distill_trial(p, np.random.SeedSequence(1))
    assert [r["method"] for r in rows] == ["distill", "slam"]
    assert rows[1]["k"] >= 1


def test_alpha_calibration_trial():
    p = {**_DIGITS, "n_bins": 5, "coverage": 0.9}
    rows = de.alpha_calibration_trial(p, np.random.SeedSequence(2))
    rel = [r for r in rows if r["kind"] == "reliability"]
    cov = [r for r in rows if r["kind"] == "coverage"]
    assert len(rel) == 5 and len(cov) == 10
    c = [r["topk_coverage"] for r in cov]
    assert np.all(np.diff(c) >= 0) and c[-1] == 1.0
    assert sum(r["count"] for r in rel) == 300


def _fake_rows():
    rng = np.random.default_rng(0)
    rows = []
    for n_lab, tacc in ((20, 0.5), (80, 0.8)):
        for seed in range(6):
            t = tacc + 0.02 * rng.standard_normal()
            base = 0.6 + 0.3 * t
            gap = 0.3 * (1 - t)
            for m, a in (("distill", base), ("slam", base + gap), ("hard", base - 0.01)):
                rows.append({"n_labeled": n_lab, "seed": seed, "row": 0, "method": m,
                             "test_acc": a + 0.002 * rng.standard_normal(),
                             "teacher_test_acc": t})
    return rows


def test_distillation_analysis_claims_and_tables():
    config = {"name": "x", "analysis_params": {"group_by": ["n_labeled"]},
              "claims": [{"id": "slam_geq_distill", "statement": "s"},
                         {"id": "gap_grows_with_noise", "statement": "g"},
                         {"id": "other", "statement": "o"}]}
    out = de.distillation_analysis(_fake_rows(), config)
    verdicts = {c["id"]: c["verdict"] for c in out["claims"]}
    assert verdicts == {"slam_geq_distill": "consistent", "gap_grows_with_noise": "consistent",
                        "other": "inconclusive"}
    assert "| slam |" in out["tables_md"] and r"\begin{tabular}" in out["tables_tex"]
    # columns sorted numerically
    assert out["tables_md"].index("n_labeled=20") < out["tables_md"].index("n_labeled=80")
    assert out["variants"]["hard"]["mean_diff"] < 0


def test_calibration_analysis():
    rows = de.alpha_calibration_trial({**_DIGITS, "n_bins": 5}, np.random.SeedSequence(3))
    for r in rows:
        r.update({"n_labeled": 40, "seed": 0})
    config = {"analysis_params": {}, "claims": [{"id": "alpha_calibrated"},
                                                {"id": "k_coverage"}]}
    out = de.calibration_analysis(rows, config)
    assert {c["id"] for c in out["claims"]} == {"alpha_calibrated", "k_coverage"}
    assert all(c["verdict"] in ("consistent", "inconsistent") for c in out["claims"])


def test_bad_dataset():
    with pytest.raises(ValueError, match="dataset"):
        de.make_split({"dataset": "cifar", "n_labeled": 10}, np.random.default_rng(0))


def test_engine_run_and_figures(tmp_path):
    """Through the sweep engine: the TOML-style config, summary, tables and figures."""
    from slam_theory import sweep

    cfg = {
        "name": "distillation_tiny", "trial": "distill_experiments:distill_trial",
        "analysis": "distill_experiments:distillation_analysis",
        "figures": ["distill_experiments:fig_distillation"], "root_seed": 1,
        "fixed": {**{k: v for k, v in _DIGITS.items() if k != "n_labeled"},
                  "methods": "distill,slam,hard"},
        "grid": {"n_labeled": [30, 60]},
        "analysis_params": {"group_by": ["n_labeled"]},
        "claims": [{"id": "slam_geq_distill", "statement": "s"}],
        "presets": {"quick": {"seeds": 2}, "full": {"seeds": 2}},
    }
    res = sweep.run_experiment(cfg, "quick", results_dir=tmp_path, progress=False)
    assert res.summary_json is not None and res.summary_json.exists()
    paths = de.fig_distillation(tmp_path / "distillation_tiny", tmp_path / "figs")
    assert [p.suffix for p in paths] == [".pdf", ".png"]
    assert (tmp_path / "distillation_tiny" / "table.md").exists()
    assert (tmp_path / "distillation_tiny" / "table.tex").exists()

    cfg2 = {**cfg, "name": "calib_tiny", "trial": "distill_experiments:alpha_calibration_trial",
            "analysis": "distill_experiments:calibration_analysis",
            "figures": ["distill_experiments:fig_alpha_calibration"],
            "fixed": {**cfg["fixed"], "n_bins": 5},
            "claims": [{"id": "alpha_calibrated"}, {"id": "k_coverage"}]}
    sweep.run_experiment(cfg2, "quick", results_dir=tmp_path, progress=False)
    paths = de.fig_alpha_calibration(tmp_path / "calib_tiny", tmp_path / "figs")
    assert all(p.exists() for p in paths)
