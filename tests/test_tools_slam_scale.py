"""``tools/slam_scale.py``: SLaM's rate_eps claim with its sigmoid scale held fixed."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import slam_scale  # noqa: E402


def test_slam_scale_runs_both_fixed_scales_beside_the_claims_own(tmp_path: Path,
                                                                 monkeypatch) -> None:
    seen = []
    real = slam_scale.check_claim

    def spy(est, config, **kw):
        seen.append((est.epsilon, est.scale))
        return real(est, config, **{**kw, "seeds": 2})

    monkeypatch.setattr(slam_scale, "check_claim", spy)
    out = tmp_path / "scale.json"
    assert slam_scale.main(["--preset", "quick", "--jobs", "1", "--out", str(out)]) == 0
    rec = json.loads(out.read_text())
    runs = rec["runs"]
    big, small = runs["fixed_at_largest_target"], runs["fixed_at_smallest_target"]
    eta, gamma = rec["eta"], rec["gamma"]
    assert big["epsilon"] == max(rec["targets"]) * (1 - 2 * eta) > small["epsilon"]
    assert small["scale"] == math.log((1 - small["epsilon"]) / small["epsilon"]) / gamma
    assert [e for e, _ in seen] == [big["epsilon"], small["epsilon"]]  # epsilon held fixed
    assert all(s is None for _, s in seen)  # the scale comes from that fixed epsilon
    assert runs["tied_to_each_target"]["source"] == "results/rate_eps/summary.json"
    assert len(big["thresholds"]) == len(small["thresholds"]) == len(rec["targets"])
