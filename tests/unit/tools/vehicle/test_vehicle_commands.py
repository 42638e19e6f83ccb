"""Vehicle commands: models, idempotency keys and the in-memory queue."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest
from pydantic import TypeAdapter

from codriver.errors import InputError
from codriver.tools.vehicle import (
    CabinPrecondition,
    CommandRecord,
    InMemoryVehicleCommands,
    SeatPreset,
    VehicleCommand,
    VehicleCommands,
    command_key,
    precondition_lead_min,
)

T = TypeVar("T")
NOW = datetime(2025, 1, 15, 6, 0, tzinfo=UTC)
HELSINKI_WINTER = timezone(timedelta(hours=2))
READY = datetime(2025, 1, 15, 7, 30, tzinfo=HELSINKI_WINTER)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def queue() -> InMemoryVehicleCommands:
    return InMemoryVehicleCommands(clock=lambda: NOW, presets={7: {"seat": ["driver-anna"], "climate": ["winter"]}})


def test_is_a_vehicle_commands(queue: InMemoryVehicleCommands) -> None:
    commands: VehicleCommands = queue
    record = run(commands.apply_seat_preset(7, "driver-anna"))
    assert (record.vehicle_id, record.command, record.status, record.queued_at) == (
        7,
        SeatPreset(preset="driver-anna"),
        "queued",
        NOW,
    )


def test_precondition_with_outside_temperature_gets_a_start_time(queue: InMemoryVehicleCommands) -> None:
    record = run(queue.precondition_cabin(7, 21.0, READY, outside_c=-10.0))
    command = record.command
    assert isinstance(command, CabinPrecondition)
    assert command.ready_at == READY
    assert command.start_at == READY - timedelta(minutes=precondition_lead_min(-10.0, 21.0))
    assert timedelta(minutes=20) < READY - command.start_at < timedelta(minutes=30)
    assert run(queue.precondition_cabin(8, 21.0, READY)).command.start_at is None  # type: ignore[union-attr]


def test_same_command_is_queued_once(queue: InMemoryVehicleCommands) -> None:
    first = run(queue.precondition_cabin(7, 21.0, READY))
    again = run(queue.precondition_cabin(7, 21.0, READY))
    assert again == first
    assert first.idempotency_key == command_key(7, first.command)
    assert queue.pending(7) == [first]
    # Different content, different key.
    later = run(queue.precondition_cabin(7, 21.0, READY + timedelta(days=1)))
    assert later.idempotency_key != first.idempotency_key
    assert len(queue.pending(7)) == 2


def test_explicit_keys_deduplicate_and_reject_reuse(queue: InMemoryVehicleCommands) -> None:
    first = run(queue.apply_climate_preset(7, "winter", idempotency_key="req-2025-01-15-0001"))
    assert first.idempotency_key == "req-2025-01-15-0001"
    assert run(queue.apply_climate_preset(7, "winter", idempotency_key="req-2025-01-15-0001")) == first
    with pytest.raises(InputError, match="different command") as info:
        run(queue.apply_seat_preset(7, "driver-anna", idempotency_key="req-2025-01-15-0001"))
    assert info.value.field == "idempotency_key"
    with pytest.raises(InputError, match="idempotency key"):
        run(queue.apply_seat_preset(7, "driver-anna", idempotency_key="bad key!"))
    assert len(queue.history) == 1


def test_drain_delivers_in_order_once(queue: InMemoryVehicleCommands) -> None:
    a = run(queue.apply_seat_preset(7, "driver-anna"))
    b = run(queue.apply_climate_preset(7, "winter"))
    other = run(queue.apply_seat_preset(9, "anyone"))
    delivered = queue.drain(7)
    assert [r.idempotency_key for r in delivered] == [a.idempotency_key, b.idempotency_key]
    assert {r.status for r in delivered} == {"delivered"}
    assert {r.delivered_at for r in delivered} == {NOW}
    assert queue.drain(7) == []
    assert queue.pending() == [other]
    # The same preset asked for again after delivery (another day) is a new command...
    again = run(queue.apply_seat_preset(7, "driver-anna"))
    assert (again.status, again.queued_at) == ("queued", NOW)
    assert again.idempotency_key not in {a.idempotency_key, b.idempotency_key}
    # ... and a retry of it while it waits is not queued twice.
    assert run(queue.apply_seat_preset(7, "driver-anna")) == again
    assert queue.pending(7) == [again]
    # A caller's key, though, stands for one request forever.
    keyed = run(queue.apply_climate_preset(7, "winter", idempotency_key="req-0000-0001"))
    queue.drain(7)
    assert run(queue.apply_climate_preset(7, "winter", idempotency_key="req-0000-0001")).idempotency_key == (
        keyed.idempotency_key
    )
    assert queue.pending(7) == []


def test_unknown_presets_and_bad_values(queue: InMemoryVehicleCommands) -> None:
    with pytest.raises(InputError, match="no seat preset 'passenger'"):
        run(queue.apply_seat_preset(7, "passenger"))
    with pytest.raises(InputError, match="not a preset name"):
        run(queue.apply_climate_preset(9, "../../etc"))
    with pytest.raises(InputError, match="ready_at"):
        run(queue.precondition_cabin(7, 21.0, datetime(2025, 1, 15, 7, 30)))
    with pytest.raises(InputError, match="target_c"):
        run(queue.precondition_cabin(7, 45.0, READY))
    with pytest.raises(InputError, match="vehicle ID"):
        run(queue.apply_seat_preset(0, "x"))
    assert queue.history == []


def test_records_round_trip_as_json(queue: InMemoryVehicleCommands) -> None:
    record = run(queue.precondition_cabin(7, 20.5, READY, outside_c=0.0))
    data = record.model_dump(mode="json")
    assert data["command"]["kind"] == "precondition_cabin"
    assert data["command"]["ready_at"] == "2025-01-15T07:30:00+02:00"
    assert CommandRecord.model_validate(data) == record
    parsed = TypeAdapter(VehicleCommand).validate_python({"kind": "seat_preset", "preset": "driver-anna"})
    assert parsed == SeatPreset(preset="driver-anna")
