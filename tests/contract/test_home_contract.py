"""The home contract, on every provider: the in-memory home (live) and Home Assistant (replayed).

Home Assistant is replayed on loopback from ``recordings/home_assistant_home_contract.json``:
answers hand-written after Home Assistant's REST API documentation
(https://developers.home-assistant.io/docs/api/rest/) for a home with a thermostat
(``climate.living_room``: off, 20 °C set, 18.5 °C measured, 7-35 °C, modes off/heat/cool) and a
switch (``switch.porch_light``, off), not recorded from a server (see README.md here). The
in-memory home is given the same two devices. The replay keeps no state: each test asks what
one fresh home would answer. The last tests run the runtime with ``external.home_assistant_url``.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from contract_replay import ReplayServer, replaying

from codriver.bootstrap import Runtime
from codriver.errors import InputError, ToolUnavailable
from codriver.settings import ExternalSettings, Settings
from codriver.tools.home import (
    DeviceState,
    HomeAssistant,
    HomeAutomation,
    InMemoryHome,
    climate_device,
    switch_device,
)

RECORDINGS = Path(__file__).parent / "recordings"
T = TypeVar("T")
Use = Callable[[Callable[[HomeAutomation], Awaitable[T]]], T]
THERMOSTAT = "climate.living_room"
SWITCH = "switch.porch_light"
TOKEN = "contract-test-token"  # the replay server checks no token


@pytest.fixture(scope="module")
def ha_server() -> Iterator[ReplayServer]:
    with replaying(RECORDINGS / "home_assistant_home_contract.json") as server:
        yield server


def memory_home() -> InMemoryHome:
    thermostat = climate_device(
        THERMOSTAT, current_c=18.5, target_c=20.0, mode="off", hvac_modes=("off", "heat", "cool")
    )
    return InMemoryHome([thermostat, switch_device(SWITCH)])


@pytest.fixture(params=["memory", "home-assistant-replay"])
def use(request: pytest.FixtureRequest) -> Use[object]:
    """Runs ``fn(home)`` in an event loop of its own, on a fresh home (and HTTP client) made in it."""

    def run(fn: Callable[[HomeAutomation], Awaitable[T]]) -> T:
        async def go() -> T:
            if request.param == "memory":
                return await fn(memory_home())
            server: ReplayServer = request.getfixturevalue("ha_server")
            async with httpx.AsyncClient() as client:
                return await fn(HomeAssistant(client, base_url=server.url, token=TOKEN))

        return asyncio.run(go())

    return run


def test_a_thermostat_reads_in_celsius(use: Use[DeviceState]) -> None:
    state = use(lambda h: h.state(THERMOSTAT))
    assert (state.entity_id, state.domain, state.state) == (THERMOSTAT, "climate", "off")
    assert (state.target_temperature_c, state.current_temperature_c) == (20.0, 18.5)
    assert state.attributes["hvac_modes"] == ["off", "heat", "cool"]
    assert (state.attributes["min_temp"], state.attributes["max_temp"]) == (7, 35)


def test_a_switch_reads_off(use: Use[DeviceState]) -> None:
    state = use(lambda h: h.state(SWITCH))
    assert (state.domain, state.state, state.target_temperature_c) == ("switch", "off", None)


def test_an_unknown_entity_is_an_input_error(use: Use[DeviceState]) -> None:
    with pytest.raises(InputError, match=r"no entity 'climate\.garage'") as caught:
        use(lambda h: h.state("climate.garage"))
    assert caught.value.field == "entity_id"


def test_a_malformed_entity_id_is_refused(use: Use[DeviceState]) -> None:
    with pytest.raises(InputError, match="'Living Room' is not an entity ID"):
        use(lambda h: h.state("Living Room"))


def test_setting_a_thermostat_returns_its_changed_state(use: Use[list[DeviceState]]) -> None:
    [changed] = use(lambda h: h.set_climate(THERMOSTAT, 21.0, "heat"))
    assert (changed.entity_id, changed.state, changed.target_temperature_c) == (THERMOSTAT, "heat", 21.0)
    assert changed.last_changed is not None
    assert changed.last_changed.utcoffset() is not None


def test_a_target_outside_the_thermostat_range_is_refused(use: Use[list[DeviceState]]) -> None:
    with pytest.raises(InputError, match="accepts targets from 7 to 35 °C, not 40 °C") as caught:
        use(lambda h: h.set_climate(THERMOSTAT, 40.0))
    assert caught.value.field == "temperature_c"


def test_a_mode_the_thermostat_lacks_is_refused(use: Use[list[DeviceState]]) -> None:
    with pytest.raises(InputError, match=r"has no mode 'dry' \(modes: off, heat, cool\)") as caught:
        use(lambda h: h.set_climate(THERMOSTAT, 21.0, "dry"))
    assert caught.value.field == "hvac_mode"


def test_a_switch_has_no_target_temperature(use: Use[list[DeviceState]]) -> None:
    with pytest.raises(InputError, match=r"switch\.porch_light is not a climate device"):
        use(lambda h: h.set_climate(SWITCH, 21.0))


def test_switching_on_returns_the_changed_state(use: Use[list[DeviceState]]) -> None:
    [changed] = use(lambda h: h.turn_on(SWITCH))
    assert (changed.entity_id, changed.state) == (SWITCH, "on")


def test_switching_off_what_is_off_changes_nothing(use: Use[list[DeviceState]]) -> None:
    assert use(lambda h: h.turn_off(SWITCH)) == []


# -- the runtime's home: Home Assistant when configured, else none ---------------------------


def runtime_with(tmp_path: Path, **external: object) -> Runtime:
    return Runtime(Settings(data_dir=tmp_path, external=ExternalSettings.model_validate(external)))


def test_the_runtime_home_is_home_assistant_when_configured(tmp_path: Path, ha_server: ReplayServer) -> None:
    runtime = runtime_with(tmp_path, home_assistant_url=ha_server.url, home_assistant_token=TOKEN, http_retries=0)

    async def ask() -> list[DeviceState]:
        async with httpx.AsyncClient() as client:
            home = runtime.home(client)
            assert isinstance(home, HomeAssistant)
            assert (home.base_url, home.token) == (ha_server.url, TOKEN)
            return await home.set_climate(THERMOSTAT, 21.0, "heat")

    [changed] = asyncio.run(ask())
    assert changed.state == "heat"


def test_without_home_assistant_the_runtime_has_no_home(tmp_path: Path) -> None:
    runtime = runtime_with(tmp_path)
    assert runtime.settings.external.home_assistant_url is None

    async def ask() -> HomeAutomation | None:
        async with httpx.AsyncClient() as client:
            return runtime.home(client)

    assert asyncio.run(ask()) is None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_home_assistant_unreachable_is_a_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    runtime = runtime_with(tmp_path, home_assistant_url=url, home_assistant_token=TOKEN, http_retries=0)

    async def ask() -> DeviceState:
        async with httpx.AsyncClient() as client:
            home = runtime.home(client)
            assert home is not None
            return await home.state(THERMOSTAT)

    with pytest.raises(ToolUnavailable, match=r"Home Assistant"):
        asyncio.run(ask())


def test_home_assistant_without_a_token_names_the_variable(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    runtime = runtime_with(tmp_path, home_assistant_url="http://homeassistant.local:8123")

    async def ask() -> DeviceState:
        async with httpx.AsyncClient() as client:
            home = runtime.home(client)
            assert home is not None
            return await home.state(THERMOSTAT)

    with pytest.raises(
        ToolUnavailable, match="needs a long-lived access token: set CODRIVER_EXTERNAL__HOME_ASSISTANT_TOKEN"
    ):
        asyncio.run(ask())
    assert any("has no access token" in r.getMessage() for r in caplog.records)
