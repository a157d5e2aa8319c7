"""The command line: verbs, one-line errors with exit status 2, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from slam_theory import __version__, bench, cli

FIXTURES = Path(__file__).resolve().parent / "fixtures_sweep"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"slam-theory {__version__}"


def test_console_script_version() -> None:
    out = subprocess.run([sys.executable, "-m", "slam_theory.cli", "--version"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == f"slam-theory {__version__}"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


GOOD = """\
name = "{name}"
trial = "experiments.halfspace_trial:halfspace_error"
root_seed = 1
[grid]
n = [1]
[presets.quick]
seeds = 1
[presets.full]
seeds = 2
"""


def _argv_cases(tmp: Path) -> list[list[str]]:
    bad_toml = _write(tmp, "bad", "name = \n")
    unknown = _write(tmp, "unk", GOOD.format(name="unk") + "bogus = 1\n")
    return [
        [],
        ["frobnicate"],
        ["run"],
        ["run", str(tmp / "missing.toml")],
        ["run", str(bad_toml)],
        ["run", str(unknown)],
        ["run", str(unknown), "--jobs", "zero"],
        ["run", str(unknown), "--jobs", "0"],
        ["run", str(unknown), "--preset", "medium"],
        ["reproduce", "--experiments", str(tmp / "nope")],
        ["figures", "--experiments", str(tmp), "no_such_experiment"],
        ["report", "--results", str(tmp / "no_results")],
        ["bench", "--topic", "nope"],
        ["run", str(unknown), "--quick"],
    ]


def test_user_mistakes_exit_2_with_one_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    for argv in _argv_cases(tmp_path):
        code = cli.main(argv)
        err = capsys.readouterr().err
        assert code == 2, (argv, err)
        assert err.startswith("slam-theory: error: "), (argv, err)
        assert err.count("\n") == 1, (argv, err)
        assert "Traceback" not in err


def test_user_mistakes_in_a_subprocess(tmp_path: Path) -> None:
    """The installed entry point: no traceback, one line, status 2."""
    for argv in (["run", str(tmp_path / "missing.toml")], ["run", "x.toml", "--jobs", "-5"]):
        out = subprocess.run([sys.executable, "-m", "slam_theory.cli", *argv],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 2
        assert out.stderr.startswith("slam-theory: error: ")
        assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_unknown_preset_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "exp", GOOD.format(name="exp"))
    assert cli.main(["run", str(path), "--preset", "medium"]) == 2
    err = capsys.readouterr().err
    assert "medium" in err


def _allow_test_trials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the CLI resolve references to the test module ``sweep_trials``."""
    from slam_theory.runner import config, figures, references, run

    monkeypatch.syspath_prepend(str(FIXTURES))
    real = references.resolve_reference

    def resolve(ref: str, *, allow_external: bool = False):
        return real(ref, allow_external=True)

    for module in (config, figures, references, run):
        monkeypatch.setattr(module, "resolve_reference", resolve)


