"""Model calls and tokens counted per logical operation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from autogen_core import FunctionCall
from autogen_core.models import CreateResult, RequestUsage, UserMessage
from autogen_ext.models.replay import ReplayChatCompletionClient

from codriver.llm import REPLAY_MODEL_INFO, FileCacheStore, Meter, MeteredChatClient, ModelResponseCache

pytestmark = pytest.mark.anyio


def result(prompt: int, completion: int, content: str = "ok") -> CreateResult:
    return CreateResult(
        finish_reason="stop",
        content=content,
        usage=RequestUsage(prompt_tokens=prompt, completion_tokens=completion),
        cached=False,
    )


def ask(text: str) -> list[UserMessage]:
    return [UserMessage(content=text, source="user")]


async def test_calls_and_tokens_are_attributed_to_the_running_operation() -> None:
    scripted = [
        result(100, 10),
        CreateResult(
            finish_reason="function_calls",
            content=[FunctionCall(id="1", name="f", arguments="{}")],
            usage=RequestUsage(prompt_tokens=0, completion_tokens=7),
            cached=False,
        ),
        result(300, 30),
    ]
    meter = Meter()
    client = MeteredChatClient(ReplayChatCompletionClient(scripted, model_info=REPLAY_MODEL_INFO), meter)

    with meter.operation("plan") as live:
        await client.create(ask("a"))
        await client.create(ask("b"))
        assert live.calls == 2  # the yielded usage is live
    with meter.operation("replan"):
        await client.create(ask("c"))

    plan, replan = meter.usage("plan"), meter.usage("replan")
    assert (plan.calls, plan.completion_tokens) == (2, 17)
    assert plan.prompt_tokens == 100  # the scripted CreateResults carry their own usage
    assert (replan.calls, replan.prompt_tokens, replan.completion_tokens) == (1, 300, 30)
    assert meter.total().total_tokens == 100 + 17 + 300 + 30
    assert set(meter.report()) == {"plan", "replan"}


async def test_tasks_started_inside_an_operation_count_for_it_and_nesting_is_innermost() -> None:
    meter = Meter()
    client = MeteredChatClient(ReplayChatCompletionClient([result(1, 1)] * 4, model_info=REPLAY_MODEL_INFO), meter)

    with meter.operation("plan"):
        await asyncio.gather(client.create(ask("x")), client.create(ask("y")))
        with meter.operation("plan/explain"):
            await client.create(ask("z"))
    await client.create(ask("outside"))

    assert meter.usage("plan").calls == 2
    assert meter.usage("plan/explain").calls == 1
    assert meter.usage("unattributed").calls == 1
    assert meter.usage("never-run").calls == 0


async def test_streams_count_once_and_cache_hits_are_marked(tmp_path: Path) -> None:
    meter = Meter()
    inner = ReplayChatCompletionClient(["first answer"], model_info=REPLAY_MODEL_INFO)
    inner.set_cached_bool_value(False)
    client = MeteredChatClient(ModelResponseCache(inner, FileCacheStore(tmp_path)), meter)

    with meter.operation("plan"):
        chunks = [item async for item in client.create_stream(ask("q"))]
        await client.create(ask("q"))  # same request: from the cache

    usage = meter.usage("plan")
    assert len(chunks) == 3  # two text chunks and the result
    assert usage.calls == 2
    assert usage.cached_calls == 1
    assert usage.completion_tokens == 4  # both calls carry the original usage (2 words each)
    assert usage.as_dict()["total_tokens"] == usage.prompt_tokens + 4


async def test_wrapper_delegates_the_rest() -> None:
    inner = ReplayChatCompletionClient(["a b c"], model_info=REPLAY_MODEL_INFO)
    client = MeteredChatClient(inner, Meter())
    await client.create(ask("one two"))
    assert client.total_usage() == inner.total_usage()
    assert client.actual_usage() == inner.actual_usage()
    assert client.count_tokens(ask("one two")) == inner.count_tokens(ask("one two"))
    assert client.remaining_tokens(ask("x")) == inner.remaining_tokens(ask("x"))
    assert client.model_info == REPLAY_MODEL_INFO
