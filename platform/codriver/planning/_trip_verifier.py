"""The verifier of a trip of several days: every day on its own, and the chain between them.

Trusts nothing but the documents: the days' windows are split again from the trip's own
request, every day is verified like a one-day plan against its own request, and the chain
is recomputed from the region's world:

- ``DAY_CHAIN``: the first day starts at the trip's origin, each day ends at its night's
  stay and the next starts there (same catalogue place), no day starts before the previous
  night began, the last day ends at the trip's end, one night between each two days;
- ``DAY_WINDOW``: a day lies outside its window (09:00-19:00 or ``days[]``, the first from
  ``depart_at``, the last to ``return_by``), or on no day of the trip;
- ``NO_STAY``: a night's place is not a hotel, guest house, hostel, motel or campsite of the catalogue;
- ``STAY_CLOSED``: its OSM opening_hours say closed when the night begins (unknown passes);
- ``SOC_CHAIN``: a day starts with more charge than the night left (the first: than the request's);
- ``OVERNIGHT_CHARGE``: the night claims more charge than its charger gives in the night
  (recomputed state of charge at the evening's arrival, charging curve, charger known not to
  fit), or charge without a charger;
- ``MUST_VISIT_MISSING`` (a must-visit on no day) and ``OVER_BUDGET`` (days plus nights).
"""

from __future__ import annotations

from datetime import UTC, datetime

from codriver.planning._day_split import DaySpan, split_days
from codriver.planning._days_model import Night
from codriver.planning._engine import resolve_location
from codriver.planning._itinerary import Itinerary, ItineraryStop, Violation
from codriver.planning._region_world import RegionTools, RegionWorld
from codriver.planning._stays import night_cost, overnight_soc
from codriver.planning._verifier import arrival_soc, verify
from codriver.planning._world import Requirements
from codriver.tools.geo import LatLon, haversine_m

__all__ = ["verify_trip"]

_SAME_PLACE_M = 300.0
_SOC_EPS = 1e-3
_STAY_CATEGORIES = frozenset({"hotel", "campsite"})


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def verify_trip(
    trip: Itinerary, tools: RegionTools, *, check_days: bool = True, tolerance_s: float = 60.0
) -> list[Violation]:
    """Every violation of a multi-day ``trip`` (see the module); ``check_days=False`` leaves out each day's
    own verification (the engine verified the days it planned), keeping the chain's checks."""
    return _TripCheck(trip, tools, tolerance_s).run(check_days=check_days)


