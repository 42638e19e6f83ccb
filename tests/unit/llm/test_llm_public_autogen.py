"""Our model clients use AutoGen's public API only, and its model-name warning stays quiet."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import httpx
import pytest
from autogen_core.models import UserMessage

from codriver.llm import DEFAULT_OPENAI_COMPATIBLE_INFO, make_openai_client

pytestmark = pytest.mark.anyio
ROOTS = [Path(__file__).resolve().parents[3] / root for root in ("platform", "tools", "simulators")]


def _answer(model: str) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
        }
        assert json.loads(request.content)["model"] == "smollm2-135m-instruct"
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("served_as", ["/models/SmolLM2-135M-Instruct.Q4_1.gguf", "", "alias"])
async def test_a_server_naming_another_model_raises_no_warning(served_as: str) -> None:
    # filterwarnings = error: autogen-ext's "Resolved model mismatch" warning would fail this test
    client = make_openai_client(base_url="http://x/v1", model="smollm2-135m-instruct", transport=_answer(served_as))
    result = await client.create([UserMessage(content="hello", source="user")])
    assert result.content == "hi"
    assert client.model_info == DEFAULT_OPENAI_COMPATIBLE_INFO


def test_openai_model_names_keep_autogen_ext_capabilities() -> None:
    client = make_openai_client(base_url="http://x/v1", model="gpt-4o")
    assert client.model_info["vision"] is True  # from autogen-ext's own table, not our default


def test_no_autogen_private_module_or_name_is_imported() -> None:
    found = []
    for path in (p for root in ROOTS for p in root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autogen"):
                names = [a.name for a in node.names]
                if any(part.startswith("_") for part in (node.module or "").split(".")) or any(
                    n.startswith("_") for n in names
                ):
                    found.append(f"{path.name}: from {node.module} import {', '.join(names)}")
    assert found == []
