"""Regions: OSM extracts imported as a drive graph (cache file) and a place catalogue.

The catalogue's vocabulary loads with the package; the graph (networkx), the importer and
the summaries (SQLAlchemy, pyrosm) load on first use of one of their names, so that
``codriver pois --help`` need not wait for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codriver.lazy import lazy_exports
from codriver.regions.catalogue import CATEGORIES, CONNECTORS

if TYPE_CHECKING:
    from codriver.regions.graph import RoadGraph
    from codriver.regions.importer import (
        ATTRIBUTION,
        EMBEDDED_REGIONS,
        ImportResult,
        ensure_region,
        import_region,
        region_name_from_path,
    )
    from codriver.regions.summary import load_graph, region_summary

__all__ = [
    "ATTRIBUTION",
    "CATEGORIES",
    "CONNECTORS",
    "EMBEDDED_REGIONS",
    "ImportResult",
    "RoadGraph",
    "ensure_region",
    "import_region",
    "load_graph",
    "region_name_from_path",
    "region_summary",
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
        "load_graph": "summary",
        "region_summary": "summary",
    },
)
