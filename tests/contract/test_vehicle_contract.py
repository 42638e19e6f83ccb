"""The vehicle-commands contract, on every provider: the in-memory queue and the database queue.

Both are embedded (no HTTP provider exists: cars fetch their commands from the API), so both
run live: ``memory`` is :class:`InMemoryVehicleCommands` (simulators, tests), ``database`` is
:class:`DbVehicleCommands` over a fresh SQLite database (the service's). Vehicle 1 has the seat
preset ``driver-anna`` and the climate preset ``winter`` in both.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVar

import pytest

from codriver.errors import InputError
from codriver.settings import Settings
from codriver.store import DbVehicleCommands, User, Vehicle, make_engine, migrate, session_scope
from codriver.tools.vehicle import (
    CabinPrecondition,
    ClimatePreset,
    CommandRecord,
    InMemoryVehicleCommands,
    SeatPreset,
    VehicleCommands,
    command_key,
    precondition_lead_min,
)

T = TypeVar("T")
Use = Callable[[Callable[[VehicleCommands], Awaitable[T]]], T]
NOW = datetime(2026, 1, 15, 5, 0, tzinfo=UTC)
READY = datetime(2026, 1, 15, 7, 30, tzinfo=timezone(timedelta(hours=2)))
PRESETS = {"seat": ["driver-anna"], "climate": ["winter"]}


def database_queue(settings: Settings) -> DbVehicleCommands:
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    with session_scope(engine) as session:
        user = User(email="anna@example.org")
        session.add(user)
        session.flush()
        assert user.id is not None
        session.add(Vehicle(user_id=user.id, name="Ioniq", powertrain="ev", presets=PRESETS))
    return DbVehicleCommands(engine, clock=lambda: NOW)


@pytest.fixture(params=["memory", "database"])
def use(request: pytest.FixtureRequest, settings: Settings) -> Use[object]:
    """Runs ``fn(commands)`` on one queue per test (each ``use`` call in an event loop of its own)."""
    commands: VehicleCommands = (
        InMemoryVehicleCommands(clock=lambda: NOW, presets={1: PRESETS})
        if request.param == "memory"
        else database_queue(settings)
    )

    def run(fn: Callable[[VehicleCommands], Awaitable[T]]) -> T:
        async def go() -> T:
            return await fn(commands)

        return asyncio.run(go())

    return run


def test_a_precondition_is_queued_with_its_start_time(use: Use[CommandRecord]) -> None:
    record = use(lambda c: c.precondition_cabin(1, 21.0, READY, outside_c=-10.0))
    assert (record.vehicle_id, record.status, record.queued_at, record.delivered_at) == (1, "queued", NOW, None)
    command = record.command
    assert isinstance(command, CabinPrecondition)
    assert (command.target_c, command.ready_at) == (21.0, READY)
    assert command.start_at == READY - timedelta(minutes=precondition_lead_min(-10.0, 21.0))
    assert record.idempotency_key == command_key(1, command)
    without = use(lambda c: c.precondition_cabin(1, 21.0, READY + timedelta(days=1)))
    assert without.command.start_at is None  # type: ignore[union-attr]  # no outside temperature: no lead time


def test_the_same_command_is_queued_once(use: Use[CommandRecord]) -> None:
    first = use(lambda c: c.apply_seat_preset(1, "driver-anna"))
    assert use(lambda c: c.apply_seat_preset(1, "driver-anna")) == first
    other = use(lambda c: c.apply_climate_preset(1, "winter"))
    assert other.idempotency_key != first.idempotency_key
    assert (first.command, other.command) == (SeatPreset(preset="driver-anna"), ClimatePreset(preset="winter"))


def test_a_key_given_again_returns_the_first_record(use: Use[CommandRecord]) -> None:
    first = use(lambda c: c.apply_climate_preset(1, "winter", idempotency_key="req-2026-01-15-0001"))
    assert first.idempotency_key == "req-2026-01-15-0001"
    assert use(lambda c: c.apply_climate_preset(1, "winter", idempotency_key="req-2026-01-15-0001")) == first


def test_a_key_reused_for_another_command_is_refused(use: Use[CommandRecord]) -> None:
    use(lambda c: c.apply_climate_preset(1, "winter", idempotency_key="req-2026-01-15-0002"))
    with pytest.raises(InputError, match="already used for a different command") as caught:
        use(lambda c: c.apply_seat_preset(1, "driver-anna", idempotency_key="req-2026-01-15-0002"))
    assert caught.value.field == "idempotency_key"


def test_a_malformed_key_is_refused(use: Use[CommandRecord]) -> None:
    with pytest.raises(InputError, match="must be 8 to 128 letters") as caught:
        use(lambda c: c.apply_seat_preset(1, "driver-anna", idempotency_key="no"))
    assert caught.value.field == "idempotency_key"


def test_a_preset_the_vehicle_lacks_is_refused(use: Use[CommandRecord]) -> None:
    with pytest.raises(InputError, match=r"vehicle 1 has no seat preset 'driver-bob' \(presets: driver-anna\)") as seat:
        use(lambda c: c.apply_seat_preset(1, "driver-bob"))
    assert seat.value.field == "preset"
    # a name no preset can have: refused (the database queue says it is malformed, the in-memory one unknown)
    with pytest.raises(InputError) as malformed:
        use(lambda c: c.apply_climate_preset(1, "../../etc"))
    assert malformed.value.field == "preset"
