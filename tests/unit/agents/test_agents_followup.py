"""Chat follow-ups on a planned trip: one path for the CLI's chat and the API's, on the plan in force."""

from __future__ import annotations

from datetime import datetime

import pytest
from agents_support import NOW

from codriver.agents import FollowUp, PlanContext, TripAssistant, follow_up, region_facts
from codriver.planning import Itinerary, TripRequest, plan_trip
from codriver.planning._region_world import RegionTools

pytestmark = pytest.mark.anyio
TRIP = "Saturday from Rautatientori, Ateneum, Kiasma and a vegan lunch, back by 16:00"
ATENEUM, KIASMA, AMOS_REX = "osm:way/8033120", "osm:way/8042215", "osm:node/5887336141"


def _context(tools: RegionTools) -> PlanContext:
    return PlanContext(now=NOW, region=tools.region.name, **region_facts(tools))


def _museums(itinerary: Itinerary) -> list[str]:
    return [s.poi_id or "" for s in itinerary.stops[1:-1] if s.category == "museum"]


@pytest.fixture(scope="module")
def trip(tools: RegionTools) -> tuple[TripRequest, Itinerary]:
    request = TripRequest.model_validate(
        {
            "origin": {"name": "Rautatientori", "lat": 60.1710, "lon": 24.9427},
            "depart_at": "2026-11-28T09:00:00+02:00",
            "return_by": "2026-11-28T16:00:00+02:00",
            "must_visit": [ATENEUM, KIASMA],
            "diet": ["vegan"],
            "meals": [{"meal": "lunch", "earliest": "11:30", "latest": "14:30", "cuisine": ["nepalese"]}],
            "assumptions": ["leaving at 09:00"],
        }
    )
    itinerary = plan_trip(request, tools)
    assert sorted(_museums(itinerary)) == sorted([ATENEUM, KIASMA])
    return request, itinerary


async def _change(tools: RegionTools, request: TripRequest, itinerary: Itinerary, message: str) -> FollowUp:
    return await follow_up(
        message, request=request, itinerary=itinerary, context=_context(tools), gazetteer=tools.gazetteer
    )


async def _follow(tools: RegionTools, trip: tuple[TripRequest, Itinerary], message: str) -> TripRequest:
    return (await _change(tools, *trip, message)).request


async def test_the_cli_drops_the_second_museum_in_the_plans_order_once(tools: RegionTools) -> None:
    assistant = TripAssistant(tools, now=NOW)
    first = await assistant.send(TRIP)
    assert first.itinerary is not None
    second = _museums(first.itinerary)[1]
    dropped = await assistant.send("drop the second museum")
    assert dropped.agent == "planner"  # the follow-up path of the API's chat, not a repair from the car
    after = dropped.itinerary
    assert after is not None
    assert _museums(after) == [m for m in _museums(first.itinerary) if m != second]
    ids = [s.poi_id for s in after.stops[1:-1] if s.kind in ("visit", "meal")]
    assert len(ids) == len(set(ids))
    assert after.request is not None
    assert second in after.request.constraints.avoid_places
    back = await assistant.send("no wait, bring back " + ("Ateneum" if second == ATENEUM else "Kiasma"))
    assert back.itinerary is not None
    assert back.itinerary.request is not None
    assert second in back.itinerary.request.must_visit
    assert second not in back.itinerary.request.constraints.avoid_places
    assert second in _museums(back.itinerary)


async def test_adding_a_meal_keeps_the_lunch_and_the_return_time_said_applies(
    tools: RegionTools, trip: tuple[TripRequest, Itinerary]
) -> None:
    for message in (
        "add dinner at an Italian place too and we can stay out until 9pm",
        "add dinner too and we can stay until 9pm",
    ):
        revised = await _follow(tools, trip, message)
        meals = {m.meal: m for m in revised.meals}
        assert set(meals) == {"lunch", "dinner"}, message
        assert meals["lunch"].cuisine == ["nepalese"]  # the lunch's own food wish stays its own
        assert revised.return_by == datetime.fromisoformat("2026-11-28T21:00:00+02:00"), message
    italian = await _follow(tools, trip, "add dinner at an Italian place too and we can stay out until 9pm")
    assert next(m for m in italian.meals if m.meal == "dinner").cuisine == ["italian"]


