"""Park and walk on the Helsinki region: near stops are walked from one parking place, and verified."""

from __future__ import annotations

import math

import pytest
from planning_cases import request

from codriver.planning import Itinerary, ItineraryLeg, TripRequest, state_at, verify
from codriver.planning._engine import plan_trip
from codriver.planning._region_world import RegionTools, RegionWorld
from codriver.planning._walking import ACCESSIBLE_WALK_M, CHILDREN_WALK_M, DEFAULT_WALK_M, walk_limits
from codriver.planning._world import Requirements
from codriver.tools.geo import LatLon, haversine_m

SOUTH = "60.1610,24.9440"


@pytest.fixture(scope="module")
def walked(tools: RegionTools) -> Itinerary:
    """A day in the city centre with park and walk (the default)."""
    return plan_trip(request(), tools, max_candidates=12, time_limit_s=0.4)


@pytest.fixture(scope="module")
def parked(tools: RegionTools) -> Itinerary:
    """The same day from the south of the centre: driven to a car park, the stops walked, driven back."""
    return plan_trip(request(origin=SOUTH), tools, max_candidates=12, time_limit_s=0.4)


@pytest.fixture(scope="module")
def driven(tools: RegionTools) -> Itinerary:
    """The same day with every stop driven to (``max_walk_m`` 0), as before park and walk."""
    return plan_trip(request(constraints={"max_walk_m": 0}), tools, max_candidates=12, time_limit_s=0.4)


def _between_stops(itinerary: Itinerary) -> list[ItineraryLeg]:
    last = len(itinerary.stops) - 1
    return [leg for leg in itinerary.legs if 0 < leg.from_index < last - 1]


def test_near_stops_are_walked_from_one_parking_place(walked: Itinerary, driven: Itinerary) -> None:
    assert walked.status == "feasible", walked.violations
    assert driven.status == "feasible", driven.violations
    assert all(leg.mode == "drive" for leg in driven.legs)
    walks = [leg for leg in walked.legs if leg.mode == "walk"]
    assert len(walks) >= 2
    for leg in walks:
        assert 0 < leg.distance_m <= DEFAULT_WALK_M
        assert leg.duration_s == math.ceil(leg.distance_m / walk_limits(request()).m_per_s)
        assert leg.energy_kwh in (None, 0.0)
        coords = leg.geometry["coordinates"]
        a, b = walked.stops[leg.from_index], walked.stops[leg.from_index + 1]
        assert coords[0] == [a.lon, a.lat]
        assert coords[-1] == [b.lon, b.lat]
    # no more "driven in 0 min" between stops: they are walked
    assert [leg for leg in _between_stops(walked) if leg.mode == "drive"] == []
    assert len([leg for leg in _between_stops(driven) if leg.duration_s < 60]) >= 2
    walked_m = sum(leg.distance_m if leg.mode == "walk" else leg.walk_m * (leg.park is not None) for leg in walked.legs)
    assert walked.totals.walk_m == pytest.approx(walked_m, abs=1)


def test_a_day_a_walk_from_its_start_leaves_the_car_there(walked: Itinerary) -> None:
    # the city day of the planning tests: every stop is a walk from the start, the car never moves
    assert [leg.mode for leg in walked.legs] == ["walk"] * len(walked.legs)
    assert walked.totals.drive_s == 0
    assert walked.totals.distance_m == 0


def test_the_car_is_driven_from_where_it_was_parked(parked: Itinerary) -> None:
    assert parked.status == "feasible", parked.violations
    modes = [leg.mode for leg in parked.legs]
    assert modes[0] == modes[-1] == "drive"
    assert modes.count("walk") >= 2
    car: tuple[float, float] | None = None
    for leg in parked.legs:
        if leg.mode == "walk":
            continue
        start = leg.geometry["coordinates"][0]
        if car is not None:
            assert haversine_m(LatLon(start[1], start[0]), LatLon(car[1], car[0])) < 5
        if leg.park is not None:
            end = leg.geometry["coordinates"][-1]
            assert haversine_m(LatLon(end[1], end[0]), LatLon(leg.park.lat, leg.park.lon)) < 5
            # the walk from the parking place to the stop is on the leg
            assert leg.walk_geometry[-1]["coordinates"][0] == [leg.park.lon, leg.park.lat]
            car = (leg.park.lon, leg.park.lat)
        else:
            car = None


