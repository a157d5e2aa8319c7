"""
SLaM mixing and the estimate of the teacher's accuracy alpha(x)
===============================================================

A teacher labels the unlabeled data; its top-1 label is right with probability ``alpha(x)``.
SLaM does not train the student's prediction ``f(x)`` on the teacher's labels directly: it
trains the *mixed* prediction

``mix(f; alpha, k) = alpha f + (1 - alpha)(1 - f) / (k - 1)``

(:func:`slam_theory.distill.mix`), which is what the teacher would output if the student were
right. For two classes this is the forward correction of random classification noise with
flip rate ``1 - alpha``. ``alpha(x)`` itself is estimated from a small labeled validation set
by isotonic regression on the teacher's margin (:func:`slam_theory.distill.estimate_alpha`).
"""

# %%
# The mix is the forward correction of symmetric noise
# ----------------------------------------------------
# With ``k = K`` classes in the mix and a flip spread evenly over the other classes, ``mix(f)``
# is ``f`` times the noise transition matrix.
import matplotlib.pyplot as plt
import numpy as np

from slam_theory import data, distill, noise

alpha = 0.7
f = np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
T = noise.symmetric_matrix(3, 1 - alpha)  # P(teacher says j | truth i)
print("mix(f, alpha):\n", distill.mix(f, alpha).round(4))
print("f @ T:\n", (f @ T).round(4))
assert np.allclose(distill.mix(f, alpha), f @ T)

# %%
# The un-normalised top-k form of the paper's experiments (Remark B.1) spreads the
# ``1 - alpha`` term only over the teacher's top ``k`` classes, without dividing by ``k - 1``:
# its rows need not sum to 1. Four classes, top 3:
f4 = np.array([[0.4, 0.3, 0.2, 0.1]])
teacher4 = np.array([[0.15, 0.5, 0.3, 0.05]])  # its top 3: classes 1, 2 and 0
topk = distill.mix_topk(f4, alpha, teacher4, 3)
normalised = distill.mix_normalized(f4, alpha, teacher4, 3)
print("top-3, un-normalised:", topk.round(4), "row sum", topk.sum().round(4))
print("top-3, normalised:   ", normalised.round(4), "row sum", normalised.sum().round(4))
print("mask of the top 3:   ", distill.topk_mask(teacher4, 3).astype(int))

# %%
# Why mix: the loss is minimised at the clean label
# -------------------------------------------------
# One binary example whose true class is 1 and whose teacher says 1 with probability ``alpha``.
# The expected cross-entropy of a student probability ``p`` against the teacher's label is
# minimised at ``p = alpha``: the student copies the teacher's noise. The expected SLaM loss,
# the cross-entropy of ``mix(p)``, is minimised at ``p = 1``, the clean label.
p = np.linspace(0.01, 0.99, 99)
plain = -(alpha * np.log(p) + (1 - alpha) * np.log(1 - p))
mixed_p = distill.mix(p, alpha)  # binary: alpha p + (1 - alpha)(1 - p)
slam = -(alpha * np.log(mixed_p) + (1 - alpha) * np.log(1 - mixed_p))
print(f"plain cross-entropy is smallest at p = {p[np.argmin(plain)]:.2f} (alpha = {alpha})")
print(f"SLaM loss is smallest at p = {p[np.argmin(slam)]:.2f}")
assert abs(p[np.argmin(plain)] - alpha) < 0.011 and p[np.argmin(slam)] > 0.98

# %%
# Estimating alpha(x) from a validation set
# -----------------------------------------
# :func:`slam_theory.data.simulate_teacher` makes a calibrated teacher with a chosen accuracy
# per example: here ``alpha`` rises from 0.4 to 1 with a hidden difficulty ``u``. 400 labeled
# validation rows are enough for the isotonic fit; it is then applied to 5000 fresh rows.
K = 4


def teacher_rows(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = np.random.default_rng(seed)
    y = rows.integers(0, K, size=n)
    true_alpha = 0.4 + 0.6 * rows.random(n)
    proba = data.simulate_teacher(y, K, true_alpha, random_state=seed)
    return y, true_alpha, proba


y_val, _, proba_val = teacher_rows(400, seed=1)
y_new, alpha_new, proba_new = teacher_rows(5000, seed=2)
alpha_fn = distill.estimate_alpha(proba_val, y_val)
estimated = alpha_fn(proba_new)
constant = np.mean(proba_val.argmax(1) == y_val)  # one global accuracy, as if alpha were flat
err_iso = np.mean(np.abs(estimated - alpha_new))
err_const = np.mean(np.abs(constant - alpha_new))
print(f"mean |alpha_hat(x) - alpha(x)|: isotonic {err_iso:.3f}, one global accuracy "
      f"{err_const:.3f}")
assert err_iso < err_const / 2

margin = distill.teacher_margin(proba_new)
order = np.argsort(margin)
fig, ax = plt.subplots(figsize=(5.5, 3.6), constrained_layout=True)
ax.plot(margin, alpha_new, ".", ms=2, alpha=0.3, label="true alpha(x)")
ax.plot(margin[order], estimated[order], lw=2, label="isotonic estimate (400 rows)")
ax.axhline(constant, ls="--", color="grey", label="one global accuracy")
ax.set_xlabel("teacher margin (top-1 minus top-2 probability)")
ax.set_ylabel("P(teacher's top-1 is right)")
ax.legend()
plt.show()
