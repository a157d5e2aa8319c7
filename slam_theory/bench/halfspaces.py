"""Benchmark: one epoch of each online halfspace learner vs scikit-learn's ``SGDClassifier``.

Data: ``n x d`` float64 (``n = 1e6``, ``d = 100``; ``quick``: ``n = 1e5``), rows uniform on the
unit sphere, labels ``sign(x_1)`` with 20% random classification noise.

Rows (each says in its notes exactly what is compared)
----
- ``epoch/<Learner>`` (in order vs in order): ``partial_fit(X, y)`` of a fresh estimator
  (exactly one pass in the given order, including input validation and label handling) vs
  ``SGDClassifier(loss="log_loss", max_iter=1, tol=None, shuffle=False).fit(X, y)`` (one
  in-order epoch, also including validation).  Target ratio 8.
- ``epoch_shuffled/SLaMHalfspace`` (shuffled vs shuffled): ``fit`` with ``max_iter=1,
  shuffle=True`` (a fresh random permutation, rows visited in random order) vs the same peer
  with ``shuffle=True`` (its default).  Target 8.
- ``memory_rate/SLaMHalfspace``: ``t(X.sum()) / t(epoch)`` on the same array, i.e. the
  fraction of numpy's streaming read rate that one in-order ``partial_fit`` epoch reaches.
  Target 0.6.
- ``alg1_exact_vs_plain/T0``: DDKWZ23 Algorithm 1 at ``N = 20,000``, ``d = 50``,
  ``gamma = 0.1``, ``eps = 0.05``, ``eta = 0.2`` (rows uniform on the unit sphere with
  ``|x_1| >= gamma``, labels ``sign(x_1)`` with 20% RCN; ``T = 409,599``): the
  exact fast kernel (:func:`slam_theory._kernels.leaky_relu.leaky_relu_exact`) vs the plain
  full-batch kernel (:func:`~slam_theory._kernels.leaky_relu_plain.leaky_relu_full_batch`, every
  margin every step), both on the same first ``T0 = 5,000`` steps from ``w_0 = 0`` on the same
  data (``quick``: ``T0 = 1,000``).  Target 20.
- ``alg1_exact_full_T``: the fast kernel on the full ``T`` against the plain kernel's
  ``T0``-step time scaled by ``(T + 1) / (T0 + 1)`` (an extrapolation, said in the row).

Every time is the median of a few repeats after a warm-up (JIT compilation excluded); the
repeats of ours and of the peer are interleaved (round robin) in the same process on the same
data, so a change of machine load hits both alike.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier

from .. import halfspaces as H
from .._kernels import leaky_relu as _klr
from ..noise import RCN
from ._timing import interleaved_medians

__all__ = ["run"]

_EPOCH_TARGET = 8.0
_MEMORY_TARGET = 0.6
_ALG1_TARGET = 20.0


def _learners() -> list:
    eta = 0.2
    return [
        H.SLaMHalfspace(eta=eta, gamma=0.1, random_state=0),
        H.OnlineLeakyReLUHalfspace(eta=eta, random_state=0),
        H.LogisticHalfspace(random_state=0),
        H.UnbiasedLossHalfspace(rho_pos=eta, rho_neg=eta, random_state=0),
        H.ForwardCorrectedHalfspace(eta=eta, random_state=0),
        H.BackwardCorrectedHalfspace(eta=eta, random_state=0),
        H.Perceptron(random_state=0),
        H.AveragedPerceptron(random_state=0),
    ]


def _row(name: str, ours: float, peer: str, peer_s: float, target: float, notes: str) -> dict:
    ratio = peer_s / ours
    return {
        "name": name, "ours_s": ours, "peer": peer, "peer_s": peer_s, "ratio": ratio,
        "target": target, "met": bool(ratio >= target), "notes": notes,
    }


def run(quick: bool = False) -> list[dict]:
    """Run the halfspace benchmarks.

    Parameters
    ----------
    quick : bool, default=False
        Use ``n = 1e5`` and fewer repeats.

    Returns
    -------
    list of dict
        One row per measurement with the keys of :data:`slam_theory.bench.FIELDS`.
    """
    n, d = (100_000 if quick else 1_000_000), 100
    repeats = 3
    rng = np.random.default_rng(2302)
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    y = RCN(0.2).corrupt(np.where(X[:, 0] >= 0, 1, -1).astype(np.int64), random_state=1)
    size = f"n={n}, d={d}"

    base = 'sklearn SGDClassifier(loss="log_loss", max_iter=1, tol=None, shuffle={})'
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        peers = {
            sh: SGDClassifier(loss="log_loss", max_iter=1, tol=None, shuffle=sh, random_state=0)
            for sh in (False, True)
        }
        for peer in peers.values():
            clone(peer).fit(X[:1000], y[:1000])

        def peer_fit(shuffle: bool) -> Callable[[], object]:
            return lambda: clone(peers[shuffle]).fit(X, y)

        for est in _learners():
            clone(est).partial_fit(X[:1000], y[:1000])  # compile / load the kernels
            ours, peer_s = interleaved_medians(
                [lambda est=est: clone(est).partial_fit(X, y), peer_fit(False)], repeats
            )
            rows.append(_row(
                f"epoch/{type(est).__name__}", ours, base.format(False), peer_s, _EPOCH_TARGET,
                f"{size}; in order vs in order: ours partial_fit(X, y) (one pass, incl. "
                "validation) vs peer fit with shuffle=False (one epoch, incl. validation)",
            ))

        slam = H.SLaMHalfspace(eta=0.2, gamma=0.1, max_iter=1, shuffle=True, random_state=0)
        clone(slam).fit(X[:1000], y[:1000])
        ours, peer_s = interleaved_medians([lambda: clone(slam).fit(X, y), peer_fit(True)],
                                            repeats)
        rows.append(_row(
            "epoch_shuffled/SLaMHalfspace", ours, base.format(True), peer_s, _EPOCH_TARGET,
            f"{size}; shuffled vs shuffled: ours fit(max_iter=1, shuffle=True) (random "
            "permutation) vs peer fit with shuffle=True (its default), both incl. validation",
        ))

    t_sum, ours = interleaved_medians(
        [X.sum, lambda: clone(slam).partial_fit(X, y)], max(repeats, 5)
    )
    rows.append({
        "name": "memory_rate/SLaMHalfspace", "ours_s": ours, "peer": "numpy X.sum()",
        "peer_s": t_sum, "ratio": t_sum / ours, "target": _MEMORY_TARGET,
        "met": bool(t_sum / ours >= _MEMORY_TARGET),
        "notes": f"{size}; fraction of numpy's streaming read rate (t(X.sum()) / t(epoch)) "
                 "reached by one in-order partial_fit epoch incl. validation",
    })
    rows.extend(_alg1_rows(quick))
    return rows


def _alg1_rows(quick: bool) -> list[dict]:
    """Exact fast Algorithm 1 vs the plain full-batch loop (see the module docstring)."""
    n, d, gamma, eps, eta = 20_000, 50, 0.1, 0.05, 0.2
    n_val = H.leaky_relu_validation_size(H.leaky_relu_iterations(eta, gamma, eps), eps)
    rng = np.random.default_rng(2306)
    X = rng.standard_normal((4 * (n + n_val), d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    X = np.ascontiguousarray(X[np.abs(X[:, 0]) >= gamma][: n + n_val])
    y = RCN(eta).corrupt(np.where(X[:, 0] > 0, 1, -1), random_state=1).astype(np.float64)
    Xv, yv, X, y = X[n:].copy(), y[n:].copy(), X[:n].copy(), y[:n].copy()
    T = H.leaky_relu_iterations(eta, gamma, eps)
    lr = 2.0 / ((1.0 - eta) * math.sqrt(T + 1.0))
    e = np.zeros(0, dtype=np.int64)

    def fast(steps: int) -> object:
        return _klr.leaky_relu_exact(
            X, y, Xv, yv, eta, steps, lr, 0.01, np.zeros(d), np.empty(steps + 1), e,
            np.empty((0, d)), np.empty(0), np.empty((0, d)),
        )

    def plain(steps: int) -> object:
        return _klr.leaky_relu_full_batch(
            X, y, Xv, yv, np.zeros(d), eta, steps, lr, np.zeros(d), np.empty(steps + 1),
            np.empty(steps + 1), e, np.empty((0, d)),
        )

    fast(10)
    plain(10)  # compile
    T0 = 1_000 if quick else 5_000
    ours, peer = interleaved_medians([lambda: fast(T0), lambda: plain(T0)], 3 if quick else 2)
    size = f"N={n}, N'={n_val} held out, d={d}, gamma={gamma}, eps={eps}, eta={eta}, T={T}"
    rows = [_row(
        "alg1_exact_vs_plain/T0", ours, "plain full-batch Algorithm 1 kernel (same steps)", peer,
        _ALG1_TARGET, f"{size}; both run the same first T0={T0} steps from w_0 = 0",
    )]
    if not quick:
        t0 = time.perf_counter()
        fast(T)
        full = time.perf_counter() - t0
        rows.append(_row(
            "alg1_exact_full_T", full, "plain kernel, T0-step time x (T+1)/(T0+1)",
            peer * (T + 1) / (T0 + 1), _ALG1_TARGET,
            f"{size}; ours: the full T steps, measured; peer: extrapolated, not run",
        ))
    return rows


if __name__ == "__main__":  # pragma: no cover
    for r in run(quick=True):
        print(r)
