"""The region's OSM charging stations: loading from the database, near a point, along a drive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from codriver.bootstrap import Runtime
from codriver.errors import InputError, ToolUnavailable
from codriver.regions import load_chargers
from codriver.regions.catalogue import parse_charger
from codriver.settings import Settings
from codriver.store import ChargingStation, Place, Region, make_engine, migrate, session_scope
from codriver.tools.charging import ChargerFilter, ChargingCatalog, ChargingStationInfo, OsmChargers
from codriver.tools.geo import LatLon, haversine_m

CENTRE = LatLon(60.1690, 24.9410)


def _region(name: str) -> Region:
    return Region(
        name=name,
        min_lon=24.90,
        min_lat=60.10,
        max_lon=25.00,
        max_lat=60.20,
        timezone="Europe/Helsinki",
        source="test",
        source_sha256="0" * 64,
        attribution="© OpenStreetMap contributors, ODbL 1.0",
        graph_path=f"regions/{name}.npz",
        node_count=0,
        edge_count=0,
        place_count=0,
        charger_count=0,
        opening_hours_count=0,
    )


def _add(session: Session, region_id: int, osm_id: int, lat: float, lon: float, tags: dict[str, str]) -> None:
    place_id = f"osm:node/{osm_id}"
    charger = parse_charger(place_id, tags)  # the same normalisation as a region import
    session.add(
        Place(
            region_id=region_id,
            place_id=place_id,
            name=tags.get("name"),
            category="charging_station",
            lat=lat,
            lon=lon,
            opening_hours_status="missing",
            tags=tags,
        )
    )
    session.add(ChargingStation(region_id=region_id, **charger.__dict__))


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated SQLite database with two regions; the same OSM node exists in both."""
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    with session_scope(engine) as session:
        town, other = _region("town"), _region("other")
        session.add_all([town, other])
        session.flush()
        assert town.id is not None
        assert other.id is not None
        _add(
            session,
            town.id,
            1,
            60.1695,
            24.9420,
            {
                "amenity": "charging_station",
                "name": "Hypermarket HPC",
                "operator": "K-Lataus",
                "socket:type2_combo": "4",
                "socket:type2_combo:output": "150 kW",
                "socket:type2": "2",
                "socket:type2:output": "22 kW",
                "fee": "yes",
            },
        )
        _add(session, town.id, 2, 60.1720, 24.9410, {"amenity": "charging_station", "name": "Garage"})
        _add(
            session,
            town.id,
            3,
            60.1650,
            24.9410,
            {"amenity": "charging_station", "name": "Staff only", "socket:type2": "2", "access": "private"},
        )
        # Same catalogue ID in another region, with other sockets: must not leak into "town".
        _add(
            session,
            other.id,
            2,
            60.1720,
            24.9410,
            {"amenity": "charging_station", "name": "Other region", "socket:chademo": "1"},
        )
    yield engine
    engine.dispose()


def _town(engine: Engine) -> Region:
    with session_scope(engine) as session:
        return session.exec(select(Region).where(Region.name == "town")).one()


def test_loads_the_regions_stations_with_their_sockets(engine: Engine) -> None:
    chargers = load_chargers(engine, _town(engine))
    catalog: ChargingCatalog = chargers  # type-checked: the embedded provider fits the protocol
    assert catalog is chargers
    by_id = {s.poi_id: s for s in chargers.stations}
    assert sorted(by_id) == ["osm:node/1", "osm:node/2", "osm:node/3"]
    fast = by_id["osm:node/1"]
    assert fast.name == "Hypermarket HPC"
    assert fast.operator == "K-Lataus"
    assert fast.fee is True
    assert {(c.connector, c.count, c.power_kw) for c in fast.connectors} == {("ccs", 4, 150.0), ("type2", 2, 22.0)}
    garage = by_id["osm:node/2"]
    assert garage.name == "Garage"  # not "Other region": the join keeps to one region
    assert garage.sockets_known is False
    assert garage.connectors == ()


def test_near_lists_compatible_and_unknown_nearest_first(engine: Engine) -> None:
    chargers = load_chargers(engine, _town(engine))
    results = chargers.near_sync(CENTRE, 1000, ChargerFilter(connectors=("ccs",)))
    assert [(r.poi_id, r.compatibility) for r in results] == [("osm:node/1", "compatible"), ("osm:node/2", "unknown")]
    assert results[0].usable_power_kw == 150.0
    assert results[0].matched_connectors == ("ccs",)
    assert results[0].distance_m == pytest.approx(haversine_m(CENTRE, LatLon(60.1695, 24.9420)))
    assert (results[0].distance_m or 0) < (results[1].distance_m or 0)


def test_near_respects_radius_require_known_and_access(engine: Engine) -> None:
    chargers = load_chargers(engine, _town(engine))
    assert [r.poi_id for r in chargers.near_sync(CENTRE, 100)] == ["osm:node/1"]
    known = chargers.near_sync(CENTRE, 1000, ChargerFilter(require_known=True))
    assert [r.poi_id for r in known] == ["osm:node/1"]  # the private one is left out too
    everyone = chargers.near_sync(CENTRE, 1000, ChargerFilter(access="any", require_known=True))
    assert [r.poi_id for r in everyone] == ["osm:node/1", "osm:node/3"]
    assert len(chargers.near_sync(CENTRE, 1000, limit=1)) == 1
    with pytest.raises(InputError):
        chargers.near_sync(CENTRE, -1)


