"""The import indexes the street names beside the graph cache; a re-import replaces them."""

from __future__ import annotations

from pathlib import Path

from codriver.bootstrap import Runtime
from codriver.regions import import_region
from codriver.regions.stored import streets_file_for
from codriver.settings import Settings
from codriver.tools.geocoding import cached_street_entries
from codriver.tools.geocoding._gazetteer import street_entries
from codriver.tools.routing import RoadGraph


def test_the_import_writes_the_streets_and_a_reimport_replaces_them(town_pbf: Path, tmp_path: Path) -> None:
    runtime = Runtime(Settings(data_dir=tmp_path / "data"))
    first = import_region(town_pbf, settings=runtime.settings, engine=runtime.engine, name="town")
    cache = runtime.settings.data_dir / first.region.graph_path
    streets = streets_file_for(cache)
    assert streets.is_file()
    written = streets.stat().st_mtime_ns
    graph = RoadGraph.load(cache)
    assert cached_street_entries(graph, cache, streets) == street_entries(graph)
    assert streets.stat().st_mtime_ns == written  # read as the import wrote it
    assert street_entries(graph)
    second = import_region(town_pbf, settings=runtime.settings, engine=runtime.engine, name="town")
    assert second.region.graph_path != first.region.graph_path
    assert not streets.exists()
    assert streets_file_for(runtime.settings.data_dir / second.region.graph_path).is_file()
