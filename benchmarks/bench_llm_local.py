"""Local model figures: load time and generation speed of SmolLM2-135M (plain, tool call, JSON)."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Annotated, Any, Literal

from autogen_core.models import LLMMessage, SystemMessage, UserMessage
from autogen_core.tools import FunctionTool

from codriver.llm import GenerationOptions, LocalChatClient, default_model_path, load_engine

RUNS = 3


async def find_places(
    category: Annotated[Literal["cafe", "restaurant", "museum", "charging_station"], "kind of place"],
    near: Annotated[Literal["osm:node/101", "osm:way/202", "osm:node/303"], "catalogue ID"],
) -> str:
    """Find places of a category near a place on the route."""
    return f"{category} near {near}"


FIND = FunctionTool(find_places, description="Find places of a category near a place on the route.")
SYSTEM = SystemMessage(content="You help a driver find places.")


def ask(text: str) -> list[LLMMessage]:
    return [SYSTEM, UserMessage(content=text, source="user")]


CASES: list[tuple[str, list[LLMMessage], dict[str, Any]]] = [
    ("plain text, 128 tokens max", ask("Describe a scenic drive in Finland."), {}),
    (
        "tool call (required, enums)",
        ask("I want coffee near osm:node/101."),
        {"tools": [FIND], "tool_choice": "required"},
    ),
    ("tool turn (auto)", ask("I want coffee near osm:node/101."), {"tools": [FIND]}),
    (
        "json_output=True",
        ask("Reply with a JSON object with keys name and minutes for a 45 minute lunch at Kahvila Kulma."),
        {"json_output": True},
    ),
]


async def main() -> None:
    path = default_model_path()
    started = time.perf_counter()
    engine = load_engine(None, context_tokens=4096)
    load_s = time.perf_counter() - started
    threads = max(1, (os.cpu_count() or 2) // 2)
    print(f"model {path.name} ({path.stat().st_size / 1e6:.0f} MB), load {load_s:.2f} s, n_ctx 4096, threads {threads}")
    client = LocalChatClient(engine, options=GenerationOptions(max_tokens=128))
    for name, messages, arguments in CASES:
        seconds, result = [], None
        for _ in range(RUNS):
            started = time.perf_counter()
            result = await client.create(messages, **arguments)
            seconds.append(time.perf_counter() - started)
        assert result is not None
        median = statistics.median(seconds)
        kind = "call" if isinstance(result.content, list) else "text"
        print(
            f"{name:30s} {kind:4s} prompt {result.usage.prompt_tokens:4d} tok, completion "
            f"{result.usage.completion_tokens:4d} tok, median {median * 1000:6.0f} ms, "
            f"{result.usage.completion_tokens / median:5.1f} completion tok/s"
        )


if __name__ == "__main__":
    asyncio.run(main())
