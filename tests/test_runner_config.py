"""The runner's boundary: references, parameter checks before any file, one-line CLI errors."""

from __future__ import annotations

import http.server
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from slam_theory import cli, runner
from slam_theory.errors import ConfigError, SchedulerError
from slam_theory.experiments.params import check_params

FIXTURES = Path(__file__).resolve().parent / "fixtures_sweep"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

TOML = """\
name = "{name}"
trial = "{trial}"
root_seed = 1
[grid]
n = [1, 2]
learner = {learners}
[presets.quick]
seeds = 1
[presets.full]
seeds = 2
{full_grid}
"""


def _toml(folder: Path, name: str = "exp", trial: str = "sweep_trials:noisy_sum",
          learners: str = '["a", "b"]', full_grid: str = "") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(TOML.format(name=name, trial=trial, learners=learners,
                                full_grid=full_grid))
    return path


@pytest.mark.parametrize("ref", ["__main__:main", "cli:main", "os:system", "report:write_report",
                                 "sweep:run_experiment", "runner.run:run_experiment",
                                 "runner:run_experiment",
                                 "trials:halfspace_error", "trials:np", "trials:Mapping",
                                 "distill_experiments:distill_trial", "analysis:sample_complexity",
                                 "experiments.halfspace_trial:np",
                                 "experiments.halfspace_trial:Mapping",
                                 "experiments.rates:_learner_epsilon",
                                 "experiments:rates", "builtins:eval"])
def test_references_outside_the_allowlist_are_refused(tmp_path: Path, ref: str) -> None:
    path = _toml(tmp_path, trial=ref)
    for external in (False, True):
        with pytest.raises(ConfigError) as info:
            runner.load_config(path, allow_external=external)
        assert "\n" not in str(info.value) and "trial:" in str(info.value)


def test_main_module_is_never_imported() -> None:
    before = set(sys.modules)
    with pytest.raises(ValueError):
        runner.resolve_reference("__main__:main")
    assert "slam_theory.__main__" not in set(sys.modules) - before


def test_allowed_references_resolve() -> None:
    with pytest.raises(ValueError, match=r"no module slam_theory\.experiments\.nothing_here"):
        runner.resolve_reference("experiments.nothing_here:f")  # allowed, then looked up
    ref = "experiments.halfspace_trial:halfspace_error"
    assert runner.resolve_reference(ref).__name__ == "halfspace_error"
    assert runner.resolve_reference("sweep_trials:noisy_sum", allow_external=True)


@pytest.mark.parametrize("where", ["grid", "preset"])
def test_learner_typo_is_refused_before_any_file(tmp_path: Path, where: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    if where == "grid":
        path = _toml(tmp_path, learners='["a", "slamm"]')
    else:  # only the full preset has the typo: refused even when running quick
        path = _toml(tmp_path, full_grid='[presets.full.grid]\nlearner = ["a", "bb"]')
    res = tmp_path / "results"
    with pytest.raises(ConfigError) as info:
        runner.run_experiment(path, results_dir=res, progress=False, allow_external=True)
    msg = str(info.value)
    assert "\n" not in msg and "learner must be one of" in msg
    assert ("slamm" in msg) if where == "grid" else ("'bb'" in msg and "presets.full" in msg)
    assert not res.exists()  # nothing created
    good = _toml(tmp_path, name="good")  # the check can pass
    assert runner.run_experiment(good, results_dir=res, progress=False,
                                 allow_external=True).n_run == 4


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_service() -> Iterator[str]:
    """A service on loopback that accepts connections but is not dask."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_scheduler_that_is_not_dask_times_out_in_one_line(tmp_path: Path,
                                                         http_service: str) -> None:
    pytest.importorskip("distributed")
    cfg = {"name": "s", "trial": "sweep_trials:noisy_sum", "root_seed": 0, "fixed": {},
           "grid": {"n": [1]}, "seeds": 1}
    t0 = time.monotonic()
    with pytest.raises(SchedulerError) as info:
        runner.run_experiment(cfg, results_dir=tmp_path, progress=False, allow_external=True,
                              scheduler=http_service, scheduler_timeout=1.5)
    elapsed = time.monotonic() - t0
    assert "\n" not in str(info.value) and "dask" in str(info.value)
    assert elapsed < 15, elapsed  # the timeout holds (was: hangs past 120 s)
    assert elapsed >= 1.4  # and it did wait: a scheduler given time would be used


def test_cli_user_errors_are_one_line_exit_2(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             http_service: str) -> None:
    path = _toml(tmp_path, trial="experiments.halfspace_trial:halfspace_error")
    afile = tmp_path / "afile"
    afile.write_text("x")
    cases = [
        ["run", str(path), "--results", str(afile)],
        ["figures", "--results", str(tmp_path / "nonexistent")],
        ["figures", "--results", str(tmp_path), "--out", str(afile)],
        ["reproduce", "--experiments", str(tmp_path), "--figures", str(afile),
         "--results", str(tmp_path / "r")],
        ["reproduce", "--experiments", str(tmp_path), "--results", str(afile)],
        ["run", str(_toml(tmp_path, name="os_sys", trial="os:system"))],
        ["run", str(_toml(tmp_path, name="main_ref", trial="__main__:main"))],
        ["run", str(path), "--scheduler-timeout", "0"],
        ["run", str(path), "--results", str(tmp_path / "r2"), "--scheduler", http_service,
         "--scheduler-timeout", "1", "--no-progress"],
    ]
    for argv in cases:
        code = cli.main(argv)
        err = capsys.readouterr().err
        assert code == 2, (argv, err)
        assert err.startswith("slam-theory: error: ") and err.count("\n") == 1, (argv, err)
    assert not (tmp_path / "r").exists()  # refused before running anything


SHIPPED = sorted((Path(__file__).resolve().parents[1] / "experiments").rglob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_experiment_loads_in_both_presets(path):
    """Each TOML the repository ships passes every load-time check (parameter checks included)
    in both presets, so `reproduce` cannot stop on its own files."""
    assert len(SHIPPED) >= 12
    for preset in ("quick", "full"):
        cfg = runner.load_config(path, preset=preset)
        assert cfg["seeds"] >= 1


@pytest.mark.parametrize(("key", "bad"), [("svm_C", -1.0), ("excess_level", 1.5),
                                          ("disagreement_level", float("inf")),
                                          ("control_margin", "x")])
def test_shared_parameters_out_of_range_are_refused_when_the_config_loads(key, bad):
    with pytest.raises((ValueError, TypeError), match=key):
        check_params("any_trial", {key: bad})
    check_params("any_trial", {key: 0.5})  # an in-range value passes
