"""The composition root: builds engines, regions and tools from settings, once each.

CLI commands, the API and the simulators all start from a :class:`Runtime`; tests build
one over a temporary data directory (and inject fakes where a port exists).

Providers are chosen here from ``settings.external``: plans are routed by OSRM when
``osrm_url`` is set (``CODRIVER_EXTERNAL__OSRM_URL``), by the region's embedded graph router
otherwise; with an Open Charge Map key (``CODRIVER_EXTERNAL__OPEN_CHARGE_MAP_KEY``) the
charging catalogue is the region's OSM stations, their sockets confirmed by OCM, plus OCM's
stations over the region. With a Nominatim URL (``CODRIVER_EXTERNAL__NOMINATIM_URL``) a
free-text place the region's gazetteer cannot resolve is asked of Nominatim (see
:meth:`Runtime.resolve_place`); only answers inside the region's bounds are used. With an
Overpass URL (``CODRIVER_EXTERNAL__OVERPASS_URL``) a place looked up by ID carries OSM's
current name and opening hours (:meth:`Runtime.place_catalog`, :meth:`Runtime.look_up_place`);
searches stay the imported catalogue's. With a Home Assistant URL
(``CODRIVER_EXTERNAL__HOME_ASSISTANT_URL`` and its ``_TOKEN``) home actions go to Home
Assistant (:meth:`Runtime.home`); without one there is no home to act on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import httpx
from sqlalchemy import Engine

from codriver.errors import ToolError
from codriver.regions import ensure_region, load_chargers, load_gazetteer, load_graph, load_places
from codriver.regions.importer import Progress
from codriver.settings import Settings
from codriver.store import Region, make_engine, migrate
from codriver.tools.charging import ChargingStationInfo, OpenChargeMap, OsmChargers, merge_stations
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.geocoding import (
    Bounds,
    Gazetteer,
    Geocoder,
    GeocodeResult,
    NominatimGeocoder,
    RateLimiter,
    RegionalGeocoder,
)
from codriver.tools.home import HomeAssistant, HomeAutomation
from codriver.tools.places import EmbeddedPlaces, OverpassPlaces, PlaceCatalog, PlaceResult, RefreshingPlaces
from codriver.tools.routing import GraphRouter, OsrmRouter, RoadGraph, Router

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from codriver.llm import Meter

__all__ = ["Runtime", "import_identity"]

T = TypeVar("T")
logger = logging.getLogger(__name__)

#: Per region name: the import the value was built from (see :func:`import_identity`), and the value.
_PerImport = dict[str, tuple[tuple[int | None, str], T]]


def _quiet(_stage: str, _fraction: float) -> None:
    return None


def import_identity(region: Region) -> tuple[int | None, str]:
    """What changes when a region is re-imported: its row ID and its graph cache file (new on every import)."""
    return region.id, region.graph_path


class Runtime:
    """Everything a process needs, built lazily from one :class:`Settings`.

    The router, catalogue, charging stations and gazetteer of a region are built once per
    import of the region and kept while the process runs (``serve`` answers every request
    from them); a re-import, seen in the region's row, replaces them on the next use.
    ``http`` makes the HTTP clients of the external providers (tests hand in a transport).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        progress: Progress = _quiet,
        http: Callable[[], httpx.AsyncClient] = httpx.AsyncClient,
    ) -> None:
        self.settings = settings
        self.progress = progress
        self.http = http
        self._routers: _PerImport[GraphRouter] = {}
        self._places: _PerImport[EmbeddedPlaces] = {}
        self._chargers: _PerImport[OsmChargers] = {}
        self._gazetteers: _PerImport[Gazetteer] = {}

    @cached_property
    def engine(self) -> Engine:
        """The database engine, migrated to the latest schema."""
        engine = make_engine(self.settings.effective_database_url)
        migrate(engine)
        return engine

    def region(self, name: str | None = None) -> Region:
        """The named (default: the configured default) region, importing an embedded one if needed."""
        return ensure_region(
            name or self.settings.default_region,
            settings=self.settings,
            engine=self.engine,
            progress=self.progress,
        )

    def country(self, region: Region) -> str | None:
        """ISO code of the region's country (from its time zone, as the request reader finds it): whose public
        holidays apply to its plans."""
        from codriver.agents import country_of_zone  # noqa: PLC0415  (the agents package loads on first use)

        return country_of_zone(region.timezone)

    def graph(self, region: Region) -> RoadGraph:
        """The region's drive graph."""
        return load_graph(self.settings, region)

    def graph_router(self, region: Region) -> GraphRouter:
        """The embedded router on the region's own road graph (built once per import)."""
        return _per_import(self._routers, region, lambda: GraphRouter(self.graph(region)))

    @cached_property
    def osrm(self) -> OsrmRouter | None:
        """The OSRM router when ``external.osrm_url`` is set (one for every region), else None."""
        if not self.settings.external.osrm_url:
            return None
        return OsrmRouter.from_settings(self.http(), self.settings.external)

    def router(self, region: Region) -> Router:
        """The router plans are driven on: OSRM when configured, else the region's graph router."""
        return self.osrm or self.graph_router(region)

    def places(self, region: Region) -> EmbeddedPlaces:
        """The region's place catalogue, loaded once per import (see :meth:`forget_places`)."""
        return _per_import(
            self._places, region, lambda: load_places(self.engine, region, router=self.graph_router(region))
        )

    def chargers(self, region: Region) -> OsmChargers:
        """The region's charging stations, loaded once per import; with Open Charge Map's when configured."""
        return _per_import(self._chargers, region, lambda: self._load_chargers(region))

    def _load_chargers(self, region: Region) -> OsmChargers:
        stations = load_chargers(self.engine, region, router=self.graph_router(region))
        if self.settings.external.open_charge_map_key is None:
            return stations
        merged = merge_stations(stations.stations, self._ocm_stations(region))
        return OsmChargers(merged, router=stations.router)

    def _ocm_stations(self, region: Region) -> list[ChargingStationInfo]:
        """Open Charge Map's stations over the region (empty, with a warning, when it cannot answer)."""
        centre = LatLon((region.min_lat + region.max_lat) / 2, (region.min_lon + region.max_lon) / 2)
        radius = haversine_m(centre, LatLon(region.max_lat, region.max_lon)) + 100.0  # stations just outside match too

        async def fetch() -> list[ChargingStationInfo]:
            async with self.http() as client:
                return await OpenChargeMap.from_settings(client, self.settings.external).fetch(centre, radius)

        try:
            return _in_worker(fetch)
        except ToolError as exc:
            logger.warning(
                "Open Charge Map could not confirm charger sockets nor add its stations "
                "(OSM chargers without socket data stay unverified): %s",
                exc,
            )
            return []

    def gazetteer(self, region: Region) -> Gazetteer:
        """The region's offline gazetteer (place and street names), built once per import."""
        return _per_import(
            self._gazetteers,
            region,
            lambda: load_gazetteer(
                self.engine, region, self.graph_router(region).graph, data_dir=self.settings.data_dir
            ),
        )

    @cached_property
    def _nominatim_limiter(self) -> RateLimiter:
        """One request a second to Nominatim from this process (its usage policy)."""
        return RateLimiter(1.0)

    def geocoder(self, region: Region, client: httpx.AsyncClient) -> Geocoder:
        """The region's geocoder: its gazetteer, falling back to Nominatim (over ``client``) when configured."""
        if not self.settings.external.nominatim_url:
            return self.gazetteer(region)
        return self._regional(region, client)

    def _regional(self, region: Region, client: httpx.AsyncClient) -> RegionalGeocoder:
        gazetteer = self.gazetteer(region)
        online = NominatimGeocoder.from_settings(client, self.settings.external, limiter=self._nominatim_limiter)
        bounds = Bounds(region.min_lat, region.min_lon, region.max_lat, region.max_lon)
        return RegionalGeocoder(gazetteer, online, bounds=bounds)

    def resolve_place(self, region: Region, text: str) -> GeocodeResult:
        """Exactly one place or street for a free-text name (see :meth:`Gazetteer.resolve`).

        The offline gazetteer answers first; with ``external.nominatim_url`` set, a name it
        cannot resolve is asked of Nominatim and its best answer inside the region's bounds
        is taken (an answer outside them is named in the :class:`~codriver.errors.PlaceNotFound`).
        """
        if not self.settings.external.nominatim_url:
            return self.gazetteer(region).resolve(text)

        async def ask() -> GeocodeResult:
            async with self.http() as client:
                return await self._regional(region, client).resolve(text)

        return _in_worker(ask)

    def place_catalog(self, region: Region, client: httpx.AsyncClient) -> PlaceCatalog:
        """The region's places: its catalogue, a place looked up by ID refreshed from Overpass when configured.

        With ``external.overpass_url`` set this is :class:`RefreshingPlaces` over ``client``
        (searches are the catalogue's; :meth:`~RefreshingPlaces.get` answers with OSM's current
        name and opening hours, or the catalogue's with the reason logged when Overpass cannot
        answer); otherwise the catalogue itself (:meth:`places`).
        """
        catalogue = self.places(region)
        if not self.settings.external.overpass_url:
            return catalogue
        overpass = OverpassPlaces.from_settings(client, self.settings.external)
        return RefreshingPlaces(catalogue, overpass, timezone=region.timezone)

    def look_up_place(self, region: Region, poi_id: str, *, at: datetime | None = None) -> PlaceResult:
        """One catalogue place, its hours reported at ``at`` (default now), from :meth:`place_catalog`.

        :class:`~codriver.errors.PlaceNotFound` when the catalogue lacks it (or, with Overpass,
        OSM no longer has it).
        """
        if not self.settings.external.overpass_url:
            return self.places(region).get_sync(poi_id, at=at)

        async def ask() -> PlaceResult:
            async with self.http() as client:
                return await self.place_catalog(region, client).get(poi_id, at=at)

        return _in_worker(ask)

    def home(self, client: httpx.AsyncClient) -> HomeAutomation | None:
        """Home Assistant over ``client`` when ``external.home_assistant_url`` is set, else None (no home).

        The in-memory home (:class:`~codriver.tools.home.InMemoryHome`) is the simulators':
        a process without Home Assistant has no devices to act on, and a home action then
        fails saying what to configure rather than pretending to succeed. A URL without a
        token is logged here and refused, naming the variable, on the first action.
        """
        external = self.settings.external
        if not external.home_assistant_url:
            return None
        if external.home_assistant_token is None:
            logger.warning(
                "Home Assistant at %s has no access token: home actions will fail until "
                "CODRIVER_EXTERNAL__HOME_ASSISTANT_TOKEN is set",
                external.home_assistant_url,
            )
        return HomeAssistant.from_settings(client, external)

    def chat_client(self, backend: str | None = None, *, meter: Meter | None = None) -> ChatCompletionClient:
        """The agents' model client per settings, or the ``--llm`` backend named."""
        from codriver.llm import make_chat_client  # noqa: PLC0415  (AutoGen loads slowly; most commands need no model)

        return make_chat_client(self.settings, backend=backend, meter=meter)

    def forget_places(self, region: Region) -> None:
        """Drop the cached catalogue, e.g. after refreshed tags were stored."""
        self._places.pop(region.name, None)
        self._chargers.pop(region.name, None)


def _in_worker(run: Callable[[], Awaitable[T]]) -> T:
    """What ``run()`` returns, awaited in an event loop of its own in a worker thread.

    A worker thread because the caller may itself run inside an event loop.
    """

    async def main() -> T:
        return await run()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def _per_import(cache: _PerImport[T], region: Region, build: Callable[[], T]) -> T:
    """The value cached for this import of ``region``; a value of an earlier import is replaced (and freed)."""
    identity = import_identity(region)
    hit = cache.get(region.name)
    if hit is not None and hit[0] == identity:
        return hit[1]
    cache.pop(region.name, None)  # let the old import's graph go before the new one is built
    value = build()
    cache[region.name] = (identity, value)
    return value
