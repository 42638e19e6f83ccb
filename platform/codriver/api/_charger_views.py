"""Chargers near a charging stop, for the traveller to choose from (catalogue facts only).

Every option is a station of the region's charging catalogue that the car can use: its
sockets fit the car's inlets, or they are not recorded (then the option is *unverified*
and the planner assumes a Type 2 AC socket at a modest power, as it does when planning).
Choosing one re-plans the trip with ``constraints.use_chargers`` (see
:mod:`codriver.api.routes.chargers`).
"""

from __future__ import annotations

from codriver.api._ports import ChargerOption, SocketInfo
from codriver.errors import InputError
from codriver.planning import UNVERIFIED_SOCKET, Itinerary, RegionTools, TripRequest, usable_power_kw, vehicle_energy
from codriver.tools.charging import ChargerFilter, ChargerResult
from codriver.tools.geo import LatLon, haversine_m

__all__ = ["NEAR_M", "charger_options", "charging_stop", "stop_chargers"]

#: Chargers farther than this from the stop's place are not offered (straight-line metres).
NEAR_M = 5000.0


def charging_stop(itinerary: Itinerary, index: int) -> str:
    """The charger the car uses at ``itinerary.stops[index]`` (InputError naming ``index`` when none)."""
    stops = itinerary.stops
    if not 0 < index < len(stops) - 1:
        msg = f"stop {index} is not an inner stop of the itinerary (1..{len(stops) - 2})"
        raise InputError(msg, field="index")
    charger = stops[index].charger
    if not stops[index].charges or charger is None:
        msg = f"the car does not charge at stop {index} ({stops[index].name}): choose a charging stop"
        raise InputError(msg, field="index")
    return charger


def _option(result: ChargerResult, power: float | None, here: LatLon, current: str) -> ChargerOption:
    sockets = [SocketInfo(connector=c.connector, count=c.count, power_kw=c.power_kw) for c in result.connectors]
    recorded_power = result.max_power_kw is not None or any(c.power_kw is not None for c in result.connectors)
    verified = result.sockets_known and bool(sockets) and recorded_power
    return ChargerOption(
        poi_id=result.poi_id,
        name=result.name or result.operator or "Charging station",
        lat=result.lat,
        lon=result.lon,
        distance_m=round(haversine_m(here, LatLon(result.lat, result.lon)), 1),
        sockets=sockets,
        power_kw=power,
        network=result.network,
        operator=result.operator,
        fee=result.fee,
        verified=verified,
        assumed_socket=None if result.sockets_known else UNVERIFIED_SOCKET,
        current=result.poi_id == current,
    )


def charger_options(
    tools: RegionTools, request: TripRequest, itinerary: Itinerary, index: int, *, limit: int
) -> list[ChargerOption]:
    """The chargers the car can use within :data:`NEAR_M` of the charging stop: the plan's own first, then nearest.

    A station the car cannot use (sockets known not to fit, private, out of order) is never offered.
    """
    current = charging_stop(itinerary, index)
    if request.vehicle.powertrain != "ev":
        msg = "the trip's car is not an electric vehicle"
        raise InputError(msg, field="vehicle")
    vehicle = vehicle_energy(request.vehicle)
    stop = itinerary.stops[index]
    here = LatLon(stop.lat, stop.lon)
    flt = ChargerFilter(connectors=vehicle.connectors)
    options: list[ChargerOption] = []
    for result in tools.chargers.near_sync(here, NEAR_M, flt):
        status, power = usable_power_kw(result, vehicle)
        if (status == "compatible" or not result.sockets_known) and power:
            options.append(_option(result, min(power, vehicle.max_charge_kw or power), here, current))
    options.sort(key=lambda o: (not o.current, o.distance_m, o.poi_id))
    return options[:limit]


def stop_chargers(itinerary: Itinerary) -> list[str]:
    """The chargers the plan uses, in order, each once."""
    used = [s.charger for s in itinerary.stops if s.charges and s.charger]
    return list(dict.fromkeys(c for c in used if c))
