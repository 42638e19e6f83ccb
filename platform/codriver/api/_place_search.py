"""Type-ahead place search over a region's gazetteer: its catalogue places and streets by name.

One answer per place (a place found by several of its names counts once, by its best
name), best match first; among equally good matches the nearer one first when the caller
says where it is (the trip's start).
"""

from __future__ import annotations

from codriver.api._ports import PlaceHit
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.geocoding import Gazetteer

__all__ = ["search_places"]

_POOL = 4  # matches read per answer given: several names of one place collapse into one answer


def search_places(gazetteer: Gazetteer, text: str, *, near: LatLon | None, limit: int) -> list[PlaceHit]:
    """At most ``limit`` places and streets whose names match ``text``, best first (``distance_m`` from ``near``)."""
    hits: dict[str, PlaceHit] = {}
    for found in gazetteer.search(text, limit=limit * _POOL):
        key = found.place_id or f"street:{found.name.casefold()}"
        if key in hits:
            continue
        distance = haversine_m(near, LatLon(found.lat, found.lon)) if near is not None else None
        hits[key] = PlaceHit(
            name=found.name,
            kind=found.kind,
            poi_id=found.place_id,
            category=found.category,
            lat=found.lat,
            lon=found.lon,
            distance_m=round(distance) if distance is not None else None,
            score=found.score,
            matched=found.matched if found.matched != found.name else None,
        )
    ranked = sorted(hits.values(), key=lambda h: (-round(h.score, 2), h.distance_m or 0.0, h.name))
    return ranked[:limit]
