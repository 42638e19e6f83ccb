"""The CP-SAT optimizer on hand-made and random problems, against the exhaustive optimum."""

from __future__ import annotations

import pytest
from planning_cases import HOUR, MIN, make_problem, place, star

from codriver.planning import MealSlot, optimize
from codriver.planning._exhaustive import exhaustive_optimum
from codriver.planning._nodes import simulate
from codriver.planning._synthetic import synthetic_problem


def chosen(result: object) -> list[int]:
    return [n.candidate for n in result.nodes]  # type: ignore[attr-defined]


def test_takes_everything_that_fits_in_time() -> None:
    problem = make_problem(star(3), [place(0, 3), place(1, 2), place(2, 1)], deadline_h=4.0)
    result = optimize(problem)
    # 3 visits of 60 min + 10 + 15 + 15 + 10 min of driving = 3 h 50 min <= 4 h
    assert sorted(chosen(result)) == [0, 1, 2]
    assert result.timing.end_s == 3 * HOUR + 50 * MIN


def test_prefers_value_when_time_is_short() -> None:
    problem = make_problem(star(3), [place(0, 1), place(1, 5), place(2, 2)], deadline_h=2.7)
    # room for two visits: the two most valuable ones
    assert sorted(chosen(optimize(problem))) == [1, 2]


def test_waits_for_opening_and_stays_inside_one_interval() -> None:
    # open 09:00-10:00 and 11:00-13:00: a 90 min visit fits only the second interval
    cand = place(0, 5, visit_min=90, windows_h=[(0, 1), (2, 4)])
    result = optimize(make_problem(star(1), [cand]))
    assert chosen(result) == [0]
    start = result.timing.stops[0].start_s
    assert start == 2 * HOUR  # arrives at 09:10, waits until 11:00
    assert start + 90 * MIN <= 4 * HOUR


def test_skips_a_place_whose_intervals_are_all_too_short() -> None:
    cand = place(0, 5, visit_min=90, windows_h=[(0, 1), (2, 3)])
    assert chosen(optimize(make_problem(star(1), [cand]))) == []


def test_budget_is_a_hard_limit() -> None:
    cands = [place(0, 5, cost=30.0), place(1, 4, cost=30.0), place(2, 1, cost=0.0)]
    result = optimize(make_problem(star(3), cands, budget=40.0))
    assert sum(cands[c].cost for c in chosen(result)) <= 40.0
    assert sorted(chosen(result)) == [0, 2]


def test_must_visit_beats_any_value() -> None:
    cands = [place(0, 0.1, must=True, visit_min=120), place(1, 9, visit_min=120)]
    result = optimize(make_problem(star(2), cands, deadline_h=2.5))
    assert chosen(result) == [0]
    assert result.musts == 1


def test_meal_is_served_inside_its_window() -> None:
    lunch = MealSlot("lunch", 2 * HOUR, 5 * HOUR, 60 * MIN)  # 11:00-14:00
    food = place(1, 0.5, category="restaurant", meals=("lunch",), meal_only=True)
    result = optimize(make_problem(star(2), [place(0, 3, visit_min=150), food], meals=[lunch]))
    meals = [s for s in result.timing.stops if s.meal == "lunch"]
    assert len(meals) == 1
    assert meals[0].start_s >= 2 * HOUR
    assert meals[0].start_s + meals[0].stay_s <= 5 * HOUR


def test_driving_stint_forces_a_break_order() -> None:
    # 40 min spokes; a 50 min stint limit allows no two drives without a stop of >= 15 min between
    minutes = star(2, spoke_min=40, across_min=40)
    cands = [place(0, 2, visit_min=10), place(1, 2, visit_min=30)]
    limited = make_problem(minutes, cands, max_stint_s=50 * MIN, break_s=15 * MIN)
    result = optimize(limited)
    # only the 30 min visit is a break: start -> 1 (40) -> break -> end (40)
    assert chosen(result) == [1]
    free = optimize(make_problem(minutes, cands))
    assert sorted(chosen(free)) == [0, 1]


def test_deadline_too_close_for_the_drive_home_gives_the_empty_plan() -> None:
    problem = make_problem(star(1, spoke_min=30), [place(0, 1)], deadline_h=0.2)
    result = optimize(problem)
    assert result.nodes == []
    assert result.status == "no-time"
    assert not result.timing.feasible


@pytest.mark.parametrize("seed", range(10))
def test_matches_the_exhaustive_optimum_on_small_instances(seed: int) -> None:
    problem = synthetic_problem(
        seed,
        candidates=7,
        budget=(None, 30.0)[seed % 2],
        stint_min=(None, 60.0)[seed % 3 == 0],
        musts=int(seed % 4 == 0),
    )
    result = optimize(problem)
    score, _, _ = exhaustive_optimum(problem)
    assert (result.musts, result.meals) == score[:2]
    assert result.objective == pytest.approx(score[2], abs=1e-3)


@pytest.mark.parametrize("seed", range(4))
def test_routing_seed_gives_feasible_plans(seed: int) -> None:
    problem = synthetic_problem(seed, candidates=20, budget=50.0, stint_min=50.0)
    result = optimize(problem, time_limit_s=0.6, seed_above=0)
    assert simulate(problem, result.nodes).feasible
    assert result.nodes  # 20 candidates in 12 hours: something fits
