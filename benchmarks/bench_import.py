"""Region import on generated regions of growing size: seconds and peak memory, before vs after.

Usage: ``python benchmarks/bench_import.py [--sizes 10000,50000,200000,1000000]
[--regions /tmp/codriver-regions] [--before REV] [--after REV] [--only graph|import]``

For every size (drive nodes wanted) a generated region (``tests/generated_region.py``; NOT
OpenStreetMap data) is written to ``--regions`` unless it is already there (they are large:
keep them out of the repository), then, each in a fresh process and for the code of
``--before`` and ``--after`` (git revisions exported with ``git archive``; an empty
``--after`` is the working tree):

- *graph*: the drive graph alone, from the file to the :class:`RoadGraph` arrays (before:
  pyrosm's network, networkx and osmnx; after: streamed into arrays), seconds and the
  process's peak RSS;
- *import*: ``import_region`` into a fresh SQLite database (graph, places, basemap tiles
  when tilemaker is installed, catalogue), seconds, peak RSS, and the seconds of each stage
  as its progress messages mark them.

Peak RSS is the process's high-water mark (``ru_maxrss``), libraries included.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/ holds the generator, shared with the tests

from _workers import export_revision, run_worker  # noqa: E402  (benchmarks/ is on the path of a script run from it)

BEFORE = "f81abb9"  # the last commit that built the drive graph through networkx/osmnx


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- workers: run in their own process, print one JSON line ------------------------------------
def worker_graph(pbf: Path) -> dict[str, Any]:
    from codriver.regions import graph as graph_module

    start = time.perf_counter()
    if len(inspect.signature(graph_module.build_graph).parameters) == 2:  # the networkx/osmnx pipeline
        import contextlib
        import io
        import warnings

        import pyrosm

        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            nodes, edges = pyrosm.OSM(str(pbf)).get_network(nodes=True, network_type="driving")
        graph = graph_module.build_graph(nodes, edges)
    else:
        graph = graph_module.build_graph(pbf)
    seconds = time.perf_counter() - start
    return {"s": seconds, "rss_mb": _peak_rss_mb(), "nodes": graph.node_count, "edges": graph.edge_count}


def worker_import(pbf: Path, data_dir: Path) -> dict[str, Any]:
    from codriver.regions import import_region
    from codriver.settings import Settings
    from codriver.store import make_engine, migrate

    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir)
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    stages: list[tuple[str, float]] = []

    def progress(stage: str, _fraction: float) -> None:
        stages.append((stage, time.perf_counter()))

    start = time.perf_counter()
    result = import_region(pbf, settings=settings, engine=engine, name="generated", progress=progress)
    seconds = time.perf_counter() - start
    marks = [*stages, ("end", time.perf_counter())]
    spent = {a[0]: round(b[1] - a[1], 2) for a, b in itertools.pairwise(marks) if b[1] - a[1] >= 0.05}
    return {
        "s": seconds,
        "rss_mb": _peak_rss_mb(),
        "nodes": result.region.node_count,
        "edges": result.region.edge_count,
        "stages": spent,
    }


# -- the orchestration ---------------------------------------------------------------------
def _cell(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{'-' if result['error'] == 'skipped' else 'failed':>18}"
    return f"{result['s']:7.1f} s {result['rss_mb']:6.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,200000,1000000", help="drive nodes wanted (comma-separated)")
    parser.add_argument("--regions", type=Path, default=Path(tempfile.gettempdir()) / "codriver-regions")
    parser.add_argument("--before", default=BEFORE, help="git revision of the old code ('' skips it)")
    parser.add_argument("--after", default="", help="git revision of the new code (default: the working tree)")
    parser.add_argument("--only", choices=["graph", "import"], help="run one of the two measurements")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", choices=["graph", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--args", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.args)
        if args.worker == "graph":
            out = worker_graph(Path(spec["pbf"]))
        else:
            out = worker_import(Path(spec["pbf"]), Path(spec["data_dir"]))
        print(json.dumps(out))
        return 0

    from generated_region import generate

    args.regions.mkdir(parents=True, exist_ok=True)
    kinds = [args.only] if args.only else ["graph", "import"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        codes = {"before": export_revision(args.before, tmp / "before") if args.before else None}
        codes["after"] = export_revision(args.after, tmp / "after") if args.after else ""
        print(f"generated regions (seed {args.seed}) in {args.regions}; before: {args.before or '-'}, "
              f"after: {args.after or 'working tree'}; seconds and peak RSS of a fresh process")  # fmt: skip
        print(f"{'wanted':>8} {'nodes':>8} {'edges':>8}  {'measure':<7} {'before':>18} {'after':>18}  after's stages")
        for size in (int(s) for s in args.sizes.split(",") if s):
            pbf = args.regions / f"generated-{size}.osm.pbf"
            if not pbf.exists():
                generate(pbf, drive_nodes=size, seed=args.seed)
            for kind in kinds:
                results: dict[str, dict[str, Any]] = {}
                for label, path in codes.items():
                    if path is None:
                        results[label] = {"error": "skipped"}
                        continue
                    spec = {"pbf": str(pbf), "data_dir": str(tmp / f"data-{label}-{size}")}
                    results[label] = run_worker(__file__, ["--worker", kind, "--args", json.dumps(spec)], path or None)
                after = results["after"]
                stages = ", ".join(f"{k} {v}" for k, v in after.get("stages", {}).items())
                print(
                    f"{size:>8} {after.get('nodes', 0):>8} {after.get('edges', 0):>8}  {kind:<7} "
                    f"{_cell(results['before'])} {_cell(after)}  {stages}",
                    flush=True,
                )
                for label, result in results.items():
                    if "error" in result and result["error"] != "skipped":
                        print(f"{'':>27} {label} failed: {result['error']}")
                before = results["before"]
                sizes = {(r["nodes"], r["edges"]) for r in (before, after) if "nodes" in r}
                if len(sizes) > 1:
                    print(f"{'':>27} graphs differ: before {before['nodes']} nodes, {before['edges']} edges")
    return 0


if __name__ == "__main__":
    sys.exit(main())
