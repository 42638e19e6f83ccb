"""Trips of several days: a layer over the single-day engine.

A request whose ``return_by`` lies more than 24 h after ``depart_at`` (or whose ``days[]``
names several days) is split into local days: the first starts at ``depart_at``, the last
ends at ``return_by``, every other day runs 09:00-19:00 unless ``days[]`` says otherwise; a
day with under an hour left is skipped (said in the notes). Must-visits are spread over the
days (those ``days[]`` pins stay on their day; the rest in order along the trip, or round
the start for a round trip, in proportion to the days' hours); each wished meal is asked
for on every day whose window holds it ("lunch every day"), a meal wished near a place on
the day the trip passes it; interests apply every day,
and a place seen on one day is not planned again.

Each night's stay is chosen before its day is planned: a catalogue hotel, guest house,
hostel, motel or campsite (see :mod:`._stays`) near the next day's must-visits (else this
day's, else the point of the straight line from start to end the trip should have reached),
reachable within the day (the previous night's stay is preferred: a stay of several
nights in one place when the days stay around it). The day is then planned by the single-day engine from the
previous night's stay (the origin on the first day) to that stay (the destination on the
last day), and verified like any day. An EV arrives with any charge above its reserve and,
with a charger at or beside the stay, leaves the next morning charged towards
``overnight.charge_to_soc`` as far as the night allows; the next day starts with that charge.

When no stay fits a night, the plan says so (``NO_STAY``) and holds the days before it:
never a day of 30 hours. The result is one :class:`Itinerary` for the trip (every stop, the
nights as ``stay`` stops, totals with the nights' cost) whose ``days[]`` are the days'
own itineraries and ``nights[]`` the nights; :func:`verify_trip` checks the chain.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import time

from codriver.planning._day_split import DaySpan, split_days
from codriver.planning._days_model import DayWindow, Night
from codriver.planning._engine import Adjustments, Endpoint, plan_trip, resolve_location
from codriver.planning._itinerary import Itinerary, ItineraryLeg, ItineraryStop, Totals, Violation
from codriver.planning._planner import with_wishes_not_met
from codriver.planning._region_world import EnergyCurve, RegionTools, vehicle_energy
from codriver.planning._request import Location, MealWish, TripRequest
from codriver.planning._stays import StayOption, find_stays, overnight_soc
from codriver.planning._trip_verifier import verify_trip
from codriver.tools.geo import LatLon, haversine_m

__all__ = ["plan_days"]

_REACH_SLACK_S = 900.0  # a night's stay must be reachable this long before the day ends
_STAY_TRIES = 2  # stays tried for a night when the day cannot be planned to the first
_ROUND_TRIP_M = 1000.0  # start and end this close: a round trip


def _spread(
    tools: RegionTools, request: TripRequest, spans: list[DaySpan], origin: Endpoint, end: Endpoint
) -> list[list[str]]:
    """The must-visits of each day: pinned ones on their day, the rest in order along the trip."""
    days: list[list[str]] = [list(s.pinned) for s in spans]
    pinned = {ref for s in spans for ref in s.pinned}
    rest = [ref for ref in request.must_visit if ref not in pinned]
    if not rest:
        return days
    points = {ref: resolve_location(tools, Location.model_validate(ref)).point for ref in rest}
    o, d = origin.point, end.point

    def key(ref: str) -> float:  # one way: how far along the line from start to end; round trip: round the start
        p = points[ref]
        along = _along(p, o, d)
        return math.atan2(p.lat - o.lat, p.lon - o.lon) if along is None else along

    rest.sort(key=key)
    for i, ref in enumerate(rest):
        days[_day_at((i + 0.5) / len(rest), spans)].append(ref)
    return days


def _day_at(fraction: float, spans: list[DaySpan]) -> int:
    """The day a fraction 0..1 of the trip's hours falls on."""
    total = sum(s.seconds for s in spans)
    acc = 0.0
    for k, s in enumerate(spans):
        acc += s.seconds
        if fraction <= acc / total + 1e-9:
            return k
    return len(spans) - 1


