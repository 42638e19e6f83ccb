"""The charging planner: exact against exhaustive search, reserve, target, overlap with a meal."""

from __future__ import annotations

import math

import pytest
from planning_cases import HOUR, MIN, make_problem, place

from codriver.planning import Charger, EvSpec, MealSlot, PlanningProblem, TaperCurve, optimize, plan_charging
from codriver.planning._exhaustive import exhaustive_charging
from codriver.planning._nodes import Node, expand_nodes
from codriver.planning._synthetic import synthetic_problem

# sites: 0 start, 1 end, 2 restaurant, 3 a charger off the way
MINUTES = [
    [0, 0, 20, 15],
    [0, 0, 20, 15],
    [20, 20, 0, 10],
    [15, 15, 10, 0],
]
KWH = [
    [0, 0, 10, 8],
    [0, 0, 10, 8],
    [10, 10, 0, 5],
    [8, 8, 5, 0],
]
LUNCH = MealSlot("lunch", 20 * MIN, 3 * HOUR, 60 * MIN)  # from 09:20: no time to spare before it


def ev(soc: float, *, target: float = 0.2, step: float = 0.005) -> EvSpec:
    return EvSpec(battery_kwh=50.0, soc=soc, reserve_soc=0.1, target_soc=target, max_charge_kw=50.0, soc_step=step)


def lunch_problem(soc: float, *, charger_at_restaurant: bool, target: float = 0.2):  # type: ignore[no-untyped-def]
    food = place(0, 1.0, category="restaurant", meals=("lunch",), meal_only=True)
    if charger_at_restaurant:
        food = place(0, 1.0, category="restaurant", meals=("lunch",), meal_only=True, charger=0)
    chargers = [Charger("osm:node/900", "Fast charger", 3, 50.0)]
    return make_problem(MINUTES, [food], chargers=chargers, meals=[LUNCH], ev=ev(soc, target=target), kwh=KWH)


def lunch_nodes(problem) -> list[Node]:  # type: ignore[no-untyped-def]
    return [n for n in expand_nodes(problem) if n.meal == "lunch"]


def test_taper_curve_is_additive_and_slower_above_the_knee() -> None:
    curve = TaperCurve()
    whole = curve.time_s(50, 50, 0.2, 0.95)
    assert whole == pytest.approx(curve.time_s(50, 50, 0.2, 0.8) + curve.time_s(50, 50, 0.8, 0.95))
    assert curve.time_s(50, 50, 0.2, 0.3) == pytest.approx(0.1 * 50 / 50 * 3600)
    # power falls from 100 % at 80 % SoC to 20 % at 100 %: 0.85 -> 0.95 takes 900 s * ln 2
    assert curve.time_s(50, 50, 0.85, 0.95) == pytest.approx(900 * math.log(2))
    assert curve.time_s(50, 50, 0.5, 0.4) == 0.0


def test_no_charging_when_the_battery_suffices() -> None:
    problem = lunch_problem(0.9, charger_at_restaurant=True)
    plan = plan_charging(problem, lunch_nodes(problem))
    assert plan is not None
    assert plan.actions == []
    assert plan.end_s == 20 * MIN + 60 * MIN + 20 * MIN  # drives, eats, drives home


def test_charges_during_lunch_when_a_charger_is_at_the_restaurant() -> None:
    # 35 % - 20 % to the restaurant = 15 %; home needs 20 % more and the 20 % target: 40 %
    problem = lunch_problem(0.35, charger_at_restaurant=True)
    plan = plan_charging(problem, lunch_nodes(problem))
    assert plan is not None
    [action] = plan.actions
    assert action.opportunity.at_stop
    assert action.soc_from == pytest.approx(0.15)
    # charging costs no time during the 60 min meal: the planner fills up as far as it can meanwhile
    assert action.soc_to > 0.9
    assert plan.end_s == 20 * MIN + 60 * MIN + 20 * MIN  # no time lost to charging


def test_detours_to_a_charger_when_none_is_at_the_restaurant() -> None:
    problem = lunch_problem(0.35, charger_at_restaurant=False)
    plan = plan_charging(problem, lunch_nodes(problem))
    assert plan is not None
    [action] = plan.actions
    assert not action.opportunity.at_stop
    # after lunch (15 %) the 10 % drive to the charger would break the 10 % reserve: charge on
    # the way there. 35 % - 16 % = 19 %, then enough for 10 % + 20 % of driving and the 20 % target
    assert action.opportunity.position == 0
    assert (action.soc_from, action.soc_to) == (pytest.approx(0.19), pytest.approx(0.5))
    charging_s = 0.31 * 50 / 50 * HOUR  # 15.5 kWh at 50 kW, below the taper
    assert plan.end_s == pytest.approx(25 * MIN + charging_s + 60 * MIN + 20 * MIN)


def test_never_plans_below_the_reserve() -> None:
    problem = lunch_problem(0.12, charger_at_restaurant=True)
    # 12 % - 20 % on the first leg: the reserve is broken before any charger is reached
    assert plan_charging(problem, lunch_nodes(problem)) is None


def test_meets_the_arrival_target() -> None:
    problem = lunch_problem(0.9, charger_at_restaurant=True, target=0.8)
    plan = plan_charging(problem, lunch_nodes(problem))
    assert plan is not None
    assert plan.final_soc >= 0.8
    assert plan.actions  # 90 % - 40 % of driving < 80 %: it had to charge


