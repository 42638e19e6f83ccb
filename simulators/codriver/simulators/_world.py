"""The world simulator: fires the scenario's timeline events as messages to the assistant.

Events are minutes after departure. A closure names a category or a stop's catalogue name
and applies to the first matching stop still ahead; a broken charger applies to the next
charging stop; weather changes the temperature the vehicle's energy model uses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from codriver.planning import Itinerary
from codriver.simulators._scenario import (
    ChargerOutEvent,
    ClosedEvent,
    DelayEvent,
    ScenarioEvent,
    WeatherEvent,
    WishEvent,
)
from codriver.simulators._vehicle import VehicleSim

__all__ = ["World", "event_message"]


def event_message(event: ScenarioEvent, plan: Itinerary, sim: VehicleSim) -> str | None:
    """What the travellers tell the assistant about ``event``; None when it does not apply."""
    ahead = [s for s in plan.stops[1:-1] if s.arrive_at is not None and s.arrive_at > sim.now]
    if isinstance(event, DelayEvent):
        return f"we are stuck in traffic, {event.minutes} minutes late"
    if isinstance(event, ClosedEvent):
        target = event.target.casefold()
        for stop in ahead:
            if stop.kind != "charge" and (stop.name.casefold() == target or (stop.category or "") == target):
                return f"{stop.name} is closed"
        return None
    if isinstance(event, ChargerOutEvent):
        if any(s.charger is not None for s in ahead):
            return "the charger is broken"
        return None
    if isinstance(event, WishEvent):
        return event.text
    if isinstance(event, WeatherEvent):
        sim.temperature_c = event.temperature_c
        return None
    msg = f"unknown event {event!r}"  # pragma: no cover - the union is closed
    raise TypeError(msg)


class World:
    """The timeline of events, in order of time (ties: file order)."""

    def __init__(self, events: list[ScenarioEvent], depart: datetime) -> None:
        self.depart = depart
        self._queue = sorted(events, key=lambda e: e.at_min)

    def next_time(self) -> datetime | None:
        """When the next event happens."""
        return self.depart + timedelta(minutes=self._queue[0].at_min) if self._queue else None

    def pop(self, plan: Itinerary, sim: VehicleSim) -> tuple[str, str | None]:
        """Fire the next event: its kind and the message for the assistant (None: nothing to say)."""
        event = self.take()
        return event.kind, event_message(event, plan, sim)

    def take(self) -> ScenarioEvent:
        """Remove and return the next event (for callers that report it their own way)."""
        return self._queue.pop(0)

    def pending(self) -> list[ScenarioEvent]:
        """Events that had not happened when the trip ended."""
        return list(self._queue)
