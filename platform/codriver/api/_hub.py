"""In-process publish/subscribe of trip notices: wakes the SSE streams of one trip at once.

The database is the record (every notice is a row whose ID is the SSE event ID); the hub
only says "look now". Streams also poll, so notices written by another process (the
separate scheduler) arrive too, a little later.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict

__all__ = ["NoticeHub"]


class NoticeHub:
    """Subscribers per trip; :meth:`notify` may be called from any thread."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(set)
        self._lock = threading.Lock()

    def subscribe(self, trip_id: int) -> asyncio.Event:
        """An event set whenever the trip gets a notice (call from the event loop)."""
        event = asyncio.Event()
        with self._lock:
            self._subscribers[trip_id].add((asyncio.get_running_loop(), event))
        return event

    def unsubscribe(self, trip_id: int, event: asyncio.Event) -> None:
        """Stop waking ``event``."""
        with self._lock:
            subscribers = self._subscribers.get(trip_id, set())
            for entry in [e for e in subscribers if e[1] is event]:
                subscribers.discard(entry)
            if not subscribers:
                self._subscribers.pop(trip_id, None)

    def notify(self, trip_id: int) -> int:
        """Wake every subscriber of the trip; returns how many there were."""
        with self._lock:
            entries = list(self._subscribers.get(trip_id, ()))
        for loop, event in entries:
            if loop.is_closed():
                continue
            loop.call_soon_threadsafe(event.set)
        return len(entries)

    def subscribers(self, trip_id: int) -> int:
        """How many streams follow the trip now."""
        with self._lock:
            return len(self._subscribers.get(trip_id, ()))
