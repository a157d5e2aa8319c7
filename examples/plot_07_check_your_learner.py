"""
Checking your own learner against a claim
=========================================

:func:`slam_theory.experiments.check_claim` runs any scikit-learn style binary classifier
through a rate claim: the claim's instance family, its values of the parameter (here the target
disagreement ``eps``), its seeds and its threshold search, beside the control learners on the
same samples, and judges the measured exponent with :func:`slam_theory.stats.check_rate`
against the claim's floor and ceiling. The only requirement on the estimator: ``fit(X, y)``
with ``y`` in ``{-1, +1}`` sets ``coef_``, the normal of a halfspace through the origin.

The claims of this package live in ``experiments/*.toml`` and load with
:func:`slam_theory.runner.load_config`; here a small claim is written inline, as a dict, so the
page runs in a few seconds: "on the benign sphere instance, the samples needed to reach
disagreement ``eps`` grow like ``(1/eps)**a`` with ``1 <= a <= 2``".
"""

# %%
# A claim, small enough to run here
# ---------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from slam_theory import halfspaces, runner
from slam_theory.experiments import check_claim

claim = runner.config_from_dict({
    "name": "my_rate_eps",
    "description": "samples needed against 1/eps on the sphere, d = 10, gamma = 0.01, RCN 0.2",
    "trial": "experiments.rates:threshold_trial",
    "analysis": "experiments.rates_analysis:analysis",
    "root_seed": 0,
    "seed_by": ["family", "d", "gamma", "eta", "target"],
    "instance": {"family": "sphere"},
    "fixed": {"d": 10, "gamma": 0.01, "eta": 0.2, "n_min": 50, "n_max": 16000,
              "steps_per_octave": 2},
    "grid": {"learner": ["mean"], "target": [0.1, 0.07, 0.05, 0.035, 0.025]},
    "claims": [{"id": "eps_exponent", "statement": "n(eps) grows like (1/eps)^a, 1 <= a <= 2",
                "learner": "mean", "parameter": "target", "floor": 1, "ceiling": 2}],
    "presets": {"quick": {"seeds": 4}, "full": {"seeds": 20}},
})


# %%
# Your learner
# ------------
# A deliberately flawed one: the mean of ``y x`` over the first 300 rows only, whatever ``n``.
# Its error stops shrinking, so it never reaches the smaller targets, however many samples the
# search offers. Censored values are data: the ceiling law, extrapolated from the target it did
# reach, says they were reachable well inside the grid, so the claim fails for it.
class FirstRowsMean(ClassifierMixin, BaseEstimator):
    """The mean of ``y x`` over the first ``n_rows`` rows (a learner that plateaus)."""

    def __init__(self, n_rows: int = 300) -> None:
        self.n_rows = n_rows

    def fit(self, X, y):
        X, y = np.asarray(X)[: self.n_rows], np.asarray(y)[: self.n_rows]
        w = (y[:, None] * X).mean(axis=0)
        self.coef_ = (w / np.linalg.norm(w))[None, :]
        self.classes_ = np.array([-1, 1])
        return self


flawed = check_claim(FirstRowsMean(), claim, controls=())
print(flawed["verdict"], "|", flawed["rule"], "|", flawed["reason"])

# %%
# The full mean of ``y x``, with a control
# ----------------------------------------
# The mean of ``y x`` over all the rows keeps improving. But a verdict only counts on an
# instance where the *controls* fail, and on the sphere the trivial control (the very same
# mean) meets every target: the instance does not tell learners apart, so the claim is not
# counted, whatever the learner's own exponent. That is why the package's claims run on the
# ``eps_floor``, ``perceptron_gamma`` and ``long_servedio`` families
# (:func:`slam_theory.data.make_instance`).
full = check_claim(halfspaces.MeanHalfspace(), claim, controls=("mean",))
print(full["verdict"], "|", full["rule"], "|", full["reason"])
print("counted:", full["counted"])
assert (flawed["verdict"], flawed["rule"]) == ("inconsistent", "censored_reachable")
assert flawed["counted"] and not full["counted"]
assert not any(full["threshold_censored"]) and sum(flawed["threshold_censored"]) >= 3

# %%
# The thresholds
# --------------
# The success threshold per ``1/eps`` (censored ones at the largest ``n`` tried, as open
# triangles), with the floor and ceiling laws through the first point for scale.
x = np.array(full["x"])
fig, ax = plt.subplots(figsize=(5.5, 3.8), constrained_layout=True)
for name, table, color in (("FirstRowsMean", flawed, "C3"), ("MeanHalfspace", full, "C0")):
    thr, cen = np.array(table["thresholds"]), np.array(table["threshold_censored"])
    ax.plot(x[~cen], thr[~cen], "o-", color=color, label=name)
    if cen.any():
        ax.plot(x[cen], thr[cen], "^", mfc="none", color=color, label=f"{name}, censored")
for power, style in ((1, ":"), (2, "--")):
    ax.plot(x, full["thresholds"][0] * (x / x[0]) ** power, style, color="grey",
            label=f"slope {power}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("1/eps")
ax.set_ylabel("n at which half the seeds succeed")
ax.legend(fontsize="small")
plt.show()
