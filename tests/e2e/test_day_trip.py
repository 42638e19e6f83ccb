"""Done when: register, add an EV, plan a day trip with the engine, and a simulated head-unit drives it.

Against a real ``codriver serve`` (subprocess on 127.0.0.1, free port) on PostgreSQL, with
the real planning engine over the embedded Helsinki region, a loopback fake Home
Assistant and a warp clock (120 simulated seconds per real second): state updates,
next-stop recommendations, a delay that re-plans and is pushed over SSE, the cabin
pre-conditioning command fetched before departure, the home thermostat switched before
arrival, then the trip summary.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from serve_support import Api, FakeHomeAssistant, read_events, serve

from codriver.bootstrap import Runtime
from codriver.scheduling import WarpClock
from codriver.settings import Settings

pytestmark = pytest.mark.slow

SPEED = 120.0
ORIGIN = datetime.fromisoformat("2026-06-02T08:00:00+03:00")  # a Tuesday in Helsinki, simulated
DEPART = ORIGIN + timedelta(minutes=120)


def _until(predicate: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    msg = f"timed out waiting for {what}"
    raise AssertionError(msg)


def test_register_plan_and_drive_a_day_trip(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    # import the region once, before the simulated day starts (it takes a while on a cold database)
    runtime = Runtime(Settings(data_dir=data, database_url=postgres_url))
    runtime.region("helsinki")
    runtime.engine.dispose()
    wall = datetime.now(UTC) + timedelta(seconds=25)
    clock = WarpClock(ORIGIN, speed=SPEED, wall_origin=wall)
    args = ["--clock", f"{ORIGIN.isoformat()}@{wall.isoformat()}x{SPEED:g}"]
    with (
        FakeHomeAssistant() as home,
        serve(data_dir=data, database_url=postgres_url, args=args, env=home.env()) as server,
        Api(server.url) as api,
    ):
        ann = api.user("ann@example.org")
        ev = {
            "name": "Kona",
            "powertrain": "ev",
            "battery_kwh": 64,
            "consumption_kwh_per_100km": 16,
            "max_charge_kw": 77,
            "connectors": ["ccs", "type2"],
            "presets": {"driver_seat": "ann", "seat": ["ann"], "cabin_target_c": 21},
        }
        vehicle = api.ok("POST", "/v1/vehicles", ann, json=ev)
        key = {"Authorization": "Bearer " + api.ok("POST", f"/v1/vehicles/{vehicle['id']}/api-key", ann)["api_key"]}
        prefs = {
            "home_actions": [
                {"entity_id": "climate.home", "temperature_c": 21, "hvac_mode": "heat", "minutes_before_arrival": 30}
            ]
        }
        api.ok("PUT", "/v1/preferences", ann, json=prefs)
        request = {
            "origin": {"lat": 60.1699, "lon": 24.9384, "name": "Home"},
            "depart_at": DEPART.isoformat(),
            "return_by": (DEPART + timedelta(hours=3)).isoformat(),
            "interests": {"museum": 1.0},
            "vehicle": {"powertrain": "ev", "soc": 0.7},
        }
        planned = api.http.post("/v1/plan", json={"request": request, "vehicle_id": vehicle["id"]}, headers=ann)
        if planned.status_code == 202:  # still planning: poll the job
            job = _until(
                lambda: (j := api.ok("GET", f"/v1/jobs/{planned.json()['id']}", ann))["status"] == "done" and j,
                120,
                "the plan",
            )
            trip = api.ok("GET", f"/v1/trips/{job['trip_id']}", ann)
        else:
            assert planned.status_code == 201, planned.text
            trip = planned.json()
        assert clock.now() < DEPART - timedelta(minutes=60), "planning took too long for the simulated day"
        itinerary = trip["itinerary"]["itinerary"]
        assert itinerary["status"] == "feasible", itinerary["violations"]
        visits = [s for s in itinerary["stops"] if s["kind"] == "visit"]
        assert visits
        assert all(s["poi_id"].startswith("osm:") for s in visits)
        trip_id = trip["id"]

        pushed: list[dict[str, Any]] = []
        failures: list[BaseException] = []

        def listen() -> None:
            try:
                read_events(f"{server.url}/v1/trips/{trip_id}/stream", key, count=50, timeout_s=300, into=pushed)
            except BaseException as exc:  # surfaced in the assertions below
                failures.append(exc)

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()

        # before departure the car fetches (and acknowledges) its pre-conditioning command
        def fetch() -> list[dict[str, Any]]:
            return [
                c
                for c in api.ok("POST", f"/v1/vehicles/{vehicle['id']}/commands/fetch", key)
                if c["kind"] == "precondition_cabin"
            ]

        commands = _until(fetch, 120, "the pre-conditioning command")
        assert clock.now() < DEPART
        assert datetime.fromisoformat(commands[0]["command"]["ready_at"]) == DEPART
        api.ok("POST", f"/v1/vehicles/{vehicle['id']}/commands/{commands[0]['id']}/ack", key, json={"ok": True})

        # the head-unit drives: state updates, next stop with recommendations
        _until(lambda: clock.now() > DEPART + timedelta(minutes=2), 120, "departure")
        state = {"recorded_at": clock.now().isoformat(), "lat": 60.1699, "lon": 24.9390, "soc": 0.69, "speed_kph": 30}
        assert api.ok("PUT", f"/v1/vehicles/{vehicle['id']}/state", key, json=state)["applied"] is True
        stale = {**state, "recorded_at": (clock.now() - timedelta(minutes=10)).isoformat(), "soc": 0.2}
        assert api.ok("PUT", f"/v1/vehicles/{vehicle['id']}/state", key, json=stale)["applied"] is False
        nxt = api.ok("GET", f"/v1/trips/{trip_id}/next", key)
        assert nxt["stop_index"] == 1
        assert nxt["next_stop"]["poi_id"] == itinerary["stops"][1]["poi_id"]
        assert nxt["eta"] is not None
        for rec in nxt["recommendations"]:
            assert rec["poi_id"].startswith("osm:")
            assert rec["explanation"]

        # a delay re-plans; the new version is pushed over SSE
        delay = {
            "kind": "delay",
            "minutes": 20,
            "occurred_at": clock.now().isoformat(),
            "idempotency_key": "e2e-delay-1",
        }
        event = api.ok("POST", f"/v1/trips/{trip_id}/events", key, json=delay)
        assert event["itinerary_version"] == 2
        _until(
            lambda: any(e["event"] == "itinerary" and e["version"] == 2 for e in pushed),
            60,
            f"v2 over SSE (received {[e['event'] for e in pushed]}, listener errors {failures})",
        )

        # the home thermostat is switched before the (re-planned) arrival, then the summary follows
        new = api.ok("GET", f"/v1/trips/{trip_id}", ann)["itinerary"]["itinerary"]
        arrive = datetime.fromisoformat(new["stops"][-1]["arrive_at"])
        _until(lambda: home.calls, 300, "the home action")
        assert clock.now() < arrive
        assert home.calls[0]["body"] == {"entity_id": "climate.home", "temperature": 21.0, "hvac_mode": "heat"}
        _until(lambda: any(e["event"] == "summary" for e in pushed), 300, "the trip summary")
        kinds = [e["event"] for e in pushed]
        assert kinds[0] == "itinerary"
        assert {"command", "reminder", "home", "summary"} <= set(kinds), kinds
        assert api.ok("GET", f"/v1/trips/{trip_id}", ann)["status"] == "done"
        assert len(home.calls) == 1
