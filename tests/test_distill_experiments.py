"""The distillation experiments: the fair protocol of the trial, the per-panel analysis (with
cases built to fail each claim), the calibration family, and a run through the engine."""

from __future__ import annotations

import os

import numpy as np
import pytest

from slam_theory import runner
from slam_theory.experiments import calibration as cal
from slam_theory.experiments import distillation as de
from slam_theory.experiments import distillation_report as rep

_DIGITS = {"dataset": "digits", "n_labeled": 40, "n_test": 300, "teacher": "rf",
           "n_trees": 10, "epochs": 3}


# ----------------------------------------------------------------------------- protocol
def test_split_keeps_v_no_larger_than_l():
    S = de.make_split({**_DIGITS, "val_fraction": 0.5}, np.random.default_rng(0))
    assert S["X_V"].shape[0] == 20 and S["X_L"].shape[0] == 40
    idx = [set(map(bytes, S[f"X_{s}"])) for s in "TVLU"]
    assert sum(len(i) for i in idx) == len(set().union(*idx))    # disjoint parts
    with pytest.raises(ValueError, match="no larger than the labeled set"):
        de.make_split({**_DIGITS, "n_val": 41}, np.random.default_rng(0))
    with pytest.raises(ValueError, match="dataset"):
        de.make_split({"dataset": "cifar", "n_labeled": 10}, np.random.default_rng(0))
    with pytest.raises(ValueError, match="teacher must be one of"):
        de.distill_trial({**_DIGITS, "teacher": "oracle"}, np.random.SeedSequence(0))


def test_trial_rows_selection_on_v_and_purity():
    rows = de.distill_trial(_DIGITS, np.random.SeedSequence(5))
    by = {r["method"]: r for r in rows}
    assert [r["method"] for r in rows] == list(de.DEFAULT_METHODS)
    assert by["teacher"]["test_acc"] == by["teacher"]["teacher_test_acc"]
    assert by["student_LV"]["test_acc"] == by["student_LV"]["student_LV_acc"]
    # the slam row is the variant with the best V accuracy, never chosen on test
    vals = {v: by[v]["val_acc"] for v in de.SLAM_VARIANTS}
    assert all(np.isfinite(list(vals.values())))
    chosen = by["slam"]["variant"]
    assert vals[chosen] == max(vals.values())
    assert by["slam"]["test_acc"] == by[chosen]["test_acc"]
    assert by["distill"]["size_val"] == 20 and by["distill"]["size_labeled"] == 40
    assert np.mean([r["test_acc"] for r in rows]) > 0.3            # chance is 0.1
    again = de.distill_trial(_DIGITS, np.random.SeedSequence(5))
    assert [r["test_acc"] for r in rows] == [r["test_acc"] for r in again]


def test_selection_is_not_on_test():
    """Mutation: if the slam row picked its variant by test accuracy, this fails (the chosen
    variant must be the V-argmax even when another variant has a higher test score)."""
    found = False
    for s in (3, 4):
        rows = de.distill_trial(_DIGITS, np.random.SeedSequence(s))
        by = {r["method"]: r for r in rows}
        best_test = max(de.SLAM_VARIANTS, key=lambda v: by[v]["test_acc"])
        best_val = max(de.SLAM_VARIANTS, key=lambda v: (by[v]["val_acc"],
                                                        -de.SLAM_VARIANTS.index(v)))
        assert by["slam"]["variant"] == best_val
        found |= by[best_test]["test_acc"] > by[best_val]["test_acc"]
    assert found, "no seed where V and test disagree: the check above could not fail"


def test_label_spreading_teacher_is_stronger_than_the_labeled_student():
    p = {**_DIGITS, "teacher": "label_spreading", "n_labeled": 30,
         "methods": "teacher,student_LV"}
    accs = [de.distill_trial(p, np.random.SeedSequence(s)) for s in range(3)]
    gap = [r[0]["test_acc"] - r[1]["test_acc"] for r in accs]
    assert min(gap) > 0.0, gap


