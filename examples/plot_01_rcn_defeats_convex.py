"""
Random classification noise defeats the Perceptron and convex losses
====================================================================

Under random classification noise (RCN) every label is flipped independently with the same
probability ``eta < 1/2``. The Bayes classifier does not change, so a halfspace ``w*`` that
separates the clean data with margin ``gamma`` is still the best classifier. Yet on the
*Long-Servedio* instance (large-margin points, "pullers" and "penalisers" in a 2-D plane,
:class:`~slam_theory.data.LongServedioInstance`) the trivial learner (the mean of ``y x``),
logistic regression and the hinge loss solved to convergence all keep a disagreement with ``w*``
that does not shrink with ``n``, and the Perceptron never settles. A noise-tolerant learner
(:class:`~slam_theory.halfspaces.SLaMHalfspace`, or the one-pass LeakyReLU learner) drives
the disagreement to zero.

These three learners are the *controls* of every rate claim in this package
(:data:`slam_theory.halfspaces.CONTROLS`): a claimed rate only counts on an instance where they
fail.
"""

# %%
# The instance and its exact disagreement
# ---------------------------------------
# ``disagreement(w)`` is ``Pr[sign(w.x) != sign(w*.x)]`` computed in closed form, so no test
# set is needed.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from slam_theory import data, halfspaces, noise

ETA, GAMMA = 0.3, 0.05
gen = data.make_instance("long_servedio", d=10, gamma=GAMMA, random_state=0)
print("controls:", halfspaces.CONTROLS)
print("disagreement of w* and -w*:", gen.disagreement(gen.w_star), gen.disagreement(-gen.w_star))

# %%
# Fit every learner on growing samples
# ------------------------------------
# The same samples and noisy labels for every learner (common random numbers). Each learner is
# told ``eta``, ``gamma`` and a target ``epsilon`` by :func:`~slam_theory.halfspaces.make_learner`;
# the controls ignore them.
learners = [*halfspaces.CONTROLS, "perceptron", "slam", "leaky_relu_online"]
sizes = [500, 2000, 8000, 32000]
X_all, y_all = gen.sample(max(sizes))
y_noisy_all = noise.RCN(eta=ETA).corrupt(y_all, random_state=1)


def disagreements(y_labels: np.ndarray, eta: float) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {name: [] for name in learners}
    for n in sizes:
        for name in learners:
            clf = halfspaces.make_learner(name, eta=eta, gamma=GAMMA, epsilon=0.01,
                                          random_state=0)
            with warnings.catch_warnings():  # liblinear may stop at max_iter on noisy labels
                warnings.simplefilter("ignore", ConvergenceWarning)
                clf.fit(X_all[:n], y_labels[:n])
            out[name].append(gen.disagreement(clf.coef_.ravel()))
    return out


noisy = disagreements(y_noisy_all, ETA)
clean = disagreements(y_all, 0.0)

print(f"{'learner':18s} " + " ".join(f"n={n:<6d}" for n in sizes) + "  (RCN, eta = 0.3)")
for name in learners:
    print(f"{name:18s} " + " ".join(f"{e:<8.3f}" for e in noisy[name]))

# %%
# The contrast
# ------------
# Without noise logistic regression, the hinge loss and the Perceptron find ``w*`` (the data are
# separable; the mean of ``y x`` is fooled by the design even then). With noise the convex losses
# settle on a wrong direction, whatever ``n``, and the Perceptron jumps between directions. The
# noise-tolerant learners, told ``eta``, do not.
print("clean labels, largest n:", {k: round(v[-1], 3) for k, v in clean.items()})
floor = min(noisy[name][-1] for name in halfspaces.CONTROLS)
best = max(noisy["slam"][-1], noisy["leaky_relu_online"][-1])
print(f"smallest control disagreement at n = {sizes[-1]}: {floor:.3f}; "
      f"largest noise-tolerant one: {best:.3f}")
assert floor > 0.2 > 0.02 > best, "the instance no longer separates the controls from SLaM"
assert clean["logreg_exact"][-1] < 0.02 and clean["hinge"][-1] < 0.02, "noise is not the cause"

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True, constrained_layout=True)
for ax, table, title in ((axes[0], clean, "clean labels"), (axes[1], noisy, f"RCN, eta = {ETA}")):
    for name in learners:
        ax.plot(sizes, table[name], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("n (samples)")
    ax.set_title(title)
axes[0].set_ylabel("disagreement with w*")
axes[1].legend(fontsize="small")
plt.show()
