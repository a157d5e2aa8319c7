"""The trial store and its exports: damage, edits and a missing config.json are refused."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from slam_theory import results, runner
from slam_theory.errors import ConfigError, StoreError

FIXTURES = Path(__file__).resolve().parent / "fixtures_sweep"
if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))

CONFIG: dict[str, Any] = {
    "name": "st", "trial": "sweep_trials:trajectory", "root_seed": 3, "seed_by": ["n"],
    "fixed": {"d": 4}, "grid": {"n": [1, 2, 3], "learner": ["a", "b"]}, "seeds": 2,
    "analysis": "sweep_trials:count_rows"}


def run(res_dir: Path, fresh: bool = False, **over: Any) -> runner.RunResult:
    return runner.run_experiment({**CONFIG, **over}, results_dir=res_dir, progress=False,
                                 allow_external=True, fresh=fresh)


@pytest.fixture
def done(tmp_path: Path) -> runner.RunResult:
    return run(tmp_path / "res")


def one_line_refusal(exc: pytest.ExceptionInfo[BaseException], *words: str) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, msg
    return msg


def test_store_holds_fingerprint_and_trials(done: runner.RunResult) -> None:
    with results.TrialStore.read(done.store) as s:
        assert s.meta("schema") == results.SCHEMA
        fp = json.loads(s.meta("fingerprint"))
        assert fp["root_seed"] == 3 and fp["preset"] == "quick"
        assert len(list(s.trials())) == 12
    assert not Path(f"{done.store}-wal").exists()  # checkpointed at the end of the run
    assert results.read_trials(done.store) == results.read_trials(done.trials_csv)


@pytest.mark.parametrize("change", [{"root_seed": 4}, {"seed_by": ["n", "d"]},
                                    {"fixed": {"d": 5}}, {"fixed": {"d": 4.0}},
                                    {"seeds": 3}])
def test_config_change_refused_with_config_json_gone(done: runner.RunResult, tmp_path: Path,
                                                     change: dict[str, Any]) -> None:
    done.config_json.unlink()  # the fingerprint lives in the store, not beside it
    with pytest.raises(ConfigError) as info:
        run(tmp_path / "res", **change)
    one_line_refusal(info, "different config", "--fresh", next(iter(change)))
    assert run(tmp_path / "res").n_skipped == 12  # the unchanged config still resumes
    assert run(tmp_path / "res", fresh=True, **change).n_run > 0


def test_fingerprint_deleted_from_the_store_is_refused(done: runner.RunResult,
                                                       tmp_path: Path) -> None:
    with sqlite3.connect(done.store) as conn:
        conn.execute("DELETE FROM meta WHERE name = 'fingerprint'")
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res", root_seed=99)
    one_line_refusal(info, "no fingerprint", "--fresh")


def test_edited_trial_is_refused_by_name_and_the_named_fix_works(done: runner.RunResult,
                                                                 tmp_path: Path) -> None:
    ref = done.trials_csv.read_bytes()
    with sqlite3.connect(done.store) as conn:
        key, rows = conn.execute("SELECT key, rows FROM trials ORDER BY key").fetchone()
        conn.execute("UPDATE trials SET rows = ? WHERE key = ?",
                     (rows.replace('"t":"0"', '"t":"7"'), key))
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res")
    msg = one_line_refusal(info, key, "--fresh", "DELETE FROM trials")
    with pytest.raises(StoreError):
        results.read_trials(done.store)
    sql = msg.split("'")[-2]  # the recovery the message gives, run as given
    with sqlite3.connect(done.store) as conn:
        conn.execute(sql)
    again = run(tmp_path / "res")
    assert (again.n_run, again.n_skipped) == (1, 11)
    assert again.trials_csv.read_bytes() == ref


@pytest.mark.parametrize("where", ["header", "schema", "rows", "btree"])
def test_damaged_store_file_is_refused(done: runner.RunResult, tmp_path: Path,
                                       where: str) -> None:
    data = bytearray(done.store.read_bytes())
    if where == "header":
        at = 0
    elif where == "schema":
        at = data.index(b"CREATE TABLE trials")
    elif where == "rows":  # inside a stored trial's rows: only the checksum can notice
        at = data.index(b'"value":"') + 10
    else:  # a b-tree page header of the trials table
        at = 4096 + 1
    n = 1 if where == "rows" else 8
    data[at : at + n] = b"7" * n if where == "rows" else b"\xff" * n
    done.store.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res")
        results.read_trials(done.store)
    one_line_refusal(info, "--fresh")
    assert run(tmp_path / "res", fresh=True).n_run == 12


def test_truncated_store_file_is_refused(done: runner.RunResult, tmp_path: Path) -> None:
    data = done.store.read_bytes()
    done.store.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res")
    one_line_refusal(info, "--fresh")


def _edit_header(text: str, how: str) -> str:
    header, rest = text.split("\n", 1)
    cols = header.split(",")
    if how == "misspelt":
        cols[cols.index("value")] = "valeu"
    elif how == "swapped":
        i, j = cols.index("t"), cols.index("value")
        cols[i], cols[j] = cols[j], cols[i]
    elif how == "dropped":
        k = cols.index("value")
        rest = "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != k)
                         for line in rest.split("\n"))
        del cols[k]
    return ",".join(cols) + "\n" + rest


@pytest.mark.parametrize("how", ["misspelt", "swapped", "dropped"])
def test_header_edits_are_refused_and_a_run_restores_the_export(done: runner.RunResult,
                                                                tmp_path: Path,
                                                                how: str) -> None:
    ref = done.trials_csv.read_bytes()
    edited = _edit_header(ref.decode(), how)
    assert edited.encode() != ref
    done.trials_csv.write_text(edited)
    done.config_json.unlink()
    with pytest.raises(StoreError) as info:
        results.read_trials(done.trials_csv)
    one_line_refusal(info, "edited or damaged", "slam-theory run")
    again = run(tmp_path / "res")
    assert (again.n_run, again.n_skipped) == (0, 12)  # nothing lost, nothing rerun
    assert again.trials_csv.read_bytes() == ref


def test_invalid_utf8_and_a_cell_edit_are_refused(done: runner.RunResult) -> None:
    ref = done.trials_csv.read_bytes()
    done.trials_csv.write_bytes(ref[:40] + b"\xff\xfe" + ref[42:])
    with pytest.raises(StoreError):
        results.read_trials(done.trials_csv)
    lines = ref.decode().splitlines(keepends=True)
    lines[5] = lines[5].replace("4,", "5,", 1)  # one key cell changed
    done.trials_csv.write_text("".join(lines))
    with pytest.raises(StoreError):
        results.read_trials(done.trials_csv)
    done.trials_csv.write_bytes(ref)  # the check can pass: the export itself is accepted
    assert len(results.read_trials(done.trials_csv)) == 36


def test_results_of_the_old_format_are_refused(tmp_path: Path) -> None:
    old = tmp_path / "res" / "st"
    old.mkdir(parents=True)
    (old / "trials.csv").write_text("d,learner,n,seed,row,t,value\n4,a,1,0,0,0,0.5\n")
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res")
    one_line_refusal(info, "older slam-theory", "--fresh")


def test_full_disk_is_one_line_and_leaves_no_tmp_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(results.cells.os, "fsync", no_space)
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res")
    one_line_refusal(info, "disk is full")
    leftovers = [p.name for p in (tmp_path / "res").rglob("*.tmp")]
    assert leftovers == []


def test_store_full_mid_run_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = sqlite3.connect

    def small(*args: Any, **kw: Any) -> sqlite3.Connection:
        conn = real(*args, **kw)
        conn.execute("PRAGMA max_page_count = 6")  # SQLITE_FULL after a few trials
        return conn

    monkeypatch.setattr(results.store.sqlite3, "connect", small)
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res", seeds=40)
    one_line_refusal(info, "disk is full")
    monkeypatch.undo()
    res = run(tmp_path / "res", seeds=40)  # after freeing space: resumes, loses nothing
    assert res.n_skipped > 0 and res.n_skipped + res.n_run == 240


def test_read_only_results_are_one_line(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*args: Any, **kw: Any) -> sqlite3.Connection:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(results.store.sqlite3, "connect", read_only)
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res")
    one_line_refusal(info, "permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_directory_for_real(tmp_path: Path) -> None:
    (tmp_path / "res").mkdir()
    os.chmod(tmp_path / "res", 0o555)
    try:
        with pytest.raises(StoreError) as info:
            run(tmp_path / "res")
        one_line_refusal(info, "permission denied")
    finally:
        os.chmod(tmp_path / "res", 0o755)


def test_existing_file_as_results_dir(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(runner.UsageError) as info:
        run(f)
    one_line_refusal(info, "not a directory")


@pytest.mark.parametrize("column", ["host", "error", "name"])
def test_bytes_that_are_not_utf8_are_a_damaged_store(done: runner.RunResult, tmp_path: Path,
                                                      column: str) -> None:
    """A flipped byte can leave text SQLite hands back undecodable (found by tools/fuzz.py)."""
    with sqlite3.connect(done.store) as conn:
        if column == "name":  # in the meta table, read when the store opens
            conn.execute("UPDATE meta SET value = CAST(x'8cff' AS TEXT) WHERE name = 'schema'")
        else:
            conn.execute(f"UPDATE trials SET {column} = CAST(x'8cff' AS TEXT)")
    with pytest.raises(StoreError) as info:
        run(tmp_path / "res")
        results.read_trials(done.store)
    one_line_refusal(info, "damaged trial store", "--fresh")
    assert run(tmp_path / "res", fresh=True).n_run == 12
