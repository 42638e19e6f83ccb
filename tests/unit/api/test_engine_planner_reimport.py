"""``serve`` keeps a region's router, catalogue and gazetteer between requests, until the region is re-imported.

The re-import happens in another runtime, as ``codriver region import`` does in its own
process while the server runs; the server's planner sees it in the region's row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codriver.api import EnginePlanner
from codriver.bootstrap import Runtime
from codriver.errors import PlaceNotFound
from codriver.regions import import_region
from codriver.settings import Settings
from osm_extracts import write_extract


def _import(settings: Settings, path: Path) -> None:
    """Import ``path`` as region ``town`` from a runtime of its own (another process, in real life)."""
    other = Runtime(settings)
    import_region(path, settings=settings, engine=other.engine, name="town")
    other.engine.dispose()


def test_tools_are_kept_between_calls_and_replaced_after_a_reimport(settings: Settings, tmp_path: Path) -> None:
    _import(settings, write_extract(tmp_path / "town.osm.pbf"))
    runtime = Runtime(settings)
    planner = EnginePlanner(runtime)
    first = planner.tools("town")
    assert first.gazetteer is not None
    assert first.gazetteer.resolve("Town Museum").place_id == "osm:node/5008"
    assert first.entry("osm:node/5008") is not None
    assert planner.tools("town") is first  # kept: nothing rebuilt between requests
    first_map = planner.region_map("town")
    assert planner.region_map("town") is first_map

    _import(settings, write_extract(tmp_path / "bare.osm.pbf", places=False))  # same name, no places now

    second = planner.tools("town")
    assert second is not first
    assert second.router is not first.router
    assert second.router.graph is not first.router.graph
    assert second.places.index.entries == []
    assert second.entry("osm:node/5008") is None
    assert second.gazetteer is not None
    with pytest.raises(PlaceNotFound):
        second.gazetteer.resolve("Town Museum")
    assert second.gazetteer.resolve("Row 1 Street").kind == "street"  # the streets are still there
    assert planner.region_map("town") is not first_map  # drawn again from the new graph
    assert planner.tools("town") is second
    # the runtime keeps one import per region: the first import's router and catalogue are let go
    assert runtime.router(second.region) is second.router
    assert runtime.places(second.region) is second.places
    assert runtime.gazetteer(second.region) is second.gazetteer
