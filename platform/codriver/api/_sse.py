"""Server-sent events over ``StreamingResponse``: replay from the database, then follow live.

Each notice is a database row; its ID is the SSE ``id``. A stream first sends every
notice after ``Last-Event-ID``, then waits on the in-process hub (instant) or a short
poll (notices written by another process), so a reconnecting head-unit loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio

from codriver.api._services import Services
from codriver.store import TripNotice, notices_after, session_scope

__all__ = ["REVOKED", "format_event", "notice_stream"]

#: The last message of a stream whose credential stopped working (the client's reconnect then gets 401).
REVOKED = 'event: revoked\ndata: {"detail":"the credential of this stream was revoked: sign in again"}\n\n'


def format_event(notice: TripNotice) -> str:
    """One SSE message: ``id``, ``event`` (the notice kind) and one line of JSON ``data``."""
    data = json.dumps(
        {"id": notice.id, "kind": notice.kind, "at": notice.created_at.isoformat(), **notice.payload},
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return f"id: {notice.id}\nevent: {notice.kind}\ndata: {data}\n\n"


def _fetch(services: Services, trip_id: int, after: int) -> list[TripNotice]:
    with session_scope(services.engine) as session:
        return list(notices_after(session, trip_id=trip_id, after_id=after))


async def notice_stream(
    services: Services,
    trip_id: int,
    *,
    after: int = 0,
    max_events: int | None = None,
    still_allowed: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """The trip's notices after ``after`` as SSE text, forever (or until ``max_events`` were sent).

    ``still_allowed`` is asked every ``ApiSettings.sse_recheck_s`` seconds (and before the
    first event): once it answers False (a rotated key, a signed-out token, a deleted
    trip) the stream sends one ``revoked`` event and ends, so nothing more is delivered.
    """
    wake = services.hub.subscribe(trip_id)
    last, sent = after, 0
    quiet_since = time.monotonic()
    checked_at = float("-inf")
    try:
        yield "retry: 2000\n: connected\n\n"
        while max_events is None or sent < max_events:
            if still_allowed is not None and time.monotonic() - checked_at >= services.api.sse_recheck_s:
                if not await still_allowed():
                    yield REVOKED
                    return
                checked_at = time.monotonic()
            wake.clear()
            rows = await anyio.to_thread.run_sync(_fetch, services, trip_id, last)
            for row in rows:
                assert row.id is not None
                last = row.id
                sent += 1
                yield format_event(row)
                if max_events is not None and sent >= max_events:
                    return
            if rows:
                quiet_since = time.monotonic()
                continue
            try:
                await asyncio.wait_for(wake.wait(), timeout=services.api.sse_poll_s)
            except TimeoutError:
                if time.monotonic() - quiet_since >= services.api.sse_keepalive_s:
                    quiet_since = time.monotonic()
                    yield ": keepalive\n\n"
    finally:
        services.hub.unsubscribe(trip_id, wake)
