"""What a vehicle needs to know about its energy: battery or tank, consumption, charging.

Every figure has a unit in its name. State of charge and fuel level are fractions 0..1.
The defaults of the model coefficients are those of a typical compact car; the reasoning
behind each figure is in ``docs/tools/charging.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from codriver.tools.charging import normalise_connector

__all__ = ["AC_CONNECTORS", "VehicleEnergy", "VehicleRecord"]

# Connectors that carry AC: the vehicle's on-board charger limits the power.
AC_CONNECTORS = frozenset({"type1", "type2", "type3", "schuko", "cee"})


class VehicleRecord(Protocol):
    """What :meth:`VehicleEnergy.from_vehicle` reads of a vehicle (a stored vehicle row has these)."""

    @property
    def powertrain(self) -> str: ...
    @property
    def battery_kwh(self) -> float | None: ...
    @property
    def consumption_kwh_per_100km(self) -> float | None: ...
    @property
    def max_charge_kw(self) -> float | None: ...
    @property
    def connectors(self) -> Sequence[str] | None: ...
    @property
    def tank_l(self) -> float | None: ...
    @property
    def fuel_l_per_100km(self) -> float | None: ...


class VehicleEnergy(BaseModel):
    """Energy specification of one vehicle (electric, combustion or plug-in hybrid).

    ``consumption_kwh_per_100km`` is measured at ``reference_speed_kmh`` in mild weather
    (15 °C or warmer) with auxiliaries on; ``fuel_l_per_100km`` likewise. The speed and
    temperature model around it is in :func:`codriver.tools.energy.leg_energy_kwh`.
    """

    model_config = ConfigDict(frozen=True)

    powertrain: Literal["ev", "ice", "phev"] = "ev"

    # -- electric ---------------------------------------------------------------------
    battery_kwh: float | None = Field(default=None, gt=0, description="usable battery capacity, kWh")
    consumption_kwh_per_100km: float | None = Field(default=None, gt=0)
    max_charge_kw: float | None = Field(
        default=None, gt=0, description="highest DC charging power accepted, kW; None: AC only"
    )
    max_ac_charge_kw: float = Field(default=11.0, gt=0, description="on-board (AC) charger limit, kW")
    connectors: tuple[str, ...] = Field(default=(), description="charging inlets: ccs, type2, chademo, ...")
    charge_efficiency: float = Field(default=0.9, gt=0.5, le=1.0, description="battery energy / energy drawn")
    taper_start_soc: float = Field(default=0.8, ge=0.0, lt=1.0, description="SoC where the power starts to fall")
    taper_end_fraction: float = Field(
        default=0.2, gt=0.0, le=1.0, description="power at 100 % SoC as a fraction of the maximum"
    )

    # -- consumption model ------------------------------------------------------------
    reference_speed_kmh: float = Field(default=90.0, gt=0, description="speed at which consumption is quoted")
    aero_share: float = Field(
        default=0.55, ge=0.0, le=1.0, description="share of traction energy spent on air drag at the reference speed"
    )
    auxiliary_kw: float = Field(default=0.3, ge=0, description="electronics, lights, fans: always on, kW")
    heating_kw_per_k: float = Field(
        default=0.15, ge=0, description="cabin heating per kelvin below comfort_temperature_c, kW/K"
    )
    cold_loss_per_k: float = Field(
        default=0.005, ge=0, le=0.05, description="extra traction energy per kelvin below comfort, fraction/K"
    )
    comfort_temperature_c: float = Field(default=15.0, description="below this outside temperature, heating starts")

    # -- combustion -------------------------------------------------------------------
    tank_l: float | None = Field(default=None, gt=0)
    fuel_l_per_100km: float | None = Field(default=None, gt=0)
    idle_fuel_l_per_h: float = Field(
        default=1.0, ge=0, description="fuel burnt per hour whatever the distance: idling and slow traffic"
    )
    refuel_l_per_min: float = Field(default=35.0, gt=0, description="pump flow rate")
    refuel_overhead_s: float = Field(default=180.0, ge=0, description="pulling in, paying, pulling out")

    @field_validator("connectors", mode="before")
    @classmethod
    def _connectors(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            return tuple(dict.fromkeys(normalise_connector(str(v)) for v in value))
        return value

    @model_validator(mode="after")
    def _complete(self) -> VehicleEnergy:
        if self.powertrain in {"ev", "phev"}:
            if self.battery_kwh is None or self.consumption_kwh_per_100km is None:
                msg = f"a {self.powertrain} needs battery_kwh and consumption_kwh_per_100km"
                raise ValueError(msg)
            if self.consumption_kwh_per_100km / 100 <= self.auxiliary_kw / self.reference_speed_kmh:
                msg = "consumption_kwh_per_100km is too low: the auxiliaries alone use more at the reference speed"
                raise ValueError(msg)
        if self.powertrain in {"ice", "phev"}:
            if self.tank_l is None or self.fuel_l_per_100km is None:
                msg = f"a {self.powertrain} needs tank_l and fuel_l_per_100km"
                raise ValueError(msg)
            if self.fuel_l_per_100km / 100 <= self.idle_fuel_l_per_h / self.reference_speed_kmh:
                msg = "fuel_l_per_100km is too low: idling alone burns more at the reference speed"
                raise ValueError(msg)
        return self

    @property
    def is_electric(self) -> bool:
        """True when the vehicle drives on its battery (ev, phev)."""
        return self.powertrain in {"ev", "phev"}

    @property
    def acceptance_kw(self) -> float:
        """Highest power (kW) the battery accepts below the taper: ``max_charge_kw``, else the AC limit."""
        return self.max_charge_kw if self.max_charge_kw is not None else self.max_ac_charge_kw

    def charge_limit_kw(self, connector: str | None = None) -> float:
        """Highest power (kW) the vehicle's inlet takes on ``connector`` (None: its DC maximum)."""
        if connector is not None and normalise_connector(connector) in AC_CONNECTORS:
            return self.max_ac_charge_kw
        return self.max_charge_kw if self.max_charge_kw is not None else self.max_ac_charge_kw

    @classmethod
    def from_vehicle(cls, vehicle: VehicleRecord, **overrides: Any) -> VehicleEnergy:
        """The specification of a vehicle record, e.g. a stored ``codriver.store.Vehicle`` (plus model overrides)."""
        data: dict[str, Any] = {
            "powertrain": vehicle.powertrain,
            "battery_kwh": vehicle.battery_kwh,
            "consumption_kwh_per_100km": vehicle.consumption_kwh_per_100km,
            "max_charge_kw": vehicle.max_charge_kw,
            "connectors": list(vehicle.connectors or []),
            "tank_l": vehicle.tank_l,
            "fuel_l_per_100km": vehicle.fuel_l_per_100km,
        }
        return cls.model_validate({**data, **overrides})
