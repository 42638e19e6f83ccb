"""Server-sent events of a trip: new itinerary versions, reminders, alerts, commands, summaries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from codriver.api._deps import AnyPrincipal, HeadUnitTrip, ServicesDep, bearer, recheck
from codriver.api._settings import MAX_ID
from codriver.api._sse import notice_stream

router = APIRouter(prefix="/trips/{trip_id}", tags=["head-unit"])


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "SSE: id, event (kind), data (JSON)"}},
)
async def stream(
    trip: HeadUnitTrip,
    services: ServicesDep,
    principal: AnyPrincipal,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    *,
    last_event_id: Annotated[str | None, Header(max_length=10, pattern=r"^\d*$")] = None,
    after: Annotated[
        int | None, Query(ge=0, le=MAX_ID, description="replay notices after this ID (as Last-Event-ID)")
    ] = None,
) -> StreamingResponse:
    """Follow the trip. Reconnect with ``Last-Event-ID`` to get every notice missed meanwhile.

    The stream checks its credential every few seconds (``ApiSettings.sse_recheck_s``):
    after the key is rotated, the token signed out or the trip deleted it sends a
    ``revoked`` event and ends.
    """
    assert trip.id is not None
    assert credentials is not None  # AnyPrincipal answered 401 otherwise
    trip_id, secret = trip.id, credentials.credentials
    start = min(int(last_event_id), MAX_ID) if last_event_id else (after or 0)

    async def still_allowed() -> bool:
        return await recheck(services, secret, principal, trip_id)

    return StreamingResponse(
        notice_stream(services, trip_id, after=start, still_allowed=still_allowed),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
