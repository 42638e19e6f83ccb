"""Stops the optimizer may choose: one node per way of using a candidate (a visit, or a meal).

Shared by the CP-SAT optimizer and the exhaustive reference search, so both optimise
exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codriver.planning._problem import PlanningProblem, Window, earliest_start

__all__ = ["Node", "PlannedStop", "Sequenced", "expand_nodes", "intersect", "lexicographic_score", "simulate"]


@dataclass(frozen=True)
class Node:
    """Candidate ``candidate`` used as a visit (``meal`` None) or as the meal ``meal``."""

    candidate: int
    meal: str | None
    stay_s: int
    windows: tuple[Window, ...] | None
    value: float
    must: bool


@dataclass(frozen=True)
class PlannedStop:
    """A chosen node and when its stay starts (seconds from the epoch)."""

    candidate: int
    meal: str | None
    start_s: float
    stay_s: float


@dataclass(frozen=True)
class Sequenced:
    """The timing of an ordered choice of nodes, or why it fails."""

    stops: list[PlannedStop]
    end_s: float
    drive_s: float
    feasible: bool


def intersect(windows: tuple[Window, ...] | None, low: int, high: int) -> tuple[Window, ...]:
    """The parts of ``windows`` (None: always) inside ``[low, high]``."""
    if windows is None:
        return ((low, high),)
    parts = ((max(a, low), min(b, high)) for a, b in windows)
    return tuple((a, b) for a, b in parts if a < b)


def expand_nodes(problem: PlanningProblem) -> list[Node]:
    """Every usable node: visits of non-meal-only candidates and one node per meal they serve.

    Nodes whose stay cannot fit inside the trip's window are left out.
    """
    slots = {slot.meal: slot for slot in problem.meals}
    nodes: list[Node] = []
    horizon = (0, problem.deadline_s)
    for index, cand in enumerate(problem.candidates):
        if not cand.meal_only:
            windows = intersect(cand.windows, *horizon)
            if any(b - a >= cand.visit_s for a, b in windows):
                nodes.append(Node(index, None, cand.visit_s, windows, cand.value, cand.must))
        for meal in cand.meals:
            slot = slots.get(meal)
            if slot is None:
                continue
            windows = intersect(cand.windows, max(slot.earliest_s, 0), min(slot.latest_s, problem.deadline_s))
            if any(b - a >= slot.duration_s for a, b in windows):
                nodes.append(Node(index, meal, slot.duration_s, windows, cand.value, cand.must))
    return nodes


def simulate(
    problem: PlanningProblem, nodes: Sequence[Node], *, reserve_s: float = 0.0, to_end: bool = True
) -> Sequenced:
    """Earliest-start timing of ``nodes`` in order (waiting allowed), checking every hard limit.

    Checks windows, the deadline (minus ``reserve_s``), one use per candidate, the budget
    and the driving stints; meals and must-visits are scored, not checked. With
    ``to_end=False`` the drive to the end is left out (``end_s`` is the end of the last stay).
    """
    time = 0.0
    drive = 0.0
    stint = float(problem.start_stint_s)
    site = problem.start
    cost = 0.0
    seen: set[int] = set()
    stops: list[PlannedStop] = []
    feasible = True
    for node in nodes:
        cand = problem.candidates[node.candidate]
        leg = float(problem.time_s[site, cand.site])
        stint += leg
        start = earliest_start(node.windows, time + leg, node.stay_s)
        cost += cand.cost
        if (
            start is None
            or node.candidate in seen
            or (problem.max_stint_s is not None and stint > problem.max_stint_s)
            or (problem.budget is not None and cost > problem.budget + 1e-9)
        ):
            feasible = False
            start = time + leg
        seen.add(node.candidate)
        stops.append(PlannedStop(node.candidate, node.meal, start, node.stay_s))
        drive += leg
        time = start + node.stay_s
        site = cand.site
        if node.stay_s >= problem.break_s:
            stint = 0.0
    if not to_end:
        return Sequenced(stops, time, drive, feasible)
    leg = float(problem.time_s[site, problem.end])
    stint += leg
    drive += leg
    end = time + leg
    if end > problem.deadline_s - reserve_s or (problem.max_stint_s is not None and stint > problem.max_stint_s):
        feasible = False
    return Sequenced(stops, end, drive, feasible)


def lexicographic_score(problem: PlanningProblem, result: Sequenced) -> tuple[int, int, float]:
    """(must-visits made, meals served, objective): what the optimizer maximises, in order."""
    musts = sum(1 for s in result.stops if problem.candidates[s.candidate].must)
    meals = len({s.meal for s in result.stops if s.meal is not None})
    value = problem.objective([s.candidate for s in result.stops], result.drive_s)
    return musts, meals, value
