"""Why a must-visit is not in a plan, in the traveller's words: closed that day, not open in the trip's hours, over
the budget, no room.

Read from the same :class:`World` the verifier checks with, so the reason is the catalogue's
opening hours, never a guess: a place closed at every moment of the day is "closed all day",
one closed at every moment of the trip's window is "not open between …"; one whose visit costs the
party more than the whole budget (the catalogue's price, as the engine counts it) is over the
budget; otherwise it was open for part of the window and the plan found no room for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo

from codriver.planning._budget import over_budget
from codriver.planning._world import HoursState, Requirements, World

__all__ = ["missing_must_visit"]

_STEP = timedelta(minutes=15)


def _states(world: World, poi_id: str, start: datetime, end: datetime) -> list[HoursState]:
    """The opening state every 15 minutes from ``start`` up to ``end`` (both aware)."""
    states, at = [], start
    while at < end:
        states.append(world.hours_state(poi_id, at))
        at += _STEP
    return states


def missing_must_visit(world: World, ref: str, req: Requirements, zone: tzinfo | None) -> str:
    """What to tell of a must-visit the plan does not visit.

    "Ateneum is not a stop: closed all day on Monday 14 December" (times in ``zone``, else the departure's
    offset); "... it costs about 60.00 EUR for 4 people, over the budget of 10.00 EUR" (priced as the
    engine prices a visit).
    """
    depart_at, return_by = req.depart_at, req.return_by
    place = world.place(ref)
    if place is None:
        return f"must-visit {ref} is not a place of this region"
    local = depart_at.astimezone(zone or depart_at.tzinfo or UTC)
    midnight = datetime.combine(local.date(), time(0), local.tzinfo)
    day = _states(world, ref, midnight, midnight + timedelta(days=1))
    if day and all(s == "closed" for s in day):
        why = f"closed all day on {local:%A %d %B}"
    elif (window := _states(world, ref, depart_at, return_by)) and all(s == "closed" for s in window):
        end = return_by.astimezone(local.tzinfo)
        why = f"not open between {local:%H:%M} and {end:%H:%M}"
    else:
        cost = world.cost(ref, "visit", req.party_size)
        costly = over_budget("it", cost, budget=req.budget, party_size=req.party_size, currency=req.currency)
        why = costly or "no room for it in the plan with the rest of the trip"
    return f"{place.name or ref} is not a stop: {why}"
