"""A fast subset of the fuzzing campaign (``tools/fuzz.py``), and checks that it can fail."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

TOOLS = Path(__file__).resolve().parent.parent / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import fuzz  # noqa: E402
import fuzz_api  # noqa: E402
import fuzz_faults  # noqa: E402

from slam_theory import _validation, halfspaces, losses  # noqa: E402


def test_a_seeded_subset_has_no_new_findings() -> None:
    """50 API cases and 20 CLI cases drawn with the seed: every one clear, or a known one."""
    res = fuzz.run_campaign(seed=0, limit=50, only=("api",))
    res_cli = fuzz.run_campaign(seed=0, limit=20, only=("cli",))
    assert res["cases"] == 50 and res_cli["cases"] == 20
    new = [f for r in (res, res_cli) for f in r["findings"] if not fuzz.known(f["case"])]
    assert not new, new


def test_the_campaign_is_reproducible() -> None:
    a = [(c.target, c.arg, c.label) for c in fuzz_api.api_cases(3)[1]]
    b = [(c.target, c.arg, c.label) for c in fuzz_api.api_cases(3)[1]]
    assert a == b and len(a) > 3000
    va = fuzz_api.bad_values(fuzz_api.targets(3)[0], "w", 3)
    vb = fuzz_api.bad_values(fuzz_api.targets(3)[0], "w", 3)
    assert [v[0] for v in va] == [v[0] for v in vb]
    assert np.array_equal(va[0][1], vb[0][1], equal_nan=True)


def test_every_control_call_succeeds() -> None:
    """A bad value counts only against a call that works with the valid values."""
    for t in fuzz_api.targets(0):
        t.call(**t.valid)


def test_classification_can_fail() -> None:
    assert fuzz.classify_exception(None, "eta", "nan")[0] == "silent"
    assert fuzz.classify_exception(IndexError("index 3"), "eta", "nan")[0] == "crash"
    assert fuzz.classify_exception(ValueError("bad value"), "eta", "nan")[0] == "vague"
    assert fuzz.classify_exception(ValueError("eta must be in [0, 0.5)"), "eta", "nan")[0] == \
        "clear"
    assert fuzz.classify_exception(ValueError("w must be 1-d"), "w", "nan")[0] == "clear"
    assert fuzz.classify_exception(ValueError("new w_star"), "w", "nan")[0] == "vague"
    tb = "Traceback (most recent call last):\n  File ...\nKeyError: 'x'\n"
    assert fuzz.classify_cli(1, tb, None)[0] == "crash"
    assert fuzz.classify_cli(2, "slam-theory: error: two\nlines\n", None)[0] == "vague"
    assert fuzz.classify_cli(0, "", None)[0] == "silent"
    assert fuzz.classify_cli(None, "", fuzz.WouldRun())[0] == "silent"
    assert fuzz.classify_cli(2, "slam-theory: error: no such file\n", None)[0] == "clear"


def test_a_check_removed_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the string check gone, the campaign reports the numeric strings it then accepts."""
    targets = {t.name: t for t in fuzz_api.targets(0)}
    case = fuzz_api.Case("losses.logistic_loss", "X", "strings", "arr:X")
    assert fuzz._api_call(targets, case, 0)[0] == "clear"
    monkeypatch.setattr(_validation, "reject_strings", lambda a, name: None)
    assert fuzz._api_call(targets, case, 0)[0] == "silent"


def test_fixed_findings_stay_fixed() -> None:
    """What the first campaign found, one line each."""
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(TypeError, match=r"^X must be array-like of numbers, got strings"):
        losses.logistic_loss([1.0, 0.0], X.astype(str), [1, -1])
    with pytest.raises(TypeError, match=r"'max_iter' parameter .* got bool"):
        halfspaces.Perceptron(max_iter=True).fit(X, [1, -1])
    with pytest.raises(ValueError, match=r"^X: Expected 2D array"):
        halfspaces.Perceptron().fit(X[:, 0], [1, -1])
    with pytest.raises(ValueError, match=r"^epsilon must be in"):
        halfspaces.leaky_relu_validation_size(10, 0.0)
    with pytest.raises(TypeError, match=r"^y must contain the numbers"):
        losses.logistic_loss([1.0, 0.0], X, np.array([object(), object()]))


def test_one_fault_scenario_of_each_kind(tmp_path: Path) -> None:
    """A kill -9 and a damaged store: recovered or refused in one line, never rows lost."""
    f = fuzz_faults.Faults(0, tmp_path)
    assert f.kill(1)[0] == "recovered"
    assert f.damage_store("text")[0] == "clear"
    assert f.edit_config("grid", keep_json=False)[0] == "clear"


def test_a_fault_that_loses_rows_is_reported(tmp_path: Path) -> None:
    """The judge of a rerun can fail: other rows than the uninterrupted run's are ``lost``."""
    f = fuzz_faults.Faults(0, tmp_path)
    res = f.copy_ref()
    csv = res / "faulty" / "trials.csv"
    csv.write_text(csv.read_text().replace("i0", "i9", 1))
    assert f.finish(f.toml, res, 0, "", damaged=False)[0] == "lost"
    assert f.finish(f.toml, res, 0, "", damaged=True)[0] == "silent"
    assert f.finish(f.toml, res, 1, "Traceback (most recent call last):\n", damaged=False)[
        0] == "crash"
