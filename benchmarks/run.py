"""Run the benchmarks: ``python benchmarks/run.py [--json] [--quick] [--topic NAME]``.

A thin wrapper around ``slam-theory bench`` (see :mod:`slam_theory.bench`).
"""

from __future__ import annotations

import sys

from slam_theory.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["bench", *sys.argv[1:]]))
