"""The web app's API over the real engine and the embedded Helsinki region.

Offline map roads, grounded alternatives to a stop, replacing and removing stops and
editing the request: every change is a new, verified itinerary version.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from codriver.api import ApiSettings, create_app
from codriver.api._agents_assistant import AgentsAssistant
from codriver.api._engine_planner import EnginePlanner
from codriver.bootstrap import Runtime
from codriver.scheduling import FixedClock
from codriver.settings import Settings

pytestmark = pytest.mark.slow

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
REQUEST: dict[str, Any] = {
    "origin": {"lat": 60.1699, "lon": 24.9384, "name": "Home"},
    "depart_at": "2026-12-01T10:00:00+02:00",
    "return_by": "2026-12-01T17:00:00+02:00",
    "interests": {"museum": 1.0, "park": 0.6},
    "meals": [{"meal": "lunch", "earliest": "11:30", "latest": "14:00"}],
}


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    runtime = Runtime(Settings(data_dir=tmp_path_factory.mktemp("webapi")))
    runtime.region("helsinki")
    return runtime


@pytest.fixture(scope="module")
def client(runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(
        runtime,
        clock=FixedClock(NOW),
        api_settings=ApiSettings(scrypt_n=2**4, scheduler=False, rate_per_s=1000, rate_burst=1000),
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _user(client: TestClient, email: str) -> dict[str, str]:
    assert client.post("/v1/users", json={"email": email, "password": "correct horse"}).status_code == 201
    token = client.post("/v1/auth/token", json={"email": email, "password": "correct horse"}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


@pytest.fixture(scope="module")
def ann(client: TestClient) -> dict[str, str]:
    return _user(client, "ann@example.org")


def _plan(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post("/v1/plan", json={"request": REQUEST, "title": "Museums"}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _stops(trip: dict[str, Any]) -> list[dict[str, Any]]:
    return list(trip["itinerary"]["itinerary"]["stops"])


def _visit(trip: dict[str, Any]) -> int:
    return next(i for i, s in enumerate(_stops(trip)) if s["kind"] == "visit")


def test_regions_list_the_default_with_its_bounds(client: TestClient, ann: dict[str, str], runtime: Runtime) -> None:
    regions = client.get("/v1/regions", headers=ann).json()
    assert regions[0]["name"] == "helsinki"
    assert regions[0]["default"] is True
    region = runtime.region("helsinki")
    assert regions[0]["bounds"] == [region.min_lon, region.min_lat, region.max_lon, region.max_lat]
    assert client.get("/v1/regions").status_code == 401


def test_the_map_holds_every_road_of_the_graph_once(client: TestClient, ann: dict[str, str], runtime: Runtime) -> None:
    response = client.get("/v1/regions/helsinki/map", headers=ann)
    assert response.status_code == 200
    body = response.json()
    assert "OpenStreetMap" in body["attribution"]
    graph = runtime.graph(runtime.region("helsinki"))
    lon, lat = graph.lon.tolist(), graph.lat.tolist()

    def point(i: int) -> tuple[float, float]:
        return (round(lon[i], 5), round(lat[i], 5))

    expected = {
        tuple(sorted((point(u), point(v)))) for u, v in zip(graph.edge_u.tolist(), graph.edge_v.tolist(), strict=True)
    }
    drawn: list[tuple[tuple[float, float], ...]] = []
    w, s, e, n = body["bounds"]
    for layer in body["roads"]:
        assert layer["cls"] in {"major", "minor", "local"}
        for line in layer["lines"]:
            assert len(line) >= 4
            assert len(line) % 2 == 0
            points = list(zip(line[::2], line[1::2], strict=True))
            assert all(w - 0.01 <= x <= e + 0.01 and s - 0.01 <= y <= n + 0.01 for x, y in points)
            drawn += [tuple(sorted(pair)) for pair in itertools.pairwise(points)]
    assert set(drawn) == expected
    assert len(drawn) == len(set(drawn)), "a road segment is drawn twice"
    assert client.get("/v1/regions/atlantis/map", headers=ann).status_code == 404


def test_alternatives_are_grounded_open_and_new(client: TestClient, ann: dict[str, str], runtime: Runtime) -> None:
    trip = _plan(client, ann)
    index = _visit(trip)
    stop = _stops(trip)[index]
    response = client.get(f"/v1/trips/{trip['id']}/stops/{index}/alternatives?limit=6", headers=ann)
    assert response.status_code == 200, response.text
    options = response.json()
    assert options, "Helsinki has other museums and parks near the route"
    assert len(options) <= 6
    planned = {s["poi_id"] for s in _stops(trip)}
    places = runtime.places(runtime.region("helsinki"))
    for option in options:
        assert option["poi_id"] not in planned
        assert option["hours"] != "closed"
        assert stop["name"] in option["explanation"]
        entry = places.get_sync(option["poi_id"])
        assert (entry.name, entry.category) == (option["name"], option["category"])
    assert options[0]["category"] == stop["category"]


def test_replace_remove_and_edit_make_new_verified_versions(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    trip_id, index = trip["id"], _visit(trip)
    old = _stops(trip)[index]
    options = client.get(f"/v1/trips/{trip_id}/stops/{index}/alternatives", headers=ann).json()
    new = options[0]

    replaced = client.post(f"/v1/trips/{trip_id}/stops/{index}/replace", json={"poi_id": new["poi_id"]}, headers=ann)
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    ids = [s["poi_id"] for s in _stops(body)]
    assert body["itinerary"]["version"] == 2
    assert new["poi_id"] in ids
    assert old["poi_id"] not in ids
    assert body["itinerary"]["status"] == "feasible"
    assert [v for v in body["itinerary"]["itinerary"]["violations"] if v["severity"] == "error"] == []
    assert old["poi_id"] in body["request"]["constraints"]["avoid_places"]
    same = [s for s in _stops(body) if s["category"] == old["category"]]
    assert len(same) <= len([s for s in _stops(trip) if s["category"] == old["category"]]), "a swap, not an addition"
    assert old["name"] in body["itinerary"]["reason"]
    diff = client.get(f"/v1/trips/{trip_id}/diff?from_version=1", headers=ann).json()
    assert new["poi_id"] in [c["poi_id"] for c in diff["added"]]
    assert old["poi_id"] in [c["poi_id"] for c in diff["removed"]]

    at = ids.index(new["poi_id"])
    removed = client.delete(f"/v1/trips/{trip_id}/stops/{at}", headers=ann)
    assert removed.status_code == 200, removed.text
    assert new["poi_id"] not in [s["poi_id"] for s in _stops(removed.json())]
    assert removed.json()["itinerary"]["version"] == 3

    request = removed.json()["request"]
    request["return_by"] = "2026-12-01T18:30:00+02:00"
    edited = client.put(f"/v1/trips/{trip_id}/request", json=request, headers=ann)
    assert edited.status_code == 200, edited.text
    assert edited.json()["itinerary"]["version"] == 4
    assert edited.json()["itinerary"]["reason"] == "request edited: return_by"
    last = _stops(edited.json())[-1]
    assert datetime.fromisoformat(last["arrive_at"]) <= datetime.fromisoformat(request["return_by"])


def test_bad_changes_name_the_field(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    trip_id, stops = trip["id"], _stops(trip)
    end = len(stops) - 1
    index = _visit(trip)
    cases = [
        ("get", f"/v1/trips/{trip_id}/stops/{end}/alternatives", None, "index"),
        ("post", f"/v1/trips/{trip_id}/stops/{index}/replace", {"poi_id": "osm:node/1"}, "poi_id"),
        ("post", f"/v1/trips/{trip_id}/stops/{index}/replace", {"poi_id": stops[index]["poi_id"]}, "poi_id"),
        ("post", f"/v1/trips/{trip_id}/stops/{index}/replace", {}, "poi_id"),
    ]
    for method, url, body, field in cases:
        response = client.request(method.upper(), url, json=body, headers=ann)
        assert response.status_code == 422, (url, response.text)
        assert field in response.text, (url, response.text)
    charge = next((i for i, s in enumerate(stops) if s["kind"] == "charge"), None)
    if charge is not None:
        assert client.delete(f"/v1/trips/{trip_id}/stops/{charge}", headers=ann).status_code == 422
    versions = client.get(f"/v1/trips/{trip_id}/itineraries", headers=ann).json()
    assert len(versions) == 1, "a refused change stores nothing"


def test_another_user_sees_nothing(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    bob = _user(client, "bob@example.org")
    index = _visit(trip)
    for method, url, body in [
        ("GET", f"/v1/trips/{trip['id']}/stops/{index}/alternatives", None),
        ("POST", f"/v1/trips/{trip['id']}/stops/{index}/replace", {"poi_id": _stops(trip)[index]["poi_id"]}),
        ("DELETE", f"/v1/trips/{trip['id']}/stops/{index}", None),
        ("PUT", f"/v1/trips/{trip['id']}/request", REQUEST),
    ]:
        assert client.request(method, url, json=body, headers=bob).status_code == 404, url


def test_text_plans_start_where_the_form_says(runtime: Runtime) -> None:
    planner = EnginePlanner(runtime)
    app = create_app(
        runtime,
        planner=planner,
        assistant=AgentsAssistant(planner, runtime, backend="none"),  # the rules alone read this text
        clock=FixedClock(NOW),
        api_settings=ApiSettings(scrypt_n=2**4, scheduler=False),
    )
    with TestClient(app) as client:
        carl = _user(client, "carl@example.org")
        start = {"lat": 60.1841, "lon": 24.9491, "name": "Hotel Kallio"}
        text = "Tomorrow a museum and a park, back by 16:00"
        planned = client.post("/v1/plan", json={"text": text, "origin": start}, headers=carl)
        assert planned.status_code == 201, planned.text
        assert planned.json()["request"]["origin"] == {**start, "place_id": None}
        assert _stops(planned.json())[0]["name"] == "Hotel Kallio"
        # the text's own start wins over the form's
        said = client.post(
            "/v1/plan", json={"text": text + ", starting from Rautatientori", "origin": start}, headers=carl
        )
        assert said.json()["request"]["origin"]["name"] == "Rautatientori"
        trip_id = planned.json()["id"]
        chat = client.post(f"/v1/trips/{trip_id}/chat", json={"message": "Please have us back by 15:30"}, headers=carl)
        assert chat.json()["replanned"] is True, chat.text
        trip = client.get(f"/v1/trips/{trip_id}", headers=carl).json()
        day = planned.json()["request"]["depart_at"][:10]
        assert trip["request"]["return_by"].startswith(f"{day}T15:30"), "the trip's day, not the day of the message"
        both = client.post("/v1/plan", json={"request": REQUEST, "origin": start}, headers=carl)
        assert both.status_code == 422
        assert "origin" in both.text
