"""Trips of several days: plan time of a 2-day and a 3-day trip, warm (tools built once, as ``serve``).

Usage: ``python benchmarks/bench_days.py [--nodes 11000] [--repeat 3]``

Two regions:

- the embedded Helsinki centre (OSM): a city weekend from Kauppatori, museums and parks,
  lunch every day, an EV at 50 % (the chargers there have no socket data: unverified);
- a generated region with stays (``tests/generated_region.py --stays``-like: towns 20 km
  apart, motorways, per town a hotel beside the town charger, a guest house and a motel;
  NOT OpenStreetMap data): a one-way EV trip from the south-west town to the town 4 (two
  days) or 6 (three days) columns east, museums, lunch every day, a 40 kWh EV at 60 %.

Each row: the plan's status, days, nights (with the overnight charge), and the median plan
seconds of ``--repeat`` after one warm-up, single-day figures alongside for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/ holds the generator, shared with the tests

from codriver.bootstrap import Runtime  # noqa: E402
from codriver.planning import RegionTools, TripRequest, plan_trip, verify_trip  # noqa: E402
from codriver.regions import import_region  # noqa: E402
from codriver.settings import Settings  # noqa: E402
from generated_region import generate  # noqa: E402

LUNCH = {"meal": "lunch", "earliest": "11:30", "latest": "14:00"}
FRIDAY = "2025-06-13T09:00:00+03:00"
BACK = {1: "2025-06-13T19:00:00+03:00", 2: "2025-06-14T18:00:00+03:00", 3: "2025-06-15T18:00:00+03:00"}
EV = {"powertrain": "ev", "battery_kwh": 40, "soc": 0.6, "reserve_soc": 0.1, "consumption_kwh_per_100km": 18}


def _time(tools: RegionTools, request: TripRequest, repeat: int) -> tuple[float, Any]:
    plan_trip(request, tools)  # warm-up
    times, plan = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        plan = plan_trip(request, tools)
        times.append(time.perf_counter() - start)
    return statistics.median(times), plan


def _row(region: str, days: int, seconds: float, plan: Any, tools: RegionTools) -> str:
    nights = "; ".join(
        f"{n.name}" + (f" {n.soc_arrive:.0%}->{n.soc_depart:.0%}" if n.soc_depart is not None else "")
        for n in plan.nights
    )
    chain = "" if days == 1 else f", chain errors {sum(v.severity == 'error' for v in verify_trip(plan, tools))}"
    return (
        f"{region:<22} {days} day{'s' if days > 1 else ' '}  {seconds:6.2f} s  {plan.status:<10} "
        f"visits {plan.totals.visits:>2}, meals {plan.totals.meals}{chain}; {nights}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=11_000, help="drive nodes of the generated region")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp) / "data"))
        helsinki = RegionTools.load(runtime, "helsinki")
        for days in (1, 2, 3):
            request = TripRequest.model_validate(
                {
                    "origin": "60.1675,24.9525",
                    "depart_at": FRIDAY,
                    "return_by": BACK[days],
                    "interests": {"museum": 1.0, "park": 0.5},
                    "meals": [LUNCH],
                    "vehicle": {**EV, "soc": 0.5},
                }
            )
            print(_row("helsinki (OSM)", days, *_time(helsinki, request, args.repeat), helsinki), flush=True)
        pbf = Path(tmp) / "generated-days.osm.pbf"
        layout = generate(pbf, drive_nodes=args.nodes, seed=1, stays=True)
        import_region(pbf, settings=runtime.settings, engine=runtime.engine)
        tools = RegionTools.load(runtime, "generated-days")
        label = f"generated {layout.drive_nodes // 1000}k nodes"
        for days, column in ((1, 2), (2, 4), (3, 6)):
            west, east = layout.town(0, 0), layout.town(0, column)
            request = TripRequest.model_validate(
                {
                    "region": "generated-days",
                    "origin": f"{west[1]},{west[2]}",
                    "destination": f"{east[1]},{east[2]}",
                    "depart_at": FRIDAY,
                    "return_by": BACK[days],
                    "interests": {"museum": 1.0},
                    "meals": [LUNCH],
                    "vehicle": EV,
                }
            )
            print(_row(label, days, *_time(tools, request, args.repeat), tools), flush=True)
        runtime.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
