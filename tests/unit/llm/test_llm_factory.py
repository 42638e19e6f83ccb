"""make_chat_client: backends from settings, and clear errors for bad combinations."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest
from autogen_core.models import UserMessage
from autogen_ext.models.replay import ReplayChatCompletionClient

from codriver.errors import InputError
from codriver.llm import (
    Meter,
    MeteredChatClient,
    ModelResponseCache,
    llm_cache_dir,
    make_chat_client,
)
from codriver.llm._openai import OpenAICompatibleClient
from codriver.settings import Settings

pytestmark = pytest.mark.anyio


def with_llm(settings: Settings, **llm: object) -> Settings:
    return Settings(data_dir=settings.data_dir, llm=settings.llm.model_copy(update=llm))


async def test_replay_responses_select_the_replay_backend(settings: Settings) -> None:
    client = make_chat_client(settings, replay=["scripted"])
    assert isinstance(client, ReplayChatCompletionClient)  # never cached: the script is the truth
    assert client.model_info["function_calling"] is True
    result = await client.create([UserMessage(content="hi", source="u")])
    assert result.content == "scripted"


def test_replay_backend_without_script_is_an_input_error(settings: Settings) -> None:
    with pytest.raises(InputError, match="scripted responses") as info:
        make_chat_client(with_llm(settings, backend="replay"))
    assert info.value.field == "llm.backend"


def test_script_with_another_backend_is_an_input_error(settings: Settings) -> None:
    with pytest.raises(InputError, match="use backend 'replay'"):
        make_chat_client(settings, backend="local", replay=["x"])


def test_unknown_backend_is_an_input_error(settings: Settings) -> None:
    with pytest.raises(InputError, match="local, openai, replay"):
        make_chat_client(settings, backend="gpt-pirate")


def test_openai_needs_a_base_url(settings: Settings) -> None:
    with pytest.raises(InputError, match="CODRIVER_LLM__BASE_URL") as info:
        make_chat_client(settings, backend="openai")
    assert info.value.field == "llm.base_url"


def test_openai_client_is_cached_under_the_data_dir(settings: Settings) -> None:
    configured = with_llm(settings, backend="openai", base_url="http://127.0.0.1:9/v1", model="qwen2.5:7b")
    cached = make_chat_client(configured)
    assert isinstance(cached, ModelResponseCache)
    assert isinstance(cached.client, OpenAICompatibleClient)
    assert cached.model_info["function_calling"] is True
    assert llm_cache_dir(configured) == settings.data_dir / "llm-cache"
    assert cached.store.directory.parent == settings.data_dir / "llm-cache"  # type: ignore[attr-defined]

    plain = make_chat_client(configured, cache=False)
    assert isinstance(plain, OpenAICompatibleClient)


def test_cache_dir_setting_wins(settings: Settings, tmp_path: Path) -> None:
    configured = with_llm(settings, cache_dir=tmp_path / "elsewhere")
    assert llm_cache_dir(configured) == tmp_path / "elsewhere"


def test_meter_wraps_the_client(settings: Settings) -> None:
    meter = Meter()
    client = make_chat_client(settings, replay=["x"], meter=meter)
    assert isinstance(client, MeteredChatClient)
    assert client.meter is meter


def test_local_with_missing_model_file_names_the_path(settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(InputError, match=r"nope\.gguf") as info:
        make_chat_client(with_llm(settings, model_path=missing))
    assert info.value.field == "llm.model_path"


def test_local_without_the_extra_says_how_to_install_it(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = importlib.import_module

    def no_llama(name: str, package: str | None = None) -> ModuleType:
        if name.startswith("llama_cpp"):
            raise ModuleNotFoundError(name)
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", no_llama)
    with pytest.raises(InputError, match="make demo") as info:
        make_chat_client(settings, backend="local")
    assert "local-llm" in str(info.value)
