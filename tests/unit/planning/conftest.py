"""Fixtures of the planning tests: the Helsinki region's tools, with and without a known charger."""

from __future__ import annotations

import pytest

from codriver.bootstrap import Runtime
from codriver.planning._region_world import RegionTools
from codriver.tools.charging import ConnectorInfo, OsmChargers


@pytest.fixture(scope="session")
def tools(helsinki: Runtime) -> RegionTools:
    """The embedded Helsinki region's tools (its OSM chargers have no socket data)."""
    return RegionTools.load(helsinki, "helsinki")


@pytest.fixture(scope="session")
def ev_tools(helsinki: Runtime, tools: RegionTools) -> RegionTools:
    """Helsinki with its first OSM charger given two 50 kW CCS sockets."""
    stations = tools.chargers.stations
    known = stations[0].model_copy(
        update={"connectors": (ConnectorInfo(connector="ccs", count=2, power_kw=50.0),), "sockets_known": True}
    )
    return RegionTools.load(helsinki, "helsinki", chargers=OsmChargers([known, *stations[1:]], router=tools.router))
