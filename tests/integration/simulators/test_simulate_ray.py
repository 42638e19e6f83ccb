"""``--executor ray`` on a local Ray instance (2 CPUs): replicas run in Ray workers and merge like local runs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from codriver.bootstrap import Runtime
from codriver.simulators import ScenarioResult, simulate

ray = pytest.importorskip("ray", reason="the `distributed` extra is not installed")

pytestmark = pytest.mark.slow

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
# hungry-kids-wish's lunch re-plan has several equally good plans: with wall-clock-limited solvers a cold
# worker process ended on another one; the runner's deterministic search makes it the same everywhere.
PATHS = [SCENARIOS / "family-ev-museums.yaml", SCENARIOS / "hungry-kids-wish.yaml"]


def test_ray_replicas_merge_into_the_same_results_as_local_runs(helsinki: Runtime) -> None:
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    seen: list[ScenarioResult] = []
    try:
        remote = simulate(PATHS, runtime=helsinki, runs=2, seed=7, executor="ray", on_result=seen.append)
    finally:
        ray.shutdown()
    local = simulate(PATHS, runtime=helsinki, runs=2, seed=7)
    order = [("family-ev-museums", 7), ("hungry-kids-wish", 7), ("family-ev-museums", 8), ("hungry-kids-wish", 8)]
    assert [(r.scenario, r.seed) for r in remote] == order
    assert [r.path for r in remote] == [str(p) for p in PATHS * 2]
    assert [r.reproducible() for r in remote] == [r.reproducible() for r in local]
    assert all(r.passed for r in remote)
    assert sorted((r.scenario, r.seed) for r in seen) == sorted(order)  # the progress callback saw each once
    pids = {r.timing["pid"] for r in remote}
    assert os.getpid() not in pids  # they ran in Ray's worker processes
    assert all(r.timing["pid"] == os.getpid() for r in local)
