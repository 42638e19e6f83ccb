"""Looking up imported regions and describing them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from codriver.errors import RegionNotFound
from codriver.regions.graph import RoadGraph
from codriver.settings import Settings
from codriver.store import Region, session_scope

__all__ = ["get_region", "list_regions", "load_graph", "region_summary"]


def list_regions(engine: Engine) -> list[Region]:
    """Every imported region, by name."""
    with session_scope(engine) as session:
        return list(session.exec(select(Region).order_by(Region.name)).all())


def get_region(engine: Engine, name: str) -> Region:
    """The imported region called ``name``; :class:`RegionNotFound` names the known ones."""
    with session_scope(engine) as session:
        region = session.exec(select(Region).where(Region.name == name)).first()
        if region is not None:
            return region
        known = [r.name for r in session.exec(select(Region).order_by(Region.name)).all()]
    listing = ", ".join(known) if known else "none imported yet"
    msg = f"unknown region {name!r} (known: {listing})"
    raise RegionNotFound(msg, field="region")


@lru_cache(maxsize=8)
def _load(path: Path, _mtime_ns: int) -> RoadGraph:
    return RoadGraph.load(path)


def load_graph(settings: Settings, region: Region) -> RoadGraph:
    """The region's drive graph, read once per process and file version."""
    path = settings.data_dir / region.graph_path
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        msg = f"the graph cache of region {region.name!r} is missing ({path}); re-import the region"
        raise RegionNotFound(msg, field="region") from exc
    return _load(path, mtime)


def region_summary(region: Region) -> dict[str, Any]:
    """What ``codriver region show --json`` prints for a region."""
    stats = region.stats or {}
    return {
        "name": region.name,
        "bbox": [region.min_lon, region.min_lat, region.max_lon, region.max_lat],
        "timezone": region.timezone,
        "source": region.source,
        "source_sha256": region.source_sha256,
        "attribution": region.attribution,
        "imported_at": region.imported_at.isoformat(),
        "graph": {"nodes": region.node_count, "edges": region.edge_count, "road_km": stats.get("road_km")},
        "places": {
            "total": region.place_count,
            "by_category": stats.get("categories", {}),
            "with_opening_hours": region.opening_hours_count,
            "opening_hours_status": stats.get("opening_hours", {}).get("status", {}),
        },
        "chargers": stats.get("chargers", {"total": region.charger_count}),
        "basemap": stats.get("basemap", {"status": "unavailable", "detail": "imported before basemaps were drawn"}),
    }
