"""Choosing how runs execute: options, the executor's errors, and local runs through ``simulate``."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import TypeAdapter
from simulators_support import SCENARIOS
from typer.testing import CliRunner

from codriver import simulators
from codriver.bootstrap import Runtime
from codriver.cli import _simulate
from codriver.errors import InputError
from codriver.planning import Itinerary, ItineraryStop
from codriver.simulators import (
    ScenarioEvent,
    ScenarioResult,
    SimOptions,
    VehicleSim,
    api_event,
    load_scenario,
    run_suite,
    simulate,
)

EVENTS: TypeAdapter[ScenarioEvent] = TypeAdapter(ScenarioEvent)
T0 = datetime.fromisoformat("2026-11-26T10:00:00+02:00")


def test_the_traveller_backend_follows_the_agents_unless_named() -> None:
    assert SimOptions().traveller_backend == "local"  # no model for the agents: the embedded one talks
    assert SimOptions(llm="openai").traveller_backend == "openai"
    assert SimOptions(llm="openai", traveller_llm="local").traveller_backend == "local"
    with pytest.raises(ValueError, match="traveller"):
        SimOptions.model_validate({"traveller": "robot"})


def test_ray_missing_names_the_extra(helsinki: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(InputError, match="distributed"):
        simulate([SCENARIOS / "hungry-kids-wish.yaml"], runtime=helsinki, executor="ray")


def test_an_address_needs_the_ray_executor(helsinki: Runtime) -> None:
    with pytest.raises(InputError, match="--executor ray"):
        simulate([SCENARIOS / "hungry-kids-wish.yaml"], runtime=helsinki, address="ray://10.0.0.1:10001")


def test_local_simulate_matches_the_runner_in_order(helsinki: Runtime) -> None:
    # (Scenarios whose plans do not hang on the optimizer's wall-clock limit; see test_simulate_ray.py.)
    paths = [SCENARIOS / "cafe-closed-couple.yaml", SCENARIOS / "solo-ice-vegan-budget.yaml"]
    seen: list[str] = []
    results = simulate(paths, runtime=helsinki, runs=2, seed=3, on_result=lambda r: seen.append(r.scenario))
    expected = run_suite(paths, runtime=helsinki, runs=2, seed=3)
    assert [(r.scenario, r.seed) for r in results] == [(r.scenario, r.seed) for r in expected]
    assert [r.reproducible() for r in results] == [r.reproducible() for r in expected]
    assert seen == [r.scenario for r in results]
    assert {r.traveller for r in results} == {"rule"}
    assert all(r.mode == "in-process" for r in results)


def _stop(name: str, kind: str, minutes: int, category: str | None = None, poi_id: str | None = None) -> ItineraryStop:
    at = T0 + timedelta(minutes=minutes)
    return ItineraryStop(
        poi_id=poi_id, name=name, kind=kind, category=category, lat=60.17, lon=24.94, arrive_at=at, depart_at=at
    )


def test_world_events_become_api_events_about_the_stops_ahead() -> None:
    plan = Itinerary(
        status="feasible",
        stops=[
            _stop("Home", "start", 0),
            _stop("Ateneum", "visit", 30, "museum", "osm:way/1"),
            _stop("Kiasma", "visit", 120, "museum", "osm:way/2"),
            _stop("Home", "end", 240),
        ],
    )
    scenario = load_scenario(SCENARIOS / "family-ev-museums.yaml")
    sim = VehicleSim(scenario.vehicle, T0 + timedelta(minutes=60), 60.17, 24.94)

    def event(data: dict[str, object]) -> ScenarioEvent:
        return EVENTS.validate_python(data)

    assert api_event(event({"at_min": 5, "kind": "delay", "minutes": 25}), plan, sim) == {
        "kind": "delay",
        "minutes": 25,
        "occurred_at": sim.now.isoformat(),
    }
    closed = api_event(event({"at_min": 5, "kind": "closed", "target": "museum"}), plan, sim)
    assert closed is not None
    assert closed["poi_id"] == "osm:way/2"  # Ateneum is behind the car already
    assert api_event(event({"at_min": 5, "kind": "closed", "target": "cafe"}), plan, sim) is None
    assert api_event(event({"at_min": 5, "kind": "charger_out"}), plan, sim) is None  # no charging stop ahead
    wish = api_event(event({"at_min": 5, "kind": "wish", "text": "lunch now"}), plan, sim)
    assert wish is not None
    assert wish["text"] == "lunch now"
    assert api_event(event({"at_min": 5, "kind": "weather", "temperature_c": -15}), plan, sim) is None
    assert sim.temperature_c == -15  # weather only changes the car's energy use


def test_the_cli_hands_its_options_to_simulate(
    helsinki: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))
    calls: list[dict[str, Any]] = []

    def fake(files: list[Path], **kwargs: Any) -> list[ScenarioResult]:
        calls.append({"files": files, **kwargs})
        return []

    monkeypatch.setattr(simulators, "simulate", fake)
    app = typer.Typer()
    app.command()(_simulate.command)
    args = [str(SCENARIOS / "hungry-kids-wish.yaml"), "--traveller", "llm", "--traveller-llm", "openai"]
    args += ["--executor", "ray", "--address", "auto", "--api", "http://127.0.0.1:9/", "--runs", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    [call] = calls
    assert call["options"] == SimOptions(traveller="llm", traveller_llm="openai", api="http://127.0.0.1:9/")
    assert (call["executor"], call["address"], call["runs"]) == ("ray", "auto", 2)
    assert CliRunner().invoke(app, [*args[:1], "--traveller", "robot"]).exit_code == 2  # not a traveller
