"""The package's figure style: palette, per-learner looks, paper-sized figures, reproducible
saving.

Importing this module does not choose a matplotlib backend (the caller or ``MPLBACKEND``
does); :func:`paper_style` applies the style file ``paper.mplstyle`` shipped beside it.

Examples
--------
>>> with paper_style():
...     fig, ax = new_figure()
...     _ = ax.plot([1, 2], [1, 4], **learner_style("slam"))
>>> learner_label("slam")
'SLaM'
>>> plt.close(fig)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = [
    "COLUMN_WIDTH",
    "FULL_WIDTH",
    "LEARNER_STYLE",
    "PALETTE",
    "STYLE_PATH",
    "THEORY_COLOR",
    "apply_style",
    "learner_label",
    "learner_rank",
    "learner_style",
    "new_figure",
    "paper_style",
    "save_figure",
]

#: The package's matplotlib style file.
STYLE_PATH: Path = Path(__file__).with_name("paper.mplstyle")

#: Figure widths in inches: one column of a two-column paper, and the full text width.
COLUMN_WIDTH: float = 3.3
FULL_WIDTH: float = 6.9

#: Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008), by name.
PALETTE: dict[str, str] = {
    "vermillion": "#D55E00",
    "blue": "#0072B2",
    "bluish_green": "#009E73",
    "orange": "#E69F00",
    "reddish_purple": "#CC79A7",
    "sky_blue": "#56B4E9",
    "black": "#000000",
    "grey": "#999999",
    "yellow": "#F0E442",
}

#: Colour for theory / reference lines (kept neutral so data stand out).
THEORY_COLOR: str = "#4d4d4d"

_P = PALETTE

#: One consistent look per learner or method name (halfspace learners and distillation
#: losses share names where they are the same idea: "slam", "forward", ...).  Keys of each
#: entry: ``color``, ``marker``, ``linestyle``, ``label``.
LEARNER_STYLE: dict[str, dict[str, str]] = {
    # halfspace learners (experiments.halfspace_trial's ``learner``)
    "slam": {"color": _P["vermillion"], "marker": "o", "linestyle": "-", "label": "SLaM"},
    "leaky_relu": {
        "color": _P["blue"],
        "marker": "s",
        "linestyle": "-",
        "label": "LeakyReLU (DDKWZ23)",
    },
    "leaky_relu_online": {
        "color": _P["sky_blue"],
        "marker": "D",
        "linestyle": "--",
        "label": "LeakyReLU, online",
    },
    "perceptron": {"color": _P["black"], "marker": "v", "linestyle": ":", "label": "Perceptron"},
    "averaged_perceptron": {
        "color": _P["grey"],
        "marker": "^",
        "linestyle": "-.",
        "label": "Averaged Perceptron",
    },
    "logistic": {"color": _P["orange"], "marker": "P", "linestyle": "--", "label": "Logistic"},
    "unbiased": {
        "color": _P["bluish_green"],
        "marker": "X",
        "linestyle": "-.",
        "label": "Unbiased loss",
    },
    "forward": {
        "color": _P["reddish_purple"],
        "marker": "<",
        "linestyle": "--",
        "label": "Forward correction",
    },
    "backward": {
        "color": "#8c6d00",
        "marker": ">",
        "linestyle": ":",
        "label": "Backward correction",
    },
    "leaky_relu_capped": {
        "color": _P["blue"],
        "marker": "s",
        "linestyle": "-.",
        "label": "LeakyReLU, T capped",
    },
    # controls (halfspaces.CONTROLS)
    "mean": {"color": _P["yellow"], "marker": "h", "linestyle": ":", "label": "Mean of y x"},
    "logreg_exact": {
        "color": _P["orange"],
        "marker": "p",
        "linestyle": ":",
        "label": "Logistic, exact",
    },
    "hinge": {"color": _P["grey"], "marker": "*", "linestyle": ":", "label": "Hinge, exact"},
    # convergence trajectories
    "forward_sgd": {
        "color": _P["vermillion"],
        "marker": "o",
        "linestyle": "-",
        "label": "SGD, SLaM/forward loss",
    },
    "slam_sgd": {
        "color": _P["vermillion"],
        "marker": "o",
        "linestyle": "-",
        "label": "SGD, SLaM/forward loss",
    },
    "forward_gd": {
        "color": _P["reddish_purple"],
        "marker": "<",
        "linestyle": "--",
        "label": "GD, SLaM/forward loss",
    },
    "slam_gd": {
        "color": _P["reddish_purple"],
        "marker": "<",
        "linestyle": "--",
        "label": "GD, SLaM/forward loss",
    },
    # distillation methods (distill.SLaMStudent's ``loss`` and reference rows)
    "distill": {"color": _P["blue"], "marker": "s", "linestyle": "-", "label": "Distillation"},
    "hard": {"color": _P["sky_blue"], "marker": "D", "linestyle": "--", "label": "Hard labels"},
    "weighted": {
        "color": _P["bluish_green"],
        "marker": "X",
        "linestyle": "-.",
        "label": "Weighted distillation",
    },
    "threshold": {"color": _P["orange"], "marker": "P", "linestyle": "--", "label": "Threshold"},
    "taylor": {"color": _P["grey"], "marker": "^", "linestyle": "-.", "label": "Taylor-CE"},
    "ups": {"color": "#8c6d00", "marker": ">", "linestyle": ":", "label": "UPS"},
    "teacher": {"color": _P["black"], "marker": "*", "linestyle": ":", "label": "Teacher"},
}


#: Fallback cycle for names not in :data:`LEARNER_STYLE` (assigned by a stable hash).
_FALLBACK_COLORS: tuple[str, ...] = (
    _P["blue"],
    _P["bluish_green"],
    _P["orange"],
    _P["reddish_purple"],
    _P["sky_blue"],
    _P["black"],
    _P["grey"],
)


_FALLBACK_MARKERS: tuple[str, ...] = ("o", "s", "D", "^", "v", "P", "X", "<", ">")


# --------------------------------------------------------------------------------------------
# style
# --------------------------------------------------------------------------------------------
def apply_style() -> None:
    """Apply the package style (``paper.mplstyle``) to matplotlib's global ``rcParams``.

    Prefer :func:`paper_style` inside library code, which restores the previous settings.
    """
    plt.style.use(str(STYLE_PATH))


@contextlib.contextmanager
def paper_style(**overrides: Any) -> Iterator[None]:
    """Context manager applying the package style, plus optional ``rcParams`` overrides.

    Parameters
    ----------
    **overrides
        ``rcParams`` entries to set on top of the style, e.g.
        ``paper_style(**{"legend.fontsize": 6})``.

    Examples
    --------
    >>> with paper_style():
    ...     fig, ax = new_figure()
    """
    with plt.style.context(str(STYLE_PATH)), matplotlib.rc_context(overrides):
        yield


def learner_style(name: str) -> dict[str, str]:
    """Colour, marker, linestyle and display label for a learner or method name.

    Names in :data:`LEARNER_STYLE` get their fixed look; any other name gets a deterministic
    one (stable across runs and processes) and its own name as label.

    Parameters
    ----------
    name : str
        Learner / method name as it appears in ``trials.csv``.

    Returns
    -------
    dict
        Keys ``color``, ``marker``, ``linestyle``, ``label`` (a fresh copy).
    """
    if name in LEARNER_STYLE:
        return dict(LEARNER_STYLE[name])
    h = sum((i + 1) * ord(c) for i, c in enumerate(str(name)))
    return {
        "color": _FALLBACK_COLORS[h % len(_FALLBACK_COLORS)],
        "marker": _FALLBACK_MARKERS[h % len(_FALLBACK_MARKERS)],
        "linestyle": "-",
        "label": str(name),
    }


def learner_label(name: str) -> str:
    """Display label of a learner or method name (see :func:`learner_style`)."""
    return learner_style(name)["label"]


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float | str = "column",
    height: float | None = None,
    **subplots_kw: Any,
) -> tuple[Figure, Any]:
    """Create a figure sized for the paper (call inside :func:`paper_style`).

    Parameters
    ----------
    nrows, ncols : int, default=1
        Subplot grid.
    width : {"column", "full"} or float, default="column"
        ``"column"`` is :data:`COLUMN_WIDTH` (3.3 in), ``"full"`` is :data:`FULL_WIDTH`.
    height : float, optional
        Height in inches; default 2.45 in per row for one row, 2.0 in per row beyond.
    **subplots_kw
        Passed to :func:`matplotlib.pyplot.subplots` (e.g. ``sharex=True``).

    Returns
    -------
    fig : Figure
    axes : Axes or ndarray of Axes
    """
    w = {"column": COLUMN_WIDTH, "full": FULL_WIDTH}.get(width, width)  # type: ignore[arg-type]
    if isinstance(w, str):
        raise ValueError(f"width must be 'column', 'full' or a number, got {width!r}")
    if height is None:
        height = 2.45 if nrows == 1 else 2.0 * nrows
    return plt.subplots(nrows, ncols, figsize=(float(w), float(height)), **subplots_kw)



def learner_rank(name: str) -> int:
    """Position of a learner in :data:`LEARNER_STYLE` (99 for other names): the legend order.

    Examples
    --------
    >>> learner_rank("slam") < learner_rank("perceptron") < learner_rank("unknown")
    True
    """
    return _RANK.get(str(name), 99)


_RANK: dict[str, int] = {name: i for i, name in enumerate(LEARNER_STYLE)}


# --------------------------------------------------------------------------------------------
# saving
# --------------------------------------------------------------------------------------------
#: Metadata per format so that regenerated files are byte-identical.
_METADATA: dict[str, dict[str, Any]] = {
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
}


def save_figure(
    fig: Figure,
    figures_dir: str | os.PathLike[str],
    name: str,
    *,
    formats: Sequence[str] = ("pdf", "png"),
    dpi: int = 300,
    close: bool = True,
) -> list[Path]:
    """Write ``figures_dir/name.pdf`` and ``name.png`` reproducibly.

    PDFs embed TrueType (Type 42) fonts and carry no creation date or producer, PNGs carry
    no software tag, so the same figure saved twice gives the same bytes.

    Parameters
    ----------
    fig : Figure
        The figure to save.
    figures_dir : path-like
        Output directory (created if missing).
    name : str
        File stem, e.g. ``"sample_complexity_eps"``.
    formats : sequence of str, default=("pdf", "png")
        Formats to write, in order.
    dpi : int, default=300
        Resolution of raster formats.
    close : bool, default=True
        Close the figure afterwards (figure functions should not leak figures).

    Returns
    -------
    list of Path
        The files written, in ``formats`` order.
    """
    if not name or os.sep in name or name.startswith("."):
        raise ValueError(f"name must be a plain file stem, got {name!r}")
    out_dir = Path(figures_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    with matplotlib.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42, "svg.hashsalt": "slam"}):
        for fmt in formats:
            path = out_dir / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=dpi, metadata=_METADATA.get(fmt))
            paths.append(path)
    if close:
        plt.close(fig)
    return paths

