"""The trial store: one SQLite file per experiment, one transaction per trial.

``results/<name>/trials.sqlite`` holds, in one file that cannot be deleted in parts:

``meta``
    ``schema`` (the store's format version), ``fingerprint`` (canonical JSON of the config
    fields that decide the trials' numbers), ``param_names`` and ``export_sha256`` (the
    SHA-256 of the last ``trials.csv`` exported from it).
``trials``
    One line per finished trial: its key, seed index, parameters, ``status`` (``ok`` or
    ``failed``), the error's one line for a failed trial, its rows (canonical JSON of
    ``{column: cell}``), a SHA-256 over all of these, and where and how long it ran.

A trial is written with one ``INSERT`` in its own transaction, so a kill at any moment leaves
each trial with all its rows or none. The journal is a write-ahead log (WAL), so figures can
read the store while a run writes it. Anything that does not verify (a file that is not a
database, a trial whose checksum does not match, a missing fingerprint) is refused in one line
that says how to recover, never silently trimmed.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as d:
...     store = TrialStore.open(Path(d) / "trials.sqlite", fingerprint={"seed": 1},
...                             param_names=["n"])
...     store.record('["5","0"]', 0, {"n": "5"}, [{"err": "0.5"}], status="ok")
...     [t.rows for t in store.trials()]
[[{'err': '0.5'}]]
>>> store.close()
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from slam_theory.errors import ConfigError, StoreError
from slam_theory.results.cells import canonical

__all__ = ["SCHEMA", "STORE_NAME", "StoredTrial", "TrialStore", "example_store"]

#: The store's format version (meta ``schema``).
SCHEMA = "1"
#: File name of the store inside an experiment's results directory.
STORE_NAME = "trials.sqlite"

_CREATE = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE trials (key TEXT PRIMARY KEY, seed INTEGER NOT NULL, params TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN ('ok', 'failed')), error TEXT NOT NULL,"
    " rows TEXT NOT NULL, digest TEXT NOT NULL, wall_s REAL, host TEXT, pid INTEGER)",
)


@dataclasses.dataclass(frozen=True)
class StoredTrial:
    """One verified trial of the store (cells as text, as in ``trials.csv``).

    Examples
    --------
    >>> with example_store() as store:                          # one trial: n = 5, err = 0.5
    ...     store.record('["9","0"]', 0, {"n": "9"}, [], status="failed", error="boom")
    ...     [(t.params, t.status, t.error, t.rows) for t in store.trials()]
    [({'n': '5'}, 'ok', '', [{'err': '0.5'}]), ({'n': '9'}, 'failed', 'boom', [])]
    """

    key: str
    seed: int
    params: dict[str, str]
    status: str
    error: str
    rows: list[dict[str, str]]
    wall_s: float | None
    host: str | None
    pid: int | None


def _digest(key: str, seed: int, params: str, status: str, error: str, rows: str) -> str:
    text = canonical([key, seed, params, status, error, rows])
    return hashlib.sha256(text.encode()).hexdigest()


def _fresh_hint(path: Path) -> str:
    return f"rerun with --fresh to discard {path.parent}"


def _text(raw: bytes) -> str:
    """SQLite text as ``str``; bytes that are not UTF-8 (a damaged file) are a database error,
    so they reach the one-line "damaged trial store" message instead of a traceback."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise sqlite3.DatabaseError("database disk image is malformed (text that is not "
                                    "UTF-8)") from None


def _connect(target: str | Path, **kwargs: Any) -> sqlite3.Connection:
    conn = sqlite3.connect(target, isolation_level=None, timeout=5.0, **kwargs)
    conn.text_factory = _text
    return conn


#: What SQLite raises on a damaged file: its own errors, and a UnicodeDecodeError when its
#: error message quotes bytes of the file that are not UTF-8.
_ERRORS = (sqlite3.Error, UnicodeDecodeError)
_DAMAGED = ("not a database", "malformed", "no such column", "no such table", "not UTF-8")


def _sqlite_error(path: Path, exc: sqlite3.Error | UnicodeDecodeError) -> StoreError:
    if isinstance(exc, UnicodeDecodeError):
        return StoreError(f"{path}: damaged trial store (SQLite reports bytes that are not "
                          f"UTF-8); {_fresh_hint(path)}")
    text = str(exc)
    if any(word in text for word in _DAMAGED):
        return StoreError(f"{path}: damaged trial store ({' '.join(text.split())[:160]}); "
                          f"{_fresh_hint(path)}")
    if "disk is full" in text or "disk I/O" in text:
        why = "the disk is full; free space and rerun (finished trials are kept)"
    elif "readonly" in text or "unable to open" in text or "access permission" in text:
        why = "permission denied; choose a writable --results directory"
    else:
        why = text
    return StoreError(f"cannot write {path}: {why}")


