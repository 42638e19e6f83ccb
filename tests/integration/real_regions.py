"""Regions from real extracts kept in ``benchmarks/data/regions`` (© OpenStreetMap contributors, ODbL 1.0).

Shared by the tests of the second and third regions: import once per module, find a place's ID by
its exact catalogue name, and read a request there as a traveller starting at a named place.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from codriver.agents._understand import PlanContext, Understanding, region_facts, understand
from codriver.bootstrap import Runtime
from codriver.planning import Location
from codriver.planning._region_world import RegionTools
from codriver.regions import import_region
from codriver.settings import Settings

EXTRACTS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "regions"


def load(tmp_path_factory: pytest.TempPathFactory, extract: str, name: str) -> RegionTools:
    """The region of ``extract`` imported as ``name`` into a fresh data directory."""
    runtime = Runtime(Settings(data_dir=tmp_path_factory.mktemp(f"{name}-data")))
    import_region(EXTRACTS / extract, settings=runtime.settings, engine=runtime.engine, name=name)
    return RegionTools.load(runtime, name)


def place_id(tools: RegionTools, name: str) -> str:
    """The catalogue ID of the one place called exactly ``name``."""
    assert tools.gazetteer is not None
    (found,) = [e.place_id for e in tools.gazetteer.entries if e.kind == "place" and e.name == name and e.place_id]
    return found


def read(tools: RegionTools, text: str, *, now: datetime, start: str) -> Understanding:
    """``text`` understood at ``now`` by a traveller starting at the place called ``start``."""
    context = PlanContext(
        now=now,
        region=tools.region.name,
        origin=Location(place_id=place_id(tools, start)),
        **region_facts(tools),
    )
    return asyncio.run(understand(text, context=context, gazetteer=tools.gazetteer))
