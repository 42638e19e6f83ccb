"""Regions: OSM extracts imported as a drive graph (cache file), a walking network and a place catalogue.

The catalogue's vocabulary loads with the package; the graph (NumPy, SciPy), the importer, the
summaries and the stored catalogue's loaders (SQLAlchemy, pyrosm) load on first use of one
of their names, so that ``codriver pois --help`` need not wait for them. The loaders build
the tools (places, chargers, gazetteer, opening-hours report) from a region's rows: the
tools themselves never read the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codriver.lazy import lazy_exports
from codriver.regions.catalogue import CATEGORIES, CONNECTORS

if TYPE_CHECKING:
    from codriver.regions._walk import load_walk_router
    from codriver.regions.graph import RoadGraph
    from codriver.regions.importer import (
        ATTRIBUTION,
        EMBEDDED_REGIONS,
        ImportResult,
        ensure_region,
        import_region,
        region_name_from_path,
    )
    from codriver.regions.stored import (
        build_gazetteer,
        load_chargers,
        load_gazetteer,
        load_osm_stations,
        load_places,
        opening_hours_report,
        station_from_rows,
        store_refreshed_tags,
    )
    from codriver.regions.summary import load_graph, region_summary

__all__ = [
    "ATTRIBUTION",
    "CATEGORIES",
    "CONNECTORS",
    "EMBEDDED_REGIONS",
    "ImportResult",
    "RoadGraph",
    "build_gazetteer",
    "ensure_region",
    "import_region",
    "load_chargers",
    "load_gazetteer",
    "load_graph",
    "load_osm_stations",
    "load_places",
    "load_walk_router",
    "opening_hours_report",
    "region_name_from_path",
    "region_summary",
    "station_from_rows",
    "store_refreshed_tags",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "RoadGraph": "graph",
        "ATTRIBUTION": "importer",
        "EMBEDDED_REGIONS": "importer",
        "ImportResult": "importer",
        "ensure_region": "importer",
        "import_region": "importer",
        "region_name_from_path": "importer",
        "build_gazetteer": "stored",
        "load_chargers": "stored",
        "load_gazetteer": "stored",
        "load_osm_stations": "stored",
        "load_places": "stored",
        "opening_hours_report": "stored",
        "station_from_rows": "stored",
        "store_refreshed_tags": "stored",
        "load_walk_router": "_walk",
        "load_graph": "summary",
        "region_summary": "summary",
    },
)
