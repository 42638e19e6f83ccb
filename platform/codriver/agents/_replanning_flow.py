"""The re-planner's work: read an event or a wish, repair the plan, say what changed.

The event is read by rules against the current plan (which stop "the museum" is, which
charger is broken); the repair, its diff and its reason come from the planning engine.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime

from codriver.agents._planning_flow import template_summary
from codriver.agents._reader import read_request
from codriver.agents._session import TripSession
from codriver.errors import InputError
from codriver.planning import (
    ChargerOut,
    Delay,
    Itinerary,
    ItineraryStop,
    NewWish,
    PlaceClosed,
    ReplanEvent,
    ReplanResult,
    StopSkipped,
    TripState,
    replan,
    state_at,
)
from codriver.tools.geocoding import fold

__all__ = ["ReplanReply", "read_event", "replan_text", "trip_state"]

_CATEGORY_WORDS = {
    "museum": "museum",
    "gallery": "gallery",
    "park": "park",
    "cafe": "cafe",
    "coffee": "cafe",
    "lunch": "restaurant",
    "dinner": "restaurant",
    "restaurant": "restaurant",
    "bar": "bar",
    "pub": "bar",
    "church": "place_of_worship",
    "viewpoint": "viewpoint",
    "view": "viewpoint",
    "playground": "playground",
    "theatre": "entertainment",
    "cinema": "entertainment",
    "library": "library",
    "statue": "artwork",
    "monument": "historic",
}


@dataclass
class ReplanReply:
    """What the re-planner answers."""

    kind: str  # replan | question
    text: str
    result: ReplanResult | None = None
    events: list[ReplanEvent] = field(default_factory=list)


def _ahead(itinerary: Itinerary, done: int) -> list[ItineraryStop]:
    return [s for s in itinerary.stops[max(1, done) : -1] if s.poi_id]


def _stop_named(text: str, stops: list[ItineraryStop]) -> ItineraryStop | None:
    folded = fold(text)
    for stop in stops:
        if len(fold(stop.name)) >= 3 and re.search(rf"\b{re.escape(fold(stop.name))}\b", folded):
            return stop
    for word, category in _CATEGORY_WORDS.items():
        if re.search(rf"\b{word}s?\b", folded):
            for stop in stops:
                if stop.category == category or (category == "restaurant" and stop.kind == "meal"):
                    return stop
    if re.search(r"\bnext (?:stop|one|place)\b", folded) and stops:
        return stops[0]
    return None


def read_event(text: str, itinerary: Itinerary, *, done: int, now: datetime, diet: list[str]) -> list[ReplanEvent]:
    """The events a message describes, against the plan; empty when it names none."""
    lowered = text.casefold()
    ahead = _ahead(itinerary, done)
    events: list[ReplanEvent] = []
    delay = re.search(
        r"\b(?:delay\w*|late|stuck|traffic|held up|queue)\D{0,25}?(\d+)\s*(min\w*|h(?:ours?)?)\b", lowered
    ) or re.search(r"\b(\d+)\s*(min\w*|h(?:ours?)?)\s*(?:late|delay\w*|behind)", lowered)
    if delay:
        minutes = int(delay.group(1)) * (60 if delay.group(2).startswith("h") else 1)
        events.append(Delay(minutes=max(1, min(minutes, 24 * 60))))
    charger = re.search(
        r"\b(charger|charging (?:station|point)|charge point)\b.{0,40}\b(broken|out of (?:order|service)|not working|down|occupied|unavailable)\b",
        lowered,
    )
    if charger:
        charge_stops = [s for s in ahead if s.charger is not None]
        if charge_stops:
            target = charge_stops[0]
            events.append(ChargerOut(poi_id=target.charger or target.poi_id or ""))
    elif re.search(r"\b(closed|shut|not open|closing)\b", lowered):
        stop = _stop_named(text, ahead)
        if stop is not None and stop.poi_id:
            events.append(PlaceClosed(poi_id=stop.poi_id))
    if re.search(
        r"\b(skip|drop|remove|cancel|don'?t want|not going|no longer|been there|seen it|instead of|swap|replace)\b",
        lowered,
    ):
        stop = _stop_named(text, ahead)
        if stop is not None and stop.poi_id and not any(getattr(e, "poi_id", None) == stop.poi_id for e in events):
            events.append(StopSkipped(poi_id=stop.poi_id))
    draft = read_request(text, now=now)
    meals = [m["meal"] for m in draft.fields.get("meals", [])]
    hungry = re.search(r"\b(hungry|starving|eat now|food now|something to eat)\b", lowered)
    if (meals and re.search(r"\b(now|soon|asap|right away|next|hungry)\b", lowered)) or hungry:
        meal = meals[0] if meals else ("dinner" if now.hour >= 16 else "lunch")
        diets = sorted(set(draft.fields.get("diet", [])) | set(diet))
        within = 60 if re.search(r"\b(now|asap|right away|starving)\b", lowered) else 90
        events.append(NewWish(meal=meal, diet=diets, within_min=within))
    return events


def trip_state(session: TripSession, itinerary: Itinerary, at: datetime) -> TripState:
    """Where the trip stands for a repair: the car's telemetry when known, else the plan at ``at``."""
    st = session.state
    if st.at is not None and st.lat is not None and st.lon is not None:
        done = [s.poi_id for s in itinerary.stops[1 : st.done] if s.poi_id]
        return TripState(at=st.at, lat=st.lat, lon=st.lon, soc=st.soc, done=done)
    return state_at(itinerary, at)