def _along(point: LatLon, origin: LatLon, end: LatLon) -> float | None:
    """How far along the line from ``origin`` to ``end`` ``point`` lies: 0 at the start, 1 at the end (None: a
    round trip)."""
    if haversine_m(origin, end) <= _ROUND_TRIP_M:
        return None
    dx, dy = end.lon - origin.lon, end.lat - origin.lat
    return ((point.lon - origin.lon) * dx + (point.lat - origin.lat) * dy) / (dx * dx + dy * dy)


def _meals(request: TripRequest, span: DaySpan, notes: list[str], near_day: dict[str, int]) -> list[MealWish]:
    """The wished meals that fit the day's window (a meal's window cut to the day's); a meal wished near a
    place only on its day (``near_day``)."""
    meals = []
    for wish in request.meals:
        if near_day.get(wish.meal, span.index) != span.index:
            continue
        earliest = max(wish.earliest, span.start.timetz().replace(tzinfo=None))
        latest = min(wish.latest, span.end.timetz().replace(tzinfo=None))
        if _minutes(latest) - _minutes(earliest) < wish.duration_min:
            notes.append(f"Day {span.index + 1} ({span.date:%a %d %b}): no {wish.meal}, the day's window misses it.")
            continue
        meals.append(wish.model_copy(update={"earliest": earliest, "latest": latest}))
    return meals


def _minutes(t: time) -> float:
    return t.hour * 60 + t.minute + t.second / 60


def _centroid(points: list[LatLon]) -> LatLon:
    return LatLon(sum(p.lat for p in points) / len(points), sum(p.lon for p in points) / len(points))


def _end_soc(itinerary: Itinerary, battery_kwh: float, soc: float) -> float:
    """The charge the plan claims at its end: its drives' energy and its charging stops."""
    legs = {leg.from_index: leg for leg in itinerary.legs}
    for i in range(1, len(itinerary.stops)):
        leg = legs.get(i - 1)
        soc -= (leg.energy_kwh or 0.0) / battery_kwh if leg is not None else 0.0
        stop = itinerary.stops[i]
        if stop.soc_after is not None:
            soc = stop.soc_after
    return max(0.0, min(1.0, soc))


