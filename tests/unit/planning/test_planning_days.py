"""Trips of several days: day windows, nights at catalogue stays, overnight charging, the chain verified.

On the embedded Helsinki region (hotels and hostels of OSM, no campsite, four chargers
without socket data) and on a generated region with stays (tests/generated_region.py with
``stays=True``: per town a hotel beside the town charger, a guest house with no charger
near, a motel whose charger records no sockets; NOT OpenStreetMap data).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

from codriver.bootstrap import Runtime
from codriver.cli import _plan as plan_cli
from codriver.cli import _verify as verify_cli
from codriver.planning import (
    Delay,
    Itinerary,
    RegionTools,
    TripRequest,
    TripState,
    deterministic_search,
    plan_trip,
    replan,
    verify_trip,
)
from codriver.planning._day_split import split_days
from codriver.regions import import_region
from codriver.settings import Settings
from codriver.tools.geo import LatLon, haversine_m
from generated_region import Layout, generate

HELSINKI = ZoneInfo("Europe/Helsinki")
WEEKEND = {"depart_at": "2025-06-13T09:00:00+03:00", "return_by": "2025-06-14T18:00:00+03:00"}  # Fri -> Sat
LUNCH = {"meal": "lunch", "earliest": "11:30", "latest": "14:00"}
REGION = "generated-days"
EV = {
    "powertrain": "ev",
    "battery_kwh": 40,
    "soc": 0.6,
    "reserve_soc": 0.1,
    "consumption_kwh_per_100km": 18,
    "max_charge_kw": 100,
}


def _request(**data: Any) -> TripRequest:
    return TripRequest.model_validate({"origin": "60.1675,24.9525", **WEEKEND, **data})


def _plan(tools: RegionTools, request: TripRequest) -> Itinerary:
    with deterministic_search():
        return plan_trip(request, tools)


def _errors(trip: Itinerary, tools: RegionTools) -> list[str]:
    return [v.code for v in verify_trip(trip, tools) if v.severity == "error"]


# -- the days ----------------------------------------------------------------------------------
def test_a_weekend_is_split_into_days_with_default_and_own_windows() -> None:
    request = TripRequest.model_validate(
        {
            "origin": "60.17,24.95",
            "depart_at": "2025-06-13T08:15:00+03:00",  # Friday
            "return_by": "2025-06-15T18:00:00+03:00",  # Sunday
            "days": [{"date": "2025-06-14", "start": "10:30", "end": "21:00"}],
        }
    )
    assert request.multi_day
    spans, notes = split_days(request, HELSINKI)
    windows = [(s.start.strftime("%a %H:%M"), s.end.strftime("%a %H:%M")) for s in spans]
    assert windows == [("Fri 08:15", "Fri 19:00"), ("Sat 10:30", "Sat 21:00"), ("Sun 09:00", "Sun 18:00")]
    assert notes == []
    late = request.model_copy(
        update={
            "depart_at": datetime(2025, 6, 13, 18, 30, tzinfo=HELSINKI),  # a late start: to the night's stay
            "return_by": datetime(2025, 6, 15, 9, 30, tzinfo=HELSINKI),  # Sunday's 30 min: no day
            "days": [],
        }
    )
    spans, notes = split_days(late, HELSINKI)
    windows = [(s.start.strftime("%a %H:%M"), s.end.strftime("%a %H:%M")) for s in spans]
    assert windows == [("Fri 18:30", "Fri 20:30"), ("Sat 09:00", "Sat 19:00")]
    assert notes == ["No day is planned on Sun 15 Jun: its window 09:00-09:30 is too short."]


def test_one_day_requests_stay_one_day_and_stops_are_refused_over_days() -> None:
    assert not _request(return_by="2025-06-14T08:00:00+03:00").multi_day  # 23 h: one day, as before
    with pytest.raises(ValueError, match="places its stops by day"):
        _request(stops=[{"poi_id": "osm:node/1"}])


# -- Helsinki ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def helsinki_tools(helsinki: Runtime) -> RegionTools:
    return RegionTools.load(helsinki, "helsinki")


@pytest.fixture(scope="module")
def weekend(helsinki_tools: RegionTools) -> Itinerary:
    request = _request(interests={"museum": 1.0, "park": 0.5}, meals=[LUNCH])
    return _plan(helsinki_tools, request)


def test_two_days_in_helsinki_with_a_night_at_a_catalogue_stay(helsinki_tools: RegionTools, weekend: Itinerary) -> None:
    trip = weekend
    assert trip.status == "feasible", [v.message for v in trip.errors]
    assert len(trip.days) == 2
    assert len(trip.nights) == 1
    night = trip.nights[0]
    entry = helsinki_tools.entry(night.poi_id)
    assert entry is not None
    assert entry.category == "hotel"  # a hotel or hostel of OSM
    # the chain: day 1 ends at the stay, day 2 starts there
    assert trip.days[0].stops[-1].poi_id == night.poi_id == trip.days[1].stops[0].poi_id
    assert night.arrive_at == trip.days[0].stops[-1].arrive_at
    assert night.depart_at == trip.days[1].stops[0].depart_at == datetime(2025, 6, 14, 9, 0, tzinfo=HELSINKI)
    # every day feasible, inside its window, lunch every day, no place seen twice
    for day, date in zip(trip.days, ("2025-06-13", "2025-06-14"), strict=True):
        assert day.status == "feasible"
        times = [t for s in day.stops for t in (s.arrive_at, s.depart_at) if t is not None]
        assert all(t.astimezone(HELSINKI).date().isoformat() == date for t in times)
        assert all(9 <= t.astimezone(HELSINKI).hour < 19 for t in times)
        assert [s.meal for s in day.stops if s.kind == "meal"] == ["lunch"]
    seen = [s.poi_id for d in trip.days for s in d.stops[1:-1]]
    assert len(seen) == len(set(seen))
    # the trip's own itinerary: every stop, the night as one stay stop, totals over both days and the night
    stays = [s for s in trip.stops if s.kind == "stay"]
    assert [s.poi_id for s in stays] == [night.poi_id]
    assert len(trip.stops) == len(trip.days[0].stops) + len(trip.days[1].stops) - 1
    assert trip.totals.nights == 1
    assert trip.totals.stay_cost == night.cost > 0
    assert trip.totals.cost == pytest.approx(sum(d.totals.cost for d in trip.days) + night.cost)
    assert trip.totals.visits == sum(d.totals.visits for d in trip.days)
    assert _errors(trip, helsinki_tools) == []


def test_the_trip_verifier_rejects_a_broken_chain(helsinki_tools: RegionTools, weekend: Itinerary) -> None:
    trip = weekend
    day2 = trip.days[1]
    other = next(
        e for e in helsinki_tools.places.index.entries if e.category == "hotel" and e.poi_id != trip.nights[0].poi_id
    )
    moved = day2.stops[0].model_copy(
        update={"poi_id": other.poi_id, "name": other.name, "lat": other.lat, "lon": other.lon}
    )
    broken = day2.model_copy(update={"stops": [moved, *day2.stops[1:]]})
    assert "DAY_CHAIN" in _errors(trip.model_copy(update={"days": [trip.days[0], broken]}), helsinki_tools)
    # a day that runs past its window (19:00 on the first day)
    late = trip.days[0].stops[-1]
    evening = late.model_copy(update={"arrive_at": datetime(2025, 6, 13, 21, 30, tzinfo=HELSINKI)})
    day1 = trip.days[0].model_copy(update={"stops": [*trip.days[0].stops[:-1], evening]})
    assert "DAY_WINDOW" in _errors(trip.model_copy(update={"days": [day1, day2]}), helsinki_tools)
    # a night of a place that is no stay
    museum = next(e for e in helsinki_tools.places.index.entries if e.category == "museum")
    fake = trip.nights[0].model_copy(update={"poi_id": museum.poi_id})
    assert "NO_STAY" in _errors(trip.model_copy(update={"nights": [fake]}), helsinki_tools)
    # one night missing between two days
    assert _errors(trip.model_copy(update={"nights": []}), helsinki_tools) == ["DAY_CHAIN"]


def test_no_stay_in_the_region_is_said_never_a_long_day(helsinki_tools: RegionTools) -> None:
    request = _request(interests={"museum": 1.0}, overnight={"kinds": ["camp_site", "caravan_site"]})
    trip = _plan(helsinki_tools, request)  # Helsinki's centre has no campsite
    assert trip.status == "infeasible"
    assert [v.code for v in trip.errors] == ["NO_STAY"]
    assert "cannot be split into days" in trip.errors[0].message
    assert trip.days == []
    assert trip.totals.duration_s == 0  # nothing planned past the first evening
    assert all(s.arrive_at is None for s in trip.stops)
    assert "return_by" in trip.relaxed


# -- a generated region with stays ---------------------------------------------------------------
@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RegionTools, Layout]]:
    tmp = tmp_path_factory.mktemp("generated-days")
    pbf = tmp / f"{REGION}.osm.pbf"
    layout = generate(pbf, drive_nodes=3000, seed=7, stays=True)
    runtime = Runtime(Settings(data_dir=tmp / "data"))
    import_region(pbf, settings=runtime.settings, engine=runtime.engine)
    yield RegionTools.load(runtime, REGION), layout
    runtime.engine.dispose()


def _trip(layout: Layout, **data: Any) -> TripRequest:
    west, east = layout.town(0, 0), layout.town(0, 4)
    return TripRequest.model_validate(
        {
            "region": REGION,
            "origin": f"{west[1]},{west[2]}",
            "destination": f"{east[1]},{east[2]}",
            **WEEKEND,
            "interests": {"museum": 1.0},
            "meals": [LUNCH],
            "vehicle": EV,
            **data,
        }
    )


def test_an_ev_charges_overnight_at_its_hotel(region: tuple[RegionTools, Layout]) -> None:
    tools, layout = region
    assert layout.stays == 3 * len(layout.towns)
    trip = _plan(tools, _trip(layout))
    assert trip.status == "feasible", [v.message for v in trip.errors]
    night = trip.nights[0]
    entry = tools.entry(night.poi_id)
    assert entry is not None
    assert entry.name is not None
    assert entry.name.endswith("Hotel")  # the one with a charger beside it
    assert night.charger_verified is True
    assert night.charger_id is not None
    assert night.soc_arrive is not None
    assert night.soc_depart is not None
    assert night.soc_arrive >= EV["reserve_soc"]
    assert night.soc_depart == pytest.approx(0.9)  # overnight.charge_to_soc
    assert night.soc_depart > night.soc_arrive
    assert trip.days[1].request is not None
    assert trip.days[1].request.vehicle.soc == night.soc_depart  # the next morning starts charged
    stay = next(s for s in trip.stops if s.kind == "stay")
    assert (stay.soc_before, stay.soc_after, stay.charger_id) == (night.soc_arrive, night.soc_depart, night.charger_id)
    assert _errors(trip, tools) == []
    # the verifier recomputes the night: more charge than the car had, or a charge without a charger
    day2 = trip.days[1]
    assert day2.request is not None
    greedy = day2.request.model_copy(update={"vehicle": day2.request.vehicle.model_copy(update={"soc": 1.0})})
    days = [trip.days[0], day2.model_copy(update={"request": greedy})]
    assert "SOC_CHAIN" in _errors(trip.model_copy(update={"days": days}), tools)
    unplugged = night.model_copy(update={"charger_id": None})
    assert "OVERNIGHT_CHARGE" in _errors(trip.model_copy(update={"nights": [unplugged]}), tools)


def test_a_charger_without_socket_data_is_used_overnight_as_unverified(region: tuple[RegionTools, Layout]) -> None:
    tools, layout = region
    trip = _plan(tools, _trip(layout, overnight={"kinds": ["motel"]}))
    night = trip.nights[0]
    assert night.kind == "motel"
    assert night.charger_verified is False
    assert "unverified" in night.explanation
    assert night.soc_depart is not None
    assert night.soc_arrive is not None
    assert night.soc_depart > night.soc_arrive
    assert _errors(trip, tools) == []


# -- the CLI -------------------------------------------------------------------------------------
def test_codriver_plan_prints_day_by_day_and_verify_checks_the_chain(
    helsinki: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CODRIVER_DATA_DIR", str(helsinki.settings.data_dir))
    app = typer.Typer()
    app.command("plan")(plan_cli.command)
    app.command("verify")(verify_cli.command)
    runner = CliRunner()
    request = tmp_path / "weekend.json"
    request.write_text(_request(interests={"museum": 1.0}, meals=[LUNCH]).model_dump_json(), encoding="utf-8")
    shown = runner.invoke(app, ["plan", "--request-file", str(request), "--time-limit-s", "0.3"])
    assert shown.exit_code == 0, shown.stdout
    text = shown.stdout
    assert text.index("Day 1:") < text.index("Night 1:") < text.index("Day 2:") < text.index("Trip: feasible")
    assert "2 days, 1 nights" in text
    as_json = runner.invoke(app, ["plan", "--request-file", str(request), "--time-limit-s", "0.3", "--json"])
    trip = json.loads(as_json.stdout)
    assert [len(d["stops"]) >= 2 for d in trip["days"]] == [True, True]
    assert [s["kind"] for s in trip["stops"]].count("stay") == 1
    good = tmp_path / "trip.json"
    good.write_text(as_json.stdout, encoding="utf-8")
    checked = runner.invoke(app, ["verify", str(good), "--json"])
    assert checked.exit_code == 0, checked.stdout
    assert json.loads(checked.stdout)["valid"] is True
    trip["days"][1]["request"]["depart_at"] = trip["days"][0]["request"]["depart_at"]  # day 2 claims day 1's morning
    trip["days"][1]["stops"][0]["depart_at"] = trip["days"][0]["stops"][0]["depart_at"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(trip), encoding="utf-8")
    refused = runner.invoke(app, ["verify", str(bad), "--json"])
    assert refused.exit_code == plan_cli.VIOLATIONS_EXIT
    assert "DAY_CHAIN" in {v["code"] for v in json.loads(refused.stdout)["violations"]}


def test_must_visits_are_spread_over_three_days_along_the_trip(region: tuple[RegionTools, Layout]) -> None:
    tools, layout = region
    museums = [f"{layout.town(0, column)[0]} Museum" for column in (1, 3, 5)]
    ids = [next(e.poi_id for e in tools.places.index.entries if e.name == name) for name in museums]
    request = _trip(
        layout,
        destination=f"{layout.town(0, 6)[1]},{layout.town(0, 6)[2]}",
        return_by="2025-06-15T18:00:00+03:00",
        must_visit=list(reversed(ids)),  # in no particular order: the plan orders them along the trip
        interests={},
    )
    trip = _plan(tools, request)
    assert trip.status == "feasible", [v.message for v in trip.errors]
    assert len(trip.days) == 3
    assert [[s.poi_id for s in d.stops if s.poi_id in ids] for d in trip.days] == [[ids[0]], [ids[1]], [ids[2]]]
    assert [d.request.must_visit if d.request else None for d in trip.days] == [[ids[0]], [ids[1]], [ids[2]]]
    assert len(trip.nights) == 2
    assert trip.nights[0].poi_id != trip.nights[1].poi_id  # the second night farther along
    assert trip.nights[0].lon < trip.nights[1].lon
    assert _errors(trip, tools) == []


def test_a_repair_on_the_first_evening_keeps_the_night(helsinki_tools: RegionTools, weekend: Itinerary) -> None:
    """A delay reported late on day 1 (under 24 h before return_by) re-plans days and a night, not one long day."""
    assert weekend.request is not None
    assert [d.date.isoformat() for d in weekend.request.days] == ["2025-06-13", "2025-06-14"]  # dated by the plan
    evening = datetime(2025, 6, 13, 18, 30, tzinfo=HELSINKI)
    last = weekend.days[0].stops[-2]
    done = [s.poi_id for s in weekend.days[0].stops[1:-1] if s.poi_id]
    state = TripState(at=evening, lat=last.lat, lon=last.lon, done=done)
    repaired = replan(weekend, Delay(minutes=20), helsinki_tools, state=state).itinerary
    assert repaired.request is not None
    assert repaired.request.multi_day
    assert len(repaired.days) == 2
    assert len(repaired.nights) == 1
    friday = [t for s in repaired.days[0].stops for t in (s.arrive_at, s.depart_at) if t is not None]
    # from the delayed start to the night's stay within two hours, not on into the night
    assert max(friday) <= repaired.request.depart_at + timedelta(hours=2)
    assert repaired.request.depart_at >= evening
    assert repaired.days[1].stops[0].depart_at == datetime(2025, 6, 14, 9, 0, tzinfo=HELSINKI)
    assert _errors(repaired, helsinki_tools) == []


def test_a_lunch_wished_in_a_town_is_taken_on_the_day_the_trip_passes_it(region: tuple[RegionTools, Layout]) -> None:
    tools, layout = region
    far = layout.town(0, 4)
    near = {**LUNCH, "near": f"{far[0]} Square", "near_km": 3}
    trip = _plan(tools, _trip(layout, meals=[near], interests={}))  # lunch wished at the far end
    lunches = [[s for s in d.stops if s.meal == "lunch"] for d in trip.days]
    assert [len(day) for day in lunches] == [0, 1]  # not asked on day 1, when the trip is not there yet
    first = trip.days[0].request
    assert first is not None
    assert first.meals == []
    square = LatLon(far[1], far[2])
    assert haversine_m(square, LatLon(lunches[1][0].lat, lunches[1][0].lon)) <= 3000  # in the far town
    assert _errors(trip, tools) == []


def test_the_nights_keep_to_the_budget(helsinki_tools: RegionTools) -> None:
    """90 EUR for the weekend: no hotel room (about 110 a night) fits, a hostel bed (35) does."""
    trip = _plan(helsinki_tools, _request(interests={"park": 1.0}, budget=90.0))
    (night,) = trip.nights
    assert night.kind == "hostel"
    assert night.cost <= 90.0
    assert trip.totals.cost <= 90.0
    assert _errors(trip, helsinki_tools) == []
    two = _plan(helsinki_tools, _request(interests={"park": 1.0}, party={"adults": 2, "children": 2}, budget=40.0))
    assert [v.code for v in two.errors] == ["NO_STAY"]  # four hostel beds cost more than the whole budget
