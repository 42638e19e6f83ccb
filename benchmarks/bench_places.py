"""Place search along a drive: exact insertion detours for 200 candidates on Helsinki.

Usage: ``python benchmarks/bench_places.py [--pairs 20] [--repeat 5] [--candidates 200] [--seed 2025]``

Imports the embedded Helsinki region into a temporary data directory, loads the embedded
place catalogue with the region's GraphRouter, picks random origin/destination pairs of
road nodes (fixed seed) and times ``EmbeddedPlaces.along_route_sync`` returning
``--candidates`` places with their exact detours, legs, distances from the route and
opening-hours status (generous detour budget, so every place of the region is a
candidate). Also times a search near a point, for comparison. Each pair runs
``--repeat`` times after one untimed warm-up of the whole benchmark.

Exits 1 when the median along-route time is 50 ms or more.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from codriver.bootstrap import Runtime
from codriver.regions import load_places
from codriver.settings import Settings
from codriver.tools.geo import LatLon
from codriver.tools.places import PlaceQuery

TARGET_MEDIAN_MS = 50.0
AT = datetime(2024, 6, 4, 12, tzinfo=ZoneInfo("Europe/Helsinki"))


def timed_ms(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="codriver-bench-") as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp) / "data"))
        start = time.perf_counter()
        region = runtime.region("helsinki")
        import_s = time.perf_counter() - start
        router = runtime.router(region)
        start = time.perf_counter()
        places = load_places(runtime.engine, region, router=router, clock=lambda: AT)
        load_ms = (time.perf_counter() - start) * 1000
        runtime.engine.dispose()

    graph = router.graph
    rng = np.random.default_rng(args.seed)
    pairs = [tuple(int(n) for n in rng.choice(graph.node_count, size=2, replace=False)) for _ in range(args.pairs)]
    points = [
        (LatLon(float(graph.lat[a]), float(graph.lon[a])), LatLon(float(graph.lat[b]), float(graph.lon[b])))
        for a, b in pairs
    ]
    query = PlaceQuery(limit=args.candidates)

    def along(origin: LatLon, destination: LatLon) -> int:
        return len(places.along_route_sync(origin, destination, query=query, max_detour_s=3600, depart_at=AT))

    # The first call snaps every place once, and opening-hours-py loads its country data.
    first_ms = timed_ms(lambda: along(*points[0]))
    counts = [along(o, d) for o, d in points]
    along_ms = [timed_ms(lambda o=o, d=d: along(o, d)) for o, d in points for _ in range(args.repeat)]  # type: ignore[misc]

    near_query = PlaceQuery(near=points[0][0], radius_m=500, limit=20, open_at=AT)
    places.search_sync(near_query)
    near_ms = [timed_ms(lambda: places.search_sync(near_query)) for _ in range(args.pairs * args.repeat)]

    median = statistics.median(along_ms)
    print(f"region helsinki: {len(places)} places, {graph.node_count} nodes (import {import_s:.1f} s)")
    print(f"catalogue load + index: {load_ms:.1f} ms; first along-route call: {first_ms:.1f} ms")
    print("  (one-off: snapping every place, opening-hours-py loading its country boundaries)")
    print(f"seed {args.seed}; {args.pairs} origin/destination pairs x {args.repeat} runs")
    print(f"results per along-route call: min {min(counts)}, max {max(counts)} (asked {args.candidates})")
    print()
    print("| operation                                   | median ms | p95 ms |  max ms |")
    print("|---------------------------------------------|----------:|-------:|--------:|")
    rows = [
        (f"along_route, {args.candidates} results with detours", along_ms),
        ("search near a point (500 m, open at, 20)", near_ms),
    ]
    for label, values in rows:
        print(
            f"| {label:<43} | {statistics.median(values):9.2f} | {percentile(values, 95):6.2f} | {max(values):7.2f} |"
        )
    print()
    if min(counts) < args.candidates:
        print(f"FAIL: a call returned {min(counts)} places, fewer than the {args.candidates} asked")
        return 1
    if median >= TARGET_MEDIAN_MS:
        print(f"FAIL: median along-route time {median:.1f} ms is not under {TARGET_MEDIAN_MS:g} ms")
        return 1
    print(f"OK: median along-route time {median:.1f} ms < {TARGET_MEDIAN_MS:g} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
