"""Changes a traveller makes to a planned trip: replace or remove a stop, edit the request.

Each change re-plans the trip with a revised request and stores a new itinerary version
(pushed to the trip's stream like any other); the replaced or removed place goes into
``constraints.avoid_places`` so the planner does not bring it back.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Query

from codriver.api._deps import CurrentUser, IfMatch, ServicesDep, TripDep
from codriver.api._ports import Alternative
from codriver.api._services import Services, check_version
from codriver.api._trip_schemas import ReplaceStopIn, TripDetail
from codriver.api.routes._convert import trip_detail
from codriver.errors import InputError
from codriver.planning import Itinerary, ItineraryStop, TripRequest
from codriver.store import Trip, session_scope
from codriver.store._trips import latest_itinerary

router = APIRouter(prefix="/trips/{trip_id}", tags=["trips"])

StopIndex = Annotated[int, Path(ge=1, le=200, description="index into the newest itinerary's stops")]


async def _current(services: Services, trip: Trip, expected: int | None = None) -> Itinerary:
    """The itinerary a change is computed from: the version the caller saw (``If-Match``), else the newest."""
    assert trip.id is not None
    check_version(trip, expected)
    row = await anyio.to_thread.run_sync(services.trips.load_latest, trip.id)
    if row is None:
        msg = f"trip {trip.id} has no itinerary yet: plan it first"
        raise InputError(msg, field="trip_id")
    check_version(trip, row.version)  # a version stored since the trip was read: its stop indexes may differ
    return services.trips.itinerary_of(row)


def _stop(itinerary: Itinerary, index: int) -> ItineraryStop:
    stops = itinerary.stops
    if not 0 < index < len(stops) - 1:
        msg = f"stop {index} is not an inner stop of the itinerary (1..{len(stops) - 2})"
        raise InputError(msg, field="index")
    stop = stops[index]
    if stop.kind not in {"visit", "meal"} or stop.poi_id is None:
        msg = f"stop {index} is a {stop.kind} stop, which the charging planner places: change the vehicle instead"
        raise InputError(msg, field="index")
    return stop


def _without(request: TripRequest, poi_id: str, *, add: str | None = None) -> TripRequest:
    must = [m for m in request.must_visit if m != poi_id]
    if add is not None and add not in must:
        must.append(add)
    avoid = [p for p in request.constraints.avoid_places if p != add]
    if poi_id not in avoid:
        avoid.append(poi_id)
    constraints = request.constraints.model_copy(update={"avoid_places": avoid})
    return request.model_copy(update={"must_visit": must, "constraints": constraints})


async def _replan(services: Services, trip: Trip, user_id: int, request: TripRequest, reason: str) -> TripDetail:
    """A new version computed from ``trip`` as read: stored only on top of that version (else 409)."""
    assert trip.id is not None
    trip_id = trip.id
    planned = await services.trips.plan(
        user_id,
        request,
        title=None,
        vehicle_id=None,
        trip_id=trip_id,
        reason=reason[:500],
        expected_version=trip.current_version,
    )

    def load() -> TripDetail:
        with session_scope(services.engine) as session:
            return trip_detail(planned.trip, latest_itinerary(session, trip_id=trip_id), services)

    return await anyio.to_thread.run_sync(load)


@router.get("/stops/{index}/alternatives", response_model=list[Alternative])
async def alternatives(
    index: StopIndex,
    trip: TripDep,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=30)] = 8,
) -> list[Alternative]:
    """Catalogue places that could replace a visit or meal stop, least extra driving first, each with why."""
    itinerary = await _current(services, trip)
    _stop(itinerary, index)
    return await anyio.to_thread.run_sync(lambda: services.planner.alternatives(itinerary, index, limit=limit))


@router.post("/stops/{index}/replace", response_model=TripDetail)
async def replace(
    index: StopIndex,
    body: ReplaceStopIn,
    trip: TripDep,
    principal: CurrentUser,
    services: ServicesDep,
    *,
    if_match: IfMatch,
) -> TripDetail:
    """Replace a stop with another catalogue place: a new itinerary version that visits it instead.

    409 with ``current_version`` when the trip has a newer version than the one the
    change was based on (``If-Match``, else the version read by this request).
    """
    itinerary = await _current(services, trip, if_match)
    stop = _stop(itinerary, index)
    assert stop.poi_id is not None
    place = services.planner.place(itinerary.region, body.poi_id)
    if place is None:
        msg = f"{body.poi_id!r} is not a place of the region's catalogue"
        raise InputError(msg, field="poi_id")
    if body.poi_id == stop.poi_id:
        msg = f"{body.poi_id} is already stop {index}"
        raise InputError(msg, field="poi_id")
    request = _without(TripRequest.model_validate(trip.request), stop.poi_id, add=body.poi_id)
    reason = f"replaced {stop.name} with {place.name or place.poi_id}"
    return await _replan(services, trip, principal.user_id, request, reason)


@router.delete("/stops/{index}", response_model=TripDetail)
async def remove(
    index: StopIndex, trip: TripDep, principal: CurrentUser, services: ServicesDep, if_match: IfMatch
) -> TripDetail:
    """Remove a stop (the planner will not bring the place back): a new itinerary version (409 as for replace)."""
    itinerary = await _current(services, trip, if_match)
    stop = _stop(itinerary, index)
    assert stop.poi_id is not None
    request = _without(TripRequest.model_validate(trip.request), stop.poi_id)
    return await _replan(services, trip, principal.user_id, request, f"removed {stop.name}")


@router.put("/request", response_model=TripDetail)
async def edit_request(
    body: TripRequest, trip: TripDep, principal: CurrentUser, services: ServicesDep, if_match: IfMatch
) -> TripDetail:
    """Re-plan the trip with an edited request (e.g. a later return time): a new version (409 as for replace)."""
    check_version(trip, if_match)
    before = TripRequest.model_validate(trip.request) if trip.request else None
    changed = sorted(k for k in TripRequest.model_fields if before is None or getattr(before, k) != getattr(body, k))
    reason = "request edited: " + (", ".join(changed) if changed else "no change")
    return await _replan(services, trip, principal.user_id, body, reason)
