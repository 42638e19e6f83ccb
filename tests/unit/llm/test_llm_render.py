"""Rendering AutoGen messages, tool calls and results as template turns."""

from __future__ import annotations

import pytest
from autogen_core import FunctionCall, Image
from autogen_core.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    SystemMessage,
    UserMessage,
)
from autogen_core.tools import FunctionTool
from PIL import Image as PILImage

from codriver.errors import InputError
from codriver.llm import render_messages, tool_instructions
from codriver.llm._schema import tool_schemas


def test_tool_history_becomes_plain_turns_in_three_roles() -> None:
    messages = [
        SystemMessage(content="You plan trips."),
        UserMessage(content="Find a cafe.", source="user"),
        AssistantMessage(
            content=[
                FunctionCall(id="c1", name="find_places", arguments='{"category": "cafe", "limit": 2}'),
                FunctionCall(id="c2", name="charger_status", arguments='{"station_id": "osm:node/1"}'),
            ],
            source="planner",
        ),
        FunctionExecutionResultMessage(
            content=[
                FunctionExecutionResult(content="Kahvila Kulma", name="find_places", call_id="c1"),
                FunctionExecutionResult(content="station offline", name="charger_status", call_id="c2", is_error=True),
            ]
        ),
        AssistantMessage(content="Kahvila Kulma is open.", source="planner"),
    ]

    turns = render_messages(messages)

    assert [t["role"] for t in turns] == ["system", "user", "assistant", "user", "assistant"]
    assert turns[2]["content"].splitlines() == [
        'Calling find_places(category="cafe", limit=2).',
        'Calling charger_status(station_id="osm:node/1").',
    ]
    assert turns[3]["content"].splitlines() == [
        "find_places returned: Kahvila Kulma",
        "charger_status failed: station offline",
    ]
    assert turns[4]["content"] == "Kahvila Kulma is open."


def test_unparseable_arguments_are_kept_as_text() -> None:
    turns = render_messages(
        [AssistantMessage(content=[FunctionCall(id="c", name="f", arguments="{broken")], source="a")]
    )
    assert turns[0]["content"] == "Calling f({broken)."


def test_instructions_join_the_first_system_message_or_become_one() -> None:
    with_system = render_messages(
        [SystemMessage(content="Be brief."), UserMessage(content="hi", source="u"), SystemMessage(content="Late.")],
        instructions="TOOLS",
    )
    assert with_system[0]["content"] == "Be brief.\n\nTOOLS"
    assert with_system[2]["content"] == "Late."

    without = render_messages([UserMessage(content="hi", source="u")], instructions="TOOLS")
    assert without[0] == {"role": "system", "content": "TOOLS"}
    assert without[1]["role"] == "user"


def test_multipart_text_is_joined_and_images_are_refused() -> None:
    turns = render_messages([UserMessage(content=["first", "second"], source="u")])
    assert turns[0]["content"] == "first\nsecond"
    image = Image(PILImage.new("RGB", (2, 2)))
    with pytest.raises(InputError, match="images"):
        render_messages([UserMessage(content=["look", image], source="u")])


def test_tool_instructions_name_tools_enums_and_answer_format(
    find_tool: FunctionTool, charger_tool: FunctionTool
) -> None:
    text = tool_instructions(tool_schemas([find_tool, charger_tool]), allow_answer=True)
    assert "- find_places: Find places of a category near the route." in text
    assert 'category: "cafe"|"restaurant"|"museum" - kind of place' in text
    assert "limit?: integer - how many" in text
    assert 'station_id: "osm:node/1"|"osm:way/2"' in text
    assert '{"answer": "<text>"}' in text
    assert text.splitlines()[-1] == 'When a tool can help, call it: {"tool": "<name>", "arguments": {...}}'
    assert '{"answer": a JSON object}' in tool_instructions(
        tool_schemas([find_tool]), allow_answer=True, json_answer=True
    )

    forced = tool_instructions(tool_schemas([find_tool]), allow_answer=False)
    assert '{"answer":' not in forced