class TrialStore:
    """The SQLite trial store of one experiment (see the module docstring).

    Use :meth:`open` (for a run: creates, checks the fingerprint) or :meth:`read` (read only).

    Parameters
    ----------
    path : Path
        The ``trials.sqlite`` file.
    conn : sqlite3.Connection
        An open connection (autocommit; :meth:`record` opens its own transaction).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> store = TrialStore.open(Path(tmp.name) / "trials.sqlite", fingerprint={"seed": 1},
    ...                         param_names=["n"])
    >>> store.record('["5","0"]', 0, {"n": "5"}, [{"err": "0.5"}])
    >>> store.statuses()
    {'["5","0"]': 'ok'}
    >>> store.close()
    >>> reader = TrialStore.read(Path(tmp.name) / "trials.sqlite")   # read-only, for figures
    >>> [t.rows for t in reader.trials()], reader.meta("param_names")
    ([[{'err': '0.5'}]], '["n"]')
    >>> reader.close(); tmp.cleanup()
    """

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._empty = False  # a file whose creation was never committed (killed at once)
        self._read_only = False

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls, path: Path, *, fingerprint: dict[str, Any], param_names: Sequence[str]
    ) -> TrialStore:
        """Open (or create) a store for writing; refuse one from another config.

        Raises
        ------
        ConfigError
            The store was written for a config with another fingerprint (names the fields).
        StoreError
            The file is damaged, unwritable, or lacks its fingerprint.
        """
        path = Path(path)
        existed = path.exists()
        try:
            conn = _connect(path)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            store = cls(path, conn)
            if existed and store._has_tables():
                store._integrity()
                store._check(fingerprint, list(param_names))
            else:
                store._create(fingerprint, list(param_names))
        except _ERRORS as exc:
            raise _sqlite_error(path, exc) from None
        return store

    @classmethod
    def read(cls, path: Path) -> TrialStore:
        """Open an existing store read-only (for figures and analysis).

        A file in which not even the store's creation was committed reads as empty.
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no trial store; run the experiment first")
        try:
            conn = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            store = cls(path, conn)
            store._read_only = True
            store._empty = not store._has_tables()
            if not store._empty:
                store._integrity()
                store._meta_required("schema")
        except _ERRORS as exc:
            raise _sqlite_error(path, exc) from None
        return store

    def _has_tables(self) -> bool:
        names = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master")}
        if not names:
            return False
        if not {"meta", "trials"} <= names:
            raise StoreError(f"{self.path}: not a trial store (tables {sorted(names)}); "
                             f"{_fresh_hint(self.path)}")
        return True

    def _integrity(self) -> None:
        got = [r[0] for r in self._conn.execute("PRAGMA quick_check(1)")]
        if got != ["ok"]:
            why = " ".join(" ".join(got).split())[:160]
            raise StoreError(f"{self.path}: damaged trial store ({why}); "
                             f"{_fresh_hint(self.path)}")

    def _create(self, fingerprint: dict[str, Any], param_names: list[str]) -> None:
        c = self._conn
        with c:
            c.execute("BEGIN IMMEDIATE")
            for sql in _CREATE:
                c.execute(sql)
            c.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("schema", SCHEMA), ("fingerprint", canonical(fingerprint)),
                ("param_names", canonical(param_names))])

    def meta(self, name: str) -> str | None:
        """The value of a ``meta`` entry, or None."""
        if self._empty:
            return None
        try:
            got = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        except _ERRORS as exc:
            raise _sqlite_error(self.path, exc) from None
        return None if got is None else str(got[0])

    def _meta_required(self, name: str) -> str:
        value = self.meta(name)
        if value is None:
            raise StoreError(f"{self.path}: damaged trial store (no {name} entry, so it cannot "
                             f"tell which config produced its trials); {_fresh_hint(self.path)}")
        return value

    def _check(self, fingerprint: dict[str, Any], param_names: list[str]) -> None:
        schema = self._meta_required("schema")
        if schema != SCHEMA:
            raise StoreError(f"{self.path}: trial store format {schema!r}, this slam-theory "
                             f"writes {SCHEMA!r}; {_fresh_hint(self.path)}")
        try:
            old = json.loads(self._meta_required("fingerprint"))
        except ValueError:
            raise StoreError(f"{self.path}: damaged trial store (fingerprint is not JSON); "
                             f"{_fresh_hint(self.path)}") from None
        if canonical(old) != canonical(fingerprint):  # 1 and 1.0 differ, as in the keys
            keys = sorted(set(old) | set(fingerprint)) if isinstance(old, dict) else ["all"]
            differs = [k for k in keys if not isinstance(old, dict)
                       or canonical(old.get(k)) != canonical(fingerprint.get(k))]
            was = old.get("preset") if isinstance(old, dict) else None
            raise ConfigError(
                f"{self.path.parent}: results come from a different config (differs in: "
                f"{', '.join(differs)}; was preset {was!r}); rerun with --fresh to discard "
                "them, or choose another --results directory")
        if self._meta_required("param_names") != canonical(param_names):
            raise StoreError(f"{self.path}: damaged trial store (its parameter names do not "
                             f"match its fingerprint); {_fresh_hint(self.path)}")

    # ------------------------------------------------------------------ writing

    def record(
        self,
        key: str,
        seed: int,
        params: dict[str, str],
        rows: list[dict[str, str]],
        *,
        status: str = "ok",
        error: str = "",
        wall_s: float | None = None,
        host: str | None = None,
        pid: int | None = None,
    ) -> None:
        """Store one trial, all its rows or none (one transaction); replaces a failed one."""
        p, r = canonical(params), canonical(rows)
        digest = _digest(key, int(seed), p, status, error, r)
        try:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute(
                    "INSERT OR REPLACE INTO trials VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, int(seed), p, status, error, r, digest, wall_s, host, pid))
        except _ERRORS as exc:
            raise _sqlite_error(self.path, exc) from None

    def set_meta(self, name: str, value: str) -> None:
        """Set one ``meta`` entry (used for ``export_sha256``)."""
        try:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
        except _ERRORS as exc:
            raise _sqlite_error(self.path, exc) from None

    # ------------------------------------------------------------------ reading

    def trials(self, status: str | None = None) -> Iterator[StoredTrial]:
        """Every trial (or those of one ``status``) in key order, each checksum verified.

        Raises
        ------
        StoreError
            A trial whose stored fields do not match its checksum (names the trial).
        """
        if self._empty:
            return
        sql = ("SELECT key, seed, params, status, error, rows, digest, wall_s, host, pid, rowid "
               "FROM trials")
        args: tuple[str, ...] = ()
        if status is not None:
            sql += " WHERE status = ?"
            args = (status,)
        try:
            fetched = self._conn.execute(sql + " ORDER BY key", args).fetchall()
        except _ERRORS as exc:
            raise _sqlite_error(self.path, exc) from None
        for key, seed, p, st, err, r, digest, wall, host, pid, rowid in fetched:
            try:
                ok = digest == _digest(key, int(seed), p, st, err, r)
                params, rows = json.loads(p), json.loads(r)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise StoreError(
                    f"{self.path}: trial {key} is damaged (its fields do not match their "
                    f"checksum); rerun with --fresh, or delete just that trial and rerun: "
                    f"sqlite3 '{self.path}' 'DELETE FROM trials WHERE rowid = {rowid}'")
            yield StoredTrial(key, int(seed), params, st, err, rows, wall, host, pid)

    def statuses(self) -> dict[str, str]:
        """``{key: status}`` of every stored trial (after verifying every checksum)."""
        return {t.key: t.status for t in self.trials()}

    def close(self) -> None:
        """Checkpoint the write-ahead log into the file and close.

        A writer leaves the file in rollback-journal mode, so later read-only readers create
        no ``-wal``/``-shm`` files beside it.
        """
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if not self._read_only:
                self._conn.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error:
            pass  # a read-only connection, or a full disk: the log stays and is replayed
        self._conn.close()

    def __enter__(self) -> TrialStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()



@contextlib.contextmanager
def example_store() -> Iterator[TrialStore]:
    """The store of the docstring Examples, in a new temporary directory: one trial.

    The trial has the parameter ``n = 5``, seed index 0 and one row ``err = 0.5`` (cells as
    text).  The store is open for writing; it is closed and its directory (``store.path.parent``,
    free for exports too) removed when the ``with`` block ends.

    Yields
    ------
    TrialStore

    Examples
    --------
    >>> with example_store() as store:
    ...     [(t.key, t.params, t.rows) for t in store.trials()]
    [('["5","0"]', {'n': '5'}, [{'err': '0.5'}])]
    """
    with tempfile.TemporaryDirectory() as tmp:
        store = TrialStore.open(Path(tmp) / STORE_NAME, fingerprint={"seed": 1},
                                param_names=["n"])
        try:
            store.record('["5","0"]', 0, {"n": "5"}, [{"err": "0.5"}])
            yield store
        finally:
            store.close()
