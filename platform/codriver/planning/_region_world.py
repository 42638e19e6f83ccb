"""The real tools of one region, bundled, and the :class:`World` the verifier sees through them.

``RegionTools`` holds the region's router, place catalogue, charging catalogue and
gazetteer (built once); ``RegionWorld`` answers the verifier's questions with them:
travel from the graph router, opening hours from opening-hours-py in the region's zone,
costs from the catalogue, energy and charge times from the energy model, compatibility
from the charging catalogue's tri-state rule.

A plan's travel times are routed once: the engine's matrix between the road nodes of its
sites (:class:`TravelMatrix`) is handed to the verifier's world, which still snaps every
stop itself and reads its legs from that matrix; a leg between nodes the matrix lacks is
routed (once per world).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import numpy.typing as npt

from codriver.errors import InputError, ToolError
from codriver.planning._pricing import cost_per_person
from codriver.planning._request import TripRequest, VehicleSpec
from codriver.planning._world import Compatibility, HoursState, PlaceFacts, StopRef
from codriver.settings import ExternalSettings, Settings
from codriver.store import Region
from codriver.tools.charging import (
    ChargerFilter,
    ChargingStationInfo,
    OpenChargeMap,
    OsmChargers,
    assess,
    confirm_sockets,
)
from codriver.tools.energy import AC_CONNECTORS, VehicleEnergy, charge_time_s, leg_energy_kwh
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.geocoding import Gazetteer
from codriver.tools.opening_hours import PlaceHours, hours_for, region_zone
from codriver.tools.places import EmbeddedPlaces, PlaceEntry
from codriver.tools.routing import GraphRouter

__all__ = ["EnergyCurve", "RegionRuntime", "RegionTools", "RegionWorld", "TravelMatrix", "vehicle_energy"]


logger = logging.getLogger(__name__)


class RegionRuntime(Protocol):
    """What the engine needs of a process's runtime (``codriver.bootstrap.Runtime`` is one).

    The engine never imports the composition root: entry points pass their runtime in.
    """

    @property
    def settings(self) -> Settings: ...
    def region(self, name: str | None = None) -> Region: ...
    def router(self, region: Region) -> GraphRouter: ...
    def places(self, region: Region) -> EmbeddedPlaces: ...
    def chargers(self, region: Region) -> OsmChargers: ...
    def gazetteer(self, region: Region) -> Gazetteer: ...


@dataclass
class RegionTools:
    """The tools of one imported region, built once and shared by the engine and the verifier."""

    region: Region
    router: GraphRouter
    places: EmbeddedPlaces
    chargers: OsmChargers
    gazetteer: Gazetteer | None = None
    _stations: dict[str, ChargingStationInfo] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._stations = {s.poi_id: s for s in self.chargers.stations}

    @classmethod
    def load(
        cls,
        runtime: RegionRuntime,
        region: str | None = None,
        *,
        chargers: OsmChargers | None = None,
        ocm_client: httpx.AsyncClient | None = None,
    ) -> RegionTools:
        """The tools of ``region`` (default: the configured one), importing an embedded region if needed.

        ``chargers`` replaces the region's OSM charging stations (tests, other catalogues).
        With an Open Charge Map key configured, OSM stations without socket data take the
        sockets of the OCM station at the same place (``ocm_client``: the HTTP client to
        use, default a new one); when OCM cannot be reached they stay unverified.
        The router, catalogue, stations and gazetteer come from the runtime, built once
        per import of the region.
        """
        found = runtime.region(region)
        router = runtime.router(found)
        stations = chargers or runtime.chargers(found)
        if chargers is None and runtime.settings.external.open_charge_map_key is not None:
            confirmed = confirm_sockets(stations.stations, _ocm_stations(runtime.settings.external, found, ocm_client))
            stations = OsmChargers(confirmed, router=router)
        return cls(found, router, runtime.places(found), stations, runtime.gazetteer(found))

    @property
    def zone(self) -> ZoneInfo:
        """The region's time zone."""
        return region_zone(self.region.timezone)

    def entry(self, poi_id: str) -> PlaceEntry | None:
        """The catalogue entry with this ID."""
        row = self.places.index.position.get(poi_id)
        return None if row is None else self.places.index.entries[row]

    def station(self, poi_id: str) -> ChargingStationInfo | None:
        """The charging station with this ID."""
        return self._stations.get(poi_id)

    def hours(self, entry: PlaceEntry) -> PlaceHours:
        """Opening hours of a catalogue place, in the region's zone."""
        return hours_for(entry.opening_hours, lat=entry.lat, lon=entry.lon, timezone=self.region.timezone)


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """Seconds and metres between road nodes along the fastest paths, as the router computed them.

    ``seconds[i, j]`` and ``metres[i, j]`` go from ``nodes[i]`` to ``nodes[j]`` (graph node
    indices); a node may appear twice (two places at one road node).
    """

    nodes: npt.NDArray[np.int64]
    seconds: npt.NDArray[np.float64]
    metres: npt.NDArray[np.float64]
    _row: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_row", {int(node): i for i, node in enumerate(self.nodes)})

    def leg(self, a: int, b: int) -> tuple[float, float] | None:
        """(seconds, metres) from node ``a`` to node ``b``; None when either is not in the matrix."""
        i, j = self._row.get(a), self._row.get(b)
        if i is None or j is None:
            return None
        return float(self.seconds[i, j]), float(self.metres[i, j])


