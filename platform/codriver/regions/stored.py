"""A region's stored catalogue as the tools' plain records, and refreshed tags written back.

The tools (``codriver.tools``) know nothing of the database: the embedded place catalogue,
the OSM charging stations, the gazetteer and the opening-hours report are built here from
the rows of one imported region, and refreshed OSM tags (Overpass) are stored here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from codriver.errors import PlaceNotFound
from codriver.regions.catalogue import opening_hours_status, parse_place
from codriver.store import ChargingStation, Place, Region, session_scope
from codriver.tools.charging import ChargingStationInfo, ConnectorInfo, OsmChargers
from codriver.tools.geocoding import Gazetteer, cached_locality_entries, cached_street_entries
from codriver.tools.opening_hours import HoursReport
from codriver.tools.opening_hours import opening_hours_report as hours_report
from codriver.tools.places import EmbeddedPlaces, PlaceEntry, parse_poi_id
from codriver.tools.routing import GraphRouter, RoadGraph

__all__ = [
    "build_gazetteer",
    "load_chargers",
    "load_gazetteer",
    "load_osm_stations",
    "load_places",
    "localities_file_for",
    "opening_hours_report",
    "station_from_rows",
    "store_refreshed_tags",
    "streets_file_for",
]


def _entry(place: Place) -> PlaceEntry:
    return PlaceEntry(
        poi_id=place.place_id,
        name=place.name,
        category=place.category,
        subcategory=place.subcategory,
        lat=place.lat,
        lon=place.lon,
        cuisine=tuple(place.cuisine or ()),
        diets=dict(place.diets or {}),
        price_level=place.price_level,
        fee=place.fee,
        wheelchair=place.wheelchair,
        opening_hours=place.opening_hours,
    )


def load_places(
    engine: Engine,
    region: Region,
    *,
    router: GraphRouter | None = None,
    clock: Callable[[], datetime] | None = None,
) -> EmbeddedPlaces:
    """The region's places read from the database once and indexed (``clock``: the tool's "now")."""
    with session_scope(engine) as session:
        places = session.exec(select(Place).where(Place.region_id == region.id).order_by(col(Place.place_id))).all()
        entries = [_entry(place) for place in places]
    if clock is None:
        return EmbeddedPlaces(entries, region=region.name, timezone=region.timezone, router=router)
    return EmbeddedPlaces(entries, region=region.name, timezone=region.timezone, router=router, clock=clock)


def station_from_rows(charger: ChargingStation, place: Place) -> ChargingStationInfo:
    """A stored charger and its catalogue place as one station (``sockets`` as normalised at import)."""
    connectors = tuple(
        ConnectorInfo(
            connector=name,
            count=int(socket.get("count") or 0),
            power_kw=_positive(socket.get("power_kw")),
        )
        for name, socket in sorted(charger.sockets.items())
    )
    return ChargingStationInfo(
        poi_id=place.place_id,
        source="osm",
        name=place.name,
        lat=place.lat,
        lon=place.lon,
        operator=charger.operator,
        network=charger.network,
        connectors=connectors,
        sockets_known=charger.sockets_known,
        max_power_kw=_positive(charger.max_power_kw),
        capacity=charger.capacity,
        fee=charger.fee if charger.fee is not None else place.fee,
        usage_cost=place.charge,
        access=charger.access,
        operational=None,
    )


def _positive(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


def load_osm_stations(engine: Engine, region: Region) -> list[ChargingStationInfo]:
    """Every charging station of ``region``, by catalogue ID."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(ChargingStation, Place)
            .where(ChargingStation.region_id == region.id, Place.region_id == region.id)
            .where(Place.place_id == ChargingStation.place_id)
            .order_by(Place.place_id)
        ).all()
    return [station_from_rows(charger, place) for charger, place in rows]


def load_chargers(engine: Engine, region: Region, *, router: GraphRouter | None = None) -> OsmChargers:
    """The region's charging stations as imported from OSM (``router``: for searches along a route)."""
    return OsmChargers(load_osm_stations(engine, region), router=router)


def build_gazetteer(engine: Engine, region: Region, graph: RoadGraph) -> Gazetteer:
    """The region's gazetteer, built anew: its stored places and the streets of ``graph``."""
    with session_scope(engine) as session:
        places = session.exec(select(Place).where(Place.region_id == region.id)).all()
        return Gazetteer.of_region(places, graph, region=region.name)


