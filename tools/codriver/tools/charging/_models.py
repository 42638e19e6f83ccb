"""Charging stations, search filters and results, the same for every catalogue.

Power is in kW, distances in metres, detours in seconds. Connector names are the
catalogue's (:data:`codriver.tools.places.CONNECTORS`): ``ccs``, ``type2``, ``chademo``,
``tesla``, ``type1``, ``schuko``, ...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from codriver.tools.geo import LatLon
from codriver.tools.places import CONNECTORS

__all__ = [
    "ACCESS_LEVELS",
    "ChargerFilter",
    "ChargerResult",
    "ChargingCatalog",
    "ChargingStationInfo",
    "Compatibility",
    "ConnectorInfo",
    "normalise_connector",
]

Compatibility = Literal["compatible", "incompatible", "unknown"]
ACCESS_LEVELS = ("public", "customers", "any")

# What people and vehicle spec sheets call the connectors -> our names.
_ALIASES = {
    "ccs2": "ccs",
    "ccs1": "ccs",
    "combo": "ccs",
    "type2_combo": "ccs",
    "type1_combo": "ccs",
    "nacs": "tesla",
    "j3400": "tesla",
    "j1772": "type1",
    "mennekes": "type2",
    "type_2": "type2",
    "type_1": "type1",
}


def normalise_connector(name: str) -> str:
    """Our connector name for ``name`` (case and common aliases such as ``CCS2`` or ``NACS``).

    Raises ``ValueError`` naming the known connectors when ``name`` is none of them.
    """
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in CONNECTORS:
        msg = f"unknown connector {name!r}; known: {', '.join(CONNECTORS)}"
        raise ValueError(msg)
    return key


class ConnectorInfo(BaseModel):
    """Sockets of one connector type at a station."""

    model_config = ConfigDict(frozen=True)

    connector: str = Field(description="our connector name, or 'other' for a socket we do not know")
    count: int = Field(ge=0, description="number of sockets of this type")
    power_kw: float | None = Field(default=None, gt=0, description="highest output of these sockets; None: unknown")


class ChargingStationInfo(BaseModel):
    """A charging station as every catalogue describes it (OSM, Open Charge Map)."""

    model_config = ConfigDict(frozen=True)

    poi_id: str = Field(description="catalogue ID: osm:node/123 or ocm:456")
    source: Literal["osm", "ocm"]
    name: str | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    operator: str | None = None
    network: str | None = None
    connectors: tuple[ConnectorInfo, ...] = ()
    sockets_known: bool = Field(description="false when the source says nothing about sockets")
    max_power_kw: float | None = Field(default=None, gt=0, description="station output when no socket says it")
    capacity: int | None = Field(default=None, ge=0, description="vehicles that can charge at once")
    fee: bool | None = Field(default=None, description="None: unknown")
    usage_cost: str | None = Field(default=None, description="the source's own words about the price")
    access: str | None = Field(default=None, description="OSM access value: yes, customers, private, ...")
    operational: bool | None = Field(default=None, description="None: the source does not say")
    raw: dict[str, Any] | None = Field(default=None, exclude=True, description="the provider's own record")


class ChargerFilter(BaseModel):
    """What a charger must offer to be listed.

    ``connectors`` are the vehicle's inlets; a station is ``compatible`` when one of its
    sockets fits one of them (and, with ``min_power_kw``, is known to deliver at least
    that), ``incompatible`` when it is known not to, and ``unknown`` when its sockets or
    their power are not recorded. Incompatible stations are never listed; unknown ones
    are listed, flagged, unless ``require_known``.
    """

    model_config = ConfigDict(frozen=True)

    connectors: tuple[str, ...] = Field(default=(), description="vehicle connectors; empty: any connector")
    min_power_kw: float | None = Field(default=None, gt=0)
    networks: tuple[str, ...] = Field(
        default=(), description="network or operator names (case-insensitive, part of the name is enough)"
    )
    fee: bool | None = Field(default=None, description="False: only stations known to be free; True: only paid")
    access: Literal["public", "customers", "any"] = Field(
        default="public", description="public: no private or customers-only; customers: also customers-only; any"
    )
    require_known: bool = Field(default=False, description="drop stations whose compatibility is unknown")
    include_non_operational: bool = Field(default=False, description="also list stations known to be out of order")

    @field_validator("connectors", mode="before")
    @classmethod
    def _connectors(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, Iterable):
            return tuple(dict.fromkeys(normalise_connector(str(v)) for v in value))
        return value

    @field_validator("networks", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, Iterable):
            return tuple(str(v).strip() for v in value if str(v).strip())
        return value


class ChargerResult(ChargingStationInfo):
    """A listed station, with what it means for the vehicle and where it lies."""

    compatibility: Compatibility
    matched_connectors: tuple[str, ...] = Field(default=(), description="station connectors the vehicle can use")
    usable_power_kw: float | None = Field(
        default=None, description="highest power (kW) on a usable connector; None: unknown"
    )
    distance_m: float | None = Field(default=None, ge=0, description="straight-line metres from the search point")
    detour_s: float | None = Field(default=None, ge=0, description="extra seconds of driving via this station")
    leg_index: int | None = Field(default=None, ge=0, description="route leg (0 = first) the detour is taken on")


class ChargingCatalog(Protocol):
    """Where a vehicle can charge: around a point, or along a drive."""

    async def near(
        self,
        point: LatLon,
        radius_m: float,
        filter: ChargerFilter | None = None,
        *,
        limit: int | None = None,
    ) -> list[ChargerResult]:
        """Stations within ``radius_m`` metres of ``point``, nearest first."""
        ...

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
        """Stations whose exact extra driving time is at most ``max_detour_s``, smallest detour first."""
        ...
