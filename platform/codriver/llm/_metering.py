"""Counting model calls and tokens per logical operation (a plan, a re-plan, a scenario step).

Wrap the client an agent team uses in :class:`MeteredChatClient` and run each operation
inside ``meter.operation("plan")``: every call made while it runs, in any task started
from it, is added to that operation's :class:`Usage`. Calls answered from the response
cache count as calls (``cached_calls`` says how many) with the tokens they originally
took, so figures per operation do not depend on the cache being warm.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from autogen_core.models import ChatCompletionClient, CreateResult

from codriver.llm._wrappers import DelegatingChatClient

__all__ = ["DEFAULT_OPERATION", "Meter", "MeteredChatClient", "Usage"]

DEFAULT_OPERATION = "unattributed"


@dataclass
class Usage:
    """Model calls and tokens of one operation."""

    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    def as_dict(self) -> dict[str, int]:
        """Plain numbers for reports."""
        return {
            "calls": self.calls,
            "cached_calls": self.cached_calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }


class Meter:
    """Usage per operation name, filled by :class:`MeteredChatClient`; safe across tasks and threads."""

    def __init__(self) -> None:
        self._usage: dict[str, Usage] = {}
        self._lock = threading.Lock()
        self._current: contextvars.ContextVar[str] = contextvars.ContextVar(
            f"codriver_llm_operation_{id(self)}", default=DEFAULT_OPERATION
        )

    @contextmanager
    def operation(self, name: str) -> Iterator[Usage]:
        """Attribute the calls made inside this block to ``name``; yields its live :class:`Usage`.

        Re-entering a name adds to it; an inner operation takes the calls made inside it.
        """
        usage = self._entry(name)
        token = self._current.set(name)
        try:
            yield usage
        finally:
            self._current.reset(token)

    def _entry(self, name: str) -> Usage:
        with self._lock:
            return self._usage.setdefault(name, Usage())

    def record(self, result: CreateResult) -> None:
        """Add one finished call to the current operation."""
        usage = self._entry(self._current.get())
        with self._lock:
            usage.calls += 1
            usage.cached_calls += int(result.cached)
            usage.prompt_tokens += result.usage.prompt_tokens
            usage.completion_tokens += result.usage.completion_tokens

    def usage(self, name: str) -> Usage:
        """A copy of the usage recorded for ``name`` (zeros when none)."""
        with self._lock:
            found = self._usage.get(name, Usage())
            return Usage(found.calls, found.cached_calls, found.prompt_tokens, found.completion_tokens)

    def report(self) -> Mapping[str, Usage]:
        """Copies of the usage of every operation seen, by name."""
        with self._lock:
            names = list(self._usage)
        return {name: self.usage(name) for name in names}

    def total(self) -> Usage:
        """The sum over all operations."""
        total = Usage()
        for usage in self.report().values():
            total.calls += usage.calls
            total.cached_calls += usage.cached_calls
            total.prompt_tokens += usage.prompt_tokens
            total.completion_tokens += usage.completion_tokens
        return total


class MeteredChatClient(DelegatingChatClient):
    """Passes every call to ``client`` and records its outcome in ``meter``."""

    def __init__(self, client: ChatCompletionClient, meter: Meter) -> None:
        super().__init__(client)
        self.meter = meter

    def observe(self, result: CreateResult) -> None:
        """Record every final result, streamed or not."""
        self.meter.record(result)
