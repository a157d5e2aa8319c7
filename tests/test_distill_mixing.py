"""Hand-computed mixes (Remark B.1's un-normalised top-k form and the normalised form), the
k-invariance of the hard top-k loss, and the monotone alpha estimator."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from slam_theory import distill
from slam_theory.distill import classifier, estimate, labels, mixing, student, training


def test_mix_topk_by_hand():
    # f = (0.5, 0.3, 0.2), alpha = 0.8, teacher top-2 = classes {0, 1}
    # un-normalised: m_j = 0.8 f_j + 0.2 (1 - f_j) 1[j in top-2]
    #   m_0 = 0.40 + 0.2 * 0.5 = 0.50 ; m_1 = 0.24 + 0.2 * 0.7 = 0.38 ; m_2 = 0.16
    f = [[0.5, 0.3, 0.2]]
    t = [[0.7, 0.2, 0.1]]
    np.testing.assert_allclose(distill.mix_topk(f, 0.8, t, 2), [[0.50, 0.38, 0.16]])
    np.testing.assert_allclose(distill.mix(f, 0.8, k=2, teacher=t, normalize=False),
                               [[0.50, 0.38, 0.16]])
    # the un-normalised mix does not sum to one (1.04 here): it is not a distribution
    assert distill.mix_topk(f, 0.8, t, 2).sum() == pytest.approx(1.04)
    # normalised with k = 2: divisor k - 1 = 1, same numbers; with k = 3 (all classes):
    #   m_j = 0.8 f_j + 0.2 (1 - f_j) / 2 -> (0.45, 0.31, 0.24), a distribution
    np.testing.assert_allclose(distill.mix_normalized(f, 0.8, t, 2), [[0.50, 0.38, 0.16]])
    np.testing.assert_allclose(distill.mix_normalized(f, 0.8, t, 3), [[0.45, 0.31, 0.24]])
    # k = 1: only the teacher's top class gets the (1 - alpha) term, divisor taken as 1
    np.testing.assert_allclose(distill.mix_topk(f, 0.8, t, 1), [[0.50, 0.24, 0.16]])
    np.testing.assert_allclose(distill.mix_normalized(f, 0.8, t, 1), [[0.50, 0.24, 0.16]])


def test_mix_topk_wrong_formula_is_caught():
    """The by-hand values separate the two forms: a normalised result at k = 3 is not the
    un-normalised one (guards against the two being swapped)."""
    f = [[0.5, 0.3, 0.2]]
    t = [[0.7, 0.2, 0.1]]
    assert not np.allclose(distill.mix_topk(f, 0.8, t, 3), distill.mix_normalized(f, 0.8, t, 3))
    np.testing.assert_allclose(distill.mix_topk(f, 0.8, t, 3), [[0.50, 0.38, 0.32]])


def test_hard_topk_loss_does_not_depend_on_k_but_normalised_does(rng):
    z = rng.standard_normal((20, 6))
    P = rng.dirichlet(np.ones(6), 20)
    a = rng.uniform(0.5, 1.0, 20)
    hard = [distill.slam_loss(z, P, a, k, target="hard", mixing="topk")[0] for k in (1, 3, 6)]
    np.testing.assert_allclose(hard[0], hard[1])
    np.testing.assert_allclose(hard[0], hard[2])
    # by hand: -log(alpha f_t + (1 - alpha)(1 - f_t)) with t the teacher's top-1
    f = np.exp(z - z.max(1, keepdims=True))
    f /= f.sum(1, keepdims=True)
    ft = f[np.arange(20), P.argmax(1)]
    np.testing.assert_allclose(hard[0], -np.log(a * ft + (1 - a) * (1 - ft)))
    norm = [distill.slam_loss(z, P, a, k, target="hard", mixing="normalized")[0]
            for k in (2, 3)]
    assert not np.allclose(norm[0], norm[1])
    soft = [distill.slam_loss(z, P, a, k, target="soft", mixing="topk")[0] for k in (1, 3)]
    assert not np.allclose(soft[0], soft[1])


def test_estimate_alpha_is_monotone_even_for_an_anti_calibrated_teacher(rng):
    """A teacher that is right at SMALL margins and wrong at large ones.  alpha must stay
    non-decreasing in the margin (isotonic, increasing=True): the fit pools to the constant
    validation accuracy.  A decreasing fit (e.g. increasing="auto") fails this test."""
    n, K = 400, 3
    y = rng.integers(0, K, n)
    margin = rng.uniform(0.05, 0.9, n)
    right = margin < 0.45
    top = np.where(right, y, (y + 1) % K)
    P = np.full((n, K), 0.0)
    second = (top + 1) % K
    p_top = (1 + margin) / 2
    P[np.arange(n), top] = p_top
    P[np.arange(n), second] = 1 - p_top
    fn = distill.estimate_alpha(P, y)
    a = fn.from_margin(np.linspace(0, 1, 201))
    assert np.all(np.diff(a) >= 0)
    np.testing.assert_allclose(a, right.mean(), atol=1e-9)


def test_estimate_alpha_tracks_an_increasing_profile(rng):
    """The control: a calibrated teacher whose accuracy rises with the margin gets a rising
    alpha (a constant estimator fails here)."""
    n, K = 2000, 3
    y = rng.integers(0, K, n)
    margin = rng.uniform(0.0, 1.0, n)
    right = rng.random(n) < 0.3 + 0.7 * margin
    top = np.where(right, y, (y + 1) % K)
    P = np.zeros((n, K))
    P[np.arange(n), top] = (1 + margin) / 2
    P[np.arange(n), (top + 1) % K] = (1 - margin) / 2
    fn = distill.estimate_alpha(P, y)
    lo, hi = fn.from_margin([0.1, 0.9])
    assert hi - lo > 0.4
    assert abs(lo - 0.37) < 0.1 and abs(hi - 0.93) < 0.1


@pytest.mark.parametrize("module", [mixing, estimate, labels, student, training, classifier])
def test_docstring_examples_run(module):
    res = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.attempted > 0 and res.failed == 0


def test_mix_refuses_1d_f_with_k_or_teacher_and_topk_mask_checks_probabilities():
    t = [[0.7, 0.3], [0.4, 0.6]]
    with pytest.raises(ValueError, match=r"f must have shape \(n, K\)"):
        distill.mix([0.5, 0.3], 0.8, k=2, teacher=t)
    with pytest.raises(ValueError, match=r"f must have shape \(n, K\)"):
        distill.mix_topk([0.5, 0.3], 0.8, t, 2)
    np.testing.assert_allclose(distill.mix([0.5, 0.3], 0.8), [0.5, 0.38])  # binary form kept
    with pytest.raises(ValueError, match="proba has entries outside"):
        distill.topk_mask([[-0.2, 1.2]], 1)
    with pytest.raises(ValueError, match="proba rows must sum to 1"):
        distill.topk_mask([[0.6, 0.6]], 1)
