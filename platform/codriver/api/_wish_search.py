"""Answers to "find sushi near the cathedral tomorrow at noon": catalogue places for what was said, when it was said.

The words are read by the agents' understanding (cuisine, kind of place, diet, day and time,
a named place as the centre); the places come from the catalogue, open at the time the
traveller means (the time said, else the trip's own departure when it lies ahead, else now).
A cuisine or kind of place the region has none of is said by name, never answered with
something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from codriver.agents import Understanding
from codriver.api._engine_planner import planned_position
from codriver.api._ports import AssistantContext
from codriver.tools.geo import LatLon
from codriver.tools.places import EmbeddedPlaces, PlaceResult, make_query

__all__ = ["WishAnswer", "search_wish"]

_FOOD = ["restaurant", "fast_food", "cafe"]
_RADIUS_M = 3000.0


@dataclass(frozen=True)
class WishAnswer:
    """The places found (best first) and the sentence that answers the traveller."""

    places: list[PlaceResult]
    reply: str


def _when(understanding: Understanding, context: AssistantContext) -> datetime:
    """The time the traveller means: said in the words, else the trip's departure ahead, else now."""
    stated = understanding.stated
    now = context.now
    if "depart_at" in stated:
        return datetime.fromisoformat(stated["depart_at"])
    if "date" in stated:
        day = datetime.fromisoformat(stated["date"]).date()
        return datetime.combine(day, time(12, 0), now.tzinfo) if day != now.date() else now
    request = context.request
    if request is not None and request.depart_at > now:
        meals = [m for m in request.meals if stated.get("cuisine") or stated.get("meals")]
        if meals:
            return datetime.combine(request.depart_at.date(), meals[0].earliest, request.depart_at.tzinfo)
        return request.depart_at
    return now


def _centre(understanding: Understanding, context: AssistantContext, places: EmbeddedPlaces) -> LatLon | None:
    """Where to look: a place named in the words, else the car, else where the plan puts the car now, else the start.

    None only when the trip has none of these: then the whole region is searched.
    """
    for ref in understanding.stated.get("must_visit", [])[:1]:
        return LatLon(places.get_sync(ref).lat, places.get_sync(ref).lon)
    car = context.car or {}
    if "lat" in car and "lon" in car:
        return LatLon(float(car["lat"]), float(car["lon"]))
    if context.itinerary is not None and context.itinerary.stops:
        return planned_position(context.itinerary, context.now)
    origin = context.request.origin if context.request is not None else context.origin
    if origin is not None and origin.lat is not None and origin.lon is not None:
        return LatLon(origin.lat, origin.lon)
    if origin is not None and origin.place_id is not None:
        found = places.get_sync(origin.place_id)
        return LatLon(found.lat, found.lon)
    return None


def search_wish(
    understanding: Understanding, context: AssistantContext, places: EmbeddedPlaces, *, limit: int = 3
) -> WishAnswer | None:
    """Places for a wish that names a cuisine or a kind of place; None when it names neither."""
    stated = understanding.stated
    wishes = stated.get("cuisine", [])
    kinds = [k for k in stated.get("interests", {}) if k not in set(stated.get("avoid_categories", []))]
    if not wishes and not kinds:
        return None
    missing = [n for n in understanding.not_understood if n.reason.startswith("no ")]
    cuisines = sorted({v for w in wishes for v in w["values"]})
    if wishes and missing and len(missing) >= len(wishes) and not kinds:
        return WishAnswer([], "; ".join(f"{n.reason[0].upper()}{n.reason[1:]}" for n in missing) + ".")
    at = _when(understanding, context)
    diets = sorted(set(stated.get("diet", [])) | set(context.request.diet if context.request else []))
    near = _centre(understanding, context, places)
    query = make_query(
        categories=kinds if not wishes else sorted({*kinds, *_FOOD}),
        cuisine=cuisines,
        diets=diets,
        open_at=at,
        near=near,
        radius_m=_RADIUS_M if near is not None else None,
        limit=limit,
    )
    found = places.search_sync(query)
    said = " or ".join(w["said"] for w in wishes) or ", ".join(k.replace("_", " ") for k in kinds)
    when = at.strftime("%a %d %b %H:%M")
    if not found:
        within = f" within {_RADIUS_M / 1000:g} km" if near is not None else " in this region"
        return WishAnswer([], f"No place for {said} is open at {when}{within}.")
    lines = [f"Open at {when} for {said}:"]
    for i, place in enumerate(found, 1):
        facts = [place.category.replace("_", " ")]
        if place.cuisine:
            facts.append(", ".join(c.replace("_", " ") for c in place.cuisine[:3]))
        if place.hours.open_until is not None:
            facts.append(f"open until {place.hours.open_until:%H:%M}")
        if place.distance_m is not None:
            facts.append(f"{place.distance_m / 1000:.1f} km away")
        lines.append(f"{i}. {place.name or place.poi_id} ({'; '.join(facts)}) [{place.poi_id}]")
    return WishAnswer(found, "\n".join(lines))
