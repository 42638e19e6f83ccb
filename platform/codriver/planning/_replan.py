"""Re-planning: repair an itinerary from a mid-trip state after an event, and say what changed.

The rest of the day is planned again from where the traveller is, with every stop still
ahead in the plan given a large value bonus, so the repaired plan keeps as much of it as
still fits; the event changes the problem (a delay holds the traveller, a closed place,
a skipped stop or a broken charger is left out, a wish adds a meal now). The result is
verified like any plan and comes with a diff against the old one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from codriver.errors import InputError
from codriver.planning._engine import Adjustments, plan_trip
from codriver.planning._itinerary import Itinerary, ItineraryStop
from codriver.planning._problem import at_time, seconds_between
from codriver.planning._region_world import RegionTools
from codriver.planning._request import Diet, Location, MealName, MealWish, TripRequest

__all__ = [
    "CAR_POSITION",
    "ChargerOut",
    "Delay",
    "NewWish",
    "PlaceClosed",
    "PlanDiff",
    "ReplanEvent",
    "ReplanInput",
    "ReplanResult",
    "StopSkipped",
    "TripState",
    "replan",
    "state_at",
    "visited_by",
]


#: the name of a re-plan's start: the car's position when the trip was re-planned
CAR_POSITION = "where the car is now"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TripState(_Model):
    """Where the trip stands: now, the position, the SoC and the stops already done."""

    at: AwareDatetime
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    soc: float | None = Field(default=None, ge=0, le=1, description="EV state of charge now")
    done: list[str] = Field(default_factory=list, description="catalogue IDs of the stops already made")
    driven_since_break_min: float = Field(default=0.0, ge=0)
    car_lat: float | None = Field(
        default=None, ge=-90, le=90, description="park and walk: where the car is parked, when not beside the traveller"
    )
    car_lon: float | None = Field(default=None, ge=-180, le=180)


class Delay(_Model):
    """The traveller is held ``minutes`` more where they are (traffic, a long queue)."""

    kind: Literal["delay"] = "delay"
    minutes: int = Field(gt=0, le=24 * 60)


class PlaceClosed(_Model):
    """A planned place turns out to be closed."""

    kind: Literal["place_closed"] = "place_closed"
    poi_id: str


class ChargerOut(_Model):
    """A charger is out of service."""

    kind: Literal["charger_out"] = "charger_out"
    poi_id: str


class NewWish(_Model):
    """A new wish: a meal now (within ``within_min`` minutes), optionally with diets."""

    kind: Literal["wish"] = "wish"
    meal: MealName = "lunch"
    within_min: int = Field(default=90, ge=20, le=6 * 60, description="the meal must be over by then")
    duration_min: int = Field(default=45, ge=10, le=240)
    diet: list[Diet] = Field(default_factory=list)


class StopSkipped(_Model):
    """The traveller skipped a planned stop (and does not want it any more)."""

    kind: Literal["skipped"] = "skipped"
    poi_id: str


ReplanEvent = Annotated[Delay | PlaceClosed | ChargerOut | NewWish | StopSkipped, Field(discriminator="kind")]


class ReplanInput(_Model):
    """An event file: the event and, optionally, the state (default: derived from the plan at ``at``)."""

    event: ReplanEvent
    state: TripState | None = None
    at: AwareDatetime | None = Field(default=None, description="when the event happens, if no state is given")


class PlanDiff(_Model):
    """What the repair changed in the part of the plan still ahead."""

    kept: list[str] = Field(default_factory=list, description="stops still in the plan")
    dropped: dict[str, str] = Field(default_factory=dict, description="catalogue ID -> why it was dropped")
    added: list[str] = Field(default_factory=list)
    retimed_min: dict[str, float] = Field(default_factory=dict, description="kept stop -> minutes later (+) or earlier")


class ReplanResult(_Model):
    """The repaired plan, what changed and why."""

    itinerary: Itinerary
    diff: PlanDiff
    reason: str


def state_at(itinerary: Itinerary, at: datetime) -> TripState:
    """The state the plan puts the traveller in at ``at``: at the last stop begun by then.

    During a stay the state starts when the stay ends; between two stops the traveller is
    placed at the one left last (the plan is repaired from there). With park and walk the
    state says where the car is parked when it is not beside the traveller (``car_lat``,
    ``car_lon``); the repaired plan still starts with the car at the traveller. The SoC is the one the
    plan gives at that stop (the request's for the start).
    """
    current = itinerary.stops[0]
    done: list[str] = []
    legs = {leg.from_index: leg for leg in itinerary.legs}
    car: tuple[float, float] | None = None  # park and walk: the car away from the traveller
    for i, stop in enumerate(itinerary.stops[1:-1], start=1):
        if stop.arrive_at is None or _utc(stop.arrive_at) > _utc(at):
            break
        current = stop
        if stop.poi_id:
            done.append(stop.poi_id)
        leg = legs.get(i - 1)
        if leg is not None and leg.mode == "walk":
            car = car or (itinerary.stops[i - 1].lat, itinerary.stops[i - 1].lon)
        elif leg is not None:
            car = (leg.park.lat, leg.park.lon) if leg.park is not None else None
    soc = current.soc_after if current.soc_after is not None else current.soc_before
    if soc is None and itinerary.request and itinerary.request.vehicle.powertrain == "ev":
        soc = itinerary.request.vehicle.soc
    # during a stay, the traveller finishes it before going on
    ready = max(at, current.depart_at, key=_utc) if current.depart_at else at
    car_lat, car_lon = car if car is not None else (None, None)
    return TripState(at=ready, lat=current.lat, lon=current.lon, soc=soc, done=done, car_lat=car_lat, car_lon=car_lon)


def _describe(event: Delay | PlaceClosed | ChargerOut | NewWish | StopSkipped, names: dict[str, str]) -> str:
    """The event in words, places by their names (``names``: catalogue ID -> name), never by their IDs."""
    if isinstance(event, Delay):
        return f"a delay of {event.minutes} min"
    if isinstance(event, PlaceClosed):
        return f"{names.get(event.poi_id, 'a place of the plan')} is closed"
    if isinstance(event, ChargerOut):
        named = names.get(event.poi_id)
        return f"the charger {named} is out of service" if named else "a charger of the plan is out of service"
    if isinstance(event, StopSkipped):
        return f"{names.get(event.poi_id, 'a stop of the plan')} was skipped"
    diets = f" ({', '.join(event.diet)})" if event.diet else ""
    return f"a wish for {event.meal}{diets} within {event.within_min} min"


def _names(itinerary: Itinerary, event: ReplanEvent, tools: RegionTools) -> dict[str, str]:
    """Catalogue ID -> name of the plan's places (its earlier versions' too) and of the event's place."""
    names = {s.poi_id: s.name for s in [*itinerary.visited, *itinerary.stops] if s.poi_id}
    concerned = getattr(event, "poi_id", None)
    if concerned and concerned not in names:  # a charger used at a stop of another name
        entry = tools.entry(concerned)
        if entry is not None and entry.name:
            names[concerned] = entry.name
    return names


