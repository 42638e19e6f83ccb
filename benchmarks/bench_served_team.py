"""Model calls and tokens of the agent team per turn, served-model path against the deterministic one.

Usage: ``python benchmarks/bench_served_team.py [--local]``

A three-turn conversation in Helsinki: a one-day plan in words, "any good coffee nearby?",
"we are 20 minutes late". The served-model figures come from a SCRIPTED OpenAI-compatible
server on loopback (``tests/integration/agents/scripted_openai.py``), not from a model:
the script fixes which tools are called (a capable model's likely minimum: search, plan,
verify, answer), so the calls per turn are the script's plus what the team adds; the
tokens are those of the requests AutoGen really sent (messages and tool schemas as JSON),
counted with SmolLM2's tokenizer when llama-cpp-python is installed, else estimated at four
characters per token. Three teams play the same turns:

* ``selector-rules``: ours, ``SelectorGroupChat`` with a rule-based ``selector_func``;
* ``selector-model``: the same agents, the model choosing the speaker (AutoGen's default);
* ``swarm``: plain ``AssistantAgent``s with the same tools plus hand-off tools.

For comparison the deterministic team runs the same turns with no model (``--local``: with
the embedded SmolLM2-135M model too, real calls and tokens).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.conditions import SourceMatchTermination, TextMessageTermination
from autogen_agentchat.messages import TextMessage
from autogen_agentchat.teams import SelectorGroupChat, Swarm

from codriver.agents import TripAssistant
from codriver.agents._served_agents import ServedPlanner, ServedRecommender, ServedReplanner
from codriver.agents._served_tools import ServedTools
from codriver.bootstrap import Runtime
from codriver.llm import Meter, MeteredChatClient, llama_cpp_available, load_engine, make_openai_client
from codriver.planning import RegionTools
from codriver.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration" / "agents"))
from scripted_openai import ONE_DAY_PLAN, call, estimate_tokens, say, scripted_server, searched_id

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
TURNS = (
    "Tomorrow from Ateneum: a museum and a vegan lunch, back by 17:00",
    "any good coffee nearby?",
    "we are 20 minutes late",
)
AGENTS = ("planner", "recommender", "replanner")


SCRIPTS: list[list[Any]] = [
    list(ONE_DAY_PLAN),
    [
        call("search_places", categories=["cafe"]),
        lambda r: call("recommend_places", poi_ids=[searched_id(r)]),
        say("Close by."),
    ],
    [call("replan_trip", event="delay", minutes=20), call("verify_plan"), say("Shifted.")],
]


def _tokenizer() -> tuple[Callable[[str], int], str]:
    if not llama_cpp_available():
        return estimate_tokens, "estimated at 4 characters per token"
    engine = load_engine(None, context_tokens=512)
    return (lambda text: len(engine.tokenize(text))), "counted with SmolLM2's tokenizer"


def _script(team: str) -> list[Any]:
    steps: list[Any] = []
    for turn, script in enumerate(SCRIPTS):
        if team == "selector-model":
            steps.append(say(AGENTS[turn]))  # the selector's call: the model names the speaker
        if team == "swarm" and turn > 0:
            steps.append(call(f"transfer_to_{AGENTS[turn]}"))  # the last speaker hands off
        steps.extend(script)
    return steps


def _swarm(tools: ServedTools, client: Any) -> Swarm:
    def agent(name: str, own: Sequence[Any], system: str) -> AssistantAgent:
        others = [a for a in AGENTS if a != name]
        return AssistantAgent(
            name,
            client,
            tools=list(own),
            handoffs=others,
            system_message=system.format(region="helsinki"),
            reflect_on_tool_use=False,
            max_tool_iterations=6,
        )

    return Swarm(
        [
            agent("planner", tools.planner_tools(), ServedPlanner.system),
            agent("recommender", tools.recommender_tools(), ServedRecommender.system),
            agent("replanner", tools.replanner_tools(), ServedReplanner.system),
        ],
        termination_condition=TextMessageTermination("planner")
        | TextMessageTermination("recommender")
        | TextMessageTermination("replanner"),
    )


async def _served(team: str, tools: RegionTools, count: Callable[[str], int]) -> list[tuple[int, int, int]]:
    """(calls, prompt tokens, completion tokens) per turn."""
    with scripted_server(_script(team), count_tokens=count) as server:
        meter = Meter()
        raw = make_openai_client(base_url=server.base_url, model="scripted", max_retries=0)
        assistant = TripAssistant(tools, client=raw, now=NOW, meter=meter)
        client = MeteredChatClient(raw, meter)
        runner: Any = assistant
        if team == "selector-model":
            session = assistant.session
            runner = SelectorGroupChat(
                [ServedPlanner(session, client), ServedRecommender(session, client), ServedReplanner(session, client)],
                model_client=client,
                termination_condition=SourceMatchTermination(list(AGENTS)),
                allow_repeated_speaker=True,
            )
        elif team == "swarm":
            runner = _swarm(ServedTools(assistant.session), client)
        rows = []
        for n, text in enumerate(TURNS):
            if isinstance(runner, TripAssistant):
                usage = (await runner.send(text)).usage
            else:
                with meter.operation(f"{team}:{n}") as usage:
                    await runner.run(task=TextMessage(content=text, source="user"))
            rows.append((usage.calls, usage.prompt_tokens, usage.completion_tokens))
        if server.script:
            msg = f"{team}: {len(server.script)} script turns were not played"
            raise RuntimeError(msg)
        return rows


async def _deterministic(tools: RegionTools, client: Any) -> list[tuple[int, int, int]]:
    assistant = TripAssistant(tools, client=client, now=NOW)
    rows = []
    for text in TURNS:
        reply = await assistant.send(text)
        rows.append((reply.usage.calls, reply.usage.prompt_tokens, reply.usage.completion_tokens))
    return rows


def _print(label: str, rows: list[tuple[int, int, int]]) -> None:
    cells = "  ".join(f"{c:>2} calls {p:>6} + {o:>4} tok" for c, p, o in rows)
    total = tuple(sum(r[i] for r in rows) for i in range(3))
    print(f"{label:<26} {cells}  | total {total[0]:>2} calls {total[1]:>6} + {total[2]:>4} tok")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--local", action="store_true", help="also run the deterministic team with SmolLM2-135M")
    args = parser.parse_args()
    count, how = _tokenizer()
    with tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(Settings(data_dir=Path(tmp)))
        tools = RegionTools.load(runtime, "helsinki")
        print(f"turns: plan | coffee nearby | 20 min late; prompt + completion tokens {how}")
        print("served model = SCRIPTED OpenAI-compatible server on loopback (not a model)")
        served = ServedTools(TripAssistant(tools, now=NOW).session)
        sets = (served.planner_tools(), served.recommender_tools(), served.replanner_tools())
        for name, own in zip(AGENTS, sets, strict=True):
            print(f"  {name}'s tool schemas: {count(json.dumps([t.schema for t in own]))} tok per call")
        for team in ("selector-rules", "selector-model", "swarm"):
            _print(f"served {team}", asyncio.run(_served(team, tools, count)))
        _print("deterministic, no model", asyncio.run(_deterministic(tools, None)))
        if args.local:
            _print("deterministic, SmolLM2", asyncio.run(_deterministic(tools, runtime.chat_client("local"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
