"""Open Charge Map (https://openchargemap.org): live charging stations over HTTP.

Asks ``GET {base}/poi`` in compact form (reference data as IDs), so connector types and
status types are mapped here from their stable OCM IDs, and operator names come from
``GET {base}/referencedata`` (fetched once per adapter). Catalogue IDs are ``ocm:<ID>``.
Data © Open Charge Map contributors, CC BY-SA 4.0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codriver.errors import ToolBadResponse, ToolUnavailable
from codriver.tools._http import RetryPolicy, request_json
from codriver.tools.charging._models import ChargerFilter, ChargerResult, ChargingStationInfo, ConnectorInfo
from codriver.tools.charging._search import StationIndex, detour_search
from codriver.tools.config import ExternalConfig
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing import Router

__all__ = ["CONNECTION_TYPES", "KEY_VARIABLE", "OpenChargeMap", "parse_poi"]

PROVIDER = "Open Charge Map"
KEY_VARIABLE = "CODRIVER_EXTERNAL__OPEN_CHARGE_MAP_KEY"

# OCM ConnectionTypeID -> our connector (OCM reference data; anything else is "other").
CONNECTION_TYPES: dict[int, str] = {
    1: "type1",  # Type 1 (J1772)
    2: "chademo",  # CHAdeMO
    8: "tesla",  # Tesla (Roadster)
    16: "cee",  # CEE 3 Pin
    17: "cee",  # CEE 5 Pin
    23: "schuko",  # CEE 7/5 (type E)
    25: "type2",  # Type 2 (Socket Only)
    26: "type3",  # SCAME Type 3C
    27: "tesla",  # NACS / Tesla Supercharger
    28: "schuko",  # CEE 7/4 - Schuko - Type F
    30: "tesla",  # Tesla (Model S/X)
    32: "ccs",  # CCS (Type 1)
    33: "ccs",  # CCS (Type 2)
    34: "cee",  # IEC 60309 3-pin
    35: "cee",  # IEC 60309 5-pin
    36: "type3",  # SCAME Type 3A
    1036: "type2",  # Type 2 (Tethered Connector)
    1038: "gbt",  # GB-T AC (socket)
    1039: "gbt",  # GB-T AC (tethered)
    1040: "gbt",  # GB-T DC
}
# OCM StatusTypeID -> usable now? 0 (unknown) and missing stay unknown.
_OPERATIONAL = {10: True, 20: True, 50: True, 75: True, 30: False, 100: False, 150: False, 200: False, 210: False}
# OCM UsageTypeID -> OSM-style access value.
_ACCESS = {1: "yes", 4: "yes", 5: "yes", 7: "yes", 6: "customers", 2: "private", 3: "private"}
_PRICE = re.compile(r"\d.*(€|\$|£|eur|usd|gbp|sek|nok|dkk|kwh|/\s*min|per)", re.IGNORECASE)
# Fastest plausible road speed (m/s), to bound how far off a drive a detour can reach.
_VMAX_MS = 130 / 3.6


class _Status(BaseModel):
    model_config = ConfigDict(extra="ignore")
    is_operational: bool | None = Field(default=None, alias="IsOperational")


class _Titled(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int | None = Field(default=None, alias="ID")
    title: str | None = Field(default=None, alias="Title")


class _Connection(BaseModel):
    model_config = ConfigDict(extra="ignore")
    connection_type_id: int | None = Field(default=None, alias="ConnectionTypeID")
    power_kw: float | None = Field(default=None, alias="PowerKW")
    quantity: int | None = Field(default=None, alias="Quantity")
    status_type_id: int | None = Field(default=None, alias="StatusTypeID")
    status_type: _Status | None = Field(default=None, alias="StatusType")


class _Address(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str | None = Field(default=None, alias="Title")
    latitude: float = Field(alias="Latitude", ge=-90, le=90)
    longitude: float = Field(alias="Longitude", ge=-180, le=180)


class _Poi(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int = Field(alias="ID")
    address: _Address = Field(alias="AddressInfo")
    connections: list[_Connection] = Field(default_factory=list, alias="Connections")
    operator_id: int | None = Field(default=None, alias="OperatorID")
    operator_info: _Titled | None = Field(default=None, alias="OperatorInfo")
    usage_type_id: int | None = Field(default=None, alias="UsageTypeID")
    usage_type: _Titled | None = Field(default=None, alias="UsageType")
    usage_cost: str | None = Field(default=None, alias="UsageCost")
    status_type_id: int | None = Field(default=None, alias="StatusTypeID")
    status_type: _Status | None = Field(default=None, alias="StatusType")
    number_of_points: int | None = Field(default=None, alias="NumberOfPoints")


def _operational(status: _Status | None, status_id: int | None) -> bool | None:
    if status is not None and status.is_operational is not None:
        return status.is_operational
    return _OPERATIONAL.get(status_id) if status_id is not None else None


def _operator_name(title: str | None) -> str | None:
    # OCM's placeholders "(Unknown Operator)", "(Business Owner at Location)" name nobody.
    if not title or title.strip().startswith("("):
        return None
    return title.strip()


def _fee(usage_cost: str | None) -> bool | None:
    text = (usage_cost or "").strip()
    if not text:
        return None
    if text.lower().startswith(("free", "gratis", "ilmainen", "kostenlos")):
        return False
    return True if _PRICE.search(text) else None


def parse_poi(record: dict[str, Any], operators: dict[int, str] | None = None) -> ChargingStationInfo:
    """One OCM POI (compact or verbose) as a station; raises ``ValidationError`` when unusable.

    Connections known to be out of order are left out of the sockets; a station whose
    connections all have an unknown type (ID 0 or none) has unknown sockets.
    """
    poi = _Poi.model_validate(record)
    sockets: dict[str, dict[str, Any]] = {}
    for connection in poi.connections:
        type_id = connection.connection_type_id
        if not type_id or _operational(connection.status_type, connection.status_type_id) is False:
            continue
        entry = sockets.setdefault(CONNECTION_TYPES.get(type_id, "other"), {"count": 0, "power_kw": None})
        entry["count"] += connection.quantity if connection.quantity and connection.quantity > 0 else 1
        if connection.power_kw and connection.power_kw > 0:
            entry["power_kw"] = max(connection.power_kw, entry["power_kw"] or 0.0)
    connectors = tuple(ConnectorInfo(connector=name, **socket) for name, socket in sorted(sockets.items()))
    powers = [c.power_kw for c in connectors if c.power_kw is not None]
    operator = poi.operator_info.title if poi.operator_info else None
    if operator is None and poi.operator_id is not None and operators:
        operator = operators.get(poi.operator_id)
    usage_id = poi.usage_type.id if poi.usage_type and poi.usage_type.id is not None else poi.usage_type_id
    return ChargingStationInfo(
        poi_id=f"ocm:{poi.id}",
        source="ocm",
        name=(poi.address.title or "").strip() or None,
        lat=poi.address.latitude,
        lon=poi.address.longitude,
        operator=_operator_name(operator),
        network=None,
        connectors=connectors,
        sockets_known=bool(connectors),
        max_power_kw=max(powers) if powers else None,
        capacity=poi.number_of_points if poi.number_of_points and poi.number_of_points > 0 else None,
        fee=_fee(poi.usage_cost),
        usage_cost=poi.usage_cost,
        access=_ACCESS.get(usage_id) if usage_id is not None else None,
        operational=_operational(poi.status_type, poi.status_type_id),
        raw=record,
    )


class OpenChargeMap:
    """Charging stations from the Open Charge Map API.

    ``router`` (any :class:`~codriver.tools.routing.Router`) is needed only for :meth:`along_route`,
    which asks OCM for the circle around the drive and keeps the stations whose exact
    detour on the region's roads is small enough.
    """

    provider = "ocm"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        api_key: str | None,
        base_url: str = "https://api.openchargemap.io/v3",
        policy: RetryPolicy | None = None,
        max_results: int = 250,
        router: Router | None = None,
    ) -> None:
        self.client = client
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self.max_results = max_results
        self.router = router
        self._operators: dict[int, str] | None = None

    @classmethod
    def from_settings(
        cls, client: httpx.AsyncClient, external: ExternalConfig, *, router: Router | None = None
    ) -> OpenChargeMap:
        """The adapter configured by ``external`` (URL, key, timeout, retries)."""
        key = external.open_charge_map_key.get_secret_value() if external.open_charge_map_key else None
        policy = RetryPolicy(retries=external.http_retries, timeout_s=external.http_timeout_s)
        return cls(client, api_key=key, base_url=external.open_charge_map_url, policy=policy, router=router)

    async def _get(self, path: str, params: dict[str, Any]) -> Any:
        if not self.api_key:
            msg = f"{PROVIDER} needs an API key: set {KEY_VARIABLE} (free at https://openchargemap.org)"
            raise ToolUnavailable(msg)
        url = f"{self.base_url}{path}"
        try:
            return await request_json(
                self.client, "GET", url, provider=PROVIDER, policy=self.policy, params={**params, "key": self.api_key}
            )
        except ToolBadResponse as exc:
            if exc.status_code in {401, 403}:
                msg = f"{PROVIDER} refused the API key (HTTP {exc.status_code}): check {KEY_VARIABLE}"
                raise ToolUnavailable(msg) from exc
            raise

    async def _operator_names(self) -> dict[int, str]:
        if self._operators is None:
            body = await self._get("/referencedata", {})
            rows = body.get("Operators") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                msg = f"{PROVIDER} reference data has no operator list"
                raise ToolBadResponse(msg)
            self._operators = {
                int(r["ID"]): str(r["Title"])
                for r in rows
                if isinstance(r, dict) and isinstance(r.get("ID"), int) and r.get("Title")
            }
        return self._operators

    async def fetch(self, point: LatLon, radius_m: float) -> list[ChargingStationInfo]:
        """Every station OCM lists within about ``radius_m`` metres of ``point`` (at most ``max_results``)."""
        body = await self._get(
            "/poi",
            {
                "latitude": f"{point.lat:.6f}",
                "longitude": f"{point.lon:.6f}",
                "distance": f"{max(radius_m, 1.0) / 1000:.3f}",
                "distanceunit": "km",
                "maxresults": self.max_results,
                "compact": "true",
                "verbose": "false",
            },
        )
        if not isinstance(body, list):
            msg = f"{PROVIDER} answered {type(body).__name__} where a list of POIs was expected"
            raise ToolBadResponse(msg)
        records = [r for r in body if isinstance(r, dict)]
        operators: dict[int, str] | None = None
        if any(r.get("OperatorID") and not r.get("OperatorInfo") for r in records):
            operators = await self._operator_names()
        stations = []
        for record in records:
            try:
                stations.append(parse_poi(record, operators))
            except ValidationError:
                continue
        if body and not stations:
            msg = f"{PROVIDER} answered {len(body)} POIs, none with an ID and coordinates"
            raise ToolBadResponse(msg)
        return stations

    async def near(
        self,
        point: LatLon,
        radius_m: float,
        filter: ChargerFilter | None = None,
        *,
        limit: int | None = None,
    ) -> list[ChargerResult]:
        """Listed stations within ``radius_m`` metres (straight line) of ``point``, nearest first."""
        stations = await self.fetch(point, radius_m)
        return StationIndex(stations).near(point, radius_m, filter or ChargerFilter(), limit)

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
        """Stations at most ``max_detour_s`` seconds of extra driving off the drive, smallest detour first."""
        if self.router is None:
            msg = "searching Open Charge Map along a route needs a region's router: pass router=..."
            raise ToolUnavailable(msg)
        stops = [origin, *waypoints, destination]
        # A station reachable with a detour of D seconds is at most D/2 at top speed off the drive.
        centre = LatLon(
            (min(p.lat for p in stops) + max(p.lat for p in stops)) / 2,
            (min(p.lon for p in stops) + max(p.lon for p in stops)) / 2,
        )
        radius = max(haversine_m(centre, p) for p in stops) + max(max_detour_s, 0.0) / 2 * _VMAX_MS
        stations = await self.fetch(centre, math.ceil(radius))
        return detour_search(
            self.router, stations, stops, flt=filter or ChargerFilter(), max_detour_s=max_detour_s, limit=limit
        )
