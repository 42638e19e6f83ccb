"""Vehicle commands: the owner (or the scheduler) queues them, the car fetches and acknowledges."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from codriver.api._deps import HeadUnitVehicle, ServicesDep, SessionDep, VehicleDep
from codriver.api._schemas import CommandAck, CommandCreate, CommandPublic
from codriver.api._settings import MAX_ID
from codriver.api.routes._convert import command_public
from codriver.store import DbVehicleCommands, acknowledge_command, fetch_commands, list_commands

router = APIRouter(prefix="/vehicles/{vehicle_id}/commands", tags=["commands"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CommandPublic)
def queue_command(body: CommandCreate, vehicle: VehicleDep, services: ServicesDep) -> CommandPublic:
    """Queue a command for the car (repeat-safe: the same key or content is queued once)."""
    assert vehicle.id is not None
    commands = DbVehicleCommands(services.engine, clock=services.clock.now)
    return command_public(commands.queue(vehicle.id, body.command, key=body.idempotency_key))


@router.get("", response_model=list[CommandPublic])
def commands(vehicle: HeadUnitVehicle, session: SessionDep) -> list[CommandPublic]:
    """The vehicle's commands, newest first (read-only)."""
    assert vehicle.id is not None
    return [command_public(row) for row in list_commands(session, vehicle_id=vehicle.id)]


@router.post("/fetch", response_model=list[CommandPublic])
def fetch(vehicle: HeadUnitVehicle, session: SessionDep, services: ServicesDep) -> list[CommandPublic]:
    """The car takes its commands: queued ones become delivered; unacknowledged ones come again."""
    assert vehicle.id is not None
    rows = fetch_commands(session, vehicle_id=vehicle.id, now=services.clock.now())
    return [command_public(row) for row in rows]


@router.post("/{command_id}/ack", response_model=CommandPublic)
def acknowledge(
    body: CommandAck,
    vehicle: HeadUnitVehicle,
    command_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    session: SessionDep,
    services: ServicesDep,
) -> CommandPublic:
    """The car reports a command carried out (``ok``) or failed."""
    assert vehicle.id is not None
    row = acknowledge_command(
        session, vehicle_id=vehicle.id, command_id=command_id, ok=body.ok, result=body.result, now=services.clock.now()
    )
    return command_public(row)
