"""A trip request revised for a change: re-plan the rest of the day from where the car is.

Rules, no model: a delay moves the departure, a wish or an accepted place becomes a
must-visit (or an interest), a low battery updates the SoC so the charging planner adds
charging, a closed place or broken charger leaves the must-visits. Once the trip has
begun, the plan restarts at the car's position at the current time, without the
places and meals already done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from codriver.api._ports import TripChange
from codriver.errors import InputError
from codriver.planning import CAR_POSITION, Itinerary, ItineraryStop, Location, TripRequest, visited_by
from codriver.regions import CATEGORIES
from codriver.tools.geo import LatLon

__all__ = ["revise_request", "trip_record"]


def trip_record(current: Itinerary, now: datetime) -> list[ItineraryStop]:
    """The stops made on the trip by ``now``: the earlier versions' record, then those of ``current`` left by then."""
    left = [s.poi_id for s in current.stops[1:-1] if s.poi_id and s.depart_at is not None and s.depart_at <= now]
    return visited_by(current, now, left)


def revise_request(
    request: TripRequest, current: Itinerary, change: TripChange, *, car: LatLon | None, now: datetime
) -> TripRequest:
    """The request to plan the rest of the trip with after ``change`` (InputError when nothing is left to plan)."""
    started = now >= request.depart_at
    done = [s for s in current.stops[1:-1] if s.depart_at is not None and s.depart_at <= now] if started else []
    done_ids = {s.poi_id for s in done if s.poi_id}
    # the places visited on the trip, under this version and the earlier ones: not planned again
    made = trip_record(current, now) if started else []
    visited = {s.poi_id for s in made if s.poi_id and s.kind in ("visit", "meal")}
    if change.kind in {"wish", "accepted_place"} and change.poi_id:
        visited.discard(change.poi_id)  # asked for again, by name: going back is the traveller's wish
    update: dict[str, object] = {}
    must = [m for m in request.must_visit if m not in done_ids]
    meals = [m for m in request.meals if m.meal not in {s.meal for s in done if s.meal}]
    depart = request.depart_at
    vehicle = request.vehicle
    interests = dict(request.interests)
    if started:
        depart = now.astimezone(request.depart_at.tzinfo)
        if car is not None:
            update["origin"] = Location(lat=car.lat, lon=car.lon, name=CAR_POSITION)
            if request.destination is None:
                update["destination"] = request.origin
        if visited - set(request.constraints.avoid_places):
            avoid = sorted({*request.constraints.avoid_places, *visited})
            update["constraints"] = request.constraints.model_copy(update={"avoid_places": avoid})
    if change.kind == "delay" and change.minutes:
        depart = depart + timedelta(minutes=change.minutes)
    elif change.kind in {"closure", "charger_broken"} and change.poi_id:
        must = [m for m in must if m != change.poi_id]
    elif change.kind in {"wish", "accepted_place"}:
        if change.poi_id and change.poi_id not in must:
            must.append(change.poi_id)
        if change.category in CATEGORIES:
            interests[change.category] = 1.0
    if change.soc is not None and vehicle.powertrain == "ev":
        vehicle = vehicle.model_copy(update={"soc": change.soc})
    if depart >= request.return_by:
        msg = f"nothing left to plan: {depart.isoformat()} is past the trip's return_by {request.return_by.isoformat()}"
        raise InputError(msg, field="return_by")
    update.update({"depart_at": depart, "must_visit": must, "meals": meals, "vehicle": vehicle, "interests": interests})
    return TripRequest.model_validate({**request.model_dump(), **update})
