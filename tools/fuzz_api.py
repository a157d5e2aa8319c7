"""The public entry points the fuzzing campaign (``tools/fuzz.py``) feeds bad inputs to.

A :class:`Target` is one call with a valid set of arguments and the kind of each argument
(:mod:`fuzz_values`). :func:`api_cases` swaps one argument at a time for each bad value of its
kind; the valid call itself is checked first (a campaign whose controls fail is void).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from fuzz_values import LENGTH_LABELS, SCALARS, arrays
from sklearn.base import clone

from slam_theory import bounds, convergence, data, distill, halfspaces, losses, noise, stats

#: Argument name -> kind, for arguments fuzzed by name (constructor parameters above all).
NAME_KIND = {
    **dict.fromkeys(["n", "d", "n_classes", "max_iter", "max_steps", "epochs", "hidden",
                     "batch_size", "n_iter", "n_boot", "min_points", "window", "batch", "num",
                     "n_bins", "k_bins"], "size"),
    **dict.fromkeys(["eta", "eta_max"], "eta"),
    "gamma": "gamma",
    **dict.fromkeys(["epsilon", "eps", "delta", "confidence", "success", "beta"], "unit_open"),
    **dict.fromkeys(["accuracy", "coverage", "control_mass", "alpha", "validation_size",
                     "ups_tau"], "prob"),
    **dict.fromkeys(["scale", "step_size", "step", "C", "tol", "lr", "temperature", "radius",
                     "validation_constant", "hard_factor", "spread", "separation",
                     "smoothness", "variance", "gap0", "constant", "max_width", "slope_tol",
                     "margin", "control_margin", "labeled_weight", "mu"], "positive"),
    **dict.fromkeys(["shuffle", "average", "normalize", "return_correct", "include_zero"],
                    "flag"),
    "random_state": "seed",
    **dict.fromkeys(["design", "marginal", "schedule", "loss", "target", "mixing", "student",
                     "model", "optimizer", "method", "family", "learner", "name"], "choice"),
    **dict.fromkeys(["floor", "ceiling"], "finite"),
}


@dataclasses.dataclass
class Target:
    """One public call: ``call(**valid)`` must succeed; ``kinds`` says what to break."""

    name: str
    call: Callable[..., Any]
    valid: dict[str, Any]
    kinds: dict[str, str]
    #: ``{arg: labels}`` that the documented contract accepts (each with its reason).
    skip: dict[str, set[str]] = dataclasses.field(default_factory=dict)


#: Arguments whose documented default is None (so None is not a bad value).
NONE_OK = {"w_star", "direction", "teacher", "k", "record", "control_margin", "choice"}


@dataclasses.dataclass
class Case:
    """One bad input: ``target`` with ``arg`` set to the bad value ``label``."""

    target: str
    arg: str
    label: str
    kind: str


def _data(rng: np.random.Generator) -> dict[str, Any]:
    X = rng.standard_normal((40, 3))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    w_star = np.array([1.0, 0.0, 0.0])
    y = np.where(X @ w_star >= 0, 1, -1)
    Xm = rng.standard_normal((90, 4))
    ym = np.arange(90) % 3
    Xm[np.arange(90), ym] += 2.0
    P = np.full((90, 3), 0.15)
    P[np.arange(90), ym] = 0.7
    return {"X": X, "y": y, "w": np.array([0.6, 0.8, 0.0]), "w_star": w_star, "Xm": Xm,
            "ym": ym, "P": P, "T2": np.array([[0.8, 0.2], [0.2, 0.8]]),
            "T3": np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])}


def _kinds_by_name(valid: dict[str, Any]) -> dict[str, str]:
    return {k: NAME_KIND[k] for k in valid if k in NAME_KIND}


def _learner_targets(D: dict[str, Any]) -> list[Target]:
    out = []
    for name in halfspaces.LEARNER_NAMES:
        base = halfspaces.make_learner(name, eta=0.1, gamma=0.2, epsilon=0.2, random_state=0)
        params = base.get_params()

        def call(X: Any, y: Any, Xp: Any, _base: Any = base, **kw: Any) -> Any:
            return clone(_base).set_params(**kw).fit(X, y).predict(Xp)

        valid = {"X": D["X"], "y": D["y"], "Xp": D["X"], **params}
        kinds = {"X": "arr:X", "y": "arr:y_bin", "Xp": "arr:Xp", **_kinds_by_name(params)}
        if "T" in params:  # forward/backward: a matrix T instead of eta
            valid.update(T=D["T2"], eta=None)
            kinds["T"] = "arr:T2"
            kinds.pop("eta", None)
        if "rho_pos" in params:
            kinds.update(rho_pos="rho", rho_neg="rho")
        out.append(Target(f"halfspaces.{name}.fit_predict", call, valid, kinds))
    def make_fit(X: Any, y: Any, **kw: Any) -> Any:  # scikit-learn checks params at fit
        return halfspaces.make_learner(**kw).fit(X, y)

    out.append(Target("halfspaces.make_learner.fit", make_fit,
                      {"X": D["X"], "y": D["y"], "name": "slam", "eta": 0.1, "gamma": 0.2,
                       "epsilon": 0.1, "random_state": 0},
                      {"name": "choice", "eta": "eta", "gamma": "gamma",
                       "epsilon": "unit_open", "random_state": "seed"}))
    out.append(Target("halfspaces.leaky_relu_iterations", halfspaces.leaky_relu_iterations,
                      {"eta": 0.1, "gamma": 0.2, "epsilon": 0.1},
                      {"eta": "eta", "gamma": "gamma", "epsilon": "unit_open"}))
    out.append(Target("halfspaces.leaky_relu_validation_size",
                      halfspaces.leaky_relu_validation_size,
                      {"n_steps": 100, "epsilon": 0.1, "delta": 0.1, "constant": 1.0},
                      {"n_steps": "size", "epsilon": "unit_open", "delta": "unit_open",
                       "constant": "positive"}, {"n_steps": {"zero"}}))  # T = 0: only w_0
    return out


def _data_targets(D: dict[str, Any]) -> list[Target]:
    out = []
    fam_params = {"sphere": {}, "long_servedio": {}, "eps_floor": {"epsilon": 0.05},
                  "perceptron_gamma": {}}
    for fam, extra in fam_params.items():
        cls = data.instance_class(fam)
        sig = {p.name: p.default for p in inspect.signature(cls).parameters.values()
               if p.default is not inspect.Parameter.empty and p.default is not None}
        sig.update(d=80 if fam == "perceptron_gamma" else 6, gamma=0.1, random_state=0,
                   **extra)
        if fam == "sphere":
            sig.pop("marginal", None)

        def call(family: str = fam, n: int = 50, w: Any = None, **kw: Any) -> Any:
            gen = data.make_instance(family, **kw)
            X, y = gen.sample(n)
            return X, y, gen.disagreement(w), gen.angle(w)

        valid = {"family": fam, "n": 50, "w": np.ones(sig["d"]) / np.sqrt(sig["d"]), **sig}
        kinds = {"family": "choice", "n": "size", "w": "arr:w", **_kinds_by_name(sig)}
        out.append(Target(f"data.make_instance[{fam}].sample", call, valid, kinds))

    def stream(n: int, batch: int) -> Any:
        return [len(b[1]) for b in data.make_instance("sphere", d=4, gamma=0.1,
                                                      random_state=0).stream(n, batch)]

    out.append(Target("data.stream", stream, {"n": 30, "batch": 8},
                      {"n": "size", "batch": "size"}, {"n": {"huge"}}))  # streams are for huge n
    for cls, valid in [
        (data.GaussianHalfspace, {"d": 3, "gamma": 0.1, "w_star": D["w_star"]}),
        (data.MarginHalfspace, {"d": 3, "gamma": 0.1, "marginal": "sphere",
                                "w_star": D["w_star"]}),
        (data.HypercubeHalfspace, {"d": 3, "w_star": D["w_star"]}),
        (data.GaussianMixture, {"n_classes": 3, "d": 3, "separation": 3.0}),
    ]:
        def call(n: int = 50, _cls: Any = cls, **kw: Any) -> Any:
            return _cls(**kw, random_state=0).sample(n)

        kinds = {"n": "size", **_kinds_by_name(valid)}
        if "w_star" in valid:
            kinds["w_star"] = "arr:w_star"
        skip = {"gamma": {"zero"}} if cls is data.GaussianHalfspace else {}  # default 0.0
        out.append(Target(f"data.{cls.__name__}.sample", call, {"n": 50, **valid}, kinds,
                          skip))
    out.append(Target("data.simulate_teacher", data.simulate_teacher,
                      {"y": D["ym"], "n_classes": 3, "accuracy": 0.8, "k": 1,
                       "temperature": 1.0, "random_state": 0},
                      {"y": "arr:y_cls", "n_classes": "size", "accuracy": "prob",
                       "k": "size", "temperature": "positive", "random_state": "seed"}))
    return out


def _noise_targets(D: dict[str, Any]) -> list[Target]:
    return [
        Target("noise.RCN.corrupt", lambda eta, y, random_state: noise.RCN(eta).corrupt(
            y, random_state=random_state), {"eta": 0.2, "y": D["y"], "random_state": 0},
            {"eta": "eta", "y": "arr:y_pm", "random_state": "seed"}),
        Target("noise.ClassConditional.corrupt",
               lambda rho_pos, rho_neg, y: noise.ClassConditional(rho_pos, rho_neg).corrupt(
                   y, random_state=0), {"rho_pos": 0.1, "rho_neg": 0.2, "y": D["y"]},
               {"rho_pos": "rho", "rho_neg": "rho", "y": "arr:y_pm"}),
        Target("noise.Massart.corrupt",
               lambda eta_max, direction, X, y: noise.Massart(eta_max, direction=direction)
               .corrupt(X, y, random_state=0),
               {"eta_max": 0.2, "direction": D["w"], "X": D["X"], "y": D["y"]},
               {"eta_max": "eta", "direction": "arr:w_star", "X": "arr:X", "y": "arr:y_pm"}),
        Target("noise.TransitionNoise.corrupt",
               lambda T, y: noise.TransitionNoise(T).corrupt(y, random_state=0),
               {"T": D["T3"], "y": D["ym"]}, {"T": "arr:T", "y": "arr:y_cls"}),
        # k classes: eta may reach (k - 1)/k, so only a rate outside [0, 1] is bad for sure
        Target("noise.pair_flip_matrix", noise.pair_flip_matrix, {"k": 3, "eta": 0.2},
               {"k": "size", "eta": "prob"}),
        Target("noise.symmetric_matrix", noise.symmetric_matrix, {"k": 3, "eta": 0.2},
               {"k": "size", "eta": "prob"}),
        Target("noise.to_cleanlab_noise_matrix", noise.to_cleanlab_noise_matrix,
               {"T": D["T3"]}, {"T": "arr:T"}),
        Target("noise.from_cleanlab_noise_matrix", noise.from_cleanlab_noise_matrix,
               {"M": D["T3"].T.copy()}, {"M": "arr:T"}),
    ]


def _loss_targets(D: dict[str, Any]) -> list[Target]:
    wxy = {"w": D["w"], "X": D["X"], "y": D["y"]}
    k = {"w": "arr:w", "X": "arr:X", "y": "arr:y_pm"}
    return [
        Target("losses.logistic_loss", losses.logistic_loss, wxy, k),
        Target("losses.leaky_relu_loss", losses.leaky_relu_loss, {**wxy, "eta": 0.1},
               {**k, "eta": "eta"}),
        Target("losses.forward_loss", losses.forward_loss, {**wxy, "T": D["T2"]},
               {**k, "T": "arr:T2"}),
        Target("losses.backward_loss", losses.backward_loss, {**wxy, "T": D["T2"]},
               {**k, "T": "arr:T2"}),
        Target("losses.slam_binary_loss", losses.slam_binary_loss, {**wxy, "alpha": 0.8},
               {**k, "alpha": "prob"}),
        Target("losses.unbiased_loss", losses.unbiased_loss,
               {**wxy, "rho_pos": 0.1, "rho_neg": 0.2},
               {**k, "rho_pos": "rho", "rho_neg": "rho"}),
        Target("losses.symmetric_transition_matrix", losses.symmetric_transition_matrix,
               {"eta": 0.2}, {"eta": "eta"}),
    ]


def _distill_targets(D: dict[str, Any]) -> list[Target]:
    P, ym, Xm = D["P"], D["ym"], D["Xm"]
    Pk = {"teacher_proba_val": "arr:proba", "y_val": "arr:y_cls"}
    Pv = {"teacher_proba_val": P, "y_val": ym}

    def classifier(X: Any, y: Any, Xp: Any, **kw: Any) -> Any:
        return distill.SLaMClassifier(**kw).fit(X, y).predict(Xp)

    def student(X: Any, teacher_proba: Any, teacher_proba_val: Any, y_val: Any, Xp: Any,
                **kw: Any) -> Any:
        s = distill.SLaMStudent(**kw).fit(X, teacher_proba=teacher_proba,
                                          teacher_proba_val=teacher_proba_val, y_val=y_val)
        return s.predict(Xp)

    y_semi = ym.copy()
    y_semi[30:] = -1
    cparams = {"epochs": 2, "hidden": 8, "lr": 0.01, "batch_size": 16, "coverage": 0.9,
               "validation_size": 0.2, "labeled_weight": 1.0, "random_state": 0,
               "student": "logistic", "loss": "slam", "target": "hard", "mixing": "topk"}
    sparams = {k: v for k, v in cparams.items() if k not in ("student", "validation_size")}
    sparams.update(model="logistic", optimizer="adam")
    return [
        Target("distill.estimate_alpha", distill.estimate_alpha, dict(Pv), dict(Pk)),
        Target("distill.estimate_k", distill.estimate_k, {**Pv, "coverage": 0.9},
               {**Pk, "coverage": "prob"}),
        Target("distill.estimate_transition_matrix", distill.estimate_transition_matrix,
               {**Pv, "smoothing": 1.0}, {**Pk, "smoothing": "finite"}),
        Target("distill.mix", distill.mix, {"f": P, "alpha": 0.8, "k": 2, "teacher": P},
               {"f": "arr:proba", "alpha": "prob", "k": "size", "teacher": "arr:proba"}),
        Target("distill.mix_topk", distill.mix_topk, {"f": P, "alpha": 0.8, "teacher": P,
                                                      "k": 2},
               {"f": "arr:proba", "alpha": "prob", "teacher": "arr:proba", "k": "size"}),
        Target("distill.slam_loss", distill.slam_loss,
               {"logits": np.log(P), "teacher_proba": P, "alpha": 0.8, "k": 2,
                "target": "soft", "mixing": "topk"},
               {"logits": "arr:X", "teacher_proba": "arr:proba", "alpha": "prob", "k": "size",
                "target": "choice", "mixing": "choice"}),
        Target("distill.teacher_margin", distill.teacher_margin, {"proba": P},
               {"proba": "arr:proba"}),
        Target("distill.topk_mask", distill.topk_mask, {"proba": P, "k": 2},
               {"proba": "arr:proba", "k": "size"}),
        Target("distill.encode_labels", distill.encode_labels, {"y": ym, "classes": [0, 1, 2]},
               {"y": "arr:y_cls"}, {"y": {"empty"}}),  # no labels encode to no codes
        Target("distill.SLaMClassifier.fit_predict", classifier,
               {"X": Xm, "y": y_semi, "Xp": Xm, **cparams},
               {"X": "arr:X", "Xp": "arr:Xp", **_kinds_by_name(cparams)}),
        Target("distill.SLaMStudent.fit_predict", student,
               {"X": Xm, "teacher_proba": P, "teacher_proba_val": P, "y_val": ym, "Xp": Xm,
                **sparams},
               {"X": "arr:X", "teacher_proba": "arr:proba", **Pk, "Xp": "arr:Xp",
                **_kinds_by_name(sparams)}),
    ]


def _convergence_targets(D: dict[str, Any]) -> list[Target]:
    X, y = D["X"], D["y"]
    xy = {"X": "arr:X", "y": "arr:y_pm"}
    return [
        Target("convergence.projected_sgd", convergence.projected_sgd,
               {"X": X, "y": y, "eta": 0.1, "n_iter": 50, "radius": 1.0, "random_state": 0},
               {**xy, "eta": "eta", "n_iter": "size", "radius": "positive",
                "random_state": "seed"}),
        Target("convergence.ball_minimum", convergence.ball_minimum,
               {"X": X, "y": y, "eta": 0.1, "radius": 1.0}, {**xy, "eta": "eta",
                                                            "radius": "positive"}),
        Target("convergence.reference_minimum", convergence.reference_minimum,
               {"X_eval": X, "y_eval": y, "eta": 0.1, "w_star": D["w_star"]},
               {"X_eval": "arr:X", "y_eval": "arr:y_pm", "eta": "eta", "w_star": "arr:w_star"}),
        Target("convergence.forward_gd_trajectory", convergence.forward_gd_trajectory,
               {"X": X, "y": y, "eta": 0.1, "n_iter": 20, "step": 1.0, "record": 5},
               {**xy, "eta": "eta", "n_iter": "size", "step": "positive", "record": "size"},
               {"record": {"list"}}),  # record may list the iterations
        Target("convergence.leaky_relu_trajectory", convergence.leaky_relu_trajectory,
               {"X": X, "y": y, "eta": 0.1, "n_iter": 20, "record": 5, "w_star": D["w_star"]},
               {**xy, "eta": "eta", "n_iter": "size", "record": "size",
                "w_star": "arr:w_star"}, {"record": {"list"}}),
        Target("convergence.trajectory", convergence.trajectory,
               {"learner": "leaky_relu", "X": X, "y": y, "eta": 0.1, "n_iter": 20},
               {"learner": "choice", **xy, "eta": "eta", "n_iter": "size"}),
        Target("convergence.gradient_mapping", convergence.gradient_mapping,
               {"w": D["w"] * 0.5, "X": X, "y": y, "eta": 0.1, "radius": 1.0},
               {"w": "arr:w", **xy, "eta": "eta", "radius": "positive"}),
        Target("convergence.forward_objective", convergence.forward_objective,
               {"w": D["w"], "X": X, "y": y, "eta": 0.1},
               {"w": "arr:w", **xy, "eta": "eta"}),
        Target("convergence.project_ball", convergence.project_ball,
               {"w": D["w"] * 2, "radius": 1.0}, {"w": "arr:w", "radius": "positive"}),
        Target("convergence.convexity_radius", convergence.convexity_radius, {"eta": 0.1},
               {"eta": "eta"}),
        Target("convergence.lipschitz_constant", convergence.lipschitz_constant,
               {"eta": 0.1, "radius": 1.0}, {"eta": "eta", "radius": "positive"}),
        Target("convergence.smoothness_constant", convergence.smoothness_constant,
               {"eta": 0.1, "radius": 1.0}, {"eta": "eta", "radius": "positive"}),
        Target("convergence.log_spaced", convergence.log_spaced, {"n_iter": 100, "num": 10},
               {"n_iter": "size", "num": "size"}),
    ]


def _bounds_targets() -> list[Target]:
    out = []
    valid_by_name = {"T": 100, "gamma": 0.1, "eta": 0.1, "eps": 0.05, "d": 10, "delta": 0.1,
                     "beta": 0.01, "constant": 128.0, "radius": 1.0, "smoothness": 1.0,
                     "variance": 1.0, "gap0": 1.0}
    kind = dict.fromkeys(valid_by_name, "bound")
    for fname in ["ddkwz23_e1", "ddkwz23_gap_bound", "ddkwz23_iterations",
                  "ddkwz23_sample_complexity", "dgt19_sample_complexity",
                  "information_theoretic", "jl_dimension", "perceptron_mistakes",
                  "sgd_stationarity", "slam_sample_complexity", "sq_lower_bound"]:
        fn = getattr(bounds, fname)
        names = list(inspect.signature(fn).parameters)
        out.append(Target(f"bounds.{fname}", fn, {k: valid_by_name[k] for k in names},
                          {k: kind[k] for k in names}))
    return out


def _stats_targets(rng: np.random.Generator) -> list[Target]:
    x = 2.0 ** np.arange(6)
    n = 50 * x[:, None] ** 2 * np.exp(rng.normal(0, 0.3, (6, 8)))
    cen = np.zeros(n.shape, dtype=bool)
    v = rng.normal(5.0, 1.0, 50)
    ys = 3.0 * x**2
    return [
        Target("stats.check_rate", stats.check_rate,
               {"x": x, "n_needed": n, "censored": cen, "floor": 1.0, "ceiling": 2.0,
                "success": 0.5, "confidence": 0.9, "n_boot": 99, "random_state": 0,
                "min_points": 3, "window": 3, "max_width": 1.0, "slope_tol": 0.5},
               {"x": "arr:positive_vec", "n_needed": "arr:X", "floor": "finite",
                "ceiling": "finite", "success": "unit_left_open", "confidence": "unit_open",
                "n_boot": "size", "random_state": "seed", "min_points": "size",
                "window": "size", "max_width": "positive", "slope_tol": "nonneg"}),
        Target("stats.fit_power_law", stats.fit_power_law, {"x": x, "y": ys},
               {"x": "arr:positive_vec", "y": "arr:positive_vec"}),
        Target("stats.local_slopes", stats.local_slopes, {"x": x, "y": ys, "window": 3},
               {"x": "arr:positive_vec", "y": "arr:positive_vec", "window": "size"}),
        Target("stats.slope_ci", stats.slope_ci, {"x": x, "y": ys * (1 + 0.01 * x),
                                                  "n_boot": 99, "confidence": 0.9},
               {"x": "arr:positive_vec", "y": "arr:positive_vec", "n_boot": "size",
                "confidence": "unit_open"}),
        Target("stats.bootstrap_ci", stats.bootstrap_ci,
               {"values": v, "confidence": 0.9, "random_state": 0, "n_boot": 99},
               {"values": "arr:vec", "confidence": "unit_open", "random_state": "seed",
                "n_boot": "size"}),
        Target("stats.percentile_interval", stats.percentile_interval,
               {"samples": v, "confidence": 0.9},
               {"samples": "arr:vec", "confidence": "unit_open"},
               # documented: non-finite replicates are left out, the samples are raveled,
               # and no finite replicate gives NaN
               {"samples": {"nan_cell", "inf_cell", "empty", "two_d", "scalar"}}),
        Target("stats.success_threshold", stats.success_threshold,
               {"n_needed": n, "censored": cen, "success": 0.5},
               {"n_needed": "arr:X", "success": "unit_left_open"}),
        Target("stats.threshold_n", stats.threshold_n,
               {"ns": [10, 20, 40, 80], "errors": [[0.5, 0.2, 0.1, 0.05]] * 3, "target": 0.1},
               {"ns": "arr:positive_vec", "errors": "arr:X", "target": "finite"},
               {"errors": {"inf_cell"}}),  # documented: inf errors allowed, any finite target
    ]


def targets(seed: int) -> list[Target]:
    """Every fuzzed public call, with valid arguments drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    D = _data(rng)
    return (_data_targets(D) + _noise_targets(D) + _loss_targets(D) + _learner_targets(D)
            + _distill_targets(D) + _convergence_targets(D) + _bounds_targets()
            + _stats_targets(rng))


