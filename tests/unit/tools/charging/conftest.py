"""Fixtures of the charging tests."""

from __future__ import annotations

import pytest
from charging_support import station

from codriver.tools.charging import ChargingStationInfo


@pytest.fixture
def helsinki_stations() -> list[ChargingStationInfo]:
    """Six stations in central Helsinki, inside the embedded region's road network."""
    return [
        station(
            "osm:node/1", 60.16866, 24.93958, {"ccs": (2, 150.0), "type2": (2, 22.0)}, name="Fast", operator="K-Lataus"
        ),
        station("osm:node/2", 60.17200, 24.94500, {"type2": (4, 11.0)}, name="Slow AC", network="Virta"),
        station("osm:node/3", 60.16600, 24.94800, None, name="No tags"),
        station("osm:node/4", 60.17600, 24.94100, {"chademo": (1, 50.0)}, name="CHAdeMO only"),
        station("osm:node/5", 60.16950, 24.95100, {"ccs": (1, 50.0)}, name="Private", access="private"),
        station("osm:node/6", 60.17400, 24.93700, {"ccs": (2, None)}, name="Unknown power", max_power_kw=None),
    ]
