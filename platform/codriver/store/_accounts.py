"""Data functions for users, access tokens, vehicles (with their latest state) and preferences.

Every function that takes a ``user_id`` returns only that user's records: a foreign ID is a
:class:`RecordNotFound`, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from codriver.errors import InputError
from codriver.store._errors import RecordNotFound
from codriver.store._types import utcnow
from codriver.store.models import AccessToken, Preferences, User, Vehicle

__all__ = [
    "create_user",
    "delete_token",
    "get_preferences",
    "issue_token",
    "list_vehicles",
    "owned_vehicle",
    "update_preferences",
    "update_vehicle_state",
    "user_by_email",
    "user_for_token",
    "vehicle_for_key",
]


def create_user(session: Session, *, email: str, password_hash: str, display_name: str | None) -> User:
    """A new user; an e-mail address already registered is an :class:`InputError` on ``email``."""
    user = User(email=email.strip().lower(), password_hash=password_hash, display_name=display_name)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        msg = f"{email} is already registered: sign in instead"
        raise InputError(msg, field="email") from exc
    return user


def user_by_email(session: Session, *, email: str) -> User | None:
    """The user registered with ``email`` (case-insensitive), if any."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def issue_token(session: Session, *, user_id: int, token_hash: str, expires_at: datetime) -> AccessToken:
    """Store the SHA-256 of a new bearer token of ``user_id``, valid until ``expires_at``."""
    token = AccessToken(user_id=user_id, token_hash=token_hash, expires_at=expires_at)
    session.add(token)
    session.flush()
    return token


def user_for_token(session: Session, *, token_hash: str, now: datetime) -> User | None:
    """The user of an unexpired token, or None."""
    return session.exec(
        select(User)
        .join(AccessToken, col(AccessToken.user_id) == col(User.id))
        .where(AccessToken.token_hash == token_hash, col(AccessToken.expires_at) > now)
    ).first()


def delete_token(session: Session, *, token_hash: str) -> None:
    """Revoke a token (no error when it does not exist)."""
    token = session.exec(select(AccessToken).where(AccessToken.token_hash == token_hash)).first()
    if token is not None:
        session.delete(token)


def vehicle_for_key(session: Session, *, key_hash: str) -> Vehicle | None:
    """The vehicle whose head-unit API key has this SHA-256, or None."""
    return session.exec(select(Vehicle).where(Vehicle.api_key_hash == key_hash)).first()


def list_vehicles(session: Session, *, user_id: int) -> Sequence[Vehicle]:
    """The user's vehicles, oldest first."""
    return session.exec(select(Vehicle).where(Vehicle.user_id == user_id).order_by(col(Vehicle.id))).all()


def owned_vehicle(session: Session, *, user_id: int, vehicle_id: int) -> Vehicle:
    """The user's vehicle ``vehicle_id``; :class:`RecordNotFound` when missing or someone else's."""
    vehicle = session.get(Vehicle, vehicle_id)
    if vehicle is None or vehicle.user_id != user_id:
        msg = f"no vehicle {vehicle_id}: list yours with GET /v1/vehicles"
        raise RecordNotFound(msg, field="vehicle_id")
    return vehicle


def update_vehicle_state(
    session: Session,
    *,
    vehicle_id: int,
    recorded_at: datetime,
    values: Mapping[str, Any],
) -> bool:
    """Store a state reported at ``recorded_at`` unless a newer (or equally old) one is stored.

    One conditional UPDATE, so concurrent, duplicate and out-of-order reports never let an
    older state overwrite a newer one. Returns whether this report was applied.
    """
    allowed = {"lat", "lon", "speed_kph", "soc", "fuel_level", "outside_c"}
    unknown = set(values) - allowed
    if unknown:
        msg = f"unknown vehicle state fields {sorted(unknown)}"
        raise InputError(msg, field=sorted(unknown)[0])
    statement = (
        update(Vehicle)
        .where(col(Vehicle.id) == vehicle_id)
        .where(or_(col(Vehicle.state_at).is_(None), col(Vehicle.state_at) < recorded_at))
        .values(state_at=recorded_at, **{k: v for k, v in values.items() if v is not None})
        .execution_options(synchronize_session=False)
    )
    result = session.execute(statement)
    applied = bool(getattr(result, "rowcount", 0))
    if applied:
        vehicle = session.get(Vehicle, vehicle_id)
        if vehicle is not None:
            session.refresh(vehicle)
    return applied


def get_preferences(session: Session, *, user_id: int) -> Preferences:
    """The user's preferences, created with defaults on first use.

    Idempotent under concurrency: the row is inserted with ``ON CONFLICT DO NOTHING``, so
    ten first requests of a new user at once all read the same single row.
    """
    prefs = session.exec(select(Preferences).where(Preferences.user_id == user_id)).first()
    if prefs is None:
        defaults = Preferences(user_id=user_id).model_dump(exclude={"id"})
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
        statement = insert(Preferences).values(**defaults).on_conflict_do_nothing(index_elements=["user_id"])
        session.execute(statement)
        prefs = session.exec(select(Preferences).where(Preferences.user_id == user_id)).one()
    return prefs


def update_preferences(session: Session, *, user_id: int, changes: Mapping[str, Any]) -> Preferences:
    """Apply ``changes`` (field -> value) to the user's preferences."""
    prefs = get_preferences(session, user_id=user_id)
    for key, value in changes.items():
        setattr(prefs, key, value)
    prefs.updated_at = utcnow()
    session.add(prefs)
    session.flush()
    return prefs
