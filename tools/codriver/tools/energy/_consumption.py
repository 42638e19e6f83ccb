"""Energy and fuel of a drive, from its distance, duration and the outside temperature.

Electric (kWh)::

    v        = distance / duration                                   average speed, km/h
    e_ref    = consumption_kwh_per_100km / 100 - auxiliary_kw / v_ref   traction, kWh/km at v_ref
    e(v)     = e_ref * ((1 - aero_share) + aero_share * (v / v_ref)**2)
    cold(T)  = max(0, comfort_temperature_c - T)                     kelvin below comfort
    energy   = distance_km * e(v) * (1 + cold_loss_per_k * cold(T))
             + (auxiliary_kw + heating_kw_per_k * cold(T)) * duration_h

Rolling resistance does not depend on speed, air drag grows with its square; auxiliaries
and heating draw power for as long as the drive lasts, so they cost more per kilometre
in slow traffic. Combustion (litres) uses the same road-load split with
``fuel_l_per_100km`` and ``idle_fuel_l_per_h``; engine heat warms the cabin for free.
No elevation, wind or regeneration: the figures are for planning, not for billing.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from codriver.errors import InputError
from codriver.tools.energy._vehicle import VehicleEnergy

__all__ = ["leg_energy_kwh", "leg_fuel_l"]

_Array = npt.NDArray[np.float64]


def _speed_kmh(distance_m: npt.ArrayLike, duration_s: npt.ArrayLike) -> tuple[_Array, _Array, _Array]:
    """(km, hours, average km/h) as arrays; a positive distance needs a positive duration."""
    d = np.asarray(distance_m, dtype=float)
    t = np.asarray(duration_s, dtype=float)
    if np.any(d < 0) or np.any(t < 0) or not (np.all(np.isfinite(d)) and np.all(np.isfinite(t))):
        msg = "distances (m) and durations (s) must be finite and not negative"
        raise InputError(msg, field="distance_m")
    if np.any((d > 0) & (t <= 0)):
        msg = "a leg with a positive distance needs a positive duration"
        raise InputError(msg, field="duration_s")
    km, hours = d / 1000.0, t / 3600.0
    speed = np.divide(km, hours, out=np.zeros(np.broadcast(km, hours).shape), where=hours > 0)
    return km, hours, speed


def _road_load(speed_kmh: _Array, vehicle: VehicleEnergy) -> _Array:
    """Traction use relative to the reference speed: rolling part constant, drag part ∝ v²."""
    ratio = speed_kmh / vehicle.reference_speed_kmh
    return (1.0 - vehicle.aero_share) + vehicle.aero_share * ratio**2


def _scalar_or_array(value: _Array) -> float | _Array:
    return float(value) if value.ndim == 0 else value


@overload
def leg_energy_kwh(
    distance_m: float, duration_s: float, temperature_c: float | None = None, *, vehicle: VehicleEnergy
) -> float: ...
@overload
def leg_energy_kwh(
    distance_m: npt.ArrayLike,
    duration_s: npt.ArrayLike,
    temperature_c: npt.ArrayLike | None = None,
    *,
    vehicle: VehicleEnergy,
) -> float | _Array: ...
def leg_energy_kwh(
    distance_m: npt.ArrayLike,
    duration_s: npt.ArrayLike,
    temperature_c: npt.ArrayLike | None = None,
    *,
    vehicle: VehicleEnergy,
) -> float | _Array:
    """Battery energy (kWh) used to drive ``distance_m`` metres in ``duration_s`` seconds.

    ``temperature_c`` is the outside temperature (°C); None means mild weather (no
    heating, no cold losses). Arguments broadcast like NumPy arrays: scalars in, a float
    out; arrays in, an array out.
    """
    if not vehicle.is_electric:
        msg = f"a {vehicle.powertrain} vehicle has no battery to drive on: use leg_fuel_l"
        raise InputError(msg, field="vehicle")
    assert vehicle.consumption_kwh_per_100km is not None
    km, hours, speed = _speed_kmh(distance_m, duration_s)
    cold = 0.0 if temperature_c is None else np.maximum(0.0, vehicle.comfort_temperature_c - np.asarray(temperature_c))
    traction_ref = vehicle.consumption_kwh_per_100km / 100.0 - vehicle.auxiliary_kw / vehicle.reference_speed_kmh
    traction = km * traction_ref * _road_load(speed, vehicle) * (1.0 + vehicle.cold_loss_per_k * cold)
    always_on = (vehicle.auxiliary_kw + vehicle.heating_kw_per_k * cold) * hours
    return _scalar_or_array(np.asarray(traction + always_on, dtype=float))


@overload
def leg_fuel_l(distance_m: float, duration_s: float, *, vehicle: VehicleEnergy) -> float: ...
@overload
def leg_fuel_l(distance_m: npt.ArrayLike, duration_s: npt.ArrayLike, *, vehicle: VehicleEnergy) -> float | _Array: ...
def leg_fuel_l(distance_m: npt.ArrayLike, duration_s: npt.ArrayLike, *, vehicle: VehicleEnergy) -> float | _Array:
    """Fuel (litres) burnt driving ``distance_m`` metres in ``duration_s`` seconds.

    Same road-load model as :func:`leg_energy_kwh`, with idling in place of the
    auxiliaries and no cold terms. Broadcasts like :func:`leg_energy_kwh`.
    """
    if vehicle.fuel_l_per_100km is None:
        msg = f"a {vehicle.powertrain} vehicle has no fuel consumption: use leg_energy_kwh"
        raise InputError(msg, field="vehicle")
    km, hours, speed = _speed_kmh(distance_m, duration_s)
    traction_ref = vehicle.fuel_l_per_100km / 100.0 - vehicle.idle_fuel_l_per_h / vehicle.reference_speed_kmh
    litres = km * traction_ref * _road_load(speed, vehicle) + vehicle.idle_fuel_l_per_h * hours
    return _scalar_or_array(np.asarray(litres, dtype=float))
