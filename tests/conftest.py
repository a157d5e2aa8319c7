"""Shared pytest configuration."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import settings

# Numba kernels are tested with the JIT on: refuse to run with it disabled.
if os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"):
    raise RuntimeError("tests must run with the Numba JIT enabled (unset NUMBA_DISABLE_JIT)")

# derandomize: the same examples on every run, so CI cannot turn red by the luck of a draw
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True)
settings.load_profile("ci")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