def visited_by(itinerary: Itinerary, at: datetime, done: Iterable[str]) -> list[ItineraryStop]:
    """The stops made on the trip by ``at``: the earlier versions' (``visited``), then the stops ``done`` of this one.

    The trip's record, for the ``visited`` of a plan that re-plans ``itinerary``: a re-plan
    starts where the car is, so a stop made under an earlier version is in none of the
    later versions' stops, only here.
    """
    made = set(done)
    earlier = [s for s in itinerary.visited if s.arrive_at is None or _utc(s.arrive_at) <= _utc(at)]
    return [*earlier, *(s for s in itinerary.stops[1:-1] if s.poi_id and s.poi_id in made)]


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC: aware datetimes sharing one zone compare on the wall clock otherwise."""
    return moment.astimezone(UTC)


def _remaining_request(
    request: TripRequest, itinerary: Itinerary, state: TripState, event: ReplanEvent, zone_now: datetime
) -> TripRequest:
    """The request for the rest of the day, seen from ``state`` after ``event``."""
    done = set(state.done)
    served = {s.meal for s in itinerary.stops if s.kind == "meal" and s.poi_id in done}
    spent = sum(s.cost or 0.0 for s in itinerary.stops if s.poi_id in done)
    meals = [m for m in request.meals if m.meal not in served]
    diet = list(request.diet)
    if isinstance(event, NewWish):
        latest = min(at_time(zone_now, event.within_min * 60), zone_now.replace(hour=23, minute=59), key=_utc)
        wish = MealWish(
            meal=event.meal,
            earliest=zone_now.time().replace(second=0, microsecond=0),
            latest=time(latest.hour, latest.minute),
            duration_min=event.duration_min,
        )
        meals = [m for m in meals if m.meal != event.meal] + [wish]
        diet = sorted({*diet, *event.diet})
    start = at_time(zone_now, event.minutes * 60) if isinstance(event, Delay) else zone_now
    vehicle = request.vehicle
    if state.soc is not None:
        vehicle = vehicle.model_copy(update={"soc": state.soc})
    if _utc(start) >= _utc(request.return_by):
        msg = f"the trip's latest return {request.return_by.isoformat()} has passed: nothing left to plan"
        raise InputError(msg, field="at")
    return request.model_copy(
        update={
            "origin": Location(lat=state.lat, lon=state.lon, name=CAR_POSITION),
            "destination": request.end,
            "depart_at": start,
            "must_visit": [m for m in request.must_visit if m not in done],
            "stops": None if request.stops is None else [s for s in request.stops if s.poi_id not in done],
            "meals": meals,
            "diet": diet,
            "budget": None if request.budget is None else max(0.0, request.budget - spent),
            "vehicle": vehicle,
        }
    )


def replan(
    itinerary: Itinerary,
    event: ReplanEvent,
    tools: RegionTools,
    *,
    state: TripState | None = None,
    at: datetime | None = None,
    time_limit_s: float = 0.15,
    max_candidates: int = 20,
) -> ReplanResult:
    """The repaired itinerary for the rest of the day after ``event``, with its diff and reason.

    ``state`` defaults to :func:`state_at` the event time ``at``. The itinerary must carry
    its request (plans made by the engine do).
    """
    request = itinerary.request
    if request is None:
        msg = "the itinerary has no request: re-planning needs it (plans from `codriver plan` carry it)"
        raise InputError(msg, field="itinerary.request")
    if state is None:
        if at is None:
            msg = "give the trip state or the time of the event (at)"
            raise InputError(msg, field="at")
        state = state_at(itinerary, at)
    now = state.at.astimezone(tools.zone)
    new_request = _remaining_request(request, itinerary, state, event, now)
    made = visited_by(itinerary, state.at, state.done)
    # a place visited (or eaten at) under an earlier version is not planned again as a new visit
    earlier = {s.poi_id for s in made if s.poi_id and s.kind in ("visit", "meal")} - set(state.done)
    done = set(state.done)
    ahead = [s.poi_id for s in itinerary.stops[1:-1] if s.poi_id and s.poi_id not in done and s.kind != "charge"]
    excluded = done | earlier
    dropped_why: dict[str, str] = dict.fromkeys(earlier & set(ahead), "visited already")
    without_chargers: frozenset[str] = frozenset()
    if isinstance(event, PlaceClosed | StopSkipped):
        excluded.add(event.poi_id)
        dropped_why[event.poi_id] = "closed" if isinstance(event, PlaceClosed) else "skipped"
        new_request = new_request.model_copy(
            update={
                "must_visit": [m for m in new_request.must_visit if m != event.poi_id],
                "stops": None
                if new_request.stops is None
                else [s for s in new_request.stops if s.poi_id != event.poi_id],
            }
        )
    if isinstance(event, ChargerOut):
        without_chargers = frozenset({event.poi_id})
    adjust = Adjustments(
        keep=frozenset(p for p in ahead if p not in excluded),
        exclude=frozenset(excluded),
        without_chargers=without_chargers,
        start_stint_s=round(state.driven_since_break_min * 60),
        met=frozenset(s.category for s in made if s.category and s.kind in ("visit", "meal")),
    )
    repaired = plan_trip(new_request, tools, max_candidates=max_candidates, time_limit_s=time_limit_s, adjust=adjust)
    diff = _diff(itinerary, repaired, ahead, dropped_why)
    reason = (
        f"Re-planned from {now.strftime('%H:%M')} after {_describe(event, _names(itinerary, event, tools))}: kept "
        f"{len(diff.kept)} of {len(ahead)} stops ahead, dropped {len(diff.dropped)}, added {len(diff.added)}."
    )
    notes = [*repaired.notes, reason]
    # what was done stays in the trip's record, through every later re-plan
    kept = repaired.model_copy(update={"notes": notes, "visited": made})
    return ReplanResult(itinerary=kept, diff=diff, reason=reason)


def _diff(old: Itinerary, new: Itinerary, ahead: list[str], why: dict[str, str]) -> PlanDiff:
    before = {s.poi_id: s for s in old.stops[1:-1] if s.poi_id}
    after = {s.poi_id: s for s in new.stops[1:-1] if s.poi_id and s.kind != "charge"}
    kept = [p for p in ahead if p in after]
    retimed = {}
    for poi in kept:
        a, b = before[poi].arrive_at, after[poi].arrive_at
        if a and b and a != b:
            retimed[poi] = round(seconds_between(a, b) / 60, 1)
    dropped = {p: why.get(p, "no longer fits the time, budget or charge left") for p in ahead if p not in after}
    added = [p for p in after if p not in set(ahead)]
    return PlanDiff(kept=kept, dropped=dropped, added=added, retimed_min=retimed)
