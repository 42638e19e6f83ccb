"""Plans in the traveller's own order (``TripRequest.stops``): exact edits, stays, locked stops kept in order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from planning_cases import ev_request, request

from codriver.errors import InputError
from codriver.planning import Itinerary, Requirements, StopChoice, verify
from codriver.planning._engine import build_problem, plan_trip
from codriver.planning._optimizer import in_order
from codriver.planning._region_world import RegionTools, RegionWorld
from codriver.planning._sequence import sequence_nodes


def _codes(itinerary: Itinerary, tools: RegionTools) -> list[str]:
    """Error codes the verifier finds after a round trip through JSON."""
    copy = Itinerary.model_validate_json(itinerary.model_dump_json())
    assert copy.request is not None
    world = RegionWorld(tools, copy.request)
    return [v.code for v in verify(copy, world, Requirements.from_request(copy.request, tools.zone, world))]


def _inner(itinerary: Itinerary) -> list[str]:
    return [s.poi_id or "" for s in itinerary.stops[1:-1] if s.kind in {"visit", "meal"}]


@pytest.fixture(scope="module")
def planned(tools: RegionTools) -> Itinerary:
    itinerary = plan_trip(request(), tools, max_candidates=16, time_limit_s=0.4)
    assert len(_inner(itinerary)) >= 3
    return itinerary


def _choices(itinerary: Itinerary) -> list[StopChoice]:
    return [
        StopChoice(poi_id=s.poi_id or "", meal=s.meal) for s in itinerary.stops[1:-1] if s.kind in {"visit", "meal"}
    ]


def test_the_same_order_gives_the_same_plan(planned: Itinerary, tools: RegionTools) -> None:
    again = plan_trip(request(stops=_choices(planned)), tools)
    assert _inner(again) == _inner(planned)
    assert [s.arrive_at for s in again.stops] == [s.arrive_at for s in planned.stops]
    assert again.status == "feasible", again.violations
    assert "STOP_ORDER" not in _codes(again, tools)


def test_a_reordered_plan_keeps_exactly_the_new_order(planned: Itinerary, tools: RegionTools) -> None:
    choices = _choices(planned)
    swapped = [choices[1], choices[0], *choices[2:]]
    again = plan_trip(request(stops=swapped), tools)
    assert _inner(again) == [c.poi_id for c in swapped]
    codes = _codes(again, tools)
    assert "STOP_ORDER" not in codes
    assert "UNASKED_STOP" not in codes


def test_removing_a_stop_adds_nothing_and_moves_only_the_later_stops(planned: Itinerary, tools: RegionTools) -> None:
    choices = _choices(planned)
    kept = [c for k, c in enumerate(choices) if k != len(choices) - 1]  # the last stop goes
    again = plan_trip(request(stops=kept), tools)
    assert _inner(again) == [c.poi_id for c in kept]
    before = {s.poi_id: s.arrive_at for s in planned.stops}
    for stop in again.stops[1:-1]:
        assert stop.arrive_at == before[stop.poi_id]  # stops before the removed one keep their times


def test_a_stay_length_is_kept(planned: Itinerary, tools: RegionTools) -> None:
    choices = _choices(planned)
    visit = next(k for k, c in enumerate(choices) if c.meal is None)
    choices[visit] = choices[visit].model_copy(update={"stay_min": 95})
    again = plan_trip(request(stops=choices), tools)
    stop = next(s for s in again.stops if s.poi_id == choices[visit].poi_id)
    assert stop.arrive_at is not None
    assert stop.depart_at is not None
    assert stop.depart_at - stop.arrive_at == timedelta(minutes=95)


def test_the_verifier_catches_a_broken_order_and_unasked_stops(planned: Itinerary, tools: RegionTools) -> None:
    choices = _choices(planned)
    # the plan as it is, checked against a request that wants the first two the other way round and one less
    asked = request(stops=[choices[1], choices[0]])
    world = RegionWorld(tools, asked)
    codes = [v.code for v in verify(planned, world, Requirements.from_request(asked, tools.zone, world))]
    assert "STOP_ORDER" in codes
    assert "UNASKED_STOP" in codes


def test_locked_stops_stay_in_order_when_the_planner_fills_the_day(planned: Itinerary, tools: RegionTools) -> None:
    choices = _choices(planned)
    locked = [choices[-1].model_copy(update={"locked": True}), choices[0].model_copy(update={"locked": True})]
    problem = build_problem(request(stops=locked, add_stops=True), tools, max_candidates=16)
    assert len(problem.order) == 2
    again = plan_trip(request(stops=locked, add_stops=True), tools, max_candidates=16, time_limit_s=0.4)
    inner = _inner(again)
    assert inner.index(locked[0].poi_id) < inner.index(locked[1].poi_id)
    assert len(inner) > 2  # the planner added places of its own
    codes = _codes(again, tools)
    assert "STOP_ORDER" not in codes
    assert "UNASKED_STOP" not in codes
    nodes = sequence_nodes(problem, locked)
    assert in_order(problem, nodes)
    assert not in_order(problem, nodes[::-1])


def test_an_ev_keeps_the_order_and_charges_as_needed(ev_tools: RegionTools) -> None:
    planned = plan_trip(ev_request(0.25), ev_tools, max_candidates=12, time_limit_s=0.4)
    choices = _choices(planned)[::-1]
    again = plan_trip(ev_request(0.25, stops=choices), ev_tools)
    assert _inner(again) == [c.poi_id for c in choices]
    assert "SOC_BELOW_RESERVE" not in _codes(again, ev_tools)


def test_bad_stop_lists_name_the_field(tools: RegionTools) -> None:
    with pytest.raises(InputError) as caught:
        build_problem(request(stops=[{"poi_id": "osm:node/1"}]), tools)
    assert caught.value.field == "stops.0.poi_id"
    with pytest.raises(ValueError, match="once"):
        request(stops=[{"poi_id": "osm:node/5"}, {"poi_id": "osm:node/5"}])
    with pytest.raises(ValueError, match="avoid_places"):
        request(stops=[{"poi_id": "osm:node/5"}], constraints={"avoid_places": ["osm:node/5"]})
