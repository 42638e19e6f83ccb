"""The head-unit's trip API: next stop with recommendations, events that re-plan, decisions."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Response, status

from codriver.api._deps import AnyPrincipal, HeadUnitTrip, ServicesDep
from codriver.api._nextstop import next_stop
from codriver.api._ports import TripChange
from codriver.api._services import Services
from codriver.api._settings import MAX_ID
from codriver.api._trip_schemas import Decision, NextPublic, RecommendationPublic, TripEventIn, TripEventPublic
from codriver.errors import InputError
from codriver.store import (
    TripEvent,
    decide_recommendation,
    get_preferences,
    record_event,
    session_scope,
    trip_recommendation,
)

router = APIRouter(prefix="/trips/{trip_id}", tags=["head-unit"])


@router.get("/next", response_model=NextPublic)
async def next_(
    trip_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: AnyPrincipal, services: ServicesDep
) -> Response:
    """The next stop, its ETA from the car's last position, and places worth a stop before it.

    (The hot path of every head-unit: ownership is checked in the same transaction that
    reads the trip, and the model is serialised once, not validated again.)
    """
    answer = await next_stop(services, trip_id, principal.user_id)
    return Response(answer.model_dump_json(), media_type="application/json")


@router.post(
    "/events",
    status_code=status.HTTP_201_CREATED,
    response_model=TripEventPublic,
    responses={200: {"model": TripEventPublic, "description": "this idempotency key was seen before"}},
)
async def event(body: TripEventIn, trip: HeadUnitTrip, services: ServicesDep, response: Response) -> TripEventPublic:
    """Report a delay, a closure, a broken charger or a wish: the trip is re-planned (a new version).

    Sending the same ``idempotency_key`` again returns the first answer and re-plans nothing.
    """
    assert trip.id is not None
    trip_id = trip.id
    if trip.current_version == 0:
        msg = f"trip {trip_id} has no plan yet: plan it first (POST /v1/plan)"
        raise InputError(msg, field="trip_id")
    payload = body.model_dump(mode="json", exclude={"kind", "occurred_at", "idempotency_key"})

    def store() -> tuple[int, bool, dict[str, object]]:
        with session_scope(services.engine) as session:
            row, created = record_event(
                session,
                trip_id=trip_id,
                kind=body.kind,
                payload=payload,
                occurred_at=body.occurred_at,
                idempotency_key=body.idempotency_key,
            )
            assert row.id is not None
            return row.id, created, dict(row.payload)

    event_id, created, stored = await anyio.to_thread.run_sync(store)
    if not created:
        response.status_code = status.HTTP_200_OK
        result = stored.get("_result") if isinstance(stored.get("_result"), dict) else {}
        assert isinstance(result, dict)
        return TripEventPublic(
            id=event_id,
            kind=body.kind,
            duplicate=True,
            itinerary_version=result.get("version"),
            explanation=result.get("explanation"),
        )
    change = TripChange(
        kind=body.kind,
        minutes=getattr(body, "minutes", None),
        poi_id=getattr(body, "poi_id", None),
        category=getattr(body, "category", None),
        text=getattr(body, "text", None) or getattr(body, "note", None),
    )
    try:
        version, explanation = await services.trips.apply_change(trip_id, change)
    except InputError:  # nothing was planned: the event is forgotten too, so a retry is a new event
        await anyio.to_thread.run_sync(lambda: _forget(services, event_id))
        raise

    def remember() -> None:
        with session_scope(services.engine) as session:
            row = session.get(TripEvent, event_id)
            if row is not None:
                row.payload = {**row.payload, "_result": {"version": version, "explanation": explanation}}
                session.add(row)

    await anyio.to_thread.run_sync(remember)
    return TripEventPublic(
        id=event_id, kind=body.kind, duplicate=False, itinerary_version=version, explanation=explanation
    )


def _forget(services: Services, event_id: int) -> None:
    with session_scope(services.engine) as session:
        row = session.get(TripEvent, event_id)
        if row is not None:
            session.delete(row)


@router.post("/recommendations/{recommendation_id}/decision", response_model=RecommendationPublic)
async def decide(
    body: Decision,
    trip: HeadUnitTrip,
    recommendation_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    principal: AnyPrincipal,
    services: ServicesDep,
) -> RecommendationPublic:
    """Accept a recommendation (the trip is re-planned to include it) or reject it (never suggested again)."""
    assert trip.id is not None
    trip_id, user_id = trip.id, principal.user_id

    def store() -> tuple[RecommendationPublic, bool, str]:
        with session_scope(services.engine) as session:
            row = trip_recommendation(session, trip_id=trip_id, recommendation_id=recommendation_id)
            first = row.outcome == "pending"
            if not first and row.outcome != body.outcome:
                msg = f"recommendation {recommendation_id} was already {row.outcome}"
                raise InputError(msg, field="outcome")
            if first:
                decide_recommendation(
                    session, row=row, outcome=body.outcome, reason=body.reason, at=services.clock.now()
                )
                if body.outcome == "rejected":
                    prefs = get_preferences(session, user_id=user_id)
                    if row.place_id not in prefs.rejected_place_ids:
                        prefs.rejected_place_ids = [*prefs.rejected_place_ids, row.place_id]
                        session.add(prefs)
            assert row.id is not None
            public = RecommendationPublic(
                id=row.id,
                poi_id=row.place_id,
                name=row.context.get("name"),
                category=row.context.get("category"),
                explanation=row.explanation,
                detour_s=row.context.get("detour_s"),
                outcome=row.outcome,
            )
            return public, first, row.place_id

    public, first, poi_id = await anyio.to_thread.run_sync(store)
    if first and body.outcome == "accepted":
        await services.trips.apply_change(trip_id, TripChange(kind="accepted_place", poi_id=poi_id, text=body.reason))
    return public
