"""Evaluating opening hours in the region's zone: states, changes, days, visits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from codriver.errors import InputError
from codriver.tools.opening_hours import PlaceHours, hours_for, region_zone

HELSINKI = ZoneInfo("Europe/Helsinki")
BERLIN = ZoneInfo("Europe/Berlin")
HKI = {"lat": 60.1699, "lon": 24.9384, "timezone": "Europe/Helsinki"}
BER = {"lat": 52.5200, "lon": 13.4050, "timezone": "Europe/Berlin"}
# 2024-12-02 is a Monday; 2024-12-06 is Finland's Independence Day (a public holiday).
MON = date(2024, 12, 2)


def hki(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=HELSINKI)


def office() -> PlaceHours:
    return hours_for("Mo-Fr 09:00-17:00; PH off", **HKI)


def test_open_with_closing_time() -> None:
    status = office().status(hki(3, 12))
    assert status.state == "open"
    assert status.open_until == hki(3, 17)
    assert status.next_change == hki(3, 17)
    assert status.opens_at is None
    assert status.source == "hours"


def test_closed_with_next_opening_across_the_weekend() -> None:
    status = office().status(hki(7, 12))  # Saturday
    assert status.state == "closed"
    assert status.opens_at == hki(9, 9)
    assert status.next_change == hki(9, 9)
    assert status.open_until is None


def test_public_holidays_come_from_the_coordinates() -> None:
    # Independence Day in Finland: closed although it is a Friday.
    assert office().status(hki(6, 12)).state == "closed"
    assert office().status(hki(5, 12)).state == "open"
    # 3 October is a holiday in Germany, not in Finland.
    oct3_berlin = datetime(2024, 10, 3, 12, tzinfo=BERLIN)
    assert hours_for("Mo-Fr 09:00-17:00; PH off", **BER).status(oct3_berlin).state == "closed"
    assert office().status(hki(3, 12, month=10)).state == "open"


def test_aware_times_in_other_zones_are_converted() -> None:
    # 09:30 UTC is 11:30 in Helsinki in December; a fixed-offset zone is accepted too.
    status = office().status(datetime(2024, 12, 3, 9, 30, tzinfo=UTC))
    assert status.state == "open"
    assert status.at == hki(3, 11, 30)
    assert status.at.tzinfo == HELSINKI
    fixed = datetime(2024, 12, 3, 17, 30, tzinfo=timezone(timedelta(hours=2)))
    assert office().status(fixed).state == "closed"


def test_naive_times_are_refused() -> None:
    with pytest.raises(InputError, match="no UTC offset") as info:
        office().status(datetime(2024, 12, 3, 12))
    assert info.value.field == "at"
    with pytest.raises(InputError):
        office().open_throughout(datetime(2024, 12, 3, 12), hki(3, 13))


@pytest.mark.parametrize(
    ("raw", "source"), [(None, "missing"), ("  ", "missing"), ("Mon - Fri 11am - 11pm", "invalid")]
)
def test_missing_or_invalid_hours_are_unknown_never_open(raw: str | None, source: str) -> None:
    hours = hours_for(raw, **HKI)
    status = hours.status(hki(3, 12))
    assert (status.state, status.source) == ("unknown", source)
    assert status.opens_at is None
    assert not hours.open_throughout(hki(3, 12), hki(3, 13))
    assert hours.open_intervals(MON) == []
    assert not hours.parsed
    if source == "invalid":
        assert hours.error is not None
        assert "column" in hours.error


def test_comment_only_expression_is_unknown_with_its_comment() -> None:
    hours = hours_for('"for request only"', **HKI)
    status = hours.status(hki(3, 12))
    assert (status.state, status.comment) == ("unknown", "for request only")
    assert not hours.open_throughout(hki(3, 12), hki(3, 13))


def test_comment_only_day_is_unknown_other_days_keep_their_hours() -> None:
    hours = hours_for('Mo-Fr 10:00-18:00; Sa "by appointment"', **HKI)
    assert hours.status(hki(7, 12)).model_dump(include={"state", "comment"}) == {
        "state": "unknown",
        "comment": "by appointment",
    }
    friday = hours.status(hki(6, 12))
    assert friday.state == "open"  # no PH rule in this string
    # From Saturday the next opening is Monday 10:00.
    assert hours.status(hki(7, 12)).opens_at == hki(9, 10)


def test_comment_that_plainly_says_open_stays_open() -> None:
    status = hours_for('"open"', **HKI).status(hki(3, 3))
    assert (status.state, status.comment) == ("open", "open")


def test_time_rules_with_comments_stay_open() -> None:
    # "," adds a rule without overriding the days of the previous one (";" would).
    hours = hours_for('Mo-Fr 11:00-15:00 open "Lunch", We-Fr 17:00-22:00 open "Dinner"', **HKI)
    lunch = hours.status(hki(4, 12))
    assert (lunch.state, lunch.comment, lunch.open_until) == ("open", "Lunch", hki(4, 15))
    [lunch_interval, dinner] = hours.open_intervals(date(2024, 12, 4))
    assert (lunch_interval.start, lunch_interval.end, lunch_interval.comment) == (hki(4, 11), hki(4, 15), "Lunch")
    assert (dinner.start, dinner.end, dinner.comment) == (hki(4, 17), hki(4, 22), "Dinner")


def test_fallback_rules_are_evaluated_exactly() -> None:
    # The library's own interval iterator reports "closed" for the rest of the week after
    # Tuesday 18:00 here; the minute grid must find Wednesday to Friday open.
    hours = hours_for('Mo-Fr 10:00-18:00 || "by appointment"', **HKI)
    spans = hours.intervals(hki(3, 0), hki(9, 0))
    opened = [(s.start, s.end) for s in spans if s.state == "open"]
    assert opened == [(hki(d, 10), hki(d, 18)) for d in (3, 4, 5, 6)]
    weekend = hours.status(hki(7, 12))
    assert (weekend.state, weekend.comment) == ("unknown", "by appointment")
    assert hours.open_throughout(hki(5, 10), hki(5, 18))


def test_open_intervals_of_a_day_across_midnight() -> None:
    hours = hours_for("Mo-Su 21:00-04:00", **HKI)
    spans = hours.open_intervals(date(2024, 12, 3))
    assert [(s.start, s.end) for s in spans] == [(hki(3, 0), hki(3, 4)), (hki(3, 21), hki(4, 0))]


def test_open_intervals_on_a_daylight_saving_day() -> None:
    # 31 March 2024: Helsinki moves from +02:00 to +03:00 at 03:00.
    [span] = hours_for("Mo-Su 01:00-05:00", **HKI).open_intervals(date(2024, 3, 31))
    assert span.start.utcoffset() == timedelta(hours=2)
    assert span.end.utcoffset() == timedelta(hours=3)
    assert span.end - span.start == timedelta(hours=4)  # wall clock, same as the tag
    assert span.end.astimezone(UTC) - span.start.astimezone(UTC) == timedelta(hours=3)


def test_open_throughout_a_visit() -> None:
    hours = office()
    assert hours.open_throughout(hki(3, 9), hki(3, 17))
    assert not hours.open_throughout(hki(3, 16), hki(3, 17, 1))
    assert not hours.open_throughout(hki(3, 8, 59), hki(3, 10))
    assert not hours.open_throughout(hki(5, 16), hki(6, 10))  # the holiday
    assert hours.open_throughout(hki(3, 12), hki(3, 12))  # one moment
    with pytest.raises(InputError, match="after start"):
        hours.open_throughout(hki(3, 12), hki(3, 11))


def test_always_open_has_no_change_in_the_horizon() -> None:
    status = hours_for("24/7", **HKI).status(hki(3, 12))
    assert (status.state, status.next_change, status.open_until) == ("open", None, None)


def test_parsed_expressions_are_cached_per_string_coordinates_and_zone() -> None:
    first = hours_for("Mo-Fr 09:00-17:00", **HKI)
    assert hours_for("Mo-Fr 09:00-17:00 ", **HKI) is first
    assert hours_for("Mo-Fr 09:00-17:00", lat=60.1699, lon=24.9384, timezone="Europe/Berlin") is not first
    assert hours_for("Mo-Fr 09:00-17:00", lat=52.52, lon=13.405, timezone="Europe/Helsinki") is not first


def test_unknown_zone_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown time zone"):
        region_zone("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("raw", "monday", "saturday"),
    [
        ("24/7", "open 24 hours", "open 24 hours"),
        ("Mo-Su 00:00-24:00", "open 24 hours", "open 24 hours"),
        ("Mo-Fr 11:00-02:00; Sa-Su 12:00-02:00", "until 02:00, 11:00-02:00", "12:00-02:00"),
        ("Mo-Fr 10:00-14:00,15:00-18:00", "10:00-14:00, 15:00-18:00", "closed"),
        ("Mo-Fr 10:00-24:00", "10:00-24:00", "closed"),
        ('Mo-Fr 08:00-16:00 || "on appointment"', "08:00-16:00, otherwise unknown", "unknown"),
        (None, "unknown", "unknown"),
    ],
)
def test_day_text_reads_right(raw: str | None, monday: str, saturday: str) -> None:
    # 2026-01-12 is a Monday, 2026-01-17 a Saturday.
    hours = hours_for(raw, **HKI)
    assert hours.day_text(date(2026, 1, 12)) == monday
    assert hours.day_text(date(2026, 1, 17)) == saturday
