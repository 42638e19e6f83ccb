"""Exhaustive reference searches for small instances: the yardsticks of the optimizer and the
charging planner (used by tests and ``benchmarks/bench_planning.py``, never in production).
"""

from __future__ import annotations

from collections.abc import Sequence

from codriver.planning._charging import ChargeAction, ChargePlan, Grid, charge_options
from codriver.planning._nodes import Node, Sequenced, expand_nodes, lexicographic_score, simulate
from codriver.planning._problem import PlanningProblem, earliest_start

__all__ = ["exhaustive_charging", "exhaustive_optimum"]


def exhaustive_optimum(problem: PlanningProblem) -> tuple[tuple[int, int, float], list[Node], Sequenced]:
    """The lexicographic optimum (must-visits, meals, objective) over every ordered choice of nodes.

    Depth-first: a prefix that breaks a hard limit is cut, since extending it cannot help.
    Exponential: meant for at most about 8 candidates.
    """
    nodes = expand_nodes(problem)
    best_nodes: list[Node] = []
    best_timing = simulate(problem, [])
    best_score = lexicographic_score(problem, best_timing) if best_timing.feasible else (-1, -1, float("-inf"))

    def extend(prefix: list[Node], used: set[int], meals: set[str]) -> None:
        nonlocal best_nodes, best_timing, best_score
        for node in nodes:
            if node.candidate in used or (node.meal is not None and node.meal in meals):
                continue
            trial = [*prefix, node]
            timing = simulate(problem, trial)
            if timing.feasible:
                score = lexicographic_score(problem, timing)
                if score > best_score:
                    best_score, best_nodes, best_timing = score, trial, timing
            elif not _prefix_ok(problem, trial):
                continue
            extend(trial, used | {node.candidate}, meals | ({node.meal} if node.meal else set()))

    extend([], set(), set())
    return best_score, best_nodes, best_timing


def _prefix_ok(problem: PlanningProblem, prefix: list[Node]) -> bool:
    """Whether ``prefix`` keeps every limit up to the end of its last stay (the drive home aside)."""
    timing = simulate(problem, prefix, to_end=False)
    return timing.feasible and timing.end_s <= problem.deadline_s


def exhaustive_charging(problem: PlanningProblem, stops: Sequence[Node]) -> ChargePlan | None:
    """The fastest charging plan for ``stops`` by trying every combination of charging choices.

    On every leg up to ``problem.max_charges_per_leg`` charger detours in a row (each
    next charger farther from the leg's start in driving time), and at every stop its
    charger or not, each charging to any higher level of the grid; depth-first, a branch
    that breaks the reserve or the deadline is cut. Independent of the dynamic programme
    on purpose. Meant for 2-3 legs and a coarse grid.
    """
    grid = Grid(problem)
    options = charge_options(problem, stops)
    sites = [problem.start, *(problem.candidates[s.candidate].site for s in stops), problem.end]
    best: list[ChargePlan] = []

    def arrive(p: int, site: int, level: int, time: float, actions: list[ChargeAction]) -> None:
        """Drive from ``site`` to position p+1, then stay there (and go on) or finish."""
        target = sites[p + 1]
        level -= grid.drop(site, target)
        time += float(problem.time_s[site, target])
        if level < grid.reserve or time > problem.deadline_s:
            return
        if p + 1 == len(sites) - 1:
            if level >= grid.target and (not best or time < best[0].end_s - 1e-9):
                best[:] = [ChargePlan(time, list(actions), round(level * grid.step, 6))]
            return
        node = stops[p]
        stay(p + 1, node, level, time, length=float(node.stay_s), actions=actions)
        for opt in options:
            if opt.at_stop and opt.position == p + 1:
                curve = grid.cumulative(opt.charger)
                for to in range(level + 1, grid.levels + 1):
                    length = max(float(node.stay_s), float(curve[to] - curve[level]) + grid.overhead(opt.charger))
                    action = ChargeAction(opt, round(level * grid.step, 6), round(to * grid.step, 6))
                    stay(p + 1, node, to, time, length=length, actions=[*actions, action])

    def stay(p: int, node: Node, level: int, time: float, *, length: float, actions: list[ChargeAction]) -> None:
        start = earliest_start(node.windows, time, length)
        if start is not None and start + length <= problem.deadline_s:
            leave(p, level, start + length, actions)

    def leave(p: int, level: int, time: float, actions: list[ChargeAction]) -> None:
        """Leave position p: directly, or through charger detours."""
        onward(p, sites[p], level, time, actions, hops=0)

    def onward(p: int, here: int, level: int, time: float, actions: list[ChargeAction], *, hops: int) -> None:
        """From ``here`` on leg p: on to the leg's end, or to one more charger (farther from the leg's start)."""
        arrive(p, here, level, time, actions)
        if hops >= max(1, problem.max_charges_per_leg):
            return
        for opt in options:
            if opt.at_stop or opt.position != p:
                continue
            site = problem.chargers[opt.charger].site
            if hops and problem.time_s[sites[p], site] <= problem.time_s[sites[p], here]:
                continue
            there = level - grid.drop(here, site)
            if there < (grid.approach(p) if hops == 0 else grid.reserve):
                continue
            curve = grid.cumulative(opt.charger)
            reach = time + float(problem.time_s[here, site])
            for to in range(there + 1, grid.levels + 1):
                done = reach + float(curve[to] - curve[there]) + grid.overhead(opt.charger)
                if done > problem.deadline_s:
                    break
                action = ChargeAction(opt, round(there * grid.step, 6), round(to * grid.step, 6))
                onward(p, site, to, done, [*actions, action], hops=hops + 1)

    leave(0, grid.first, 0.0, [])  # below the reserve only a charger detour can come first
    return best[0] if best else None
