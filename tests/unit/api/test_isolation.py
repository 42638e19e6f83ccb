"""Nobody reads or changes another user's records: every route with an ID, foreign IDs answer 404.

The route table is read from the app itself, so a new route with an ID in its path fails
here until it has a sample body and passes the check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from api_support import NOW, Api, make_api, trip_request
from fastapi.routing import APIRoute

from codriver.api.routes import ROUTERS
from codriver.settings import Settings

SAMPLE_BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/v1/vehicles/{vehicle_id}"): {"name": "Mine now"},
    ("POST", "/v1/vehicles/{vehicle_id}/api-key"): None,
    ("POST", "/v1/vehicles/{vehicle_id}/commands/fetch"): None,
    ("PUT", "/v1/vehicles/{vehicle_id}/state"): {"recorded_at": NOW.isoformat(), "lat": 60.17, "lon": 24.94},
    ("POST", "/v1/vehicles/{vehicle_id}/commands"): {"command": {"kind": "seat_preset", "preset": "driver"}},
    ("POST", "/v1/vehicles/{vehicle_id}/commands/{command_id}/ack"): {"ok": True},
    ("PATCH", "/v1/trips/{trip_id}"): {"title": "Mine now"},
    ("POST", "/v1/trips/{trip_id}/chat"): {"message": "add a cafe"},
    ("POST", "/v1/trips/{trip_id}/events"): {"kind": "delay", "minutes": 10, "occurred_at": NOW.isoformat()},
    ("POST", "/v1/trips/{trip_id}/recommendations/{recommendation_id}/decision"): {"outcome": "accepted"},
    ("POST", "/v1/trips/{trip_id}/feedback"): {"rating": 1},
    ("POST", "/v1/trips/{trip_id}/stops/{index}/replace"): {"poi_id": "osm:node/2"},
    ("POST", "/v1/trips/{trip_id}/stops/{index}/charger"): {"charger_id": "osm:node/7"},
    ("PUT", "/v1/trips/{trip_id}/stops"): {"stops": [{"poi_id": "osm:node/2"}]},
    ("POST", "/v1/trips/{trip_id}/stops"): {"poi_id": "osm:node/2"},
    ("PUT", "/v1/trips/{trip_id}/request"): trip_request(),
    ("POST", "/v1/trips/{trip_id}/shares"): None,
}
QUERIES = {"/v1/trips/{trip_id}/diff": "?from_version=1"}


#: Routes whose path names a shared resource, not a user's record (regions are everyone's; a share
#: link's token is its own credential: tests/unit/api/test_share_export.py; map label fonts are
#: public assets: tests/integration/webapi/test_basemap_api.py).
SHARED = ("/v1/regions/", "/v1/shared/", "/v1/fonts/")


def _id_routes() -> list[tuple[str, str]]:
    routes = []
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            path = "/v1" + route.path
            if "{" in path and not path.startswith(SHARED):
                routes.extend((method, path) for method in sorted(route.methods))
    return routes


ID_ROUTES = _id_routes()


def test_every_route_with_an_id_is_in_the_table() -> None:
    bodies = {(m, p) for m, p in ID_ROUTES if m in {"POST", "PUT", "PATCH"}}
    assert bodies <= set(SAMPLE_BODIES), f"add sample bodies for {sorted(bodies - set(SAMPLE_BODIES))}"
    assert len(ID_ROUTES) >= 20


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One app for the module: the checks below only read, or are refused."""
    yield from make_api(Settings(data_dir=tmp_path_factory.mktemp("isolation")))


@pytest.fixture(scope="module")
def world(shared_api: Api) -> dict[str, Any]:
    """Ann's trip (planned, with recommendations, a command, a job) and Bob's credentials."""
    api = shared_api
    ann = api.user("ann@example.org")
    vehicle = api.vehicle(ann)
    trip = api.plan(ann, vehicle)
    trip_id = trip["id"]
    api.clock.set(NOW + timedelta(hours=3, minutes=5))
    nxt = api.client.get(f"/v1/trips/{trip_id}/next", headers=ann).json()
    command = api.client.post(
        f"/v1/vehicles/{vehicle}/commands", json={"command": {"kind": "seat_preset", "preset": "x1"}}, headers=ann
    ).json()
    job = api.client.post(
        "/v1/plan", json={"request": trip["request"], "background": True, "vehicle_id": vehicle}, headers=ann
    ).json()
    share = api.client.post(f"/v1/trips/{trip_id}/shares", headers=ann).json()
    bob = api.user("bob@example.org")
    bob_vehicle = api.vehicle(bob)
    return {
        "ids": {
            "trip_id": trip_id,
            "vehicle_id": vehicle,
            "version": 1,
            "command_id": command["id"],
            "recommendation_id": nxt["recommendations"][0]["id"],
            "job_id": job["id"],
            "index": 1,
            "share_id": share["id"],
            "kind": "gpx",
        },
        "ann": ann,
        "bob": bob,
        "bob_key": api.key(bob, bob_vehicle),
    }


def _url(path: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path) + QUERIES.get(path, "")


@pytest.mark.parametrize(("method", "path"), ID_ROUTES, ids=[f"{m} {p}" for m, p in ID_ROUTES])
def test_foreign_ids_are_404_for_users_and_head_units(
    shared_api: Api, world: dict[str, Any], method: str, path: str
) -> None:
    api = shared_api
    url = _url(path, world["ids"])
    body = SAMPLE_BODIES.get((method, path))
    for who in ("bob", "bob_key"):
        response = api.client.request(method, url, json=body, headers=world[who])
        if who == "bob_key" and response.status_code == 403:
            continue  # a head-unit key may not use web-app routes at all
        assert response.status_code == 404, f"{who}: {method} {url} -> {response.status_code} {response.text}"
        assert response.json()["field"]
    # and the owner still gets through (the IDs are real)
    # a stream never ends: checked in integration tests; stop 1 of Ann's trip is no charging stop (test_chargers)
    if method == "GET" and not path.endswith(("/stream", "/chargers")):
        owner = api.client.request(method, url, json=body, headers=world["ann"])
        assert owner.status_code == 200, f"ann: GET {url} -> {owner.status_code} {owner.text}"


def test_lists_show_only_your_records(shared_api: Api, world: dict[str, Any]) -> None:
    api = shared_api
    assert api.client.get("/v1/trips", headers=world["bob"]).json() == []
    assert [v["name"] for v in api.client.get("/v1/vehicles", headers=world["bob"]).json()] == ["Ioniq"]
    assert len(api.client.get("/v1/trips", headers=world["ann"]).json()) == 2  # the plan and the job's


def test_a_head_unit_key_reaches_only_its_vehicle(api: Api) -> None:
    ann = api.user()
    first, second = api.vehicle(ann), api.vehicle(ann, name="Second car")
    key = api.key(ann, first)
    state = {"recorded_at": NOW.isoformat(), "lat": 60.17, "lon": 24.94}
    assert api.client.put(f"/v1/vehicles/{first}/state", json=state, headers=key).status_code == 200
    assert api.client.put(f"/v1/vehicles/{second}/state", json=state, headers=key).status_code == 404
    assert api.client.get("/v1/vehicles", headers=key).status_code == 403
    assert api.client.get("/v1/preferences", headers=key).status_code == 403
