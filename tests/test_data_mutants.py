"""Tests that pin behaviour of slam_theory.data that mutation testing showed unpinned.

Each test targets mutants of ``tools/mutation.py data`` that survived the group's other tests:
exact values, argument names in error messages, and the edge cases of each branch.
"""

from __future__ import annotations

import numpy as np
import pytest

from slam_theory.data import _base


def test_check_rows_fit_names_both_sizes_and_the_advice():
    with pytest.raises(MemoryError) as exc:
        _base.check_rows_fit(3, 10**15, arrays=2.0, name="batch", d_name="cols", advice="ADV")
    msg = str(exc.value)
    assert msg.startswith("batch=3 rows at cols=1000000000000000 need about 4.8e+16 bytes")
    assert msg.endswith("; ADV")
    _base.check_rows_fit(1, 1)  # fits: no error
    assert np.isfinite(_base._physical_memory())
