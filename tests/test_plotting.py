"""Tests of slam_theory.plotting: the style, reproducible saving and the shared axes helpers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from tiny_results import digest

from slam_theory import halfspaces
from slam_theory import plotting as P
from slam_theory.experiments import halfspace_trial


def _demo_figure() -> matplotlib.figure.Figure:
    with P.paper_style():
        fig, ax = P.new_figure()
        x = np.array([2.0, 4.0, 8.0, 16.0])
        Y = np.outer(x**2, [0.8, 1.0, 1.3])
        P.median_band(ax, x, Y, style="slam")
        P.median_band(ax, x, 2 * Y, style="leaky_relu", band="10-90")
        P.theory_line(ax, x, 2, (2.0, 4.0), var=r"1/\varepsilon")
        P.loglog(ax, xlabel=r"$1/\varepsilon$", ylabel="samples $n$")
    return fig


def test_import_does_not_set_backend() -> None:
    code = ("import matplotlib; import slam_theory.plotting, slam_theory.experiments.noise_rate;"
            "print(matplotlib.rcParams._get_backend_or_none())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PATH": "", "MPLBACKEND": ""}, check=True)
    assert out.stdout.strip() == "None"
    # the check can fail: a module that chooses a backend is seen
    bad = subprocess.run([sys.executable, "-c", "import matplotlib; matplotlib.use('Agg');"
                          "print(matplotlib.rcParams._get_backend_or_none())"],
                         capture_output=True, text=True, env={"PATH": ""}, check=True)
    assert bad.stdout.strip().lower() == "agg"


def test_style_file_and_context() -> None:
    assert P.STYLE_PATH.is_file() and P.STYLE_PATH.parent == Path(P.__file__).parent
    before = matplotlib.rcParams["font.size"]
    with P.paper_style(**{"legend.fontsize": 5.0}):
        assert matplotlib.rcParams["pdf.fonttype"] == 42
        assert matplotlib.rcParams["text.usetex"] is False
        assert matplotlib.rcParams["legend.fontsize"] == 5.0
        assert matplotlib.rcParams["figure.figsize"][0] == pytest.approx(P.COLUMN_WIDTH)
    assert matplotlib.rcParams["font.size"] == before


def test_palette_and_learner_styles() -> None:
    assert len(set(P.PALETTE.values())) == len(P.PALETTE)
    for name, st in P.LEARNER_STYLE.items():
        assert set(st) == {"color", "marker", "linestyle", "label"}, name
    assert P.learner_style("slam")["color"] == P.PALETTE["vermillion"]
    a, b = P.learner_style("something_new"), P.learner_style("something_new")
    assert a == b and a["label"] == "something_new"
    for name in (*halfspace_trial.LEARNERS, *halfspaces.LEARNER_NAMES):
        assert name in P.LEARNER_STYLE, name
    assert P.learner_rank("slam") < P.learner_rank("perceptron") < P.learner_rank("nope") == 99


def test_new_figure_width() -> None:
    with P.paper_style():
        fig, _ = P.new_figure(width="full")
        assert fig.get_size_inches()[0] == pytest.approx(P.FULL_WIDTH)
        plt.close(fig)
        with pytest.raises(ValueError, match="width"):
            P.new_figure(width="huge")


def test_save_figure_reproducible(tmp_path: Path) -> None:
    p1 = P.save_figure(_demo_figure(), tmp_path / "a", "demo", dpi=72)
    p2 = P.save_figure(_demo_figure(), tmp_path / "b", "demo", dpi=72)
    assert [p.name for p in p1] == ["demo.pdf", "demo.png"]
    assert all(p.is_file() and p.stat().st_size > 500 for p in p1)
    for x, y in zip(p1, p2):
        assert digest(x) == digest(y), x.name
    pdf = p1[0].read_bytes()
    assert b"/Type3" not in pdf  # no Type 3 fonts
    assert b"/FontFile2" in pdf  # embedded TrueType (Type 42)
    assert b"CreationDate" not in pdf
    # the check can fail: a figure saved with matplotlib's defaults carries a creation date
    fig = _demo_figure()
    fig.savefig(tmp_path / "plain.pdf")
    plt.close(fig)
    assert b"CreationDate" in (tmp_path / "plain.pdf").read_bytes()
    assert not plt.get_fignums()


def test_save_figure_rejects_bad_name(tmp_path: Path) -> None:
    fig = _demo_figure()
    with pytest.raises(ValueError, match="plain file stem"):
        P.save_figure(fig, tmp_path, "a/b")
    plt.close(fig)


def test_seed_matrix_and_median_band() -> None:
    rows = [
        {"learner": "slam", "n": n, "seed": s, "disagreement": 1.0 / n + s}
        for n in (10, 100) for s in range(3)
    ] + [{"learner": "other", "n": 10, "seed": 0, "disagreement": 9.0}]
    x, Y = P.seed_matrix(rows, "n", "disagreement", where={"learner": "slam"})
    np.testing.assert_array_equal(x, [10, 100])
    assert Y.shape == (2, 3)
    np.testing.assert_allclose(np.median(Y, axis=1), [1.1, 1.01])
    _, Y2 = P.seed_matrix(rows, "n", "disagreement", where=lambda r: r["seed"] == 0)
    assert Y2.shape == (2, 2) and np.isnan(Y2[1, 1])
    with P.paper_style():
        fig, ax = P.new_figure()
        line = P.median_band(ax, x, Y, style="slam")
        np.testing.assert_allclose(line.get_ydata(), [1.1, 1.01])
        assert line.get_label() == "SLaM"
        Y[0, :] = np.nan
        line = P.median_band(ax, x, Y, label="gaps")
        np.testing.assert_array_equal(line.get_xdata(), [100])
        with pytest.raises(ValueError, match="band"):
            P.median_band(ax, x, Y, band="bogus")
        with pytest.raises(ValueError, match="shape"):
            P.median_band(ax, x, Y[:1], label="short")
        plt.close(fig)


def test_theory_line_and_log_axes() -> None:
    with P.paper_style():
        fig, ax = P.new_figure()
        line = P.theory_line(ax, [1, 10], -2, (1.0, 3.0), var=r"\varepsilon")
        assert line.get_label() == r"$\propto \varepsilon^{-2}$"
        y = line.get_ydata()
        assert y[0] == pytest.approx(3.0) and y[-1] == pytest.approx(0.03)
        assert "(1/" in P.theory_line(ax, [1, 2], 2, (1, 1), var=r"1/\gamma").get_label()
        with pytest.raises(ValueError, match="positive"):
            P.theory_line(ax, [0, -1], 1, (1, 1))
        P.loglog(ax, xlabel="x", ylabel="y")
        assert ax.get_xscale() == ax.get_yscale() == "log"
        assert ax.get_legend() is not None
        fmt = ax.xaxis.get_major_formatter()
        assert fmt(100.0) == "100" and fmt(1e6) == r"$10^{6}$"
        plt.close(fig)


def test_format_slope_and_as_float() -> None:
    assert P.format_slope({"exponent": 1.234, "ci": [1.0, 1.5]}) == "slope 1.23 [1.00, 1.50]"
    assert P.format_slope({"exponent": 1.0, "ci": [None, None]}) == "slope 1.00"
    assert P.format_slope(None) == ""
    assert P.as_float("2") == 2.0 and np.isnan(P.as_float(None))


def test_load_results(tmp_path: Path) -> None:
    assert P.load_results(tmp_path) == ([], {})
    (tmp_path / "trials.csv").write_text("learner,n,seed,row,disagreement\nslam,10,0,0,0.25\n")
    (tmp_path / "summary.json").write_text(json.dumps({"claims": []}))
    rows, summary = P.load_results(tmp_path)
    assert summary == {"claims": []}
    assert len(rows) == 1 and rows[0]["n"] == 10 and rows[0]["disagreement"] == 0.25
