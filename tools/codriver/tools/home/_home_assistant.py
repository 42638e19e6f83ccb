"""Home Assistant over its REST API (https://developers.home-assistant.io/docs/api/rest/).

Authenticates with a long-lived access token (bearer). Before each action the entity is
read, so that an unknown entity, a mode the device lacks or a target outside its range is
an :class:`InputError` rather than a silent no-op. Home Assistant speaks the home's unit
system; temperatures are converted from and to °C here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from pydantic import ValidationError

from codriver.errors import InputError, ToolBadResponse, ToolUnavailable
from codriver.tools._http import RetryPolicy, request_json
from codriver.tools.config import ExternalConfig
from codriver.tools.home._models import DeviceState, check_entity_id

__all__ = ["TOKEN_VARIABLE", "URL_VARIABLE", "HomeAssistant", "parse_state"]

PROVIDER = "Home Assistant"
TOKEN_VARIABLE = "CODRIVER_EXTERNAL__HOME_ASSISTANT_TOKEN"  # noqa: S105  (a variable name, not a secret)
URL_VARIABLE = "CODRIVER_EXTERNAL__HOME_ASSISTANT_URL"


def _to_c(value: Any, fahrenheit: bool) -> float | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return (float(value) - 32.0) * 5.0 / 9.0 if fahrenheit else float(value)


def parse_state(body: Any, *, fahrenheit: bool = False) -> DeviceState:
    """A Home Assistant state object as a :class:`DeviceState`; ToolBadResponse when it is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("entity_id"), str) or "state" not in body:
        msg = f"{PROVIDER} answered something that is not an entity state: {str(body)[:120]}"
        raise ToolBadResponse(msg)
    raw_attributes = body.get("attributes")
    attributes: dict[str, Any] = raw_attributes if isinstance(raw_attributes, dict) else {}
    try:
        return DeviceState(
            entity_id=body["entity_id"],
            state=str(body["state"]),
            target_temperature_c=_to_c(attributes.get("temperature"), fahrenheit),
            current_temperature_c=_to_c(attributes.get("current_temperature"), fahrenheit),
            attributes=attributes,
            last_changed=_when(body.get("last_changed")),
            last_updated=_when(body.get("last_updated")),
        )
    except ValidationError as exc:
        msg = f"{PROVIDER} answered an entity state we cannot read: {exc.errors()[0]['msg']}"
        raise ToolBadResponse(msg) from exc


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class HomeAssistant:
    """The :class:`HomeAutomation` of a Home Assistant server."""

    provider = "home_assistant"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str | None,
        token: str | None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.client = client
        self.base_url = (base_url or "").rstrip("/")
        self.token = token
        self.policy = policy or RetryPolicy()
        self._fahrenheit: bool | None = None

    @classmethod
    def from_settings(cls, client: httpx.AsyncClient, external: ExternalConfig) -> HomeAssistant:
        """The adapter configured by ``external`` (URL, token, timeout, retries)."""
        token = external.home_assistant_token.get_secret_value() if external.home_assistant_token else None
        policy = RetryPolicy(retries=external.http_retries, timeout_s=external.http_timeout_s)
        return cls(client, base_url=external.home_assistant_url, token=token, policy=policy)

    async def _call(
        self, method: str, path: str, *, json: Any = None, entity_id: str | None = None, lookup: bool = False
    ) -> Any:
        """The JSON answer; ``lookup``: a 404 means the entity does not exist."""
        if not self.base_url:
            msg = f"{PROVIDER} is not configured: set {URL_VARIABLE} (e.g. http://homeassistant.local:8123)"
            raise ToolUnavailable(msg)
        if not self.token:
            msg = f"{PROVIDER} needs a long-lived access token: set {TOKEN_VARIABLE}"
            raise ToolUnavailable(msg)
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            return await request_json(
                self.client,
                method,
                f"{self.base_url}{path}",
                provider=PROVIDER,
                policy=self.policy,
                json=json,
                headers=headers,
            )
        except ToolBadResponse as exc:
            status = exc.status_code
            if status in {401, 403}:
                msg = f"{PROVIDER} refused the access token (HTTP {status}): check {TOKEN_VARIABLE}"
                raise ToolUnavailable(msg) from exc
            if status == 404 and lookup:
                msg = f"{PROVIDER} has no entity {entity_id!r}"
                raise InputError(msg, field="entity_id") from exc
            if status == 400:
                msg = f"{PROVIDER} rejected the request for {entity_id or path}: {exc}"
                raise InputError(msg, field="entity_id") from exc
            raise

    async def _is_fahrenheit(self) -> bool:
        if self._fahrenheit is None:
            config = await self._call("GET", "/api/config")
            units = config.get("unit_system") if isinstance(config, dict) else None
            unit = units.get("temperature") if isinstance(units, dict) else None
            if not isinstance(unit, str):
                msg = f"{PROVIDER} configuration has no temperature unit"
                raise ToolBadResponse(msg)
            self._fahrenheit = "F" in unit.upper()
        return self._fahrenheit

    async def _changed(self, body: Any) -> list[DeviceState]:
        if not isinstance(body, list):
            msg = f"{PROVIDER} answered {type(body).__name__} where a list of changed states was expected"
            raise ToolBadResponse(msg)
        fahrenheit = await self._is_fahrenheit()
        return [parse_state(item, fahrenheit=fahrenheit) for item in body]

    async def state(self, entity_id: str) -> DeviceState:
        """The entity's current state; an entity Home Assistant does not know is an InputError."""
        check_entity_id(entity_id)
        body = await self._call("GET", f"/api/states/{entity_id}", entity_id=entity_id, lookup=True)
        return parse_state(body, fahrenheit=await self._is_fahrenheit())

    async def set_climate(
        self, entity_id: str, temperature_c: float, hvac_mode: str | None = None
    ) -> list[DeviceState]:
        """Set a climate entity's target (°C) and optionally its mode; returns the changed states.

        The target must lie within the device's ``min_temp``..``max_temp`` and the mode be
        one of its ``hvac_modes``.
        """
        current = await self.state(entity_id)
        if current.domain != "climate":
            msg = f"{entity_id} is not a climate device: it has no target temperature"
            raise InputError(msg, field="entity_id")
        fahrenheit = await self._is_fahrenheit()
        target = temperature_c * 9.0 / 5.0 + 32.0 if fahrenheit else temperature_c
        attributes = current.attributes
        low, high = attributes.get("min_temp"), attributes.get("max_temp")
        if isinstance(low, int | float) and isinstance(high, int | float) and not low <= target <= high:
            unit = "°F" if fahrenheit else "°C"
            msg = f"{entity_id} accepts targets from {low:g} to {high:g} {unit}, not {target:g} {unit}"
            raise InputError(msg, field="temperature_c")
        modes = attributes.get("hvac_modes")
        if hvac_mode is not None and isinstance(modes, list) and hvac_mode not in modes:
            msg = f"{entity_id} has no mode {hvac_mode!r} (modes: {', '.join(map(str, modes))})"
            raise InputError(msg, field="hvac_mode")
        payload: dict[str, Any] = {"entity_id": entity_id, "temperature": round(target, 1)}
        if hvac_mode is not None:
            payload["hvac_mode"] = hvac_mode
        body = await self._call("POST", "/api/services/climate/set_temperature", json=payload, entity_id=entity_id)
        return await self._changed(body)

    async def _switch(self, entity_id: str, service: str) -> list[DeviceState]:
        await self.state(entity_id)
        body = await self._call(
            "POST", f"/api/services/homeassistant/{service}", json={"entity_id": entity_id}, entity_id=entity_id
        )
        return await self._changed(body)

    async def turn_on(self, entity_id: str) -> list[DeviceState]:
        """Switch the entity on (``homeassistant.turn_on`` works for any domain); returns the changed states."""
        return await self._switch(entity_id, "turn_on")

    async def turn_off(self, entity_id: str) -> list[DeviceState]:
        """Switch the entity off; returns the changed states (empty when it already was off)."""
        return await self._switch(entity_id, "turn_off")
