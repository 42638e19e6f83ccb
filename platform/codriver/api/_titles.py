"""A trip's title from what was asked and planned: "Museums and a park, Sun 13 Dec".

The title names what the day is about, in this order: the must-see places by name, the
kinds of the other visits (plural when there are several), the meals (with the diet), or
else where the trip goes; then the day, in the trip's time zone. Charging and fuel stops
are not what a day is about, so they never name it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from codriver.planning import Itinerary, TripRequest

__all__ = ["MAX_TITLE", "trip_title"]

MAX_TITLE = 120
_MAX_ITEMS = 3
#: category -> (one, several); the rest read "a <category>" / "<category>s".
_NOUNS: dict[str, tuple[str, str]] = {
    "artwork": ("public art", "public art"),
    "attraction": ("an attraction", "attractions"),
    "bar": ("a bar", "bars"),
    "beach": ("a beach", "beaches"),
    "cafe": ("a café", "cafés"),
    "entertainment": ("a show", "shows"),
    "fast_food": ("a snack", "snacks"),
    "gallery": ("a gallery", "galleries"),
    "historic": ("a historic site", "historic sites"),
    "library": ("a library", "libraries"),
    "museum": ("a museum", "museums"),
    "park": ("a park", "parks"),
    "place_of_worship": ("a church", "churches"),
    "playground": ("a playground", "playgrounds"),
    "restaurant": ("a restaurant", "restaurants"),
    "square": ("a square", "squares"),
    "supermarket": ("shopping", "shopping"),
    "viewpoint": ("a viewpoint", "viewpoints"),
}
_ERRANDS = frozenset({"charging_station", "fuel", "parking", "toilets"})


def _noun(category: str, count: int) -> str:
    one, several = _NOUNS.get(category, ("", ""))
    if not one:
        word = category.replace("_", " ")
        one = f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"
        several = f"{word}s"
    return one if count == 1 else several


def _join(items: list[str]) -> str:
    if len(items) > _MAX_ITEMS:
        items = [*items[: _MAX_ITEMS - 1], "more"]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _day(moment: datetime, zone: str | None) -> str:
    local = moment
    if zone:
        try:
            local = moment.astimezone(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            local = moment
    return f"{local:%a} {local.day} {local:%b}"


def _what(request: TripRequest, itinerary: Itinerary | None) -> list[str]:
    stops = itinerary.stops if itinerary is not None else []
    wanted = {m.strip().casefold() for m in request.must_visit}
    named: list[str] = []
    kinds: Counter[str] = Counter()
    for stop in stops:
        if stop.kind != "visit":
            continue
        if {(stop.poi_id or "").casefold(), stop.name.casefold()} & wanted:
            named.append(stop.name)
        elif stop.category and stop.category not in _ERRANDS:
            kinds[stop.category] += 1
    if not stops:  # not planned (yet): the names asked for, then the interests
        named = [m for m in request.must_visit if not m.startswith("osm:")]
        kinds = Counter({c: 1 for c, weight in sorted(request.interests.items(), key=lambda i: -i[1]) if weight > 0})
    items = [*named, *(_noun(c, n) for c, n in kinds.items())]
    planned_meals = {s.meal for s in stops if s.kind == "meal" and s.meal}
    diet = request.diet[0].replace("_", "-") if len(request.diet) == 1 else ""
    items.extend(f"{diet} {w.meal}".strip() for w in request.meals if not stops or w.meal in planned_meals)
    return items


def trip_title(request: TripRequest, itinerary: Itinerary | None = None) -> str:
    """A short title for a trip (at most :data:`MAX_TITLE` characters), e.g. "Museums and a park, Sun 13 Dec"."""
    items = _what(request, itinerary)
    if items:
        what = _join(items)
    elif request.destination is not None and request.destination.name:
        what = f"Drive to {request.destination.name}"
    else:
        what = "Day out"
    what = what[:1].upper() + what[1:]
    zone = itinerary.timezone if itinerary is not None else None
    day = _day(request.depart_at, zone)
    room = MAX_TITLE - len(day) - 2
    if len(what) > room:
        what = what[: room - 1].rstrip(" ,") + "…"
    return f"{what}, {day}"
