"""Walking on a region's walking network (a :class:`RoadGraph` whose edges go both ways).

Distances are the shortest walk in metres: the straight line from each point to its
nearest walking node, plus the network between the two nodes. Two points closer than
:data:`DIRECT_M` are walked straight across (a square, a forecourt). Searches are bounded
(``limit_m``), so asking for walks between a handful of points costs a neighbourhood of
the network, not the whole region.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from codriver.tools.geo import EARTH_RADIUS_M, LatLon, haversine_m
from codriver.tools.routing._graph import RoadGraph, lightest_edges

__all__ = ["DIRECT_M", "WalkRouter"]

DIRECT_M = 60.0
_MAX_SNAP_M = 400.0
_CHUNK = 16


class WalkRouter:
    """Shortest walks on a walking network; points farther than ``max_snap_m`` from it cannot be walked to."""

    provider = "walk"

    def __init__(self, graph: RoadGraph, *, max_snap_m: float = _MAX_SNAP_M) -> None:
        self.graph = graph
        self.max_snap_m = max_snap_m
        # parallel edges: the shortest of each (u, v) pair
        _, _, self._metres = lightest_edges(graph, graph.length_m, floor=1e-3)
        self._lat0 = float(np.radians(graph.lat.mean()))
        self._tree = cKDTree(self._project(graph.lat, graph.lon))

    def _project(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
        lat_r, lon_r = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
        return np.column_stack((lon_r * np.cos(self._lat0) * EARTH_RADIUS_M, lat_r * EARTH_RADIUS_M))

    def snap(self, points: Sequence[LatLon]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """(nearest walking node, metres to it) of every point; node -1 for a point off the network."""
        if not points:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        _, idx = self._tree.query(self._project([p.lat for p in points], [p.lon for p in points]))
        nodes = np.asarray(idx, dtype=np.int64)
        access = np.array(
            [
                haversine_m(p, LatLon(float(self.graph.lat[k]), float(self.graph.lon[k])))
                for p, k in zip(points, nodes, strict=True)
            ]
        )
        nodes[access > self.max_snap_m] = -1
        return nodes, access

    def metres(self, points: Sequence[LatLon], *, limit_m: float) -> npt.NDArray[np.float64]:
        """Metres of the shortest walk between every two points (row: from); inf past ``limit_m`` or off the network."""
        count = len(points)
        out = np.full((count, count), math.inf)
        if count == 0:
            return out
        nodes, access = self.snap(points)
        straight = np.array([[haversine_m(a, b) for b in points] for a in points])
        np.fill_diagonal(straight, math.inf)
        on = np.flatnonzero(nodes >= 0)
        # a point with no other within limit_m in a straight line walks to none: no search from it
        search = on[(straight[on][:, on] <= limit_m).any(axis=1)] if len(on) else on
        for start in range(0, len(search), _CHUNK):  # a search's answer is a row over the whole network
            rows = search[start : start + _CHUNK]
            # a walk of limit_m cannot use more than limit_m of network
            network = np.atleast_2d(dijkstra(self._metres, indices=nodes[rows], limit=limit_m, min_only=False))
            out[np.ix_(rows, on)] = access[rows][:, None] + network[:, nodes[on]] + access[on][None, :]
        np.fill_diagonal(straight, 0.0)
        out = np.where(straight <= DIRECT_M, np.minimum(out, straight), out)
        out[out > limit_m] = math.inf
        np.fill_diagonal(out, 0.0)
        return out

    def path(self, a: LatLon, b: LatLon, *, limit_m: float) -> tuple[float, list[list[float]]] | None:
        """(metres, [lon, lat] coordinates) of the shortest walk from ``a`` to ``b``; None past ``limit_m``."""
        direct = haversine_m(a, b)
        if direct <= DIRECT_M:
            return direct, [[a.lon, a.lat], [b.lon, b.lat]]
        nodes, access = self.snap([a, b])
        if (nodes < 0).any():
            return None
        source, target = int(nodes[0]), int(nodes[1])
        dist, pred = dijkstra(self._metres, indices=source, limit=limit_m, return_predecessors=True)
        total = float(access[0] + dist[target] + access[1])
        if not math.isfinite(total) or total > limit_m:
            return None
        path = [target]
        while path[-1] != source:
            path.append(int(pred[path[-1]]))
        coords = [[a.lon, a.lat], *([float(self.graph.lon[k]), float(self.graph.lat[k])] for k in path[::-1])]
        return total, [*coords, [b.lon, b.lat]]
