"""
DDKWZ23 Algorithm 1, step by step
=================================

Diakonikolas, Diakonikolas, Kane, Wang and Zarifis (COLT 2023) learn a ``gamma``-margin
halfspace under RCN with rate ``eta`` by projected subgradient descent on the *LeakyReLU*
objective (:func:`slam_theory.losses.leaky_relu_loss`), from ``w_0 = 0``:

* ``g(w) = (1/2N) sum_i [(1 - 2 eta) sign(w.x_i) - y_i] x_i``,
* ``w_{s+1} = Proj_{||w|| <= 1}(w_s - mu g(w_s))``, for
  ``T = ceil(16 (1 - eta)^2 / (gamma^2 eps^2) - 1)`` steps of size
  ``mu = 2 / ((1 - eta) sqrt(T + 1))``,
* output: the iterate with the smallest error on ``N'`` held-out samples.

:class:`~slam_theory.halfspaces.LeakyReLUHalfspace` runs it exactly, in a numba kernel that
keeps the sign pattern exactly and re-evaluates only the points near a sign change. Here the
same iterates are recomputed by a plain numpy loop, one step at a time, and compared.
"""

# %%
# The constants of the algorithm
# ------------------------------
import math

import matplotlib.pyplot as plt
import numpy as np

from slam_theory import data, halfspaces, losses, noise

ETA, GAMMA, EPSILON = 0.3, 0.1, 0.5
gen = data.make_instance("long_servedio", d=10, gamma=GAMMA, random_state=0)
X, y = gen.sample(4000)
y_noisy = noise.RCN(eta=ETA).corrupt(y, random_state=1)

T = halfspaces.leaky_relu_iterations(ETA, GAMMA, EPSILON)
n_val = halfspaces.leaky_relu_validation_size(T, EPSILON, delta=0.1)
mu = 2.0 / ((1.0 - ETA) * math.sqrt(T + 1.0))
print(f"T = {T} steps of size mu = {mu:.5f}; N' = {n_val} held-out samples")

est = halfspaces.LeakyReLUHalfspace(eta=ETA, gamma=GAMMA, epsilon=EPSILON, random_state=0)
est.fit(X, y_noisy)
print("fitted:", est.n_steps_, "steps,", est.n_validation_, "held out, chose iterate",
      est.best_iteration_)

# %%
# The same iterates by hand
# -------------------------
# The held-out rows are the first ``N'`` of a permutation drawn from ``random_state``; the
# gradient uses the others.
perm = np.random.default_rng(0).permutation(len(X))
val, train = np.sort(perm[:n_val]), np.sort(perm[n_val:])
w = np.zeros(X.shape[1])
iterates = [w.copy()]
objective = []
for _ in range(T):
    value, grad = losses.leaky_relu_loss(w, X[train], y_noisy[train], ETA)
    objective.append(value)
    w = w - mu * grad
    norm = np.linalg.norm(w)
    if norm > 1.0:
        w = w / norm  # the projection on the unit ball
    iterates.append(w.copy())
iterates = np.array(iterates)

# The kernel records the iterates on a logarithmic grid of steps, and every held-out error.
recorded = est.history_["iteration"]
gap = max(np.abs(iterates[s] - c).max() for s, c in zip(recorded, est.history_["coef"]))
predictions = np.where(X[val] @ iterates.T >= 0, 1, -1)  # ties predicted +1
held_out_error = np.mean(predictions != y_noisy[val][:, None], axis=0)
print(f"largest difference between the numpy and kernel iterates: {gap:.1e}")
print("held-out errors identical:", bool(np.array_equal(held_out_error, est.validation_error_)))
assert gap < 1e-9 and np.array_equal(held_out_error, est.validation_error_)

# %%
# What the iterates do, and what the held-out selection picks
# -----------------------------------------------------------
# The exact disagreement of each recorded iterate with ``w*``. The iterates reach the target
# within a few steps, but the output is chosen on ``N'`` held-out samples with *noisy* labels.
# ``N'`` here is the size that Hoeffding's inequality and a union bound over the ``T + 1``
# iterates justify (the paper's constant could not be read; see
# :func:`~slam_theory.halfspaces.leaky_relu_validation_size`). With a tenth of it
# (``validation_constant=0.1``) a handful of noisy labels may prefer a poor iterate. The
# controls, on the same data, stay at their floor.
steps = np.array(recorded[1:])
disagreement = [gen.disagreement(iterates[s]) for s in steps]
chosen = gen.disagreement(est.coef_.ravel())
small = halfspaces.LeakyReLUHalfspace(eta=ETA, gamma=GAMMA, epsilon=EPSILON,
                                      validation_constant=0.1, random_state=0).fit(X, y_noisy)
chosen_small = gen.disagreement(small.coef_.ravel())
controls = {name: gen.disagreement(halfspaces.make_learner(name).fit(X, y_noisy).coef_.ravel())
            for name in ("mean", "logreg_exact")}
print(f"N' = {est.n_validation_:4d}: iterate {est.best_iteration_:4d}, "
      f"disagreement {chosen:.3f}")
print(f"N' = {small.n_validation_:4d}: iterate {small.best_iteration_:4d}, "
      f"disagreement {chosen_small:.3f}")
print("controls:", {k: round(v, 3) for k, v in controls.items()})
assert chosen < 0.05 and min(controls.values()) > 0.2

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
axes[0].plot(np.arange(1, T + 1), objective)
axes[0].set_xscale("log")
axes[0].set_xlabel("step s")
axes[0].set_ylabel("LeakyReLU objective at w_s")
axes[1].plot(steps, disagreement, marker=".", label="iterate w_s")
axes[1].plot(np.arange(T + 1)[1:], held_out_error[1:], alpha=0.5, label="held-out noisy error")
axes[1].axvline(max(est.best_iteration_, 1), color="k", ls=":",
                label=f"chosen, N' = {est.n_validation_}")
axes[1].axvline(max(small.best_iteration_, 1), color="C2", ls=":",
                label=f"chosen, N' = {small.n_validation_}")
for name, value in controls.items():
    axes[1].axhline(value, ls="--", lw=1, label=f"control: {name}", color="grey")
axes[1].set_xscale("log")
axes[1].set_xlabel("step s")
axes[1].set_ylabel("error")
axes[1].legend(fontsize="small")
plt.show()
