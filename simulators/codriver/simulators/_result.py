"""What one run observed, and how it becomes a :class:`ScenarioResult` (in-process or over HTTP).

Everything in a result but ``timing`` depends only on the scenario, the region data, the
seed and (for a model-driven traveller or assistant) the model's answers.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from codriver.planning import Itinerary, RegionTools, RegionWorld, Requirements, verify
from codriver.simulators._expect import ExpectationResult, RunFacts, evaluate
from codriver.simulators._guard import LeakGuard, hidden_targets
from codriver.simulators._scenario import Scenario
from codriver.simulators._traveller import RuleTraveller
from codriver.simulators._vehicle import VehicleSim
from codriver.tools.home import InMemoryHome

__all__ = ["PRECISION_K", "Observed", "ReplanRecord", "ScenarioResult", "Turn", "conclude"]

PRECISION_K = 5


class Turn(BaseModel):
    """One message of the conversation."""

    who: str  # traveller | world | <agent name>
    text: str


class ReplanRecord(BaseModel):
    """An event the world raised (or the traveller's change of mind) and how the assistant answered it."""

    at_min: float
    event: str
    message: str | None = Field(description="what was said to the assistant; None when not applicable")
    agent: str | None = None
    replanned: bool = False
    status: str | None = None


class ScenarioResult(BaseModel):
    """The outcome of one run. ``timing`` holds the wall-clock figures (not reproducible)."""

    scenario: str
    path: str
    seed: int
    passed: bool
    expectations: list[ExpectationResult]
    plan_status: str | None
    final_status: str | None
    plan_versions: int
    verifier_errors: list[list[str]] = Field(description="per plan version, the independent verifier's error codes")
    places_outside_catalogue: list[str]
    replans: list[ReplanRecord]
    rating: int
    precision_at_k: float | None
    k: int = PRECISION_K
    visited: list[dict[str, Any]]
    min_soc: float | None
    soc_trace: list[tuple[float, float]] = Field(description="(minutes after departure, SoC)")
    home_actions: list[str]
    decisions: list[dict[str, Any]]
    transcript: list[Turn]
    model_calls: int
    prompt_tokens: int
    completion_tokens: int
    traveller: str = Field(default="rule", description="rule | llm")
    mode: str = Field(default="in-process", description="in-process | http")
    leaks: int = Field(default=0, description="hidden targets found in what the traveller said (must be 0)")
    guard: dict[str, int] = Field(default_factory=dict, description="drafts caught / rewritten / replaced")
    comment: str | None = Field(default=None, description="the traveller's words about the trip")
    traveller_calls: int = 0
    traveller_tokens: int = 0
    timing: dict[str, Any] = Field(default_factory=dict)

    def reproducible(self) -> dict[str, Any]:
        """The result without wall-clock timings: equal for equal seeds."""
        return self.model_dump(mode="json", exclude={"timing"})


def outside(tools: RegionTools, plans: list[Itinerary], picks: list[tuple[str, str]]) -> list[str]:
    """Places shown that are not in the region's catalogue (by ID, with the catalogue's name)."""
    bad: list[str] = []
    shown = list(picks)
    for plan in plans:
        for index, stop in enumerate(plan.stops):
            if stop.poi_id is None:
                if 0 < index < len(plan.stops) - 1:
                    bad.append(f"{stop.name} (no catalogue ID)")
                continue
            shown.append((stop.poi_id, stop.name))
    for poi_id, name in shown:
        entry = tools.entry(poi_id)
        station = tools.station(poi_id)
        if entry is None and station is None:
            bad.append(f"{name} ({poi_id})")
        elif entry is not None and entry.name and name and entry.name != name:
            bad.append(f"{name} ({poi_id} is {entry.name})")
    return sorted(set(bad))


def verify_codes(tools: RegionTools, plan: Itinerary) -> list[str]:
    """Error codes of the independent verifier on ``plan`` (against its own request)."""
    if plan.request is None:
        return ["NO_REQUEST"]
    world = RegionWorld(tools, plan.request)
    requirements = Requirements.from_request(plan.request, tools.zone, world)
    return sorted({v.code for v in verify(plan, world, requirements) if v.severity == "error"})


def precision(traveller: RuleTraveller, first: Itinerary | None, picks: list[tuple[str, str | None]]) -> float | None:
    """Share of the first k places offered (plan stops, then picks) in the hidden liked categories."""
    offered: list[tuple[str, str | None]] = []
    if first is not None:
        offered += [(s.name, s.category) for s in first.stops[1:-1] if s.kind in ("visit", "meal")]
    offered += picks
    top = offered[:PRECISION_K]
    if not top:
        return None
    return round(sum(1 for name, cat in top if traveller.likes(name, cat) is True) / len(top), 4)


@dataclass
class Observed:
    """What a run saw, filled in as it goes."""

    scenario: Scenario
    traveller: RuleTraveller
    path: str = ""
    seed: int = 0
    mode: str = "in-process"
    started: float = field(default_factory=time.perf_counter)
    transcript: list[Turn] = field(default_factory=list)
    picks: list[tuple[str, str]] = field(default_factory=list)
    pick_cats: list[tuple[str, str | None]] = field(default_factory=list)
    first_answer: str = ""
    first_plan: Itinerary | None = None
    plan: Itinerary | None = None
    replans: list[ReplanRecord] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    sim: VehicleSim | None = None
    home: InMemoryHome | None = None
    arrival: datetime | None = None
    calls: int = 0
    prompt: int = 0
    completion: int = 0

    def pick(self, poi_id: str, name: str | None, category: str | None) -> None:
        """A recommended place was shown."""
        self.picks.append((poi_id, name or ""))
        self.pick_cats.append((name or "", category))


def _trace(sim: VehicleSim | None) -> list[tuple[float, float]]:
    if sim is None or not sim.soc_trace:
        return []
    depart = sim.soc_trace[0][0]
    return [(round((t - depart).total_seconds() / 60, 2), round(s, 4)) for t, s in sim.soc_trace]


async def conclude(run: Observed, tools: RegionTools, plans: list[Itinerary]) -> ScenarioResult:
    """The traveller's review, the expectations and every metric of the run; ``plans`` are all versions."""
    scenario, traveller, sim = run.scenario, run.traveller, run.sim
    checked = [verify_codes(tools, p) for p in plans]
    visited = sim.visited if sim is not None else []
    rating, comment = await traveller.review(visited, run.plan)
    shown = outside(tools, plans, run.picks)
    min_soc = min((s for _, s in sim.soc_trace), default=None) if sim is not None else None
    home_times = [a.at for a in run.home.actions] if run.home is not None else []
    facts = RunFacts(
        plans=plans,
        first_answer=run.first_answer,
        first_plan=run.first_plan,
        visited=visited,
        min_soc=min_soc,
        arrival=run.arrival,
        home_actions=home_times,
        outside_catalogue=shown,
        rating=rating,
        ev=scenario.vehicle.powertrain == "ev",
        verifier_errors=checked,
    )
    results = evaluate(scenario.expect, facts)
    guard = getattr(traveller, "guard", None)
    stats = {"caught": guard.caught, "rewritten": guard.rewritten, "fallbacks": guard.fallbacks} if guard else {}
    return ScenarioResult(
        scenario=scenario.name,
        path=run.path,
        seed=run.seed,
        passed=all(r.passed for r in results),
        expectations=results,
        plan_status=run.first_plan.status if run.first_plan is not None else None,
        final_status=run.plan.status if run.plan is not None else None,
        plan_versions=len(plans),
        verifier_errors=checked,
        places_outside_catalogue=shown,
        replans=run.replans,
        rating=rating,
        precision_at_k=precision(traveller, run.first_plan, run.pick_cats),
        visited=[v.__dict__ for v in visited],
        min_soc=round(min_soc, 4) if min_soc is not None else None,
        soc_trace=_trace(sim),
        home_actions=[t.isoformat() for t in home_times],
        decisions=[d.__dict__ for d in traveller.decisions],
        transcript=run.transcript,
        model_calls=run.calls,
        prompt_tokens=run.prompt,
        completion_tokens=run.completion,
        traveller=traveller.kind,
        mode=run.mode,
        leaks=LeakGuard(hidden_targets(scenario)).audit(traveller.utterances),
        guard=stats,
        comment=comment,
        traveller_calls=getattr(traveller, "calls", 0),
        traveller_tokens=getattr(traveller, "prompt_tokens", 0) + getattr(traveller, "completion_tokens", 0),
        timing={
            "wall_s": round(time.perf_counter() - run.started, 4),
            "replan_latency_s": run.latencies,
            "pid": os.getpid(),  # which process ran it (a Ray worker's, with --executor ray)
        },
    )
