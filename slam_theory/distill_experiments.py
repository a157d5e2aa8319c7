"""Old home of the distillation experiments, now :mod:`slam_theory.experiments.distillation`
and :mod:`slam_theory.experiments.calibration` (kept while ``plotting.write_index`` reads
``FIGURE_CAPTIONS`` here)."""

from slam_theory.experiments.calibration import CAPTIONS as _CAL
from slam_theory.experiments.calibration import (  # noqa: F401
    alpha_calibration_trial,
    calibration_analysis,
    fig_alpha_calibration,
)
from slam_theory.experiments.distillation import CAPTIONS as _DIS
from slam_theory.experiments.distillation import (  # noqa: F401
    DEFAULT_METHODS,
    distill_trial,
    distillation_analysis,
    fig_distillation,
    make_split,
    tables,
)

#: Figure captions of both modules (read by ``slam_theory.plotting.write_index``).
FIGURE_CAPTIONS: dict[str, str] = {**_DIS, **_CAL}
