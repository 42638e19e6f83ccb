"""LocalChatClient over a scripted engine: what it asks the model for and how it reads the answer."""

from __future__ import annotations

import asyncio
import json

import pytest
from autogen_core import CancellationToken, FunctionCall
from autogen_core.models import CreateResult, SystemMessage, UserMessage
from autogen_core.tools import FunctionTool
from llm_fakes import FakeEngine
from pydantic import BaseModel

from codriver.errors import InputError
from codriver.llm import GenerationOptions, LocalChatClient

pytestmark = pytest.mark.anyio

MESSAGES = [SystemMessage(content="You plan trips."), UserMessage(content="Find a cafe please.", source="user")]


class Verdict(BaseModel):
    ok: bool
    reason: str


async def test_tool_call_is_constrained_and_returned_as_function_call(
    find_tool: FunctionTool, charger_tool: FunctionTool
) -> None:
    engine = FakeEngine(outputs=['{"tool": "find_places", "arguments": {"category": "cafe"}}'])
    client = LocalChatClient(engine)

    result = await client.create(MESSAGES, tools=[find_tool, charger_tool])

    assert result.finish_reason == "function_calls"
    assert isinstance(result.content, list)
    [call] = result.content
    assert isinstance(call, FunctionCall)
    assert call.name == "find_places"
    assert json.loads(call.arguments) == {"category": "cafe"}
    [sent] = engine.calls
    assert sent.schema is not None
    assert [b["properties"].get("tool") for b in sent.schema["oneOf"]] == [
        {"const": "find_places"},
        {"const": "charger_status"},
        None,
    ]
    assert "- find_places: Find places" in sent.prompt
    assert sent.prompt.startswith("<|im_start|>system\nYou plan trips.")


async def test_required_and_named_tool_choice_narrow_the_schema(
    find_tool: FunctionTool, charger_tool: FunctionTool
) -> None:
    call = '{"tool": "charger_status", "arguments": {"station_id": "osm:way/2"}}'
    engine = FakeEngine(outputs=[call, call])
    client = LocalChatClient(engine)

    await client.create(MESSAGES, tools=[find_tool, charger_tool], tool_choice="required")
    await client.create(MESSAGES, tools=[find_tool, charger_tool], tool_choice=charger_tool)

    required, named = engine.calls
    assert required.schema is not None
    assert len(required.schema["oneOf"]) == 2
    assert named.schema is not None
    assert named.schema["properties"]["tool"] == {"const": "charger_status"}
    assert "find_places" not in named.prompt


async def test_answer_branch_is_generated_as_plain_text_in_a_second_pass(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=['{"answer": "', "There is a cafe on the way.\n"])
    result = await LocalChatClient(engine).create(MESSAGES, tools=[find_tool])

    assert result.content == "There is a cafe on the way."
    assert result.finish_reason == "stop"
    choose, answer = engine.calls
    assert choose.schema is not None
    assert "- find_places: Find places" in choose.prompt
    assert answer.schema is None
    assert "find_places" not in answer.prompt  # the answer is written without the tool instructions
    assert result.usage.prompt_tokens == len(engine.tokenize(choose.prompt)) + len(engine.tokenize(answer.prompt))
    assert result.usage.completion_tokens == 2 + 7


async def test_required_tool_choice_never_runs_an_answer_pass(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=['{"tool": "find_places", "arguments": {"category": "cafe"}}'])
    result = await LocalChatClient(engine).create(MESSAGES, tools=[find_tool], tool_choice="required")
    assert result.finish_reason == "function_calls"
    assert len(engine.calls) == 1


async def test_cut_off_envelope_is_returned_as_raw_text_not_a_call(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=['{"tool": "find_places", "arguments": {"cat'], finish="length")
    result = await LocalChatClient(engine).create(MESSAGES, tools=[find_tool])
    assert result.finish_reason == "length"
    assert result.content == '{"tool": "find_places", "arguments": {"cat'


async def test_no_tools_or_tool_choice_none_is_unconstrained_text(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=[" Hello there. ", "Fine."])
    client = LocalChatClient(engine)

    plain = await client.create(MESSAGES)
    none = await client.create(MESSAGES, tools=[find_tool], tool_choice="none")

    assert plain.content == "Hello there."
    assert none.content == "Fine."
    assert [c.schema for c in engine.calls] == [None, None]
    assert "find_places" not in engine.calls[1].prompt


async def test_json_output_uses_the_model_schema() -> None:
    engine = FakeEngine(outputs=['{"ok": true, "reason": "open"}', '{"a": 1}'])
    client = LocalChatClient(engine)

    structured = await client.create(MESSAGES, json_output=Verdict)
    plain_json = await client.create(MESSAGES, json_output=True)

    assert isinstance(structured.content, str)
    assert Verdict.model_validate_json(structured.content) == Verdict(ok=True, reason="open")
    assert engine.calls[0].schema == Verdict.model_json_schema()
    assert engine.calls[1].schema == {"type": "object"}
    assert plain_json.content == '{"a": 1}'


