"""The engine and the verifier read opening hours and energy through the providers their tools hold.

``RegionTools.opening_hours`` (an ``HoursProvider``) and ``RegionTools.energy`` (an
``EnergyModel``) are the embedded ones by default; a different provider changes what the
engine plans with and what the verifier checks against.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import numpy as np
import numpy.typing as npt
from planning_cases import ev_request, request

from codriver.planning._engine import build_problem
from codriver.planning._region_world import EnergyCurve, RegionTools, RegionWorld
from codriver.planning._world import StopRef
from codriver.tools.energy import EMBEDDED_ENERGY, VehicleEnergy
from codriver.tools.opening_hours import HoursInterval, HoursState, OpeningHours, PlaceHours, hours_for


class AlwaysClosed:
    """An :class:`OpeningHours` that knows every place closed all the time."""

    parsed = True

    def state_at(self, at: datetime) -> tuple[HoursState, str | None]:
        return "closed", None

    def intervals(self, start: datetime, end: datetime) -> list[HoursInterval]:
        return [HoursInterval(start=start, end=end, state="closed")]

    def day_text(self, day: date) -> str:
        return "closed"

    def open_throughout(self, start: datetime, end: datetime) -> bool:
        return False


def closed_hours(raw: str | None, *, lat: float | None, lon: float | None, timezone: str) -> OpeningHours:
    return AlwaysClosed()


class DoubleEnergy:
    """An :class:`EnergyModel`: twice the embedded consumption and charge time."""

    def leg_energy_kwh(
        self,
        distance_m: npt.ArrayLike,
        duration_s: npt.ArrayLike,
        temperature_c: float | None,
        *,
        vehicle: VehicleEnergy,
    ) -> float | npt.NDArray[np.float64]:
        return 2 * EMBEDDED_ENERGY.leg_energy_kwh(distance_m, duration_s, temperature_c, vehicle=vehicle)

    def charge_time_s(self, soc_from: float, soc_to: float, charger_kw: float, vehicle: VehicleEnergy) -> float:
        return 2 * EMBEDDED_ENERGY.charge_time_s(soc_from, soc_to, charger_kw, vehicle)


def test_the_tools_default_to_the_embedded_providers(tools: RegionTools) -> None:
    assert tools.opening_hours is hours_for
    assert tools.energy is EMBEDDED_ENERGY
    entry = next(e for e in tools.places.index.entries if e.opening_hours)
    assert isinstance(tools.hours(entry), PlaceHours)


def test_the_engine_and_the_verifier_read_hours_from_the_tools_provider(tools: RegionTools) -> None:
    closed = dataclasses.replace(tools, opening_hours=closed_hours)
    open_before = build_problem(request(), tools, max_candidates=16)
    assert any(c.windows for c in open_before.candidates)  # the real hours leave some place open that day
    # every place closed the whole day: none is worth a candidate
    assert build_problem(request(), closed, max_candidates=16).candidates == []
    entry = next(e for e in tools.places.index.entries if e.opening_hours)
    at = request().depart_at
    assert RegionWorld(closed).hours_state(entry.poi_id, at) == "closed"
    assert RegionWorld(closed).open_throughout(entry.poi_id, at, at) is False


def test_the_engine_and_the_verifier_compute_energy_with_the_tools_model(ev_tools: RegionTools) -> None:
    doubled = dataclasses.replace(ev_tools, energy=DoubleEnergy())
    ev = ev_request(0.8)
    plain, twice = build_problem(ev, ev_tools, max_candidates=8), build_problem(ev, doubled, max_candidates=8)
    assert plain.energy_kwh is not None
    assert twice.energy_kwh is not None
    assert np.allclose(twice.energy_kwh, 2 * plain.energy_kwh)
    assert float(plain.energy_kwh.max()) > 0
    a, b = (StopRef(None, s.lat, s.lon) for s in plain.sites[:2])
    assert RegionWorld(doubled, ev).leg_energy_kwh(a, b, 17.0) == 2 * RegionWorld(ev_tools, ev).leg_energy_kwh(
        a, b, 17.0
    )
    vehicle = VehicleEnergy(powertrain="ev", battery_kwh=60.0, consumption_kwh_per_100km=17.0, max_charge_kw=100.0)
    once = EnergyCurve(vehicle).time_s(60.0, 50.0, 0.2, 0.8)
    assert once > 0
    assert EnergyCurve(vehicle, DoubleEnergy()).time_s(60.0, 50.0, 0.2, 0.8) == 2 * once
    assert RegionWorld(doubled, ev).charge_time_s(60.0, 50.0, 0.2, 0.8) == 2 * RegionWorld(ev_tools, ev).charge_time_s(
        60.0, 50.0, 0.2, 0.8
    )
