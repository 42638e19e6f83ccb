"""Long drives on a generated region: charging on the way, meals where they are wished.

The region is written by ``tests/generated_region.py`` (towns 20 km apart in a 9 x 2 grid,
motorways with service-area chargers, NOT OpenStreetMap data) and imported like any
extract, once for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from codriver.bootstrap import Runtime
from codriver.planning import Requirements, TripRequest, deterministic_search, plan_trip, verify
from codriver.planning._region_world import RegionTools, RegionWorld
from codriver.regions import import_region
from codriver.settings import Settings
from codriver.store import Place, session_scope
from codriver.tools.geo import LatLon, haversine_m
from generated_region import GENERATED, Layout, generate

REGION = "generated-corridor"
DAY = {"depart_at": "2025-06-14T08:00:00+03:00", "return_by": "2025-06-14T21:00:00+03:00"}
# A small battery that drinks a lot: 14 kWh usable from the start (64 km), 18 kWh from full (82 km),
# so 160 km along the motorway need two charging stops at least.
SMALL_EV = {
    "powertrain": "ev",
    "battery_kwh": 20,
    "soc": 0.8,
    "reserve_soc": 0.1,
    "consumption_kwh_per_100km": 22,
    "max_charge_kw": 100,
}


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Runtime, Layout]]:
    """A generated region of about 3,000 drive nodes, imported into a fresh data directory."""
    tmp = tmp_path_factory.mktemp("generated")
    pbf = tmp / f"{REGION}.osm.pbf"
    layout = generate(pbf, drive_nodes=3000, seed=7)
    runtime = Runtime(Settings(data_dir=tmp / "data"))
    import_region(pbf, settings=runtime.settings, engine=runtime.engine)
    yield runtime, layout
    runtime.engine.dispose()


@pytest.fixture(scope="module")
def tools(region: tuple[Runtime, Layout]) -> RegionTools:
    return RegionTools.load(region[0], REGION)


def _at(town: tuple[str, float, float]) -> str:
    return f"{town[1]},{town[2]}"


def _plan(tools: RegionTools, data: dict[str, Any]) -> tuple[TripRequest, Any]:
    """The request and its plan, searched by a fixed amount of work (the same plan under any load)."""
    request = TripRequest.model_validate({"region": REGION, **DAY, **data})
    with deterministic_search():
        return request, plan_trip(request, tools)


def _verified_again(tools: RegionTools, request: TripRequest, itinerary: Any) -> list[str]:
    """Error codes of a verifier with its own world (every leg routed again), not the engine's matrix."""
    world = RegionWorld(tools, request)
    found = verify(itinerary, world, Requirements.from_request(request, tools.zone, world))
    return [v.code for v in found if v.severity == "error"]


def test_generated_region_imports_with_labelled_places_and_chargers(
    region: tuple[Runtime, Layout], tools: RegionTools
) -> None:
    runtime, layout = region
    assert tools.router.graph.node_count == layout.drive_nodes  # every road node is drivable, none clipped
    with session_scope(runtime.engine) as session:
        places = session.exec(select(Place).where(Place.region_id == tools.region.id)).all()
    assert places
    assert all(p.tags.get("source") == GENERATED["source"] for p in places)  # labelled as generated
    categories = {p.category for p in places}
    assert {"restaurant", "cafe", "museum", "park", "square", "charging_station"} <= categories
    restaurants = [p for p in places if p.category == "restaurant"]
    assert all(p.cuisine and p.opening_hours for p in restaurants)
    stations = tools.chargers.stations
    assert len(stations) == layout.chargers
    assert all(s.sockets_known for s in stations)
    kinds = {(c.connector, c.power_kw) for s in stations for c in s.connectors}
    assert ("type2", 22.0) in kinds
    assert ("ccs", 150.0) in kinds  # the motorway service areas
    # deterministic by seed: the same seed writes the same towns
    again = generate(Path(runtime.settings.data_dir) / "again.osm.pbf", drive_nodes=3000, seed=7)
    assert again.towns == layout.towns
    assert again.drive_nodes == layout.drive_nodes


def test_a_drive_longer_than_the_battery_charges_twice_on_the_way(
    region: tuple[Runtime, Layout], tools: RegionTools
) -> None:
    _, layout = region
    west, east = layout.town(0, 0), layout.town(0, layout.cols - 1)
    request, itinerary = _plan(tools, {"origin": _at(west), "destination": _at(east), "vehicle": SMALL_EV})
    assert itinerary.status == "feasible", [v.message for v in itinerary.violations]
    charges = [s for s in itinerary.stops if s.kind == "charge"]
    assert len(charges) >= 2
    # on the way: each one east of the last, between the two towns, none in the start town
    longitudes = [s.lon for s in charges]
    assert longitudes == sorted(longitudes)
    start = LatLon(west[1], west[2])
    assert all(haversine_m(start, LatLon(s.lat, s.lon)) > 20_000 for s in charges[1:])
    assert west[2] < longitudes[0]
    assert longitudes[-1] < east[2]
    assert _verified_again(tools, request, itinerary) == []


def test_lunch_wished_in_the_far_town_is_taken_there(region: tuple[Runtime, Layout], tools: RegionTools) -> None:
    _, layout = region
    home, far = layout.town(0, 0), layout.town(0, 6)  # 120 km apart
    lunch = {"meal": "lunch", "earliest": "11:30", "latest": "14:30", "near": f"{far[0]} Square"}
    data = {
        "origin": _at(home),
        "interests": {"museum": 1.0},
        "meals": [lunch],
        "vehicle": {**SMALL_EV, "battery_kwh": 40, "consumption_kwh_per_100km": 18},
    }
    request, itinerary = _plan(tools, data)
    assert itinerary.status == "feasible", [v.message for v in itinerary.violations]
    [meal] = [s for s in itinerary.stops if s.kind == "meal"]
    assert haversine_m(LatLon(far[1], far[2]), LatLon(meal.lat, meal.lon)) <= 5_000
    assert any(s.kind == "charge" for s in itinerary.stops)  # 240 km on 40 kWh
    assert _verified_again(tools, request, itinerary) == []
    # the verifier checks the place on its own: the same plan for a lunch wished at home is missing it
    at_home = TripRequest.model_validate(
        {"region": REGION, **DAY, **data, "meals": [{**lunch, "near": _at(home), "near_km": 5}]}
    )
    assert "MISSING_MEAL" in _verified_again(tools, at_home, itinerary)
