"""Overnight stays: the catalogue's hotels, guest houses, hostels, motels and campsites for a night.

A stay is a catalogue place of category ``hotel`` (OSM tourism=hotel/guest_house/hostel/
motel) or ``campsite`` (tourism=camp_site/caravan_site) that a car can reach, that keeps
the party's needs (wheelchair=no is left out for a party with accessibility needs) and the
budget (see :func:`night_cost`), and, for an EV, ideally has a charger at or beside it: the
car then arrives with any charge above the reserve and leaves the next morning charged.
A charger whose sockets are not recorded is used as *unverified*, as by day.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from codriver.planning._access import ACCESS_REFUSE_M, access_m
from codriver.planning._region_world import RegionTools, usable_power_kw
from codriver.planning._request import TripRequest
from codriver.tools.energy import VehicleEnergy
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.places import PlaceEntry

__all__ = ["StayCharger", "StayOption", "find_stays", "night_cost", "overnight_soc", "stay_kind"]

#: a charger this close to the stay is used overnight (the car parks at it)
STAY_CHARGER_M = 250.0
_NEAREST = 30  # stays looked at around the wished point (straight line), then routed
_ROOM_EUR = {1: 60.0, 2: 85.0, 3: 120.0, 4: 180.0, 5: 260.0}  # a double room per night by stars
_KIND_EUR = {"hotel": 110.0, "guest_house": 75.0, "motel": 70.0}  # per room when no stars are tagged
_HOSTEL_BED_EUR = 35.0
_PITCH_EUR = {"camp_site": 30.0, "caravan_site": 35.0}  # per pitch (the party)
# ranking: seconds of driving a euro, a missing or unverified charger and a hostel for children are worth
_S_PER_EUR = 6.0
_NO_CHARGER_S = 2700.0
_UNVERIFIED_S = 900.0
_HOSTEL_WITH_CHILDREN_S = 1800.0
_SAME_STAY_S = 600.0


def stay_kind(entry: PlaceEntry) -> str | None:
    """The kind of stay a catalogue place is (``hotel``, ``guest_house``, ..., ``caravan_site``), None: not one."""
    if entry.category == "hotel":
        kind = entry.subcategory or "hotel"
        return kind if kind in ("hotel", "guest_house", "hostel", "motel") else None
    if entry.category == "campsite":
        return entry.subcategory or "camp_site"
    return None


def night_cost(entry: PlaceEntry, adults: int, children: int) -> float:
    """Estimated cost (EUR) of one night for the party: rooms of two, or hostel beds, or a pitch."""
    kind = stay_kind(entry) or "hotel"
    if kind in _PITCH_EUR:
        return _PITCH_EUR[kind]
    people = adults + children
    if kind == "hostel":
        return _HOSTEL_BED_EUR * people
    per_room = _ROOM_EUR.get(entry.price_level or 0, _KIND_EUR.get(kind, 110.0))
    return per_room * math.ceil(people / 2)


@dataclass(frozen=True)
class StayCharger:
    """The charger the car uses overnight: at or beside the stay."""

    poi_id: str
    name: str
    power_kw: float
    verified: bool
    distance_m: float


@dataclass(frozen=True)
class StayOption:
    """A stay that fits a night: the place, its cost for the party, its charger, and its rank (lower first)."""

    entry: PlaceEntry
    kind: str
    cost: float
    charger: StayCharger | None
    drive_s: float  # from the day's start
    rank: float

    @property
    def point(self) -> LatLon:
        return LatLon(self.entry.lat, self.entry.lon)


def _charger(tools: RegionTools, vehicle: VehicleEnergy, here: LatLon, request: TripRequest) -> StayCharger | None:
    """The best charger within :data:`STAY_CHARGER_M` of ``here`` that fits (or may fit) the car."""
    best: tuple[tuple[bool, float], StayCharger] | None = None
    avoid = set(request.constraints.avoid_places)
    for station in tools.chargers.stations:
        if station.poi_id in avoid:
            continue
        distance = haversine_m(here, LatLon(station.lat, station.lon))
        if distance > STAY_CHARGER_M:
            continue
        status, power = usable_power_kw(station, vehicle)
        unverified = status == "unknown" and not station.sockets_known
        if not power or not (status == "compatible" or unverified):
            continue
        found = StayCharger(
            station.poi_id, station.name or station.operator or "Charging station", power, not unverified, distance
        )
        key = (unverified, distance)
        if best is None or key < best[0]:
            best = (key, found)
    return None if best is None else best[1]


def find_stays(
    tools: RegionTools,
    request: TripRequest,
    *,
    near: LatLon,
    start: LatLon,
    reach_s: float,
    vehicle: VehicleEnergy | None,
    arrive_at: datetime,
    exclude: frozenset[str] = frozenset(),
    last: str | None = None,
) -> list[StayOption]:
    """The stays for a night around ``near``, best first; each reachable from ``start`` within ``reach_s``.

    Ranked by the drive from ``near`` (seconds), plus the night's cost, plus for an EV a
    missing or unverified charger, plus a hostel for a party with children, less a bonus for
    ``last`` (the previous night's stay: no moving out for a night nearby). Leaves out the
    kinds the request does not accept, places over ``overnight.max_per_night`` or over the
    budget spread over the nights, places tagged wheelchair=no for a party with accessibility
    needs, places whose OSM opening_hours say closed at ``arrive_at`` (a campsite out of
    season, a reception closed for the evening), and places a car cannot get near.
    """
    party = request.party
    kinds = set(request.overnight.kinds)
    avoid = set(request.constraints.avoid_places) | exclude
    nights = max(1, (request.return_by.date() - request.depart_at.date()).days)
    cap = request.overnight.max_per_night
    if request.budget is not None:  # the nights may take at most the whole budget between them
        cap = min(cap if cap is not None else math.inf, request.budget / nights)
    found: list[tuple[PlaceEntry, str, float]] = []
    for entry in tools.places.index.entries:
        kind = stay_kind(entry)
        if kind is None or kind not in kinds or entry.poi_id in avoid:
            continue
        if party.accessibility and (entry.wheelchair or "").lower() == "no":
            continue
        cost = night_cost(entry, party.adults, party.children)
        if cap is not None and cost > cap:
            continue
        if entry.opening_hours and tools.hours(entry).state_at(arrive_at)[0] == "closed":
            continue
        found.append((entry, kind, cost))
    if not found:
        return []
    found.sort(key=lambda f: (haversine_m(near, LatLon(f[0].lat, f[0].lon)), f[0].poi_id))
    found = found[:_NEAREST]
    router = tools.router
    points = [LatLon(e.lat, e.lon) for e, _, _ in found]
    table = router.table([start, near], points, distances=False)
    options = []
    for k, (entry, kind, cost) in enumerate(found):
        from_start, from_near = float(table.seconds[0, k]), float(table.seconds[1, k])
        if not (math.isfinite(from_start) and from_start <= reach_s) or access_m(router, points[k]) > ACCESS_REFUSE_M:
            continue
        charger = _charger(tools, vehicle, points[k], request) if vehicle is not None else None
        rank = (from_near if math.isfinite(from_near) else from_start) + _S_PER_EUR * cost
        if vehicle is not None:
            rank += _NO_CHARGER_S if charger is None else (0.0 if charger.verified else _UNVERIFIED_S)
        if kind == "hostel" and party.children:
            rank += _HOSTEL_WITH_CHILDREN_S
        if entry.poi_id == last:
            rank -= _SAME_STAY_S
        options.append(StayOption(entry, kind, cost, charger, from_start, rank))
    options.sort(key=lambda o: (o.rank, o.entry.poi_id))
    return options


def overnight_soc(
    time_s: Callable[[float, float, float, float], float],
    battery_kwh: float,
    power_kw: float,
    soc_from: float,
    soc_to: float,
    *,
    seconds: float,
) -> float:
    """The state of charge reached charging from ``soc_from`` towards ``soc_to`` in ``seconds``.

    ``time_s(battery_kwh, power_kw, soc_from, soc_to)`` is the charging curve's time (the
    energy model's, or the verifier's world's).
    """
    if soc_to <= soc_from:
        return soc_from
    if time_s(battery_kwh, power_kw, soc_from, soc_to) <= seconds:
        return soc_to
    low, high = soc_from, soc_to
    for _ in range(40):
        mid = (low + high) / 2
        if time_s(battery_kwh, power_kw, soc_from, mid) <= seconds:
            low = mid
        else:
            high = mid
    return float(np.floor(low * 1e4) / 1e4)
