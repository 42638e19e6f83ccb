"""The drive graph of a region: built once at import, straight from the extract into arrays.

The graph follows osmnx conventions (EPSG:4326 node coordinates, one edge per segment
between consecutive nodes of a way, edge ``length`` in metres, ``speed_kph`` and
``travel_time`` in seconds, only the largest strongly connected component) and is built
the way osmnx would build it from pyrosm's ``driving`` network, without building it in
networkx: the ways are streamed from the file (:mod:`codriver.regions._roads`) and every
step after that works on whole NumPy arrays. ``tests/unit/regions/test_drive_graph.py``
holds the networkx/osmnx pipeline this replaced and checks that both give the same graph.

The cache stores it as flat arrays in an ``.npz`` file without pickles, which loads in
milliseconds; :meth:`RoadGraph.to_networkx` rebuilds the osmnx graph when a caller wants
one. The type lives with the routing tools (:class:`codriver.tools.routing.RoadGraph`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from codriver.errors import DataError
from codriver.regions._roads import Ways, read_ways
from codriver.tools.routing import RoadGraph

__all__ = ["RoadGraph", "build_graph", "graph_from_ways", "maxspeed_kph", "typical_kph", "way_segments"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]

# Typical speeds (km/h) for highway types no edge of the region gives a maxspeed for.
_TYPICAL_KPH = {
    "motorway": 110.0,
    "motorway_link": 60.0,
    "trunk": 90.0,
    "trunk_link": 50.0,
    "primary": 70.0,
    "primary_link": 40.0,
    "secondary": 60.0,
    "secondary_link": 40.0,
    "tertiary": 50.0,
    "tertiary_link": 30.0,
    "unclassified": 40.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 20.0,
    "road": 40.0,
}
_FALLBACK_KPH = 40.0
# Country-coded maxspeed words ("FI:urban", "DE:rural") -> km/h.
_ZONES = {
    "urban": 50.0,
    "rural": 80.0,
    "motorway": 120.0,
    "trunk": 100.0,
    "living_street": 20.0,
    "walk": 7.0,
    "zone30": 30.0,
    "zone20": 20.0,
}
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph)?\s*$", re.IGNORECASE)
# pyrosm's (and the haversine package's) mean Earth radius, so that lengths are pyrosm's.
_EARTH_RADIUS_M = 6371.0088 * 1000.0


def maxspeed_kph(value: str) -> float | None:
    """km/h of one OSM ``maxspeed`` value, or None when it does not say."""
    if not value.strip():
        return None
    first = value.split(";", maxsplit=1)[0].strip()
    match = _NUMBER.match(first)
    if match:
        kph = float(match.group(1)) * (1.609344 if match.group(2) else 1.0)
        return kph if 0 < kph < 200 else None
    word = first.split(":")[-1].lower()
    if word == "none":
        return 130.0
    return _ZONES.get(word)


def typical_kph(highway: str) -> float:
    """The speed (km/h) assumed for a highway type that no edge of the region gives a maxspeed for."""
    return _TYPICAL_KPH.get(highway, _FALLBACK_KPH)


def build_graph(path: Path) -> RoadGraph:
    """The drive graph of the OSM extract at ``path`` (see :func:`graph_from_ways`)."""
    try:
        ways = read_ways(path)
    except (RuntimeError, OSError) as exc:
        msg = f"cannot read roads from {path}: {exc}"
        raise DataError(msg) from exc
    return graph_from_ways(ways)


def _haversine_m(lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray) -> FloatArray:
    """Great-circle metres, computed as pyrosm computes a segment's length."""
    lat1, lon1, lat2, lon2 = (np.deg2rad(a) for a in (lat1, lon1, lat2, lon2))
    d = np.sin((lat2 - lat1) * 0.5) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) * 0.5) ** 2
    return np.asarray(2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(d)), dtype=np.float64)


@dataclass(frozen=True)
class _Segments:
    """The segments between consecutive nodes of the ways, each a road between two graph nodes.

    ``u``/``v`` index ``node_osmid`` (sorted), ``way`` the ways; ``length`` in metres.
    """

    node_osmid: IntArray
    lon: FloatArray
    lat: FloatArray
    u: IndexArray
    v: IndexArray
    way: IndexArray
    length: FloatArray


def _segments(ways: Ways) -> _Segments:
    """Every segment between consecutive nodes of a way, and the nodes they join.

    Nodes missing from the extract are skipped: a clipped way runs through the nodes that
    remain (as pyrosm cuts it), and a way with fewer than two of them has no segment.
    Segments from a node to itself are dropped.
    """
    located = ways.located
    way_of = np.repeat(np.arange(len(ways.way_id), dtype=np.int32), ways.node_count)[located]
    refs = ways.ref[located]
    start = np.flatnonzero(way_of[1:] == way_of[:-1])
    start = start[refs[start] != refs[start + 1]]
    if len(start) == 0:
        msg = (
            "the extract has no drivable roads"
            if len(ways.way_id) == 0
            else "the extract has no drivable roads inside it (every road points outside the extract)"
        )
        raise DataError(msg)
    node_osmid, first, inverse = np.unique(
        np.concatenate((refs[start], refs[start + 1])), return_index=True, return_inverse=True
    )
    # pyrosm's degrees: the PBF's integer grid (granularity 100 nanodegrees) over 1e9
    lon = (ways.x[located] * 100) / 1e9
    lat = (ways.y[located] * 100) / 1e9
    ends = np.concatenate((start, start + 1))[first]  # a reference of each node
    index = inverse.astype(np.int32)
    return _Segments(
        node_osmid=node_osmid,
        lon=lon[ends],
        lat=lat[ends],
        u=index[: len(start)],
        v=index[len(start) :],
        way=way_of[start],
        length=np.round(_haversine_m(lon[start], lat[start], lon[start + 1], lat[start + 1]), 3),
    )


