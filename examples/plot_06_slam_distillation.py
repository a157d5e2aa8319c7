"""
Distillation from a noisy teacher with SLaMClassifier
=====================================================

:class:`~slam_theory.distill.SLaMClassifier` is one scikit-learn classifier for distillation
with unlabeled examples: ``fit(X, y)`` with ``y = -1`` on the unlabeled rows. It holds out part
of the labeled rows as a validation set, estimates there how often the teacher is right as a
function of its margin (``alpha(x)``) and how many of its top classes to trust (``k(x)``), and
trains a student on the teacher's labels through the SLaM mix, plus the labeled rows with
their true labels.

Here the teacher is simulated (:func:`slam_theory.data.simulate_teacher`): calibrated, right
90% of the time on one half of the space and 35% on the other, with the true class always in
its top 3. Its probabilities are passed to ``fit`` (``teacher="prefit"``); with a real teacher,
pass the estimator as ``teacher`` and it is trained on the labeled rows inside ``fit``.
The same pipeline runs the baselines (``loss=``), so the comparison is paired: same rows, same
teacher, same student, same seed.
"""

# %%
# Four seeds, four students
# -------------------------
import matplotlib.pyplot as plt
import numpy as np

from slam_theory import data, distill

K, N_LABELED = 10, 100
methods = {"labeled rows only": None, "hard labels": "hard", "vanilla distillation": "distill",
           "SLaM": "slam"}
scores: dict[str, list[float]] = {name: [] for name in ["teacher", *methods]}
for seed in range(4):
    mixture = data.GaussianMixture(n_classes=K, d=20, separation=4.0, random_state=seed)
    X, y = mixture.sample(3000)
    X_test, y_test = mixture.sample(2000)
    accuracy = np.where(X[:, 0] > 0, 0.35, 0.9)  # the teacher's accuracy alpha(x)
    teacher_proba = data.simulate_teacher(y, K, accuracy, k=3, random_state=seed)
    y_semi = y.copy()
    y_semi[N_LABELED:] = -1  # 100 labeled rows, 2900 unlabeled
    scores["teacher"].append(float(np.mean(teacher_proba[N_LABELED:].argmax(1) ==
                                           y[N_LABELED:])))
    for name, loss in methods.items():
        if loss is None:  # no unlabeled rows: the student on the labeled rows alone
            clf = distill.SLaMClassifier(epochs=10, random_state=seed)
            clf.fit(X[:N_LABELED], y[:N_LABELED])
        else:
            clf = distill.SLaMClassifier(teacher="prefit", loss=loss, epochs=10,
                                         random_state=seed)
            clf.fit(X, y_semi, teacher_proba=teacher_proba)
        scores[name].append(clf.score(X_test, y_test))
        if loss == "slam" and seed == 0:
            slam_seed0 = clf

print(f"{'':22s}" + "".join(f"seed {s}  " for s in range(4)) + "mean")
for name, row in scores.items():
    print(f"{name:22s}" + "".join(f"{v:.3f}   " for v in row) + f"{np.mean(row):.3f}")
print("(the teacher's accuracy is on the unlabeled rows; the others on a fresh test set)")

# %%
# The contrast
# ------------
# Every student here beats the teacher it learned from. SLaM, which discounts the teacher where
# ``alpha(x)`` is low, beats vanilla distillation and the hard labels in every seed.
gap = np.array(scores["SLaM"]) - np.array(scores["vanilla distillation"])
print("SLaM minus vanilla distillation, per seed:", np.round(gap, 3))
assert np.all(gap > 0) and min(scores["SLaM"]) > max(scores["teacher"])
assert np.all(np.array(scores["SLaM"]) > np.array(scores["hard labels"]))

# %%
# What SLaM estimated
# -------------------
# ``alpha_`` maps the teacher's probabilities to its estimated accuracy, fitted on the 20
# validation rows held out of the 100 labeled ones; ``k_`` is the top-k size.
margin_grid = np.linspace(0.0, 0.9, 50)
print("k_ =", slam_seed0.k_)
fig, ax = plt.subplots(figsize=(5.5, 3.6), constrained_layout=True)
ax.step(margin_grid, slam_seed0.alpha_.from_margin(margin_grid), where="post",
        label="alpha_ estimated on 20 rows")
ax.axhline(0.9, ls="--", color="grey")
ax.axhline(0.35, ls="--", color="grey", label="true accuracies (0.35 and 0.9)")
ax.set_xlabel("teacher margin")
ax.set_ylabel("P(teacher right)")
ax.legend()
plt.show()
