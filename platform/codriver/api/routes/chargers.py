"""Charger choice at a charging stop: the chargers the car could use there, and re-planning with another.

The engine places charging stops itself; the traveller picks the charger. The choice goes
into ``constraints.use_chargers`` (the chosen charger, plus the chargers of the plan's
other charging stops, so they stay possible) and the trip is re-planned like any other
direct edit: the traveller's visits and meals keep their order, only the times that must
move change, and the new version is stored on top of the one the traveller saw (409 else).
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Query

from codriver.api._charger_views import charging_stop, stop_chargers
from codriver.api._deps import CurrentUser, IfMatch, ServicesDep, TripDep
from codriver.api._ports import ChargerOption
from codriver.api._stop_edits import current_stops, with_stops
from codriver.api._trip_schemas import ChooseChargerIn, TripDetail
from codriver.api.routes.changes import StopIndex, current_itinerary, replan_edit
from codriver.errors import InputError
from codriver.planning import TripRequest

router = APIRouter(prefix="/trips/{trip_id}", tags=["trips"])


@router.get("/stops/{index}/chargers", response_model=list[ChargerOption])
async def chargers(
    index: StopIndex,
    trip: TripDep,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=30)] = 10,
) -> list[ChargerOption]:
    """Chargers the car can use near a charging stop: the plan's own first, then nearest, each with
    sockets, power, network and whether the catalogue records them (``verified``)."""
    itinerary = await current_itinerary(services, trip)
    request = TripRequest.model_validate(trip.request)
    return await anyio.to_thread.run_sync(lambda: services.planner.chargers(request, itinerary, index, limit=limit))


@router.post("/stops/{index}/charger", response_model=TripDetail)
async def choose_charger(
    index: StopIndex,
    body: ChooseChargerIn,
    trip: TripDep,
    principal: CurrentUser,
    services: ServicesDep,
    *,
    if_match: IfMatch,
) -> TripDetail:
    """Charge at another charger at this stop: a new version planned with that charger (409 as for replace)."""
    itinerary = await current_itinerary(services, trip, if_match)
    current = charging_stop(itinerary, index)
    if body.charger_id == current:
        msg = "the plan already charges at that charger"
        raise InputError(msg, field="charger_id")
    request = TripRequest.model_validate(trip.request)
    options = await anyio.to_thread.run_sync(lambda: services.planner.chargers(request, itinerary, index, limit=30))
    chosen = next((o for o in options if o.poi_id == body.charger_id), None)
    if chosen is None:
        msg = "that charger is not one the car can use near this stop: choose one from the list"
        raise InputError(msg, field="charger_id")
    others = [c for c in stop_chargers(itinerary) if c != current]
    revised = with_stops(request, current_stops(request, itinerary))
    constraints = revised.constraints.model_copy(update={"use_chargers": [chosen.poi_id, *others]})
    revised = revised.model_copy(update={"constraints": constraints})
    return await replan_edit(services, trip, principal.user_id, revised, f"charging at {chosen.name} instead")
