"""Public holidays of a region's country, by name: a plan on one says its places' usual hours are unconfirmed.

OSM opening_hours give a place's hours on public holidays only in a ``PH`` rule; hours without
one read a holiday as the usual weekday, which nobody confirmed for the holiday. The country is
the region's (from its time zone, as the request reader names holidays); the calendar is the
``holidays`` package's, offline, with names in English.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

__all__ = ["holiday_name"]


def holiday_name(country: str | None, day: date) -> str | None:
    """The name of the public holiday of ``country`` (ISO code) on ``day``, or None (no holiday, no country,
    or a country the calendar does not know)."""
    if country is None:
        return None
    calendar = _calendar(country, day.year)
    return None if calendar is None else calendar.get(day)


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, years=year, language="en_US")
    except NotImplementedError:  # a country the package has no calendar for
        return None
