"""The gazetteer's streets kept beside the drive graph's cache, and the graph's arrays mapped from its file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from codriver.bootstrap import Runtime
from codriver.regions import load_gazetteer
from codriver.regions.stored import streets_file_for
from codriver.store import Region
from codriver.tools.geocoding import cached_street_entries
from codriver.tools.geocoding._gazetteer import street_entries
from codriver.tools.routing import RoadGraph


@pytest.fixture(scope="module")
def region(helsinki: Runtime) -> Region:
    return helsinki.region("helsinki")


@pytest.fixture
def graph_file(helsinki: Runtime, region: Region, tmp_path: Path) -> Path:
    copy = tmp_path / "graph-0123456789ab-cafe.npz"
    shutil.copyfile(helsinki.settings.data_dir / region.graph_path, copy)
    return copy


def test_streets_are_written_once_then_read_back_equal(graph_file: Path) -> None:
    graph = RoadGraph.load(graph_file)
    target = streets_file_for(graph_file)
    assert target == graph_file.with_name("streets-0123456789ab-cafe.npz")
    built = cached_street_entries(graph, graph_file, target)
    assert built == street_entries(graph)
    assert target.is_file()
    written = target.stat().st_mtime_ns
    again = cached_street_entries(graph, graph_file, target)
    assert again == built
    assert target.stat().st_mtime_ns == written  # read, not rebuilt
    assert len(built) > 20


def test_streets_of_another_graph_file_are_rebuilt(graph_file: Path) -> None:
    graph = RoadGraph.load(graph_file)
    target = streets_file_for(graph_file)
    np.savez(
        target, stamp=np.array([1, 0, 0]), name=np.array(["Nowhere"]), category=np.array(["x"]), lat=[0.0], lon=[0.0]
    )
    assert cached_street_entries(graph, graph_file, target) == street_entries(graph)  # the stale file is not used
    target.write_bytes(b"not a zip")
    assert cached_street_entries(graph, graph_file, target) == street_entries(graph)
    os.utime(graph_file, ns=(1, 1))  # a graph file written again is another graph
    assert cached_street_entries(graph, graph_file, target) == street_entries(graph)
    assert "Nowhere" not in {e.name for e in cached_street_entries(graph, graph_file, target)}


def test_a_read_only_folder_only_costs_the_rebuild(graph_file: Path, tmp_path: Path) -> None:
    graph = RoadGraph.load(graph_file)
    assert cached_street_entries(graph, graph_file, tmp_path / "missing" / "streets.npz") == street_entries(graph)


def test_the_gazetteer_from_the_data_folder_keeps_its_streets(helsinki: Runtime, region: Region) -> None:
    graph = helsinki.graph(region)
    with_file = load_gazetteer(helsinki.engine, region, graph, data_dir=helsinki.settings.data_dir)
    without = load_gazetteer(helsinki.engine, region, graph)
    assert with_file is not without
    assert with_file.entries == without.entries
    assert streets_file_for(helsinki.settings.data_dir / region.graph_path).is_file()


def test_the_graph_is_mapped_from_its_file_equal_and_read_only(graph_file: Path) -> None:
    mapped = RoadGraph.load(graph_file)
    with np.load(graph_file, allow_pickle=False) as data:
        for name in RoadGraph.__dataclass_fields__:
            array = getattr(mapped, name)
            assert type(array) is np.ndarray
            np.testing.assert_array_equal(array, data[name])
            assert array.dtype == data[name].dtype
            assert not array.flags.writeable
