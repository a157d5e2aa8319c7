"""Massart (bounded) noise: the final disagreement of RCN-designed learners told
``eta = eta_max`` vs noise-agnostic baselines (``massart_robustness``; measured, the paper makes
no Massart claim).

Trial: :func:`slam_theory.experiments.halfspace_trial.halfspace_error` with
``noise = "massart"``.  Analysis: :func:`analysis`.  Figure: :func:`fig_massart_robustness`,
caption in :data:`CAPTIONS`.

Examples
--------
>>> rows = [{"learner": lr, "n": 100, "seed": s, "disagreement": e + 0.01 * s}
...         for lr, e in (("a", 0.01), ("b", 0.2)) for s in range(5)]
>>> config = {"grid": {"learner": ["a", "b"]}, "analysis_params": {"n_boot": 200},
...           "claims": [{"id": "c", "learner": "a", "kind": "better_than", "other": "b"}]}
>>> c = analysis(rows, config)["claims"][0]
>>> c["verdict"], c["measured_text"]
('measurement only', 'median difference -0.19 [-0.22, -0.16] vs b (a lower)')
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from slam_theory import plotting as P
from slam_theory.experiments.halfspace_claims import (
    base_claim,
    claim_key,
    claim_rows,
    final_of,
    final_table,
    num,
    option,
    require_columns,
    series_rng,
    strip_boot,
)
from slam_theory.experiments.thresholds import eps_list
from slam_theory.results import jsonable
from slam_theory.stats import percentile_interval

__all__ = ["CAPTIONS", "analysis", "fig_massart_robustness"]

#: One-line caption of this module's figure (``figures/README.md``).
CAPTIONS: dict[str, str] = {
    "massart_robustness": "Disagreement vs the Massart bound eta_max per learner, one panel per "
    "flip-probability function (measured, no claim).",
}


def analysis(rows: list[dict], config: dict) -> dict[str, Any]:
    """Massart-noise analysis: final disagreement per learner, measured (with bootstrap CI).

    Parameters
    ----------
    rows : list of dict
        Columns ``learner``, ``seed``, ``disagreement`` (and ``n``: only the largest ``n`` of
        each series is used).
    config : dict
        Claims: ``kind = "below"`` with ``eps``: consistent iff the CI of the median is
        ``<= eps`` (hi), inconsistent iff its lo ``> eps``; ``kind = "better_than"`` with
        ``other`` (a learner): bootstrap CI of ``median(learner) - median(other)`` (independent
        resamples, same seeds' trials need not be paired): consistent iff ``hi < 0``,
        inconsistent iff ``lo > 0``.  Any other claim is reported as ``"inconclusive"`` with the
        learner's measured median and CI.

    Returns
    -------
    dict
        ``claims`` and ``final`` ({series: {median, ci, n, n_seeds}}).
    """
    func = "analysis"
    require_columns(rows, ["learner", "seed", "disagreement"], func)
    final = final_table(rows, config, None, func)
    n_boot = int(option(config, None, "n_boot"))
    conf = float(option(config, None, "confidence"))
    claims = []
    for claim in config.get("claims") or []:
        kind = str(claim.get("kind", "measured"))
        c = base_claim(claim, parameter=None, kind=kind)
        sel, err = claim_rows(rows, config, claim, exclude=("n",))
        if err:
            c["reason"] = err
            claims.append(c)
            continue
        key = claim_key(rows, config, claim, ("n",))
        me = final_of(sel, None, n_boot, conf, series_rng(config, claim, f"final|{key}"))
        c["measured"] = {
            "median": me["median"],
            "ci": me["ci"],
            "n": me["n"],
            "n_seeds": me["n_seeds"],
        }
        lo, hi = me["ci"]
        if kind == "below":
            eps = float(claim["eps"]) if "eps" in claim else eps_list(config, claim, "", func)[0]
            c["eps"] = eps
            if math.isfinite(num(hi)) and hi <= eps:
                c["verdict"], c["reason"] = "consistent", f"CI hi {hi:.3g} <= eps {eps:g}"
            elif math.isfinite(num(lo)) and lo > eps:
                c["verdict"], c["reason"] = "inconsistent", f"CI lo {lo:.3g} > eps {eps:g}"
            else:
                c["reason"] = f"CI [{lo}, {hi}] contains eps {eps:g}"
        elif kind == "better_than":
            other = claim.get("other")
            osel, oerr = claim_rows(rows, config, {**claim, "learner": other}, exclude=("n",))
            if oerr:
                c["reason"] = f"other: {oerr}"
            else:
                rng = series_rng(config, claim, f"rob2|{c['id']}")
                oth = final_of(osel, None, n_boot, conf, rng)
                diff = me["boot"] - oth["boot"]
                dlo, dhi, _ = percentile_interval(diff[1:], conf)
                c["other"] = other
                c["difference"] = {"median": diff[0], "ci": [dlo, dhi]}
                if math.isfinite(dhi) and dhi < 0:
                    c["verdict"], c["reason"] = "consistent", f"difference CI hi {dhi:.3g} < 0"
                elif math.isfinite(dlo) and dlo > 0:
                    c["verdict"], c["reason"] = "inconsistent", f"difference CI lo {dlo:.3g} > 0"
                else:
                    c["reason"] = f"difference CI [{dlo:.3g}, {dhi:.3g}] contains 0"
        else:
            c["reason"] = "measured only (no testable statement)"
        if kind in ("measured", "better_than"):
            _measurement_only(c, lo, hi)
        claims.append(c)
    return jsonable({"claims": claims, "final": strip_boot(final)})


#: Why no row of this experiment carries a verdict.
NO_BOUND = ("no stated bound: SLaM (2302.03806) and DDKWZ23 state RCN results only, so under "
            "Massart noise nothing can fail a rate")


def _measurement_only(c: dict[str, Any], lo: float, hi: float) -> None:
    """Mark a claim measurement-only: its numbers in one line, the comparison kept as data."""
    med = c["measured"]["median"]
    text = f"median {num(med):.3g} [{num(lo):.3g}, {num(hi):.3g}]"
    diff = c.get("difference")
    if diff:
        dlo, dhi = diff["ci"]
        side = "lower" if math.isfinite(dhi) and dhi < 0 else (
            "higher" if math.isfinite(dlo) and dlo > 0 else "tied")
        text = (f"median difference {num(diff['median']):.2g} [{num(dlo):.2g}, {num(dhi):.2g}] "
                f"vs {c.get('other')} ({c.get('learner')} {side})")
    c.update(measured_text=text, measurement_only=True, verdict="measurement only",
             reason=f"{NO_BOUND}; {c.get('reason')}")


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
    rows, _ = P.load_results(results_dir)
    if not rows:
        return []
    n_max = max(P.as_float(r.get("n")) for r in rows)
    rows = [r for r in rows if P.as_float(r.get("n")) == n_max]
    shapes = sorted({str(r.get("massart_fn", "halfspace")) for r in rows})
    learners = sorted({str(r.get("learner")) for r in rows},
                      key=lambda n: (P.learner_rank(n), n))
    titles = {
        "halfspace": r"$\eta(x) = \eta_{\max} 1[u \cdot x > 0]$",
        "boundary": r"$\eta(x) = \eta_{\max} 1[|w^* \cdot x| < 2\gamma]$",
        "decay": r"$\eta(x) = \eta_{\max} e^{-(|w^*\cdot x| - \gamma)/\gamma}$",
    }
    with P.paper_style():
        fig, axes = P.new_figure(1, len(shapes), width="full" if len(shapes) > 1 else "column",
                                 height=2.6, sharey=True)
        axes = np.atleast_1d(axes)
        for ax, shape in zip(axes, shapes):
            for name in learners:
                x, Y = P.seed_matrix(
                    rows, "eta", "disagreement",
                    where=lambda r, name=name, shape=shape: r.get("learner") == name
                    and str(r.get("massart_fn", "halfspace")) == shape,
                )
                P.median_band(ax, x, Y, style=name)
            ax.set_yscale("symlog", linthresh=1e-3, linscale=0.4)
            ax.set_ylim(0, 0.6)
            ax.set_xlabel(r"Massart bound $\eta_{\max}$")
            ax.set_title(titles.get(shape, shape), fontsize=6.5)
        axes[0].set_ylabel(rf"disagreement with $w^*$ ($n = {int(n_max)}$)")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5))
        return P.save_figure(fig, figures_dir, "massart_robustness")

