"""Generated regions of growing size, and a 300 km EV round trip with lunch at the far town; before vs after.

Usage: ``python benchmarks/bench_corridor.py [--sizes 10000,50000,200000] [--before REV] [--repeat 3]``

For every size (drive nodes wanted) a region is generated (``tests/generated_region.py``:
towns 20 km apart, motorways, POIs with hours, chargers with sockets; NOT OpenStreetMap
data) and imported in a fresh process, which gives the growth table: drive nodes, import
seconds, peak RSS of the import process, and the plan time of the trip below.

The trip: from the south-west town, lunch wished in the town 7 columns east (140 km as
the crow flies, about 150 km by road), back home by 21:00; a 40 kWh EV at 80 %, reserve
10 %, 18 kWh/100 km; museums. The same trip on a 30 kWh battery (``after 30``) needs two
charging stops at least (21 kWh usable at the start, at most 27 kWh a charge, about 50 kWh
driven), issue 16's "300 km EV round trip with two charging stops". Planned

- *warm*, as ``serve`` runs it: the region's tools built once (``RegionTools.load`` on one
  runtime), then ``plan_trip`` timed, median of ``--repeat`` after one warm-up;
- *from the CLI*: ``codriver plan --request-file ... --json``, wall time of the process.

*Before* runs the same in processes that import the code of ``--before`` (a git revision,
default the commit before the corridor search, exported with ``git archive``) ahead of
the working tree; that code has no ``MealWish.near``, so its request wishes lunch
anywhere (``before``), or lunch anywhere with the far town's square as a must-visit
(``before+``, which makes it drive there). With ``--same-trips`` the ``--before`` code
plans the after rows' own requests (``before``, ``before 30``), for a revision that has
``MealWish.near``.
Each row says the plan's status, charging stops, and how far the lunch is from the far
town's square.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/ holds the generator, shared with the tests

from _workers import export_revision, run_worker  # noqa: E402  (benchmarks/ is on the path of a script run from it)

REGION = "generated"
FAR_COLUMN = 7
BEFORE = "fdb2d42^"  # the commit before the corridor search and MealWish.near


def trip(towns: list[list[Any]], *, near: bool, via: bool = False, battery_kwh: float = 40) -> dict[str, Any]:
    """The round trip to the far town's lunch, as a TripRequest document.

    ``near``: lunch wished near the far town's square; ``via``: the square as a must-visit
    instead (what the code before ``MealWish.near`` can be asked).
    """
    home, far = towns[0], towns[FAR_COLUMN]
    lunch: dict[str, Any] = {"meal": "lunch", "earliest": "11:00", "latest": "14:30"}
    if near:
        lunch["near"] = f"{far[0]} Square"
    return {
        **({"must_visit": [f"{far[0]} Square"]} if via else {}),
        "region": REGION,
        "origin": f"{home[1]},{home[2]}",
        "depart_at": "2025-06-14T08:00:00+03:00",
        "return_by": "2025-06-14T21:00:00+03:00",
        "interests": {"museum": 1.0},
        "meals": [lunch],
        "vehicle": {
            "powertrain": "ev",
            "battery_kwh": battery_kwh,
            "soc": 0.8,
            "reserve_soc": 0.1,
            "consumption_kwh_per_100km": 18,
            "max_charge_kw": 100,
        },
    }


# -- workers: run in their own process, print one JSON line ------------------------------------
def worker_import(pbf: Path, data_dir: Path) -> dict[str, Any]:
    from codriver.bootstrap import Runtime
    from codriver.regions import import_region
    from codriver.settings import Settings

    runtime = Runtime(Settings(data_dir=data_dir))
    start = time.perf_counter()
    result = import_region(pbf, settings=runtime.settings, engine=runtime.engine, name=REGION)
    seconds = time.perf_counter() - start
    return {"import_s": seconds, "nodes": result.region.node_count, "rss_mb": _peak_rss_mb()}


def worker_plan(request_file: Path, data_dir: Path, repeat: int, far: tuple[float, float]) -> dict[str, Any]:
    from codriver.bootstrap import Runtime
    from codriver.planning import TripRequest, plan_trip
    from codriver.planning._region_world import RegionTools
    from codriver.settings import Settings
    from codriver.tools.geo import LatLon, haversine_m

    runtime = Runtime(Settings(data_dir=data_dir))
    request = TripRequest.model_validate_json(request_file.read_text())
    start = time.perf_counter()
    tools = RegionTools.load(runtime, REGION)
    tools_s = time.perf_counter() - start
    itinerary = plan_trip(request, tools)  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        itinerary = plan_trip(request, tools)
        times.append(time.perf_counter() - start)
    meals = [s for s in itinerary.stops if s.kind == "meal"]
    lunch_km = haversine_m(LatLon(*far), LatLon(meals[0].lat, meals[0].lon)) / 1000 if meals else None
    return {
        "tools_s": tools_s,
        "warm_s": statistics.median(times),
        "status": itinerary.status,
        "errors": sorted({v.code for v in itinerary.violations if v.severity == "error"}),
        "charges": sum(1 for s in itinerary.stops if s.kind == "charge" or s.charges),
        "lunch_km_from_far_town": lunch_km,
        "km": itinerary.totals.distance_m / 1000,
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the orchestration ---------------------------------------------------------------------
def _run(args: list[str], pythonpath: str | None) -> dict[str, Any]:
    return run_worker(__file__, args, pythonpath)


def _cli_s(request_file: Path, data_dir: Path, pythonpath: str | None) -> tuple[float, int]:
    env = dict(os.environ, CODRIVER_DATA_DIR=str(data_dir))
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    codriver = Path(sys.executable).parent / "codriver"
    start = time.perf_counter()
    done = subprocess.run(
        [str(codriver), "plan", "--request-file", str(request_file), "--json"],
        capture_output=True,
        env=env,
        check=False,
        timeout=3600,
    )
    return time.perf_counter() - start, done.returncode


def _export(rev: str, into: Path) -> str:
    return export_revision(rev, into)


def _row(label: str, plan: dict[str, Any], cli: tuple[float, int]) -> str:
    if "error" in plan:
        return f"    {label:<8} failed: {plan['error']}"
    lunch = plan["lunch_km_from_far_town"]
    where = "no lunch" if lunch is None else f"lunch {lunch:6.1f} km from the far town"
    errors = ",".join(plan["errors"]) or "-"
    return (
        f"    {label:<8} warm {plan['warm_s']:6.2f} s   CLI {cli[0]:6.2f} s (exit {cli[1]})   {plan['status']:<10} "
        f"{plan['charges']} charging stops, {where}, {plan['km']:.0f} km; errors: {errors}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,200000", help="drive nodes wanted (comma-separated)")
    parser.add_argument(
        "--before",
        default=BEFORE,
        help="git revision of the code to compare with ('' skips; default: before corridors)",
    )
    parser.add_argument(
        "--same-trips",
        action="store_true",
        help="the --before code plans the after rows' requests (a revision that has MealWish.near)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", choices=["import", "plan"], help=argparse.SUPPRESS)
    parser.add_argument("--args", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.args)
        if args.worker == "import":
            out = worker_import(Path(spec["pbf"]), Path(spec["data_dir"]))
        else:
            far = (spec["far"][0], spec["far"][1])
            out = worker_plan(Path(spec["request"]), Path(spec["data_dir"]), spec["repeat"], far)
        print(json.dumps(out))
        return 0

    from generated_region import generate

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "before").mkdir()
        before = _export(args.before, tmp / "before") if args.before else None
        rows = []
        print(f"growth table (generated regions, seed {args.seed}; plan: the EV round trip, warm median)")
        print(f"{'wanted':>8} {'nodes':>8} {'gen s':>6} {'import s':>8} {'peak RSS':>9} {'plan s':>7}")
        for size in (int(s) for s in args.sizes.split(",") if s):
            pbf = tmp / f"generated-{size}.osm.pbf"
            start = time.perf_counter()
            layout = generate(pbf, drive_nodes=size, seed=args.seed)
            gen_s = time.perf_counter() - start
            data_dir = tmp / f"data-{size}"
            imported = _run(
                ["--worker", "import", "--args", json.dumps({"pbf": str(pbf), "data_dir": str(data_dir)})], None
            )
            if "error" in imported:
                print(f"{size:>8} import failed: {imported['error']}")
                break
            far = layout.towns[FAR_COLUMN]
            results: dict[str, tuple[dict[str, Any], tuple[float, int]]] = {}
            variants = (
                *(
                    (("before", before, True, False, 40), ("before 30", before, True, False, 30))
                    if args.same_trips
                    else (("before", before, False, False, 40), ("before+", before, False, True, 40))
                ),
                ("after", None, True, False, 40),
                ("after 30", None, True, False, 30),
            )
            for label, path, near, via, battery in variants:
                if label.startswith("before") and not before:
                    continue
                request = tmp / f"request-{label.replace(' ', '-')}-{size}.json"
                doc = trip([list(t) for t in layout.towns], near=near, via=via, battery_kwh=battery)
                request.write_text(json.dumps(doc))
                spec = {"request": str(request), "data_dir": str(data_dir), "repeat": args.repeat, "far": far[1:]}
                plan = _run(["--worker", "plan", "--args", json.dumps(spec)], path)
                results[label] = (plan, _cli_s(request, data_dir, path))
            after = results["after"][0]
            plan_s = f"{after['warm_s']:7.2f}" if "warm_s" in after else "    n/a"
            print(
                f"{size:>8} {imported['nodes']:>8} {gen_s:6.1f} {imported['import_s']:8.1f} "
                f"{imported['rss_mb']:7.0f} MB {plan_s}",
                flush=True,
            )
            rows.append((size, imported["nodes"], results))
        print()
        print("300 km EV round trip, lunch wished at the far town (before: lunch anywhere; its code has no 'near')")
        for size, nodes, results in rows:
            print(f"  {nodes} drive nodes (asked {size})")
            for label, (plan, cli) in results.items():
                print(_row(label, plan, cli))
    return 0


if __name__ == "__main__":
    sys.exit(main())