def streets_file_for(graph_cache: Path) -> Path:
    """The file keeping a drive graph's street names for the gazetteer (same folder, same suffix)."""
    return graph_cache.with_name("streets-" + graph_cache.stem.removeprefix("graph-") + ".npz")


def localities_file_for(graph_cache: Path) -> Path:
    """The file keeping the extract's town and district names for the gazetteer (same folder, same suffix)."""
    return graph_cache.with_name("localities-" + graph_cache.stem.removeprefix("graph-") + ".json")


@lru_cache(maxsize=8)
def _cached(
    engine: Engine,
    region_id: int,
    region_name: str,
    _imported_at: datetime,
    _graph_path: str,
    graph: RoadGraph,
    graph_file: Path | None,
    *,
    source: str,
) -> Gazetteer:
    with session_scope(engine) as session:
        places = session.exec(select(Place).where(Place.region_id == region_id)).all()
        streets = None
        localities = []
        if graph_file is not None and graph_file.is_file():
            streets = cached_street_entries(graph, graph_file, streets_file_for(graph_file))
            localities = cached_locality_entries(Path(source), localities_file_for(graph_file))
        return Gazetteer.of_region(places, graph, region=region_name, streets=streets, localities=localities)


def load_gazetteer(engine: Engine, region: Region, graph: RoadGraph, *, data_dir: Path | None = None) -> Gazetteer:
    """The region's gazetteer (its places and the streets of ``graph``), built once per process, engine and import.

    With ``data_dir`` (where the region's graph cache is), the streets are kept in a file
    beside the graph cache (:func:`streets_file_for`) and read from it by later processes; so
    are the extract's towns and districts (:func:`localities_file_for`), read from the
    region's source file.
    """
    assert region.id is not None
    graph_file = None if data_dir is None else data_dir / region.graph_path
    return _cached(
        engine, region.id, region.name, region.imported_at, region.graph_path, graph, graph_file, source=region.source
    )


def opening_hours_report(engine: Engine, region: Region) -> HoursReport:
    """Parsed share of the region's opening_hours tags and every string that fails.

    Failures are grouped by string, each with the catalogue IDs that carry it, sorted by
    string; statuses are those stored per place (``Place.opening_hours_status``).
    """
    with session_scope(engine) as session:
        rows = session.exec(
            select(Place.place_id, Place.opening_hours, Place.opening_hours_status)
            .where(Place.region_id == region.id)
            .order_by(col(Place.place_id))
        ).all()
    return hours_report(region.name, rows)


def store_refreshed_tags(engine: Engine, *, region: Region, poi_id: str, tags: Mapping[str, str]) -> Place:
    """Replace the tags of ``poi_id`` in ``region`` and everything derived from them.

    In one transaction: the tags, the opening_hours string and its parse status, the
    catalogue attributes (name, category, cuisine, diets, price, fee, wheelchair) when
    the new tags still describe a place we list (otherwise those are left as they were),
    and the region's opening-hours statistics. Position is kept. Returns the stored row.
    """
    osm_type, osm_id = parse_poi_id(poi_id)
    tags = dict(tags)
    with session_scope(engine) as session:
        place = session.exec(select(Place).where(Place.region_id == region.id, Place.place_id == poi_id)).first()
        if place is None:
            msg = f"no place {poi_id!r} in region {region.name!r}"
            raise PlaceNotFound(msg, field="poi_id")
        place.tags = tags
        place.opening_hours = tags.get("opening_hours")
        place.opening_hours_status = opening_hours_status(place.opening_hours)
        record = parse_place(osm_type, osm_id, place.lat, place.lon, tags)
        if record is not None:
            place.name = record.name
            place.category = record.category
            place.subcategory = record.subcategory
            place.cuisine = record.cuisine
            place.diets = record.diets
            place.price_level = record.price_level
            place.fee = record.fee
            place.charge = record.charge
            place.wheelchair = record.wheelchair
        session.add(place)
        session.flush()
        rows = session.exec(
            select(Place.opening_hours, Place.opening_hours_status).where(Place.region_id == region.id)
        ).all()
        stored = session.get(Region, region.id)
        if stored is not None:
            status = Counter(s for _, s in rows)
            failures = sorted({raw for raw, s in rows if s == "invalid" and raw})
            stored.stats = {
                **(stored.stats or {}),
                "opening_hours": {"status": dict(sorted(status.items())), "failures": failures},
            }
            stored.opening_hours_count = sum(n for s, n in status.items() if s != "missing")
            session.add(stored)
    return place
