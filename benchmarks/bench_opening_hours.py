"""Opening hours on Helsinki: share of tags parsed, every failure, evaluation throughput.

Usage: ``python benchmarks/bench_opening_hours.py [--evaluations 20000] [--seed 2025]``

Imports the embedded Helsinki region into a temporary data directory and prints:

- the region report (``opening_hours_report``: statuses stored at import), with every
  string that fails to parse, the places that carry it and where the parser stopped;
- a re-parse of every tagged place with the tool (``hours_for``), which must agree;
- throughput: parsing (uncached), ``state_at``, ``status`` (state, next change, open
  until / opens at) and ``open_throughout`` for a 90-minute visit, on the parsed places at
  random moments of one week (fixed seed);
- the differential check against opening_hours.js (``tests/hours_reference.py``; needs
  node and ``make reference``) over every distinct string of the region's catalogue.

Exits 1 when less than 95 % of the tagged places parse, when the re-parse disagrees
with the stored statuses, or when we answer open or closed where opening_hours.js does
not.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import select

from codriver.bootstrap import Runtime
from codriver.regions import opening_hours_report
from codriver.settings import Settings
from codriver.store import Place, Region, session_scope
from codriver.tools.opening_hours import PlaceHours, hours_for, region_zone

TARGET_PARSED_PCT = 95.0


def per_second(run: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    run()
    return count / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="codriver-bench-") as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp) / "data"))
        region = runtime.region("helsinki")
        report = opening_hours_report(runtime.engine, region)
        with session_scope(runtime.engine) as session:
            rows = session.exec(
                select(Place.place_id, Place.opening_hours, Place.lat, Place.lon).where(Place.region_id == region.id)
            ).all()
        runtime.engine.dispose()

    print(f"region {report.region}: {report.places} places, {report.tagged} with an opening_hours tag")
    print(f"parsed: {report.parsed}/{report.tagged} = {report.parsed_pct:.2f} % (target >= {TARGET_PARSED_PCT:g} %)")
    print(f"by status: {report.by_status}")
    print(f"failures ({len(report.failures)} strings):")
    for failure in report.failures:
        print(f"  {failure.opening_hours!r}")
        print(f"      places: {', '.join(failure.place_ids)}; {failure.error}")

    tagged = [(pid, raw, lat, lon) for pid, raw, lat, lon in rows if raw and raw.strip()]
    hours = {pid: hours_for(raw, lat=lat, lon=lon, timezone=region.timezone) for pid, raw, lat, lon in tagged}
    reparsed = sum(1 for h in hours.values() if h.parsed)
    agree = reparsed == report.parsed
    print(f"re-parse with the tool: {reparsed}/{len(tagged)} parsed ({'agrees' if agree else 'DISAGREES'})")

    zone = region_zone(region.timezone)
    parsed = [h for h in hours.values() if h.parsed]
    rng = random.Random(args.seed)
    monday = datetime(2024, 6, 3, tzinfo=zone)
    samples: list[tuple[PlaceHours, datetime]] = [
        (rng.choice(parsed), monday + timedelta(minutes=rng.randrange(7 * 24 * 60))) for _ in range(args.evaluations)
    ]
    visit = timedelta(minutes=90)
    n = args.evaluations
    raw_strings = [(raw, lat, lon) for _, raw, lat, lon in tagged][: min(len(tagged), 2000)]
    parse_rate = per_second(
        lambda: [PlaceHours(raw, zone=zone, coords=(lat, lon)) for raw, lat, lon in raw_strings], len(raw_strings)
    )
    state_rate = per_second(lambda: [h.state_at(t) for h, t in samples], n)
    status_rate = per_second(lambda: [h.status(t) for h, t in samples], n)
    visit_rate = per_second(lambda: [h.open_throughout(t, t + visit) for h, t in samples], n)
    print()
    print(f"throughput over {n} random (place, moment) pairs in one week; seed {args.seed}")
    print("| operation                                   |    per second |")
    print("|---------------------------------------------|--------------:|")
    for label, rate in [
        ("parse (PlaceHours, uncached)", parse_rate),
        ("state_at", state_rate),
        ("status (next change, open until/opens at)", status_rate),
        ("open_throughout (90-minute visit)", visit_rate),
    ]:
        print(f"| {label:<43} | {rate:13,.0f} |")
    print()
    if report.parsed_pct < TARGET_PARSED_PCT:
        print(f"FAIL: {report.parsed_pct:.2f} % parsed, below the {TARGET_PARSED_PCT:g} % target")
        return 1
    if not agree:
        print("FAIL: re-parsing with the tool disagrees with the statuses stored at import")
        return 1
    if not reference_agrees({raw.strip() for _, raw, _, _ in rows if raw}, region):
        return 1
    print(f"OK: {report.parsed_pct:.2f} % parsed >= {TARGET_PARSED_PCT:g} %")
    return 0


def reference_agrees(strings: set[str], region: Region) -> bool:
    """Print the differential figure against opening_hours.js; False when it disagrees."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import hours_reference

    why = hours_reference.unavailable()
    if why is not None:
        print(f"opening_hours.js comparison skipped: {why}")
        return True
    lat, lon = (region.min_lat + region.max_lat) / 2, (region.min_lon + region.max_lon) / 2
    found, samples = hours_reference.disagreements(strings, lat=lat, lon=lon, timezone=region.timezone)
    print(
        f"against opening_hours.js: {len(strings)} distinct strings x {samples // max(1, len(strings))} moments "
        f"(half hours of a winter and a summer week, holidays, DST days): {len(found)} disagreements "
        f"in {len({d.raw for d in found})} strings"
    )
    for line in found[:20]:
        print(f"  {line}")
    if found:
        print("FAIL: we answer open or closed where opening_hours.js does not")
    return not found


if __name__ == "__main__":
    sys.exit(main())
