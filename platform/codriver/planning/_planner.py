"""Optimizer + charging planner + verifier: one call from a problem to a verified itinerary.

For an EV the optimizer first plans the stops; the exact charging planner then places
charging on that sequence (detours, or chargers at the stops so charging overlaps a meal
or a visit). When charging does not fit, the optimizer runs again keeping the charging
time free before the deadline, and as a last resort stops are dropped, least valuable
first, until charging fits. Every result is verified; when a requirement cannot be met
the plan returned is the closest feasible alternative and its violations say which
requirements it gives up.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

from codriver.planning._charging import ChargePlan, plan_charging
from codriver.planning._itinerary import Itinerary, Violation
from codriver.planning._nodes import Node
from codriver.planning._optimizer import OptimizerResult, optimize
from codriver.planning._problem import PlanningProblem
from codriver.planning._schedule import build_itinerary
from codriver.planning._verifier import verify
from codriver.planning._world import ProblemWorld, Requirements, World

__all__ = ["PlanOutcome", "solve", "with_verdict", "with_wishes_not_met"]


@dataclass(frozen=True)
class PlanOutcome:
    """The verified itinerary and what produced it."""

    itinerary: Itinerary
    nodes: list[Node]
    charging: ChargePlan | None
    optimizer: OptimizerResult


def _charging_fit(problem: PlanningProblem, result: OptimizerResult) -> tuple[list[Node], ChargePlan | None]:
    """The stops and their charging plan, dropping stops until charging fits.

    When not even the direct drive can be charged for, charging cannot help: stops are
    dropped only until the battery stays above the reserve without charging (none when
    the direct drive breaks it too), and the verifier reports what cannot be met.
    """
    nodes = list(result.nodes)
    hopeless = plan_charging(problem, []) is None
    if hopeless and not _keeps_reserve(problem, []):
        return nodes, None  # even the direct drive breaks the reserve: dropping stops cannot help
    while True:
        plan = None if hopeless else plan_charging(problem, nodes)
        if plan is not None or not nodes or (hopeless and _keeps_reserve(problem, nodes)):
            return nodes, plan
        nodes.pop(_least_valuable(nodes))


def _least_valuable(nodes: list[Node]) -> int:
    """The stop to give up first: must-visits and meals last."""
    return min(range(len(nodes)), key=lambda k: (nodes[k].must, nodes[k].meal is not None, nodes[k].value))


def _keeps_reserve(problem: PlanningProblem, nodes: list[Node]) -> bool:
    """Whether the battery stays at or above the reserve on every arrival, without charging."""
    ev, energy = problem.ev, problem.energy_kwh
    assert ev is not None
    assert energy is not None
    sites = [problem.start, *(problem.candidates[n.candidate].site for n in nodes), problem.end]
    soc = ev.soc
    for a, b in itertools.pairwise(sites):
        soc -= float(energy[a, b]) / ev.battery_kwh
        if soc < ev.reserve_soc - 1e-9:
            return False
    return True


def _charge_time_needed(problem: PlanningProblem, nodes: list[Node], end_s: float) -> int | None:
    """Seconds charging adds to ``nodes`` when the deadline is ignored (None: impossible anyway)."""
    relaxed = replace(problem, deadline_s=problem.deadline_s * 4 + 86_400)
    plan = plan_charging(relaxed, nodes)
    return None if plan is None else max(0, math.ceil(plan.end_s - end_s))


def solve(
    problem: PlanningProblem,
    *,
    world: World | None = None,
    requirements: Requirements | None = None,
    time_limit_s: float = 0.8,
    workers: int = 2,
) -> PlanOutcome:
    """The best verified itinerary of ``problem`` (never raises for an infeasible problem).

    ``world`` and ``requirements`` default to the problem's own; the engine passes the
    region's tools and the request's limits so the check is independent of the model.
    """
    result = optimize(problem, time_limit_s=time_limit_s, workers=workers)
    nodes, charging = result.nodes, None
    if problem.ev is not None:
        charging = plan_charging(problem, nodes)
        if charging is None:
            extra = _charge_time_needed(problem, nodes, result.timing.end_s)
            if extra:
                retry = optimize(problem, time_limit_s=time_limit_s, workers=workers, reserve_s=extra)
                charging = plan_charging(problem, retry.nodes)
                if charging is not None:
                    result, nodes = retry, retry.nodes
            if charging is None:
                nodes, charging = _charging_fit(problem, result)
    itinerary = build_itinerary(problem, nodes, charging)
    world = world or ProblemWorld(problem)
    requirements = requirements or Requirements.from_problem(problem)
    itinerary = with_verdict(itinerary, verify(itinerary, world, requirements))
    if problem.ev is not None and charging is None:
        itinerary.notes.append("No charging plan keeps the reserve and reaches the target with the chargers known.")
    return PlanOutcome(itinerary, nodes, charging, result)


_RELAXES = {
    "MISSING_MEAL": "meals",
    "MUST_VISIT_MISSING": "must_visit",
    "INTEREST_MISSING": "interests",
    "SOC_BELOW_RESERVE": "vehicle.reserve_soc",
    "SOC_BELOW_TARGET": "vehicle.target_soc",
    "TIME_WINDOW": "return_by",
    "OVER_BUDGET": "budget",
    "DRIVING_STINT": "constraints.max_stint_min",
}


def with_verdict(itinerary: Itinerary, violations: list[Violation]) -> Itinerary:
    """The itinerary with its violations, status, and the requirements it gives up."""
    errors = [v for v in violations if v.severity == "error"]
    relaxed = sorted({_RELAXES[v.code] for v in errors if v.code in _RELAXES})
    notes = list(itinerary.notes)
    if errors:
        notes.append(
            "No plan meets every requirement: this is the closest plan found; violations[] lists what it gives up."
        )
    return with_wishes_not_met(
        itinerary.model_copy(
            update={
                "violations": violations,
                "status": "infeasible" if errors else "feasible",
                "relaxed": relaxed,
                "notes": notes,
            }
        )
    )


def with_wishes_not_met(itinerary: Itinerary) -> Itinerary:
    """The itinerary with its request's dropped wishes in ``relaxed``: said on every plan, never read as met."""
    if itinerary.request is None:
        return itinerary
    said = [f"{wish.said}: {wish.reason}" for wish in itinerary.request.not_met]
    missing = [line for line in said if line not in itinerary.relaxed]
    return itinerary.model_copy(update={"relaxed": [*itinerary.relaxed, *missing]}) if missing else itinerary
