"""AutoGen messages rendered as the plain system/user/assistant turns a chat template accepts.

Small instruct models such as SmolLM2 have a chat template with three roles and no notion
of tools, so tool use is written out as short plain-text turns:

* an assistant turn that called tools becomes ``Calling find_places(category="cafe").``
  (one line per call);
* a tool result becomes a user turn ``find_places returned: ...`` (``failed:`` for errors).

Plain text rather than JSON because a small model copies the format of the last turns:
with JSON history it answers the user in JSON. Calls themselves are still written under
the JSON grammar (see ``_schema``), so their format never depends on the history.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict

from autogen_core import FunctionCall, Image
from autogen_core.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from autogen_core.tools import ToolSchema

from codriver.errors import InputError

__all__ = ["ChatTurn", "render_call", "render_messages", "render_result", "tool_instructions"]


class ChatTurn(TypedDict):
    """One turn for a chat template."""

    role: Literal["system", "user", "assistant"]
    content: str


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def render_call(call: FunctionCall) -> str:
    """A past call as text: ``Calling name(key="value", n=3).`` (arguments as given if not an object)."""
    try:
        arguments: Any = json.loads(call.arguments) if call.arguments else {}
    except ValueError:
        arguments = call.arguments
    if isinstance(arguments, dict):
        listed = ", ".join(f"{key}={_compact(value)}" for key, value in arguments.items())
    else:
        listed = call.arguments
    return f"Calling {call.name}({listed})."


def render_result(result: FunctionExecutionResult) -> str:
    """A tool's result as text: ``name returned: ...`` or ``name failed: ...``."""
    verb = "failed" if result.is_error else "returned"
    return f"{result.name} {verb}: {result.content}"


def _user_text(message: UserMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    parts: list[str] = []
    for part in message.content:
        if isinstance(part, Image):
            msg = "the local model cannot read images; send text only or use a vision model via the openai backend"
            raise InputError(msg, field="messages")
        parts.append(part)
    return "\n".join(parts)


def render_messages(messages: Sequence[LLMMessage], *, instructions: str | None = None) -> list[ChatTurn]:
    """The conversation as chat-template turns, with ``instructions`` added to the system prompt.

    ``instructions`` (tool descriptions, the answer format) are appended to the first system
    message, or become one when there is none.
    """
    turns: list[ChatTurn] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            turns.append({"role": "system", "content": message.content})
        elif isinstance(message, UserMessage):
            turns.append({"role": "user", "content": _user_text(message)})
        elif isinstance(message, AssistantMessage):
            if isinstance(message.content, str):
                turns.append({"role": "assistant", "content": message.content})
            else:
                turns.append({"role": "assistant", "content": "\n".join(render_call(c) for c in message.content)})
        elif isinstance(message, FunctionExecutionResultMessage):
            turns.append({"role": "user", "content": "\n".join(render_result(r) for r in message.content)})
        else:  # pragma: no cover - LLMMessage is a closed union
            msg = f"unsupported message type {type(message).__name__}"
            raise InputError(msg, field="messages")
    if instructions:
        first_system = next((turn for turn in turns if turn["role"] == "system"), None)
        if first_system is None:
            turns.insert(0, {"role": "system", "content": instructions})
        else:
            first_system["content"] = f"{first_system['content']}\n\n{instructions}"
    return turns


def tool_instructions(tools: Sequence[ToolSchema], *, allow_answer: bool, json_answer: bool = False) -> str:
    """The system-prompt text that tells the model which tools exist and how to reply.

    The call format comes last: small models lean towards the format they read last, and
    a call is what the agents usually need.
    """
    lines = []
    if allow_answer:
        what = "a JSON object" if json_answer else '"<text>"'
        lines.append(f'If no tool is needed, reply {{"answer": {what}}}.')
    lines.append("Tools:")
    for schema in tools:
        parameters: Mapping[str, Any] = schema.get("parameters") or {}
        properties = parameters.get("properties", {})
        required = set(parameters.get("required", []))
        described = []
        for name, spec in properties.items():
            kind = "|".join(_compact(v) for v in spec["enum"]) if "enum" in spec else spec.get("type", "value")
            note = f" - {spec['description']}" if spec.get("description") and spec["description"] != name else ""
            described.append(f"{name}{'' if name in required else '?'}: {kind}{note}")
        description = schema.get("description", "")
        lines.append(f"- {schema['name']}: {description} Arguments: {'; '.join(described) or 'none'}")
    lines.append('When a tool can help, call it: {"tool": "<name>", "arguments": {...}}')
    return "\n".join(lines)
