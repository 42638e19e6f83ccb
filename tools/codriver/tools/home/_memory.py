"""A simulated home for simulators and tests: records every action, simulates the devices.

Climate devices move their measured temperature towards the target at
``rate_k_per_h`` kelvin per hour while they heat or cool (read lazily from the injected
clock); switches and lights are on or off. Like Home Assistant, repeating an action is
harmless: it is recorded, changes nothing and returns no changed state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from codriver.errors import InputError
from codriver.tools.home._models import HVAC_MODES, DeviceState, HomeAction, check_entity_id

__all__ = ["InMemoryHome", "climate_device", "switch_device"]

_ACTIVE = {"heat", "cool", "heat_cool", "auto"}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def climate_device(
    entity_id: str,
    *,
    current_c: float,
    target_c: float = 21.0,
    mode: str = "off",
    hvac_modes: Sequence[str] = ("off", "heat", "cool", "heat_cool"),
    min_c: float = 7.0,
    max_c: float = 35.0,
) -> DeviceState:
    """A thermostat as Home Assistant describes one."""
    check_entity_id(entity_id)
    attributes: dict[str, Any] = {
        "hvac_modes": list(hvac_modes),
        "min_temp": min_c,
        "max_temp": max_c,
        "temperature": target_c,
        "current_temperature": current_c,
    }
    return DeviceState(
        entity_id=entity_id,
        state=mode,
        target_temperature_c=target_c,
        current_temperature_c=current_c,
        attributes=attributes,
    )


def switch_device(entity_id: str, *, on: bool = False) -> DeviceState:
    """A switch, light or plug."""
    check_entity_id(entity_id)
    return DeviceState(entity_id=entity_id, state="on" if on else "off")


class InMemoryHome:
    """The :class:`HomeAutomation` of a simulated home; ``actions`` lists what was done, in order."""

    def __init__(
        self,
        devices: Iterable[DeviceState] = (),
        *,
        clock: Callable[[], datetime] = _utcnow,
        rate_k_per_h: float = 4.0,
    ) -> None:
        self.clock = clock
        self.rate_k_per_h = rate_k_per_h
        self.actions: list[HomeAction] = []
        now = self._now()
        self._devices: dict[str, DeviceState] = {}
        self._as_of: dict[str, datetime] = {}
        for device in devices:
            self._devices[device.entity_id] = device.model_copy(update={"last_changed": now, "last_updated": now})
            self._as_of[device.entity_id] = now

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            msg = "the home's clock must return aware datetimes"
            raise ValueError(msg)
        return now

    def _device(self, entity_id: str) -> DeviceState:
        check_entity_id(entity_id)
        if entity_id not in self._devices:
            known = ", ".join(sorted(self._devices)) or "none"
            msg = f"the home has no entity {entity_id!r} (known: {known})"
            raise InputError(msg, field="entity_id")
        self._advance(entity_id)
        return self._devices[entity_id]

    def _advance(self, entity_id: str) -> None:
        """Move a heating or cooling device's measured temperature up to now."""
        device = self._devices[entity_id]
        now = self._now()
        hours = max(0.0, (now - self._as_of[entity_id]).total_seconds() / 3600.0)
        self._as_of[entity_id] = now
        current, target = device.current_temperature_c, device.target_temperature_c
        if device.state not in _ACTIVE or current is None or target is None or hours == 0:
            return
        gap = target - current
        if (gap > 0 and device.state == "cool") or (gap < 0 and device.state == "heat"):
            return
        step = min(abs(gap), self.rate_k_per_h * hours)
        moved = current + step if gap > 0 else current - step
        attributes = {**device.attributes, "current_temperature": moved}
        self._devices[entity_id] = device.model_copy(
            update={"current_temperature_c": moved, "attributes": attributes, "last_updated": now}
        )

    def _record(
        self,
        action: Literal["set_climate", "turn_on", "turn_off"],
        entity_id: str,
        data: dict[str, Any],
        new: DeviceState,
    ) -> list[DeviceState]:
        old = self._devices[entity_id]
        changed = (new.state, new.target_temperature_c) != (old.state, old.target_temperature_c)
        now = self._now()
        self.actions.append(HomeAction(at=now, action=action, entity_id=entity_id, data=data, changed=changed))
        if not changed:
            return []
        stored = new.model_copy(update={"last_changed": now, "last_updated": now})
        self._devices[entity_id] = stored
        return [stored]

    async def state(self, entity_id: str) -> DeviceState:
        """The simulated device's state now."""
        return self._device(entity_id)

    async def set_climate(
        self, entity_id: str, temperature_c: float, hvac_mode: str | None = None
    ) -> list[DeviceState]:
        """Set a thermostat's target (°C) and mode; the same limits as Home Assistant apply."""
        device = self._device(entity_id)
        if device.domain != "climate":
            msg = f"{entity_id} is not a climate device: it has no target temperature"
            raise InputError(msg, field="entity_id")
        low, high = device.attributes.get("min_temp"), device.attributes.get("max_temp")
        if isinstance(low, int | float) and isinstance(high, int | float) and not low <= temperature_c <= high:
            msg = f"{entity_id} accepts targets from {low:g} to {high:g} °C, not {temperature_c:g} °C"
            raise InputError(msg, field="temperature_c")
        modes = device.attributes.get("hvac_modes") or list(HVAC_MODES)
        if hvac_mode is not None and hvac_mode not in modes:
            msg = f"{entity_id} has no mode {hvac_mode!r} (modes: {', '.join(map(str, modes))})"
            raise InputError(msg, field="hvac_mode")
        attributes = {**device.attributes, "temperature": temperature_c}
        new = device.model_copy(
            update={
                "state": hvac_mode or device.state,
                "target_temperature_c": temperature_c,
                "attributes": attributes,
            }
        )
        data: dict[str, Any] = {"temperature_c": temperature_c, "hvac_mode": hvac_mode}
        return self._record("set_climate", entity_id, data, new)

    async def turn_on(self, entity_id: str) -> list[DeviceState]:
        """Switch on; a thermostat resumes its last active mode (heat when it never had one)."""
        device = self._device(entity_id)
        state = "on"
        if device.domain == "climate":
            state = device.state if device.state != "off" else str(device.attributes.get("last_mode", "heat"))
        return self._record("turn_on", entity_id, {}, device.model_copy(update={"state": state}))

    async def turn_off(self, entity_id: str) -> list[DeviceState]:
        """Switch off; a thermostat remembers its mode for the next ``turn_on``."""
        device = self._device(entity_id)
        attributes = dict(device.attributes)
        if device.domain == "climate" and device.state != "off":
            attributes["last_mode"] = device.state
        return self._record(
            "turn_off", entity_id, {}, device.model_copy(update={"state": "off", "attributes": attributes})
        )
