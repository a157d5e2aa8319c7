"""Axes helpers shared by every figure: results loading, seeds x values matrices, median
bands, theory slopes, log axes with readable ticks, legends and notes.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from slam_theory.plotting.style import new_figure, paper_style
>>> rows = [{"n": n, "seed": s, "disagreement": 1.0 / n} for n in (10, 100) for s in (0, 1)]
>>> x, Y = seed_matrix(rows, "n", "disagreement")
>>> x.tolist(), Y.shape
([10.0, 100.0], (2, 2))
>>> with paper_style():
...     fig, ax = new_figure()
...     line = median_band(ax, x, Y, style="slam")
...     _ = theory_line(ax, x, -1, (10.0, 0.1), var="n")
...     _ = loglog(ax, xlabel="$n$", ylabel="error")
>>> line.get_ydata().tolist()
[0.1, 0.01]
>>> plt.close(fig)
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.ticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from slam_theory.plotting.style import THEORY_COLOR, learner_style
from slam_theory.results import SUMMARY_NAME, read_summary, read_trials

__all__ = [
    "as_float",
    "format_slope",
    "load_results",
    "loglog",
    "median_band",
    "note",
    "outside_legend",
    "seed_matrix",
    "theory_line",
    "tidy_log_axis",
]

def load_results(results_dir: str | os.PathLike[str]) -> tuple[list[dict[str, Any]], dict]:
    """Read an experiment's trial rows and its ``summary.json``.

    Parameters
    ----------
    results_dir : path-like
        ``results/<name>/``.

    Returns
    -------
    rows : list of dict
        Trial rows (``[]`` if there are none).
    summary : dict
        Parsed summary.json (``{}`` if missing).
    """
    results_dir = Path(results_dir)
    rows = read_trials(results_dir / "trials.csv")
    summary = read_summary(results_dir) if (results_dir / SUMMARY_NAME).exists() else {}
    return rows, summary


def as_float(value: Any) -> float:
    """``float(value)``, NaN where that fails (None, text).

    Examples
    --------
    >>> as_float("0.5"), as_float(None)
    (0.5, nan)
    """
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
                    if not math.isclose(as_float(rv), as_float(v), rel_tol=1e-12, abs_tol=0.0):
                        return False
                elif rv != v:
                    return False
            return True

    groups: dict[float, list[float]] = {}
    for r in rows:
        if not keep(r):
            continue
        xv = as_float(r.get(x_key))
        if math.isnan(xv):
            continue
        groups.setdefault(xv, []).append(as_float(r.get(y_key)))
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


def tidy_log_axis(axis: Any) -> None:
    """Plain-number major ticks and sparse minor labels on a log-scaled ``axis``."""
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
        tidy_log_axis(ax.xaxis)
    if y:
        ax.set_yscale("log")
        tidy_log_axis(ax.yaxis)
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


def outside_legend(fig: Figure, ax: Axes, ncols: int = 2, **kw: Any) -> None:
    """A figure legend below the axes holding ``ax``'s labelled artists (none if there are none)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols, **kw)


def format_slope(fit: Mapping[str, Any] | None) -> str:
    """Legend text of a fit the analysis wrote (``exponent``, ``ci``), ``""`` without one.

    Examples
    --------
    >>> format_slope({"exponent": 2.0, "ci": [1.5, 2.5]})
    'slope 2.00 [1.50, 2.50]'
    >>> format_slope({"exponent": None})
    ''
    """
    if not fit or fit.get("exponent") is None:
        return ""
    e = fit["exponent"]
    ci = fit.get("ci") or [None, None]
    if ci[0] is None or ci[1] is None:
        return f"slope {e:.2f}"
    return f"slope {e:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]"


def note(ax: Axes, text: str) -> None:
    """Small grey text in the lower left corner of ``ax``."""
    ax.text(
        0.02, 0.02, text, transform=ax.transAxes, fontsize=5.5, color=THEORY_COLOR,
        ha="left", va="bottom",
    )

