"""The API's chat on a planned trip: the agents' follow-up path (as the CLI's), and what the traveller hears."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from api_support import Api

from codriver.agents import TripAssistant
from codriver.api._agents_assistant import AgentsAssistant
from codriver.api._engine_planner import EnginePlanner
from codriver.api._ports import AssistantContext, ChatReply
from codriver.bootstrap import Runtime
from codriver.planning import TripRequest
from codriver.planning._region_world import RegionTools

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
TRIP = "Saturday from Rautatientori, Ateneum, Kiasma and a Nepalese lunch, back by 16:00"


@pytest.fixture(scope="module")
def assistant(helsinki: Runtime) -> AgentsAssistant:
    return AgentsAssistant(EnginePlanner(helsinki), helsinki, backend="none")


async def _planned(assistant: AgentsAssistant, text: str = TRIP) -> AssistantContext:
    context = AssistantContext(user_id=1, now=NOW)
    request = await assistant.plan_text(text, context)
    assert isinstance(request, TripRequest)
    itinerary = await assistant.planner.plan(request)
    return context.model_copy(update={"request": request, "itinerary": itinerary})


async def test_adding_dinner_keeps_the_lunch_and_stays_out_later(assistant: AgentsAssistant) -> None:
    context = await _planned(assistant)
    reply = await assistant.chat("add dinner at an Italian place too and we can stay out until 9pm", context)
    assert reply.request is not None
    meals = {m.meal: m.cuisine for m in reply.request.meals}
    assert meals == {"lunch": ["nepalese"], "dinner": ["italian"]}
    assert reply.request.return_by.isoformat() == "2026-11-28T21:00:00+02:00"


async def test_moving_the_departure_edits_the_trip_instead_of_asking(assistant: AgentsAssistant) -> None:
    context = await _planned(assistant)
    assert context.request is not None
    reply = await assistant.chat("leave an hour later", context)
    assert "What would you like to change" not in reply.reply
    assert reply.request is not None
    assert reply.request.depart_at.isoformat() == "2026-11-28T10:00:00+02:00"
    assert reply.request.return_by == context.request.return_by


async def test_a_time_said_is_understood_on_the_trips_day_and_kept_with_the_trip(assistant: AgentsAssistant) -> None:
    context = await _planned(assistant)
    reply = await assistant.chat("back by five", context)
    assert reply.request is not None
    said = next(u for u in reply.understood if u["field"] == "return_by")
    assert said["value"] == "2026-11-28T17:00:00+02:00"  # the trip's Saturday, not the day it is written
    stored = [(u.said, u.text) for u in reply.request.understood if u.field == "return_by"]
    assert stored == [("back by five", "17:00")]  # the web app's "What we understood" follows the chat


async def test_the_cli_and_the_api_make_the_same_change(assistant: AgentsAssistant, helsinki: Runtime) -> None:
    cli = TripAssistant(RegionTools.load(helsinki), now=NOW)
    first = await cli.send(TRIP)
    assert first.itinerary is not None
    assert first.itinerary.request is not None
    context = AssistantContext(user_id=1, now=NOW, request=first.itinerary.request, itinerary=first.itinerary)
    for message in ("drop the second museum", "add a café", "leave an hour later", "make it cheaper"):
        api = await assistant.chat(message, context)
        said = await cli.send(message)
        assert api.request is not None, message
        assert said.itinerary is not None, said.text
        assert said.itinerary.request is not None
        keys = {"must_visit", "meals", "depart_at", "return_by", "budget", "interests", "constraints"}
        assert said.itinerary.request.model_dump(include=keys) == api.request.model_dump(include=keys), message
        context = context.model_copy(update={"request": said.itinerary.request, "itinerary": said.itinerary})


def test_a_revision_the_planner_refuses_is_said_in_plain_words(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    ann = api.user()
    trip = api.plan(ann)

    async def chat(message: str, context: AssistantContext) -> ChatReply:
        assert context.request is not None
        revised = context.request.model_copy(update={"must_visit": ["osm:node/4242"]})  # no such place
        return ChatReply(reply="Re-planning.", request=revised)

    monkeypatch.setattr(api.assistant, "chat", chat)
    answer = api.client.post(f"/v1/trips/{trip['id']}/chat", json={"message": "bring it back"}, headers=ann)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["replanned"] is False
    assert body["itinerary_version"] == 1
    assert "osm:" not in body["reply"]
    assert "must_visit" not in body["reply"]


def test_a_change_that_costs_a_stop_says_so(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    ann = api.user()
    trip = api.plan(ann)  # osm:node/1 and osm:node/3, both must-visits
    names = {s["poi_id"]: s["name"] for s in trip["itinerary"]["itinerary"]["stops"]}

    async def chat(message: str, context: AssistantContext) -> ChatReply:
        assert context.request is not None
        return ChatReply(reply="Lowering the budget.", request=context.request.model_copy(update={"must_visit": []}))

    monkeypatch.setattr(api.assistant, "chat", chat)
    answer = api.client.post(f"/v1/trips/{trip['id']}/chat", json={"message": "make it cheaper"}, headers=ann)
    body = answer.json()
    assert body["replanned"] is True
    stops = api.client.get(f"/v1/trips/{trip['id']}", headers=ann).json()["itinerary"]["itinerary"]["stops"]
    gone = [names[p] for p in ("osm:node/1", "osm:node/3") if p not in {s["poi_id"] for s in stops}]
    assert gone  # without must-visits or interests the fake planner plans no stop
    assert body["reply"] == f"Lowering the budget. No longer in the plan: {', '.join(gone)}."
