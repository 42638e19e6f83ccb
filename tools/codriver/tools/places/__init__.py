"""Places: the :class:`PlaceCatalog` protocol, the embedded catalogue and Overpass refreshes.

Providers of the protocol: :class:`EmbeddedPlaces` (the region's imported catalogue) and
:class:`RefreshingPlaces` (its searches, with a place looked up by ID refreshed from
Overpass: OSM's current name and opening hours).

The vocabulary (:data:`CATEGORIES`, :data:`CONNECTORS`, :data:`DIETS` and the OSM tags that
map onto them) loads with the package; the models (pydantic), the embedded catalogue
(NumPy, SciPy) and the Overpass adapter load on first use of one of their names, so that
``codriver --help`` need not wait for them. Reading a region's places from the database is
``codriver.regions``' job (:func:`codriver.regions.load_places`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codriver.lazy import lazy_exports
from codriver.tools.places._vocabulary import CATEGORIES, CONNECTORS, DIETS, OSM_CATEGORIES, OSM_SOCKETS

if TYPE_CHECKING:
    from codriver.tools.places._embedded import EmbeddedPlaces, corridor_distances, default_corridor_m
    from codriver.tools.places._index import PlaceEntry, PlaceIndex
    from codriver.tools.places._models import PlaceCatalog, PlaceQuery, PlaceResult, make_query, normalise_cuisine
    from codriver.tools.places._overpass import OverpassPlaces, RefreshedTags, parse_poi_id
    from codriver.tools.places._refreshing import RefreshingPlaces

__all__ = [
    "CATEGORIES",
    "CONNECTORS",
    "DIETS",
    "OSM_CATEGORIES",
    "OSM_SOCKETS",
    "EmbeddedPlaces",
    "OverpassPlaces",
    "PlaceCatalog",
    "PlaceEntry",
    "PlaceIndex",
    "PlaceQuery",
    "PlaceResult",
    "RefreshedTags",
    "RefreshingPlaces",
    "corridor_distances",
    "default_corridor_m",
    "make_query",
    "normalise_cuisine",
    "parse_poi_id",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "EmbeddedPlaces": "_embedded",
        "corridor_distances": "_embedded",
        "default_corridor_m": "_embedded",
        "PlaceEntry": "_index",
        "PlaceIndex": "_index",
        "OverpassPlaces": "_overpass",
        "RefreshedTags": "_overpass",
        "parse_poi_id": "_overpass",
        "RefreshingPlaces": "_refreshing",
        "PlaceCatalog": "_models",
        "PlaceQuery": "_models",
        "PlaceResult": "_models",
        "make_query": "_models",
        "normalise_cuisine": "_models",
    },
)
