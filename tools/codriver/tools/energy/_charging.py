"""Charging and refuelling time: the charging curve integrated in closed form.

The power drawn at state of charge ``s`` (fraction 0..1) is::

    P(s)     = min(charger_kw, inlet_kw, L * taper(s))
    inlet_kw = max_ac_charge_kw on AC connectors, else max_charge_kw
    L        = max_charge_kw (the battery's acceptance; max_ac_charge_kw for an AC-only car)
    taper(s) = 1                                  for s <= s_k   (taper_start_soc, 0.8)
             = 1 - beta * (s - s_k)               for s >  s_k
    beta     = (1 - f) / (1 - s_k)                f = taper_end_fraction (0.2 at 100 %)

and the battery gains ``charge_efficiency * P(s)``. So on a charger at least as fast as
the car the power is flat up to ``s_k`` and then falls linearly to ``f * L`` at 100 %; on
a slower charger (an 11 kW wallbox, a 50 kW DC post) it stays flat until the falling
acceptance meets the charger's output, which may be never. The time from ``a`` to ``b``
is ``battery_kwh / efficiency * ∫ ds / P(s)``: a constant part and, on the falling part,
``-ln(taper(b) / taper(a)) / (L * beta)``. :func:`soc_after_charge` inverts it exactly.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from codriver.errors import InputError
from codriver.tools.energy._vehicle import VehicleEnergy

__all__ = [
    "charge_energy_kwh",
    "charge_power_kw",
    "charge_time_s",
    "refuel_time_s",
    "soc_after_charge",
]

_Array = npt.NDArray[np.float64]


def _fraction(value: npt.ArrayLike, name: str) -> _Array:
    array = np.asarray(value, dtype=float)
    if not np.all((array >= 0.0) & (array <= 1.0)):
        msg = f"{name} must be a fraction between 0 and 1"
        raise InputError(msg, field=name)
    return array


def _battery(vehicle: VehicleEnergy) -> float:
    if not vehicle.is_electric or vehicle.battery_kwh is None:
        msg = f"a {vehicle.powertrain} vehicle has no battery to charge"
        raise InputError(msg, field="vehicle")
    return vehicle.battery_kwh


def _curve(charger_kw: npt.ArrayLike, vehicle: VehicleEnergy, connector: str | None) -> tuple[_Array, float, _Array]:
    """(flat power kW, battery acceptance L in kW, SoC from which L * taper(s) binds)."""
    charger = np.asarray(charger_kw, dtype=float)
    if not np.all(charger > 0):
        msg = "charger power must be positive (kW)"
        raise InputError(msg, field="charger_kw")
    acceptance = vehicle.acceptance_kw
    flat = np.minimum(np.minimum(charger, vehicle.charge_limit_kw(connector)), acceptance)
    s_k, f = vehicle.taper_start_soc, vehicle.taper_end_fraction
    if f >= 1.0:
        return flat, acceptance, np.ones_like(flat)
    beta = (1.0 - f) / (1.0 - s_k)
    # The falling acceptance L * taper(s) meets the flat power at s_x (past 1: never).
    s_x = np.minimum(1.0, s_k + (1.0 - flat / acceptance) / beta)
    return flat, acceptance, s_x


def _taper(s: _Array, vehicle: VehicleEnergy) -> _Array:
    s_k, f = vehicle.taper_start_soc, vehicle.taper_end_fraction
    beta = (1.0 - f) / (1.0 - s_k)
    return np.asarray(1.0 - beta * np.maximum(0.0, s - s_k), dtype=float)


def _out(value: _Array) -> float | _Array:
    return float(value) if value.ndim == 0 else value


@overload
def charge_power_kw(
    soc: float, charger_kw: float, vehicle: VehicleEnergy, *, connector: str | None = None
) -> float: ...
@overload
def charge_power_kw(
    soc: npt.ArrayLike, charger_kw: npt.ArrayLike, vehicle: VehicleEnergy, *, connector: str | None = None
) -> float | _Array: ...
def charge_power_kw(
    soc: npt.ArrayLike, charger_kw: npt.ArrayLike, vehicle: VehicleEnergy, *, connector: str | None = None
) -> float | _Array:
    """Power (kW) drawn from a ``charger_kw`` charger at state of charge ``soc``."""
    _battery(vehicle)
    s = _fraction(soc, "soc")
    charger = np.asarray(charger_kw, dtype=float)
    flat, acceptance, _ = _curve(charger, vehicle, connector)
    return _out(np.minimum(flat, acceptance * _taper(s, vehicle)))


@overload
def charge_time_s(
    soc_from: float, soc_to: float, charger_kw: float, vehicle: VehicleEnergy, *, connector: str | None = None
) -> float: ...
@overload
def charge_time_s(
    soc_from: npt.ArrayLike,
    soc_to: npt.ArrayLike,
    charger_kw: npt.ArrayLike,
    vehicle: VehicleEnergy,
    *,
    connector: str | None = None,
) -> float | _Array: ...
def charge_time_s(
    soc_from: npt.ArrayLike,
    soc_to: npt.ArrayLike,
    charger_kw: npt.ArrayLike,
    vehicle: VehicleEnergy,
    *,
    connector: str | None = None,
) -> float | _Array:
    """Seconds to charge from ``soc_from`` to ``soc_to`` (fractions) on a ``charger_kw`` charger.

    ``connector`` says which vehicle limit applies (AC connectors: ``max_ac_charge_kw``;
    otherwise and by default: ``max_charge_kw``). Zero when ``soc_to <= soc_from``.
    Charging losses are included; plugging in and paying are not.
    """
    battery = _battery(vehicle)
    a = _fraction(soc_from, "soc_from")
    b = np.maximum(a, _fraction(soc_to, "soc_to"))
    flat, acceptance, s_x = _curve(charger_kw, vehicle, connector)
    flat_part = np.maximum(0.0, np.minimum(b, s_x) - a) / flat
    lo = np.maximum(a, s_x)
    hi = np.maximum(b, lo)
    s_k, f = vehicle.taper_start_soc, vehicle.taper_end_fraction
    beta = (1.0 - f) / (1.0 - s_k)
    if beta > 0:
        taper_part = -np.log(_taper(hi, vehicle) / _taper(lo, vehicle)) / (acceptance * beta)
    else:
        taper_part = np.zeros_like(flat_part)
    hours = battery / vehicle.charge_efficiency * (flat_part + taper_part)
    return _out(np.asarray(hours * 3600.0, dtype=float))


@overload
def soc_after_charge(
    soc: float, seconds: float, charger_kw: float, vehicle: VehicleEnergy, *, connector: str | None = None
) -> float: ...
@overload
def soc_after_charge(
    soc: npt.ArrayLike,
    seconds: npt.ArrayLike,
    charger_kw: npt.ArrayLike,
    vehicle: VehicleEnergy,
    *,
    connector: str | None = None,
) -> float | _Array: ...
def soc_after_charge(
    soc: npt.ArrayLike,
    seconds: npt.ArrayLike,
    charger_kw: npt.ArrayLike,
    vehicle: VehicleEnergy,
    *,
    connector: str | None = None,
) -> float | _Array:
    """State of charge (fraction, at most 1) after charging ``seconds`` from ``soc``.

    The exact inverse of :func:`charge_time_s`: ``charge_time_s(s, soc_after_charge(s, t))
    == t`` until the battery is full.
    """
    battery = _battery(vehicle)
    s0 = _fraction(soc, "soc")
    t = np.asarray(seconds, dtype=float)
    if not np.all(t >= 0):
        msg = "charging time must not be negative (s)"
        raise InputError(msg, field="seconds")
    flat, acceptance, s_x = _curve(charger_kw, vehicle, connector)
    scale = vehicle.charge_efficiency / battery / 3600.0  # SoC per (kW * s)
    flat_s = np.maximum(0.0, s_x - s0) / (flat * scale)  # seconds of flat charging available
    in_flat = s0 + t * flat * scale
    s_k, f = vehicle.taper_start_soc, vehicle.taper_end_fraction
    beta = (1.0 - f) / (1.0 - s_k)
    start = np.maximum(s0, s_x)
    rest = np.maximum(0.0, t - flat_s)
    if beta > 0:
        u = _taper(start, vehicle) * np.exp(-rest * scale * acceptance * beta)
        in_taper = s_k + (1.0 - u) / beta
    else:
        in_taper = start + rest * flat * scale
    result = np.where(t <= flat_s, in_flat, in_taper)
    return _out(np.asarray(np.minimum(1.0, result), dtype=float))


@overload
def charge_energy_kwh(soc_from: float, soc_to: float, vehicle: VehicleEnergy) -> float: ...
@overload
def charge_energy_kwh(soc_from: npt.ArrayLike, soc_to: npt.ArrayLike, vehicle: VehicleEnergy) -> float | _Array: ...
def charge_energy_kwh(soc_from: npt.ArrayLike, soc_to: npt.ArrayLike, vehicle: VehicleEnergy) -> float | _Array:
    """Energy (kWh) drawn from the charger, losses included, to go from ``soc_from`` to ``soc_to``."""
    battery = _battery(vehicle)
    a = _fraction(soc_from, "soc_from")
    b = _fraction(soc_to, "soc_to")
    return _out(np.asarray(np.maximum(0.0, b - a) * battery / vehicle.charge_efficiency, dtype=float))


def refuel_time_s(level_from: float, level_to: float, vehicle: VehicleEnergy) -> float:
    """Seconds at a fuel station to fill the tank from ``level_from`` to ``level_to`` (fractions).

    ``refuel_overhead_s`` plus the litres at ``refuel_l_per_min``; zero when nothing is added.
    """
    if vehicle.tank_l is None:
        msg = f"a {vehicle.powertrain} vehicle has no fuel tank"
        raise InputError(msg, field="vehicle")
    a = float(_fraction(level_from, "level_from"))
    b = float(_fraction(level_to, "level_to"))
    litres = max(0.0, b - a) * vehicle.tank_l
    if litres == 0:
        return 0.0
    return vehicle.refuel_overhead_s + litres / vehicle.refuel_l_per_min * 60.0
