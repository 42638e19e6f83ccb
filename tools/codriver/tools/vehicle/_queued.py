"""The three vehicle commands in terms of one way of queueing a command, shared by every queue."""

from __future__ import annotations

from datetime import datetime

from codriver.tools.vehicle._commands import CabinPrecondition, ClimatePreset, CommandRecord, SeatPreset, preset_command
from codriver.tools.vehicle._precondition import cabin_precondition

__all__ = ["QueuedVehicleCommands"]

Command = CabinPrecondition | SeatPreset | ClimatePreset


class QueuedVehicleCommands:
    """:class:`VehicleCommands` over :meth:`send`: a queue implements only how one command is queued.

    The commands are built (and a malformed preset name refused) the same way whatever the queue.
    """

    async def send(self, vehicle_id: int, command: Command, key: str | None) -> CommandRecord:
        """Queue ``command`` for the vehicle under the idempotency ``key`` (derived from it when None)."""
        raise NotImplementedError

    async def precondition_cabin(
        self,
        vehicle_id: int,
        target_c: float,
        ready_at: datetime,
        *,
        outside_c: float | None = None,
        idempotency_key: str | None = None,
    ) -> CommandRecord:
        """Queue cabin preconditioning; ``start_at`` comes from the lead-time model when ``outside_c`` is known."""
        return await self.send(vehicle_id, cabin_precondition(target_c, ready_at, outside_c=outside_c), idempotency_key)

    async def apply_seat_preset(
        self, vehicle_id: int, preset: str, *, idempotency_key: str | None = None
    ) -> CommandRecord:
        """Queue a seat preset."""
        return await self.send(vehicle_id, preset_command(SeatPreset, preset), idempotency_key)

    async def apply_climate_preset(
        self, vehicle_id: int, preset: str, *, idempotency_key: str | None = None
    ) -> CommandRecord:
        """Queue a climate preset."""
        return await self.send(vehicle_id, preset_command(ClimatePreset, preset), idempotency_key)
