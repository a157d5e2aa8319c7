"""Test inputs of the halfspace experiments: synthetic power-law rows with a known exponent,
and tiny results directories made by the real runner on shrunken versions of the experiment
files, so figure tests see the columns and summary keys a real run writes."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import numpy as np

from slam_theory import runner

ROOT = Path(__file__).resolve().parents[1]
EPS = [0.2, 0.1, 0.05, 0.02, 0.01]
NS = np.unique(np.round(np.logspace(2, 6.5, 16)).astype(int))


def power_rows(
    exps: dict[str, float], *, C: float = 5.0, seeds: int = 9, noise: float = 0.1, seed: int = 0
) -> list[dict]:
    """Rows with median disagreement (C/n)^(1/a), so n_needed(eps) = C eps^-a."""
    rng = np.random.default_rng(seed)
    rows = []
    for learner, a in exps.items():
        for n in NS:
            for s in range(seeds):
                dis = (C / n) ** (1.0 / a) * np.exp(noise * rng.standard_normal())
                rows.append(
                    {
                        "learner": learner,
                        "n": int(n),
                        "seed": s,
                        "row": 0,
                        "disagreement": float(min(dis, 0.5)),
                    }
                )
    return rows


def claims_config(claims: list[dict], **ap) -> dict:
    return {
        "name": "t",
        "preset": "quick",
        "fixed": {},
        "grid": {"learner": ["a", "b"], "n": NS.tolist()},
        "analysis_params": {"eps": EPS, "n_boot": 300, **ap},
        "claims": claims,
        "seeds": 5,
    }


def tiny_config(name: str) -> dict:
    """The quick preset of ``experiments/<name>.toml`` with a much smaller grid."""
    cfg = copy.deepcopy(runner.load_config(ROOT / "experiments" / f"{name}.toml", "quick"))
    g, f = cfg["grid"], cfg["fixed"]
    cfg["seeds"] = 3
    cfg["analysis_params"] = {**cfg["analysis_params"], "n_boot": 49}
    if name == "sample_complexity_eps":
        g.update(learner=["slam", "perceptron"], n=[50, 200, 800, 3200])
        cfg["analysis_params"]["eps"] = [0.2, 0.1, 0.05]
    elif name == "sample_complexity_gamma":
        g.update(learner=["slam"], gamma=[0.4, 0.3, 0.2], n=[16, 64, 256, 1024])
    elif name == "massart_robustness":
        g.update(learner=["slam", "perceptron"], eta=[0.1, 0.3], massart_fn=["halfspace"])
        f["n"] = 400
    return cfg


def run_tiny(name: str, root: Path) -> Path:
    """Run the tiny version of experiment ``name`` under ``root``; its results directory."""
    runner.run_experiment(tiny_config(name), n_jobs=1, results_dir=root, progress=False)
    return root / name


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_figures(paths: list[Path], stems: list[str]) -> None:
    """The figure files are the PDF/PNG pairs of ``stems``, non-trivial, without Type 3 fonts."""
    assert sorted(p.name for p in paths) == sorted(
        f"{s}.{ext}" for s in stems for ext in ("pdf", "png"))
    for p in paths:
        assert p.is_file() and p.stat().st_size > 1000
        if p.suffix == ".pdf":
            assert b"/Type3" not in p.read_bytes()
