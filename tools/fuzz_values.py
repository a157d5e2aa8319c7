"""Bad values for the fuzzing campaign (``tools/fuzz.py``), by the kind of argument they break.

Each kind maps to ``(label, value)`` pairs that the argument's contract refuses: a probability
outside its interval, a size that is not a positive integer, an array with a NaN, the wrong
shape, dtype or length. Array values are built from a seeded generator, so a campaign is the same
on every run with the same seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NAN = float("nan")
INF = float("inf")

# scalar kinds: values every such argument must refuse
_NOT_NUMBER = [("string", "0.1"), ("complex", complex(0.1, 0.0)), ("list", [0.1]),
               ("object", object())]
SCALARS: dict[str, list[tuple[str, Any]]] = {
    # a count or a size (n, d, max_iter, epochs, ...): a positive integer
    "size": [("zero", 0), ("negative", -3), ("fraction", 2.5), ("nan", NAN), ("inf", INF),
             ("bool", True), ("string", "10"), ("complex", complex(3, 0)), ("list", [10]),
             ("float_int", 10.0 + 1e-9)],
    # eta: a noise rate in [0, 1/2)
    "eta": [("negative", -0.1), ("half", 0.5), ("above", 0.7), ("nan", NAN), ("inf", INF),
            ("bool", True), *_NOT_NUMBER],
    # gamma: a margin in (0, 1]
    "gamma": [("zero", 0.0), ("negative", -0.1), ("above_one", 1.5), ("nan", NAN),
              ("inf", INF), *_NOT_NUMBER],
    # epsilon, accuracy targets, fractions: in (0, 1)
    "unit_open": [("zero", 0.0), ("negative", -0.1), ("one", 1.0), ("above", 1.5),
                  ("nan", NAN), ("inf", INF), *_NOT_NUMBER],
    # probability in [0, 1]
    "prob": [("negative", -0.1), ("above", 1.1), ("nan", NAN), ("inf", INF), *_NOT_NUMBER],
    # a rate of class-conditional noise: in [0, 1) (the pair must sum below 1)
    "rho": [("negative", -0.1), ("one", 1.0), ("above", 1.5), ("nan", NAN), ("inf", INF),
            ("bool", True), *_NOT_NUMBER],
    # a fraction in (0, 1] (success fractions)
    "unit_left_open": [("zero", 0.0), ("negative", -0.1), ("above", 1.5), ("nan", NAN),
                       ("inf", INF), *_NOT_NUMBER],
    # a non-negative real (tolerances, penalties)
    "nonneg": [("negative", -1.0), ("nan", NAN), ("inf", INF), *_NOT_NUMBER],
    # an argument of a closed-form bound (vectorised: arrays and real T, d are fine)
    "bound": [("negative", -1.0), ("nan", NAN), ("string", "0.1"), ("complex", complex(0.1, 0)),
              ("object", object()), ("strings", ["0.1"])],
    # a strictly positive real (scale, step, temperature, C, tol, radius)
    "positive": [("zero", 0.0), ("negative", -1.0), ("nan", NAN), ("inf", INF),
                 *_NOT_NUMBER],
    # a real that only has to be finite
    "finite": [("nan", NAN), ("inf", INF), *_NOT_NUMBER],
    # a random_state
    "seed": [("string", "abc"), ("negative", -1), ("fraction", 1.5), ("nan", NAN),
             ("list_float", [1.5]), ("object", object())],
    # a name from a fixed set
    "choice": [("unknown", "no_such_name"), ("empty", ""), ("int", 3), ("none", None),
               ("list", ["a"])],
    # a flag
    "flag": [("string", "yes"), ("int2", 2), ("nan", NAN), ("none_str", "None")],
}


def arrays(kind: str, valid: np.ndarray, rng: np.random.Generator) -> list[tuple[str, Any]]:
    """Bad variants of the valid array ``valid`` for an argument of ``kind``.

    Kinds: ``X`` (finite 2-D features), ``y_pm`` (labels in {-1, +1}), ``y_cls`` (class labels
    0..K-1), ``w`` (a finite vector of length d), ``w_star`` (also non-zero), ``T`` (a
    row-stochastic square matrix), ``proba`` (rows of probabilities summing to one),
    ``positive_vec`` (a 1-D array of positive values), ``vec`` (a finite 1-D array).
    """
    v = np.asarray(valid)
    out: list[tuple[str, Any]] = []
    flat = v.astype(float).ravel() if v.dtype != object else None
    i = int(rng.integers(v.size)) if v.size else 0

    def cell(value: float) -> np.ndarray:
        a = v.astype(float).copy()
        a.flat[i] = value
        return a

    out += [("nan_cell", cell(NAN)), ("inf_cell", cell(INF)),
            ("complex", v.astype(complex) + 1j), ("strings", v.astype(str)),
            ("object", np.array([object()] * max(v.size, 1), dtype=object)),
            ("none", None), ("scalar", 0.5)]
    if v.ndim == 2:
        out += [("empty", np.empty((0, v.shape[1]))), ("one_d", v[:, 0].copy()),
                ("three_d", v[:, :, None].copy()), ("no_columns", np.empty((v.shape[0], 0)))]
        if kind in ("X", "proba"):
            out += [("fewer_rows", v[:-1].copy())]
    else:
        out += [("empty", np.empty(0)), ("two_d", np.stack([v, v])), ("shorter", v[:-1].copy())]
    if kind == "y_pm":
        out += [("zero_label", np.where(np.arange(v.size) == i, 0, v)),
                ("two_label", np.where(np.arange(v.size) == i, 2, v)),
                ("half_label", np.where(np.arange(v.size) == i, 0.5, v)),
                ("bool_labels", v > 0)]
    elif kind == "y_bin":  # estimators: any two labels (scikit-learn), so only a third class
        out += [("third_class", np.where(np.arange(v.size) == i, 7, v)),
                ("half_label", np.where(np.arange(v.size) == i, 0.5, v))]
        out = [o for o in out if o[0] != "strings"]  # string class labels are valid
    elif kind == "y_cls":
        k = int(v.max()) + 1
        out += [("out_of_range", np.where(np.arange(v.size) == i, k + 5, v)),
                ("negative_label", np.where(np.arange(v.size) == i, -7, v)),
                ("fraction_label", np.where(np.arange(v.size) == i, 0.5, v))]
    elif kind == "w_star":
        out += [("zero_vector", np.zeros_like(v, dtype=float)), ("longer", np.append(v, 0.1))]
    elif kind == "w":
        out += [("longer", np.append(v, 0.1))]
    elif kind in ("T", "T2"):
        bad = v.astype(float).copy()
        bad[0, 0] += 0.3
        neg = v.astype(float).copy()
        neg[0, 0], neg[0, 1] = -0.2, 1.2
        out += [("not_stochastic", bad), ("negative_entry", neg),
                ("not_square", v[:1].copy())]
        if kind == "T2":
            out.append(("bigger", np.eye(v.shape[0] + 1)))
    elif kind == "proba":
        bad = v.astype(float).copy()
        bad[i % v.shape[0]] *= 3.0
        neg = v.astype(float).copy()
        neg[i % v.shape[0], 0] = -0.5
        out += [("not_normalised", bad), ("negative_entry", neg)]
    elif kind == "positive_vec":
        out += [("negative_entry", cell(-1.0)), ("zero_entry", cell(0.0))]
    del flat
    return out


#: Labels whose badness is a length that does not match another argument's.
LENGTH_LABELS = ("fewer_rows", "shorter", "longer")
