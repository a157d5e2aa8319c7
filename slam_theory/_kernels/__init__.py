"""Numba kernels: functions on arrays and scalars only.

No validation, no Python objects and no allocation inside per-sample loops.
Every kernel is compiled with the flags from :mod:`slam_theory._kernels._config`
and is tested against a slow, obvious reference implementation.
"""
