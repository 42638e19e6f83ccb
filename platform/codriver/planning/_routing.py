"""A fast first plan from OR-Tools' routing solver (prize collecting with time windows).

The routing library's local search finds good tours of 30+ optional stops in a fraction
of a second where CP-SAT alone may not find any; its tour then seeds the CP-SAT model,
which is exact and also enforces the driving stints (the routing model cannot reset a
dimension at a break). Time is an integer dimension in seconds whose slack is waiting;
each node's start time keeps only its feasible starts (gaps between opening intervals are
removed from the cumul variable). A visit is optional through a disjunction whose penalty
is its value (prize collecting); a meal's nodes share a second disjunction with a large
penalty, so a meal is served whenever one fits.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from codriver.planning._nodes import Node
from codriver.planning._problem import PlanningProblem
from codriver.planning._search import WALL_GUARD, is_deterministic

__all__ = ["routing_tour"]

_SCALE = 1000
_CENTS = 100


def _starts(node: Node, low: int, high: int) -> list[tuple[int, int]]:
    windows = node.windows if node.windows is not None else ((low, high + node.stay_s),)
    parts = [(max(a, low), min(b - node.stay_s, high)) for a, b in windows]
    return sorted((a, b) for a, b in parts if a <= b)


def routing_tour(
    problem: PlanningProblem,
    nodes: Sequence[Node],
    *,
    deadline: int,
    time_limit_s: float,
    meal_bonus: int,
    must_bonus: int,
) -> list[Node]:
    """The routing solver's best tour over ``nodes`` within ``time_limit_s`` (may be empty)."""
    n = len(nodes)
    if n == 0:
        return []
    sites = [problem.start, *(problem.candidates[x.candidate].site for x in nodes), problem.end]
    stays = [0, *(x.stay_s for x in nodes), 0]
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [n + 1])
    routing = pywrapcp.RoutingModel(manager)
    travel = problem.time_s
    per_second = problem.travel_weight / 3600.0 * _SCALE

    def time_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(stays[a] + travel[sites[a], sites[b]])

    def cost_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return round(per_second * float(travel[sites[a], sites[b]]))

    time_index = routing.RegisterTransitCallback(time_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(cost_cb))
    routing.AddDimension(time_index, deadline, deadline, True, "time")
    dimension = routing.GetDimensionOrDie("time")
    for k, node in enumerate(nodes, start=1):
        site = sites[k]
        low = int(travel[problem.start, site])
        high = int(deadline - node.stay_s - travel[site, problem.end])
        parts = _starts(node, low, high)
        index = manager.NodeToIndex(k)
        if not parts:
            routing.AddDisjunction([index], 0)
            routing.solver().Add(routing.ActiveVar(index) == 0)
            continue
        cumul = dimension.CumulVar(index)
        cumul.SetRange(parts[0][0], parts[-1][1])
        for (_, gap_from), (gap_to, _) in itertools.pairwise(parts):
            if gap_to - gap_from > 1:
                cumul.RemoveInterval(gap_from + 1, gap_to - 1)
    dimension.CumulVar(routing.End(0)).SetMax(deadline)

    by_candidate: dict[int, list[int]] = {}
    by_meal: dict[str, list[int]] = {}
    for k, node in enumerate(nodes, start=1):
        by_candidate.setdefault(node.candidate, []).append(k)
        if node.meal is not None:
            by_meal.setdefault(node.meal, []).append(k)
    for members in by_candidate.values():
        first = nodes[members[0] - 1]
        penalty = max(1, round(first.value * _SCALE)) + (must_bonus if first.must else 0)
        routing.AddDisjunction([manager.NodeToIndex(k) for k in members], penalty, 1)
    for members in by_meal.values():
        routing.AddDisjunction([manager.NodeToIndex(k) for k in members], meal_bonus, 1)
    if problem.budget is not None:
        costs = [0, *(round(problem.candidates[x.candidate].cost * _CENTS) for x in nodes), 0]

        def money_cb(i: int) -> int:
            return int(costs[manager.IndexToNode(i)])

        routing.AddDimension(
            routing.RegisterUnaryTransitCallback(money_cb), 0, round(problem.budget * _CENTS), True, "money"
        )

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    if is_deterministic():  # descend to a local optimum: stops after the same work every time
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
        params.time_limit.FromMilliseconds(max(1, round(time_limit_s * WALL_GUARD * 1000)))
    else:
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        params.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return []
    tour: list[Node] = []
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        tour.append(nodes[manager.IndexToNode(index) - 1])
        index = solution.Value(routing.NextVar(index))
    return tour
