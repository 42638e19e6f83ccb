"""The public surface of ``codriver.tools.energy``: what other packages may import."""

from __future__ import annotations

import codriver.tools.energy as package

EXPORTED = {
    "AC_CONNECTORS",
    "EMBEDDED_ENERGY",
    "EmbeddedEnergy",
    "EnergyModel",
    "VehicleEnergy",
    "VehicleRecord",
    "charge_energy_kwh",
    "charge_power_kw",
    "charge_time_s",
    "leg_energy_kwh",
    "leg_fuel_l",
    "refuel_time_s",
    "soc_after_charge",
}


def test_public_names_are_exactly_these() -> None:
    assert set(package.__all__) == EXPORTED


def test_every_public_name_is_defined() -> None:
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == []
