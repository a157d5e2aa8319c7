"""Paper-style figures: the shared style API and one figure function per theory experiment.

Style API (used by every figure in the package, including the distillation figures)::

    from slam_theory import plotting as P
    with P.paper_style():
        fig, ax = P.new_figure()
        P.median_band(ax, x, Y, style="slam")          # median over seeds + IQR band
        P.theory_line(ax, x, -2, anchor=(x[0], 1e-1), var=r"\\varepsilon")
        P.loglog(ax, xlabel=r"$1/\\varepsilon$", ylabel="samples needed")
        paths = P.save_figure(fig, figures_dir, "my_figure")   # my_figure.pdf + .png

Every figure is drawn only from the files a run wrote (``trials.csv`` through
:func:`slam_theory.sweep.read_trials`, and ``summary.json``); nothing here invents a number.
PDFs are written with Type 42 fonts and without a creation date, PNGs without the software
tag, so regenerating a figure from the same results gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

__all__ = [
    "COLUMN_WIDTH",
    "FULL_WIDTH",
    "LEARNER_STYLE",
    "PALETTE",
    "STYLE_PATH",
    "apply_style",
    "fig_convergence_forward",
    "fig_dimension_free",
    "fig_massart_robustness",
    "fig_noise_rate",
    "fig_sample_complexity_eps",
    "fig_sample_complexity_gamma",
    "fit_loglog",
    "learner_label",
    "learner_style",
    "load_results",
    "loglog",
    "median_band",
    "new_figure",
    "paper_style",
    "save_figure",
    "seed_matrix",
    "theory_line",
    "write_index",
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
    # halfspace learners (trials.halfspace_error's ``learner``)
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


# --------------------------------------------------------------------------------------------
# data helpers
# --------------------------------------------------------------------------------------------
def load_results(results_dir: str | os.PathLike[str]) -> tuple[list[dict[str, Any]], dict]:
    """Read ``trials.csv`` (via :func:`slam_theory.sweep.read_trials`) and ``summary.json``.

    Parameters
    ----------
    results_dir : path-like
        ``results/<name>/``.

    Returns
    -------
    rows : list of dict
        Trial rows (``[]`` if there is no trials.csv).
    summary : dict
        Parsed summary.json (``{}`` if missing).
    """
    from slam_theory.sweep import read_trials

    results_dir = Path(results_dir)
    rows = read_trials(results_dir / "trials.csv")
    summary_path = results_dir / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    return rows, summary


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def seed_matrix(
    rows: Iterable[Mapping[str, Any]],
    x_key: str,
    y_key: str,
    *,
    where: Mapping[str, Any] | Callable[[Mapping[str, Any]], bool] | None = None,
    seed_key: str = "seed",
) -> tuple[np.ndarray, np.ndarray]:
    """Arrange trial rows into ``x`` values and a ``(len(x), n_seeds)`` matrix of ``y``.

    Parameters
    ----------
    rows : iterable of mapping
        Rows from ``trials.csv``.
    x_key, y_key : str
        Column names of the abscissa and the measurement.
    where : mapping or callable, optional
        Keep rows whose columns equal the mapping's values (floats compared with a relative
        tolerance of 1e-12), or for which the callable returns True.
    seed_key : str, default="seed"
        Column identifying the replicate.  If several rows share ``(x, seed)`` (e.g.
        trajectory rows) they all become separate columns.

    Returns
    -------
    x : ndarray of shape (n_x,)
        Sorted distinct x values.
    Y : ndarray of shape (n_x, n_rep)
        Measurements, NaN where a replicate is missing.
    """
    if where is None:
        keep: Callable[[Mapping[str, Any]], bool] = lambda r: True  # noqa: E731
    elif callable(where):
        keep = where
    else:
        conds = dict(where)

        def keep(r: Mapping[str, Any]) -> bool:
            for k, v in conds.items():
                rv = r.get(k)
                if isinstance(v, float) or isinstance(rv, float):
                    if not math.isclose(_num(rv), _num(v), rel_tol=1e-12, abs_tol=0.0):
                        return False
                elif rv != v:
                    return False
            return True

    groups: dict[float, list[float]] = {}
    for r in rows:
        if not keep(r):
            continue
        xv = _num(r.get(x_key))
        if math.isnan(xv):
            continue
        groups.setdefault(xv, []).append(_num(r.get(y_key)))
    if not groups:
        return np.empty(0), np.empty((0, 0))
    xs = np.array(sorted(groups))
    width = max(len(v) for v in groups.values())
    Y = np.full((len(xs), width), np.nan)
    for i, xv in enumerate(xs):
        vals = groups[float(xv)]
        Y[i, : len(vals)] = vals
    return xs, Y


def _band_quantiles(band: str | tuple[float, float] | None) -> tuple[float, float] | None:
    if band is None or band == "none":
        return None
    if isinstance(band, tuple):
        return band
    table = {"iqr": (25.0, 75.0), "10-90": (10.0, 90.0), "5-95": (5.0, 95.0), "minmax": (0, 100)}
    if band not in table:
        raise ValueError(f"band must be one of {sorted(table)} or a (lo, hi) tuple, got {band!r}")
    return table[band]


def median_band(
    ax: Axes,
    x: Sequence[float] | np.ndarray,
    Y: Sequence[Sequence[float]] | np.ndarray,
    *,
    band: str | tuple[float, float] | None = "iqr",
    style: str | None = None,
    label: str | None = None,
    color: str | None = None,
    marker: str | None = None,
    linestyle: str | None = None,
    alpha: float = 0.2,
    min_count: int = 1,
    **plot_kw: Any,
) -> Line2D:
    """Plot the median over replicates with a quantile band.

    Parameters
    ----------
    ax : Axes
        Target axes.
    x : array-like of shape (n_x,)
        Abscissae.
    Y : array-like of shape (n_x, n_rep)
        Replicates per abscissa (NaN entries ignored).
    band : {"iqr", "10-90", "5-95", "minmax", None} or (lo, hi), default="iqr"
        Percentiles of the shaded band (None for the median alone).
    style : str, optional
        Learner / method name whose :func:`learner_style` supplies colour, marker,
        linestyle and label (explicit arguments win).
    label, color, marker, linestyle : optional
        Overrides.
    alpha : float, default=0.2
        Band opacity.
    min_count : int, default=1
        Points with fewer finite replicates are dropped.
    **plot_kw
        Passed to :meth:`Axes.plot`.

    Returns
    -------
    Line2D
        The median line.
    """
    x = np.asarray(x, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if Y.ndim == 1:
        Y = Y[:, None]
    if Y.shape[0] != x.shape[0]:
        raise ValueError(f"Y must have shape (len(x), n_rep); got {Y.shape} for {x.shape[0]} x")
    st = learner_style(style) if style is not None else {}
    color = color or st.get("color")
    marker = marker if marker is not None else st.get("marker")
    linestyle = linestyle or st.get("linestyle", "-")
    label = label if label is not None else st.get("label")
    count = np.sum(np.isfinite(Y), axis=1)
    ok = count >= max(1, min_count)
    x, Y = x[ok], Y[ok]
    if x.size:
        med = np.nanmedian(Y, axis=1)
    else:
        med = np.empty(0)
    (line,) = ax.plot(
        x, med, color=color, marker=marker, linestyle=linestyle, label=label, **plot_kw
    )
    q = _band_quantiles(band)
    if q is not None and x.size and Y.shape[1] > 1:
        lo = np.nanpercentile(Y, q[0], axis=1)
        hi = np.nanpercentile(Y, q[1], axis=1)
        ax.fill_between(x, lo, hi, color=line.get_color(), alpha=alpha, linewidth=0)
    return line


def _pow_label(var: str, exponent: float) -> str:
    e = float(exponent)
    es = f"{e:g}" if not e.is_integer() else f"{int(e)}"
    if e == 1:
        return rf"$\propto {var}$"
    if "/" in var or " " in var:
        return rf"$\propto ({var})^{{{es}}}$"
    return rf"$\propto {var}^{{{es}}}$"


def theory_line(
    ax: Axes,
    x: Sequence[float] | np.ndarray,
    exponent: float,
    anchor: tuple[float, float],
    label: str | None = None,
    *,
    var: str = "x",
    color: str = THEORY_COLOR,
    linestyle: str = "--",
    linewidth: float = 0.9,
    **plot_kw: Any,
) -> Line2D:
    """Draw a reference power law ``y = y0 * (x / x0) ** exponent`` through ``anchor``.

    Parameters
    ----------
    ax : Axes
        Target axes (usually log-log).
    x : array-like
        Abscissae over which to draw (only min and max are used).
    exponent : float
        The power.
    anchor : (x0, y0)
        A point the line passes through (typically the first measured median, so the line
        shows the *slope* the theory predicts, not a claimed constant).
    label : str, optional
        Legend label; default is the formula, e.g. ``$\\propto (1/\\varepsilon)^{2}$``.
    var : str, default="x"
        Mathtext of the variable for the default label, e.g. ``r"1/\\varepsilon"``.
    color, linestyle, linewidth, **plot_kw
        Line appearance.

    Returns
    -------
    Line2D
    """
    xs = np.asarray(x, dtype=float)
    xs = xs[np.isfinite(xs) & (xs > 0)]
    if xs.size == 0:
        raise ValueError("theory_line needs at least one positive finite x")
    x0, y0 = float(anchor[0]), float(anchor[1])
    grid = np.geomspace(xs.min(), xs.max(), 50) if xs.min() < xs.max() else xs[:1]
    y = y0 * (grid / x0) ** float(exponent)
    if label is None:
        label = _pow_label(var, exponent)
    (line,) = ax.plot(
        grid, y, color=color, linestyle=linestyle, linewidth=linewidth, label=label, **plot_kw
    )
    return line


def fit_loglog(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Least-squares fit of ``log y = slope * log x + intercept`` on positive finite points.

    Returns
    -------
    slope, intercept : float
        NaN if fewer than two usable points.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    if ok.sum() < 2 or np.unique(x[ok]).size < 2:
        return math.nan, math.nan
    slope, intercept = np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)
    return float(slope), float(intercept)


def _plain_number(value: float, _pos: Any = None) -> str:
    """Tick text: plain numbers between 1e-3 and 1e5, ``10^k`` mathtext outside."""
    if value <= 0 or not math.isfinite(value):
        return ""
    k = math.log10(value)
    if 1e-3 <= value < 1e5:
        return f"{value:g}"
    if abs(k - round(k)) < 1e-9:
        return rf"$10^{{{round(k)}}}$"
    mant = value / 10 ** math.floor(k)
    return rf"${mant:g}\times 10^{{{math.floor(k)}}}$"


class _MinorLogFormatter(matplotlib.ticker.Formatter):
    """Label minor ticks 2 and 5 per decade only when the axis spans under ~1.3 decades."""

    def __call__(self, x: float, pos: Any = None) -> str:
        lo, hi = self.axis.get_view_interval()
        if lo <= 0 or hi <= 0 or math.log10(hi / lo) > 1.3:
            return ""
        lead = x / 10 ** math.floor(math.log10(x) + 1e-12)
        return _plain_number(x) if round(lead) in (2, 5) and abs(lead - round(lead)) < 1e-6 else ""


def _tidy_log_axis(axis: Any) -> None:
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(_plain_number))
    axis.set_minor_formatter(_MinorLogFormatter())


def loglog(
    ax: Axes,
    *,
    xlabel: str | None = None,
    ylabel: str | None = None,
    x: bool = True,
    y: bool = True,
    legend: bool | str = "best",
    minor_grid: bool = False,
) -> Axes:
    """Put ``ax`` on log scales with readable ticks, labels and (optionally) a legend.

    Parameters
    ----------
    ax : Axes
        Target axes.
    xlabel, ylabel : str, optional
        Axis labels.
    x, y : bool, default=True
        Which axes are logarithmic.
    legend : bool or str, default="best"
        False for no legend, else the legend location.
    minor_grid : bool, default=False
        Also draw the minor grid.

    Returns
    -------
    Axes
    """
    if x:
        ax.set_xscale("log")
        _tidy_log_axis(ax.xaxis)
    if y:
        ax.set_yscale("log")
        _tidy_log_axis(ax.yaxis)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if minor_grid:
        ax.grid(True, which="minor", linewidth=0.2, alpha=0.3)
    if legend:
        handles, _ = ax.get_legend_handles_labels()
        if handles:
            ax.legend(loc="best" if legend is True else legend)
    return ax


# ============================================================================================
# figure functions (one per theory experiment)
# ============================================================================================
def fig_sample_complexity_eps(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Placeholder (being written)."""
    return []


def fig_sample_complexity_gamma(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Placeholder (being written)."""
    return []


def fig_noise_rate(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Placeholder (being written)."""
    return []


def fig_convergence_forward(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Placeholder (being written)."""
    return []


def fig_massart_robustness(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Placeholder (being written)."""
    return []


def fig_dimension_free(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Placeholder (being written)."""
    return []


def write_index(figures_dir: Path, captions: dict[str, str] | None = None) -> Path:
    """Placeholder (being written)."""
    return Path(figures_dir) / "README.md"
