"""Trips: CRUD, itinerary versions and their differences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from codriver.api._deps import CurrentUser, IfMatch, ServicesDep, SessionDep, TripDep
from codriver.api._diff import diff_itineraries
from codriver.api._services import check_version
from codriver.api._settings import MAX_ID
from codriver.api._trip_schemas import (
    ItineraryDiff,
    ItineraryVersionPublic,
    ItineraryVersionSummary,
    TripCreate,
    TripDetail,
    TripPublic,
    TripUpdate,
)
from codriver.api.routes._convert import trip_detail, trip_public, version_public, version_summary
from codriver.errors import InputError
from codriver.store import create_trip, itinerary_version, latest_itinerary, list_trips, list_versions, owned_vehicle

router = APIRouter(prefix="/trips", tags=["trips"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TripDetail)
def create(body: TripCreate, session: SessionDep, principal: CurrentUser, services: ServicesDep) -> TripDetail:
    """A draft trip holding a request; plan it with ``POST /v1/plan`` and its ``trip_id``."""
    if body.vehicle_id is not None:
        owned_vehicle(session, user_id=principal.user_id, vehicle_id=body.vehicle_id)
    trip = create_trip(
        session,
        user_id=principal.user_id,
        title=body.title,
        request=body.request.model_dump(mode="json"),
        vehicle_id=body.vehicle_id,
    )
    return trip_detail(trip, None, services)


@router.get("", response_model=list[TripPublic])
def trips(
    session: SessionDep,
    principal: CurrentUser,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[TripPublic]:
    """Your trips, newest first."""
    return [
        trip_public(t, services) for t in list_trips(session, user_id=principal.user_id, limit=limit, offset=offset)
    ]


@router.get("/{trip_id}", response_model=TripDetail)
def read(trip: TripDep, session: SessionDep, services: ServicesDep, response: Response) -> TripDetail:
    """A trip with its newest itinerary; ``ETag`` is its version (send it back as ``If-Match`` with a change)."""
    assert trip.id is not None
    response.headers["ETag"] = f'"{trip.current_version}"'
    return trip_detail(trip, latest_itinerary(session, trip_id=trip.id), services)


@router.patch("/{trip_id}", response_model=TripDetail)
def update(
    body: TripUpdate,
    trip: TripDep,
    session: SessionDep,
    principal: CurrentUser,
    services: ServicesDep,
    *,
    if_match: IfMatch,
) -> TripDetail:
    """Rename, change the vehicle, start, finish or cancel a trip (409 when ``If-Match`` is not its version)."""
    assert trip.id is not None
    check_version(trip, if_match)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "vehicle_id" in changes:
        owned_vehicle(session, user_id=principal.user_id, vehicle_id=changes["vehicle_id"])
    if trip.status in {"done", "cancelled"} and changes.get("status", trip.status) != trip.status:
        msg = f"trip {trip.id} is {trip.status}: it cannot change status any more"
        raise InputError(msg, field="status")
    for key, value in changes.items():
        setattr(trip, key, value)
    trip.updated_at = services.clock.now()
    session.add(trip)
    session.flush()
    return trip_detail(trip, latest_itinerary(session, trip_id=trip.id), services)


@router.delete("/{trip_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete(trip: TripDep, session: SessionDep, if_match: IfMatch) -> None:
    """Delete a trip with its itineraries, events and feedback (409 when ``If-Match`` is not its version)."""
    check_version(trip, if_match)
    session.delete(trip)


@router.get("/{trip_id}/itineraries", response_model=list[ItineraryVersionSummary])
def versions(trip: TripDep, session: SessionDep) -> list[ItineraryVersionSummary]:
    """Every itinerary version of the trip, oldest first."""
    assert trip.id is not None
    return [version_summary(row) for row in list_versions(session, trip_id=trip.id)]


@router.get("/{trip_id}/itineraries/{version}", response_model=ItineraryVersionPublic)
def version(
    trip: TripDep, version: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep, services: ServicesDep
) -> ItineraryVersionPublic:
    """One itinerary version."""
    assert trip.id is not None
    return version_public(itinerary_version(session, trip_id=trip.id, version=version), services)


@router.get("/{trip_id}/diff", response_model=ItineraryDiff)
def diff(
    trip: TripDep,
    session: SessionDep,
    services: ServicesDep,
    from_version: Annotated[int, Query(ge=1, le=MAX_ID)],
    to_version: Annotated[int | None, Query(ge=1, le=MAX_ID, description="default: the newest")] = None,
) -> ItineraryDiff:
    """What changed between two itinerary versions."""
    assert trip.id is not None
    a = itinerary_version(session, trip_id=trip.id, version=from_version)
    b = itinerary_version(session, trip_id=trip.id, version=to_version or trip.current_version)
    return diff_itineraries(
        trip.id, a.version, services.trips.itinerary_of(a), b.version, services.trips.itinerary_of(b)
    )
