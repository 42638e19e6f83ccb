"""From chosen stops and charging actions to the itinerary document, with exact times and SoC.

Times are recomputed from the travel matrix with earliest starts (waiting for opening is
allowed; ``arrive_at`` is when the stay begins). State of charge is recomputed exactly
from the energy matrix: it is never below the grid values the charging planner used, so
charging takes no longer than planned and every stay still fits its window.

With park and walk (``problem.walking``), stops a walk apart are grouped behind one
parking place (:func:`codriver.planning._walking.choose_parking`): the car is driven to
it, the stops are walked between, and the traveller walks back to the car. The times are
then recomputed with those walks; a group that makes a stay miss its window, the trip its
deadline or the battery its reserve is given up (the last group first) and its stops are
driven to as before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from codriver.planning._charging import ChargeAction, ChargePlan
from codriver.planning._itinerary import Itinerary, ItineraryLeg, ItineraryStop, ParkingSpot, Totals
from codriver.planning._nodes import Node
from codriver.planning._problem import (
    UNVERIFIED_WARNING,
    WALK_M_PER_S,
    PlanningProblem,
    Site,
    Walking,
    at_time,
    earliest_start,
)
from codriver.planning._walking import Group, choose_parking
from codriver.tools.geo import LatLon, haversine_m

__all__ = ["build_itinerary"]


@dataclass
class _Cursor:
    site: int
    time: float
    soc: float | None
    drive_s: float = 0.0
    distance_m: float = 0.0
    energy_kwh: float = 0.0
    charge_s: float = 0.0
    #: walking point where the car is parked while the traveller is away from it (None: with the traveller)
    car: int | None = None
    walk_m: float = 0.0
    walk_s: float = 0.0
    #: every stay inside its windows, the deadline kept, the battery above its reserve (and target at the end)
    fits: bool = True


def _line(problem: PlanningProblem, a: int, b: int) -> dict[str, object]:
    if problem.geometry is not None:
        coordinates = problem.geometry(a, b)
    else:
        sa, sb = problem.sites[a], problem.sites[b]
        coordinates = [[sa.lon, sa.lat], [sb.lon, sb.lat]]
    return {"type": "LineString", "coordinates": coordinates}


def _poi(site: Site) -> str | None:
    return site.key if site.key.startswith("osm:") else None


def build_itinerary(
    problem: PlanningProblem,
    stops: Sequence[Node],
    charging: ChargePlan | None = None,
) -> Itinerary:
    """The itinerary of ``stops`` in order, with the charging of ``charging`` applied exactly.

    With ``problem.walking``, stops a walk apart share a parking place wherever the plan
    still fits with the walks. Status is left as ``draft``: the caller verifies it and
    sets the status.
    """
    groups = choose_parking(problem, stops, charging)
    while groups:
        itinerary, fits = _build(problem, stops, charging, groups)
        if fits:
            return itinerary
        groups = groups[:-1]
    return _build(problem, stops, charging, [])[0]


def _build(
    problem: PlanningProblem,
    stops: Sequence[Node],
    charging: ChargePlan | None,
    groups: Sequence[Group],
) -> tuple[Itinerary, bool]:
    """The itinerary with ``groups`` walked from their parking places, and whether it fits."""
    ev = problem.ev
    actions = list(charging.actions) if charging else []
    detours: dict[int, list[ChargeAction]] = {}
    for a in actions:
        if not a.opportunity.at_stop:
            detours.setdefault(a.opportunity.position, []).append(a)
    at_stops = {a.opportunity.position: a for a in actions if a.opportunity.at_stop}
    start = problem.sites[problem.start]
    out: list[ItineraryStop] = [
        ItineraryStop(
            poi_id=_poi(start),
            name=start.name,
            kind="start",
            lat=start.lat,
            lon=start.lon,
            arrive_at=None,
            depart_at=at_time(problem.epoch, 0),
            explanation="Departure.",
            soc_before=None,
        )
    ]
    legs: list[ItineraryLeg] = []
    cur = _Cursor(problem.start, 0.0, ev.soc if ev else None)
    group_of = {k: g for g in groups for k in range(g.first, g.last + 1)}
    cost = 0.0
    for position, node in enumerate([*stops, None]):
        for detour in detours.get(position, ()):  # in driving order
            _charge_detour(problem, detour, cur, out, legs)
        target = problem.end if node is None else problem.candidates[node.candidate].site
        _go(problem, cur, target, group_of.get(position), out=out, legs=legs)
        if node is None:
            break
        cand = problem.candidates[node.candidate]
        action = at_stops.get(position + 1)
        stay = float(node.stay_s)
        stop = ItineraryStop(
            poi_id=cand.poi_id,
            name=cand.name,
            kind="meal" if node.meal else "visit",
            lat=problem.sites[cand.site].lat,
            lon=problem.sites[cand.site].lon,
            arrive_at=None,
            depart_at=None,
            explanation=" ".join((f"{node.meal.capitalize()}." if node.meal else "", *cand.facts)).strip(),
            category=cand.category,
            meal=node.meal,
            cost=round(cand.cost, 2),
        )
        cost += cand.cost
        if action is not None and ev is not None and cur.soc is not None:
            charger = problem.chargers[action.opportunity.charger]
            soc_to = max(action.soc_to, cur.soc)
            charge = ev.charge_time_s(charger.power_kw, cur.soc, soc_to) + ev.charge_overhead_s
            stay = max(stay, charge)
            cur.charge_s += max(0.0, charge - node.stay_s)
            stop = stop.model_copy(
                update={
                    "charger_id": charger.poi_id,
                    "soc_before": _fraction(cur.soc),
                    "soc_after": round(soc_to, 4),
                    "energy_kwh": round((soc_to - cur.soc) * ev.battery_kwh, 3),
                    "power_kw": min(charger.power_kw, ev.max_charge_kw),
                    "explanation": " ".join(
                        (stop.explanation, f"Charges at {charger.name} meanwhile.", _unverified(charger.verified))
                    ).strip(),
                }
            )
            cur.soc = soc_to
        begin = earliest_start(node.windows, cur.time, stay)
        if begin is None:  # the caller verifies; keep the times honest rather than pretend
            begin = cur.time
            cur.fits = False
        cur.time = begin + stay
        out.append(
            stop.model_copy(
                update={"arrive_at": at_time(problem.epoch, begin), "depart_at": at_time(problem.epoch, cur.time)}
            )
        )
    end = problem.sites[problem.end]
    out.append(
        ItineraryStop(
            poi_id=_poi(end),
            name=end.name,
            kind="end",
            lat=end.lat,
            lon=end.lon,
            arrive_at=at_time(problem.epoch, cur.time),
            depart_at=None,
            explanation="Arrival.",
            soc_before=_fraction(cur.soc),
        )
    )
    if cur.time > problem.deadline_s or (ev is not None and cur.soc is not None and cur.soc < ev.target_soc - 1e-9):
        cur.fits = False
    totals = Totals(
        distance_m=round(cur.distance_m, 1),
        drive_s=cur.drive_s,
        walk_m=round(cur.walk_m, 1),
        walk_s=cur.walk_s,
        duration_s=cur.time,
        charge_s=round(cur.charge_s, 1),
        cost=round(cost, 2),
        energy_kwh=round(cur.energy_kwh, 3),
        value=round(problem.objective([n.candidate for n in stops], cur.drive_s), 4),
        visits=sum(1 for s in out if s.kind == "visit"),
        meals=sum(1 for s in out if s.kind == "meal"),
        charges=sum(1 for s in out if s.charges),
    )
    itinerary = Itinerary(
        region=problem.region, timezone=problem.timezone, stops=out, legs=legs, totals=totals, status="draft"
    )
    return itinerary, cur.fits


def _unverified(verified: bool) -> str:
    return "" if verified else UNVERIFIED_WARNING


def _fraction(soc: float | None) -> float | None:
    """A state of charge for the document: 0..1 (a plan that runs flat shows 0; the verifier says why)."""
    return None if soc is None else round(min(1.0, max(0.0, soc)), 4)


def _drive(
    problem: PlanningProblem, cur: _Cursor, target: int, out: list[ItineraryStop], legs: list[ItineraryLeg]
) -> None:
    duration = float(problem.time_s[cur.site, target])
    energy = float(problem.energy_kwh[cur.site, target]) if problem.energy_kwh is not None else None
    walk_m = float(problem.walk_m[cur.site, target]) if problem.walk_m is not None else 0.0
    walk_s = min(duration, walk_m / WALK_M_PER_S)
    legs.append(
        ItineraryLeg(
            from_index=len(out) - 1,
            distance_m=round(float(problem.dist_m[cur.site, target]), 1),
            duration_s=round(duration - walk_s, 1),
            walk_m=round(walk_m, 1),
            walk_s=round(walk_s, 1),
            energy_kwh=round(energy, 4) if energy is not None else None,
            geometry=_line(problem, cur.site, target),
        )
    )
    cur.time += duration
    cur.drive_s += duration - walk_s
    cur.distance_m += float(problem.dist_m[cur.site, target])
    _use(problem, cur, energy)
    cur.site = target


def _use(problem: PlanningProblem, cur: _Cursor, energy: float | None) -> None:
    """Energy used on a drive; the battery below its reserve on arrival does not fit."""
    if energy is None:
        return
    cur.energy_kwh += energy
    if cur.soc is not None and problem.ev is not None:
        cur.soc -= energy / problem.ev.battery_kwh
        if cur.soc < problem.ev.reserve_soc - 1e-9:
            cur.fits = False


def _same_place(walking: Walking, a: int, b: int) -> bool:
    return walking.points[a] == walking.points[b]


def _go(
    problem: PlanningProblem,
    cur: _Cursor,
    target: int,
    group: Group | None,
    *,
    out: list[ItineraryStop],
    legs: list[ItineraryLeg],
) -> None:
    """From the traveller's site to ``target``: on foot when the car stays parked, else by car.

    Without park and walk (the car beside the traveller, ``target`` in no group), this is
    the drive between the two places as it always was.
    """
    walking = problem.walking
    if walking is None or (cur.car is None and group is None and target != problem.end):
        _drive(problem, cur, target, out, legs)
        return
    car = cur.car if cur.car is not None else walking.road(cur.site)
    if target == problem.end and group is None:
        if cur.car is None:
            _drive(problem, cur, target, out, legs)
        elif _same_place(walking, car, walking.road(target)):  # back on foot to the car, where the trip ends
            _walk(problem, cur, target, out, legs)
            cur.car = None
        else:
            _drive_parked(problem, cur, car, walking.road(target), target, group=None, out=out, legs=legs)
        return
    park = group.point if group is not None else walking.road(target)
    if cur.car is None and park == walking.road(target):  # from beside one stop to beside the next
        _drive(problem, cur, target, out, legs)
        return
    if _same_place(walking, car, park):
        _walk(problem, cur, target, out, legs)
        cur.car = car
        return
    _drive_parked(problem, cur, car, park, target, group=group, out=out, legs=legs)


def _metres(walking: Walking, a: int, b: int) -> float:
    """Metres walked between two walking points (straight across when the network has no walk within reach)."""
    metres = walking.walk_m(a, b)
    if math.isfinite(metres):
        return metres
    (lat_a, lon_a), (lat_b, lon_b) = walking.points[a], walking.points[b]
    return haversine_m(LatLon(lat_a, lon_a), LatLon(lat_b, lon_b))


def _line_of(walking: Walking, a: int, b: int) -> dict[str, object]:
    if walking.path is not None:
        return {"type": "LineString", "coordinates": walking.path(a, b)}
    (lat_a, lon_a), (lat_b, lon_b) = walking.points[a], walking.points[b]
    return {"type": "LineString", "coordinates": [[lon_a, lat_a], [lon_b, lat_b]]}


def _walk(
    problem: PlanningProblem, cur: _Cursor, target: int, out: list[ItineraryStop], legs: list[ItineraryLeg]
) -> None:
    """The traveller walks from their site to ``target``; the car stays where it is."""
    walking = problem.walking
    assert walking is not None
    metres = _metres(walking, cur.site, target)
    seconds = walking.seconds(metres)
    legs.append(
        ItineraryLeg(
            from_index=len(out) - 1,
            mode="walk",
            distance_m=round(metres, 1),
            duration_s=float(seconds),
            energy_kwh=0.0 if problem.energy_kwh is not None else None,
            geometry=_line_of(walking, cur.site, target),
        )
    )
    cur.time += seconds
    cur.walk_m += metres
    cur.walk_s += seconds
    cur.site = target


def _drive_parked(
    problem: PlanningProblem,
    cur: _Cursor,
    car: int,
    park: int,
    target: int,
    *,
    group: Group | None,
    out: list[ItineraryStop],
    legs: list[ItineraryLeg],
) -> None:
    """Walk to the car (at walking point ``car``), drive to ``park``, walk from there to ``target``."""
    walking = problem.walking
    assert walking is not None
    offset = len(walking.points) // 2
    car_site, park_site = car - offset, park - offset
    to_car, from_park = _metres(walking, cur.site, car), _metres(walking, park, target)
    walk_m = round(to_car + from_park, 1)
    walk_s = round(walk_m / walking.m_per_s, 1)
    drive = float(walking.drive_s[car_site, park_site])
    energy = float(problem.energy_kwh[car_site, park_site]) if problem.energy_kwh is not None else None
    distance = float(problem.dist_m[car_site, park_site])
    lat, lon = walking.points[park]
    if group is not None:
        spot = ParkingSpot(poi_id=group.poi_id, name=group.name, lat=lat, lon=lon)
    else:
        spot = ParkingSpot(name=f"Street by {problem.sites[target].name}", lat=lat, lon=lon)
    legs.append(
        ItineraryLeg(
            from_index=len(out) - 1,
            distance_m=round(distance, 1),
            duration_s=round(drive, 1),
            walk_m=walk_m,
            walk_s=walk_s,
            energy_kwh=round(energy, 4) if energy is not None else None,
            geometry=_line(problem, car_site, park_site),
            park=spot,
            walk_geometry=[_line_of(walking, cur.site, car), _line_of(walking, park, target)],
        )
    )
    cur.time += math.ceil(drive + walk_s)
    cur.drive_s += drive
    cur.distance_m += distance
    cur.walk_m += to_car + from_park
    cur.walk_s += walk_s
    _use(problem, cur, energy)
    cur.site = target
    # beside the target as if driven straight there: the next leg may be an ordinary drive
    cur.car = None if group is None and park == walking.road(target) else park


def _charge_detour(
    problem: PlanningProblem,
    action: ChargeAction,
    cur: _Cursor,
    out: list[ItineraryStop],
    legs: list[ItineraryLeg],
) -> None:
    ev = problem.ev
    assert ev is not None
    charger = problem.chargers[action.opportunity.charger]
    _go(problem, cur, charger.site, None, out=out, legs=legs)
    assert cur.soc is not None
    soc_to = max(action.soc_to, cur.soc)
    duration = ev.charge_time_s(charger.power_kw, cur.soc, soc_to) + ev.charge_overhead_s
    site = problem.sites[charger.site]
    power = min(charger.power_kw, ev.max_charge_kw)
    why = "brings the battery back above" if cur.soc < ev.reserve_soc else "keeps the battery above"
    out.append(
        ItineraryStop(
            poi_id=charger.poi_id,
            name=charger.name,
            kind="charge",
            lat=site.lat,
            lon=site.lon,
            arrive_at=at_time(problem.epoch, cur.time),
            depart_at=at_time(problem.epoch, cur.time + duration),
            explanation=(
                f"Charge {cur.soc:.0%} -> {soc_to:.0%} at {power:g} kW"
                f"{f' ({charger.network})' if charger.network else ''}: "
                f"{why} the reserve."
                f" {_unverified(charger.verified)}"
            ).strip(),
            category="charging_station",
            charger_id=None,
            soc_before=_fraction(cur.soc),
            soc_after=round(soc_to, 4),
            energy_kwh=round((soc_to - cur.soc) * ev.battery_kwh, 3),
            power_kw=power,
        )
    )
    cur.time += duration
    cur.charge_s += duration
    cur.soc = soc_to
