"""A real ``codriver serve`` process: SSE pushes, reconnects with Last-Event-ID, persistence across a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from serve_support import Api, plan_request, read_events, serve

pytestmark = pytest.mark.slow

FAKE_PORTS = ["--planner", "api_fakes:planner", "--assistant", "api_fakes:assistant", "--no-scheduler"]


def test_stream_pushes_new_versions_and_replays_what_a_reconnecting_head_unit_missed(tmp_path: Path) -> None:
    depart = datetime.now(UTC) + timedelta(hours=2)
    with serve(data_dir=tmp_path / "data", database_url=None, args=FAKE_PORTS) as server, Api(server.url) as api:
        ann = api.user("ann@example.org")
        vehicle = api.ok("POST", "/v1/vehicles", ann, json={"name": "Ioniq", "powertrain": "ev", "battery_kwh": 60})
        key = {"Authorization": "Bearer " + api.ok("POST", f"/v1/vehicles/{vehicle['id']}/api-key", ann)["api_key"]}
        trip = api.ok("POST", "/v1/plan", ann, json={"request": plan_request(depart), "vehicle_id": vehicle["id"]})
        stream = f"{server.url}/v1/trips/{trip['id']}/stream"
        first = read_events(stream, key, count=1)
        assert [(e["event"], e["version"]) for e in first] == [("itinerary", 1)]

        import threading

        live: list[dict[str, object]] = []
        reader = threading.Thread(
            target=lambda: live.extend(read_events(stream, key, count=1, last_event_id=first[0]["id"]))
        )
        reader.start()
        event = {"kind": "delay", "minutes": 20, "occurred_at": datetime.now(UTC).isoformat()}
        assert api.ok("POST", f"/v1/trips/{trip['id']}/events", key, json=event)["itinerary_version"] == 2
        reader.join(timeout=30)
        assert [(e["event"], e["version"]) for e in live] == [("itinerary", 2)]

        # while nobody listens: another re-plan; a reconnect with Last-Event-ID gets it, and nothing older
        wish = {"kind": "wish", "poi_id": "osm:node/4", "occurred_at": datetime.now(UTC).isoformat()}
        api.ok("POST", f"/v1/trips/{trip['id']}/events", key, json=wish)
        missed = read_events(stream, key, count=1, last_event_id=int(live[0]["id"]))  # type: ignore[arg-type]
        assert [(e["event"], e["version"]) for e in missed] == [("itinerary", 3)]
        foreign = api.user("bob@example.org")
        assert api.http.get(f"/v1/trips/{trip['id']}/stream", headers=foreign).status_code == 404

    # everything a user sees survives a restart of the service
    with serve(data_dir=tmp_path / "data", database_url=None, args=FAKE_PORTS) as server, Api(server.url) as api:
        token = api.http.post("/v1/auth/token", json={"email": "ann@example.org", "password": "correct horse"}).json()
        ann = {"Authorization": f"Bearer {token['access_token']}"}
        again = api.ok("GET", f"/v1/trips/{trip['id']}", ann)
        assert again["current_version"] == 3
        assert [v["version"] for v in api.ok("GET", f"/v1/trips/{trip['id']}/itineraries", ann)] == [1, 2, 3]
        assert api.http.get("/v1/users/me", headers=key).status_code == 200  # the head-unit key still works
        replay = read_events(f"{server.url}/v1/trips/{trip['id']}/stream", key, count=3)
        assert [e["version"] for e in replay] == [1, 2, 3]
