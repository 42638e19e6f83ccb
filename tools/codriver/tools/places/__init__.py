"""Places: the :class:`PlaceCatalog` protocol, the embedded catalogue and Overpass refreshes."""

from codriver.tools.places._embedded import EmbeddedPlaces, corridor_distances, default_corridor_m
from codriver.tools.places._index import PlaceEntry, PlaceIndex
from codriver.tools.places._models import (
    DIETS,
    PlaceCatalog,
    PlaceQuery,
    PlaceResult,
    make_query,
    normalise_cuisine,
)
from codriver.tools.places._overpass import OverpassPlaces, RefreshedTags, parse_poi_id
from codriver.tools.places._store import store_refreshed_tags

__all__ = [
    "DIETS",
    "EmbeddedPlaces",
    "OverpassPlaces",
    "PlaceCatalog",
    "PlaceEntry",
    "PlaceIndex",
    "PlaceQuery",
    "PlaceResult",
    "RefreshedTags",
    "corridor_distances",
    "default_corridor_m",
    "make_query",
    "normalise_cuisine",
    "parse_poi_id",
    "store_refreshed_tags",
]
