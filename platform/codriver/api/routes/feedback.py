"""Feedback on a trip or on one of its places."""

from __future__ import annotations

from fastapi import APIRouter, status

from codriver.api._deps import CurrentUser, SessionDep, TripDep
from codriver.api._trip_schemas import FeedbackCreate, FeedbackPublic
from codriver.store import Feedback, add_feedback, list_feedback

router = APIRouter(prefix="/trips/{trip_id}/feedback", tags=["feedback"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=FeedbackPublic)
def give(body: FeedbackCreate, trip: TripDep, session: SessionDep, principal: CurrentUser) -> Feedback:
    """Rate the trip (1..5), or one place of it with ``place_id``."""
    assert trip.id is not None
    return add_feedback(
        session,
        user_id=principal.user_id,
        trip_id=trip.id,
        rating=body.rating,
        comment=body.comment,
        place_id=body.place_id,
    )


@router.get("", response_model=list[FeedbackPublic])
def read(trip: TripDep, session: SessionDep, principal: CurrentUser) -> list[Feedback]:
    """Your feedback on the trip."""
    assert trip.id is not None
    return list(list_feedback(session, user_id=principal.user_id, trip_id=trip.id))
