"""Direct edits of a plan as a revised request: the traveller's own stops, in their order.

The first edit turns the plan's visits and meals into ``TripRequest.stops`` (each with its
meal, and the stay and lock the traveller gave earlier); every edit then changes that list
(reorder, add at a position, replace, remove, stay length, lock) and the engine times
exactly these stops (``add_stops`` false), or fills gaps around them when asked. A place
taken out goes into ``constraints.avoid_places`` so no later plan brings it back; a place
put in leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence

from codriver.errors import InputError
from codriver.planning import Itinerary, StopChoice, TripRequest

__all__ = ["MAX_STOPS", "around_locked", "current_stops", "position_of", "with_stops"]

MAX_STOPS = 40
_EDITABLE = {"visit", "meal"}


def current_stops(request: TripRequest, itinerary: Itinerary) -> list[StopChoice]:
    """The plan's visits and meals in order, with the stays and locks the traveller set before."""
    earlier = {s.poi_id: s for s in request.stops or []}
    out: list[StopChoice] = []
    for stop in itinerary.stops[1:-1]:
        if stop.kind not in _EDITABLE or not stop.poi_id or any(c.poi_id == stop.poi_id for c in out):
            continue
        before = earlier.get(stop.poi_id)
        out.append(
            StopChoice(
                poi_id=stop.poi_id,
                meal=stop.meal,
                stay_min=before.stay_min if before else None,
                locked=before.locked if before else False,
            )
        )
    return out


def position_of(stops: Sequence[StopChoice], poi_id: str) -> int:
    """Where ``poi_id`` is in ``stops`` (InputError naming ``index`` when it is not one of them)."""
    for k, choice in enumerate(stops):
        if choice.poi_id == poi_id:
            return k
    msg = "that stop is not one of the trip's visits or meals any more: reload the trip"
    raise InputError(msg, field="index")


def with_stops(
    request: TripRequest, stops: Sequence[StopChoice], *, fill: bool = False, removed: Sequence[str] = ()
) -> TripRequest:
    """``request`` planning exactly ``stops`` (or around them with ``fill``); ``removed`` places are avoided."""
    if len(stops) > MAX_STOPS:
        msg = f"a trip holds at most {MAX_STOPS} stops of your own: remove some first"
        raise InputError(msg, field="stops")
    kept = {s.poi_id for s in stops}
    gone = set(removed) - kept
    avoid = [p for p in request.constraints.avoid_places if p not in kept]
    avoid += [p for p in dict.fromkeys(removed) if p in gone and p not in avoid]
    must = [m for m in request.must_visit if m not in gone]
    placed = [s.poi_id for s in stops]
    twice = sorted({p for p in placed if placed.count(p) > 1})
    if twice:
        msg = f"each place may be a stop once: {', '.join(twice)} is there more than once"
        raise InputError(msg, field="stops")
    constraints = request.constraints.model_copy(update={"avoid_places": avoid})
    return request.model_copy(
        update={"stops": list(stops), "add_stops": fill, "must_visit": must, "constraints": constraints}
    )


def around_locked(before: TripRequest | None, edited: TripRequest) -> TripRequest:
    """An edited request (date, window, meals, ...) re-plans the day around the locked stops only.

    The traveller's other stops were chosen for the old request: the planner chooses
    again, keeping the locked ones in their order. A request that edits ``stops`` itself
    is taken as it is.
    """
    if before is None or edited.stops is None or edited.stops != before.stops:
        return edited
    locked = [s for s in edited.stops if s.locked]
    return edited.model_copy(update={"stops": locked or None, "add_stops": bool(locked)})
