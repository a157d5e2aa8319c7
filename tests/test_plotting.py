"""Tests of slam_theory.plotting: style, reproducible saving, and the figure functions.

The figure functions are run on tiny results directories produced by the real engine
(``sweep.run_experiment``) on shrunken versions of the experiment files, so they see the
exact columns and summary keys that a real run writes.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import matplotlib
import numpy as np
import pytest

from slam_theory import plotting as P
from slam_theory import sweep

ROOT = Path(__file__).resolve().parents[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


# ------------------------------------------------------------------------------ style API
def test_style_file_and_context() -> None:
    assert P.STYLE_PATH.is_file()
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
    from slam_theory import trials

    for name in trials.LEARNERS:
        assert name in P.LEARNER_STYLE


def test_save_figure_reproducible(tmp_path: Path) -> None:
    p1 = P.save_figure(_demo_figure(), tmp_path / "a", "demo", dpi=72)
    p2 = P.save_figure(_demo_figure(), tmp_path / "b", "demo", dpi=72)
    assert [p.name for p in p1] == ["demo.pdf", "demo.png"]
    assert all(p.is_file() and p.stat().st_size > 500 for p in p1)
    for x, y in zip(p1, p2):
        assert _digest(x) == _digest(y), x.name
    pdf = p1[0].read_bytes()
    assert b"/Type3" not in pdf  # no Type 3 fonts
    assert b"/FontFile2" in pdf  # embedded TrueType (Type 42)
    assert b"CreationDate" not in pdf


def test_save_figure_rejects_bad_name(tmp_path: Path) -> None:
    fig = _demo_figure()
    with pytest.raises(ValueError, match="plain file stem"):
        P.save_figure(fig, tmp_path, "a/b")
    matplotlib.pyplot.close(fig)


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
        matplotlib.pyplot.close(fig)


def test_theory_line_and_fit() -> None:
    with P.paper_style():
        fig, ax = P.new_figure()
        line = P.theory_line(ax, [1, 10], -2, (1.0, 3.0), var=r"\varepsilon")
        assert line.get_label() == r"$\propto \varepsilon^{-2}$"
        y = line.get_ydata()
        assert y[0] == pytest.approx(3.0) and y[-1] == pytest.approx(0.03)
        assert "(1/" in P.theory_line(ax, [1, 2], 2, (1, 1), var=r"1/\gamma").get_label()
        matplotlib.pyplot.close(fig)
    slope, _ = P.fit_loglog([1, 2, 4, 8], [3, 12, 48, 192])
    assert slope == pytest.approx(2.0)
    assert np.isnan(P.fit_loglog([1], [1])[0])


# ------------------------------------------------------------------------------ figures
def _tiny(name: str) -> dict:
    """The quick preset of an experiment with a much smaller grid (same columns/analysis)."""
    cfg = copy.deepcopy(sweep.load_config(ROOT / "experiments" / f"{name}.toml", "quick"))
    g, f = cfg["grid"], cfg["fixed"]
    cfg["seeds"] = 3
    cfg["analysis_params"] = {**cfg["analysis_params"], "n_boot": 49}
    if name == "sample_complexity_eps":
        g.update(learner=["slam", "perceptron"], n=[50, 200, 800, 3200])
        cfg["analysis_params"]["eps"] = [0.2, 0.1, 0.05]
    elif name == "sample_complexity_gamma":
        g.update(learner=["leaky_relu"], gamma=[0.4, 0.3, 0.2], n=[16, 64, 256, 1024])
        f["max_steps"] = 20
    elif name == "noise_rate":
        g.update(learner=["slam", "perceptron"], eta=[0.0, 0.2, 0.4], n=[100, 400, 1600, 3200])
    elif name == "convergence_forward":
        f.update(n=300, n_eval=500, fb_n=100, fb_iterations=60, record=8)
        g.update(iterations=[200])
    elif name == "massart_robustness":
        g.update(learner=["slam", "perceptron"], eta=[0.1, 0.3], massart_fn=["halfspace"])
        f["n"] = 400
    elif name == "dimension_free":
        g.update(d=[150, 300, 600], n=[12, 50, 200, 800])
    return cfg


FIGURES = {
    "sample_complexity_eps": (P.fig_sample_complexity_eps,
                              ["sample_complexity_eps", "sample_complexity_eps_curves"]),
    "sample_complexity_gamma": (P.fig_sample_complexity_gamma, ["sample_complexity_gamma"]),
    "noise_rate": (P.fig_noise_rate, ["noise_rate"]),
    "convergence_forward": (P.fig_convergence_forward, ["convergence_forward"]),
    "massart_robustness": (P.fig_massart_robustness, ["massart_robustness"]),
    "dimension_free": (P.fig_dimension_free, ["dimension_free"]),
}


@pytest.fixture(scope="module")
def results_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("results")
    for name in FIGURES:
        sweep.run_experiment(_tiny(name), n_jobs=1, results_dir=root, progress=False)
    return root


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_functions(name: str, results_root: Path, tmp_path: Path) -> None:
    fn, stems = FIGURES[name]
    paths = fn(results_root / name, tmp_path)
    assert sorted(p.name for p in paths) == sorted(
        f"{s}.{ext}" for s in stems for ext in ("pdf", "png")
    )
    for p in paths:
        assert p.is_file() and p.stat().st_size > 1000
        if p.suffix == ".pdf":
            assert b"/Type3" not in p.read_bytes()
    index = (tmp_path / "README.md").read_text()
    for s in stems:
        assert f"**{s}**" in index
    assert not matplotlib.pyplot.get_fignums()  # figures are closed


def test_figures_byte_identical(results_root: Path, tmp_path: Path) -> None:
    a = P.fig_sample_complexity_gamma(results_root / "sample_complexity_gamma", tmp_path / "a")
    b = P.fig_sample_complexity_gamma(results_root / "sample_complexity_gamma", tmp_path / "b")
    assert len(a) == 2
    for x, y in zip(a, b):
        assert _digest(x) == _digest(y), x.name


def test_figure_on_missing_results(tmp_path: Path) -> None:
    assert P.fig_noise_rate(tmp_path / "none", tmp_path / "figs") == []
    assert P.fig_sample_complexity_eps(tmp_path / "none", tmp_path / "figs") == []


def test_write_index(tmp_path: Path) -> None:
    P.save_figure(_demo_figure(), tmp_path, "noise_rate", formats=("png",), dpi=20)
    P.save_figure(_demo_figure(), tmp_path, "zz_uncaptioned", formats=("pdf",))
    out = P.write_index(tmp_path, captions={"zz_uncaptioned": "extra caption"})
    text = out.read_text()
    assert "**noise_rate**" in text and P.FIGURE_CAPTIONS["noise_rate"] in text
    assert "extra caption" in text
    assert text.index("noise_rate") < text.index("zz_uncaptioned")
