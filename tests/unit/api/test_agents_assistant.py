"""The API's assistant port over the agents (rules only: no model in unit tests)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from codriver.api._agents_assistant import AgentsAssistant
from codriver.api._engine_planner import EnginePlanner
from codriver.api._ports import AssistantContext, NeedsAnswer, TripChange
from codriver.bootstrap import Runtime
from codriver.errors import InputError
from codriver.planning import TripRequest

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.fixture(scope="module")
def assistant(helsinki: Runtime) -> AgentsAssistant:
    return AgentsAssistant(EnginePlanner(helsinki), helsinki, backend="none")


async def test_free_text_becomes_a_request(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    request = await assistant.plan_text("Tomorrow a museum and a vegan lunch, back by 17:00", context)
    assert request.diet == ["vegan"]
    assert request.interests == {"museum": 1.0}
    assert request.return_by.isoformat() == "2026-11-26T17:00:00+02:00"
    assert request.origin.lat == pytest.approx(60.1699)


async def test_a_missing_start_is_asked_for_with_what_was_read(assistant: AgentsAssistant) -> None:
    with pytest.raises(NeedsAnswer, match="Where does the trip start") as raised:
        await assistant.plan_text("Tomorrow a museum, back by 17:00", AssistantContext(user_id=1, now=NOW))
    heard = {u["field"]: u for u in raised.value.understood}
    assert heard["interests"]["said"] == "museum"
    assert heard["return_by"]["text"] == "17:00"  # in plain words, as a planned request's understood says it
    assert raised.value.field == "text"


async def test_chat_revises_the_request(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    request = await assistant.plan_text("Tomorrow a museum, back by 17:00", context)
    reply = await assistant.chat("make it vegetarian and no bars", context.model_copy(update={"request": request}))
    assert reply.request is not None
    assert reply.request.diet == ["vegetarian"]
    assert "bar" in reply.request.constraints.avoid_categories


async def test_chat_on_a_trip_never_asks_for_its_start_and_names_no_fields(assistant: AgentsAssistant) -> None:
    planned = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    request = await assistant.plan_text("Tomorrow a museum, back by 17:00", planned)
    context = AssistantContext(user_id=1, now=NOW, request=request)  # no car position, no origin: the trip has one
    reply = await assistant.chat("add a café", context)
    assert reply.request is not None
    assert reply.request.interests == {"museum": 1.0, "cafe": 1.0}
    assert "start" not in reply.reply.lower()
    assert "_" not in reply.reply  # plain words, no field names such as avoid_categories
    assert reply.request.constraints.max_per_category == request.constraints.max_per_category  # not narrowed
    assert "interests" in [u["field"] for u in reply.understood]


async def test_chat_says_what_cannot_be_met(assistant: AgentsAssistant) -> None:
    planned = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    request = await assistant.plan_text("Tomorrow a museum, back by 17:00", planned)
    reply = await assistant.chat("also visit the Louvre", planned.model_copy(update={"request": request}))
    assert "Louvre" in reply.reply
    assert [n["said"] for n in reply.not_understood] == ["Louvre"]


async def test_text_plans_carry_what_was_understood(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    request = await assistant.plan_text("Friday 4 December from 10 till 2, sushi and Kiasma", context)
    assert request.depart_at.isoformat() == "2026-12-04T10:00:00+02:00"
    assert request.return_by.isoformat() == "2026-12-04T14:00:00+02:00"
    assert {u.field for u in request.understood} >= {"date", "depart_at", "return_by", "cuisine", "must_visit"}
    assert any("sushi" in m.cuisine for m in request.meals)


async def test_find_a_cuisine_answers_for_the_time_said_with_places_serving_it(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    reply = await assistant.chat("find sushi tomorrow at 12", context)
    assert reply.reply.startswith("Open at Thu 26 Nov 12:00 for sushi:")
    assert reply.request is None
    planner: EnginePlanner = assistant.planner
    places = planner.places(None)
    ids = [line.rsplit("[", 1)[1].rstrip("]") for line in reply.reply.splitlines()[1:]]
    assert ids
    at = datetime(2026, 11, 26, 12, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    for pid in ids:
        place = places.get_sync(pid, at=at)
        assert {"sushi", "japanese"} & set(place.cuisine)
        assert place.hours.state == "open"  # open at the time asked, not at the time of asking


async def test_find_a_cuisine_the_region_lacks_says_so(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    reply = await assistant.chat("find some Ethiopian food nearby", context)
    assert reply.reply == "No place serving Ethiopian food in this region."


async def test_a_head_unit_wish_in_words_becomes_a_catalogue_place(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    change, _ = await assistant.replan(TripChange(kind="wish", text="Kiasma please"), context)
    assert change.poi_id == "osm:way/8042215"
    change, _ = await assistant.replan(TripChange(kind="wish", text="we fancy a kebab"), context)
    assert change.poi_id is not None
    place = assistant.planner.places(None).get_sync(change.poi_id, at=NOW)
    assert "kebab" in place.cuisine
    assert place.hours.state != "closed"
    with pytest.raises(InputError, match="Louvre"):  # nothing to plan: said, and nothing changes
        await assistant.replan(TripChange(kind="wish", text="take us to the Louvre"), context)


async def test_a_wish_in_words_from_a_car_without_a_position_looks_along_the_trip(assistant: AgentsAssistant) -> None:
    # The trip starts at a named square (no coordinates in the request) and the car sent no position:
    # the place is looked for where the plan puts the car, never asked of the traveller.
    request = TripRequest.model_validate(
        {
            "origin": {"place_id": "osm:relation/2919185", "name": "Kauppatori"},
            "depart_at": "2026-11-25T09:00:00+02:00",
            "return_by": "2026-11-25T13:00:00+02:00",
            "interests": {"cafe": 1.0},
        }
    )
    itinerary = await assistant.planner.plan(request)
    context = AssistantContext(user_id=1, now=NOW, request=request, itinerary=itinerary)
    wish = TripChange(kind="wish", text="the kids are hungry, somewhere for pizza please")
    change, said = await assistant.replan(wish, context)
    assert change.poi_id is not None
    assert "pizza" in assistant.planner.places(None).get_sync(change.poi_id).cuisine
    assert "radius" not in said


async def test_a_wish_with_nothing_to_plan_is_refused_in_plain_words(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    with pytest.raises(InputError, match="no words to read") as raised:
        await assistant.replan(TripChange(kind="wish", text="☕☕"), context)
    assert raised.value.field == "text"
    with pytest.raises(InputError, match="Louvre"):
        await assistant.replan(TripChange(kind="wish", text="take us to the Louvre"), context)
    change, _ = await assistant.replan(TripChange(kind="wish", text="the kids are hungry"), context)
    assert change.text == "the kids are hungry"  # a meal now: the engine plans it


async def test_recommendations_come_from_the_agents_and_respect_wheelchair_access(assistant: AgentsAssistant) -> None:
    request = TripRequest.model_validate(
        {
            "origin": {"lat": 60.1699, "lon": 24.9384, "name": "Home"},
            "depart_at": "2026-11-25T11:00:00+02:00",
            "return_by": "2026-11-25T17:00:00+02:00",
            "interests": {"museum": 1.0, "cafe": 0.8},
        }
    )
    itinerary = await assistant.planner.plan(request)
    assert len(itinerary.stops) >= 3
    wheelchair = request.model_copy(
        update={"party": request.party.model_copy(update={"accessibility": ["wheelchair"]})}
    )
    places = assistant.planner.places(None)
    for req in (request, wheelchair):
        context = AssistantContext(user_id=1, now=NOW, request=req, itinerary=itinerary, next_stop=1)
        picks = await assistant.recommend(context, limit=3)
        assert 0 < len(picks) <= 3
        for pick in picks:
            assert pick.explanation
            assert pick.detour_s is not None
            assert pick.detour_s <= req.constraints.max_detour_min * 60 + 1
            if req is wheelchair:
                assert (places.get_sync(pick.poi_id, at=NOW).wheelchair or "").lower() in {"yes", "designated"}


async def test_a_change_is_explained_naming_places_never_by_their_ids(assistant: AgentsAssistant) -> None:
    context = AssistantContext(user_id=1, now=NOW, car={"lat": 60.1699, "lon": 24.9384})
    _, closed = await assistant.replan(TripChange(kind="closure", poi_id="osm:way/8033120"), context)
    assert closed.startswith("Ateneum is closed: ")
    _, accepted = await assistant.replan(TripChange(kind="accepted_place", poi_id="osm:way/8042215"), context)
    assert accepted.startswith("You accepted Kiasma: ")
    _, unknown = await assistant.replan(TripChange(kind="charger_broken", poi_id="osm:node/1"), context)
    assert unknown.startswith("A charger is out of order: ")
    assert not any("osm:" in said for said in (closed, accepted, unknown))
