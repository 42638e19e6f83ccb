"""The embedded charging catalogue: a region's OSM charging stations, from the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from codriver.errors import ToolUnavailable
from codriver.store import ChargingStation, Place, Region, session_scope
from codriver.tools.charging._models import ChargerFilter, ChargerResult, ChargingStationInfo, ConnectorInfo
from codriver.tools.charging._search import StationIndex, detour_search
from codriver.tools.geo import LatLon
from codriver.tools.routing import GraphRouter

__all__ = ["OsmChargers", "load_osm_stations", "station_from_rows"]


def station_from_rows(charger: ChargingStation, place: Place) -> ChargingStationInfo:
    """A stored charger and its catalogue place as one station (``sockets`` as normalised at import)."""
    connectors = tuple(
        ConnectorInfo(
            connector=name,
            count=int(socket.get("count") or 0),
            power_kw=_positive(socket.get("power_kw")),
        )
        for name, socket in sorted(charger.sockets.items())
    )
    return ChargingStationInfo(
        poi_id=place.place_id,
        source="osm",
        name=place.name,
        lat=place.lat,
        lon=place.lon,
        operator=charger.operator,
        network=charger.network,
        connectors=connectors,
        sockets_known=charger.sockets_known,
        max_power_kw=_positive(charger.max_power_kw),
        capacity=charger.capacity,
        fee=charger.fee if charger.fee is not None else place.fee,
        usage_cost=place.charge,
        access=charger.access,
        operational=None,
    )


def _positive(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


def load_osm_stations(engine: Engine, region: Region) -> list[ChargingStationInfo]:
    """Every charging station of ``region``, by catalogue ID."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(ChargingStation, Place)
            .where(ChargingStation.region_id == region.id, Place.region_id == region.id)
            .where(Place.place_id == ChargingStation.place_id)
            .order_by(Place.place_id)
        ).all()
    return [station_from_rows(charger, place) for charger, place in rows]


class OsmChargers:
    """Charging stations of one region, held in memory.

    Built from any list of stations (tests, other sources) or loaded once from the
    database with :meth:`from_store`. ``router`` (the region's :class:`GraphRouter`) is
    needed only for :meth:`along_route`.
    """

    provider = "osm"

    def __init__(self, stations: Sequence[ChargingStationInfo], *, router: GraphRouter | None = None) -> None:
        self._index = StationIndex(stations)
        self.router = router

    @classmethod
    def from_store(cls, engine: Engine, region: Region, *, router: GraphRouter | None = None) -> OsmChargers:
        """The region's stations as imported from OSM."""
        return cls(load_osm_stations(engine, region), router=router)

    @property
    def stations(self) -> list[ChargingStationInfo]:
        """Every station held, listed or not."""
        return list(self._index.stations)

    def near_sync(
        self,
        point: LatLon,
        radius_m: float,
        filter: ChargerFilter | None = None,
        *,
        limit: int | None = None,
    ) -> list[ChargerResult]:
        """Stations within ``radius_m`` metres (straight line) of ``point``, nearest first."""
        return self._index.near(point, radius_m, filter or ChargerFilter(), limit)

    def along_route_sync(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        filter: ChargerFilter | None = None,
        max_detour_s: float = 600.0,
        *,
        limit: int | None = None,
    ) -> list[ChargerResult]:
        """Stations at most ``max_detour_s`` seconds of extra driving off the drive, smallest detour first."""
        if self.router is None:
            msg = "searching along a route needs the region's router: build OsmChargers with router=..."
            raise ToolUnavailable(msg)
        stops = [origin, *waypoints, destination]
        return detour_search(
            self.router,
            self._index.stations,
            stops,
            flt=filter or ChargerFilter(),
            max_detour_s=max_detour_s,
            limit=limit,
        )

    async def near(
        self,
        point: LatLon,
        radius_m: float,
        filter: ChargerFilter | None = None,
        *,
        limit: int | None = None,
    ) -> list[ChargerResult]:
        return self.near_sync(point, radius_m, filter, limit=limit)

    async def along_route(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        filter: ChargerFilter | None = None,
        max_detour_s: float = 600.0,
        *,
        limit: int | None = None,
    ) -> list[ChargerResult]:
        return self.along_route_sync(origin, destination, waypoints, filter, max_detour_s, limit=limit)
