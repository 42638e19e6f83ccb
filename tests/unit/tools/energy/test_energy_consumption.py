"""Consumption of a drive: speed, cold, auxiliaries, vectorisation, combustion."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from codriver.errors import InputError
from codriver.store import Vehicle
from codriver.tools.energy import VehicleEnergy, leg_energy_kwh, leg_fuel_l

EV = VehicleEnergy(battery_kwh=60.0, consumption_kwh_per_100km=16.3, max_charge_kw=120.0, connectors=("ccs", "type2"))
ICE = VehicleEnergy(powertrain="ice", tank_l=50.0, fuel_l_per_100km=6.0)


def _hours_for(km: float, kmh: float) -> float:
    return km / kmh * 3600.0


def test_at_the_reference_speed_in_mild_weather_consumption_is_the_quoted_figure() -> None:
    assert leg_energy_kwh(100_000, _hours_for(100, 90), vehicle=EV) == pytest.approx(16.3)
    assert leg_energy_kwh(250_000, _hours_for(250, 90), 20.0, vehicle=EV) == pytest.approx(16.3 * 2.5)


def test_air_drag_grows_with_the_square_of_speed() -> None:
    per_100 = {v: leg_energy_kwh(100_000, _hours_for(100, v), vehicle=EV) for v in (30, 50, 90, 120, 130)}
    traction_ref = 16.3 - 0.3 / 90 * 100
    expected_120 = traction_ref * (0.45 + 0.55 * (120 / 90) ** 2) + 0.3 * 100 / 120
    assert per_100[120] == pytest.approx(expected_120)
    assert per_100[130] > per_100[120] > per_100[90] > per_100[50]
    assert per_100[120] / per_100[90] == pytest.approx(1.41, abs=0.01)  # measured EVs: about 1.35 to 1.45


def test_auxiliaries_cost_time_not_distance() -> None:
    # Standing still for an hour: only the always-on load.
    assert leg_energy_kwh(0, 3600, vehicle=EV) == pytest.approx(0.3)
    assert leg_energy_kwh(0, 3600, -10.0, vehicle=EV) == pytest.approx(0.3 + 0.15 * 25)
    assert leg_energy_kwh(0, 0, vehicle=EV) == 0.0


def test_cold_raises_consumption_below_the_comfort_temperature_only() -> None:
    drive = (100_000, _hours_for(100, 50))
    mild = leg_energy_kwh(*drive, vehicle=EV)
    assert leg_energy_kwh(*drive, 15.0, vehicle=EV) == pytest.approx(mild)
    assert leg_energy_kwh(*drive, 30.0, vehicle=EV) == pytest.approx(mild)
    assert leg_energy_kwh(*drive, 0.0, vehicle=EV) > mild
    assert leg_energy_kwh(*drive, -20.0, vehicle=EV) > leg_energy_kwh(*drive, 0.0, vehicle=EV)


def test_cold_figure_matches_the_aaa_winter_test() -> None:
    """AAA (2019): at -6.7 °C with the heater on, EV range fell by 41 % on a mixed cycle."""
    drive = (100_000, _hours_for(100, 50))
    loss = 1 - leg_energy_kwh(*drive, vehicle=EV) / leg_energy_kwh(*drive, -6.7, vehicle=EV)
    assert loss == pytest.approx(0.41, abs=0.02)


def test_vectorised_over_legs_equals_scalar_calls() -> None:
    distances = np.array([0.0, 1_000.0, 25_000.0, 120_000.0])
    durations = np.array([600.0, 120.0, 1_200.0, 3_600.0])
    temperatures = np.array([-15.0, 0.0, 10.0, 25.0])
    batch = leg_energy_kwh(distances, durations, temperatures, vehicle=EV)
    assert isinstance(batch, np.ndarray)
    single = [
        leg_energy_kwh(float(d), float(t), float(c), vehicle=EV)
        for d, t, c in zip(distances, durations, temperatures, strict=True)
    ]
    np.testing.assert_allclose(batch, single)
    assert isinstance(leg_energy_kwh(1000.0, 60.0, vehicle=EV), float)


@pytest.mark.parametrize(("distance", "duration"), [(-1.0, 10.0), (1000.0, 0.0), (1000.0, -5.0), (float("nan"), 1.0)])
def test_impossible_legs_are_input_errors(distance: float, duration: float) -> None:
    with pytest.raises(InputError):
        leg_energy_kwh(distance, duration, vehicle=EV)


def test_combustion_fuel_uses_the_same_road_load() -> None:
    assert leg_fuel_l(100_000, _hours_for(100, 90), vehicle=ICE) == pytest.approx(6.0)
    assert leg_fuel_l(0, 1800, vehicle=ICE) == pytest.approx(0.5)  # idling half an hour at 1 l/h
    # U-shaped like measured engines: cheapest between town and motorway speeds.
    per_100 = {v: leg_fuel_l(100_000, _hours_for(100, v), vehicle=ICE) for v in (20, 70, 130)}
    assert per_100[20] > per_100[70] < per_100[130]
    assert per_100[130] > 6.0
    with pytest.raises(InputError, match="leg_fuel_l"):
        leg_energy_kwh(1000, 60, vehicle=ICE)
    with pytest.raises(InputError, match="leg_energy_kwh"):
        leg_fuel_l(1000, 60, vehicle=EV)


def test_specification_is_validated() -> None:
    with pytest.raises(ValidationError, match="battery_kwh"):
        VehicleEnergy(powertrain="ev", consumption_kwh_per_100km=15)
    with pytest.raises(ValidationError, match="tank_l"):
        VehicleEnergy(powertrain="ice", fuel_l_per_100km=6)
    with pytest.raises(ValidationError, match="too low"):
        VehicleEnergy(battery_kwh=50, consumption_kwh_per_100km=0.2)
    with pytest.raises(ValidationError, match="unknown connector"):
        VehicleEnergy(battery_kwh=50, consumption_kwh_per_100km=15, connectors=["scart"])
    assert VehicleEnergy(battery_kwh=50, consumption_kwh_per_100km=15, connectors=["CCS2", "Type 2"]).connectors == (
        "ccs",
        "type2",
    )


def test_from_a_stored_vehicle() -> None:
    row = Vehicle(
        user_id=1,
        name="Family EV",
        powertrain="ev",
        battery_kwh=77.0,
        consumption_kwh_per_100km=18.0,
        max_charge_kw=135.0,
        connectors=["ccs", "type2"],
    )
    spec = VehicleEnergy.from_vehicle(row, charge_efficiency=0.92)
    assert (spec.battery_kwh, spec.max_charge_kw, spec.connectors, spec.charge_efficiency) == (
        77.0,
        135.0,
        ("ccs", "type2"),
        0.92,
    )
