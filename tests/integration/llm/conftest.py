"""The real embedded model (SmolLM2-135M-Instruct via llama.cpp), loaded once per session."""

from __future__ import annotations

import pytest

from codriver.llm import GenerationOptions, LlamaCppEngine, LocalChatClient, llama_cpp_available, load_engine

CONTEXT_TOKENS = 2048


@pytest.fixture(scope="session")
def smollm2() -> LlamaCppEngine:
    if not llama_cpp_available():
        pytest.skip("llama-cpp-python (the local-llm extra) is not installed: `uv sync --extra local-llm`")
    return load_engine(None, context_tokens=CONTEXT_TOKENS)


@pytest.fixture
def local(smollm2: LlamaCppEngine) -> LocalChatClient:
    """A client with short answers, so the tests stay quick."""
    return LocalChatClient(smollm2, options=GenerationOptions(max_tokens=96))
