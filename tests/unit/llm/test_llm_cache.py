"""The file-backed response cache: persistence, atomic writes and what the key covers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from autogen_core import FunctionCall
from autogen_core.models import CreateResult, RequestUsage, UserMessage
from autogen_core.tools import FunctionTool
from autogen_ext.models.replay import ReplayChatCompletionClient
from pydantic import BaseModel

from codriver.errors import DataError
from codriver.llm import REPLAY_MODEL_INFO, FileCacheStore, ModelResponseCache, cache_namespace, cached_client

pytestmark = pytest.mark.anyio

ASK = [UserMessage(content="Where can I charge?", source="user")]


class Answer(BaseModel):
    text: str


def call_result() -> CreateResult:
    return CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id="call_1", name="charger_status", arguments='{"station_id": "osm:node/1"}')],
        usage=RequestUsage(prompt_tokens=40, completion_tokens=12),
        cached=False,
    )


def replay(n: int) -> ReplayChatCompletionClient:
    client = ReplayChatCompletionClient([f"answer {i}" for i in range(n)], model_info=REPLAY_MODEL_INFO)
    client.set_cached_bool_value(False)
    return client


def test_store_round_trips_results_and_streams(tmp_path: Path) -> None:
    store = FileCacheStore(tmp_path / "cache")
    stream: list[str | CreateResult] = ["Go ", "left.", call_result()]

    store.set("a" * 64, call_result())
    store.set("b" * 64, stream)

    reread = FileCacheStore(tmp_path / "cache")  # a new process sees the same entries
    assert reread.get("a" * 64) == call_result()
    assert reread.get("b" * 64) == stream
    assert reread.get("c" * 64) is None
    assert reread.get("c" * 64, call_result()) == call_result()
    assert reread.count() == 2
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["a" * 64 + ".json", "b" * 64 + ".json"]


def test_overwrite_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = FileCacheStore(tmp_path)
    store.set("k", call_result())
    updated = call_result().model_copy(update={"finish_reason": "stop", "content": "done"})
    store.set("k", updated)
    assert store.get("k") == updated
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]


@pytest.mark.parametrize(
    "content", ["{not json", '{"format": 99, "value": {}}', '{"format": 1, "value": {"result": 3}}']
)
def test_unreadable_entries_are_misses(tmp_path: Path, content: str) -> None:
    (tmp_path / "k.json").write_text(content)
    assert FileCacheStore(tmp_path).get("k") is None


def test_unsafe_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="safe file name"):
        FileCacheStore(tmp_path).set("../escape", call_result())


def test_unwritable_directory_is_a_data_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(DataError, match="cache_dir"):
        FileCacheStore(blocker / "cache").set("k", call_result())


async def test_same_request_is_answered_from_disk_across_instances(tmp_path: Path) -> None:
    first_inner = replay(1)
    first = await ModelResponseCache(first_inner, FileCacheStore(tmp_path)).create(ASK)
    assert first.cached is False

    second_inner = replay(1)
    second = await ModelResponseCache(second_inner, FileCacheStore(tmp_path)).create(ASK)

    assert second.cached is True
    assert second.content == first.content == "answer 0"
    assert second_inner.create_calls == []  # the model was not asked again


async def test_key_covers_tools_json_output_and_tool_choice(tmp_path: Path) -> None:
    async def find(category: str) -> str:
        return category

    tool = FunctionTool(find, description="find")
    inner = replay(6)
    cache = ModelResponseCache(inner, FileCacheStore(tmp_path))

    await cache.create(ASK)
    await cache.create(ASK, tools=[tool])
    await cache.create(ASK, tools=[tool], tool_choice="required")
    await cache.create(ASK, tools=[tool], tool_choice=tool)
    await cache.create(ASK, json_output=True)
    await cache.create(ASK, json_output=Answer)
    assert len(inner.create_calls) == 6  # six distinct keys

    again = await cache.create(ASK, tools=[tool], tool_choice="required")
    assert again.cached is True
    assert again.content == "answer 2"
    assert len(inner.create_calls) == 6


async def test_streams_are_cached_with_their_chunks(tmp_path: Path) -> None:
    cache = ModelResponseCache(replay(1), FileCacheStore(tmp_path))
    live = [item async for item in cache.create_stream(ASK, tool_choice="none")]
    again = [
        item
        async for item in ModelResponseCache(replay(0), FileCacheStore(tmp_path)).create_stream(ASK, tool_choice="none")
    ]

    assert [i for i in live if isinstance(i, str)] == ["answer ", "0"]
    assert [i for i in again if isinstance(i, str)] == ["answer ", "0"]
    final = again[-1]
    assert isinstance(final, CreateResult)
    assert final.cached is True
    with pytest.raises(ValueError, match="No more mock responses"):
        # a different tool_choice is a different key: the exhausted replay client is asked
        await ModelResponseCache(replay(0), FileCacheStore(tmp_path)).create(ASK, tool_choice="required")


def test_namespaces_separate_models_and_sampling() -> None:
    base = cache_namespace(backend="local", model="SmolLM2.gguf", temperature=0.0, seed=0)
    assert base.startswith("local-SmolLM2.gguf-")
    assert base == cache_namespace(backend="local", model="SmolLM2.gguf", temperature=0.0, seed=0)
    assert base != cache_namespace(backend="local", model="SmolLM2.gguf", temperature=0.7, seed=0)
    assert base != cache_namespace(backend="local", model="Other.gguf", temperature=0.0, seed=0)
    assert "/" not in cache_namespace(backend="openai", model="org/model:latest")


async def test_cached_client_writes_into_its_namespace(tmp_path: Path) -> None:
    client = cached_client(replay(1), tmp_path, backend="replay", model="m")
    await client.create(ASK)
    [entry] = entries(tmp_path)
    assert entry.parent.name == cache_namespace(backend="replay", model="m")
    assert json.loads(entry.read_text())["value"]["result"]["content"] == "answer 0"


def entries(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.json"))
