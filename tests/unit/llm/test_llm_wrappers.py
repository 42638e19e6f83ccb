"""The tool-first policy for small models."""

from __future__ import annotations

import pytest
from autogen_core import FunctionCall
from autogen_core.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    UserMessage,
)
from autogen_core.tools import FunctionTool
from llm_fakes import FakeEngine

from codriver.llm import LocalChatClient, ToolFirstChatClient

pytestmark = pytest.mark.anyio

ASK = [UserMessage(content="Find a cafe.", source="user")]
CALL = '{"tool": "find_places", "arguments": {"category": "cafe"}}'


async def test_auto_becomes_required_until_a_result_is_in(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=[CALL, '{"answer": "', "Kahvila Kulma."])
    client = ToolFirstChatClient(LocalChatClient(engine))

    first = await client.create(ASK, tools=[find_tool])
    assert first.finish_reason == "function_calls"
    assert isinstance(first.content, list)
    history = [
        *ASK,
        AssistantMessage(content=first.content, source="agent"),
        FunctionExecutionResultMessage(
            content=[FunctionExecutionResult(content="Kahvila Kulma", name="find_places", call_id=first.content[0].id)]
        ),
    ]
    second = await client.create(history, tools=[find_tool])

    assert second.content == "Kahvila Kulma."
    required_schema, auto_schema = engine.calls[0].schema, engine.calls[1].schema
    assert required_schema is not None
    assert "oneOf" not in required_schema  # one tool, no answer branch: "required"
    assert auto_schema is not None
    assert len(auto_schema["oneOf"]) == 2  # the tool or an answer: "auto" again


async def test_explicit_choices_and_toolless_turns_pass_through(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=["plain", "no tools"])
    client = ToolFirstChatClient(LocalChatClient(engine))

    await client.create(ASK, tools=[find_tool], tool_choice="none")
    streamed = [item async for item in client.create_stream(ASK)]

    assert [c.schema for c in engine.calls] == [None, None]
    assert streamed[0] == "no "
    assert client.model_info["function_calling"] is True
    assert client.count_tokens(ASK) == LocalChatClient(engine).count_tokens(ASK)


async def test_stream_uses_the_policy_too(find_tool: FunctionTool) -> None:
    engine = FakeEngine(outputs=[CALL])
    client = ToolFirstChatClient(LocalChatClient(engine))
    items = [item async for item in client.create_stream(ASK, tools=[find_tool])]
    final = items[-1]
    assert not isinstance(final, str)
    assert final.content == [FunctionCall(id=final.content[0].id, name="find_places", arguments='{"category": "cafe"}')]
    assert len(engine.calls) == 1