@pytest.mark.parametrize("seed", range(16))
def test_matches_exhaustive_search_on_small_instances(seed: int) -> None:
    problem = synthetic_problem(
        seed, candidates=4, chargers=2, ev=True, soc=0.3, battery_kwh=20.0, kwh_per_km=0.2, soc_step=0.1, size_km=16
    )
    nodes = optimize(problem).nodes[:2]
    dp = plan_charging(problem, nodes)
    best = exhaustive_charging(problem, nodes)
    assert (dp is None) == (best is None)
    if dp is not None and best is not None:
        assert dp.end_s == pytest.approx(best.end_s, abs=1e-6)


def test_exhaustive_comparison_is_not_vacuous() -> None:
    found = 0
    for seed in range(16):
        problem = synthetic_problem(
            seed,
            candidates=4,
            chargers=2,
            ev=True,
            soc=0.3,
            battery_kwh=20.0,
            kwh_per_km=0.2,
            soc_step=0.1,
            size_km=16,
        )
        plan = plan_charging(problem, optimize(problem).nodes[:2])
        found += plan is not None and bool(plan.actions)
    assert found >= 4


def below_reserve_problem(*, verified: tuple[bool, bool] = (True, True)):  # type: ignore[no-untyped-def]
    # sites: 0 start, 1 end, 2 museum, 3 a charger 2 % away, 4 a second charger 2 minutes farther
    minutes = [[0, 0, 20, 5, 7], [0, 0, 20, 5, 7], [20, 20, 0, 15, 15], [5, 5, 15, 0, 1], [7, 7, 15, 1, 0]]
    kwh = [[0, 0, 8, 1, 1], [0, 0, 8, 1, 1], [8, 8, 0, 7, 7], [1, 1, 7, 0, 0.2], [1, 1, 7, 0.2, 0]]
    museum = place(0, 1.0, category="museum")
    chargers = [
        Charger("osm:node/901", "Charger A", 3, 50.0, verified=verified[0]),
        Charger("osm:node/902", "Charger B", 4, 50.0, verified=verified[1]),
    ]
    return make_problem(minutes, [museum], chargers=chargers, ev=ev(0.05, target=0.3), kwh=kwh)


def test_a_car_below_its_reserve_drives_to_a_charger_first() -> None:
    problem = below_reserve_problem()
    nodes = expand_nodes(problem)[:1]
    plan = plan_charging(problem, nodes)
    assert plan is not None
    first = plan.actions[0]
    assert not first.opportunity.at_stop
    assert first.opportunity.position == 0  # on the very first leg
    assert first.soc_from == pytest.approx(0.03)  # 5 % - 2 %: below the reserve, above empty
    assert plan.final_soc >= 0.3
    best = exhaustive_charging(problem, nodes)
    assert best is not None
    assert plan.end_s == pytest.approx(best.end_s)
    # without a charger within reach there is no plan at all
    far = below_reserve_problem()
    far.energy_kwh[0, 3] = far.energy_kwh[0, 4] = 3.0  # 6 %: more than is left
    assert plan_charging(far, nodes) is None
    assert exhaustive_charging(far, nodes) is None


def test_an_unverified_charger_is_used_only_when_no_verified_one_is_as_good() -> None:
    nodes = expand_nodes(below_reserve_problem())[:1]
    plan = plan_charging(below_reserve_problem(), nodes)
    assert plan is not None
    assert {a.opportunity.charger for a in plan.actions} == {0}  # both verified: the nearer A
    # A is unverified, B verified and farther: B is chosen
    plan = plan_charging(below_reserve_problem(verified=(False, True)), nodes)
    assert plan is not None
    assert {a.opportunity.charger for a in plan.actions} == {1}
    # both unverified: the nearer one
    plan = plan_charging(below_reserve_problem(verified=(False, False)), nodes)
    assert plan is not None
    assert {a.opportunity.charger for a in plan.actions} == {0}


def chained_case(seed: int) -> tuple[PlanningProblem, list[Node]]:
    """A small battery, chargers up to an hour off the way, and the stop farthest from the start.

    The stop is chosen without the optimizer (whose wall-clock search varies with load).
    """
    problem = synthetic_problem(
        seed, candidates=3, chargers=4, ev=True, soc=0.5, battery_kwh=6.0, kwh_per_km=0.2, soc_step=0.1, size_km=30
    )
    problem.max_charges_per_leg = 2
    problem.max_detour_s = 3600
    far = max(
        expand_nodes(problem),
        key=lambda n: (problem.time_s[problem.start, problem.candidates[n.candidate].site], n.candidate),
    )
    return problem, [far]


@pytest.mark.parametrize("seed", range(12))
def test_chained_chargers_on_a_leg_match_exhaustive_search(seed: int) -> None:
    problem, nodes = chained_case(seed)
    dp = plan_charging(problem, nodes)
    best = exhaustive_charging(problem, nodes)
    assert (dp is None) == (best is None)
    if dp is not None and best is not None:
        assert dp.end_s == pytest.approx(best.end_s, abs=1e-6)


def test_chained_comparison_is_not_vacuous() -> None:
    chained = 0
    for seed in range(12):
        problem, nodes = chained_case(seed)
        plan = plan_charging(problem, nodes)
        if plan is not None:
            legs = [a.opportunity.position for a in plan.actions if not a.opportunity.at_stop]
            chained += len(legs) != len(set(legs))  # two chargers on one leg
    assert chained >= 3
