"""Re-planning after events, over the Helsinki region: feasible repairs that keep the plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from planning_cases import ev_request, request
from pydantic import TypeAdapter

from codriver.errors import InputError
from codriver.planning import Itinerary
from codriver.planning._engine import plan_trip
from codriver.planning._region_world import RegionTools
from codriver.planning._replan import (
    ChargerOut,
    Delay,
    NewWish,
    PlaceClosed,
    ReplanEvent,
    ReplanInput,
    StopSkipped,
    TripState,
    replan,
    state_at,
)


@pytest.fixture(scope="module")
def plan(tools: RegionTools) -> Itinerary:
    itinerary = plan_trip(request(), tools, max_candidates=14, time_limit_s=0.4)
    assert itinerary.status == "feasible"
    assert len([s for s in itinerary.stops if s.kind == "visit"]) >= 3
    return itinerary


def ahead_of(plan: Itinerary, index: int) -> list[str]:
    return [s.poi_id for s in plan.stops[index + 1 : -1] if s.poi_id]


def test_state_at_a_stay_starts_when_the_stay_ends(plan: Itinerary) -> None:
    first = plan.stops[1]
    assert first.arrive_at is not None
    assert first.depart_at is not None
    state = state_at(plan, first.arrive_at + timedelta(minutes=1))
    assert state.done == [first.poi_id]
    assert state.at == first.depart_at
    assert (state.lat, state.lon) == (first.lat, first.lon)


@pytest.fixture(scope="module")
def driven(tools: RegionTools) -> Itinerary:
    """The day with every stop driven to. A re-plan starts with the car where the traveller is:
    from inside a walk (park and walk) it would be a car the traveller does not have there."""
    return plan_trip(request(constraints={"max_walk_m": 0}), tools, max_candidates=14, time_limit_s=0.4)


def test_a_delay_keeps_what_still_fits_and_moves_it_later(driven: Itinerary, tools: RegionTools) -> None:
    plan = driven
    at = plan.stops[1].depart_at
    assert at is not None
    result = replan(plan, Delay(minutes=20), tools, at=at)
    assert result.itinerary.status == "feasible"
    assert result.diff.kept, result.diff
    assert set(result.diff.kept) | set(result.diff.dropped) == set(ahead_of(plan, 1))
    assert all(minutes > 0 for minutes in result.diff.retimed_min.values())
    start = result.itinerary.stops[0].depart_at
    assert start == at + timedelta(minutes=20)
    assert "delay of 20 min" in result.reason


def test_a_closed_place_is_dropped_and_replaced(plan: Itinerary, tools: RegionTools) -> None:
    closed = ahead_of(plan, 1)[-1]
    at = plan.stops[1].depart_at
    result = replan(plan, PlaceClosed(poi_id=closed), tools, at=at)
    assert closed not in [s.poi_id for s in result.itinerary.stops]
    assert result.diff.dropped[closed] == "closed"
    assert result.itinerary.status == "feasible"
    assert len(result.diff.kept) == len(ahead_of(plan, 1)) - 1  # nothing else had to go


def test_a_skipped_stop_is_not_planned_again(plan: Itinerary, tools: RegionTools) -> None:
    skipped = ahead_of(plan, 0)[0]
    result = replan(plan, StopSkipped(poi_id=skipped), tools, at=plan.stops[0].depart_at)
    assert skipped not in [s.poi_id for s in result.itinerary.stops]
    assert result.diff.dropped[skipped] == "skipped"


def test_a_must_visit_kept_from_the_plan_is_planned_once(tools: RegionTools) -> None:
    # the repaired plan keeps the stops ahead; a must-visit among them was planned a second time
    musts = plan_trip(request(), tools, max_candidates=14, time_limit_s=0.4)
    visits = [s.poi_id for s in musts.stops[1:-1] if s.kind == "visit" and s.poi_id]
    assert len(visits) >= 2
    planned = plan_trip(request(must_visit=visits[:2]), tools, max_candidates=14, time_limit_s=0.4)
    result = replan(planned, StopSkipped(poi_id=visits[1]), tools, at=planned.stops[0].depart_at)
    ids = [s.poi_id for s in result.itinerary.stops[1:-1] if s.kind in ("visit", "meal")]
    assert visits[0] in ids
    assert len(ids) == len(set(ids)), ids
    assert "VISITED_TWICE" not in {v.code for v in result.itinerary.violations}


def test_a_wish_for_a_vegan_meal_now(plan: Itinerary, tools: RegionTools) -> None:
    at = plan.stops[1].depart_at
    assert at is not None
    result = replan(plan, NewWish(meal="lunch", within_min=120, diet=["vegan"]), tools, at=at)
    meals = [s for s in result.itinerary.stops if s.kind == "meal"]
    assert len(meals) == 1
    entry = tools.entry(meals[0].poi_id or "")
    assert entry is not None
    assert entry.diets.get("vegan") in {"yes", "only"}
    assert meals[0].depart_at is not None
    assert meals[0].depart_at <= at + timedelta(minutes=120)
    assert result.itinerary.status == "feasible"


def test_a_broken_charger_is_avoided(ev_tools: RegionTools) -> None:
    plan = plan_trip(ev_request(0.3), ev_tools, max_candidates=10, time_limit_s=0.3)
    charger = next(s.charger for s in plan.stops if s.charges)
    assert charger is not None
    result = replan(plan, ChargerOut(poi_id=charger), ev_tools, at=plan.stops[0].depart_at)
    charging = [i for i, s in enumerate(result.itinerary.stops) if s.charges]
    assert charger not in [result.itinerary.stops[i].charger for i in charging]
    # the only charger known to fit is gone: the repair falls back to an unverified one, and says so
    assert charging
    assert result.itinerary.status == "feasible", result.itinerary.violations
    unverified = [v.stop_index for v in result.itinerary.violations if v.code == "CHARGER_UNVERIFIED"]
    assert unverified == charging
    assert all(v.severity == "warning" for v in result.itinerary.violations if v.code == "CHARGER_UNVERIFIED")


def test_an_explicit_state_is_used(plan: Itinerary, tools: RegionTools) -> None:
    first = plan.stops[1]
    assert first.depart_at is not None
    assert first.poi_id is not None
    state = TripState(at=first.depart_at + timedelta(minutes=5), lat=first.lat, lon=first.lon, done=[first.poi_id])
    result = replan(plan, Delay(minutes=1), tools, state=state)
    assert result.itinerary.stops[0].depart_at == state.at + timedelta(minutes=1)
    assert first.poi_id not in [s.poi_id for s in result.itinerary.stops[1:]]


def test_replanning_needs_the_request(plan: Itinerary, tools: RegionTools) -> None:
    with pytest.raises(InputError, match="request"):
        replan(plan.model_copy(update={"request": None}), Delay(minutes=5), tools, at=plan.stops[0].depart_at)


def test_after_the_latest_return_there_is_nothing_to_plan(plan: Itinerary, tools: RegionTools) -> None:
    assert plan.request is not None
    with pytest.raises(InputError, match="latest return"):
        replan(plan, Delay(minutes=600), tools, at=plan.stops[0].depart_at)


def test_event_documents_parse_by_kind() -> None:
    events = TypeAdapter(list[ReplanEvent]).validate_python(
        [{"kind": "delay", "minutes": 5}, {"kind": "place_closed", "poi_id": "osm:node/1"}, {"kind": "wish"}]
    )
    assert [type(e) for e in events] == [Delay, PlaceClosed, NewWish]
    parsed = ReplanInput.model_validate(
        {"event": {"kind": "skipped", "poi_id": "osm:way/2"}, "at": "2025-06-14T12:00+03:00"}
    )
    assert isinstance(parsed.event, StopSkipped)


def test_a_place_visited_under_an_earlier_version_is_not_planned_again(tools: RegionTools) -> None:
    # family-ev-museums: Esplanadinpuisto visited at 10:04, planned again at 14:14 after two re-plans; the
    # second re-plan followed a version that starts where the car was, without the stop made before it
    parks = request(
        constraints={"max_walk_m": 0}, interests={"museum": 1.0, "park": 1.0}, return_by="2025-06-14T16:00:00+03:00"
    )
    driven = plan_trip(parks, tools, max_candidates=14, time_limit_s=0.4)
    first = driven.stops[1]
    assert first.poi_id is not None
    assert first.depart_at is not None
    second = replan(driven, Delay(minutes=5), tools, at=first.depart_at).itinerary
    assert second.stops[0].name == "where the car is now"
    assert [s.poi_id for s in second.visited] == [first.poi_id]  # what was done is in the trip's record
    assert first.poi_id not in [s.poi_id for s in second.stops[1:-1]]
    start = second.stops[0].depart_at
    assert start is not None
    # room again near the car (the first park, before the fix): the next stop ahead is skipped, then 5 min late
    ahead = [s.poi_id for s in second.stops[1:-1] if s.poi_id and s.kind == "visit"]
    third = replan(second, StopSkipped(poi_id=ahead[0]), tools, at=start).itinerary
    fourth = replan(third, Delay(minutes=5), tools, at=start).itinerary
    for later in (third, fourth):
        assert first.poi_id in [s.poi_id for s in later.visited]  # kept through every re-plan
        assert first.poi_id not in [s.poi_id for s in later.stops[1:-1]]
        assert "VISITED_TWICE" not in {v.code for v in later.violations}


def test_a_replan_names_places_and_the_cars_position_never_ids(plan: Itinerary, tools: RegionTools) -> None:
    closed = next(s for s in plan.stops[2:-1] if s.poi_id and s.kind == "visit")
    result = replan(plan, PlaceClosed(poi_id=closed.poi_id or ""), tools, at=plan.stops[1].depart_at)
    assert f"after {closed.name} is closed:" in result.reason
    assert "osm:" not in result.reason
    assert result.itinerary.stops[0].name == "where the car is now"
