"""SLaM: Student-Label Mixing for distillation with unlabeled examples (Kontonis et al. 2023).

Setting: a teacher, trained on a small labeled set ``L``, gives soft pseudo-labels ``y_s(x)``
on a large unlabeled set ``U``; a student is trained on them.  The teacher's labels are noisy.
SLaM trains the student with the cross-entropy between the teacher's label and the *mixed*
student prediction ``alpha f + (1 - alpha)(1 - f) * top(y_s; k)`` (Remark B.1), with
``alpha(x)`` and ``k(x)`` estimated on a small labeled validation set ``V``.

Modules: :mod:`~slam_theory.distill.mixing` (the mix and the loss),
:mod:`~slam_theory.distill.estimate` (``alpha(x)``, ``k(x)``, margins),
:mod:`~slam_theory.distill.selection` (the baselines' pseudo-label selection),
:mod:`~slam_theory.distill.student` (:class:`SLaMStudent`, explicit teacher probabilities,
whose side inputs :mod:`~slam_theory.distill.inputs` checks)
and :mod:`~slam_theory.distill.classifier` (:class:`SLaMClassifier`, scikit-learn's
semi-supervised convention: unlabeled rows carry the label -1).
"""

from slam_theory.distill.classifier import SLaMClassifier
from slam_theory.distill.estimate import (
    AlphaFunction,
    BinnedK,
    estimate_alpha,
    estimate_k,
    estimate_transition_matrix,
    teacher_margin,
)
from slam_theory.distill.mixing import (
    FLOOR,
    mix,
    mix_normalized,
    mix_topk,
    slam_loss,
    topk_mask,
)
from slam_theory.distill.student import LOSSES, SLaMStudent, encode_labels

__all__ = [
    "FLOOR",
    "LOSSES",
    "AlphaFunction",
    "BinnedK",
    "SLaMClassifier",
    "SLaMStudent",
    "encode_labels",
    "estimate_alpha",
    "estimate_k",
    "estimate_transition_matrix",
    "mix",
    "mix_normalized",
    "mix_topk",
    "slam_loss",
    "teacher_margin",
    "topk_mask",
]
