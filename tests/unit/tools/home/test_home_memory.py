"""The simulated home: recorded actions, idempotence, a warming thermostat."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from codriver.errors import InputError
from codriver.tools.home import HomeAutomation, InMemoryHome, climate_device, switch_device

T = TypeVar("T")
START = datetime(2024, 11, 2, 6, 0, tzinfo=UTC)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def home(clock: Clock) -> InMemoryHome:
    return InMemoryHome(
        [climate_device("climate.living_room", current_c=15.0, target_c=18.0), switch_device("switch.sauna")],
        clock=clock,
        rate_k_per_h=4.0,
    )


def test_is_a_home_automation(home: InMemoryHome) -> None:
    automation: HomeAutomation = home
    assert run(automation.state("switch.sauna")).state == "off"


def test_every_action_is_recorded_with_its_time(home: InMemoryHome, clock: Clock) -> None:
    run(home.set_climate("climate.living_room", 21.0, "heat"))
    clock.advance(minutes=5)
    run(home.turn_on("switch.sauna"))
    assert [(a.at, a.action, a.entity_id, a.changed) for a in home.actions] == [
        (START, "set_climate", "climate.living_room", True),
        (START + timedelta(minutes=5), "turn_on", "switch.sauna", True),
    ]
    assert home.actions[0].data == {"temperature_c": 21.0, "hvac_mode": "heat"}


def test_repeating_an_action_changes_nothing(home: InMemoryHome, clock: Clock) -> None:
    first = run(home.set_climate("climate.living_room", 21.0, "heat"))
    assert [(s.state, s.target_temperature_c) for s in first] == [("heat", 21.0)]
    changed_at = run(home.state("climate.living_room")).last_changed
    clock.advance(minutes=1)
    assert run(home.set_climate("climate.living_room", 21.0, "heat")) == []
    assert run(home.state("climate.living_room")).last_changed == changed_at
    assert [a.changed for a in home.actions] == [True, False]


def test_heating_moves_the_room_towards_the_target(home: InMemoryHome, clock: Clock) -> None:
    run(home.set_climate("climate.living_room", 21.0, "heat"))
    clock.advance(minutes=30)
    assert run(home.state("climate.living_room")).current_temperature_c == pytest.approx(17.0)
    clock.advance(hours=3)
    state = run(home.state("climate.living_room"))
    assert state.current_temperature_c == pytest.approx(21.0)  # reaches the target, never overshoots
    assert state.attributes["current_temperature"] == pytest.approx(21.0)


def test_an_idle_or_cooling_device_does_not_heat(home: InMemoryHome, clock: Clock) -> None:
    clock.advance(hours=1)
    assert run(home.state("climate.living_room")).current_temperature_c == 15.0  # off
    run(home.set_climate("climate.living_room", 21.0, "cool"))
    clock.advance(hours=1)
    assert run(home.state("climate.living_room")).current_temperature_c == 15.0


def test_turn_off_and_on_resumes_the_mode(home: InMemoryHome) -> None:
    run(home.set_climate("climate.living_room", 22.0, "heat_cool"))
    assert [s.state for s in run(home.turn_off("climate.living_room"))] == ["off"]
    assert [s.state for s in run(home.turn_on("climate.living_room"))] == ["heat_cool"]
    assert [s.state for s in run(home.turn_on("switch.sauna"))] == ["on"]
    assert run(home.turn_on("switch.sauna")) == []


@pytest.mark.parametrize(
    ("entity_id", "temperature", "mode", "field"),
    [
        ("climate.garage", 20.0, None, "entity_id"),
        ("switch.sauna", 20.0, None, "entity_id"),
        ("climate.living_room", 50.0, None, "temperature_c"),
        ("climate.living_room", 20.0, "dry", "hvac_mode"),
        ("Climate Living Room", 20.0, None, "entity_id"),
    ],
)
def test_invalid_requests(home: InMemoryHome, entity_id: str, temperature: float, mode: str | None, field: str) -> None:
    with pytest.raises(InputError) as info:
        run(home.set_climate(entity_id, temperature, mode))
    assert info.value.field == field
    assert home.actions == []


def test_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        InMemoryHome([switch_device("switch.a")], clock=lambda: datetime(2024, 1, 1))
