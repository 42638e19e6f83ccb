"""Park and walk: stops within walking distance of each other share one parking place.

The optimizer orders the stops; here consecutive stops that are a walk apart are grouped
behind one parking place: a car park of the catalogue (``amenity=parking``) when one is
near, the charger when the car charges during one of the stops, the start when the first
stops are a walk from it, or otherwise the street beside one of the stops. The car drives
to the parking place, the traveller walks from stop to stop and back to the car. Every
single walk stays within the party's limit (:func:`walk_limits`); a group whose walks
would make a stay miss its opening hours, a meal its window, the trip its deadline or the
battery its reserve is not made (see :func:`codriver.planning._schedule.build_itinerary`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from codriver.planning._access import ACCESS_REFUSE_M, access_m
from codriver.planning._charging import ChargePlan
from codriver.planning._nodes import Node
from codriver.planning._problem import WALK_M_PER_S, Parking, PlanningProblem, Site, Walking
from codriver.planning._request import TripRequest
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.places import PlaceEntry
from codriver.tools.routing import Router, WalkRouter

__all__ = [
    "Group",
    "WalkLimits",
    "choose_parking",
    "parking_sites",
    "road_points",
    "walk_limits",
    "walk_m",
    "walking_for",
]

DEFAULT_WALK_M = 800.0  # about 10 minutes
CHILDREN_WALK_M = 500.0
ACCESSIBLE_WALK_M = 250.0
_CHILDREN_M_PER_S = 1.1
_ACCESSIBLE_M_PER_S = 0.9
_MAX_LOTS = 12
_LOT_ACCESS_M = 150.0  # a car park this far from a road node is not one the car can be left at
_STREET_PENALTY_M = 150.0  # a car park is worth this much more walking than a place in the street
_VERIFY_LIMIT_M = 5000.0  # how far the verifier looks for a walk


@dataclass(frozen=True)
class WalkLimits:
    """The longest single walk (metres) and the pace (m/s) of a party."""

    max_m: float
    m_per_s: float


def walk_limits(request: TripRequest) -> WalkLimits:
    """The request's walking limit (``constraints.max_walk_m``, else by party) and pace."""
    party = request.party
    if party.accessibility:
        limit, pace = ACCESSIBLE_WALK_M, _ACCESSIBLE_M_PER_S
    elif party.children:
        limit, pace = CHILDREN_WALK_M, _CHILDREN_M_PER_S
    else:
        limit, pace = DEFAULT_WALK_M, WALK_M_PER_S
    explicit = request.constraints.max_walk_m
    return WalkLimits(limit if explicit is None else explicit, pace)


def parking_sites(lots: Sequence[PlaceEntry], router: Router, places: Sequence[Site], limits: WalkLimits) -> list[Site]:
    """Car parks worth planning with: near (straight line, 60 % of the limit) the most places, at most a dozen.

    ``router``: the drive router; a car park farther than 150 m from its roads is left out.
    """
    if limits.max_m <= 0 or not places:
        return []
    reach = 0.6 * limits.max_m
    served: list[tuple[int, str, PlaceEntry]] = []
    for lot in lots:
        here = LatLon(lot.lat, lot.lon)
        count = sum(1 for p in places if haversine_m(here, LatLon(p.lat, p.lon)) <= reach)
        if count:
            served.append((count, lot.poi_id, lot))
    served.sort(key=lambda t: (-t[0], t[1]))
    out: list[Site] = []
    for _, _, lot in served:
        if access_m(router, LatLon(lot.lat, lot.lon)) <= _LOT_ACCESS_M:
            out.append(Site(lot.poi_id, lot.name or "Car park", lot.lat, lot.lon))
        if len(out) >= _MAX_LOTS:
            break
    return out


def road_points(router: Router, points: Sequence[LatLon]) -> list[LatLon | None]:
    """Where the drive router joins each point to its roads (None: refused, too far from any road)."""
    return [None if s is None else LatLon(s.lat, s.lon) for s in router.snap(points)]


def walking_for(
    walker: WalkRouter | None,
    router: Router,
    sites: Sequence[Site],
    drive_s: npt.NDArray[np.float64],
    *,
    lots: Sequence[int],
    limits: WalkLimits,
) -> Walking | None:
    """The walks between the sites and the points where the car stops for them (None: no walking network).

    ``router``: the drive router; ``drive_s``: its seconds between the sites (no walking in
    them); ``lots``: the sites that are car parks.
    """
    if walker is None or limits.max_m <= 0:
        return None
    places = [LatLon(s.lat, s.lon) for s in sites]
    roads = [r or p for r, p in zip(road_points(router, places), places, strict=True)]
    points = [(p.lat, p.lon) for p in (*places, *roads)]
    # access walks (place to road) are walked whatever the limit: look as far as a place may be from its road
    metres = walker.metres([LatLon(*p) for p in points], limit_m=max(limits.max_m, ACCESS_REFUSE_M))
    _via_roads(metres, np.array([haversine_m(p, r) for p, r in zip(places, roads, strict=True)]))
    cache: dict[tuple[int, int], list[list[float]]] = {}

    def path(a: int, b: int) -> list[list[float]]:
        if (a, b) not in cache:
            reach = max(limits.max_m, ACCESS_REFUSE_M)
            found = walker.path(LatLon(*points[a]), LatLon(*points[b]), limit_m=reach)
            cache[a, b] = found[1] if found else [[points[a][1], points[a][0]], [points[b][1], points[b][0]]]
        return cache[a, b]

    parking = tuple(Parking(k, sites[k].key, sites[k].name) for k in lots)
    return Walking(limits.max_m, limits.m_per_s, points, metres, np.asarray(drive_s, dtype=float), parking, path)


