"""A plan routes its travel matrix once: the verifier reads the plan's legs from the engine's table.

Before, the engine ran one full-graph Dijkstra per site for its matrix and the verifier
ran two more per leg, twice (travel times, then energy). The verifier still checks the same
things; only the drives between the plan's sites are shared. (The corridor's searches ask
for times only: they are not counted here.)
"""

from __future__ import annotations

from collections.abc import Sequence

from planning_cases import ev_request, request

from codriver.planning import Itinerary, Requirements, StopRef, TravelMatrix, verify
from codriver.planning._engine import plan_trip
from codriver.planning._region_world import RegionTools, RegionWorld
from codriver.regions import RoadGraph
from codriver.tools.geo import LatLon
from codriver.tools.routing import GraphRouter, Table


class CountingRouter(GraphRouter):
    """The graph router, counting the tables with distances it routes (sources, destinations)."""

    def __init__(self, graph: RoadGraph) -> None:
        super().__init__(graph)
        self.matrices: list[tuple[int, int]] = []

    def table(self, sources: Sequence[LatLon], destinations: Sequence[LatLon], *, distances: bool = True) -> Table:
        if distances:
            self.matrices.append((len(sources), len(destinations)))
        return super().table(sources, destinations, distances=distances)


def counted(tools: RegionTools) -> tuple[RegionTools, CountingRouter]:
    router = CountingRouter(tools.graph_router.graph)
    return RegionTools(tools.region, router, tools.places, tools.chargers, tools.gazetteer), router


def violations(itinerary: Itinerary, world: RegionWorld) -> list[tuple[str, int | None, str]]:
    assert itinerary.request is not None
    found = verify(itinerary, world, Requirements.from_request(itinerary.request, world.tools.zone, world))
    return [(v.code, v.stop_index, v.message) for v in found]


def test_a_plan_routes_one_matrix(tools: RegionTools) -> None:
    mine, router = counted(tools)
    itinerary = plan_trip(request(), mine, max_candidates=16, time_limit_s=0.4)
    assert len(itinerary.stops) >= 4  # start, two visits or more, lunch, end: several legs to check
    assert itinerary.status == "feasible", itinerary.violations
    assert len(router.matrices) == 1
    assert router.matrices[0][0] == router.matrices[0][1] >= len(itinerary.stops)


def test_an_ev_plan_routes_one_matrix_energy_included(ev_tools: RegionTools) -> None:
    mine, router = counted(ev_tools)
    itinerary = plan_trip(ev_request(0.3), mine, max_candidates=12, time_limit_s=0.4)
    assert any(s.soc_before is not None for s in itinerary.stops)  # the verifier checked the energy of legs
    assert len(router.matrices) == 1


def test_the_shared_matrix_gives_the_verdict_a_fresh_verifier_gives(ev_tools: RegionTools) -> None:
    mine, router = counted(ev_tools)
    itinerary = plan_trip(ev_request(0.3, budget=20), mine, max_candidates=12, time_limit_s=0.4)
    assert itinerary.request is not None
    fresh = RegionWorld(ev_tools, itinerary.request)  # no matrix: routes every leg itself
    said = [(v.code, v.stop_index, v.message) for v in itinerary.violations]
    assert said == violations(itinerary, fresh)
    assert said  # the budget is too small for two people's lunch: a verdict with something in it
    assert len(router.matrices) == 1


def test_legs_outside_the_matrix_are_routed_once(tools: RegionTools) -> None:
    mine, router = counted(tools)
    graph = tools.graph_router.graph
    a, b, c = (StopRef(None, float(graph.lat[k]), float(graph.lon[k])) for k in (0, 40, 80))
    points = [LatLon(a.lat, a.lon), LatLon(b.lat, b.lon)]
    table = tools.router.table(points, points)
    assert table.metres is not None
    world = RegionWorld(mine, matrix=TravelMatrix(points, table.seconds, table.metres))
    assert world.travel(a, b) == (float(table.seconds[0, 1]), float(table.metres[0, 1]))
    assert router.matrices == []  # read from the matrix
    fresh = RegionWorld(tools).travel(b, c)
    assert world.travel(b, c) == fresh
    assert world.travel(b, c) == fresh
    assert router.matrices == [(1, 1)]  # routed once, then remembered
