"""Energy model: consumption of a drive, charging curve and time, fuel equivalents.

Pure functions over a :class:`VehicleEnergy` specification; they broadcast over NumPy
arrays. The planning engine and the verifier ask them through the :class:`EnergyModel`
protocol (:data:`EMBEDDED_ENERGY` is this model). SoC and fuel levels are fractions 0..1,
energy kWh, power kW, time seconds.
"""

from codriver.tools.energy._charging import (
    charge_energy_kwh,
    charge_power_kw,
    charge_time_s,
    refuel_time_s,
    soc_after_charge,
)
from codriver.tools.energy._consumption import leg_energy_kwh, leg_fuel_l
from codriver.tools.energy._model import EMBEDDED_ENERGY, EmbeddedEnergy, EnergyModel
from codriver.tools.energy._vehicle import AC_CONNECTORS, VehicleEnergy, VehicleRecord

__all__ = [
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
]
