"""An event loop in a daemon thread, for adapters that sync code (the planning engine) calls.

An ``httpx.AsyncClient`` keeps its connections on the event loop that opened them; a client
used from a new ``asyncio.run`` each call, or from two loops, breaks. An adapter that owns a
:class:`BackgroundLoop` sends every request through that one loop: sync callers block on
:meth:`BackgroundLoop.run`, async callers in any other loop await :meth:`BackgroundLoop.run_async`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["BackgroundLoop"]

T = TypeVar("T")


class BackgroundLoop:
    """One event loop, started in a daemon thread on first use."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _running(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name=self.name, daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """The coroutine's result, run on the background loop; blocks the calling thread."""
        if threading.current_thread() is self._thread:
            coro.close()
            msg = f"{self.name}: a blocking call from inside its own event loop would never return"
            raise RuntimeError(msg)
        return asyncio.run_coroutine_threadsafe(coro, self._running()).result()

    async def run_async(self, coro: Coroutine[Any, Any, T]) -> T:
        """The coroutine's result, run on the background loop, awaited from the caller's loop."""
        if threading.current_thread() is self._thread:
            return await coro
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._running()))

    def close(self) -> None:
        """Stop the loop and its thread (a later call starts a new one)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()
