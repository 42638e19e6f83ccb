"""Vehicle commands: preconditioning and presets, queued for the car with idempotency keys."""

from codriver.tools.vehicle._commands import (
    CabinPrecondition,
    ClimatePreset,
    CommandRecord,
    SeatPreset,
    VehicleCommand,
    VehicleCommands,
    command_key,
)
from codriver.tools.vehicle._memory import InMemoryVehicleCommands
from codriver.tools.vehicle._precondition import (
    CabinThermal,
    precondition_energy_kwh,
    precondition_lead_min,
    precondition_start_at,
)

__all__ = [
    "CabinPrecondition",
    "CabinThermal",
    "ClimatePreset",
    "CommandRecord",
    "InMemoryVehicleCommands",
    "SeatPreset",
    "VehicleCommand",
    "VehicleCommands",
    "command_key",
    "precondition_energy_kwh",
    "precondition_lead_min",
    "precondition_start_at",
]