def way_segments(ways: Ways) -> _Segments:
    """The segments of any network's ways, as the drive graph cuts them (the walking network's too)."""
    return _segments(ways)


def graph_from_ways(ways: Ways) -> RoadGraph:
    """The drive graph of ``ways``, as osmnx builds it from pyrosm's ``driving`` network.

    - one edge per segment between consecutive nodes of a way (nodes that are not in the
      extract skipped, segments from a node to itself dropped), ``length`` the haversine
      metres rounded to the millimetre;
    - one-way roads (``oneway=yes|true|1``, roundabouts) get an edge along the way,
      ``oneway=-1|reverse`` one against it, every other road one each way;
    - ``speed_kph`` from ``maxspeed`` (numbers, mph, country zones such as ``FI:urban``)
      where tagged; elsewhere the mean over the region's edges of the same ``highway``
      type that have one (``osmnx.add_edge_speeds``), or :func:`typical_kph` when none has;
    - ``travel_time`` = length / speed (``osmnx.add_edge_travel_times``);
    - only the largest strongly connected component (``osmnx.truncate.largest_component``);
    - nodes in OSM ID order, edges by (from, to) and, between the same two nodes, in file order.

    Raises :class:`DataError` when no drivable road is left.
    """
    seg = _segments(ways)
    # Directed edges in the order networkx receives them: per segment, along the way, then back.
    oneway = ways.oneway[seg.way]
    copies = np.where(oneway == 0, 2, 1).astype(np.int8)
    segment = np.repeat(np.arange(len(seg.u), dtype=np.int32), copies)
    back = oneway[segment] == -1
    back[(np.cumsum(copies, dtype=np.int64) - 1)[oneway == 0]] = True
    del oneway
    speed, highway = _speeds(ways, seg.way, copies)
    del copies
    u = np.where(back, seg.v[segment], seg.u[segment])
    v = np.where(back, seg.u[segment], seg.v[segment])
    del back
    keep_node = _largest_strong_component(u, v, len(seg.node_osmid))
    keep_edge = np.flatnonzero(keep_node[u] & keep_node[v])
    new_index = (np.cumsum(keep_node, dtype=np.int64) - 1).astype(np.int32)
    u, v = new_index[u[keep_edge]], new_index[v[keep_edge]]
    del new_index
    order = np.lexsort((v, u))  # stable: parallel edges stay in file order, as networkx keys them
    u, v, segment = u[order], v[order], segment[keep_edge[order]]
    del order, keep_edge
    length = seg.length[segment]
    way = seg.way[segment]
    return RoadGraph(
        node_osmid=seg.node_osmid[keep_node],
        lon=seg.lon[keep_node],
        lat=seg.lat[keep_node],
        edge_u=u.astype(np.int64),
        edge_v=v.astype(np.int64),
        length_m=length,
        travel_time_s=(length / 1000) / (speed[segment] / (60 * 60)),
        speed_kph=speed[segment],
        way_id=ways.way_id[way],
        highway=np.array([h or "road" for h in ways.highways], dtype=np.str_)[highway[way]],
        name=np.array(ways.names, dtype=np.str_)[ways.name[way]],
    )


def _speeds(ways: Ways, way: IndexArray, copies: npt.NDArray[np.int8]) -> tuple[FloatArray, IndexArray]:
    """(km/h of every segment, highway code of every way), by ``osmnx.add_edge_speeds``' rules.

    A highway type's mean counts a two-way segment twice, as osmnx averages over edges.
    Highway codes index ``ways.highways``; values that read the same ("" is "road") share one.
    """
    tagged = np.array([np.nan if (k := maxspeed_kph(v)) is None else k for v in ways.maxspeeds], dtype=np.float64)
    names = [h or "road" for h in ways.highways]
    first = {name: i for i, name in reversed(list(enumerate(names)))}
    highway = np.array([first[name] for name in names], dtype=np.int32)[ways.highway]
    speed = tagged[ways.maxspeed[way]]
    code = highway[way]
    known = ~np.isnan(speed)
    counts = np.bincount(code[known], weights=copies[known], minlength=len(names))
    sums = np.bincount(code[known], weights=speed[known] * copies[known], minlength=len(names))
    typical = np.array([typical_kph(name) for name in names], dtype=np.float64)
    mean = np.where(counts > 0, sums / np.maximum(counts, 1), typical)
    return np.where(known, speed, mean[code]), highway


def _largest_strong_component(u: IndexArray, v: IndexArray, n: int) -> npt.NDArray[np.bool_]:
    """Whether each of the ``n`` nodes is in the largest strongly connected component of the edges u -> v."""
    adjacency = csr_matrix((np.ones(len(u), dtype=np.int8), (u, v)), shape=(n, n))
    adjacency.sum_duplicates()
    adjacency.data[:] = 1
    _, label = connected_components(adjacency, directed=True, connection="strong")
    largest = int(np.bincount(label).argmax())
    return np.asarray(label == largest)
