"""The head-unit's API: state reports, next stop, events that re-plan, recommendations, commands."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_fakes import CATALOGUE
from api_support import NOW, Api

from codriver.store import (
    append_itinerary,
    decide_recommendation,
    session_scope,
    trip_recommendation,
    update_vehicle_state,
)

DEPART = NOW + timedelta(hours=3)


@pytest.fixture
def car(api: Api) -> dict[str, Any]:
    ann = api.user()
    vehicle = api.vehicle(ann)
    trip = api.plan(ann, vehicle)
    return {"ann": ann, "vehicle": vehicle, "trip": trip, "key": api.key(ann, vehicle)}


def _state(at: Any, **values: Any) -> dict[str, Any]:
    return {"recorded_at": at.isoformat(), **values}


def test_older_and_duplicate_reports_never_overwrite_newer_state(api: Api, car: dict[str, Any]) -> None:
    url = f"/v1/vehicles/{car['vehicle']}/state"
    first = api.client.put(
        url, json=_state(NOW + timedelta(seconds=20), lat=60.17, lon=24.94, soc=0.7), headers=car["key"]
    )
    assert first.json()["applied"] is True
    older = api.client.put(
        url, json=_state(NOW + timedelta(seconds=10), lat=60.0, lon=24.0, soc=0.9), headers=car["key"]
    )
    assert older.status_code == 200
    assert older.json()["applied"] is False
    assert (older.json()["vehicle"]["lat"], older.json()["vehicle"]["soc"]) == (60.17, 0.7)
    same = api.client.put(url, json=_state(NOW + timedelta(seconds=20), soc=0.1), headers=car["key"])
    assert same.json()["applied"] is False
    newer = api.client.put(url, json=_state(NOW + timedelta(seconds=30), soc=0.65, speed_kph=42), headers=car["key"])
    body = newer.json()["vehicle"]
    assert newer.json()["applied"] is True
    assert (body["lat"], body["soc"], body["speed_kph"]) == (60.17, 0.65, 42)  # omitted fields are kept


def test_state_reports_are_validated(api: Api, car: dict[str, Any]) -> None:
    url = f"/v1/vehicles/{car['vehicle']}/state"
    cases = {
        "recorded_at": {"recorded_at": "2026-06-01T06:00:00"},
        "soc": _state(NOW, soc=1.5),
        "lon": _state(NOW, lat=60.1),
        "speed": _state(NOW, speed=3),
    }
    for field, body in cases.items():
        response = api.client.put(url, json=body, headers=car["key"])
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field


def test_next_stop_eta_from_the_car_and_grounded_recommendations(api: Api, car: dict[str, Any]) -> None:
    trip_id = car["trip"]["id"]
    api.clock.set(DEPART + timedelta(minutes=1))
    home = car["trip"]["itinerary"]["itinerary"]["stops"][0]
    api.client.put(
        f"/v1/vehicles/{car['vehicle']}/state",
        json=_state(DEPART + timedelta(minutes=1), lat=home["lat"], lon=home["lon"]),
        headers=car["key"],
    )
    nxt = api.client.get(f"/v1/trips/{trip_id}/next", headers=car["key"]).json()
    assert nxt["stop_index"] == 1
    assert nxt["next_stop"]["poi_id"] == "osm:node/1"
    assert nxt["at_stop"] == 0
    assert nxt["delay_s"] == pytest.approx(60.0, abs=1)  # left a minute late
    ids = [r["poi_id"] for r in nxt["recommendations"]]
    assert "osm:node/999" not in ids  # invented by the assistant: not in the catalogue
    assert ids == ["osm:node/2", "osm:node/6"]
    assert nxt["recommendations"][0]["explanation"] == "Café, 2 min detour."
    again = api.client.get(f"/v1/trips/{trip_id}/next", headers=car["key"]).json()
    assert [r["id"] for r in again["recommendations"]] == [r["id"] for r in nxt["recommendations"]]
    assert [c for c in api.assistant.calls if c[0] == "recommend"] == [("recommend", 1)]  # computed once


def test_rejected_places_are_not_suggested_again_and_accepted_ones_replan(api: Api, car: dict[str, Any]) -> None:
    trip_id = car["trip"]["id"]
    api.clock.set(DEPART - timedelta(minutes=5))
    recs = api.client.get(f"/v1/trips/{trip_id}/next", headers=car["key"]).json()["recommendations"]
    cafe, park = recs
    url = f"/v1/trips/{trip_id}/recommendations"
    rejected = api.client.post(f"{url}/{park['id']}/decision", json={"outcome": "rejected"}, headers=car["key"])
    assert rejected.json()["outcome"] == "rejected"
    prefs = api.client.get("/v1/preferences", headers=car["ann"]).json()
    assert prefs["rejected_place_ids"] == ["osm:node/6"]
    assert [
        r["poi_id"] for r in api.client.get(f"/v1/trips/{trip_id}/next", headers=car["key"]).json()["recommendations"]
    ] == ["osm:node/2"]
    accepted = api.client.post(f"{url}/{cafe['id']}/decision", json={"outcome": "accepted"}, headers=car["key"])
    assert accepted.status_code == 200
    trip = api.client.get(f"/v1/trips/{trip_id}", headers=car["ann"]).json()
    assert trip["current_version"] == 2
    assert "osm:node/2" in [s["poi_id"] for s in trip["itinerary"]["itinerary"]["stops"]]
    twice = api.client.post(f"{url}/{cafe['id']}/decision", json={"outcome": "accepted"}, headers=car["key"])
    assert twice.status_code == 200
    assert api.client.get(f"/v1/trips/{trip_id}", headers=car["ann"]).json()["current_version"] == 2  # not again
    flip = api.client.post(f"{url}/{cafe['id']}/decision", json={"outcome": "rejected"}, headers=car["key"])
    assert flip.status_code == 422
    assert flip.json()["field"] == "outcome"


def test_events_replan_once_per_idempotency_key(api: Api, car: dict[str, Any]) -> None:
    trip_id = car["trip"]["id"]
    api.clock.set(DEPART + timedelta(minutes=20))
    event = {
        "kind": "delay",
        "minutes": 30,
        "occurred_at": (DEPART + timedelta(minutes=19)).isoformat(),
        "idempotency_key": "delay-0001",
    }
    first = api.client.post(f"/v1/trips/{trip_id}/events", json=event, headers=car["key"])
    assert first.status_code == 201, first.text
    assert first.json()["itinerary_version"] == 2
    assert first.json()["explanation"] == "re-planned for delay"
    again = api.client.post(f"/v1/trips/{trip_id}/events", json=event, headers=car["key"])
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["itinerary_version"] == 2
    assert len(api.planner.replans) == 1
    replanned = api.planner.plans[-1]
    assert replanned.depart_at == DEPART + timedelta(minutes=50)  # now + 30 min
    wish = {"kind": "wish", "poi_id": "osm:node/4", "occurred_at": DEPART.isoformat()}
    assert (
        api.client.post(f"/v1/trips/{trip_id}/events", json=wish, headers=car["key"]).json()["itinerary_version"] == 3
    )
    assert "osm:node/4" in api.planner.plans[-1].must_visit
    closed = {"kind": "closure", "poi_id": "osm:node/3", "occurred_at": DEPART.isoformat()}
    assert api.client.post(f"/v1/trips/{trip_id}/events", json=closed, headers=car["key"]).status_code == 201
    assert "osm:node/3" not in api.planner.plans[-1].must_visit


def test_bad_events_name_the_field(api: Api, car: dict[str, Any]) -> None:
    url = f"/v1/trips/{car['trip']['id']}/events"
    cases = {
        "kind": {"kind": "meteor", "occurred_at": NOW.isoformat()},
        "delay.minutes": {"kind": "delay", "minutes": -5, "occurred_at": NOW.isoformat()},
        "wish": {"kind": "wish", "occurred_at": NOW.isoformat()},
        "delay.occurred_at": {"kind": "delay", "minutes": 5},
    }
    for field, body in cases.items():
        response = api.client.post(url, json=body, headers=car["key"])
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field, response.json()


def test_commands_are_queued_once_fetched_and_acknowledged(api: Api, car: dict[str, Any]) -> None:
    vid = car["vehicle"]
    body = {"command": {"kind": "climate_preset", "preset": "warm"}, "idempotency_key": "warm-up-0001"}
    queued = api.client.post(f"/v1/vehicles/{vid}/commands", json=body, headers=car["ann"])
    assert queued.status_code == 201
    assert (
        api.client.post(f"/v1/vehicles/{vid}/commands", json=body, headers=car["ann"]).json()["id"]
        == queued.json()["id"]
    )
    other = {"command": {"kind": "climate_preset", "preset": "cool"}, "idempotency_key": "warm-up-0001"}
    conflict = api.client.post(f"/v1/vehicles/{vid}/commands", json=other, headers=car["ann"])
    assert conflict.status_code == 422
    assert conflict.json()["field"] == "idempotency_key"
    fetched = api.client.post(f"/v1/vehicles/{vid}/commands/fetch", headers=car["key"]).json()
    assert [(c["kind"], c["status"]) for c in fetched] == [("climate_preset", "delivered")]
    assert len(api.client.post(f"/v1/vehicles/{vid}/commands/fetch", headers=car["key"]).json()) == 1  # not acked yet
    acked = api.client.post(
        f"/v1/vehicles/{vid}/commands/{fetched[0]['id']}/ack", json={"ok": True}, headers=car["key"]
    )
    assert acked.json()["status"] == "acknowledged"
    assert api.client.post(f"/v1/vehicles/{vid}/commands/fetch", headers=car["key"]).json() == []
    assert api.client.post(f"/v1/vehicles/{vid}/commands", json=body, headers=car["key"]).status_code == 403


def test_presets_known_to_the_car_are_checked(api: Api) -> None:
    ann = api.user()
    vid = api.vehicle(ann, presets={"seat": ["driver"], "climate": ["eco"]})
    ok = api.client.post(
        f"/v1/vehicles/{vid}/commands", json={"command": {"kind": "seat_preset", "preset": "driver"}}, headers=ann
    )
    assert ok.status_code == 201
    unknown = api.client.post(
        f"/v1/vehicles/{vid}/commands", json={"command": {"kind": "seat_preset", "preset": "racing"}}, headers=ann
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "preset"


def test_catalogue_of_the_fake_is_what_recommendations_come_from() -> None:
    assert "osm:node/999" not in CATALOGUE


def _next(api: Api, car: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    response = api.client.get(f"/v1/trips/{car['trip']['id']}/next", headers=headers or car["key"])
    assert response.status_code == 200, response.text
    return response.json()


def test_next_sees_changes_written_by_another_process_at_once(api: Api, car: dict[str, Any]) -> None:
    # /next keeps the plan and recommendations per process; another process (a second
    # worker, the separate scheduler) writes straight to the database: never a stale answer
    trip_id, engine = car["trip"]["id"], api.services.engine
    stops = car["trip"]["itinerary"]["itinerary"]["stops"]
    api.clock.set(DEPART + timedelta(seconds=10))  # left home, not yet at stop 1 by plan
    with session_scope(engine) as session:
        update_vehicle_state(
            session,
            vehicle_id=car["vehicle"],
            recorded_at=DEPART,
            values={"lat": stops[0]["lat"], "lon": stops[0]["lon"]},
        )
    first = _next(api, car)
    assert (first["at_stop"], first["stop_index"]) == (0, 1)
    assert len(first["recommendations"]) == 2
    with session_scope(engine) as session:  # the car moved, reported to another worker
        moved = {"lat": stops[1]["lat"] + 0.003, "lon": stops[1]["lon"]}
        update_vehicle_state(
            session, vehicle_id=car["vehicle"], recorded_at=DEPART + timedelta(seconds=5), values=moved
        )
    second = _next(api, car)
    assert second["at_stop"] is None
    assert second["distance_m"] == pytest.approx(334, abs=5)  # 0.003° of latitude from stop 1
    assert second["eta"] != first["eta"]
    with session_scope(engine) as session:  # the head-unit's driver rejected a place through another worker
        row = trip_recommendation(session, trip_id=trip_id, recommendation_id=first["recommendations"][1]["id"])
        decide_recommendation(session, row=row, outcome="rejected", reason=None, at=DEPART)
    assert [r["id"] for r in _next(api, car)["recommendations"]] == [first["recommendations"][0]["id"]]
    document = {**car["trip"]["itinerary"]["itinerary"], "stops": stops[:1] + stops[2:]}
    append_itinerary(engine, trip_id=trip_id, document=document, status="feasible", reason="re-planned elsewhere")
    third = _next(api, car)
    assert third["itinerary_version"] == 2
    assert (third["stop_index"], third["next_stop"]["poi_id"]) == (1, stops[2]["poi_id"])


def test_next_answers_404_to_others_after_answering_the_owner(api: Api, car: dict[str, Any]) -> None:
    _next(api, car)  # the plan is now kept in the process
    bob = api.user("bob@example.org")
    bobs_key = api.key(bob, api.vehicle(bob))
    url = f"/v1/trips/{car['trip']['id']}/next"
    for headers in (bob, bobs_key):
        response = api.client.get(url, headers=headers)
        assert response.status_code == 404
        assert response.json()["field"] == "trip_id"
    assert api.client.get("/v1/trips/999999/next", headers=car["key"]).status_code == 404
    assert _next(api, car, car["ann"])["trip_id"] == car["trip"]["id"]  # the owner's token works too


def test_drive_times_are_asked_once_per_position(
    api: Api, car: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[Any, Any]] = []
    drive_s = api.planner.drive_s

    def counting(region: str | None, a: Any, b: Any) -> float:
        asked.append((a, b))
        return drive_s(region, a, b)

    monkeypatch.setattr(api.planner, "drive_s", counting)
    url = f"/v1/vehicles/{car['vehicle']}/state"
    api.client.put(url, json=_state(NOW, lat=60.18, lon=24.94), headers=car["key"])  # 1 km from home
    etas = {_next(api, car)["eta"] for _ in range(3)}
    assert len(asked) == 1
    assert len(etas) == 1  # the clock stands still: the same answer
    api.clock.set(NOW + timedelta(seconds=30))
    assert _next(api, car)["eta"] != etas.pop()  # the ETA moves with the clock, from the remembered drive
    assert len(asked) == 1
    api.client.put(url, json=_state(NOW + timedelta(seconds=30), lat=60.181, lon=24.94), headers=car["key"])
    _next(api, car)
    assert len(asked) == 2


def test_an_unknown_kind_of_place_is_refused_naming_the_kinds_and_changes_nothing(
    api: Api, car: dict[str, Any]
) -> None:
    trip_id = car["trip"]["id"]
    url = f"/v1/trips/{trip_id}/events"
    wish = {"kind": "wish", "category": "spaceport", "occurred_at": NOW.isoformat()}
    response = api.client.post(url, json=wish, headers=car["key"])
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "wish.category"
    assert "spaceport" in response.json()["detail"]
    assert "cafe" in response.json()["detail"]  # the valid kinds are named
    assert "Value error" not in response.text  # pydantic's kind of exception is not the traveller's business
    assert response.json()["errors"][0]["message"].startswith("no kind of place called 'spaceport'")
    assert api.planner.replans == []
    assert api.client.get(f"/v1/trips/{trip_id}", headers=car["ann"]).json()["current_version"] == 1


def test_a_wish_with_nothing_to_read_changes_nothing(api: Api, car: dict[str, Any]) -> None:
    trip_id = car["trip"]["id"]
    url = f"/v1/trips/{trip_id}/events"
    wish = {"kind": "wish", "text": "☕☕", "occurred_at": NOW.isoformat(), "idempotency_key": "emoji-0001"}
    for _ in range(2):  # the event is not kept either: the same key is read again, never a "duplicate"
        response = api.client.post(url, json=wish, headers=car["key"])
        assert response.status_code == 422, response.text
        assert response.json()["field"] == "text"
    assert api.planner.replans == []
    assert api.client.get(f"/v1/trips/{trip_id}", headers=car["ann"]).json()["current_version"] == 1


def test_a_second_wish_keeps_the_first(api: Api, car: dict[str, Any]) -> None:
    trip_id = car["trip"]["id"]
    url = f"/v1/trips/{trip_id}/events"
    first = {"kind": "wish", "poi_id": "osm:node/4", "occurred_at": NOW.isoformat()}
    assert api.client.post(url, json=first, headers=car["key"]).status_code == 201
    second = {"kind": "wish", "category": "park", "occurred_at": NOW.isoformat()}
    assert api.client.post(url, json=second, headers=car["key"]).status_code == 201
    assert "osm:node/4" in api.planner.plans[-1].must_visit
    assert api.planner.plans[-1].interests.get("park") == 1.0
