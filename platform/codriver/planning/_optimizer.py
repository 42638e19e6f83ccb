"""The itinerary optimizer: prize-collecting routing with time windows, solved by CP-SAT.

Model: a circuit over start, the optional nodes and end (a skipped node takes its
self-loop). Each node's start-time variable has as domain the union of its open intervals
shortened by its stay, so a place with several intervals a day needs no node splitting,
and the whole stay always fits inside one interval. A used arc ``i -> j`` enforces
``start_j >= start_i + stay_i + travel_ij`` (waiting allowed). Budget, one use per place,
one node per meal, and driving stints (carried drive time reset by stays of at least
the break length) are linear constraints.

Objective, lexicographic through big weights: must-visits, then meals, then preference
value minus ``travel_weight`` per hour of driving. The times the model returns are
recomputed exactly afterwards (:func:`codriver.planning._nodes.simulate`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model, cp_model_helper

from codriver.planning._nodes import Node, Sequenced, expand_nodes, lexicographic_score, simulate
from codriver.planning._problem import PlanningProblem
from codriver.planning._routing import routing_tour
from codriver.planning._search import WALL_GUARD, is_deterministic

__all__ = ["OptimizerResult", "in_order", "optimize"]

_SCALE = 1000  # objective units per value unit
_CENTS = 100
_SEED_ABOVE = 12


@dataclass(frozen=True)
class OptimizerResult:
    """The chosen nodes in visiting order and their exact timing."""

    nodes: list[Node]
    timing: Sequenced
    objective: float
    status: str
    musts: int
    meals: int


def _domain(node: Node, low: int, high: int) -> cp_model.Domain | None:
    """Feasible start times of ``node`` within ``[low, high]``: each window shortened by the stay."""
    windows = node.windows if node.windows is not None else ((low, high + node.stay_s),)
    clipped = [(max(a, low), min(b - node.stay_s, high)) for a, b in windows]
    parts = [[a, b] for a, b in clipped if a <= b]
    return cp_model.Domain.from_intervals(parts) if parts else None


def optimize(
    problem: PlanningProblem,
    *,
    time_limit_s: float = 0.8,
    reserve_s: int = 0,
    workers: int = 2,
    excluded: frozenset[int] = frozenset(),
    seed_above: int = _SEED_ABOVE,
) -> OptimizerResult:
    """The best ordered choice of stops (never raises for infeasibility: the empty plan is kept).

    ``reserve_s`` keeps that many seconds free before the deadline (time the charging
    planner will need); ``excluded`` candidates are left out. With more than
    ``seed_above`` nodes, a third of the time goes to the routing solver, whose tour
    seeds CP-SAT; the better of the two plans wins.
    """
    deadline = problem.deadline_s - reserve_s
    all_nodes = [n for n in expand_nodes(problem) if n.candidate not in excluded]
    start_site, end_site = problem.start, problem.end
    travel = problem.time_s
    if travel[start_site, end_site] > deadline:
        empty = simulate(problem, [], reserve_s=reserve_s)
        return OptimizerResult([], empty, problem.objective([], empty.drive_s), "no-time", 0, 0)

    model = cp_model.CpModel()
    nodes: list[Node] = []
    starts: list[cp_model.IntVar] = []
    lows, highs = [0], [deadline]
    for node in all_nodes:
        site = problem.candidates[node.candidate].site
        low = int(travel[start_site, site])
        high = int(deadline - node.stay_s - travel[site, end_site])
        domain = _domain(node, low, high)
        if domain is None:
            continue
        nodes.append(node)
        lows.append(domain.min())
        highs.append(domain.max())
        starts.append(model.new_int_var_from_domain(domain, f"s{len(nodes)}"))
    n = len(nodes)
    start_idx, end_idx = 0, n + 1
    t_start = model.new_constant(0)
    t_end = model.new_int_var(int(travel[start_site, end_site]), deadline, "s_end")
    times = [t_start, *starts, t_end]
    lows.append(int(travel[start_site, end_site]))
    highs.append(deadline)
    sites = [start_site, *(problem.candidates[x.candidate].site for x in nodes), end_site]
    stays = [0, *(x.stay_s for x in nodes), 0]

    arcs: list[tuple[int, int, cp_model.IntVar]] = [(end_idx, start_idx, model.new_constant(1))]
    visited: list[cp_model_helper.Literal] = []
    out_arcs: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    travel_terms: list[tuple[cp_model.IntVar, int]] = []
    for i in range(1, n + 1):
        skip = model.new_bool_var(f"skip{i}")
        arcs.append((i, i, skip))
        visited.append(~skip)
    for i in range(n + 1):
        for j in range(1, n + 2):
            if i == j:
                continue
            t = int(travel[sites[i], sites[j]])
            if lows[i] + stays[i] + t > highs[j]:
                continue
            lit = model.new_bool_var(f"x{i}_{j}")
            arcs.append((i, j, lit))
            out_arcs[i].append((j, lit))
            model.add(times[j] >= times[i] + stays[i] + t).only_enforce_if(lit)
            travel_terms.append((lit, t))
    model.add_circuit(arcs)

    by_candidate: dict[int, list[int]] = defaultdict(list)
    by_meal: dict[str, list[int]] = defaultdict(list)
    for k, node in enumerate(nodes):
        by_candidate[node.candidate].append(k)
        if node.meal is not None:
            by_meal[node.meal].append(k)
    for group in (*by_candidate.values(), *by_meal.values()):
        if len(group) > 1:
            model.add_at_most_one(visited[k] for k in group)
    if problem.budget is not None:
        costs = [round(problem.candidates[x.candidate].cost * _CENTS) for x in nodes]
        model.add(sum(c * v for c, v in zip(costs, visited, strict=True)) <= round(problem.budget * _CENTS))
    if problem.max_stint_s is not None:
        _add_stints(model, problem, nodes=nodes, out_arcs=out_arcs, sites=sites, stays=stays)
    rank = {c: r for r, c in enumerate(problem.order)}
    placed = [(rank[x.candidate], k) for k, x in enumerate(nodes) if x.candidate in rank]
    for (ra, a), (rb, b) in itertools.permutations(placed, 2):
        if ra < rb:  # the traveller's order: a before b whenever both are visited
            model.add(times[b + 1] >= times[a + 1] + stays[a + 1]).only_enforce_if([visited[a], visited[b]])

    values = [round(x.value * _SCALE) for x in nodes]
    big = _SCALE * (sum(abs(v) for v in (x.value for x in nodes)) + problem.travel_weight * 24 + 1)
    meal_bonus = round(big)
    must_bonus = round(big * (len(problem.meals) + 1))
    per_second = problem.travel_weight / 3600.0 * _SCALE
    objective = []
    for k, node in enumerate(nodes):
        weight = values[k] + (meal_bonus if node.meal is not None else 0) + (must_bonus if node.must else 0)
        objective.append(weight * visited[k])
    objective.extend(-round(per_second * t) * lit for lit, t in travel_terms if round(per_second * t))
    model.maximize(sum(objective))

    seeded: list[Node] = []
    if n > seed_above:
        share = time_limit_s / 3
        seeded = routing_tour(
            problem, nodes, deadline=deadline, time_limit_s=share, meal_bonus=meal_bonus, must_bonus=must_bonus
        )
        if simulate(problem, seeded, reserve_s=reserve_s).feasible and in_order(problem, seeded):
            _hint(model, tour=seeded, nodes=nodes, visited=visited, out_arcs=out_arcs, problem=problem, times=times)
        else:
            seeded = []
        time_limit_s -= share

    solver = cp_model.CpSolver()
    if is_deterministic():  # a fixed amount of work: the same plan on any machine, in any order
        solver.parameters.max_deterministic_time = time_limit_s
        solver.parameters.max_time_in_seconds = time_limit_s * WALL_GUARD
        solver.parameters.num_workers = 1
    else:
        solver.parameters.max_time_in_seconds = time_limit_s
        solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    # Presolve's probing and symmetry detection cost more than they save on these models.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.max_presolve_iterations = 1
    code = solver.solve(model)
    status = solver.status_name(code).lower()
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen: list[Node] = []
    else:
        chosen = _order(solver, out_arcs, nodes, n)
    timing = simulate(problem, chosen, reserve_s=reserve_s)
    if not timing.feasible:  # cannot happen with a consistent model; keep the empty plan rather than a bad one
        chosen, timing, status = [], simulate(problem, [], reserve_s=reserve_s), "inconsistent"
    if seeded:
        routed = simulate(problem, seeded, reserve_s=reserve_s)
        if lexicographic_score(problem, routed) > lexicographic_score(problem, timing):
            chosen, timing, status = seeded, routed, "routing"
    musts, meals, value = lexicographic_score(problem, timing)
    return OptimizerResult(chosen, timing, value, status, musts, meals)


def in_order(problem: PlanningProblem, tour: list[Node]) -> bool:
    """Whether ``tour`` visits the traveller's placed candidates (``problem.order``) in their order."""
    rank = {c: r for r, c in enumerate(problem.order)}
    ranks = [rank[node.candidate] for node in tour if node.candidate in rank]
    return ranks == sorted(ranks)


