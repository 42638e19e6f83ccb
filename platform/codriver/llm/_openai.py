"""OpenAI-compatible endpoints (vLLM, Ollama, llama.cpp server, OpenAI) through autogen-ext.

llama-cpp-python's server answers tool calls with the legacy ``message.function_call``
field (next to, or instead of, ``tool_calls``), repeats the call's ID and name in every
streamed delta, and may finish with ``"function_call"``. autogen-ext's client rejects the
first (``ValueError: function_call is deprecated``) and concatenates the second into
garbage names. :class:`LegacyFunctionCallTransport` rewrites such responses into the
current ``tool_calls`` form at the HTTP edge, before the OpenAI SDK parses them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from typing import Any, Literal, cast

import httpx
import openai
from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, ModelFamily, ModelInfo
from autogen_core.tools import Tool, ToolSchema
from autogen_ext.models.openai import OpenAIChatCompletionClient
from autogen_ext.models.openai.config import OpenAIClientConfiguration
from pydantic import BaseModel, ValidationError

from codriver.errors import CodriverError, InputError, ToolBadResponse, ToolTimeout, ToolUnavailable

__all__ = [
    "DEFAULT_OPENAI_COMPATIBLE_INFO",
    "LegacyFunctionCallTransport",
    "OpenAICompatibleClient",
    "make_openai_client",
    "rewrite_chat_chunk",
    "rewrite_chat_completion",
    "serves_tool_calls",
]

DEFAULT_OPENAI_COMPATIBLE_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=True,
    structured_output=False,
    family=ModelFamily.UNKNOWN,
    multiple_system_messages=True,
)
"""What we assume of a model autogen-ext does not know: tools and JSON mode, no json_schema."""


def _call_id(seed: str) -> str:
    return "call_" + hashlib.sha256(seed.encode()).hexdigest()[:24]


def _finish(choice: dict[str, Any]) -> None:
    if choice.get("finish_reason") == "function_call":
        choice["finish_reason"] = "tool_calls"


def rewrite_chat_completion(body: dict[str, Any]) -> dict[str, Any]:
    """A ``chat.completion`` body with legacy ``function_call`` turned into ``tool_calls``.

    When ``tool_calls`` are present the legacy field is dropped (llama-cpp-python fills it
    inconsistently); otherwise it becomes a single tool call with a derived ID. Changes
    the body in place and returns it.
    """
    for choice in body.get("choices") or ():
        message = choice.get("message") or {}
        legacy = message.pop("function_call", None)
        if legacy and not message.get("tool_calls"):
            seed = f"{body.get('id', '')}:{choice.get('index', 0)}:{legacy.get('name', '')}"
            message["tool_calls"] = [
                {
                    "id": _call_id(seed),
                    "type": "function",
                    "function": {"name": legacy.get("name", ""), "arguments": legacy.get("arguments") or "{}"},
                }
            ]
            choice["finish_reason"] = "tool_calls"
        _finish(choice)
    return body


def rewrite_chat_chunk(chunk: dict[str, Any], seen: dict[tuple[int, int], str]) -> dict[str, Any]:
    """A streamed ``chat.completion.chunk`` in current form (``seen`` carries state across chunks).

    Drops the legacy ``function_call`` delta (or turns it into a ``tool_calls`` delta when
    there is none) and sends a call's ID, type and name only in its first delta, as OpenAI
    does, so that clients which concatenate deltas get the name once.
    """
    for choice in chunk.get("choices") or ():
        index = int(choice.get("index", 0))
        delta = choice.get("delta") or {}
        legacy = delta.pop("function_call", None)
        if legacy and not delta.get("tool_calls"):
            delta["tool_calls"] = [{"index": 0, "type": "function", "function": dict(legacy)}]
            if (index, 0) not in seen:
                delta["tool_calls"][0]["id"] = _call_id(f"{chunk.get('id', '')}:{index}:{legacy.get('name', '')}")
        for call in delta.get("tool_calls") or ():
            key = (index, int(call.get("index", 0)))
            function = call.get("function") or {}
            if key in seen:
                call.pop("id", None)
                call.pop("type", None)
                if function.get("name") == seen[key]:
                    function.pop("name", None)
            elif function.get("name"):
                seen[key] = function["name"]
        if "tool_calls" in delta and delta["tool_calls"] is None:
            del delta["tool_calls"]
        _finish(choice)
    return chunk


async def _rewrite_sse(lines: AsyncIterator[str]) -> AsyncIterator[bytes]:
    seen: dict[tuple[int, int], str] = {}
    async for line in lines:
        if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            try:
                chunk = json.loads(line[5:])
            except ValueError:
                yield (line + "\n").encode()
                continue
            if isinstance(chunk, dict):
                yield ("data: " + json.dumps(rewrite_chat_chunk(chunk, seen), ensure_ascii=False) + "\n").encode()
                continue
        yield (line + "\n").encode()


class _RewrittenStream(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for piece in _rewrite_sse(self._response.aiter_lines()):
            yield piece

    async def aclose(self) -> None:
        await self._response.aclose()


class LegacyFunctionCallTransport(httpx.AsyncBaseTransport):
    """Wraps a transport and rewrites legacy ``function_call`` chat completions (see module doc).

    Only successful ``.../chat/completions`` responses are touched; everything else passes
    through unchanged.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward ``request``; rewrite a chat completion answer (JSON or SSE stream)."""
        response = await self._inner.handle_async_request(request)
        if not request.url.path.endswith("/chat/completions") or response.status_code != 200:
            return response
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROPPED_HEADERS]
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            return httpx.Response(
                response.status_code, headers=headers, stream=_RewrittenStream(response), request=request
            )
        content = await response.aread()
        await response.aclose()
        try:
            body = json.loads(content)
        except ValueError:
            return httpx.Response(response.status_code, headers=headers, content=content, request=request)
        if isinstance(body, dict):
            _served_name(body, request)
            content = json.dumps(rewrite_chat_completion(body), ensure_ascii=False).encode()
        return httpx.Response(response.status_code, headers=headers, content=content, request=request)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._inner.aclose()


def _served_name(body: dict[str, Any], request: httpx.Request) -> None:
    """Report the model under the name it was asked by when the server names it otherwise.

    Servers such as llama.cpp's report a file path or an alias as ``model``; autogen-ext
    warns on every call whose answer names another model than the one it resolved. An
    answer naming a dated version of the asked name (OpenAI's ``gpt-4o`` ->
    ``gpt-4o-2024-08-06``) is left as it is.
    """
    try:
        asked = json.loads(request.content).get("model")
    except (ValueError, AttributeError, httpx.RequestNotRead):
        return
    answered = body.get("model")
    if isinstance(asked, str) and not (isinstance(answered, str) and answered.startswith(asked)):
        body["model"] = asked


# The rewritten body is decoded and has a new length.
_DROPPED_HEADERS = {"content-length", "content-encoding", "transfer-encoding"}


# What parsing a body that is not a chat completion raises inside the SDK and autogen-ext.
_MALFORMED = (openai.APIResponseValidationError, json.JSONDecodeError, ValidationError, TypeError, KeyError)


def _convert(exc: Exception, base_url: str) -> CodriverError | None:
    """The project error for an SDK/transport error, or None for errors that are ours."""
    where = f"the model endpoint {base_url}"
    if isinstance(exc, openai.APITimeoutError):
        return ToolTimeout(f"{where} did not answer in time; retry, or raise the timeout")
    if isinstance(exc, openai.APIConnectionError):
        return ToolUnavailable(f"{where} cannot be reached ({exc}); is the server running?")
    if isinstance(exc, openai.RateLimitError):
        return ToolUnavailable(f"{where} is rate limiting (429); wait and retry, or lower the request rate")
    if isinstance(exc, openai.InternalServerError):
        return ToolUnavailable(f"{where} failed ({exc.status_code}): {exc.message}")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return InputError(f"{where} refused the API key ({exc.status_code}); check llm.api_key", field="llm.api_key")
    if isinstance(exc, openai.NotFoundError):
        return InputError(
            f"{where} does not know this path or model ({exc.message}); check llm.base_url and llm.model",
            field="llm.model",
        )
    if isinstance(exc, openai.APIStatusError):
        return ToolBadResponse(f"{where} rejected the request ({exc.status_code}): {exc.message}")
    if isinstance(
        exc, openai.APIResponseValidationError | json.JSONDecodeError | ValidationError | TypeError | KeyError
    ):
        return ToolBadResponse(f"{where} answered something that is not a chat completion ({exc})")
    return None


class OpenAICompatibleClient(OpenAIChatCompletionClient):
    """autogen-ext's OpenAI client with SDK and transport errors converted to Codriver's tree.

    Timeouts become :class:`ToolTimeout`; unreachable servers, 429 and 5xx
    :class:`ToolUnavailable`; a refused key or unknown model :class:`InputError`; other
    refusals and malformed bodies :class:`ToolBadResponse`.
    """

    def __init__(self, **config: Any) -> None:
        super().__init__(**cast(OpenAIClientConfiguration, config))
        self._base_url = str(config.get("base_url", ""))

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
        """One completion from the endpoint (see autogen-ext), errors converted."""
        try:
            return await super().create(
                messages,
                tools=tools,
                tool_choice=tool_choice,
                json_output=json_output,
                extra_create_args=extra_create_args,
                cancellation_token=cancellation_token,
            )
        except Exception as exc:
            converted = _convert(exc, self._base_url)
            if converted is None:
                raise
            raise converted from exc

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
        max_consecutive_empty_chunk_tolerance: int = 0,
        include_usage: bool | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """The endpoint's stream (see autogen-ext), errors converted."""
        stream = super().create_stream(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
            max_consecutive_empty_chunk_tolerance=max_consecutive_empty_chunk_tolerance,
            include_usage=include_usage,
        )
        try:
            async for item in stream:
                yield item
        except Exception as exc:
            converted = _convert(exc, self._base_url)
            if converted is None:
                raise
            raise converted from exc


