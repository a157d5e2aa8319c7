"""Figures from existing results: call each experiment's ``fig_*`` functions, then write the
index ``figures/README.md`` once, with the captions each figure's module defines (``CAPTIONS``).

Examples
--------
>>> make_figures([], "results", "figures")
{}
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from slam_theory.results import CSV_NAME, STORE_NAME
from slam_theory.runner.config import load_config
from slam_theory.runner.references import find_module, resolve_reference

__all__ = ["collect_captions", "make_figures", "write_index"]


def make_figures(
    experiment_paths: Iterable[str | os.PathLike[str]],
    results_dir: str | os.PathLike[str] = "results",
    figures_dir: str | os.PathLike[str] = "figures",
    *,
    log: Callable[[str], None] | None = None,
    allow_external: bool = False,
) -> dict[str, list[Path]]:
    """Call each experiment's figure functions on its existing results.

    Parameters
    ----------
    experiment_paths : iterable of path-like
        Experiment TOML files (their ``figures`` lists name the functions).
    results_dir : path-like, default="results"
        Results root; experiment ``X`` is read from ``results_dir/X/``.
    figures_dir : path-like, default="figures"
        Where the figure functions write.
    log : callable, optional
        Receives one-line messages (skipped experiments, failed figures); default prints to
        stderr.
    allow_external : bool, default=False
        Accept references to modules outside ``slam_theory``.

    Returns
    -------
    dict
        Experiment name -> paths written. Experiments without results are skipped with a
        message; a figure function that raises is reported and skipped.

    Examples
    --------
    >>> from slam_theory.runner import example_config_file
    >>> with example_config_file(figures=["experiments.rates_figures:fig_rate_claims"]) as path:
    ...     make_figures([path], results_dir=path.parent, figures_dir=path.parent, log=print)
    demo: no results in ..., skipping its figures
    {}
    """
    say = log or (lambda msg: print(msg, file=sys.stderr))
    out_root = Path(figures_dir)
    written: dict[str, list[Path]] = {}
    configs = [load_config(p, "quick", allow_external=allow_external) for p in experiment_paths]
    for config in configs:
        name = config["name"]
        exp_dir = Path(results_dir) / name
        if not config["figures"]:
            continue
        if not (exp_dir / CSV_NAME).exists() and not (exp_dir / STORE_NAME).exists():
            say(f"{name}: no results in {exp_dir}, skipping its figures")
            continue
        out_root.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        for ref in config["figures"]:
            fn = ref if callable(ref) else resolve_reference(ref, allow_external=allow_external)
            try:
                got = fn(exp_dir, out_root)
            except Exception as exc:  # one broken figure must not stop the others
                say(f"{name}: figure {ref} failed: {type(exc).__name__}: {exc}")
                continue
            paths.extend(Path(p) for p in (got or []))
        written[name] = paths
    return written


def collect_captions(
    experiment_paths: Iterable[str | os.PathLike[str]], *, allow_external: bool = False
) -> dict[str, str]:
    """``{figure stem: caption}`` from the modules the experiments' figure references name.

    Examples
    --------
    >>> from slam_theory.runner import example_config_file
    >>> with example_config_file(figures=["experiments.rates_figures:fig_rate_claims"]) as path:
    ...     sorted(collect_captions([path]))             # the CAPTIONS of rates_figures
    ['rate_eps', 'rate_gamma']
    """
    caps: dict[str, str] = {}
    for p in experiment_paths:
        for ref in load_config(p, "quick", allow_external=allow_external)["figures"]:
            if callable(ref):
                continue
            try:
                module, _ = find_module(ref, allow_external=allow_external)
            except ValueError:
                continue
            table = getattr(module, "CAPTIONS", None)
            if isinstance(table, Mapping):
                caps.update({str(k): str(v) for k, v in table.items()})
    return caps


def write_index(figures_dir: str | os.PathLike[str], captions: Mapping[str, str]) -> Path:
    """Write ``figures_dir/README.md``: every figure (PDF/PNG pair) with its caption.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "a.png").write_bytes(b"")
    ...     write_index(d, {"a": "A curve."}).read_text().splitlines()[-1]
    '- **a** ([png](a.png)): A curve.'
    """
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    stems = sorted({p.stem for p in figures_dir.glob("*.png")}
                   | {p.stem for p in figures_dir.glob("*.pdf")})
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
        cap = captions.get(stem, "")
        lines.append(f"- **{stem}** ({', '.join(files)}){': ' + cap if cap else ''}")
    lines.append("")
    path = figures_dir / "README.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
