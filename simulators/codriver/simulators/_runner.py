"""The scenario runner: traveller, assistant, vehicle, world and home in one event loop.

:func:`run_scenario` returns a JSON-serialisable :class:`ScenarioResult`. Everything but
``timing`` depends only on the scenario, the region data, ``seed`` and the models' answers
(none with the rule-based traveller and no ``client``).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from autogen_core.models import ChatCompletionClient

from codriver.agents import AssistantReply, TripAssistant
from codriver.bootstrap import Runtime
from codriver.planning import Location, RegionTools, deterministic_search
from codriver.simulators._result import Observed, ReplanRecord, ScenarioResult, Turn, conclude
from codriver.simulators._scenario import Scenario, load_scenario
from codriver.simulators._suite import scenario_tools
from codriver.simulators._traveller import RuleTraveller
from codriver.simulators._vehicle import VehicleSim
from codriver.simulators._world import World
from codriver.tools.home import InMemoryHome, climate_device

__all__ = [
    "TravellerFactory",
    "mind_change_at",
    "rule_traveller",
    "run_scenario",
    "run_scenario_async",
    "run_suite",
]

_MAX_QUESTIONS = 3
_MAX_STEPS = 200

TravellerFactory = Callable[[Scenario, int], RuleTraveller]
"""Builds the traveller of one run from the scenario and the seed."""


def rule_traveller(scenario: Scenario, seed: int) -> RuleTraveller:
    """The deterministic rule-based traveller (the default)."""
    return RuleTraveller(scenario.persona, seed=seed)


def mind_change_at(traveller: RuleTraveller, seed: int, depart: datetime, end: datetime) -> datetime | None:
    """When the traveller changes its mind: 20..50 % into the trip (by ``seed``), or None if it won't."""
    if not traveller.wants_mind_change():
        return None
    share = random.Random(seed).uniform(0.2, 0.5)  # noqa: S311  (timing, not security)
    return depart + (end - depart) * share


async def run_scenario_async(
    scenario: Scenario,
    tools: RegionTools,
    *,
    seed: int = 0,
    client: ChatCompletionClient | None = None,
    path: str = "",
    traveller: TravellerFactory = rule_traveller,
) -> ScenarioResult:
    """Run one scenario inside the current event loop (the assistant must stay in one loop).

    The solvers search for a fixed amount of work (:func:`deterministic_search`), so the
    same seed gives the same result whatever ran before and however busy the machine is.
    """
    with deterministic_search():
        return await _run(scenario, tools, seed=seed, client=client, path=path, traveller=traveller)


