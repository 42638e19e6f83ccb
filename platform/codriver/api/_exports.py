"""An itinerary as files other apps open: GPX 1.1 (navigation apps) and iCalendar (calendars).

GPX is written with ``gpxpy`` and iCalendar with ``icalendar``: both escape text, fold
lines and format times as their standards require, which hand-written XML and ``.ics``
text easily get wrong (``icalendar`` also writes the ``VTIMEZONE`` of the trip's zone).

- GPX: every stop is a waypoint (``wpt``: name, kind as ``type``, explanation, the time
  there); the stops in order are a route (``rte``) a navigation app can follow; the
  driven roads are a track (``trk``) with one segment per leg.
- iCalendar: one ``VEVENT`` per stop, from arrival to departure in the trip's time zone
  (the start is the moment of leaving, the end the moment of arriving); ``UID`` is stable
  per trip and stop position and ``SEQUENCE`` is the itinerary version, so importing a
  newer version updates the events instead of adding them again.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import gpxpy.gpx
from icalendar import Calendar, Event, vGeo

from codriver.planning import Itinerary, ItineraryStop

__all__ = ["GPX_MEDIA_TYPE", "ICS_MEDIA_TYPE", "attachment", "itinerary_gpx", "itinerary_ics", "slug"]

GPX_MEDIA_TYPE = "application/gpx+xml"
ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
_PRODID = "-//Codriver//Trip export//EN"
_KIND_WORDS = {
    "start": "Leave",
    "visit": "Visit",
    "meal": "Meal",
    "charge": "Charge",
    "fuel": "Refuel",
    "end": "Arrive",
}


def slug(title: str, *, fallback: str = "trip") -> str:
    """A file name stem: ASCII letters, digits and dashes (``Museums, Sun 13 Dec`` -> ``museums-sun-13-dec``)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:60].strip("-") or fallback


def attachment(filename: str) -> dict[str, str]:
    """Headers of a download named ``filename`` (ASCII, from :func:`slug`)."""
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-cache"}


def _zone(itinerary: Itinerary) -> ZoneInfo | None:
    if not itinerary.timezone:
        return None
    try:
        return ZoneInfo(itinerary.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _when(stop: ItineraryStop) -> datetime | None:
    return _second(stop.arrive_at or stop.depart_at)


def _second(moment: datetime | None) -> datetime | None:
    """GPX and iCalendar times are whole seconds: drop the fraction rather than let each library round it."""
    return moment.replace(microsecond=0) if moment is not None else None


def _describe(stop: ItineraryStop) -> str:
    kind = _KIND_WORDS.get(stop.kind, stop.kind)
    if stop.meal:
        kind = f"{kind} ({stop.meal})"
    return f"{kind}: {stop.explanation}" if stop.explanation else kind


def itinerary_gpx(itinerary: Itinerary, *, title: str, link: str | None = None) -> bytes:
    """A GPX 1.1 document (UTF-8) of the itinerary: stops as waypoints and a route, legs as a track."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "Codriver"
    gpx.name = title
    gpx.description = "A Codriver trip: stops (waypoints and route) and the roads driven (track)."
    gpx.author_name = "Codriver"
    gpx.copyright_author = "OpenStreetMap contributors"
    gpx.copyright_license = "https://opendatacommons.org/licenses/odbl/1-0/"
    if link:
        gpx.link = link
        gpx.link_text = title
    first = next((t for s in itinerary.stops if (t := _when(s)) is not None), None)
    gpx.time = first.astimezone(UTC) if first else None
    route = gpxpy.gpx.GPXRoute(name=title)
    for stop in itinerary.stops:
        when = _when(stop)
        time = when.astimezone(UTC) if when else None
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=stop.lat,
                longitude=stop.lon,
                time=time,
                name=stop.name,
                description=_describe(stop),
                type=stop.kind,
            )
        )
        route.points.append(
            gpxpy.gpx.GPXRoutePoint(latitude=stop.lat, longitude=stop.lon, time=time, name=stop.name, type=stop.kind)
        )
    gpx.routes.append(route)
    track = gpxpy.gpx.GPXTrack(name=title, description="the roads driven, one segment per leg")
    walks = gpxpy.gpx.GPXTrack(name=f"{title}: walks", description="the walks of park and walk, one segment each")
    for leg in itinerary.legs:
        _segment(walks if leg.mode == "walk" else track, leg.geometry)
        for line in leg.walk_geometry:  # to the parked car and from the parking place
            _segment(walks, line)
    gpx.tracks.extend(t for t in (track, walks) if t.segments)
    return gpx.to_xml(version="1.1").encode()


def _segment(track: gpxpy.gpx.GPXTrack, geometry: dict[str, Any]) -> None:
    """A GeoJSON LineString as a segment of ``track`` (left out under two points)."""
    segment = gpxpy.gpx.GPXTrackSegment()
    for point in geometry.get("coordinates") or []:
        lon, lat = float(point[0]), float(point[1])
        segment.points.append(gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon))
    if len(segment.points) >= 2:
        track.segments.append(segment)


def itinerary_ics(
    itinerary: Itinerary,
    *,
    title: str,
    uid_prefix: str,
    version: int,
    now: datetime,
    link: str | None = None,
) -> bytes:
    """An iCalendar document (RFC 5545, UTF-8): one event per stop in the trip's zone.

    ``uid_prefix`` makes the events' UIDs (``{uid_prefix}-stop-{index}@codriver``);
    ``now`` is their ``DTSTAMP``; ``link`` (the trip's page) goes into each event's URL.
    """
    zone = _zone(itinerary)
    calendar = Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    if zone is not None:
        calendar.add("x-wr-timezone", zone.key)
    stamp = now.astimezone(UTC)
    for index, stop in enumerate(itinerary.stops):
        start = _when(stop)
        if start is None:
            continue
        end = _second(stop.depart_at) if stop.arrive_at is not None else None
        event = Event()
        event.add("uid", f"{uid_prefix}-stop-{index}@codriver")
        event.add("dtstamp", stamp)
        event.add("sequence", version)
        event.add("dtstart", start.astimezone(zone) if zone else start.astimezone(UTC))
        if end is not None and end > start:
            event.add("dtend", end.astimezone(zone) if zone else end.astimezone(UTC))
        event.add("summary", f"{_KIND_WORDS.get(stop.kind, stop.kind)}: {stop.name}")
        event.add("location", stop.name)
        event["geo"] = vGeo((stop.lat, stop.lon))
        event.add("description", _describe(stop))
        event.add("categories", [stop.kind])
        event.add("transp", "OPAQUE")
        if link:
            event.add("url", link)
        calendar.add_component(event)
    if zone is not None:
        calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
