"""
How a claim verdict is computed, and how it fails
=================================================

A rate claim says "the number of samples ``n`` a learner needs to reach its target grows like
``x**a`` with ``floor <= a <= ceiling``", where ``x`` is ``1/eps`` or ``1/gamma``. The
experiments measure, for every value of ``x`` and every seed, the smallest ``n`` at which the
learner reached the target (or the largest ``n`` tried, *censored*, when it never did), and
:func:`slam_theory.stats.check_rate` turns that table into a two-sided verdict:
``"consistent"``, ``"inconsistent"`` or ``"inconclusive"``, with the rule that decided
(:data:`slam_theory.stats.RATE_RULES`).

Here the table is made up, from known laws, so the right verdict is known in advance: a law
inside the bounds passes; a law above the ceiling fails; a learner that plateaus (never reaches
the target beyond some ``x`` although the ceiling law says it should have) fails too; and
too few seeds leave the question open.
"""

# %%
# The steps, on a law inside the bounds
# -------------------------------------
# ``n_needed[i, s]`` for value ``x[i]`` and seed ``s``: here ``40 x**1.5`` times a log-normal
# seed-to-seed spread. The verdict uses the claim's bounds ``[1, 2]``.
import matplotlib.pyplot as plt
import numpy as np

from slam_theory import stats

FLOOR, CEILING = 1.0, 2.0
x = 2.0 ** np.arange(1, 8)  # 2 ... 128
rng = np.random.default_rng(0)
spread = np.exp(rng.normal(0.0, 0.3, size=(len(x), 12)))
n_clean = 40 * x[:, None] ** 1.5 * spread
uncensored = np.zeros(n_clean.shape, dtype=bool)

# 1. per x, the success threshold: the n by which half of the seeds reached the target
thresholds, threshold_censored = stats.success_threshold(n_clean, uncensored, success=0.5)
# 2. a least-squares line in log-log coordinates, and local slopes over windows of 3 values
fit = stats.fit_power_law(x, thresholds)
print(f"fitted exponent {fit.exponent:.3f}; local slopes",
      np.round(stats.local_slopes(x, thresholds, window=3), 2))
# 3. all of it together, with a bootstrap interval that resamples seeds within each x
clean = stats.check_rate(x, n_clean, uncensored, floor=FLOOR, ceiling=CEILING)
print(clean.verdict, "|", clean.rule, "|", clean.reason)
print("interval", np.round(clean.ci, 3))

# %%
# A law above the ceiling
# -----------------------
# ``n ~ x**3``: the interval lies wholly above 2, and so does the local slope at the largest
# ``x``.
n_steep = 40 * x[:, None] ** 3 * spread
steep = stats.check_rate(x, n_steep, uncensored, floor=FLOOR, ceiling=CEILING)
print(steep.verdict, "|", steep.rule, "|", steep.reason)

# %%
# A plateau: censored values are data
# -----------------------------------
# The same clean law up to ``x = 16``; beyond it no seed reaches the target by ``n_max = 1e6``,
# the largest ``n`` tried. Dropping those values would leave a perfect fit on the first four;
# the verdict instead asks what the *ceiling* law predicts there, from the thresholds at
# smaller ``x``, and fails the claim if that prediction is well inside ``n_max``.
n_plateau = n_clean.copy()
censored = np.zeros(n_clean.shape, dtype=bool)
censored[4:] = True
n_plateau[4:] = 1e6
plateau = stats.check_rate(x, n_plateau, censored, floor=FLOOR, ceiling=CEILING)
print(plateau.verdict, "|", plateau.rule, "|", plateau.reason)
print("ceiling-law predictions at the censored x:", np.round(plateau.predicted, -2))

# %%
# Too little evidence
# -------------------
# Two seeds per value and a wide spread: the local slopes disagree, so the fitted exponent
# cannot be taken for the asymptotic one, and the verdict stays open.
rng_few = np.random.default_rng(1)
n_few = 40 * x[:, None] ** 1.5 * np.exp(rng_few.normal(0.0, 1.5, size=(len(x), 2)))
few = stats.check_rate(x, n_few, np.zeros(n_few.shape, dtype=bool), floor=FLOOR,
                       ceiling=CEILING)
print(few.verdict, "|", few.rule, "|", few.reason)

verdicts = {"inside": clean, "steep": steep, "plateau": plateau, "two seeds": few}
print({name: (r.verdict, r.rule) for name, r in verdicts.items()})
assert (clean.verdict, steep.verdict, plateau.verdict, few.verdict) == (
    "consistent", "inconsistent", "inconsistent", "inconclusive")
assert (steep.rule, plateau.rule) == ("above_ceiling", "censored_reachable")

# %%
# The four tables
# ---------------
# Per-seed values as dots (censored ones as open triangles at ``n_max``), the success
# thresholds as a line, and the ceiling law through the first threshold for scale.
fig, axes = plt.subplots(1, 4, figsize=(12, 3.4), sharey=True, constrained_layout=True)
tables = [(n_clean, uncensored), (n_steep, uncensored), (n_plateau, censored),
          (n_few, np.zeros(n_few.shape, dtype=bool))]
for ax, (name, result), (n, cen) in zip(axes, verdicts.items(), tables):
    xs = np.repeat(x[:, None], n.shape[1], axis=1)
    ax.plot(xs[~cen], n[~cen], ".", color="grey", alpha=0.5)
    ax.plot(xs[cen], n[cen], "^", mfc="none", color="C3")
    ax.plot(x, result.thresholds, "o-", color="C0")
    ax.plot(x, result.thresholds[0] * (x / x[0]) ** CEILING, "k--", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title(f"{name}: {result.verdict}", fontsize="medium")
    ax.set_xlabel("x")
axes[0].set_ylabel("n needed")
plt.show()
