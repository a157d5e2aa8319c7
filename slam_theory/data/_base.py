"""Shared machinery of the data generators: argument checks, the kernel-backed row sampler.

Every generator takes ``random_state`` (None, int, ``SeedSequence``, numpy ``Generator`` or
``RandomState``; resolved once, in ``__init__``, by :func:`slam_theory._validation.as_generator`)
and keeps the resulting ``Generator``: successive ``sample`` calls give fresh, independent data,
and two generators built with the same seed give identical sequences of samples.

The kernel-backed generators (:class:`RowSampler` subclasses) draw their random numbers from a
per-block xoshiro256++ stream inside a Numba kernel (:mod:`slam_theory._kernels.rng`), keyed by
four 64-bit words drawn from the generator's ``Generator`` once per ``sample``/``stream`` call;
blocks of ``BLOCK_ROWS = 1024`` rows are independent of each other and of the thread count, so
the output is identical on 1 or N threads, and the concatenated batches of ``stream(n)`` equal
``sample(n)`` of a generator in the same state.
"""

from __future__ import annotations

import abc
import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from .._docs import fill_docstrings
from .._kernels import _config
from .._kernels import sampling as _ks
from .._kernels.rng import ziggurat_tables
from .._validation import check_finite_array, check_int, check_unit_vector

__all__ = [
    "DOCS",
    "BatchStream",
    "RowSampler",
    "Target",
    "angle_between",
    "apply_elementwise",
    "check_d",
    "check_n",
    "check_rows_fit",
    "unit_direction",
    "unit_w_star",
]

#: The docstring texts the generators share (:mod:`slam_theory._docs`).
DOCS: dict[str, str] = {
    # the argument and the return value of sample (the whole sections)
    "sample": """Parameters
----------
n : int
    Number of examples, ``n >= 1`` (refused with ``MemoryError`` if the arrays would not fit
    in physical memory).

Returns
-------
X : ndarray of float64, shape (n, d), C-contiguous
y : ndarray of int64, shape (n,)
    Clean labels ``sign(w* . x)`` in ``{-1, +1}``.""",
}

_KI, _WI, _FI = ziggurat_tables()
_PAR_MIN = 1 << 16  # below this many rows, special functions run on one thread
_CHUNK_BLOCKS = 4  # prange chunk (in RNG blocks) for the row kernel
_CHUNK_ELEMS = 16384  # prange chunk (in elements) for elementwise kernels


