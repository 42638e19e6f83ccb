"""The OpenAI-compatible backend: legacy function_call rewrite and error mapping at the HTTP edge."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from autogen_core import FunctionCall
from autogen_core.models import CreateResult, SystemMessage, UserMessage
from autogen_core.tools import FunctionTool

from codriver.errors import InputError, ToolBadResponse, ToolTimeout, ToolUnavailable
from codriver.llm import (
    DEFAULT_OPENAI_COMPATIBLE_INFO,
    LegacyFunctionCallTransport,
    make_openai_client,
    rewrite_chat_chunk,
    rewrite_chat_completion,
)

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).parent / "fixtures"
BASE_URL = "http://127.0.0.1:8000/v1"
MESSAGES = [SystemMessage(content="You plan trips."), UserMessage(content="Find a cafe.", source="user")]


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def json_handler(
    body: Any, status: int = 200, seen: list[httpx.Request] | None = None
) -> Callable[..., httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return handle


def sse_handler(chunks: list[dict[str, Any]]) -> Callable[..., httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        events = "".join(f"data: {json.dumps(chunk)}\r\n\r\n" for chunk in chunks) + "data: [DONE]\r\n\r\n"
        return httpx.Response(200, content=events.encode(), headers={"content-type": "text/event-stream"})

    return handle


def client_for(handler: Callable[..., httpx.Response]) -> Any:
    return make_openai_client(
        base_url=BASE_URL,
        model="smollm2-135m-instruct",
        transport=httpx.MockTransport(handler),
        max_retries=0,
        timeout_s=5,
    )


@pytest.fixture
def find_tool() -> FunctionTool:
    async def find_places(category: str) -> str:
        return category

    return FunctionTool(find_places, description="Find places of a category.")


# -- the rewrite itself ---------------------------------------------------------------------


def test_legacy_only_function_call_becomes_a_tool_call() -> None:
    body = fixture("llama_server_function_call_only.json")
    rewritten = rewrite_chat_completion(copy.deepcopy(body))

    choice = rewritten["choices"][0]
    assert "function_call" not in choice["message"]
    assert choice["finish_reason"] == "tool_calls"
    [call] = choice["message"]["tool_calls"]
    assert call["type"] == "function"
    assert call["function"] == body["choices"][0]["message"]["function_call"]
    assert call["id"].startswith("call_")
    assert rewrite_chat_completion(copy.deepcopy(body))["choices"][0]["message"]["tool_calls"][0]["id"] == call["id"]


def test_both_fields_keep_the_tool_calls() -> None:
    body = fixture("llama_server_tool_choice_auto.json")
    original_calls = copy.deepcopy(body["choices"][0]["message"]["tool_calls"])

    rewritten = rewrite_chat_completion(body)

    assert "function_call" not in rewritten["choices"][0]["message"]
    assert rewritten["choices"][0]["message"]["tool_calls"] == original_calls


def test_text_answers_are_left_alone() -> None:
    body = fixture("llama_server_text.json")
    assert rewrite_chat_completion(copy.deepcopy(body)) == body


def test_stream_chunks_name_the_call_once() -> None:
    seen: dict[tuple[int, int], str] = {}
    chunks = [rewrite_chat_chunk(copy.deepcopy(c), seen) for c in fixture("llama_server_stream_named_tool.json")]

    deltas = [c["choices"][0]["delta"] for c in chunks]
    assert all("function_call" not in d for d in deltas)
    calls = [call for d in deltas for call in d.get("tool_calls") or []]
    assert sum(1 for call in calls if "id" in call) == 1
    assert "".join(call["function"].get("name", "") for call in calls) == "find_places"
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_legacy_stream_delta_without_tool_calls_is_converted() -> None:
    seen: dict[tuple[int, int], str] = {}
    first = rewrite_chat_chunk(
        {"id": "c", "choices": [{"index": 0, "delta": {"function_call": {"name": "f", "arguments": "{"}}}]}, seen
    )
    second = rewrite_chat_chunk(
        {
            "id": "c",
            "choices": [
                {"index": 0, "delta": {"function_call": {"name": "f", "arguments": "}"}}, "finish_reason": None}
            ],
        },
        seen,
    )
    last = rewrite_chat_chunk(
        {"id": "c", "choices": [{"index": 0, "delta": {}, "finish_reason": "function_call"}]}, seen
    )

    [a] = first["choices"][0]["delta"]["tool_calls"]
    [b] = second["choices"][0]["delta"]["tool_calls"]
    assert a["id"].startswith("call_")
    assert a["function"] == {"name": "f", "arguments": "{"}
    assert "id" not in b
    assert b["function"] == {"arguments": "}"}
    assert last["choices"][0]["finish_reason"] == "tool_calls"


# -- through autogen-ext's client -------------------------------------------------------------


async def test_llama_server_tool_call_reaches_autogen_as_function_call(find_tool: FunctionTool) -> None:
    requests: list[httpx.Request] = []
    client = client_for(json_handler(fixture("llama_server_tool_choice_auto.json"), seen=requests))

    result = await client.create(MESSAGES, tools=[find_tool])

    assert result.finish_reason == "function_calls"
    assert isinstance(result.content, list)
    [call] = result.content
    assert isinstance(call, FunctionCall)
    assert call.name == "find_places"
    assert isinstance(json.loads(call.arguments), dict)
    sent = json.loads(requests[0].content)
    assert sent["tools"][0]["function"]["name"] == "find_places"
    assert sent["model"] == "smollm2-135m-instruct"
    assert requests[0].url == httpx.URL(BASE_URL + "/chat/completions")


async def test_unfixed_response_is_what_autogen_rejects(find_tool: FunctionTool) -> None:
    """The fixture really has the problem the transport fixes."""
    from autogen_ext.models.openai import OpenAIChatCompletionClient
    from openai import AsyncOpenAI

    raw = OpenAIChatCompletionClient(
        model="smollm2-135m-instruct", model_info=DEFAULT_OPENAI_COMPATIBLE_INFO, api_key="x"
    )
    raw._client = AsyncOpenAI(
        base_url=BASE_URL,
        api_key="x",
        max_retries=0,
        http_client=httpx.AsyncClient(
            transport=httpx.MockTransport(json_handler(fixture("llama_server_tool_choice_auto.json")))
        ),
    )
    with pytest.raises(ValueError, match="function_call is deprecated"):
        await raw.create(MESSAGES, tools=[find_tool])


async def test_function_call_only_response_works(find_tool: FunctionTool) -> None:
    client = client_for(json_handler(fixture("llama_server_function_call_only.json")))
    result = await client.create(MESSAGES, tools=[find_tool])
    assert isinstance(result.content, list)
    assert result.content[0].name == "find_places"


async def test_text_response_passes_through() -> None:
    client = client_for(json_handler(fixture("llama_server_text.json")))
    result = await client.create(MESSAGES)
    assert isinstance(result.content, str)
    assert result.content == fixture("llama_server_text.json")["choices"][0]["message"]["content"]
    assert result.usage.prompt_tokens > 0


async def test_streamed_tool_call_has_one_name_and_whole_arguments(find_tool: FunctionTool) -> None:
    chunks = fixture("llama_server_stream_named_tool.json")
    client = client_for(sse_handler(chunks))

    items = [item async for item in client.create_stream(MESSAGES, tools=[find_tool], tool_choice=find_tool)]

    final = items[-1]
    assert isinstance(final, CreateResult)
    assert isinstance(final.content, list)
    [call] = final.content
    assert call.name == "find_places"
    expected = "".join(c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] for c in chunks[1:-1])
    assert call.arguments == expected
    assert isinstance(json.loads(call.arguments), dict)


async def test_transport_leaves_other_paths_and_errors_untouched() -> None:
    body = {"object": "list", "data": [{"id": "m", "function_call": {"name": "x"}}]}
    transport = LegacyFunctionCallTransport(httpx.MockTransport(json_handler(body)))
    async with httpx.AsyncClient(transport=transport) as http:
        response = await http.get(BASE_URL + "/models")
    assert response.json() == body


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "text"),
    [
        (429, ToolUnavailable, "rate limiting"),
        (500, ToolUnavailable, "failed \\(500\\)"),
        (503, ToolUnavailable, "failed \\(503\\)"),
        (401, InputError, "api_key"),
        (404, InputError, "llm.model"),
        (400, ToolBadResponse, "rejected"),
    ],
)
async def test_http_errors_map_to_the_error_tree(status: int, error: type[Exception], text: str) -> None:
    client = client_for(json_handler({"error": {"message": "nope", "type": "x"}}, status=status))
    with pytest.raises(error, match=text):
        await client.create(MESSAGES)


async def test_timeout_and_refused_connection() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        msg = "timed out"
        raise httpx.ReadTimeout(msg, request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        msg = "connection refused"
        raise httpx.ConnectError(msg, request=request)

    with pytest.raises(ToolTimeout, match="in time"):
        await client_for(slow).create(MESSAGES)
    with pytest.raises(ToolUnavailable, match="server running"):
        await client_for(refused).create(MESSAGES)


@pytest.mark.parametrize("body", [b"<html>proxy error</html>", b'{"unexpected": true}'])
async def test_malformed_bodies_are_bad_responses(body: bytes) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    with pytest.raises(ToolBadResponse, match="not a chat completion"):
        await client_for(handle).create(MESSAGES)


async def test_stream_errors_are_converted_too() -> None:
    def unavailable(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"error": {"message": "loading model"}})

    with pytest.raises(ToolUnavailable, match="503"):
        [item async for item in client_for(unavailable).create_stream(MESSAGES)]


def test_unknown_models_get_the_default_capabilities_and_known_ones_autogens() -> None:
    assert client_for(json_handler({})).model_info == DEFAULT_OPENAI_COMPATIBLE_INFO
    known = make_openai_client(base_url=BASE_URL, model="gpt-4o", transport=httpx.MockTransport(json_handler({})))
    assert known.model_info["vision"] is True


async def test_served_model_name_may_differ_from_the_configured_one() -> None:
    body = fixture("llama_server_text.json")
    body["model"] = "/models/SmolLM2-135M-Instruct.Q4_1.gguf"  # what llama.cpp reports without an alias
    result = await client_for(json_handler(body)).create(MESSAGES)  # no "model mismatch" warning (an error here)
    assert result.content == body["choices"][0]["message"]["content"]
