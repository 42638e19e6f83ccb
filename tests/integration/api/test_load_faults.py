"""A real ``codriver serve`` under moving head-units: the event loop never freezes on the database.

Each head-unit reports a new position (``PUT /v1/vehicles/{id}/state``) and asks for its
next stop (``GET /v1/trips/{id}/next``) back to back, as fast as it gets answers, while a
watchdog asks ``/v1/health`` every 0.2 s. On SQLite this used to stall the whole server:
the event loop waited for a pooled connection held by requests waiting for the loop.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from serve_support import Api, plan_request, read_events, serve

pytestmark = pytest.mark.slow

HEAD_UNITS = 24
SECONDS = 8.0
FAKES = ["--planner", "api_fakes:planner", "--assistant", "api_fakes:assistant", "--no-scheduler"]
ARGS = [*FAKES, "--rate", "100000", "--burst", "100000"]


def _drive(
    url: str, key: dict[str, str], vehicle_id: int, trip_id: int, stop: threading.Event, seen: Counter[str]
) -> None:
    with httpx.Client(base_url=url, headers=key, timeout=30.0) as http:
        step = 0
        while not stop.is_set():
            step += 1
            state = {
                "lat": 60.1699 + step * 1e-4,
                "lon": 24.9384 + step * 1e-4,
                "speed_kph": 40,
                "soc": 0.8,
                "recorded_at": datetime.now(UTC).isoformat(),
            }
            for method, path, body in (
                ("PUT", f"/v1/vehicles/{vehicle_id}/state", state),
                ("GET", f"/v1/trips/{trip_id}/next", None),
            ):
                try:
                    status = http.request(method, path, json=body).status_code
                except httpx.TransportError as exc:
                    seen[f"{method} {type(exc).__name__}"] += 1
                    continue
                seen[f"{method} {status}"] += 1


def _watch(url: str, stop: threading.Event, latencies: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=10.0) as http:
        while not stop.is_set():
            started = time.monotonic()
            try:
                ok = http.get("/v1/health").status_code == 200
            except httpx.TransportError:
                ok = False
            latencies.append(time.monotonic() - started if ok else float("inf"))
            time.sleep(0.2)


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_health_answers_within_1_s_while_head_units_move(
    tmp_path: Path, database: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if database == "postgres" else None
    depart = datetime.now(UTC) + timedelta(hours=1)
    with serve(data_dir=tmp_path / "data", database_url=url, args=ARGS) as server, Api(server.url) as api:
        ann = api.user("ann@example.org")
        cars = []
        for n in range(HEAD_UNITS):
            vehicle = api.ok("POST", "/v1/vehicles", ann, json={"name": f"car {n}", "powertrain": "ev"})
            key = api.ok("POST", f"/v1/vehicles/{vehicle['id']}/api-key", ann)["api_key"]
            trip = api.ok("POST", "/v1/plan", ann, json={"request": plan_request(depart), "vehicle_id": vehicle["id"]})
            cars.append(({"Authorization": f"Bearer {key}"}, vehicle["id"], trip["id"]))

        stop = threading.Event()
        seen: Counter[str] = Counter()
        latencies: list[float] = []
        threads = [
            threading.Thread(target=_drive, args=(server.url, key, vehicle_id, trip_id, stop, seen))
            for key, vehicle_id, trip_id in cars
        ]
        threads.append(threading.Thread(target=_watch, args=(server.url, stop, latencies)))
        for thread in threads:
            thread.start()
        time.sleep(SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        assert not any(thread.is_alive() for thread in threads), f"clients still waiting: {seen}"
        assert len(latencies) >= SECONDS / 1.2 - 1, latencies  # the watchdog itself was never stuck
        assert max(latencies) < 1.0, f"health took {max(latencies):.2f} s under load; answers: {seen}"
        # only documented answers: 200, or 429/503 with Retry-After for a client to back off
        assert set(seen) <= {"PUT 200", "GET 200", "PUT 429", "GET 429", "PUT 503", "GET 503"}, seen
        assert seen["PUT 200"] >= HEAD_UNITS, seen
        assert seen["GET 200"] >= HEAD_UNITS, seen
        # and the service still shuts down on SIGTERM (serve() waits 15 s before SIGKILL)
        stopped = time.monotonic()
    assert server.process.returncode in {0, -15}, server.process.returncode  # uvicorn re-raises SIGTERM; not -9
    assert time.monotonic() - stopped < 10


def test_open_streams_end_within_seconds_once_their_credential_is_revoked(tmp_path: Path) -> None:
    depart = datetime.now(UTC) + timedelta(hours=1)
    with serve(data_dir=tmp_path / "data", database_url=None, args=FAKES) as server, Api(server.url) as api:
        ann = api.user("ann@example.org")
        vehicle = api.ok("POST", "/v1/vehicles", ann, json={"name": "Ioniq", "powertrain": "ev"})
        key = {"Authorization": "Bearer " + api.ok("POST", f"/v1/vehicles/{vehicle['id']}/api-key", ann)["api_key"]}
        trip = api.ok("POST", "/v1/plan", ann, json={"request": plan_request(depart), "vehicle_id": vehicle["id"]})
        token = api.http.post("/v1/auth/token", json={"email": "ann@example.org", "password": "correct horse"})
        laptop = {"Authorization": f"Bearer {token.json()['access_token']}"}
        url = f"{server.url}/v1/trips/{trip['id']}/stream"
        car_events: list[dict[str, object]] = []
        laptop_events: list[dict[str, object]] = []
        readers = [
            threading.Thread(target=read_events, args=(url, key), kwargs={"count": 50, "into": car_events}),
            threading.Thread(target=read_events, args=(url, laptop), kwargs={"count": 50, "into": laptop_events}),
        ]
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + 20
        while (not car_events or not laptop_events) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [e["event"] for e in car_events] == ["itinerary"]
        assert [e["event"] for e in laptop_events] == ["itinerary"]

        api.ok("POST", f"/v1/vehicles/{vehicle['id']}/api-key", ann)  # the car's key is rotated
        assert api.http.delete("/v1/auth/token", headers=laptop).status_code == 204  # the laptop signs out
        revoked_at = time.monotonic()
        for reader in readers:
            reader.join(timeout=15)
        assert not any(reader.is_alive() for reader in readers), "a stream kept going after its credential was revoked"
        assert time.monotonic() - revoked_at < 12  # within sse_recheck_s (5 s) plus one poll
        assert car_events[-1]["event"] == "revoked"
        assert laptop_events[-1]["event"] == "revoked"
        # a new version is no longer delivered to either: both readers are gone, and reconnecting is refused
        assert api.http.get(f"/v1/trips/{trip['id']}/stream", headers=key).status_code == 401
