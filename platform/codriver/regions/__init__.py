"""Regions: OSM extracts imported as a drive graph (cache file) and a place catalogue."""

from codriver.regions.catalogue import CATEGORIES, CONNECTORS
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