def test_parking_at_a_car_park_of_the_catalogue(parked: Itinerary, tools: RegionTools) -> None:
    parks = [leg.park for leg in parked.legs if leg.park is not None and leg.park.poi_id is not None]
    assert parks
    for park in parks:
        entry = tools.entry(park.poi_id or "")
        assert entry is not None
        assert entry.category in {"parking", "charging_station"}
        assert haversine_m(LatLon(entry.lat, entry.lon), LatLon(park.lat, park.lon)) < 150


@pytest.mark.parametrize(
    ("party", "limit"),
    [
        ({"adults": 2, "children": 2}, CHILDREN_WALK_M),
        ({"adults": 2, "accessibility": ["wheelchair"]}, ACCESSIBLE_WALK_M),
    ],
)
def test_walking_limits_follow_the_party(tools: RegionTools, party: dict[str, object], limit: float) -> None:
    req = request(party=party)
    assert walk_limits(req).max_m == limit
    itinerary = plan_trip(req, tools, max_candidates=12, time_limit_s=0.4)
    assert itinerary.status == "feasible", itinerary.violations
    walks = [leg.distance_m for leg in itinerary.legs if leg.mode == "walk"]
    assert all(metres <= limit for metres in walks)


def _check(itinerary: Itinerary, tools: RegionTools, req: TripRequest) -> list[str]:
    world = RegionWorld(tools, req)
    return [v.code for v in verify(itinerary, world, Requirements.from_request(req, tools.zone, world))]


def test_the_verifier_rejects_a_walk_past_the_limit(walked: Itinerary, tools: RegionTools) -> None:
    longest = max(leg.distance_m for leg in walked.legs if leg.mode == "walk")
    assert "WALK_TOO_LONG" not in _check(walked, tools, request())
    strict = request(constraints={"max_walk_m": longest / 2})
    assert "WALK_TOO_LONG" in _check(walked, tools, strict)


def test_the_verifier_rejects_walking_faster_than_the_party(walked: Itinerary, tools: RegionTools) -> None:
    k = next(i for i, leg in enumerate(walked.legs) if leg.mode == "walk" and leg.duration_s > 120)
    hurried = walked.model_copy(deep=True)
    leg = hurried.legs[k]
    leg.duration_s /= 3
    assert "TRAVEL_TIME_MISMATCH" not in _check(walked, tools, request())
    assert "TRAVEL_TIME_MISMATCH" in _check(hurried, tools, request())


def test_the_verifier_rejects_a_trip_that_ends_on_foot_away_from_the_car(parked: Itinerary, tools: RegionTools) -> None:
    *_, before, last = parked.legs
    assert before.mode == "walk"  # the last stop is walked to: the car waits at its parking place
    assert last.mode == "drive"
    stranded = parked.model_copy(deep=True)
    stranded.legs[-1] = ItineraryLeg(
        from_index=last.from_index,
        mode="walk",
        distance_m=last.distance_m,
        duration_s=last.duration_s + last.walk_s,
        geometry=last.geometry,
    )
    assert "CAR_LEFT_BEHIND" not in _check(parked, tools, request(origin=SOUTH))
    assert "CAR_LEFT_BEHIND" in _check(stranded, tools, request(origin=SOUTH))


def test_the_trip_state_says_where_the_car_waits(parked: Itinerary, walked: Itinerary, driven: Itinerary) -> None:
    k = next(i for i, leg in enumerate(parked.legs) if leg.mode == "walk") + 1  # a stop walked to
    stop = parked.stops[k]
    assert stop.arrive_at is not None
    state = state_at(parked, stop.arrive_at)
    park = next(leg.park for leg in parked.legs[: k - 1] if leg.park is not None)
    assert (state.lat, state.lon) == (stop.lat, stop.lon)
    assert (state.car_lat, state.car_lon) == (park.lat, park.lon)
    first = walked.stops[1]
    assert first.arrive_at is not None
    start = walked.stops[0]
    assert (state_at(walked, first.arrive_at).car_lat, state_at(walked, first.arrive_at).car_lon) == (
        start.lat,
        start.lon,
    )
    beside = driven.stops[2]
    assert beside.arrive_at is not None
    assert state_at(driven, beside.arrive_at).car_lat is None  # driven to the stop: the car is beside it
