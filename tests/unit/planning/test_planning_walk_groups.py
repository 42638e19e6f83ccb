"""Park and walk on a small hand-made problem: which parking place, charging while parked, groups given up."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from planning_cases import EPOCH, HOUR, place

from codriver.planning import Charger, EvSpec, PlanningProblem, Site, verify
from codriver.planning._charging import ChargeAction, ChargePlan, Opportunity
from codriver.planning._nodes import Node
from codriver.planning._problem import Parking, Walking
from codriver.planning._schedule import build_itinerary
from codriver.planning._walking import choose_parking
from codriver.planning._world import ProblemWorld, Requirements
from codriver.tools.geo import LatLon, haversine_m

# start/end 2 km north; museum A and gallery B 200 m apart; a charger 55 m and a car park 35 m from A
SITES = [
    Site("start", "Home", 60.188, 24.940),
    Site("end", "Home", 60.188, 24.940),
    Site("osm:node/1", "Place 0", 60.170, 24.940),
    Site("osm:node/2", "Place 1", 60.170, 24.9436),
    Site("osm:node/9", "Charger", 60.1705, 24.940),
    Site("osm:node/8", "Car park", 60.1703, 24.9402),
]
CHARGER, LOT = 4, 5


def _problem(*, b_closes_h: float | None = None, ev: bool = False, limit_m: float = 800.0) -> PlanningProblem:
    n = len(SITES)
    points = [(s.lat, s.lon) for s in SITES] * 2  # each place's road point is the place itself
    metres = np.array([[haversine_m(LatLon(*a), LatLon(*b)) * 1.2 for b in points] for a in points])
    metres[metres > 1000] = math.inf
    drive_s = np.array(
        [[0.0 if i == j else (300.0 if 0 in (i, j) or 1 in (i, j) else 60.0) for j in range(n)] for i in range(n)]
    )
    drive_s[0, 1] = drive_s[1, 0] = 0.0
    energy = np.where(drive_s > 0, drive_s / 60.0, 0.0) if ev else None
    windows_b = None if b_closes_h is None else ((0.0, b_closes_h),)
    candidates = [place(0), place(1, windows_h=windows_b)]
    return PlanningProblem(
        epoch=EPOCH,
        deadline_s=8 * HOUR,
        sites=list(SITES),
        time_s=np.ceil(drive_s).astype(np.int64),
        dist_m=drive_s * 10.0,
        candidates=candidates,
        chargers=[Charger("osm:node/9", "Charger", CHARGER, 22.0)] if ev else [],
        ev=EvSpec(battery_kwh=40, soc=0.5, reserve_soc=0.1, target_soc=0.1, max_charge_kw=50) if ev else None,
        energy_kwh=energy,
        region="test",
        walking=Walking(limit_m, 1.3, points, metres, drive_s, (Parking(LOT, "osm:node/8", "Car park"),)),
    )


def _nodes(problem: PlanningProblem) -> list[Node]:
    return [Node(k, None, c.visit_s, c.windows, c.value, c.must) for k, c in enumerate(problem.candidates)]


def test_two_stops_a_walk_apart_are_walked_from_the_car_park_nearest_the_first() -> None:
    problem = _problem()
    walking = problem.walking
    assert walking is not None
    [group] = choose_parking(problem, _nodes(problem), None)
    assert (group.first, group.last, group.point, group.poi_id) == (0, 1, walking.road(LOT), "osm:node/8")
    itinerary = build_itinerary(problem, _nodes(problem))
    assert [leg.mode for leg in itinerary.legs] == ["drive", "walk", "drive"]
    into, walk, out = itinerary.legs
    assert into.park is not None
    assert into.park.poi_id == "osm:node/8"
    assert walk.distance_m == round(walking.metres[2, 3], 1)
    assert walk.duration_s == math.ceil(walking.metres[2, 3] / 1.3)
    # back to the car at the car park, then home: the drive starts at the car park
    assert out.walk_m == round(walking.metres[3, walking.road(LOT)], 1)
    assert out.duration_s == walking.drive_s[LOT, 1]
    assert verify(itinerary, ProblemWorld(problem), Requirements.from_problem(problem)) == []


def test_the_car_is_left_at_the_charger_it_charges_at_during_a_stop() -> None:
    problem = _problem(ev=True)
    walking = problem.walking
    assert walking is not None
    charging = ChargePlan(0.0, [ChargeAction(Opportunity(0, 1, at_stop=True), 0.4, 0.6)], 0.6)
    [group] = choose_parking(problem, _nodes(problem), charging)
    assert (group.point, group.poi_id) == (walking.road(CHARGER), "osm:node/9")
    itinerary = build_itinerary(problem, _nodes(problem), charging)
    assert itinerary.legs[0].park is not None
    assert itinerary.legs[0].park.poi_id == "osm:node/9"
    assert itinerary.stops[1].charger_id == "osm:node/9"
    assert itinerary.stops[1].soc_after == 0.6
    assert [leg.mode for leg in itinerary.legs] == ["drive", "walk", "drive"]
    assert itinerary.legs[1].energy_kwh == 0.0  # the car stays at the charger


def test_a_group_that_would_make_a_stay_miss_its_hours_is_given_up() -> None:
    # driving, B is reached at 09:05 + 60 min + 1 min and closes 30 s after its hour's stay
    driven_end_h = (300 + 3600 + 60 + 3600 + 30) / HOUR
    problem = _problem(b_closes_h=driven_end_h)
    itinerary = build_itinerary(problem, _nodes(problem))
    assert [leg.mode for leg in itinerary.legs] == ["drive", "drive", "drive"]
    assert all(leg.park is None for leg in itinerary.legs)
    # with an hour more, the same two stops are walked
    relaxed = _problem(b_closes_h=driven_end_h + 1)
    assert [leg.mode for leg in build_itinerary(relaxed, _nodes(relaxed)).legs] == ["drive", "walk", "drive"]


def test_the_verifier_holds_walks_to_the_limit() -> None:
    problem = _problem()
    itinerary = build_itinerary(problem, _nodes(problem))
    requirements = Requirements.from_problem(problem)
    assert requirements.max_walk_m == 800
    strict = dataclasses.replace(requirements, max_walk_m=100)
    codes = [v.code for v in verify(itinerary, ProblemWorld(problem), strict)]
    assert codes.count("WALK_TOO_LONG") >= 1
