"""Tests of slam_theory._validation: every check refuses what it must, names the argument it was
given, and accepts (and returns exactly) the values at the edge of its range."""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory import _validation as V


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: V.check_bool(1, "flag"), TypeError, r"^flag must be a bool, got int$"),
        (lambda: V.check_int(True, "num"), TypeError, r"^num must be an integer, got bool$"),
        (lambda: V.check_int(2.5, "record"), TypeError, r"^record must be an integer, got 2\.5$"),
        (lambda: V.check_int(1j, "record"), TypeError, r"^record must be an integer"),
        (lambda: V.check_int(0, "record", low=1), ValueError, r"^record must be >= 1, got 0$"),
        (lambda: V.check_int(11, "k", high=10), ValueError, r"^k must be <= 10, got 11$"),
        (lambda: V.check_in_range(True, "eta", 0, 1), TypeError, r"^eta must be a real number"),
        (lambda: V.check_in_range(0.5j, "eta", 0, 1), TypeError, r"^eta must be a real number"),
        (lambda: V.check_in_range("0.1", "eta", 0, 1), TypeError, r"^eta must be a real number"),
        (lambda: V.check_in_range(np.nan, "p", 0, 1), ValueError, r"^p must be in \[0, 1\]"),
        (lambda: V.check_in_range(-np.inf, "p", -np.inf, 1), ValueError, r"^p must be in"),
        (lambda: V.check_in_range(0.0, "g", 0, 1, low_inclusive=False), ValueError,
         r"^g must be in \(0, 1\], got 0\.0$"),
        (lambda: V.check_in_range(1.0, "g", 0, 1, high_inclusive=False), ValueError,
         r"^g must be in \[0, 1\), got 1\.0$"),
        (lambda: V.check_eta(0.5), ValueError, r"^eta must be in \[0\.0, 0\.5\)"),
        (lambda: V.check_eta(-0.1, "eta_max"), ValueError, r"^eta_max must be in"),
        (lambda: V.check_gamma(0.0), ValueError, r"^gamma must be in \(0\.0, 1\.0\]"),
        (lambda: V.check_gamma(1.5, "margin"), ValueError, r"^margin must be in"),
        (lambda: V.check_probability(1.01, "p"), ValueError, r"^p must be in \[0\.0, 1\.0\]"),
        (lambda: V.check_choice("x", "method", ("a", "b")), ValueError,
         r"^method must be one of \['a', 'b'\], got 'x'$"),
        (lambda: V.check_choice(1, "method", ("a",)), ValueError, r"^method must be one of"),
        (lambda: V.check_finite_array("ab", "X"), TypeError, r"^X must be array-like of numbers"),
        (lambda: V.check_finite_array([1, 1j], "X"), TypeError, r"^X must be real, got complex"),
        (lambda: V.check_finite_array(np.ones(2, complex), "w"), TypeError, r"^w must be real"),
        (lambda: V.check_finite_array([[1, "a"]], "X"), TypeError, r"^X must be array-like"),
        (lambda: V.check_finite_array(0.5, "w", ndim=1), ValueError,
         r"^w must be 1-dimensional, got shape \(\)$"),
        (lambda: V.check_finite_array([1.0], "X", ndim=2), ValueError,
         r"^X must be 2-dimensional, got shape \(1,\)$"),
        (lambda: V.check_finite_array([], "y"), ValueError, r"^y must not be empty"),
        (lambda: V.check_finite_array([1, np.nan], "y"), ValueError, r"^y contains NaN or inf$"),
        (lambda: V.check_finite_array([1, -np.inf], "y"), ValueError, r"^y contains NaN or inf$"),
        (lambda: V.check_proba_matrix([[1.0], [1.0]], "f"), ValueError,
         r"^f must have at least 2 columns \(classes\), got 1$"),
        (lambda: V.check_proba_matrix([[1.5, -0.5]], "f"), ValueError,
         r"^f has entries outside \[0, 1\]$"),
        (lambda: V.check_proba_matrix([[0.5, 0.6]], "f"), ValueError,
         r"^f rows must sum to 1 \(tolerance 1e-06\); row 0 sums to 1\.1$"),
        (lambda: V.check_proba_matrix([[0.5, 0.5], [0.2, 0.7]], "f"), ValueError, r"row 1 sums"),
        (lambda: V.check_transition_matrix([[1.0]]), ValueError,
         r"^T must be at least 2 x 2 \(two classes\), got shape \(1, 1\)$"),
        (lambda: V.check_transition_matrix(np.ones((2, 3)) / 3, "M"), ValueError,
         r"^M must be square, got shape \(2, 3\)$"),
        (lambda: V.check_transition_matrix([[1.5, -0.5], [0, 1]]), ValueError,
         r"^T has entries outside \[0, 1\]$"),
        (lambda: V.check_transition_matrix([[0.5, 0.4], [0, 1]]), ValueError,
         r"^T must be row-stochastic"),
        (lambda: V.check_transition_matrix([[0.5, 0.5], [0.5, 0.5j]]), TypeError,
         r"^T must be real"),
        (lambda: V.check_binary_labels([[1, -1]]), ValueError,
         r"^y must be 1-dimensional, got shape \(1, 2\)$"),
        (lambda: V.check_binary_labels([], "labels"), ValueError, r"^labels must not be empty$"),
        (lambda: V.check_binary_labels([1, 0]), ValueError,
         r"^y must contain only -1 and \+1, got values \[0, 1\]$"),
        (lambda: V.check_binary_labels([True, True]), TypeError, r"^y must contain the numbers"),
        (lambda: V.check_binary_labels([1 + 0j, -1]), TypeError, r"^y must be real"),
        (lambda: V.check_unit_vector([1.0, 0.0], "w_star", 3), ValueError,
         r"^w_star must have dimension 3, got 2$"),
        (lambda: V.check_unit_vector([0.0, 0.0], "w_star", 2), ValueError,
         r"^w_star must have nonzero norm$"),
        (lambda: V.as_generator(-1, "seed"), ValueError, r"^seed must be non-negative, got -1$"),
        (lambda: V.as_generator(True, "seed"), TypeError, r"^seed must be None, an int"),
        (lambda: V.as_generator("0"), TypeError, r"^random_state must be None, an int.*got str$"),
        (lambda: V.as_generator(1.0), TypeError, r"got float$"),
        (lambda: V.reject_complex(np.complex64(1), "z"), TypeError, r"^z must be real"),
        (lambda: V.reject_complex(2j, "z"), TypeError, r"^z must be real, got complex values$"),
    ],
    ids=lambda _: "case",
)
def test_refused_in_one_line_naming_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- accepted values
def test_check_bool_and_int_return_plain_types():
    assert V.check_bool(np.True_, "flag") is True
    assert V.check_bool(False, "flag") is False
    out = V.check_int(np.int64(7), "n", low=7, high=7)
    assert out == 7 and type(out) is int
    assert V.check_int(1e6, "n") == 1_000_000 and type(V.check_int(1e6, "n")) is int
    assert V.check_int(np.float64(3.0), "n", low=3) == 3