def test_gmm_lda_subset():
    p = {"dataset": "gmm", "n_classes": 5, "d": 6, "separation": 4.0, "labels_per_class": 6,
         "n_unlabeled": 300, "n_test": 200, "teacher": "lda", "epochs": 3,
         "methods": "distill,slam"}
    rows = de.distill_trial(p, np.random.SeedSequence(1))
    assert [r["method"] for r in rows] == ["distill", "slam"]
    assert rows[1]["k"] >= 1 and rows[1]["size_val"] == 15


# ----------------------------------------------------------------------------- analysis
def _fake_rows(gap_a: float, gap_b: float, slope_sign_b: int = 1):
    """Two panels (teacher A, B).  In A SLaM's gain over distill shrinks as the teacher
    improves (gap = gap_a (1 - t)); in B it has the sign of slope_sign_b.  The teacher
    accuracies of B are higher, so a pooled fit sees a gap that rises with accuracy."""
    rng = np.random.default_rng(0)
    rows = []
    for panel, lo, hi in (("A", 0.4, 0.6), ("B", 0.7, 0.9)):
        for n_lab, t0 in ((20, lo), (80, hi)):
            for seed in range(8):
                t = t0 + 0.03 * rng.standard_normal()
                base = 0.6 + 0.3 * t
                if panel == "A":
                    gap = gap_a * (1 - t)
                else:
                    gap = gap_b + slope_sign_b * 0.3 * (t - 0.8)
                for m, a in (("distill", base), ("slam", base + gap),
                             ("student_LV", base + 0.05)):
                    rows.append({"teacher": panel, "n_labeled": n_lab, "seed": seed,
                                 "method": m, "test_acc": a + 0.003 * rng.standard_normal(),
                                 "teacher_test_acc": t, "variant": ""})
    return rows


_CFG = {"name": "x", "analysis_params": {"group_by": ["teacher", "n_labeled"]},
        "claims": [{"id": "slam_geq_distill", "statement": "s"},
                   {"id": "slam_geq_labeled", "statement": "l"},
                   {"id": "gap_grows_with_noise", "statement": "g"}]}


def test_analysis_judges_each_panel_separately():
    out = rep.distillation_analysis(_fake_rows(0.3, -0.05), _CFG)
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    # A: SLaM above distill, B: below -> one consistent, one inconsistent, never averaged
    assert v["slam_geq_distill[teacher=A]"] == "consistent"
    assert v["slam_geq_distill[teacher=B]"] == "inconsistent"
    assert v["slam_geq_labeled[teacher=B]"] == "inconsistent"
    # gap vs noise: A shrinks with accuracy (consistent); B rises with it (inconsistent)
    assert v["gap_grows_with_noise[teacher=A]"] == "consistent"
    assert v["gap_grows_with_noise[teacher=B]"] == "inconsistent"
    m = {c["id"]: c.get("measured") for c in out["claims"]}
    assert m["slam_geq_distill[teacher=A]"]["wins"] == 16
    assert m["slam_geq_distill[teacher=A]"]["n_pairs"] == 16
    assert "| slam |" in out["tables_md"] and r"\begin{tabular}" in out["tables_tex"]
    assert out["tables_md"].index("n_labeled=20") < out["tables_md"].index("n_labeled=80")
    assert "(16/16)" in out["tables_md"]                 # the paired table: wins/trials


def test_pooling_would_flip_the_slope_but_the_analysis_does_not_pool():
    """Simpson's case: within each panel the gap falls with teacher accuracy, but the panel
    with the better teacher has the larger gap, so a pooled fit has a positive slope."""
    rows = _fake_rows(0.1, 0.3, slope_sign_b=-1)
    pts = rep.paired(rows, ["teacher", "n_labeled"], "slam", "distill")
    x = np.array([p["teacher"] for p in pts])
    y = np.array([p["diff"] for p in pts])
    assert np.polyfit(x, y, 1)[0] > 0                             # pooled: wrong sign
    out = rep.distillation_analysis(rows, _CFG)
    v = {c["id"]: c["verdict"] for c in out["claims"]}
    assert v["gap_grows_with_noise[teacher=A]"] == "consistent"
    assert v["gap_grows_with_noise[teacher=B]"] == "consistent"


