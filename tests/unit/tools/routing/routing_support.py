"""Hand-made drive graphs for the routing tests."""

from __future__ import annotations

import numpy as np

from codriver.tools.routing import RoadGraph

#: An edge: (from node, to node, metres, seconds).
Edge = tuple[int, int, float, float]


def road_graph(points: list[tuple[float, float]], edges: list[Edge], *, name: str = "Testikatu") -> RoadGraph:
    """Nodes at (lat, lon), OSM IDs from 100; residential edges named ``name``."""
    return RoadGraph(
        node_osmid=np.arange(100, 100 + len(points), dtype=np.int64),
        lon=np.array([p[1] for p in points]),
        lat=np.array([p[0] for p in points]),
        edge_u=np.array([e[0] for e in edges], dtype=np.int64),
        edge_v=np.array([e[1] for e in edges], dtype=np.int64),
        length_m=np.array([e[2] for e in edges]),
        travel_time_s=np.array([e[3] for e in edges]),
        speed_kph=np.array([e[2] / e[3] * 3.6 for e in edges]),
        way_id=np.arange(len(edges), dtype=np.int64),
        highway=np.array(["residential"] * len(edges)),
        name=np.array([name] * len(edges)),
    )
