"""The verifier: an independent check of any itinerary (optimizer, LLM, API or file).

It trusts nothing in the document but the order of the stops, their catalogue IDs,
positions and times, and the claimed charging: places, travel times, opening hours,
costs, energy and charger compatibility are recomputed from a :class:`World`. Each
broken constraint becomes a :class:`Violation` with a code of ``VIOLATION_CODES`` and the
offending stop. Warnings: ``HOURS_UNKNOWN``, ``HOLIDAY_HOURS`` (a stop on a public holiday
of the region's country at a place whose hours have no holiday rule: its usual hours, not
confirmed for the day), ``CHARGER_UNVERIFIED`` (a charger whose
sockets are not recorded, planned at an assumed Type 2 AC power), and
``SOC_BELOW_RESERVE`` on the way to the first charger of a car that started below the
reserve (above empty); every other code is an error.

Walks (park and walk) are checked on the world's walking network at the party's pace:
each walk between two stops or between a stop and the parked car keeps the party's
limit (``WALK_TOO_LONG``), the car is driven only from where it was left, and the trip
does not end on foot away from it (``CAR_LEFT_BEHIND``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from codriver.planning._absent import missing_must_visit
from codriver.planning._itinerary import Itinerary, ItineraryStop, Violation
from codriver.planning._problem import seconds_between
from codriver.planning._world import FOOD_CATEGORIES, PlaceFacts, Requirements, StopRef, World
from codriver.tools.geo import LatLon, haversine_m

__all__ = ["arrival_soc", "verify"]

_POSITION_M = 300.0  # a stop this far from its catalogue position is not that place
_SOC_EPS = 1e-4
_ACCEPTED_DIET = frozenset({"yes", "only"})


def _ref(stop: ItineraryStop) -> StopRef:
    return StopRef(stop.poi_id, stop.lat, stop.lon)


def _before(a: datetime, b: datetime) -> bool:
    """``a`` is earlier than ``b`` in real time (two times in one zone compare on the wall clock)."""
    return a.astimezone(UTC) < b.astimezone(UTC)


def _when(dt: datetime | None) -> str:
    return dt.isoformat(timespec="minutes") if dt else "?"


class _Check:
    def __init__(self, itinerary: Itinerary, world: World, req: Requirements, tolerance_s: float) -> None:
        self.it = itinerary
        self.world = world
        self.req = req
        self.tolerance_s = tolerance_s
        self.found: list[Violation] = []
        self.places: dict[int, PlaceFacts] = {}
        #: the car's drive on each leg, (from, to); None: the leg is walked
        self.drives: list[tuple[StopRef, StopRef] | None] = []
        #: the recomputed state of charge at the end (EV)
        self.final_soc: float | None = None

    def add(self, code: str, message: str, index: int | None = None, *, warning: bool = False) -> None:
        poi = self.it.stops[index].poi_id if index is not None else None
        self.found.append(
            Violation(
                code=code,
                severity="warning" if warning else "error",
                message=message,
                stop_index=index,
                poi_id=poi,
            )
        )

    # -- structure, places, hours ---------------------------------------------------------
    def structure(self) -> bool:
        stops = self.it.stops
        if len(stops) < 2:
            self.add("INVALID_ITINERARY", "an itinerary needs at least a start and an end stop")
            return False
        ok = True
        for i, stop in enumerate(stops):
            if (i > 0 and stop.arrive_at is None) or (i < len(stops) - 1 and stop.depart_at is None):
                self.add("INVALID_ITINERARY", f"stop {i} ({stop.name}) lacks arrive_at or depart_at", i)
                ok = False
            elif stop.arrive_at and stop.depart_at and _before(stop.depart_at, stop.arrive_at):
                self.add("INVALID_ITINERARY", f"stop {i} ({stop.name}) departs before it arrives", i)
                ok = False
        return ok

    def catalogue(self) -> None:
        for i, stop in enumerate(self.it.stops):
            if stop.poi_id is None:
                if stop.kind not in ("start", "end"):
                    self.add("UNKNOWN_PLACE", f"{stop.kind} stop {stop.name!r} has no catalogue ID", i)
                continue
            place = self.world.place(stop.poi_id)
            if place is None:
                self.add("UNKNOWN_PLACE", f"{stop.poi_id} ({stop.name}) is not in the region's catalogue", i)
                continue
            off = haversine_m(LatLon(stop.lat, stop.lon), LatLon(place.lat, place.lon))
            if off > _POSITION_M:
                self.add("UNKNOWN_PLACE", f"{stop.name} is placed {off:.0f} m from where {place.poi_id} is", i)
                continue
            self.places[i] = place

    def hours(self) -> None:
        for i, stop in enumerate(self.it.stops):
            if stop.kind in ("start", "end") or i not in self.places or not stop.arrive_at or not stop.depart_at:
                continue
            assert stop.poi_id is not None
            state = self.world.hours_state(stop.poi_id, stop.arrive_at)
            if state == "closed":
                self.add("CLOSED_AT_ARRIVAL", f"{stop.name} is closed at {_when(stop.arrive_at)}", i)
                continue
            if state == "unknown":
                self.add("HOURS_UNKNOWN", f"opening hours of {stop.name} are unknown", i, warning=True)
                continue
            if self.world.open_throughout(stop.poi_id, stop.arrive_at, stop.depart_at) is False:
                self.add(
                    "CLOSES_DURING_VISIT",
                    f"{stop.name} closes before the stay ends at {_when(stop.depart_at)}",
                    i,
                )
            holiday = self.world.holiday_hours(stop.poi_id, stop.arrive_at)
            if holiday is not None:
                self.add(
                    "HOLIDAY_HOURS",
                    f"{stop.arrive_at:%A %d %B} is a public holiday ({holiday}): the hours of {stop.name} are its "
                    "usual hours, not confirmed for the holiday (OpenStreetMap records no holiday hours for it)",
                    i,
                    warning=True,
                )

    # -- time -------------------------------------------------------------------------------
    def travel(self) -> list[float]:
        """Seconds of driving of every leg (0 for a walk), each leg's time checked against the world's.

        The car is followed through the plan: a walk leaves it where it is; a drive starts
        where it is (after walking back to it) and leaves it at the leg's ``park``, or beside
        the next stop. A drive from beside the stop to beside the next is checked as it always
        was (the world's travel between the two stops).
        """
        stops = self.it.stops
        legs = {leg.from_index: leg for leg in self.it.legs}
        times = []
        car: StopRef | None = None  # where the car is parked while the traveller is away from it
        for i in range(len(stops) - 1):
            a, b = _ref(stops[i]), _ref(stops[i + 1])
            leg = legs.get(i)
            if leg is not None and leg.mode == "walk":
                car = car or self.world.road_point(a)
                metres = self._walk(i, a, b, limited=True)
                seconds = metres / self.req.walk_m_per_s
                self._leg_time(i, seconds, leg.duration_s, "walk")
                self._gap(i, seconds, "walking")
                self.drives.append(None)
                times.append(0.0)
                continue
            if leg is None or (leg.park is None and car is None):
                seconds, _ = self.world.travel(a, b)
                self._gap(i, seconds, "")
                if leg is not None:
                    self._leg_time(i, seconds, leg.duration_s, "drive")
                self.drives.append((a, b))
                times.append(seconds)
                continue
            start = car or self.world.road_point(a)
            beside = self.world.road_point(b)
            park = StopRef(None, leg.park.lat, leg.park.lon) if leg.park is not None else beside
            if leg.park is not None and leg.park.poi_id is not None:
                self._parking_place(i, leg.park.poi_id, park)
            walked = self._walk(i, a, start, limited=car is not None)
            walked += self._walk(i, park, b, limited=_apart(park, beside))
            seconds, _ = self.world.travel(start, park)
            self._leg_time(i, seconds, leg.duration_s, "drive")
            self._gap(i, seconds + walked / self.req.walk_m_per_s, "driving and walking")
            self.drives.append((start, park))
            times.append(seconds)
            car = park if _apart(park, beside) else None
        end = stops[-1]
        if car is not None and _apart(car, self.world.road_point(_ref(end))):
            self.add(
                "CAR_LEFT_BEHIND", f"the trip ends at {end.name} on foot, the car is parked elsewhere", len(stops) - 1
            )
        return times

    def _walk(self, i: int, a: StopRef, b: StopRef, *, limited: bool) -> float:
        """Metres walked from ``a`` to ``b`` on leg ``i`` (the straight line when the world knows no walks).

        ``limited``: a walk of park and walk, which must keep the party's walking limit (the
        walk between a place and the road beside it is the place's access, never refused).
        """
        metres = self.world.walk(a, b) if limited else None
        if metres is None:  # a place's access (or a world without walks): the straight line
            metres = haversine_m(LatLon(a.lat, a.lon), LatLon(b.lat, b.lon))
        if limited and metres > self.req.max_walk_m * 1.05 + 10.0:
            stops = self.it.stops
            self.add(
                "WALK_TOO_LONG",
                f"a walk of {metres:.0f} m between {stops[i].name} and {stops[i + 1].name} "
                f"(limit {self.req.max_walk_m:.0f} m)",
                i + 1,
            )
        return metres

    def _gap(self, i: int, seconds: float, how: str) -> None:
        """The plan leaves at least ``seconds`` between leaving stop ``i`` and arriving at the next."""
        stops = self.it.stops
        slack = self.tolerance_s + 0.05 * seconds
        depart, arrive = stops[i].depart_at, stops[i + 1].arrive_at
        assert depart is not None
        assert arrive is not None
        gap = seconds_between(depart, arrive)
        if gap < seconds - slack:
            self.add(
                "TRAVEL_TIME_MISMATCH",
                f"{stops[i].name} -> {stops[i + 1].name} takes {seconds / 60:.1f} min{f' of {how}' if how else ''}, "
                f"the plan allows {gap / 60:.1f} min",
                i + 1,
            )

    def _leg_time(self, i: int, seconds: float, claimed: float, mode: str) -> None:
        """The leg's own duration agrees with the world's (``mode``: drive, or walk at the party's pace)."""
        if abs(claimed - seconds) > self.tolerance_s + 0.05 * seconds:
            stops = self.it.stops
            self.add(
                "TRAVEL_TIME_MISMATCH",
                f"leg {stops[i].name} -> {stops[i + 1].name} says {claimed / 60:.1f} min, "
                f"the {'router' if mode == 'drive' else 'walking network'} {seconds / 60:.1f} min",
                i + 1,
            )

    def _parking_place(self, i: int, poi_id: str, park: StopRef) -> None:
        place = self.world.place(poi_id)
        if place is None or haversine_m(LatLon(place.lat, place.lon), LatLon(park.lat, park.lon)) > _POSITION_M:
            self.add(
                "UNKNOWN_PLACE", f"the car park {poi_id} of the leg to {self.it.stops[i + 1].name} is not there", i + 1
            )

    def window(self) -> None:
        req, stops = self.req, self.it.stops
        first = stops[0].depart_at
        if first is not None and _before(first, req.depart_at):
            self.add("TIME_WINDOW", f"departs at {_when(first)}, before {_when(req.depart_at)}", 0)
        for i, stop in enumerate(stops[1:], start=1):
            last = stop.depart_at or stop.arrive_at
            if last is not None and _before(req.return_by, last):
                self.add("TIME_WINDOW", f"{stop.name} ends at {_when(last)}, after {_when(req.return_by)}", i)
        meals = {m.meal: m for m in req.meals}
        for i, stop in enumerate(stops):
            wish = meals.get(stop.meal) if stop.kind == "meal" and stop.meal else None
            if not (wish and stop.arrive_at and stop.depart_at):
                continue
            if _before(stop.arrive_at, wish.earliest) or _before(wish.latest, stop.depart_at):
                self.add(
                    "TIME_WINDOW",
                    f"{stop.meal} at {stop.name} from {_when(stop.arrive_at)} to {_when(stop.depart_at)} is "
                    f"outside {_when(wish.earliest)}-{_when(wish.latest)}",
                    i,
                )

    def stints(self, times: list[float]) -> None:
        if self.req.max_stint_s is None:
            return
        driven = self.req.start_stint_s
        for i, seconds in enumerate(times):
            stop = self.it.stops[i]
            stay = seconds_between(stop.arrive_at, stop.depart_at) if stop.arrive_at and stop.depart_at else 0.0
            if i > 0 and stay >= self.req.break_s:
                driven = 0.0
            driven += seconds
            if driven > self.req.max_stint_s + self.tolerance_s:
                self.add(
                    "DRIVING_STINT",
                    f"{driven / 60:.0f} min of driving without a break before {self.it.stops[i + 1].name} "
                    f"(limit {self.req.max_stint_s / 60:.0f} min)",
                    i + 1,
                )

    # -- money, meals, must-visits -----------------------------------------------------------------
    def budget(self) -> None:
        if self.req.budget is None:
            return
        total = sum(
            self.world.cost(stop.poi_id, stop.kind, self.req.party_size)
            for i, stop in enumerate(self.it.stops)
            if stop.kind in ("visit", "meal") and i in self.places and stop.poi_id
        )
        if total > self.req.budget + 0.005:
            self.add("OVER_BUDGET", f"the stops cost {total:.2f}, the budget is {self.req.budget:.2f}")

    def meals(self) -> None:
        for wish in self.req.meals:
            served = False
            for i, stop in enumerate(self.it.stops):
                place = self.places.get(i)
                if stop.kind != "meal" or stop.meal not in (None, wish.meal) or place is None:
                    continue
                if not stop.arrive_at or not stop.depart_at:
                    continue
                inside = not _before(stop.arrive_at, wish.earliest) and not _before(wish.latest, stop.depart_at)
                diet_ok = all(_serves(place, diet) for diet in self.req.diets)
                here = LatLon(place.lat, place.lon)
                there = wish.near is None or haversine_m(LatLon(*wish.near), here) <= wish.near_m
                if inside and place.category in FOOD_CATEGORIES and diet_ok and there:
                    served = True
            if not served:
                diets = f" ({', '.join(self.req.diets)})" if self.req.diets else ""
                near = f" within {wish.near_m / 1000:g} km of {wish.near_name}" if wish.near is not None else ""
                self.add(
                    "MISSING_MEAL",
                    f"no {wish.meal}{diets} at a food place{near} between {_when(wish.earliest)} and "
                    f"{_when(wish.latest)}" + (f": {wish.why}" if wish.why else ""),
                )

    def must_visits(self) -> None:
        present = {s.poi_id for s in self.it.stops if s.poi_id}
        for ref in self.req.must_visit:
            if ref not in present:
                zone = ZoneInfo(self.it.timezone) if self.it.timezone else None
                message = missing_must_visit(self.world, ref, self.req, zone)
                self.found.append(Violation(code="MUST_VISIT_MISSING", message=message, poi_id=ref))
        avoid = set(self.req.avoid)
        for i, stop in enumerate(self.it.stops[1:-1], start=1):
            if stop.poi_id in avoid or (stop.charger and stop.charger in avoid):
                self.add("AVOIDED_PLACE", f"{stop.name} ({stop.poi_id}) is a place the traveller asked to avoid", i)

    def interests(self) -> None:
        """Every kind of place asked for in words has a stop (a visit or a meal there); a re-plan's stops
        made already on the trip (``visited``) count, as the engine counts them."""
        kinds = set()
        for stop in [*self.it.visited, *self.it.stops[1:-1]]:
            place = self.world.place(stop.poi_id) if stop.poi_id and stop.kind in ("visit", "meal") else None
            if place is not None:
                kinds.add(place.category)
        for category, why in self.req.interests:
            if not set(category.split(" or ")) & kinds:  # "museum or entertainment": a stop of either is enough
                said = category.replace("_", " ")
                self.add("INTEREST_MISSING", f"no {said} among the stops" + (f": {why}" if why else ""))

    def visited_once(self) -> None:
        """A place is visited (or eaten at) once: the same place again is one stop planned twice.

        A re-plan's places visited under the trip's earlier versions (``visited``) count: the
        trip does not go back to them as a new visit.
        """
        earlier = {s.poi_id: s for s in self.it.visited if s.kind in ("visit", "meal") and s.poi_id}
        first: dict[str, int] = {}
        for i, stop in enumerate(self.it.stops[1:-1], start=1):
            if stop.kind not in ("visit", "meal") or not stop.poi_id:
                continue
            if stop.poi_id in earlier:
                made = earlier[stop.poi_id].arrive_at
                when = f" at {made.strftime('%H:%M')}" if made is not None else ""
                self.add("VISITED_TWICE", f"{stop.name} ({stop.poi_id}) was visited already{when} on this trip", i)
            elif stop.poi_id in first:
                self.add(
                    "VISITED_TWICE", f"{stop.name} ({stop.poi_id}) is already stop {first[stop.poi_id]} of the plan", i
                )
            else:
                first[stop.poi_id] = i

    def order(self) -> None:
        """The traveller's own stops: all there, in their order; with ``exact``, nothing else visited."""
        wanted = self.req.order
        if not wanted:
            return
        position = {poi: k for k, poi in enumerate(wanted)}
        present = {s.poi_id for s in self.it.stops if s.poi_id}
        for ref in wanted:
            if ref not in present and ref not in self.req.must_visit:  # a must-visit is reported as such
                self.found.append(
                    Violation(code="MUST_VISIT_MISSING", message=f"your stop {ref} is not a stop", poi_id=ref)
                )
        last = -1
        for i, stop in enumerate(self.it.stops[1:-1], start=1):
            k = position.get(stop.poi_id or "")
            if k is not None:
                if k < last:
                    self.add("STOP_ORDER", f"{stop.name} comes before a stop you placed ahead of it", i)
                last = max(last, k)
            elif self.req.exact and stop.kind in {"visit", "meal"}:
                self.add("UNASKED_STOP", f"{stop.name} ({stop.poi_id}) is not one of the stops you chose", i)

    # -- energy ------------------------------------------------------------------------------
    def energy(self) -> None:
        req, stops = self.req, self.it.stops
        if not req.ev:
            return
        soc = req.soc
        for i in range(1, len(stops)):
            drive = self.drives[i - 1] if i - 1 < len(self.drives) else (_ref(stops[i - 1]), _ref(stops[i]))
            use = 0.0 if drive is None else self.world.leg_energy_kwh(*drive, req.consumption_kwh_per_100km)
            soc -= use / req.battery_kwh
            stop = stops[i]
            # A car that starts below the reserve may use what is left to reach a charger first.
            rescue = i == 1 and req.soc < req.reserve_soc and stop.charges and soc >= -_SOC_EPS
            if soc < req.reserve_soc - _SOC_EPS:
                self.add(
                    "SOC_BELOW_RESERVE",
                    f"state of charge {soc:.1%} on arrival at {stop.name}, reserve {req.reserve_soc:.0%}"
                    + (": the car started below the reserve and charges here first" if rescue else ""),
                    i,
                    warning=rescue,
                )
            if stop.charges:
                soc = self._charge(i, stop, soc)
        self.final_soc = soc
        if soc < req.target_soc - _SOC_EPS:
            self.add(
                "SOC_BELOW_TARGET",
                f"state of charge {soc:.1%} at arrival, target {req.target_soc:.0%}",
                len(stops) - 1,
            )

    def _charge(self, i: int, stop: ItineraryStop, soc: float) -> float:
        charger = stop.charger
        if charger is None:
            self.add("CONNECTOR_INCOMPATIBLE", f"{stop.name} claims charging without a charger", i)
            return soc
        place = self.world.place(charger)
        if place is None or place.category != "charging_station":
            self.add("CONNECTOR_INCOMPATIBLE", f"{charger} is not a charging station of the catalogue", i)
            return soc
        status = self.world.compatibility(charger, self.req.connectors)
        if status == "unknown" and place.charger_power_kw is not None:
            self.add(
                "CHARGER_UNVERIFIED",
                f"{place.name}: sockets not recorded, assumed to fit {list(self.req.connectors) or 'the car'}",
                i,
                warning=True,
            )
        elif status != "compatible":
            self.add(
                "CONNECTOR_INCOMPATIBLE",
                f"{place.name} is {status} with connectors {list(self.req.connectors)}: "
                "only chargers known to fit may be planned",
                i,
            )
            return soc
        assert stop.arrive_at is not None
        assert stop.depart_at is not None
        assert stop.soc_after is not None
        powers = [p for p in (stop.power_kw, place.charger_power_kw, self.req.max_charge_kw) if p]
        power = min(powers)
        dwell = seconds_between(stop.arrive_at, stop.depart_at)
        claimed = min(stop.soc_after, 1.0)
        needed = self.world.charge_time_s(self.req.battery_kwh, power, soc, claimed)
        if needed <= dwell + self.tolerance_s:
            return max(soc, claimed)
        low, high = soc, claimed  # the SoC reachable in the dwell time, by bisection
        for _ in range(40):
            mid = (low + high) / 2
            if self.world.charge_time_s(self.req.battery_kwh, power, soc, mid) <= dwell:
                low = mid
            else:
                high = mid
        self.add(
            "CHARGE_TOO_SHORT",
            f"{dwell / 60:.0f} min at {power:g} kW charge {soc:.0%} -> {low:.0%}, not {claimed:.0%}",
            i,
        )
        return low


def _apart(a: StopRef, b: StopRef) -> bool:
    """Two points more than a few metres apart (not the same parking place)."""
    return haversine_m(LatLon(a.lat, a.lon), LatLon(b.lat, b.lon)) > 5.0


def _serves(place: PlaceFacts, diet: str) -> bool:
    if place.diets.get(diet) in _ACCEPTED_DIET:
        return True
    return diet == "vegetarian" and place.diets.get("vegan") in _ACCEPTED_DIET


def verify(
    itinerary: Itinerary, world: World, requirements: Requirements, *, tolerance_s: float = 30.0
) -> list[Violation]:
    """Every violation of ``requirements`` by ``itinerary``, recomputed from ``world``.

    ``tolerance_s`` (plus 5 % of a leg) is how much faster than the router a leg may be
    before it is a ``TRAVEL_TIME_MISMATCH``; longer gaps are waiting, which is allowed.
    """
    check = _Check(itinerary, world, requirements, tolerance_s)
    if not check.structure():
        return check.found
    check.catalogue()
    check.hours()
    times = check.travel()
    check.window()
    check.stints(times)
    check.budget()
    check.meals()
    check.must_visits()
    check.interests()
    check.visited_once()
    check.order()
    check.energy()
    return check.found


def arrival_soc(itinerary: Itinerary, world: World, requirements: Requirements) -> float | None:
    """The state of charge at the end of ``itinerary``, recomputed as :func:`verify` does (None: not an
    EV, or a malformed itinerary). A multi-day trip carries it over the night."""
    check = _Check(itinerary, world, requirements, 30.0)
    if not requirements.ev or not check.structure():
        return None
    check.catalogue()
    check.travel()
    check.energy()
    return check.final_soc