def test_check_in_range_edges():
    assert V.check_in_range(0, "p", 0, 1) == 0.0 and type(V.check_in_range(0, "p", 0, 1)) is float
    assert V.check_in_range(1, "p", 0, 1) == 1.0
    assert V.check_in_range(np.float32(0.25), "p", 0, 1) == 0.25
    assert V.check_eta(0.0) == 0.0 and V.check_eta(0.4999) == 0.4999
    assert V.check_gamma(1.0) == 1.0 and V.check_gamma(1e-300) == 1e-300
    assert V.check_probability(0.0, "p") == 0.0 and V.check_probability(1.0, "p") == 1.0
    assert V.check_choice("b", "m", ("a", "b")) == "b"


def test_check_finite_array_returns_contiguous_requested_dtype():
    a = np.arange(12.0).reshape(3, 4)[:, ::2]
    out = V.check_finite_array(a, "X", ndim=2)
    assert out.flags["C_CONTIGUOUS"] and out.dtype == np.float64
    np.testing.assert_array_equal(out, a)
    assert V.check_finite_array([1, 2], "y", dtype=np.int64).dtype == np.int64
    assert V.check_finite_array([], "y", allow_empty=True).size == 0
    np.testing.assert_array_equal(V.check_finite_array([[1e300, -1e300]], "X"), [[1e300, -1e300]])


def test_proba_and_transition_matrices_accepted_within_tolerance():
    P = V.check_proba_matrix([[0.2, 0.8], [1.0, 0.0]], "f")
    np.testing.assert_array_equal(P, [[0.2, 0.8], [1.0, 0.0]])
    V.check_proba_matrix([[0.5, 0.5 + 1e-7]], "f")  # within atol
    T = V.check_transition_matrix([[0.9, 0.1], [0.25, 0.75]])
    np.testing.assert_array_equal(T, [[0.9, 0.1], [0.25, 0.75]])
    V.check_transition_matrix([[1.0 + 1e-9, -1e-9], [0.0, 1.0]])  # within atol
    with pytest.raises(ValueError, match="row-stochastic"):
        V.check_transition_matrix([[1.0 - 1e-6, 0.0], [0.0, 1.0]])


def test_binary_labels_and_unit_vector_values():
    y = V.check_binary_labels(np.array([1, -1, 1], dtype=np.int8))
    assert y.dtype == np.float64 and y.tolist() == [1.0, -1.0, 1.0]
    assert V.check_binary_labels([1.0, 1.0]).tolist() == [1.0, 1.0]
    u = V.check_unit_vector([3.0, 4.0], "w", 2)
    np.testing.assert_allclose(u, [0.6, 0.8], rtol=0, atol=1e-15)


