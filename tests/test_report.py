"""REPORT.md from hand-written summaries."""

from __future__ import annotations

import json
from pathlib import Path

from slam_theory import __version__, report, report_sections


def _summary(root: Path, name: str, data: dict) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "summary.json").write_text(json.dumps(data))


def test_report_table(tmp_path: Path) -> None:
    _summary(tmp_path, "sample_complexity_eps", {
        "experiment": "sample_complexity_eps",
        "preset": "quick",
        "claims": [
            {"id": "eps_slam", "statement": "n = O(1/eps^2) | RCN", "learner": "slam",
             "parameter": "eps", "exponent": 1.9234, "ci": [1.71, 2.12],
             "theory_exponent": 2, "verdict": "consistent"},
            {"id": "eps_other", "statement": "counts", "exponent": None, "ci": None,
             "measured": {"ratio": 0.5, "n": 3}, "verdict": "inconclusive"},
            {"id": "bare"},
        ],
        "tables_md": ["| a | b |\n|---|---|\n| 1 | 2 |"],
    })
    _summary(tmp_path, "alpha_calibration", {"experiment": "alpha_calibration"})
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "summary.json").write_text("{not json")
    path = report.write_report(tmp_path)
    assert path == tmp_path / "REPORT.md"
    text = path.read_text()
    assert f"slam-theory {__version__}" in text
    assert "Presets used: n/a, quick" in text or "Presets used: quick" in text
    assert ("| sample_complexity_eps | eps_slam | n = O(1/eps^2) \\| RCN | SLaM | "
            "1.92 [1.71, 2.12] | 2 | n/a | quick | consistent |") in text
    assert ("| eps_other | counts | n/a | ratio=0.5, n=3 | n/a | n/a | quick | "
            "inconclusive |") in text
    assert "| sample_complexity_eps | bare | n/a | n/a | n/a | n/a | n/a | quick | n/a |" in text
    # an experiment without claims is a measurement, not an unknown
    assert "| alpha_calibration | n/a | (no claims: measurements only) |" in text
    assert text.count("| measurement only |") == 1
    assert "| a | b |\n|---|---|\n| 1 | 2 |" in text
    assert "## broken" in text and "could not be read" in text
    assert "alpha_calibration" in text
    # reproducible: no dates, same bytes twice
    assert report.write_report(tmp_path).read_text() == text


def test_report_empty(tmp_path: Path) -> None:
    text = report.write_report(tmp_path / "new").read_text()
    assert "Experiments: 0" in text and "n/a" in text


def test_measured_numbers_are_compact(tmp_path: Path) -> None:
    nested = {"slam": {str(e): {"ci": [0.0123456, 0.5], "n": 16000.0} for e in range(40)}}
    _summary(tmp_path, "noise_rate", {
        "experiment": "noise_rate", "preset": "full",
        "claims": [{"id": "reach", "measured": nested, "verdict": "consistent",
                    "reason": "median <= eps everywhere"}],
    })
    text = report.write_report(tmp_path).read_text()
    row = next(line for line in text.splitlines() if line.startswith("| noise_rate"))
    # no dict dump in the row: the numbers go to a table in the claim's section
    assert "1 series (table in the claim's section)" in row and len(row) < 200
    assert "summary.json" not in row
    assert "| slam / 0 | [0.0123, 0.5] | 16000 |" in text
    assert "- Verdict: consistent (median <= eps everywhere)" in text


def test_failed_trials_are_reported(tmp_path: Path) -> None:
    exp = tmp_path / "e"
    exp.mkdir()
    summary = {"experiment": "e", "preset": "quick", "claims": [],
               "failures": {"count": 2, "trials": [{"params": {"n": 9}, "seed": 1,
                                                    "error": "ValueError: one class"}]}}
    (exp / "summary.json").write_text(json.dumps(summary))
    text = report.render_report(tmp_path)
    assert "2 trials failed" in text and "ValueError: one class" in text
    summary["failures"] = {"count": 0, "trials": []}
    (exp / "summary.json").write_text(json.dumps(summary))
    assert "trials failed" not in report.render_report(tmp_path)


