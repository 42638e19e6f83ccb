"""The SSE stream: replays from the database after Last-Event-ID, then wakes on new notices."""

from __future__ import annotations

import asyncio
import json

import anyio
from api_support import Api

from codriver.api._sse import notice_stream


def _events(chunks: list[str]) -> list[dict[str, object]]:
    out = []
    for chunk in chunks:
        fields = dict(line.split(": ", 1) for line in chunk.strip().splitlines() if not line.startswith(":"))
        if "data" in fields:
            out.append({"id": int(fields["id"]), "event": fields["event"], **json.loads(fields["data"])})
    return out


def test_replay_after_last_event_id_then_live(api: Api) -> None:
    ann = api.user()
    trip = api.plan(ann)
    trips = api.services.trips
    trips.publish(trip["id"], "reminder", {"message": "leave in 15 min"}, dedupe_key="reminder")
    trips.publish(trip["id"], "reminder", {"message": "again"}, dedupe_key="reminder")  # deduplicated

    async def scenario() -> tuple[list[str], list[str]]:
        everything = [c async for c in notice_stream(api.services, trip["id"], after=0, max_events=2)]
        first_id = _events(everything)[0]["id"]
        received: list[str] = []

        async def follow() -> None:
            async for chunk in notice_stream(api.services, trip["id"], after=int(first_id), max_events=2):  # type: ignore[call-overload]
                received.append(chunk)

        async with anyio.create_task_group() as group:
            group.start_soon(follow)
            await asyncio.sleep(0.1)
            await anyio.to_thread.run_sync(
                lambda: trips.publish(trip["id"], "alert", {"message": "closed"}, dedupe_key="a1")
            )
        return everything, received

    everything, received = anyio.run(scenario)
    kinds = [e["event"] for e in _events(everything)]
    assert kinds == ["itinerary", "reminder"]
    assert _events(everything)[0]["version"] == 1
    assert everything[0].startswith("retry: 2000")
    assert [e["event"] for e in _events(received)] == ["reminder", "alert"]  # replayed, then live
    assert api.services.hub.subscribers(trip["id"]) == 0  # unsubscribed when the stream ended
