"""Kill the service mid-trip, restart it: no trip action is lost or done twice.

The service runs on a warp clock (300 simulated seconds per real second) so the whole
day trip (preconditioning 60 min before departure, presets, reminder, checks, the home
thermostat 30 min before arrival, the summary) plays out in under a minute.
"""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from serve_support import Api, FakeHomeAssistant, ServeProcess
from sqlmodel import Session, col, select

from codriver.store import QueuedCommand, TripAction, TripNotice, make_engine

pytestmark = pytest.mark.slow

SPEED = 300.0
FAKES = ["--planner", "api_fakes:planner", "--assistant", "api_fakes:assistant"]


def _wait(predicate: object, timeout_s: float, what: str) -> None:
    assert callable(predicate)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    msg = f"timed out waiting for {what}"
    raise AssertionError(msg)


def _actions(engine: object, trip_id: int) -> dict[str, str]:
    with Session(engine) as session:  # type: ignore[arg-type]
        rows = session.exec(select(TripAction).where(TripAction.trip_id == trip_id)).all()
    return {r.action: r.status for r in rows}


def test_restart_mid_trip_loses_and_doubles_nothing(tmp_path: Path) -> None:
    wall = datetime.now(UTC) + timedelta(seconds=45)  # the simulated day starts once the service is up
    origin = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # simulated time at `wall`
    depart = origin + timedelta(minutes=70)
    clock = ["--clock", f"{origin.isoformat()}@{wall.isoformat()}x{SPEED:g}"]
    data = tmp_path / "data"
    database = f"sqlite:///{data / 'codriver.db'}"
    with FakeHomeAssistant() as home, contextlib.ExitStack() as cleanup:
        first = ServeProcess(data_dir=data, database_url=None, args=[*FAKES, *clock], env=home.env())
        cleanup.callback(first.stop)  # whatever fails below, no server is left running
        first.wait_ready()
        with Api(first.url) as api:
            ann = api.user("ann@example.org")
            presets = {"driver_seat": "anna", "seat": ["anna"], "cabin_target_c": 21}
            vehicle = api.ok(
                "POST", "/v1/vehicles", ann, json={"name": "Ioniq", "powertrain": "ev", "presets": presets}
            )
            prefs = {"home_actions": [{"entity_id": "climate.home", "temperature_c": 21.5, "hvac_mode": "heat"}]}
            api.ok("PUT", "/v1/preferences", ann, json=prefs)
            request = {
                "origin": "60.1699,24.9384",
                "depart_at": depart.isoformat(),
                "return_by": (depart + timedelta(hours=6)).isoformat(),
                "must_visit": ["osm:node/1", "osm:node/6"],
                "vehicle": {"powertrain": "ev"},
            }
            trip = api.ok("POST", "/v1/plan", ann, json={"request": request, "vehicle_id": vehicle["id"]})
            assert datetime.now(UTC) < wall, "the service took too long to start for the simulated day"
        trip_id = trip["id"]
        arrive = datetime.fromisoformat(trip["itinerary"]["itinerary"]["stops"][-1]["arrive_at"])
        engine = make_engine(database)
        try:
            # before the kill: everything before departure is done
            _wait(
                lambda: {"precondition", "reminder", "seat_preset"} <= set(_actions(engine, trip_id)),
                60,
                "pre-departure",
            )
            kill_at = (depart + timedelta(minutes=5) - origin).total_seconds() / SPEED
            time.sleep(max(0.0, kill_at - (datetime.now(UTC) - wall).total_seconds()))
            done_before = _actions(engine, trip_id)
            assert "home:climate.home" not in done_before  # really mid-trip
            first.kill()
            time.sleep(3)  # down for 15 simulated minutes: jobs that fall due meanwhile are misfires
            second = ServeProcess(data_dir=data, database_url=None, args=[*FAKES, *clock], env=home.env())
            try:
                second.wait_ready()
                summary_due = (arrive + timedelta(minutes=10) - origin).total_seconds() / SPEED
                _wait(lambda: "summary" in _actions(engine, trip_id), summary_due + 30, "the summary")
            finally:
                second.stop()
            done = _actions(engine, trip_id)
            with Session(engine) as session:
                commands = session.exec(select(QueuedCommand).where(QueuedCommand.vehicle_id == vehicle["id"])).all()
                notices = session.exec(
                    select(TripNotice).where(TripNotice.trip_id == trip_id).order_by(col(TripNotice.id))
                ).all()
        finally:
            engine.dispose()
        calls = list(home.calls)
    assert {k: v for k, v in done.items() if not k.startswith("check:")} == {
        "precondition": "done",
        "seat_preset": "done",
        "reminder": "done",
        "home:climate.home": "done",
        "summary": "done",
    }
    assert sorted(c.kind for c in commands) == ["precondition_cabin", "seat_preset"]  # once each
    assert [c["path"] for c in calls] == ["/api/services/climate/set_temperature"]  # once
    assert calls[0]["body"] == {"entity_id": "climate.home", "temperature": 21.5, "hvac_mode": "heat"}
    kinds = [n.kind for n in notices]
    for kind in ("reminder", "summary", "feedback_request", "home"):
        assert kinds.count(kind) == 1, kinds
    assert kinds.count("command") == 2
