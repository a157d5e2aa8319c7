"""Tiny CIFAR-10/100 data sets written in exactly the official layout, for the tests."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from slam_theory.data import real

N_BATCH, N_TEST = 12, 8


def write_cifar(root: Path, name: str = "cifar10", n_batch: int = N_BATCH,
                n_test: int = N_TEST, seed: int = 0) -> Path:
    """Write a tiny data set in exactly the official layout (pickled dicts, bytes keys)."""
    spec = real.CIFAR_FILES[name]
    K = spec["n_classes"]
    folder = root / spec["folder"]
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_train_file = n_batch if name == "cifar10" else 5 * n_batch
    for fname, n in [*((f, n_train_file) for f in spec["train"]), (spec["test"], n_test)]:
        labels = [int(v) for v in rng.integers(0, K, n)]
        d = {b"batch_label": fname.encode(), b"data": rng.integers(0, 256, (n, 3072),
                                                                    dtype=np.uint8),
             b"filenames": [f"img_{i}.png".encode() for i in range(n)]}
        if name == "cifar10":
            d[b"labels"] = labels
        else:
            d[b"fine_labels"] = labels
            d[b"coarse_labels"] = [v // 5 for v in labels]
        with (folder / fname).open("wb") as fh:
            pickle.dump(d, fh, protocol=2)
    meta = {spec["names"]: [f"class{k}".encode() for k in range(K)]}
    if name == "cifar10":
        meta.update({b"num_cases_per_batch": n_batch, b"num_vis": 3072})
    else:
        meta[b"coarse_label_names"] = [f"super{k}".encode() for k in range(20)]
    with (folder / spec["meta"]).open("wb") as fh:
        pickle.dump(meta, fh, protocol=2)
    return folder
