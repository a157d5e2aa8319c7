"""What keeps a results folder whole: the config fingerprint a store is tied to, the hash of the
package's sources, and the lock that refuses two runs on one results folder at once."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from slam_theory.errors import ConfigError, StoreError, UsageError
from slam_theory.results import jsonable
from slam_theory.runner.config import FINGERPRINT_FIELDS

__all__ = ["fingerprint", "lock"]


def fingerprint(config: dict[str, Any]) -> dict[str, Any]:
    """The config fields that decide the trials' numbers (JSON-ready), with ``exclude``
    where the config has exclusion rules (so older fingerprints stay as they were).

    Examples
    --------
    >>> from slam_theory.runner import config_from_dict, example_config
    >>> raw = example_config()
    >>> sorted(fingerprint(config_from_dict(raw)))
    ['fixed', 'grid', 'preset', 'root_seed', 'seed_by', 'seeds', 'trial']
    """
    fp = {k: config[k] for k in FINGERPRINT_FIELDS}
    if config.get("exclude"):
        fp["exclude"] = config["exclude"]
    return jsonable(fp)


def _code_hash() -> str:
    """SHA-256 of the package's Python sources (to warn when results predate a change)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _mkdir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} exists and is not a directory; choose another --results "
                         "directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {path}: {exc.strerror}; choose a writable "
                         "--results directory") from None


@contextlib.contextmanager
def lock(root: Path, name: str) -> Iterator[Path]:
    """Hold an exclusive lock on ``root/.<name>.lock``; remove the file at the end.

    A second run on the same results is refused in one line. The lock is released when the
    process dies; the file is unlinked while still locked, and a run that locked a file that
    was meanwhile unlinked tries again, so two runs never both hold it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with lock(Path(tmp), "demo") as held:
    ...         inside = held.exists()
    ...     print(held.name, inside, held.exists())
    .demo.lock True False
    """
    _mkdir(root)
    path = root / f".{name}.lock"
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create {path}: {exc.strerror}; choose a writable "
                             "--results directory") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConfigError(f"{root / name}: another slam-theory run is writing these "
                              "results; wait for it or choose another --results directory"
                              ) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # locked a file another run had just removed: try again
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