def test_run_figures_report_reproduce(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The verbs end to end, with a test trial module made importable as external."""
    _allow_test_trials(monkeypatch)
    exps = tmp_path / "experiments"
    exps.mkdir()
    text = GOOD.format(name="tiny").replace("experiments.halfspace_trial:halfspace_error",
                                           "sweep_trials:noisy_sum")
    text = text.replace("root_seed = 1", 'root_seed = 1\nanalysis = "sweep_trials:count_rows"\n'
                        'figures = ["sweep_trials:one_figure"]')
    text += '[[claims]]\nid = "c"\nstatement = "s"\n'
    _write(exps, "tiny", text)
    results, figs = tmp_path / "results", tmp_path / "figs"
    assert cli.main(["run", str(exps / "tiny.toml"), "--results", str(results),
                     "--no-progress"]) == 0
    assert "tiny (quick): 1 trials run" in capsys.readouterr().out
    assert cli.main(["figures", "--results", str(results), "--out", str(figs),
                     "--experiments", str(exps), "tiny"]) == 0
    assert (figs / "tiny.txt").exists()
    assert cli.main(["report", "--results", str(results)]) == 0
    assert "| tiny | c | s |" in (results / "REPORT.md").read_text()
    capsys.readouterr()
    assert cli.main(["reproduce", "--quick", "--jobs", "1", "--results", str(results),
                     "--figures", str(figs), "--experiments", str(exps), "--fresh",
                     "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "report:" in out and "1/1 experiments in" in out
    # a failing trial is an outcome: recorded, counted, and an error only with --strict
    broken = GOOD.format(name="broken").replace(
        "experiments.halfspace_trial:halfspace_error", "sweep_trials:failing")
    _write(exps, "broken", broken.replace("n = [1]", "n = [3]"))
    argv = ["reproduce", "--jobs", "1", "--results", str(results), "--figures", str(figs),
            "--experiments", str(exps), "--no-progress"]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert "1 failed trials" in captured.out and "RuntimeError: boom" in captured.err
    assert cli.main([*argv, "--strict"]) == 1
    assert cli.main(["run", str(exps / "broken.toml"), "--results", str(results),
                     "--no-progress"]) == 0
    assert "0 trials run, 0 already done, 1 failed" not in capsys.readouterr().out
    assert cli.main(["run", str(exps / "broken.toml"), "--results", str(results),
                     "--no-progress", "--strict"]) == 1
    summary = json.loads((results / "broken" / "summary.json").read_text()) if (
        results / "broken" / "summary.json").exists() else None
    assert summary is None  # broken names no analysis: its failures are in the store
    assert (results / "tiny" / "summary.json").exists()


def test_bench_json(monkeypatch: pytest.MonkeyPatch,
                    capsys: pytest.CaptureFixture[str]) -> None:
    fake = [{"name": "x", "ours_s": 0.1, "peer": "p", "peer_s": 0.2, "ratio": 2.0,
             "target": 1.0, "met": True, "notes": ""}]

    def run_all(quick: bool = False, topics: list[str] | None = None) -> list[dict]:
        return [{"topic": "sampling", **r} for r in fake]

    monkeypatch.setattr(bench, "run_all", run_all)
    assert cli.main(["bench", "--json", "--quick"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["results"][0]["name"] == "x"
    assert cli.main(["bench"]) == 0
    table = capsys.readouterr().out
    assert "ratio" in table and "1/1 targets met" in table


def test_bench_skips_missing_topics() -> None:
    notes: list[str] = []
    out = bench.run_all(quick=True, topics=[], log=notes.append)
    assert out == []
    with pytest.raises(ValueError, match="unknown bench topic"):
        bench.run_all(topics=["nope"])
    assert "no benchmark results" in bench.format_table([])


def _subparsers() -> dict[str, object]:
    parser = cli._build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return dict(action.choices)


def test_every_option_has_help_and_shows_its_default() -> None:
    for name, sub in _subparsers().items():
        text = sub.format_help()
        for action in sub._actions:
            if action.help == "==SUPPRESS==":
                assert not any(o in text.split() for o in action.option_strings)  # hidden
                continue
            assert action.help, f"{name} {action.option_strings or action.dest}: no help"
            if action.option_strings and action.nargs != 0 and action.default not in (
                    None, "==SUPPRESS=="):
                assert f"(default: {action.default}" in " ".join(text.split()), (
                    name, action.option_strings)


def test_the_same_folder_flags_everywhere() -> None:
    subs = _subparsers()
    flags = {n: {o for a in s._actions for o in a.option_strings} for n, s in subs.items()}
    for name in ("run", "figures", "report", "reproduce"):
        assert "--results" in flags[name]
    for name in ("figures", "reproduce"):
        assert {"--figures", "--experiments"} <= flags[name]
    assert "--experiments" in flags["run"]
    assert "--out" in flags["figures"] and "--experiments-dir" in flags["figures"]  # aliases
    assert "--out" not in subs["figures"].format_help()


def test_names_work_where_files_do_and_old_spellings_still_parse(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _allow_test_trials(monkeypatch)
    exps = tmp_path / "exps"
    exps.mkdir()
    text = GOOD.format(name="tiny").replace("experiments.halfspace_trial:halfspace_error",
                                           "sweep_trials:noisy_sum")
    text = text.replace("root_seed = 1", 'root_seed = 1\nfigures = ["sweep_trials:one_figure"]')
    _write(exps, "tiny", text)
    res = tmp_path / "res"
    assert cli.main(["run", "tiny", "--experiments", str(exps), "--results", str(res),
                     "--no-progress"]) == 0
    assert cli.main(["run", "tiny", "--results", str(res), "--no-progress"]) == 2  # not here
    assert "unknown experiment 'tiny'" in capsys.readouterr().err
    assert cli.main(["figures", "tiny", "--experiments", str(exps), "--results", str(res),
                     "--figures", str(tmp_path / "f1")]) == 0
    assert (tmp_path / "f1" / "tiny.txt").exists()
    assert cli.main(["figures", "tiny", "--experiments-dir", str(exps), "--results", str(res),
                     "--out", str(tmp_path / "f2")]) == 0
    assert (tmp_path / "f2" / "tiny.txt").exists()
    assert not list(res.glob(".*.lock"))


def test_no_lock_file_is_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """After a run, a refused resume (other config) and a failing --strict run."""
    _allow_test_trials(monkeypatch)
    res = tmp_path / "res"
    good = GOOD.format(name="lk").replace("experiments.halfspace_trial:halfspace_error",
                                         "sweep_trials:failing")
    path = _write(tmp_path, "lk", good)
    assert cli.main(["run", str(path), "--results", str(res), "--no-progress"]) == 0
    path.write_text(good.replace("n = [1]", "n = [3]"))  # another config: refused
    assert cli.main(["run", str(path), "--results", str(res), "--no-progress"]) == 2
    assert cli.main(["run", str(path), "--results", str(res), "--no-progress", "--fresh",
                     "--strict"]) == 1  # n = 3 fails
    capsys.readouterr()
    assert not list(res.glob(".*.lock")) and not list(res.glob("**/*-wal"))


@pytest.mark.parametrize("argv_tail", [
    ["--scheduler", "http://host:1"], ["--scheduler", "host"], ["--jobs", "100000"],
    ["--scheduler-timeout", "inf"], ["--results", "{file}"], ["--results", "{ro}/res"],
])
def test_bad_run_options_are_one_line(tmp_path: Path, argv_tail: list[str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "afile").write_text("x")
    ro = tmp_path / "ro"
    ro.mkdir()
    immutable = subprocess.run(["chattr", "+i", str(ro)], capture_output=True).returncode == 0
    if "{ro}/res" in argv_tail and not immutable:
        pytest.skip("no way to make a read-only folder here")
    try:
        tail = [a.replace("{file}", str(tmp_path / "afile")).replace("{ro}", str(ro))
                for a in argv_tail]
        path = _write(tmp_path, "exp", GOOD.format(name="exp"))
        assert cli.main(["run", str(path), *tail]) == 2
    finally:
        subprocess.run(["chattr", "-i", str(ro)], capture_output=True)
    err = capsys.readouterr().err
    assert err.startswith("slam-theory: error:") and err.count("\n") == 1, err


def test_a_misspelt_learner_is_refused_when_the_config_loads(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (Path(__file__).resolve().parent.parent / "experiments" / "rate_eps.toml").read_text()
    path = _write(tmp_path, "rate_eps", text.replace('"hinge"]', '"hnige"]'))
    assert cli.main(["run", str(path), "--results", str(tmp_path / "res")]) == 2
    err = capsys.readouterr().err
    assert "learner must be one of" in err and "'hnige'" in err and err.count("\n") == 1
    assert not (tmp_path / "res").exists()  # nothing written


def test_bench_table_fits_100_columns() -> None:
    long = {"name": "n" * 60, "ours_s": 0.123456, "peer": "a very long peer " * 8,
            "peer_s": 12345.6, "ratio": 1.5, "target": 2.0, "met": False,
            "notes": "word " * 60}
    text = bench.format_table([long, {**long, "peer": "another long peer " * 6}])
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "[1] a very long peer" in text and "[2] another long peer" in text


def _tiny_experiments(tmp_path: Path) -> Path:
    exps = tmp_path / "exps"
    exps.mkdir()
    for name, n in (("one", "[1, 2, 3]"), ("two", "[4, 5]")):
        text = GOOD.format(name=name).replace(
            "experiments.halfspace_trial:halfspace_error", "sweep_trials:noisy_sum")
        _write(exps, name, text.replace("n = [1]", f"n = {n}"))
    return exps


def test_reproduce_shows_one_bar_over_all_trials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _allow_test_trials(monkeypatch)
    exps = _tiny_experiments(tmp_path)
    argv = ["reproduce", "--jobs", "1", "--experiments", str(exps), "--results",
            str(tmp_path / "res"), "--figures", str(tmp_path / "figs")]
    assert cli.main(argv) == 0
    err = capsys.readouterr().err
    assert "reproduce (quick)" in err and "5/5 trial" in err
    assert "one (quick)" not in err and "two (quick)" not in err  # no per-experiment bars
    # weighted by the measured cost per trial, in seconds
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "sweep.json").write_text(json.dumps(
        {"preset": "quick", "experiments": {"one": {"mean_trial_s": 2.0},
                                            "two": {"mean_trial_s": 10.0}}}))
    assert cli.trial_costs(exps, "quick") == {"one": 2.0, "two": 10.0}
    assert cli.trial_costs(exps, "full") == {}
    # the full preset's weights come from the timed full run
    (tmp_path / "benchmarks" / "full_run.json").write_text(json.dumps(
        {"experiments": {"one": {"trials": 3, "trial_seconds": 30.0},
                         "two": {"trials": 0, "trial_seconds": 0.0}}}))
    assert cli.trial_costs(exps, "full") == {"one": 10.0}
    assert cli.trial_costs(exps, "quick") == {"one": 2.0, "two": 10.0}
    assert cli.main([*argv, "--fresh"]) == 0
    assert "26/26 s" in capsys.readouterr().err  # 3 x 2 s + 2 x 10 s
    assert cli.main([*argv, "--no-progress"]) == 0  # nothing pending, and no bar at all
    assert "reproduce (quick)" not in capsys.readouterr().err


def test_reproduce_runs_an_experiment_only_in_its_presets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``reproduce = ["full"]`` keeps an experiment out of the quick run and in the full one."""
    _allow_test_trials(monkeypatch)
    exps = _tiny_experiments(tmp_path)
    text = (exps / "two.toml").read_text()
    (exps / "two.toml").write_text('reproduce = ["full"]\n' + text)
    argv = ["reproduce", "--jobs", "1", "--experiments", str(exps), "--results",
            str(tmp_path / "res"), "--figures", str(tmp_path / "figs"), "--no-progress"]
    assert cli.main([*argv, "--quick"]) == 0
    out = capsys.readouterr().out
    assert "one (quick)" in out and "two (quick)" not in out and "1/1 experiments" in out
    assert cli.main([*argv, "--full", "--fresh"]) == 0
    out = capsys.readouterr().out
    assert "one (full)" in out and "two (full)" in out and "2/2 experiments" in out
    # a bad value is refused in one line naming the key
    for bad in ('["fast"]', "[]", '"full"', '["full", "full"]'):
        (exps / "two.toml").write_text(f"reproduce = {bad}\n" + text)
        assert cli.main([*argv, "--quick"]) == 2
        assert "reproduce" in capsys.readouterr().err


def test_figures_for_one_experiment_keep_every_other_figures_caption(tmp_path: Path) -> None:
    # the index lists every figure in the folder; a run for one experiment used to drop the
    # captions of the others
    from slam_theory.experiments import dimension_free, rates_figures

    root = Path(__file__).resolve().parents[1]
    for stem in ("rate_eps", "dimension_free"):
        (tmp_path / f"{stem}.png").write_bytes(b"")
    cli._write_figure_index(str(tmp_path), [root / "experiments" / "dimension_free.toml"],
                            str(root / "experiments"))
    text = (tmp_path / "README.md").read_text()
    assert rates_figures.CAPTIONS["rate_eps"] in text
    assert dimension_free.CAPTIONS["dimension_free"] in text
