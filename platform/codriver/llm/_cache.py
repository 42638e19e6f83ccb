"""A persistent response cache: AutoGen's ``ChatCompletionCache`` over files.

Replaying a simulation with the same prompts, model and seed gives the same answers from
disk, without running the model again. Each entry is one JSON file named by the request's
SHA-256 key, written atomically (temporary file, then rename) so concurrent runs and
crashes never leave half-written entries.

AutoGen's key covers the messages, tools, ``json_output`` and ``extra_create_args``, but
not ``tool_choice``; :class:`ModelResponseCache` adds it, and :func:`cached_client` keeps
different models and sampling settings in separate namespaces (sub-folders).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import re
import tempfile
from collections.abc import AsyncGenerator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from autogen_core import CacheStore, CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage
from autogen_core.tools import Tool, ToolSchema
from autogen_ext.models.cache import CHAT_CACHE_VALUE_TYPE, ChatCompletionCache
from pydantic import BaseModel, ValidationError

from codriver.errors import DataError

__all__ = ["FileCacheStore", "ModelResponseCache", "cache_namespace", "cached_client"]

_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
_TOOL_CHOICE: contextvars.ContextVar[str] = contextvars.ContextVar("codriver_llm_tool_choice", default="auto")
_FORMAT = 1


class FileCacheStore(CacheStore[CHAT_CACHE_VALUE_TYPE]):
    """Model responses as JSON files under ``directory`` (``<key>.json``), written atomically.

    An unreadable or foreign entry reads as a miss (and is overwritten by the next set).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            msg = f"cache key {key!r} is not a safe file name"
            raise DataError(msg)
        choice = _TOOL_CHOICE.get()
        if choice != "auto":  # AutoGen's key leaves tool_choice out: fold it in (see ModelResponseCache)
            key = hashlib.sha256(f"{key}\0{choice}".encode()).hexdigest()
        return self.directory / f"{key}.json"

    def get(self, key: str, default: CHAT_CACHE_VALUE_TYPE | None = None) -> CHAT_CACHE_VALUE_TYPE | None:
        """The stored response (a ``CreateResult`` or a streamed list) for ``key``, else ``default``."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return default
        try:
            return _decode(data)
        except (ValidationError, KeyError, TypeError, ValueError):
            return default

    def set(self, key: str, value: CHAT_CACHE_VALUE_TYPE) -> None:
        """Store ``value`` under ``key``; readers see the old entry or the new one, never a part."""
        path = self._path(key)
        payload = json.dumps({"format": _FORMAT, "value": _encode(value)}, ensure_ascii=False)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    file.write(payload)
                Path(temporary).replace(path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            msg = f"cannot write the model response cache in {self.directory} ({exc}); check llm.cache_dir"
            raise DataError(msg) from exc

    def count(self) -> int:
        """How many entries are stored.

        (Deliberately not ``__len__``: an empty store would be falsy, and AutoGen's cache
        replaces a falsy store with an in-memory one.)
        """
        return sum(1 for _ in self.directory.glob("*.json")) if self.directory.is_dir() else 0


def _encode(value: CHAT_CACHE_VALUE_TYPE) -> Any:
    if isinstance(value, CreateResult):
        return {"result": value.model_dump(mode="json")}
    return {"stream": [item if isinstance(item, str) else {"result": item.model_dump(mode="json")} for item in value]}


def _decode(data: Any) -> CHAT_CACHE_VALUE_TYPE:
    if data.get("format") != _FORMAT:
        msg = "unknown cache entry format"
        raise ValueError(msg)
    value = data["value"]
    if "result" in value:
        return CreateResult.model_validate(value["result"])
    return [item if isinstance(item, str) else CreateResult.model_validate(item["result"]) for item in value["stream"]]


def _tool_choice_key(tool_choice: Tool | Literal["auto", "required", "none"]) -> str:
    return tool_choice if isinstance(tool_choice, str) else f"tool:{tool_choice.schema['name']}"


class ModelResponseCache(ChatCompletionCache):
    """AutoGen's ``ChatCompletionCache`` with ``tool_choice`` in the cache key.

    Without it, a turn forced to call a tool and the same turn left free ("auto") would
    share an entry. The choice is set for the duration of each call and folded into the
    key by :class:`FileCacheStore` (AutoGen's own key computation is private).
    """

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """The cached result for this request, or the wrapped client's (then stored)."""
        token = _TOOL_CHOICE.set(_tool_choice_key(tool_choice))
        try:
            return await super().create(
                messages,
                tools=tools,
                tool_choice=tool_choice,
                json_output=json_output,
                extra_create_args=extra_create_args,
                cancellation_token=cancellation_token,
            )
        finally:
            _TOOL_CHOICE.reset(token)

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """The cached stream for this request, or the wrapped client's (stored once complete)."""
        stream = super().create_stream(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        )
        choice = _tool_choice_key(tool_choice)
        while True:
            # The key is computed inside the parent's generator: set the choice around each step.
            token = _TOOL_CHOICE.set(choice)
            try:
                item = await anext(stream)
            except StopAsyncIteration:
                return
            finally:
                _TOOL_CHOICE.reset(token)
            yield item


def cache_namespace(**identity: Any) -> str:
    """A folder name for one model and its sampling settings: readable prefix + hash of it all."""
    blob = json.dumps(identity, sort_keys=True, default=str)
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{identity.get('backend', 'llm')}-{identity.get('model', '')}")[:60]
    return f"{label.strip('-')}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def cached_client(client: ChatCompletionClient, directory: Path, **identity: Any) -> ModelResponseCache:
    """``client`` behind a file cache in ``directory / cache_namespace(**identity)``."""
    return ModelResponseCache(client, FileCacheStore(directory / cache_namespace(**identity)))