def describe(result: ReplanResult, previous: Itinerary) -> str:
    """The reason and the diff in words, places by name."""
    diff = result.diff
    parts = [result.reason]
    stops = [*previous.visited, *previous.stops[1:-1], *result.itinerary.stops[1:-1]]
    names = {s.poi_id: s.name for s in stops if s.poi_id}

    def name(pid: str) -> str:  # a catalogue ID is never said: the diff's places are the plans' stops
        return names.get(pid) or "a stop of the plan"

    if diff.dropped:
        parts.append("Dropped: " + ", ".join(f"{name(pid)} ({why})" for pid, why in diff.dropped.items()))
    if diff.added:
        parts.append("Added: " + ", ".join(name(pid) for pid in diff.added))
    moved = {pid: m for pid, m in diff.retimed_min.items() if abs(m) >= 1}
    if moved:
        parts.append("Moved: " + ", ".join(f"{name(pid)} {m:+.0f} min" for pid, m in moved.items()))
    return " ".join(parts)


async def replan_text(session: TripSession, text: str) -> ReplanReply:
    """Repair the current plan after the event or wish in ``text``."""
    itinerary = session.itinerary
    if itinerary is None:
        return ReplanReply("question", "There is no plan yet to change: tell me about the trip first.")
    at = session.state.at or session.context.now
    rejected = session.memory.absorb(text, now=at, shown=session.shown, gazetteer=session.tools.gazetteer)
    events = read_event(text, itinerary, done=session.state.done, now=at, diet=session.memory.diet)
    for poi in rejected:
        if not any(getattr(e, "poi_id", None) == poi for e in events) and poi in {s.poi_id for s in itinerary.stops}:
            events.append(StopSkipped(poi_id=poi))
    if not events:
        return ReplanReply(
            "question",
            "What changed? For example: 'we are 20 minutes late', 'the museum is closed', "
            "'the charger is broken', 'skip the cafe' or 'lunch now, vegan'.",
        )
    state = trip_state(session, itinerary, at)
    current = itinerary
    result: ReplanResult | None = None
    for event in events:
        try:
            result = await asyncio.to_thread(replan, current, event, session.tools, state=state)
        except InputError as exc:
            return ReplanReply("question", f"I could not apply that change: {exc}", events=events)
        current = result.itinerary
        state = state_at(current, state.at)
        state = state.model_copy(update={"done": [*state.done]})
    assert result is not None
    session.adopt(result.itinerary)
    text = f"{describe(result, itinerary)}\n{template_summary(result.itinerary)}"
    return ReplanReply("replan", text, result, events)
