"""Claim families: one module per family, holding its trial, analysis, figures and captions.

A configuration file in the repository's ``experiments/`` folder names its trial, analysis and
figure functions as ``"experiments.<module>:<function>"``; the runner finds them by that name.

:func:`check_claim` (from :mod:`slam_theory.experiments.check`) runs any scikit-learn style
binary classifier through a rate claim, so a researcher can test a new learner against a
theorem without editing the package.
"""

from __future__ import annotations

from typing import Any

__all__ = ["check_claim"]


def __getattr__(name: str) -> Any:
    if name == "check_claim":  # imported on first use: the families import scikit-learn
        from slam_theory.experiments.check import check_claim

        return check_claim
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
