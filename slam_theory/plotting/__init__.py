"""The figure style and the axes helpers every figure shares (the figures themselves live in
their experiment modules, :mod:`slam_theory.experiments`).

Importing this package does not choose a matplotlib backend.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from slam_theory import plotting as P
>>> with P.paper_style():
...     fig, ax = P.new_figure()
...     _ = P.median_band(ax, [2.0, 4.0], [[1.0, 2.0], [0.5, 1.0]], style="slam")
...     _ = P.loglog(ax, xlabel="$n$", ylabel="error")
>>> plt.close(fig)
"""

from slam_theory.plotting.axes import (
    as_float,
    format_slope,
    load_results,
    loglog,
    median_band,
    note,
    outside_legend,
    seed_matrix,
    theory_line,
    tidy_log_axis,
)
from slam_theory.plotting.style import (
    COLUMN_WIDTH,
    FULL_WIDTH,
    LEARNER_STYLE,
    PALETTE,
    STYLE_PATH,
    THEORY_COLOR,
    apply_style,
    learner_label,
    learner_rank,
    learner_style,
    new_figure,
    paper_style,
    save_figure,
)

__all__ = [
    "COLUMN_WIDTH",
    "FULL_WIDTH",
    "LEARNER_STYLE",
    "PALETTE",
    "STYLE_PATH",
    "THEORY_COLOR",
    "apply_style",
    "as_float",
    "format_slope",
    "learner_label",
    "learner_rank",
    "learner_style",
    "load_results",
    "loglog",
    "median_band",
    "new_figure",
    "note",
    "outside_legend",
    "paper_style",
    "save_figure",
    "seed_matrix",
    "theory_line",
    "tidy_log_axis",
]
