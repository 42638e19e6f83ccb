"""Changes a traveller makes to a planned trip: edit the stops directly, or edit the request.

Each change re-plans the trip with a revised request and stores a new itinerary version
(pushed to the trip's stream like any other). Direct edits (reorder, add at a position,
replace, remove, stay length, lock) keep the traveller's own stops in their order and
re-time only what must move (see :mod:`codriver.api._stop_edits`); the replaced or removed
place goes into ``constraints.avoid_places`` so the planner does not bring it back.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Query

from codriver.api._deps import CurrentUser, IfMatch, ServicesDep, TripDep
from codriver.api._ports import Alternative
from codriver.api._services import Services, check_version
from codriver.api._stop_edits import around_locked, current_stops, position_of, with_stops
from codriver.api._trip_schemas import AddStopIn, ReplaceStopIn, StopsIn, TripDetail
from codriver.api.routes._convert import trip_detail
from codriver.errors import InputError
from codriver.planning import Itinerary, ItineraryStop, StopChoice, TripRequest
from codriver.store import Trip, latest_itinerary, session_scope

router = APIRouter(prefix="/trips/{trip_id}", tags=["trips"])

StopIndex = Annotated[int, Path(ge=1, le=200, description="index into the newest itinerary's stops")]


async def current_itinerary(services: Services, trip: Trip, expected: int | None = None) -> Itinerary:
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


def _check_places(services: Services, itinerary: Itinerary, stops: list[StopChoice], field: str) -> None:
    """Every stop a place of the trip's region (InputError naming the stop that is not)."""
    for k, choice in enumerate(stops):
        if services.planner.place(itinerary.region, choice.poi_id) is None:
            name = f"{field}[{k}].poi_id" if field == "stops" else field
            msg = f"{choice.poi_id!r} is not a place of this region: choose one from the place search"
            raise InputError(msg, field=name)


async def replan_edit(services: Services, trip: Trip, user_id: int, request: TripRequest, reason: str) -> TripDetail:
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
    itinerary = await current_itinerary(services, trip)
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
    itinerary = await current_itinerary(services, trip, if_match)
    stop = _stop(itinerary, index)
    assert stop.poi_id is not None
    place = services.planner.place(itinerary.region, body.poi_id)
    if place is None:
        msg = f"{body.poi_id!r} is not a place of the region's catalogue"
        raise InputError(msg, field="poi_id")
    if body.poi_id == stop.poi_id:
        msg = f"{body.poi_id} is already stop {index}"
        raise InputError(msg, field="poi_id")
    request = TripRequest.model_validate(trip.request)
    stops = current_stops(request, itinerary)
    k = position_of(stops, stop.poi_id)
    if any(c.poi_id == body.poi_id for c in stops):
        msg = f"{place.name or body.poi_id} is already a stop of this trip"
        raise InputError(msg, field="poi_id")
    stops[k] = StopChoice(poi_id=body.poi_id, meal=stops[k].meal, locked=stops[k].locked)
    revised = with_stops(request, stops, removed=[stop.poi_id])
    reason = f"replaced {stop.name} with {place.name or place.poi_id}"
    return await replan_edit(services, trip, principal.user_id, revised, reason)


@router.delete("/stops/{index}", response_model=TripDetail)
async def remove(
    index: StopIndex,
    *,
    trip: TripDep,
    principal: CurrentUser,
    services: ServicesDep,
    if_match: IfMatch,
    fill: Annotated[bool, Query(description="let the planner fill the gap with places of its own")] = False,
) -> TripDetail:
    """Remove a stop and nothing else (the planner will not bring the place back): a new version (409 as for replace).

    The other stops keep their order; only the times that must move change. With
    ``fill=true`` the planner may add places of its own around the remaining stops.
    """
    itinerary = await current_itinerary(services, trip, if_match)
    stop = _stop(itinerary, index)
    assert stop.poi_id is not None
    request = TripRequest.model_validate(trip.request)
    stops = current_stops(request, itinerary)
    del stops[position_of(stops, stop.poi_id)]
    revised = with_stops(request, stops, fill=fill, removed=[stop.poi_id])
    reason = f"removed {stop.name}" + (" and filled the gap" if fill else "")
    return await replan_edit(services, trip, principal.user_id, revised, reason)


