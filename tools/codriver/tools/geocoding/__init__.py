"""Geocoding: names to positions, offline from a region's gazetteer or online via Nominatim."""

from codriver.tools.geocoding._gazetteer import Gazetteer, GazetteerEntry, PlaceRecord
from codriver.tools.geocoding._geopy_httpx import HttpxAdapter
from codriver.tools.geocoding._localities import LOCALITY_PLACES, cached_locality_entries, locality_entries
from codriver.tools.geocoding._models import GeocodeKind, Geocoder, GeocodeResult
from codriver.tools.geocoding._nominatim import NominatimGeocoder
from codriver.tools.geocoding._ratelimit import RateLimiter
from codriver.tools.geocoding._regional import Bounds, RegionalGeocoder
from codriver.tools.geocoding._streets import cached_street_entries
from codriver.tools.geocoding._text import fold

__all__ = [
    "LOCALITY_PLACES",
    "Bounds",
    "Gazetteer",
    "GazetteerEntry",
    "GeocodeKind",
    "GeocodeResult",
    "Geocoder",
    "HttpxAdapter",
    "NominatimGeocoder",
    "PlaceRecord",
    "RateLimiter",
    "RegionalGeocoder",
    "cached_locality_entries",
    "cached_street_entries",
    "fold",
    "locality_entries",
]
