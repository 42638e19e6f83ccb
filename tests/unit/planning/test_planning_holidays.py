"""Public holidays: a plan on one says its places' usual hours are not confirmed, unless the hours have a PH rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from planning_cases import request

from codriver.planning import Itinerary, Requirements, verify
from codriver.planning._engine import plan_trip
from codriver.planning._holidays import holiday_name
from codriver.planning._region_world import RegionTools, RegionWorld
from codriver.tools.opening_hours import OpeningHours, hours_for

ZONE = ZoneInfo("Europe/Helsinki")
# 6 December 2027, a Monday, is Finland's Independence Day; the 7th an ordinary Tuesday
HOLIDAY = {"depart_at": "2027-12-06T10:00:00+02:00", "return_by": "2027-12-06T17:00:00+02:00"}
WORKDAY = {"depart_at": "2027-12-07T10:00:00+02:00", "return_by": "2027-12-07T17:00:00+02:00"}


def _every_place_keeps(tools: RegionTools, hours: str) -> RegionTools:
    """The region's tools with every place's opening_hours tag replaced by ``hours``."""

    def provider(raw: str | None, *, lat: float | None, lon: float | None, timezone: str) -> OpeningHours:
        del raw
        return hours_for(hours, lat=lat, lon=lon, timezone=timezone)

    return replace(tools, opening_hours=provider)


def _holiday_warnings(itinerary: Itinerary) -> dict[int | None, str]:
    return {v.stop_index: v.message for v in itinerary.violations if v.code == "HOLIDAY_HOURS"}


def test_the_regions_country_comes_from_its_time_zone(tools: RegionTools) -> None:
    assert tools.country == "FI"
    assert holiday_name("FI", datetime(2027, 12, 6).date()) == "Independence Day"
    assert holiday_name("FI", datetime(2027, 12, 7).date()) is None
    assert holiday_name(None, datetime(2027, 12, 6).date()) is None


def test_a_stop_on_a_public_holiday_says_its_usual_hours_are_not_confirmed(tools: RegionTools) -> None:
    weekdays = _every_place_keeps(tools, "Mo-Fr 10:00-18:00")  # no PH rule: a holiday reads as a Monday
    itinerary = plan_trip(request(**HOLIDAY), weekdays, max_candidates=12, time_limit_s=0.4)
    stops = [i for i, s in enumerate(itinerary.stops) if s.kind in ("visit", "meal")]
    assert stops
    warned = _holiday_warnings(itinerary)
    assert sorted(warned) == stops
    name = itinerary.stops[stops[0]].name
    assert warned[stops[0]] == (
        f"Monday 06 December is a public holiday (Independence Day): the hours of {name} are its usual hours, "
        "not confirmed for the holiday (OpenStreetMap records no holiday hours for it)"
    )
    assert {v.severity for v in itinerary.violations if v.code == "HOLIDAY_HOURS"} == {"warning"}
    assert itinerary.status == "feasible"
    # the same plan a day later is an ordinary day: nothing to say
    workday = plan_trip(request(**WORKDAY), weekdays, max_candidates=12, time_limit_s=0.4)
    assert [s.kind for s in workday.stops[1:-1]]
    assert _holiday_warnings(workday) == {}


def test_hours_with_a_holiday_rule_are_honoured_on_the_holiday(tools: RegionTools) -> None:
    weekdays = _every_place_keeps(tools, "Mo-Fr 10:00-18:00")
    planned = plan_trip(request(**HOLIDAY), weekdays, max_candidates=12, time_limit_s=0.4)
    closed = _every_place_keeps(tools, "Mo-Fr 10:00-18:00; PH off")
    assert planned.request is not None
    world = RegionWorld(closed, planned.request)
    stop = planned.stops[1]
    assert stop.poi_id is not None
    assert world.hours_state(stop.poi_id, datetime(2027, 12, 6, 12, tzinfo=ZONE)) == "closed"
    assert world.hours_state(stop.poi_id, datetime(2027, 12, 7, 12, tzinfo=ZONE)) == "open"
    found = verify(planned, world, Requirements.from_request(planned.request, closed.zone, world))
    codes = {(v.code, v.stop_index) for v in found}
    assert ("CLOSED_AT_ARRIVAL", 1) in codes
    assert not [v for v in found if v.code == "HOLIDAY_HOURS"]  # the hours say what the holiday is: no caveat
    # and the engine plans no stop there that day
    assert plan_trip(request(**HOLIDAY), closed, max_candidates=12, time_limit_s=0.4).stops[1:-1] == []


@pytest.mark.parametrize("hours", ["Mo-Fr 10:00-18:00; PH 12:00-16:00", "Mo-Su 10:00-18:00; PH off"])
def test_hours_with_a_holiday_rule_need_no_caveat(hours: str, tools: RegionTools) -> None:
    ruled = _every_place_keeps(tools, hours)
    itinerary = plan_trip(request(**HOLIDAY), ruled, max_candidates=12, time_limit_s=0.4)
    assert _holiday_warnings(itinerary) == {}
