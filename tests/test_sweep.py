"""The experiment engine: config validation, seeds, resume, atomic appends, executors."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slam_theory import sweep
from slam_theory.sweep import ConfigError

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


def run(path: Path | dict[str, Any], results: Path, **kw: Any) -> sweep.RunResult:
    kw.setdefault("progress", False)
    return sweep.run_experiment(path, results_dir=results, allow_external=True, **kw)


def canon(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def csv_lines(path: Path) -> list[str]:
    lines = path.read_text().splitlines()
    return [lines[0], *sorted(lines[1:])]


# --------------------------------------------------------------------------- config


def test_load_config_resolves_presets(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    cfg = sweep.load_config(path, "quick", allow_external=True)
    assert set(cfg) == {"name", "preset", "description", "trial", "analysis", "figures",
                        "root_seed", "seed_by", "fixed", "grid", "analysis_params", "claims",
                        "seeds"}
    assert cfg["seeds"] == 3 and cfg["grid"]["n"] == [1, 2, 3]
    full = sweep.load_config(path, "full", allow_external=True)
    assert full["seeds"] == 5 and full["grid"]["n"] == [1, 2, 3, 4]
    assert full["grid"]["learner"] == ["a", "b"]


def test_preset_fixed_override_removes_grid_entry(tmp_path: Path) -> None:
    path = write_config(tmp_path, extra="")
    text = path.read_text() + "[presets.quick.fixed]\nn = 7\n"
    path.write_text(text)
    cfg = sweep.load_config(path, "quick", allow_external=True)
    assert cfg["fixed"]["n"] == 7 and "n" not in cfg["grid"]


def test_external_reference_needs_permission(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    with pytest.raises(ConfigError, match="trial"):
        sweep.load_config(path)


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
        sweep.load_config(path, allow_external=True)
    msg = str(info.value)
    assert "\n" not in msg
    assert str(path) in msg
    assert f"{key}:" in msg, msg


def test_config_error_bad_preset_and_file(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    with pytest.raises(ConfigError, match=r"presets\.medium: no such preset"):
        sweep.load_config(path, "medium", allow_external=True)
    with pytest.raises(ConfigError, match="no such experiment file"):
        sweep.load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        sweep.load_config(bad)
    assert issubclass(ConfigError, ValueError)


# --------------------------------------------------------------------------- trials & seeds


def test_expand_trials_is_deterministic_and_seeded_by_seed_by(tmp_path: Path) -> None:
    cfg = sweep.load_config(write_config(tmp_path), allow_external=True)
    trials = sweep.expand_trials(cfg)
    assert len(trials) == 3 * 2 * 3
    assert [t.key for t in trials] == [t.key for t in sweep.expand_trials(cfg)]
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
    cfg = sweep._config_from_dict(cfg, "quick", True)
    (t,) = sweep.expand_trials(cfg)
    expected = sweep._stable_ints({"n": 5})
    assert t.spawn_key == (0, *expected)
    # hashlib-based, independent of PYTHONHASHSEED
    code = ("from slam_theory import sweep; print(sweep._stable_ints({'n': 5}))")
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
    rows = sweep.read_trials(res.trials_csv)
    assert len(rows) == 18
    r = rows[0]
    assert isinstance(r["d"], int) and isinstance(r["scale"], float)
    assert isinstance(r["ok"], bool) and isinstance(r["label"], str)
    assert r["row"] == 0 and r["seed"] == 0
    # exact float round trip: recompute the trial directly
    trial = sweep.expand_trials(sweep.load_config(path, allow_external=True))[0]
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


def test_resume_skips_done_trials_and_gives_same_set(tmp_path: Path) -> None:
    path = write_config(tmp_path, trial="trajectory")
    ref = run(path, tmp_path / "ref")
    # a partial run: fewer seeds is a different fingerprint, so simulate partial progress
    # by running the full config and cutting trials.csv after a few complete trials
    res_dir = tmp_path / "res"
    first = run(path, res_dir)
    lines = first.trials_csv.read_text().splitlines(keepends=True)
    first.trials_csv.write_text("".join(lines[: 1 + 3 * 5]))  # header + 5 trials x 3 rows
    second = run(path, res_dir)
    assert (second.n_run, second.n_skipped) == (13, 5)
    assert csv_lines(second.trials_csv) == csv_lines(ref.trials_csv)
    third = run(path, res_dir)
    assert (third.n_run, third.n_skipped) == (0, 18)
    rows = sweep.read_trials(third.trials_csv)
    assert [r["row"] for r in rows[:3]] == [0, 1, 2]


def test_torn_tail_and_orphan_rows_are_dropped(tmp_path: Path) -> None:
    path = write_config(tmp_path, trial="trajectory")
    ref = run(path, tmp_path / "ref")
    res_dir = tmp_path / "res"
    res = run(path, res_dir)
    text = res.trials_csv.read_text()
    lines = text.splitlines(keepends=True)
    # keep 4 complete trials, then 2 rows of the 5th (rows 2, 1: its row 0 is missing),
    # then half a line: what a kill in the middle of an append leaves
    torn = "".join(lines[: 1 + 12]) + lines[13] + lines[14] + lines[15][:7]
    res.trials_csv.write_text(torn)
    rows = sweep.read_trials(res.trials_csv)
    assert len(rows) == 12
    intact = tmp_path / "intact.csv"  # exactly the 4 complete trials, nothing torn
    intact.write_text("".join(lines[: 1 + 12]))
    assert canon(rows) == canon(sweep.read_trials(intact))
    assert set(canon(rows)) <= set(canon(sweep.read_trials(ref.trials_csv)))
    with res.timings_csv.open("a") as fh:
        fh.write("1,2,3")  # a torn timings line is dropped too
    again = run(path, res_dir)
    assert again.n_skipped == 4 and again.n_run == 14
    timings = res.timings_csv.read_text().splitlines()
    assert len(timings) == 1 + 18 + 14 and all(t.count(",") == 7 for t in timings)
    assert csv_lines(again.trials_csv) == csv_lines(ref.trials_csv)


def test_warns_when_sources_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path)
    res = run(path, tmp_path / "res")
    data = json.loads(res.config_json.read_text())
    assert len(data["code_sha256"]) == 64
    run(path, tmp_path / "res")
    assert "warning" not in capsys.readouterr().err
    data["code_sha256"] = "0" * 64
    res.config_json.write_text(json.dumps(data))
    run(path, tmp_path / "res")
    assert "sources changed" in capsys.readouterr().err


def test_torn_line_without_newline_dropped_on_read(tmp_path: Path) -> None:
    p = tmp_path / "trials.csv"
    p.write_text("a,seed,row,x\n1,0,0,0.5\n2,0,0,0.25\n3,0,0,0.1")
    rows = sweep.read_trials(p)
    assert rows == [{"a": 1, "seed": 0, "row": 0, "x": 0.5},
                    {"a": 2, "seed": 0, "row": 0, "x": 0.25}]
    assert sweep.read_trials(tmp_path / "missing.csv") == []
    p.write_text("a,seed,ro")  # torn header
    assert sweep.read_trials(p) == []


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
    rows = sorted(sweep.read_trials(res.trials_csv), key=lambda r: r["n"])
    assert rows[0]["b"] is None and rows[1]["b"] == 2


def test_trial_errors_are_reported_and_done_trials_kept(tmp_path: Path) -> None:
    cfg = {"name": "f", "trial": sweep_trials.failing, "root_seed": 0, "fixed": {},
           "grid": {"n": [1, 2, 3, 4]}, "seeds": 1}
    with pytest.raises(sweep.TrialError, match="boom"):
        run(cfg, tmp_path)
    done = sweep.read_trials(tmp_path / "f" / "trials.csv")
    assert {r["n"] for r in done} <= {1, 2, 4}

    def bad(params: dict[str, Any], seed: np.random.SeedSequence) -> dict[str, Any]:
        return {"n": 1.0}

    with pytest.raises(sweep.TrialError, match="clashes"):
        run({**cfg, "name": "g", "trial": bad}, tmp_path)


def test_analysis_sees_rows_in_config_order(tmp_path: Path) -> None:
    seen: list[list[tuple[Any, ...]]] = []

    def record(rows: list[dict[str, Any]], config: dict[str, Any]) -> dict[str, Any]:
        seen.append([(r["seed"], r["learner"], r["n"], r["row"]) for r in rows])
        return {"claims": []}

    path = write_config(tmp_path, trial="trajectory")
    cfg = sweep.load_config(path, allow_external=True)
    cfg["analysis"] = record
    res = run(cfg, tmp_path / "a")
    lines = res.trials_csv.read_text().splitlines(keepends=True)
    blocks = [lines[i : i + 3] for i in range(1, len(lines), 3)]  # one trial = 3 lines
    res.trials_csv.write_text(lines[0] + "".join("".join(b) for b in blocks[::-1]))
    run(cfg, tmp_path / "a")
    expected = [(t.seed_index, t.params["learner"], t.params["n"], i)
                for t in sweep.expand_trials(cfg) for i in range(3)]
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
    with pytest.raises(ConfigError, match="scheduler"):
        run(cfg, tmp_path, scheduler="not a scheduler address")


def test_make_figures(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    other = write_config(tmp_path, name="other")
    run(path, tmp_path / "results")
    msgs: list[str] = []
    out = sweep.make_figures([path, other], tmp_path / "results", tmp_path / "figs",
                             log=msgs.append, allow_external=True)
    assert list(out) == ["exp"] and out["exp"][0].read_text() == "19"
    assert any("other" in m and "skipping" in m for m in msgs)


# --------------------------------------------------------------------------- SIGKILL

DRIVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {fixtures!r})
    from slam_theory.sweep import run_experiment
    run_experiment({config!r}, n_jobs={jobs}, results_dir={results!r}, progress=False,
                   allow_external=True)
    """
)


