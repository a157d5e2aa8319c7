"""The trial store's encodings, exports and refusals, value by value and line by line (the
survivors of mutation testing of slam_theory.results: each test pins an exact output)."""

from __future__ import annotations

import errno
import hashlib
import json
import math
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from slam_theory import results
from slam_theory.errors import ConfigError, StoreError
from slam_theory.results.cells import os_error_line


# ---------------------------------------------------------------------- cells
def test_canonical_is_sorted_compact_ascii():
    assert results.canonical({"b": 1, "a": ["é", 1.0]}) == '{"a":["\\u00e9",1.0],"b":1}'


@pytest.mark.parametrize(("value", "cell"), [
    (0.1, "0.1"), ("slam", "slam"), (3, "3"), (None, ""), (True, "True"), (False, "False"),
    (np.bool_(True), "True"), (np.bool_(False), "False"), (np.int64(-7), "-7"),
    (np.float64(0.25), "0.25"), (np.float32(0.5), "0.5"), (np.str_("x"), "x"),
])
def test_format_cell_of_every_scalar_type(value, cell):
    assert results.format_cell(value) == cell


def test_format_cell_refuses_a_non_scalar():
    with pytest.raises(TypeError, match=r"^not a scalar: \[1\]$"):
        results.format_cell([1])


@pytest.mark.parametrize(("cell", "value"), [
    ("", None), ("True", True), ("False", False), ("true", "true"), ("3", 3), ("-2", -2),
    ("3.5", 3.5), ("slam", "slam"), ("FALSE", "FALSE"),
])
def test_parse_cell_of_every_cell(cell, value):
    got = results.parse_cell(cell)
    assert got == value and type(got) is type(value)


class _Callable:
    def __call__(self) -> None:
        pass


def test_jsonable_converts_every_kind():
    obj = {1: (np.arange(2), [np.float64(np.nan), math.inf, 0.5]), "p": Path("a/b"),
           "f": math.sqrt, "g": np.int64(4)}
    assert results.jsonable(obj) == {"1": [[0, 1], [None, None, 0.5]], "p": "a/b",
                                     "f": "math:sqrt", "g": 4}
    c = _Callable()
    assert results.jsonable(c) == f"{__name__}:{c!r}"
    assert results.jsonable((1).__add__) == "?:int.__add__"
    assert results.jsonable(test_jsonable_converts_every_kind) == (
        f"{__name__}:test_jsonable_converts_every_kind")


def test_dump_json_text(tmp_path):
    results.dump_json(tmp_path / "s.json", {"b": float("nan"), "a": [1, 2]})
    assert (tmp_path / "s.json").read_text() == (
        '{\n  "a": [\n    1,\n    2\n  ],\n  "b": null\n}\n')


@pytest.mark.parametrize(("err", "why"), [
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full; free space and rerun"),
    (OSError(errno.EACCES, "Permission denied"),
     "permission denied; choose a writable --results directory"),
    (OSError(errno.EPERM, "x"), "permission denied; choose a writable --results directory"),
    (OSError(errno.EROFS, "x"), "permission denied; choose a writable --results directory"),
    (OSError(errno.EIO, "I/O error"), "I/O error"),
    (OSError("plain"), "plain"),
])
def test_os_error_lines(err, why):
    assert os_error_line(Path("r/x"), err) == f"cannot write r/x: {why}"


def test_atomic_write_to_a_missing_folder_is_one_line(tmp_path):
    target = tmp_path / "missing" / "a.txt"
    with pytest.raises(StoreError) as info:
        results.atomic_write_bytes(target, b"x")
    assert str(info.value) == f"cannot write {target}: No such file or directory"


# ---------------------------------------------------------------------- summary
def test_summary_round_trip_and_refusals(tmp_path):
    p = results.write_summary(tmp_path, {"claims": [1], "x": math.nan}, experiment="e",
                              preset="quick", failures=[{"params": {"n": 1}}])
    assert p == tmp_path / "summary.json"
    assert json.loads(p.read_text()) == {
        "claims": [1], "x": None, "experiment": "e", "preset": "quick",
        "failures": {"count": 1, "trials": [{"params": {"n": 1}}]}}
    assert results.read_summary(tmp_path) == json.loads(p.read_text())
    with pytest.raises(StoreError) as info:
        results.read_summary(tmp_path / "none")
    assert str(info.value) == (f"{tmp_path / 'none' / 'summary.json'}: cannot read "
                               "(FileNotFoundError); rerun the experiment")
    p.write_text("[1]")
    with pytest.raises(StoreError) as info:
        results.read_summary(tmp_path)
    assert str(info.value) == f"{p}: not a JSON object; rerun the experiment"
    p.write_text("{")
    with pytest.raises(StoreError, match=r"cannot read \(JSONDecodeError\)"):
        results.read_summary(str(tmp_path))


