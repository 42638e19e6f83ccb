"""The walking network of a region: footways, paths, pedestrian streets and ordinary streets, both ways.

Built at import from the same extract as the drive graph, streamed the same way (pyosmium,
:mod:`codriver.regions._roads`) through pyrosm's ``walking`` filter (osmnx's ``walk``: no
motorways, cycleways or ways closed to pedestrians; sidewalks mapped as their own ways are
walked on, the street beside them is not counted twice). Every way is walkable in both
directions, whatever its ``oneway``. Connected parts of fewer than :data:`_MIN_PART_NODES`
nodes (a stray footway) are left out, but for the largest; the others are all kept (the towns of a region
joined only by motorways are parts of their own). It is stored as a
:class:`~codriver.tools.routing.RoadGraph` beside the drive graph's cache
(``walk-<same suffix>.npz``), so it loads as fast; :class:`~codriver.tools.routing.WalkRouter`
walks on it. Edge ``travel_time_s`` is the edge's length at :data:`WALK_REFERENCE_M_PER_S`
(planners scale it to the party's pace); the ways' names are not kept (nothing asks a walk
for them, and they are most of the file).

A region imported before the walking network existed has no such file; it is built from
the region's source extract on first use when that file is still there, and otherwise the
region plans as before (every stop driven to).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from codriver.errors import DataError
from codriver.regions._roads import AREA, CLOSED, NOT_A_WAY, listed, read_ways
from codriver.regions.graph import way_segments
from codriver.settings import Settings
from codriver.store import Region
from codriver.tools.routing import RoadGraph, WalkRouter

__all__ = [
    "WALK_REFERENCE_M_PER_S",
    "build_walk_network",
    "load_walk_router",
    "walk_file_for",
    "walkable",
    "write_walk_network",
]

logger = logging.getLogger(__name__)

#: The pace the stored travel times assume (about 4.7 km/h); planners use metres and their own pace.
WALK_REFERENCE_M_PER_S = 1.3


def walk_file_for(graph_cache: Path) -> Path:
    """The walking network's file that belongs to a drive graph's cache (same folder, same suffix)."""
    return graph_cache.with_name("walk-" + graph_cache.stem.removeprefix("graph-") + ".npz")


#: Connected parts of the walking network with fewer nodes are left out (a footway on its own).
_MIN_PART_NODES = 50
_NOT_WALKED = NOT_A_WAY | frozenset(
    {
        # not for people on foot
        "bus_guideway",
        "cycleway",
        "motor",
        "motorway",
        "motorway_link",
    }
)
_PRIVATE = frozenset({"private"})
_SEPARATE = frozenset({"separate"})
_SIDEWALK_KEYS = ("sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right")


def walkable(tags: Any) -> bool:
    """Whether a way with a ``highway`` tag is walked: pyrosm's ``walking`` filter (osmnx's ``walk``).

    Left out: areas; highways that are not ways for people on foot (motorways, cycleways,
    bus guideways) or not ways at all (under construction, proposed, platforms, ...); ways
    the most specific of ``foot`` / ``access`` closes (``no``, ``private``); private service
    roads; streets whose sidewalks are mapped as ways of their own (walked there instead).
    """
    if listed(tags.get("area") or "", AREA) or listed(tags.get("highway") or "", _NOT_WALKED):
        return False
    for key in ("foot", "access"):
        value = tags.get(key)
        if value is not None:
            if listed(value, CLOSED):
                return False
            break
    if listed(tags.get("service") or "", _PRIVATE):
        return False
    return not any(listed(tags.get(key) or "", _SEPARATE) for key in _SIDEWALK_KEYS)


def _both_ways(_tags: Any) -> int:
    return 0


def build_walk_network(path: Path) -> RoadGraph:
    """The walking network of the OSM extract at ``path`` (raises :class:`DataError` when it has none).

    The ways are streamed as the drive graph's are (:func:`codriver.regions._roads.read_ways`,
    memory growing with the network, not the extract); a clipped way runs through the nodes
    the extract has; every way gets an edge in each direction; connected parts of fewer than
    :data:`_MIN_PART_NODES` nodes are left out, but for the largest.
    """
    try:
        ways = read_ways(path, keep=walkable, one_way=_both_ways)
    except (RuntimeError, OSError) as exc:
        msg = f"cannot read walkable ways from {path}: {exc}"
        raise DataError(msg) from exc
    try:
        segments = way_segments(ways)
    except DataError as exc:
        msg = f"{path} has no walkable ways inside it"
        raise DataError(msg) from exc
    osmid, lon, lat = segments.node_osmid, segments.lon, segments.lat
    u, v = segments.u.astype(np.int64), segments.v.astype(np.int64)
    length = segments.length
    way = ways.way_id[segments.way]
    highway = np.array(ways.highways or [""], dtype=np.str_)[ways.highway[segments.way]]
    name = np.zeros(len(u), dtype="<U1")  # not kept: see the module's docstring
    # every edge is walkable both ways, so weak connection is enough
    n = len(osmid)
    adjacency = coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, label = connected_components(adjacency, directed=True, connection="weak")
    sizes = np.bincount(label)
    keep_edge = (sizes[label[u]] >= _MIN_PART_NODES) | (label[u] == sizes.argmax())  # the largest always
    used = np.unique(np.concatenate((u[keep_edge], v[keep_edge])))
    new_index = np.full(n, -1, dtype=np.int64)
    new_index[used] = np.arange(len(used))
    u, v = new_index[u[keep_edge]], new_index[v[keep_edge]]
    length, way, highway, name = length[keep_edge], way[keep_edge], highway[keep_edge], name[keep_edge]
    both_u, both_v = np.concatenate((u, v)), np.concatenate((v, u))
    edge_order = np.lexsort((both_v, both_u))
    twice = np.concatenate((np.arange(len(u)), np.arange(len(u))))[edge_order]
    return RoadGraph(
        node_osmid=osmid[used],
        lon=lon[used],
        lat=lat[used],
        edge_u=both_u[edge_order],
        edge_v=both_v[edge_order],
        length_m=length[twice],
        travel_time_s=length[twice] / WALK_REFERENCE_M_PER_S,
        speed_kph=np.full(len(twice), WALK_REFERENCE_M_PER_S * 3.6),
        way_id=way[twice],
        highway=highway[twice],
        name=name[twice],
    )


def write_walk_network(path: Path, graph_cache: Path) -> dict[str, Any]:
    """Build the walking network of ``path`` and write it beside ``graph_cache``; what was built.

    Never fails the import: a region without walkable ways plans as before, and the
    answer's ``status`` says why (``{"status": "none", "detail": ...}``).
    """
    target = walk_file_for(graph_cache)
    try:
        graph = build_walk_network(path)
    except DataError as exc:
        logger.warning("no walking network for %s: %s (stops will all be driven to)", path, exc)
        return {"status": "none", "detail": str(exc)}
    graph.save(target)
    return {
        "status": "ok",
        "nodes": graph.node_count,
        "edges": graph.edge_count // 2,
        "km": round(float(graph.length_m.sum()) / 2000, 3),
    }


@lru_cache(maxsize=8)
def _built_lazily(source: Path, graph_cache: Path) -> bool:
    """Build the walking network of a region imported before it existed (tried once per process)."""
    return bool(write_walk_network(source, graph_cache)["status"] == "ok")


@lru_cache(maxsize=8)
def _router(path: Path, _mtime_ns: int) -> WalkRouter:
    graph = RoadGraph.load(path)
    if graph.edge_count == 0:  # written by a build that kept no part of a small extract
        msg = f"the walking network {path} has no ways; re-import the region"
        raise DataError(msg)
    return WalkRouter(graph)


def load_walk_router(settings: Settings, region: Region) -> WalkRouter | None:
    """A router over the region's walking network, built once per process and file version.

    None when the region has none: imported before walking networks were built and its
    source extract is gone, or an extract without walkable ways.
    """
    path = walk_file_for(settings.data_dir / region.graph_path)
    if not path.is_file():
        source = Path(region.source)
        if not source.is_file() or not (settings.data_dir / region.graph_path).is_file():
            return None
        if not _built_lazily(source, settings.data_dir / region.graph_path):
            return None
    try:
        return _router(path, path.stat().st_mtime_ns)
    except (DataError, OSError) as exc:
        logger.warning(
            "the walking network of region %s is unreadable (%s): stops will all be driven to", region.name, exc
        )
        return None
