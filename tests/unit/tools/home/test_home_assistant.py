"""Home Assistant's REST API against recorded-style payloads."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
import pytest
from pydantic import SecretStr

from codriver.errors import InputError, ToolBadResponse, ToolTimeout, ToolUnavailable
from codriver.settings import ExternalSettings, Settings
from codriver.tools._http import RetryPolicy
from codriver.tools.home import HomeAssistant

T = TypeVar("T")
BASE = "http://homeassistant.local:8123"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.test-token"

CLIMATE: dict[str, Any] = {
    "entity_id": "climate.living_room",
    "state": "off",
    "attributes": {
        "hvac_modes": ["off", "heat", "cool", "heat_cool"],
        "min_temp": 7,
        "max_temp": 35,
        "target_temp_step": 0.5,
        "current_temperature": 17.5,
        "temperature": 19,
        "friendly_name": "Living room",
        "supported_features": 385,
    },
    "last_changed": "2024-11-02T06:40:11.238745+00:00",
    "last_reported": "2024-11-02T07:05:00.101010+00:00",
    "last_updated": "2024-11-02T07:05:00.101010+00:00",
    "context": {"id": "01JBQ8ZK6D4TQ5Y1W1J6B0V7XE", "parent_id": None, "user_id": None},
}
SWITCH: dict[str, Any] = {
    "entity_id": "switch.garage_heater",
    "state": "off",
    "attributes": {"friendly_name": "Garage heater"},
    "last_changed": "2024-11-01T21:00:00+00:00",
    "last_updated": "2024-11-01T21:00:00+00:00",
    "context": {"id": "01JBP1", "parent_id": None, "user_id": None},
}
CONFIG_C = {"unit_system": {"length": "km", "mass": "g", "temperature": "°C", "volume": "L"}, "version": "2024.10.4"}
CONFIG_F = {"unit_system": {"length": "mi", "mass": "lb", "temperature": "°F", "volume": "gal"}, "version": "2024.10.4"}


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class FakeHomeAssistant:
    """Answers like a Home Assistant server with a thermostat and a switch, and keeps every request."""

    def __init__(self, *, fahrenheit: bool = False) -> None:
        self.requests: list[httpx.Request] = []
        self.states = {s["entity_id"]: copy.deepcopy(s) for s in (CLIMATE, SWITCH)}
        self.config = CONFIG_F if fahrenheit else CONFIG_C
        self.override: Callable[[httpx.Request], httpx.Response | None] = lambda _r: None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if (forced := self.override(request)) is not None:
            return forced
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return httpx.Response(401, text="401: Unauthorized")
        path = request.url.path
        if path == "/api/config":
            return httpx.Response(200, json=self.config)
        if path.startswith("/api/states/"):
            state = self.states.get(path.removeprefix("/api/states/"))
            return (
                httpx.Response(200, json=state) if state else httpx.Response(404, json={"message": "Entity not found."})
            )
        body = json.loads(request.content)
        entity = self.states[body["entity_id"]]
        before = copy.deepcopy(entity)
        if path == "/api/services/climate/set_temperature":
            entity["attributes"]["temperature"] = body["temperature"]
            entity["state"] = body.get("hvac_mode", entity["state"])
        elif path == "/api/services/homeassistant/turn_on":
            entity["state"] = "heat" if entity["entity_id"].startswith("climate.") else "on"
        elif path == "/api/services/homeassistant/turn_off":
            entity["state"] = "off"
        return httpx.Response(200, json=[entity] if entity != before else [])

    def posts(self) -> list[tuple[str, dict[str, Any]]]:
        return [(r.url.path, json.loads(r.content)) for r in self.requests if r.method == "POST"]


def _ha(fake: FakeHomeAssistant, *, token: str | None = TOKEN, retries: int = 2) -> HomeAssistant:
    async def no_sleep(_seconds: float) -> None:
        return None

    client = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    return HomeAssistant(
        client, base_url=BASE, token=token, policy=RetryPolicy(retries=retries, sleep=no_sleep, timeout_s=1.0)
    )


def test_state_reads_the_entity_with_bearer_auth() -> None:
    fake = FakeHomeAssistant()
    state = run(_ha(fake).state("climate.living_room"))
    assert (state.entity_id, state.state, state.domain) == ("climate.living_room", "off", "climate")
    assert (state.target_temperature_c, state.current_temperature_c) == (19.0, 17.5)
    assert state.last_changed is not None
    assert state.last_changed.utcoffset() is not None
    request = next(r for r in fake.requests if r.url.path == "/api/states/climate.living_room")
    assert request.method == "GET"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_set_climate_posts_the_service_call_and_returns_changed_states() -> None:
    fake = FakeHomeAssistant()
    ha = _ha(fake)
    changed = run(ha.set_climate("climate.living_room", 21.5, "heat"))
    assert fake.posts() == [
        (
            "/api/services/climate/set_temperature",
            {"entity_id": "climate.living_room", "temperature": 21.5, "hvac_mode": "heat"},
        )
    ]
    assert [(s.entity_id, s.state, s.target_temperature_c) for s in changed] == [("climate.living_room", "heat", 21.5)]
    # Idempotent: the same target again changes nothing.
    assert run(ha.set_climate("climate.living_room", 21.5, "heat")) == []
    assert run(ha.state("climate.living_room")).target_temperature_c == 21.5


def test_fahrenheit_homes_get_converted_targets() -> None:
    fake = FakeHomeAssistant(fahrenheit=True)
    fake.states["climate.living_room"]["attributes"].update(
        min_temp=45, max_temp=95, temperature=66, current_temperature=63.5
    )
    ha = _ha(fake)
    assert run(ha.state("climate.living_room")).current_temperature_c == pytest.approx(17.5)
    changed = run(ha.set_climate("climate.living_room", 21.0))
    assert fake.posts()[-1][1] == {"entity_id": "climate.living_room", "temperature": 69.8}
    assert changed[0].target_temperature_c == pytest.approx(21.0)


def test_switches_turn_on_and_off() -> None:
    fake = FakeHomeAssistant()
    ha = _ha(fake)
    assert [s.state for s in run(ha.turn_on("switch.garage_heater"))] == ["on"]
    assert run(ha.turn_on("switch.garage_heater")) == []
    assert [s.state for s in run(ha.turn_off("switch.garage_heater"))] == ["off"]
    assert [p for p, _ in fake.posts()] == [
        "/api/services/homeassistant/turn_on",
        "/api/services/homeassistant/turn_on",
        "/api/services/homeassistant/turn_off",
    ]


def test_unknown_entity_is_an_input_error() -> None:
    fake = FakeHomeAssistant()
    with pytest.raises(InputError, match=r"no entity 'climate\.sauna'") as info:
        run(_ha(fake).set_climate("climate.sauna", 21))
    assert info.value.field == "entity_id"
    assert fake.posts() == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda ha: ha.set_climate("climate.living_room", 40.0), "temperature_c"),
        (lambda ha: ha.set_climate("climate.living_room", 21.0, "fan_only"), "hvac_mode"),
        (lambda ha: ha.set_climate("switch.garage_heater", 21.0), "entity_id"),
        (lambda ha: ha.state("../api/config"), "entity_id"),
    ],
)
def test_bad_requests_are_refused_before_any_service_call(call: Callable[[HomeAssistant], Any], field: str) -> None:
    fake = FakeHomeAssistant()
    with pytest.raises(InputError) as info:
        run(call(_ha(fake)))
    assert info.value.field == field
    assert fake.posts() == []


def test_bad_token_names_the_setting() -> None:
    fake = FakeHomeAssistant()
    with pytest.raises(ToolUnavailable, match="CODRIVER_EXTERNAL__HOME_ASSISTANT_TOKEN"):
        run(_ha(fake, token="wrong").state("climate.living_room"))
    assert len(fake.requests) == 1


def test_unconfigured_home_assistant_says_what_to_set() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(FakeHomeAssistant()))
    with pytest.raises(ToolUnavailable, match="CODRIVER_EXTERNAL__HOME_ASSISTANT_URL"):
        run(HomeAssistant.from_settings(client, Settings().external).turn_on("switch.garage_heater"))
    settings = Settings(external=ExternalSettings(home_assistant_url=BASE))
    with pytest.raises(ToolUnavailable, match="CODRIVER_EXTERNAL__HOME_ASSISTANT_TOKEN"):
        run(HomeAssistant.from_settings(client, settings.external).turn_on("switch.garage_heater"))
    configured = Settings(
        external=ExternalSettings(home_assistant_url=BASE + "/", home_assistant_token=SecretStr(TOKEN))
    )
    assert run(HomeAssistant.from_settings(client, configured.external).state("switch.garage_heater")).state == "off"


def test_server_errors_and_timeouts() -> None:
    fake = FakeHomeAssistant()
    fake.override = lambda _r: httpx.Response(502, text="Bad Gateway")
    with pytest.raises(ToolUnavailable, match="HTTP 502"):
        run(_ha(fake).state("climate.living_room"))
    assert len(fake.requests) == 3

    def timeout(request: httpx.Request) -> httpx.Response:
        msg = "timed out"
        raise httpx.ConnectTimeout(msg, request=request)

    fake = FakeHomeAssistant()
    fake.override = timeout
    with pytest.raises(ToolTimeout):
        run(_ha(fake, retries=0).state("climate.living_room"))


def test_retry_after_429_then_success() -> None:
    fake = FakeHomeAssistant()
    answers = iter([httpx.Response(429, text="Too many requests")])
    fake.override = lambda r: next(answers, None) if r.url.path.startswith("/api/states/") else None
    assert run(_ha(fake).state("switch.garage_heater")).state == "off"
    assert [r.url.path for r in fake.requests].count("/api/states/switch.garage_heater") == 2


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>login</html>"),
        httpx.Response(200, json={"entity": "climate.living_room"}),
        httpx.Response(200, json=["not", "states"]),
    ],
)
def test_malformed_answers_are_bad_responses(response: httpx.Response) -> None:
    fake = FakeHomeAssistant()
    fake.override = lambda r: response if r.url.path != "/api/config" else None
    with pytest.raises(ToolBadResponse):
        run(_ha(fake).state("climate.living_room"))


def test_service_rejections_are_input_errors() -> None:
    fake = FakeHomeAssistant()
    message = {"message": "Service call requested response data but did not match any entities"}
    fake.override = lambda r: httpx.Response(400, json=message) if r.method == "POST" else None
    with pytest.raises(InputError, match=r"rejected the request for switch\.garage_heater") as info:
        run(_ha(fake).turn_on("switch.garage_heater"))
    assert info.value.field == "entity_id"
