"""Revising a request for a change: the rest of the trip from where the car is."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from api_fakes import FakePlanner

from codriver.api import TripChange, revise_request
from codriver.errors import InputError
from codriver.planning import Location, MealWish, TripRequest, VehicleSpec
from codriver.tools.geo import LatLon

DEPART = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
REQUEST = TripRequest(
    origin=Location(lat=60.1699, lon=24.9384, name="Home"),
    depart_at=DEPART,
    return_by=DEPART + timedelta(hours=8),
    must_visit=["osm:node/1", "osm:node/3"],
    meals=[MealWish(meal="lunch", earliest="11:00", latest="14:00")],
    vehicle=VehicleSpec(powertrain="ev", soc=0.8),
)
PLAN = asyncio.run(FakePlanner().plan(REQUEST))


def test_before_departure_a_delay_moves_the_departure_only() -> None:
    revised = revise_request(
        REQUEST, PLAN, TripChange(kind="delay", minutes=15), car=None, now=DEPART - timedelta(hours=1)
    )
    assert revised.depart_at == DEPART + timedelta(minutes=15)
    assert revised.origin == REQUEST.origin
    assert revised.must_visit == REQUEST.must_visit


def test_mid_trip_starts_at_the_car_without_what_is_done() -> None:
    first = PLAN.stops[1]
    assert first.depart_at is not None
    now = first.depart_at + timedelta(minutes=1)
    car = LatLon(60.171, 24.941)
    revised = revise_request(REQUEST, PLAN, TripChange(kind="soc_below_plan", soc=0.35), car=car, now=now)
    assert (revised.origin.lat, revised.origin.lon) == (car.lat, car.lon)
    assert revised.destination == REQUEST.origin  # a round trip still ends at home
    assert revised.depart_at == now
    assert revised.must_visit == ["osm:node/3"]
    assert revised.vehicle.soc == 0.35
    assert revised.origin.name == "where the car is now"
    assert first.poi_id in revised.constraints.avoid_places  # visited: not planned again


def test_a_place_visited_under_an_earlier_version_is_not_planned_again() -> None:
    # the version followed starts where the car was; the stop made before it is only in its record
    first = PLAN.stops[1]
    assert first.depart_at is not None
    now = first.depart_at + timedelta(minutes=1)
    followed = PLAN.model_copy(update={"stops": [PLAN.stops[0], *PLAN.stops[2:]], "visited": [first]})
    car = LatLon(60.171, 24.941)
    revised = revise_request(REQUEST, followed, TripChange(kind="wish", category="park"), car=car, now=now)
    assert first.poi_id is not None
    assert first.poi_id in revised.constraints.avoid_places
    again = revise_request(REQUEST, followed, TripChange(kind="accepted_place", poi_id=first.poi_id), car=car, now=now)
    assert first.poi_id not in again.constraints.avoid_places  # going back, when asked by name, is the wish


def test_wishes_closures_and_the_end_of_the_window() -> None:
    wish = revise_request(
        REQUEST, PLAN, TripChange(kind="wish", poi_id="osm:node/2", category="park"), car=None, now=DEPART
    )
    assert wish.must_visit[-1] == "osm:node/2"
    assert wish.interests["park"] == 1.0
    closed = revise_request(REQUEST, PLAN, TripChange(kind="closure", poi_id="osm:node/3"), car=None, now=DEPART)
    assert closed.must_visit == ["osm:node/1"]
    with pytest.raises(InputError) as caught:
        revise_request(REQUEST, PLAN, TripChange(kind="delay", minutes=30), car=None, now=DEPART + timedelta(hours=8))
    assert caught.value.field == "return_by"
