"""The walking network of a region (park and walk): built at import from the same extract, on real OSM data."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from codriver.bootstrap import Runtime
from codriver.regions import load_walk_router
from codriver.regions._walk import build_walk_network, walk_file_for
from codriver.settings import Settings
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing import RoadGraph, WalkRouter

AMOS_REX = LatLon(60.1697, 24.9364)
KAMPPI_CHAPEL = LatLon(60.1696, 24.9339)
SENATE_SQUARE = LatLon(60.1693, 24.9522)


@pytest.fixture(scope="module")
def walk_graph(helsinki: Runtime) -> RoadGraph:
    region = helsinki.region("helsinki")
    return RoadGraph.load(walk_file_for(helsinki.settings.data_dir / region.graph_path))


def test_the_import_writes_the_walking_network_beside_the_drive_graph(helsinki: Runtime, walk_graph: RoadGraph) -> None:
    region = helsinki.region("helsinki")
    stats = region.stats["walking"]
    assert stats["status"] == "ok"
    assert stats["nodes"] == walk_graph.node_count
    # footways and pedestrian streets are walked: far more network than the drive graph has
    drive = helsinki.graph(region)
    assert walk_graph.node_count > 2 * drive.node_count
    assert stats["km"] > 2 * region.stats["road_km"]


def test_footways_and_streets_are_walked_motorways_and_cycleways_are_not(walk_graph: RoadGraph) -> None:
    kinds = set(walk_graph.highway.tolist())
    assert {"footway", "pedestrian", "residential", "steps"} <= kinds
    assert not kinds & {"motorway", "motorway_link", "cycleway"}


def test_every_way_is_walkable_both_ways_one_way_streets_included(helsinki: Runtime, walk_graph: RoadGraph) -> None:
    pairs = set(
        zip(
            walk_graph.node_osmid[walk_graph.edge_u].tolist(),
            walk_graph.node_osmid[walk_graph.edge_v].tolist(),
            strict=True,
        )
    )
    assert all((v, u) in pairs for u, v in pairs)
    drive = helsinki.graph(helsinki.region("helsinki"))
    driven = set(zip(drive.node_osmid[drive.edge_u].tolist(), drive.node_osmid[drive.edge_v].tolist(), strict=True))
    one_way = [(u, v) for u, v in driven if (v, u) not in driven]
    assert one_way  # central Helsinki has one-way streets
    walked_against = [(u, v) for u, v in one_way if (v, u) in pairs]
    assert len(walked_against) > 0.8 * len(one_way)


def test_walks_follow_the_network_and_are_symmetric(walk_graph: RoadGraph) -> None:
    walker = WalkRouter(walk_graph)
    metres = walker.metres([AMOS_REX, KAMPPI_CHAPEL, SENATE_SQUARE], limit_m=3000)
    assert np.allclose(metres, metres.T)
    straight = haversine_m(AMOS_REX, KAMPPI_CHAPEL)
    assert straight <= metres[0, 1] <= 3 * straight  # around a block
    far = haversine_m(AMOS_REX, SENATE_SQUARE)
    assert far <= metres[0, 2] <= 1.6 * far
    # a bounded search stops at its limit
    assert np.isinf(walker.metres([AMOS_REX, SENATE_SQUARE], limit_m=far / 2)[0, 1])
    found = walker.path(AMOS_REX, SENATE_SQUARE, limit_m=3000)
    assert found is not None
    length, coords = found
    assert length == pytest.approx(metres[0, 2])
    assert coords[0] == [AMOS_REX.lon, AMOS_REX.lat]
    assert coords[-1] == [SENATE_SQUARE.lon, SENATE_SQUARE.lat]
    assert len(coords) > 4


def test_a_region_imported_before_walking_networks_builds_one_on_first_use(helsinki: Runtime, tmp_path: Path) -> None:
    region = helsinki.region("helsinki")
    data = tmp_path / "data"
    (data / region.graph_path).parent.mkdir(parents=True)
    shutil.copy(helsinki.settings.data_dir / region.graph_path, data / region.graph_path)
    settings = Settings(data_dir=data)
    assert not walk_file_for(data / region.graph_path).exists()
    walker = load_walk_router(settings, region)
    assert walker is not None
    assert walk_file_for(data / region.graph_path).is_file()
    # and without its source extract it plans as before: no walking network
    gone = region.model_copy(update={"source": str(tmp_path / "gone.osm.pbf"), "graph_path": "other/graph-x.npz"})
    (data / "other").mkdir()
    shutil.copy(helsinki.settings.data_dir / region.graph_path, data / "other" / "graph-x.npz")
    assert load_walk_router(settings, gone) is None


def test_a_small_extract_keeps_its_largest_walkable_part(town_pbf: Path) -> None:
    # a hand-made town of a few streets: fewer nodes than a part must have, still walked
    graph = build_walk_network(town_pbf)
    assert 0 < graph.node_count < 50
    assert graph.edge_count > 0
    walker = WalkRouter(graph)
    a, b = LatLon(float(graph.lat[0]), float(graph.lon[0])), LatLon(float(graph.lat[-1]), float(graph.lon[-1]))
    assert np.isfinite(walker.metres([a, b], limit_m=50_000)).all()
