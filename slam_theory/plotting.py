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

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

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
    # convergence trajectories (trials.convergence_trajectory's ``learner``)
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
    """Label minor ticks 2 and 5 per decade only when the axis spans under ~2 decades."""

    def __call__(self, x: float, pos: Any = None) -> str:
        lo, hi = self.axis.get_view_interval()
        if lo <= 0 or hi <= 0 or math.log10(hi / lo) > 2.1:
            return ""
        show = (2, 3, 5) if math.log10(hi / lo) <= 1.0 else (2, 5)
        lead = x / 10 ** math.floor(math.log10(x) + 1e-12)
        return _plain_number(x) if round(lead) in show and abs(lead - round(lead)) < 1e-6 else ""


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
# helpers shared by the figure functions
# ============================================================================================
def _parse_series(key: str) -> tuple[str, dict[str, str]]:
    """Split an analysis series key ``learner|k=v|...`` into the learner and its extras."""
    parts = str(key).split("|")
    extra = {}
    for part in parts[1:]:
        k, _, v = part.partition("=")
        extra[k] = v
    return parts[0], extra


def _series_rows(
    rows: Sequence[Mapping[str, Any]], key: str
) -> list[Mapping[str, Any]]:
    learner, extra = _parse_series(key)
    return [
        r
        for r in rows
        if str(r.get("learner")) == learner
        and all(str(r.get(k)) == v for k, v in extra.items())
    ]


def _series_label(key: str, drop: Iterable[str] = ()) -> str:
    learner, extra = _parse_series(key)
    label = learner_label(learner)
    shown = [f"{k}={v}" for k, v in extra.items() if k not in set(drop)]
    return label + (f" ({', '.join(shown)})" if shown else "")


def _crossing(ns: np.ndarray, med: np.ndarray, eps: float) -> np.ndarray:
    """First n at which each row of ``med`` is <= eps, log-log interpolated (NaN if none/first).

    Mirrors :mod:`slam_theory.analysis`'s rule so error bars match its point estimates.
    """
    med = np.atleast_2d(np.asarray(med, dtype=float))
    below = med <= eps
    k = np.argmax(below, axis=1)
    ok = below.any(axis=1) & (k > 0)
    out = np.full(med.shape[0], np.nan)
    if not ok.any():
        return out
    rows = np.nonzero(ok)[0]
    kk = k[rows]
    m0, m1 = med[rows, kk - 1], med[rows, kk]
    with np.errstate(divide="ignore", invalid="ignore"):
        t_log = (math.log(eps) - np.log(m0)) / (np.log(m1) - np.log(m0)) if eps > 0 else 0.0
        t_lin = (eps - m0) / (m1 - m0)
    t = np.where((m0 > 0) & (m1 > 0) & (eps > 0), t_log, t_lin)
    t = np.clip(np.nan_to_num(t, nan=1.0), 0.0, 1.0)
    ln0, ln1 = np.log(ns[kk - 1]), np.log(ns[kk])
    out[rows] = np.exp(ln0 + t * (ln1 - ln0))
    return out


