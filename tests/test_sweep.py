"""The runner (``slam_theory.runner``, ``slam_theory.results``, ``slam_theory.errors``): config
validation, seeds, resume, executors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slam_theory import results, runner
from slam_theory.errors import ConfigError, StoreError, TrialError

FIXTURES = Path(__file__).resolve().parent / "fixtures_sweep"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

import sweep_trials  # noqa: E402

BASE = """\
name = "{name}"
description = "engine test"
trial = "sweep_trials:{trial}"
analysis = "sweep_trials:count_rows"
figures = ["sweep_trials:one_figure"]
root_seed = 2302
seed_by = {seed_by}

[fixed]
{fixed}

[grid]
{grid}

[analysis_params]
eps = [0.1]

[[claims]]
id = "c1"
statement = "it works"

[presets.quick]
seeds = {seeds}

[presets.full]
seeds = 5
[presets.full.grid]
n = [1, 2, 3, 4]
"""


def write_config(
    folder: Path,
    name: str = "exp",
    trial: str = "noisy_sum",
    seeds: int = 3,
    fixed: str = "d = 4\nscale = 0.5",
    grid: str = 'n = [1, 2, 3]\nlearner = ["a", "b"]',
    seed_by: str = '["n"]',
    extra: str = "",
) -> Path:
    path = folder / f"{name}.toml"
    text = BASE.format(name=name, trial=trial, seeds=seeds, fixed=fixed, grid=grid,
                       seed_by=seed_by)
    path.write_text(extra + text)
    return path


def run(path: Path | dict[str, Any], results: Path, **kw: Any) -> runner.RunResult:
    kw.setdefault("progress", False)
    return runner.run_experiment(path, results_dir=results, allow_external=True, **kw)


def canon(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def csv_lines(path: Path) -> list[str]:
    lines = path.read_text().splitlines()
    return [lines[0], *sorted(lines[1:])]


# --------------------------------------------------------------------------- config


def test_load_config_resolves_presets(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    cfg = runner.load_config(path, "quick", allow_external=True)
    assert set(cfg) == {"name", "preset", "description", "trial", "analysis", "figures",
                        "root_seed", "seed_by", "fixed", "grid", "exclude", "instance",
                        "analysis_params", "claims", "seeds", "reproduce"}
    assert cfg["seeds"] == 3 and cfg["grid"]["n"] == [1, 2, 3]
    full = runner.load_config(path, "full", allow_external=True)
    assert full["seeds"] == 5 and full["grid"]["n"] == [1, 2, 3, 4]
    assert full["grid"]["learner"] == ["a", "b"]


def test_preset_fixed_override_removes_grid_entry(tmp_path: Path) -> None:
    path = write_config(tmp_path, extra="")
    text = path.read_text() + "[presets.quick.fixed]\nn = 7\n"
    path.write_text(text)
    cfg = runner.load_config(path, "quick", allow_external=True)
    assert cfg["fixed"]["n"] == 7 and "n" not in cfg["grid"]


def test_external_reference_needs_permission(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    with pytest.raises(ConfigError, match="trial"):
        runner.load_config(path)


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda t: "bogus = 1\n" + t, "bogus"),
        (lambda t: t.replace("root_seed = 2302", 'root_seed = "x"'), "root_seed"),
        (lambda t: t.replace("root_seed = 2302\n", ""), "root_seed"),
        (lambda t: t.replace('"sweep_trials:noisy_sum"', '"sweep_trials:nope"'), "trial"),
        (lambda t: t.replace('"sweep_trials:noisy_sum"', '"no_such_mod:f"'), "trial"),
        (lambda t: t.replace('"sweep_trials:noisy_sum"', '"../x:f"'), "trial"),
        (lambda t: t.replace('"sweep_trials:count_rows"', '"sweep_trials"'), "analysis"),
        (lambda t: t.replace('name = "exp"', 'name = "other"'), "name"),
        (lambda t: t.replace("seeds = 3", "seeds = 0"), "presets.quick.seeds"),
        (lambda t: t.replace("seeds = 3", "seedz = 3"), "presets.quick.seedz"),
        (lambda t: t.replace("[presets.full]\nseeds = 5\n", "").replace(
            "[presets.full.grid]\nn = [1, 2, 3, 4]\n", ""), "presets.full"),
        (lambda t: t.replace("d = 4", "d = [4]"), "fixed.d"),
        (lambda t: t.replace("n = [1, 2, 3]", "n = 3"), "grid.n"),
        (lambda t: t.replace("n = [1, 2, 3]", "n = []"), "grid.n"),
        (lambda t: t.replace("n = [1, 2, 3]", "n = [1, 1]"), "grid.n"),
        (lambda t: t.replace("n = [1, 2, 3]", "seed = [1, 2]"), "grid.seed"),
        (lambda t: t.replace('seed_by = ["n"]', 'seed_by = ["zz"]'), "seed_by"),
        (lambda t: t.replace('id = "c1"', "id = 3"), "claims[0].id"),
        (lambda t: t.replace("d = 4", "n = 4"), "grid.n"),
        (lambda t: t + "[presets.full.fixed]\nd = {a = 1}\n", "presets.full.fixed.d"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, mutate: Any, key: str) -> None:
    path = write_config(tmp_path)
    path.write_text(mutate(path.read_text()))
    with pytest.raises(ConfigError) as info:
        runner.load_config(path, allow_external=True)
    msg = str(info.value)
    assert "\n" not in msg
    assert str(path) in msg
    assert f"{key}:" in msg, msg


def test_config_error_bad_preset_and_file(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    with pytest.raises(ConfigError, match=r"presets\.medium: no such preset"):
        runner.load_config(path, "medium", allow_external=True)
    with pytest.raises(ConfigError, match="no such experiment file"):
        runner.load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        runner.load_config(bad)
    assert issubclass(ConfigError, ValueError)


# --------------------------------------------------------------------------- trials & seeds


def test_expand_trials_is_deterministic_and_seeded_by_seed_by(tmp_path: Path) -> None:
    cfg = runner.load_config(write_config(tmp_path), allow_external=True)
    trials = runner.expand_trials(cfg)
    assert len(trials) == 3 * 2 * 3
    assert [t.key for t in trials] == [t.key for t in runner.expand_trials(cfg)]
    assert len({t.key for t in trials}) == len(trials)
    # learner is not in seed_by: trials differing only in learner share their seed
    by = {}
    for t in trials:
        by.setdefault((t.params["n"], t.seed_index), set()).add(t.spawn_key)
    assert all(len(v) == 1 for v in by.values())
    assert len({t.spawn_key for t in trials}) == 3 * 3
    assert trials[0].params == {"d": 4, "learner": "a", "n": 1, "scale": 0.5}
    s = trials[0].seed
    assert isinstance(s, np.random.SeedSequence) and s.entropy == 2302


def test_seeds_stable_values() -> None:
    """The seed derivation is part of the results' identity: freeze it."""
    cfg = {"name": "x", "trial": sweep_trials.noisy_sum, "root_seed": 1, "fixed": {},
           "grid": {"n": [5]}, "seeds": 1}
    cfg = runner.config_from_dict(cfg, "quick", True)
    (t,) = runner.expand_trials(cfg)
    expected = runner.stable_ints({"n": 5})
    assert t.spawn_key == (0, *expected)
    # hashlib-based, independent of PYTHONHASHSEED
    code = ("from slam_theory import runner; print(runner.stable_ints({'n': 5}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "123"}, timeout=60, check=True)
    assert out.stdout.strip() == str(expected)


# --------------------------------------------------------------------------- runs


def test_run_writes_results_and_summary(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    res = run(path, tmp_path / "results")
    assert (res.n_trials, res.n_run, res.n_skipped) == (18, 18, 0)
    header = res.trials_csv.read_text().splitlines()[0]
    assert header == "d,learner,n,scale,seed,row,first,label,mean,ok"
    rows = results.read_trials(res.trials_csv)
    assert len(rows) == 18
    r = rows[0]
    assert isinstance(r["d"], int) and isinstance(r["scale"], float)
    assert isinstance(r["ok"], bool) and isinstance(r["label"], str)
    assert r["row"] == 0 and r["seed"] == 0
    # exact float round trip: recompute the trial directly
    trial = runner.expand_trials(runner.load_config(path, allow_external=True))[0]
    direct = sweep_trials.noisy_sum(trial.params, trial.seed)
    assert r["mean"] == direct["mean"] and r["first"] == direct["first"]
    summary = json.loads(res.summary_json.read_text())
    assert summary["experiment"] == "exp" and summary["preset"] == "quick"
    assert summary["n_rows"] == 18
    assert summary["claims"][0]["exponent"] is None  # NaN -> null
    timings = res.timings_csv.read_text().splitlines()
    assert timings[0] == "d,learner,n,scale,seed,wall_s,host,pid" and len(timings) == 19
    assert "wall" not in header and "host" not in header
    cfg = json.loads(res.config_json.read_text())
    assert cfg["config"]["name"] == "exp" and cfg["fingerprint"]["preset"] == "quick"


def _delete_trials(store: Path, keep: int) -> None:
    with sqlite3.connect(store) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM trials ORDER BY key")]
        conn.executemany("DELETE FROM trials WHERE key = ?", [(k,) for k in keys[keep:]])


def test_resume_skips_done_trials_and_gives_same_set(tmp_path: Path) -> None:
    path = write_config(tmp_path, trial="trajectory")
    ref = run(path, tmp_path / "ref")
    res_dir = tmp_path / "res"
    first = run(path, res_dir)
    _delete_trials(first.store, keep=5)  # what an interrupted run leaves: 5 trials stored
    second = run(path, res_dir)
    assert (second.n_run, second.n_skipped) == (13, 5)
    assert second.trials_csv.read_bytes() == ref.trials_csv.read_bytes()
    third = run(path, res_dir)
    assert (third.n_run, third.n_skipped) == (0, 18)
    rows = results.read_trials(third.trials_csv)
    assert [r["row"] for r in rows[:3]] == [0, 1, 2]
    assert rows == results.read_trials(third.store) == results.read_trials(third.results_dir)


def test_warns_when_sources_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path)
    res = run(path, tmp_path / "res")
    data = json.loads(res.config_json.read_text())
    assert len(data["code_sha256"]) == 64
    run(path, tmp_path / "res")
    assert "warning" not in capsys.readouterr().err
    with sqlite3.connect(res.store) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE name = 'code_sha256'", ("0" * 64,))
    run(path, tmp_path / "res")
    assert "sources changed" in capsys.readouterr().err


def test_versions_recorded_not_fingerprinted(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """config.json and summary.json name the versions; an upgrade warns, it does not refuse."""
    path = write_config(tmp_path)
    res = run(path, tmp_path / "res")
    want = {"slam-theory", "python", "numpy", "scipy", "scikit-learn", "numba"}
    for f in (res.config_json, res.summary_json):
        got = json.loads(f.read_text())["versions"]
        assert set(got) == want and got["numpy"] == np.__version__
    assert "versions" not in runner.fingerprint(runner.load_config(path, allow_external=True))
    with sqlite3.connect(res.store) as conn:  # as if computed with another numpy
        old = json.loads(conn.execute("SELECT value FROM meta WHERE name = 'versions'")
                         .fetchone()[0])
        conn.execute("UPDATE meta SET value = ? WHERE name = 'versions'",
                     (json.dumps({**old, "numpy": "1.0.0"}),))
    capsys.readouterr()
    again = run(path, tmp_path / "res")
    assert again.n_run == 0 and again.n_skipped == res.n_trials  # resumed, not refused
    err = capsys.readouterr().err
    assert f"numpy 1.0.0 -> {np.__version__}" in err and "--fresh" in err
    run(path, tmp_path / "res")
    assert "warning" not in capsys.readouterr().err  # the store now records these versions


def test_torn_csv_is_refused_not_trimmed(tmp_path: Path) -> None:
    p = tmp_path / "trials.csv"
    p.write_text("a,seed,row,x\n1,0,0,0.5\n2,0,0,0.25\n")
    assert results.read_trials(p) == [{"a": 1, "seed": 0, "row": 0, "x": 0.5},
                                    {"a": 2, "seed": 0, "row": 0, "x": 0.25}]
    assert results.read_trials(tmp_path / "missing.csv") == []
    for bad in ("a,seed,row,x\n1,0,0,0.5\n3,0,0,0.1",  # torn last line
                "a,seed,ro",  # torn header
                "a,seed,row,x\n1,0,1,0.5\n",  # row 0 of the trial missing
                "a,seed,row,x\n1,0,0,0.5\n1,0,0,0.5\n"):  # a duplicated row
        p.write_text(bad)
        with pytest.raises(StoreError, match="--fresh") as info:
            results.read_trials(p)
        assert "\n" not in str(info.value)
    p.write_bytes(b"a,seed,row,x\n1,0,0,\xff\n")
    with pytest.raises(StoreError, match="not UTF-8"):
        results.read_trials(p)


def test_fresh_and_changed_config_guard(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    res_dir = tmp_path / "res"
    run(path, res_dir)
    path.write_text(path.read_text().replace("root_seed = 2302", "root_seed = 1"))
    with pytest.raises(ConfigError, match=r"root_seed.*--fresh"):
        run(path, res_dir)
    with pytest.raises(ConfigError, match="preset"):
        run(path, res_dir, preset="full")
    res = run(path, res_dir, fresh=True)
    assert res.n_run == 18 and res.n_skipped == 0
    # analysis params and claims are not part of the fingerprint
    path.write_text(path.read_text().replace("eps = [0.1]", "eps = [0.2]"))
    assert run(path, res_dir).n_skipped == 18


def test_differing_measurement_keys_take_the_union(tmp_path: Path) -> None:
    def varying(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
        return {"a": 1.0} if params["n"] == 1 else {"a": 2.0, "b": params["n"]}

    cfg = {"name": "v", "trial": varying, "root_seed": 0, "fixed": {},
           "grid": {"n": [1, 2, 3]}, "seeds": 1}
    res = run(cfg, tmp_path)
    assert res.trials_csv.read_text().splitlines()[0] == "n,seed,row,a,b"
    rows = sorted(results.read_trials(res.trials_csv), key=lambda r: r["n"])
    assert rows[0]["b"] is None and rows[1]["b"] == 2


def test_failing_trials_are_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    seen: list[int] = []

    def analysis(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
        seen.extend(r["n"] for r in rows)
        return {"claims": []}

    cfg = {"name": "f", "trial": sweep_trials.failing, "analysis": analysis, "root_seed": 0,
           "fixed": {}, "grid": {"n": [1, 2, 3, 4]}, "seeds": 2}
    res = run(cfg, tmp_path)
    assert (res.n_run, res.n_failed) == (8, 2)
    assert sorted(seen) == [1, 1, 2, 2, 4, 4]  # the analysis gets the successful rows
    assert {r["n"] for r in results.read_trials(res.trials_csv)} == {1, 2, 4}
    summary = json.loads(res.summary_json.read_text())
    assert summary["failures"]["count"] == 2
    first = summary["failures"]["trials"][0]
    assert first["params"] == {"n": 3} and first["seed"] in (0, 1)
    assert first["error"] == "RuntimeError: boom"
    again = run(cfg, tmp_path)  # failures are retried, successes are kept
    assert (again.n_run, again.n_skipped, again.n_failed) == (2, 6, 2)

    def bad(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
        return {"n": 1.0}

    res = run({**cfg, "name": "g", "trial": bad}, tmp_path)
    assert res.n_failed == 8 and "clashes" in res.failures[0]["error"]


def test_analysis_sees_rows_in_config_order(tmp_path: Path) -> None:
    seen: list[list[tuple[Any, ...]]] = []

    def record(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
        seen.append([(r["seed"], r["learner"], r["n"], r["row"]) for r in rows])
        return {"claims": []}

    path = write_config(tmp_path, trial="trajectory")
    cfg = runner.load_config(path, allow_external=True)
    cfg["analysis"] = record
    run(cfg, tmp_path / "a", n_jobs=2)
    run(cfg, tmp_path / "a")
    expected = [(t.seed_index, t.params["learner"], t.params["n"], i)
                for t in runner.expand_trials(cfg) for i in range(3)]
    assert seen[0] == seen[1] == expected


def test_determinism_across_jobs(tmp_path: Path) -> None:
    path = write_config(tmp_path, trial="trajectory")
    one = run(path, tmp_path / "one", n_jobs=1)
    two = run(path, tmp_path / "two", n_jobs=2)
    assert csv_lines(one.trials_csv) == csv_lines(two.trials_csv)
    assert json.loads(one.summary_json.read_text()) == json.loads(two.summary_json.read_text())


def test_dask_backend_matches_local(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    path = write_config(tmp_path, trial="trajectory")
    local = run(path, tmp_path / "local")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote = run(path, tmp_path / "dask", scheduler=cluster.scheduler_address, n_jobs=2)
    assert remote.n_run == 18
    assert csv_lines(local.trials_csv) == csv_lines(remote.trials_csv)


def test_bad_scheduler_is_a_config_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    cfg = {"name": "s", "trial": sweep_trials.noisy_sum, "root_seed": 0, "fixed": {},
           "grid": {"n": [1]}, "seeds": 1}
    with pytest.raises(runner.SchedulerError, match="scheduler") as info:
        run(cfg, tmp_path, scheduler="not a scheduler address", scheduler_timeout=5)
    assert "\n" not in str(info.value)


def test_make_figures(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    other = write_config(tmp_path, name="other")
    run(path, tmp_path / "results")
    msgs: list[str] = []
    out = runner.make_figures([path, other], tmp_path / "results", tmp_path / "figs",
                             log=msgs.append, allow_external=True)
    assert list(out) == ["exp"] and out["exp"][0].read_text() == "19"
    assert any("other" in m and "skipping" in m for m in msgs)


@given(st.one_of(st.floats(allow_nan=False), st.integers(), st.booleans(),
                 st.text(alphabet="abcxyz_-", min_size=1)))
def test_cells_round_trip_exactly(value: Any) -> None:
    assert results.parse_cell(results.format_cell(value)) == value
    assert type(results.parse_cell(results.format_cell(value))) is type(value)


def test_nan_cells_and_numpy_scalars() -> None:
    assert np.isnan(results.parse_cell(results.format_cell(float("nan"))))
    assert results.format_cell(np.float64(0.1)) == "0.1" and results.format_cell(np.int64(3)) == "3"
    assert results.format_cell(np.bool_(True)) == "True"


def test_int_versus_float_change_is_a_different_config(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    run(path, tmp_path / "res")
    path.write_text(path.read_text().replace("d = 4", "d = 4.0"))
    with pytest.raises(ConfigError, match="fixed"):
        run(path, tmp_path / "res")


def test_concurrent_run_is_refused_and_the_lock_file_removed(tmp_path: Path) -> None:
    with runner.lock(tmp_path / "res", "exp") as held:
        assert held.exists()
        with pytest.raises(ConfigError, match="another slam-theory run"):
            run(write_config(tmp_path), tmp_path / "res")
    assert not held.exists()
    assert run(write_config(tmp_path), tmp_path / "res").n_run == 18
    assert sorted(p.name for p in (tmp_path / "res").iterdir()) == ["exp"]  # no .exp.lock
    assert sorted(p.name for p in (tmp_path / "res" / "exp").iterdir()) == [
        "config.json", "summary.json", "timings.csv", "trials.csv", "trials.sqlite"]


def test_read_trials_order_does_not_depend_on_completion_order(tmp_path: Path) -> None:
    # workers finish in any order; readers (figures, bootstraps) must see one fixed order
    path = write_config(tmp_path, trial="trajectory")
    res = run(path, tmp_path / "res")
    lines = res.trials_csv.read_text().splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    blocks = [body[i : i + 3] for i in range(0, len(body), 3)]  # 3 rows per trial
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text(header + "".join(line for b in blocks[::-1] for line in b[::-1]))
    assert results.read_trials(shuffled) == results.read_trials(res.trials_csv)
    two = run(path, tmp_path / "two", n_jobs=2)
    assert two.trials_csv.read_bytes() == res.trials_csv.read_bytes()


def _blas_threads_trial(params: dict[str, Any], seed: Any) -> dict[str, Any]:
    from threadpoolctl import threadpool_info

    blas = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    a = np.random.default_rng(seed).standard_normal((64, 64))
    return {"max_blas_threads": max(blas, default=1), "trace": float(np.trace(a @ a))}


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_trials_run_with_single_threaded_blas(tmp_path: Path, n_jobs: int) -> None:
    # a BLAS product's rounding depends on its thread count, which loky sets per job count:
    # trials always see one BLAS thread so 1 and N workers give the same bits
    cfg = {"name": "blas", "trial": _blas_threads_trial, "root_seed": 0, "fixed": {},
           "grid": {"n": [1, 2]}, "seeds": 2}
    res = run(cfg, tmp_path / f"j{n_jobs}", n_jobs=n_jobs)
    rows = results.read_trials(res.trials_csv)
    assert len(rows) == 4 and all(r["max_blas_threads"] == 1 for r in rows)


def test_analysis_that_cannot_cope_with_failures_ends_in_one_line(tmp_path: Path) -> None:
    def needs_rows(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
        if not rows:
            raise ValueError("rows is empty")
        return {"claims": []}

    cfg = {"name": "allfail", "trial": sweep_trials.failing, "analysis": needs_rows,
           "root_seed": 0, "fixed": {}, "grid": {"n": [3]}, "seeds": 2}
    with pytest.raises(TrialError) as info:
        run(cfg, tmp_path)
    msg = str(info.value)
    assert "\n" not in msg and "2 of 2 trials failed" in msg and "boom" in msg
    with pytest.raises(ValueError, match="rows is empty"):  # no failures: the analysis's bug
        run({**cfg, "name": "nofail", "trial": sweep_trials.noisy_sum, "grid": {"n": [1]},
             "analysis": lambda rows, config: needs_rows([], config)}, tmp_path)


# --------------------------------------------------------------------------- exclude
def _with_rule(folder: Path, rule: str, name: str = "exp") -> Path:
    """The engine test's config with ``rule`` (TOML) appended, i.e. at the top level."""
    folder.mkdir(exist_ok=True)
    path = write_config(folder, name=name)
    path.write_text(rule + "\n" + path.read_text()) if not rule.startswith("[[") else \
        path.write_text(path.read_text() + "\n" + rule)
    return path


def test_exclude_drops_exactly_the_matching_points_and_keeps_the_others_seeds(
        tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    full = run(write_config(tmp_path / "a"), tmp_path / "ra")
    path = _with_rule(tmp_path / "b", '[[exclude]]\nlearner = "b"\nn = [2, 3]\n')
    cfg = runner.load_config(path, "quick", allow_external=True)
    assert cfg["exclude"] == [{"learner": ["b"], "n": [2, 3]}]
    points = {(t.params["learner"], t.params["n"]) for t in runner.expand_trials(cfg)}
    assert points == {("a", 1), ("a", 2), ("a", 3), ("b", 1)}
    part = run(path, tmp_path / "rb")
    # the trials that stay have the numbers they have without the rule (seeds by parameters)
    rows_full, rows_part = (results.read_trials(r.trials_csv) for r in (full, part))
    kept = [r for r in rows_full if not (r["learner"] == "b" and r["n"] in (2, 3))]
    assert canon(rows_part) == canon(kept) and len(rows_part) < len(rows_full)
    # a rule changes the fingerprint (a store refuses to resume across it); no rule keeps it
    assert "exclude" in runner.fingerprint(cfg)
    plain = runner.load_config(tmp_path / "a" / "exp.toml", "quick", allow_external=True)
    assert "exclude" not in runner.fingerprint(plain)


@pytest.mark.parametrize(("rule", "match"), [
    ('[[exclude]]\nm = 1\n', r"exclude\[0\]\.m: expected a parameter of the grid"),
    ('[[exclude]]\nn = 7\n', r"exclude\[0\]\.n: expected values from the grid's \[1, 2, 3\]"),
    ('[[exclude]]\nn = []\n', r"exclude\[0\]\.n: expected values from the grid"),
    ('exclude = [{}]', r"exclude\[0\]: expected a non-empty table"),
    ('exclude = 3', r"exclude: expected an array of tables"),
    ('[[exclude]]\nn = [1, 2, 3]\n', r"exclude: expected rules that leave a grid point"),
])
def test_exclude_rules_are_checked_in_one_line(tmp_path: Path, rule: str, match: str) -> None:
    path = _with_rule(tmp_path, rule)
    with pytest.raises(ConfigError, match=match):
        runner.load_config(path, "quick", allow_external=True)


def test_a_preset_exclude_replaces_the_files_and_is_checked_against_its_grid(
        tmp_path: Path) -> None:
    path = _with_rule(tmp_path, '[[exclude]]\nn = 3\n')
    text = path.read_text().replace("[presets.full.grid]\nn = [1, 2, 3, 4]",
                                    "[[presets.full.exclude]]\nn = 4\nlearner = \"a\"\n"
                                    "[presets.full.grid]\nn = [1, 2, 3, 4]")
    path.write_text(text)
    quick = runner.load_config(path, "quick", allow_external=True)
    full = runner.load_config(path, "full", allow_external=True)
    assert quick["exclude"] == [{"n": [3]}]
    assert full["exclude"] == [{"n": [4], "learner": ["a"]}]
    assert len(runner.expand_trials(full)) == 5 * (4 * 2 - 1)
    # n = 4 is in the full grid only: the same rule at the top level fails the quick preset
    path.write_text(text.replace("[[exclude]]\nn = 3\n", "[[exclude]]\nn = 4\n"))
    with pytest.raises(ConfigError, match=r"exclude\[0\]\.n"):
        runner.load_config(path, "full", allow_external=True)
