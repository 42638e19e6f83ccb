"""Where a trip stands: the next stop, the ETA from the car's position and the planned SoC.

Pure functions over an itinerary document (the :class:`~codriver.planning.Itinerary`
contract), the car's last reported state and the time; travel times come from a
``drive_s`` callable so the API and the scheduler share them with their router.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from codriver.planning import Itinerary, ItineraryStop
from codriver.tools.geo import LatLon, haversine_m

__all__ = ["ARRIVED_M", "CarState", "Progress", "planned_soc", "trip_progress"]

#: Within this many metres of a stop the car counts as being there.
ARRIVED_M = 150.0

DriveSeconds = Callable[[LatLon, LatLon], float]


@dataclass(frozen=True)
class CarState:
    """The last state a car reported (SoC and fuel level are fractions 0..1)."""

    lat: float | None = None
    lon: float | None = None
    soc: float | None = None
    fuel_level: float | None = None
    speed_kph: float | None = None
    outside_c: float | None = None
    at: datetime | None = None

    @property
    def position(self) -> LatLon | None:
        """The reported position, when there is one."""
        return None if self.lat is None or self.lon is None else LatLon(self.lat, self.lon)


@dataclass(frozen=True)
class Progress:
    """The next stop of a trip and when the car will get there."""

    index: int | None
    stop: ItineraryStop | None
    eta: datetime | None
    planned_arrive_at: datetime | None
    delay_s: float
    distance_m: float | None
    at_stop: int | None


def _visited_until(itinerary: Itinerary, now: datetime) -> int:
    """Index of the last stop whose stay has begun by ``now`` per plan (0: still at the start)."""
    last = 0
    for i, stop in enumerate(itinerary.stops):
        if i and stop.arrive_at is not None and stop.arrive_at <= now:
            last = i
    return last


def trip_progress(itinerary: Itinerary, car: CarState, now: datetime, drive_s: DriveSeconds | None) -> Progress:
    """The next stop after ``now`` and its ETA.

    When the car is within :data:`ARRIVED_M` of a stop it is at that stop, and the next
    one follows. Without a position the plan's times stand (ETA = planned arrival,
    never in the past). With one, ETA = now + the drive from the car (``drive_s``), or
    the stay's end plus the drive when the car is still at a stop.
    """
    stops = itinerary.stops
    position = car.position
    at_stop: int | None = None
    if position is not None:
        near = [(haversine_m(position, LatLon(s.lat, s.lon)), i) for i, s in enumerate(stops)]
        close = [i for d, i in near if d <= ARRIVED_M]
        if close:
            planned = _visited_until(itinerary, now)
            at_stop = min(close, key=lambda i: abs(i - planned))
    current = at_stop if at_stop is not None else _visited_until(itinerary, now)
    index = current + 1 if current + 1 < len(stops) else None
    if index is None:
        return Progress(None, None, None, None, 0.0, None, at_stop)
    stop = stops[index]
    planned_at = stop.arrive_at
    target = LatLon(stop.lat, stop.lon)
    distance = haversine_m(position, target) if position is not None else None
    eta: datetime | None = None
    if position is not None and drive_s is not None:
        leave = now
        departs = stops[at_stop].depart_at if at_stop is not None else None
        if departs is not None:
            leave = max(now, departs)
        # Elapsed seconds are added in UTC (wall-clock arithmetic is an hour off at DST).
        eta = (leave.astimezone(UTC) + timedelta(seconds=drive_s(position, target))).astimezone(leave.tzinfo)
    else:
        eta = max(planned_at, now) if planned_at is not None else None
    delay = 0.0
    if eta is not None and planned_at is not None:
        delay = (eta.astimezone(UTC) - planned_at.astimezone(UTC)).total_seconds()
    return Progress(index, stop, eta, planned_at, delay, distance, at_stop)


def planned_soc(itinerary: Itinerary, battery_kwh: float, start_soc: float) -> list[float]:
    """The planned state of charge on arrival at each stop (the start's is ``start_soc``).

    Stops that carry ``soc_before`` set it; otherwise each leg's ``energy_kwh`` is taken
    off; a charging stop leaves with its ``soc_after``.
    """
    soc = start_soc
    out = [start_soc]
    for i in range(1, len(itinerary.stops)):
        leg = next((leg for leg in itinerary.legs if leg.from_index == i - 1), None)
        if leg is not None and leg.energy_kwh is not None and battery_kwh > 0:
            soc -= leg.energy_kwh / battery_kwh
        stop = itinerary.stops[i]
        if stop.soc_before is not None:
            soc = stop.soc_before
        out.append(round(soc, 4))
        if stop.soc_after is not None:
            soc = stop.soc_after
    return out
