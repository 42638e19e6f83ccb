"""Exports of a trip's itinerary: GPX 1.1 for navigation apps, iCalendar for calendars."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from codriver.api._deps import ServicesDep, SessionDep, TripDep
from codriver.api._exports import GPX_MEDIA_TYPE, ICS_MEDIA_TYPE, attachment, itinerary_gpx, itinerary_ics, slug
from codriver.api._services import Services
from codriver.api._settings import MAX_ID
from codriver.store import ItineraryRow, RecordNotFound, Trip, itinerary_version, latest_itinerary

__all__ = ["FILES", "Kind", "export_response", "router", "web_link"]

router = APIRouter(prefix="/trips/{trip_id}", tags=["export"])

Version = Annotated[int | None, Query(ge=1, le=MAX_ID, description="an itinerary version (default: the newest)")]
Kind = Annotated[Literal["gpx", "ics"], Path(description="gpx (GPX 1.1) or ics (iCalendar, RFC 5545)")]
FILES: dict[int | str, dict[str, Any]] = {
    200: {"content": {GPX_MEDIA_TYPE: {}, "text/calendar": {}}, "description": "the file, as an attachment"}
}


def web_link(request: Request, fragment: str) -> str:
    """The web app's address of a page (``#/trips/12``), as the caller reached the service."""
    return f"{str(request.base_url).rstrip('/')}/{fragment}"


def export_response(
    kind: Literal["gpx", "ics"], trip: Trip, row: ItineraryRow | None, services: Services, *, link: str
) -> Response:
    """The itinerary of ``row`` as a download (404 when the trip has no itinerary yet)."""
    if row is None:
        msg = f"trip {trip.id} has no itinerary yet: plan it first (POST /v1/plan with its trip_id)"
        raise RecordNotFound(msg, field="version")
    itinerary = services.trips.itinerary_of(row)
    name = slug(trip.title)
    if kind == "gpx":
        body = itinerary_gpx(itinerary, title=trip.title, link=link)
        return Response(body, media_type=GPX_MEDIA_TYPE, headers=attachment(f"{name}.gpx"))
    body = itinerary_ics(
        itinerary,
        title=trip.title,
        uid_prefix=f"codriver-trip-{trip.id}",
        version=row.version,
        now=services.clock.now(),
        link=link,
    )
    return Response(body, media_type=ICS_MEDIA_TYPE, headers=attachment(f"{name}.ics"))


def _row(session: SessionDep, trip: Trip, version: int | None) -> ItineraryRow | None:
    assert trip.id is not None
    if version is None:
        return latest_itinerary(session, trip_id=trip.id)
    return itinerary_version(session, trip_id=trip.id, version=version)


@router.get(
    "/itinerary.{kind}",
    response_class=Response,
    responses=FILES,
)
def export(
    trip: TripDep,
    kind: Kind,
    session: SessionDep,
    services: ServicesDep,
    request: Request,
    *,
    version: Version = None,
) -> Response:
    """The itinerary as a download: ``gpx`` (GPX 1.1: stops as waypoints and a route, legs as a track) or
    ``ics`` (iCalendar: one event per stop, in the trip's time zone)."""
    row = _row(session, trip, version)
    return export_response(kind, trip, row, services, link=web_link(request, f"#/trips/{trip.id}"))
