"""The charging curve: closed form against numeric integration, its inverse, fuel stops."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from codriver.errors import InputError
from codriver.tools.energy import (
    VehicleEnergy,
    charge_energy_kwh,
    charge_power_kw,
    charge_time_s,
    refuel_time_s,
    soc_after_charge,
)

EV = VehicleEnergy(battery_kwh=60.0, consumption_kwh_per_100km=16.3, max_charge_kw=120.0, connectors=("ccs", "type2"))


def _numeric_time_s(a: float, b: float, charger_kw: float, vehicle: VehicleEnergy, connector: str | None) -> float:
    """∫ battery / (efficiency * P(s)) ds, by adaptive quadrature over the power curve."""
    assert vehicle.battery_kwh is not None
    battery_kwh = vehicle.battery_kwh

    def seconds_per_soc(s: float) -> float:
        power_kw = charge_power_kw(s, charger_kw, vehicle, connector=connector)
        return battery_kwh * 3600.0 / (vehicle.charge_efficiency * power_kw)

    value, _ = quad(seconds_per_soc, a, b, points=[vehicle.taper_start_soc], limit=200, epsabs=1e-9, epsrel=1e-10)
    return float(value)


@pytest.mark.parametrize(
    ("a", "b", "charger_kw", "connector"),
    [
        (0.10, 0.80, 150.0, None),  # fast charger, flat only
        (0.10, 1.00, 150.0, None),  # through the knee to full
        (0.85, 0.95, 300.0, "ccs"),  # inside the taper
        (0.20, 0.98, 50.0, None),  # slow DC: flat beyond the knee, then taper
        (0.05, 1.00, 22.0, "type2"),  # AC: the on-board charger (11 kW) limits, never tapers
        (0.50, 0.50, 150.0, None),
    ],
)
def test_closed_form_matches_numeric_integration(a: float, b: float, charger_kw: float, connector: str | None) -> None:
    exact = charge_time_s(a, b, charger_kw, EV, connector=connector)
    assert exact == pytest.approx(_numeric_time_s(a, b, charger_kw, EV, connector), rel=1e-7, abs=1e-6)


def test_power_curve_shape() -> None:
    assert charge_power_kw(0.5, 150.0, EV) == pytest.approx(120.0)  # vehicle limit
    assert charge_power_kw(0.5, 50.0, EV) == pytest.approx(50.0)  # charger limit
    assert charge_power_kw(1.0, 150.0, EV) == pytest.approx(0.2 * 120.0)  # taper end
    assert charge_power_kw(0.9, 150.0, EV) == pytest.approx(0.6 * 120.0)  # halfway down the line
    assert charge_power_kw(0.9, 50.0, EV) == pytest.approx(50.0)  # the slow charger is still the limit
    assert charge_power_kw(0.99, 22.0, EV, connector="type2") == pytest.approx(11.0)  # on-board charger


def test_reference_times() -> None:
    # 10 -> 80 % of 60 kWh at 120 kW with 90 % efficiency: 42 kWh / 0.9 / 120 kW = 23.3 min.
    assert charge_time_s(0.1, 0.8, 150.0, EV) == pytest.approx(42 / 0.9 / 120 * 3600)
    # AC at 11 kW: 0.2 * 120 kW = 24 kW > 11 kW, so the taper never binds.
    assert charge_time_s(0.2, 1.0, 11.0, EV, connector="type2") == pytest.approx(48 / 0.9 / 11 * 3600)
    assert charge_time_s(0.8, 0.5, 150.0, EV) == 0.0


def test_soc_after_charge_inverts_charge_time() -> None:
    for a, b, kw, connector in [
        (0.1, 0.8, 150.0, None),
        (0.1, 0.97, 150.0, None),
        (0.3, 0.99, 50.0, None),
        (0.82, 0.9, 300.0, None),
        (0.0, 1.0, 7.4, "type2"),
    ]:
        t = charge_time_s(a, b, kw, EV, connector=connector)
        assert soc_after_charge(a, t, kw, EV, connector=connector) == pytest.approx(b, abs=1e-9)
    # Past full, it stays full; zero time changes nothing.
    full = charge_time_s(0.2, 1.0, 150.0, EV)
    assert soc_after_charge(0.2, full * 2, 150.0, EV) == 1.0
    assert soc_after_charge(0.42, 0.0, 150.0, EV) == pytest.approx(0.42)


def test_vectorised_over_stops() -> None:
    soc_from = np.array([0.1, 0.5, 0.85, 0.2])
    soc_to = np.array([0.8, 0.9, 1.0, 0.2])
    chargers = np.array([50.0, 150.0, 300.0, 22.0])
    batch = charge_time_s(soc_from, soc_to, chargers, EV)
    assert isinstance(batch, np.ndarray)
    np.testing.assert_allclose(
        batch,
        [charge_time_s(float(a), float(b), float(k), EV) for a, b, k in zip(soc_from, soc_to, chargers, strict=True)],
    )
    back = soc_after_charge(soc_from, batch, chargers, EV)
    np.testing.assert_allclose(back, np.maximum(soc_from, soc_to), atol=1e-9)


def test_energy_drawn_includes_losses() -> None:
    assert charge_energy_kwh(0.2, 0.8, EV) == pytest.approx(36.0 / 0.9)
    assert charge_energy_kwh(0.8, 0.2, EV) == 0.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: charge_time_s(-0.1, 0.5, 50.0, EV),
        lambda: charge_time_s(0.1, 1.2, 50.0, EV),
        lambda: charge_time_s(0.1, 0.5, 0.0, EV),
        lambda: soc_after_charge(0.1, -5.0, 50.0, EV),
        lambda: charge_time_s(0.1, 0.5, 50.0, VehicleEnergy(powertrain="ice", tank_l=50, fuel_l_per_100km=6)),
    ],
)
def test_bad_arguments_are_input_errors(call: object) -> None:
    with pytest.raises(InputError):
        call()  # type: ignore[operator]


def test_refuel_time() -> None:
    car = VehicleEnergy(powertrain="ice", tank_l=50.0, fuel_l_per_100km=6.0)
    assert refuel_time_s(0.1, 0.9, car) == pytest.approx(180 + 40 / 35 * 60)
    assert refuel_time_s(0.9, 0.9, car) == 0.0
    with pytest.raises(InputError):
        refuel_time_s(0.1, 0.9, EV)