class _Trip:
    """Plans one multi-day request, day after day."""

    def __init__(
        self, request: TripRequest, tools: RegionTools, max_candidates: int, time_limit_s: float, adjust: Adjustments
    ) -> None:
        self.request = request
        self.adjust = adjust
        self.tools = tools
        self.max_candidates = max_candidates
        self.time_limit_s = time_limit_s
        self.zone = tools.zone
        self.spans, self.notes = split_days(request, self.zone)
        self.origin = resolve_location(tools, request.origin, field="origin")
        self.end = resolve_location(tools, request.end, field="destination") if request.destination else self.origin
        self.musts = _spread(tools, request, self.spans, self.origin, self.end)
        self.near_day = self._near_days()
        ev = request.vehicle.powertrain == "ev"
        self.vehicle = vehicle_energy(request.vehicle) if ev else None
        self.days: list[Itinerary] = []
        self.nights: list[Night] = []
        self.violations: list[Violation] = []

    def _near_days(self) -> dict[str, int]:
        """The day of each meal wished near a place ('lunch in <town>'): where the trip passes it (one way),
        else the day whose must-visits are nearest it; no must-visits on a round trip: every day."""
        found: dict[str, int] = {}
        for wish in self.request.meals:
            if wish.near is None or not self.spans:
                continue
            point = resolve_location(self.tools, wish.near).point
            along = _along(point, self.origin.point, self.end.point)
            if along is not None:
                found[wish.meal] = _day_at(along, self.spans)
                continue
            nearest = [
                (
                    min(
                        haversine_m(point, resolve_location(self.tools, Location.model_validate(r)).point) for r in refs
                    ),
                    k,
                )
                for k, refs in enumerate(self.musts)
                if refs
            ]
            if nearest:
                found[wish.meal] = min(nearest)[1]
        return found

    def _target(self, k: int) -> LatLon:
        """Where night ``k`` (after day ``k``) should be: near the next day's must-visits, else this day's,
        else as far along the line from start to end as the days so far make."""
        for day in (k + 1, k):
            points = [resolve_location(self.tools, Location.model_validate(r)).point for r in self.musts[day]]
            if points:
                return _centroid(points)
        done = sum(s.seconds for s in self.spans[: k + 1]) / sum(s.seconds for s in self.spans)
        o, d = self.origin.point, self.end.point
        return LatLon(o.lat + (d.lat - o.lat) * done, o.lon + (d.lon - o.lon) * done)

    def _day_request(
        self,
        span: DaySpan,
        start: Location,
        end: Location,
        *,
        soc: float,
        stay: StayOption | None,
        budget: float | None,
    ) -> TripRequest:
        request = self.request
        seen = self._seen()
        vehicle = request.vehicle.model_copy(update={"soc": soc})
        if stay is not None:  # a night's stay: any charge above the reserve will do when it charges overnight
            vehicle = vehicle.model_copy(update={"target_soc": None if stay.charger else request.vehicle.target_soc})
        constraints = request.constraints.model_copy(
            update={"avoid_places": list(dict.fromkeys([*request.constraints.avoid_places, *seen]))[:500]}
        )
        notes: list[str] = []
        meals = _meals(request, span, notes, self.near_day)
        for note in notes:
            if note not in self.notes:
                self.notes.append(note)
        return request.model_copy(
            update={
                "origin": start,
                "destination": end,
                "depart_at": span.start,
                "return_by": span.end,
                "budget": budget,
                "must_visit": self.musts[span.index],
                "meals": meals,
                "vehicle": vehicle,
                "constraints": constraints,
                "days": [],
                "not_met": [],
            }
        )

    def _seen(self) -> list[str]:
        """The places visited (or eaten at) on the days planned so far."""
        return [s.poi_id for d in self.days for s in d.stops[1:-1] if s.poi_id and s.kind in ("visit", "meal")]

    def _adjust(self, k: int) -> Adjustments:
        """The repair's adjustments for day ``k``: a place kept is kept on the first day that can make it, not
        again; the driving since the last break counts on the first day only."""
        if k == 0:
            return self.adjust
        return replace(self.adjust, keep=self.adjust.keep - set(self._seen()), start_stint_s=0)

    def _budget(self, k: int, stay_cost: float) -> float | None:
        """Day ``k``'s share of what the budget has left after the days so far and the nights (this one's cost
        for each night still to come)."""
        if self.request.budget is None:
            return None
        spent = sum(d.totals.cost for d in self.days) + sum(n.cost for n in self.nights)
        nights_left = len(self.spans) - 1 - k
        left = self.request.budget - spent - stay_cost * nights_left
        return max(0.0, left / (len(self.spans) - k))

    def plan(self) -> Itinerary:
        here = self.request.origin
        here_point = self.origin.point
        soc = self.request.vehicle.soc
        for k, span in enumerate(self.spans):
            last = k == len(self.spans) - 1
            if last:
                options: list[StayOption | None] = [None]
            else:
                found = find_stays(
                    self.tools,
                    self.request,
                    near=self._target(k),
                    start=here_point,
                    reach_s=span.seconds - _REACH_SLACK_S,
                    vehicle=self.vehicle,
                    arrive_at=span.end,
                    last=self.nights[-1].poi_id if self.nights else None,
                )
                if not found:
                    self._no_stay(span)
                    break
                options = list(found[:_STAY_TRIES])
            day = None
            for option in options:
                end = (
                    self.request.end
                    if option is None
                    else Location(place_id=option.entry.poi_id, name=option.entry.name or option.kind)
                )
                budget = self._budget(k, option.cost if option else 0.0)
                request = self._day_request(span, here, end, soc=soc, stay=option, budget=budget)
                planned = plan_trip(
                    request,
                    self.tools,
                    max_candidates=self.max_candidates,
                    time_limit_s=self.time_limit_s,
                    adjust=self._adjust(k),
                )
                if day is None or (planned.status == "feasible" and day[0].status != "feasible"):
                    day = (planned, option)
                if planned.status == "feasible":
                    break
            assert day is not None
            itinerary, option = day
            self.days.append(itinerary)
            soc_end = _end_soc(itinerary, self.request.vehicle.battery_kwh, soc)
            if option is None:
                continue
            night = self._night(span, self.spans[k + 1], itinerary, option, soc_end)
            self.nights.append(night)
            soc = night.soc_depart if night.soc_depart is not None else soc_end
            here = Location(place_id=option.entry.poi_id, name=night.name)
            here_point = option.point
        return self._assemble()

    def _night(self, span: DaySpan, after: DaySpan, day: Itinerary, option: StayOption, soc: float) -> Night:
        entry = option.entry
        arrive = day.stops[-1].arrive_at or span.end
        name = entry.name or option.kind.replace("_", " ").capitalize()
        hours = self.tools.hours(entry).day_text(span.date) if entry.opening_hours else "unknown"
        said = [f"{name} ({option.kind.replace('_', ' ')}), about {option.cost:.0f} {self.request.currency} a night"]
        night = Night(
            date=span.date,
            poi_id=entry.poi_id,
            name=name,
            kind=option.kind,
            lat=entry.lat,
            lon=entry.lon,
            arrive_at=arrive,
            depart_at=after.start,
            cost=option.cost,
            hours=hours,
        )
        if self.vehicle is None:
            return night.model_copy(update={"explanation": said[0] + "."})
        charger = option.charger
        update: dict[str, object] = {"soc_arrive": round(soc, 4), "soc_depart": round(soc, 4)}
        if charger is None:
            said.append("no charger at or beside it: the car does not charge overnight")
        else:
            power = min(charger.power_kw, self.request.vehicle.max_charge_kw)
            goal = max(soc, self.request.overnight.charge_to_soc)
            curve = EnergyCurve(self.vehicle, self.tools.energy)
            seconds = (after.start - arrive).total_seconds()
            reached = overnight_soc(curve.time_s, self.request.vehicle.battery_kwh, power, soc, goal, seconds=seconds)
            where = "at the stay" if charger.distance_m < 30 else f"{charger.distance_m:.0f} m from it"
            verified = "" if charger.verified else " (unverified: its sockets are not recorded, a Type 2 is assumed)"
            said.append(
                f"charges overnight at {charger.name}, {where}, {power:g} kW{verified}: {soc:.0%} -> {reached:.0%}"
            )
            update |= {
                "charger_id": charger.poi_id,
                "charger_name": charger.name,
                "charger_distance_m": round(charger.distance_m, 1),
                "power_kw": power,
                "charger_verified": charger.verified,
                "soc_depart": round(reached, 4),
                "energy_kwh": round(max(0.0, reached - soc) * self.request.vehicle.battery_kwh, 3),
            }
        return night.model_copy(update={**update, "explanation": "; ".join(said) + "."})

    def _no_stay(self, span: DaySpan) -> None:
        kinds = ", ".join(k.replace("_", " ") for k in self.request.overnight.kinds)
        message = (
            f"No overnight stay ({kinds}) of the region's catalogue can be reached on day {span.index + 1} "
            f"({span.date:%a %d %b}) by {span.end:%H:%M} within the budget and the party's needs: "
            "the trip cannot be split into days here. Shorten it to one day, or choose another region."
        )
        self.violations.append(Violation(code="NO_STAY", message=message))

    # -- the trip's own itinerary ----------------------------------------------------------------
    def _assemble(self) -> Itinerary:
        stops: list[ItineraryStop] = []
        legs: list[ItineraryLeg] = []
        violations: list[Violation] = []
        for k, day in enumerate(self.days):
            offset = max(0, len(stops) - 1)
            own = list(day.stops)
            if k > 0:  # the night's stay: the end of the day before and the start of this one
                night = self.nights[k - 1]
                stops[-1] = _stay_stop(stops[-1], own[0], night)
            stops.extend(own if k == 0 else own[1:])
            legs.extend(leg.model_copy(update={"from_index": leg.from_index + offset}) for leg in day.legs)
            for v in day.violations:
                index = None if v.stop_index is None else v.stop_index + offset
                violations.append(v.model_copy(update={"message": f"day {k + 1}: {v.message}", "stop_index": index}))
        violations += self.violations
        totals = self._totals()
        notes = list(self.notes)
        if self.days and len(self.days) < len(self.spans):
            notes.append(f"Only {len(self.days)} of {len(self.spans)} days could be planned.")
        trip = Itinerary(
            status="draft",
            region=self.tools.region.name,
            timezone=self.tools.region.timezone,
            stops=stops or [_nowhere(self.origin, self.request)],
            legs=legs,
            totals=totals,
            violations=violations,
            notes=notes,
            request=self._dated_request(),
            days=self.days,
            nights=self.nights,
        )
        found = verify_trip(trip, self.tools, check_days=False)
        chain = [v for v in found if not v.message.startswith("day ")]
        violations += [v for v in chain if v not in violations]
        errors = [v for v in violations if v.severity == "error"]
        relaxed = sorted({r for d in self.days for r in d.relaxed})
        if any(v.code == "NO_STAY" for v in violations):
            relaxed.append("return_by")
        trip = trip.model_copy(
            update={
                "violations": violations,
                "status": "infeasible" if errors else "feasible",
                "relaxed": relaxed,
            }
        )
        return with_wishes_not_met(trip)

    def _dated_request(self) -> TripRequest:
        """The request with each of its days in ``days[]`` (windows unchanged): a repair of the trip that
        starts late on one day stays a trip of several days (not one day across the night)."""
        named = {d.date for d in self.request.days}
        added = [DayWindow(date=s.date) for s in self.spans if s.date not in named]
        if not added or len(self.spans) < 2:
            return self.request
        return self.request.model_copy(update={"days": sorted([*self.request.days, *added], key=lambda d: d.date)})

    def _totals(self) -> Totals:
        sums = Totals()
        for day in self.days:
            t = day.totals
            for field in ("distance_m", "drive_s", "walk_m", "walk_s", "charge_s", "cost", "energy_kwh", "value"):
                setattr(sums, field, getattr(sums, field) + getattr(t, field))
            sums.visits += t.visits
            sums.meals += t.meals
            sums.charges += t.charges
        sums.stay_cost = sum(n.cost for n in self.nights)
        sums.cost += sums.stay_cost
        sums.nights = len(self.nights)
        if self.days:
            first, last = self.days[0].stops[0].depart_at, self.days[-1].stops[-1].arrive_at
            if first and last:
                sums.duration_s = (last - first).total_seconds()
        return sums


