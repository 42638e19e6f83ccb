"""Share links in the database, on SQLite and PostgreSQL: found by token hash, revoked, gone with their trip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from codriver.errors import InputError
from codriver.store import (
    MAX_ACTIVE_SHARES,
    RecordNotFound,
    Trip,
    TripShare,
    User,
    create_share,
    list_shares,
    migrate,
    revoke_share,
    session_scope,
    shared_trip,
)

AT = datetime(2026, 12, 13, 9, 0, tzinfo=UTC)


def test_share_links_open_until_revoked_and_go_with_their_trip(any_engine: Engine) -> None:
    migrate(any_engine)
    with session_scope(any_engine) as session:
        user = User(email="ann@example.org")
        session.add(user)
        session.flush()
        assert user.id is not None
        trip = Trip(user_id=user.id, title="Museums, Sun 13 Dec")
        other = Trip(user_id=user.id, title="Another day")
        session.add_all([trip, other])
        session.flush()
        assert trip.id is not None
        assert other.id is not None
        trip_id, other_id = trip.id, other.id
        share = create_share(session, trip_id=trip_id, token_hash="a" * 64, at=AT)
        share_id = share.id
        assert share_id is not None
    with session_scope(any_engine) as session:
        found, opened = shared_trip(session, token_hash="a" * 64)
        assert (found.id, opened.id, found.created_at) == (share_id, trip_id, AT)
        with pytest.raises(RecordNotFound):
            shared_trip(session, token_hash="b" * 64)
        with pytest.raises(RecordNotFound):  # a link is revoked through its own trip only
            revoke_share(session, trip_id=other_id, share_id=share_id, at=AT)
        revoke_share(session, trip_id=trip_id, share_id=share_id, at=AT)
    with session_scope(any_engine) as session:
        with pytest.raises(RecordNotFound):
            shared_trip(session, token_hash="a" * 64)
        assert [s.revoked_at for s in list_shares(session, trip_id=trip_id)] == [AT]
        for n in range(MAX_ACTIVE_SHARES):
            create_share(session, trip_id=trip_id, token_hash=f"{n:064d}", at=AT)
        with pytest.raises(InputError):
            create_share(session, trip_id=trip_id, token_hash="c" * 64, at=AT)
    with session_scope(any_engine) as session:
        session.delete(session.get(Trip, trip_id))
    with session_scope(any_engine) as session:
        assert session.exec(select(TripShare)).all() == []
