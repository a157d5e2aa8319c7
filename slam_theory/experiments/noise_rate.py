"""Noise rate: who reaches disagreement ``eps`` at which RCN rate ``eta``, and how the samples
needed grow with ``1/(1 - 2 eta)`` (``noise_rate``).

Trial: :func:`slam_theory.experiments.halfspace_trial.halfspace_error`.  Analysis:
:func:`analysis`.  Figure: :func:`fig_noise_rate`, caption in :data:`CAPTIONS`.

Examples
--------
>>> rows = [{"learner": "a", "eta": eta, "n": n, "seed": s, "disagreement": eta / n}
...         for eta in (0.1, 0.2) for n in (10, 100) for s in range(3)]
>>> config = {"grid": {"eta": [0.1, 0.2], "n": [10, 100]}, "analysis_params": {"eps": 0.05},
...           "claims": [{"id": "r", "learner": "a", "kind": "reaches"}]}
>>> analysis(rows, config)["claims"][0]["verdict"]
'consistent'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
from slam_theory.experiments.thresholds import (
    X_LABEL,
    eps_list,
    exponent_claim,
    threshold_tables,
    thresholds_of,
)
from slam_theory.results import jsonable

__all__ = ["CAPTIONS", "analysis", "fig_noise_rate"]

#: One-line caption of this module's figure (``figures/README.md``).
CAPTIONS: dict[str, str] = {
    "noise_rate": "Left: disagreement at the largest n vs the RCN rate eta (median, IQR band); "
    "right: samples needed vs 1/(1-2 eta) with reference slopes 1 and 2.",
}


def _reaches_one(
    rows: Sequence[dict],
    config: dict,
    claim: dict,
    eps: float,
    expect: bool,
    n_boot: int,
    conf: float,
) -> tuple[str, str, dict]:
    """Verdict of a ``"reaches"`` claim for one learner (see :func:`analysis`)."""
    sel, err = claim_rows(rows, config, claim, exclude=("n", "eta"))
    if err:
        return "inconclusive", err, {}
    lo_eta = float(claim.get("eta_min", -math.inf))
    hi_eta = float(claim.get("eta_max", math.inf))
    sel = [r for r in sel if lo_eta - 1e-12 <= num(r["eta"]) <= hi_eta + 1e-12]
    if not sel:
        return "inconclusive", f"no rows with eta in [{lo_eta}, {hi_eta}]", {}
    key = claim_key(rows, config, claim, ("n", "eta"))
    tab = final_of(sel, "eta", n_boot, conf, series_rng(config, claim, f"reach|{key}"))
    ths = thresholds_of(sel, "eta", [eps], 0, series_rng(config, claim, f"reach|{key}"))
    th = next(iter(ths.values()))
    n_needed = {repr(float(v)): nn for v, nn in zip(th["values"], th["n_needed"][0])}
    meds = {k: v["median"] for k, v in tab.items()}
    los = {k: v["ci"][0] for k, v in tab.items()}
    reached = {k: bool(math.isfinite(m) and m <= eps) for k, m in meds.items()}
    fails = {k: bool(math.isfinite(num(lo)) and lo > eps) for k, lo in los.items()}
    bad = [float(k) for k, f in fails.items() if f]
    if expect:
        if all(reached.values()):
            v, why = "consistent", f"median <= eps={eps:g} at every eta in range"
        elif bad:
            v, why = "inconsistent", f"CI lo > eps={eps:g} at eta {bad}"
        else:
            v, why = "inconclusive", "median > eps somewhere but its CI includes eps"
    elif bad:
        v, why = "consistent", f"fails (CI lo > eps={eps:g}) at eta {bad}"
    elif all(reached.values()):
        v, why = "inconsistent", f"reaches eps={eps:g} at every eta in range"
    else:
        v, why = "inconclusive", "does not clearly fail anywhere in range"
    measured = {
        k: {"median": t["median"], "ci": t["ci"], "n": t["n"], "n_needed": n_needed.get(k)}
        for k, t in tab.items()
    }
    return v, why, measured


def analysis(rows: list[dict], config: dict) -> dict[str, Any]:
    """Noise-rate dependence: who reaches ``eps`` at which ``eta``; the ``1/(1-2eta)`` exponent.

    Parameters
    ----------
    rows : list of dict
        Columns ``learner``, ``n``, ``eta``, ``seed``, ``disagreement``.
    config : dict
        ``analysis_params.eps`` (target error).  Claims: ``kind = "reaches"`` with ``expect``
        (bool, default True), ``eta_min``/``eta_max`` (default the whole range) and optional
        ``eps``; or an exponent claim (``theory_exponent`` with kind upper/lower/two_sided) on
        ``n_needed`` vs ``1/(1 - 2 eta)``.

    Returns
    -------
    dict
        ``claims`` (a ``"reaches"`` claim may name ``learners = [...]`` instead of ``learner``:
        consistent iff every one is, inconsistent iff any is; ``measured`` gives per learner and
        eta the median at the largest n, its CI and ``n_needed``); ``final`` ({series: {eta:
        {median, ci, n, n_seeds}}}: median disagreement at the largest ``n`` with its bootstrap
        CI); ``thresholds``, ``fits`` and ``series`` as in
        :func:`slam_theory.experiments.sample_complexity.analysis` with parameter ``eta``.

    Notes
    -----
    ``"reaches"`` with ``expect = True``: consistent iff the median disagreement at the largest
    ``n`` is ``<= eps`` at every ``eta`` in ``[eta_min, eta_max]``; inconsistent iff at some
    such ``eta`` even the CI's lower end is ``> eps``; otherwise inconclusive.  With
    ``expect = False`` (the learner should fail somewhere in the range): consistent iff at some
    ``eta`` in range the CI's lower end is ``> eps``; inconsistent iff the median is ``<= eps``
    at every ``eta`` in range; otherwise inconclusive.
    """
    func = "analysis"
    require_columns(rows, ["learner", "n", "eta", "seed", "disagreement"], func)
    final = final_table(rows, config, "eta", func)
    thresholds, fits, series = threshold_tables(rows, config, "eta", func)
    n_boot = int(option(config, None, "n_boot"))
    conf = float(option(config, None, "confidence"))
    claims = []
    for claim in config.get("claims") or []:
        kind = claim.get("kind", "reaches" if "theory_exponent" not in claim else "upper")
        if kind != "reaches":
            claims.append(exponent_claim(rows, config, {**claim, "kind": kind}, "eta", func))
            continue
        c = base_claim(claim, parameter="eta", kind="reaches")
        learners = claim.get("learners") or [claim.get("learner")]
        if "learners" in claim:
            c["learner"] = list(learners)
        expect = bool(claim.get("expect", True))
        eps = eps_list(config, claim, "eta", func)[0]
        c.update(eps=eps, expect=expect, measured={})
        verdicts, reasons = [], []
        for lr in learners:
            v, why, meas = _reaches_one(
                rows, config, {**claim, "learner": lr}, eps, expect, n_boot, conf
            )
            verdicts.append(v)
            reasons.append(f"{lr}: {why}")
            c["measured"][str(lr)] = meas
        if all(v == "consistent" for v in verdicts):
            c["verdict"] = "consistent"
        elif any(v == "inconsistent" for v in verdicts):
            c["verdict"] = "inconsistent"
        c["reason"] = "; ".join(reasons)
        claims.append(c)
    return jsonable(
        {
            "claims": claims,
            "parameter": "eta",
            "x": X_LABEL["eta"],
            "final": strip_boot(final),
            "thresholds": thresholds,
            "fits": fits,
            "series": series,
        }
    )


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
    rows, summary = P.load_results(results_dir)
    if not rows:
        return []
    n_max = max(P.as_float(r.get("n")) for r in rows)
    learners = sorted({str(r.get("learner")) for r in rows}, key=lambda n: (P.learner_rank(n), n))
    eps = None
    for c in summary.get("claims") or []:
        if c.get("eps") is not None:
            eps = float(c["eps"])
            break
    with P.paper_style():
        fig, axes = P.new_figure(1, 2, width="full", height=2.7)
        ax = axes[0]
        for name in learners:
            x, Y = P.seed_matrix(
                rows, "eta", "disagreement",
                where=lambda r, name=name: r.get("learner") == name
                and P.as_float(r.get("n")) == n_max,
            )
            P.median_band(ax, x, Y, style=name)
        if eps is not None:
            ax.axhline(eps, color=P.THEORY_COLOR, linewidth=0.6, linestyle=":",
                       label=rf"target $\varepsilon = {eps:g}$")
        ax.set_yscale("symlog", linthresh=1e-3, linscale=0.4)
        ax.set_ylim(0, 0.6)
        ax.set_xlabel(r"noise rate $\eta$")
        ax.set_ylabel(r"disagreement with $w^*$")
        ax.set_title(rf"$n = {int(n_max)}$", fontsize=7)
        _thresholds_panel(axes[1], summary, eps)
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5))
        return P.save_figure(fig, figures_dir, "noise_rate")


def _thresholds_panel(ax2: Any, summary: dict[str, Any], eps: float | None) -> None:
    """Right panel: the summary's thresholds vs ``1/(1-2eta)``, reference slopes 1 and 2."""
    ths = summary.get("thresholds") or {}
    fits = summary.get("fits") or {}
    series = summary.get("series") or {}
    ekey = None
    if ths:
        keys = sorted({k for t in ths.values() for k in t})
        ekey = keys[0]
        if eps is not None:
            ekey = min(keys, key=lambda k: abs(float(k) - eps))
    pts: list[tuple[float, float]] = []
    order: Sequence[str] = sorted(
        ths, key=lambda k: (P.learner_rank((series.get(k) or {}).get("learner")), k))
    for key in order:
        t = ths[key].get(ekey) if ekey else None
        if not t:
            continue
        x = np.asarray(t["x"], dtype=float)
        nn = np.array([P.as_float(v) for v in t["n_needed"]])
        ok = np.isfinite(nn)
        if ok.sum() == 0:
            continue
        st = P.learner_style(str((series.get(key) or {"learner": key})["learner"]))
        fe = P.format_slope((fits.get(key) or {}).get(ekey))
        ax2.plot(x[ok], nn[ok], color=st["color"], marker=st["marker"],
                 linestyle=st["linestyle"], label=f"{st['label']}: {fe}" if fe else st["label"])
        j0 = int(np.argmin(np.where(ok, x, np.inf)))
        if ok.sum() >= 2:
            pts.append((float(x[j0]), float(nn[j0])))
    if not pts:
        ax2.set_axis_off()
        return
    xs = np.concatenate([np.asarray(t[ekey]["x"], float) for t in ths.values() if ekey in t])
    x0 = min(p[0] for p in pts)
    y0 = float(np.exp(np.median([math.log(p[1]) for p in pts if p[0] == x0])))
    P.theory_line(ax2, xs, 1.0, (x0, y0), var=r"(1-2\eta)^{-1}",
                  label=r"$\propto (1-2\eta)^{-1}$")
    P.theory_line(ax2, xs, 2.0, (x0, y0), linestyle=":", label=r"$\propto (1-2\eta)^{-2}$")
    P.loglog(ax2, xlabel=r"$1/(1-2\eta)$", ylabel=r"samples needed $n_\varepsilon$",
             legend="upper left")
    ax2.set_title(rf"target $\varepsilon = {float(ekey):g}$", fontsize=7)