@router.put("/stops", response_model=TripDetail)
async def set_stops(
    body: StopsIn, trip: TripDep, principal: CurrentUser, services: ServicesDep, if_match: IfMatch
) -> TripDetail:
    """The trip's visits and meals as the traveller orders them (reorder, stay lengths, locks): a new version.

    The plan visits exactly these stops in this order (``fill``: the planner may add
    places around them); stops left out are removed and not brought back. 409 as for replace.
    """
    itinerary = await current_itinerary(services, trip, if_match)
    _check_places(services, itinerary, body.stops, "stops")
    request = TripRequest.model_validate(trip.request)
    before = current_stops(request, itinerary)
    kept = {c.poi_id for c in body.stops}
    removed = [c.poi_id for c in before if c.poi_id not in kept]
    revised = with_stops(request, body.stops, fill=body.fill, removed=removed)
    return await replan_edit(services, trip, principal.user_id, revised, _describe(before, body.stops))


@router.post("/stops", response_model=TripDetail)
async def add_stop(
    body: AddStopIn, trip: TripDep, principal: CurrentUser, services: ServicesDep, if_match: IfMatch
) -> TripDetail:
    """Add a catalogue place as a stop at ``position`` (1 = first after the start; default: last): a new version.

    The other stops keep their order and only the times that must move change. 409 as for replace.
    """
    itinerary = await current_itinerary(services, trip, if_match)
    request = TripRequest.model_validate(trip.request)
    stops = current_stops(request, itinerary)
    added = StopChoice(poi_id=body.poi_id, stay_min=body.stay_min)
    _check_places(services, itinerary, [added], "poi_id")
    if any(c.poi_id == body.poi_id for c in stops):
        msg = "that place is already a stop of this trip"
        raise InputError(msg, field="poi_id")
    position = len(stops) + 1 if body.position is None else body.position
    if not 1 <= position <= len(stops) + 1:
        msg = f"position must be between 1 (the first stop) and {len(stops) + 1} (the last stop)"
        raise InputError(msg, field="position")
    stops.insert(position - 1, added)
    place = services.planner.place(itinerary.region, body.poi_id)
    name = (place.name if place else None) or body.poi_id
    return await replan_edit(services, trip, principal.user_id, with_stops(request, stops), f"added {name}")


def _describe(before: list[StopChoice], after: list[StopChoice]) -> str:
    """The reason of a stop-list edit in words (stored with the version)."""
    old = {c.poi_id: c for c in before}
    new = {c.poi_id for c in after}
    parts = []
    if [c.poi_id for c in before if c.poi_id in new] != [c.poi_id for c in after if c.poi_id in old]:
        parts.append("stops reordered")
    if new - set(old):
        parts.append("stops added")
    if set(old) - new:
        parts.append("stops removed")
    if any(c.poi_id in old and c.stay_min != old[c.poi_id].stay_min for c in after):
        parts.append("stay changed")
    if any(c.poi_id in old and c.locked != old[c.poi_id].locked for c in after):
        parts.append("locks changed")
    return "edited stops: " + (", ".join(parts) or "no change")


@router.put("/request", response_model=TripDetail)
async def edit_request(
    body: TripRequest, trip: TripDep, principal: CurrentUser, services: ServicesDep, if_match: IfMatch
) -> TripDetail:
    """Re-plan the trip with an edited request (e.g. a later return time): a new version (409 as for replace).

    Unless the edit changes ``stops`` itself, the day is planned again around the locked stops only.
    """
    check_version(trip, if_match)
    before = TripRequest.model_validate(trip.request) if trip.request else None
    changed = sorted(k for k in TripRequest.model_fields if before is None or getattr(before, k) != getattr(body, k))
    reason = "request edited: " + (", ".join(changed) if changed else "no change")
    return await replan_edit(services, trip, principal.user_id, around_locked(before, body), reason)
