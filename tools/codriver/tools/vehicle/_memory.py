"""An in-memory command queue: what the vehicle simulator drains, and tests inspect."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

from codriver.errors import InputError
from codriver.tools.vehicle._commands import (
    CabinPrecondition,
    ClimatePreset,
    CommandRecord,
    SeatPreset,
    checked_key,
    command_key,
)
from codriver.tools.vehicle._queued import QueuedVehicleCommands

__all__ = ["InMemoryVehicleCommands"]

_Command = CabinPrecondition | SeatPreset | ClimatePreset


def _utcnow() -> datetime:
    return datetime.now(UTC)


class InMemoryVehicleCommands(QueuedVehicleCommands):
    """The :class:`VehicleCommands` of simulated cars: a FIFO queue per process.

    ``presets`` (vehicle ID -> ``{"seat": names, "climate": names}``), when given for a
    vehicle, is checked: an unknown preset is an :class:`InputError`. A caller's key seen
    before returns the first record (the same key with different content is an
    InputError). Without a key, an identical command still waiting in the queue is
    returned instead of queued twice; once delivered, the same command queues anew.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = _utcnow,
        presets: Mapping[int, Mapping[str, Iterable[str]]] | None = None,
    ) -> None:
        self.clock = clock
        self.presets = {vid: {kind: set(names) for kind, names in p.items()} for vid, p in (presets or {}).items()}
        self._records: dict[str, CommandRecord] = {}
        self._order: list[str] = []
        self._open: dict[str, str] = {}  # derived key -> key of the queued record

    async def send(self, vehicle_id: int, command: _Command, key: str | None) -> CommandRecord:
        """Queue ``command``; a preset the vehicle's known presets lack is refused naming them."""
        if isinstance(command, SeatPreset | ClimatePreset):
            self._check_preset(vehicle_id, "seat" if isinstance(command, SeatPreset) else "climate", command.preset)
        return self._queue(vehicle_id, command, key)

    def _queue(self, vehicle_id: int, command: _Command, key: str | None) -> CommandRecord:
        if vehicle_id < 1:
            msg = f"vehicle ID must be positive, not {vehicle_id}"
            raise InputError(msg, field="vehicle_id")
        if key is None:
            # A derived key stands for "this command, not yet delivered": asking again while it
            # waits is a retry; asking again after delivery (tomorrow's seat preset) is new.
            base = command_key(vehicle_id, command)
            if base in self._open:
                return self._records[self._open[base]]
            key, n = base, 1
            while key in self._records:
                n += 1
                key = f"{base}-{n}"
            self._open[base] = key
        else:
            checked_key(key)
            existing = self._records.get(key)
            if existing is not None:
                if existing.vehicle_id != vehicle_id or existing.command != command:
                    msg = f"idempotency key {key!r} was already used for a different command"
                    raise InputError(msg, field="idempotency_key")
                return existing
        record = CommandRecord(vehicle_id=vehicle_id, command=command, idempotency_key=key, queued_at=self.clock())
        self._records[key] = record
        self._order.append(key)
        return record

    def _check_preset(self, vehicle_id: int, kind: str, preset: str) -> None:
        known = self.presets.get(vehicle_id, {}).get(kind)
        if known is not None and preset not in known:
            listing = ", ".join(sorted(known)) or "none"
            msg = f"vehicle {vehicle_id} has no {kind} preset {preset!r} (presets: {listing})"
            raise InputError(msg, field="preset")

    def pending(self, vehicle_id: int | None = None) -> list[CommandRecord]:
        """Queued, undelivered commands (of one vehicle, or all), oldest first."""
        records = (self._records[k] for k in self._order)
        return [r for r in records if r.status == "queued" and (vehicle_id is None or r.vehicle_id == vehicle_id)]

    def drain(self, vehicle_id: int) -> list[CommandRecord]:
        """Deliver the vehicle's queued commands, oldest first, and mark them delivered."""
        now = self.clock()
        delivered = []
        for record in self.pending(vehicle_id):
            done = record.model_copy(update={"status": "delivered", "delivered_at": now})
            self._records[record.idempotency_key] = done
            delivered.append(done)
        self._open = {base: key for base, key in self._open.items() if self._records[key].status == "queued"}
        return delivered

    @property
    def history(self) -> list[CommandRecord]:
        """Every command ever accepted, in order, with its current status."""
        return [self._records[k] for k in self._order]
