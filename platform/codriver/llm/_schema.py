"""JSON schemas that constrain what the local model may write, and parsing of what it wrote.

A local model answers a tool-enabled request with exactly one JSON object, generated under
a grammar compiled from the schema built here:

* a call ``{"tool": "<one of the tool names>", "arguments": {...}}`` whose ``arguments``
  follow that tool's parameter schema (enums included), or
* a direct answer ``{"answer": "..."}`` (only when ``tool_choice`` is ``"auto"``).

The grammar makes anything else unrepresentable, so a small model cannot name a tool,
a category or a catalogue ID outside the set the caller put in the schema.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from autogen_core import FunctionCall
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from codriver.errors import InputError

__all__ = [
    "JsonOutput",
    "ParsedOutput",
    "ToolChoice",
    "envelope_schema",
    "inline_refs",
    "json_output_schema",
    "parse_envelope",
    "select_tools",
    "tool_schemas",
]

ToolChoice = Tool | Literal["auto", "required", "none"]
JsonOutput = bool | type[BaseModel] | None

_ANSWER_TEXT: dict[str, Any] = {"type": "string"}


def tool_schemas(tools: Sequence[Tool | ToolSchema]) -> list[ToolSchema]:
    """The schemas of ``tools`` (a ``Tool`` gives its ``.schema``), names checked unique."""
    schemas = [tool.schema if isinstance(tool, Tool) else tool for tool in tools]
    names = [schema["name"] for schema in schemas]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        msg = f"tool names must be unique, got {', '.join(duplicates)} more than once"
        raise InputError(msg, field="tools")
    return schemas


def select_tools(tools: Sequence[ToolSchema], tool_choice: ToolChoice) -> tuple[list[ToolSchema], bool]:
    """The tools the model may call under ``tool_choice`` and whether it may answer instead.

    ``"auto"``: every tool or an answer; ``"required"``: every tool, no answer; ``"none"``:
    no tool; a specific ``Tool``: only that one, no answer.
    """
    if tool_choice == "none" or not tools:
        return [], True
    if tool_choice == "auto":
        return list(tools), True
    if tool_choice == "required":
        return list(tools), False
    wanted = tool_choice.schema["name"]
    chosen = [schema for schema in tools if schema["name"] == wanted]
    if not chosen:
        available = ", ".join(schema["name"] for schema in tools) or "none"
        msg = f"tool_choice names the tool {wanted!r}, which is not among the tools given ({available})"
        raise InputError(msg, field="tool_choice")
    return chosen, False


def inline_refs(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` with every local ``$ref`` replaced by its definition.

    Pydantic puts nested models under ``$defs``; once a tool's parameters are embedded in a
    larger schema those references would no longer resolve, so they are inlined. Recursive
    models cannot be inlined and are rejected.
    """
    root = copy.deepcopy(dict(schema))
    definitions: dict[str, Any] = {}
    for key in ("$defs", "definitions"):
        definitions.update({f"#/{key}/{name}": value for name, value in root.pop(key, {}).items()})

    def resolve(node: Any, trail: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, trail) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in trail:
                msg = f"recursive schema reference {ref} cannot be turned into a grammar; flatten that model"
                raise InputError(msg, field="tools")
            if ref not in definitions:
                msg = f"schema reference {ref} does not resolve to a local definition"
                raise InputError(msg, field="tools")
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            return resolve({**definitions[ref], **siblings}, (*trail, ref))
        return {key: resolve(value, trail) for key, value in node.items()}

    resolved: dict[str, Any] = resolve(root, ())
    return resolved


def _parameters(schema: ToolSchema) -> dict[str, Any]:
    parameters: dict[str, Any] = dict(schema.get("parameters") or {"type": "object", "properties": {}})
    parameters = inline_refs(parameters)
    parameters.setdefault("type", "object")
    parameters.setdefault("properties", {})
    # Extra keys are never valid tool arguments; forbid them unless the tool allows them.
    parameters.setdefault("additionalProperties", False)
    return parameters


def _answer_schema(json_output: JsonOutput) -> dict[str, Any]:
    if json_output is None or json_output is False:
        return dict(_ANSWER_TEXT)
    return json_output_schema(json_output)


def json_output_schema(json_output: bool | type[BaseModel]) -> dict[str, Any]:
    """The schema of a JSON answer: any object for ``True``, the model's schema for a class."""
    if json_output is True:
        return {"type": "object"}
    if isinstance(json_output, type) and issubclass(json_output, BaseModel):
        return inline_refs(json_output.model_json_schema())
    msg = f"json_output must be True or a pydantic model class, got {json_output!r}"
    raise InputError(msg, field="json_output")


def envelope_schema(
    tools: Sequence[ToolSchema], *, allow_answer: bool, json_output: JsonOutput = None
) -> dict[str, Any]:
    """The schema of one model turn: a call to one of ``tools`` or (if allowed) an answer.

    ``json_output`` shapes the answer: text by default, JSON for ``True`` or a model class.
    """
    branches: list[dict[str, Any]] = [
        {
            "type": "object",
            "properties": {"tool": {"const": schema["name"]}, "arguments": _parameters(schema)},
            "required": ["tool", "arguments"],
            "additionalProperties": False,
        }
        for schema in tools
    ]
    if allow_answer:
        branches.append(
            {
                "type": "object",
                "properties": {"answer": _answer_schema(json_output)},
                "required": ["answer"],
                "additionalProperties": False,
            }
        )
    if not branches:
        msg = "nothing to constrain: no tools and no answer allowed"
        raise InputError(msg, field="tool_choice")
    return branches[0] if len(branches) == 1 else {"oneOf": branches}


@dataclass(frozen=True)
class ParsedOutput:
    """What one constrained model turn said: calls, or an answer text, or neither (cut off)."""

    calls: list[FunctionCall]
    answer: str | None


def _call_id(seed_text: str, index: int) -> str:
    """A call ID derived from the turn's text, so identical runs give identical IDs."""
    digest = hashlib.sha256(f"{index}:{seed_text}".encode()).hexdigest()
    return f"call_{digest[:24]}"


def parse_envelope(text: str, *, tool_names: Sequence[str], id_seed: str = "") -> ParsedOutput:
    """Read a model turn written under :func:`envelope_schema`.

    Returns the call (arguments re-serialised as a JSON object string) or the answer (text as
    is; a JSON answer re-serialised). Text that is not a complete envelope (the model was cut
    off at ``max_tokens``) or that names an unknown tool gives neither.
    """
    try:
        data = json.loads(text)
    except ValueError:
        return ParsedOutput(calls=[], answer=None)
    if not isinstance(data, dict):
        return ParsedOutput(calls=[], answer=None)
    if "tool" in data:
        name, arguments = data.get("tool"), data.get("arguments", {})
        if name not in tool_names or not isinstance(arguments, dict):
            return ParsedOutput(calls=[], answer=None)
        call = FunctionCall(
            id=_call_id(id_seed + text, 0), name=str(name), arguments=json.dumps(arguments, ensure_ascii=False)
        )
        return ParsedOutput(calls=[call], answer=None)
    if "answer" in data:
        answer = data["answer"]
        return ParsedOutput(
            calls=[], answer=answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
        )
    return ParsedOutput(calls=[], answer=None)
