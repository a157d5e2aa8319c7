"""The statistical layer every empirical claim uses: thresholds, power-law fits, bootstrap
intervals and a two-sided verdict that can fail.

* :func:`threshold_n`, :func:`success_threshold`: sample size from which the error stays below
  a target, per seed and at a stated success probability, with censoring kept.
* :func:`fit_power_law`, :func:`local_slopes`: log-log least squares, over the whole range and
  over sliding sub-ranges.
* :func:`bootstrap_ci`, :func:`slope_ci`, :func:`percentile_interval`: bootstrap intervals.
* :func:`check_rate` -> :class:`RateCheck`: the verdict ("consistent", "inconsistent",
  "inconclusive") of a measured rate against a theorem's floor and ceiling.
"""

from slam_theory.stats.bootstrap import bootstrap_ci, percentile_interval, slope_ci
from slam_theory.stats.powerlaw import PowerLawFit, fit_power_law, local_slopes
from slam_theory.stats.result import RATE_RULES, VERDICTS, RateCheck
from slam_theory.stats.thresholds import success_threshold, threshold_n
from slam_theory.stats.verdicts import check_rate

__all__ = [
    "RATE_RULES",
    "VERDICTS",
    "PowerLawFit",
    "RateCheck",
    "bootstrap_ci",
    "check_rate",
    "fit_power_law",
    "local_slopes",
    "percentile_interval",
    "slope_ci",
    "success_threshold",
    "threshold_n",
]