def test_analysis_writes_nothing_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results" / "x").mkdir(parents=True)
    rep.distillation_analysis(_fake_rows(0.3, 0.1), _CFG)
    assert os.listdir(tmp_path / "results" / "x") == []
    target = tmp_path / "elsewhere"
    target.mkdir()
    rep.distillation_analysis(_fake_rows(0.3, 0.1), {**_CFG, "results_dir": str(target)})
    assert sorted(os.listdir(target)) == ["table.md", "table.tex"]


def test_calibration_analysis_can_fail():
    rows = cal.alpha_calibration_trial({**_DIGITS, "n_bins": 5}, np.random.SeedSequence(3))
    for r in rows:
        r.update({"n_labeled": 40, "seed": 0})
    config = {"analysis_params": {}, "claims": [{"id": "alpha_calibrated"},
                                                {"id": "k_coverage"}]}
    out = cal.calibration_analysis(rows, config)
    assert {c["id"] for c in out["claims"]} == {"alpha_calibrated", "k_coverage"}
    bad = [{**r, "est_alpha": 1.0 - r["true_acc"]} if r["kind"] == "reliability" else
           {**r, "coverage_at_k_hat": 0.5} for r in rows]
    out_bad = cal.calibration_analysis(bad, config)
    assert all(c["verdict"] == "inconsistent" for c in out_bad["claims"]), out_bad["claims"]


def test_alpha_calibration_trial():
    rows = cal.alpha_calibration_trial({**_DIGITS, "n_bins": 5}, np.random.SeedSequence(2))
    rel = [r for r in rows if r["kind"] == "reliability"]
    cov = [r for r in rows if r["kind"] == "coverage"]
    assert len(rel) == 5 and len(cov) == 10
    c = [r["topk_coverage"] for r in cov]
    assert np.all(np.diff(c) >= 0) and c[-1] == 1.0
    assert sum(r["count"] for r in rel) == 300


def test_engine_run_and_figures(tmp_path):
    """Through the runner: the TOML-style config, summary, tables and figures."""
    cfg = {
        "name": "distillation_tiny", "trial": "experiments.distillation:distill_trial",
        "analysis": "experiments.distillation_report:distillation_analysis",
        "figures": ["experiments.distillation_report:fig_distillation"], "root_seed": 1,
        "fixed": {**{k: v for k, v in _DIGITS.items() if k != "n_labeled"},
                  "methods": "distill,slam,student_LV"},
        "grid": {"n_labeled": [30, 60]},
        "analysis_params": {"group_by": ["n_labeled"]},
        "claims": [{"id": "slam_geq_distill", "statement": "s"},
                   {"id": "gap_grows_with_noise", "statement": "g"}],
        "presets": {"quick": {"seeds": 2}, "full": {"seeds": 2}},
    }
    res = runner.run_experiment(cfg, "quick", results_dir=tmp_path, progress=False)
    assert res.summary_json is not None and res.summary_json.exists()
    paths = rep.fig_distillation(tmp_path / "distillation_tiny", tmp_path / "figs")
    assert [p.suffix for p in paths] == [".pdf", ".png"]
    assert (tmp_path / "distillation_tiny" / "table.md").exists()

    cfg2 = {**cfg, "name": "calib_tiny", "trial": "experiments.calibration:alpha_calibration_trial",
            "analysis": "experiments.calibration:calibration_analysis",
            "figures": ["experiments.calibration:fig_alpha_calibration"],
            "fixed": {**cfg["fixed"], "n_bins": 5},
            "claims": [{"id": "alpha_calibrated"}, {"id": "k_coverage"}]}
    runner.run_experiment(cfg2, "quick", results_dir=tmp_path, progress=False)
    paths = cal.fig_alpha_calibration(tmp_path / "calib_tiny", tmp_path / "figs")
    assert paths and all(p.exists() for p in paths)
