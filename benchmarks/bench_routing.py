"""Travel-time matrices: GraphRouter (SciPy's compiled Dijkstra) vs networkx, same process.

Usage: ``python benchmarks/bench_routing.py [--points 50] [--repeat 7] [--seed 2025]``

Imports the embedded Helsinki region into a temporary data directory, picks random graph
nodes (fixed seed) and times the N x N travel-time matrix: GraphRouter.matrix_nodes
against N runs of networkx's single-source Dijkstra on the osmnx graph
(``RoadGraph.to_networkx()``, ``weight="travel_time"``). Each figure is the median of
several repetitions. Also times GraphRouter with distances along the fastest paths.

Exits 1 when the two matrices differ (max |difference| > 1e-6 s) and 2 when the speed-up
is below 10x.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import numpy.typing as npt

from codriver.bootstrap import Runtime
from codriver.settings import Settings
from codriver.tools.routing import GraphRouter

TOLERANCE_S = 1e-6
TARGET_SPEEDUP = 10.0


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in milliseconds (one untimed warm-up call first)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def networkx_matrix(graph: nx.MultiDiGraph, osmids: list[int]) -> npt.NDArray[np.float64]:
    """Seconds between the nodes: one single-source Dijkstra per row."""
    rows = []
    for source in osmids:
        seconds = nx.single_source_dijkstra_path_length(graph, source, weight="travel_time")
        rows.append([seconds.get(target, np.inf) for target in osmids])
    return np.array(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="codriver-bench-") as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp) / "data"))
        start = time.perf_counter()
        region = runtime.region("helsinki")
        import_s = time.perf_counter() - start
        graph = runtime.graph(region)
        start = time.perf_counter()
        router = GraphRouter(graph)
        build_ms = (time.perf_counter() - start) * 1000
        nx_graph = graph.to_networkx()
        runtime.engine.dispose()

    rng = np.random.default_rng(args.seed)
    nodes = np.sort(rng.choice(graph.node_count, size=args.points, replace=False)).astype(np.int64)
    osmids = [int(graph.node_osmid[n]) for n in nodes]

    ours, _ = router.matrix_nodes(nodes, with_distances=False)
    theirs = networkx_matrix(nx_graph, osmids)
    both_finite = np.isfinite(ours) & np.isfinite(theirs)
    same_reach = bool(np.array_equal(np.isfinite(ours), np.isfinite(theirs)))
    max_diff = float(np.abs(ours[both_finite] - theirs[both_finite]).max())

    ours_ms = median_ms(lambda: router.matrix_nodes(nodes, with_distances=False), args.repeat)
    ours_dist_ms = median_ms(lambda: router.matrix_nodes(nodes, with_distances=True), args.repeat)
    nx_ms = median_ms(lambda: networkx_matrix(nx_graph, osmids), max(3, args.repeat // 2))
    speedup = nx_ms / ours_ms

    n = args.points
    print(f"region helsinki: {graph.node_count} nodes, {graph.edge_count} edges (import {import_s:.1f} s)")
    print(f"GraphRouter build (CSR + k-d tree): {build_ms:.1f} ms; seed {args.seed}; median of {args.repeat} runs")
    print()
    rows = [
        ("networkx single_source_dijkstra", nx_ms),
        ("GraphRouter (times)", ours_ms),
        ("GraphRouter (times + distances)", ours_dist_ms),
    ]
    print(f"| {f'{n}x{n} travel-time matrix':<32} |  time ms | speed-up vs networkx |")
    print(f"|{'-' * 34}|---------:|---------------------:|")
    for label, ms in rows:
        print(f"| {label:<32} | {ms:8.2f} | {nx_ms / ms:19.1f}x |")
    print()
    print(f"max |difference|: {max_diff:.3g} s over {int(both_finite.sum())} pairs; same reachability: {same_reach}")

    if max_diff > TOLERANCE_S or not same_reach:
        print(f"FAIL: the matrices differ (tolerance {TOLERANCE_S:g} s)")
        return 1
    if speedup < TARGET_SPEEDUP:
        print(f"FAIL: speed-up {speedup:.1f}x is below the {TARGET_SPEEDUP:g}x target")
        return 2
    print(f"OK: identical values, speed-up {speedup:.1f}x >= {TARGET_SPEEDUP:g}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
