"""Helpers for the charging tests: stations with socket data (Helsinki's four have none)."""

from __future__ import annotations

from typing import Any

from codriver.tools.charging import ChargingStationInfo, ConnectorInfo


def station(
    poi_id: str,
    lat: float,
    lon: float,
    sockets: dict[str, tuple[int, float | None]] | None = None,
    **fields: Any,
) -> ChargingStationInfo:
    """A station; ``sockets`` maps connector -> (count, power kW); None: no socket data."""
    connectors = tuple(
        ConnectorInfo(connector=name, count=count, power_kw=power) for name, (count, power) in (sockets or {}).items()
    )
    return ChargingStationInfo(
        poi_id=poi_id,
        source="osm",
        lat=lat,
        lon=lon,
        connectors=connectors,
        sockets_known=sockets is not None,
        **fields,
    )
