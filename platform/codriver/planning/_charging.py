"""The EV charging planner: exact dynamic programming over a grid of states of charge.

Given the ordered stops of a plan, the vehicle may charge (a) on any leg, by a detour
through a compatible charger whose extra drive is at most ``max_detour_s``, or (b) during
a stay, at a charger at or near the stop (charging overlaps the meal or the visit; the
stay lasts until both are done). The label of a state (position, SoC level) is the
earliest departure; since waiting is allowed, an earlier departure is never worse, so
keeping one label per state is exact on the grid. Charging from level ``l`` to ``l'``
takes ``T(l') - T(l)`` where ``T`` is the cumulative charge time of the curve, so the
best departure after a charger is a prefix minimum, computed with NumPy in O(levels).

SoC on the grid is rounded down after every leg, so the real state of charge is never
below the planned one: the exact recomputation of a plan can only be earlier and fuller.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from codriver.planning._nodes import Node
from codriver.planning._problem import EvSpec, PlanningProblem

__all__ = [
    "UNVERIFIED_PENALTY_S",
    "ChargeAction",
    "ChargePlan",
    "Grid",
    "Opportunity",
    "charge_options",
    "plan_charging",
]

Array = npt.NDArray[np.float64]
_INF = math.inf
#: Extra seconds the planner counts for a charger whose sockets are not recorded.
UNVERIFIED_PENALTY_S = 600.0
_EPS = 1e-6


@dataclass(frozen=True)
class Opportunity:
    """Charge at ``charger`` on the leg leaving position ``position`` (detour) or during its stay.

    Positions: 0 is the start, 1..m the stops, m+1 the end.
    """

    charger: int
    position: int
    at_stop: bool


@dataclass(frozen=True)
class ChargeAction:
    """Charging chosen by the plan, on the grid (the exact values are recomputed later)."""

    opportunity: Opportunity
    soc_from: float
    soc_to: float


@dataclass(frozen=True)
class ChargePlan:
    """The fastest charging plan: arrival at the end (s from epoch), actions, final SoC (grid)."""

    end_s: float
    actions: list[ChargeAction]
    final_soc: float


def _sites(problem: PlanningProblem, stops: Sequence[Node]) -> list[int]:
    return [problem.start, *(problem.candidates[s.candidate].site for s in stops), problem.end]


def charge_options(problem: PlanningProblem, stops: Sequence[Node]) -> list[Opportunity]:
    """Every way to charge along ``stops``: detours within the limit and chargers at stops."""
    sites = _sites(problem, stops)
    options: list[Opportunity] = []
    for p in range(len(sites) - 1):
        if p >= 1:
            charger = problem.candidates[stops[p - 1].candidate].charger
            if charger is not None:
                options.append(Opportunity(charger, p, at_stop=True))
        a, b = sites[p], sites[p + 1]
        direct = problem.time_s[a, b]
        for c, charger_spec in enumerate(problem.chargers):
            detour = problem.time_s[a, charger_spec.site] + problem.time_s[charger_spec.site, b] - direct
            if detour <= problem.max_detour_s:
                options.append(Opportunity(c, p, at_stop=False))
    return options


class Grid:
    """SoC levels ``0..levels`` of ``step`` each, and per-charger cumulative charge times."""

    def __init__(self, problem: PlanningProblem) -> None:
        ev = problem.ev
        assert ev is not None
        assert problem.energy_kwh is not None
        self.ev: EvSpec = ev
        self.step = ev.soc_step
        self.levels = round(1 / self.step)
        self.soc = np.arange(self.levels + 1) * self.step
        self.reserve = math.ceil(ev.reserve_soc / self.step - 1e-9)
        self.target = math.ceil(max(ev.target_soc, ev.reserve_soc) / self.step - 1e-9)
        self.first = math.floor(ev.soc / self.step + 1e-9)
        self.energy = problem.energy_kwh
        self._curves: dict[int, Array] = {}
        self.problem = problem

    def approach(self, position: int) -> int:
        """The lowest level allowed on arrival at a charger reached from ``position``.

        The reserve, except on the first leg of a vehicle that starts below it: that car
        may use what it has left (never below empty) to reach a charger first.
        """
        return 0 if position == 0 and self.first < self.reserve else self.reserve

    def drop(self, a: int, b: int) -> int:
        """Levels lost driving from site ``a`` to site ``b`` (rounded up)."""
        return math.ceil(float(self.energy[a, b]) / (self.ev.battery_kwh * self.step) - 1e-9)

    def overhead(self, charger: int) -> float:
        """Seconds a charging stop at ``charger`` costs besides charging, as the planner counts them.

        An unverified charger counts :data:`UNVERIFIED_PENALTY_S` more, so a verified one
        is chosen whenever it is not that much slower (the itinerary shows real times).
        """
        verified = self.problem.chargers[charger].verified
        return self.ev.charge_overhead_s + (0.0 if verified else UNVERIFIED_PENALTY_S)

    def cumulative(self, charger: int) -> Array:
        """Seconds to charge from level 0 to each level at ``charger``."""
        if charger not in self._curves:
            power = self.problem.chargers[charger].power_kw
            self._curves[charger] = np.array([self.ev.charge_time_s(power, 0.0, s) for s in self.soc])
        return self._curves[charger]


def _drive(times: Array, drop: int, reserve: int) -> Array:
    """Times after a drive losing ``drop`` levels: index shifts down, states below reserve die."""
    out = np.full_like(times, _INF)
    if drop < len(times):
        out[: len(times) - drop] = times[drop:]
    out[:reserve] = _INF
    return out


def _stay(arrival: Array, node: Node, stay: Array | float) -> Array:
    """Departure after a stay starting at the earliest moment it fits in a window (inf: none)."""
    stays = np.broadcast_to(np.asarray(stay, dtype=float), arrival.shape)
    if node.windows is None:
        return np.asarray(arrival + stays, dtype=float)
    out = np.full(arrival.shape, _INF)
    for open_s, close_s in node.windows:
        start = np.maximum(arrival, open_s)
        end = start + stays
        out = np.where((end <= close_s) & (end < out), end, out)
    return out


# One back-pointer per level: (level before, charging on the way: (option index, SoC level from, to) each).
_Back = list[tuple[int, tuple[tuple[int, int, int], ...]]]


def plan_charging(problem: PlanningProblem, stops: Sequence[Node]) -> ChargePlan | None:
    """The charging plan that reaches the end earliest, or None when no plan keeps the limits.

    Limits: SoC never below the reserve on arrival anywhere, at least the target at the
    end, every stay inside its windows, arrival by the deadline. A vehicle that starts
    below the reserve must drive to a charger first (arriving above empty). A leg may
    pass through up to ``problem.max_charges_per_leg`` chargers, each within the detour
    limit of the leg (a long drive charging twice on the way).
    """
    grid = Grid(problem)
    sites = _sites(problem, stops)
    options = charge_options(problem, stops)
    size = grid.levels + 1
    dep = np.full(size, _INF)
    dep[grid.first] = 0.0
    count = np.zeros(size)
    steps: list[_Back] = []
    for p in range(len(sites) - 1):
        arrival, count, back = _leg(problem, grid, options, p=p, ends=(sites[p], sites[p + 1]), dep=dep, count=count)
        steps.append(back)
        if p == len(sites) - 2:
            return _finish(grid, arrival, count, steps, options)
        dep, count, back = _visit(grid, options, position=p + 1, node=stops[p], arrival=arrival, count=count)
        dep[dep > problem.deadline_s] = _INF
        steps.append(back)
    return None  # pragma: no cover - the loop returns at the last leg


def _better(time: Array, count: Array, old_time: Array, old_count: Array) -> npt.NDArray[np.bool_]:
    """Earlier, or as early with fewer charging stops (the tie-break keeps plans simple)."""
    return (time < old_time - _EPS) | ((time <= old_time + _EPS) & (count < old_count) & np.isfinite(time))


@dataclass
class _AtCharger:
    """Departures from one charger of a leg after charging there, per level, with their back-pointers.

    ``back[lvl]`` = (the previous charger of the chain or -1 for the leg's start, the level
    on leaving it, the level charged from here).
    """

    option: int
    site: int
    dep: Array
    count: Array
    back: list[tuple[int, int, int]]


def _charge_at(
    problem: PlanningProblem, grid: Grid, option: int, charger: int, sources: list[tuple[int, int, Array, Array, int]]
) -> _AtCharger | None:
    """Best departures from ``charger`` (charging something there) reached from any of ``sources``.

    A source is (its option or -1, its site, departure times per level, stop counts, lowest level allowed on arrival).
    """
    site = problem.chargers[charger].site
    size = grid.levels + 1
    curve = grid.cumulative(charger)
    best, best_count = np.full(size, _INF), np.zeros(size)
    back = [(-1, -1, -1)] * size
    for prior, from_site, dep, count, lowest in sources:
        there = grid.drop(from_site, site)
        at = _drive(dep, there, lowest) + float(problem.time_s[from_site, site])
        if not np.isfinite(at).any():
            continue
        at_count = _drive(count, there, 0)
        shifted = at - curve
        # charging from the best level strictly below each target (a detour charges something)
        source = np.concatenate(([0], _prefix_argmin(shifted)[:-1]))
        charged = shifted[source] + curve + grid.overhead(charger)
        charged[0] = _INF
        charged_count = at_count[source] + 1
        for lvl in np.flatnonzero(_better(charged, charged_count, best, best_count)):
            best[lvl], best_count[lvl] = charged[lvl], charged_count[lvl]
            back[lvl] = (prior, int(source[lvl]) + there, int(source[lvl]))
    if not np.isfinite(best).any():
        return None
    return _AtCharger(option, site, best, best_count, back)


def _chain(
    rounds: list[dict[int, _AtCharger]], r: int, option: int, level: int
) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """(level on leaving the leg's start, the charging actions in order) of a chain ending at ``option``."""
    actions: list[tuple[int, int, int]] = []
    while True:
        prior, before, charged_from = rounds[r][option].back[level]
        actions.append((option, charged_from, level))
        if prior < 0:
            actions.reverse()
            return before, tuple(actions)
        option, level, r = prior, before, r - 1


def _leg(
    problem: PlanningProblem,
    grid: Grid,
    options: list[Opportunity],
    *,
    p: int,
    ends: tuple[int, int],
    dep: Array,
    count: Array,
) -> tuple[Array, Array, _Back]:
    """Arrival times (and charging-stop counts) per level at position p+1: direct or via chargers.

    Round ``r`` holds the best departures from each charger of the leg after charging at
    exactly ``r + 1`` chargers; a chain only goes on to a charger farther from the leg's
    start (in driving time), so it never turns back.
    """
    a, b = ends
    size = len(dep)
    direct = grid.drop(a, b)
    arrival = _drive(dep, direct, grid.reserve) + float(problem.time_s[a, b])
    arrival_count = _drive(count, direct, 0)
    back: _Back = [(lvl + direct, ()) for lvl in range(size)]
    on_leg = [(k, opt) for k, opt in enumerate(options) if not opt.at_stop and opt.position == p]
    rounds: list[dict[int, _AtCharger]] = []
    for r in range(max(1, problem.max_charges_per_leg)):
        reached: dict[int, _AtCharger] = {}
        for k, opt in on_leg:
            site = problem.chargers[opt.charger].site
            if r == 0:
                sources = [(-1, a, dep, count, grid.approach(p))]
            else:
                sources = [
                    (j, prev.site, prev.dep, prev.count, grid.reserve)
                    for j, prev in rounds[-1].items()
                    if j != k and problem.time_s[a, prev.site] < problem.time_s[a, site]
                ]
            found = _charge_at(problem, grid, k, opt.charger, sources) if sources else None
            if found is not None:
                reached[k] = found
        if not reached:
            break
        rounds.append(reached)
        for k, at in reached.items():
            onward = grid.drop(at.site, b)
            out = _drive(at.dep, onward, grid.reserve) + float(problem.time_s[at.site, b])
            out_count = _drive(at.count, onward, 0)
            for lvl in np.flatnonzero(_better(out, out_count, arrival, arrival_count)):
                arrival[lvl], arrival_count[lvl] = out[lvl], out_count[lvl]
                back[lvl] = _chain(rounds, r, k, int(lvl) + onward)
    arrival[arrival > problem.deadline_s] = _INF
    return arrival, arrival_count, back


def _visit(
    grid: Grid, options: list[Opportunity], *, position: int, node: Node, arrival: Array, count: Array
) -> tuple[Array, Array, _Back]:
    """Departure times (and charging-stop counts) per level after the stay, charging there or not."""
    size = len(arrival)
    dep = _stay(arrival, node, float(node.stay_s))
    dep_count = count.copy()
    back: _Back = [(lvl, ()) for lvl in range(size)]
    upper = np.triu(np.ones((size, size), dtype=bool), k=1)
    for k, opt in enumerate(options):
        if not opt.at_stop or opt.position != position:
            continue
        curve = grid.cumulative(opt.charger)
        # stay[l, l2]: charging from l to l2 > l during the visit; the stay lasts until both end
        charge = curve[None, :] - curve[:, None] + grid.overhead(opt.charger)
        stay = np.where(upper, np.maximum(charge, node.stay_s), _INF)
        leave = _stay(np.repeat(arrival[:, None], size, axis=1), node, stay)
        source = size - 1 - np.argmin(leave[::-1], axis=0)  # ties: the fullest arrival
        best = leave[source, np.arange(size)]
        best_count = count[source] + 1
        for lvl in np.flatnonzero(_better(best, best_count, dep, dep_count)):
            dep[lvl], dep_count[lvl] = best[lvl], best_count[lvl]
            back[lvl] = (int(source[lvl]), ((k, int(source[lvl]), int(lvl)),))
    return dep, dep_count, back


def _prefix_argmin(values: Array) -> npt.NDArray[np.int64]:
    """Index of the minimum of ``values[: i + 1]`` for every ``i`` (the last one on ties)."""
    # the last index j <= i holding its own prefix minimum holds the minimum of values[: i + 1]
    holds = values <= np.minimum.accumulate(values)
    return np.maximum.accumulate(np.where(holds, np.arange(len(values)), 0)).astype(np.int64)


def _finish(
    grid: Grid, arrival: Array, count: Array, steps: list[_Back], options: list[Opportunity]
) -> ChargePlan | None:
    """Walk the back-pointers from the earliest arrival that meets the target.

    Among the earliest: the fewest charging stops, then the fullest battery.
    """
    ok = np.flatnonzero(np.isfinite(arrival[grid.target :])) + grid.target
    if len(ok) == 0:
        return None
    fastest = ok[arrival[ok] <= arrival[ok].min() + _EPS]
    simplest = fastest[count[fastest] == count[fastest].min()]
    final = int(simplest.max())
    level = final
    actions: list[ChargeAction] = []
    for back in reversed(steps):
        previous, charged = back[level]
        for option, soc_from, soc_to in reversed(charged):
            actions.append(ChargeAction(options[option], round(soc_from * grid.step, 6), round(soc_to * grid.step, 6)))
        level = previous
    actions.reverse()
    return ChargePlan(float(arrival[final]), actions, round(final * grid.step, 6))