def bad_values(target: Target, arg: str, seed: int) -> list[tuple[str, Any]]:
    """The bad values for ``arg`` of ``target`` (a fresh, seeded list on every call)."""
    kind = target.kinds[arg]
    skip = set(target.skip.get(arg, ()))
    if arg in NONE_OK:
        skip.add("none")
    if kind.startswith("arr:"):
        rng = np.random.default_rng([seed, len(target.name), len(arg)])
        sub = kind[4:]
        vals = arrays("X" if sub == "Xp" else sub, np.asarray(target.valid[arg]), rng)
        if sub == "Xp":
            skip.add("fewer_rows")
            vals.append(("extra_column", np.hstack([target.valid[arg],
                                                   target.valid[arg][:, :1]])))
        if not _paired(target, arg):
            skip.update(LENGTH_LABELS)
        return [v for v in vals if v[0] not in skip]
    vals = list(SCALARS[kind])
    if kind == "size" and arg in ("n", "d", "n_classes"):
        vals.append(("huge", 10**13))  # memory: a size nothing can hold
    return [v for v in vals if v[0] not in skip]


def _paired(target: Target, arg: str) -> bool:
    """Whether ``arg``'s length must match another argument (so a shorter one is bad)."""
    a = np.asarray(target.valid[arg])
    if a.ndim == 0:
        return False
    n = a.shape[0]
    for k, v in target.valid.items():
        if k == arg or not target.kinds.get(k, "").startswith("arr:"):
            if k == "d" and v == n:
                return True
            continue
        b = np.asarray(v)
        if b.ndim >= 1 and (b.shape[0] == n or (b.ndim == 2 and b.shape[1] == n)):
            return True
    return False


def api_cases(seed: int) -> tuple[list[Target], list[Case]]:
    """All targets and the cases built on them, in a fixed order."""
    ts = targets(seed)
    cases = [Case(t.name, arg, label, t.kinds[arg])
             for t in ts for arg in t.kinds for label, _ in bad_values(t, arg, seed)]
    return ts, cases
