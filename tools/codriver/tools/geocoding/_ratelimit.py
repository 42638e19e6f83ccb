"""Spacing requests in time: at most one per interval (Nominatim allows 1 per second)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """Lets callers through at least ``interval_s`` seconds apart, in arrival order.

    ``clock`` (monotonic seconds) and ``sleep`` are injectable so tests run on a fake
    clock. Share one limiter between every client of the same service.
    """

    def __init__(
        self,
        interval_s: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if interval_s < 0:
            msg = f"a rate limit interval must be >= 0 seconds, not {interval_s}"
            raise ValueError(msg)
        self.interval_s = interval_s
        self.clock = clock
        self.sleep = sleep
        self._next_at: float | None = None
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until the next call is allowed, then claim its slot."""
        async with self._lock:
            now = self.clock()
            if self._next_at is not None and now < self._next_at:
                await self.sleep(self._next_at - now)
                now = max(self.clock(), self._next_at)
            self._next_at = now + self.interval_s
