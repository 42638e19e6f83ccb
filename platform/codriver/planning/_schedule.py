"""From chosen stops and charging actions to the itinerary document, with exact times and SoC.

Times are recomputed from the travel matrix with earliest starts (waiting for opening is
allowed; ``arrive_at`` is when the stay begins). State of charge is recomputed exactly
from the energy matrix: it is never below the grid values the charging planner used, so
charging takes no longer than planned and every stay still fits its window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codriver.planning._charging import ChargeAction, ChargePlan
from codriver.planning._itinerary import Itinerary, ItineraryLeg, ItineraryStop, Totals
from codriver.planning._nodes import Node
from codriver.planning._problem import (
    UNVERIFIED_WARNING,
    WALK_M_PER_S,
    PlanningProblem,
    Site,
    at_time,
    earliest_start,
)

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

    Status is left as ``draft``: the caller verifies it and sets the status.
    """
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
    cost = 0.0
    for position, node in enumerate([*stops, None]):
        for detour in detours.get(position, ()):  # in driving order
            _charge_detour(problem, detour, cur, out, legs)
        target = problem.end if node is None else problem.candidates[node.candidate].site
        _drive(problem, cur, target, out, legs)
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
    totals = Totals(
        distance_m=round(cur.distance_m, 1),
        drive_s=cur.drive_s,
        duration_s=cur.time,
        charge_s=round(cur.charge_s, 1),
        cost=round(cost, 2),
        energy_kwh=round(cur.energy_kwh, 3),
        value=round(problem.objective([n.candidate for n in stops], cur.drive_s), 4),
        visits=sum(1 for s in out if s.kind == "visit"),
        meals=sum(1 for s in out if s.kind == "meal"),
        charges=sum(1 for s in out if s.charges),
    )
    return Itinerary(
        region=problem.region, timezone=problem.timezone, stops=out, legs=legs, totals=totals, status="draft"
    )


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
    if energy is not None:
        cur.energy_kwh += energy
        if cur.soc is not None and problem.ev is not None:
            cur.soc -= energy / problem.ev.battery_kwh
    cur.site = target


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
    _drive(problem, cur, charger.site, out, legs)
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
