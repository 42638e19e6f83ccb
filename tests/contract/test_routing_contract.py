"""The routing contract: what the planning engine relies on, checked on every provider alike.

Providers (see conftest): the embedded graph router, OSRM replayed from recorded answers,
OSRM live. Points are in central Helsinki, the test region; SEA is 30 km out at sea.
"""

from __future__ import annotations

import asyncio
import itertools
import math

import numpy as np
import pytest

from codriver.errors import InputError
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing import Router

STATION = LatLon(60.1706, 24.9438)  # Kaivokatu, by the railway station
MARKET = LatLon(60.1684, 24.9482)  # Aleksanterinkatu, off the Market Square
SOUTH = LatLon(60.1657, 24.9506)
WEST = LatLon(60.1710, 24.9370)  # Mannerheimintie
ANNANKATU = LatLon(60.1650, 24.9395)
POINTS = [STATION, MARKET, SOUTH, WEST, ANNANKATU]
SEA = LatLon(59.9, 24.9)


def line_m(coords: list[list[float]]) -> float:
    return sum(haversine_m(LatLon(a[1], a[0]), LatLon(b[1], b[0])) for a, b in itertools.pairwise(coords))


def test_snap_joins_each_point_to_a_nearby_road(router: Router) -> None:
    snaps = router.snap(POINTS)
    assert len(snaps) == len(POINTS)
    for point, snap in zip(POINTS, snaps, strict=True):
        assert snap is not None
        assert snap.distance_m < 100  # every test point is a street corner or a square's edge
        assert snap.distance_m == pytest.approx(haversine_m(point, LatLon(snap.lat, snap.lon)), abs=0.5)


def test_snap_refuses_a_point_far_from_every_road(router: Router) -> None:
    [far, near] = router.snap([SEA, STATION])
    assert far is None
    assert near is not None


def test_table_is_seconds_and_metres_between_every_pair(router: Router) -> None:
    table = router.table(POINTS, POINTS)
    assert table.metres is not None
    assert table.seconds.shape == table.metres.shape == (5, 5)
    assert np.all(np.diag(table.seconds) == 0)
    assert np.all(np.diag(table.metres) == 0)
    off = ~np.eye(5, dtype=bool)
    assert np.all(np.isfinite(table.seconds[off]))
    assert np.all(table.seconds[off] > 0)
    speed = table.metres[off] / table.seconds[off]
    assert np.all((speed > 1.0) & (speed < 25.0)), speed  # metres per second in a city centre, not km/h nor ms
    # one-way streets: somewhere in the centre the two directions differ
    assert np.any(np.abs(table.seconds - table.seconds.T) > 1.0)


def test_a_table_between_other_points_is_the_block_of_the_whole(router: Router) -> None:
    whole = router.table(POINTS, POINTS)
    part = router.table([MARKET, ANNANKATU], [STATION, SOUTH, WEST])
    assert whole.metres is not None
    assert part.metres is not None
    rows, cols = [1, 4], [0, 2, 3]
    np.testing.assert_allclose(part.seconds, whole.seconds[np.ix_(rows, cols)], atol=0.2)
    np.testing.assert_allclose(part.metres, whole.metres[np.ix_(rows, cols)], atol=1.0)


def test_times_only_tables_agree_with_full_ones(router: Router) -> None:
    times = router.table(POINTS, [STATION, SOUTH], distances=False)
    full = router.table(POINTS, [STATION, SOUTH])
    assert times.metres is None
    np.testing.assert_allclose(times.seconds, full.seconds, atol=0.2)


def test_a_point_off_the_roads_is_unreachable_in_a_table(router: Router) -> None:
    table = router.table([STATION, SEA], [MARKET, SEA])
    assert table.metres is not None
    assert math.isfinite(table.seconds[0, 0])
    assert math.isinf(table.seconds[1, 0])
    assert math.isinf(table.seconds[0, 1])
    assert math.isinf(table.metres[1, 1])


def test_path_runs_between_the_snapped_points_and_is_as_long_as_the_table_says(router: Router) -> None:
    table = router.table([STATION], [SOUTH])
    assert table.metres is not None
    path = router.path(STATION, SOUTH)
    [start, end] = router.snap([STATION, SOUTH])
    assert start is not None
    assert end is not None
    assert len(path) >= 2
    assert all(len(pair) == 2 for pair in path)
    assert haversine_m(LatLon(path[0][1], path[0][0]), LatLon(start.lat, start.lon)) < 1.0
    assert haversine_m(LatLon(path[-1][1], path[-1][0]), LatLon(end.lat, end.lon)) < 1.0
    assert line_m(path) == pytest.approx(float(table.metres[0, 0]), rel=0.03)


def test_path_refuses_a_point_off_the_roads(router: Router) -> None:
    with pytest.raises(InputError):
        router.path(STATION, SEA)


def test_route_legs_are_the_table_entries_of_their_ends(router: Router) -> None:
    route = asyncio.run(router.route(STATION, SOUTH, [WEST]))
    table = router.table([STATION, WEST], [WEST, SOUTH])
    assert table.metres is not None
    assert [leg.duration_s for leg in route.legs] == pytest.approx([table.seconds[0, 0], table.seconds[1, 1]], abs=0.2)
    assert [leg.distance_m for leg in route.legs] == pytest.approx([table.metres[0, 0], table.metres[1, 1]], abs=1.0)
    assert route.duration_s == pytest.approx(sum(leg.duration_s for leg in route.legs), abs=0.2)


def test_matrix_is_the_table_as_lists(router: Router) -> None:
    matrix = asyncio.run(router.matrix(POINTS[:3]))
    table = router.table(POINTS[:3], POINTS[:3])
    np.testing.assert_allclose(np.array(matrix.durations_s, dtype=float), table.seconds, atol=0.2)
    assert len(matrix.snaps) == 3
