"""The public surface of ``codriver.tools.vehicle``: what other packages may import."""

from __future__ import annotations

import codriver.tools.vehicle as package

EXPORTED = {
    "CabinPrecondition",
    "CabinThermal",
    "ClimatePreset",
    "CommandRecord",
    "InMemoryVehicleCommands",
    "QueuedVehicleCommands",
    "SeatPreset",
    "VehicleCommand",
    "VehicleCommands",
    "cabin_precondition",
    "checked_key",
    "command_key",
    "precondition_energy_kwh",
    "precondition_lead_min",
    "precondition_start_at",
    "preset_command",
}


def test_public_names_are_exactly_these() -> None:
    assert set(package.__all__) == EXPORTED


def test_every_public_name_is_defined() -> None:
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == []
