"""The openai backend against a real llama-cpp-python server process (legacy function_call fix)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

import httpx
import pytest
from autogen_core.models import CreateResult, SystemMessage, UserMessage
from autogen_core.tools import FunctionTool

from codriver.llm import LlamaCppEngine, make_chat_client, make_openai_client
from codriver.settings import Settings

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

MODEL_ALIAS = "smollm2-135m-instruct"
SYSTEM = SystemMessage(content="You help a driver find places.")


async def find_places(
    category: Annotated[Literal["cafe", "restaurant", "museum"], "kind of place"],
    near: Annotated[str, "catalogue ID of a place on the route"],
) -> str:
    """Find places of a category near a place on the route."""
    return f"{category} near {near}"


FIND = FunctionTool(find_places, description="Find places of a category near a place on the route.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(smollm2: LlamaCppEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m llama_cpp.server`` with the SmolLM2 model on a free local port; its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(smollm2.path),
        "--model_alias",
        MODEL_ALIAS,
        "--chat_format",
        "chatml-function-calling",
        "--n_ctx",
        "2048",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    base_url = f"http://127.0.0.1:{port}/v1"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_serving(base_url, process, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_until_serving(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"llama_cpp.server did not start within 120 s:\n{log.read_text()[-3000:]}")


async def test_server_tool_call_comes_back_as_function_call(llama_server: str) -> None:
    client = make_openai_client(base_url=llama_server, model=MODEL_ALIAS, temperature=0.0, seed=0)
    messages = [SYSTEM, UserMessage(content="Find a cafe near osm:node/101.", source="user")]

    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(
            f"{llama_server}/chat/completions",
            json={
                "model": MODEL_ALIAS,
                "messages": [
                    {"role": "system", "content": SYSTEM.content},
                    {"role": "user", "content": "Find a cafe."},
                ],
                "tools": [{"type": "function", "function": FIND.schema}],
                "tool_choice": {"type": "function", "function": {"name": "find_places"}},
                "max_tokens": 60,
            },
        )
    raw = response.json()
    assert "function_call" in raw["choices"][0]["message"]  # the legacy field the fix is for

    result = await client.create(messages, tools=[FIND], tool_choice=FIND, extra_create_args={"max_tokens": 60})

    assert result.finish_reason == "function_calls"
    assert isinstance(result.content, list)
    [call] = result.content
    assert call.name == "find_places"
    arguments = json.loads(call.arguments)
    assert isinstance(arguments, dict)
    assert arguments.get("category") in {"cafe", "restaurant", "museum"}  # the server's grammar holds the enum
    await client.close()


async def test_server_streamed_tool_call_has_one_name(llama_server: str) -> None:
    client = make_openai_client(base_url=llama_server, model=MODEL_ALIAS, temperature=0.0, seed=0)
    messages = [SYSTEM, UserMessage(content="Find a museum near osm:way/202.", source="user")]

    items = [
        item
        async for item in client.create_stream(
            messages, tools=[FIND], tool_choice=FIND, extra_create_args={"max_tokens": 60}
        )
    ]

    final = items[-1]
    assert isinstance(final, CreateResult)
    assert isinstance(final.content, list)
    [call] = final.content
    assert call.name == "find_places"
    assert isinstance(json.loads(call.arguments), dict)
    await client.close()


async def test_server_plain_text_through_the_factory(llama_server: str, settings: Settings) -> None:
    configured = Settings(
        data_dir=settings.data_dir, llm={"backend": "openai", "base_url": llama_server, "model": MODEL_ALIAS}
    )
    client = make_chat_client(configured)
    messages = [SYSTEM, UserMessage(content="Say hello to the driver.", source="user")]

    result = await client.create(messages, extra_create_args={"max_tokens": 40})
    cached = await make_chat_client(configured).create(messages, extra_create_args={"max_tokens": 40})

    assert isinstance(result.content, str)
    assert result.content.strip()
    assert result.usage.prompt_tokens > 0
    assert cached.cached is True
    assert cached.content == result.content
    await client.close()
