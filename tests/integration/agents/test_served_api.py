"""The HTTP API's doors through the served agents, against the scripted OpenAI-compatible server.

With ``backend="openai"`` a text plan, a chat on the trip, the head unit's recommendations
and its wish in words are each one turn of the agents' ``TripAssistant`` on the stored trip
(as in the CLI): what they answer comes from their tools, only catalogue places reach the
traveller, and the plan they made and the verifier passed is the version the API stores:
the engine behind the API plans nothing again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from scripted_openai import (
    ONE_DAY_PLAN,
    ScriptedServer,
    Step,
    call,
    last_tool_result,
    say,
    scripted_server,
    searched_id,
)

from codriver.api import ApiSettings, EnginePlanner, create_app
from codriver.bootstrap import Runtime
from codriver.planning import Itinerary, RegionTools, TripRequest
from codriver.scheduling import FixedClock

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))  # a Wednesday; the trip is on Thursday
TEXT = "Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00"
FAKE = "osm:node/999999999999"
KIASMA = "osm:way/8042215"


class CountingPlanner(EnginePlanner):
    """The API's engine, counting the plans it makes (the served agents' plans are not made again)."""

    plans = 0

    async def plan(self, request: TripRequest) -> Itinerary:
        self.plans += 1
        return await super().plan(request)


@dataclass
class Served:
    client: httpx.AsyncClient
    server: ScriptedServer
    planner: CountingPlanner
    tools: RegionTools
    user: dict[str, str]
    head_unit: dict[str, str]
    vehicle: int


@pytest.fixture
async def served(helsinki: Runtime, tmp_path: Path) -> AsyncIterator[Served]:
    with scripted_server([]) as server:
        llm = helsinki.settings.llm.model_copy(
            update={"backend": "openai", "base_url": server.base_url, "model": "scripted", "cache_dir": tmp_path}
        )
        runtime = Runtime(helsinki.settings.model_copy(update={"llm": llm}))
        planner = CountingPlanner(runtime)
        app = create_app(
            runtime,
            planner=planner,
            clock=FixedClock(NOW),
            api_settings=ApiSettings(
                scrypt_n=2**4, scheduler=False, rate_per_s=1000, rate_burst=1000, plan_inline_s=60
            ),
        )
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                account = {"email": f"ann-{uuid.uuid4().hex[:8]}@example.org", "password": "correct horse"}
                assert (await client.post("/v1/users", json=account)).status_code == 201
                token = (await client.post("/v1/auth/token", json=account)).json()["access_token"]
                user = {"Authorization": f"Bearer {token}"}
                car = await client.post("/v1/vehicles", json={"name": "Golf", "powertrain": "ice"}, headers=user)
                assert car.status_code == 201, car.text
                vehicle = car.json()["id"]
                key = (await client.post(f"/v1/vehicles/{vehicle}/api-key", headers=user)).json()["api_key"]
                yield Served(
                    client,
                    server,
                    planner,
                    RegionTools.load(runtime),
                    user,
                    {"Authorization": f"Bearer {key}"},
                    vehicle,
                )


async def _trip(served: Served) -> dict[str, Any]:
    """The trip of TEXT, planned through POST /v1/plan by the served planner (ONE_DAY_PLAN)."""
    served.server.script.extend(ONE_DAY_PLAN)
    response = await served.client.post(
        "/v1/plan", json={"text": TEXT, "vehicle_id": served.vehicle}, headers=served.user
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _same_day_visiting(*more: str) -> Step:
    """plan_trip for the trip's day (Thursday 09:00-17:00, from its start) visiting the place last searched."""

    def turn(request: dict[str, Any]) -> dict[str, Any]:
        must_visit = [searched_id(request), *more]
        return call(
            "plan_trip",
            day="2026-11-26",
            depart="09:00",
            back_by="17:00",
            must_visit=must_visit,
            interests=["museum"],
            meals=["lunch"],
        )

    return turn


