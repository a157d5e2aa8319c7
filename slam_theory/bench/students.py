"""Benchmarks: one epoch of the SLaM student's logistic and MLP models vs scikit-learn.

**Logistic.**  Ours: one pass of minibatch Adam (batch 64) of
:class:`slam_theory.distill.SLaMStudent`'s logistic kernel with the SLaM loss
(un-normalised top-3 mix, soft targets, per-example alpha) on ``n = 100 000`` examples,
``d = 64``, 10 classes.  Peer:
``SGDClassifier(loss="log_loss", max_iter=1, tol=None)`` on the same features and the
teacher's top-1 labels (one-vs-rest: 10 binary passes, its own Cython SGD).  Median of a few
repeats; compilation is excluded (one warm-up call).

**MLP.**  Ours: ``SLaMStudent(model="mlp", hidden=64, epochs=1)`` fitted on class labels (one
pass of minibatch Adam, batch 64, lr 0.01, L2 1e-4, cross-entropy: its Numba kernel, one
example at a time).  Peer: ``MLPClassifier(hidden_layer_sizes=(64,), max_iter=1)`` with the
same solver, batch size, learning rate and L2 (numpy matrix products per minibatch), on the
same features and labels (``n = 20 000``, ``d = 64``, 10 classes; ``quick``: ``n = 5 000``).
Both run under ``threadpool_limits(1)``; the ratio is the peer's time over ours (above 1:
ours is faster), measured in the same run.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np

TARGET = 3.0
#: Target of the MLP epoch ratio: parity with scikit-learn's MLPClassifier.
TARGET_MLP = 1.0


def _median_time(fn: Any, repeats: int) -> float:
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def run(quick: bool = False) -> list[dict]:
    """Run the benchmark; see the module docstring.  ``quick`` uses ``n = 20 000``."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier

    from slam_theory import distill
    from slam_theory._kernels import students as K

    n = 20_000 if quick else 100_000
    d, k = 64, 10
    repeats = 3 if quick else 5
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d))
    P = rng.dirichlet(np.full(k, 0.3), size=n)
    y = P.argmax(axis=1)
    alpha = rng.uniform(0.5, 1.0, n)
    C = distill.topk_mask(P, 3)
    T = np.eye(k)
    kinds = np.zeros(n, dtype=np.int64)
    w = np.ones(n)
    decay = np.r_[np.ones(d * k), np.zeros(k)]
    perm = rng.permutation(n).astype(np.int64)

    def ours() -> None:
        theta = np.zeros(d * k + k)
        m = np.zeros_like(theta)
        v = np.zeros_like(theta)
        K.epoch_logistic(X, P, alpha, C, T, kinds, w, perm, 64, theta, decay, m, v, 0, 0.01,
                         1e-4, True, 0.9, 0.999, 1e-8)

    def peer() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            SGDClassifier(loss="log_loss", max_iter=1, tol=None, random_state=0).fit(X, y)

    ours()  # compile / load from cache
    peer()
    t_ours = _median_time(ours, repeats)
    t_peer = _median_time(peer, repeats)
    ratio = t_peer / t_ours
    return [{
        "name": f"students: one epoch, logistic SLaM student (n={n}, d={d}, K={k})",
        "ours_s": t_ours,
        "peer": "sklearn SGDClassifier(log_loss, max_iter=1), one-vs-rest",
        "peer_s": t_peer,
        "ratio": ratio,
        "target": TARGET,
        "met": bool(ratio >= TARGET),
        "notes": "ours: minibatch Adam (batch 64), SLaM top-3 mix with per-example alpha; "
                 "peer: plain SGD, 10 binary passes; single thread each",
    }, run_mlp(quick)]


def run_mlp(quick: bool = False) -> dict:
    """One epoch of the MLP student vs ``MLPClassifier(max_iter=1)``; see the module docstring.

    Examples
    --------
    >>> r = run_mlp(quick=True)  # doctest: +SKIP
    >>> sorted(r) == sorted(["name", "ours_s", "peer", "peer_s", "ratio", "target", "met",
    ...                      "notes"])  # doctest: +SKIP
    True
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    from slam_theory import distill

    n = 5_000 if quick else 20_000
    d, k, hidden = 64, 10, 64
    repeats = 3 if quick else 5
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, d))
    y = (X @ rng.standard_normal((d, k))).argmax(axis=1)
    classes = np.arange(k)

    def ours() -> None:
        distill.SLaMStudent(model="mlp", hidden=hidden, epochs=1, batch_size=64, lr=0.01,
                            l2=1e-4, random_state=0).fit(X, y, classes=classes)

    def peer() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            MLPClassifier(hidden_layer_sizes=(hidden,), max_iter=1, batch_size=64,
                          solver="adam", learning_rate_init=0.01, alpha=1e-4,
                          random_state=0).fit(X, y)

    with threadpool_limits(1):
        ours()  # compile / load from cache
        peer()
        t_ours = _median_time(ours, repeats)
        t_peer = _median_time(peer, repeats)
    ratio = t_peer / t_ours
    return {
        "name": f"students: one epoch, MLP student, hidden {hidden} (n={n}, d={d}, K={k})",
        "ours_s": t_ours,
        "peer": f"sklearn MLPClassifier(hidden_layer_sizes=({hidden},), max_iter=1), adam",
        "peer_s": t_peer,
        "ratio": ratio,
        "target": TARGET_MLP,
        "met": bool(ratio >= TARGET_MLP),
        "notes": "both: minibatch Adam (batch 64, lr 0.01, L2 1e-4), cross-entropy on the "
                 "labels; ours: Numba, one example at a time; peer: numpy matrix products; "
                 "single thread each",
    }
