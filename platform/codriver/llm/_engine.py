"""The narrow port between :class:`LocalChatClient` and an in-process model.

:class:`Engine` is what the client needs from a model: render a chat, count tokens, and
generate text (optionally under a JSON schema) while reporting token counts.
``_llama.LlamaCppEngine`` implements it over ``llama_cpp.Llama``; unit tests use a fake.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from codriver.llm._render import ChatTurn

__all__ = ["Engine", "Generation", "GenerationOptions"]


@dataclass(frozen=True)
class GenerationOptions:
    """Sampling settings of one generation; temperature 0 means greedy (deterministic)."""

    max_tokens: int = 512
    temperature: float = 0.0
    seed: int = 0
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.0

    def as_key(self) -> Mapping[str, Any]:
        """The options as plain data (for logs and cache namespaces)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Generation:
    """The outcome of one generation: the text and the tokens the model read and wrote."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: Literal["stop", "length"]
    extra: dict[str, Any] = field(default_factory=dict)


class Engine(Protocol):
    """An in-process model: chat template, tokenizer, and (schema-constrained) generation.

    ``generate`` may be called from worker threads; implementations serialise access to
    their (not thread-safe) model context themselves.
    """

    @property
    def context_tokens(self) -> int:
        """The context window in tokens."""
        ...

    @property
    def name(self) -> str:
        """A short identifier of the loaded model (its file name)."""
        ...

    def render(self, turns: Sequence[ChatTurn]) -> str:
        """The prompt text for ``turns`` per the model's chat template, ready for generation."""
        ...

    def tokenize(self, text: str) -> list[int]:
        """The tokens of ``text`` (special tokens such as ``<|im_start|>`` recognised)."""
        ...

    def generate(
        self,
        prompt: str,
        *,
        schema: Mapping[str, Any] | None,
        options: GenerationOptions,
        on_text: Callable[[str], None] | None = None,
        cancelled: threading.Event | None = None,
    ) -> Generation:
        """Continue ``prompt``; with ``schema`` the output is JSON valid against it.

        ``on_text`` receives text pieces as they are produced (streaming); ``cancelled``
        stops generation early when set (the result then has ``finish_reason="stop"``).
        """
        ...