def _physical_memory() -> int:
    """Bytes of physical memory (``os.sysconf``), or ``2**62`` where it cannot be read."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return 1 << 62


def check_rows_fit(
    n: int,
    d: int,
    arrays: float = 1.0,
    name: str = "n",
    *,
    d_name: str = "d",
    advice: str = "use stream(n, batch=...) instead",
) -> None:
    """Refuse ``n`` rows of ``d`` float64 columns (times ``arrays`` copies) beyond physical memory.

    Raises a one-line ``MemoryError`` naming both sizes (as ``name`` and ``d_name``) and the
    bytes before any work is done; by default it advises ``stream(n, batch)`` for large ``n``.

    Examples
    --------
    >>> check_rows_fit(10, 3)
    >>> try:
    ...     check_rows_fit(1, 10**15, advice="use a smaller d")
    ... except MemoryError as exc:
    ...     print(str(exc).split(" need")[0], "|", str(exc).split("; ")[-1])
    n=1 rows at d=1000000000000000 | use a smaller d
    """
    need = float(n) * float(d) * 8.0 * float(arrays)
    have = _physical_memory()
    if need > have:
        raise MemoryError(
            f"{name}={n} rows at {d_name}={d} need about {need:.3g} bytes, more than the "
            f"{have:.3g} bytes of physical memory; {advice}"
        )


def check_n(n: Any) -> int:
    """Number of examples: an int ``>= 1``."""
    return check_int(n, "n", low=1)


def check_d(d: Any, low: int = 2) -> int:
    """Dimension: an int ``>= low`` of which a few rows fit in memory (refused before allocating).

    Examples
    --------
    >>> check_d(3)
    3
    """
    out = check_int(d, "d", low=low)
    check_rows_fit(1, out, arrays=4.0, advice="use a smaller d")
    return out


def unit_w_star(w_star: Any, d: int) -> np.ndarray:
    """``w_star`` normalised, or ``e_1`` when it is None."""
    if w_star is None:
        w = np.zeros(d)
        w[0] = 1.0
        return w
    return check_unit_vector(w_star, "w_star", d)


def unit_direction(w: Any, d: int, name: str = "w") -> np.ndarray:
    """``w / ||w||`` for a real, finite, nonzero ``w`` of dimension ``d``, for any scale of ``w``.

    Where ``||w||`` is a normal float the result is exactly ``w / ||w||``; otherwise (e.g.
    ``w * 1e300``, whose norm overflows, or ``w * 1e-300``) ``w`` is first divided by its
    largest absolute entry, so the direction does not depend on the scale.
    """
    if np.iscomplexobj(w):
        raise TypeError(f"{name} must be real, got a complex array")
    arr = check_finite_array(w, name, ndim=1)
    if arr.shape[0] != d:
        raise ValueError(f"{name} must have dimension {d}, got {arr.shape[0]}")
    with np.errstate(over="ignore", under="ignore"):
        norm = float(np.linalg.norm(arr))
    if 1e-150 < norm < 1e150:
        return arr / norm
    big = float(np.max(np.abs(arr)))
    if big == 0.0:
        raise ValueError(f"{name} must have nonzero norm")
    arr = arr / big
    return arr / float(np.linalg.norm(arr))


def angle_between(u: np.ndarray, v: np.ndarray) -> float:
    """Angle between unit vectors, ``2 atan2(||u - v||, ||u + v||)`` (accurate near 0 and pi)."""
    return float(2.0 * math.atan2(float(np.linalg.norm(u - v)), float(np.linalg.norm(u + v))))


def apply_elementwise(fn: Callable[..., np.ndarray], *arrays: np.ndarray) -> np.ndarray:
    """``fn(*arrays)`` elementwise, split over ``_config.num_threads()`` Python threads.

    scipy's special-function ufuncs release the GIL; the result does not depend on the number
    of threads.
    """
    n = arrays[0].shape[0]
    k = _config.num_threads()
    if k <= 1 or n < _PAR_MIN:
        return fn(*arrays)
    out = np.empty(n)
    bounds = np.linspace(0, n, k + 1).astype(np.int64)

    def work(i: int) -> None:
        lo, hi = bounds[i], bounds[i + 1]
        out[lo:hi] = fn(*(a[lo:hi] for a in arrays))

    with ThreadPoolExecutor(max_workers=k) as ex:
        list(ex.map(work, range(k)))
    return out


def _householder(w_star: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Reflection ``H = I - coef v v^T`` with ``H e_1 = -sigma w*``; returns ``(v, coef, sigma)``.

    ``sigma = sign(w*_1)`` (``+1`` if zero) avoids cancellation in ``v = e_1 + sigma w*``.
    Then ``w* . (H x) = -sigma x_1``, so writing ``-sigma t`` into column 0 gives
    ``w* . x = t``.  For ``w* = e_1`` exactly, no reflection is needed (``coef = 0``).
    """
    d = w_star.shape[0]
    e1 = np.zeros(d)
    e1[0] = 1.0
    if np.array_equal(w_star, e1):
        return np.zeros(d), 0.0, -1.0
    sigma = 1.0 if w_star[0] >= 0 else -1.0
    v = e1 + sigma * w_star
    return np.ascontiguousarray(v), 2.0 / float(v @ v), sigma


def _draw_key(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 2**64 - 1, size=4, dtype=np.uint64, endpoint=True)