def _via_roads(metres: npt.NDArray[np.float64], access: npt.NDArray[np.float64]) -> None:
    """Let walks from and to places also go by the road beside them (in place).

    ``metres`` is over places ``0..n-1`` then their road points ``n..2n-1``; ``access`` the
    straight line from each place to its road point. A place whose own position is far
    into a building or a park (a large building's centre) is then reached as a car reaches
    it, from its road.
    """
    n = len(access)
    roads = metres[n:, n:]
    metres[:n, n:] = np.minimum(metres[:n, n:], access[:, None] + roads)
    metres[n:, :n] = np.minimum(metres[n:, :n], roads + access[None, :])
    metres[:n, :n] = np.minimum(metres[:n, :n], access[:, None] + roads + access[None, :])
    np.fill_diagonal(metres, 0.0)


def walk_m(walker: WalkRouter, router: Router, a: LatLon, b: LatLon) -> float | None:
    """Metres of the shortest walk from ``a`` to ``b``, as the engine plans it (None: none within 5 km)."""
    road_a, road_b = road_points(router, [a, b])
    points = [a, b, road_a or a, road_b or b]
    metres = walker.metres(points, limit_m=_VERIFY_LIMIT_M)
    _via_roads(metres, np.array([haversine_m(a, points[2]), haversine_m(b, points[3])]))
    found = float(metres[0, 1])
    return found if math.isfinite(found) else None


# -- grouping -------------------------------------------------------------------------------
def choose_parking(problem: PlanningProblem, nodes: Sequence[Node], charging: ChargePlan | None) -> list[Group]:
    """Groups of consecutive stops walked from one parking place, in order of the stops.

    A group's parking place is chosen for its first stop: the one nearest it (a car park
    counts :data:`_STREET_PENALTY_M` nearer than the street; for the first stops of the day
    the start, where the car already is, with every other place counting its drive from the
    start in metres too) that it can walk to and back from, or the charger when the car
    charges during that stop. The next stops join while each is a walk from the one before and from the
    parking place, none across a charging detour, none charging elsewhere. So a later stop
    never changes where the car is left for an earlier one. A group is two or more stops,
    or one stop parked away from its own road (a car park, the start).
    """
    walking = problem.walking
    if walking is None or not nodes:
        return []
    actions = charging.actions if charging else ()
    detour_before = {a.opportunity.position for a in actions if not a.opportunity.at_stop}
    charger_at = {
        a.opportunity.position - 1: problem.chargers[a.opportunity.charger].site
        for a in actions
        if a.opportunity.at_stop
    }
    sites = [problem.candidates[n.candidate].site for n in nodes]
    groups: list[Group] = []
    p = 0
    while p < len(nodes):
        start_ok = p == 0 and 0 not in detour_before
        found = _parking_for(problem, walking, sites[p], charger_at.get(p), start_ok=start_ok)
        if found is None:
            p += 1
            continue
        point, poi_id, name = found
        q = p
        while (
            q + 1 < len(nodes)
            and q + 1 not in detour_before
            and charger_at.get(q + 1, charger_at.get(p)) == charger_at.get(p)
            and walking.walk_m(sites[q], sites[q + 1]) <= walking.max_m
            and walking.walk_m(sites[q + 1], point) <= walking.max_m
        ):
            q += 1
        if q > p or point != walking.road(sites[p]):
            groups.append(Group(p, q, point, poi_id, name))
        p = q + 1
    return groups


@dataclass(frozen=True)
class Group:
    """Stops ``first..last`` (positions in the plan) walked from the parking place at walking point ``point``."""

    first: int
    last: int
    point: int
    poi_id: str | None
    name: str


def _drive_m(problem: PlanningProblem, walking: Walking, point: int) -> float:
    """Metres driven from the start to the parking place at walking point ``point``."""
    return float(problem.dist_m[problem.start, point - len(walking.points) // 2])


def _parking_for(
    problem: PlanningProblem, walking: Walking, site: int, charger: int | None, *, start_ok: bool
) -> tuple[int, str | None, str] | None:
    """(walking point, catalogue ID, name) of the parking place for a group that begins at ``site``."""
    options: list[tuple[int, str | None, str, float]] = []  # (walking point, ID, name, penalty)
    if charger is not None:
        options.append((walking.road(charger), problem.sites[charger].key, problem.sites[charger].name, 0.0))
    else:
        options += [(walking.road(lot.site), lot.poi_id, lot.name, 0.0) for lot in walking.parking]
        options.append((walking.road(site), None, f"Street by {problem.sites[site].name}", _STREET_PENALTY_M))
        if start_ok:  # the car stays at the start: then every other way there counts its drive too
            options = [(pt, poi, name, penalty + _drive_m(problem, walking, pt)) for pt, poi, name, penalty in options]
            options.append((walking.road(problem.start), None, problem.sites[problem.start].name, 0.0))
    best: tuple[float, tuple[int, str | None, str]] | None = None
    for point, poi_id, name, penalty in options:
        there = walking.walk_m(point, site)
        if point == walking.road(problem.start) and poi_id is None:
            there = walking.walk_m(problem.start, site)  # the traveller sets off from the start itself
        if there > walking.max_m or walking.walk_m(site, point) > walking.max_m:
            continue
        if best is None or there + penalty < best[0]:
            best = (there + penalty, (point, poi_id, name))
    return None if best is None else best[1]