def _hint(
    model: cp_model.CpModel,
    *,
    tour: list[Node],
    nodes: list[Node],
    visited: list[cp_model_helper.Literal],
    out_arcs: dict[int, list[tuple[int, cp_model.IntVar]]],
    problem: PlanningProblem,
    times: list[cp_model.IntVar],
) -> None:
    """Hint CP-SAT with a complete solution: the tour's arcs, visits and start times."""
    position = {id(node): k + 1 for k, node in enumerate(nodes)}
    path = [0, *(position[id(node)] for node in tour), len(nodes) + 1]
    used = set(itertools.pairwise(path))
    on_tour = set(path)
    for k in range(1, len(nodes) + 1):
        model.add_hint(visited[k - 1], k in on_tour)
    for i, outs in out_arcs.items():
        for j, lit in outs:
            model.add_hint(lit, (i, j) in used)
    timing = simulate(problem, tour)
    for k, stop in zip(path[1:-1], timing.stops, strict=True):
        model.add_hint(times[k], round(stop.start_s))
    model.add_hint(times[-1], round(timing.end_s))


def _order(
    solver: cp_model.CpSolver,
    out_arcs: dict[int, list[tuple[int, cp_model.IntVar]]],
    nodes: list[Node],
    n: int,
) -> list[Node]:
    chosen: list[Node] = []
    current = 0
    while current != n + 1:
        current = next(j for j, lit in out_arcs[current] if solver.boolean_value(lit))
        if current != n + 1:
            chosen.append(nodes[current - 1])
    return chosen


def _add_stints(
    model: cp_model.CpModel,
    problem: PlanningProblem,
    *,
    nodes: list[Node],
    out_arcs: dict[int, list[tuple[int, cp_model.IntVar]]],
    sites: list[int],
    stays: list[int],
) -> None:
    """Drive time since the last break, at each arrival, never above the limit."""
    assert problem.max_stint_s is not None
    limit = problem.max_stint_s
    carried = [model.new_int_var(0, limit, f"drive{i}") for i in range(len(nodes) + 2)]
    model.add(carried[0] == min(problem.start_stint_s, limit))
    for i, outs in out_arcs.items():
        rested = i != 0 and stays[i] >= problem.break_s
        for j, lit in outs:
            t = int(problem.time_s[sites[i], sites[j]])
            before = 0 if rested else carried[i]
            model.add(carried[j] >= before + t).only_enforce_if(lit)
