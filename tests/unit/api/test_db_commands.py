"""DbVehicleCommands: the VehicleCommands protocol over the database queue."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from codriver.errors import InputError
from codriver.settings import Settings
from codriver.store import (
    DbVehicleCommands,
    User,
    Vehicle,
    acknowledge_command,
    fetch_commands,
    make_engine,
    migrate,
    session_scope,
)
from codriver.tools.vehicle import VehicleCommands

READY = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)


@pytest.fixture
def engine(settings: Settings) -> Engine:
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    with session_scope(engine) as session:
        user = User(email="ann@example.org")
        session.add(user)
        session.flush()
        assert user.id is not None
        session.add(Vehicle(user_id=user.id, name="Ioniq", powertrain="ev", presets={"climate": ["eco", "warm"]}))
    return engine


def test_protocol_calls_queue_once_and_compute_the_start(engine: Engine) -> None:
    commands: VehicleCommands = DbVehicleCommands(engine, clock=lambda: READY - timedelta(hours=1))
    first = asyncio.run(commands.precondition_cabin(1, 21.0, READY, outside_c=-10.0))
    again = asyncio.run(commands.precondition_cabin(1, 21.0, READY, outside_c=-10.0))
    assert first.idempotency_key == again.idempotency_key
    assert first.command.kind == "precondition_cabin"
    start = first.command.start_at  # type: ignore[union-attr]
    assert start is not None
    assert timedelta(minutes=20) < READY - start < timedelta(minutes=30)
    asyncio.run(commands.apply_climate_preset(1, "warm"))
    with pytest.raises(InputError) as unknown:
        asyncio.run(commands.apply_climate_preset(1, "sauna"))
    assert unknown.value.field == "preset"
    with pytest.raises(InputError) as bad_key:
        asyncio.run(commands.apply_seat_preset(1, "x", idempotency_key="no"))
    assert bad_key.value.field == "idempotency_key"
    with session_scope(engine) as session:
        rows = fetch_commands(session, vehicle_id=1, now=READY)
        assert [r.kind for r in rows] == ["precondition_cabin", "climate_preset"]
        assert {r.status for r in rows} == {"delivered"}
        done = acknowledge_command(
            session, vehicle_id=1, command_id=rows[0].id or 0, ok=False, result="no power", now=READY
        )
        assert (done.status, done.result) == ("failed", "no power")
        with pytest.raises(InputError):
            acknowledge_command(session, vehicle_id=1, command_id=rows[0].id or 0, ok=True, result=None, now=READY)