def test_two_sided_claim_shows_bounds_controls_and_thresholds(tmp_path: Path) -> None:
    _summary(tmp_path, "rate_eps", {
        "experiment": "rate_eps", "preset": "quick",
        "instance": {"family": "eps_floor", "hard_factor": 4.0},
        "error_quantity": "disagreement",
        "claims": [{"id": "c", "statement": "s", "learner": "slam", "parameter": "target",
                    "exponent": 1.5, "ci": [1.2, 1.8], "floor": 1, "ceiling": 2,
                    "verdict": "inconclusive", "reason": "control(s) mean reach the target",
                    "values": [0.1, 0.05], "thresholds": [100.0, 400.0],
                    "threshold_censored": [False, True], "local_slopes": [1.4, 1.6],
                    "controls": {"mean": {"thresholds": [50.0, 60.0],
                                          "censored": [False, False], "fails": False},
                                 "hinge": {"thresholds": [9e4, 9e4],
                                           "censored": [True, True], "fails": True}}}],
    })
    text = report.write_report(tmp_path).read_text()
    row = next(line for line in text.splitlines() if line.startswith("| rate_eps"))
    assert ("| [1, 2] | Mean of y x: meets the target; Hinge, exact: fails | quick | "
            "inconclusive |") in row
    assert "Instance: family = eps_floor, hard_factor = 4.0; error quantity: disagreement." in text
    assert "| SLaM | 100 | >400 |" in text
    assert "- Local slopes over sliding sub-ranges: 1.4, 1.6" in text
    assert "- Floor and ceiling: [1, 2]" in text
    assert "- Instance: family = eps_floor, hard_factor = 4.0" in text
    assert "- Would have failed on: the interval of the exponent lying wholly above 2 or " \
        "below 1" in text


def test_below_grid_and_never_reached_are_told_apart(tmp_path: Path) -> None:
    _summary(tmp_path, "rate_eps", {
        "experiment": "rate_eps", "preset": "quick",
        "claims": [{"id": "c", "learner": "slam", "parameter": "target", "floor": 1,
                    "ceiling": 2, "verdict": "inconclusive", "values": [0.1, 0.05, 0.02],
                    "thresholds": [100.0, 400.0, 32000.0],
                    "threshold_censored": [False, False, True], "below_grid": [0.1]}],
    })
    text = report.write_report(tmp_path).read_text()
    assert "| SLaM | <=100 | 400 | >32000 |" in text
    # the mutant that forgets below_grid prints a plain 100: the check can fail
    summary = json.loads((tmp_path / "rate_eps" / "summary.json").read_text())
    summary["claims"][0]["below_grid"] = []
    (tmp_path / "rate_eps" / "summary.json").write_text(json.dumps(summary))
    assert "| SLaM | 100 | 400 | >32000 |" in report.render_report(tmp_path)


def test_measurement_only_rows_are_marked_as_such(tmp_path: Path) -> None:
    _summary(tmp_path, "massart_robustness", {
        "experiment": "massart_robustness", "preset": "quick",
        "claims": [{"id": "m", "learner": "slam", "kind": "measured", "verdict": "inconclusive",
                    "measured": {"median": 0.1, "ci": [0.05, 0.2]}},
                   {"id": "t", "learner": "slam", "floor": 0, "ceiling": 1,
                    "verdict": "inconclusive", "rule": "too_wide"}],
    })
    text = report.write_report(tmp_path).read_text()
    rows = [line for line in text.splitlines() if line.startswith("| massart_robustness")]
    assert rows[0].endswith("| none stated | n/a | quick | measurement only |")
    assert rows[1].endswith("| [0, 1] | n/a | quick | inconclusive |")
    assert "- Would have failed on: nothing: no bound is stated" in text