# ---------------------------------------------------------------------- a small store
def _store(tmp_path, **fp):
    s = results.TrialStore.open(tmp_path / results.STORE_NAME, fingerprint={"a": 1, **fp},
                                param_names=["n", "m"])
    s.record(results.trial_key(["2", "x"], 0), 0, {"n": "2", "m": "x"},
             [{"err": "0.5", "k": "1"}, {"err": "0.25"}], wall_s=1.5, host="h", pid=7)
    s.record(results.trial_key(["1", "x"], 1), 1, {"n": "1", "m": "x"}, [{"err": "0.1"}])
    s.record(results.trial_key(["3", "y"], 0), 0, {"n": "3", "m": "y"}, [], status="failed",
             error="boom", wall_s=2.0)
    return s


def test_export_text_and_rows_of(tmp_path):
    s = _store(tmp_path)
    csv_path = results.export_tables(s, tmp_path, ["n", "m"])
    assert csv_path == tmp_path / "trials.csv"
    k1, k2 = results.trial_key(["1", "x"], 1), results.trial_key(["2", "x"], 0)
    assert csv_path.read_text() == ("n,m,seed,row,err,k\n1,x,1,0,0.1,\n2,x,0,0,0.5,1\n"
                                    "2,x,0,1,0.25,\n")
    assert (tmp_path / "timings.csv").read_text() == (
        "n,m,seed,wall_s,host,pid\n1,x,1,,,\n2,x,0,1.5,h,7\n3,y,0,2.0,,\n")
    assert s.meta("export_sha256") == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert results.rows_of(s, ["n", "m"]) == {
        k1: [{"n": 1, "m": "x", "seed": 1, "row": 0, "err": 0.1}],
        k2: [{"n": 2, "m": "x", "seed": 0, "row": 0, "err": 0.5, "k": 1},
             {"n": 2, "m": "x", "seed": 0, "row": 1, "err": 0.25}]}
    t = {t.key: t for t in s.trials()}
    failed = t[results.trial_key(["3", "y"], 0)]
    assert (failed.status, failed.error, failed.wall_s, failed.host, failed.pid) == (
        "failed", "boom", 2.0, None, None)
    assert (t[k2].wall_s, t[k2].host, t[k2].pid, t[k2].error) == (1.5, "h", 7, "")
    assert [x.key for x in s.trials(status="failed")] == [failed.key]
    s.close()
    rows = results.read_trials(tmp_path)  # the store, since it exists
    assert rows == results.read_trials(csv_path) == results.read_trials(
        tmp_path / results.STORE_NAME)
    assert rows[0] == {"n": 1, "m": "x", "seed": 1, "row": 0, "err": 0.1, "k": None}
    (tmp_path / results.STORE_NAME).unlink()
    assert results.read_trials(tmp_path) == rows  # the export, with no store beside it


_BAD_CSV = [
    (b"n,seed,row\n\xff\n", "not UTF-8 at byte 11"),
    (b"n,seed,row\n1,0,0", "ends in a partial line (a torn write)"),
    (b"n,row,err\n1,0,0\n", "header is not a slam-theory trials header (needs unique columns "
                            "and seed, row)"),
    (b"n,seed,err\n1,0,0\n", "header is not a slam-theory trials header (needs unique columns "
                             "and seed, row)"),
    (b"n,seed,row,n\n1,0,0,1\n", "header is not a slam-theory trials header (needs unique "
                                 "columns and seed, row)"),
    (b"n,row,seed\n1,0,0\n", "header has seed and row out of place"),
    (b"n,seed,row\n1,0,0\n1,0\n", "line 3 has 2 cells, the header 3"),
    (b"n,seed,row\n1,0,0\n1,a,1\n", "line 3: seed and row must be integers"),
    (b"n,seed,row\n1,0,1\n1,0,0\n1,0,3\n", 'trial ["1","0"] has rows [0, 1, 3], expected 0..2'),
]


