"""The team end to end with a scripted model: follow-up, plan, summary check, re-plans, routing, cost."""

from __future__ import annotations

import json
import re

import pytest
from agents_support import NOW
from autogen_ext.models.replay import ReplayChatCompletionClient

from codriver.agents import TripAssistant, route_message
from codriver.planning import Requirements, verify
from codriver.planning._region_world import RegionTools, RegionWorld

pytestmark = pytest.mark.anyio
REQUEST = "Tomorrow a museum and a vegan lunch, back by 17:00"


@pytest.mark.parametrize(
    ("text", "has_plan", "agent"),
    [
        ("Saturday with the kids, museums", False, "planner"),
        ("any good coffee nearby?", True, "recommender"),
        ("we are 20 minutes late", True, "replanner"),
        ("the museum is closed", True, "replanner"),
        ("the museum is closed", False, "planner"),
        ("skip the cafe", True, "replanner"),
        ("make it vegetarian", True, "planner"),
    ],
)
def test_routing(text: str, has_plan: bool, agent: str) -> None:
    assert route_message(text, has_plan=has_plan) == agent


async def test_follow_up_then_plan_with_a_checked_summary(tools: RegionTools) -> None:
    client = ReplayChatCompletionClient(
        [
            # no call for the first turn: without a start the question comes at once
            json.dumps({"interests": ["bar"]}),  # read with the start: not in the text, must be ignored
            json.dumps({"summary": "A calm day of art and a vegan lunch near Ateneum."}),
        ]
    )
    assistant = TripAssistant(tools, client=client, now=NOW)
    question = await assistant.send(REQUEST)
    assert question.agent == "planner"
    assert question.itinerary is None
    assert "Where does the trip start" in question.text
    answer = await assistant.send("Start from Ateneum")
    itinerary = answer.itinerary
    assert itinerary is not None
    assert itinerary.status == "feasible"
    assert "A calm day of art" in answer.text
    request = itinerary.request
    assert request is not None
    assert "bar" not in request.interests
    assert request.diet == ["vegan"]
    assert request.return_by.isoformat() == "2026-11-26T17:00:00+02:00"
    # Every place shown comes from the catalogue and the plan passes the independent verifier.
    for stop in itinerary.stops[1:-1]:
        assert stop.poi_id is not None
        assert tools.places.get_sync(stop.poi_id).name == stop.name
        assert stop.explanation
    world = RegionWorld(tools, request)
    requirements = Requirements.from_request(request, tools.zone, world)
    assert [v for v in verify(itinerary, world, requirements) if v.severity == "error"] == []
    # Cost of the plan turn: one call to read the answer, one to summarise.
    assert answer.usage.calls == 2


async def test_a_summary_naming_a_place_outside_the_plan_is_replaced(tools: RegionTools) -> None:
    client = ReplayChatCompletionClient(
        [json.dumps({}), json.dumps({"summary": "Finish with drinks at Hotel Kämp, the best bar in town."})]
    )
    assistant = TripAssistant(tools, client=client, now=NOW)
    reply = await assistant.send(f"{REQUEST}, starting from Ateneum")
    assert reply.itinerary is not None
    assert "Hotel Kämp" not in reply.text
    assert reply.text.startswith("Leaving Ateneum")


async def test_a_summary_claiming_what_the_plan_does_not_say_is_replaced(tools: RegionTools) -> None:
    # every name and number in it is the plan's, yet "island" and "capital city" are claims no fact bears out
    said = "Planning a day trip to the island of Ateneum, a 10-hour journey from the capital city."
    client = ReplayChatCompletionClient([json.dumps({}), json.dumps({"summary": said})])
    assistant = TripAssistant(tools, client=client, now=NOW)
    reply = await assistant.send(f"{REQUEST}, starting from Ateneum at 10:00")
    assert reply.itinerary is not None
    assert "island" not in reply.text
    assert reply.text.startswith("Leaving Ateneum")


async def test_replanning_after_a_delay_and_a_closure(tools: RegionTools) -> None:
    assistant = TripAssistant(tools, now=NOW)
    first = await assistant.send(f"{REQUEST}, starting from Ateneum")
    plan = first.itinerary
    assert plan is not None
    museums = [s for s in plan.stops[1:-1] if s.category == "museum"]
    assert museums
    late = await assistant.send("we are stuck in traffic, 30 minutes late")
    assert late.agent == "replanner"
    assert late.itinerary is not None
    assert "delay of 30 min" in late.text
    replanned = assistant.session.versions[-1]
    assert replanned is late.itinerary
    # A delay only moves stops later (a start that is also a stop must not confuse the diff); a
    # re-ordered stop may start a minute earlier when it no longer waits for a walk from the car.
    moved = re.findall(r" ([+-]\d+) min", late.text.split("Moved:", 1)[-1])
    assert moved
    assert all(int(m) >= -2 for m in moved), late.text
    assert late.itinerary.stops[0].depart_at is not None
    closed = await assistant.send(f"{museums[0].name} is closed")
    assert closed.agent == "replanner"
    assert closed.itinerary is not None
    assert museums[0].poi_id not in [s.poi_id for s in closed.itinerary.stops[1:-1]]
    assert len(assistant.session.versions) == 3
    # the replies name places, never by catalogue ID, and the start by where the car is
    assert f"after {museums[0].name} is closed:" in closed.text
    for reply in (late, closed):
        assert "osm:" not in reply.text, reply.text
        assert "Current position" not in reply.text
        assert "Leaving from where the car is now at " in reply.text


async def test_a_new_wish_adds_a_meal(tools: RegionTools) -> None:
    assistant = TripAssistant(tools, now=NOW)
    await assistant.send("Tomorrow museums from 10:00 to 16:00, starting from Ateneum")
    reply = await assistant.send("we are hungry, lunch now, vegetarian")
    assert reply.agent == "replanner"
    assert reply.itinerary is not None
    assert any(s.kind == "meal" for s in reply.itinerary.stops)


async def test_been_there_is_remembered(tools: RegionTools) -> None:
    assistant = TripAssistant(tools, now=NOW)
    shown = await assistant.send("recommend a museum")
    assert shown.agent == "recommender"
    assert shown.recommendations is not None
    first = shown.recommendations.picks[0].poi_id
    await assistant.send("we've been there, recommend another museum")
    assert first in assistant.session.memory.rejected
    again = assistant.session.recommendations
    assert again is not None
    assert first not in [p.poi_id for p in again.picks]