def stream_samples(
    sample: Callable[[int], tuple[np.ndarray, np.ndarray]], n: int, batch: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``sample(m)`` batches of at most ``batch`` rows, ``n`` rows in total.

    For generators whose batches need not concatenate to ``sample(n)``; the arguments are
    checked before the first batch is drawn.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> draw = lambda m: (rng.standard_normal((m, 2)), np.ones(m, dtype=np.int64))
    >>> [X.shape[0] for X, _ in stream_samples(draw, 5, 2)]
    [2, 2, 1]
    """
    n = check_n(n)
    batch = check_int(batch, "batch", low=1)

    def gen() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        done = 0
        while done < n:
            m = min(batch, n - done)
            done += m
            yield sample(m)

    return gen()


class Target:
    """What every halfspace generator has: the dimension ``d`` and the unit target ``w*``."""

    d: int
    w_star: np.ndarray

    def angle(self, w: Any) -> float:
        """Angle in radians, in ``[0, pi]``, between ``w`` (any nonzero scale) and ``w*``."""
        return angle_between(unit_direction(w, self.d), self.w_star)


class BatchStream(Target, abc.ABC):
    """A generator whose ``stream`` yields independent :meth:`sample` batches."""

    @abc.abstractmethod
    def sample(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` labelled examples."""

    def stream(self, n: int, batch: int = 65536) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield batches of :meth:`sample` totalling ``n`` rows (not equal to ``sample(n)``)."""
        return stream_samples(self.sample, n, batch)


class RowSampler(Target, abc.ABC):
    """Shared ``sample``/``stream`` machinery of the kernel-backed halfspace generators.

    A subclass maps uniforms to the coordinate ``t = w* . x`` and the radius ``r`` of the
    orthogonal part (:meth:`_t_and_r`); the kernel draws the orthogonal direction and reflects
    the row so that ``e_1`` goes to ``w*``.
    """

    _rng: np.random.Generator
    _mode: int

    def _setup_reflection(self) -> None:
        self._hh_v, self._hh_coef, self._sigma = _householder(self.w_star)

    @abc.abstractmethod
    def _t_and_r(self, v: np.ndarray, sign: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Map uniforms ``v`` in ``[0, 1)`` and signs to ``(t, r)`` (subclasses)."""

    def _generate(self, key: np.ndarray, block0: int, m: int) -> tuple[np.ndarray, np.ndarray]:
        v = np.empty(m)
        sign = np.empty(m)
        with _config.parallel_chunksize(_CHUNK_BLOCKS):
            _ks.block_uniforms(key, block0, _ks.BLOCK_ROWS, v, sign)
        with _config.parallel_chunksize(_CHUNK_ELEMS):
            t, r = self._t_and_r(v, sign)
        if self._sigma != -1.0:
            t = -self._sigma * t
        X = np.empty((m, self.d))
        with _config.parallel_chunksize(_CHUNK_BLOCKS):
            _ks.fill_rows(
                key, block0, _ks.BLOCK_ROWS, t, r, self._mode,
                self._hh_v, self._hh_coef, _KI, _WI, _FI, X,
            )  # fmt: skip
        y = np.where(sign > 0, 1, -1).astype(np.int64)
        return X, y

    def sample(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` labelled examples.

        %(sample)s
        """
        n = check_n(n)
        check_rows_fit(n, self.d + 5)
        return self._generate(_draw_key(self._rng), 0, n)

    def stream(self, n: int, batch: int = 65536) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(X, y)`` batches of at most ``batch`` rows, ``n`` rows in total.

        Memory is ``O(batch * d)``, so a trial with ``n = 1e8`` is feasible.  The
        concatenation of the batches equals ``sample(n)`` drawn from a generator
        in the same state (same seed and history): rows are generated in
        internal chunks of ``ceil(batch / 1024) * 1024`` rows, aligned with the
        kernel's RNG blocks, and re-cut to ``batch`` rows.

        Parameters
        ----------
        n : int
            Total number of examples, ``n >= 1``.
        batch : int, default 65536
            Rows per yielded batch (the last batch may be smaller), ``batch >= 1``.
        """
        n = check_n(n)
        batch = check_int(batch, "batch", low=1)
        check_rows_fit(min(n, batch + _ks.BLOCK_ROWS), self.d + 5, arrays=2.0, name="batch")
        key = _draw_key(self._rng)  # drawn eagerly: the generator advances like sample(n)
        return self._stream(key, n, batch)

    def _stream(
        self, key: np.ndarray, n: int, batch: int
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        bs = _ks.BLOCK_ROWS
        chunk = -(-batch // bs) * bs
        made = 0  # rows generated so far (a multiple of bs until the last chunk)
        yielded = 0
        buf_X = np.empty((0, self.d))
        buf_y = np.empty(0, dtype=np.int64)
        while yielded < n:
            want = min(batch, n - yielded)
            if buf_X.shape[0] < want:
                m = min(chunk, n - made)
                X, y = self._generate(key, made // bs, m)
                made += m
                buf_X = np.concatenate([buf_X, X]) if buf_X.shape[0] else X
                buf_y = np.concatenate([buf_y, y]) if buf_y.shape[0] else y
            out_X = np.ascontiguousarray(buf_X[:want])
            out_y = buf_y[:want].copy()
            buf_X, buf_y = buf_X[want:], buf_y[want:]
            yielded += want
            yield out_X, out_y

    def _check_w(self, w: Any) -> float:
        """Validate ``w`` and return ``cos angle(w, w*)`` clipped to ``[-1, 1]``."""
        wu = unit_direction(w, self.d)
        return float(np.clip(wu @ self.w_star, -1.0, 1.0))

    @abc.abstractmethod
    def _err_nonneg(self, c: float, cp: float) -> float:
        """The error of a ``w`` with ``cos angle(w, w*) = c`` in ``[0, 1)``;
        ``cp = sqrt(1 - c^2)``."""

    def _symmetric_error(self, c: float) -> float:
        """The error of a ``w`` with ``cos angle(w, w*) = c``: the law is symmetric under
        ``x -> -x``, so ``err(-w) = 1 - err(w)`` and only ``c >= 0`` needs :meth:`_err_nonneg`
        (0 at ``c = 1``)."""
        if c < 0:
            return 1.0 - self._symmetric_error(-c)
        if c >= 1.0:
            return 0.0
        return self._err_nonneg(c, math.sqrt(max(0.0, 1.0 - c * c)))


fill_docstrings(globals(), DOCS)
