"""GraphRouter against networkx on the embedded Helsinki graph, and on tiny hand-made graphs."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import networkx as nx
import numpy as np
import numpy.typing as npt
import pytest
from routing_support import road_graph

from codriver.bootstrap import Runtime
from codriver.errors import InputError
from codriver.regions import RoadGraph
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing import GraphRouter


@pytest.fixture(scope="module")
def router(helsinki: Runtime) -> GraphRouter:
    return helsinki.router(helsinki.region("helsinki"))


@pytest.fixture(scope="module")
def nx_graph(router: GraphRouter) -> nx.MultiDiGraph:
    return router.graph.to_networkx()


@pytest.fixture(scope="module")
def sample(router: GraphRouter) -> npt.NDArray[np.int64]:
    rng = np.random.default_rng(7)
    return np.sort(rng.choice(router.graph.node_count, size=24, replace=False)).astype(np.int64)


def _fastest_edge(graph: nx.MultiDiGraph, u: int, v: int) -> dict[str, float]:
    edges: dict[str, float] = min(graph[u][v].values(), key=lambda data: data["travel_time"])
    return edges


def _path_metres(graph: nx.MultiDiGraph, path: list[int]) -> float:
    return sum(_fastest_edge(graph, u, v)["length"] for u, v in itertools.pairwise(path))


def _node_point(router: GraphRouter, node: int) -> LatLon:
    return LatLon(float(router.graph.lat[node]), float(router.graph.lon[node]))


def test_matrix_equals_networkx_dijkstra(
    router: GraphRouter, nx_graph: nx.MultiDiGraph, sample: npt.NDArray[np.int64]
) -> None:
    times, dists = router.matrix_nodes(sample)
    assert dists is not None
    osmid = router.graph.node_osmid
    for i, source in enumerate(sample):
        seconds, paths = nx.single_source_dijkstra(nx_graph, int(osmid[source]), weight="travel_time")
        for j, target in enumerate(sample):
            key = int(osmid[target])
            assert times[i, j] == pytest.approx(seconds[key], abs=1e-6)
            assert dists[i, j] == pytest.approx(_path_metres(nx_graph, paths[key]), abs=1e-6)
    assert np.all(np.diag(times) == 0)
    assert times[0, 1] > 0


def test_matrix_of_points_matches_matrix_of_nodes(router: GraphRouter, sample: npt.NDArray[np.int64]) -> None:
    nodes = sample[:6]
    matrix = router.matrix_sync([_node_point(router, int(n)) for n in nodes])
    times, dists = router.matrix_nodes(nodes)
    assert dists is not None
    assert matrix.provider == "graph"
    assert matrix.durations_s == times.tolist()
    assert matrix.distances_m == dists.tolist()
    assert [s.node_id for s in matrix.snaps] == [int(router.graph.node_osmid[n]) for n in nodes]
    assert all(s.distance_m < 0.01 for s in matrix.snaps)


def test_route_through_waypoints(router: GraphRouter, nx_graph: nx.MultiDiGraph, sample: npt.NDArray[np.int64]) -> None:
    a, via, b = (int(n) for n in sample[:3])
    depart = datetime(2025, 6, 14, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    route = router.route_sync(_node_point(router, a), _node_point(router, b), [_node_point(router, via)], depart)

    osmid = router.graph.node_osmid
    assert len(route.legs) == 2
    for leg, (u, v) in zip(route.legs, [(a, via), (via, b)], strict=True):
        seconds, path = nx.single_source_dijkstra(nx_graph, int(osmid[u]), int(osmid[v]), weight="travel_time")
        assert leg.duration_s == pytest.approx(seconds, abs=1e-6)
        assert leg.distance_m == pytest.approx(_path_metres(nx_graph, path), abs=1e-6)
        coords = leg.geometry["coordinates"]
        assert leg.geometry["type"] == "LineString"
        assert coords[0] == [leg.start.lon, leg.start.lat]
        assert coords[-1] == [leg.end.lon, leg.end.lat]
        assert (leg.start.node_id, leg.end.node_id) == (int(osmid[u]), int(osmid[v]))
        # Every step of the line is a road of the graph.
        by_coord = {
            (float(x), float(y)): int(i) for x, y, i in zip(router.graph.lon, router.graph.lat, osmid, strict=True)
        }
        steps = [by_coord[(x, y)] for x, y in coords]
        assert all(nx_graph.has_edge(p, q) for p, q in itertools.pairwise(steps))
    assert route.legs[0].end == route.legs[1].start
    assert route.duration_s == pytest.approx(sum(leg.duration_s for leg in route.legs))
    assert route.distance_m == pytest.approx(sum(leg.distance_m for leg in route.legs))
    assert route.depart_at == depart
    assert route.arrive_at == depart + timedelta(seconds=route.duration_s)
    assert route.arrive_at is not None
    assert route.arrive_at.utcoffset() == timedelta(hours=3)


def test_snapping_reports_the_distance_to_the_nearest_node(router: GraphRouter) -> None:
    node = 42
    road = _node_point(router, node)
    point = LatLon(road.lat + 0.0003, road.lon - 0.0002)  # about 37 m away
    nodes, snaps = router.snap_nodes([point])
    lat, lon = router.graph.lat.tolist(), router.graph.lon.tolist()
    nearest = min(range(router.graph.node_count), key=lambda n: haversine_m(point, LatLon(lat[n], lon[n])))
    assert int(nodes[0]) == nearest
    assert snaps[0].node_id == int(router.graph.node_osmid[nearest])
    assert snaps[0].distance_m == pytest.approx(haversine_m(point, LatLon(lat[nearest], lon[nearest])))
    assert 5 < snaps[0].distance_m < 40


def test_a_point_outside_the_region_is_refused(router: GraphRouter) -> None:
    inside = _node_point(router, 0)
    with pytest.raises(InputError, match=r"km from the nearest road"):
        router.route_sync(inside, LatLon(60.45, 25.30))


def test_insertion_detours_equal_brute_force(router: GraphRouter, sample: npt.NDArray[np.int64]) -> None:
    stops = sample[:4]
    candidates = sample[4:]
    detours, legs = router.insertion_detours(stops, candidates)
    full = router.times_from(np.arange(router.graph.node_count))
    for k, c in enumerate(candidates):
        per_leg = [full[a, c] + full[c, b] - full[a, b] for a, b in itertools.pairwise(stops)]
        assert detours[k] == pytest.approx(max(min(per_leg), 0.0), abs=1e-6)
        assert per_leg[legs[k]] == pytest.approx(min(per_leg), abs=1e-6)
    assert np.all(detours >= 0)
    assert detours.max() > 0


def test_insertion_detours_need_two_stops(router: GraphRouter) -> None:
    with pytest.raises(InputError, match="at least two stops"):
        router.insertion_detours(np.array([1]), np.array([2, 3]))


# -- hand-made graphs ------------------------------------------------------------------


def _graph(points: list[tuple[float, float]], edges: list[tuple[int, int, float, float]]) -> RoadGraph:
    """Nodes at (lat, lon); edges (u, v, metres, seconds)."""
    return road_graph(points, edges)


SQUARE = [(60.0, 25.0), (60.0, 25.002), (60.001, 25.002), (60.001, 25.0)]


def test_parallel_edges_keep_the_fastest() -> None:
    # 0 -> 1 twice: a short slow lane listed first, then a longer fast one.
    graph = _graph(SQUARE[:2], [(0, 1, 100.0, 50.0), (0, 1, 150.0, 10.0), (1, 0, 100.0, 20.0)])
    router = GraphRouter(graph)
    route = router.route_sync(LatLon(*SQUARE[0]), LatLon(*SQUARE[1]))
    assert route.duration_s == pytest.approx(10.0)
    assert route.distance_m == pytest.approx(150.0)
    times, dists = router.matrix_nodes(np.array([0, 1]))
    np.testing.assert_allclose(times, [[0.0, 10.0], [20.0, 0.0]])
    assert dists is not None
    np.testing.assert_allclose(dists, [[0.0, 150.0], [100.0, 0.0]])


def test_fastest_path_is_not_the_shortest() -> None:
    # 0 -> 1 directly is short but slow; 0 -> 3 -> 2 -> 1 is longer and faster.
    edges = [(0, 1, 110.0, 100.0), (0, 3, 110.0, 5.0), (3, 2, 110.0, 5.0), (2, 1, 110.0, 5.0), (1, 0, 110.0, 5.0)]
    router = GraphRouter(_graph(SQUARE, edges))
    times, dists = router.matrix_nodes(np.array([0, 1]))
    assert dists is not None
    assert times[0, 1] == pytest.approx(15.0)
    assert dists[0, 1] == pytest.approx(330.0)
    route = router.route_sync(LatLon(*SQUARE[0]), LatLon(*SQUARE[1]))
    assert [c[::-1] for c in route.legs[0].geometry["coordinates"]] == [list(SQUARE[i]) for i in (0, 3, 2, 1)]


def test_unreachable_points_have_no_time_and_no_distance() -> None:
    # One-way 0 -> 1: nothing leads back.
    router = GraphRouter(_graph(SQUARE[:2], [(0, 1, 120.0, 12.0)]))
    matrix = router.matrix_sync([LatLon(*SQUARE[0]), LatLon(*SQUARE[1])])
    assert matrix.durations_s == [[0.0, 12.0], [None, 0.0]]
    assert matrix.distances_m == [[0.0, 120.0], [None, 0.0]]
    with pytest.raises(InputError, match="no road connects"):
        router.route_sync(LatLon(*SQUARE[1]), LatLon(*SQUARE[0]))


def test_same_point_twice_is_a_zero_leg() -> None:
    router = GraphRouter(_graph(SQUARE[:2], [(0, 1, 120.0, 12.0), (1, 0, 120.0, 12.0)]))
    route = router.route_sync(LatLon(*SQUARE[0]), LatLon(*SQUARE[0]), depart_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert route.duration_s == 0
    assert route.distance_m == 0
    assert route.legs[0].geometry["coordinates"] == [[25.0, 60.0], [25.0, 60.0]]
    assert route.arrive_at == datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.anyio
async def test_async_protocol_gives_the_same_answers(router: GraphRouter) -> None:
    a, b = _node_point(router, 3), _node_point(router, 300)
    assert await router.route(a, b) == router.route_sync(a, b)
    matrix = await router.matrix([a, b])
    assert matrix == router.matrix_sync([a, b])
    assert (matrix.durations_s[0][1] or 0) > 0


def test_arrival_across_a_daylight_saving_change_is_counted_in_real_time() -> None:
    # 20 minutes of driving from 02:50 EET on the night clocks jump from 03:00 to 04:00.
    router = GraphRouter(_graph(SQUARE[:2], [(0, 1, 10_000.0, 1200.0), (1, 0, 10_000.0, 1200.0)]))
    depart = datetime(2025, 3, 30, 2, 50, tzinfo=ZoneInfo("Europe/Helsinki"))
    route = router.route_sync(LatLon(*SQUARE[0]), LatLon(*SQUARE[1]), depart_at=depart)
    assert route.arrive_at is not None
    assert route.arrive_at.isoformat() == "2025-03-30T04:10:00+03:00"
    assert route.arrive_at.astimezone(UTC) - depart.astimezone(UTC) == timedelta(minutes=20)


def test_times_only_tables_match_networkx_both_ways_and_keep_few_trees(
    helsinki: Runtime, nx_graph: nx.MultiDiGraph, sample: npt.NDArray[np.int64]
) -> None:
    router = GraphRouter(helsinki.router(helsinki.region("helsinki")).graph)  # a cache of its own
    router._rows_max = 3  # a graph of a million nodes keeps about 16 trees
    graph = router.graph
    points = [LatLon(float(graph.lat[k]), float(graph.lon[k])) for k in sample[:6]]
    osmids = [int(graph.node_osmid[k]) for k in sample[:6]]
    expected = np.array(
        [[nx.single_source_dijkstra_path_length(nx_graph, a, weight="travel_time")[b] for b in osmids] for a in osmids]
    )
    forward = router.table(points[:2], points, distances=False).seconds  # fewer sources: trees from them
    backward = router.table(points, points[4:], distances=False).seconds  # fewer destinations: reversed trees
    np.testing.assert_allclose(forward, expected[:2], atol=1e-6)
    np.testing.assert_allclose(backward, expected[:, 4:], atol=1e-6)
    assert len(router._rows) == 3  # least recently used trees dropped
    again = router.table(points[:2], points, distances=False).seconds
    np.testing.assert_allclose(again, expected[:2], atol=1e-6)


def _tree_distances_everywhere(router: GraphRouter, pred: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
    """The former way: metres to every node of each tree, by pointer jumping over all nodes."""
    rows, n = pred.shape
    cols = np.broadcast_to(np.arange(n), (rows, n))
    parent = pred.astype(np.int64)
    has_parent = parent >= 0
    acc = np.where(has_parent, router._edge_lengths(np.where(has_parent, parent, 0), cols), 0.0)
    row_idx = np.arange(rows)[:, None]
    while has_parent.any():
        safe = np.where(has_parent, parent, 0)
        acc = acc + np.where(has_parent, acc[row_idx, safe], 0.0)
        parent = np.where(has_parent, parent[row_idx, safe], -1)
        has_parent = parent >= 0
    return acc


def test_tree_distances_walk_back_from_the_targets_only(router: GraphRouter, sample: npt.NDArray[np.int64]) -> None:
    _, pred = router._trees(sample[:5])
    targets = np.concatenate((sample, sample[:2]))  # the roots themselves, and a target twice
    dists = router._tree_distances(pred, targets)
    assert dists.shape == (5, len(targets))
    np.testing.assert_allclose(dists, _tree_distances_everywhere(router, pred)[:, targets], rtol=1e-12, atol=1e-9)
    assert all(dists[i, i] == 0 for i in range(5))


def test_tree_distances_of_the_root_and_an_unreached_node_are_zero() -> None:
    router = GraphRouter(_graph(SQUARE[:2], [(0, 1, 120.0, 12.0)]))  # one-way 0 -> 1
    _, pred = router._trees(np.array([0, 1]))
    np.testing.assert_allclose(router._tree_distances(pred, np.array([0, 1])), [[0.0, 120.0], [0.0, 0.0]])
