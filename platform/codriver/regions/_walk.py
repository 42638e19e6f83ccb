"""The walking network of a region: footways, paths, pedestrian streets and ordinary streets, both ways.

Built at import from the same extract as the drive graph (pyrosm's ``walking`` filter,
osmnx's ``walk``: no motorways, cycleways or ways closed to pedestrians; sidewalks mapped
as their own ways are walked on, the street beside them is not counted twice). Every way
is walkable in both directions, whatever its ``oneway``. Only the largest connected part
is kept. It is stored as a :class:`~codriver.tools.routing.RoadGraph` beside the drive
graph's cache (``walk-<same suffix>.npz``), so it loads as fast; :class:`~codriver.tools.routing.WalkRouter`
walks on it. Edge ``travel_time_s`` is the edge's length at :data:`WALK_REFERENCE_M_PER_S`
(planners scale it to the party's pace).

A region imported before the walking network existed has no such file; it is built from
the region's source extract on first use when that file is still there, and otherwise the
region plans as before (every stop driven to).
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from codriver.errors import DataError
from codriver.settings import Settings
from codriver.store import Region
from codriver.tools.routing import RoadGraph, WalkRouter

__all__ = ["WALK_REFERENCE_M_PER_S", "build_walk_network", "load_walk_router", "walk_file_for", "write_walk_network"]

logger = logging.getLogger(__name__)

#: The pace the stored travel times assume (about 4.7 km/h); planners use metres and their own pace.
WALK_REFERENCE_M_PER_S = 1.3


def walk_file_for(graph_cache: Path) -> Path:
    """The walking network's file that belongs to a drive graph's cache (same folder, same suffix)."""
    return graph_cache.with_name("walk-" + graph_cache.stem.removeprefix("graph-") + ".npz")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def build_walk_network(path: Path) -> RoadGraph:
    """The walking network of the OSM extract at ``path`` (raises :class:`DataError` when it has none).

    Edges that point at nodes missing from the extract (clipped ways) are dropped; every
    way gets an edge in each direction; the largest connected part is kept.
    """
    import pyrosm  # noqa: PLC0415  (heavy import, only needed at import time)

    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            nodes, edges = pyrosm.OSM(str(path)).get_network(nodes=True, network_type="walking")
    except (ValueError, KeyError, RuntimeError, OSError) as exc:
        msg = f"cannot read walkable ways from {path}: {exc}"
        raise DataError(msg) from exc
    if nodes is None or edges is None or len(edges) == 0:
        msg = f"{path} has no walkable ways"
        raise DataError(msg)
    osmid = np.asarray(nodes["id"], dtype=np.int64)
    order = np.argsort(osmid)
    osmid, lon, lat = osmid[order], np.asarray(nodes["lon"], float)[order], np.asarray(nodes["lat"], float)[order]
    u_id, v_id = np.asarray(edges["u"], dtype=np.int64), np.asarray(edges["v"], dtype=np.int64)
    u, v = np.searchsorted(osmid, u_id), np.searchsorted(osmid, v_id)
    u, v = np.minimum(u, len(osmid) - 1), np.minimum(v, len(osmid) - 1)
    known = (osmid[u] == u_id) & (osmid[v] == v_id) & (u != v)
    if not known.any():
        msg = f"{path} has no walkable ways inside it (every way points outside the extract)"
        raise DataError(msg)
    u, v = u[known], v[known]
    length = np.asarray(edges["length"], dtype=float)[known]
    way = np.asarray(edges["id"], dtype=np.int64)[known]
    highway = np.array([_text(h) or "path" for h in np.asarray(edges["highway"], dtype=object)[known]], dtype=np.str_)
    names = edges["name"] if "name" in edges else [""] * len(edges)
    name = np.array([_text(n) for n in np.asarray(names, dtype=object)[known]], dtype=np.str_)
    # the largest connected part: every edge is walkable both ways, so weak connection is enough
    n = len(osmid)
    adjacency = coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, label = connected_components(adjacency, directed=True, connection="weak")
    largest = np.bincount(label[np.union1d(u, v)]).argmax()
    keep_edge = label[u] == largest
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
    return WalkRouter(RoadGraph.load(path))


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
