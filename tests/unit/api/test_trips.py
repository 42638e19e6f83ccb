"""Planning, trips CRUD, itinerary versions and diffs, chat, background jobs."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from api_support import NOW, Api, trip_request

from codriver.api import AssistantContext, NeedsAnswer
from codriver.planning import TripRequest


def test_plan_a_structured_request_returns_the_trip_with_its_itinerary(api: Api) -> None:
    ann = api.user()
    vehicle = api.vehicle(ann, battery_kwh=58.0, consumption_kwh_per_100km=15.5)
    trip = api.plan(ann, vehicle)
    assert trip["status"] == "planned"
    assert trip["current_version"] == 1
    itinerary = trip["itinerary"]["itinerary"]
    assert [s["poi_id"] for s in itinerary["stops"]] == [None, "osm:node/1", "osm:node/3", None]
    assert datetime.fromisoformat(itinerary["stops"][1]["arrive_at"]).utcoffset() is not None
    # the stored vehicle filled the request the engine saw
    seen = api.planner.plans[-1]
    assert (seen.vehicle.battery_kwh, seen.vehicle.consumption_kwh_per_100km) == (58.0, 15.5)
    assert api.client.get(f"/v1/trips/{trip['id']}", headers=ann).json()["itinerary"]["version"] == 1


def test_versions_diff_and_replan_via_plan_with_trip_id(api: Api) -> None:
    ann = api.user()
    trip = api.plan(ann)
    request = trip_request(must_visit=["osm:node/1", "osm:node/6"])
    again = api.client.post("/v1/plan", json={"request": request, "trip_id": trip["id"]}, headers=ann)
    assert again.status_code == 201, again.text
    assert again.json()["id"] == trip["id"]
    assert again.json()["current_version"] == 2
    versions = api.client.get(f"/v1/trips/{trip['id']}/itineraries", headers=ann).json()
    assert [v["version"] for v in versions] == [1, 2]
    diff = api.client.get(f"/v1/trips/{trip['id']}/diff?from_version=1", headers=ann).json()
    assert [s["poi_id"] for s in diff["added"]] == ["osm:node/6"]
    assert [s["poi_id"] for s in diff["removed"]] == ["osm:node/3"]
    assert diff["totals"]["distance_m"] != 0
    one = api.client.get(f"/v1/trips/{trip['id']}/itineraries/1", headers=ann).json()
    assert [s["poi_id"] for s in one["itinerary"]["stops"]][1:3] == ["osm:node/1", "osm:node/3"]
    missing = api.client.get(f"/v1/trips/{trip['id']}/itineraries/9", headers=ann)
    assert missing.status_code == 404
    assert missing.json()["field"] == "version"


def test_trip_crud(api: Api) -> None:
    ann = api.user()
    created = api.client.post("/v1/trips", json={"title": "Draft", "request": trip_request()}, headers=ann)
    assert created.status_code == 201
    trip_id = created.json()["id"]
    assert created.json()["itinerary"] is None
    assert created.json()["status"] == "draft"
    patched = api.client.patch(f"/v1/trips/{trip_id}", json={"title": "Renamed"}, headers=ann)
    assert patched.json()["title"] == "Renamed"
    cancelled = api.client.patch(f"/v1/trips/{trip_id}", json={"status": "cancelled"}, headers=ann)
    assert cancelled.json()["status"] == "cancelled"
    reopened = api.client.patch(f"/v1/trips/{trip_id}", json={"status": "active"}, headers=ann)
    assert reopened.status_code == 422
    assert reopened.json()["field"] == "status"
    assert api.client.delete(f"/v1/trips/{trip_id}", headers=ann).status_code == 204
    assert api.client.get(f"/v1/trips/{trip_id}", headers=ann).status_code == 404


def test_bad_requests_name_the_field(api: Api) -> None:
    ann = api.user()
    cases = {
        "request": trip_request(return_by=NOW.isoformat()),  # a model-level check: the message names return_by
        "request.depart_at": trip_request(depart_at="2026-06-01T09:00"),  # no offset
        "request.must_visit.0": trip_request(must_visit=["osm:node/12345"]),  # not in the catalogue (PlaceNotFound)
        "request.region": trip_request(region="atlantis"),  # RegionNotFound
        "request.vehicle.connectors.0": trip_request(vehicle={"connectors": ["usb"]}),
    }
    for field, request in cases.items():
        response = api.client.post("/v1/plan", json={"request": request}, headers=ann)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"].startswith(field.split(".0")[0]), (field, response.json())
    both = api.client.post("/v1/plan", json={"request": trip_request(), "text": "a museum day"}, headers=ann)
    assert both.status_code == 422
    foreign_vehicle = api.client.post("/v1/plan", json={"request": trip_request(), "vehicle_id": 999}, headers=ann)
    assert foreign_vehicle.status_code == 404
    assert foreign_vehicle.json()["field"] == "vehicle_id"


def test_free_text_goes_through_the_assistant(api: Api) -> None:
    ann = api.user()
    response = api.client.post("/v1/plan", json={"text": "a museum day tomorrow"}, headers=ann)
    assert response.status_code == 201, response.text
    assert ("plan_text", "a museum day tomorrow") in api.assistant.calls
    assert response.json()["itinerary"]["itinerary"]["stops"][1]["category"] == "museum"
    vague = api.client.post("/v1/plan", json={"text": "something nice"}, headers=ann)
    assert vague.status_code == 422
    assert vague.json()["field"] == "text"


def test_text_past_two_thousand_characters_is_read_up_to_there_not_refused(api: Api) -> None:
    ann = api.user()
    text = "a museum day tomorrow. " + "And then some more. " * 150  # 3,023 characters
    response = api.client.post("/v1/plan", json={"text": text}, headers=ann)
    assert response.status_code == 201, response.text
    assert ("plan_text", text) in api.assistant.calls  # the assistant reads the first 2,000 and says so


def test_a_question_before_planning_carries_what_was_read(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    heard = [{"field": "interests", "said": "museum", "text": "museum", "source": "rules"}]
    unread = [{"said": "Louvre", "reason": "no place called 'Louvre' in region 'helsinki'"}]

    async def ask(text: str, context: AssistantContext) -> TripRequest:
        msg = "Where does the trip start?"
        raise NeedsAnswer(msg, understood=heard, not_understood=unread)

    monkeypatch.setattr(api.assistant, "plan_text", ask)
    ann = api.user()
    for background in (False, True):
        response = api.client.post(
            "/v1/plan", json={"text": "a museum and the Louvre", "background": background}, headers=ann
        )
        if background:  # the job's error says the same
            job = response.json()["id"]
            for _ in range(100):
                body = api.client.get(f"/v1/jobs/{job}", headers=ann).json()
                if body["status"] == "failed":
                    break
                time.sleep(0.02)
            answer = body["error"]
        else:
            assert response.status_code == 422, response.text
            answer = response.json()
        assert answer["detail"] == "Where does the trip start?"
        assert answer["field"] == "text"
        assert answer["understood"] == heard
        assert answer["not_understood"] == unread


def test_long_plans_run_as_a_job_to_poll(api: Api) -> None:
    ann = api.user()
    api.planner.delay_s = 0.3
    response = api.client.post("/v1/plan", json={"request": trip_request(), "background": True}, headers=ann)
    assert response.status_code == 202
    assert response.headers["location"] == f"/v1/jobs/{response.json()['id']}"
    job = response.json()
    assert job["status"] in {"queued", "running"}
    for _ in range(100):
        job = api.client.get(f"/v1/jobs/{job['id']}", headers=ann).json()
        if job["status"] == "done":
            break
        time.sleep(0.02)
    assert job["status"] == "done"
    assert job["progress"] == 1.0
    assert api.client.get(f"/v1/trips/{job['trip_id']}", headers=ann).json()["current_version"] == 1


def test_a_failed_job_keeps_the_error(api: Api) -> None:
    ann = api.user()
    request = trip_request(must_visit=["osm:node/1", "osm:node/4242"])
    job = api.client.post("/v1/plan", json={"request": request, "background": True}, headers=ann).json()
    for _ in range(100):
        job = api.client.get(f"/v1/jobs/{job['id']}", headers=ann).json()
        if job["status"] == "failed":
            break
        time.sleep(0.02)
    assert job["status"] == "failed"
    assert job["error"]["field"] == "request.must_visit.1"  # the path in the body sent
    assert job["error"]["status"] == 422
    inline = api.client.post("/v1/plan", json={"request": request}, headers=ann)
    assert inline.status_code == 422
    assert inline.json()["field"] == "request.must_visit.1"


def test_chat_can_revise_the_plan(api: Api) -> None:
    ann = api.user()
    trip = api.plan(ann)
    plain = api.client.post(f"/v1/trips/{trip['id']}/chat", json={"message": "how many stops?"}, headers=ann).json()
    assert plain == {
        "reply": "You have 4 stops.",
        "replanned": False,
        "itinerary_version": 1,
        "understood": [],
        "not_understood": [],
    }
    revised = api.client.post(f"/v1/trips/{trip['id']}/chat", json={"message": "add a cafe"}, headers=ann).json()
    assert revised["replanned"] is True
    assert revised["itinerary_version"] == 2
    stops = api.client.get(f"/v1/trips/{trip['id']}", headers=ann).json()["itinerary"]["itinerary"]["stops"]
    assert "osm:node/2" in [s["poi_id"] for s in stops]


def test_feedback_and_preferences(api: Api) -> None:
    ann = api.user()
    trip = api.plan(ann)
    given = api.client.post(f"/v1/trips/{trip['id']}/feedback", json={"rating": 5, "comment": "lovely"}, headers=ann)
    assert given.status_code == 201
    assert (
        api.client.post(f"/v1/trips/{trip['id']}/feedback", json={"rating": 9}, headers=ann).json()["field"] == "rating"
    )
    assert [f["rating"] for f in api.client.get(f"/v1/trips/{trip['id']}/feedback", headers=ann).json()] == [5]
    prefs = {
        "diet": ["vegan"],
        "home_actions": [{"entity_id": "climate.living_room", "temperature_c": 21, "minutes_before_arrival": 30}],
    }
    saved = api.client.put("/v1/preferences", json=prefs, headers=ann)
    assert saved.status_code == 200, saved.text
    assert (
        api.client.get("/v1/preferences", headers=ann).json()["home_actions"][0]["entity_id"] == "climate.living_room"
    )
    bad = api.client.put("/v1/preferences", json={"home_actions": [{"entity_id": "Living Room"}]}, headers=ann)
    assert bad.status_code == 422
    assert bad.json()["field"] == "home_actions.0.entity_id"


def test_the_clock_moves_trip_times_not_the_api(api: Api) -> None:
    before = api.clock.now()
    api.clock.advance(timedelta(days=1))
    health = api.client.get("/v1/health").json()
    assert health["status"] == "ok"
    assert datetime.fromisoformat(health["now"]) == before + timedelta(days=1)  # the server's clock, for head-units


def test_a_chat_message_past_two_thousand_characters_is_read_up_to_there_and_says_so(api: Api) -> None:
    ann = api.user()
    trip = api.plan(ann)
    message = "add a cafe. " + "And then some more. " * 150  # 3,012 characters
    response = api.client.post(f"/v1/trips/{trip['id']}/chat", json={"message": message}, headers=ann)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert ("chat", message[:2000]) in api.assistant.calls  # the assistant reads the first 2,000
    assert answer["replanned"] is True  # what was read is acted on
    assert "Only the first 2,000 characters of your message were read." in answer["reply"]
    assert answer["not_understood"] == [
        {"said": message[2000:2040], "reason": "only the first 2000 characters are read"}
    ]