def test_as_generator_streams():
    g = np.random.default_rng(5)
    assert V.as_generator(g) is g
    a = V.as_generator(3).random(3)
    np.testing.assert_array_equal(a, np.random.default_rng(3).random(3))
    ss = np.random.SeedSequence(9)
    np.testing.assert_array_equal(V.as_generator(ss).random(2),
                                  np.random.default_rng(np.random.SeedSequence(9)).random(2))
    r1 = V.as_generator(np.random.RandomState(0)).random(2)
    r2 = V.as_generator(np.random.RandomState(0)).random(2)
    np.testing.assert_array_equal(r1, r2)
    assert not np.array_equal(V.as_generator(0).random(2), V.as_generator(1).random(2))
    assert isinstance(V.as_generator(None), np.random.Generator)
    assert V.as_generator(0).random() == np.random.default_rng(0).random()


def test_reject_complex_accepts_real():
    for ok in (1.0, [1, 2], np.ones(3), np.float32(2), "text"):
        assert V.reject_complex(ok, "x") is None


def test_a_check_that_accepts_everything_fails_this_module():
    """The failing case of this file: a refusal table run against a do-nothing check."""
    with pytest.raises(pytest.fail.Exception):
        with pytest.raises(TypeError, match=r"^X must be real"):
            (lambda a, name: np.asarray(a, dtype=complex).real)([1, 1j], "X")


# --------------------------------------------------------------------------- mutation survivors
def test_random_state_from_a_legacy_randomstate_is_pinned():
    want = np.random.default_rng(np.random.RandomState(4).randint(0, 2**31 - 1, size=4))
    assert V.as_generator(np.random.RandomState(4)).random(3).tolist() == want.random(3).tolist()


def test_binary_label_error_lists_the_first_five_values():
    with pytest.raises(ValueError, match=r"got values \[-3, -2, 0, 2, 3\]$"):
        V.check_binary_labels([-3, -2, 0, 2, 3, 4, 5])


def test_finite_check_applies_to_every_float_dtype():
    with pytest.raises(ValueError, match=r"^x contains NaN or inf$"):
        V.check_finite_array([np.nan], "x", dtype=np.float32)
    assert V.check_finite_array([3], "x", dtype=np.int64).tolist() == [3]


@pytest.mark.parametrize("check", [V.check_proba_matrix, V.check_transition_matrix])
def test_matrix_checks_refuse_1d_and_name_the_argument(check):
    with pytest.raises(ValueError, match=r"^P must be 2-dimensional"):
        check([0.5, 0.5], "P")


def test_proba_matrix_entry_and_sum_bounds_exactly():
    atol = 1e-6
    # an entry exactly at -atol or 1 + atol is inside; beyond it is outside
    V.check_proba_matrix([[-atol, 0.5, 0.5 + atol]], "f")
    V.check_proba_matrix([[1 + atol, -atol]], "f")
    with pytest.raises(ValueError, match=r"^f has entries outside \[0, 1\]$"):
        V.check_proba_matrix([[-0.1, 0.6, 0.5]], "f")  # only a negative entry
    with pytest.raises(ValueError, match=r"^f has entries outside \[0, 1\]$"):
        V.check_proba_matrix([[1.1, 0.0]], "f")  # only an entry above 1
    with pytest.raises(ValueError, match=r"^f has entries outside"):
        V.check_proba_matrix([[1 + 2 * atol, -atol, -atol]], "f")
    # row sums: deviation allowed up to atol * k + atol (0.75 with atol 0.25, k = 2)
    V.check_proba_matrix([[1.0, 0.75]], "f", atol=0.25)
    V.check_proba_matrix([[1.0, 0.5]], "f", atol=0.25)
    with pytest.raises(ValueError, match=r"row 0 sums to 1\.8"):
        V.check_proba_matrix([[1.05, 0.75]], "f", atol=0.25)


def test_transition_matrix_entry_and_sum_bounds_exactly():
    atol = 1e-8
    V.check_transition_matrix([[1 + atol, -atol], [-atol, 1 + atol]])
    with pytest.raises(ValueError, match=r"^T has entries outside \[0, 1\]$"):
        V.check_transition_matrix([[-1e-6, 0.5, 0.5 + 1e-6], [0, 1, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match=r"^T has entries outside"):
        V.check_transition_matrix([[1 + 2 * atol, -atol, -atol], [0, 1, 0], [0, 0, 1]])
    # row sums within atol * k + 1e-12 (2e-8 + 1e-12 for k = 2)
    V.check_transition_matrix([[1.0, 1.5e-8], [0.0, 1.0]])
    V.check_transition_matrix([[1.0, 2.0000000005e-8], [0.0, 1.0]])
    with pytest.raises(ValueError, match="row-stochastic"):
        V.check_transition_matrix([[1.0, 2.2e-8], [0.0, 1.0]])


def test_unit_vector_refuses_2d_and_names_the_argument():
    with pytest.raises(ValueError, match=r"^w_star must be 1-dimensional"):
        V.check_unit_vector([[1.0]], "w_star", 1)
    with pytest.raises(ValueError, match=r"^w_star contains NaN"):
        V.check_unit_vector([np.nan], "w_star", 1)


def test_proba_matrix_names_the_argument_on_nan():
    with pytest.raises(ValueError, match=r"^teacher_proba contains NaN or inf$"):
        V.check_proba_matrix([[np.nan, 1.0]], "teacher_proba")