def vehicle_energy(vehicle: VehicleSpec) -> VehicleEnergy:
    """The energy model's view of the request's vehicle."""
    return VehicleEnergy(
        powertrain="ev",
        battery_kwh=vehicle.battery_kwh,
        consumption_kwh_per_100km=vehicle.consumption_kwh_per_100km,
        max_charge_kw=vehicle.max_charge_kw,
        connectors=tuple(vehicle.connectors),
    )


@dataclass(frozen=True)
class EnergyCurve:
    """The energy model's charging curve as a :class:`~codriver.planning.ChargeCurve`.

    ``power_kw`` is the charger's usable power with the vehicle's inlet limit already
    applied (see :func:`usable_power_kw`), so the DC limits apply here.
    """

    vehicle: VehicleEnergy

    def time_s(self, battery_kwh: float, power_kw: float, soc_from: float, soc_to: float) -> float:
        """Seconds from ``soc_from`` to ``soc_to`` (``battery_kwh`` is the vehicle's own)."""
        del battery_kwh
        if soc_to <= soc_from:
            return 0.0
        return charge_time_s(max(0.0, soc_from), min(1.0, soc_to), power_kw, self.vehicle)


#: What a station without socket data is assumed to offer: a Type 2 AC point (the commonest
#: public socket in Europe) at this power, or at the station's recorded output when lower.
UNVERIFIED_POWER_KW = 11.0
_TYPE2_INLETS = frozenset({"type2", "ccs"})  # a CCS2 inlet takes a Type 2 plug too


def _ocm_stations(
    external: ExternalSettings, region: Region, client: httpx.AsyncClient | None
) -> list[ChargingStationInfo]:
    """Open Charge Map's stations over the region (empty, with a warning, when it cannot answer)."""
    centre = LatLon((region.min_lat + region.max_lat) / 2, (region.min_lon + region.max_lon) / 2)
    radius = haversine_m(centre, LatLon(region.max_lat, region.max_lon)) + 100.0  # stations just outside match too

    async def fetch() -> list[ChargingStationInfo]:
        if client is not None:
            return await OpenChargeMap.from_settings(client, external).fetch(centre, radius)
        async with httpx.AsyncClient() as own:
            return await OpenChargeMap.from_settings(own, external).fetch(centre, radius)

    try:
        # In a worker thread: the caller may itself run inside an event loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, fetch()).result()
    except ToolError as exc:
        logger.warning("Open Charge Map could not confirm charger sockets (they stay unverified): %s", exc)
        return []


def usable_power_kw(station: ChargingStationInfo, vehicle: VehicleEnergy) -> tuple[Compatibility, float | None]:
    """Compatibility and the power (kW) the vehicle can draw there (AC inlets cap AC sockets).

    A station whose sockets are not recorded stays ``unknown`` (unverified) and gets the
    assumed power of :data:`UNVERIFIED_POWER_KW` when the vehicle has a Type 2 or CCS
    inlet (or says nothing about its inlets); None otherwise.
    """
    status, matched, power = assess(station, ChargerFilter(connectors=vehicle.connectors))
    if status == "unknown" and not station.sockets_known:
        if vehicle.connectors and not _TYPE2_INLETS & set(vehicle.connectors):
            return status, None
        assumed = min(station.max_power_kw or UNVERIFIED_POWER_KW, UNVERIFIED_POWER_KW, vehicle.max_ac_charge_kw)
        return status, assumed
    if status != "compatible" or power is None:
        return status, power
    if matched and all(c in AC_CONNECTORS for c in matched):
        power = min(power, vehicle.max_ac_charge_kw)
    return status, power


