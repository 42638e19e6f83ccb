"""The scenario runner: traveller, assistant, vehicle, world and home in one event loop.

:func:`run_scenario` returns a JSON-serialisable :class:`ScenarioResult`. Everything but
``timing`` depends only on the scenario, the region data and ``seed``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel, Field

from codriver.agents import AssistantReply, TripAssistant
from codriver.bootstrap import Runtime
from codriver.planning import Itinerary, Location, RegionTools, RegionWorld, Requirements, verify
from codriver.simulators._expect import ExpectationResult, RunFacts, evaluate
from codriver.simulators._scenario import Scenario, load_scenario
from codriver.simulators._suite import scenario_tools
from codriver.simulators._traveller import RuleTraveller
from codriver.simulators._vehicle import VehicleSim
from codriver.simulators._world import World
from codriver.tools.home import InMemoryHome, climate_device

__all__ = [
    "PRECISION_K",
    "ReplanRecord",
    "ScenarioResult",
    "Turn",
    "run_scenario",
    "run_scenario_async",
    "run_suite",
]

PRECISION_K = 5
_MAX_QUESTIONS = 3
_MAX_STEPS = 200


class Turn(BaseModel):
    """One message of the conversation."""

    who: str  # traveller | world | <agent name>
    text: str


class ReplanRecord(BaseModel):
    """An event the world raised and how the assistant answered it."""

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
    timing: dict[str, Any] = Field(default_factory=dict)

    def reproducible(self) -> dict[str, Any]:
        """The result without wall-clock timings: equal for equal seeds."""
        return self.model_dump(mode="json", exclude={"timing"})


def _outside(tools: RegionTools, plans: list[Itinerary], picks: list[tuple[str, str]]) -> list[str]:
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
        elif entry is not None and entry.name and entry.name != name:
            bad.append(f"{name} ({poi_id} is {entry.name})")
    return sorted(set(bad))


def _verify(tools: RegionTools, plan: Itinerary) -> list[str]:
    """Error codes of the independent verifier on ``plan`` (against its own request)."""
    if plan.request is None:
        return ["NO_REQUEST"]
    world = RegionWorld(tools, plan.request)
    requirements = Requirements.from_request(plan.request, tools.zone, world)
    return sorted({v.code for v in verify(plan, world, requirements) if v.severity == "error"})


def _precision(traveller: RuleTraveller, first: Itinerary | None, picks: list[tuple[str, str | None]]) -> float | None:
    """Share of the first k places offered (plan stops, then picks) in the hidden liked categories."""
    offered: list[tuple[str, str | None]] = []
    if first is not None:
        offered += [(s.name, s.category) for s in first.stops[1:-1] if s.kind in ("visit", "meal")]
    offered += picks
    top = offered[:PRECISION_K]
    if not top:
        return None
    return round(sum(1 for name, cat in top if traveller.likes(name, cat) is True) / len(top), 4)


async def run_scenario_async(
    scenario: Scenario, tools: RegionTools, *, seed: int = 0, client: ChatCompletionClient | None = None, path: str = ""
) -> ScenarioResult:
    """Run one scenario inside the current event loop (the assistant must stay in one loop)."""
    started = time.perf_counter()
    persona = scenario.persona
    traveller = RuleTraveller(persona, seed=seed)
    origin = Location.model_validate(persona.home) if persona.home_is_point else None
    assistant = TripAssistant(tools, client=client, now=scenario.start, origin=origin, vehicle=scenario.vehicle)
    transcript: list[Turn] = []
    picks: list[tuple[str, str]] = []
    pick_cats: list[tuple[str, str | None]] = []
    calls = prompt = completion = 0

    async def send(text: str, who: str = "traveller") -> AssistantReply:
        nonlocal calls, prompt, completion
        transcript.append(Turn(who=who, text=text))
        reply = await assistant.send(text)
        transcript.append(Turn(who=reply.agent, text=reply.text))
        calls += reply.usage.calls
        prompt += reply.usage.prompt_tokens
        completion += reply.usage.completion_tokens
        if reply.recommendations is not None:
            picks.extend((p.poi_id, p.name or "") for p in reply.recommendations.picks)
            pick_cats.extend((p.name or "", p.category) for p in reply.recommendations.picks)
        return reply

    async def converse(text: str) -> AssistantReply:
        reply = await send(traveller.say(text))
        if reply.recommendations is not None:
            reaction = traveller.react(reply.recommendations)
            if reaction is not None:
                await send(reaction)
        return reply

    reply = await converse(scenario.first_message)
    for _ in range(_MAX_QUESTIONS):
        if assistant.itinerary is not None or reply.recommendations is not None:
            break
        answer = traveller.answer(reply.text)
        if answer is None:
            break
        reply = await send(answer)
    first_answer = reply.text
    first_plan = assistant.itinerary
    for line in scenario.later_messages:
        await converse(line)

    plan = assistant.itinerary
    replans: list[ReplanRecord] = []
    latencies: list[float] = []
    home = None
    sim: VehicleSim | None = None
    arrival: datetime | None = None
    if plan is not None and plan.status == "feasible" and len(plan.stops) >= 2 and plan.stops[0].depart_at:
        depart = plan.stops[0].depart_at
        sim = VehicleSim(scenario.vehicle, depart, plan.stops[0].lat, plan.stops[0].lon)
        clock = sim
        home = InMemoryHome(
            [climate_device(scenario.home.entity_id, current_c=scenario.home.indoor_c, mode="off")],
            clock=lambda: clock.now,
        )
        world = World(scenario.events, depart)
        fired = False
        for _ in range(_MAX_STEPS):
            end = plan.stops[-1].arrive_at or sim.now
            candidates: list[tuple[datetime, int]] = [(end, 2)]
            upcoming = world.next_time()
            if upcoming is not None:
                candidates.append((max(upcoming, sim.now), 0))
            if scenario.home.preheat_min is not None and not fired:
                candidates.append((max(end - timedelta(minutes=scenario.home.preheat_min), sim.now), 1))
            at, what = min(candidates)
            sim.advance(plan, at)
            assistant.update_state(sim.state())
            if what == 2:
                arrival = at
                break
            if what == 1:
                await home.set_climate(scenario.home.entity_id, scenario.home.target_c, "heat")
                fired = True
                continue
            event, message = world.pop(plan, sim)
            minutes = round((at - depart).total_seconds() / 60, 2)
            record = ReplanRecord(at_min=minutes, event=event, message=message)
            if message is not None:
                tick = time.perf_counter()
                answer_reply = await send(message, who="world")
                latencies.append(round(time.perf_counter() - tick, 4))
                record.agent = answer_reply.agent
                if answer_reply.itinerary is not None:
                    plan = answer_reply.itinerary
                    record.replanned = True
                    record.status = plan.status
            replans.append(record)
        replans.extend(
            ReplanRecord(at_min=late.at_min, event=late.kind, message=None, status="after arrival")
            for late in world.pending()
        )

    plans = list(assistant.session.versions)
    checked = [_verify(tools, p) for p in plans]
    visited = sim.visited if sim is not None else []
    rating = traveller.rate(visited, plan)
    outside = _outside(tools, plans, picks)
    min_soc = min((s for _, s in sim.soc_trace), default=None) if sim is not None else None
    home_times = [a.at for a in home.actions] if home is not None else []
    facts = RunFacts(
        plans=plans,
        first_answer=first_answer,
        first_plan=first_plan,
        visited=visited,
        min_soc=min_soc,
        arrival=arrival,
        home_actions=home_times,
        outside_catalogue=outside,
        rating=rating,
        ev=scenario.vehicle.powertrain == "ev",
        verifier_errors=checked,
    )
    results = evaluate(scenario.expect, facts)
    depart_at = sim.soc_trace[0][0] if sim is not None and sim.soc_trace else None
    trace = (
        [(round((t - depart_at).total_seconds() / 60, 2), round(s, 4)) for t, s in sim.soc_trace]
        if sim is not None and depart_at is not None
        else []
    )
    return ScenarioResult(
        scenario=scenario.name,
        path=path,
        seed=seed,
        passed=all(r.passed for r in results),
        expectations=results,
        plan_status=first_plan.status if first_plan is not None else None,
        final_status=plan.status if plan is not None else None,
        plan_versions=len(plans),
        verifier_errors=checked,
        places_outside_catalogue=outside,
        replans=replans,
        rating=rating,
        precision_at_k=_precision(traveller, first_plan, pick_cats),
        visited=[v.__dict__ for v in visited],
        min_soc=round(min_soc, 4) if min_soc is not None else None,
        soc_trace=trace,
        home_actions=[t.isoformat() for t in home_times],
        decisions=[d.__dict__ for d in traveller.decisions],
        transcript=transcript,
        model_calls=calls,
        prompt_tokens=prompt,
        completion_tokens=completion,
        timing={"wall_s": round(time.perf_counter() - started, 4), "replan_latency_s": latencies},
    )


def run_scenario(
    path: str | Path, *, runtime: Runtime, seed: int = 0, client: ChatCompletionClient | None = None
) -> ScenarioResult:
    """Load and run the scenario at ``path`` in a fresh event loop."""
    scenario = load_scenario(path)
    tools = scenario_tools(runtime, scenario)
    return asyncio.run(run_scenario_async(scenario, tools, seed=seed, client=client, path=str(path)))


def run_suite(
    paths: list[Path],
    *,
    runtime: Runtime,
    runs: int = 1,
    seed: int = 0,
    client_factory: Callable[[], ChatCompletionClient | None] = lambda: None,
    on_result: Callable[[ScenarioResult], None] = lambda _: None,
) -> list[ScenarioResult]:
    """Every scenario ``runs`` times with seeds ``seed``, ``seed + 1``, ...; scenarios are validated first."""
    scenarios = [(path, load_scenario(path)) for path in paths]
    results: list[ScenarioResult] = []
    for run in range(runs):
        for path, scenario in scenarios:
            tools = scenario_tools(runtime, scenario)
            result = asyncio.run(
                run_scenario_async(scenario, tools, seed=seed + run, client=client_factory(), path=str(path))
            )
            results.append(result)
            on_result(result)
    return results
