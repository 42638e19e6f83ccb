"""The public surface of ``codriver.tools.home``: what other packages may import."""

from __future__ import annotations

import codriver.tools.home as package

EXPORTED = {
    "DeviceState",
    "HVAC_MODES",
    "HomeAction",
    "HomeAssistant",
    "HomeAutomation",
    "InMemoryHome",
    "check_entity_id",
    "climate_device",
    "parse_state",
    "switch_device",
}


def test_public_names_are_exactly_these() -> None:
    assert set(package.__all__) == EXPORTED


def test_every_public_name_is_defined() -> None:
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == []
