"""The vehicle simulator: drives an itinerary in simulated time along its legs' geometry.

Energy comes from the energy model (:func:`codriver.tools.energy.leg_energy_kwh`) at the
current outside temperature; charge stops add charge at the stop's power
(:func:`codriver.tools.energy.charge_time_s`), up to the planned state of charge.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from codriver.agents import TripState
from codriver.planning import Itinerary, ItineraryStop, VehicleSpec, vehicle_energy
from codriver.simulators._traveller import VisitedStop
from codriver.tools.energy import charge_time_s, leg_energy_kwh

__all__ = ["VehicleSim", "point_along"]


def point_along(coordinates: list[list[float]], fraction: float) -> tuple[float, float]:
    """(lat, lon) at ``fraction`` (0..1) of a [lon, lat] polyline's length (planar, fine for legs)."""
    if not coordinates:
        msg = "a leg geometry needs at least one point"
        raise ValueError(msg)
    if len(coordinates) == 1 or fraction <= 0:
        return coordinates[0][1], coordinates[0][0]
    pieces = [((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 for a, b in itertools.pairwise(coordinates)]
    total = sum(pieces)
    if total == 0 or fraction >= 1:
        return coordinates[-1][1], coordinates[-1][0]
    goal = fraction * total
    for (a, b), piece in zip(itertools.pairwise(coordinates), pieces, strict=True):
        if goal <= piece and piece > 0:
            f = goal / piece
            return a[1] + f * (b[1] - a[1]), a[0] + f * (b[0] - a[0])
        goal -= piece
    return coordinates[-1][1], coordinates[-1][0]


@dataclass
class VehicleSim:
    """The car's clock, position and state of charge (fraction; None for a combustion car)."""

    spec: VehicleSpec
    now: datetime
    lat: float
    lon: float
    temperature_c: float | None = None
    soc: float | None = None
    soc_trace: list[tuple[datetime, float]] = field(default_factory=list)
    visited: list[VisitedStop] = field(default_factory=list)
    done: int = 1

    def __post_init__(self) -> None:
        if self.spec.powertrain == "ev":
            self.soc = self.spec.soc
            self.soc_trace.append((self.now, self.spec.soc))
        self._energy = vehicle_energy(self.spec)

    def state(self) -> TripState:
        """Telemetry for the assistant."""
        return TripState(at=self.now, lat=self.lat, lon=self.lon, soc=self.soc, done=self.done)

    def _charge(self, stop: ItineraryStop, seconds: float) -> None:
        if self.soc is None or stop.soc_after is None or seconds <= 0 or self.soc >= stop.soc_after:
            return
        power = stop.power_kw or self.spec.max_charge_kw
        low, high = self.soc, stop.soc_after
        if charge_time_s(low, high, power, self._energy) <= seconds:
            self.soc = high
            return
        for _ in range(30):  # the SoC reachable in ``seconds``, by bisection
            mid = (low + high) / 2
            if charge_time_s(self.soc, mid, power, self._energy) <= seconds:
                low = mid
            else:
                high = mid
        self.soc = low

    def _drain(self, distance_m: float, duration_s: float) -> None:
        if self.soc is None or distance_m <= 0:
            return
        kwh = leg_energy_kwh(distance_m, max(duration_s, 1.0), self.temperature_c, vehicle=self._energy)
        self.soc = max(0.0, self.soc - kwh / self.spec.battery_kwh)

    def _record(self, stop: ItineraryStop) -> None:
        if stop.arrive_at is None:
            return
        if self.visited and stop.poi_id is not None and self.visited[-1].poi_id == stop.poi_id:
            return  # the same stay, carried over by a re-plan
        self.visited.append(
            VisitedStop(stop.poi_id, stop.name, stop.kind, stop.category, stop.meal, stop.arrive_at.isoformat())
        )

    def advance(self, plan: Itinerary, until: datetime) -> None:
        """Follow ``plan`` from ``now`` to ``until``: move, drain, charge, log arrivals."""
        start = self.now
        if until <= start:
            return
        stops = plan.stops
        parked: tuple[float, float] | None = None  # park and walk: where the car waits while stops are walked
        for index, stop in enumerate(stops):
            # The stay at this stop (the start has none).
            if index > 0 and stop.arrive_at is not None:
                if start < stop.arrive_at <= until:
                    self.lat, self.lon = parked or (stop.lat, stop.lon)
                    self._record(stop)
                leave = stop.depart_at or stop.arrive_at
                lo, hi = max(start, stop.arrive_at), min(until, leave)
                if hi > lo:
                    self.lat, self.lon = parked or (stop.lat, stop.lon)
                    self._charge(stop, (hi - lo).total_seconds())
                    self._sample(hi)
            leg = next((g for g in plan.legs if g.from_index == index), None)
            if leg is None or stop.depart_at is None or leg.mode == "walk":  # on foot, the car stays parked
                continue
            parked = (leg.park.lat, leg.park.lon) if leg.park is not None else None
            drive_end = stop.depart_at + timedelta(seconds=leg.duration_s)
            lo, hi = max(start, stop.depart_at), min(until, drive_end)
            if hi <= lo or leg.duration_s <= 0:
                continue
            share = (hi - lo).total_seconds() / leg.duration_s
            self._drain(leg.distance_m * share, leg.duration_s * share)
            elapsed = (hi - stop.depart_at).total_seconds() / leg.duration_s
            coords = leg.geometry.get("coordinates") or [[stop.lon, stop.lat]]
            self.lat, self.lon = point_along(coords, elapsed)
            self._sample(hi)
        self.done = 1 + sum(1 for s in stops[1:-1] if s.arrive_at is not None and s.arrive_at <= until)
        self.now = until

    def _sample(self, at: datetime) -> None:
        if self.soc is not None:
            self.soc_trace.append((at, self.soc))