async def _run(
    scenario: Scenario,
    tools: RegionTools,
    *,
    seed: int,
    client: ChatCompletionClient | None,
    path: str,
    traveller: TravellerFactory,
) -> ScenarioResult:
    persona = scenario.persona
    run = Observed(scenario=scenario, traveller=traveller(scenario, seed), path=path, seed=seed)
    person = run.traveller
    origin = Location.model_validate(persona.home) if persona.home_is_point else None
    assistant = TripAssistant(tools, client=client, now=scenario.start, origin=origin, vehicle=scenario.vehicle)

    async def send(text: str, who: str = "traveller") -> AssistantReply:
        run.transcript.append(Turn(who=who, text=text))
        reply = await assistant.send(text)
        run.transcript.append(Turn(who=reply.agent, text=reply.text))
        run.calls += reply.usage.calls
        run.prompt += reply.usage.prompt_tokens
        run.completion += reply.usage.completion_tokens
        if reply.recommendations is not None:
            for p in reply.recommendations.picks:
                run.pick(p.poi_id, p.name, p.category)
        return reply

    async def converse(text: str, *, first: bool) -> AssistantReply:
        reply = await send(await (person.opening(text) if first else person.refine(text)))
        if reply.recommendations is not None:
            reaction = await person.respond(reply.recommendations)
            if reaction is not None:
                await send(reaction)
        return reply

    reply = await converse(scenario.first_message, first=True)
    for _ in range(_MAX_QUESTIONS):
        if assistant.itinerary is not None or reply.recommendations is not None:
            break
        answer = await person.reply(reply.text)
        if answer is None:
            break
        reply = await send(answer)
    run.first_answer = reply.text
    run.first_plan = assistant.itinerary
    for line in scenario.later_messages:
        await converse(line, first=False)

    plan = run.plan = assistant.itinerary
    if plan is not None and plan.status == "feasible" and len(plan.stops) >= 2 and plan.stops[0].depart_at:
        depart = plan.stops[0].depart_at
        sim = run.sim = VehicleSim(scenario.vehicle, depart, plan.stops[0].lat, plan.stops[0].lon)
        home = run.home = InMemoryHome(
            [climate_device(scenario.home.entity_id, current_c=scenario.home.indoor_c, mode="off")],
            clock=lambda: sim.now,
        )
        world = World(scenario.events, depart)
        fired = False
        mind = mind_change_at(person, seed, depart, plan.stops[-1].arrive_at or depart)
        for _ in range(_MAX_STEPS):
            end = plan.stops[-1].arrive_at or sim.now
            candidates: list[tuple[datetime, int]] = [(end, 3)]
            upcoming = world.next_time()
            if upcoming is not None:
                candidates.append((max(upcoming, sim.now), 0))
            if mind is not None:
                candidates.append((max(mind, sim.now), 1))
            if scenario.home.preheat_min is not None and not fired:
                candidates.append((max(end - timedelta(minutes=scenario.home.preheat_min), sim.now), 2))
            at, what = min(candidates)
            sim.advance(plan, at)
            assistant.update_state(sim.state())
            if what == 3:
                run.arrival = at
                break
            if what == 2:
                await home.set_climate(scenario.home.entity_id, scenario.home.target_c, "heat")
                fired = True
                continue
            minutes = round((at - depart).total_seconds() / 60, 2)
            if what == 1:
                mind = None
                ahead = [s for s in plan.stops[1:-1] if s.arrive_at is not None and s.arrive_at > sim.now]
                event, message, who = "mind_change", await person.mind_change(ahead), "traveller"
            else:
                (event, message), who = world.pop(plan, sim), "world"
            record = ReplanRecord(at_min=minutes, event=event, message=message)
            if message is not None:
                tick = time.perf_counter()
                answer_reply = await send(message, who=who)
                run.latencies.append(round(time.perf_counter() - tick, 4))
                record.agent = answer_reply.agent
                if answer_reply.itinerary is not None:
                    plan = run.plan = answer_reply.itinerary
                    record.replanned = True
                    record.status = plan.status
            run.replans.append(record)
        run.replans.extend(
            ReplanRecord(at_min=late.at_min, event=late.kind, message=None, status="after arrival")
            for late in world.pending()
        )
    return await conclude(run, tools, list(assistant.session.versions))


def run_scenario(
    path: str | Path,
    *,
    runtime: Runtime,
    seed: int = 0,
    client: ChatCompletionClient | None = None,
    traveller: TravellerFactory = rule_traveller,
) -> ScenarioResult:
    """Load and run the scenario at ``path`` in a fresh event loop."""
    scenario = load_scenario(path)
    tools = scenario_tools(runtime, scenario)
    return asyncio.run(
        run_scenario_async(scenario, tools, seed=seed, client=client, path=str(path), traveller=traveller)
    )


def run_suite(
    paths: list[Path],
    *,
    runtime: Runtime,
    runs: int = 1,
    seed: int = 0,
    client_factory: Callable[[], ChatCompletionClient | None] = lambda: None,
    on_result: Callable[[ScenarioResult], None] = lambda _: None,
    traveller: TravellerFactory = rule_traveller,
) -> list[ScenarioResult]:
    """Every scenario ``runs`` times with seeds ``seed``, ``seed + 1``, ...; scenarios are validated first.

    (In this process; :func:`codriver.simulators.simulate` also runs on Ray or over HTTP.)
    """
    scenarios = [(path, load_scenario(path)) for path in paths]
    results: list[ScenarioResult] = []
    for run in range(runs):
        for path, scenario in scenarios:
            tools = scenario_tools(runtime, scenario)
            result = asyncio.run(
                run_scenario_async(
                    scenario, tools, seed=seed + run, client=client_factory(), path=str(path), traveller=traveller
                )
            )
            results.append(result)
            on_result(result)
    return results
