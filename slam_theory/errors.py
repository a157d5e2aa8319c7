"""The package's exception classes: every user mistake is one of these, with a one-line message.

The command line prints any :class:`SlamTheoryError` as ``slam-theory: error: <message>`` and
exits with status 2. The classes also derive from the built-in exception a caller would catch
without knowing this module (a config mistake is a ``ValueError``).

Examples
--------
>>> from slam_theory.errors import ConfigError, SlamTheoryError
>>> issubclass(ConfigError, ValueError) and issubclass(ConfigError, SlamTheoryError)
True
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DataFormatError",
    "DataUnavailableError",
    "SchedulerError",
    "SlamTheoryError",
    "StoreError",
    "TooFewSamplesError",
    "TrialError",
    "UsageError",
]


class SlamTheoryError(Exception):
    """Base class of the errors the command line reports in one line (exit status 2).

    Examples
    --------
    >>> from slam_theory.errors import SlamTheoryError, StoreError
    >>> try:
    ...     raise StoreError("trials.sqlite is damaged; rerun with --fresh")
    ... except SlamTheoryError as exc:
    ...     print(f"slam-theory: error: {exc}")
    slam-theory: error: trials.sqlite is damaged; rerun with --fresh
    """


class ConfigError(SlamTheoryError, ValueError):
    """A mistake in an experiment config: the message names the file, the key and what was
    expected.

    Examples
    --------
    >>> from slam_theory import runner
    >>> try:
    ...     runner.load_config("no_such_experiment.toml")
    ... except ConfigError as exc:
    ...     print(type(exc).__name__, isinstance(exc, ValueError))
    ConfigError True
    """


class UsageError(SlamTheoryError, ValueError):
    """A mistake on the command line or in a path given to it (missing folder, unwritable
    output, an existing file where a folder is expected).

    Examples
    --------
    >>> issubclass(UsageError, SlamTheoryError), issubclass(UsageError, ValueError)
    (True, True)
    """


class StoreError(SlamTheoryError, OSError):
    """A results store that cannot be used as it is: damaged, from another config or format,
    read-only, or on a full disk. The message says how to recover (``--fresh``, or the name
    of the bad trial).

    Examples
    --------
    >>> issubclass(StoreError, SlamTheoryError), issubclass(StoreError, OSError)
    (True, True)
    """


class SchedulerError(SlamTheoryError, ConnectionError):
    """A ``--scheduler`` address that does not answer as a dask scheduler in time, or a
    scheduler that went away during the run (finished trials are kept).

    Examples
    --------
    >>> issubclass(SchedulerError, SlamTheoryError), issubclass(SchedulerError, ConnectionError)
    (True, True)
    """


class TrialError(SlamTheoryError, RuntimeError):
    """A trial function raised or returned something the runner cannot store.

    A sweep records this as the trial's outcome and goes on; it reaches the caller only
    through ``--strict``.

    Examples
    --------
    >>> issubclass(TrialError, SlamTheoryError), issubclass(TrialError, RuntimeError)
    (True, True)
    """


class TooFewSamplesError(SlamTheoryError, ValueError):
    """A learner given fewer samples than its algorithm needs before it can output anything
    (e.g. Algorithm 1 holding out all of them for its selection).  Sweeps treat it as a
    defined outcome: no hypothesis yet.

    Examples
    --------
    >>> import numpy as np
    >>> from slam_theory.halfspaces import LeakyReLUHalfspace
    >>> est = LeakyReLUHalfspace(eta=0.1, gamma=0.5, epsilon=0.5)   # holds out N' = 14 samples
    >>> try:
    ...     est.fit(np.eye(3)[[0, 1, 2] * 3], [1, -1, 1] * 3)
    ... except TooFewSamplesError as exc:
    ...     print(type(exc).__name__, isinstance(exc, ValueError))
    TooFewSamplesError True
    """


class DataUnavailableError(SlamTheoryError, FileNotFoundError):
    """Data an experiment needs are not on this machine: a data file or folder that is
    missing, or the package that ships the data set is not installed.  The message names what
    is missing and where it was looked for; ``reproduce`` skips such an experiment with this
    line instead of failing.

    Examples
    --------
    >>> from slam_theory.data import load_real
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as empty:
    ...     try:
    ...         load_real("cifar10", empty)
    ...     except DataUnavailableError as exc:
    ...         print(type(exc).__name__, isinstance(exc, FileNotFoundError))
    DataUnavailableError True
    """


class DataFormatError(SlamTheoryError, ValueError):
    """A local data file that exists but is not in the expected format (truncated, not a
    pickle of the expected dict, wrong array shape or dtype, labels out of range).  The
    message names the file and what is wrong.

    Examples
    --------
    >>> issubclass(DataFormatError, SlamTheoryError), issubclass(DataFormatError, ValueError)
    (True, True)
    """
