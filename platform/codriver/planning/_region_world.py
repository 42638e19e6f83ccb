"""The real tools of one region, bundled, and the :class:`World` the verifier sees through them.

``RegionTools`` holds the region's router, place catalogue, charging catalogue and
gazetteer (built once); ``RegionWorld`` answers the verifier's questions with them:
travel from the graph router, opening hours from opening-hours-py in the region's zone,
costs from the catalogue, energy and charge times from the energy model, compatibility
from the charging catalogue's tri-state rule.

The router is whichever provider the runtime chose (the embedded graph router, or OSRM when
``CODRIVER_EXTERNAL__OSRM_URL`` is set): the engine and the verifier route through the same
one. A plan's travel times are routed once: the engine's table between its sites
(:class:`TravelMatrix`) is handed to the verifier's world, which reads each leg between two
of those points from it; a leg between other points is routed (once per world).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from codriver.errors import InputError
from codriver.planning._holidays import holiday_name
from codriver.planning._pricing import cost_per_person
from codriver.planning._request import TripRequest, VehicleSpec
from codriver.planning._walking import road_points, walk_m
from codriver.planning._world import Compatibility, HoursState, PlaceFacts, StopRef
from codriver.regions import load_walk_router
from codriver.settings import Settings
from codriver.store import Region
from codriver.tools.charging import ChargerFilter, ChargingStationInfo, OsmChargers, assess
from codriver.tools.energy import AC_CONNECTORS, EMBEDDED_ENERGY, EnergyModel, VehicleEnergy
from codriver.tools.geo import LatLon
from codriver.tools.geocoding import Gazetteer
from codriver.tools.opening_hours import HoursProvider, OpeningHours, hours_for, region_zone
from codriver.tools.places import EmbeddedPlaces, PlaceEntry
from codriver.tools.routing import GraphRouter, Router, WalkRouter

__all__ = ["EnergyCurve", "RegionRuntime", "RegionTools", "RegionWorld", "TravelMatrix", "vehicle_energy"]


class RegionRuntime(Protocol):
    """What the engine needs of a process's runtime (``codriver.bootstrap.Runtime`` is one).

    The engine never imports the composition root: entry points pass their runtime in.
    """

    @property
    def settings(self) -> Settings: ...
    def region(self, name: str | None = None) -> Region: ...
    def router(self, region: Region) -> Router: ...
    def graph_router(self, region: Region) -> GraphRouter: ...
    def places(self, region: Region) -> EmbeddedPlaces: ...
    def chargers(self, region: Region) -> OsmChargers: ...
    def gazetteer(self, region: Region) -> Gazetteer: ...
    def country(self, region: Region) -> str | None: ...


@dataclass
class RegionTools:
    """The tools of one imported region, built once and shared by the engine and the verifier.

    ``router`` is the routing provider plans are driven on (embedded or OSRM); ``roads`` the
    region's own graph router, for what needs the region's graph (its map, the catalogue's
    searches along a drive); it defaults to ``router`` when that is the embedded one.
    ``opening_hours`` reads a place's hours and ``energy`` answers consumption and charge
    times: the engine and the verifier use them through their protocols (embedded by default).
    ``country`` names whose public holidays apply (the runtime finds it from the region's zone).
    """

    region: Region
    router: Router
    places: EmbeddedPlaces
    chargers: OsmChargers
    gazetteer: Gazetteer | None = None
    roads: GraphRouter | None = None
    #: the region's walking network (park and walk); None: every stop is driven to
    walk: WalkRouter | None = None
    opening_hours: HoursProvider = hours_for
    energy: EnergyModel = EMBEDDED_ENERGY
    #: ISO code of the region's country, whose public holidays a plan's days are checked against
    #: (``HOLIDAY_HOURS``); None: no holiday is known
    country: str | None = None
    _stations: dict[str, ChargingStationInfo] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._stations = {s.poi_id: s for s in self.chargers.stations}
        if self.roads is None and isinstance(self.router, GraphRouter):
            self.roads = self.router

    @property
    def graph_router(self) -> GraphRouter:
        """The region's own graph router (its roads), whichever provider plans are routed on."""
        if self.roads is None:
            msg = f"region {self.region.name!r} has no road graph in these tools: build them with roads=..."
            raise InputError(msg, field="region")
        return self.roads

    @classmethod
    def load(
        cls, runtime: RegionRuntime, region: str | None = None, *, chargers: OsmChargers | None = None
    ) -> RegionTools:
        """The tools of ``region`` (default: the configured one), importing an embedded region if needed.

        The router, catalogue, charging stations and gazetteer come from the runtime, which
        chose their providers from its settings and built them once per import of the region;
        ``chargers`` replaces the runtime's charging stations (tests, surveys).
        """
        found = runtime.region(region)
        return cls(
            found,
            runtime.router(found),
            runtime.places(found),
            chargers or runtime.chargers(found),
            runtime.gazetteer(found),
            runtime.graph_router(found),
            walk=load_walk_router(runtime.settings, found),
            country=runtime.country(found),
        )

    @property
    def zone(self) -> ZoneInfo:
        """The region's time zone."""
        return region_zone(self.region.timezone)

    def entry(self, poi_id: str) -> PlaceEntry | None:
        """The catalogue entry with this ID."""
        row = self.places.index.position.get(poi_id)
        return None if row is None else self.places.index.entries[row]

    def parking_lots(self) -> list[PlaceEntry]:
        """The catalogue's car parks (``amenity=parking``)."""
        return [e for e in self.places.index.entries if e.category == "parking"]

    def station(self, poi_id: str) -> ChargingStationInfo | None:
        """The charging station with this ID."""
        return self._stations.get(poi_id)

    def hours(self, entry: PlaceEntry) -> OpeningHours:
        """Opening hours of a catalogue place, in the region's zone."""
        return self.opening_hours(entry.opening_hours, lat=entry.lat, lon=entry.lon, timezone=self.region.timezone)


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """Seconds and metres of driving between points, as the router computed them.

    ``seconds[i, j]`` and ``metres[i, j]`` go from ``points[i]`` to ``points[j]`` (the plan's
    sites); a point may appear twice (a place that is also the start).
    """

    points: list[LatLon]
    seconds: npt.NDArray[np.float64]
    metres: npt.NDArray[np.float64]
    _row: dict[tuple[float, float], int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_row", {(p.lat, p.lon): i for i, p in reversed(list(enumerate(self.points)))})

    def leg(self, a: LatLon, b: LatLon) -> tuple[float, float] | None:
        """(seconds, metres) from ``a`` to ``b``; None when either point is not in the matrix."""
        i, j = self._row.get((a.lat, a.lon)), self._row.get((b.lat, b.lon))
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
    energy: EnergyModel = EMBEDDED_ENERGY

    def time_s(self, battery_kwh: float, power_kw: float, soc_from: float, soc_to: float) -> float:
        """Seconds from ``soc_from`` to ``soc_to`` (``battery_kwh`` is the vehicle's own)."""
        del battery_kwh
        if soc_to <= soc_from:
            return 0.0
        return self.energy.charge_time_s(max(0.0, soc_from), min(1.0, soc_to), power_kw, self.vehicle)


#: What a station without socket data is assumed to offer: a Type 2 AC point (the commonest
#: public socket in Europe) at this power, or at the station's recorded output when lower.
UNVERIFIED_POWER_KW = 11.0
_TYPE2_INLETS = frozenset({"type2", "ccs"})  # a CCS2 inlet takes a Type 2 plug too


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

    ``matrix``: travel already routed between points (the engine's matrix of the plan being
    checked); legs between its points are read from it instead of routed again. Legs are
    driven on ``tools.router``, the provider the engine planned with.
    """

    def __init__(
        self, tools: RegionTools, request: TripRequest | None = None, *, matrix: TravelMatrix | None = None
    ) -> None:
        self.tools = tools
        self.temperature_c = request.temperature_c if request else None
        self.vehicle = vehicle_energy(request.vehicle) if request and request.vehicle.powertrain == "ev" else None
        self.matrix = matrix
        self._legs: dict[tuple[LatLon, LatLon], tuple[float, float]] = {}

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

    def _point(self, ref: StopRef) -> LatLon:
        facts = self.place(ref.poi_id) if ref.poi_id else None
        return LatLon(facts.lat, facts.lon) if facts else LatLon(ref.lat, ref.lon)

    def _position(self, ref: StopRef) -> LatLon:
        facts = self.place(ref.poi_id) if ref.poi_id else None
        return LatLon(facts.lat, facts.lon) if facts else LatLon(ref.lat, ref.lon)

    def walk(self, a: StopRef, b: StopRef) -> float | None:
        if self.tools.walk is None:
            return None
        return walk_m(self.tools.walk, self.tools.router, self._position(a), self._position(b))

    def road_point(self, ref: StopRef) -> StopRef:
        here = self._position(ref)
        [road] = road_points(self.tools.router, [here])
        road = road or here
        return StopRef(None, road.lat, road.lon)

    def travel(self, a: StopRef, b: StopRef) -> tuple[float, float]:
        source, target = self._point(a), self._point(b)
        known = self.matrix.leg(source, target) if self.matrix is not None else None
        if known is not None:
            return known
        if (source, target) not in self._legs:
            table = self.tools.router.table([source], [target])
            assert table.metres is not None
            self._legs[source, target] = (float(table.seconds[0, 0]), float(table.metres[0, 0]))
        return self._legs[source, target]

    def _hours(self, poi_id: str) -> OpeningHours | None:
        entry = self.tools.entry(poi_id)
        return None if entry is None else self.tools.hours(entry)

    def hours_state(self, poi_id: str, at: datetime) -> HoursState:
        hours = self._hours(poi_id)
        return "unknown" if hours is None else hours.state_at(at)[0]

    def holiday_hours(self, poi_id: str, at: datetime) -> str | None:
        hours = self._hours(poi_id)
        if hours is None or not hours.parsed or hours.mentions_holidays:
            return None
        return holiday_name(self.tools.country, at.astimezone(self.tools.zone).date())

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
        return float(self.tools.energy.leg_energy_kwh(metres, seconds, self.temperature_c, vehicle=vehicle))

    def charge_time_s(self, battery_kwh: float, power_kw: float, soc_from: float, soc_to: float) -> float:
        if self.vehicle is None:
            msg = "charging needs an electric vehicle in the request"
            raise InputError(msg, field="vehicle")
        vehicle = self.vehicle.model_copy(update={"battery_kwh": battery_kwh})
        return EnergyCurve(vehicle, self.tools.energy).time_s(battery_kwh, power_kw, soc_from, soc_to)

    def compatibility(self, charger_id: str, connectors: tuple[str, ...]) -> Compatibility:
        station = self.tools.station(charger_id)
        if station is None:
            return "incompatible"
        status, _, _ = assess(station, ChargerFilter(connectors=connectors))
        return status