class RegionWorld:
    """The verifier's :class:`World` over a region's real tools.

    ``matrix``: travel already routed between road nodes (the engine's matrix of the plan
    being checked); legs between its nodes are read from it instead of routed again.
    """

    def __init__(
        self, tools: RegionTools, request: TripRequest | None = None, *, matrix: TravelMatrix | None = None
    ) -> None:
        self.tools = tools
        self.temperature_c = request.temperature_c if request else None
        self.vehicle = vehicle_energy(request.vehicle) if request and request.vehicle.powertrain == "ev" else None
        self.matrix = matrix
        self._nodes: dict[tuple[float, float], int] = {}
        self._legs: dict[tuple[int, int], tuple[float, float]] = {}

    def place(self, poi_id: str) -> PlaceFacts | None:
        entry = self.tools.entry(poi_id)
        station = self.tools.station(poi_id)
        if entry is None and station is None:
            return None
        power = None
        if station is not None and self.vehicle is not None:
            _, power = usable_power_kw(station, self.vehicle)
        if entry is None:
            assert station is not None
            name = station.name or "charging station"
            return PlaceFacts(poi_id, name, "charging_station", station.lat, station.lon, charger_power_kw=power)
        name = entry.name or entry.category.replace("_", " ")
        return PlaceFacts(poi_id, name, entry.category, entry.lat, entry.lon, entry.diets, charger_power_kw=power)

    def resolve(self, ref: str) -> str | None:
        if self.tools.entry(ref) or self.tools.station(ref):
            return ref
        if self.tools.gazetteer is None:
            return None
        try:
            return self.tools.gazetteer.resolve(ref).place_id
        except InputError:
            return None

    def _node(self, ref: StopRef) -> int:
        facts = self.place(ref.poi_id) if ref.poi_id else None
        point = (facts.lat, facts.lon) if facts else (ref.lat, ref.lon)
        if point not in self._nodes:
            nodes, _ = self.tools.router.snap_nodes([LatLon(*point)])
            self._nodes[point] = int(nodes[0])
        return self._nodes[point]

    def travel(self, a: StopRef, b: StopRef) -> tuple[float, float]:
        source, target = self._node(a), self._node(b)
        known = self.matrix.leg(source, target) if self.matrix is not None else None
        if known is not None:
            return known
        if (source, target) not in self._legs:
            times, dists = self.tools.router.matrix_nodes(np.array([source, target]))
            assert dists is not None
            self._legs[source, target] = (float(times[0, 1]), float(dists[0, 1]))
        return self._legs[source, target]

    def _hours(self, poi_id: str) -> PlaceHours | None:
        entry = self.tools.entry(poi_id)
        return None if entry is None else self.tools.hours(entry)

    def hours_state(self, poi_id: str, at: datetime) -> HoursState:
        hours = self._hours(poi_id)
        return "unknown" if hours is None else hours.state_at(at)[0]

    def open_throughout(self, poi_id: str, start: datetime, end: datetime) -> bool | None:
        hours = self._hours(poi_id)
        if hours is None or not hours.parsed:
            return None
        return hours.open_throughout(start, end)

    def cost(self, poi_id: str, kind: str, party_size: int) -> float:
        entry = self.tools.entry(poi_id)
        return 0.0 if entry is None else cost_per_person(entry, kind) * party_size

    def leg_energy_kwh(self, a: StopRef, b: StopRef, consumption_kwh_per_100km: float) -> float:
        if self.vehicle is None:
            return 0.0
        vehicle = self.vehicle.model_copy(update={"consumption_kwh_per_100km": consumption_kwh_per_100km})
        seconds, metres = self.travel(a, b)
        return float(leg_energy_kwh(metres, seconds, self.temperature_c, vehicle=vehicle))

    def charge_time_s(self, battery_kwh: float, power_kw: float, soc_from: float, soc_to: float) -> float:
        if self.vehicle is None:
            msg = "charging needs an electric vehicle in the request"
            raise InputError(msg, field="vehicle")
        vehicle = self.vehicle.model_copy(update={"battery_kwh": battery_kwh})
        return EnergyCurve(vehicle).time_s(battery_kwh, power_kw, soc_from, soc_to)

    def compatibility(self, charger_id: str, connectors: tuple[str, ...]) -> Compatibility:
        station = self.tools.station(charger_id)
        if station is None:
            return "incompatible"
        status, _, _ = assess(station, ChargerFilter(connectors=connectors))
        return status
