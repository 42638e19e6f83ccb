"""``LocalChatClient``: an AutoGen chat client over an in-process model (llama.cpp).

Tool calls and JSON answers are generated under a grammar compiled from a JSON schema, so
the model can only write a call to one of the given tools with arguments valid against
that tool's schema (enums included), or an answer when that is allowed. Tool history is
rendered as plain turns the model's chat template accepts. Generation runs in a worker
thread, one at a time per loaded model.

A tool turn that may also answer (``tool_choice="auto"``) runs in two phases. The grammar
decides the branch; as soon as the model has written ``{"answer"`` the constrained pass
stops and the answer is generated as ordinary text (or JSON under the answer's schema)
from the conversation without the tool instructions. Free text inside a JSON string is
worse (SmolLM2 writes junk such as dates and repeats itself there) and slower (every
vocabulary entry is checked against the grammar at each step: 24 instead of 39 tokens/s
for SmolLM2-135M on one core here).
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
import warnings
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelFamily,
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from codriver.errors import InputError
from codriver.llm._engine import Engine, Generation, GenerationOptions
from codriver.llm._render import render_messages, tool_instructions
from codriver.llm._schema import (
    JsonOutput,
    ToolChoice,
    envelope_schema,
    json_output_schema,
    parse_envelope,
    select_tools,
    tool_schemas,
)

__all__ = ["LOCAL_MODEL_INFO", "LocalChatClient"]

LOCAL_MODEL_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=True,
    structured_output=True,
    family=ModelFamily.UNKNOWN,
    multiple_system_messages=True,
)

_OPTION_TYPES: dict[str, type] = {
    "max_tokens": int,
    "temperature": float,
    "seed": int,
    "top_p": float,
    "top_k": int,
    "min_p": float,
    "repeat_penalty": float,
}


# The constrained pass has chosen the answer branch once the output starts like this.
_ANSWER_START = re.compile(r'^\s*\{\s*"answer"')


@dataclass(frozen=True)
class _Request:
    """One prepared model call: prompt text, constraint and how to read the output.

    In ``tools`` mode with an answer allowed, ``answer_prompt``/``answer_schema`` are the
    second phase: the conversation without tool instructions, and the answer's JSON
    schema (None for text).
    """

    prompt: str
    schema: dict[str, Any] | None
    mode: Literal["text", "json", "tools"]
    tool_names: tuple[str, ...]
    options: GenerationOptions
    answer_prompt: str | None = None
    answer_schema: dict[str, Any] | None = None


@dataclass(frozen=True)
class _Outcome:
    """What the model produced for a request; ``answered`` when the second phase ran."""

    generation: Generation
    answered: bool = False


class LocalChatClient(ChatCompletionClient):
    """An AutoGen ``ChatCompletionClient`` over an in-process :class:`Engine`.

    ``options`` are the default sampling settings (greedy, seed 0, 512 new tokens at most);
    ``extra_create_args`` may override ``max_tokens``, ``temperature``, ``seed``, ``top_p``,
    ``top_k``, ``min_p`` and ``repeat_penalty`` per call.
    """

    def __init__(self, engine: Engine, *, options: GenerationOptions | None = None) -> None:
        self._engine = engine
        self._options = options or GenerationOptions()
        self._actual_usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._total_usage = RequestUsage(prompt_tokens=0, completion_tokens=0)

    @property
    def engine(self) -> Engine:
        """The model this client generates with."""
        return self._engine

    @property
    def options(self) -> GenerationOptions:
        """The default sampling settings."""
        return self._options

    # -- preparing a call ------------------------------------------------------------------

    def _prepare(
        self,
        messages: Sequence[LLMMessage],
        tools: Sequence[Tool | ToolSchema],
        tool_choice: ToolChoice,
        json_output: JsonOutput,
        extra_create_args: Mapping[str, Any],
    ) -> _Request:
        options = self._merge_options(extra_create_args)
        callable_tools, allow_answer = select_tools(tool_schemas(tools), tool_choice)
        plain_prompt = self._engine.render(render_messages(messages))
        answer_schema = None if json_output is None or json_output is False else json_output_schema(json_output)
        if callable_tools:
            schema = envelope_schema(callable_tools, allow_answer=allow_answer, json_output=json_output)
            instructions = tool_instructions(
                callable_tools, allow_answer=allow_answer, json_answer=answer_schema is not None
            )
            return _Request(
                prompt=self._engine.render(render_messages(messages, instructions=instructions)),
                schema=schema,
                mode="tools",
                tool_names=tuple(tool["name"] for tool in callable_tools),
                options=options,
                answer_prompt=plain_prompt if allow_answer else None,
                answer_schema=answer_schema,
            )
        mode: Literal["text", "json"] = "text" if answer_schema is None else "json"
        return _Request(prompt=plain_prompt, schema=answer_schema, mode=mode, tool_names=(), options=options)

    def _merge_options(self, extra: Mapping[str, Any]) -> GenerationOptions:
        unknown = sorted(set(extra) - set(_OPTION_TYPES))
        if unknown:
            msg = (
                f"unsupported extra_create_args for the local model: {', '.join(unknown)}; "
                f"allowed: {', '.join(_OPTION_TYPES)}"
            )
            raise InputError(msg, field="extra_create_args")
        try:
            changes = {key: _OPTION_TYPES[key](value) for key, value in extra.items()}
        except (TypeError, ValueError) as exc:
            msg = f"invalid extra_create_args value: {exc}"
            raise InputError(msg, field="extra_create_args") from exc
        return dataclasses.replace(self._options, **changes)

    # -- running and reading the output ----------------------------------------------------

    def _run(self, request: _Request, on_text: Callable[[str], None] | None, cancelled: threading.Event) -> _Outcome:
        """Generate for ``request`` (in a worker thread); ``on_text`` gets the answer text as written."""
        engine, options = self._engine, request.options
        if request.mode != "tools" or request.answer_prompt is None:
            # One pass; a tool call's JSON is not streamed.
            return _Outcome(
                engine.generate(
                    request.prompt,
                    schema=request.schema,
                    options=options,
                    on_text=on_text if request.mode != "tools" else None,
                    cancelled=cancelled,
                )
            )
        written: list[str] = []
        decided = threading.Event()
        stop_first = threading.Event()

        def watch(piece: str) -> None:
            written.append(piece)
            if cancelled.is_set():
                stop_first.set()
            elif _ANSWER_START.match("".join(written)):
                decided.set()
                stop_first.set()

        first = engine.generate(
            request.prompt, schema=request.schema, options=options, on_text=watch, cancelled=stop_first
        )
        if not decided.is_set() or cancelled.is_set():
            return _Outcome(first)
        second = engine.generate(
            request.answer_prompt, schema=request.answer_schema, options=options, on_text=on_text, cancelled=cancelled
        )
        combined = Generation(
            text=second.text,
            prompt_tokens=first.prompt_tokens + second.prompt_tokens,
            completion_tokens=first.completion_tokens + second.completion_tokens,
            finish_reason=second.finish_reason,
        )
        return _Outcome(combined, answered=True)

    def _result(self, request: _Request, outcome: _Outcome) -> CreateResult:
        generation = outcome.generation
        usage = RequestUsage(prompt_tokens=generation.prompt_tokens, completion_tokens=generation.completion_tokens)
        self._actual_usage = _add(self._actual_usage, usage)
        self._total_usage = _add(self._total_usage, usage)
        if request.mode != "tools" or outcome.answered:
            text = (
                generation.text.strip()
                if (request.answer_schema is None and request.mode != "json")
                else generation.text
            )
            return CreateResult(finish_reason=generation.finish_reason, content=text, usage=usage, cached=False)
        parsed = parse_envelope(generation.text, tool_names=request.tool_names, id_seed=request.prompt)
        if parsed.calls:
            return CreateResult(finish_reason="function_calls", content=parsed.calls, usage=usage, cached=False)
        if parsed.answer is not None:
            return CreateResult(finish_reason="stop", content=parsed.answer, usage=usage, cached=False)
        # The grammar admits only complete envelopes, so this is output cut off at max_tokens
        # (or a cancelled call): hand back the raw text rather than invent a call.
        reason: Literal["length", "unknown"] = "length" if generation.finish_reason == "length" else "unknown"
        return CreateResult(finish_reason=reason, content=generation.text, usage=usage, cached=False)

    # -- ChatCompletionClient --------------------------------------------------------------

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
        """One completion: text, schema-constrained JSON, or a constrained tool call."""
        request = self._prepare(messages, tools, tool_choice, json_output, extra_create_args)
        cancelled = threading.Event()
        future = asyncio.ensure_future(asyncio.to_thread(self._run, request, None, cancelled))
        if cancellation_token is not None:
            cancellation_token.link_future(future)
        try:
            outcome = await future
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return self._result(request, outcome)

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
        """Text chunks as the model writes them, then the final :class:`CreateResult`.

        Plain text, JSON and tool-turn answers stream as generated; a tool call is not
        streamed (its JSON is not for the user) and arrives in the final result.
        """
        request = self._prepare(messages, tools, tool_choice, json_output, extra_create_args)
        outcome: _Outcome | None = None
        async for item in self._stream(request, cancellation_token):
            if isinstance(item, _Outcome):
                outcome = item
            else:
                yield item
        assert outcome is not None
        yield self._result(request, outcome)

    async def _stream(
        self, request: _Request, cancellation_token: CancellationToken | None
    ) -> AsyncGenerator[str | _Outcome, None]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | _Outcome | BaseException] = asyncio.Queue()
        cancelled = threading.Event()

        def put(item: str | _Outcome | BaseException) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the event loop is gone: nobody is listening any more
                cancelled.set()

        def work() -> None:
            try:
                put(self._run(request, put, cancelled))
            except Exception as exc:  # handed to the consumer, re-raised there
                put(exc)

        worker = asyncio.ensure_future(asyncio.to_thread(work))
        if cancellation_token is not None:
            cancellation_token.add_callback(cancelled.set)
            cancellation_token.link_future(worker)
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                if isinstance(item, _Outcome):
                    break
        finally:
            cancelled.set()

    async def close(self) -> None:
        """Nothing to release: the loaded model is shared per process."""

    def actual_usage(self) -> RequestUsage:
        """Tokens read and written by the model through this client."""
        return self._actual_usage

    def total_usage(self) -> RequestUsage:
        """Tokens read and written by the model through this client (same as actual usage)."""
        return self._total_usage

    def _prompt_for_count(self, messages: Sequence[LLMMessage], tools: Sequence[Tool | ToolSchema]) -> str:
        schemas = tool_schemas(tools)
        instructions = tool_instructions(schemas, allow_answer=True) if schemas else None
        return self._engine.render(render_messages(messages, instructions=instructions))

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """Prompt tokens these messages (and tools, with ``tool_choice="auto"``) take, per the model's tokenizer."""
        return len(self._engine.tokenize(self._prompt_for_count(messages, tools)))

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """Context tokens left for the answer after this prompt (never negative)."""
        return max(0, self._engine.context_tokens - self.count_tokens(messages, tools=tools))

    @property
    def capabilities(self) -> ModelCapabilities:
        """Deprecated in AutoGen; use :attr:`model_info`."""
        warnings.warn("capabilities is deprecated, use model_info instead", DeprecationWarning, stacklevel=2)
        return LOCAL_MODEL_INFO

    @property
    def model_info(self) -> ModelInfo:
        """Tools, JSON and structured output: yes (grammar-constrained); vision: no."""
        return LOCAL_MODEL_INFO


def _add(left: RequestUsage, right: RequestUsage) -> RequestUsage:
    return RequestUsage(
        prompt_tokens=left.prompt_tokens + right.prompt_tokens,
        completion_tokens=left.completion_tokens + right.completion_tokens,
    )