async def test_tools_with_json_output_answer_in_that_schema(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=['{"answer": {', '{"ok": false, "reason": "closed"}'])
    result = await LocalChatClient(engine).create(MESSAGES, tools=[find_tool], json_output=Verdict)
    assert isinstance(result.content, str)
    assert Verdict.model_validate_json(result.content) == Verdict(ok=False, reason="closed")
    choose, answer = engine.calls
    assert choose.schema is not None
    assert choose.schema["oneOf"][1]["properties"]["answer"]["properties"]["reason"] == {
        "title": "Reason",
        "type": "string",
    }
    assert answer.schema == Verdict.model_json_schema()


async def test_extra_create_args_override_options_and_unknown_ones_are_refused() -> None:
    engine = FakeEngine(outputs=["a"])
    client = LocalChatClient(engine, options=GenerationOptions(max_tokens=64, temperature=0.0, seed=7))

    await client.create(MESSAGES, extra_create_args={"max_tokens": 8, "temperature": 0.5})

    assert engine.calls[0].options == GenerationOptions(max_tokens=8, temperature=0.5, seed=7)
    with pytest.raises(InputError, match="logit_bias"):
        await client.create(MESSAGES, extra_create_args={"logit_bias": {}})
    with pytest.raises(InputError, match="invalid"):
        await client.create(MESSAGES, extra_create_args={"max_tokens": "many"})


async def test_usage_accumulates_and_token_counts_follow_the_tokenizer(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=["one two three", "four"])
    client = LocalChatClient(engine)

    first = await client.create(MESSAGES)
    second = await client.create(MESSAGES)

    expected_prompt = len(engine.tokenize(engine.render([{"role": "system", "content": "You plan trips."}])))
    assert first.usage.prompt_tokens == client.count_tokens(MESSAGES)
    assert first.usage.prompt_tokens > expected_prompt
    assert (first.usage.completion_tokens, second.usage.completion_tokens) == (3, 1)
    assert client.total_usage().completion_tokens == 4
    assert client.actual_usage().prompt_tokens == 2 * first.usage.prompt_tokens
    assert client.count_tokens(MESSAGES, tools=[find_tool]) > client.count_tokens(MESSAGES)
    assert client.remaining_tokens(MESSAGES) == engine.context - client.count_tokens(MESSAGES)


async def test_remaining_tokens_never_negative() -> None:
    client = LocalChatClient(FakeEngine(context=3))
    assert client.remaining_tokens(MESSAGES) == 0


async def test_stream_yields_text_pieces_then_the_result() -> None:
    engine = FakeEngine(outputs=["Turn left at the museum."])
    items = [item async for item in LocalChatClient(engine).create_stream(MESSAGES)]

    *chunks, final = items
    assert chunks == ["Turn ", "left ", "at ", "the ", "museum."]
    assert isinstance(final, CreateResult)
    assert final.content == "Turn left at the museum."
    assert final.usage.completion_tokens == 5
    assert engine.calls[0].streamed is True


async def test_stream_with_tools_hides_the_envelope(find_tool: FunctionTool) -> None:
    engine = FakeEngine(
        outputs=['{"tool": "find_places", "arguments": {"category": "museum"}}', '{"answer": "', "Enjoy the museum."]
    )
    client = LocalChatClient(engine)

    call_items = [item async for item in client.create_stream(MESSAGES, tools=[find_tool])]
    answer_items = [item async for item in client.create_stream(MESSAGES, tools=[find_tool])]

    assert len(call_items) == 1
    assert isinstance(call_items[0], CreateResult)
    assert call_items[0].finish_reason == "function_calls"
    *chunks, final = answer_items
    assert chunks == ["Enjoy ", "the ", "museum."]  # the answer streams; the envelope does not
    assert isinstance(final, CreateResult)
    assert final.content == "Enjoy the museum."


async def test_cancellation_stops_the_generation() -> None:
    engine = FakeEngine(block_until_cancelled=True)
    client = LocalChatClient(engine)
    token = CancellationToken()

    task = asyncio.create_task(client.create(MESSAGES, cancellation_token=token))
    assert await asyncio.to_thread(engine.started.wait, 5)
    token.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(engine.saw_cancel.wait, 5)


async def test_abandoned_stream_stops_the_generation() -> None:
    engine = FakeEngine(block_until_cancelled=True)
    stream = LocalChatClient(engine).create_stream(MESSAGES)
    consumer = asyncio.create_task(anext(stream))
    assert await asyncio.to_thread(engine.started.wait, 5)
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    await stream.aclose()
    assert await asyncio.to_thread(engine.saw_cancel.wait, 5)


def test_model_info_claims_tools_and_json_but_not_vision() -> None:
    info = LocalChatClient(FakeEngine()).model_info
    assert info["function_calling"] is True
    assert info["json_output"] is True
    assert info["structured_output"] is True
    assert info["vision"] is False
    assert info["family"] == "unknown"
