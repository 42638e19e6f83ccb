"""Bounded searches (matrices, tables, paths, routes) equal a plain full Dijkstra on hand-made graphs."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import pytest
from routing_support import Edge, road_graph
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from codriver.errors import InputError
from codriver.tools.geo import LatLon
from codriver.tools.routing import GraphRouter, RoadGraph
from codriver.tools.routing._bounded import bounded_searches

SIDE = 12  # a SIDE x SIDE street grid 100 m apart
ISLAND = 3  # nodes joined among themselves only
LONE = 1  # a node with roads out and none in


def _town() -> tuple[RoadGraph, list[Edge]]:
    """A grid with one-way streets, a slow and a fast lane on one street, an island and a node nobody reaches.

    Seconds are random (no two paths tie), 20-300 s a block: much slower than the fastest
    road's straight-line time, so the searches start too short and must widen.
    """
    rng = np.random.default_rng(16)
    lat0, lon0, step = 60.0, 25.0, 0.0009
    points = [(lat0 + r * step, lon0 + c * step * 2) for r in range(SIDE) for c in range(SIDE)]
    edges: list[Edge] = []
    for r, c in itertools.product(range(SIDE), range(SIDE)):
        here = r * SIDE + c
        for there in ((r + 1) * SIDE + c if r + 1 < SIDE else None, here + 1 if c + 1 < SIDE else None):
            if there is None:
                continue
            way = rng.random()
            if way > 0.25:  # two-way
                edges.append((here, there, 100.0 + 50 * rng.random(), 20 + 280 * rng.random()))
            if way < 0.75:  # a quarter one-way each direction
                edges.append((there, here, 100.0 + 50 * rng.random(), 20 + 280 * rng.random()))
    edges.append((0, 1, 160.0, 1.5))  # a fast lane beside the street 0 -> 1 (the fastest road)
    base = len(points)
    points += [(lat0 - 0.01, lon0 + 0.001 * k) for k in range(ISLAND)]
    edges += [(base + k, base + (k + 1) % ISLAND, 70.0, 9.0 + k) for k in range(ISLAND)]
    points.append((lat0 + 0.02, lon0))
    edges.append((base + ISLAND, 5, 3000.0, 200.0))
    graph = road_graph(points, edges, name="")
    return graph, edges


def _reference(
    graph: RoadGraph, edges: list[Edge], sources: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32], dict[tuple[int, int], float]]:
    """Full Dijkstra from each source (times, predecessors) and the metres of each (u, v) fastest edge."""
    fastest: dict[tuple[int, int], tuple[float, float]] = {}
    for u, v, metres, seconds in edges:
        if (u, v) not in fastest or seconds < fastest[u, v][1]:
            fastest[u, v] = (metres, seconds)
    n = graph.node_count
    keys = list(fastest)
    matrix = csr_matrix(([fastest[k][1] for k in keys], ([k[0] for k in keys], [k[1] for k in keys])), shape=(n, n))
    times, pred = dijkstra(matrix, indices=sources, return_predecessors=True)
    return times, pred, {k: fastest[k][0] for k in keys}


def _path(pred: npt.NDArray[np.int32], source: int, target: int) -> list[int] | None:
    path = [target]
    while path[-1] != source:
        if pred[path[-1]] < 0:
            return None
        path.append(int(pred[path[-1]]))
    return path[::-1]


def test_matrix_and_paths_equal_a_full_dijkstra_with_one_ways_and_unreachable_nodes() -> None:
    graph, edges = _town()
    router = GraphRouter(graph)
    n = graph.node_count
    island, lone = n - ISLAND - 1, n - 1
    nodes = np.array([0, 1, 7, 40, 77, 100, SIDE * SIDE - 1, island, lone, 40], dtype=np.int64)  # 40 twice
    times, metres = router.matrix_nodes(nodes)
    assert metres is not None
    ref_times, pred, length = _reference(graph, edges, nodes)
    np.testing.assert_array_equal(times, ref_times[:, nodes])
    for i, j in itertools.product(range(len(nodes)), repeat=2):
        a, b = int(nodes[i]), int(nodes[j])
        path = _path(pred[i], a, b)
        if path is None:
            assert np.isinf(metres[i, j])
            with pytest.raises(InputError, match="no road connects"):
                router.path_nodes(a, b)
            continue
        assert router.path_nodes(a, b) == path
        assert metres[i, j] == pytest.approx(sum(length[e] for e in itertools.pairwise(path)), rel=1e-12)
    assert np.isinf(times[0, 7])  # the town does not reach the island
    assert np.isinf(times[7, 0])  # nor the island the town
    assert np.isinf(times[:8, 8]).all()  # nobody reaches the lone node
    assert np.isfinite(times[8, :7]).all()  # which reaches the town
    assert router.path_nodes(0, 1) == [0, 1]  # the fast lane


def test_tables_routes_and_times_only_equal_a_full_dijkstra() -> None:
    graph, edges = _town()
    router = GraphRouter(graph)
    sources = np.array([3, 50, 143], dtype=np.int64)
    targets = np.array([0, 12, 99, 143, 145], dtype=np.int64)
    ref_times, pred, length = _reference(graph, edges, sources)
    times, metres = router._pairs(sources, targets)
    only, none = router._search(sources, targets, distances=False)
    np.testing.assert_array_equal(times, ref_times[:, targets])
    np.testing.assert_array_equal(only, ref_times[:, targets])
    assert none is None
    for i, j in itertools.product(range(len(sources)), range(len(targets))):
        path = _path(pred[i], int(sources[i]), int(targets[j]))
        expected = np.inf if path is None else sum(length[e] for e in itertools.pairwise(path))
        assert metres[i, j] == pytest.approx(expected, rel=1e-12)
    # A route from a fresh router searches its legs itself.
    fresh = GraphRouter(graph)
    point = [LatLon(float(graph.lat[k]), float(graph.lon[k])) for k in (3, 99, 50)]
    route = fresh.route_sync(point[0], point[2], [point[1]])
    legs = [(3, 99), (99, 50)]
    leg_times, leg_pred, _ = _reference(graph, edges, np.array([3, 99]))
    for k, (leg, (a, b)) in enumerate(zip(route.legs, legs, strict=True)):
        path = _path(leg_pred[k], a, b)
        assert path is not None
        assert leg.duration_s == leg_times[k, b]
        assert leg.distance_m == pytest.approx(sum(length[e] for e in itertools.pairwise(path)), rel=1e-12)
        assert leg.geometry["coordinates"] == [[float(graph.lon[v]), float(graph.lat[v])] for v in path]


def test_searches_stop_short_of_the_nodes_no_target_needs() -> None:
    # A straight road of 400 nodes 100 m apart, 5 s a step both ways.
    n = 400
    points = [(60.0, 25.0 + k * 0.0018) for k in range(n)]
    edges = [(k, k + 1, 100.0, 5.0) for k in range(n - 1)] + [(k + 1, k, 100.0, 5.0) for k in range(n - 1)]
    router = GraphRouter(road_graph(points, edges))
    sources = np.array([0, 10], dtype=np.int64)
    targets = np.array([0, 10, 30], dtype=np.int64)
    blocks = list(
        bounded_searches(
            router._time, router._edge_tail, sources, targets, router._first_limits(sources, targets), predecessors=True
        )
    )
    assert sorted(int(r) for b in blocks for r in b.rows) == [0, 1]
    for block in blocks:
        assert np.isfinite(block.times[:, targets]).all()
        assert np.isinf(block.times[:, 200:]).all()  # the far half was never searched
        assert block.pred is not None
    times, _ = router.matrix_nodes(np.array([0, 10, 399]))
    np.testing.assert_array_equal(times, [[0, 50, 1995], [50, 0, 1945], [1995, 1945, 0]])