def test_helsinki_chargers_are_all_unknown(helsinki: Runtime) -> None:
    region = helsinki.region("helsinki")
    chargers = load_chargers(helsinki.engine, region)
    assert len(chargers.stations) == region.charger_count == 4
    results = chargers.near_sync(LatLon(60.1699, 24.9384), 5000, ChargerFilter(connectors=("ccs",)))
    assert len(results) == 4
    assert {r.compatibility for r in results} == {"unknown"}
    assert all(r.usable_power_kw is None for r in results)
    assert chargers.near_sync(LatLon(60.1699, 24.9384), 5000, ChargerFilter(require_known=True)) == []


# -- along a drive -------------------------------------------------------------------------
ORIGIN = LatLon(60.1660, 24.9360)
DESTINATION = LatLon(60.1760, 24.9500)


def test_along_route_detours_are_exact(helsinki: Runtime, helsinki_stations: list[ChargingStationInfo]) -> None:
    router = helsinki.router(helsinki.region("helsinki"))
    chargers = OsmChargers(helsinki_stations, router=router)
    results = chargers.along_route_sync(ORIGIN, DESTINATION, filter=ChargerFilter(access="any"), max_detour_s=3600)
    assert results, "every station lies inside the region"
    direct = router.route_sync(ORIGIN, DESTINATION).duration_s
    for result in results:
        via = router.route_sync(ORIGIN, DESTINATION, waypoints=[LatLon(result.lat, result.lon)]).duration_s
        assert result.detour_s == pytest.approx(via - direct, abs=1e-6)
        assert result.leg_index == 0
        assert result.distance_m is None
    assert [r.detour_s for r in results] == sorted(r.detour_s for r in results)  # type: ignore[type-var]


def test_along_route_filters_and_bounds_the_detour(
    helsinki: Runtime, helsinki_stations: list[ChargingStationInfo]
) -> None:
    router = helsinki.router(helsinki.region("helsinki"))
    chargers = OsmChargers(helsinki_stations, router=router)
    everything = chargers.along_route_sync(ORIGIN, DESTINATION, filter=ChargerFilter(access="any"), max_detour_s=3600)
    bound = sorted(r.detour_s for r in everything if r.detour_s is not None)[len(everything) // 2]
    bounded = chargers.along_route_sync(ORIGIN, DESTINATION, filter=ChargerFilter(access="any"), max_detour_s=bound)
    assert bounded
    assert all(r.detour_s is not None and r.detour_s <= bound for r in bounded)
    assert len(bounded) < len(everything)
    ccs = chargers.along_route_sync(
        ORIGIN, DESTINATION, filter=ChargerFilter(connectors=("ccs",), require_known=True), max_detour_s=3600
    )
    assert {r.poi_id for r in ccs} == {"osm:node/1", "osm:node/6"}  # node/5 is private, node/4 CHAdeMO
    assert {r.poi_id: r.compatibility for r in ccs} == {"osm:node/1": "compatible", "osm:node/6": "compatible"}


def test_along_route_with_waypoints_picks_the_cheapest_leg(
    helsinki: Runtime, helsinki_stations: list[ChargingStationInfo]
) -> None:
    router = helsinki.router(helsinki.region("helsinki"))
    chargers = OsmChargers(helsinki_stations, router=router)
    waypoint = LatLon(60.1750, 24.9380)
    results = chargers.along_route_sync(ORIGIN, DESTINATION, [waypoint], ChargerFilter(access="any"), max_detour_s=3600)
    stops = [ORIGIN, waypoint, DESTINATION]
    assert {r.leg_index for r in results} == {0, 1}
    for result in results:
        assert result.leg_index in {0, 1}
        leg = result.leg_index or 0
        a, b = stops[leg], stops[leg + 1]
        direct = router.route_sync(a, b).duration_s
        via = router.route_sync(a, b, waypoints=[LatLon(result.lat, result.lon)]).duration_s
        assert result.detour_s == pytest.approx(via - direct, abs=1e-6)


def test_along_route_without_router_is_unavailable(helsinki_stations: list[ChargingStationInfo]) -> None:
    with pytest.raises(ToolUnavailable, match="router"):
        OsmChargers(helsinki_stations).along_route_sync(ORIGIN, DESTINATION)


def test_stations_off_the_region_are_left_out(helsinki: Runtime, helsinki_stations: list[ChargingStationInfo]) -> None:
    router = helsinki.router(helsinki.region("helsinki"))
    far = ChargingStationInfo(poi_id="osm:node/99", source="osm", lat=61.5, lon=23.8, sockets_known=False)
    chargers = OsmChargers([*helsinki_stations, far], router=router)
    results = chargers.along_route_sync(ORIGIN, DESTINATION, max_detour_s=10**6)
    assert "osm:node/99" not in {r.poi_id for r in results}
    assert results
