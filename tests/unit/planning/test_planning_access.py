"""Access legs: the walk between the road where the car stops and the place is counted and shown."""

from __future__ import annotations

from planning_cases import request

from codriver.bootstrap import Runtime
from codriver.planning._access import ACCESS_REFUSE_M, access_fact, access_m
from codriver.planning._engine import build_problem, plan_trip
from codriver.planning._problem import WALK_M_PER_S, seconds_between
from codriver.planning._region_world import RegionTools
from codriver.tools.charging import OsmChargers
from codriver.tools.geo import LatLon

MUSIIKKITALO = "osm:way/58023634"  # a large building whose centroid is about 280 m from a road node


def test_the_walk_from_the_road_is_on_the_leg_and_in_the_explanation(tools: RegionTools) -> None:
    entry = tools.entry(MUSIIKKITALO)
    assert entry is not None
    walk = access_m(tools.router, LatLon(entry.lat, entry.lon))
    assert 200 < walk < ACCESS_REFUSE_M
    # every stop driven to (no park and walk): the walk from the road is the access walk of the leg
    driven = request(must_visit=[MUSIIKKITALO], constraints={"max_walk_m": 0})
    itinerary = plan_trip(driven, tools, max_candidates=8, time_limit_s=0.3)
    [k] = [i for i, s in enumerate(itinerary.stops) if s.poi_id == MUSIIKKITALO]
    stop = itinerary.stops[k]
    assert f"({walk:.0f} m) from where the car stops" in stop.explanation
    into = next(leg for leg in itinerary.legs if leg.from_index == k - 1)
    out = next(leg for leg in itinerary.legs if leg.from_index == k)
    for leg in (into, out):
        assert leg.walk_m >= walk - 0.1  # this end's walk, plus the other end's
        assert leg.walk_s == round(leg.walk_m / WALK_M_PER_S, 1)
    before = itinerary.stops[k - 1].depart_at
    assert before is not None
    assert stop.arrive_at is not None
    # the stay begins no earlier than driving plus walking after leaving the previous stop
    assert seconds_between(before, stop.arrive_at) >= into.duration_s + into.walk_s - 1
    assert itinerary.totals.drive_s < sum(leg.duration_s + leg.walk_s for leg in itinerary.legs)


def test_walks_are_in_the_travel_matrix(tools: RegionTools) -> None:
    problem = build_problem(request(must_visit=[MUSIIKKITALO]), tools, max_candidates=8)
    k = next(i for i, s in enumerate(problem.sites) if s.key == MUSIIKKITALO)
    site = problem.sites[k]
    assert site.access_m > 200
    nodes, _ = tools.router.snap_nodes([LatLon(s.lat, s.lon) for s in problem.sites])
    seconds, _ = tools.router.matrix_nodes(nodes)
    walk = (problem.sites[0].access_m + site.access_m) / WALK_M_PER_S
    assert abs(problem.time_s[0, k] - (seconds[0, k] + walk)) <= 1


def test_a_place_too_far_from_any_road_is_refused(helsinki: Runtime, tools: RegionTools) -> None:
    # a charger out in the harbour, about 2 km from the nearest road of the region
    stations = tools.chargers.stations
    far = stations[0].model_copy(update={"poi_id": "osm:node/999999001", "lat": 60.150, "lon": 24.955})
    assert access_m(tools.router, LatLon(far.lat, far.lon)) > ACCESS_REFUSE_M
    with_far = RegionTools.load(helsinki, "helsinki", chargers=OsmChargers([far, *stations], router=tools.router))
    vehicle = {"powertrain": "ev", "battery_kwh": 40, "soc": 0.3, "reserve_soc": 0.1, "target_soc": 0.5}
    problem = build_problem(request(vehicle=vehicle), with_far, max_candidates=8)
    ids = [c.poi_id for c in problem.chargers]
    assert far.poi_id not in ids
    assert ids  # the others are still offered


def test_what_the_explanation_says_about_walks() -> None:
    assert access_fact(20) is None
    assert access_fact(120) == "About 2 min walk (120 m) from where the car stops."
    assert access_fact(360) == "360 m from the nearest road: about 5 min walk each way; check where to park."


def test_places_at_the_same_road_node_are_walked_straight(tools: RegionTools) -> None:
    entry = tools.entry(MUSIIKKITALO)
    assert entry is not None
    # starting at the place itself: no walk to the car and back
    trip = request(origin=f"{entry.lat},{entry.lon}", must_visit=[MUSIIKKITALO])
    problem = build_problem(trip, tools, max_candidates=8)
    k = next(i for i, s in enumerate(problem.sites) if s.key == MUSIIKKITALO)
    assert problem.sites[k].access_m > 200
    assert problem.time_s[0, k] == 0
    assert problem.walk_m is not None
    assert problem.walk_m[0, k] == 0.0
