"""A small time-to-live cache (credentials -> principal), safe across threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["TtlCache"]

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Values kept for ``ttl_s`` seconds, at most ``size`` of them (oldest dropped first)."""

    def __init__(self, *, ttl_s: float, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self.clock = clock
        self._items: dict[str, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        """The value, if stored less than ``ttl_s`` ago."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if self.clock() - item[0] > self.ttl_s:
                del self._items[key]
                return None
            return item[1]

    def put(self, key: str, value: V) -> None:
        """Store ``value`` (no-op when the TTL is zero)."""
        if self.ttl_s <= 0:
            return
        with self._lock:
            if len(self._items) >= self.size:
                self._items.pop(next(iter(self._items)))
            self._items[key] = (self.clock(), value)

    def drop(self, key: str) -> None:
        """Forget ``key`` (a revoked token, a rotated key)."""
        with self._lock:
            self._items.pop(key, None)
