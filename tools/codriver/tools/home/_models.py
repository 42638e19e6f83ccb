"""Connected home: the :class:`HomeAutomation` protocol and the device state it returns."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from codriver.errors import InputError

__all__ = ["HVAC_MODES", "DeviceState", "HomeAction", "HomeAutomation", "check_entity_id"]

# Home Assistant's climate modes.
HVAC_MODES = ("off", "heat", "cool", "heat_cool", "auto", "dry", "fan_only")
_ENTITY_ID = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")


def check_entity_id(entity_id: str) -> str:
    """``entity_id`` if it reads ``domain.object_id`` (lower case, digits, underscores), else InputError."""
    if not _ENTITY_ID.match(entity_id):
        msg = f"{entity_id!r} is not an entity ID: expected domain.name such as climate.living_room"
        raise InputError(msg, field="entity_id")
    return entity_id


class DeviceState(BaseModel):
    """The state of one home device; temperatures in °C whatever the home's unit system."""

    model_config = ConfigDict(frozen=True)

    entity_id: str
    state: str = Field(description="on, off, heat, cool, unavailable, ...")
    target_temperature_c: float | None = Field(default=None, description="climate set point")
    current_temperature_c: float | None = Field(default=None, description="climate measured temperature")
    attributes: dict[str, Any] = Field(default_factory=dict, description="the provider's own attributes")
    last_changed: datetime | None = None
    last_updated: datetime | None = None

    @property
    def domain(self) -> str:
        """The part of the entity ID before the dot: ``climate``, ``switch``, ``light``, ..."""
        return self.entity_id.split(".", 1)[0]


class HomeAction(BaseModel):
    """One action taken on a home device, as recorded by :class:`InMemoryHome`."""

    model_config = ConfigDict(frozen=True)

    at: datetime = Field(description="when it was taken (aware)")
    action: Literal["set_climate", "turn_on", "turn_off"]
    entity_id: str
    data: dict[str, Any] = Field(default_factory=dict)
    changed: bool = Field(description="false when the device already was in that state")


class HomeAutomation(Protocol):
    """Control of home devices; every action is idempotent and returns the states it changed."""

    async def set_climate(
        self, entity_id: str, temperature_c: float, hvac_mode: str | None = None
    ) -> list[DeviceState]:
        """Set a climate device's target (°C) and, if given, its mode (heat, cool, ...)."""
        ...

    async def turn_on(self, entity_id: str) -> list[DeviceState]:
        """Switch a device on."""
        ...

    async def turn_off(self, entity_id: str) -> list[DeviceState]:
        """Switch a device off."""
        ...

    async def state(self, entity_id: str) -> DeviceState:
        """The device's current state; an unknown entity is an :class:`InputError`."""
        ...
