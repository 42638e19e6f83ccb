"""Plans warm in ``serve``: tools kept per region import, one travel-time matrix per plan; before vs after.

Usage: ``python benchmarks/bench_serve_plan.py [--repeat 5] [--grid 20000,100000]``

1. Embedded Helsinki (imported into a temporary data directory):
   - the region's tools built cold (router, catalogue, chargers, gazetteer), the gazetteer
     alone, and ``RegionTools.load`` warm: *before*, the catalogue and chargers were read
     from the database again on every call (the gazetteer was already cached);
     *after*, they come from the runtime, kept per import of the region;
   - ``EnginePlanner.tools`` warm, as every ``serve`` request calls it: one database
     lookup that notices a re-import;
   - a plan warm, as ``serve`` runs it (tools kept): *before*, the verifier routed every
     leg again (two Dijkstra runs per leg for the times, two more for the energy of an
     EV); *after*, it reads the legs from the engine's matrix. Matrices routed per plan
     are counted.
2. Synthetic grid graphs (``--grid`` sizes, nodes; a square grid of two-way 40 km/h streets
   100 m apart, centred on Helsinki, carrying Helsinki's catalogue): the same plan before
   and after, where every full-graph Dijkstra costs in proportion to the graph. These
   graphs are generated here, not imported from OSM data.

Each figure is the median of ``--repeat`` runs after one warm-up (half as many on the
grids). Exits 1 when the verifier's verdict on a plan differs from that of a verifier
routing every leg itself, or when a plan routes more than one matrix.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from codriver.api import EnginePlanner
from codriver.bootstrap import Runtime
from codriver.planning import Itinerary, Requirements, StopRef, TripRequest, solve, verify
from codriver.planning._engine import build_problem, plan_trip
from codriver.planning._region_world import RegionTools, RegionWorld
from codriver.regions import RoadGraph, build_gazetteer, load_chargers, load_places
from codriver.settings import Settings
from codriver.tools.charging import ConnectorInfo, OsmChargers
from codriver.tools.routing import GraphRouter

TIME_LIMIT_S = 0.6
SPACING_M = 100.0
DAY: dict[str, Any] = {
    "origin": "60.1699,24.9384",
    "depart_at": "2025-06-14T10:00:00+03:00",
    "return_by": "2025-06-14T17:00:00+03:00",
    "party": {"adults": 2},
    "budget": 150,
    "interests": {"museum": 1.0, "gallery": 0.6, "park": 0.4},
    "meals": [{"meal": "lunch", "earliest": "11:30", "latest": "14:00"}],
}
EV = {"powertrain": "ev", "battery_kwh": 40, "soc": 0.3, "reserve_soc": 0.1, "target_soc": 0.5}
REQUESTS: dict[str, dict[str, Any]] = {"day": DAY, "ev day": {**DAY, "vehicle": EV}}


class CountingRouter(GraphRouter):
    """The graph router, counting the matrices it routes."""

    matrices = 0

    def matrix_nodes(
        self, nodes: npt.NDArray[np.int64], *, with_distances: bool = True
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
        self.matrices += 1
        return super().matrix_nodes(nodes, with_distances=with_distances)


class BeforeWorld(RegionWorld):
    """The verifier's world as it was: every leg routed again, on every question."""

    def travel(self, a: StopRef, b: StopRef) -> tuple[float, float]:
        times, dists = self.tools.router.matrix_nodes(np.array([self._node(a), self._node(b)]))
        assert dists is not None
        return float(times[0, 1]), float(dists[0, 1])


def plan_before(request: TripRequest, tools: RegionTools) -> Itinerary:
    """``plan_trip`` as it was: the engine's matrix, then a verifier that routes again."""
    problem = build_problem(request, tools)
    world = BeforeWorld(tools, request)
    requirements = Requirements.from_request(request, tools.zone, world)
    return solve(problem, world=world, requirements=requirements, time_limit_s=TIME_LIMIT_S).itinerary


def plan_after(request: TripRequest, tools: RegionTools) -> Itinerary:
    return plan_trip(request, tools, time_limit_s=TIME_LIMIT_S)


