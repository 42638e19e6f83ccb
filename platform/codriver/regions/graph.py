"""The drive graph of a region: built once at import, cached as arrays, loaded fast.

The graph follows osmnx conventions (a ``MultiDiGraph`` in EPSG:4326 with ``x``/``y`` node
coordinates, edge ``length`` in metres, ``speed_kph`` and ``travel_time`` in seconds, only
the largest strongly connected component). The cache stores it as flat NumPy arrays in an
``.npz`` file without pickles, which loads in milliseconds; :meth:`RoadGraph.to_networkx`
rebuilds the osmnx graph when a caller wants one. The type lives with the routing tools
(:class:`codriver.tools.routing.RoadGraph`); this module builds it from an extract.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from typing import Any

import networkx as nx
import numpy as np

from codriver.errors import DataError
from codriver.tools.routing import RoadGraph

__all__ = ["RoadGraph", "build_graph"]

_ONEWAY = {"yes", "true", "1"}
_REVERSED = {"-1", "reverse"}
_ROUNDABOUT = {"roundabout", "circular"}
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


def _maxspeed_kph(value: Any) -> float | None:
    """km/h of one OSM ``maxspeed`` value, or None when it does not say."""
    if not isinstance(value, str) or not value.strip():
        return None
    first = value.split(";")[0].strip()
    match = _NUMBER.match(first)
    if match:
        kph = float(match.group(1)) * (1.609344 if match.group(2) else 1.0)
        return kph if 0 < kph < 200 else None
    word = first.split(":")[-1].lower()
    if word == "none":
        return 130.0
    return _ZONES.get(word)


def _tags(raw: Any) -> dict[str, str]:
    if isinstance(raw, str) and raw:
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            return {}
        return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}
    return {}


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def build_graph(nodes: Any, edges: Any) -> RoadGraph:
    """The drive graph from pyrosm's ``get_network(nodes=True)`` frames.

    Edges that point at nodes missing from the extract (clipped ways) are dropped; two-way
    roads get an edge each way; speeds come from ``maxspeed`` where tagged and otherwise
    from the mean of the same highway type in the region (osmnx's imputation), then from
    typical values. Only the largest strongly connected component is kept.
    """
    import osmnx as ox  # noqa: PLC0415  (slow import, needed at import time only)

    if edges is None or nodes is None or len(edges) == 0:
        msg = "the extract has no drivable roads"
        raise DataError(msg)
    coords = {int(i): (float(x), float(y)) for i, x, y in zip(nodes["id"], nodes["lon"], nodes["lat"], strict=True)}
    graph = nx.MultiDiGraph(crs="epsg:4326")
    for row in edges.itertuples(index=False):
        u, v = int(row.u), int(row.v)
        if u not in coords or v not in coords or u == v:
            continue
        tags = _tags(getattr(row, "tags", None))
        oneway_raw = _text(getattr(row, "oneway", None)).lower() or tags.get("oneway", "").lower()
        junction = tags.get("junction", "").lower()
        one_way = oneway_raw in _ONEWAY or oneway_raw in _REVERSED or junction in _ROUNDABOUT
        if oneway_raw in _REVERSED:
            u, v = v, u
        highway = _text(row.highway) or "road"
        speed = _maxspeed_kph(_text(getattr(row, "maxspeed", None)))
        attrs = {
            "osmid": int(row.id),
            "length": float(row.length),
            "highway": highway,
            "name": _text(getattr(row, "name", None)),
            "oneway": one_way,
        }
        if speed is not None:
            attrs["maxspeed"] = str(speed)
        for a, b in ((u, v), (v, u)) if not one_way else ((u, v),):
            graph.add_edge(a, b, **attrs)
    if graph.number_of_edges() == 0:
        msg = "the extract has no drivable roads inside it (every road points outside the extract)"
        raise DataError(msg)
    for node, (x, y) in coords.items():
        if node in graph:
            graph.nodes[node].update(x=x, y=y)
    known = {d["highway"] for _, _, d in graph.edges(data=True) if "maxspeed" in d}
    missing = {d["highway"] for _, _, d in graph.edges(data=True)} - known
    hwy_speeds = {hw: _TYPICAL_KPH.get(hw, _FALLBACK_KPH) for hw in missing}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = ox.add_edge_speeds(graph, hwy_speeds=hwy_speeds, fallback=_FALLBACK_KPH)
        graph = ox.add_edge_travel_times(graph)
        graph = ox.truncate.largest_component(graph, strongly=True)
    return _arrays(graph)


def _arrays(graph: nx.MultiDiGraph) -> RoadGraph:
    order = sorted(graph.nodes)
    index = {node: i for i, node in enumerate(order)}
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (index[e[0]], index[e[1]], e[2]))
    return RoadGraph(
        node_osmid=np.array(order, dtype=np.int64),
        lon=np.array([graph.nodes[n]["x"] for n in order], dtype=np.float64),
        lat=np.array([graph.nodes[n]["y"] for n in order], dtype=np.float64),
        edge_u=np.array([index[u] for u, _, _, _ in edges], dtype=np.int64),
        edge_v=np.array([index[v] for _, v, _, _ in edges], dtype=np.int64),
        length_m=np.array([d["length"] for *_, d in edges], dtype=np.float64),
        travel_time_s=np.array([d["travel_time"] for *_, d in edges], dtype=np.float64),
        speed_kph=np.array([d["speed_kph"] for *_, d in edges], dtype=np.float64),
        way_id=np.array([d["osmid"] for *_, d in edges], dtype=np.int64),
        highway=np.array([d["highway"] for *_, d in edges], dtype=np.str_),
        name=np.array([d.get("name") or "" for *_, d in edges], dtype=np.str_),
    )
