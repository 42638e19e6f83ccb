"""The public surface of ``codriver.tools.charging``: what other packages may import."""

from __future__ import annotations

import codriver.tools.charging as package

EXPORTED = {
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
}


def test_public_names_are_exactly_these() -> None:
    assert set(package.__all__) == EXPORTED


def test_every_public_name_is_defined() -> None:
    missing = [name for name in package.__all__ if not hasattr(package, name)]
    assert missing == []
