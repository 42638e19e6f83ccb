"""Place search and direct edits of a trip over the real engine and the embedded Helsinki region.

Reorder, add at a position, stay length, lock, same-kind replace and remove without
auto-fill: each a new verified version that keeps the other stops' order; bad input is a
4xx naming the field, another user's trip a 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from codriver.api import ApiSettings, create_app
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
EDITABLE = {"visit", "meal"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    runtime = Runtime(Settings(data_dir=tmp_path_factory.mktemp("edits")))
    runtime.region("helsinki")
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


@pytest.fixture(scope="module")
def bob(client: TestClient) -> dict[str, str]:
    return _user(client, "bob@example.org")


def _plan(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post("/v1/plan", json={"request": REQUEST, "title": "Edits"}, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _stops(trip: dict[str, Any]) -> list[dict[str, Any]]:
    return list(trip["itinerary"]["itinerary"]["stops"])


def _inner(trip: dict[str, Any]) -> list[str]:
    return [s["poi_id"] for s in _stops(trip) if s["kind"] in EDITABLE]


def _errors(trip: dict[str, Any]) -> list[str]:
    return [v["code"] for v in trip["itinerary"]["itinerary"]["violations"] if v["severity"] == "error"]


def _field(response: Any) -> str:
    body = response.json()
    return str(body.get("field") or body)


def test_search_finds_places_with_category_and_distance(client: TestClient, ann: dict[str, str]) -> None:
    found = client.get("/v1/regions/helsinki/places/search?q=ateneum&near=60.1699,24.9384", headers=ann)
    assert found.status_code == 200, found.text
    first = found.json()[0]
    assert first["name"] == "Ateneum"
    assert first["poi_id"].startswith("osm:")
    assert first["category"] == "museum"
    assert 100 < first["distance_m"] < 1000
    streets = client.get("/v1/regions/helsinki/places/search?q=Mannerheimintie&limit=3", headers=ann).json()
    assert any(s["kind"] == "street" and s["poi_id"] is None for s in streets)
    assert len(streets) <= 3
    assert all(s["distance_m"] is None for s in streets)


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("q=a", "q", "at least 2 letters"),
        ("q=" + "x" * 81, "q", "at most 80"),
        ("q=ateneum&near=nowhere", "near", "LAT,LON"),
        ("q=ateneum&limit=50", "limit", ""),
        ("near=60.1,24.9", "q", ""),
    ],
)
def test_bad_searches_say_which_field(
    client: TestClient, ann: dict[str, str], query: str, field: str, words: str
) -> None:
    response = client.get(f"/v1/regions/helsinki/places/search?{query}", headers=ann)
    assert response.status_code == 422, response.text
    assert field in _field(response)
    assert words in response.json()["detail"]
    assert "catalogue ID" not in response.json()["detail"]


def test_search_needs_a_known_region_and_a_user(client: TestClient, ann: dict[str, str]) -> None:
    assert client.get("/v1/regions/atlantis/places/search?q=museum", headers=ann).status_code == 404
    assert client.get("/v1/regions/helsinki/places/search?q=museum").status_code == 401


def test_reorder_keeps_exactly_the_new_order(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    order = _inner(trip)
    assert len(order) >= 3
    wanted = [order[1], order[0], *order[2:]]
    response = client.put(f"/v1/trips/{trip['id']}/stops", json={"stops": [{"poi_id": p} for p in wanted]}, headers=ann)
    assert response.status_code == 200, response.text
    moved = response.json()
    assert _inner(moved) == wanted
    assert "STOP_ORDER" not in _errors(moved)
    diff = client.get(f"/v1/trips/{trip['id']}/diff?from_version=1", headers=ann).json()
    assert diff["added"] == []
    assert diff["removed"] == []
    assert "reordered" in moved["itinerary"]["reason"]


def test_add_a_searched_place_at_a_position(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    before = _inner(trip)
    hit = next(
        h
        for h in client.get("/v1/regions/helsinki/places/search?q=cafe&limit=20", headers=ann).json()
        if h["poi_id"] and h["poi_id"] not in before
    )
    response = client.post(
        f"/v1/trips/{trip['id']}/stops", json={"poi_id": hit["poi_id"], "position": 2, "stay_min": 20}, headers=ann
    )
    assert response.status_code == 200, response.text
    after = _inner(response.json())
    assert after == [before[0], hit["poi_id"], *before[1:]]
    added = next(s for s in _stops(response.json()) if s["poi_id"] == hit["poi_id"])
    stay = datetime.fromisoformat(added["depart_at"]) - datetime.fromisoformat(added["arrive_at"])
    assert stay == timedelta(minutes=20)
    first_before = next(s for s in _stops(trip) if s["poi_id"] == before[0])
    first_after = next(s for s in _stops(response.json()) if s["poi_id"] == before[0])
    assert first_after["arrive_at"] == first_before["arrive_at"]  # stops before the new one do not move


def test_remove_removes_only_unless_asked_to_fill(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    before = _inner(trip)
    index = next(i for i, s in enumerate(_stops(trip)) if s["poi_id"] == before[0])
    response = client.delete(f"/v1/trips/{trip['id']}/stops/{index}", headers=ann)
    assert response.status_code == 200, response.text
    assert _inner(response.json()) == before[1:]
    filled = client.delete(f"/v1/trips/{trip['id']}/stops/{index}?fill=true", headers=ann)
    assert filled.status_code == 200, filled.text
    assert before[0] not in _inner(filled.json())
    assert before[1] not in _inner(filled.json())
    assert "filled the gap" in filled.json()["itinerary"]["reason"]


def test_replace_offers_only_the_same_kind_and_keeps_the_order(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    stops = _stops(trip)
    index, stop = next((i, s) for i, s in enumerate(stops) if s["kind"] == "visit")
    options = client.get(f"/v1/trips/{trip['id']}/stops/{index}/alternatives?limit=30", headers=ann).json()
    assert options
    assert {o["category"] for o in options} == {stop["category"]}
    names = [o["name"] for o in options]
    assert len(names) == len(set(names))  # no near-duplicates by name
    assert not set(names) & {s["name"] for s in stops}
    response = client.post(
        f"/v1/trips/{trip['id']}/stops/{index}/replace", json={"poi_id": options[0]["poi_id"]}, headers=ann
    )
    assert response.status_code == 200, response.text
    before = _inner(trip)
    wanted = [options[0]["poi_id"] if p == stop["poi_id"] else p for p in before]
    assert _inner(response.json()) == wanted


def test_stay_and_lock_survive_a_request_edit(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    order = _inner(trip)
    stops = [
        {"poi_id": p, "locked": k == len(order) - 1, "stay_min": 90 if k == 0 else None} for k, p in enumerate(order)
    ]
    response = client.put(f"/v1/trips/{trip['id']}/stops", json={"stops": stops}, headers=ann)
    assert response.status_code == 200, response.text
    first = next(s for s in _stops(response.json()) if s["poi_id"] == order[0])
    assert datetime.fromisoformat(first["depart_at"]) - datetime.fromisoformat(first["arrive_at"]) == timedelta(
        minutes=90
    )
    request = response.json()["request"]
    edited = client.put(
        f"/v1/trips/{trip['id']}/request", json={**request, "return_by": "2026-12-01T16:00:00+02:00"}, headers=ann
    )
    assert edited.status_code == 200, edited.text
    assert order[-1] in _inner(edited.json())  # the locked stop is kept
    assert [s["poi_id"] for s in edited.json()["request"]["stops"]] == [order[-1]]
    assert edited.json()["request"]["add_stops"] is True


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PUT", "stops", {"stops": [{"poi_id": "osm:node/1"}]}, "stops[0].poi_id"),
        ("PUT", "stops", {"stops": [{"poi_id": "osm:node/1", "stay_min": 1}]}, "stay_min"),
        ("PUT", "stops", {"stops": "museum"}, "stops"),
        ("POST", "stops", {"poi_id": "osm:node/1"}, "poi_id"),
        ("POST", "stops", {"poi_id": "osm:node/1", "position": 0}, "position"),
    ],
)
def test_bad_edits_name_the_field(
    client: TestClient, ann: dict[str, str], method: str, path: str, body: dict[str, Any], field: str
) -> None:
    trip = _plan(client, ann)
    response = client.request(method, f"/v1/trips/{trip['id']}/{path}", json=body, headers=ann)
    assert response.status_code == 422, response.text
    assert field in _field(response)


def test_duplicate_and_out_of_range_edits_are_refused(client: TestClient, ann: dict[str, str]) -> None:
    trip = _plan(client, ann)
    order = _inner(trip)
    twice = client.put(
        f"/v1/trips/{trip['id']}/stops", json={"stops": [{"poi_id": order[0]}, {"poi_id": order[0]}]}, headers=ann
    )
    assert twice.status_code == 422
    assert "once" in twice.json()["detail"]
    again = client.post(f"/v1/trips/{trip['id']}/stops", json={"poi_id": order[0]}, headers=ann)
    assert again.status_code == 422
    assert again.json()["field"] == "poi_id"
    far = client.post(f"/v1/trips/{trip['id']}/stops", json={"poi_id": order[0], "position": 41}, headers=ann)
    assert far.status_code == 422


def test_another_users_trip_is_not_found(client: TestClient, ann: dict[str, str], bob: dict[str, str]) -> None:
    trip = _plan(client, ann)
    order = _inner(trip)
    tid = trip["id"]
    assert client.put(f"/v1/trips/{tid}/stops", json={"stops": []}, headers=bob).status_code == 404
    assert client.post(f"/v1/trips/{tid}/stops", json={"poi_id": order[0]}, headers=bob).status_code == 404
    assert client.delete(f"/v1/trips/{tid}/stops/1?fill=true", headers=bob).status_code == 404
    assert client.get(f"/v1/trips/{tid}/stops/1/alternatives", headers=bob).status_code == 404
    assert _inner(client.get(f"/v1/trips/{tid}", headers=ann).json()) == order


def test_the_itinerary_walks_near_stops_from_one_parking_place(client: TestClient, ann: dict[str, str]) -> None:
    legs = _plan(client, ann)["itinerary"]["itinerary"]["legs"]
    walks = [leg for leg in legs if leg["mode"] == "walk"]
    assert walks, "park and walk: near stops are walked"
    assert all(0 < leg["distance_m"] <= 800 and leg["energy_kwh"] in (None, 0) for leg in walks)
    parks = [leg["park"] for leg in legs if leg["mode"] == "drive" and leg.get("park")]
    assert parks, "a drive says where the car is left"
    assert all(set(park) == {"poi_id", "name", "lat", "lon"} for park in parks)
    request = {**REQUEST, "constraints": {"max_walk_m": 0}}  # every stop driven to, as before park and walk
    driven = client.post("/v1/plan", json={"request": request, "title": "Driven"}, headers=ann)
    assert driven.status_code == 201, driven.text
    assert {leg["mode"] for leg in driven.json()["itinerary"]["itinerary"]["legs"]} == {"drive"}
