"""Data functions for what happens to a trip: events in, notices out, recommendations, feedback."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from codriver.store._errors import RecordNotFound
from codriver.store.models import Feedback, Recommendation, TripEvent, TripNotice

__all__ = [
    "add_feedback",
    "add_notice",
    "add_recommendations",
    "decide_recommendation",
    "list_feedback",
    "notices_after",
    "pending_recommendations",
    "record_event",
    "trip_recommendation",
]


def record_event(
    session: Session,
    *,
    trip_id: int,
    kind: str,
    payload: Mapping[str, Any],
    occurred_at: datetime,
    idempotency_key: str | None,
) -> tuple[TripEvent, bool]:
    """Store an event; with a key seen before, the first event is returned and ``created`` is False."""
    if idempotency_key is not None:
        existing = session.exec(
            select(TripEvent).where(TripEvent.trip_id == trip_id, TripEvent.idempotency_key == idempotency_key)
        ).first()
        if existing is not None:
            return existing, False
    event = TripEvent(
        trip_id=trip_id, kind=kind, payload=dict(payload), idempotency_key=idempotency_key, occurred_at=occurred_at
    )
    nested = session.begin_nested()
    session.add(event)
    try:
        session.flush()
    except IntegrityError:
        nested.rollback()
        existing = session.exec(
            select(TripEvent).where(TripEvent.trip_id == trip_id, TripEvent.idempotency_key == idempotency_key)
        ).one()
        return existing, False
    nested.commit()
    return event, True


def add_notice(
    session: Session,
    *,
    trip_id: int,
    kind: str,
    payload: Mapping[str, Any],
    dedupe_key: str | None = None,
) -> tuple[TripNotice, bool]:
    """Append a notice for the trip's listeners; a ``dedupe_key`` seen before returns the first one."""
    if dedupe_key is not None:
        existing = session.exec(
            select(TripNotice).where(TripNotice.trip_id == trip_id, TripNotice.dedupe_key == dedupe_key)
        ).first()
        if existing is not None:
            return existing, False
    notice = TripNotice(trip_id=trip_id, kind=kind, payload=dict(payload), dedupe_key=dedupe_key)
    nested = session.begin_nested()
    session.add(notice)
    try:
        session.flush()
    except IntegrityError:
        nested.rollback()
        existing = session.exec(
            select(TripNotice).where(TripNotice.trip_id == trip_id, TripNotice.dedupe_key == dedupe_key)
        ).one()
        return existing, False
    nested.commit()
    return notice, True


def notices_after(session: Session, *, trip_id: int, after_id: int, limit: int = 100) -> Sequence[TripNotice]:
    """The trip's notices with an ID above ``after_id``, oldest first."""
    return session.exec(
        select(TripNotice)
        .where(TripNotice.trip_id == trip_id, col(TripNotice.id) > after_id)
        .order_by(col(TripNotice.id))
        .limit(limit)
    ).all()


def add_recommendations(session: Session, rows: Sequence[Recommendation]) -> list[Recommendation]:
    """Store recommendations shown to a user."""
    session.add_all(rows)
    session.flush()
    return list(rows)


def pending_recommendations(session: Session, *, trip_id: int, context_key: str) -> Sequence[Recommendation]:
    """Recommendations already computed for this trip situation (same ``context['key']``)."""
    rows = session.exec(
        select(Recommendation).where(Recommendation.trip_id == trip_id).order_by(col(Recommendation.rank))
    ).all()
    return [r for r in rows if r.context.get("key") == context_key]


def trip_recommendation(session: Session, *, trip_id: int, recommendation_id: int) -> Recommendation:
    """One recommendation of the trip; :class:`RecordNotFound` otherwise."""
    row = session.get(Recommendation, recommendation_id)
    if row is None or row.trip_id != trip_id:
        msg = f"trip {trip_id} has no recommendation {recommendation_id}"
        raise RecordNotFound(msg, field="recommendation_id")
    return row


def decide_recommendation(
    session: Session, *, row: Recommendation, outcome: str, reason: str | None, at: datetime
) -> Recommendation:
    """Record what the user did with a recommendation."""
    row.outcome = outcome
    row.outcome_reason = reason
    row.decided_at = at
    session.add(row)
    session.flush()
    return row


def add_feedback(
    session: Session, *, user_id: int, trip_id: int, rating: int, comment: str | None, place_id: str | None
) -> Feedback:
    """Store a rating of a trip (or of one place on it)."""
    row = Feedback(user_id=user_id, trip_id=trip_id, rating=rating, comment=comment, place_id=place_id)
    session.add(row)
    session.flush()
    return row


def list_feedback(session: Session, *, user_id: int, trip_id: int) -> Sequence[Feedback]:
    """The user's feedback on a trip, oldest first."""
    return session.exec(
        select(Feedback).where(Feedback.user_id == user_id, Feedback.trip_id == trip_id).order_by(col(Feedback.id))
    ).all()
