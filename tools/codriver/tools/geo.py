"""Coordinates and distances shared by every tool (WGS84, metres)."""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from codriver.errors import InputError

__all__ = ["EARTH_RADIUS_M", "LatLon", "haversine_m", "parse_latlon"]

EARTH_RADIUS_M = 6_371_008.8
_PAIR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


class LatLon(NamedTuple):
    """A WGS84 position in decimal degrees."""

    lat: float
    lon: float


def haversine_m(a: LatLon, b: LatLon) -> float:
    """Great-circle distance in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def parse_latlon(text: str) -> LatLon | None:
    """``"60.17,24.94"`` -> LatLon; None when the text is not a coordinate pair.

    A pair outside the valid range is an :class:`InputError`, not a place name.
    """
    match = _PAIR.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        msg = f"coordinates {text!r} are out of range (latitude -90..90, longitude -180..180)"
        raise InputError(msg)
    return LatLon(lat, lon)