def make_openai_client(
    *,
    base_url: str,
    model: str,
    api_key: str | None = None,
    model_info: ModelInfo | None = None,
    temperature: float | None = None,
    seed: int | None = None,
    timeout_s: float = 60.0,
    max_retries: int = 2,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OpenAICompatibleClient:
    """An autogen-ext client for the OpenAI-compatible endpoint at ``base_url``.

    ``model_info`` defaults to autogen-ext's table for OpenAI model names and to
    :data:`DEFAULT_OPENAI_COMPATIBLE_INFO` otherwise. Every response passes through
    :class:`LegacyFunctionCallTransport` (wrapping ``transport`` when given, e.g. an
    ``httpx.MockTransport`` in tests). Local servers ignore the key; a placeholder is sent
    when none is set.
    """
    http_client = httpx.AsyncClient(
        transport=LegacyFunctionCallTransport(transport), timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0))
    )
    config: dict[str, Any] = {
        "model": model,
        "base_url": base_url,
        "api_key": api_key or "unused",
        "max_retries": max_retries,
        "timeout": timeout_s,
        "http_client": http_client,  # forwarded to openai.AsyncOpenAI
    }
    if model_info is not None:
        config["model_info"] = model_info
    if temperature is not None:
        config["temperature"] = temperature
    if seed is not None:
        config["seed"] = seed
    try:
        return OpenAICompatibleClient(**config)  # autogen-ext's table knows OpenAI's model names
    except ValueError as exc:
        if model_info is not None or "model_info" not in str(exc):
            raise
    return OpenAICompatibleClient(**config, model_info=DEFAULT_OPENAI_COMPATIBLE_INFO)


def serves_tool_calls(client: ChatCompletionClient) -> bool:
    """Whether ``client`` talks to an OpenAI-compatible endpoint whose model calls tools.

    Wrappers that keep the client they wrap as ``client`` (the response cache, the meter,
    :class:`~codriver.llm.DelegatingChatClient`s) are looked through.
    """
    current: object = client
    for _ in range(10):
        if isinstance(current, OpenAIChatCompletionClient):
            return bool(current.model_info.get("function_calling", False))
        current = getattr(current, "client", None)
        if current is None:
            return False
    return False