def _start(config: Path, results: Path, jobs: int) -> subprocess.Popen[bytes]:
    code = DRIVER.format(fixtures=str(FIXTURES), config=str(config), results=str(results),
                         jobs=jobs)
    env = {**os.environ, "SWEEP_TEST_SLEEP": "0.03"}
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _n_complete(path: Path) -> int:
    try:
        return len(sweep.read_trials(path))
    except (OSError, ValueError):
        return 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigkill_then_resume_loses_and_duplicates_nothing(tmp_path: Path, jobs: int) -> None:
    rows = "rows = [1, 7, 30]"  # 30 rows x ~330 bytes: one append spans several pages
    path = write_config(tmp_path, name="killme", trial="sleepy", seeds=8,
                        grid=f"{rows}\nk = [0, 1, 2]", fixed="d = 1", seed_by='["rows", "k"]')
    ref = run(path, tmp_path / "ref", n_jobs=2)
    n_total = len(sweep.read_trials(ref.trials_csv))
    results = tmp_path / "killed"
    csv_path = results / "killme" / "trials.csv"
    proc = _start(path, results, jobs)
    try:
        target = random.Random().randint(5, 60)  # rows to wait for, then kill at random
        deadline = time.monotonic() + 120
        while _n_complete(csv_path) < target and proc.poll() is None:
            assert time.monotonic() < deadline, "driver made no progress"
            time.sleep(0.005)
        time.sleep(random.random() * 0.05)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode() if proc.stderr else ""
    partial = sweep.read_trials(csv_path)
    assert 0 < len(partial) < n_total
    res = run(path, results, n_jobs=jobs)
    assert res.n_skipped + res.n_run == res.n_trials
    final = sweep.read_trials(res.trials_csv)
    assert canon(final) == canon(sweep.read_trials(ref.trials_csv))
    assert csv_lines(res.trials_csv) == csv_lines(ref.trials_csv)