class _TripCheck:
    def __init__(self, trip: Itinerary, tools: RegionTools, tolerance_s: float) -> None:
        self.trip = trip
        self.tools = tools
        self.tolerance_s = tolerance_s
        self.found: list[Violation] = []

    def add(self, code: str, message: str, *, poi_id: str | None = None) -> None:
        self.found.append(Violation(code=code, message=message, poi_id=poi_id))

    def run(self, *, check_days: bool) -> list[Violation]:
        trip, request = self.trip, self.trip.request
        if request is None:
            self.add("INVALID_ITINERARY", "a trip of several days needs its request to be checked")
            return self.found
        if not trip.days:
            if not any(v.code == "NO_STAY" for v in trip.violations):
                self.add("INVALID_ITINERARY", "a trip of several days without days[]")
            return self.found
        spans, _ = split_days(request, self.tools.zone)
        if len(trip.nights) != len(trip.days) - 1:
            self.add("DAY_CHAIN", f"{len(trip.days)} days need {len(trip.days) - 1} nights, not {len(trip.nights)}")
            return self.found
        socs: list[float | None] = []
        for k, day in enumerate(trip.days):
            if day.request is None or len(day.stops) < 2:
                self.add("INVALID_ITINERARY", f"day {k + 1} has no request or fewer than two stops")
                return self.found
            world = RegionWorld(self.tools, day.request)
            requirements = Requirements.from_request(day.request, self.tools.zone, world, interests=True)
            if check_days:
                for v in verify(day, world, requirements):
                    self.found.append(v.model_copy(update={"message": f"day {k + 1}: {v.message}"}))
            socs.append(arrival_soc(day, world, requirements))
            self._window(k, day, spans)
        self._ends(spans)
        for k, night in enumerate(trip.nights):
            self._night(k, night, socs[k])
        self._first_soc()
        self._musts()
        self._budget()
        return self.found

    def _window(self, k: int, day: Itinerary, spans: list[DaySpan]) -> None:
        depart = day.stops[0].depart_at
        assert depart is not None
        date = depart.astimezone(self.tools.zone).date()
        span = next((s for s in spans if s.date == date), None)
        if span is None:
            self.add("DAY_WINDOW", f"day {k + 1} ({date}) is not a day of the trip")
            return
        slack = self.tolerance_s
        for stop in day.stops:
            for moment in (stop.arrive_at, stop.depart_at):
                if moment is None:
                    continue
                early = (_utc(span.start) - _utc(moment)).total_seconds()
                late = (_utc(moment) - _utc(span.end)).total_seconds()
                if early > slack or late > slack:
                    self.add(
                        "DAY_WINDOW",
                        f"day {k + 1}: {stop.name} at {moment:%H:%M} is outside the day's window "
                        f"{span.start:%H:%M}-{span.end:%H:%M}",
                        poi_id=stop.poi_id,
                    )
                    return

    def _ends(self, spans: list[DaySpan]) -> None:
        request = self.trip.request
        assert request is not None
        days = self.trip.days
        origin = resolve_location(self.tools, request.origin).point
        if not self._at(days[0].stops[0], origin):
            self.add("DAY_CHAIN", f"day 1 starts at {days[0].stops[0].name}, not at the trip's origin")
        if len(days) == len(spans):
            end = resolve_location(self.tools, request.end).point
            if not self._at(days[-1].stops[-1], end):
                self.add("DAY_CHAIN", f"the last day ends at {days[-1].stops[-1].name}, not at the trip's end")
        elif not any(v.code == "NO_STAY" for v in self.trip.violations):
            self.add("DAY_CHAIN", f"{len(days)} days planned of the trip's {len(spans)}, and no night said missing")

    @staticmethod
    def _at(stop: ItineraryStop, point: LatLon) -> bool:
        return haversine_m(LatLon(stop.lat, stop.lon), point) <= _SAME_PLACE_M

    def _night(self, k: int, night: Night, soc: float | None) -> None:
        evening, morning = self.trip.days[k].stops[-1], self.trip.days[k + 1].stops[0]
        here = LatLon(night.lat, night.lon)
        entry = self.tools.entry(night.poi_id)
        if entry is None or entry.category not in _STAY_CATEGORIES:
            self.add("NO_STAY", f"night {k + 1}: {night.name} ({night.poi_id}) is no stay of the catalogue")
        elif haversine_m(here, LatLon(entry.lat, entry.lon)) > _SAME_PLACE_M:
            self.add("NO_STAY", f"night {k + 1}: {night.name} is placed away from {night.poi_id}")
        for stop, when in ((evening, "ends"), (morning, "starts")):
            if stop.poi_id != night.poi_id or not self._at(stop, here):
                day = k + 1 if when == "ends" else k + 2
                self.add("DAY_CHAIN", f"day {day} {when} at {stop.name}, not at night {k + 1}'s {night.name}")
        arrived, left = evening.arrive_at, morning.depart_at
        assert arrived is not None
        assert left is not None
        slack = self.tolerance_s
        if (_utc(arrived) - _utc(night.arrive_at)).total_seconds() > slack or (
            _utc(night.depart_at) - _utc(left)
        ).total_seconds() > slack:
            self.add("DAY_CHAIN", f"night {k + 1} at {night.name} does not match the evening's arrival and the morning")
        if _utc(left) < _utc(arrived):
            self.add("DAY_CHAIN", f"day {k + 2} leaves {night.name} before day {k + 1} arrives there")
        world = RegionWorld(self.tools, self.trip.days[k].request)
        if entry is not None and world.hours_state(night.poi_id, arrived) == "closed":
            self.add("STAY_CLOSED", f"{night.name} is closed at {arrived:%a %H:%M} (OpenStreetMap opening_hours)")
        self._overnight(k, night, soc, world, arrived=arrived, left=left)

    def _overnight(
        self, k: int, night: Night, soc: float | None, world: RegionWorld, *, arrived: datetime, left: datetime
    ) -> None:
        request = self.trip.request
        assert request is not None
        if soc is None:  # not an EV
            return
        if night.soc_arrive is not None and night.soc_arrive > soc + _SOC_EPS:
            self.add("SOC_CHAIN", f"night {k + 1}: arrives with {night.soc_arrive:.0%} claimed, {soc:.0%} recomputed")
        reachable = soc
        vehicle = request.vehicle
        if night.charger_id is not None:
            place = world.place(night.charger_id)
            status = world.compatibility(night.charger_id, tuple(vehicle.connectors))
            if place is None or place.category != "charging_station" or status == "incompatible":
                self.add("OVERNIGHT_CHARGE", f"night {k + 1}: {night.charger_id} is no charger that fits the car")
            else:
                powers = [p for p in (night.power_kw, place.charger_power_kw, vehicle.max_charge_kw) if p]
                seconds = (_utc(left) - _utc(arrived)).total_seconds()
                goal = max(soc, night.soc_depart or soc)
                reachable = overnight_soc(
                    world.charge_time_s, vehicle.battery_kwh, min(powers), soc, goal, seconds=seconds
                )
        if night.soc_depart is not None and night.soc_depart > reachable + _SOC_EPS:
            how = "without a charger" if night.charger_id is None else "in the night"
            self.add(
                "OVERNIGHT_CHARGE",
                f"night {k + 1}: {night.soc_depart:.0%} by morning claimed, {reachable:.0%} reachable {how}",
            )
        morning = self.trip.days[k + 1].request
        assert morning is not None
        if morning.vehicle.soc > min(reachable, night.soc_depart or reachable) + _SOC_EPS:
            self.add(
                "SOC_CHAIN",
                f"day {k + 2} starts with {morning.vehicle.soc:.0%}, the night leaves the car with {reachable:.0%}",
            )

    def _first_soc(self) -> None:
        request, first = self.trip.request, self.trip.days[0].request
        assert request is not None
        assert first is not None
        if request.vehicle.powertrain == "ev" and first.vehicle.soc > request.vehicle.soc + _SOC_EPS:
            self.add("SOC_CHAIN", f"day 1 starts with {first.vehicle.soc:.0%}, the car has {request.vehicle.soc:.0%}")

    def _musts(self) -> None:
        request = self.trip.request
        assert request is not None
        world = RegionWorld(self.tools, request)
        seen = {s.poi_id for d in self.trip.days for s in d.stops if s.poi_id}
        for ref in dict.fromkeys([*request.must_visit, *(r for d in request.days for r in d.must_visit)]):
            if (world.resolve(ref) or ref) not in seen:
                self.add("MUST_VISIT_MISSING", f"{ref} is on no day of the trip", poi_id=world.resolve(ref))

    def _budget(self) -> None:
        request = self.trip.request
        assert request is not None
        if request.budget is None:
            return
        party = request.party
        nights = 0.0
        for night in self.trip.nights:
            entry = self.tools.entry(night.poi_id)
            nights += night_cost(entry, party.adults, party.children) if entry else night.cost
        days = sum(d.totals.cost for d in self.trip.days)
        if days + nights > request.budget + 1e-6:
            self.add("OVER_BUDGET", f"days {days:.0f} + nights {nights:.0f} exceed the budget {request.budget:.0f}")
