"""solve(): optimizer + charging + verifier on random problems; infeasible ones give the closest plan."""

from __future__ import annotations

from dataclasses import replace

import pytest
from planning_cases import HOUR, MIN, make_problem, place, star

from codriver.planning import Charger, EvSpec, MealSlot, ProblemWorld, Requirements, optimize, solve, verify
from codriver.planning._synthetic import synthetic_problem


@pytest.mark.parametrize("seed", range(12))
def test_every_plan_passes_the_verifier_or_says_why(seed: int) -> None:
    ev = seed % 2 == 0
    problem = synthetic_problem(
        seed,
        candidates=10,
        chargers=3 if ev else 0,
        ev=ev,
        soc=0.2 + 0.1 * (seed % 4),
        battery_kwh=30.0,
        kwh_per_km=0.2,
        budget=(None, 40.0, 80.0)[seed % 3],
        stint_min=(None, 50.0)[seed % 2],
    )
    outcome = solve(problem, time_limit_s=0.3)
    itinerary = outcome.itinerary
    found = verify(itinerary, ProblemWorld(problem), Requirements.from_problem(problem))
    assert [v.code for v in found] == [v.code for v in itinerary.violations]
    errors = [v for v in found if v.severity == "error"]
    assert (itinerary.status == "feasible") == (not errors)
    # what an infeasible plan gives up is only what the problem cannot have
    assert {v.code for v in errors} <= {"MISSING_MEAL", "MUST_VISIT_MISSING", "SOC_BELOW_TARGET", "SOC_BELOW_RESERVE"}


def test_infeasible_meal_returns_the_closest_plan() -> None:
    # the only restaurant opens after the lunch window
    food = place(1, 1.0, category="restaurant", meals=("lunch",), meal_only=True, windows_h=[(6, 10)])
    lunch = MealSlot("lunch", 2 * HOUR, 5 * HOUR, 60 * MIN)
    problem = make_problem(star(2), [place(0, 2.0), food], meals=[lunch])
    itinerary = solve(problem).itinerary
    assert itinerary.status == "infeasible"
    assert [v.code for v in itinerary.errors] == ["MISSING_MEAL"]
    assert itinerary.relaxed == ["meals"]
    assert [s.poi_id for s in itinerary.stops if s.kind == "visit"] == ["osm:node/1"]
    # the same plan meets the request without the meal
    relaxed = replace(Requirements.from_problem(problem), meals=())
    assert verify(itinerary, ProblemWorld(problem), relaxed) == []


def test_charging_time_is_reserved_when_the_first_plan_leaves_none() -> None:
    # sites: 0 start, 1 end, 2 and 3 visits, 4 a charger 5 min from everything
    minutes = [[0 if i == j else (5 if 4 in (i, j) else 10) for j in range(5)] for i in range(5)]
    kwh = [[0 if i == j else (0.25 if 4 in (i, j) else 0.5) for j in range(5)] for i in range(5)]
    ev = EvSpec(battery_kwh=10.0, soc=0.3, reserve_soc=0.1, target_soc=0.5, max_charge_kw=11.0)
    visits = [place(0, 3.0), place(1, 2.0)]
    problem = make_problem(
        minutes, visits, chargers=[Charger("osm:node/900", "Charger", 4, 11.0)], ev=ev, kwh=kwh, deadline_h=160 / 60
    )
    # both visits fill 150 of the 160 minutes; reaching 50 % needs about 20 minutes of charging
    assert len(optimize(problem).nodes) == 2
    outcome = solve(problem)
    itinerary = outcome.itinerary
    assert itinerary.status == "feasible", itinerary.violations
    assert [s.poi_id for s in itinerary.stops if s.kind == "visit"] == ["osm:node/1"]  # the more valuable one
    assert [s.kind for s in itinerary.stops].count("charge") == 1
    assert itinerary.stops[-1].soc_before is not None
    assert itinerary.stops[-1].soc_before >= 0.5


def test_without_any_usable_charger_the_plan_keeps_the_reserve() -> None:
    minutes = [[0 if i == j else 10 for j in range(4)] for i in range(4)]
    kwh = [[0 if i == j else 1.0 for j in range(4)] for i in range(4)]
    ev = EvSpec(battery_kwh=10.0, soc=0.35, reserve_soc=0.1, target_soc=0.3, max_charge_kw=11.0)
    problem = make_problem(minutes, [place(0, 3.0), place(1, 2.0)], ev=ev, kwh=kwh)
    itinerary = solve(problem).itinerary
    # two visits would need 30 % of the battery; one visit (20 %) keeps 15 % >= the 10 % reserve
    assert len([s for s in itinerary.stops if s.kind == "visit"]) == 1
    assert [v.code for v in itinerary.errors] == ["SOC_BELOW_TARGET"]
    assert itinerary.relaxed == ["vehicle.target_soc"]


def test_when_even_the_direct_drive_breaks_the_reserve_the_visits_are_kept() -> None:
    minutes = [[0 if i == j else 10 for j in range(4)] for i in range(4)]
    kwh = [[0 if i == j else 1.0 for j in range(4)] for i in range(4)]
    ev = EvSpec(battery_kwh=10.0, soc=0.1, reserve_soc=0.1, target_soc=0.1, max_charge_kw=11.0)
    problem = make_problem(minutes, [place(0, 3.0), place(1, 2.0)], ev=ev, kwh=kwh)
    itinerary = solve(problem).itinerary
    assert len([s for s in itinerary.stops if s.kind == "visit"]) == 2
    assert {v.code for v in itinerary.errors} == {"SOC_BELOW_RESERVE", "SOC_BELOW_TARGET"}
    assert itinerary.stops[-1].soc_before == 0.0  # shown flat, never negative
