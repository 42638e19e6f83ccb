"""How long before departure to start warming or cooling the cabin.

A first-order thermal model of the parked cabin, which starts at the outside temperature
``T_out`` (parked for hours, no sun)::

    C * dT/dt = P - UA * (T - T_out)
    T(t)      = T_out + (P / UA) * (1 - exp(-t / tau)),   tau = C / UA

so reaching the target ``Δ = |target - T_out|`` kelvin away takes::

    t = -tau * ln(1 - UA * Δ / P)

With the defaults (heater 5 kW, air conditioning 4 kW, losses UA 0.1 kW/K, effective heat
capacity of air, seats and trim C 150 kJ/K, so tau = 25 min): -10 °C -> 21 °C takes about
24 min, 0 °C -> 21 °C about 14 min, 35 °C -> 21 °C about 11 min. Within ``deadband_k`` of
the target nothing is needed; when the device cannot reach the target at all
(``UA * Δ >= P``) or it would take longer, the lead is ``max_lead_min``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codriver.errors import InputError
from codriver.tools.vehicle._commands import CabinPrecondition

__all__ = [
    "CabinThermal",
    "cabin_precondition",
    "precondition_energy_kwh",
    "precondition_lead_min",
    "precondition_start_at",
]


class CabinThermal(BaseModel):
    """The parked cabin and its climate devices (see the module docstring for the figures)."""

    model_config = ConfigDict(frozen=True)

    heater_kw: float = Field(default=5.0, gt=0, description="heating power (PTC heater or heat pump output)")
    cooler_kw: float = Field(default=4.0, gt=0, description="cooling power of the air conditioning")
    loss_kw_per_k: float = Field(default=0.1, gt=0, description="UA: heat lost to outside per kelvin")
    heat_capacity_kj_per_k: float = Field(default=150.0, gt=0, description="C: air, seats and trim together")
    deadband_k: float = Field(default=1.0, ge=0, description="closer than this to the target: nothing to do")
    max_lead_min: float = Field(default=45.0, gt=0, description="the longest a car will precondition")


def _ramp_s(outside_c: float, target_c: float, cabin: CabinThermal) -> tuple[float, float]:
    """(seconds to reach the target, device power kW); inf seconds when it never gets there."""
    delta = target_c - outside_c
    if abs(delta) <= cabin.deadband_k:
        return 0.0, 0.0
    power = cabin.heater_kw if delta > 0 else cabin.cooler_kw
    load = cabin.loss_kw_per_k * abs(delta) / power
    if load >= 1.0:
        return math.inf, power
    tau_s = cabin.heat_capacity_kj_per_k / cabin.loss_kw_per_k
    return -tau_s * math.log(1.0 - load), power


def _check(outside_c: float, target_c: float) -> None:
    if not (-60.0 <= outside_c <= 60.0 and 10.0 <= target_c <= 32.0):
        msg = f"outside {outside_c:g} °C or target {target_c:g} °C is implausible (outside -60..60, target 10..32)"
        raise InputError(msg, field="target_c")


def precondition_lead_min(outside_c: float, target_c: float, cabin: CabinThermal | None = None) -> float:
    """Minutes before departure to start preconditioning so the cabin is at ``target_c`` (°C) on time.

    0 within the deadband; at most ``cabin.max_lead_min``.
    """
    _check(outside_c, target_c)
    cabin = cabin or CabinThermal()
    seconds, _ = _ramp_s(outside_c, target_c, cabin)
    return min(seconds / 60.0, cabin.max_lead_min)


def precondition_start_at(
    ready_at: datetime, outside_c: float, target_c: float, cabin: CabinThermal | None = None
) -> datetime:
    """When to start preconditioning for a cabin at ``target_c`` at ``ready_at`` (aware, same zone)."""
    if ready_at.tzinfo is None:
        msg = "ready_at must carry a time zone offset"
        raise InputError(msg, field="ready_at")
    return ready_at - timedelta(minutes=precondition_lead_min(outside_c, target_c, cabin))


def precondition_energy_kwh(outside_c: float, target_c: float, cabin: CabinThermal | None = None) -> float:
    """Energy (kWh) the climate device draws while bringing the cabin to the target (full power, capped lead)."""
    _check(outside_c, target_c)
    cabin = cabin or CabinThermal()
    _, power = _ramp_s(outside_c, target_c, cabin)
    return power * precondition_lead_min(outside_c, target_c, cabin) / 60.0


def cabin_precondition(target_c: float, ready_at: datetime, *, outside_c: float | None = None) -> CabinPrecondition:
    """The command to have the cabin at ``target_c`` °C at ``ready_at``.

    ``start_at`` comes from the lead-time model when ``outside_c`` (°C) is known, else the
    car decides. Values the command refuses are an :class:`InputError` naming the field.
    """
    start_at = precondition_start_at(ready_at, outside_c, target_c) if outside_c is not None else None
    try:
        return CabinPrecondition(target_c=target_c, ready_at=ready_at, start_at=start_at)
    except ValidationError as exc:
        error = exc.errors()[0]
        msg = f"cannot precondition: {'.'.join(map(str, error['loc']))}: {error['msg']}"
        raise InputError(msg, field=str(error["loc"][0])) from exc
