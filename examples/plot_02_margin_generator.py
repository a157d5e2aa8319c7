"""
The margin generator and the exact disagreement
===============================================

:class:`~slam_theory.data.MarginHalfspace` draws ``x`` uniformly on the unit sphere
conditioned on ``|w*.x| >= gamma`` (by inverse CDF, never by rejection) and labels it
``y = sign(w*.x)``. Its :meth:`~slam_theory.data.MarginHalfspace.disagreement` is the exact
probability ``Pr[sign(w.x) != sign(w*.x)]`` under that law, by one-dimensional quadrature: the
quantity every claim in this package measures, with no test-set noise.

This page checks both against plain Monte Carlo, and shows that the margin matters: the
familiar formula ``angle / pi`` (right for the uniform sphere) is wrong once the band around the
decision boundary is removed.
"""

# %%
# Samples have the margin and lie on the sphere
# ---------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from slam_theory import data

D, GAMMA = 5, 0.3
gen = data.MarginHalfspace(d=D, gamma=GAMMA, random_state=0)
X, y = gen.sample(200_000)
t = X @ gen.w_star
print("smallest |w*.x|:", round(float(np.abs(t).min()), 4), ">= gamma =", GAMMA)
print("norms in [", round(float(np.linalg.norm(X, axis=1).min()), 12), ",",
      round(float(np.linalg.norm(X, axis=1).max()), 12), "]")
print("labels are sign(w*.x):", bool(np.all(y == np.sign(t))))
print("mass of |w*.x| >= gamma under the uniform sphere:", round(gen.mass, 4))

# %%
# Exact disagreement against Monte Carlo
# --------------------------------------
# Rotate ``w*`` by an angle ``theta`` in the plane of its first two coordinates and compare the
# exact value with the fraction of the 200 000 samples on which the two halfspaces disagree.
thetas = np.linspace(0.0, np.pi, 13)
exact, monte_carlo = [], []
for theta in thetas:
    w = np.zeros(D)
    w[0], w[1] = np.cos(theta), np.sin(theta)
    exact.append(gen.disagreement(w))
    monte_carlo.append(float(np.mean(np.sign(X @ w) != y)))
exact, monte_carlo = np.array(exact), np.array(monte_carlo)
stderr = np.sqrt((exact * (1 - exact) + 1 / len(X)) / len(X))  # floored where exact is 0 or 1
uniform = thetas / np.pi  # the disagreement on the uniform sphere, without the margin

print(f"{'theta':>6s} {'exact':>7s} {'MC':>7s} {'theta/pi':>8s}")
for row in zip(thetas, exact, monte_carlo, uniform):
    print("{:6.3f} {:7.4f} {:7.4f} {:8.4f}".format(*row))

# %%
# The contrast
# ------------
# Monte Carlo agrees with the exact value to within a few standard errors at every angle; the
# margin-free formula is off by far more than that. (``theta/pi`` is right only at 0, pi/2 and
# pi.)
z_exact = np.max(np.abs(monte_carlo - exact) / stderr)
z_uniform = np.max(np.abs(monte_carlo - uniform) / stderr)
print(f"largest |MC - exact| / stderr: {z_exact:.1f};  largest |MC - theta/pi| / stderr: "
      f"{z_uniform:.1f}")
assert z_exact < 5 < z_uniform

fig, ax = plt.subplots(figsize=(5.5, 3.6), constrained_layout=True)
ax.plot(thetas, exact, label="exact disagreement(w)")
ax.plot(thetas, monte_carlo, "o", label="Monte Carlo, n = 200 000")
ax.plot(thetas, uniform, "--", label="theta / pi (no margin)")
ax.set_xlabel("angle between w and w*")
ax.set_ylabel("Pr[sign(w.x) != sign(w*.x)]")
ax.legend()
plt.show()