@pytest.mark.parametrize(("data", "why"), _BAD_CSV)
def test_damaged_export_without_a_store_is_refused_exactly(tmp_path, data, why):
    p = tmp_path / "trials.csv"
    p.write_bytes(data)
    with pytest.raises(StoreError) as info:
        results.read_trials(p)
    assert str(info.value) == f"{p}: {why}; rerun the experiment with --fresh"


@pytest.mark.parametrize(("data", "why"), _BAD_CSV[:2])
def test_damaged_export_beside_a_store_names_the_store(tmp_path, data, why):
    _store(tmp_path).close()  # no export hash yet: the file is parsed
    p = tmp_path / "trials.csv"
    p.write_bytes(data)
    with pytest.raises(StoreError) as info:
        results.read_trials(p)
    assert str(info.value) == (f"{p}: {why}; rerun `slam-theory run` on this experiment to "
                               f"export it again from {results.STORE_NAME}")


def test_rows_are_read_in_row_order_and_key_order(tmp_path):
    p = tmp_path / "trials.csv"
    p.write_text("n,seed,row,v\n2,0,1,b\n2,0,0,a\n1,0,0,c\n")
    assert [(r["n"], r["row"], r["v"]) for r in results.read_trials(p)] == [
        (1, 0, "c"), (2, 0, "a"), (2, 1, "b")]
    p.write_text("n,seed,row,v\n1,0,0,\"a\nb\"\n")  # a quoted newline inside a cell
    assert results.read_trials(p)[0]["v"] == "a\nb"
    assert results.read_trials(tmp_path / "nothing.csv") == []
    p.write_bytes(b"")
    assert results.read_trials(p) == []


def test_edited_export_is_refused_and_unreadable_export_is_one_line(tmp_path, monkeypatch):
    s = _store(tmp_path)
    p = results.export_tables(s, tmp_path, ["n", "m"])
    s.close()
    p.write_text(p.read_text() + "9,z,0,0,1,\n")
    with pytest.raises(StoreError) as info:
        results.read_trials(p)
    assert str(info.value) == (f"{p}: edited or damaged since it was exported; rerun "
                               f"`slam-theory run` on this experiment to export it again from "
                               f"{results.STORE_NAME}")

    def unreadable(self):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    with pytest.raises(StoreError) as info:
        results.read_trials(p)
    assert str(info.value) == f"{p}: cannot read (Permission denied)"


# ---------------------------------------------------------------------- store refusals
def test_reopening_with_another_config_names_the_fields(tmp_path):
    _store(tmp_path, preset="quick", b=[1]).close()
    with pytest.raises(ConfigError) as info:
        results.TrialStore.open(tmp_path / results.STORE_NAME,
                                fingerprint={"a": 1.0, "preset": "quick", "c": 2},
                                param_names=["n", "m"])
    assert str(info.value) == (
        f"{tmp_path}: results come from a different config (differs in: a, b, c; was preset "
        "'quick'); rerun with --fresh to discard them, or choose another --results directory")
    path = tmp_path / results.STORE_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '[1]' WHERE name = 'fingerprint'")
    with pytest.raises(ConfigError, match=r"differs in: all; was preset None\)"):
        results.TrialStore.open(path, fingerprint={"a": 1}, param_names=["n", "m"])


def _reopen(path):
    return results.TrialStore.open(path, fingerprint={"a": 1}, param_names=["n", "m"])


@pytest.mark.parametrize(("sql", "why"), [
    ("UPDATE meta SET value = '0' WHERE name = 'schema'",
     "trial store format '0', this slam-theory writes '1'"),
    ("UPDATE meta SET value = '{' WHERE name = 'fingerprint'",
     "damaged trial store (fingerprint is not JSON)"),
    ("UPDATE meta SET value = '[\"n\"]' WHERE name = 'param_names'",
     "damaged trial store (its parameter names do not match its fingerprint)"),
    ("DELETE FROM meta WHERE name = 'schema'",
     "damaged trial store (no schema entry, so it cannot tell which config produced its "
     "trials)"),
    ("DROP TABLE trials", "not a trial store (tables ['meta', 'sqlite_autoindex_meta_1'])"),
])
def test_damaged_meta_is_refused_exactly(tmp_path, sql, why):
    _store(tmp_path).close()
    path = tmp_path / results.STORE_NAME
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    with pytest.raises(StoreError) as info:
        _reopen(path)
    assert str(info.value) == f"{path}: {why}; rerun with --fresh to discard {tmp_path}"


