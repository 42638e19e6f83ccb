"""The planning engine over a region's real tools: request -> problem -> verified itinerary.

Candidates come from the place catalogue (the request's interests, the food places that
can serve the wanted meals and diets, the must-visits), their time windows from the
opening-hours tool in the region's zone, travel times and distances from the router's
table (the embedded graph router, or OSRM when configured), energy from the energy model,
chargers from the charging catalogue (only those known to fit the vehicle). No LLM is
involved. The table is routed once per plan: the verifier reads the plan's legs from it
(see :class:`TravelMatrix`).

Places and chargers come from the corridor of the trip (see :mod:`._corridor`): the drive
from the start through the must-visits, the places where a meal is wished and the kept
stops to the end, ranked by their detour off it and spread along it, so a long drive finds
meals, sights and chargers all the way (and a leg may chain several chargers). A meal
wished near a place (``MealWish.near``) is served only by food places around it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from codriver.errors import InputError
from codriver.planning._access import ACCESS_REFUSE_M, access_fact, access_m, with_walks
from codriver.planning._budget import over_budget
from codriver.planning._corridor import Corridor, order_anchors, spread
from codriver.planning._itinerary import Itinerary
from codriver.planning._planner import solve, with_wishes_not_met
from codriver.planning._pricing import FOOD_MEALS, cost_per_person, visit_minutes
from codriver.planning._problem import (
    UNVERIFIED_SOCKET,
    Candidate,
    Charger,
    EvSpec,
    MealSlot,
    PlanningProblem,
    Site,
    at_time,
    seconds_between,
)
from codriver.planning._region_world import (
    EnergyCurve,
    RegionRuntime,
    RegionTools,
    RegionWorld,
    TravelMatrix,
    usable_power_kw,
    vehicle_energy,
)
from codriver.planning._request import Location, MealWish, TripRequest
from codriver.planning._sequence import order_of, solve_sequence
from codriver.planning._walking import parking_sites, walk_limits, walking_for
from codriver.planning._world import Requirements, asked_interests, interest_checks
from codriver.tools.charging import ChargerFilter, ChargerResult
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.places import PlaceEntry

__all__ = ["Adjustments", "Endpoint", "build_problem", "plan_request", "plan_trip", "resolve_location"]

_VALUE_PER_WEIGHT = 10.0  # value of a place of interest weight 1
# a meal's cuisine values are in order of preference: a place serving the first is worth this much more
_FIRST_CUISINE_BONUS = 0.5
_UNKNOWN_HOURS_FACTOR = 0.6  # a place that may be closed is worth less
_TRAVEL_WEIGHT = 1.0  # value one hour of driving costs
_CHARGER_AT_STOP_M = 250.0  # walk from a charger to the place while the car charges
_MAX_CHARGERS = 16  # along the corridor; chargers at the candidate places come on top
_MAX_STOP_CHARGERS = 6
_LOCAL_CHARGER_M = 100_000.0
_CHARGER_DETOUR_S = 1800.0  # chargers farther off the trip (and off twice the detour limit) are not looked at
_SLICE_S = 1800.0  # candidates are spread over slices of this much driving (at most _SLICES of them)
_SLICES = 8
#: places of one interest category considered: this many per stop the plan may make of it, and a few more
#: (some fail later checks: no road near, closed all day)
_SPARE_PER_STOP = 3
_SPARE = 2
_CHARGER_SLICE_S = 1200.0
_CHARGER_SLICES = 12
_MAX_CHARGES_PER_LEG = 3
_LOCAL_S = 1800.0  # a trip with less driving than this between its anchors is local: ranked by distance from the start
_CHARGE_OVERHEAD_S = 120
_KEEP_BONUS = 100.0  # value of keeping a stop of the plan being repaired: beats any new place
_ASKED_BONUS = 50.0  # value of one of the best places of a kind asked for in words that the plan lacks
_ASKED_BOOSTED = 3  # places of such a kind that get it
# Seconds (and metres) put for a drive no road connects (a place on a stretch of road an external
# router does not link to the rest): far beyond any day, so the optimizer never plans it.
_UNREACHABLE = 10_000_000.0
_WHEELCHAIR_NO = {"no"}
_DIET_OK = {"yes", "only"}


@dataclass(frozen=True)
class Adjustments:
    """Changes for repairing a plan: places to keep (value bonus), to leave out, chargers out of order."""

    keep: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    without_chargers: frozenset[str] = frozenset()
    start_stint_s: int = 0
    #: kinds of place visited already today: an interest asked for that they meet needs no stop again
    met: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Endpoint:
    """The start or end of a trip: a position, a label and its catalogue ID when it is a place."""

    point: LatLon
    name: str
    poi_id: str | None = None


def _whole_second(moment: datetime) -> datetime:
    """``moment`` rounded up to a whole second (the plans' epoch; never before ``moment``).

    The solvers count whole seconds from the epoch. From an epoch with a fraction of a
    second ("now" on a live clock) a time of day is a fractional offset, so a stay placed
    at the end of its window would overrun the window by that fraction.
    """
    if moment.microsecond == 0:
        return moment
    return at_time(moment.replace(microsecond=0), 1)


def _reachable(values: np.ndarray) -> np.ndarray:
    """``values`` with :data:`_UNREACHABLE` where the router found no road (inf)."""
    return np.where(np.isfinite(values), values, _UNREACHABLE)


def resolve_location(tools: RegionTools, location: Location, *, field: str = "location") -> Endpoint:
    """A request location as a position: coordinates, a catalogue ID or a name (gazetteer).

    An InputError names ``field``, the location's path in the request (``origin``, ``must_visit.1``).
    """
    if location.point is not None:
        return Endpoint(location.point, location.name or f"{location.lat:.5f},{location.lon:.5f}")
    ref = location.place_id or location.name
    assert ref is not None
    entry = tools.entry(ref)
    if entry is not None:
        return Endpoint(LatLon(entry.lat, entry.lon), entry.name or ref, entry.poi_id)
    if tools.gazetteer is None:
        msg = f"cannot resolve {ref!r} without the region's gazetteer: give LAT,LON"
        raise InputError(msg, field=field)
    try:
        found = tools.gazetteer.resolve(ref)
    except InputError as exc:  # the gazetteer's own words, for the value where it was given
        raise type(exc)(str(exc), field=field) from exc
    return Endpoint(LatLon(found.lat, found.lon), found.name, found.place_id)


def _serves(entry: PlaceEntry, wish: MealWish) -> bool:
    """Whether the place can serve the wished meal, cuisine included (no cuisine wished: any)."""
    return wish.meal in FOOD_MEALS.get(entry.category, ()) and (
        not wish.cuisine or bool(set(wish.cuisine) & set(entry.cuisine))
    )


def _diet_ok(entry: PlaceEntry, diets: Iterable[str]) -> bool:
    for diet in diets:
        value = entry.diets.get(diet)
        if value not in _DIET_OK and not (diet == "vegetarian" and entry.diets.get("vegan") in _DIET_OK):
            return False
    return True


def _label(entry: PlaceEntry) -> str:
    return entry.name or entry.category.replace("_", " ").capitalize()


class _Builder:
    """Turns one request into a :class:`PlanningProblem` over the region's tools."""

    def __init__(self, request: TripRequest, tools: RegionTools, max_candidates: int, adjust: Adjustments) -> None:
        self.request = request
        self.tools = tools
        self.max_candidates = max_candidates
        avoid = frozenset(request.constraints.avoid_places)
        self.adjust = replace(adjust, exclude=adjust.exclude | avoid, without_chargers=adjust.without_chargers | avoid)
        self.zone = tools.zone
        self.epoch = _whole_second(request.depart_at).astimezone(self.zone)
        self.deadline = math.floor(seconds_between(self.epoch, request.return_by))
        self.origin = resolve_location(tools, request.origin, field="origin")
        self.destination = (
            resolve_location(tools, request.end, field="destination") if request.destination else self.origin
        )
        self.vehicle = vehicle_energy(request.vehicle) if request.vehicle.powertrain == "ev" else None
        # where each meal wished near a place must be taken: (the place, metres around it)
        self.meal_near: dict[str, tuple[Endpoint, float]] = {
            m.meal: (resolve_location(tools, m.near, field=f"meals.{i}.near"), m.near_km * 1000.0)
            for i, m in enumerate(request.meals)
            if m.near is not None
        }
        self.corridor: Corridor | None = None

    def _meals_served(self, entry: PlaceEntry) -> tuple[str, ...]:
        """The wished meals this place can serve: cuisine, and near the wished place when one is given."""
        here = LatLon(entry.lat, entry.lon)
        served = []
        for wish in self.request.meals:
            near = self.meal_near.get(wish.meal)
            if _serves(entry, wish) and (near is None or haversine_m(here, near[0].point) <= near[1]):
                served.append(wish.meal)
        return tuple(served)

    # -- the corridor -----------------------------------------------------------------------
    def _corridor(self, anchors: list[PlaceEntry]) -> Corridor | None:
        """The corridor through the anchors a car can reach (None when the router refuses the ends)."""
        router = self.tools.router
        points = [LatLon(e.lat, e.lon) for e in anchors] + [p.point for p, _ in self.meal_near.values()]
        reachable = [p for p in points if access_m(router, p) <= ACCESS_REFUSE_M]
        skeleton = order_anchors(self.origin.point, self.destination.point, reachable)
        try:
            return Corridor.build(router, skeleton)
        except InputError:
            return None

    @property
    def local(self) -> bool:
        """Whether the trip stays around its start (short drive between its anchors, or no corridor)."""
        return self.corridor is None or self.corridor.drive_s < _LOCAL_S

    def _placed(self, points: list[LatLon]) -> tuple[np.ndarray, np.ndarray]:
        """(cost, seconds along the trip) of each point: the detour in seconds off the corridor, or,
        for a local trip, straight-line metres from the start (inf: a point the roads do not reach)."""
        detour, along = self.corridor.place(points) if self.corridor is not None else (None, None)
        if detour is not None and along is not None and not self.local:
            return detour, along
        distance = np.array([haversine_m(self.origin.point, p) for p in points], dtype=float)
        if detour is not None:
            distance[~np.isfinite(detour)] = math.inf
        return distance, np.zeros(len(points))

    def _slices(self, every_s: float, most: int) -> tuple[float, int]:
        """(seconds of driving along the trip, how many slices of ``every_s`` to spread over, at most ``most``)."""
        drive = self.corridor.drive_s if self.corridor is not None else 0.0
        return drive, max(1, min(most, round(drive / every_s)))

    # -- candidates -------------------------------------------------------------------------
    def _windows(self, entry: PlaceEntry) -> tuple[tuple[tuple[int, int], ...] | None, bool, str]:
        """(open windows in seconds from departure, hours known, a sentence about the hours)."""
        hours = self.tools.hours(entry)
        if not hours.parsed:
            return None, False, "Opening hours are not recorded in OpenStreetMap: check before going."
        end = at_time(self.epoch, self.deadline)
        windows = []
        for piece in hours.intervals(self.epoch, end):
            if piece.state == "open":
                a = math.ceil(seconds_between(self.epoch, piece.start))
                b = math.floor(seconds_between(self.epoch, piece.end))
                if a < b:
                    windows.append((a, b))
        text = hours.day_text(self.epoch.date())
        day = self.epoch.strftime("%a %d %b")
        if text == "closed":
            said = f"Closed on {day}."
        elif text == "unknown":
            said = f"Opening hours on {day} are uncertain: check before going."
        elif text == "open 24 hours":
            said = f"Open 24 hours on {day} (OpenStreetMap opening_hours)."
        else:
            said = f"Open {text} on {day} (OpenStreetMap opening_hours)."
        return tuple(windows), True, said

    def _candidate(self, entry: PlaceEntry, *, site: int, value: float, must: bool) -> Candidate | None:
        request = self.request
        windows, known, hours_said = self._windows(entry)
        meals = self._meals_served(entry)
        if meals and not _diet_ok(entry, request.diet):
            meals = ()
        interest = request.interests.get(entry.category, 0.0)
        meal_only = bool(meals) and interest <= 0 and not must
        kind = "meal" if meal_only else "visit"
        if not meals and entry.category in FOOD_MEALS and interest <= 0 and not must:
            return None
        facts = [f"{_label(entry)} ({entry.category.replace('_', ' ')}).", hours_said]
        if interest > 0:
            facts.append(f"You are interested in {entry.category.replace('_', ' ')} (weight {interest:g}).")
        if must:
            facts.append("On your must-visit list.")
        wished = sorted({c for m in request.meals if m.meal in meals for c in m.cuisine} & set(entry.cuisine))
        if wished:
            facts.append(f"Serves {', '.join(c.replace('_', ' ') for c in wished)} (OpenStreetMap cuisine).")
        if meals and request.diet:
            served = ", ".join(f"diet:{d}={entry.diets.get(d) or entry.diets.get('vegan')}" for d in request.diet)
            facts.append(f"Serves your diet ({served}).")
        # a place that may be a meal or a visit is budgeted at the dearer of the two
        per_person = max(cost_per_person(entry, k) for k in ({kind, "meal"} if meals else {kind}))
        cost = per_person * request.party.size
        if cost > 0:
            facts.append(f"About {cost:.0f} {request.currency} for {request.party.size} (estimate).")
        if entry.wheelchair and request.party.accessibility:
            facts.append(f"Wheelchair access: {entry.wheelchair}.")
        stay_min = next((s.stay_min for s in request.stops or [] if s.poi_id == entry.poi_id and s.stay_min), None)
        return Candidate(
            poi_id=entry.poi_id,
            name=_label(entry),
            site=site,
            category=entry.category,
            value=value * (1.0 if known else _UNKNOWN_HOURS_FACTOR),
            visit_s=(stay_min or visit_minutes(entry.category, request.visit_minutes)) * 60,
            cost=cost,
            windows=windows,
            hours_known=known,
            meals=meals,
            meal_only=meal_only,
            must=must,
            facts=tuple(facts),
        )

    def _value(self, entry: PlaceEntry) -> float:
        weight = self.request.interests.get(entry.category, 0.0)
        food = (
            (1.0 + (_FIRST_CUISINE_BONUS if self._first_cuisine(entry) else 0.0))
            if entry.category in FOOD_MEALS
            else 0.0
        )
        return _VALUE_PER_WEIGHT * weight + food or 1.0

    def _first_cuisine(self, entry: PlaceEntry) -> bool:
        """Whether the place serves a wished meal's first cuisine ("sushi" of sushi, japanese): preferred."""
        served = self._meals_served(entry)
        return any(m.cuisine and m.cuisine[0] in entry.cuisine for m in self.request.meals if m.meal in served)

    def _must_visits(self) -> list[PlaceEntry]:
        musts: list[PlaceEntry] = []
        placed = [s.poi_id for s in self.request.stops or []]
        for ref in dict.fromkeys([*placed, *self.request.must_visit]):
            # the path of the value in the request, as a validation error names it ("must_visit.0")
            field = (
                f"stops.{placed.index(ref)}.poi_id"
                if ref in placed
                else f"must_visit.{self.request.must_visit.index(ref)}"
            )
            entry = self.tools.entry(ref)
            if entry is None and ref not in placed:  # a must-visit may be a name; a placed stop is a catalogue ID
                entry = self.tools.entry(resolve_location(self.tools, Location(name=ref), field=field).poi_id or "")
            if entry is None:
                msg = f"{ref!r} is not a place of this region: choose one from the place search"
                raise InputError(msg, field=field)
            if entry.poi_id in self.request.constraints.avoid_places:
                msg = f"must-visit {ref!r} is also in constraints.avoid_places: keep it in one list only"
                raise InputError(msg, field=field)
            if entry.poi_id not in self.adjust.exclude and all(m.poi_id != entry.poi_id for m in musts):
                musts.append(entry)
        return musts

    def _pool(self) -> list[tuple[PlaceEntry, float, bool]]:
        """(entry, value, must) of every place worth considering, best first, capped.

        Must-visits and the places of the plan being repaired come first; then the food
        places that serve the wished meals (around the place a meal is wished at, else
        least detour off the trip, spread along it) and the best places of interest
        (highest weight, then least detour, spread along the trip).
        """
        request, adjust = self.request, self.adjust
        avoid = set(request.constraints.avoid_categories)
        musts = self._must_visits()
        self.corridor = self._corridor([*musts, *(e for e in map(self.tools.entry, sorted(adjust.keep)) if e)])
        if request.stops is not None and not request.add_stops:  # exactly the traveller's stops
            return [(e, self._value(e), True) for e in musts]
        # a must-visit kept from the plan being repaired is one place: listed twice it would be planned twice
        must_ids = {e.poi_id for e in musts}
        kept = [
            e for e in (self.tools.entry(k) for k in sorted(adjust.keep)) if e is not None and e.poi_id not in must_ids
        ]
        taken = {e.poi_id for e in (*musts, *kept)} | adjust.exclude
        wanted_food = {cat for cat, meals in FOOD_MEALS.items() if any(m.meal in meals for m in request.meals)}
        interesting: list[PlaceEntry] = []
        food: list[PlaceEntry] = []
        for entry in self.tools.places.index.entries:
            if entry.poi_id in taken or entry.category in avoid or entry.name is None:
                continue
            if request.party.accessibility and (entry.wheelchair or "").lower() in _WHEELCHAIR_NO:
                continue
            if request.interests.get(entry.category, 0.0) > 0:
                interesting.append(entry)
            elif entry.category in wanted_food and _diet_ok(entry, request.diet) and self._meals_served(entry):
                food.append(entry)
        found = [*interesting, *food]
        detour, along = self._placed([LatLon(e.lat, e.lon) for e in found])
        at = {e.poi_id: (float(d), float(x)) for e, d, x in zip(found, detour, along, strict=True)}
        drive, slices = self._slices(_SLICE_S, _SLICES)
        room = max(0, self.max_candidates - len(musts) - len(kept))
        food_share = min(room, max(4, self.max_candidates // 3)) if request.meals else 0
        chosen = self._food(food, at, food_share, drive=drive, slices=slices)

        def rank(e: PlaceEntry) -> tuple[float, float, str]:
            return (-request.interests[e.category], at[e.poi_id][0], e.poi_id)

        # At most a few more places of a kind than the plan may stop at (build() skips the rest): the
        # nearest cafés must not fill the pool and crowd out the playground that was asked for too.
        reachable: list[PlaceEntry] = []
        for category in dict.fromkeys(e.category for e in interesting):
            cap = request.constraints.per_category.get(category, request.constraints.max_per_category)
            mine = sorted(
                (e for e in interesting if e.category == category and math.isfinite(at[e.poi_id][0])), key=rank
            )
            reachable += mine[: _SPARE_PER_STOP * cap + _SPARE]
        chosen += spread(
            reachable, [at[e.poi_id][1] for e in reachable], drive, room - len(chosen), key=rank, slices=slices
        )
        # "art, history and a bit of nature": a kind asked for at a lower weight still gets its best places in
        # the pool (the spread had filled it with the full-weight kinds, and the plan then said no park was open)
        for category in set(asked_interests(request)) - {e.category for e in (*musts, *kept, *chosen)}:
            chosen += [e for e in reachable if e.category == category][:_ASKED_BOOSTED]
        pool = [(e, self._value(e), True) for e in musts]
        pool += [(e, self._value(e) + _KEEP_BONUS, False) for e in kept]
        # a kind of place asked for in words should have a stop: its best few places are worth more than
        # any place of a kind nobody asked for (but less than keeping a stop of the plan being repaired)
        asked = set(asked_interests(request)) - self.adjust.met - {e.category for e in (*musts, *kept)}
        boosted: dict[str, int] = {}
        for e in chosen:
            bonus = _ASKED_BONUS if e.category in asked and boosted.get(e.category, 0) < _ASKED_BOOSTED else 0.0
            if bonus:
                boosted[e.category] = boosted.get(e.category, 0) + 1
            pool.append((e, self._value(e) + bonus, False))
        return pool

    def _food(
        self, food: list[PlaceEntry], at: dict[str, tuple[float, float]], share: int, *, drive: float, slices: int
    ) -> list[PlaceEntry]:
        """Food places: the nearest around each place a meal is wished at, then the least detour along the trip."""
        if share <= 0 or not food:
            return []
        chosen: list[PlaceEntry] = []
        per_meal = max(3, share // max(1, len(self.request.meals)))
        for meal, (place, _) in self.meal_near.items():
            serving = [e for e in food if meal in self._meals_served(e) and e not in chosen]
            serving.sort(
                key=lambda e: (not self._first_cuisine(e), haversine_m(place.point, LatLon(e.lat, e.lon)), e.poi_id)
            )
            chosen += serving[: max(0, min(per_meal, share - len(chosen)))]
        if any(m.meal not in self.meal_near for m in self.request.meals):
            rest = [
                e
                for e in food
                if e not in chosen
                and math.isfinite(at[e.poi_id][0])
                and any(m not in self.meal_near for m in self._meals_served(e))
            ]
            chosen += spread(
                rest,
                [at[e.poi_id][1] for e in rest],
                drive,
                share - len(chosen),
                key=lambda e: (not self._first_cuisine(e), at[e.poi_id][0], e.poi_id),
                slices=slices,
            )
        return chosen

    # -- chargers ---------------------------------------------------------------------------
    def _stations(self) -> list[tuple[ChargerResult, float, bool]]:
        """Every station that fits the vehicle or may (sockets unrecorded): (station, usable kW, verified)."""
        if self.vehicle is None:
            return []
        flt = ChargerFilter(
            connectors=self.vehicle.connectors, networks=tuple(self.request.constraints.charging_networks)
        )
        found = []
        only = set(self.request.constraints.use_chargers)  # the traveller chose these
        for result in self.tools.chargers.near_sync(self.origin.point, math.inf, flt):
            if result.poi_id in self.adjust.without_chargers or (only and result.poi_id not in only):
                continue
            status, power = usable_power_kw(result, self.vehicle)
            unverified = status == "unknown" and not result.sockets_known
            if (status == "compatible" or unverified) and power:
                found.append((result, power, not unverified))
        return found

    def _chargers(self, stops: list[LatLon]) -> list[tuple[str, str, LatLon, float, str | None, bool]]:
        """(ID, name, position, usable kW, network, verified) of the chargers to plan with.

        Along the trip: within the detour bound, spread along it, in each slice verified
        first, then least detour (in 5-minute steps), then most power; for a local trip,
        verified first, then nearest the start, within 100 km. Then the chargers at the
        candidate places ``stops`` (charging during a meal or a visit). A station without
        socket data is usable as unverified (see ``usable_power_kw``).
        """
        stations = self._stations()
        if not stations:
            return []
        points = [LatLon(r.lat, r.lon) for r, _, _ in stations]
        detour, along = self._placed(points)
        bound = max(_CHARGER_DETOUR_S, 2.0 * self.request.constraints.max_detour_min * 60)
        if self.local:
            bound = _LOCAL_CHARGER_M
        near = [k for k in range(len(stations)) if detour[k] <= bound]
        drive, slices = self._slices(_CHARGER_SLICE_S, _CHARGER_SLICES)

        def rank(k: int) -> tuple[bool, float, float, str]:
            result, power, verified = stations[k]
            if self.local:
                return (not verified, float(detour[k]), 0.0, result.poi_id)
            return (not verified, round(float(detour[k]) / 300.0), -power, result.poi_id)

        chosen = spread(near, [float(along[k]) for k in near], drive, _MAX_CHARGERS, key=rank, slices=slices)
        at_stops = [
            k
            for k in range(len(stations))
            if k not in chosen and any(haversine_m(points[k], p) <= _CHARGER_AT_STOP_M for p in stops)
        ]
        chosen += sorted(at_stops, key=rank)[:_MAX_STOP_CHARGERS]
        out = []
        for k in chosen:
            result, power, verified = stations[k]
            name = result.name or result.operator or "Charging station"
            out.append((result.poi_id, name, points[k], power, result.network, verified))
        return out

    # -- the problem ------------------------------------------------------------------------
    def build(self) -> tuple[PlanningProblem, TravelMatrix]:
        """The problem, and the router's matrix between its sites (for the verifier)."""
        request = self.request
        router = self.tools.router
        origin, destination = self.origin, self.destination
        sites = [
            Site(origin.poi_id or "start", origin.name, *origin.point, access_m(router, origin.point)),
            Site(
                destination.poi_id or "end", destination.name, *destination.point, access_m(router, destination.point)
            ),
        ]
        for end, site, field in ((origin, sites[0], "origin"), (destination, sites[1], "destination")):
            if not math.isfinite(site.access_m):
                msg = f"{end.name} is too far from any road {router.provider} routes on: is it inside the region?"
                raise InputError(msg, field=field)
        candidates: list[Candidate] = []
        per_category: dict[str, int] = {}
        caps = request.constraints.per_category
        for entry, value, must in self._pool():
            capped = not must and entry.poi_id not in self.adjust.keep and request.interests.get(entry.category, 0) > 0
            cap = caps.get(entry.category, request.constraints.max_per_category)
            if capped and per_category.get(entry.category, 0) >= cap:
                continue
            walk = access_m(router, LatLon(entry.lat, entry.lon))
            if walk > ACCESS_REFUSE_M:  # a car cannot get near it: never planned
                continue
            cand = self._candidate(entry, site=len(sites), value=value, must=must)
            fact = access_fact(walk)
            if cand is not None and fact is not None:
                cand = replace(cand, facts=(*cand.facts, fact))
            if cand is not None and (cand.windows is None or cand.windows or must):
                if capped or must:  # must-visits fill the category's places too (a replaced stop keeps the count)
                    per_category[entry.category] = per_category.get(entry.category, 0) + 1
                candidates.append(cand)
                sites.append(Site(entry.poi_id, cand.name, entry.lat, entry.lon, walk))
        chargers = []
        places = [LatLon(sites[c.site].lat, sites[c.site].lon) for c in candidates]
        for poi_id, name, point, power, network, verified in self._chargers(places):
            if access_m(router, point) > ACCESS_REFUSE_M:
                continue
            chargers.append(Charger(poi_id, name, len(sites), power, network, verified=verified))
            sites.append(Site(poi_id, name, *point))
        candidates = [self._near_charger(c, chargers, sites) for c in candidates]
        limits = walk_limits(request)  # park and walk: car parks near the places are sites too
        lots = parking_sites(self.tools.parking_lots(), router, sites[2:], limits) if self.tools.walk else []
        sites += lots
        points = [LatLon(s.lat, s.lon) for s in sites]
        table = router.table(points, points)
        assert table.metres is not None
        if not (math.isfinite(table.seconds[0, 1]) and math.isfinite(table.seconds[1, 0])):
            msg = f"no road {router.provider} knows connects {origin.name} and {destination.name}"
            raise InputError(msg, field="destination")
        seconds, metres = _reachable(table.seconds), _reachable(table.metres)
        time_s, walk_m = with_walks(seconds, sites)
        energy = None
        if self.vehicle is not None:
            energy = np.asarray(
                self.tools.energy.leg_energy_kwh(metres, seconds, request.temperature_c, vehicle=self.vehicle)
            )
        paths: dict[tuple[int, int], list[list[float]]] = {}

        def geometry(a: int, b: int) -> list[list[float]]:
            if (a, b) not in paths:
                paths[a, b] = router.path(points[a], points[b])
            return paths[a, b]

        constraints = request.constraints
        problem = PlanningProblem(
            epoch=self.epoch,
            deadline_s=self.deadline,
            sites=sites,
            time_s=time_s,
            walk_m=walk_m,
            dist_m=metres,
            candidates=candidates,
            chargers=chargers,
            meals=self._meal_slots(),
            budget=request.budget,
            max_stint_s=round(constraints.max_stint_min * 60) if constraints.max_stint_min else None,
            break_s=round(constraints.break_min * 60),
            travel_weight=_TRAVEL_WEIGHT,
            max_detour_s=round(constraints.max_detour_min * 60),
            energy_kwh=energy,
            ev=self._ev(),
            start_stint_s=self.adjust.start_stint_s,
            geometry=geometry,
            region=self.tools.region.name,
            max_charges_per_leg=_MAX_CHARGES_PER_LEG,
        )
        problem.order = order_of(problem, request.stops or [])
        # a car park the router does not connect with both ends (a stretch of road OSRM leaves apart): not parked at
        lot_sites = [
            k
            for k in range(len(sites) - len(lots), len(sites))
            if math.isfinite(table.seconds[0, k]) and math.isfinite(table.seconds[k, 1])
        ]
        problem.walking = walking_for(self.tools.walk, router, sites, seconds, lots=lot_sites, limits=limits)
        return problem, TravelMatrix(points, seconds, metres)

    def _near_charger(self, cand: Candidate, chargers: list[Charger], sites: list[Site]) -> Candidate:
        here = LatLon(sites[cand.site].lat, sites[cand.site].lon)
        near = [(haversine_m(here, LatLon(sites[c.site].lat, sites[c.site].lon)), k) for k, c in enumerate(chargers)]
        near = [(d, k) for d, k in near if d <= _CHARGER_AT_STOP_M]
        if not near:
            return cand
        distance, k = min(near, key=lambda t: (not chargers[t[1]].verified, t))  # verified first
        fits = "fits your car" if chargers[k].verified else f"sockets unverified, assumed {UNVERIFIED_SOCKET}"
        fact = f"{chargers[k].name} ({chargers[k].power_kw:g} kW, {fits}) is {distance:.0f} m away."
        return replace(cand, charger=k, facts=(*cand.facts, fact))

    def _meal_slots(self) -> list[MealSlot]:
        day = self.epoch.date()

        def offset(t: time) -> float:
            return seconds_between(self.epoch, datetime.combine(day, t, tzinfo=self.zone))

        # inward, as the opening hours: the whole meal stays inside its window
        return [
            MealSlot(m.meal, math.ceil(offset(m.earliest)), math.floor(offset(m.latest)), m.duration_min * 60)
            for m in self.request.meals
        ]

    def _ev(self) -> EvSpec | None:
        if self.vehicle is None:
            return None
        spec = self.request.vehicle
        return EvSpec(
            battery_kwh=spec.battery_kwh,
            soc=spec.soc,
            reserve_soc=spec.reserve_soc,
            target_soc=max(spec.target_soc or 0.0, spec.reserve_soc),
            max_charge_kw=spec.max_charge_kw,
            curve=EnergyCurve(self.vehicle, self.tools.energy),
            charge_overhead_s=_CHARGE_OVERHEAD_S,
        )


def _stated_interests(request: TripRequest, problem: PlanningProblem, zone: ZoneInfo) -> tuple[tuple[str, str], ...]:
    """The kinds of place asked for in words, each with why the plan may have none: none open in the trip's
    hours, even the cheapest open within reach over the whole budget, else no room with the rest of the trip."""
    offered = {c.category for c in problem.candidates}
    start, end = request.depart_at.astimezone(zone), request.return_by.astimezone(zone)
    closed = f"none the car can get near is open between {start:%H:%M} and {end:%H:%M}"

    def why(check: str) -> str:
        kinds = set(check.split(" or ")) & offered  # "museum or entertainment": either
        if not kinds:
            return closed
        cheapest = min(c.cost for c in problem.candidates if c.category in kinds)
        said = f"the cheapest {check.replace('_', ' ')} open within reach"
        costly = over_budget(said, cheapest, **_money(request))
        return costly or "no room for one in the plan with the rest of the trip"

    return tuple((check, why(check)) for check in interest_checks(request))


def _meal_reasons(request: TripRequest, problem: PlanningProblem, requirements: Requirements) -> Requirements:
    """``requirements`` whose meals say why none is planned when even the cheapest food place open within reach
    that serves it costs more than the whole budget."""
    meals = []
    for meal in requirements.meals:
        cheapest = min((c.cost for c in problem.candidates if meal.meal in c.meals), default=None)
        said = f"the cheapest {meal.meal} open within reach"
        meals.append(replace(meal, why=over_budget(said, cheapest, **_money(request)) or ""))
    return replace(requirements, meals=tuple(meals))


def _money(request: TripRequest) -> dict[str, Any]:
    return {"budget": request.budget, "party_size": request.party.size, "currency": request.currency}


def build_problem(
    request: TripRequest, tools: RegionTools, *, max_candidates: int = 30, adjust: Adjustments | None = None
) -> PlanningProblem:
    """The planning problem of ``request`` over the region's tools (at most ``max_candidates`` places)."""
    return _Builder(request, tools, max_candidates, adjust or Adjustments()).build()[0]


def plan_trip(
    request: TripRequest,
    tools: RegionTools,
    *,
    max_candidates: int = 30,
    time_limit_s: float = 0.6,
    adjust: Adjustments | None = None,
) -> Itinerary:
    """The verified itinerary of ``request``: optimizer, charging planner and verifier, no LLM.

    Never raises for an infeasible request: the result is then the closest plan found,
    with ``status='infeasible'`` and the violations that make the request infeasible.
    The router's matrix is computed once: the verifier reads the plan's legs from it.
    A trip of several days (``request.multi_day``) is planned day by day (see :mod:`._days`).
    """
    if request.multi_day:
        from codriver.planning._days import plan_days  # noqa: PLC0415  (the layer above this engine)

        return plan_days(request, tools, max_candidates=max_candidates, time_limit_s=time_limit_s, adjust=adjust)
    adjust = adjust or Adjustments()
    problem, matrix = _Builder(request, tools, max_candidates, adjust).build()
    world = RegionWorld(tools, request, matrix=matrix)
    requirements = _meal_reasons(request, problem, Requirements.from_request(request, tools.zone, world))
    if request.stops is not None and not request.add_stops:
        planned = solve_sequence(problem, request.stops, world=world, requirements=requirements)
    else:
        asked = _stated_interests(request, problem, tools.zone)
        requirements = replace(
            requirements,
            interests=tuple((c, why) for c, why in asked if not set(c.split(" or ")) & set(adjust.met)),
        )
        planned = solve(problem, world=world, requirements=requirements, time_limit_s=time_limit_s).itinerary
    return with_wishes_not_met(planned.model_copy(update={"request": request, "region": tools.region.name}))


def plan_request(
    runtime: RegionRuntime, request: TripRequest, *, max_candidates: int = 30, time_limit_s: float = 0.6
) -> Itinerary:
    """:func:`plan_trip` over the tools of the request's region (default: the configured one).

    Loads the region's tools on each call (a few hundred ms); keep a :class:`RegionTools`
    and call :func:`plan_trip` when planning many trips.
    """
    tools = RegionTools.load(runtime, request.region)
    return plan_trip(request, tools, max_candidates=max_candidates, time_limit_s=time_limit_s)
