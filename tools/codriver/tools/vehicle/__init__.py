"""Vehicle commands: preconditioning and presets, queued for the car with idempotency keys."""

from codriver.tools.vehicle._commands import (
    CabinPrecondition,
    ClimatePreset,
    CommandRecord,
    SeatPreset,
    VehicleCommand,
    VehicleCommands,
    checked_key,
    command_key,
    preset_command,
)
from codriver.tools.vehicle._memory import InMemoryVehicleCommands
from codriver.tools.vehicle._precondition import (
    CabinThermal,
    cabin_precondition,
    precondition_energy_kwh,
    precondition_lead_min,
    precondition_start_at,
)
from codriver.tools.vehicle._queued import QueuedVehicleCommands

__all__ = [
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
]
