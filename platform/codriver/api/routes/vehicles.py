"""Vehicles: CRUD, head-unit API keys and the car's state reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Path, status
from sqlmodel import select

from codriver.api._deps import AnyPrincipal, CurrentUser, ServicesDep, SessionDep, VehicleDep, reachable_vehicle
from codriver.api._schemas import (
    ApiKeyPublic,
    VehicleCreate,
    VehiclePublic,
    VehicleStateIn,
    VehicleStatePublic,
    VehicleUpdate,
)
from codriver.api._security import hash_secret, new_key
from codriver.api._settings import MAX_ID
from codriver.api.routes._convert import vehicle_public
from codriver.errors import InputError
from codriver.store import Trip, Vehicle, list_vehicles, session_scope, update_vehicle_state
from codriver.store.db import serial_writes

router = APIRouter(prefix="/vehicles", tags=["vehicles"])
#: How far ahead of the server's clock a state report may be (clocks of cars drift).
MAX_CLOCK_SKEW = timedelta(minutes=5)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=VehiclePublic)
def create_vehicle(body: VehicleCreate, session: SessionDep, principal: CurrentUser) -> VehiclePublic:
    """Add a vehicle to your account."""
    vehicle = Vehicle(user_id=principal.user_id, **body.model_dump())
    session.add(vehicle)
    session.flush()
    return vehicle_public(vehicle)


@router.get("", response_model=list[VehiclePublic])
def vehicles(session: SessionDep, principal: CurrentUser) -> list[VehiclePublic]:
    """Your vehicles."""
    return [vehicle_public(v) for v in list_vehicles(session, user_id=principal.user_id)]


@router.get("/{vehicle_id}", response_model=VehiclePublic)
def get_vehicle(vehicle: VehicleDep) -> VehiclePublic:
    """One of your vehicles."""
    return vehicle_public(vehicle)


@router.patch("/{vehicle_id}", response_model=VehiclePublic)
def update_vehicle(body: VehicleUpdate, vehicle: VehicleDep, session: SessionDep) -> VehiclePublic:
    """Change a vehicle's description or presets."""
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is not None:
            setattr(vehicle, key, value)
    session.add(vehicle)
    session.flush()
    return vehicle_public(vehicle)


@router.delete("/{vehicle_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_vehicle(vehicle: VehicleDep, session: SessionDep, services: ServicesDep) -> None:
    """Remove a vehicle (its trips stay, without a vehicle); its head-unit key stops working."""
    if vehicle.api_key_hash is not None:
        services.auth_cache.drop(vehicle.api_key_hash)
        services.buckets.forget(vehicle.api_key_hash)
    for trip in session.exec(select(Trip).where(Trip.vehicle_id == vehicle.id)).all():
        trip.vehicle_id = None
        session.add(trip)
    session.delete(vehicle)


@router.post("/{vehicle_id}/api-key", status_code=status.HTTP_201_CREATED, response_model=ApiKeyPublic)
def rotate_key(vehicle: VehicleDep, session: SessionDep, services: ServicesDep) -> ApiKeyPublic:
    """A new head-unit key for the vehicle (the old one stops working); shown only once."""
    if vehicle.api_key_hash is not None:
        services.auth_cache.drop(vehicle.api_key_hash)
        services.buckets.forget(vehicle.api_key_hash)
    key = new_key()
    vehicle.api_key_hash = hash_secret(key)
    session.add(vehicle)
    session.flush()
    assert vehicle.id is not None
    return ApiKeyPublic(vehicle_id=vehicle.id, api_key=key)


@router.put("/{vehicle_id}/state", response_model=VehicleStatePublic)
async def put_state(
    body: VehicleStateIn,
    vehicle_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    principal: AnyPrincipal,
    services: ServicesDep,
) -> VehicleStatePublic:
    """Report the car's position, speed, SoC/fuel and outside temperature at ``recorded_at``.

    Reports older than (or as old as) the stored one change nothing: ``applied`` is false.
    A report more than 5 minutes ahead of the server's clock is refused (422 on
    ``recorded_at``): applied, it would make every later true report look older.
    """
    latest = services.clock.now() + MAX_CLOCK_SKEW
    if body.recorded_at > latest:
        msg = (
            f"recorded_at {body.recorded_at.isoformat()} is ahead of the server's clock by more than"
            f" {MAX_CLOCK_SKEW.total_seconds() / 60:.0f} min: set the head-unit's clock (NTP or GNSS time)"
        )
        raise InputError(msg, field="recorded_at")
    values = body.model_dump(exclude={"recorded_at"}, exclude_none=True)

    def store() -> VehicleStatePublic:
        # every car reports every few seconds: one thread hop and one short transaction, so on
        # SQLite the write lock is held for microseconds, never across a request's thread hops
        with serial_writes(services.engine), session_scope(services.engine) as session:
            vehicle = reachable_vehicle(session, principal, vehicle_id)
            applied = update_vehicle_state(session, vehicle_id=vehicle_id, recorded_at=body.recorded_at, values=values)
            return VehicleStatePublic(applied=applied, vehicle=vehicle_public(vehicle))

    return await anyio.to_thread.run_sync(store)
