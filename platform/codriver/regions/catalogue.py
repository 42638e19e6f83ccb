"""From raw OSM tags to catalogue entries: normalised category, cuisine, diets, chargers.

Pure functions over tag dictionaries, so they are tested without any file. A feature that
maps to no category of ours is left out of the catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import opening_hours

from codriver.tools.places import CATEGORIES, CONNECTORS, OSM_CATEGORIES, OSM_SOCKETS

__all__ = [
    "CATEGORIES",
    "CONNECTORS",
    "ChargerRecord",
    "PlaceRecord",
    "catalogue_id",
    "classify",
    "opening_hours_status",
    "parse_charger",
    "parse_place",
]

# Keys looked at, in priority order: amenity wins over tourism, and so on.
_KEYS = ("amenity", "tourism", "leisure", "shop", "natural", "historic", "place")
_HISTORIC = {
    "monument",
    "memorial",
    "castle",
    "ruins",
    "fort",
    "archaeological_site",
    "church",
    "manor",
    "building",
    "city_gate",
    "ship",
    "tower",
    "wreck",
    "palace",
}
# Useful without a name: a driver looks for "a toilet", not "the toilet called ...".
_UNNAMED_OK = {"toilets", "parking", "fuel", "charging_station", "viewpoint", "playground", "beach"}

_DIETS = ("vegan", "vegetarian", "halal", "kosher", "gluten_free", "lactose_free")
_ZONE_WORD = re.compile(r'"[^"]*"')


@dataclass(frozen=True)
class PlaceRecord:
    """One catalogue entry, before it is stored."""

    place_id: str
    name: str | None
    category: str
    subcategory: str | None
    lat: float
    lon: float
    cuisine: list[str] = field(default_factory=list)
    diets: dict[str, str] = field(default_factory=dict)
    price_level: int | None = None
    fee: bool | None = None
    charge: str | None = None
    wheelchair: str | None = None
    opening_hours: str | None = None
    opening_hours_status: str = "missing"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChargerRecord:
    """Charging details of a charging-station place."""

    place_id: str
    sockets: dict[str, dict[str, Any]]
    sockets_known: bool
    max_power_kw: float | None
    capacity: int | None
    operator: str | None
    network: str | None
    fee: bool | None
    access: str | None


def catalogue_id(osm_type: str, osm_id: int) -> str:
    """The stable catalogue ID of an OSM element, e.g. ``osm:node/123``."""
    if osm_type not in {"node", "way", "relation"}:
        msg = f"unknown OSM element type {osm_type!r}"
        raise ValueError(msg)
    return f"osm:{osm_type}/{int(osm_id)}"


def classify(tags: dict[str, str]) -> tuple[str, str | None] | None:
    """(category, subcategory) of a feature, or None when it is not a place we list."""
    for key in _KEYS:
        value = tags.get(key)
        if not value:
            continue
        rule = OSM_CATEGORIES.get((key, value))
        if rule is not None:
            category, sub = rule
            return category, sub if sub is not None else (value if category != value else None)
        if key == "historic" and value in _HISTORIC:
            return "historic", value
    return None


def _yes_no(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in {"yes", "true", "1"}:
        return True
    if lowered in {"no", "false", "0", "free"}:
        return False
    return None


def opening_hours_status(raw: str | None) -> str:
    """``missing``, ``invalid``, ``comment_only`` (nothing but a quoted comment) or ``ok``."""
    if raw is None or not raw.strip():
        return "missing"
    if not opening_hours.validate(raw):
        return "invalid"
    if not re.sub(r"[\s;|,]", "", _ZONE_WORD.sub("", raw)):
        return "comment_only"
    return "ok"


def _price_level(tags: dict[str, str]) -> int | None:
    stars = tags.get("stars", "").strip().rstrip("S")
    if stars.isdigit():
        return max(1, min(4, int(stars) - 1))
    level = tags.get("price_level") or tags.get("price:level")
    if level and level.isdigit():
        return max(1, min(4, int(level)))
    if level and set(level) <= {"$", "€", "£"}:
        return max(1, min(4, len(level)))
    return None


def parse_place(osm_type: str, osm_id: int, lat: float, lon: float, tags: dict[str, str]) -> PlaceRecord | None:
    """The catalogue entry for an OSM feature, or None when it is not listable."""
    kind = classify(tags)
    if kind is None:
        return None
    category, sub = kind
    name = (tags.get("name") or "").strip() or None
    if name is None and category not in _UNNAMED_OK:
        return None
    cuisine = [c.strip().lower().replace(" ", "_") for c in tags.get("cuisine", "").split(";") if c.strip()]
    diets = {d: tags[f"diet:{d}"].strip().lower() for d in _DIETS if tags.get(f"diet:{d}")}
    raw_hours = tags.get("opening_hours")
    return PlaceRecord(
        place_id=catalogue_id(osm_type, osm_id),
        name=name,
        category=category,
        subcategory=sub,
        lat=float(lat),
        lon=float(lon),
        cuisine=cuisine,
        diets=diets,
        price_level=_price_level(tags),
        fee=_yes_no(tags.get("fee")),
        charge=tags.get("charge"),
        wheelchair=tags.get("wheelchair"),
        opening_hours=raw_hours,
        opening_hours_status=opening_hours_status(raw_hours),
        tags=dict(tags),
    )


_POWER = re.compile(r"(\d+(?:[.,]\d+)?)\s*(kw|kva|w|va)?", re.IGNORECASE)


def _power_kw(value: str | None) -> float | None:
    """The largest power in a tag such as ``22 kW``, ``3.7 kW;22 kW`` or ``50000 W``."""
    if not value:
        return None
    best: float | None = None
    for number, unit in _POWER.findall(value):
        kw = float(number.replace(",", "."))
        if unit.lower() in {"w", "va"} or (not unit and kw > 1000):
            kw /= 1000
        if 0 < kw <= 1000:
            best = kw if best is None else max(best, kw)
    return best


def _count(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() else None


def parse_charger(place_id: str, tags: dict[str, str]) -> ChargerRecord:
    """Sockets, power and operator of a charging station; unknown stays unknown."""
    sockets: dict[str, dict[str, Any]] = {}
    for key, value in tags.items():
        if not key.startswith("socket:") or key.count(":") != 1:
            continue
        raw = key.split(":", 1)[1]
        connector = OSM_SOCKETS.get(raw, "other")
        if value.strip().lower() in {"no", "0"}:
            continue
        entry = sockets.setdefault(connector, {"count": 0, "power_kw": None})
        count = _count(value)
        entry["count"] = (entry["count"] or 0) + (count if count is not None else 1)
        power = _power_kw(tags.get(f"socket:{raw}:output"))
        if power is not None:
            entry["power_kw"] = max(power, entry["power_kw"] or 0.0)
    station_power = _power_kw(tags.get("charging_station:output")) or _power_kw(tags.get("maxpower"))
    powers = [s["power_kw"] for s in sockets.values() if s["power_kw"] is not None]
    max_power = max(powers) if powers else station_power
    return ChargerRecord(
        place_id=place_id,
        sockets=sockets,
        sockets_known=bool(sockets),
        max_power_kw=max_power,
        capacity=_count(tags.get("capacity")),
        operator=tags.get("operator"),
        network=tags.get("network") or tags.get("brand"),
        fee=_yes_no(tags.get("fee")),
        access=tags.get("access"),
    )
