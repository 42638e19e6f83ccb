"""Clients that wrap another client: a delegating base and the tool-first policy.

``ToolFirstChatClient`` exists for small models. AutoGen's ``AssistantAgent`` always asks
with ``tool_choice="auto"``, and a 135M-parameter model mostly answers from its own
"knowledge" instead of calling a tool. Turning "auto" into "required" until a tool result
is in the conversation makes the agent consult the tools first; AutoGen's reflection step
(``tool_choice="none"``) then writes the answer from the results.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

__all__ = ["DelegatingChatClient", "ToolFirstChatClient"]

ToolChoice = Tool | Literal["auto", "required", "none"]


class DelegatingChatClient(ChatCompletionClient):
    """Passes everything to ``client``; subclasses change the tool choice or watch results through two hooks."""

    def __init__(self, client: ChatCompletionClient) -> None:
        self.client = client

    def choose(  # a hook: subclasses read messages and tools
        self,
        messages: Sequence[LLMMessage],  # noqa: ARG002
        tools: Sequence[object],  # noqa: ARG002
        tool_choice: ToolChoice,
    ) -> ToolChoice:
        """The tool choice passed on (unchanged here)."""
        return tool_choice

    def observe(self, result: CreateResult) -> None:
        """Called with every final result (nothing here)."""

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """The wrapped client's result."""
        result = await self.client.create(
            messages,
            tools=tools,
            tool_choice=self.choose(messages, tools, tool_choice),
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        )
        self.observe(result)
        return result

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """The wrapped client's stream."""
        async for item in self.client.create_stream(
            messages,
            tools=tools,
            tool_choice=self.choose(messages, tools, tool_choice),
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        ):
            if isinstance(item, CreateResult):
                self.observe(item)
            yield item

    async def close(self) -> None:
        """Close the wrapped client."""
        await self.client.close()

    def actual_usage(self) -> RequestUsage:
        """The wrapped client's actual usage."""
        return self.client.actual_usage()

    def total_usage(self) -> RequestUsage:
        """The wrapped client's total usage."""
        return self.client.total_usage()

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """The wrapped client's token count."""
        return self.client.count_tokens(messages, tools=tools)

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """The wrapped client's remaining tokens."""
        return self.client.remaining_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelCapabilities:
        """Deprecated in AutoGen; the wrapped client's capabilities."""
        return self.client.capabilities

    @property
    def model_info(self) -> ModelInfo:
        """The wrapped client's model info."""
        return self.client.model_info


def tool_first_choice(messages: Sequence[LLMMessage], tools: Sequence[object], tool_choice: ToolChoice) -> ToolChoice:
    """``"required"`` for an "auto" turn with tools and no tool result yet; otherwise unchanged."""
    if tool_choice != "auto" or not tools:
        return tool_choice
    if any(isinstance(message, FunctionExecutionResultMessage) for message in messages):
        return tool_choice
    return "required"


class ToolFirstChatClient(DelegatingChatClient):
    """Makes the model call a tool before it may answer (see the module doc).

    Only ``"auto"`` turns that offer tools and have no tool result yet are changed;
    explicit choices pass through.
    """

    def choose(self, messages: Sequence[LLMMessage], tools: Sequence[object], tool_choice: ToolChoice) -> ToolChoice:
        """The tool-first choice."""
        return tool_first_choice(messages, tools, tool_choice)
