"""Where scenario runs execute: here, one after the other (``local``), or as Ray tasks (``ray``).

A replica is one (scenario file, seed) pair. Every replica is described by plain values
(:class:`SimOptions`, the settings, the path, the seed), so a Ray worker can build the same
runtime, clients and traveller as this process; results come back as JSON and are merged in
the order they were asked for (run 0 of every scenario, then run 1, ...). Ray is optional:
install the ``distributed`` extra.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from codriver.bootstrap import Runtime
from codriver.errors import InputError
from codriver.settings import Settings
from codriver.simulators._guard import LeakGuard, hidden_targets
from codriver.simulators._llm_traveller import LlmTraveller
from codriver.simulators._result import ScenarioResult
from codriver.simulators._runner import TravellerFactory, rule_traveller, run_scenario_async
from codriver.simulators._scenario import Scenario, load_scenario
from codriver.simulators._suite import scenario_tools

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

__all__ = ["Executor", "SimOptions", "llm_traveller", "run_replica", "simulate"]

Executor = Literal["local", "ray"]
TRAVELLER_MAX_TOKENS = 96


class SimOptions(BaseModel):
    """How every run of a suite is played (plain values: they travel to Ray workers)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    llm: str = Field(default="none", description="the agents' model backend: none (rules only), local, openai")
    traveller: Literal["rule", "llm"] = "rule"
    traveller_llm: str | None = Field(
        default=None, description="the traveller's model backend; default: --llm, or local when that is none"
    )
    api: str | None = Field(default=None, description="drive a running `codriver serve` at this URL instead")

    @property
    def traveller_backend(self) -> str:
        return self.traveller_llm or (self.llm if self.llm != "none" else "local")


def llm_traveller(client: Callable[[], ChatCompletionClient], *, mind_change_chance: float = 0.5) -> TravellerFactory:
    """A factory of :class:`LlmTraveller` talking through ``client()`` (one client per run)."""

    def make(scenario: Scenario, seed: int) -> LlmTraveller:
        guard = LeakGuard(hidden_targets(scenario))
        return LlmTraveller(
            scenario.persona, seed=seed, client=client(), guard=guard, mind_change_chance=mind_change_chance
        )

    return make


def _factories(
    runtime: Runtime, options: SimOptions
) -> tuple[Callable[[], ChatCompletionClient | None], TravellerFactory]:
    def agents() -> ChatCompletionClient | None:
        return None if options.llm == "none" else runtime.chat_client(options.llm)

    if options.traveller == "rule":
        return agents, rule_traveller

    def words() -> ChatCompletionClient:
        from codriver.llm import make_chat_client  # noqa: PLC0415  (loads the model stack)

        return make_chat_client(runtime.settings, backend=options.traveller_backend, max_tokens=TRAVELLER_MAX_TOKENS)

    return agents, llm_traveller(words)


async def _one(
    runtime: Runtime,
    path: Path,
    scenario: Scenario,
    *,
    seed: int,
    options: SimOptions,
    agents: Callable[[], ChatCompletionClient | None],
    person: TravellerFactory,
) -> ScenarioResult:
    tools = scenario_tools(runtime, scenario)
    if options.api is not None:
        from codriver.simulators._http import run_scenario_http  # noqa: PLC0415  (httpx only for HTTP mode)

        return await run_scenario_http(
            scenario, tools, api_url=options.api, seed=seed, path=str(path), traveller=person
        )
    return await run_scenario_async(scenario, tools, seed=seed, client=agents(), path=str(path), traveller=person)


_RUNTIMES: dict[str, Runtime] = {}


def run_replica(settings: Settings, path: str, seed: int, options: SimOptions) -> dict[str, Any]:
    """One run in this process, as JSON (what a Ray task returns); the runtime is kept per settings."""
    key = settings.model_dump_json()
    runtime = _RUNTIMES.get(key)
    if runtime is None:
        runtime = _RUNTIMES[key] = Runtime(settings)
    agents, person = _factories(runtime, options)
    scenario = load_scenario(path)
    result = asyncio.run(_one(runtime, Path(path), scenario, seed=seed, options=options, agents=agents, person=person))
    return result.model_dump(mode="json")


def _ray() -> Any:
    try:
        import ray  # noqa: PLC0415  (optional: the `distributed` extra)
    except ImportError as exc:
        msg = "--executor ray needs Ray: install the `distributed` extra (pip install 'codriver[distributed]')"
        raise InputError(msg, field="executor") from exc
    return ray


def _run_ray(
    jobs: list[tuple[Path, int]],
    settings: Settings,
    options: SimOptions,
    *,
    address: str | None,
    on_result: Callable[[ScenarioResult], None],
) -> list[ScenarioResult]:
    ray = _ray()
    started = False
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
        started = True
    try:
        task = ray.remote(num_cpus=1, max_retries=0)(run_replica)
        # Workers may start elsewhere: they get absolute paths; results keep the paths as given.
        pending = {
            task.remote(settings, str(path.resolve()), seed, options): index for index, (path, seed) in enumerate(jobs)
        }
        done: dict[int, ScenarioResult] = {}
        waiting = list(pending)
        while waiting:
            ready, waiting = ray.wait(waiting, num_returns=1)
            for ref in ready:
                index = pending[ref]
                result = ScenarioResult.model_validate({**ray.get(ref), "path": str(jobs[index][0])})
                done[index] = result
                on_result(result)
        return [done[i] for i in range(len(jobs))]
    finally:
        if started:
            ray.shutdown()


def simulate(
    paths: list[Path],
    *,
    runtime: Runtime,
    runs: int = 1,
    seed: int = 0,
    options: SimOptions | None = None,
    executor: Executor = "local",
    address: str | None = None,
    on_result: Callable[[ScenarioResult], None] = lambda _: None,
) -> list[ScenarioResult]:
    """Every scenario ``runs`` times (seeds ``seed``, ``seed + 1``, ...), in the order run 0 of all, run 1, ...

    ``executor="ray"`` sends each run to the Ray cluster at ``address`` (a local one when
    None, or the one this process already joined); the workers must see the same data
    directory and database as ``runtime``. Scenarios are validated here first.
    """
    options = options or SimOptions()
    if address is not None and executor != "ray":
        msg = "--address is for --executor ray"
        raise InputError(msg, field="address")
    scenarios = [(path, load_scenario(path)) for path in paths]
    jobs = [(path, seed + run) for run in range(runs) for path, _ in scenarios]
    if executor == "ray":
        return _run_ray(jobs, runtime.settings, options, address=address, on_result=on_result)
    agents, person = _factories(runtime, options)
    loaded = dict(scenarios)
    results: list[ScenarioResult] = []
    for path, replica_seed in jobs:
        result = asyncio.run(
            _one(runtime, path, loaded[path], seed=replica_seed, options=options, agents=agents, person=person)
        )
        results.append(result)
        on_result(result)
    return results