def test_latex_table_uses_printed_names_and_escapes(tmp_path: Path) -> None:
    _summary(tmp_path, "rate_eps", {
        "experiment": "rate_eps", "preset": "quick",
        "claims": [{"id": "eps_exponent_slam", "learner": "leaky_relu_online", "floor": 1,
                    "ceiling": 2, "exponent": 1.5, "ci": [1.2, 1.8], "verdict": "consistent"}],
    })
    report.write_report(tmp_path)
    tex = (tmp_path / "table.tex").read_text()
    assert tex.startswith("\\begin{tabular}") and "\\bottomrule" in tex
    line = next(x for x in tex.splitlines() if x.startswith("rate\\_eps"))
    assert line == ("rate\\_eps & eps\\_exponent\\_slam & LeakyReLU, online & 1.5 [1.2, 1.8] & "
                    "[1, 2] & consistent \\\\")
    assert "leaky_relu_online" not in tex


def test_a_growth_control_is_worded_as_such(tmp_path: Path) -> None:
    claim = {"id": "jl", "learner": "slam", "floor": -0.25, "ceiling": 0.25,
             "verdict": "inconclusive", "control_rule": "grows",
             "controls": {"SLaM, project_dim = 0": {"fails": False, "role": "grows"}}}
    _summary(tmp_path, "dimension_free", {"experiment": "dimension_free", "claims": [claim]})
    text = report.render_report(tmp_path)
    assert "| SLaM, project_dim = 0: does not grow |" in text
    assert "growth control's interval lies wholly above the ceiling" in text
    assert "fails at the hardest value" not in text


def test_must_fail_and_growth_controls_are_worded_each_by_its_role(tmp_path: Path) -> None:
    claim = {"id": "jl", "learner": "slam", "floor": -0.25, "ceiling": 0.25,
             "verdict": "consistent", "control_rule": "grows",
             "controls": {"mean": {"fails": True},
                          "Logistic, exact, project_dim = 0": {"fails": True, "role": "grows"}}}
    _summary(tmp_path, "dimension_free", {"experiment": "dimension_free", "claims": [claim]})
    text = report.render_report(tmp_path)
    assert "| Mean of y x: fails; Logistic, exact, project_dim = 0: grows |" in text
    assert ("every other control fails at the hardest value and its growth control's "
            "interval lies wholly above the ceiling") in text
    claim["controls"]["mean"]["fails"] = False
    _summary(tmp_path / "b", "dimension_free", {"experiment": "dimension_free", "claims": [claim]})
    tmp_path = tmp_path / "b"
    assert "| Mean of y x: meets the target; Logistic" in report.render_report(tmp_path)


def test_a_control_reaching_the_target_at_the_smallest_n_is_marked_below_the_grid():
    claim = {"values": [0.1, 0.05], "thresholds": [800.0, 1600.0], "parameter": "target",
             "threshold_censored": [False, False], "below_grid": [], "learner": "slam",
             "controls": {"logreg_exact": {"values": [0.1, 0.05], "thresholds": [500.0, 64000.0],
                                           "censored": [False, True], "below_grid": [0.1]}}}
    table = "\n".join(report_sections._threshold_table(claim))
    assert "| <=500 | >64000 |" in table and "| 800 | 1600 |" in table
    claim["controls"]["logreg_exact"]["below_grid"] = []  # the mark follows the data
    assert "| 500 | >64000 |" in "\n".join(report_sections._threshold_table(claim))


def test_claim_section_shows_the_grid_step_and_the_last_slopes_interval() -> None:
    claim = {"id": "c", "verdict": "inconclusive", "exponent": 0.75, "ci": [0.61, 0.88],
             "floor": 1, "ceiling": 2, "local_slopes": [0.63, 1.0], "resolution": 2 ** 0.125,
             "last_slope_ci": [0.45, 1.37]}
    text = "\n".join(report_sections.claim_section(claim, {}))
    assert "(the last one's interval: [0.45, 1.37])" in text
    assert "thresholds known to a factor 1.09, the grid's step" in text
    exact = "\n".join(report_sections.claim_section({**claim, "resolution": 1.0,
                                                     "last_slope_ci": None}, {}))
    assert "grid's step" not in exact and "last one's interval" not in exact