def _threshold_interval(
    rows: Sequence[Mapping[str, Any]],
    eps: float,
    *,
    n_boot: int = 400,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``n_needed(eps)``: seeds resampled within each n cell."""
    by_n: dict[float, list[float]] = {}
    for r in rows:
        n, v = _num(r.get("n")), _num(r.get("disagreement"))
        if math.isfinite(n) and math.isfinite(v):
            by_n.setdefault(n, []).append(v)
    if len(by_n) < 2:
        return math.nan, math.nan
    ns = np.array(sorted(by_n))
    rng = np.random.default_rng([seed, round(1e6 * eps)])
    meds = np.empty((n_boot, ns.size))
    for j, n in enumerate(ns):
        v = np.array(by_n[float(n)])
        idx = rng.integers(0, v.size, size=(n_boot, v.size))
        meds[:, j] = np.median(v[idx], axis=1)
    cross = _crossing(ns, meds, eps)
    ok = cross[np.isfinite(cross)]
    if ok.size < n_boot / 2:
        return math.nan, math.nan
    a = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(ok, [a, 1.0 - a])
    return float(lo), float(hi)


def _outside_legend(fig: Figure, ax: Axes, ncols: int = 2, **kw: Any) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols, **kw)


def _fmt_exp(fit: Mapping[str, Any] | None) -> str:
    if not fit or fit.get("exponent") is None:
        return ""
    e = fit["exponent"]
    ci = fit.get("ci") or [None, None]
    if ci[0] is None or ci[1] is None:
        return f"slope {e:.2f}"
    return f"slope {e:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]"


def _learner_order(keys: Iterable[str]) -> list[str]:
    order = {name: i for i, name in enumerate(LEARNER_STYLE)}
    return sorted(keys, key=lambda k: (order.get(_parse_series(k)[0], 99), k))


def _note(ax: Axes, text: str) -> None:
    ax.text(
        0.02, 0.02, text, transform=ax.transAxes, fontsize=5.5, color=THEORY_COLOR,
        ha="left", va="bottom",
    )


# ============================================================================================
# sample complexity (eps, gamma)
# ============================================================================================
def _threshold_figure(
    results_dir: Path,
    figures_dir: Path,
    name: str,
    *,
    param: str,
    xlabel: str,
    theory: Sequence[tuple[float, str]],
) -> list[Path]:
    rows, summary = load_results(results_dir)
    ths = summary.get("thresholds") or {}
    fits = summary.get("fits") or {}
    claims = summary.get("claims") or []
    if not ths:
        return []
    # which eps table to draw for gamma / eta / d sweeps: the one the first claim used
    ekey = "all"
    if param != "eps":
        want = next((c.get("eps") for c in claims if c.get("eps") is not None), None)
        keys = sorted({k for t in ths.values() for k in t})
        ekey = keys[0]
        if want is not None:
            ekey = min(keys, key=lambda k: abs(float(k) - float(want)))
    paths: list[Path] = []
    with paper_style():
        fig, ax = new_figure(height=3.1)
        anchor_pts: list[tuple[float, float]] = []
        never: list[str] = []
        for key in _learner_order(ths):
            t = ths[key].get(ekey)
            if not t:
                continue
            x = np.asarray(t["x"], dtype=float)
            nn = np.array([_num(v) for v in t["n_needed"]])
            ok = np.isfinite(nn)
            if not ok.any():
                never.append(learner_label(_parse_series(key)[0]))
                continue
            srows = _series_rows(rows, key)
            lo = np.full(x.size, np.nan)
            hi = np.full(x.size, np.nan)
            for j, v in enumerate(t["values"]):
                if not ok[j]:
                    continue
                if param == "eps":
                    sub, e = srows, float(v)
                else:
                    sub = [r for r in srows if math.isclose(_num(r.get(param)), float(v))]
                    e = float(ekey)
                lo[j], hi[j] = _threshold_interval(sub, e)
            st = learner_style(_parse_series(key)[0])
            label = _series_label(key)
            fe = _fmt_exp((fits.get(key) or {}).get(ekey))
            if fe:
                label += f": {fe}"
            yerr = np.vstack([nn - np.where(np.isfinite(lo), lo, nn),
                              np.where(np.isfinite(hi), hi, nn) - nn])
            ax.errorbar(
                x[ok], nn[ok], yerr=np.clip(yerr[:, ok], 0, None), color=st["color"],
                marker=st["marker"], linestyle=st["linestyle"], label=label,
                elinewidth=0.6, capthick=0.6,
            )
            j0 = int(np.argmin(np.where(ok, x, np.inf)))
            if ok.sum() >= 2:  # anchor theory lines on series with a slope
                anchor_pts.append((float(x[j0]), float(nn[j0])))
        if anchor_pts:
            x_all = np.concatenate([np.asarray(t[ekey]["x"], float) for t in ths.values()
                                    if ekey in t])
            x0 = min(p[0] for p in anchor_pts)
            y0 = float(np.exp(np.median([math.log(p[1]) for p in anchor_pts if p[0] == x0])))
            for (expo, lab), lsty in zip(theory, ("--", ":", "-.")):
                theory_line(ax, x_all, expo, (x0, y0), label=lab, linestyle=lsty)
        loglog(ax, xlabel=xlabel, ylabel=r"samples needed $n_\varepsilon$", legend=False)
        if param != "eps":
            ax.set_title(rf"target $\varepsilon = {float(ekey):g}$", fontsize=7)
        if never:
            _note(ax, "never reached: " + ", ".join(never))
        _outside_legend(fig, ax, ncols=1)
        paths += save_figure(fig, figures_dir, name)
    return paths


def _curves_figure(
    results_dir: Path, figures_dir: Path, name: str, *, eps_lines: Sequence[float] = ()
) -> list[Path]:
    """Median disagreement vs n per learner (IQR band), symlog y so that 0 is shown."""
    rows, _ = load_results(results_dir)
    if not rows:
        return []
    learners = _learner_order({str(r.get("learner")) for r in rows})
    with paper_style():
        fig, ax = new_figure(height=3.0)
        for name_l in learners:
            x, Y = seed_matrix(rows, "n", "disagreement", where={"learner": name_l})
            median_band(ax, x, Y, style=name_l)
        for e in eps_lines:
            ax.axhline(e, color=THEORY_COLOR, linewidth=0.4, linestyle=":")
        ax.set_xscale("log")
        _tidy_log_axis(ax.xaxis)
        ax.set_yscale("symlog", linthresh=1e-3, linscale=0.4)
        ax.set_ylim(0, 0.6)
        ax.set_xlabel("samples $n$")
        ax.set_ylabel(r"disagreement with $w^*$")
        _outside_legend(fig, ax, ncols=2)
        return save_figure(fig, figures_dir, name)


def fig_sample_complexity_eps(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Samples needed vs ``1/eps`` per learner, with bootstrap bars and theory slopes.

    Draws ``sample_complexity_eps`` (log-log ``n_eps`` vs ``1/eps``: the summary's threshold
    point estimates, 95% bootstrap bars over seeds, fitted slopes in the legend, reference
    lines ``eps^-2`` (the SLaM / DDKWZ23 upper bound) and ``eps^-1`` (the
    information-theoretic rate)) and ``sample_complexity_eps_curves`` (median disagreement
    vs ``n`` with IQR bands and the eps targets).

    Parameters
    ----------
    results_dir : Path
        ``results/sample_complexity_eps/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    results_dir, figures_dir = Path(results_dir), Path(figures_dir)
    paths = _threshold_figure(
        results_dir, figures_dir, "sample_complexity_eps", param="eps",
        xlabel=r"$1/\varepsilon$",
        theory=[(2.0, r"$\propto \varepsilon^{-2}$ (upper bound)"),
                (1.0, r"$\propto \varepsilon^{-1}$ (information-theoretic)")],
    )
    _, summary = load_results(results_dir)
    eps = (summary.get("thresholds") or {})
    eps_vals = []
    for t in eps.values():
        if "all" in t:
            eps_vals = [float(v) for v in t["all"]["values"]]
            break
    paths += _curves_figure(results_dir, figures_dir, "sample_complexity_eps_curves",
                            eps_lines=eps_vals)
    write_index(figures_dir)
    return paths


def fig_sample_complexity_gamma(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Samples needed vs ``1/gamma`` per learner, with ``gamma^-2`` and ``gamma^-4`` lines.

    Parameters
    ----------
    results_dir : Path
        ``results/sample_complexity_gamma/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    paths = _threshold_figure(
        Path(results_dir), Path(figures_dir), "sample_complexity_gamma", param="gamma",
        xlabel=r"$1/\gamma$",
        theory=[(2.0, r"$\propto \gamma^{-2}$ (SLaM, DDKWZ23)"),
                (4.0, r"$\propto \gamma^{-4}$ (older route, DGT19)")],
    )
    write_index(figures_dir)
    return paths


# ============================================================================================
# noise rate
# ============================================================================================
def fig_noise_rate(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Disagreement vs ``eta`` at the largest ``n``; ``n_eps`` vs ``1/(1-2eta)``.

    Parameters
    ----------
    results_dir : Path
        ``results/noise_rate/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    rows, summary = load_results(results_dir)
    if not rows:
        return []
    n_max = max(_num(r.get("n")) for r in rows)
    learners = _learner_order({str(r.get("learner")) for r in rows})
    eps = None
    for c in summary.get("claims") or []:
        if c.get("eps") is not None:
            eps = float(c["eps"])
            break
    paths: list[Path] = []
    with paper_style():
        fig, axes = new_figure(1, 2, width="full", height=2.7)
        ax = axes[0]
        for name in learners:
            x, Y = seed_matrix(
                rows, "eta", "disagreement",
                where=lambda r, name=name: r.get("learner") == name and _num(r.get("n")) == n_max,
            )
            median_band(ax, x, Y, style=name)
        if eps is not None:
            ax.axhline(eps, color=THEORY_COLOR, linewidth=0.6, linestyle=":",
                       label=rf"target $\varepsilon = {eps:g}$")
        ax.set_yscale("symlog", linthresh=1e-3, linscale=0.4)
        ax.set_ylim(0, 0.6)
        ax.set_xlabel(r"noise rate $\eta$")
        ax.set_ylabel(r"disagreement with $w^*$")
        ax.set_title(rf"$n = {int(n_max)}$", fontsize=7)
        # right: thresholds vs 1/(1-2 eta)
        ax2 = axes[1]
        ths = summary.get("thresholds") or {}
        fits = summary.get("fits") or {}
        ekey = None
        if ths:
            keys = sorted({k for t in ths.values() for k in t})
            ekey = keys[0]
            if eps is not None:
                ekey = min(keys, key=lambda k: abs(float(k) - eps))
        pts: list[tuple[float, float]] = []
        for key in _learner_order(ths):
            t = ths[key].get(ekey) if ekey else None
            if not t:
                continue
            x = np.asarray(t["x"], dtype=float)
            nn = np.array([_num(v) for v in t["n_needed"]])
            ok = np.isfinite(nn)
            if ok.sum() == 0:
                continue
            st = learner_style(_parse_series(key)[0])
            fe = _fmt_exp((fits.get(key) or {}).get(ekey))
            ax2.plot(x[ok], nn[ok], color=st["color"], marker=st["marker"],
                     linestyle=st["linestyle"],
                     label=f"{st['label']}: {fe}" if fe else st["label"])
            j0 = int(np.argmin(np.where(ok, x, np.inf)))
            if ok.sum() >= 2:
                pts.append((float(x[j0]), float(nn[j0])))
        if pts:
            xs = np.concatenate([np.asarray(t[ekey]["x"], float) for t in ths.values()
                                 if ekey in t])
            x0 = min(p[0] for p in pts)
            y0 = float(np.exp(np.median([math.log(p[1]) for p in pts if p[0] == x0])))
            theory_line(ax2, xs, 1.0, (x0, y0), var=r"(1-2\eta)^{-1}",
                        label=r"$\propto (1-2\eta)^{-1}$")
            theory_line(ax2, xs, 2.0, (x0, y0), linestyle=":",
                        label=r"$\propto (1-2\eta)^{-2}$")
            loglog(ax2, xlabel=r"$1/(1-2\eta)$", ylabel=r"samples needed $n_\varepsilon$",
                   legend="upper left")
            ax2.set_title(rf"target $\varepsilon = {float(ekey):g}$", fontsize=7)
        else:
            ax2.set_axis_off()
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5))
        paths += save_figure(fig, figures_dir, "noise_rate")
    write_index(figures_dir)
    return paths


# ============================================================================================
# convergence
# ============================================================================================
#: Panels of the convergence figure: (y label, [(metric, label suffix)], reference exponent).
_CONV_PANELS: tuple[tuple[str, tuple[tuple[str, str], ...], float], ...] = (
    (r"objective gap / $E_1(T)$", (("objective_gap", "gap"), ("e1", "$E_1$")), -0.5),
    (r"$\min_{t \leq T} \|\nabla F(w_t)\|^2$", (("stationarity", ""),), -0.5),
    (r"disagreement with $w^*$", (("disagreement", ""),), -0.5),
)


def _conv_rows(rows: Sequence[Mapping[str, Any]], learner: str, metric: str):
    return seed_matrix(
        rows, "iteration", metric,
        where=lambda r: r.get("learner") == learner and _num(r.get("iteration")) >= 1
        and metric in r and r.get(metric) is not None,
    )


def fig_convergence_forward(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Objective gap / E1, stationarity and disagreement vs iteration (log-log), per learner.

    Median over seeds with an IQR band (non-positive values, e.g. a gap below the reference
    by sampling error, cannot be shown on a log axis and are left out); the summary's fitted
    tail slopes are in the legends.  Reference lines: the ``T^{-1/2}`` rate each claim is
    compared with (O(1/sqrt T) SGD stationarity; DDKWZ23's ``E1``), DDKWZ23's bound
    ``2(1 - eta)/sqrt(T + 1)`` on ``E1`` and their error bound ``4(1 - eta)/(gamma
    sqrt(T + 1))``, both read from the trajectory rows (``e1_bound``, ``error_bound``).

    Parameters
    ----------
    results_dir : Path
        ``results/convergence_forward/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    rows, summary = load_results(results_dir)
    if not rows:
        return []
    fits = summary.get("fits") or {}
    learners = _learner_order({str(r.get("learner")) for r in rows})
    its = np.array([_num(r.get("iteration")) for r in rows if _num(r.get("iteration")) >= 1])
    bound_col = {"e1": "e1_bound", "disagreement": "error_bound"}
    bound_label = {
        "e1_bound": r"DDKWZ23 bound on $E_1$: $2(1-\eta)/\sqrt{T+1}$",
        "error_bound": r"DDKWZ23 error bound $4(1-\eta)/(\gamma\sqrt{T+1})$",
    }
    with paper_style():
        fig, axes = new_figure(1, len(_CONV_PANELS), width="full", height=2.9)
        handles: dict[str, Any] = {}
        for k, (ax, (ylabel, metrics, ref)) in enumerate(
            zip(np.atleast_1d(axes), _CONV_PANELS)
        ):
            anchors = []
            slopes = []
            lows = []
            for name in learners:
                for metric, suffix in metrics:
                    x, Y = _conv_rows(rows, name, metric)
                    if x.size == 0 or not np.isfinite(Y).any():
                        continue
                    Y = np.where(Y > 0, Y, np.nan)
                    st = learner_style(name)
                    line = median_band(ax, x, Y, style=name, marker="", min_count=1)
                    handles.setdefault(st["label"], line)
                    fe = _fmt_exp((fits.get(name) or {}).get(metric))
                    if fe:
                        slopes.append((st["color"], (f"{suffix}: " if suffix else "") + fe))
                    with np.errstate(all="ignore"), contextlib.suppress(RuntimeWarning):
                        import warnings

                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", RuntimeWarning)
                            med = np.nanmedian(Y, axis=1)
                    okm = np.isfinite(med)
                    if okm.any():
                        anchors.append((float(x[okm][-1]), float(med[okm][-1])))
                        lows.append(float(np.nanmin(med[okm])))
                    col = bound_col.get(metric)
                    if col:
                        bx, bY = _conv_rows(rows, name, col)
                        if bx.size and np.isfinite(bY).any():
                            (bl,) = ax.plot(bx, np.nanmedian(bY, axis=1), color=THEORY_COLOR,
                                            linestyle="-." if col == "e1_bound" else ":",
                                            linewidth=0.9)
                            handles.setdefault(bound_label[col], bl)
            if anchors:
                xa, ya = max(anchors, key=lambda p: p[1])
                tl = theory_line(ax, its, ref, (xa, ya * 1.5), label=None)
                handles.setdefault(r"reference slope $\propto T^{-1/2}$", tl)
            loglog(ax, xlabel="iteration $T$", ylabel=ylabel, legend=False)
            if lows:
                ax.set_ylim(bottom=min(lows) / 3.0)
            if any(m == "disagreement" for m, _ in metrics):
                ax.set_ylim(top=1.0)
            bottom = any(m == "disagreement" for m, _ in metrics)  # top right is busy there
            for i_s, (color, text) in enumerate(slopes):
                y_t = 0.03 + 0.075 * i_s if bottom else 0.97 - 0.075 * i_s
                ax.text(0.98, y_t, text, transform=ax.transAxes, ha="right",
                        va="bottom" if bottom else "top", fontsize=5.5, color=color)
            ax.set_title(f"({'abc'[k]})", fontsize=7, loc="left")
        fig.legend(list(handles.values()), list(handles), loc="outside lower center", ncols=3)
        paths = save_figure(fig, figures_dir, "convergence_forward")
    write_index(figures_dir)
    return paths


# ============================================================================================
# Massart robustness
# ============================================================================================
def fig_massart_robustness(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Disagreement vs ``eta_max`` under Massart noise, per learner (one panel per noise shape).

    Parameters
    ----------
    results_dir : Path
        ``results/massart_robustness/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    rows, _ = load_results(results_dir)
    if not rows:
        return []
    n_max = max(_num(r.get("n")) for r in rows)
    rows = [r for r in rows if _num(r.get("n")) == n_max]
    shapes = sorted({str(r.get("massart_fn", "halfspace")) for r in rows})
    learners = _learner_order({str(r.get("learner")) for r in rows})
    titles = {
        "halfspace": r"$\eta(x) = \eta_{\max} 1[u \cdot x > 0]$",
        "boundary": r"$\eta(x) = \eta_{\max} 1[|w^* \cdot x| < 2\gamma]$",
        "decay": r"$\eta(x) = \eta_{\max} e^{-(|w^*\cdot x| - \gamma)/\gamma}$",
    }
    with paper_style():
        fig, axes = new_figure(1, len(shapes), width="full" if len(shapes) > 1 else "column",
                               height=2.6, sharey=True)
        axes = np.atleast_1d(axes)
        for ax, shape in zip(axes, shapes):
            for name in learners:
                x, Y = seed_matrix(
                    rows, "eta", "disagreement",
                    where=lambda r, name=name, shape=shape: r.get("learner") == name
                    and str(r.get("massart_fn", "halfspace")) == shape,
                )
                median_band(ax, x, Y, style=name)
            ax.set_yscale("symlog", linthresh=1e-3, linscale=0.4)
            ax.set_ylim(0, 0.6)
            ax.set_xlabel(r"Massart bound $\eta_{\max}$")
            ax.set_title(titles.get(shape, shape), fontsize=6.5)
        axes[0].set_ylabel(rf"disagreement with $w^*$ ($n = {int(n_max)}$)")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5))
        paths = save_figure(fig, figures_dir, "massart_robustness")
    write_index(figures_dir)
    return paths


# ============================================================================================
# dimension-free learning
# ============================================================================================
def _proj_label(rows: Sequence[Mapping[str, Any]], key: str) -> str:
    learner, extra = _parse_series(key)
    base = learner_label(learner)
    pd = extra.get("project_dim")
    if pd is None:
        return _series_label(key)
    if _num(pd) == 0:
        return f"{base}, no projection"
    dims = sorted({int(_num(r.get("dim"))) for r in _series_rows(rows, key)
                   if math.isfinite(_num(r.get("dim")))})
    m = f"m = {dims[0]}" if len(dims) == 1 else "m = " + "/".join(str(v) for v in dims)
    return f"{base}, JL to {m}"


def fig_dimension_free(results_dir: Path, figures_dir: Path) -> list[Path]:
    """Samples needed vs ``d`` with/without JL projection, and disagreement at fixed ``n`` vs ``d``.

    Left: the summary's ``n_eps`` thresholds vs ``d`` (log-log, 95% bootstrap bars, fitted
    slopes; series whose threshold lies below the smallest ``n`` of the grid are drawn as
    open down-triangles at that ``n``, i.e. upper bounds), with reference slopes ``d^1`` and
    ``d^0``.  Right: median disagreement (IQR band) at a middle grid ``n`` vs ``d``.

    Parameters
    ----------
    results_dir : Path
        ``results/dimension_free/``.
    figures_dir : Path
        Output directory.

    Returns
    -------
    list of Path
    """
    rows, summary = load_results(results_dir)
    if not rows:
        return []
    fits = summary.get("fits") or {}
    ths = summary.get("thresholds") or {}
    ns = sorted({_num(r.get("n")) for r in rows})
    n_min = ns[0]
    n_mid = ns[len(ns) // 2]
    keys = sorted({str(r.get("learner")) + f"|project_dim={r.get('project_dim', 0)}"
                   for r in rows})
    with paper_style():
        fig, (ax, ax2) = new_figure(1, 2, width="full", height=2.8)
        ekey = None
        if ths:
            ekeys = sorted({k for t in ths.values() for k in t})
            want = next((c.get("eps") for c in summary.get("claims") or []
                         if c.get("eps") is not None), None)
            ekey = ekeys[0] if want is None else min(ekeys, key=lambda k: abs(float(k) - want))
        pts = []
        for key in _learner_order(ths):
            t = ths[key].get(ekey) if ekey else None
            if not t:
                continue
            learner, extra = _parse_series(key)
            st = learner_style(learner)
            proj = _num(extra.get("project_dim", 0)) != 0
            x = np.asarray(t["x"], dtype=float)
            nn = np.array([_num(v) for v in t["n_needed"]])
            ok = np.isfinite(nn)
            below = np.array([s_ == "below_grid" for s_ in t["status"]])
            label = _proj_label(rows, key)
            if ok.any():
                srows = _series_rows(rows, key)
                lo = np.full(x.size, np.nan)
                hi = np.full(x.size, np.nan)
                for j_, v in enumerate(t["values"]):
                    if ok[j_]:
                        sub = [r for r in srows if math.isclose(_num(r.get("d")), float(v))]
                        lo[j_], hi[j_] = _threshold_interval(sub, float(ekey))
                yerr = np.vstack([nn - np.where(np.isfinite(lo), lo, nn),
                                  np.where(np.isfinite(hi), hi, nn) - nn])
                fe = _fmt_exp((fits.get(key) or {}).get(ekey))
                ax.errorbar(
                    x[ok], nn[ok], yerr=np.clip(yerr[:, ok], 0, None), color=st["color"],
                    marker=st["marker"], linestyle="-" if proj else "--",
                    mfc=st["color"] if proj else "white", elinewidth=0.6,
                    label=label + (f": {fe}" if fe else ""),
                )
                pts.append((int(ok.sum()), float(x[ok][0]), float(nn[ok][0])))
            if below.any():
                ax.plot(x[below], np.full(below.sum(), n_min), linestyle="none", marker="v",
                        color=st["color"], mfc="white",
                        label=f"{label}: below grid ($n_\\varepsilon \\leq {int(n_min)}$)")
        if pts:
            xs = np.array(sorted({_num(r.get("d")) for r in rows}))
            _, x0, y0 = max(pts)
            theory_line(ax, xs, 1.0, (x0, y0), linestyle=":", label=r"$\propto d$")
            theory_line(ax, xs, 0.0, (x0, y0), label=r"$\propto d^{0}$ (dimension-free)")
        loglog(ax, xlabel="dimension $d$", ylabel=r"samples needed $n_\varepsilon$",
               legend=False)
        if ekey is not None:
            ax.set_title(rf"target $\varepsilon = {float(ekey):g}$", fontsize=7)
        for key in _learner_order(keys):
            learner, extra = _parse_series(key)
            st = learner_style(learner)
            proj = _num(extra.get("project_dim")) != 0
            x, Y = seed_matrix(
                rows, "d", "disagreement",
                where=lambda r, learner=learner, extra=extra: r.get("learner") == learner
                and str(r.get("project_dim", 0)) == extra["project_dim"]
                and _num(r.get("n")) == n_mid,
            )
            median_band(ax2, x, Y, style=learner, linestyle="-" if proj else "--",
                        label=_proj_label(rows, key), mfc=st["color"] if proj else "white")
        ax2.set_xscale("log")
        _tidy_log_axis(ax2.xaxis)
        ax2.set_yscale("symlog", linthresh=1e-3, linscale=0.4)
        ax2.set_ylim(0, 0.6)
        ax2.set_xlabel("dimension $d$")
        ax2.set_ylabel(r"disagreement with $w^*$")
        ax2.set_title(rf"$n = {int(n_mid)}$", fontsize=7)
        ax2.legend(loc="best", fontsize=5.5)
        _outside_legend(fig, ax, ncols=3)
        paths = save_figure(fig, figures_dir, "dimension_free")
    write_index(figures_dir)
    return paths


# ============================================================================================
# index
# ============================================================================================
#: One-line captions of the figures this module draws (figures/README.md).
FIGURE_CAPTIONS: dict[str, str] = {
    "sample_complexity_eps": "Samples needed to reach disagreement eps vs 1/eps (log-log) per "
    "learner, under RCN at fixed gamma and eta: threshold of the median over seeds, 95% "
    "bootstrap bars, fitted slopes, reference slopes eps^-2 (upper bound) and eps^-1 "
    "(information-theoretic).",
    "sample_complexity_eps_curves": "Median disagreement with w* vs sample size n (IQR band "
    "over seeds) per learner; dotted lines are the eps targets of the threshold figure.",
    "sample_complexity_gamma": "Samples needed to reach the target eps vs 1/gamma (log-log) per "
    "learner, with reference slopes gamma^-2 (SLaM / DDKWZ23) and gamma^-4 (older route).",
    "noise_rate": "Left: disagreement at the largest n vs the RCN rate eta (median, IQR band); "
    "right: samples needed vs 1/(1-2 eta) with reference slopes 1 and 2.",
    "convergence_forward": "(a) objective gap of SGD on the SLaM/forward loss and DDKWZ23's "
    "E1 for LeakyReLU, (b) SGD stationarity min_t ||grad F||^2, (c) disagreement, vs "
    "iteration (log-log, median and IQR over seeds), with fitted tail slopes, the T^-1/2 "
    "reference slope and DDKWZ23's bounds.",
    "massart_robustness": "Disagreement vs the Massart bound eta_max per learner, one panel per "
    "flip-probability function (measured, no claim).",
    "dimension_free": "Left: samples needed vs dimension d with and without a JL projection "
    "to m = O(log(1/beta)/gamma^2) dimensions (reference slopes d^1, d^0); right: "
    "disagreement at a fixed n vs d.",
}


def write_index(
    figures_dir: str | os.PathLike[str], captions: Mapping[str, str] | None = None
) -> Path:
    """Write ``figures_dir/README.md`` listing every figure (PNG/PDF pair) with a caption.

    Captions come from :data:`FIGURE_CAPTIONS`, from ``FIGURE_CAPTIONS`` of
    :mod:`slam_theory.distill_experiments` when that module defines one, then ``captions``.

    Parameters
    ----------
    figures_dir : path-like
        The figures directory.
    captions : mapping, optional
        Extra ``{stem: caption}`` entries (override the others).

    Returns
    -------
    Path
        The README written.
    """
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    caps: dict[str, str] = dict(FIGURE_CAPTIONS)
    try:
        import importlib

        mod = importlib.import_module("slam_theory.distill_experiments")
        caps.update(getattr(mod, "FIGURE_CAPTIONS", {}) or {})
    except Exception:
        pass
    caps.update(captions or {})
    stems = sorted({p.stem for p in figures_dir.glob("*.png")} |
                   {p.stem for p in figures_dir.glob("*.pdf")})
    lines = [
        "# Figures",
        "",
        "Generated by `slam-theory figures` from `results/*/trials.csv` and `summary.json`",
        "(regenerate with `slam-theory reproduce --quick`). PDF for papers, PNG for this page.",
        "",
    ]
    for stem in stems:
        files = [f"[{ext}]({stem}.{ext})" for ext in ("pdf", "png")
                 if (figures_dir / f"{stem}.{ext}").exists()]
        cap = caps.get(stem, "")
        lines.append(f"- **{stem}** ({', '.join(files)}){': ' + cap if cap else ''}")
    lines.append("")
    out = figures_dir / "README.md"
    text = "\n".join(lines)
    if not out.exists() or out.read_text() != text:
        out.write_text(text)
    return out
