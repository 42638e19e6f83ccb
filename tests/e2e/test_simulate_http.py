"""Done when: one scenario runs against a real ``codriver serve`` over HTTP.

The server (subprocess on 127.0.0.1, PostgreSQL, the embedded Helsinki region, the agents
without a model) runs on a warp clock that reaches the scenario's start as the simulation
begins. The simulated traveller registers, adds its EV, plans in words, and the simulated
car drives the plan on the server's clock: telemetry, the world's delay and closure as
trip events (each re-plans: new versions read back), decisions on recommendations; then
the scenario's expectations are checked against what happened.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from serve_support import serve

from codriver.bootstrap import Runtime
from codriver.settings import Settings
from codriver.simulators import load_scenario, run_scenario_http, scenario_tools

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "family-ev-museums.yaml"
SPEED = 600.0  # simulated seconds per real second
LEAD_S = 20.0  # the server reaches the scenario's start this long after it is launched


def test_a_scenario_drives_a_running_server_over_http(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    runtime = Runtime(Settings(data_dir=data, database_url=postgres_url))
    scenario = load_scenario(SCENARIO)
    tools = scenario_tools(runtime, scenario)  # imports the region into the server's database too
    wall = datetime.now(UTC) + timedelta(seconds=LEAD_S)
    clock = f"{scenario.start.isoformat()}@{wall.isoformat()}x{SPEED:g}"
    args = ["--clock", clock, "--no-scheduler", "--llm", "none"]
    try:
        with serve(data_dir=data, database_url=postgres_url, args=args) as server:
            result = asyncio.run(run_scenario_http(scenario, tools, api_url=server.url, seed=0, path=str(SCENARIO)))
            log = server.log.read_text(encoding="utf-8")
    finally:
        runtime.engine.dispose()

    assert result.mode == "http"
    failed = [f"{e.name}: {e.detail}" for e in result.expectations if not e.passed]
    assert failed == [], (failed, [t.text[:200] for t in result.transcript], log[-3000:])
    assert result.plan_status == "feasible"
    assert [r.event for r in result.replans] == ["delay", "closed"]
    assert all(r.replanned for r in result.replans), result.replans
    assert result.plan_versions >= 3  # the plan, then one version per re-planning event
    assert result.places_outside_catalogue == []
    assert all(codes == [] for codes in result.verifier_errors)
    assert result.visited[-1]["kind"] == "end"
    assert result.soc_trace[0] == (0.0, 0.7)
    assert result.min_soc is not None
    assert result.min_soc < 0.7  # the car drove and reported it
    assert result.leaks == 0
    assert "PUT /v1/vehicles" not in log or " 500 " not in log
