"""The agent tests share the Helsinki tools (built once per session)."""

from __future__ import annotations

import pytest

from codriver.bootstrap import Runtime
from codriver.planning._region_world import RegionTools


@pytest.fixture(scope="session")
def tools(helsinki: Runtime) -> RegionTools:
    return RegionTools.load(helsinki)
