"""The schemas that constrain the local model, and reading what it wrote."""

from __future__ import annotations

import json

import pytest
from autogen_core.tools import FunctionTool
from pydantic import BaseModel

from codriver.errors import InputError
from codriver.llm import envelope_schema, inline_refs, parse_envelope
from codriver.llm._schema import json_output_schema, select_tools, tool_schemas


class Stop(BaseModel):
    poi_id: str
    minutes: int


class Plan(BaseModel):
    title: str
    stops: list[Stop]


class Node(BaseModel):
    name: str
    children: list[Node] = []


def test_envelope_offers_each_tool_and_an_answer(find_tool: FunctionTool, charger_tool: FunctionTool) -> None:
    schema = envelope_schema(tool_schemas([find_tool, charger_tool]), allow_answer=True)

    branches = schema["oneOf"]
    assert [b["properties"]["tool"] for b in branches[:2]] == [{"const": "find_places"}, {"const": "charger_status"}]
    assert branches[2] == {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
        "additionalProperties": False,
    }
    find_args = branches[0]["properties"]["arguments"]
    assert find_args["properties"]["category"]["enum"] == ["cafe", "restaurant", "museum"]
    assert find_args["required"] == ["category"]
    assert find_args["additionalProperties"] is False
    assert branches[1]["properties"]["arguments"]["properties"]["station_id"]["enum"] == ["osm:node/1", "osm:way/2"]
    assert all(b["additionalProperties"] is False for b in branches)


def test_required_drops_the_answer_and_a_named_tool_narrows_to_it(
    find_tool: FunctionTool, charger_tool: FunctionTool
) -> None:
    schemas = tool_schemas([find_tool, charger_tool])
    required, allow = select_tools(schemas, "required")
    assert [s["name"] for s in required] == ["find_places", "charger_status"]
    assert allow is False
    assert len(envelope_schema(required, allow_answer=allow)["oneOf"]) == 2

    only, allow = select_tools(schemas, charger_tool)
    assert allow is False
    schema = envelope_schema(only, allow_answer=allow)
    assert "oneOf" not in schema
    assert schema["properties"]["tool"] == {"const": "charger_status"}

    none, allow = select_tools(schemas, "none")
    assert none == []
    assert allow is True


def test_named_tool_must_be_among_the_tools(find_tool: FunctionTool, charger_tool: FunctionTool) -> None:
    with pytest.raises(InputError, match="charger_status"):
        select_tools(tool_schemas([find_tool]), charger_tool)


def test_duplicate_tool_names_are_rejected(find_tool: FunctionTool) -> None:
    with pytest.raises(InputError, match="find_places"):
        tool_schemas([find_tool, find_tool.schema])


def test_json_answer_takes_the_model_schema(find_tool: FunctionTool) -> None:
    schema = envelope_schema(tool_schemas([find_tool]), allow_answer=True, json_output=Plan)
    answer = schema["oneOf"][1]["properties"]["answer"]
    assert answer["properties"]["stops"]["items"]["properties"]["poi_id"] == {"title": "Poi Id", "type": "string"}
    assert "$defs" not in json.dumps(schema)
    assert json_output_schema(True) == {"type": "object"}


def test_inline_refs_replaces_definitions() -> None:
    raw = Plan.model_json_schema()
    assert "$ref" in json.dumps(raw)
    inlined = inline_refs(raw)
    assert "$ref" not in json.dumps(inlined)
    assert "$defs" not in inlined
    assert inlined["properties"]["stops"]["items"]["required"] == ["poi_id", "minutes"]


def test_recursive_models_are_rejected() -> None:
    with pytest.raises(InputError, match="recursive"):
        inline_refs(Node.model_json_schema())


def test_dangling_reference_is_rejected() -> None:
    with pytest.raises(InputError, match="does not resolve"):
        inline_refs({"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}})


def test_parse_call_gives_a_function_call_with_stable_id() -> None:
    text = '{"tool": "find_places", "arguments": {"category": "cafe", "limit": 2}}'
    parsed = parse_envelope(text, tool_names=["find_places"], id_seed="prompt A")

    assert parsed.answer is None
    [call] = parsed.calls
    assert call.name == "find_places"
    assert json.loads(call.arguments) == {"category": "cafe", "limit": 2}
    assert call.id.startswith("call_")
    assert parse_envelope(text, tool_names=["find_places"], id_seed="prompt A").calls[0].id == call.id
    assert parse_envelope(text, tool_names=["find_places"], id_seed="prompt B").calls[0].id != call.id


def test_parse_answer_and_json_answer() -> None:
    assert parse_envelope('{"answer": "Go left."}', tool_names=["x"]).answer == "Go left."
    parsed = parse_envelope('{"answer": {"title": "T", "stops": []}}', tool_names=["x"])
    assert json.loads(parsed.answer or "") == {"title": "T", "stops": []}
    assert parsed.calls == []


@pytest.mark.parametrize(
    "text",
    [
        '{"tool": "find_places", "arguments": {"categ',  # cut off at max_tokens
        '{"tool": "drop_tables", "arguments": {}}',  # not a tool we offered
        '{"tool": "find_places", "arguments": "cafe"}',
        "[1, 2]",
        '{"something": "else"}',
    ],
)
def test_incomplete_or_foreign_output_is_neither_call_nor_answer(text: str) -> None:
    parsed = parse_envelope(text, tool_names=["find_places"])
    assert parsed.calls == []
    assert parsed.answer is None
