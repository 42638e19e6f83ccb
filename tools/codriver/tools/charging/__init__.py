"""Charging stations: the :class:`ChargingCatalog` protocol, the region's OSM stations and Open Charge Map.

Compatibility is tri-state (``compatible``, ``incompatible``, ``unknown``): a station
without socket data is reported unknown, never guessed compatible.
"""

from codriver.tools.charging._compat import access_level, assess
from codriver.tools.charging._confirm import confirm_sockets, merge_stations
from codriver.tools.charging._models import (
    ChargerFilter,
    ChargerResult,
    ChargingCatalog,
    ChargingStationInfo,
    Compatibility,
    ConnectorInfo,
    normalise_connector,
)
from codriver.tools.charging._ocm import CONNECTION_TYPES, OpenChargeMap, parse_poi
from codriver.tools.charging._osm import OsmChargers

__all__ = [
    "CONNECTION_TYPES",
    "ChargerFilter",
    "ChargerResult",
    "ChargingCatalog",
    "ChargingStationInfo",
    "Compatibility",
    "ConnectorInfo",
    "OpenChargeMap",
    "OsmChargers",
    "access_level",
    "assess",
    "confirm_sockets",
    "merge_stations",
    "normalise_connector",
    "parse_poi",
]
