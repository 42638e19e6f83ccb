"""Preconditioning lead time: the closed form against a simulated cabin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from codriver.errors import InputError
from codriver.tools.vehicle import CabinThermal, precondition_energy_kwh, precondition_lead_min, precondition_start_at


def _simulated_min(outside_c: float, target_c: float, cabin: CabinThermal, dt_s: float = 0.5) -> float:
    """Minutes until the simulated cabin (explicit Euler on C dT/dt = ±P - UA (T - T_out)) reaches the target."""
    heating = target_c > outside_c
    power = cabin.heater_kw if heating else -cabin.cooler_kw
    temperature, t = outside_c, 0.0
    while (temperature < target_c) if heating else (temperature > target_c):
        flow_kw = power - cabin.loss_kw_per_k * (temperature - outside_c)
        temperature += flow_kw * dt_s / cabin.heat_capacity_kj_per_k
        t += dt_s
        assert t < 24 * 3600, "never got there"
    return t / 60.0


@pytest.mark.parametrize(("outside", "target"), [(-10.0, 21.0), (0.0, 21.0), (10.0, 22.0), (35.0, 21.0), (28.0, 20.0)])
def test_closed_form_matches_a_simulated_cabin(outside: float, target: float) -> None:
    cabin = CabinThermal()
    assert precondition_lead_min(outside, target, cabin) == pytest.approx(
        _simulated_min(outside, target, cabin), abs=0.05
    )


def test_documented_figures() -> None:
    assert precondition_lead_min(-10.0, 21.0) == pytest.approx(24.2, abs=0.1)
    assert precondition_lead_min(0.0, 21.0) == pytest.approx(13.6, abs=0.1)
    assert precondition_lead_min(35.0, 21.0) == pytest.approx(10.8, abs=0.1)


def test_colder_needs_longer_and_mild_needs_nothing() -> None:
    leads = [precondition_lead_min(t, 21.0) for t in (15.0, 5.0, -5.0, -15.0)]
    assert leads == sorted(leads)
    assert precondition_lead_min(20.5, 21.0) == 0.0
    assert precondition_energy_kwh(20.5, 21.0) == 0.0


def test_unreachable_targets_are_capped() -> None:
    weak = CabinThermal(heater_kw=2.0, max_lead_min=40.0)
    assert precondition_lead_min(-30.0, 21.0, weak) == 40.0  # 0.1 kW/K * 51 K > 2 kW
    assert precondition_lead_min(-40.0, 22.0) == 45.0


def test_energy_is_power_times_lead() -> None:
    assert precondition_energy_kwh(-10.0, 21.0) == pytest.approx(5.0 * precondition_lead_min(-10.0, 21.0) / 60)
    assert precondition_energy_kwh(35.0, 21.0) == pytest.approx(4.0 * precondition_lead_min(35.0, 21.0) / 60)


def test_start_time() -> None:
    ready = datetime(2025, 1, 15, 5, 30, tzinfo=UTC)
    assert precondition_start_at(ready, -10.0, 21.0) == ready - timedelta(minutes=precondition_lead_min(-10.0, 21.0))
    with pytest.raises(InputError, match="time zone"):
        precondition_start_at(datetime(2025, 1, 15, 5, 30), -10.0, 21.0)
    with pytest.raises(InputError, match="implausible"):
        precondition_lead_min(-10.0, 60.0)
