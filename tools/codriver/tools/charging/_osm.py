"""The embedded charging catalogue: a region's OSM charging stations, in memory (``codriver.regions.load_chargers``)."""

from __future__ import annotations

from collections.abc import Sequence

from codriver.errors import ToolUnavailable
from codriver.tools.charging._models import ChargerFilter, ChargerResult, ChargingStationInfo
from codriver.tools.charging._search import StationIndex, detour_search
from codriver.tools.geo import LatLon
from codriver.tools.routing import Router

__all__ = ["OsmChargers"]


class OsmChargers:
    """Charging stations of one region, held in memory.

    Built from any list of stations (tests, other sources) or loaded once from the
    database with :func:`codriver.regions.load_chargers`. ``router`` (any
    :class:`~codriver.tools.routing.Router`) is needed only for :meth:`along_route`.
    """

    provider = "osm"

    def __init__(self, stations: Sequence[ChargingStationInfo], *, router: Router | None = None) -> None:
        self._index = StationIndex(stations)
        self.router = router

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
