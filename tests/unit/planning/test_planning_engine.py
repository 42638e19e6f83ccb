"""The engine over the embedded Helsinki region: real catalogue, hours, router and energy model."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from planning_cases import ev_request, request

from codriver.bootstrap import Runtime
from codriver.errors import InputError
from codriver.planning import Itinerary, MealWish, Requirements, TripRequest, verify
from codriver.planning._engine import build_problem, plan_request, plan_trip
from codriver.planning._region_world import RegionTools, RegionWorld
from codriver.tools.geo import LatLon, haversine_m

ZONE = ZoneInfo("Europe/Helsinki")


def errors(itinerary: Itinerary) -> list[str]:
    return [v.code for v in itinerary.violations if v.severity == "error"]


def reverify(itinerary: Itinerary, tools: RegionTools) -> list[str]:
    """Errors the verifier finds in the itinerary after a round trip through JSON."""
    copy = Itinerary.model_validate_json(itinerary.model_dump_json())
    assert copy.request is not None
    world = RegionWorld(tools, copy.request)
    found = verify(copy, world, Requirements.from_request(copy.request, tools.zone, world))
    return [v.code for v in found if v.severity == "error"]


def test_plans_a_feasible_day_from_the_catalogue(tools: RegionTools) -> None:
    itinerary = plan_trip(request(), tools, max_candidates=16, time_limit_s=0.4)
    assert itinerary.status == "feasible", itinerary.violations
    assert reverify(itinerary, tools) == []
    kinds = [s.kind for s in itinerary.stops]
    assert kinds[0] == "start"
    assert kinds[-1] == "end"
    assert kinds.count("meal") == 1
    assert kinds.count("visit") >= 2
    for stop in itinerary.stops[1:-1]:
        assert stop.poi_id is not None
        assert tools.entry(stop.poi_id) is not None
        assert stop.arrive_at is not None
        assert stop.arrive_at.utcoffset() == timedelta(hours=3)
        assert stop.explanation
    lunch = next(s for s in itinerary.stops if s.kind == "meal")
    assert lunch.arrive_at is not None
    assert lunch.depart_at is not None
    assert time(11, 30) <= lunch.arrive_at.astimezone(ZONE).time()
    assert lunch.depart_at.astimezone(ZONE).time() <= time(14, 0)
    assert itinerary.totals.cost <= 150
    assert len(itinerary.legs) == len(itinerary.stops) - 1
    assert all(leg.geometry["type"] == "LineString" for leg in itinerary.legs)


def test_visits_respect_the_real_opening_hours(tools: RegionTools) -> None:
    itinerary = plan_trip(request(), tools, max_candidates=16, time_limit_s=0.4)
    for stop in itinerary.stops[1:-1]:
        assert stop.poi_id is not None
        assert stop.arrive_at is not None
        assert stop.depart_at is not None
        entry = tools.entry(stop.poi_id)
        assert entry is not None
        hours = tools.hours(entry)
        if hours.parsed:
            assert hours.open_throughout(stop.arrive_at, stop.depart_at), stop.name


def test_meals_follow_the_diet(tools: RegionTools) -> None:
    itinerary = plan_trip(request(diet=["vegan"]), tools, max_candidates=16, time_limit_s=0.4)
    lunch = next(s for s in itinerary.stops if s.kind == "meal")
    entry = tools.entry(lunch.poi_id or "")
    assert entry is not None
    assert entry.diets.get("vegan") in {"yes", "only"}


@pytest.mark.parametrize(
    ("cuisine", "served"),
    [(["sushi", "japanese"], "sushi"), (["pizza", "italian"], "pizza"), (["yeti", "thai"], "thai")],
)
def test_a_meals_cuisines_are_in_order_of_preference(cuisine: list[str], served: str, tools: RegionTools) -> None:
    # "sushi" is read as sushi, japanese: a sushi place is preferred to a Japanese-only one (the region has both);
    # where the first is served nowhere, the next value stands. From the Ateneum the nearest Japanese place is a
    # noodle bar (Momotoko) and the nearest Italian one serves no pizza (Leonardo)
    meals = [{"meal": "lunch", "earliest": "11:30", "latest": "14:00", "cuisine": cuisine}]
    itinerary = plan_trip(request(origin="osm:way/8033120", meals=meals), tools, max_candidates=16, time_limit_s=0.4)
    lunch = next(s for s in itinerary.stops if s.kind == "meal")
    entry = tools.entry(lunch.poi_id or "")
    assert entry is not None
    assert served in entry.cuisine


def test_a_meal_wished_at_a_must_visit_food_place_is_taken_there(tools: RegionTools) -> None:
    # "lunch at Kappeli": the must-visit is the lunch stop, not a visit beside a lunch elsewhere
    kappeli = next(e for e in tools.places.index.entries if e.name == "Kappeli")
    meals = [{"meal": "lunch", "earliest": "11:30", "latest": "14:00", "near": kappeli.poi_id, "near_km": 0.03}]
    itinerary = plan_trip(request(must_visit=[kappeli.poi_id], meals=meals), tools, max_candidates=16, time_limit_s=0.4)
    at_kappeli = [s for s in itinerary.stops if s.poi_id == kappeli.poi_id]
    assert [s.kind for s in at_kappeli] == ["meal"]
    assert [s.poi_id for s in itinerary.stops if s.kind == "meal"] == [kappeli.poi_id]


def test_a_must_visit_given_by_name_is_planned(tools: RegionTools) -> None:
    itinerary = plan_trip(request(must_visit=["Ateneum"]), tools, max_candidates=12, time_limit_s=0.4)
    assert "Ateneum" in [s.name for s in itinerary.stops]
    assert itinerary.status == "feasible"


def test_an_unknown_must_visit_is_an_input_error_naming_its_place_in_the_request(tools: RegionTools) -> None:
    with pytest.raises(InputError) as caught:
        build_problem(request(must_visit=["Ateneum", "osm:node/1"]), tools)
    assert caught.value.field == "must_visit.1"
    with pytest.raises(InputError, match="nonsense") as caught:  # a name the gazetteer does not know
        build_problem(request(must_visit=["nonsense"]), tools)
    assert caught.value.field == "must_visit.0"
    with pytest.raises(InputError, match="nonsense") as caught:  # not the gazetteer's own "place"
        build_problem(request(origin={"name": "nonsense"}), tools)
    assert caught.value.field == "origin"
    with pytest.raises(InputError, match="nonsense") as caught:
        build_problem(request(destination={"name": "nonsense"}), tools)
    assert caught.value.field == "destination"


@pytest.mark.parametrize(
    ("depart_at", "return_by", "why"),
    [
        ("2025-06-16T10:00:00+03:00", "2025-06-16T16:00:00+03:00", "closed all day on Monday 16 June"),
        ("2025-06-17T07:00:00+03:00", "2025-06-17T09:30:00+03:00", "not open between 07:00 and 09:30"),
        (
            "2025-06-17T12:00:00+03:00",
            "2025-06-17T12:20:00+03:00",
            "no room for it in the plan with the rest of the trip",
        ),
    ],
)
def test_a_must_visit_left_out_is_said_by_name_and_why(
    depart_at: str, return_by: str, why: str, tools: RegionTools
) -> None:
    ateneum = next(e.poi_id for e in tools.places.index.entries if e.name == "Ateneum")
    asked = request(must_visit=[ateneum], depart_at=depart_at, return_by=return_by, meals=[])
    itinerary = plan_trip(asked, tools, max_candidates=12, time_limit_s=0.4)
    missing = [v.message for v in itinerary.violations if v.code == "MUST_VISIT_MISSING"]
    assert missing == [f"Ateneum is not a stop: {why}"]
    assert itinerary.status == "infeasible"


def _asked(interests: dict[str, float], **changes: Any) -> TripRequest:
    """A family's morning with ``interests`` said in words (the request's ``understood`` names them)."""
    said = ", ".join(interests)
    return request(
        interests=interests,
        meals=[],
        party={"adults": 2, "children": 2},
        constraints={"max_per_category": 1},
        understood=[{"field": "interests", "said": said, "text": said}],
        **changes,
    )


def test_every_kind_of_place_asked_for_is_considered_not_only_the_nearest_kind(tools: RegionTools) -> None:
    # dozens of cafés lie nearer than the one playground: they had filled the places considered
    asked = _asked({"playground": 1.0, "cafe": 1.0}, return_by="2025-06-14T13:00:00+03:00")
    itinerary = plan_trip(asked, tools, max_candidates=30, time_limit_s=0.6)
    assert sorted(s.category for s in itinerary.stops[1:-1]) == ["cafe", "playground"]
    assert itinerary.status == "feasible"


def test_a_kind_of_place_asked_for_without_a_stop_is_said_and_not_feasible(tools: RegionTools) -> None:
    asked = _asked({"playground": 1.0, "cafe": 1.0}, return_by="2025-06-14T10:45:00+03:00")
    itinerary = plan_trip(asked, tools, max_candidates=30, time_limit_s=0.6)
    kinds = {s.category for s in itinerary.stops[1:-1]}
    missing = [v.message for v in itinerary.violations if v.code == "INTEREST_MISSING"]
    assert missing == [
        f"no {k} among the stops: no room for one in the plan with the rest of the trip"
        for k in sorted({"playground", "cafe"} - kinds)
    ]
    assert missing
    assert itinerary.status == "infeasible"
    assert "interests" in itinerary.relaxed
    # interests nobody said (defaults, preferences) are not wishes: a plan without one is not short of anything
    unsaid = asked.model_copy(update={"understood": []})
    again = plan_trip(unsaid, tools, max_candidates=30, time_limit_s=0.6)
    assert not [v for v in again.violations if v.code == "INTEREST_MISSING"]


def test_infeasible_request_gives_the_closest_plan_and_why(tools: RegionTools) -> None:
    # lunch wanted 12:00-13:00 but the trip ends at 11:00
    late_lunch = [MealWish(meal="lunch", earliest=time(12), latest=time(13)).model_dump(mode="json")]
    ask = request(return_by="2025-06-14T11:00:00+03:00", meals=late_lunch)
    itinerary = plan_trip(ask, tools, max_candidates=12, time_limit_s=0.3)
    assert itinerary.status == "infeasible"
    assert errors(itinerary) == ["MISSING_MEAL"]
    assert itinerary.relaxed == ["meals"]
    # without the meal the same plan is feasible: it is the closest feasible alternative
    assert reverify(itinerary.model_copy(update={"request": ask.model_copy(update={"meals": []})}), tools) == []


def test_no_time_at_all_is_reported_not_raised(tools: RegionTools) -> None:
    ask = request(
        destination="60.1790,24.9530",
        depart_at="2025-06-14T10:00:00+03:00",
        return_by="2025-06-14T10:00:30+03:00",
        meals=[],
    )
    itinerary = plan_trip(ask, tools, max_candidates=5, time_limit_s=0.2)
    assert itinerary.status == "infeasible"
    assert "TIME_WINDOW" in errors(itinerary)


def test_an_ev_short_of_charge_charges_at_a_compatible_charger(ev_tools: RegionTools) -> None:
    itinerary = plan_trip(ev_request(0.3), ev_tools, max_candidates=12, time_limit_s=0.4)
    assert itinerary.status == "feasible", itinerary.violations
    charging = [s for s in itinerary.stops if s.charges]
    assert charging
    charger = charging[0].charger
    assert charger is not None
    assert ev_tools.station(charger) is not None
    assert charging[0].soc_after is not None
    assert charging[0].soc_before is not None
    assert charging[0].soc_after > charging[0].soc_before
    end = itinerary.stops[-1]
    assert end.soc_before is not None
    assert end.soc_before >= 0.5 - 1e-6
    assert reverify(itinerary, ev_tools) == []


def warnings(itinerary: Itinerary) -> dict[str, list[int | None]]:
    found: dict[str, list[int | None]] = {}
    for v in itinerary.violations:
        if v.severity == "warning":
            found.setdefault(v.code, []).append(v.stop_index)
    return found


def test_chargers_without_socket_data_are_planned_as_unverified(tools: RegionTools) -> None:
    # Helsinki's OSM chargers have no socket data: they are used, with the warning, at 11 kW AC
    itinerary = plan_trip(ev_request(0.3), tools, max_candidates=8, time_limit_s=0.3)
    assert itinerary.status == "feasible", itinerary.violations
    charging = [i for i, s in enumerate(itinerary.stops) if s.charges]
    assert charging
    for i in charging:
        stop = itinerary.stops[i]
        station = tools.station(stop.charger or "")
        assert station is not None
        assert not station.sockets_known
        assert "Unverified charger" in stop.explanation
        assert stop.power_kw == 11.0
    assert warnings(itinerary)["CHARGER_UNVERIFIED"] == charging
    assert reverify(itinerary, tools) == []


def test_an_ev_below_its_reserve_charges_first_at_a_real_charger(tools: RegionTools) -> None:
    itinerary = plan_trip(ev_request(0.06), tools, max_candidates=8, time_limit_s=0.4)
    assert itinerary.status == "feasible", itinerary.violations
    first = itinerary.stops[1]
    assert first.kind == "charge"
    station = tools.station(first.poi_id or "")
    assert station is not None  # a charger of the catalogue, by its OSM ID
    assert first.soc_before is not None
    assert 0.0 < first.soc_before < 0.1
    assert first.soc_after is not None
    assert first.soc_after > 0.1
    assert "back above the reserve" in first.explanation
    assert "Unverified charger" in first.explanation
    found = warnings(itinerary)
    assert found["CHARGER_UNVERIFIED"][0] == 1
    assert found.get("SOC_BELOW_RESERVE") in (None, [1])
    end = itinerary.stops[-1]
    assert end.soc_before is not None
    assert end.soc_before >= 0.5 - 1e-6
    assert reverify(itinerary, tools) == []


def test_verified_chargers_rank_before_unverified_ones(ev_tools: RegionTools) -> None:
    problem = build_problem(ev_request(0.3), ev_tools, max_candidates=8)
    verified = [c.verified for c in problem.chargers]
    assert verified[0] is True
    assert verified == sorted(verified, reverse=True)
    assert False in verified  # the others are still there, as unverified
    itinerary = plan_trip(ev_request(0.3), ev_tools, max_candidates=8, time_limit_s=0.3)
    used = {s.charger for s in itinerary.stops if s.charges}
    assert used == {ev_tools.chargers.stations[0].poi_id}  # the one with known CCS sockets
    assert "CHARGER_UNVERIFIED" not in warnings(itinerary)


def test_places_near_a_compatible_charger_can_charge_during_the_stay(ev_tools: RegionTools) -> None:
    station = ev_tools.chargers.stations[0]
    problem = build_problem(ev_request(0.3), ev_tools, max_candidates=30)
    charger = problem.chargers[0]  # the charger with known CCS sockets ranks first
    assert charger.poi_id == station.poi_id
    assert charger.verified
    with_charger = [c for c in problem.candidates if c.charger == 0]
    assert any(c.meals for c in with_charger), "a lunch place lies near the charger"
    for cand in with_charger:
        site = problem.sites[cand.site]
        assert haversine_m(LatLon(site.lat, site.lon), LatLon(station.lat, station.lon)) <= 250
        assert "fits your car" in " ".join(cand.facts)
    for cand in problem.candidates:
        if cand.charger is not None and cand.charger > 0:  # near an unverified charger: said so
            assert "sockets unverified" in " ".join(cand.facts)
    far = [c for c in problem.candidates if c.charger != 0]
    assert far
    for cand in far:
        site = problem.sites[cand.site]
        assert haversine_m(LatLon(site.lat, site.lon), LatLon(station.lat, station.lon)) > 250


def test_departure_times_are_in_the_region_zone(tools: RegionTools) -> None:
    utc_request = request(depart_at="2025-06-14T07:00:00+00:00", return_by="2025-06-14T14:00:00+00:00")
    itinerary = plan_trip(utc_request, tools, max_candidates=8, time_limit_s=0.3)
    start = itinerary.stops[0].depart_at
    assert start == datetime(2025, 6, 14, 10, 0, tzinfo=ZONE)
    assert start is not None
    assert start.utcoffset() == timedelta(hours=3)


def test_plan_request_uses_the_region_of_the_runtime(helsinki: Runtime) -> None:
    itinerary = plan_request(helsinki, request(region="helsinki", meals=[]), max_candidates=6, time_limit_s=0.2)
    assert itinerary.region == "helsinki"
    assert itinerary.status == "feasible"
    assert itinerary.request is not None


def test_avoided_places_are_never_planned(tools: RegionTools) -> None:
    first = plan_trip(request(), tools, max_candidates=16, time_limit_s=0.4)
    visited = [s.poi_id for s in first.stops[1:-1] if s.poi_id and s.kind in {"visit", "meal"}]
    assert visited
    again = plan_trip(request(constraints={"avoid_places": visited}), tools, max_candidates=16, time_limit_s=0.4)
    assert again.status == "feasible", again.violations
    assert not {s.poi_id for s in again.stops} & set(visited)
    assert reverify(again, tools) == []
    # the verifier reads the same list: the first plan breaks the second request
    assert "AVOIDED_PLACE" in reverify(first.model_copy(update={"request": again.request}), tools)


def test_a_place_both_wanted_and_avoided_is_an_input_error(tools: RegionTools) -> None:
    ateneum = next(e.poi_id for e in tools.places.index.entries if e.name == "Ateneum")
    with pytest.raises(InputError, match="avoid_places") as caught:
        build_problem(request(must_visit=[ateneum], constraints={"avoid_places": [ateneum]}), tools)
    assert caught.value.field == "must_visit.0"


@pytest.mark.parametrize(
    ("poi_id", "said"),
    [
        ("osm:node/1376356022", "Open 24 hours on Mon 12 Jan"),  # Roasberg, 24/7
        ("osm:node/2249127683", "Open until 02:00, 11:00-02:00 on Mon 12 Jan"),  # Cafe Bar No9, nights past 02:00
    ],
)
def test_explanations_word_the_hours_for_people(poi_id: str, said: str, tools: RegionTools) -> None:
    trip = request(depart_at="2026-01-12T09:00:00+02:00", return_by="2026-01-12T20:00:00+02:00", must_visit=[poi_id])
    problem = build_problem(trip, tools, max_candidates=8)
    [cand] = [c for c in problem.candidates if c.poi_id == poi_id]
    facts = " ".join(cand.facts)
    assert said in facts
    assert "00:00-00:00" not in facts


def test_a_budget_too_small_for_any_wish_is_said_as_the_reason(tools: RegionTools) -> None:
    # "budget 10 euros for 4 people": lunch, a museum said in words and the Ateneum each cost more than the whole
    # budget; the day has hours to spare, so "no room in the plan" would be false
    ateneum = next(e.poi_id for e in tools.places.index.entries if e.name == "Ateneum")
    said = [{"field": "interests", "said": "a museum", "text": "a museum"}]
    asked = request(budget=10, party={"adults": 4}, interests={"museum": 1.0}, must_visit=[ateneum], understood=said)
    itinerary = plan_trip(asked, tools, max_candidates=16, time_limit_s=0.4)
    assert [s.kind for s in itinerary.stops] == ["start", "end"]
    assert {v.code: v.message for v in itinerary.errors} == {
        "MISSING_MEAL": "no lunch at a food place between 2025-06-14T11:30+03:00 and 2025-06-14T14:00+03:00: "
        "the cheapest lunch open within reach costs about 40.00 EUR for 4 people, over the budget of 10.00 EUR",
        "MUST_VISIT_MISSING": "Ateneum is not a stop: it costs about 60.00 EUR for 4 people, "
        "over the budget of 10.00 EUR",
        "INTEREST_MISSING": "no museum among the stops: the cheapest museum open within reach costs about "
        "60.00 EUR for 4 people, over the budget of 10.00 EUR",
    }
    # the figures are the catalogue's prices, as the plan counts them: with that much money the same day fits
    enough = plan_trip(asked.model_copy(update={"budget": 160}), tools, max_candidates=16, time_limit_s=0.4)
    assert enough.status == "feasible", enough.violations
    assert {s.kind for s in enough.stops[1:-1]} == {"visit", "meal"}


def test_a_budget_that_covers_the_wish_alone_keeps_the_reason_of_time(tools: RegionTools) -> None:
    # 20 minutes for the Ateneum: the budget pays for it, the time does not
    ateneum = next(e.poi_id for e in tools.places.index.entries if e.name == "Ateneum")
    asked = request(
        must_visit=[ateneum],
        depart_at="2025-06-17T12:00:00+03:00",
        return_by="2025-06-17T12:20:00+03:00",
        meals=[],
        budget=30,
    )
    itinerary = plan_trip(asked, tools, max_candidates=12, time_limit_s=0.4)
    missing = [v.message for v in itinerary.violations if v.code == "MUST_VISIT_MISSING"]
    assert missing == ["Ateneum is not a stop: no room for it in the plan with the rest of the trip"]
