"""A scripted stand-in for the in-process model (imported by the llm unit tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from codriver.llm import ChatTurn, Generation, GenerationOptions


@dataclass
class Call:
    prompt: str
    schema: Mapping[str, Any] | None
    options: GenerationOptions
    streamed: bool


@dataclass
class FakeEngine:
    """Implements the Engine port: ChatML rendering, one token per word, scripted outputs.

    It does not enforce the schema (the real grammar is tested with the real model); it
    records what the client asked for and writes the scripted text.
    """

    outputs: list[str] = field(default_factory=list)
    context: int = 256
    calls: list[Call] = field(default_factory=list)
    finish: Literal["stop", "length"] = "stop"
    block_until_cancelled: bool = False
    saw_cancel: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)

    @property
    def context_tokens(self) -> int:
        return self.context

    @property
    def name(self) -> str:
        return "fake.gguf"

    def render(self, turns: Sequence[ChatTurn]) -> str:
        body = "".join(f"<|im_start|>{t['role']}\n{t['content']}<|im_end|>\n" for t in turns)
        return body + "<|im_start|>assistant\n"

    def tokenize(self, text: str) -> list[int]:
        return [len(word) for word in text.split()]

    def generate(
        self,
        prompt: str,
        *,
        schema: Mapping[str, Any] | None,
        options: GenerationOptions,
        on_text: Callable[[str], None] | None = None,
        cancelled: threading.Event | None = None,
    ) -> Generation:
        self.calls.append(Call(prompt, schema, options, on_text is not None))
        self.started.set()
        if self.block_until_cancelled:
            assert cancelled is not None
            if cancelled.wait(timeout=5):
                self.saw_cancel.set()
            return Generation(text="", prompt_tokens=1, completion_tokens=0, finish_reason="stop")
        text = self.outputs.pop(0)
        pieces = text.split(" ")
        if on_text is not None:
            for i, piece in enumerate(pieces):
                on_text(piece if i == len(pieces) - 1 else piece + " ")
        return Generation(
            text=text,
            prompt_tokens=len(self.tokenize(prompt)),
            completion_tokens=len(pieces),
            finish_reason=self.finish,
        )
