"""The days of a trip of several days: local dates and their windows (see :mod:`._days`).

The first day runs from ``depart_at``, at least two hours even past its usual end (a late
start still drives to the night's stay); the last to ``return_by``; the others 09:00-19:00
unless ``days[]`` says otherwise. A day with under an hour is skipped (said in the notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from codriver.planning._days_model import DAY_END, DAY_START
from codriver.planning._request import TripRequest

__all__ = ["DaySpan", "split_days"]

_MIN_DAY_S = 3600.0  # a day with less time than this is skipped
_FIRST_EVENING_S = 2 * 3600.0  # the first day of several lasts at least this long (to the night's stay)


@dataclass(frozen=True)
class DaySpan:
    """One day of a trip: its local date and window (aware datetimes of the region's zone), its pinned must-visits."""

    index: int
    date: date
    start: datetime
    end: datetime
    pinned: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def split_days(request: TripRequest, zone: ZoneInfo) -> tuple[list[DaySpan], list[str]]:
    """The days of ``request`` (windows in ``zone``) and notes on the days skipped."""
    first, last = request.depart_at.astimezone(zone), request.return_by.astimezone(zone)
    own = {d.date: d for d in request.days}
    spans: list[DaySpan] = []
    notes: list[str] = []
    for n in range((last.date() - first.date()).days + 1):
        day = first.date() + timedelta(days=n)
        mine = own.get(day)
        start = datetime.combine(day, (mine.start if mine else None) or DAY_START, tzinfo=zone)
        end = datetime.combine(day, (mine.end if mine else None) or DAY_END, tzinfo=zone)
        if n == 0:
            start = max(first, start) if mine and mine.start else first
            if day != last.date():  # a late start still drives to the night's stay: at least _FIRST_EVENING_S
                latest = datetime.combine(day, time(23, 59), tzinfo=zone)
                end = max(end, min(start + timedelta(seconds=_FIRST_EVENING_S), latest))
        if day == last.date():
            end = min(last, end) if mine and mine.end else last
        if (end - start).total_seconds() < _MIN_DAY_S:
            notes.append(f"No day is planned on {day:%a %d %b}: its window {start:%H:%M}-{end:%H:%M} is too short.")
            continue
        spans.append(DaySpan(len(spans), day, start, end, tuple(mine.must_visit) if mine else ()))
    return spans, notes
