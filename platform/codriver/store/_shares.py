"""Data functions for the read-only share links of trips.

A link's token is random (256 bits) and only its SHA-256 is stored, like a bearer token:
the owner sees the token once, when the link is created. A revoked link stays as a row
(with ``revoked_at``) so the owner can see what was shared and when it stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, func, select

from codriver.errors import InputError
from codriver.store._errors import RecordNotFound
from codriver.store.models import Trip, TripShare

__all__ = ["MAX_ACTIVE_SHARES", "create_share", "list_shares", "revoke_share", "shared_trip"]

#: Links of one trip that may be open at once (revoke one to make another).
MAX_ACTIVE_SHARES = 10


def create_share(session: Session, *, trip_id: int, token_hash: str, at: datetime) -> TripShare:
    """A new link to ``trip_id`` for the token with SHA-256 ``token_hash``.

    :class:`InputError` when the trip already has :data:`MAX_ACTIVE_SHARES` open links.
    """
    active = session.exec(
        select(func.count())
        .select_from(TripShare)
        .where(TripShare.trip_id == trip_id, col(TripShare.revoked_at).is_(None))
    ).one()
    if active >= MAX_ACTIVE_SHARES:
        msg = f"trip {trip_id} has {active} open share links already: revoke one first"
        raise InputError(msg, field="trip_id")
    share = TripShare(trip_id=trip_id, token_hash=token_hash, created_at=at)
    session.add(share)
    session.flush()
    return share


def list_shares(session: Session, *, trip_id: int) -> Sequence[TripShare]:
    """Every link of the trip, open and revoked, newest first."""
    return session.exec(select(TripShare).where(TripShare.trip_id == trip_id).order_by(col(TripShare.id).desc())).all()


def revoke_share(session: Session, *, trip_id: int, share_id: int, at: datetime) -> TripShare:
    """Close the link ``share_id`` of ``trip_id`` (again: no change); :class:`RecordNotFound` otherwise."""
    share = session.get(TripShare, share_id)
    if share is None or share.trip_id != trip_id:
        msg = f"trip {trip_id} has no share link {share_id}: list them with GET /v1/trips/{trip_id}/shares"
        raise RecordNotFound(msg, field="share_id")
    if share.revoked_at is None:
        share.revoked_at = at
        session.add(share)
        session.flush()
    return share


def shared_trip(session: Session, *, token_hash: str) -> tuple[TripShare, Trip]:
    """The open link with this token hash and its trip; :class:`RecordNotFound` when unknown or revoked."""
    found = session.exec(
        select(TripShare, Trip)
        .join(Trip, col(Trip.id) == col(TripShare.trip_id))
        .where(TripShare.token_hash == token_hash, col(TripShare.revoked_at).is_(None))
    ).first()
    if found is None:
        msg = "this share link is unknown or has been revoked: ask the trip's owner for a new one"
        raise RecordNotFound(msg, field="token")
    return found[0], found[1]
