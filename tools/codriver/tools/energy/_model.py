"""The :class:`EnergyModel` protocol the planning engine and the verifier compute energy with.

Energy is kWh, distances metres, durations seconds, power kW, states of charge fractions
0..1. :class:`EmbeddedEnergy` answers with this package's closed-form model; another
provider (a vehicle maker's consumption service, a fitted model per car) plugs in behind
the same two questions.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from codriver.tools.energy._charging import charge_time_s
from codriver.tools.energy._consumption import leg_energy_kwh
from codriver.tools.energy._vehicle import VehicleEnergy

__all__ = ["EMBEDDED_ENERGY", "EmbeddedEnergy", "EnergyModel"]

_Array = npt.NDArray[np.float64]


class EnergyModel(Protocol):
    """How much battery energy a drive uses and how long a charge takes, for one vehicle."""

    def leg_energy_kwh(
        self,
        distance_m: npt.ArrayLike,
        duration_s: npt.ArrayLike,
        temperature_c: float | None,
        *,
        vehicle: VehicleEnergy,
    ) -> float | _Array:
        """kWh used driving ``distance_m`` metres in ``duration_s`` seconds at ``temperature_c`` °C outside
        (None: mild weather); arrays in, an array of the same shape out."""
        ...

    def charge_time_s(self, soc_from: float, soc_to: float, charger_kw: float, vehicle: VehicleEnergy) -> float:
        """Seconds from ``soc_from`` to ``soc_to`` on a ``charger_kw`` charger (0 when ``soc_to <= soc_from``)."""
        ...


class EmbeddedEnergy:
    """The :class:`EnergyModel` of :func:`leg_energy_kwh` and :func:`charge_time_s` (offline, closed form)."""

    provider = "embedded"

    def leg_energy_kwh(
        self,
        distance_m: npt.ArrayLike,
        duration_s: npt.ArrayLike,
        temperature_c: float | None,
        *,
        vehicle: VehicleEnergy,
    ) -> float | _Array:
        return leg_energy_kwh(distance_m, duration_s, temperature_c, vehicle=vehicle)

    def charge_time_s(self, soc_from: float, soc_to: float, charger_kw: float, vehicle: VehicleEnergy) -> float:
        return charge_time_s(soc_from, soc_to, charger_kw, vehicle)


#: The embedded model (stateless: one instance serves every region and vehicle).
EMBEDDED_ENERGY = EmbeddedEnergy()
