"""The database-backed command queue: the real path of :class:`~codriver.tools.vehicle.VehicleCommands`.

Commands are queued with an idempotency key (unique per vehicle); the car fetches the
queued ones (they become ``delivered``) and acknowledges each (``acknowledged`` or
``failed``). Fetching again returns delivered-but-unacknowledged commands too, so a car
that lost a response loses no command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import anyio
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from codriver.errors import InputError
from codriver.store._errors import RecordNotFound
from codriver.store.db import session_scope
from codriver.store.models import QueuedCommand, Vehicle
from codriver.tools.vehicle import (
    CabinPrecondition,
    ClimatePreset,
    CommandRecord,
    QueuedVehicleCommands,
    SeatPreset,
    checked_key,
    command_key,
)

__all__ = ["DbVehicleCommands", "acknowledge_command", "fetch_commands", "list_commands", "to_record"]

Command = CabinPrecondition | SeatPreset | ClimatePreset


def _utcnow() -> datetime:
    return datetime.now(UTC)


def to_record(row: QueuedCommand) -> CommandRecord:
    """The protocol's view of a queued command (acknowledged counts as delivered)."""
    return CommandRecord.model_validate(
        {
            "vehicle_id": row.vehicle_id,
            "command": row.command,
            "idempotency_key": row.idempotency_key,
            "status": "queued" if row.status == "queued" else "delivered",
            "queued_at": row.queued_at,
            "delivered_at": row.delivered_at,
        }
    )


def list_commands(session: Session, *, vehicle_id: int, limit: int = 100) -> Sequence[QueuedCommand]:
    """The vehicle's commands, newest first."""
    return session.exec(
        select(QueuedCommand)
        .where(QueuedCommand.vehicle_id == vehicle_id)
        .order_by(col(QueuedCommand.id).desc())
        .limit(limit)
    ).all()


def fetch_commands(session: Session, *, vehicle_id: int, now: datetime) -> Sequence[QueuedCommand]:
    """What the car must carry out: queued commands become delivered; unacknowledged ones come again."""
    rows = session.exec(
        select(QueuedCommand)
        .where(QueuedCommand.vehicle_id == vehicle_id, col(QueuedCommand.status).in_(("queued", "delivered")))
        .order_by(col(QueuedCommand.id))
    ).all()
    for row in rows:
        if row.status == "queued":
            row.status = "delivered"
            row.delivered_at = now
            session.add(row)
    session.flush()
    return rows


def acknowledge_command(
    session: Session, *, vehicle_id: int, command_id: int, ok: bool, result: str | None, now: datetime
) -> QueuedCommand:
    """The car reports a command done (or failed); repeating the same acknowledgement is harmless."""
    row = session.get(QueuedCommand, command_id)
    if row is None or row.vehicle_id != vehicle_id:
        msg = f"vehicle {vehicle_id} has no command {command_id}"
        raise RecordNotFound(msg, field="command_id")
    status = "acknowledged" if ok else "failed"
    if row.status in {"acknowledged", "failed"}:
        if row.status != status:
            msg = f"command {command_id} was already acknowledged as {row.status}"
            raise InputError(msg, field="ok")
        return row
    row.status, row.result, row.acked_at = status, result, now
    row.delivered_at = row.delivered_at or now
    session.add(row)
    session.flush()
    return row


class DbVehicleCommands(QueuedVehicleCommands):
    """:class:`~codriver.tools.vehicle.VehicleCommands` over the ``queuedcommand`` table.

    A key seen before for the vehicle returns the first record; the same key with other
    content is an :class:`InputError`. Presets named in the vehicle's ``presets``
    (``{"seat": [...], "climate": [...]}``) are checked when the vehicle lists any.
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def queue(
        self, vehicle_id: int, command: Command, *, key: str | None = None, trip_id: int | None = None
    ) -> QueuedCommand:
        """Queue ``command`` (once per key) and return the stored row."""
        key = checked_key(key) if key is not None else command_key(vehicle_id, command)
        payload = command.model_dump(mode="json")
        for _ in range(2):
            with session_scope(self.engine) as session:
                vehicle = session.get(Vehicle, vehicle_id)
                if vehicle is None:
                    msg = f"no vehicle {vehicle_id}"
                    raise RecordNotFound(msg, field="vehicle_id")
                self._check_preset(vehicle, command)
                existing = session.exec(
                    select(QueuedCommand).where(
                        QueuedCommand.vehicle_id == vehicle_id, QueuedCommand.idempotency_key == key
                    )
                ).first()
                if existing is not None:
                    if existing.command != payload:
                        msg = f"idempotency key {key!r} was already used for a different command"
                        raise InputError(msg, field="idempotency_key")
                    return existing
                row = QueuedCommand(
                    vehicle_id=vehicle_id,
                    trip_id=trip_id,
                    idempotency_key=key,
                    kind=command.kind,
                    command=payload,
                    queued_at=self.clock(),
                )
                try:
                    session.add(row)
                    session.flush()
                except IntegrityError:
                    session.rollback()
                    continue  # a concurrent writer queued the same key: read it back
                return row
        msg = f"could not queue command {key!r} for vehicle {vehicle_id}"
        raise InputError(msg, field="idempotency_key")

    @staticmethod
    def _check_preset(vehicle: Vehicle, command: Command) -> None:
        if isinstance(command, CabinPrecondition):
            return
        kind = "seat" if isinstance(command, SeatPreset) else "climate"
        known = vehicle.presets.get(kind) if isinstance(vehicle.presets, dict) else None
        if isinstance(known, list) and known and command.preset not in known:
            msg = (
                f"vehicle {vehicle.id} has no {kind} preset {command.preset!r} (presets: {', '.join(map(str, known))})"
            )
            raise InputError(msg, field="preset")

    async def send(self, vehicle_id: int, command: Command, key: str | None) -> CommandRecord:
        """Queue ``command`` in the database (off the event loop)."""
        row = await anyio.to_thread.run_sync(lambda: self.queue(vehicle_id, command, key=key))
        return to_record(row)
