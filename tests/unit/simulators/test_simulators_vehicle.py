"""The vehicle simulator: positions along geometry, energy drain, charging, arrivals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from codriver.planning import Itinerary, ItineraryLeg, ItineraryStop, ParkingSpot, VehicleSpec
from codriver.simulators import VehicleSim, point_along

ZONE = ZoneInfo("Europe/Helsinki")
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=ZONE)


def test_point_along_a_polyline() -> None:
    line = [[24.0, 60.0], [24.0, 60.1], [24.2, 60.1]]
    assert point_along(line, 0.0) == (60.0, 24.0)
    assert point_along(line, 1.0) == (60.1, 24.2)
    lat, lon = point_along(line, 1 / 6)  # half of the first third
    assert lat == pytest.approx(60.05)
    assert lon == pytest.approx(24.0)
    lat, lon = point_along(line, 2 / 3)
    assert (lat, lon) == (pytest.approx(60.1), pytest.approx(24.1))


def _trip(charge_to: float | None) -> Itinerary:
    def at(minutes: float) -> datetime:
        return T0 + timedelta(minutes=minutes)

    stops = [
        ItineraryStop(poi_id=None, name="Home", kind="start", lat=60.0, lon=24.0, arrive_at=None, depart_at=at(0)),
        ItineraryStop(
            poi_id="osm:node/1",
            name="Charger",
            kind="charge",
            lat=60.2,
            lon=24.0,
            arrive_at=at(20),
            depart_at=at(50),
            soc_after=charge_to,
            power_kw=50.0,
        ),
        ItineraryStop(poi_id=None, name="Home", kind="end", lat=60.0, lon=24.0, arrive_at=at(75), depart_at=None),
    ]
    out = {"type": "LineString", "coordinates": [[24.0, 60.0], [24.0, 60.2]]}
    back = {"type": "LineString", "coordinates": [[24.0, 60.2], [24.0, 60.0]]}
    legs = [
        ItineraryLeg(from_index=0, distance_m=20_000, duration_s=1200, geometry=out),
        ItineraryLeg(from_index=1, distance_m=20_000, duration_s=1200, geometry=back),
    ]
    return Itinerary(status="feasible", stops=stops, legs=legs)


def test_driving_drains_and_charging_refills() -> None:
    spec = VehicleSpec(powertrain="ev", battery_kwh=40, soc=0.5)
    sim = VehicleSim(spec, T0, 60.0, 24.0)
    plan = _trip(charge_to=0.8)
    sim.advance(plan, T0 + timedelta(minutes=10))
    assert sim.lat == pytest.approx(60.1)
    halfway = sim.soc
    assert halfway is not None
    assert 0.4 < halfway < 0.5
    sim.advance(plan, T0 + timedelta(minutes=20))
    assert sim.soc is not None
    assert sim.soc < halfway
    assert [v.name for v in sim.visited] == ["Charger"]
    assert sim.done == 2
    sim.advance(plan, T0 + timedelta(minutes=75))
    # charged to 0.8, then the way back costs what the way out did
    assert sim.soc == pytest.approx(0.8 - (0.5 - min(s for _, s in sim.soc_trace)), abs=1e-6)
    assert [v.kind for v in sim.visited] == ["charge", "end"]


def test_cold_weather_costs_more_and_a_combustion_car_has_no_soc() -> None:
    plan = _trip(charge_to=None)
    mild = VehicleSim(VehicleSpec(powertrain="ev", soc=0.5), T0, 60.0, 24.0)
    cold = VehicleSim(VehicleSpec(powertrain="ev", soc=0.5), T0, 60.0, 24.0, temperature_c=-15)
    for sim in (mild, cold):
        sim.advance(plan, T0 + timedelta(minutes=75))
    assert cold.soc is not None
    assert mild.soc is not None
    assert cold.soc < mild.soc < 0.5
    ice = VehicleSim(VehicleSpec(powertrain="ice"), T0, 60.0, 24.0)
    ice.advance(plan, T0 + timedelta(minutes=75))
    assert ice.soc is None
    assert ice.soc_trace == []
    assert ice.state().at == T0 + timedelta(minutes=75)


def test_a_walked_leg_leaves_the_car_parked_and_full() -> None:
    def at(minutes: float) -> datetime:
        return T0 + timedelta(minutes=minutes)

    def stop(name: str, lat: float, arrive: float | None, depart: float | None, kind: str = "visit") -> ItineraryStop:
        return ItineraryStop(
            poi_id=None if kind != "visit" else f"osm:node/{int(lat * 1000)}",
            name=name,
            kind=kind,  # type: ignore[arg-type]
            lat=lat,
            lon=24.0,
            arrive_at=None if arrive is None else at(arrive),
            depart_at=None if depart is None else at(depart),
        )

    park = ParkingSpot(poi_id="osm:node/7", name="Car park", lat=60.1001, lon=24.0)
    plan = Itinerary(
        status="feasible",
        stops=[
            stop("Home", 60.0, None, 0, "start"),
            stop("Museum", 60.1, 20, 50),
            stop("Gallery", 60.104, 56, 80),
            stop("Home", 60.0, 100, None, "end"),
        ],
        legs=[
            ItineraryLeg(
                from_index=0,
                distance_m=10_000,
                duration_s=1200,
                park=park,
                geometry={"type": "LineString", "coordinates": [[24.0, 60.0], [24.0, 60.1001]]},
            ),
            ItineraryLeg(
                from_index=1,
                mode="walk",
                distance_m=450,
                duration_s=360,
                geometry={"type": "LineString", "coordinates": [[24.0, 60.1], [24.0, 60.104]]},
            ),
            ItineraryLeg(
                from_index=2,
                distance_m=10_000,
                duration_s=1200,
                geometry={"type": "LineString", "coordinates": [[24.0, 60.1001], [24.0, 60.0]]},
            ),
        ],
    )
    sim = VehicleSim(VehicleSpec(powertrain="ev", battery_kwh=40, soc=0.5), T0, 60.0, 24.0)
    sim.advance(plan, at(52))
    soc_after_drive = sim.soc
    sim.advance(plan, at(70))  # the walk to the gallery and the visit: the car waits at the car park
    assert sim.soc == soc_after_drive
    assert (sim.lat, sim.lon) == (park.lat, park.lon)
