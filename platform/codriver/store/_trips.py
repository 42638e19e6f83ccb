"""Data functions for trips and their versioned itineraries.

Itinerary versions are appended optimistically: the next version is ``current + 1``, and
the unique ``(trip_id, version)`` constraint plus a compare-and-set on
``trip.current_version`` make two concurrent writers take different versions (the loser
re-reads and retries). Versions are never rewritten.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from codriver.errors import StoreError
from codriver.store._errors import RecordNotFound, StaleVersion
from codriver.store._types import utcnow
from codriver.store.db import session_scope
from codriver.store.models import ItineraryRow, Stop, Trip

__all__ = [
    "append_itinerary",
    "create_trip",
    "itinerary_version",
    "latest_itinerary",
    "list_trips",
    "list_versions",
    "owned_trip",
    "trip_by_id",
]


def create_trip(
    session: Session,
    *,
    user_id: int,
    title: str,
    request: Mapping[str, Any],
    vehicle_id: int | None = None,
    region_id: int | None = None,
) -> Trip:
    """A new draft trip of ``user_id`` for a TripRequest (as JSON)."""
    trip = Trip(user_id=user_id, title=title, request=dict(request), vehicle_id=vehicle_id, region_id=region_id)
    session.add(trip)
    session.flush()
    return trip


def owned_trip(session: Session, *, user_id: int, trip_id: int) -> Trip:
    """The user's trip ``trip_id``; :class:`RecordNotFound` when missing or someone else's."""
    trip = session.get(Trip, trip_id)
    if trip is None or trip.user_id != user_id:
        msg = f"no trip {trip_id}: list yours with GET /v1/trips"
        raise RecordNotFound(msg, field="trip_id")
    return trip


def trip_by_id(session: Session, *, trip_id: int) -> Trip:
    """The trip ``trip_id`` whoever owns it (for background jobs, never for requests)."""
    trip = session.get(Trip, trip_id)
    if trip is None:
        msg = f"no trip {trip_id}"
        raise RecordNotFound(msg, field="trip_id")
    return trip


def list_trips(session: Session, *, user_id: int, limit: int = 50, offset: int = 0) -> Sequence[Trip]:
    """The user's trips, newest first."""
    return session.exec(
        select(Trip).where(Trip.user_id == user_id).order_by(col(Trip.id).desc()).offset(offset).limit(limit)
    ).all()


def list_versions(session: Session, *, trip_id: int) -> Sequence[ItineraryRow]:
    """Every itinerary version of the trip, oldest first."""
    query = select(ItineraryRow).where(ItineraryRow.trip_id == trip_id).order_by(col(ItineraryRow.version))
    return session.exec(query).all()


def itinerary_version(session: Session, *, trip_id: int, version: int) -> ItineraryRow:
    """One version; :class:`RecordNotFound` (field ``version``) when the trip has no such version."""
    query = select(ItineraryRow).where(ItineraryRow.trip_id == trip_id, ItineraryRow.version == version)
    row = session.exec(query).first()
    if row is None:
        msg = f"trip {trip_id} has no itinerary version {version}: list them with GET /v1/trips/{trip_id}/itineraries"
        raise RecordNotFound(msg, field="version")
    return row


def latest_itinerary(session: Session, *, trip_id: int) -> ItineraryRow | None:
    """The newest version, or None before the first plan."""
    return session.exec(
        select(ItineraryRow).where(ItineraryRow.trip_id == trip_id).order_by(col(ItineraryRow.version).desc()).limit(1)
    ).first()


class _LostRace(Exception):
    """Another writer moved ``trip.current_version`` first."""


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else None


def _stops(itinerary_id: int, document: Mapping[str, Any]) -> list[Stop]:
    rows = []
    for seq, stop in enumerate(document.get("stops") or []):
        rows.append(
            Stop(
                itinerary_id=itinerary_id,
                seq=seq,
                place_id=stop.get("poi_id"),
                name=stop.get("name"),
                kind=str(stop.get("kind", "visit"))[:8],
                lat=float(stop["lat"]),
                lon=float(stop["lon"]),
                arrive_at=_when(stop.get("arrive_at")),
                depart_at=_when(stop.get("depart_at")),
                explanation=stop.get("explanation"),
            )
        )
    return rows


def _append_once(
    engine: Engine,
    trip_id: int,
    document: Mapping[str, Any],
    *,
    status: str,
    reason: str | None,
    expected: int | None,
    trip_values: Mapping[str, Any],
) -> ItineraryRow:
    with session_scope(engine) as session:
        trip = session.get(Trip, trip_id)
        if trip is None:
            msg = f"no trip {trip_id}"
            raise RecordNotFound(msg, field="trip_id")
        current = trip.current_version
        if expected is not None and current != expected:
            msg = f"trip {trip_id} is at itinerary version {current}, not {expected}: reload it"
            raise StaleVersion(msg, current=current)
        row = ItineraryRow(trip_id=trip_id, version=current + 1, status=status, document=dict(document), reason=reason)
        session.add(row)
        session.flush()
        moved = session.execute(
            update(Trip)
            .where(col(Trip.id) == trip_id, col(Trip.current_version) == current)
            .values(
                current_version=current + 1,
                updated_at=utcnow(),
                status="planned" if trip.status == "draft" else trip.status,
                **trip_values,
            )
            .execution_options(synchronize_session=False)
        )
        if not getattr(moved, "rowcount", 0):
            raise _LostRace
        assert row.id is not None
        session.add_all(_stops(row.id, document))
        return row


def append_itinerary(
    engine: Engine,
    *,
    trip_id: int,
    document: Mapping[str, Any],
    status: str,
    reason: str | None,
    expected_version: int | None = None,
    trip_values: Mapping[str, Any] | None = None,
    attempts: int = 8,
) -> ItineraryRow:
    """Store ``document`` as the trip's next itinerary version, in its own transaction.

    With ``expected_version`` the write only succeeds on top of that version
    (:class:`StaleVersion` otherwise); without it, a concurrent writer just pushes this
    one to the following version. The trip becomes ``planned`` if it was a draft;
    ``trip_values`` (e.g. the revised ``request``) are written to the trip in the same
    compare-and-set, so a request and its plan never come from different writers.
    """
    values = dict(trip_values or {})
    unknown = set(values) - {"request", "region_id", "vehicle_id", "title"}
    if unknown:
        msg = f"append_itinerary cannot set {sorted(unknown)} on a trip"
        raise ValueError(msg)
    for attempt in range(attempts):
        try:
            return _append_once(
                engine,
                trip_id,
                document,
                status=status,
                reason=reason,
                expected=expected_version,
                trip_values=values,
            )
        except (IntegrityError, OperationalError, _LostRace) as exc:
            if attempt == attempts - 1:
                msg = f"could not store a new itinerary version of trip {trip_id} after {attempts} attempts: {exc!r}"
                raise StoreError(msg) from exc
            time.sleep(0.005 * (attempt + 1))
    msg = f"could not store a new itinerary version of trip {trip_id}"
    raise StoreError(msg)
