"""Writing refreshed OSM tags of one place back to the catalogue, in one transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from sqlalchemy import Engine
from sqlmodel import select

from codriver.errors import PlaceNotFound
from codriver.regions.catalogue import opening_hours_status, parse_place
from codriver.store import Place, Region, session_scope
from codriver.tools.places._overpass import parse_poi_id

__all__ = ["store_refreshed_tags"]


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
