"""slam-theory: SLaM distillation and learning margin halfspaces under label noise.

A reference implementation of *SLaM: Student-Label Mixing for Distillation with
Unlabeled Examples* (Kontonis, Iliopoulos, Trinh, Baykal, Menghani, Vee;
NeurIPS 2023, arXiv:2302.03806) and of the theory around it.

Submodules are imported lazily, so ``import slam_theory`` is cheap::

    from slam_theory import data, noise, halfspaces, distill, convergence, bounds, stats
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = (
    "bounds",
    "convergence",
    "data",
    "distill",
    "errors",
    "experiments",
    "halfspaces",
    "losses",
    "noise",
    "plotting",
    "report",
    "results",
    "runner",
    "stats",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
