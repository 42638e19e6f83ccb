"""Differential check of our opening hours against opening_hours.js (the evaluator of OSM's editors).

The reference runs in a node subprocess (``tests/reference/evaluate.js``, npm
``opening_hours`` pinned in ``tests/reference/package.json``, installed by ``make test``)
with ``TZ`` set to the region's zone. It shares no code with Codriver. Used by the unit
test ``test_opening_hours_reference.py`` and by ``benchmarks/bench_planning.py``.

A disagreement is a sample time at which our answer differs from the reference's,
except where ours is ``unknown`` ("check before going" is always allowed). Strings the
reference refuses must be ``unknown`` with us at every sample.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from codriver.tools.opening_hours import hours_for

REFERENCE_DIR = Path(__file__).parent / "reference"
EVALUATE_JS = REFERENCE_DIR / "evaluate.js"
SAMPLES_FILE = REFERENCE_DIR / "hours_samples.txt"
STEP = timedelta(minutes=30)

# Finnish public holidays of 2026 (Independence Day, Christmas, Epiphany, Easter, May Day,
# Ascension, Midsummer, All Saints) and both daylight-saving days of Europe/Helsinki.
FI_HOLIDAYS_2026 = (
    date(2026, 1, 1),
    date(2026, 1, 6),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 1),
    date(2026, 5, 14),
    date(2026, 6, 19),
    date(2026, 6, 20),
    date(2026, 10, 31),
    date(2026, 12, 6),
    date(2026, 12, 24),
    date(2026, 12, 25),
    date(2026, 12, 26),
)
DST_DAYS_2026 = (date(2026, 3, 29), date(2026, 10, 25))
WINTER_MONDAY, SUMMER_MONDAY = date(2026, 1, 12), date(2026, 7, 13)

_CODE = {"o": "open", "c": "closed", "u": "unknown"}
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class Disagreement:
    """One string and one moment where we and the reference differ."""

    raw: str
    at: datetime
    ours: str
    reference: str

    def __str__(self) -> str:
        return f"{self.raw!r} at {self.at.isoformat()}: ours {self.ours}, opening_hours.js {self.reference}"


def unavailable() -> str | None:
    """Why the reference cannot run here (None when it can)."""
    if shutil.which("node") is None:
        return "node is not installed: the opening_hours.js reference cannot run"
    if not (REFERENCE_DIR / "node_modules" / "opening_hours").is_dir():
        return "opening_hours.js is not installed: run `npm ci --prefix tests/reference` (make test does)"
    return None


def sample_times(zone: ZoneInfo) -> list[datetime]:
    """Every half hour of a winter and a summer week, of the public holidays and of both DST days.

    Stepped in UTC, so the daylight-saving days have 46 and 50 samples; aware, in ``zone``.
    """
    spans = [(WINTER_MONDAY, 7), (SUMMER_MONDAY, 7)] + [(day, 1) for day in (*FI_HOLIDAYS_2026, *DST_DAYS_2026)]
    out: set[datetime] = set()
    for first, days in spans:
        start = datetime.combine(first, datetime.min.time(), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(first + timedelta(days=days), datetime.min.time(), tzinfo=zone).astimezone(UTC)
        t = start
        while t < end:
            out.add(t)
            t += STEP
    return [t.astimezone(zone) for t in sorted(out)]


def reference_states(
    strings: Sequence[str], times: Sequence[datetime], *, lat: float, lon: float, timezone: str, country: str = "fi"
) -> dict[str, str | None]:
    """opening_hours.js's state per string and time: ``"open" | "closed" | "unknown"`` codes.

    Each value is a string of ``o``/``c``/``u``, one per time, or None when the reference
    refuses the string.
    """
    payload = {
        "strings": list(strings),
        "times": [round(t.timestamp() * 1000) for t in times],
        "lat": lat,
        "lon": lon,
        "country_code": country,
    }
    done = subprocess.run(
        ["node", str(EVALUATE_JS)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TZ": timezone},
        timeout=600,
    )
    answers = json.loads(done.stdout)
    return {raw: answer.get("states") for raw, answer in zip(strings, answers, strict=True)}


def our_states(raw: str, times: Sequence[datetime], *, lat: float, lon: float, timezone: str) -> list[str]:
    """Our state at each time: the point answer, and the interval answer the planner uses.

    Where the two differ the less promising one is kept (unknown < closed < open).
    """
    hours = hours_for(raw, lat=lat, lon=lon, timezone=timezone)
    by_interval: dict[datetime, str] = {}
    # The planner asks for intervals over a trip: ask per sampled day, as it would.
    for day in sorted({t.date() for t in times}):
        zone = times[0].tzinfo
        assert isinstance(zone, ZoneInfo)
        start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        pieces = hours.intervals(start, end)
        for t in times:
            if t.date() == day:
                by_interval[t] = next(p.state for p in pieces if p.start <= t < p.end)
    out = []
    for t in times:
        point = hours.state_at(t)[0]
        interval = by_interval[t]
        out.append(point if point == interval else ("unknown" if "unknown" in (point, interval) else interval))
    return out


def disagreements(
    strings: Iterable[str], *, lat: float, lon: float, timezone: str, country: str = "fi"
) -> tuple[list[Disagreement], int]:
    """Every (string, time) where we promise something the reference does not say; and the sample count."""
    distinct = sorted(set(strings))
    zone = ZoneInfo(timezone)
    times = sample_times(zone)
    reference = reference_states(distinct, times, lat=lat, lon=lon, timezone=timezone, country=country)
    found: list[Disagreement] = []
    for raw in distinct:
        theirs = reference[raw]
        ours = our_states(raw, times, lat=lat, lon=lon, timezone=timezone)
        for k, t in enumerate(times):
            want = _CODE[theirs[k]] if theirs is not None else "refused"
            if ours[k] != "unknown" and ours[k] != want:
                found.append(Disagreement(raw, t, ours[k], want))
    return found, len(distinct) * len(times)


def extract_hours_strings(path: Path) -> set[str]:
    """Every distinct ``opening_hours`` value of an OSM extract, read afresh with pyosmium."""
    import osmium

    found: set[str] = set()
    for obj in osmium.FileProcessor(str(path)).with_filter(osmium.filter.KeyFilter("opening_hours")):
        value = obj.tags.get("opening_hours")
        if value and value.strip():
            found.add(value.strip())
    return found


def sample_strings() -> list[str]:
    """The unseen corpus: real-world opening_hours values from elsewhere (one per line)."""
    lines = SAMPLES_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]
