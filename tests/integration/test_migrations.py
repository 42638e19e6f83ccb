"""The migration chain creates, downgrades and re-creates the schema on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import SQLModel, select

from codriver.store import ItineraryRow, Trip, User, Vehicle, migrate, session_scope
from codriver.store.db import alembic_config

TABLES = {
    "region",
    "place",
    "chargingstation",
    "user",
    "preferences",
    "vehicle",
    "trip",
    "itinerary",
    "stop",
    "tripevent",
    "recommendation",
    "feedback",
}


def test_full_chain_up_down_up(any_engine: Engine) -> None:
    config = alembic_config(any_engine)
    revisions = list(ScriptDirectory.from_config(config).walk_revisions())
    assert revisions, "no migration scripts found"
    migrate(any_engine)
    assert set(inspect(any_engine).get_table_names()) >= TABLES
    command.downgrade(config, "base")
    assert not TABLES & set(inspect(any_engine).get_table_names())
    migrate(any_engine)
    migrate(any_engine)  # idempotent
    assert set(inspect(any_engine).get_table_names()) >= TABLES


def test_migrations_match_the_models(any_engine: Engine) -> None:
    migrate(any_engine)
    with any_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_round_trip_keeps_aware_times_json_and_versions(any_engine: Engine) -> None:
    migrate(any_engine)
    helsinki = timezone(timedelta(hours=2))
    departure = datetime(2026, 6, 1, 9, 30, tzinfo=helsinki)
    with session_scope(any_engine) as session:
        user = User(email="a@example.org")
        session.add(user)
        session.flush()
        assert user.id is not None
        vehicle = Vehicle(user_id=user.id, name="Ioniq", powertrain="ev", battery_kwh=77.4, connectors=["ccs"], soc=0.4)
        trip = Trip(user_id=user.id, title="Day out", request={"depart_at": departure.isoformat()})
        session.add_all([vehicle, trip])
        session.flush()
        assert trip.id is not None
        session.add(ItineraryRow(trip_id=trip.id, version=1, status="feasible", document={"stops": []}))
        vehicle.state_at = departure
    with session_scope(any_engine) as session:
        stored = session.exec(select(Vehicle)).one()
        assert stored.state_at == departure
        assert stored.state_at is not None
        assert stored.state_at.tzinfo is not None
        assert stored.state_at.utcoffset() == timedelta(0)
        assert stored.connectors == ["ccs"]
        itinerary = session.exec(select(ItineraryRow)).one()
        assert itinerary.document == {"stops": []}
        trip_id = itinerary.trip_id
    with pytest.raises(IntegrityError), session_scope(any_engine) as session:
        session.add(ItineraryRow(trip_id=trip_id, version=1, status="draft"))


def test_naive_datetimes_are_refused(any_engine: Engine) -> None:
    migrate(any_engine)
    with pytest.raises(StatementError, match="naive datetime"), session_scope(any_engine) as session:
        session.add(User(email="b@example.org", created_at=datetime(2026, 1, 1)))
        session.flush()
    with session_scope(any_engine) as session:
        assert session.exec(select(User)).all() == []
