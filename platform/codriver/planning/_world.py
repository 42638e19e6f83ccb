"""What the verifier checks an itinerary against: the :class:`World` port and the requirements.

The verifier never trusts the itinerary: places, travel times, opening hours, costs,
energy and charger compatibility all come from a :class:`World`. ``RegionWorld`` (in
``_region_world.py``) answers from the real tools of a region; :class:`ProblemWorld`
answers from a :class:`PlanningProblem`, which makes every check testable on small
synthetic instances.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Literal, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from codriver.planning._problem import WALK_M_PER_S, PlanningProblem, at_time, seconds_between
from codriver.planning._request import Location, TripRequest
from codriver.planning._walking import walk_limits
from codriver.tools.geo import LatLon, haversine_m

__all__ = [
    "FOOD_CATEGORIES",
    "Compatibility",
    "HoursState",
    "MealRequirement",
    "PlaceFacts",
    "ProblemWorld",
    "Requirements",
    "StopRef",
    "World",
    "asked_interests",
    "interest_checks",
    "stated_interests",
]

HoursState = Literal["open", "closed", "unknown"]
Compatibility = Literal["compatible", "incompatible", "unknown"]
FOOD_CATEGORIES = frozenset({"restaurant", "cafe", "fast_food"})


class StopRef(NamedTuple):
    """A stop as the world sees it: catalogue ID (when any) and position."""

    poi_id: str | None
    lat: float
    lon: float


@dataclass(frozen=True)
class PlaceFacts:
    """What the catalogue says about a place."""

    poi_id: str
    name: str
    category: str
    lat: float
    lon: float
    diets: Mapping[str, str] = field(default_factory=dict)
    charger_power_kw: float | None = None


class World(Protocol):
    """The tools the verifier recomputes everything with."""

    def place(self, poi_id: str) -> PlaceFacts | None:
        """The catalogue entry, or None when the ID is unknown."""

    def resolve(self, ref: str) -> str | None:
        """A catalogue ID or a place name -> catalogue ID (None when it does not resolve)."""

    def travel(self, a: StopRef, b: StopRef) -> tuple[float, float]:
        """(seconds, metres) of the fastest drive."""

    def walk(self, a: StopRef, b: StopRef) -> float | None:
        """Metres of the shortest walk (None: the world knows no walking network)."""

    def road_point(self, ref: StopRef) -> StopRef:
        """Where the car stops for ``ref``: the point where the drive router joins it to the road."""

    def hours_state(self, poi_id: str, at: datetime) -> HoursState:
        """Open, closed or unknown at an instant."""

    def open_throughout(self, poi_id: str, start: datetime, end: datetime) -> bool | None:
        """Whether open for the whole span (None: unknown)."""

    def holiday_hours(self, poi_id: str, at: datetime) -> str | None:
        """The name of the public holiday (of the region's country) on ``at``'s local day when the place's
        opening hours have no holiday rule, so they are its usual hours, unconfirmed for the day; else None."""

    def cost(self, poi_id: str, kind: str, party_size: int) -> float:
        """Estimated cost of the stop for the party, in the request's currency."""

    def leg_energy_kwh(self, a: StopRef, b: StopRef, consumption_kwh_per_100km: float) -> float:
        """kWh the vehicle uses driving from ``a`` to ``b``."""

    def charge_time_s(self, battery_kwh: float, power_kw: float, soc_from: float, soc_to: float) -> float:
        """Seconds to charge between two states of charge at ``power_kw``."""

    def compatibility(self, charger_id: str, connectors: tuple[str, ...]) -> Compatibility:
        """Whether a charger fits the vehicle's connectors."""


@dataclass(frozen=True)
class MealRequirement:
    """A meal: served at a food place, whole stay inside the window, diets honoured.

    ``near``: (lat, lon) the food place must lie within ``near_m`` metres of (the place
    the meal was wished at, named ``near_name``); None: anywhere.
    """

    meal: str
    earliest: datetime
    latest: datetime
    near: tuple[float, float] | None = None
    near_name: str = ""
    near_m: float = 0.0
    #: why no plan may serve it, said when the plan has none ("" when not known beforehand)
    why: str = ""


@dataclass(frozen=True)
class Requirements:
    """The limits an itinerary must keep, with every time as an aware datetime."""

    depart_at: datetime
    return_by: datetime
    budget: float | None = None
    party_size: int = 1
    currency: str = "EUR"
    meals: tuple[MealRequirement, ...] = ()
    diets: tuple[str, ...] = ()
    must_visit: tuple[str, ...] = ()
    #: kinds of place the traveller asked for in words (not default interests), each with why none may
    #: be planned, said when the plan has no stop of it
    interests: tuple[tuple[str, str], ...] = ()
    avoid: tuple[str, ...] = ()
    #: the traveller's own stops in the order they gave (catalogue IDs); ``exact``: no other visits or meals
    order: tuple[str, ...] = ()
    exact: bool = False
    max_stint_s: float | None = None
    break_s: float = 900.0
    ev: bool = False
    battery_kwh: float = 60.0
    consumption_kwh_per_100km: float = 17.0
    max_charge_kw: float = 100.0
    connectors: tuple[str, ...] = ()
    soc: float = 1.0
    reserve_soc: float = 0.0
    target_soc: float = 0.0
    start_stint_s: float = 0.0
    #: park and walk: the longest single walk (metres; 0: every stop driven to) and the party's pace
    max_walk_m: float = 0.0
    walk_m_per_s: float = WALK_M_PER_S

    @classmethod
    def from_request(
        cls, request: TripRequest, zone: ZoneInfo, world: World, *, interests: bool = False
    ) -> Requirements:
        """The limits of a request; meal windows are on the departure's local date.

        Must-visit names that do not resolve are kept as written (and reported missing).
        ``interests``: also the kinds of place asked for in words (:func:`stated_interests`), as
        the check of a plan made elsewhere (a file, an agent) needs; the engine sets its own,
        with its reasons.
        """
        day = request.depart_at.astimezone(zone).date()

        def local(t: time) -> datetime:
            return datetime.combine(day, t, tzinfo=zone)

        vehicle = request.vehicle
        walking = walk_limits(request)
        return cls(
            depart_at=request.depart_at,
            return_by=request.return_by,
            budget=request.budget,
            party_size=request.party.size,
            currency=request.currency,
            meals=tuple(
                MealRequirement(m.meal, local(m.earliest), local(m.latest), *_near(world, m.near), m.near_km * 1000.0)
                for m in request.meals
            ),
            diets=tuple(request.diet),
            must_visit=tuple(world.resolve(ref) or ref for ref in request.must_visit),
            interests=stated_interests(request) if interests else (),
            avoid=tuple(request.constraints.avoid_places),
            order=tuple(s.poi_id for s in request.stops or []),
            exact=request.stops is not None and not request.add_stops,
            max_stint_s=request.constraints.max_stint_min * 60 if request.constraints.max_stint_min else None,
            break_s=request.constraints.break_min * 60,
            ev=vehicle.powertrain == "ev",
            battery_kwh=vehicle.battery_kwh,
            consumption_kwh_per_100km=vehicle.consumption_kwh_per_100km,
            max_charge_kw=vehicle.max_charge_kw,
            connectors=tuple(vehicle.connectors),
            soc=vehicle.soc,
            reserve_soc=vehicle.reserve_soc,
            target_soc=vehicle.target_soc or 0.0,
            max_walk_m=walking.max_m,
            walk_m_per_s=walking.m_per_s,
        )

    @classmethod
    def from_problem(cls, problem: PlanningProblem) -> Requirements:
        """The limits a :class:`PlanningProblem` encodes."""
        ev = problem.ev
        epoch = problem.epoch
        return cls(
            depart_at=epoch,
            return_by=at_time(epoch, problem.deadline_s),
            budget=problem.budget,
            meals=tuple(
                MealRequirement(m.meal, at_time(epoch, m.earliest_s), at_time(epoch, m.latest_s)) for m in problem.meals
            ),
            must_visit=tuple(c.poi_id for c in problem.candidates if c.must),
            max_stint_s=problem.max_stint_s,
            break_s=problem.break_s,
            ev=ev is not None,
            battery_kwh=ev.battery_kwh if ev else 60.0,
            max_charge_kw=ev.max_charge_kw if ev else 100.0,
            soc=ev.soc if ev else 1.0,
            reserve_soc=ev.reserve_soc if ev else 0.0,
            target_soc=ev.target_soc if ev else 0.0,
            start_stint_s=problem.start_stint_s,
            max_walk_m=problem.walking.max_m if problem.walking else 0.0,
            walk_m_per_s=problem.walking.m_per_s if problem.walking else WALK_M_PER_S,
        )


def asked_interests(request: TripRequest) -> list[str]:
    """The kinds of place the traveller asked for in words: the interests of a request whose ``understood``
    names them (a request read from text replaces default interests with the ones said). None for a form."""
    if not any(u.field == "interests" for u in request.understood):
        return []
    return [category for category, weight in request.interests.items() if weight > 0]


def interest_checks(request: TripRequest) -> list[str]:
    """The kinds asked for in words as the plan is checked for them: one each, and "museum or entertainment"
    for kinds said as alternatives (``constraints.either``), met by a stop of either."""
    asked = asked_interests(request)
    groups = [[c for c in group if c in asked] for group in request.constraints.either]
    groups = [group for group in groups if len(group) > 1]
    grouped = {c for group in groups for c in group}
    return [" or ".join(group) for group in groups] + [c for c in asked if c not in grouped]


def stated_interests(request: TripRequest) -> tuple[tuple[str, str], ...]:
    """The kinds of place asked for in words that a plan of ``request`` is checked for, as the engine
    checks its own plans (``INTEREST_MISSING``), with no reason known beforehand; none when the traveller
    gave the exact stops (``stops`` without ``add_stops``: the engine plans no other visit then)."""
    if request.stops is not None and not request.add_stops:
        return ()
    return tuple((category, "") for category in interest_checks(request))


def _near(world: World, location: Location | None) -> tuple[tuple[float, float] | None, str]:
    """Where a meal is wished, as the world finds it: (lat, lon) and a label; (None, "") when not asked.

    A place the world cannot find is kept as the request's label at no position: no meal
    can then be checked as near it, so the verifier reports the meal missing.
    """
    if location is None:
        return None, ""
    if location.point is not None:
        return (location.point.lat, location.point.lon), location.name or f"{location.lat:.5f},{location.lon:.5f}"
    ref = location.place_id or location.name or ""
    found = world.resolve(ref)
    facts = world.place(found) if found else None
    if facts is None:
        return (math.nan, math.nan), ref
    return (facts.lat, facts.lon), facts.name


class ProblemWorld:
    """A :class:`World` that answers from a planning problem (synthetic instances, tests).

    ``charger_status`` overrides the compatibility of chargers (default: compatible, since
    a problem only lists fitting chargers).
    """

    def __init__(self, problem: PlanningProblem, *, charger_status: Mapping[str, Compatibility] | None = None) -> None:
        self.problem = problem
        self.charger_status = dict(charger_status or {})
        self._site_of: dict[str, int] = {s.key: i for i, s in enumerate(problem.sites)}
        self._candidates = {c.poi_id: c for c in problem.candidates}
        self._chargers = {c.poi_id: c for c in problem.chargers}
        for c in problem.candidates:
            self._site_of[c.poi_id] = c.site
        for ch in problem.chargers:
            self._site_of[ch.poi_id] = ch.site
        self._points: dict[tuple[float, float], list[int]] = {}
        for k, point in enumerate(problem.walking.points if problem.walking else ()):
            self._points.setdefault(point, []).append(k)

    def place(self, poi_id: str) -> PlaceFacts | None:
        site_index = self._site_of.get(poi_id)
        if site_index is None:
            return None
        site = self.problem.sites[site_index]
        if poi_id in self._chargers:
            ch = self._chargers[poi_id]
            return PlaceFacts(poi_id, ch.name, "charging_station", site.lat, site.lon, charger_power_kw=ch.power_kw)
        cand = self._candidates.get(poi_id)
        return PlaceFacts(poi_id, cand.name if cand else site.name, cand.category if cand else "", site.lat, site.lon)

    def resolve(self, ref: str) -> str | None:
        if ref in self._site_of:
            return ref
        return next((c.poi_id for c in self.problem.candidates if c.name.casefold() == ref.casefold()), None)

    def _site(self, ref: StopRef) -> int:
        if ref.poi_id is not None and ref.poi_id in self._site_of:
            return self._site_of[ref.poi_id]
        sites = self.problem.sites
        return min(range(len(sites)), key=lambda i: math.hypot(sites[i].lat - ref.lat, sites[i].lon - ref.lon))

    def _road_site(self, ref: StopRef) -> int | None:
        """The site whose road point ``ref`` is (park and walk), or None."""
        walking = self.problem.walking
        if walking is None or ref.poi_id is not None:
            return None
        half = len(walking.points) // 2
        found = self._points.get((ref.lat, ref.lon), ())
        return next((k - half for k in found if k >= half), None)

    def travel(self, a: StopRef, b: StopRef) -> tuple[float, float]:
        walking = self.problem.walking
        road_a, road_b = self._road_site(a), self._road_site(b)
        if walking is not None and road_a is not None and road_b is not None:  # road to road: no walking in it
            return float(walking.drive_s[road_a, road_b]), float(self.problem.dist_m[road_a, road_b])
        i, j = self._site(a), self._site(b)
        return float(self.problem.time_s[i, j]), float(self.problem.dist_m[i, j])

    def _walk_point(self, ref: StopRef) -> int:
        if ref.poi_id is not None and ref.poi_id in self._site_of:
            return self._site_of[ref.poi_id]
        found = self._points.get((ref.lat, ref.lon), ())
        return found[0] if found else self._site(ref)

    def walk(self, a: StopRef, b: StopRef) -> float | None:
        walking = self.problem.walking
        if walking is None:
            return None
        metres = float(walking.metres[self._walk_point(a), self._walk_point(b)])
        return metres if math.isfinite(metres) else haversine_m(LatLon(a.lat, a.lon), LatLon(b.lat, b.lon))

    def road_point(self, ref: StopRef) -> StopRef:
        walking = self.problem.walking
        if walking is None:
            return StopRef(None, ref.lat, ref.lon)
        lat, lon = walking.points[walking.road(self._site(ref))]
        return StopRef(None, lat, lon)

    def _windows(self, poi_id: str) -> tuple[bool, tuple[tuple[int, int], ...] | None]:
        cand = self._candidates.get(poi_id)
        if cand is None:
            return True, None
        return cand.hours_known, cand.windows

    def hours_state(self, poi_id: str, at: datetime) -> HoursState:
        known, windows = self._windows(poi_id)
        if not known:
            return "unknown"
        if windows is None:
            return "open"
        t = seconds_between(self.problem.epoch, at)
        return "open" if any(a <= t < b for a, b in windows) else "closed"

    def holiday_hours(self, poi_id: str, at: datetime) -> str | None:
        del poi_id, at  # a problem's windows are all it knows of hours: no calendar
        return None

    def open_throughout(self, poi_id: str, start: datetime, end: datetime) -> bool | None:
        known, windows = self._windows(poi_id)
        if not known:
            return None
        if windows is None:
            return True
        a_s, b_s = seconds_between(self.problem.epoch, start), seconds_between(self.problem.epoch, end)
        return any(a <= a_s and b_s <= b for a, b in windows)

    def cost(self, poi_id: str, kind: str, party_size: int) -> float:
        del kind, party_size
        cand = self._candidates.get(poi_id)
        return cand.cost if cand else 0.0

    def leg_energy_kwh(self, a: StopRef, b: StopRef, consumption_kwh_per_100km: float) -> float:
        del consumption_kwh_per_100km
        if self.problem.energy_kwh is None:
            return 0.0
        return float(self.problem.energy_kwh[self._site(a), self._site(b)])

    def charge_time_s(self, battery_kwh: float, power_kw: float, soc_from: float, soc_to: float) -> float:
        ev = self.problem.ev
        assert ev is not None
        return ev.curve.time_s(battery_kwh, power_kw, soc_from, soc_to)

    def compatibility(self, charger_id: str, connectors: tuple[str, ...]) -> Compatibility:
        del connectors
        if charger_id in self.charger_status:
            return self.charger_status[charger_id]
        return "compatible" if charger_id in self._chargers else "incompatible"