def test_empty_file_reads_empty_and_opens_as_new(tmp_path):
    path = tmp_path / results.STORE_NAME
    path.write_bytes(b"")
    with results.TrialStore.read(path) as s:
        assert list(s.trials()) == [] and s.meta("schema") is None
    with _reopen(path) as s:
        assert s.meta("schema") == results.SCHEMA and list(s.trials()) == []
    with pytest.raises(StoreError) as info:
        results.TrialStore.read(tmp_path / "none.sqlite")
    assert str(info.value) == (f"{tmp_path / 'none.sqlite'}: no trial store; run the "
                               "experiment first")


def test_not_a_database_is_refused_in_one_line(tmp_path):
    path = tmp_path / results.STORE_NAME
    path.write_bytes(b"x" * 4096)
    for opener in (results.TrialStore.read, _reopen):
        with pytest.raises(StoreError) as info:
            opener(path)
        assert str(info.value) == (f"{path}: damaged trial store (file is not a database); "
                                   f"rerun with --fresh to discard {tmp_path}")


def test_rows_that_are_not_json_with_a_matching_digest_are_refused(tmp_path):
    _store(tmp_path).close()
    path = tmp_path / results.STORE_NAME
    key = results.trial_key(["1", "x"], 1)
    with sqlite3.connect(path) as conn:
        seed, params, status, error = conn.execute(
            "SELECT seed, params, status, error FROM trials WHERE key = ?", (key,)).fetchone()
        text = results.canonical([key, seed, params, status, error, "{"])
        conn.execute("UPDATE trials SET rows = '{', digest = ? WHERE key = ?",
                     (hashlib.sha256(text.encode()).hexdigest(), key))
        rowid = conn.execute("SELECT rowid FROM trials WHERE key = ?", (key,)).fetchone()[0]
    with results.TrialStore.read(path) as s, pytest.raises(StoreError) as info:
        list(s.trials())
    assert str(info.value) == (
        f"{path}: trial {key} is damaged (its fields do not match their checksum); rerun with "
        f"--fresh, or delete just that trial and rerun: sqlite3 '{path}' 'DELETE FROM trials "
        f"WHERE rowid = {rowid}'")


def test_default_status_is_ok_and_error_empty(tmp_path):
    with _reopen(tmp_path / results.STORE_NAME) as s:
        s.record("k", 0, {"n": "1", "m": "x"}, [{"v": "1"}])
        (t,) = s.trials(status="ok")
        assert (t.status, t.error, t.seed, t.params) == ("ok", "", 0, {"n": "1", "m": "x"})
        assert s.statuses() == {"k": "ok"}


@pytest.mark.parametrize(("text", "why"), [
    ("database or disk is full", "the disk is full; free space and rerun (finished trials are "
                                 "kept)"),
    ("disk I/O error", "the disk is full; free space and rerun (finished trials are kept)"),
    ("attempt to write a readonly database",
     "permission denied; choose a writable --results directory"),
    ("unable to open database file", "permission denied; choose a writable --results directory"),
    ("access permission denied", "permission denied; choose a writable --results directory"),
    ("database is locked", "database is locked"),
])
def test_sqlite_errors_map_to_one_line(tmp_path, monkeypatch, text, why):
    with _reopen(tmp_path / results.STORE_NAME) as s:
        class _Conn:
            def __init__(self, real):
                self.real = real

            def execute(self, *a):
                raise sqlite3.OperationalError(text)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

        real = s._conn
        monkeypatch.setattr(s, "_conn", _Conn(real))
        for call in (lambda: s.meta("schema"), lambda: s.set_meta("x", "y"),
                     lambda: list(s.trials()),
                     lambda: s.record("k", 0, {}, [])):
            with pytest.raises(StoreError) as info:
                call()
            assert str(info.value) == f"cannot write {s.path}: {why}"
        monkeypatch.setattr(s, "_conn", real)