async def test_bringing_a_place_back_takes_it_off_the_avoided_places(
    tools: RegionTools, trip: tuple[TripRequest, Itinerary]
) -> None:
    request, itinerary = trip
    avoided = request.model_copy(
        update={"constraints": request.constraints.model_copy(update={"avoid_places": [AMOS_REX]})}
    )
    change = await _change(tools, avoided, itinerary, "no wait, bring back Amos Rex")
    assert AMOS_REX in change.request.must_visit
    assert change.request.constraints.avoid_places == []
    plan_trip(change.request, tools, max_candidates=12, time_limit_s=0.3)  # the engine accepts it


@pytest.mark.parametrize(
    ("message", "depart", "back"),
    [
        ("leave an hour later", "10:00", "16:00"),
        ("can we start half an hour earlier", "08:30", "16:00"),
        ("come back 30 minutes earlier", "09:00", "15:30"),
        ("let's be home two hours later", "09:00", "18:00"),
        ("start at 10 instead", "10:00", "16:00"),
    ],
)
async def test_relative_shifts_of_the_times_edit_the_trip(
    tools: RegionTools, trip: tuple[TripRequest, Itinerary], message: str, depart: str, back: str
) -> None:
    request, itinerary = trip
    change = await _change(tools, request, itinerary, message)
    assert change.request.depart_at == datetime.fromisoformat(f"2026-11-28T{depart}:00+02:00")
    assert change.request.return_by == datetime.fromisoformat(f"2026-11-28T{back}:00+02:00")
    assert change.request.meals == request.meals
    if depart != "09:00":  # the assumed departure is no longer an assumption
        assert "leaving at 09:00" not in change.request.assumptions
        assert "depart_at" in [u.field for u in change.request.understood]


async def test_make_it_cheaper_never_drops_a_wish_silently(
    tools: RegionTools, trip: tuple[TripRequest, Itinerary]
) -> None:
    request, itinerary = trip
    change = await _change(tools, request, itinerary, "make it cheaper")
    wished = sum(s.cost or 0.0 for s in itinerary.stops[1:-1] if s.poi_id in request.must_visit or s.kind == "meal")
    assert wished > 0
    if change.request.budget is None:  # could not go lower: it says so and why
        assert "cannot go lower" in change.said
    else:
        assert change.request.budget >= wished
        assert change.request.budget < itinerary.totals.cost
        assert "Lowering the budget" in change.said
        replanned = plan_trip(change.request, tools)
        assert set(request.must_visit) <= {s.poi_id for s in replanned.stops}
        assert any(s.meal == "lunch" for s in replanned.stops)
    # a plan of must-visits and meals only: nothing can go, so the budget stays and the reply says why
    bare = request.model_copy(update={"interests": {}})
    only_wishes = plan_trip(bare, tools)
    stays = await _change(tools, bare, only_wishes, "make it cheaper")
    assert stays.request == bare
    assert "cannot go lower" in stays.said


async def test_add_a_cafe_adds_one_cafe(tools: RegionTools, trip: tuple[TripRequest, Itinerary]) -> None:
    request, _ = trip
    revised = await _follow(tools, trip, "add a café")
    assert revised.interests.get("cafe", 0) > 0
    assert revised.constraints.max_per_category == request.constraints.max_per_category  # other kinds not narrowed
    assert revised.constraints.per_category == {"cafe": 1}
    replanned = plan_trip(revised, tools)
    assert [s.category for s in replanned.stops if s.kind == "visit"].count("cafe") == 1


async def test_the_cli_says_as_assumed_only_what_was_planned(tools: RegionTools) -> None:
    assistant = TripAssistant(tools, now=NOW.replace(hour=18, minute=30))
    await assistant.send(TRIP)
    for message in ("add a café", "add dinner too and we can stay until 9pm", "leave an hour later"):
        reply = await assistant.send(message)
        assert "Assumed" not in reply.text, reply.text
        assert "for 1 hours" not in reply.text
        assert reply.itinerary is not None, reply.text
    plan = assistant.itinerary
    assert plan is not None
    assert plan.stops[0].depart_at == datetime.fromisoformat("2026-11-28T10:00:00+02:00")
    assert [s.category for s in plan.stops if s.kind == "visit"].count("cafe") <= 1


async def test_what_was_understood_is_on_the_trips_day_and_kept_with_the_trip(
    tools: RegionTools, trip: tuple[TripRequest, Itinerary]
) -> None:
    request, itinerary = trip
    change = await _change(tools, request, itinerary, "back by five")
    back = next(u for u in change.understood if u.field == "return_by")
    assert back.value == "2026-11-28T17:00:00+02:00"  # not the day the message was written
    stored = [u for u in change.request.understood if u.field == "return_by"]
    assert [(u.said, u.text) for u in stored] == [("back by five", "17:00")]