def _catalogue_only(served: Served, itinerary: dict[str, Any]) -> list[str]:
    """The IDs of the plan's visits and meals, each a catalogue place under its catalogue name."""
    ids = []
    for stop in itinerary["stops"][1:-1]:
        assert stop["poi_id"] is not None, stop
        assert served.tools.places.get_sync(stop["poi_id"]).name == stop["name"]
        ids.append(stop["poi_id"])
    return ids


async def test_post_plan_text_stores_the_served_planners_verified_plan_without_planning_again(
    served: Served,
) -> None:
    trip = await _trip(served)
    version = trip["itinerary"]
    assert version["version"] == 1
    itinerary = version["itinerary"]
    assert itinerary["status"] == "feasible"
    assert itinerary["stops"][0]["name"] == "Ateneum"
    assert any(s["kind"] == "meal" for s in itinerary["stops"])
    _catalogue_only(served, itinerary)
    assert served.planner.plans == 0  # planned once, by the agent's plan_trip, not again by the API
    # the stop times are the ones the agent's plan_trip sent back to the model
    planned = json.loads(last_tool_result(served.server.requests[2]))
    assert [s["id"] for s in planned["stops"]] == [s["poi_id"] for s in itinerary["stops"]]
    assert itinerary["request"]["diet"] == ["vegan"]
    assert trip["request"]["vehicle"]["powertrain"] == "ice"  # the stored car, which the agents planned for


async def test_a_question_of_the_served_planner_is_the_4xx(served: Served) -> None:
    served.server.script.append(say("Where does the trip start?"))
    response = await served.client.post("/v1/plan", json={"text": "museums"}, headers=served.user)
    assert response.status_code == 422, response.text
    assert "Where does the trip start?" in response.text
    assert served.planner.plans == 0