@given(st.one_of(st.floats(allow_nan=False), st.integers(), st.booleans(),
                 st.text(alphabet="abcxyz_-", min_size=1)))
def test_cells_round_trip_exactly(value: Any) -> None:
    assert sweep._parse_cell(sweep._cell(value)) == value
    assert type(sweep._parse_cell(sweep._cell(value))) is type(value)


def test_nan_cells_and_numpy_scalars() -> None:
    assert np.isnan(sweep._parse_cell(sweep._cell(float("nan"))))
    assert sweep._cell(np.float64(0.1)) == "0.1" and sweep._cell(np.int64(3)) == "3"
    assert sweep._cell(np.bool_(True)) == "True"


def test_int_versus_float_change_is_a_different_config(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    run(path, tmp_path / "res")
    path.write_text(path.read_text().replace("d = 4", "d = 4.0"))
    with pytest.raises(ConfigError, match="fixed"):
        run(path, tmp_path / "res")


def test_concurrent_run_is_refused(tmp_path: Path) -> None:
    lock = sweep._lock(tmp_path / "res", "exp")
    try:
        with pytest.raises(ConfigError, match="another slam-theory run"):
            run(write_config(tmp_path), tmp_path / "res")
    finally:
        lock.close()
    assert run(write_config(tmp_path), tmp_path / "res").n_run == 18


@pytest.fixture(scope="module")
def trajectory_csv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("traj")
    path = write_config(folder, trial="trajectory", seeds=2)
    return run(path, folder / "res").trials_csv.read_bytes()


@given(cut=st.integers(min_value=0, max_value=10**6))
def test_any_truncation_keeps_exactly_the_complete_trials(trajectory_csv: bytes,
                                                          cut: int) -> None:
    """A kill can stop an append at any byte: only whole trials before the cut survive."""
    import tempfile

    data = trajectory_csv
    cut = cut % (len(data) + 1)
    lines = data.splitlines(keepends=True)
    ends, pos = [], 0
    for line in lines:
        pos += len(line)
        ends.append(pos)
    # trials are 3 lines each after the header; one survives iff its 3rd line is complete
    n_complete = sum(1 for i in range(3, len(lines), 3) if ends[i] <= cut)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "trials.csv"
        p.write_bytes(data[:cut])
        rows = sweep.read_trials(p)
        assert len(rows) == 3 * n_complete
        writer = sweep._TrialsWriter(p, ["d", "learner", "n", "scale"])  # repairs the file
        writer.close()
        assert sweep.read_trials(p) == rows
        assert p.read_bytes() == (b"".join(lines[: 1 + 3 * n_complete]) if cut >= ends[0]
                                  else b"")


def test_read_trials_order_does_not_depend_on_completion_order(tmp_path: Path) -> None:
    # workers finish in any order; readers (figures, bootstraps) must see one fixed order
    path = write_config(tmp_path, trial="trajectory")
    res = run(path, tmp_path / "res")
    lines = res.trials_csv.read_text().splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    blocks = [body[i : i + 3] for i in range(0, len(body), 3)]  # 3 rows per trial
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text(header + "".join(line for b in blocks[::-1] for line in b))
    assert sweep.read_trials(shuffled) == sweep.read_trials(res.trials_csv)


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
    rows = sweep.read_trials(res.trials_csv)
    assert len(rows) == 4 and all(r["max_blas_threads"] == 1 for r in rows)
