"""What the traveller is told about hours agrees with opening_hours.js, for the region's own places.

The badges and hours texts of the web app (the verifier's "Open at arrival", the alternatives'
"open then" / "closed then", ``/next``) read the catalogue's places as the region import stored
them. Every place of the embedded Helsinki catalogue with an ``opening_hours`` tag is asked at
several arrival times of a winter and a summer week, and the answer compared with the reference
evaluator (npm ``opening_hours``, run with ``TZ`` set to the region's zone). Where we say ``open``
or ``closed`` the reference must say the same; ``unknown`` ("hours uncertain: check before going")
is always allowed, and is what we answer where the two evaluators are known to differ.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from codriver.bootstrap import Runtime
from codriver.regions import load_places
from hours_reference import IN_CI, reference_states, unavailable

HELSINKI = ZoneInfo("Europe/Helsinki")
_CODE = {"o": "open", "c": "closed", "u": "unknown"}
# Arrival times a day trip meets: mornings, lunch, late afternoon, evening, night; weekdays and weekend.
ARRIVALS = [
    datetime(2026, 12, 14, 9, 30, tzinfo=HELSINKI),  # Monday
    datetime(2026, 12, 15, 10, 15, tzinfo=HELSINKI),  # Tuesday
    datetime(2026, 12, 16, 12, 0, tzinfo=HELSINKI),  # Wednesday
    datetime(2026, 12, 17, 17, 45, tzinfo=HELSINKI),  # Thursday
    datetime(2026, 12, 18, 21, 30, tzinfo=HELSINKI),  # Friday night
    datetime(2026, 12, 19, 11, 0, tzinfo=HELSINKI),  # Saturday
    datetime(2026, 12, 20, 15, 0, tzinfo=HELSINKI),  # Sunday
    datetime(2026, 7, 18, 22, 30, tzinfo=HELSINKI),  # a summer Saturday night
    datetime(2026, 7, 20, 8, 0, tzinfo=HELSINKI),  # a summer Monday morning
]


@pytest.mark.slow
def test_the_catalogues_hours_at_arrival_agree_with_opening_hours_js(helsinki: Runtime) -> None:
    why = unavailable()
    if why is not None:
        if IN_CI:
            pytest.fail(f"the opening_hours.js reference must run in CI: {why}")
        pytest.skip(why)
    region = helsinki.region("helsinki")
    places = load_places(helsinki.engine, region, router=helsinki.router(region))
    tagged = [e for e in places.index.entries if e.opening_hours and e.opening_hours.strip()]
    assert len(tagged) > 200  # the catalogue holds the region's real tags (251 of its places), not a handful
    strings = sorted({e.opening_hours.strip() for e in tagged if e.opening_hours})
    theirs = reference_states(strings, ARRIVALS, lat=60.1699, lon=24.9384, timezone="Europe/Helsinki")
    mismatches, uncertain, compared = [], 0, 0
    for entry in tagged:
        raw = (entry.opening_hours or "").strip()
        for k, at in enumerate(ARRIVALS):
            ours = str(places.get_sync(entry.poi_id, at=at).hours.state)
            reference = theirs[raw]
            want = _CODE[reference[k]] if reference is not None else "refused"
            compared += 1
            if ours == "unknown":
                uncertain += want != "unknown"
            elif ours != want:
                mismatches.append(
                    f"{entry.name or entry.poi_id} {raw!r} at {at:%a %d %b %H:%M}: ours {ours}, js {want}"
                )
    print(
        f"hours reference: {len(tagged)} places, {len(strings)} distinct tags, {len(ARRIVALS)} arrival times, "
        f"{compared} answers compared, {len(mismatches)} mismatches, {uncertain} said uncertain where js decides"
    )
    assert not mismatches, "\n".join(mismatches[:40])