async def test_chat_add_a_cafe_on_a_trip_is_a_served_turn_stored_as_the_next_version(served: Served) -> None:
    trip = await _trip(served)
    before = _catalogue_only(served, trip["itinerary"]["itinerary"])
    served.server.script.extend(
        [
            call("search_places", categories=["cafe"], open_at="2026-11-26T11:00"),
            _same_day_visiting(FAKE),
            _same_day_visiting(),
            call("verify_plan"),
            say(f"Added a café, and {FAKE} too."),
        ]
    )
    first = len(served.server.requests)
    response = await served.client.post(
        f"/v1/trips/{trip['id']}/chat", json={"message": "add a café"}, headers=served.user
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["replanned"] is True
    assert answer["itinerary_version"] == 2
    assert FAKE not in answer["reply"]
    assert f"no place {FAKE!r}" in last_tool_result(served.server.requests[first + 2])  # a tool error, read
    cafe = json.loads(last_tool_result(served.server.requests[first + 1]))[0]["id"]
    stored = (await served.client.get(f"/v1/trips/{trip['id']}", headers=served.user)).json()
    itinerary = stored["itinerary"]["itinerary"]
    assert stored["itinerary"]["version"] == 2
    assert stored["itinerary"]["reason"] == "chat: add a café"
    visits = _catalogue_only(served, itinerary)
    assert cafe in visits
    assert FAKE not in visits
    assert itinerary["request"]["diet"] == ["vegan"]  # the trip's diet, from the store, whatever the model passed
    assert stored["request"]["must_visit"] == [cafe]
    assert served.planner.plans == 0
    # the agents were told the trip's current plan: its stops with their catalogue IDs
    note = next(m["content"] for m in served.server.requests[first]["messages"] if "Current plan" in m["content"])
    assert all(poi in note for poi in before)


async def test_recommendations_are_the_served_recommenders_picks_stored_once(served: Served) -> None:
    trip = await _trip(served)
    served.server.script.extend(
        [
            call("search_places", categories=["park"]),
            lambda r: call("recommend_places", poi_ids=[searched_id(r), FAKE]),
            lambda r: call("recommend_places", poi_ids=[searched_id(r)]),
            say("A walk in the park."),
        ]
    )
    first = len(served.server.requests)
    nxt = await served.client.get(f"/v1/trips/{trip['id']}/next", headers=served.head_unit)
    assert nxt.status_code == 200, nxt.text
    picks = nxt.json()["recommendations"]
    park = json.loads(last_tool_result(served.server.requests[first + 1]))[0]["id"]
    assert [p["poi_id"] for p in picks] == [park]
    assert served.tools.places.get_sync(park).category == "park"
    assert picks[0]["name"] == served.tools.places.get_sync(park).name
    assert f"{FAKE}" in last_tool_result(served.server.requests[first + 2])  # refused as the tool's error
    assert "recommend_places" in served.server.tools_sent(first)
    calls = len(served.server.requests)
    again = await served.client.get(f"/v1/trips/{trip['id']}/next", headers=served.head_unit)
    assert [p["id"] for p in again.json()["recommendations"]] == [p["id"] for p in picks]  # stored
    assert len(served.server.requests) == calls  # no second turn


async def test_a_head_unit_wish_in_words_is_a_served_turn_stored_as_the_next_version(served: Served) -> None:
    trip = await _trip(served)
    served.server.script.extend(
        [
            call("search_places", name="Kiasma"),
            _same_day_visiting(),
            call("verify_plan"),
            say("Kiasma is in."),
        ]
    )
    first = len(served.server.requests)
    wish = {"kind": "wish", "text": "Kiasma please", "occurred_at": NOW.isoformat()}
    event = await served.client.post(f"/v1/trips/{trip['id']}/events", json=wish, headers=served.head_unit)
    assert event.status_code == 201, event.text
    answer = event.json()
    assert answer["itinerary_version"] == 2
    assert answer["explanation"] == "You asked for Kiasma please: Kiasma is in."
    kiasma = json.loads(last_tool_result(served.server.requests[first + 1]))[0]["id"]
    assert kiasma == KIASMA
    stored = (await served.client.get(f"/v1/trips/{trip['id']}", headers=served.user)).json()
    assert stored["itinerary"]["version"] == 2
    visits = _catalogue_only(served, stored["itinerary"]["itinerary"])
    assert kiasma in visits
    assert stored["itinerary"]["itinerary"]["status"] == "feasible"
    assert served.planner.plans == 0
    assert len(served.server.requests) == first + 4


async def test_a_model_endpoint_that_fails_is_a_503_for_chat_and_no_recommendations(served: Served) -> None:
    trip = await _trip(served)  # the script ends here: the endpoint answers every later call with a 500
    chat = await served.client.post(f"/v1/trips/{trip['id']}/chat", json={"message": "add a café"}, headers=served.user)
    assert chat.status_code == 503, chat.text
    assert "the script has no turn left" in chat.json()["detail"]
    nxt = await served.client.get(f"/v1/trips/{trip['id']}/next", headers=served.head_unit)
    assert nxt.status_code == 200, nxt.text
    assert nxt.json()["recommendations"] == []
    stored = (await served.client.get(f"/v1/trips/{trip['id']}", headers=served.user)).json()
    assert stored["itinerary"]["version"] == 1  # nothing stored


async def test_a_wish_when_the_model_endpoint_fails_is_read_by_the_rules_and_re_planned(served: Served) -> None:
    trip = await _trip(served)  # no turns left: the served turn fails
    wish = {"kind": "wish", "text": "Kiasma please", "occurred_at": NOW.isoformat()}
    event = await served.client.post(f"/v1/trips/{trip['id']}/events", json=wish, headers=served.head_unit)
    assert event.status_code == 201, event.text
    assert event.json()["itinerary_version"] == 2
    stored = (await served.client.get(f"/v1/trips/{trip['id']}", headers=served.user)).json()
    assert KIASMA in _catalogue_only(served, stored["itinerary"]["itinerary"])
    assert served.planner.plans == 1  # the engine re-planned the wish the rules read