def _stay_stop(evening: ItineraryStop, morning: ItineraryStop, night: Night) -> ItineraryStop:
    """The night's stay as one stop of the trip: arriving in the evening, leaving in the morning."""
    update: dict[str, object] = {
        "kind": "stay",
        "depart_at": morning.depart_at,
        "explanation": night.explanation,
        "cost": night.cost,
        "category": "campsite" if night.kind in ("camp_site", "caravan_site") else "hotel",
    }
    if night.charger_id and night.soc_arrive is not None and night.soc_depart is not None:
        update |= {
            "charger_id": night.charger_id,
            "soc_before": night.soc_arrive,
            "soc_after": night.soc_depart,
            "energy_kwh": night.energy_kwh,
            "power_kw": night.power_kw,
        }
    return evening.model_copy(update=update)


def _nowhere(origin: Endpoint, request: TripRequest) -> ItineraryStop:
    """The start, alone: the plan of a trip none of whose days could be planned."""
    return ItineraryStop(
        poi_id=origin.poi_id,
        name=origin.name,
        kind="start",
        lat=origin.point.lat,
        lon=origin.point.lon,
        arrive_at=None,
        depart_at=request.depart_at,
    )


def plan_days(
    request: TripRequest,
    tools: RegionTools,
    *,
    max_candidates: int = 30,
    time_limit_s: float = 0.6,
    adjust: Adjustments | None = None,
) -> Itinerary:
    """The verified plan of a trip of several days: one itinerary per day (``days[]``), the nights
    (``nights[]``) and the whole trip (stops, legs, totals, violations), never raising for an
    infeasible request (see the module). ``adjust`` (a repair) applies to every day; its
    driving since the last break to the first only."""
    return _Trip(request, tools, max_candidates, time_limit_s, adjust or Adjustments()).plan()