def median_s(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, seconds (one untimed warm-up call first)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def with_router(tools: RegionTools, router: GraphRouter) -> RegionTools:
    return RegionTools(tools.region, router, tools.places, tools.chargers, tools.gazetteer)


def compare_plans(label: str, tools: RegionTools, repeat: int) -> bool:
    """Print before/after plan times and matrices per plan; False when they disagree."""
    ok = True
    for name, data in REQUESTS.items():
        request = TripRequest.model_validate(data)
        counting = CountingRouter(tools.router.graph)
        mine = with_router(tools, counting)
        results = {}
        for when, plan in (("before", plan_before), ("after", plan_after)):
            counting.matrices = 0
            itinerary = plan(request, mine)
            matrices = counting.matrices
            seconds = median_s(partial(plan, request, mine), repeat)
            results[when] = (seconds, matrices, itinerary)
        (b_s, b_m, _), (a_s, a_m, planned) = results["before"], results["after"]
        # the same itinerary checked by a verifier that routes every leg itself: the same verdict
        world = BeforeWorld(tools, request)
        again = verify(planned, world, Requirements.from_request(request, tools.zone, world))
        same = [(v.code, v.stop_index, v.message) for v in again] == [
            (v.code, v.stop_index, v.message) for v in planned.violations
        ]
        ok = ok and same and a_m == 1
        print(
            f"{label:<16} {name:<7} {b_s:8.3f} {a_s:8.3f} {b_s / a_s:6.2f}x {b_m:5d} {a_m:5d}  "
            f"{len(planned.stops)} stops, {len(planned.violations)} violations{'' if same else '  VERDICTS DIFFER'}"
        )
    return ok


def grid_graph(nodes: int, lat0: float, lon0: float) -> RoadGraph:
    """A square grid of about ``nodes`` nodes, 100 m apart, two-way 40 km/h streets, centred on (lat0, lon0)."""
    side = round(nodes**0.5)
    dlat = SPACING_M / 111_320.0
    dlon = dlat / np.cos(np.radians(lat0))
    i, j = np.divmod(np.arange(side * side, dtype=np.int64), side)
    lat = lat0 + (i - side / 2) * dlat
    lon = lon0 + (j - side / 2) * dlon
    ids = np.arange(side * side, dtype=np.int64).reshape(side, side)
    pairs = [(ids[:, :-1].ravel(), ids[:, 1:].ravel()), (ids[:-1, :].ravel(), ids[1:, :].ravel())]
    u = np.concatenate([a for a, b in pairs] + [b for a, b in pairs])
    v = np.concatenate([b for a, b in pairs] + [a for a, b in pairs])
    edges = len(u)
    speed = 40.0
    return RoadGraph(
        node_osmid=ids.ravel() + 1,
        lon=lon,
        lat=lat,
        edge_u=u,
        edge_v=v,
        length_m=np.full(edges, SPACING_M),
        travel_time_s=np.full(edges, SPACING_M / (speed / 3.6)),
        speed_kph=np.full(edges, speed),
        way_id=np.arange(edges, dtype=np.int64) + 1,
        highway=np.full(edges, "residential"),
        name=np.full(edges, ""),
    )


def ev_ready(tools: RegionTools) -> RegionTools:
    """Helsinki with its first OSM charger given CCS sockets (its OSM chargers have no socket data)."""
    stations = tools.chargers.stations
    known = stations[0].model_copy(
        update={"connectors": (ConnectorInfo(connector="ccs", count=2, power_kw=50.0),), "sockets_known": True}
    )
    return replace(tools, chargers=OsmChargers([known, *stations[1:]], router=tools.router))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--grid", default="20000,100000", help="synthetic grid sizes, nodes (comma-separated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp) / "data"))
        region = runtime.region("helsinki")
        start = time.perf_counter()
        tools = RegionTools.load(runtime, "helsinki")
        cold = time.perf_counter() - start
        graph = tools.router.graph
        assert region.id is not None
        gazetteer_s = median_s(lambda: build_gazetteer(runtime.engine, region, graph), 3)

        def load_before() -> None:  # RegionTools.load as it was, warm: catalogue and chargers from the database
            load_places(runtime.engine, region, router=tools.router)
            load_chargers(runtime.engine, region, router=tools.router)

        before_load = median_s(load_before, args.repeat)
        after_load = median_s(lambda: RegionTools.load(runtime, "helsinki"), args.repeat)
        planner = EnginePlanner(runtime)
        lookup = median_s(lambda: planner.tools("helsinki"), args.repeat * 20)
        serve_plan = median_s(
            lambda: asyncio.run(planner.plan(TripRequest.model_validate(REQUESTS["day"]))), args.repeat
        )
        print(f"Helsinki: {graph.node_count} nodes, {len(tools.places.index.entries)} places")
        print(f"  tools built cold (router, catalogue, chargers, gazetteer)   {cold:8.3f} s")
        print(f"  gazetteer built alone                                      {gazetteer_s:8.3f} s")
        print(f"  RegionTools.load warm: before {before_load * 1000:8.1f} ms, after {after_load * 1000:8.1f} ms")
        print(f"  EnginePlanner.tools per request (re-import check)          {lookup * 1000:8.2f} ms")
        print(f"  EnginePlanner.plan warm (day request)                      {serve_plan:8.3f} s")
        print()
        print(f"plan warm, median of {args.repeat} (seconds; optimizer time limit {TIME_LIMIT_S} s)")
        print(f"{'graph':<16} {'request':<7} {'before':>8} {'after':>8} {'speed':>7} {'mat.b':>5} {'mat.a':>5}")
        ok = compare_plans(f"helsinki {graph.node_count}", ev_ready(tools), args.repeat)
        lat0 = float(np.mean(graph.lat))
        lon0 = float(np.mean(graph.lon))
        for size in (int(s) for s in args.grid.split(",") if s):
            grid = grid_graph(size, lat0, lon0)
            router = GraphRouter(grid)
            on_grid = ev_ready(with_router(tools, router))
            on_grid = replace(on_grid, chargers=OsmChargers(on_grid.chargers.stations, router=router))
            ok = compare_plans(f"grid {grid.node_count}", on_grid, max(1, args.repeat // 2)) and ok
        runtime.engine.dispose()
    if not ok:
        print("FAIL: a verdict differs from a verifier routing every leg, or a plan routed more than one matrix")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
