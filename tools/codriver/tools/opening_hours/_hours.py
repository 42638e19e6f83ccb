"""Opening hours of one place, evaluated in its region's time zone (opening-hours-py).

Rules (also in ``docs/tools/opening_hours.md``):

- Times are evaluated in the region's IANA zone. An aware datetime in any zone is
  converted first; a naive datetime is refused with :class:`InputError` (a naive time is
  ambiguous in a service that serves several regions).
- Public holidays (``PH``) come from the country of the place's coordinates, offline.
- A missing or unparseable tag is ``unknown``, never ``open``.
- A comment-only rule (``"by appointment"``) is ``unknown`` with its comment, unless the
  comment plainly says open (see :mod:`._rules`).
- The library's interval iterator is wrong after a fallback rule (``||``), so such
  expressions are evaluated minute by minute and look ahead one day instead of eight.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import opening_hours

from codriver.errors import InputError
from codriver.tools.opening_hours._models import HoursInterval, HoursSource, HoursState, HoursStatus
from codriver.tools.opening_hours._normalise import normalise_hours
from codriver.tools.opening_hours._rules import PARSER_ERROR, parse_error_summary, plainly_open, rewrite_comment_rules

__all__ = ["HORIZON", "PlaceHours", "hours_for", "region_zone", "to_zone"]

HORIZON = timedelta(days=8)
_FALLBACK_HORIZON = timedelta(days=1)
_MINUTE = timedelta(minutes=1)
_CACHE_SIZE = 16_384
_COORD_DIGITS = 4  # about 10 m: same holidays and sun times

_Span = tuple[datetime, datetime, HoursState, str | None]
_SUN = re.compile(r"\b(?:sunrise|sunset|dawn|dusk)\b", re.IGNORECASE)
_OPEN_END = re.compile(r"\d\+")
_HOLIDAY = re.compile(r"\bPH\b")
_DISPUTED = "public holiday for one evaluator, not for the other: check before going"


@lru_cache(maxsize=64)
def _disputed_dates(zone: str, year: int) -> frozenset[date]:
    """Days that opening-hours-py counts as public holidays and opening_hours.js does not.

    Finland: Midsummer Eve (the Friday between 19 and 25 June) and Christmas Eve; found
    by the differential test, which samples the holidays of a year.
    """
    if zone != "Europe/Helsinki":
        return frozenset()
    eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    return frozenset({eve, date(year, 12, 24)})


def _disputed_days(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """[midnight, next midnight) of every disputed day that meets [start, end), in order."""
    out = []
    for year in range(start.year, end.year + 1):
        for day in sorted(_disputed_dates(zone.key, year)):
            day_start = datetime.combine(day, time(), tzinfo=zone)
            day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
            if day_end > start and day_start < end:
                out.append((day_start, day_end))
    return out


@lru_cache(maxsize=256)
def region_zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; an unknown name is an :class:`InputError`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        msg = f"unknown time zone {name!r}: give an IANA name such as 'Europe/Helsinki'"
        raise InputError(msg, field="timezone") from exc


def to_zone(at: datetime, zone: ZoneInfo, *, field: str = "at") -> datetime:
    """``at`` expressed in ``zone``; a naive datetime is an :class:`InputError`."""
    if at.tzinfo is None or at.utcoffset() is None:
        msg = (
            f"{field}={at.isoformat()} has no UTC offset: give an aware time such as "
            f"'{at.replace(microsecond=0).isoformat()}+03:00'"
        )
        raise InputError(msg, field=field)
    return at.astimezone(zone)


class PlaceHours:
    """The opening hours of one place; build it with :func:`hours_for` (cached)."""

    def __init__(self, raw: str | None, *, zone: ZoneInfo, coords: tuple[float, float] | None = None) -> None:
        self.raw = raw
        self.zone = zone
        self.error: str | None = None
        self.source: HoursSource = "hours"
        self._expr: opening_hours.OpeningHours | None = None
        self._fallback = False
        self._fallback_comment: str | None = None
        # Set when the comment rewrite could not be parsed: then any open-with-comment
        # the library reports is treated as unknown (unless the comment plainly says open).
        self._distrust_comments = False
        # Where opening-hours-py and the reference (opening_hours.js) are known to differ
        # and no rewrite helps, the answer is "unknown" (see docs/tools/opening_hours.md).
        self._doubt: str | None = None
        self._open_end = False
        self._holidays = False
        if raw is None or not raw.strip():
            self.source = "missing"
            return
        unquoted = " ".join(raw.split('"')[::2])
        if _SUN.search(unquoted):
            self._doubt = "sun times (sunrise, sunset, dusk, dawn) differ between evaluators: check before going"
        self._open_end = bool(_OPEN_END.search(unquoted))
        self._holidays = bool(_HOLIDAY.search(unquoted))
        normalised = normalise_hours(raw)
        rewrite = rewrite_comment_rules(normalised)
        self._fallback = rewrite.has_fallback
        self._fallback_comment = rewrite.fallback_comment
        try:
            self._expr = self._parse(rewrite.text, coords)
        except PARSER_ERROR as exc:
            if not rewrite.changed and normalised == raw:
                self.source, self.error = "invalid", parse_error_summary(str(exc))
                return
            try:
                self._expr = self._parse(raw, coords)
            except PARSER_ERROR as original:
                self.source, self.error = "invalid", parse_error_summary(str(original))
                return
            self._distrust_comments = True

    def _parse(self, text: str, coords: tuple[float, float] | None) -> opening_hours.OpeningHours:
        return opening_hours.OpeningHours(text, timezone=self.zone, coords=coords, auto_timezone=False)

    @property
    def parsed(self) -> bool:
        """Whether the tag exists and parses."""
        return self._expr is not None

    @property
    def mentions_holidays(self) -> bool:
        """Whether the tag has a public-holiday rule (``PH``): without one, a holiday reads as a usual day."""
        return self._holidays

    # -- evaluation -------------------------------------------------------------------------
    def _map(self, state: opening_hours.State, comment: str) -> tuple[HoursState, str | None]:
        text = comment or None
        if self._doubt is not None:
            return "unknown", self._doubt
        if state == opening_hours.State.OPEN:
            if self._distrust_comments and text and not plainly_open(text):
                return "unknown", text
            if self._open_end:  # "18:00+": open, until nobody knows when
                return "unknown", text or "open end: closing time not recorded"
            return "open", text
        if state == opening_hours.State.CLOSED:
            if self._fallback_comment is not None:  # "otherwise: on appointment" is not closed
                return "unknown", self._fallback_comment
            return "closed", text
        return "unknown", text

    def _spans(self, start: datetime, end: datetime) -> Iterator[_Span]:
        """(start, end, state, comment) pieces covering [start, end) in the zone.

        Days whose holiday status the evaluators dispute are unknown for rules with ``PH``.
        """
        pieces = self._library_spans(start, end)
        disputed = _disputed_days(self.zone, start, end) if self._holidays else []
        if not disputed:
            yield from pieces
            return
        for a, b, state, comment in pieces:
            cursor = a
            for day_start, day_end in disputed:
                if day_end <= cursor or day_start >= b:
                    continue
                if day_start > cursor:
                    yield cursor, day_start, state, comment
                cursor = min(b, day_end)
                yield max(a, day_start), cursor, "unknown", _DISPUTED
            if cursor < b:
                yield cursor, b, state, comment

    def _library_spans(self, start: datetime, end: datetime) -> Iterator[_Span]:
        """Raw (start, end, state, comment) pieces covering [start, end) in the zone."""
        if self._expr is None:
            yield start, end, "unknown", None
            return
        if not self._fallback:
            for a, b, state, comment in self._expr.intervals(start, end):
                yield (a.astimezone(self.zone), b.astimezone(self.zone), *self._map(state, comment))
            return
        # Minute grid (OSM hours have minute resolution), stepped in UTC so DST is exact.
        expr = self._expr
        current = self._map(*expr.state(start))
        seg_start = start
        step = start.astimezone(UTC).replace(second=0, microsecond=0) + _MINUTE
        end_utc = end.astimezone(UTC)
        while step < end_utc:
            local = step.astimezone(self.zone)
            now = self._map(*expr.state(local))
            if now != current:
                yield seg_start, local, *current
                seg_start, current = local, now
            step += _MINUTE
        yield seg_start, end, *current

    def intervals(self, start: datetime, end: datetime) -> list[HoursInterval]:
        """Consecutive intervals of one state (and comment) covering [start, end).

        ``start`` and ``end`` must be aware; the intervals are in the region's zone.
        """
        start, end = to_zone(start, self.zone, field="start"), to_zone(end, self.zone, field="end")
        if end <= start:
            msg = f"end {end.isoformat()} must be after start {start.isoformat()}"
            raise InputError(msg, field="end")
        merged: list[HoursInterval] = []
        for a, b, state, comment in self._spans(start, end):
            if b <= a:
                continue
            last = merged[-1] if merged else None
            if last is not None and last.state == state and last.comment == comment and last.end == a:
                last.end = b
            else:
                merged.append(HoursInterval(start=a, end=b, state=state, comment=comment))
        return merged

    def open_intervals(self, day: date) -> list[HoursInterval]:
        """The open intervals of one local calendar day (midnight to midnight in the zone)."""
        start = datetime.combine(day, time(), tzinfo=self.zone)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=self.zone)
        return [interval for interval in self.intervals(start, end) if interval.state == "open"]

    def day_text(self, day: date) -> str:
        """The open hours of a local day for people: ``open 24 hours``, ``10:00-18:00, 19:00-23:00``,
        ``until 02:00, 18:00-02:00`` (a night that runs into the next day ends where it ends),
        ``closed``, or ``unknown``.
        """
        start = datetime.combine(day, time(), tzinfo=self.zone)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=self.zone)
        # Look past midnight on both sides to see nights that run across it.
        pieces = self.intervals(start - timedelta(hours=12), end + timedelta(hours=12))
        spans = [p for p in pieces if p.state == "open" and p.end > start and p.start < end]
        if not spans:
            known = any(p.state == "closed" and p.end > start and p.start < end for p in pieces)
            return "closed" if known else "unknown"
        if spans[0].start <= start and spans[0].end >= end:
            return "open 24 hours"
        words = []
        for span in spans:
            until = "24:00" if span.end == end else span.end.strftime("%H:%M")
            words.append(f"until {until}" if span.start < start else f"{span.start.strftime('%H:%M')}-{until}")
        if any(p.state == "unknown" and p.end > start and p.start < end for p in pieces):
            words.append("otherwise unknown")
        return ", ".join(words)

    def state_at(self, at: datetime) -> tuple[HoursState, str | None]:
        """(state, comment) at one moment, without looking ahead."""
        local = to_zone(at, self.zone)
        if self._expr is None:
            return "unknown", None
        if self._holidays and local.date() in _disputed_dates(self.zone.key, local.year):
            return "unknown", _DISPUTED
        return self._map(*self._expr.state(local))

    def status(self, at: datetime) -> HoursStatus:
        """State and comment at ``at``, the next change and when it closes or opens.

        Looks ahead :data:`HORIZON` (one day for fallback rules): a change later than
        that is reported as None.
        """
        local = to_zone(at, self.zone)
        if self._expr is None:
            return HoursStatus(state="unknown", at=local, source=self.source)
        horizon = _FALLBACK_HORIZON if self._fallback else HORIZON
        state: HoursState | None = None
        comment: str | None = None
        next_change: datetime | None = None
        opens_at: datetime | None = None
        # Lazily: stop as soon as the answer is known.
        for start, end, piece_state, piece_comment in self._spans(local, local + horizon):
            if end <= start:
                continue
            if state is None:
                state, comment = piece_state, piece_comment
                continue
            if next_change is None and piece_state != state:
                next_change = start
            if state == "open" and next_change is not None:
                break
            if state != "open" and piece_state == "open":
                opens_at = start
                break
        assert state is not None
        return HoursStatus(
            state=state,
            comment=comment,
            at=local,
            next_change=next_change,
            open_until=next_change if state == "open" else None,
            opens_at=opens_at,
            source=self.source,
        )

    def open_throughout(self, start: datetime, end: datetime) -> bool:
        """Whether the place is open for the whole visit [start, end); unknown is not open.

        ``start == end`` asks about a single moment.
        """
        if to_zone(end, self.zone, field="end") == to_zone(start, self.zone, field="start"):
            return self.state_at(start)[0] == "open"
        return all(interval.state == "open" for interval in self.intervals(start, end))


@lru_cache(maxsize=_CACHE_SIZE)
def _cached(raw: str | None, lat: float | None, lon: float | None, zone_name: str) -> PlaceHours:
    coords = (lat, lon) if lat is not None and lon is not None else None
    return PlaceHours(raw, zone=region_zone(zone_name), coords=coords)


def hours_for(raw: str | None, *, lat: float | None, lon: float | None, timezone: str) -> PlaceHours:
    """The parsed opening hours of a place, cached per (string, coordinates, zone).

    ``lat``/``lon`` (WGS84 degrees) select the country for public holidays and the sun
    times; ``timezone`` is the region's IANA zone. Never raises for a bad tag: check
    :attr:`PlaceHours.source` and :attr:`PlaceHours.error`.
    """
    key_lat = round(lat, _COORD_DIGITS) if lat is not None else None
    key_lon = round(lon, _COORD_DIGITS) if lon is not None else None
    return _cached(raw.strip() if raw else None, key_lat, key_lon, timezone)
