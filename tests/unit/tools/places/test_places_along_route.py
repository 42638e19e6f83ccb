"""Places along a drive: corridor, exact insertion detours, legs and arrival times."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from places_support import STREET, TUESDAY_NOON, entry, offset

from codriver.bootstrap import Runtime
from codriver.errors import InputError, ToolUnavailable
from codriver.regions import load_places
from codriver.tools.geo import LatLon
from codriver.tools.places import EmbeddedPlaces, PlaceQuery, corridor_distances
from codriver.tools.routing import GraphRouter

CAFES = PlaceQuery(categories=["cafe"])


def facts(results: list) -> list[tuple[str, float | None, int | None]]:  # type: ignore[type-arg]
    return [(r.name, r.detour_s, r.leg) for r in results]


def test_detours_are_exact_and_sorted(street_places: EmbeddedPlaces) -> None:
    # Drive 0 -> 4 (40 s). The side cafe at node 5 costs 20 s out and 20 s back = 40 s,
    # the far cafe at node 6 twice (20 + 20) = 80 s; the island cafe has no road.
    results = street_places.along_route_sync(STREET[0], STREET[4], query=CAFES, max_detour_s=100, corridor_m=1000)
    assert facts(results) == [("On Route", 0.0, 0), ("Side Cafe", 40.0, 0), ("Far Cafe", 80.0, 0)]
    on_route = results[0]
    assert on_route.access_m == pytest.approx(5.0, abs=0.1)
    assert on_route.distance_m == pytest.approx(5.0, abs=0.5)  # metres from the route
    assert results[2].distance_m == pytest.approx(300.0, abs=1.0)


def test_max_detour_is_a_hard_limit(street_places: EmbeddedPlaces) -> None:
    results = street_places.along_route_sync(STREET[0], STREET[4], query=CAFES, max_detour_s=79.9, corridor_m=1000)
    assert [r.name for r in results] == ["On Route", "Side Cafe"]
    assert [r.name for r in street_places.along_route_sync(STREET[0], STREET[4], max_detour_s=0)] == [
        "Corner Bistro",
        "On Route",
    ]


def test_corridor_keeps_only_places_near_the_route(street_places: EmbeddedPlaces) -> None:
    results = street_places.along_route_sync(STREET[0], STREET[4], query=CAFES, max_detour_s=100, corridor_m=150)
    assert [r.name for r in results] == ["On Route", "Side Cafe"]


def test_the_cheapest_leg_is_chosen(street_places: EmbeddedPlaces) -> None:
    # 0 -> 4, then 4 -> 6 through node 5: the side cafe lies on the second leg.
    results = street_places.along_route_sync(
        STREET[0], STREET[6], [STREET[4]], query=CAFES, max_detour_s=100, corridor_m=1000
    )
    assert facts(results) == [("On Route", 0.0, 0), ("Side Cafe", 0.0, 1), ("Far Cafe", 0.0, 1)]


def test_arrival_times_and_hours_on_arrival(street_places: EmbeddedPlaces) -> None:
    depart = TUESDAY_NOON + timedelta(minutes=59)  # 12:59
    results = street_places.along_route_sync(
        STREET[0], STREET[6], [STREET[4]], query=CAFES, max_detour_s=100, depart_at=depart, corridor_m=1000
    )
    by_name = {r.name: r for r in results}
    assert by_name["On Route"].arrive_at == depart + timedelta(seconds=30)
    # leg 0 takes 40 s, then 4 -> 3 -> 2 -> 5 takes 40 s: arrives 13:00:20, just after opening.
    side = by_name["Side Cafe"]
    assert side.arrive_at == depart + timedelta(seconds=80)
    assert side.hours.at == side.arrive_at
    assert side.hours.state == "open"
    assert by_name["Far Cafe"].hours.state == "unknown"


def test_open_at_filters_along_the_route(street_places: EmbeddedPlaces) -> None:
    query = PlaceQuery(categories=["cafe"], open_at=TUESDAY_NOON)
    results = street_places.along_route_sync(STREET[0], STREET[4], query=query, max_detour_s=100, corridor_m=1000)
    assert [r.name for r in results] == ["On Route"]  # side cafe opens at 13:00, far cafe unknown


def test_bad_arguments(street_places: EmbeddedPlaces) -> None:
    with pytest.raises(InputError, match="max_detour_s"):
        street_places.along_route_sync(STREET[0], STREET[4], max_detour_s=-1)
    with pytest.raises(InputError, match="corridor_m"):
        street_places.along_route_sync(STREET[0], STREET[4], max_detour_s=60, corridor_m=0)
    with pytest.raises(InputError, match="nearest road"):
        street_places.along_route_sync(offset(0, 20_000), STREET[4], max_detour_s=60)
    no_router = EmbeddedPlaces([entry(1, "A", "cafe", STREET[0])], region="x", timezone="Europe/Helsinki")
    with pytest.raises(ToolUnavailable, match="road graph"):
        no_router.along_route_sync(STREET[0], STREET[4], max_detour_s=60)


def test_corridor_distances_measure_to_segments_not_only_vertices() -> None:
    path = np.array([[0.0, 0.0], [1000.0, 0.0]])
    points = np.array([[500.0, 30.0], [500.0, 400.0], [-200.0, 0.0]])
    distances = corridor_distances(path, points, corridor_m=100)
    assert distances[0] == pytest.approx(30.0, abs=13.0)  # sampled every 25 m here
    assert np.isinf(distances[1])
    assert np.isinf(distances[2])


# -- the embedded Helsinki region ------------------------------------------------------------
@pytest.fixture(scope="module")
def helsinki_places(helsinki: Runtime) -> EmbeddedPlaces:
    region = helsinki.region("helsinki")
    return load_places(helsinki.engine, region, router=helsinki.router(region), clock=lambda: TUESDAY_NOON)


def test_helsinki_detours_equal_a_brute_force_matrix(helsinki_places: EmbeddedPlaces) -> None:
    router = helsinki_places.router
    assert isinstance(router, GraphRouter)
    origin, destination = LatLon(60.1660, 24.9370), LatLon(60.1770, 24.9510)
    results = helsinki_places.along_route_sync(
        origin, destination, query=PlaceQuery(categories=["restaurant", "cafe"], limit=500), max_detour_s=180
    )
    assert len(results) > 50
    detours = [r.detour_s for r in results]
    assert detours == sorted(detours)
    assert all(d is not None and 0 <= d <= 180 for d in detours)
    stops, _ = router.snap_nodes([origin, destination])
    nodes, _ = router.snap_nodes([LatLon(r.lat, r.lon) for r in results])
    times, _ = router.matrix_nodes(np.concatenate((stops, nodes)), with_distances=False)
    expected = times[0, 2:] + times[2:, 1] - times[0, 1]
    np.testing.assert_allclose([r.detour_s for r in results], np.maximum(expected, 0), atol=0.06)


def test_helsinki_generous_limits_return_every_matching_place(helsinki_places: EmbeddedPlaces) -> None:
    query = PlaceQuery(categories=["bar"], limit=500)
    everything = helsinki_places.search_sync(query)
    along = helsinki_places.along_route_sync(
        LatLon(60.1660, 24.9370), LatLon(60.1770, 24.9510), query=query, max_detour_s=3600
    )
    assert sorted(r.poi_id for r in along) == sorted(r.poi_id for r in everything)
