"""Commands for a car: the models, the :class:`VehicleCommands` protocol and idempotency keys.

The real path goes through the head-unit API: commands are queued for the car to fetch.
Each command carries an idempotency key; a command sent twice with the same key is
queued once. Without a caller's key, the key is derived from the vehicle and the
command's content (:func:`command_key`), so retrying a request while the command waits
for the car is harmless.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Annotated, Literal, Protocol, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from codriver.errors import InputError

__all__ = [
    "CabinPrecondition",
    "ClimatePreset",
    "CommandRecord",
    "SeatPreset",
    "VehicleCommand",
    "VehicleCommands",
    "checked_key",
    "command_key",
    "preset_command",
]

_PRESET = r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,47}$"
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")


class CabinPrecondition(BaseModel):
    """Warm or cool the cabin to ``target_c`` (°C) by ``ready_at``."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["precondition_cabin"] = "precondition_cabin"
    target_c: float = Field(ge=15.0, le=30.0, description="cabin temperature wanted at ready_at, °C")
    ready_at: AwareDatetime = Field(description="departure time, ISO 8601 with offset")
    start_at: AwareDatetime | None = Field(
        default=None, description="when to switch on; None: the car decides from its own sensors"
    )


class SeatPreset(BaseModel):
    """Move the seats (and mirrors) to a stored preset."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["seat_preset"] = "seat_preset"
    preset: str = Field(pattern=_PRESET, description="name of a preset stored for the vehicle")


class ClimatePreset(BaseModel):
    """Apply a stored climate preset (temperature, fan, seat heating)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["climate_preset"] = "climate_preset"
    preset: str = Field(pattern=_PRESET, description="name of a preset stored for the vehicle")


_Preset = TypeVar("_Preset", SeatPreset, ClimatePreset)

VehicleCommand = Annotated[CabinPrecondition | SeatPreset | ClimatePreset, Field(discriminator="kind")]


class CommandRecord(BaseModel):
    """A command addressed to one vehicle, with its idempotency key and delivery state."""

    vehicle_id: int = Field(ge=1)
    command: VehicleCommand
    idempotency_key: str = Field(pattern=_KEY.pattern)
    status: Literal["queued", "delivered"] = "queued"
    queued_at: AwareDatetime
    delivered_at: AwareDatetime | None = None


def command_key(vehicle_id: int, command: CabinPrecondition | SeatPreset | ClimatePreset) -> str:
    """The idempotency key of a command: the same vehicle and content always give the same key."""
    canonical = json.dumps(
        {"vehicle_id": vehicle_id, "command": command.model_dump(mode="json")}, sort_keys=True, separators=(",", ":")
    )
    return f"cmd-{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"


def checked_key(key: str) -> str:
    """``key`` if it is a usable idempotency key (8 to 128 of letters, digits, ``_.:-``), else :class:`InputError`."""
    if not _KEY.match(key):
        msg = f"idempotency key {key!r} must be 8 to 128 letters, digits or _.:-"
        raise InputError(msg, field="idempotency_key")
    return key


def preset_command(model: type[_Preset], preset: str) -> _Preset:
    """The seat or climate preset command for the name ``preset``; a malformed name is an :class:`InputError`."""
    try:
        return model(preset=preset)
    except ValidationError as exc:
        msg = f"{preset!r} is not a preset name (letters, digits, space, _.- up to 48)"
        raise InputError(msg, field="preset") from exc


class VehicleCommands(Protocol):
    """Sends commands to cars; each call returns the (possibly already queued) command record."""

    async def precondition_cabin(
        self,
        vehicle_id: int,
        target_c: float,
        ready_at: datetime,
        *,
        outside_c: float | None = None,
        idempotency_key: str | None = None,
    ) -> CommandRecord:
        """Have the cabin at ``target_c`` °C at ``ready_at``; with ``outside_c`` the start time is computed."""
        ...

    async def apply_seat_preset(
        self, vehicle_id: int, preset: str, *, idempotency_key: str | None = None
    ) -> CommandRecord:
        """Move the seats to a stored preset."""
        ...

    async def apply_climate_preset(
        self, vehicle_id: int, preset: str, *, idempotency_key: str | None = None
    ) -> CommandRecord:
        """Apply a stored climate preset."""
        ...
