"""Plans in the traveller's own order (``TripRequest.stops``): direct edits of a plan.

With ``add_stops`` false the plan is exactly the traveller's stops in their order, each
stay started as early as it can (waiting for opening allowed), so an edit moves only the
stops whose times must change; the charging planner adds charging where the car needs
it. Nothing is dropped to make the plan fit: what it breaks (hours, return time, meals)
the verifier says. With ``add_stops`` the optimizer may add places around them, keeping
their order (:func:`order_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from codriver.planning._charging import plan_charging
from codriver.planning._itinerary import Itinerary
from codriver.planning._nodes import Node, intersect
from codriver.planning._planner import with_verdict
from codriver.planning._problem import PlanningProblem, earliest_start
from codriver.planning._request import StopChoice
from codriver.planning._schedule import build_itinerary
from codriver.planning._verifier import verify
from codriver.planning._world import Requirements, World

__all__ = ["order_of", "sequence_nodes", "solve_sequence"]


def order_of(problem: PlanningProblem, stops: Sequence[StopChoice]) -> tuple[int, ...]:
    """The candidate indexes of the traveller's stops, in their order (places not in the problem left out)."""
    index = {c.poi_id: k for k, c in enumerate(problem.candidates)}
    return tuple(index[s.poi_id] for s in stops if s.poi_id in index)


def _options(problem: PlanningProblem, k: int, choice: StopChoice, served: set[str]) -> list[Node]:
    """Ways to use candidate ``k`` for ``choice``: its meal first (when it serves one not yet served), then a visit."""
    cand = problem.candidates[k]
    slots = {m.meal: m for m in problem.meals}
    wanted = [choice.meal] if choice.meal else list(cand.meals)
    options = []
    for meal in wanted:
        slot = slots.get(meal or "")
        if slot is None or meal in served or meal not in cand.meals:
            continue
        stay = choice.stay_min * 60 if choice.stay_min else slot.duration_s
        windows = intersect(cand.windows, max(slot.earliest_s, 0), slot.latest_s)
        options.append(Node(k, meal, stay, windows, cand.value, True))
    stay = choice.stay_min * 60 if choice.stay_min else cand.visit_s
    visit = None if cand.windows is None else intersect(cand.windows, 0, problem.deadline_s)
    options.append(Node(k, None, stay, visit, cand.value, True))
    return options


def sequence_nodes(problem: PlanningProblem, stops: Sequence[StopChoice]) -> list[Node]:
    """One node per stop the traveller placed, in their order, each timed as early as it fits.

    A stop that cannot fit any opening (closed that day) is kept, timed at arrival: the
    verifier reports it rather than the plan dropping the traveller's choice.
    """
    index = {c.poi_id: k for k, c in enumerate(problem.candidates)}
    served: set[str] = set()
    nodes: list[Node] = []
    time, site = 0.0, problem.start
    for choice in stops:
        k = index.get(choice.poi_id)
        if k is None:  # no road near it: the verifier reports the stop missing
            continue
        cand = problem.candidates[k]
        arrival = time + float(problem.time_s[site, cand.site])
        options = _options(problem, k, choice, served)
        node = next((n for n in options if earliest_start(n.windows, arrival, n.stay_s) is not None), None)
        if node is None:
            node = replace(options[-1], windows=None)
        start = earliest_start(node.windows, arrival, node.stay_s)
        assert start is not None
        if node.meal is not None:
            served.add(node.meal)
        nodes.append(node)
        time, site = start + node.stay_s, cand.site
    return nodes


def solve_sequence(
    problem: PlanningProblem, stops: Sequence[StopChoice], *, world: World, requirements: Requirements
) -> Itinerary:
    """The verified itinerary visiting exactly ``stops`` in order (charging added for an EV)."""
    nodes = sequence_nodes(problem, stops)
    charging = None
    if problem.ev is not None:
        charging = plan_charging(problem, nodes)
        if charging is None:  # late anyway: charge as needed, the verifier reports the late return
            charging = plan_charging(replace(problem, deadline_s=problem.deadline_s * 4 + 86_400), nodes)
    itinerary = build_itinerary(problem, nodes, charging)
    itinerary = with_verdict(itinerary, verify(itinerary, world, requirements))
    if problem.ev is not None and charging is None:
        itinerary.notes.append("No charging plan keeps the reserve and reaches the target with the chargers known.")
    itinerary.notes.append("Your own stops in your order: only their times and charging come from the planner.")
    return itinerary
