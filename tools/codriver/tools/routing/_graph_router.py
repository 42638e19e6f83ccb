"""Embedded routing on an imported region's drive graph (SciPy's compiled Dijkstra).

The CSR matrices are built once per graph. A matrix of N points costs N Dijkstra runs in
C, each bounded to the time its farthest target needs (see ``_bounded``); distances along
the fastest paths are walked back from the targets through the predecessor trees, and the
paths walked are kept, so a leg's geometry comes from the very tree that timed it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from codriver.errors import InputError
from codriver.tools.geo import EARTH_RADIUS_M, LatLon, haversine_m
from codriver.tools.routing._bounded import PathTree, bounded_searches
from codriver.tools.routing._graph import RoadGraph, lightest_edges
from codriver.tools.routing._models import Leg, Matrix, Route, Snap, Table, arrival

__all__ = ["GraphRouter"]

_MAX_SNAP_M = 5_000.0
# Shortest-time trees kept for table(): about 128 MB of rows (at least two rows on any graph).
_TREE_CACHE_CELLS = 16_000_000
# Paths walked back from matrices' targets kept for path() and route(), per source node.
_PATH_TREES = 128
# A bounded search first goes this many times the farthest target's lower-bound time.
_FIRST_STRETCH = 1.5


class GraphRouter:
    """Fastest routes by travel time on a :class:`RoadGraph`.

    ``max_snap_m`` bounds how far from the nearest road node a point may be before it is
    refused as outside the region.
    """

    provider = "graph"

    def __init__(self, graph: RoadGraph, *, max_snap_m: float = _MAX_SNAP_M) -> None:
        self.graph = graph
        self.max_snap_m = max_snap_m
        n = graph.node_count
        # Parallel edges: keep the fastest one of each (u, v) pair; 0-second edges get a tiny cost.
        self._keys, chosen, self._time = lightest_edges(graph, graph.travel_time_s, floor=1e-6)
        self._edge_len = graph.length_m[chosen]
        seconds = graph.travel_time_s[chosen]
        self._time_t = self._time.T.tocsr()
        self._lat0 = float(np.radians(graph.lat.mean()))
        self._tree = cKDTree(self._project(graph.lat, graph.lon))
        self._rows: OrderedDict[tuple[bool, int], npt.NDArray[np.float64]] = OrderedDict()
        self._rows_max = max(2, _TREE_CACHE_CELLS // max(1, n))
        self._rows_lock = threading.Lock()
        # for the bounded searches: the tail of every stored edge, and the fastest speed (m/s)
        self._edge_tail = graph.edge_u[chosen]
        timed = seconds >= 1.0
        speeds = self._edge_len[timed] / seconds[timed]
        self._max_speed = float(speeds.max()) if len(speeds) and speeds.max() > 0 else 1.0
        self._paths: OrderedDict[int, PathTree] = OrderedDict()
        self._paths_lock = threading.Lock()

    def _project(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
        lat_r, lon_r = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
        return np.column_stack((lon_r * np.cos(self._lat0) * EARTH_RADIUS_M, lat_r * EARTH_RADIUS_M))

    # -- snapping -----------------------------------------------------------------------
    def snap_nodes(self, points: Sequence[LatLon]) -> tuple[npt.NDArray[np.int64], list[Snap]]:
        """Nearest graph node of every point; points too far from any road are refused."""
        if not points:
            return np.zeros(0, dtype=np.int64), []
        _, idx = self._tree.query(self._project([p.lat for p in points], [p.lon for p in points]))
        nodes = np.asarray(idx, dtype=np.int64)
        snaps = []
        for point, node in zip(points, nodes, strict=True):
            road = LatLon(float(self.graph.lat[node]), float(self.graph.lon[node]))
            distance = haversine_m(point, road)
            if distance > self.max_snap_m:
                msg = (
                    f"point {point.lat:.5f},{point.lon:.5f} is {distance / 1000:.1f} km from the nearest road "
                    f"of the region (limit {self.max_snap_m / 1000:.1f} km): is it inside the region?"
                )
                raise InputError(msg, field="point")
            snaps.append(
                Snap(lat=road.lat, lon=road.lon, node_id=int(self.graph.node_osmid[node]), distance_m=distance)
            )
        return nodes, snaps

    def snap_each(self, points: Sequence[LatLon]) -> list[int | None]:
        """Nearest graph node of every point; None for a point too far from any road (not refused)."""
        if not points:
            return []
        try:
            nodes, _ = self.snap_nodes(points)
            return [int(n) for n in nodes]
        except InputError:
            snapped: list[int | None] = []
            for point in points:
                try:
                    node, _ = self.snap_nodes([point])
                    snapped.append(int(node[0]))
                except InputError:
                    snapped.append(None)
            return snapped

    # -- trees ----------------------------------------------------------------------------
    def times_from(self, sources: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Seconds from each source node (rows) to every node (columns)."""
        return np.atleast_2d(dijkstra(self._time, indices=np.asarray(sources), min_only=False))

    def times_to(self, targets: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Seconds from every node (columns) to each target node (rows)."""
        return np.atleast_2d(dijkstra(self._time_t, indices=np.asarray(targets), min_only=False))

    def _trees(self, sources: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32]]:
        times, pred = dijkstra(self._time, indices=sources, return_predecessors=True, min_only=False)
        return np.atleast_2d(times), np.atleast_2d(pred)

    def _edge_lengths(self, u: npt.NDArray[np.int64], v: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        keys = u * self.graph.node_count + v
        pos = np.clip(np.searchsorted(self._keys, keys), 0, len(self._keys) - 1)
        return np.where(self._keys[pos] == keys, self._edge_len[pos], 0.0)

    def _tree_distances(self, pred: npt.NDArray[np.int32], targets: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Metres along each shortest-time tree from its root to each target node (0 for the root and the unreached)."""
        return self._walk_targets(pred, targets)[0]

    def _walk_targets(
        self, pred: npt.NDArray[np.int32], targets: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.float64], list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]]:
        """Metres from each tree's root to each target, and per tree the (node, parent) steps walked.

        Walks back from the targets only, all rows and targets a step at a time: as many
        steps as the deepest path, over rows x targets cells (pointer jumping over every
        node of a 1 M-node graph took 5 s for 16 rows). The steps of a tree are its paths
        to the targets, nodes sorted and each once.
        """
        rows = pred.shape[0]
        row_idx = np.arange(rows)[:, None]
        node = np.broadcast_to(np.asarray(targets, dtype=np.int64), (rows, len(targets)))
        parent = pred[row_idx, node].astype(np.int64)
        acc = np.zeros(node.shape)
        row_of = np.broadcast_to(row_idx, node.shape)
        walked: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]] = []
        while (has := parent >= 0).any():
            walked.append((row_of[has], node[has], parent[has]))
            acc[has] += self._edge_lengths(parent[has], node[has])
            node = np.where(has, parent, node)
            parent = np.where(has, pred[row_idx, node], -1).astype(np.int64)
        n = self.graph.node_count
        if walked:
            keys = np.concatenate([r * n + v for r, v, _ in walked])
            parents = np.concatenate([p for _, _, p in walked])
        else:
            keys = parents = np.zeros(0, dtype=np.int64)
        keys, first = np.unique(keys, return_index=True)
        bounds = np.searchsorted(keys, np.arange(rows + 1) * n)
        steps = [
            (keys[bounds[r] : bounds[r + 1]] - r * n, parents[first[bounds[r] : bounds[r + 1]]]) for r in range(rows)
        ]
        return acc, steps

    def _first_limits(self, sources: npt.NDArray[np.int64], targets: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Seconds to search first from each source: a stretch of the farthest target's straight-line time."""
        graph = self.graph
        metres = _haversine(
            graph.lat[sources][:, None],
            graph.lon[sources][:, None],
            graph.lat[targets][None, :],
            graph.lon[targets][None, :],
        )
        farthest = metres.max(axis=1) if metres.size else np.zeros(len(sources))
        return np.asarray(farthest / self._max_speed * _FIRST_STRETCH, dtype=float)

    def _search(
        self, sources: npt.NDArray[np.int64], targets: npt.NDArray[np.int64], *, distances: bool
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
        """(seconds, metres) from each source to each target, by searches bounded to the targets.

        With ``distances`` the paths walked are remembered per source (:meth:`path_nodes`).
        Unreachable pairs are inf in both.
        """
        sources = np.asarray(sources, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        unique, inverse = np.unique(sources, return_inverse=True)
        times = np.full((len(unique), len(targets)), np.inf)
        dists = np.full((len(unique), len(targets)), np.inf) if distances else None
        if len(unique) and len(targets):
            limits = self._first_limits(unique, targets)
            for block in bounded_searches(self._time, self._edge_tail, unique, targets, limits, predecessors=distances):
                times[block.rows] = block.times[:, targets]
                if dists is not None and block.pred is not None:
                    acc, steps = self._walk_targets(block.pred, targets)
                    dists[block.rows] = acc
                    for k, row in enumerate(block.rows):
                        nodes, parents = steps[k]
                        self._remember(int(unique[row]), PathTree(nodes, parents, block.times[k, nodes]))
        times = times[inverse]
        if dists is not None:
            dists = dists[inverse]
            # An unreachable node has no predecessor, like the root: its distance is not 0.
            dists[~np.isfinite(times)] = np.inf
        return times, dists

    def _remember(self, source: int, tree: PathTree) -> None:
        """Keep ``tree``'s paths from ``source``, with those kept before at nodes it does not reach.

        The latest search wins where both reach: a path is the one the latest matrix or
        table from ``source`` measured (equal-time paths may differ between searches).
        """
        with self._paths_lock:
            known = self._paths.pop(source, None)
            self._paths[source] = tree if known is None else tree.merged(known)
            while len(self._paths) > _PATH_TREES:
                self._paths.popitem(last=False)

    def _path_and_time(self, source: int, target: int) -> tuple[list[int], float]:
        """Nodes of the fastest path (both ends) and its seconds, from a remembered tree or a new search."""
        if source == target:
            return [source], 0.0
        for attempt in range(2):
            with self._paths_lock:
                tree = self._paths.get(source)
                if tree is not None:
                    self._paths.move_to_end(source)
            found = tree.path_to(source, target) if tree is not None else None
            if found is not None:
                return found
            if attempt == 0:
                self._search(np.array([source]), np.array([target]), distances=True)
        msg = "no road connects these points"
        raise InputError(msg)

    def insertion_detours(
        self, stops: npt.NDArray[np.int64], candidates: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Exact extra seconds of visiting each candidate node on a drive through ``stops``.

        For every candidate the cheapest leg to insert it into is chosen: the detour is
        ``t(a, c) + t(c, b) - t(a, b)`` for the leg ``a -> b``. Returns (detour seconds,
        leg index) per candidate; two Dijkstra runs per leg, whatever the candidate count.
        """
        if len(stops) < 2:
            msg = "a route needs at least two stops"
            raise InputError(msg)
        best = np.full(len(candidates), np.inf)
        leg_of = np.zeros(len(candidates), dtype=np.int64)
        forward = self.times_from(stops[:-1])
        backward = self.times_to(stops[1:])
        for leg in range(len(stops) - 1):
            base = forward[leg, stops[leg + 1]]
            detour = forward[leg, candidates] + backward[leg, candidates] - base
            better = detour < best
            best = np.where(better, detour, best)
            leg_of = np.where(better, leg, leg_of)
        return np.maximum(best, 0.0), leg_of

    def _cached_rows(self, nodes: npt.NDArray[np.int64], *, forward: bool) -> npt.NDArray[np.float64]:
        """Seconds from each node to every node (``forward``), or from every node to each; trees remembered.

        A plan's corridor asks for the same few trees several times (places, then chargers):
        each full-graph Dijkstra run is kept, the least recently used dropped first.
        """
        keys = [(forward, int(node)) for node in nodes]
        with self._rows_lock:
            rows = {key: self._rows[key] for key in keys if key in self._rows}
            for key in rows:
                self._rows.move_to_end(key)
        todo = sorted({node for fwd, node in keys if (fwd, node) not in rows})
        if todo:
            fresh = self.times_from(todo) if forward else self.times_to(todo)
            with self._rows_lock:
                for node, row in zip(todo, fresh, strict=True):
                    rows[forward, node] = self._rows[forward, node] = row
                while len(self._rows) > self._rows_max:
                    self._rows.popitem(last=False)
        if not keys:
            return np.empty((0, self.graph.node_count))
        return np.stack([rows[key] for key in keys])

    # -- the Router protocol (blocking) ----------------------------------------------------
    def _nearest(self, points: Sequence[LatLon]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """Nearest node of every point, and whether it is within the snapping limit."""
        if not points:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        lat = np.array([p.lat for p in points], dtype=float)
        lon = np.array([p.lon for p in points], dtype=float)
        _, idx = self._tree.query(self._project(lat, lon))
        nodes = np.atleast_1d(np.asarray(idx, dtype=np.int64))
        metres = _haversine(lat, lon, self.graph.lat[nodes], self.graph.lon[nodes])
        return nodes, metres <= self.max_snap_m

    def snap(self, points: Sequence[LatLon]) -> list[Snap | None]:
        """The road node nearest each point (``distance_m``: metres to it); None past ``max_snap_m``."""
        nodes, near = self._nearest(points)
        snaps: list[Snap | None] = []
        for point, node, ok in zip(points, nodes, near, strict=True):
            road = LatLon(float(self.graph.lat[node]), float(self.graph.lon[node]))
            node_id = int(self.graph.node_osmid[node])
            snaps.append(
                Snap(lat=road.lat, lon=road.lon, node_id=node_id, distance_m=haversine_m(point, road)) if ok else None
            )
        return snaps

    def table(self, sources: Sequence[LatLon], destinations: Sequence[LatLon], *, distances: bool = True) -> Table:
        """Seconds (and metres) between the nearest road nodes, along the fastest paths; inf where unroutable.

        Times only: one remembered tree per source, or per destination when there are fewer
        of those (reverse Dijkstra). With distances: one tree with predecessors per source.
        """
        src, src_ok = self._nearest(sources)
        dst, dst_ok = self._nearest(destinations)
        seconds = np.full((len(src), len(dst)), np.inf)
        metres = np.full((len(src), len(dst)), np.inf) if distances else None
        rows, cols = np.flatnonzero(src_ok), np.flatnonzero(dst_ok)
        if len(rows) == 0 or len(cols) == 0:
            return Table(seconds, metres)
        block = np.ix_(rows, cols)
        if metres is not None:
            t, d = self._pairs(src[rows], dst[cols])
            seconds[block], metres[block] = t, d
        elif len(np.unique(src[rows])) <= len(np.unique(dst[cols])):
            seconds[block] = self._cached_rows(src[rows], forward=True)[:, dst[cols]]
        else:
            seconds[block] = self._cached_rows(dst[cols], forward=False)[:, src[rows]].T
        return Table(seconds, metres)

    def _pairs(
        self, sources: npt.NDArray[np.int64], targets: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        times, dists = self._search(sources, targets, distances=True)
        assert dists is not None
        return times, dists

    def path(self, origin: LatLon, destination: LatLon) -> list[list[float]]:
        """``[lon, lat]`` of the road nodes along the fastest path between the nearest nodes (2+ pairs)."""
        nodes, _ = self.snap_nodes([origin, destination])
        path = self.path_nodes(int(nodes[0]), int(nodes[1]))
        coords = [[float(self.graph.lon[n]), float(self.graph.lat[n])] for n in path]
        return coords if len(coords) > 1 else coords * 2

    # -- public API ----------------------------------------------------------------------
    def matrix_nodes(
        self, nodes: npt.NDArray[np.int64], *, with_distances: bool = True
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
        """(seconds, metres) between graph nodes along the fastest paths; inf where unreachable."""
        return self._search(nodes, nodes, distances=with_distances)

    def matrix_sync(self, points: Sequence[LatLon]) -> Matrix:
        """Travel times (s) and distances (m) between all points."""
        nodes, snaps = self.snap_nodes(points)
        times, dists = self.matrix_nodes(nodes)
        assert dists is not None
        return Matrix(
            provider=self.provider,
            durations_s=[[_finite(x) for x in row] for row in times],
            distances_m=[[_finite(x) for x in row] for row in dists],
            snaps=snaps,
        )

    def path_nodes(self, source: int, target: int) -> list[int]:
        """Graph node indices of the fastest path, both ends included.

        The path is the one a matrix or table with distances from ``source`` measured, when
        one was computed recently (the same metres); otherwise a search bounded to ``target``.
        """
        return self._path_and_time(source, target)[0]

    def route_sync(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        depart_at: datetime | None = None,
    ) -> Route:
        """The fastest drive through the points in order, with GeoJSON geometry per leg.

        Each leg's duration (s) is the fastest travel time between its snapped nodes and
        its distance (m) the length of that same path; ``arrive_at`` is ``depart_at`` plus
        the total duration, in the same time zone.
        """
        points = [origin, *waypoints, destination]
        nodes, snaps = self.snap_nodes(points)
        legs = []
        for i in range(len(points) - 1):
            found, seconds = self._path_and_time(int(nodes[i]), int(nodes[i + 1]))
            path = np.asarray(found, dtype=np.int64)
            lengths = self._edge_lengths(path[:-1], path[1:])
            coords = [[float(self.graph.lon[n]), float(self.graph.lat[n])] for n in path]
            if len(coords) == 1:
                coords = coords * 2
            legs.append(
                Leg(
                    distance_m=float(lengths.sum()),
                    duration_s=seconds,
                    geometry={"type": "LineString", "coordinates": coords},
                    start=snaps[i],
                    end=snaps[i + 1],
                )
            )
        duration = sum(leg.duration_s for leg in legs)
        return Route(
            provider=self.provider,
            legs=legs,
            distance_m=sum(leg.distance_m for leg in legs),
            duration_s=duration,
            depart_at=depart_at,
            arrive_at=arrival(depart_at, duration),
        )

    async def route(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        depart_at: datetime | None = None,
    ) -> Route:
        return self.route_sync(origin, destination, waypoints, depart_at)

    async def matrix(self, points: Sequence[LatLon]) -> Matrix:
        return self.matrix_sync(points)


def _haversine(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle metres between points, as ``haversine_m`` computes them, broadcast over arrays."""
    p1, l1 = np.radians(np.asarray(lat1, dtype=float)), np.radians(np.asarray(lon1, dtype=float))
    p2, l2 = np.radians(np.asarray(lat2, dtype=float)), np.radians(np.asarray(lon2, dtype=float))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h))), dtype=float)


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
