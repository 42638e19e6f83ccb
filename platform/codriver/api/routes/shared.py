"""What a share link opens, signed out: the trip's plan read-only, its roads, and its exports.

The token in the path is the only credential: an unknown, revoked or malformed one is 404
(like a missing record), never 401, so the web app can say "this link no longer works".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlmodel import Session

from codriver.api._deps import ServicesDep, SessionDep
from codriver.api._ports import RegionMap
from codriver.api._security import SHARE_PREFIX, hash_secret
from codriver.api._services import Services
from codriver.api._share_schemas import SharedTrip
from codriver.api._trip_schemas import ItineraryVersionPublic
from codriver.api.routes.exports import FILES, Kind, export_response, web_link
from codriver.errors import RegionNotFound
from codriver.store import ItineraryRow, RecordNotFound, Trip, TripShare, latest_itinerary, shared_trip

router = APIRouter(prefix="/shared/{token}", tags=["sharing"])

Token = Annotated[str, Path(max_length=200, description="the token of a share link (cds_...)")]
_NO_STORE = {"Cache-Control": "private, no-cache", "Referrer-Policy": "no-referrer"}


def _open(session: Session, token: str) -> tuple[TripShare, Trip]:
    if not token.startswith(SHARE_PREFIX):
        msg = "this share link is unknown or has been revoked: ask the trip's owner for a new one"
        raise RecordNotFound(msg, field="token")
    return shared_trip(session, token_hash=hash_secret(token))


def _region(trip: Trip, row: ItineraryRow | None, services: Services) -> str | None:
    """The region the plan was made in, else the trip's."""
    planned = row.document.get("region") if row is not None else None
    return planned if isinstance(planned, str) else services.trips.region_name(trip)


@router.get("", response_model=SharedTrip)
def read(token: Token, session: SessionDep, services: ServicesDep, response: Response) -> SharedTrip:
    """The shared trip with its newest itinerary (404 when the link is unknown or revoked)."""
    share, trip = _open(session, token)
    assert trip.id is not None
    row = latest_itinerary(session, trip_id=trip.id)
    version = None
    if row is not None:
        itinerary = services.trips.itinerary_of(row).model_copy(update={"request": None})
        version = ItineraryVersionPublic(
            version=row.version, status=row.status, reason=None, created_at=row.created_at, itinerary=itinerary
        )
    request = trip.request or {}
    response.headers.update(_NO_STORE)
    return SharedTrip(
        title=trip.title,
        status=trip.status,
        region=_region(trip, row, services),
        depart_at=request.get("depart_at"),
        return_by=request.get("return_by"),
        currency=str(request.get("currency") or "EUR"),
        shared_at=share.created_at,
        itinerary=version,
    )


@router.get("/map", response_model=RegionMap)
def region_map(token: Token, session: SessionDep, services: ServicesDep, response: Response) -> RegionMap:
    """The roads of the shared trip's region, for the read-only map (404 when the link does not work)."""
    _, trip = _open(session, token)
    assert trip.id is not None
    row = latest_itinerary(session, trip_id=trip.id)
    name = _region(trip, row, services)
    if name is None:
        msg = "the shared trip has no region to draw"
        raise RecordNotFound(msg, field="token")
    try:
        found = services.planner.region_map(name)
    except RegionNotFound as exc:
        raise RecordNotFound(str(exc), field="token") from exc
    response.headers["Cache-Control"] = "private, max-age=3600"
    return found


@router.get("/itinerary.{kind}", response_class=Response, responses=FILES)
def export(token: Token, kind: Kind, session: SessionDep, services: ServicesDep, request: Request) -> Response:
    """The shared itinerary as a download: ``gpx`` (GPX 1.1) or ``ics`` (iCalendar)."""
    _, trip = _open(session, token)
    assert trip.id is not None
    row = latest_itinerary(session, trip_id=trip.id)
    response = export_response(kind, trip, row, services, link=web_link(request, f"#/shared/{token}"))
    response.headers.update(_NO_STORE)
    return response
