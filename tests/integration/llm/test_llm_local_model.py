"""LocalChatClient with the real SmolLM2-135M-Instruct model: constrained calls, JSON, history, streaming."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import pytest
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.messages import TextMessage, ToolCallExecutionEvent, ToolCallRequestEvent
from autogen_core import FunctionCall
from autogen_core.models import (
    AssistantMessage,
    CreateResult,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from autogen_core.tools import FunctionTool
from pydantic import BaseModel, Field

from codriver.llm import (
    GenerationOptions,
    LlamaCppEngine,
    LocalChatClient,
    Meter,
    MeteredChatClient,
    ToolFirstChatClient,
    envelope_schema,
    make_chat_client,
)
from codriver.llm._schema import tool_schemas
from codriver.settings import Settings

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CATEGORIES = ("cafe", "restaurant", "museum", "charging_station")
PLACE_IDS = ("osm:node/101", "osm:way/202", "osm:node/303")
SYSTEM = SystemMessage(content="You help a driver find places. Use the tools.")

received: list[tuple[str, str]] = []


async def find_places(
    category: Annotated[Literal["cafe", "restaurant", "museum", "charging_station"], "kind of place"],
    near: Annotated[Literal["osm:node/101", "osm:way/202", "osm:node/303"], "catalogue ID of a place on the route"],
) -> str:
    """Find places of a category near a place on the route."""
    received.append((category, near))
    return f"Kahvila Kulma (osm:node/900) is a {category} 200 m from {near}, open until 17:00."


async def opening_hours(place_id: Annotated[Literal["osm:node/101", "osm:way/202"], "catalogue ID"]) -> str:
    """Opening hours of a place."""
    return f"{place_id}: Mo-Fr 08:00-17:00"


FIND = FunctionTool(find_places, description="Find places of a category near a place on the route.")
HOURS = FunctionTool(opening_hours, description="Opening hours of a place.")


class Stop(BaseModel):
    name: str = Field(max_length=40)
    minutes: int
    kind: Literal["meal", "visit", "charge"]


def ask(text: str) -> list[LLMMessage]:
    return [SYSTEM, UserMessage(content=text, source="user")]


def only_call(result: CreateResult) -> FunctionCall:
    assert result.finish_reason == "function_calls", result.content
    assert isinstance(result.content, list)
    [call] = result.content
    return call


@pytest.mark.parametrize(
    "question",
    [
        "I want coffee near osm:node/101.",
        "Is there a museum close to the bridge osm:way/202?",
        "Find me something to eat.",
        "Where can I charge my car? I am at osm:node/303.",
    ],
)
async def test_required_call_names_a_real_tool_with_valid_enum_arguments(local: LocalChatClient, question: str) -> None:
    result = await local.create(ask(question), tools=[FIND, HOURS], tool_choice="required")

    call = only_call(result)
    assert call.name in {"find_places", "opening_hours"}
    tool = FIND if call.name == "find_places" else HOURS
    arguments = tool.args_type().model_validate_json(call.arguments)  # raises if outside the schema
    values = json.loads(call.arguments)
    if call.name == "find_places":
        assert values["category"] in CATEGORIES
        assert values["near"] in PLACE_IDS
    else:
        assert values["place_id"] in PLACE_IDS[:2]
    assert arguments is not None
    assert 0 < result.usage.completion_tokens <= 96


async def test_named_tool_is_the_one_called(local: LocalChatClient) -> None:
    result = await local.create(ask("When is osm:way/202 open?"), tools=[FIND, HOURS], tool_choice=HOURS)
    call = only_call(result)
    assert call.name == "opening_hours"
    assert json.loads(call.arguments)["place_id"] in PLACE_IDS[:2]


async def test_auto_gives_a_valid_call_or_a_text_answer(local: LocalChatClient) -> None:
    for question in ("Hello! Who are you?", "Find a restaurant near osm:node/101."):
        result = await local.create(ask(question), tools=[FIND], extra_create_args={"max_tokens": 48})
        if isinstance(result.content, list):
            FIND.args_type().model_validate_json(only_call(result).arguments)
        else:
            assert result.finish_reason in {"stop", "length"}  # an answer, written as text
            assert result.content.strip()
            assert not result.content.lstrip().startswith('{"tool"')


async def test_json_output_with_a_pydantic_model_parses(local: LocalChatClient) -> None:
    result = await local.create(
        ask("Plan one lunch stop of 45 minutes at Kahvila Kulma. Reply in JSON."),
        json_output=Stop,
        extra_create_args={"max_tokens": 120},
    )
    assert isinstance(result.content, str)
    stop = Stop.model_validate_json(result.content)
    assert stop.kind in {"meal", "visit", "charge"}
    json_mode = await local.create(
        ask("Reply with a JSON object with keys name and minutes for a 45 minute lunch at Kahvila Kulma."),
        json_output=True,
    )
    assert json_mode.finish_reason == "stop"
    assert isinstance(json.loads(str(json_mode.content)), dict)


async def test_tool_history_round_trip_ends_in_text(local: LocalChatClient) -> None:
    history = ask("I want coffee near osm:node/101.")
    first = await local.create(history, tools=[FIND], tool_choice="required")
    call = only_call(first)
    output = await FIND.run_json(json.loads(call.arguments), cancellation_token=None)  # type: ignore[arg-type]

    history += [
        AssistantMessage(content=[call], source="assistant"),
        FunctionExecutionResultMessage(
            content=[
                FunctionExecutionResult(content=FIND.return_value_as_string(output), name=call.name, call_id=call.id)
            ]
        ),
    ]
    short = {"max_tokens": 48}
    final = await local.create(history, tools=[FIND], tool_choice="none", extra_create_args=short)
    again = await local.create(history, tools=[FIND], extra_create_args=short)  # tools still offered: still valid

    assert isinstance(final.content, str)
    assert final.content.strip()
    assert "Kahvila" not in str(history[1].content)
    assert final.usage.prompt_tokens > local.count_tokens(history[:2]) + 20  # the call and result are in the prompt
    if isinstance(again.content, list):
        FIND.args_type().model_validate_json(only_call(again).arguments)
    else:
        assert again.content.strip()


async def test_assistant_agent_runs_a_tool_and_reflects(local: LocalChatClient) -> None:
    received.clear()
    agent = AssistantAgent(
        "codriver",
        model_client=ToolFirstChatClient(local),  # a 135M model rarely picks a tool by itself
        tools=[FIND],
        system_message="You help a driver. Always call find_places first, then answer in one sentence.",
        reflect_on_tool_use=True,
    )
    result = await agent.run(task="Find a cafe near osm:node/101.")

    requests = [m for m in result.messages if isinstance(m, ToolCallRequestEvent)]
    executions = [m for m in result.messages if isinstance(m, ToolCallExecutionEvent)]
    assert requests, "the model did not call the tool"
    assert received  # AutoGen validated the arguments and ran the function
    assert all(category in CATEGORIES and near in PLACE_IDS for category, near in received)
    assert not any(r.is_error for e in executions for r in e.content)
    assert isinstance(result.messages[-1], TextMessage)
    assert result.messages[-1].content.strip()


async def test_streaming_matches_the_plain_call(local: LocalChatClient) -> None:
    messages = ask("Name one thing to see in Helsinki.")
    short = {"max_tokens": 40}
    items = [item async for item in local.create_stream(messages, extra_create_args=short)]
    plain = await local.create(messages, extra_create_args=short)

    *chunks, final = items
    assert isinstance(final, CreateResult)
    assert len(chunks) > 1
    assert all(isinstance(c, str) for c in chunks)
    assert "".join(str(c) for c in chunks).strip() == final.content == plain.content
    assert final.usage == plain.usage  # streamed token counting agrees with llama.cpp's


async def test_token_counts_agree_with_the_model(local: LocalChatClient, smollm2: LlamaCppEngine) -> None:
    messages = ask("Say hi.")
    before = local.total_usage()

    result = await local.create(messages)
    with_tools = await local.create(messages, tools=[FIND], tool_choice="required")  # one pass

    assert result.usage.prompt_tokens == local.count_tokens(messages)
    # "required" leaves out the answer line that count_tokens (which assumes "auto") includes
    assert local.count_tokens(messages) < with_tools.usage.prompt_tokens < local.count_tokens(messages, tools=[FIND])
    assert local.remaining_tokens(messages) == smollm2.context_tokens - local.count_tokens(messages)
    assert 0 < result.usage.completion_tokens <= 96
    after = local.total_usage()
    assert after.prompt_tokens - before.prompt_tokens == result.usage.prompt_tokens + with_tools.usage.prompt_tokens
    assert local.actual_usage() == after


async def test_greedy_decoding_is_deterministic(local: LocalChatClient) -> None:
    messages = ask("Suggest a name for a road trip.")
    first, second = await local.create(messages), await local.create(messages)
    assert first.content == second.content


async def test_factory_client_caches_on_disk_and_meters(settings: Settings, smollm2: LlamaCppEngine) -> None:
    configured = Settings(data_dir=settings.data_dir, llm={"context_tokens": 2048})
    meter = Meter()
    client = make_chat_client(configured, meter=meter, max_tokens=48)
    assert isinstance(client, MeteredChatClient)
    messages = ask("Say hello to the driver.")

    with meter.operation("greet"):
        live = await client.create(messages)
        again = await make_chat_client(configured, max_tokens=48).create(messages)  # a fresh client, same disk

    assert live.cached is False
    assert again.cached is True
    assert again.content == live.content
    assert meter.usage("greet").calls == 1
    assert meter.usage("greet").completion_tokens == live.usage.completion_tokens
    assert list((settings.data_dir / "llm-cache").glob("local-*/*.json"))


def test_grammar_writes_properties_in_schema_order(smollm2: LlamaCppEngine) -> None:
    envelope = envelope_schema(tool_schemas([FIND]), allow_answer=False)
    prompt = smollm2.render([{"role": "user", "content": "Find a museum near osm:way/202."}])

    call = smollm2.generate(prompt, schema=envelope, options=GenerationOptions(max_tokens=60)).text
    stop = smollm2.generate(prompt, schema=Stop.model_json_schema(), options=GenerationOptions(max_tokens=60)).text

    assert call.index('"tool"') < call.index('"arguments"')  # the tool is chosen before its arguments
    assert stop.index('"name"') < stop.index('"minutes"') < stop.index('"kind"')  # as declared
